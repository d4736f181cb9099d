//! The per-draw outputs (OUTPUTS.md): the row of every draw and the detail
//! (per segment and per component) of the leading draws.
//!
//! A row is a sequence of blocks — one value per calendar year, or one
//! scalar — named by [`Layout::blocks`] so that the Python side reads every
//! output by name without copying. Blocks per destination, segment and
//! component follow the scenario file's order; the engine indexes them in
//! canonical order (by name) and the layouts map one to the other.

use crate::scenario::Scenario;

/// Which arm a block belongs to, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arm {
    Baseline = 0,
    Intervention = 1,
}

pub const ARMS: [Arm; 2] = [Arm::Baseline, Arm::Intervention];

impl Arm {
    pub fn name(self) -> &'static str {
        match self {
            Arm::Baseline => "baseline",
            Arm::Intervention => "intervention",
        }
    }
}

/// A named block of a row: `width` columns from `first`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub name: String,
    pub arm: Option<Arm>,
    pub first: usize,
    pub width: usize,
}

/// The per-year blocks shared by both arms (OUTPUTS.md), in row order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shared {
    Investment = 0,
    Savings,
    Net,
    PaidBack,
    ExtraJobEducation,
    ExtraJobEducationYears,
    ExtraEntriesJobEducation,
    GrossSavings,
    MunicipalBenefitSavings,
    Inflow,
}

const SHARED: [(Shared, &str); 10] = [
    (Shared::Investment, "investment"),
    (Shared::Savings, "savings"),
    (Shared::Net, "net"),
    (Shared::PaidBack, "paid_back"),
    (Shared::ExtraJobEducation, "extra_job_education"),
    (Shared::ExtraJobEducationYears, "extra_job_education_years"),
    (
        Shared::ExtraEntriesJobEducation,
        "extra_entries_job_education",
    ),
    (Shared::GrossSavings, "gross_savings"),
    (Shared::MunicipalBenefitSavings, "municipal_benefit_savings"),
    (Shared::Inflow, "inflow"),
];

/// The parts an arm's cost is made of, under the run's perspective.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostPart {
    /// Benefit payments (forsørgelse) after refusion.
    Benefit = 0,
    /// The jobcenter's effort per person on benefit (`indsats_month`).
    Effort = 1,
    /// Costs of persons in the destinations (with a `benefit_share`'s benefit).
    Destinations = 2,
}

/// Per-arm blocks before the flows: cost, three cost parts, relapse.
const ARM_FIXED_BLOCKS: usize = 5;

/// Column layout of a draw's row.
#[derive(Debug, Clone)]
pub struct Layout {
    pub n_years: usize,
    pub n_dest: usize,
    /// The file position of each destination in canonical order.
    dest_slot: Vec<usize>,
    /// The destinations' names in the file's order.
    dest_names: Vec<String>,
}

impl Layout {
    pub fn new(sc: &Scenario) -> Self {
        Layout {
            n_years: sc.calendar.n_years(),
            n_dest: sc.destinations.len(),
            dest_slot: sc.order.destinations.clone(),
            dest_names: sc
                .destination_names()
                .iter()
                .map(|s| s.to_string())
                .collect(),
        }
    }

    /// Blocks per arm: cost, its parts (benefit payments, jobcenter effort,
    /// destinations), relapse, one flow per destination, one average stock per
    /// state (benefit, then the destinations).
    fn arm_blocks(&self) -> usize {
        ARM_FIXED_BLOCKS + self.n_dest + 1 + self.n_dest
    }

    fn block(&self, b: usize, y: usize) -> usize {
        b * self.n_years + y
    }

    fn arm_block(&self, arm: Arm, b: usize, y: usize) -> usize {
        self.block(SHARED.len() + arm as usize * self.arm_blocks() + b, y)
    }

