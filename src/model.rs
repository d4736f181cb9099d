//! One draw of a scenario, ready for the engine: the scenario with the draw's
//! values ([`Scenario<f64>`]) and the tables derived from it once per draw —
//! monthly hazards per year, cost rates per segment and year, price and
//! indexation factors, discount factors, the components' followed stocks —
//! and the intervention's effect in a month (MODEL.md 5 and 12).
//!
//! Destinations, segments and components are in canonical order (by name,
//! [`crate::scenario::Order`]); every sum and product below runs in it.

use crate::resolve::{Number, Resolve};
use crate::sampling::Poisson;
use crate::scenario::{CaseloadMode, Enrolment, Intervention, LadderStep, Perspective, Scenario};
use crate::vocabulary::{CELLS, JOB_EDUCATION, LAST_CELL};

/// Monthly hazard from an annual probability: `−ln(1 − p) / 12`.
pub fn monthly_hazard(annual_probability: f64) -> f64 {
    -(-annual_probability).ln_1p() / 12.0
}

/// A run of duration cells `first..end` whose exit hazards share the ratio
/// `ratio` (MODEL.md 12.3; one run of ratio 1 without a `duration_hr`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DurationRun {
    pub first: usize,
    pub end: usize,
    pub ratio: f64,
}

/// A segment's monthly transitions in the baseline.
#[derive(Debug, Clone, Default)]
pub struct SegmentRates {
    /// Per calendar year: the mean monthly inflow and its Poisson law.
    pub inflow_month: Vec<f64>,
    pub inflow: Vec<Poisson>,
    /// `[year * n_dest + k]`: the baseline monthly hazard to destination `k`.
    pub hazard: Vec<f64>,
    /// The duration runs of the segment's cells.
    pub duration: Vec<DurationRun>,
    pub targeted: bool,
}

impl SegmentRates {
    /// The baseline monthly hazards of calendar year `y`.
    pub fn hazard(&self, y: usize) -> &[f64] {
        let n_dest = self.hazard.len() / self.inflow.len();
        &self.hazard[y * n_dest..(y + 1) * n_dest]
    }
}

/// A component that follows the persons it placed in a destination
/// (MODEL.md 12.2): one followed stock per segment, `cells` months long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Follower {
    pub component: usize,
    pub dest: usize,
    /// Cells of the followed stock: one per month of follow-up (never more
    /// than the horizon can use), or one without `follow_up_months`.
    pub cells: usize,
    /// Whether persons leave after `cells` months (else when the component ends).
    pub limited: bool,
    /// The month after the component's last (exclusive end).
    pub end: i64,
}

/// The followed stocks of a scenario, by destination and then component,
/// both in canonical order (the order in which leavers are assigned).
pub fn followers<N: Number>(sc: &Scenario<N>) -> Vec<Follower> {
    let Some(iv) = &sc.intervention else {
        return Vec::new();
    };
    let months = sc.calendar.months();
    let mut out = Vec::new();
    for k in 0..sc.destinations.len() {
        for (c, comp) in iv.components.iter().enumerate() {
            if comp.relapse_hr[k].is_some() {
                out.push(Follower {
                    component: c,
                    dest: k,
                    cells: comp.follow_up_months.map_or(1, |l| l.min(months).max(1)),
                    limited: comp.follow_up_months.is_some_and(|l| l <= months),
                    end: comp.end,
                });
            }
        }
    }
    out
}

/// The intervention's effect in one month (intervention arm).
#[derive(Debug, Clone)]
pub struct Effect {
    /// Per segment: whether the caseload or a component acts on it this month.
    pub treated: Vec<bool>,
    /// `[segment * n_dest + k]`: the hazard ratio to destination `k`, ramped.
    pub hazard_ratio: Vec<f64>,
    /// `[follower * n_segments + segment]`: the share `s_c` of the month's
    /// leavers to the follower's destination that its component enrolled.
    pub follow_share: Vec<f64>,
    /// Per follower: the monthly relapse probability of its followed stock.
    pub follow_relapse: Vec<f64>,
    /// Per component: enrolled, whether capped, and its whole cost (prices
    /// indexed, before the state's share).
    pub enrolled: Vec<f64>,
    pub capped: Vec<bool>,
    pub component_cost: Vec<f64>,
    pub caseload_cost: f64,
}

