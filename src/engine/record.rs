//! One calendar year's sums of a draw, in canonical order, written to the
//! row and the detail at the year's end through their layouts (which put
//! them in the file's order). Keeping the month's work to plain additions
//! into one small array is what lets the outputs per segment cost nothing
//! measurable.

use super::Layouts;
use crate::model::DrawModel;
use crate::outputs::{ComponentBlock, CostPart, Shared, ARMS};

/// The sums of the current calendar year.
pub(super) struct Year {
    n_segments: usize,
    n_dest: usize,
    /// `[(arm * n_segments + s) * (1 + n_dest) + state]`: summed measured stocks.
    pub stock: Vec<f64>,
    /// `[(arm * n_segments + s) * n_dest + k]`: flows from benefit.
    pub flow: Vec<f64>,
    /// `[arm * n_segments + s]`: the perspective's cost.
    pub segment_cost: Vec<f64>,
    /// Per arm: the cost's parts (see [`CostPart`]), and relapses.
    pub cost_part: [[f64; 3]; 2],
    pub relapse: [f64; 2],
    pub investment: f64,
    pub inflow: f64,
    /// The municipal share of benefit, intervention minus baseline.
    pub municipal_benefit: f64,
    /// What a before-and-after count claims (positive).
    pub claimed: f64,
    /// `[component * 3 + block]` (see [`ComponentBlock`]): investment,
    /// summed enrolment, capped months.
    pub component: Vec<f64>,
}

impl Year {
    pub fn new(n_segments: usize, n_dest: usize, n_components: usize) -> Self {
        Year {
            n_segments,
            n_dest,
            stock: vec![0.0; 2 * n_segments * (1 + n_dest)],
            flow: vec![0.0; 2 * n_segments * n_dest],
            segment_cost: vec![0.0; 2 * n_segments],
            cost_part: [[0.0; 3]; 2],
            relapse: [0.0; 2],
            investment: 0.0,
            inflow: 0.0,
            municipal_benefit: 0.0,
            claimed: 0.0,
            component: vec![0.0; 3 * n_components],
        }
    }

    pub fn clear(&mut self) {
        self.stock.fill(0.0);
        self.flow.fill(0.0);
        self.segment_cost.fill(0.0);
        self.cost_part = [[0.0; 3]; 2];
        self.relapse = [0.0; 2];
        self.investment = 0.0;
        self.inflow = 0.0;
        self.municipal_benefit = 0.0;
        self.claimed = 0.0;
        self.component.fill(0.0);
    }

    /// The stocks of segment `s` in arm `a` (benefit, then destinations).
    #[inline]
    pub fn stocks(&mut self, a: usize, s: usize) -> &mut [f64] {
        let w = 1 + self.n_dest;
        let first = (a * self.n_segments + s) * w;
        &mut self.stock[first..first + w]
    }

    /// The flows of segment `s` in arm `a`.
    #[inline]
    pub fn flows(&mut self, a: usize, s: usize) -> &mut [f64] {
        let first = (a * self.n_segments + s) * self.n_dest;
        &mut self.flow[first..first + self.n_dest]
    }

    /// Writes year `y` into the row (and the detail), the year's flows of
    /// job and education per arm for the cumulative entries.
    pub fn write(
        &self,
        m: &DrawModel,
        layouts: &Layouts,
        y: usize,
        row: &mut [f64],
        detail: Option<&mut [f64]>,
    ) -> [f64; 2] {
        let (layout, dl) = (&layouts.row, &layouts.detail);
        let (n_seg, n_dest) = (self.n_segments, self.n_dest);
        let months = m.months_in_year[y];
        let mut cost = [0.0; 2];
        let mut job_education_months = [0.0; 2];
        let mut entries = [0.0; 2];
        for arm in ARMS {
            let a = arm as usize;
            for (part, value) in [CostPart::Benefit, CostPart::Effort, CostPart::Destinations]
                .into_iter()
                .zip(self.cost_part[a])
            {
                row[layout.cost_part(arm, part, y)] = value;
                cost[a] += value;
            }
            row[layout.cost(arm, y)] = cost[a];
            row[layout.relapse(arm, y)] = self.relapse[a];
            for st in 0..=n_dest {
                let sum: f64 = (0..n_seg)
                    .map(|s| self.stock[(a * n_seg + s) * (1 + n_dest) + st])
                    .sum();
                row[layout.stock(arm, st, y)] = sum / months;
                if st > 0 && m.job_education[st - 1] {
                    job_education_months[a] += sum;
                }
            }
            for k in 0..n_dest {
                let sum: f64 = (0..n_seg)
                    .map(|s| self.flow[(a * n_seg + s) * n_dest + k])
                    .sum();
                row[layout.flow(arm, k, y)] = sum;
                if m.job_education[k] {
                    entries[a] += sum;
                }
            }
        }
        let savings = cost[1] - cost[0];
        for (block, value) in [
            (Shared::Investment, self.investment),
            (Shared::Savings, savings),
            (Shared::Net, self.investment + savings),
            (Shared::Inflow, self.inflow),
            (Shared::GrossSavings, -self.claimed),
            (Shared::MunicipalBenefitSavings, self.municipal_benefit),
            (
                Shared::ExtraJobEducationYears,
                (job_education_months[1] - job_education_months[0]) / 12.0,
            ),
        ] {
            row[layout.shared(block, y)] = value;
        }
        if let Some(d) = detail {
            for arm in ARMS {
                let a = arm as usize;
                for s in 0..n_seg {
                    for st in 0..=n_dest {
                        d[dl.segment_stock(arm, s, st, y)] =
                            self.stock[(a * n_seg + s) * (1 + n_dest) + st] / months;
                    }
                    for k in 0..n_dest {
                        d[dl.segment_flow(arm, s, k, y)] = self.flow[(a * n_seg + s) * n_dest + k];
                    }
                }
            }
            for s in 0..n_seg {
                d[dl.segment_savings(s, y)] = self.segment_cost[n_seg + s] - self.segment_cost[s];
            }
            for c in 0..self.component.len() / 3 {
                let at = |b: ComponentBlock| dl.component(c, b, y);
                d[at(ComponentBlock::Investment)] = self.component[3 * c];
                d[at(ComponentBlock::Enrolment)] = self.component[3 * c + 1] / months;
                d[at(ComponentBlock::CappedMonths)] = self.component[3 * c + 2];
            }
        }
        entries
    }
}