    pub fn shared(&self, block: Shared, y: usize) -> usize {
        self.block(block as usize, y)
    }
    pub fn cost(&self, arm: Arm, y: usize) -> usize {
        self.arm_block(arm, 0, y)
    }
    /// Part of the cost: see [`CostPart`].
    pub fn cost_part(&self, arm: Arm, part: CostPart, y: usize) -> usize {
        self.arm_block(arm, 1 + part as usize, y)
    }
    pub fn relapse(&self, arm: Arm, y: usize) -> usize {
        self.arm_block(arm, 4, y)
    }
    /// Flow into destination `k` (canonical order).
    pub fn flow(&self, arm: Arm, k: usize, y: usize) -> usize {
        self.arm_block(arm, ARM_FIXED_BLOCKS + self.dest_slot[k], y)
    }
    /// Average stock of state `s` (0 = benefit, 1 + k = destination k in
    /// canonical order).
    pub fn stock(&self, arm: Arm, s: usize, y: usize) -> usize {
        self.arm_block(arm, ARM_FIXED_BLOCKS + self.n_dest + self.state_slot(s), y)
    }
    /// The position of state `s` (0 = benefit, 1 + k canonical) in the
    /// file's order of states, as in the monthly stock paths.
    pub fn state_slot(&self, s: usize) -> usize {
        if s == 0 {
            0
        } else {
            1 + self.dest_slot[s - 1]
        }
    }
    pub fn npv(&self) -> usize {
        (SHARED.len() + 2 * self.arm_blocks()) * self.n_years
    }
    pub fn break_even(&self) -> usize {
        self.npv() + 1
    }
    pub fn deadweight(&self) -> usize {
        self.npv() + 2
    }
    pub fn width(&self) -> usize {
        self.npv() + 3
    }

    /// Every block of the row, in row order.
    pub fn blocks(&self) -> Vec<Block> {
        let n = self.n_years;
        let per_year = |name: String, arm: Option<Arm>, first: usize| Block {
            name,
            arm,
            first,
            width: n,
        };
        let mut out: Vec<Block> = SHARED
            .iter()
            .map(|&(b, name)| per_year(name.to_string(), None, self.shared(b, 0)))
            .collect();
        for arm in ARMS {
            let a = Some(arm);
            out.push(per_year("cost".into(), a, self.cost(arm, 0)));
            for (part, name) in [
                (CostPart::Benefit, "cost.benefit"),
                (CostPart::Effort, "cost.effort"),
                (CostPart::Destinations, "cost.destinations"),
            ] {
                out.push(per_year(name.into(), a, self.cost_part(arm, part, 0)));
            }
            out.push(per_year("relapse".into(), a, self.relapse(arm, 0)));
            let flows = self.arm_block(arm, ARM_FIXED_BLOCKS, 0);
            for (slot, d) in self.dest_names.iter().enumerate() {
                out.push(per_year(format!("flow.{d}"), a, flows + slot * n));
            }
            let stocks = self.arm_block(arm, ARM_FIXED_BLOCKS + self.n_dest, 0);
            let states =
                std::iter::once("benefit").chain(self.dest_names.iter().map(|d| d.as_str()));
            for (slot, state) in states.enumerate() {
                out.push(per_year(format!("stock.{state}"), a, stocks + slot * n));
            }
        }
        for (name, first) in [
            ("npv", self.npv()),
            ("break_even", self.break_even()),
            ("deadweight", self.deadweight()),
        ] {
            out.push(Block {
                name: name.into(),
                arm: None,
                first,
                width: 1,
            });
        }
        out
    }
}

/// A component's blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComponentBlock {
    Investment = 0,
    Enrolment = 1,
    CappedMonths = 2,
}

/// Column layout of a draw's detail: per segment, its average stock per
/// state and flows per destination per arm and its savings; per component,
/// its investment, average enrolment and capped months.
#[derive(Debug, Clone)]
pub struct DetailLayout {
    pub n_years: usize,
    n_dest: usize,
    n_segments: usize,
    dest_slot: Vec<usize>,
    segment_slot: Vec<usize>,
    component_slot: Vec<usize>,
    dest_names: Vec<String>,
    segment_names: Vec<String>,
    component_names: Vec<String>,
}