impl Effect {
    pub fn none(n_segments: usize, n_dest: usize, n_components: usize, n_followers: usize) -> Self {
        Effect {
            treated: vec![false; n_segments],
            hazard_ratio: vec![1.0; n_segments * n_dest],
            follow_share: vec![0.0; n_followers * n_segments],
            follow_relapse: vec![0.0; n_followers],
            enrolled: vec![0.0; n_components],
            capped: vec![false; n_components],
            component_cost: vec![0.0; n_components],
            caseload_cost: 0.0,
        }
    }

    fn clear(&mut self) {
        self.treated.fill(false);
        self.hazard_ratio.fill(1.0);
        self.follow_share.fill(0.0);
        self.follow_relapse.fill(0.0);
        self.enrolled.fill(0.0);
        self.capped.fill(false);
        self.component_cost.fill(0.0);
        self.caseload_cost = 0.0;
    }
}

/// `ρ(t)` of an effect that starts in month `start` with a ramp of
/// `ramp_months` (MODEL.md 5, 12.1).
fn ramp(t: i64, start: i64, ramp_months: f64) -> f64 {
    if ramp_months > 0.0 {
        ((t - start + 1) as f64 / ramp_months).min(1.0)
    } else {
        1.0
    }
}

/// `r^ρ`, with 1 left alone (as `exp(ρ ln r)`: a ramped ratio needs no
/// more than double precision, and the power costs several times more).
fn ramped(r: f64, rho: f64) -> f64 {
    if rho < 1.0 && r != 1.0 {
        (rho * r.ln()).exp()
    } else {
        r
    }
}

/// `Π (1 + entry_j)` for `j = 1..=y`, per calendar year `y` (MODEL.md 12.8).
fn growth_into(rises: &[f64], out: &mut Vec<f64>) {
    let mut factor = 1.0;
    refill(
        out,
        rises.iter().enumerate().map(|(j, &r)| {
            if j > 0 {
                factor *= 1.0 + r;
            }
            factor
        }),
    );
}

/// `out` holding the items of `items`, in its allocation.
fn refill<T>(out: &mut Vec<T>, items: impl Iterator<Item = T>) {
    out.clear();
    out.extend(items);
}

/// The value of a ladder (refusion, duration ratios) in each duration cell:
/// cell `d` is spell month `d + 1`.
fn by_cell(ladder: &[LadderStep<f64>], default: f64) -> [f64; CELLS] {
    std::array::from_fn(|d| {
        let month = d as u32 + 1;
        ladder
            .iter()
            .find(|step| step.up_to_month >= month)
            .map_or(default, |step| step.value)
    })
}

#[derive(Debug, Clone)]
pub struct DrawModel {
    /// The scenario with this draw's values.
    pub sc: Scenario<f64>,
    pub months: usize,
    pub n_years: usize,
    pub n_dest: usize,
    pub n_segments: usize,
    pub year_of_month: Vec<usize>,
    pub months_in_year: Vec<f64>,
    /// Discount factor of month `t`: `Π_{s<t} (1 + r_{year(s)})^(−1/12)`,
    /// which is `(1 + r)^(−t/12)` for one rate.
    pub discount: Vec<f64>,
    pub segments: Vec<SegmentRates>,
    /// Per `[segment * n_years + year]`: the perspective's and the
    /// municipality's cost of a person-month's benefit in each duration cell.
    pub benefit_cost: Vec<[f64; CELLS]>,
    pub benefit_municipal: Vec<[f64; CELLS]>,
    /// Per year: the perspective's cost of the jobcenter's effort per person on benefit.
    pub effort_cost: Vec<f64>,
    /// Per `[(segment * n_years + year) * n_dest + k]`: the perspective's cost
    /// of a person-month in destination `k` (with a `benefit_share`'s benefit).
    pub dest_cost: Vec<f64>,
    /// Per `[segment * n_years + year]`: what a before-and-after count
    /// claims for a person-month in job or education (MODEL.md 12.9); 0
    /// for segments the intervention does not target.
    pub claim_value: Vec<f64>,
    /// Monthly relapse hazard per destination: `−ln(1 − q) / 12`.
    pub relapse_hazard: Vec<f64>,
    /// Per destination: counted as job and education; and those destinations.
    pub job_education: Vec<bool>,
    pub job_education_list: Vec<usize>,
    /// Funding per month of each calendar year.
    pub funding_month: Vec<f64>,
    /// Per year: the price factor of the investment (MODEL.md 12.8).
    pub price: Vec<f64>,
    pub followers: Vec<Follower>,
    /// The first month in which the intervention's window or a component
    /// runs (`t0` of MODEL.md 12.9).
    pub first_running_month: Option<usize>,
    /// Months of burn-in before the horizon (MODEL.md 12.4).
    pub burn_in_months: usize,
    /// The segments the caseload reaches and the destinations it affects;
    /// per component, the segments it reaches and the destinations it has a
    /// hazard ratio for.
    caseload_reach: Vec<usize>,
    caseload_affects: Vec<usize>,
    component_reach: Vec<Vec<usize>>,
    component_dests: Vec<Vec<usize>>,
    /// Per year: the indexation factor of benefits and destination costs.
    indexation: Vec<f64>,
    /// Whether the tables that depend only on the scenario's keys are made.
    keys_derived: bool,
    /// In target mode the caseload is `min(target, base)` whenever its stock
    /// is positive (MODEL.md 11.13), so its hazard ratio is fixed for the
    /// draw and computed once.
    target_ratio: Option<f64>,
}

/// The discount factor of each month from the annual rate of each calendar
/// year: month `t` is discounted by the product of `(1 + r_y)^(−1/12)` over
/// the months before it, each at the rate of its own calendar year (a year
/// the horizon enters mid-way counts only its months inside the horizon).
/// One rate for every year gives `(1 + r)^(−t/12)`, computed as one `exp` per
/// month.
pub fn discount_factors(rate_per_year: &[f64], year_of_month: &[usize]) -> Vec<f64> {
    let first = rate_per_year[0];
    if rate_per_year.iter().all(|&r| r == first) {
        let ln_growth = first.ln_1p();
        return (0..year_of_month.len())
            .map(|t| (-(t as f64) / 12.0 * ln_growth).exp())
            .collect();
    }
    let mut log_growth = 0.0_f64;
    year_of_month
        .iter()
        .map(|&y| {
            let factor = (-log_growth / 12.0).exp();
            log_growth += rate_per_year[y].ln_1p();
            factor
        })
        .collect()
}

impl DrawModel {
    /// The draw of `sc` whose parameter values are `values`.
    pub fn new(sc: &Scenario, values: &[f64]) -> Self {
        Self::from_resolved(sc.resolve(values))
    }

    /// This model made the draw of `sc` whose parameter values are `values`,
    /// reusing its allocations (a run keeps one model per worker).
    pub fn update(&mut self, sc: &Scenario, values: &[f64]) {
        sc.resolve_into(values, &mut self.sc);
        self.derive();
    }

    /// The tables of a scenario that has its values.
    pub fn from_resolved(sc: Scenario<f64>) -> Self {
        let mut m = DrawModel {
            sc,
            months: 0,
            n_years: 0,
            n_dest: 0,
            n_segments: 0,
            year_of_month: Vec::new(),
            months_in_year: Vec::new(),
            discount: Vec::new(),
            segments: Vec::new(),
            benefit_cost: Vec::new(),
            benefit_municipal: Vec::new(),
            effort_cost: Vec::new(),
            dest_cost: Vec::new(),
            claim_value: Vec::new(),
            relapse_hazard: Vec::new(),
            job_education: Vec::new(),
            job_education_list: Vec::new(),
            funding_month: Vec::new(),
            price: Vec::new(),
            followers: Vec::new(),
            first_running_month: None,
            burn_in_months: 0,
            caseload_reach: Vec::new(),
            caseload_affects: Vec::new(),
            component_reach: Vec::new(),
            component_dests: Vec::new(),
            indexation: Vec::new(),
            keys_derived: false,
            target_ratio: None,
        };
        m.derive();
        m
    }