impl DetailLayout {
    pub fn new(sc: &Scenario) -> Self {
        let owned = |names: Vec<&str>| names.iter().map(|s| s.to_string()).collect();
        DetailLayout {
            n_years: sc.calendar.n_years(),
            n_dest: sc.destinations.len(),
            n_segments: sc.segments.len(),
            dest_slot: sc.order.destinations.clone(),
            segment_slot: sc.order.segments.clone(),
            component_slot: sc.order.components.clone(),
            dest_names: owned(sc.destination_names()),
            segment_names: owned(sc.segment_names()),
            component_names: owned(sc.component_names()),
        }
    }

    /// Blocks per segment: stocks (1 + destinations) and flows per arm, savings.
    fn segment_blocks(&self) -> usize {
        2 * (1 + self.n_dest) + 2 * self.n_dest + 1
    }

    fn segment_block(&self, s: usize, b: usize, y: usize) -> usize {
        (self.segment_slot[s] * self.segment_blocks() + b) * self.n_years + y
    }

    /// Average stock of state `st` (0 = benefit, 1 + k canonical) of
    /// segment `s` (canonical).
    pub fn segment_stock(&self, arm: Arm, s: usize, st: usize, y: usize) -> usize {
        let slot = if st == 0 {
            0
        } else {
            1 + self.dest_slot[st - 1]
        };
        self.segment_block(s, arm as usize * (1 + self.n_dest) + slot, y)
    }

    pub fn segment_flow(&self, arm: Arm, s: usize, k: usize, y: usize) -> usize {
        let first = 2 * (1 + self.n_dest) + arm as usize * self.n_dest;
        self.segment_block(s, first + self.dest_slot[k], y)
    }

    pub fn segment_savings(&self, s: usize, y: usize) -> usize {
        self.segment_block(s, self.segment_blocks() - 1, y)
    }

    pub fn component(&self, c: usize, block: ComponentBlock, y: usize) -> usize {
        let segments = self.n_segments * self.segment_blocks();
        (segments + self.component_slot[c] * 3 + block as usize) * self.n_years + y
    }

    pub fn width(&self) -> usize {
        (self.n_segments * self.segment_blocks() + 3 * self.component_slot.len()) * self.n_years
    }

    /// Every block of the detail, in order.
    pub fn blocks(&self) -> Vec<Block> {
        let n = self.n_years;
        let mut out = Vec::new();
        let mut push = |name: String, arm: Option<Arm>| {
            let first = out.len() * n;
            out.push(Block {
                name,
                arm,
                first,
                width: n,
            });
        };
        let states: Vec<&str> = std::iter::once("benefit")
            .chain(self.dest_names.iter().map(|d| d.as_str()))
            .collect();
        for seg in &self.segment_names {
            for arm in ARMS {
                for state in &states {
                    push(format!("segment[{seg}].stock.{state}"), Some(arm));
                }
            }
            for arm in ARMS {
                for d in &self.dest_names {
                    push(format!("segment[{seg}].flow.{d}"), Some(arm));
                }
            }
            push(format!("segment[{seg}].savings"), None);
        }
        for comp in &self.component_names {
            for what in ["investment", "enrolment", "capped_months"] {
                push(format!("component[{comp}].{what}"), None);
            }
        }
        out
    }
}

/// Tracks cumulative net to find the break-even month (MODEL.md 7, 11.11):
/// the first month whose cumulative net is ≤ 0 and stays ≤ 0 to the horizon.
#[derive(Debug, Default, Clone)]
pub struct BreakEven {
    cumulative: f64,
    last_positive: Option<usize>,
}

impl BreakEven {
    pub fn push(&mut self, t: usize, net: f64) {
        self.cumulative += net;
        // NaN is not "at or below zero": such a draw never breaks even.
        if self.cumulative > 0.0 || self.cumulative.is_nan() {
            self.last_positive = Some(t);
        }
    }