    /// Derives every table from `self.sc`, into the vectors it has.
    fn derive(&mut self) {
        let sc = &self.sc;
        let calendar = sc.calendar;
        let months = calendar.months();
        let n_years = calendar.n_years();
        let n_dest = sc.destinations.len();
        let n_seg = sc.segments.len();
        self.months = months;
        self.n_years = n_years;
        self.n_dest = n_dest;
        self.n_segments = n_seg;
        if self.year_of_month.len() != months {
            self.year_of_month = (0..months).map(|t| calendar.year_index(t)).collect();
            self.months_in_year = calendar
                .months_in_year()
                .into_iter()
                .map(|m| m as f64)
                .collect();
        }
        self.discount = discount_factors(&sc.discount_rate, &self.year_of_month);
        growth_into(&sc.indexation, &mut self.indexation);
        growth_into(&sc.price_index, &mut self.price);

        let targeted = |s: usize| sc.intervention.as_ref().is_some_and(|iv| iv.targeted[s]);
        self.segments.resize_with(n_seg, SegmentRates::default);
        for (s, (seg, rates)) in sc.segments.iter().zip(&mut self.segments).enumerate() {
            // A year whose exit probability is the previous year's has its hazard.
            rates.hazard.clear();
            for y in 0..n_years {
                for (k, p) in seg.exit.iter().enumerate() {
                    let h = if y > 0 && p[y] == p[y - 1] {
                        rates.hazard[(y - 1) * n_dest + k]
                    } else {
                        monthly_hazard(p[y])
                    };
                    rates.hazard.push(h);
                }
            }
            rates.duration.clear();
            for (d, r) in by_cell(&seg.duration_hr, 1.0).into_iter().enumerate() {
                match rates.duration.last_mut() {
                    Some(run) if run.ratio == r => run.end = d + 1,
                    _ => rates.duration.push(DurationRun {
                        first: d,
                        end: d + 1,
                        ratio: r,
                    }),
                }
            }
            refill(
                &mut rates.inflow_month,
                seg.inflow_per_year.iter().map(|i| i / 12.0),
            );
            refill(
                &mut rates.inflow,
                seg.inflow_per_year.iter().map(|i| Poisson::new(i / 12.0)),
            );
            rates.targeted = targeted(s);
        }

        let (w_muni, w_state) = match sc.perspective {
            Perspective::Municipal => (1.0, 0.0),
            Perspective::State => (0.0, 1.0),
            Perspective::Public => (1.0, 1.0),
        };
        // The state's share of benefit in cell d (spell month d + 1).
        let refund = by_cell(&sc.refusion, 0.0);
        self.benefit_cost.clear();
        self.benefit_municipal.clear();
        self.dest_cost.clear();
        self.claim_value.clear();
        let long_term = w_muni * (1.0 - refund[LAST_CELL]) + w_state * refund[LAST_CELL];
        for (s, seg) in sc.segments.iter().enumerate() {
            for &factor in &self.indexation {
                let gross = seg.benefit_month * factor;
                self.benefit_cost.push(std::array::from_fn(|d| {
                    gross * (w_muni * (1.0 - refund[d]) + w_state * refund[d])
                }));
                self.benefit_municipal
                    .push(std::array::from_fn(|d| gross * (1.0 - refund[d])));
                for dest in &sc.destinations {
                    let own = w_muni * dest.cost_month + w_state * dest.state_month;
                    self.dest_cost
                        .push(own * factor + dest.benefit_share * gross * long_term);
                }
                self.claim_value.push(if targeted(s) {
                    gross * (1.0 - refund[LAST_CELL])
                } else {
                    0.0
                });
            }
        }
        refill(
            &mut self.effort_cost,
            self.price.iter().map(|p| w_muni * sc.indsats_month * p),
        );
        let months_in_year = &self.months_in_year;
        match &sc.intervention {
            None => refill(&mut self.funding_month, (0..n_years).map(|_| 0.0)),
            Some(iv) => refill(
                &mut self.funding_month,
                iv.funding
                    .iter()
                    .zip(months_in_year)
                    .map(|(&f, &m)| if m > 0.0 { f / m } else { 0.0 }),
            ),
        }
        let caseload = sc.intervention.as_ref().and_then(|iv| iv.caseload.as_ref());
        self.target_ratio = caseload.and_then(|c| match c.mode {
            CaseloadMode::Target(target) => Some(
                (c.base / target.min(c.base))
                    .powf(c.elasticity)
                    .min(c.max_hr.unwrap_or(f64::INFINITY)),
            ),
            CaseloadMode::ExtraFte(_) => None,
        });
        self.first_running_month = sc.intervention.as_ref().and_then(|iv| {
            (0..months).find(|&t| {
                let t = t as i64;
                (iv.start..iv.end).contains(&t)
                    || iv.components.iter().any(|c| (c.start..c.end).contains(&t))
            })
        });
        self.burn_in_months = 12 * sc.burn_in_years;
        refill(
            &mut self.relapse_hazard,
            sc.destinations.iter().map(|d| monthly_hazard(d.relapse)),
        );
        let is_job_education = |k: usize| JOB_EDUCATION.contains(&sc.destinations[k].name.as_str());
        refill(&mut self.job_education, (0..n_dest).map(is_job_education));
        refill(
            &mut self.job_education_list,
            (0..n_dest).filter(|&k| is_job_education(k)),
        );
        // What depends only on the scenario's keys (who follows, who reaches
        // whom) is the same in every draw.
        if !self.keys_derived {
            self.keys_derived = true;
            let flagged =
                |flags: &[bool]| -> Vec<usize> { (0..flags.len()).filter(|&i| flags[i]).collect() };
            let components = sc
                .intervention
                .as_ref()
                .map_or(&[][..], |iv| &iv.components[..]);
            self.followers = followers(sc);
            self.caseload_reach = caseload.map_or(Vec::new(), |c| flagged(&c.segments));
            self.caseload_affects = caseload.map_or(Vec::new(), |c| flagged(&c.affects));
            self.component_reach = components.iter().map(|c| flagged(&c.segments)).collect();
            self.component_dests = components
                .iter()
                .map(|c| (0..n_dest).filter(|&k| c.hr[k].is_some()).collect())
                .collect();
        }
    }

    /// The intervention, if the scenario has one.
    pub fn intervention(&self) -> Option<&Intervention<f64>> {
        self.sc.intervention.as_ref()
    }

    /// An [`Effect`] of the right sizes for this scenario.
    pub fn no_effect(&self) -> Effect {
        let n_components = self.intervention().map_or(0, |iv| iv.components.len());
        Effect::none(
            self.n_segments,
            self.n_dest,
            n_components,
            self.followers.len(),
        )
    }

    /// The intervention's effect in month `t` given `benefit`, the
    /// intervention arm's benefit stock of each segment after inflow
    /// (MODEL.md 5, 11 and 12.1–12.2, 12.7–12.8).
    pub fn effect(&self, t: usize, benefit: &[f64], out: &mut Effect) {
        out.clear();
        let Some(iv) = self.intervention() else {
            return;
        };
        let (ti, y) = (t as i64, self.year_of_month[t]);
        let n_dest = self.n_dest;
        let stock_of = |reach: &[usize]| -> f64 { reach.iter().map(|&s| benefit[s]).sum() };
        if let Some(c) = iv
            .caseload
            .as_ref()
            .filter(|_| (iv.start..iv.end).contains(&ti))
        {
            let reach = &self.caseload_reach;
            let b = stock_of(reach);
            let extra = match &c.mode {
                CaseloadMode::Target(target) => (b / target - b / c.base).max(0.0),
                CaseloadMode::ExtraFte(extra_fte) => extra_fte[y],
            };
            out.caseload_cost = extra * c.fte_cost_year * self.price[y] / 12.0;
            for &s in reach {
                out.treated[s] = true;
            }
            if b > 0.0 {
                let ratio = match self.target_ratio {
                    Some(ratio) => ratio,
                    None => {
                        let caseload = b / (b / c.base + extra);
                        (c.base / caseload)
                            .powf(c.elasticity)
                            .min(c.max_hr.unwrap_or(f64::INFINITY))
                    }
                };
                let ratio = ramped(ratio, ramp(ti, iv.start, iv.ramp_months));
                if ratio != 1.0 {
                    for &s in reach {
                        for &k in &self.caseload_affects {
                            out.hazard_ratio[s * n_dest + k] *= ratio;
                        }
                    }
                }
            }
        }
        for (ci, comp) in iv.components.iter().enumerate() {
            if !(comp.start..comp.end).contains(&ti) {
                continue;
            }
            let reach = &self.component_reach[ci];
            let b = stock_of(reach);
            let enrolled = match &comp.enrolment {
                Enrolment::None => 0.0,
                Enrolment::Participants(p) => {
                    out.capped[ci] = p[y] > b;
                    p[y].min(b)
                }
                Enrolment::Coverage(c) => c[y] * b,
            };
            out.enrolled[ci] = enrolled;
            let one_off = if ti == comp.start { comp.one_off } else { 0.0 };
            out.component_cost[ci] =
                (enrolled * comp.cost_month + comp.fixed_year / 12.0 + one_off) * self.price[y];
            for &s in reach {
                out.treated[s] = true;
            }
            let rho = ramp(ti, comp.start, comp.ramp_months);
            // Nobody enrolled: no effect and nobody newly followed (MODEL.md
            // 12.2); those followed before still relapse with its ratio.
            let share = if b > 0.0 { enrolled / b } else { 0.0 };
            // The component's ramped average ratio for destination k, A_c,k.
            let average = |k: usize| match &comp.hr[k] {
                Some(hr) if share > 0.0 => ramped(1.0 + share * (hr[y] - 1.0), rho),
                _ => 1.0,
            };
            if share > 0.0 {
                for &k in &self.component_dests[ci] {
                    let a = average(k);
                    if a != 1.0 {
                        for &s in reach {
                            out.hazard_ratio[s * n_dest + k] *= a;
                        }
                    }
                }
            }
            for (f, follower) in self.followers.iter().enumerate() {
                if follower.component != ci {
                    continue;
                }
                let k = follower.dest;
                if share > 0.0 {
                    let a = average(k);
                    // s_c = 1 − (1 − φ)/A (nobody leaves to k when A = 0).
                    let enrolled_share = if a > 0.0 {
                        1.0 - (1.0 - share) / a
                    } else {
                        0.0
                    };
                    for &s in reach {
                        out.follow_share[f * self.n_segments + s] = enrolled_share;
                    }
                }
                let rhr = comp.relapse_hr[k]
                    .as_ref()
                    .map_or(1.0, |r| ramped(r[y], rho));
                out.follow_relapse[f] = -(-self.relapse_hazard[k] * rhr).exp_m1();
            }
        }
    }