    /// Month index, or −1 when cumulative net is still positive at the end.
    pub fn month(&self, months: usize) -> f64 {
        match self.last_positive {
            None => 0.0,
            Some(t) if t + 1 < months => (t + 1) as f64,
            Some(_) => -1.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn break_even_rules() {
        let mut b = BreakEven::default();
        for (t, net) in [5.0, -2.0, -4.0, 1.0, -1.0].into_iter().enumerate() {
            b.push(t, net);
        }
        // cumulative: 5, 3, -1, 0, -1 → ≤ 0 from month 2 on.
        assert_eq!(b.month(5), 2.0);
        let mut never = BreakEven::default();
        never.push(0, 1.0);
        never.push(1, 0.5);
        assert_eq!(never.month(2), -1.0);
        let mut nan = BreakEven::default();
        nan.push(0, -1.0);
        nan.push(1, f64::NAN);
        assert_eq!(nan.month(2), -1.0);
        let mut at_once = BreakEven::default();
        at_once.push(0, -1.0);
        assert_eq!(at_once.month(1), 0.0);
    }

    const SCENARIO: &str = r#"
        start = "2017-07"
        years = 3
        [destinations]
        pension = {}
        job = {}
        education = {}
        [[segments]]
        name = "young"
        initial = 10
        benefit_month = 100
        [[segments]]
        name = "old"
        initial = 10
        benefit_month = 100
        [intervention]
        start = "2017-07"
        end = "2018-07"
        [[intervention.components]]
        name = "mentor"
        [[intervention.components]]
        name = "broker"
    "#;

    /// Blocks tile the row (and the detail) without gaps or overlaps, and
    /// each accessor lands in the block of its name.
    #[test]
    fn blocks_tile_and_name_their_columns() {
        let sc = Scenario::from_toml_str(SCENARIO).unwrap();
        let l = Layout::new(&sc);
        let blocks = l.blocks();
        let mut next = 0;
        for b in &blocks {
            assert_eq!(b.first, next, "{}", b.name);
            next += b.width;
        }
        assert_eq!(next, l.width());
        let at = |col: usize| -> (&str, Option<Arm>) {
            let b = blocks
                .iter()
                .find(|b| (b.first..b.first + b.width).contains(&col))
                .unwrap();
            (&b.name, b.arm)
        };
        let job = sc.destination_index("job").unwrap();
        assert_eq!(sc.destination_names(), ["pension", "job", "education"]);
        let i = Some(Arm::Intervention);
        assert_eq!(at(l.flow(Arm::Intervention, job, 3)), ("flow.job", i));
        assert_eq!(at(l.stock(Arm::Intervention, 1 + job, 0)), ("stock.job", i));
        assert_eq!(
            at(l.stock(Arm::Baseline, 0, 2)),
            ("stock.benefit", Some(Arm::Baseline))
        );
        assert_eq!(
            at(l.shared(Shared::GrossSavings, 1)),
            ("gross_savings", None)
        );
        assert_eq!(at(l.deadweight()), ("deadweight", None));

        let d = DetailLayout::new(&sc);
        let blocks = d.blocks();
        assert_eq!(blocks.len() * d.n_years, d.width());
        let at = |col: usize| -> (&str, Option<Arm>) {
            let b = &blocks[col / d.n_years];
            (&b.name, b.arm)
        };
        let old = sc.segments.iter().position(|s| s.name == "old").unwrap();
        let mentor = sc
            .intervention
            .as_ref()
            .unwrap()
            .components
            .iter()
            .position(|c| c.name == "mentor")
            .unwrap();
        assert_eq!(
            at(d.segment_stock(Arm::Baseline, old, 1 + job, 2)),
            ("segment[old].stock.job", Some(Arm::Baseline))
        );
        assert_eq!(
            at(d.segment_flow(Arm::Intervention, old, job, 0)),
            ("segment[old].flow.job", i)
        );
        assert_eq!(
            at(d.segment_savings(old, 1)),
            ("segment[old].savings", None)
        );
        assert_eq!(
            at(d.component(mentor, ComponentBlock::CappedMonths, 3)),
            ("component[mentor].capped_months", None)
        );
    }
}