    /// The investment of a month by the run's perspective (MODEL.md 12.7):
    /// the caseload (the municipality's), each component's cost less the
    /// state's share (or that share, for the state), and funding, which the
    /// state pays the municipality.
    pub fn investment(&self, y: usize, effect: &Effect, by_component: &mut [f64]) -> f64 {
        let perspective = self.sc.perspective;
        let mut total = match perspective {
            Perspective::State => 0.0,
            Perspective::Municipal | Perspective::Public => effect.caseload_cost,
        };
        if let Some(iv) = self.intervention() {
            for ((comp, &cost), out) in iv
                .components
                .iter()
                .zip(&effect.component_cost)
                .zip(by_component.iter_mut())
            {
                *out = match perspective {
                    Perspective::Municipal => cost * (1.0 - comp.state_share[y]),
                    Perspective::State => cost * comp.state_share[y],
                    Perspective::Public => cost,
                };
                total += *out;
            }
        }
        let funding = self.funding_month[y];
        match perspective {
            Perspective::Municipal => total - funding,
            Perspective::State => total + funding,
            Perspective::Public => total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scenario whose intervention is `intervention` (TOML), from March
    /// 2018 to the end of 2019, with fixed parameters; its draw 0.
    fn draw(intervention: &str) -> DrawModel {
        let text = format!(
            r#"
            start = "2018-01"
            years = 2
            [destinations]
            job = {{ relapse = 0.2 }}
            education = {{ relapse = 0.1 }}
            other = {{}}
            [[segments]]
            initial = 100
            benefit_month = 10000
            exit = {{ job = 0.1 }}
            [intervention]
            start = "2018-03"
            end = "2020-01"
            {intervention}
            "#
        );
        let sc = Scenario::from_toml_str(&text).expect("a valid scenario");
        let values = sc.params.sample(0, 0).expect("fixed values");
        DrawModel::new(&sc, &values)
    }

    fn effect(m: &DrawModel, t: usize, b_t: f64) -> Effect {
        let mut out = m.no_effect();
        m.effect(t, &[b_t], &mut out);
        out
    }

    const COMPONENT: &str = r#"
        [[intervention.components]]
        coverage = 1.0
        hr = { job = 2.0, education = 0.5 }
        relapse_hr = { job = 0.6 }
    "#;

    #[test]
    fn the_ramp_raises_each_ratio_to_the_power_rho() {
        let m = draw(&format!("ramp_months = 4\n{COMPONENT}"));
        // Destinations in canonical order: education, job, other.
        assert_eq!(m.sc.destinations[1].name, "job");
        // The intervention starts in month 2: ρ = 1/4, 2/4, 3/4, then 1.
        let q = monthly_hazard(0.2);
        for (t, rho) in [(2, 0.25), (3, 0.5), (4, 0.75), (5, 1.0), (20, 1.0)] {
            let e = effect(&m, t, 50.0);
            assert!(e.treated[0]);
            let close = |a: f64, b: f64| (a - b).abs() <= 1e-15 * b;
            let expected = [0.5f64.powf(rho), 2f64.powf(rho), 1.0];
            assert!(
                e.hazard_ratio
                    .iter()
                    .zip(expected)
                    .all(|(&a, b)| close(a, b)),
                "{:?} against {expected:?}",
                e.hazard_ratio
            );
            // Everyone is enrolled: every leaver to job is followed.
            assert!(close(e.follow_share[0], 1.0), "{:?}", e.follow_share);
            let rhr = 0.6f64.powf(rho);
            assert!(close(e.follow_relapse[0], -(-q * rhr).exp_m1()));
        }
        // Before the start and from the end on: no effect.
        for t in [0, 1] {
            let e = effect(&m, t, 50.0);
            assert!(!e.treated[0]);
            assert_eq!(e.hazard_ratio, [1.0; 3]);
        }
        let without_ramp = draw(COMPONENT);
        assert_eq!(effect(&without_ramp, 2, 50.0).hazard_ratio, [0.5, 2.0, 1.0]);
    }

    #[test]
    fn max_hr_caps_the_caseload_ratio() {
        // 100 persons at 50 cases per caseworker need 2; 2 more halve the caseload.
        let extra = "caseload = { base = 50, extra_fte = 2, fte_cost_year = 1200, elasticity = 1.0";
        let uncapped = draw(&format!("{extra} }}"));
        assert_eq!(effect(&uncapped, 2, 100.0).hazard_ratio, [2.0, 2.0, 1.0]);
        let capped = draw(&format!("{extra}, max_hr = 1.5 }}"));
        assert_eq!(effect(&capped, 2, 100.0).hazard_ratio, [1.5, 1.5, 1.0]);
        let loose = draw(&format!("{extra}, max_hr = 3 }}"));
        assert_eq!(effect(&loose, 2, 100.0).hazard_ratio, [2.0, 2.0, 1.0]);
        let target = draw(
            "caseload = { base = 60, target = 20, fte_cost_year = 1200, elasticity = 1.0, \
             max_hr = 1.5, affects = [\"other\"] }",
        );
        assert_eq!(effect(&target, 2, 100.0).hazard_ratio, [1.0, 1.0, 1.5]);
    }

    #[test]
    fn an_empty_target_stock_changes_no_hazard_but_pays_fixed_costs() {
        let extra = draw(&format!(
            "caseload = {{ base = 50, extra_fte = 2, fte_cost_year = 1200, elasticity = 1.0 }}\n\
             {COMPONENT}\ncost_month = 300\nfixed_year = 2400"
        ));
        let e = effect(&extra, 2, 0.0);
        assert!(e.treated[0]);
        assert_eq!(e.hazard_ratio, [1.0; 3]);
        // Nobody enrolled: nobody followed.
        assert_eq!(e.follow_share, [0.0]);
        // Extra caseworkers and the component's fixed cost are paid; nobody is enrolled.
        assert_eq!(e.caseload_cost + e.component_cost[0], 2.0 * 100.0 + 200.0);
        let target =
            draw("caseload = { base = 50, target = 25, fte_cost_year = 1200, elasticity = 1.0 }");
        let e = effect(&target, 2, 0.0);
        assert_eq!(
            (e.hazard_ratio.as_slice(), e.caseload_cost),
            ([1.0; 3].as_slice(), 0.0)
        );
        // With a stock, target mode pays for the caseworkers the target needs.
        let e = effect(&target, 2, 100.0);
        assert_eq!(e.caseload_cost, (100.0 / 25.0 - 100.0 / 50.0) * 100.0);
        assert_eq!(e.hazard_ratio, [2.0, 2.0, 1.0]);
    }

    #[test]
    fn one_off_is_charged_in_the_start_month_only() {
        let m = draw(&format!("{COMPONENT}\none_off = 5000\nfixed_year = 1200"));
        assert_eq!(effect(&m, 1, 10.0).component_cost[0], 0.0);
        assert_eq!(effect(&m, 2, 10.0).component_cost[0], 5000.0 + 100.0);
        assert_eq!(effect(&m, 3, 10.0).component_cost[0], 100.0);
        assert_eq!(effect(&m, 23, 10.0).component_cost[0], 100.0);
    }

    #[test]
    fn participants_are_capped_at_the_target_stock() {
        let m = draw(
            "[[intervention.components]]\nparticipants = [30, 60]\ncost_month = 10\n\
             hr = { job = 3.0 }",
        );
        // 2018: 30 of 20 persons on benefit: all 20 enrolled, the whole stock at HR 3.
        let e = effect(&m, 2, 20.0);
        assert_eq!((e.hazard_ratio[1], e.component_cost[0]), (3.0, 200.0));
        assert!(e.capped[0]);
        // 30 of 60: half the stock, ratio 1 + ½ (3 − 1).
        let e = effect(&m, 2, 60.0);
        assert_eq!((e.hazard_ratio[1], e.component_cost[0]), (2.0, 300.0));
        assert!(!e.capped[0]);
        // 2019 (month 12 on): 60 participants.
        let e = effect(&m, 12, 120.0);
        assert_eq!((e.hazard_ratio[1], e.component_cost[0]), (2.0, 600.0));
    }

    #[test]
    fn growth_compounds_from_the_second_year() {
        let mut out = vec![7.0; 5];
        growth_into(&[0.5, 0.1, 0.2], &mut out);
        assert_eq!(out, [1.0, 1.1, 1.1 * 1.2]);
        growth_into(&[0.0], &mut out);
        assert_eq!(out, [1.0]);
    }
}
