//! One draw of a scenario, ready for the engine: the scenario with the draw's
//! values ([`Scenario<f64>`]) and the tables derived from it once per draw —
//! monthly hazards, refusion-weighted benefit costs, discount factors — and
//! the intervention's effect in a month.

use crate::resolve::Resolve;
use crate::sampling::Poisson;
use crate::scenario::{CaseloadMode, Enrolment, Intervention, Perspective, Scenario};
use crate::vocabulary::{CELLS, JOB_EDUCATION};

/// Monthly hazard from an annual probability: `−ln(1 − p) / 12`.
pub fn monthly_hazard(annual_probability: f64) -> f64 {
    -(-annual_probability).ln_1p() / 12.0
}

/// A segment's monthly transitions in the baseline.
#[derive(Debug, Clone)]
pub struct SegmentRates {
    pub inflow_month: f64,
    /// The inflow's Poisson law, for stochastic runs.
    pub inflow: Poisson,
    /// Baseline monthly hazard to each destination.
    pub hazard: Vec<f64>,
    pub targeted: bool,
}

/// The intervention's effect in one month: hazard and relapse ratios per
/// destination (ramped) and the month's investment cost before funding.
#[derive(Debug, Clone)]
pub struct Effect {
    pub active: bool,
    pub hazard_ratio: Vec<f64>,
    pub relapse_ratio: Vec<f64>,
    pub cost: f64,
}

impl Effect {
    /// No effect, for `n_dest` destinations.
    pub fn none(n_dest: usize) -> Self {
        Effect {
            active: false,
            hazard_ratio: vec![1.0; n_dest],
            relapse_ratio: vec![1.0; n_dest],
            cost: 0.0,
        }
    }
}

#[derive(Debug, Clone)]
pub struct DrawModel {
    /// The scenario with this draw's values.
    pub sc: Scenario<f64>,
    pub months: usize,
    pub n_years: usize,
    pub n_dest: usize,
    pub year_of_month: Vec<usize>,
    pub months_in_year: Vec<f64>,
    /// Discount factor of month `t`: `Π_{s<t} (1 + r_{year(s)})^(−1/12)`,
    /// which is `(1 + r)^(−t/12)` for one rate.
    pub discount: Vec<f64>,
    pub segments: Vec<SegmentRates>,
    /// Per `[segment * n_years + year]`: municipal and state cost of a
    /// person-month's benefit payment in each duration cell (after refusion).
    pub benefit_municipal: Vec<[f64; CELLS]>,
    pub benefit_state: Vec<[f64; CELLS]>,
    /// Monthly relapse hazard per destination: `−ln(1 − q) / 12`.
    pub relapse_hazard: Vec<f64>,
    /// Destinations counted in "extra persons into job and education".
    pub job_education: Vec<usize>,
    /// Funding per month of each calendar year.
    pub funding_month: Vec<f64>,
    /// In target mode the caseload is `min(target, base)` whenever `B_T > 0`
    /// (MODEL.md 5: `B_T / (B_T/base + B_T/target − B_T/base)` = target), so
    /// its hazard ratio is fixed for the draw and computed once.
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

    /// The tables of a scenario that has its values.
    pub fn from_resolved(sc: Scenario<f64>) -> Self {
        let calendar = sc.calendar;
        let months = calendar.months();
        let n_years = calendar.n_years();
        let year_of_month: Vec<usize> = (0..months).map(|t| calendar.year_index(t)).collect();
        let months_in_year: Vec<f64> = calendar
            .months_in_year()
            .into_iter()
            .map(|m| m as f64)
            .collect();
        let discount = discount_factors(&sc.discount_rate, &year_of_month);

        let targeted = |s: usize| sc.intervention.as_ref().is_some_and(|iv| iv.targeted[s]);
        let segments = sc
            .segments
            .iter()
            .enumerate()
            .map(|(s, seg)| SegmentRates {
                inflow_month: seg.inflow_per_year / 12.0,
                inflow: Poisson::new(seg.inflow_per_year / 12.0),
                hazard: seg.exit.iter().map(|&p| monthly_hazard(p)).collect(),
                targeted: targeted(s),
            })
            .collect();

        // State share of benefit in cell d (spell month d + 1).
        let refund: Vec<f64> = (0..CELLS)
            .map(|d| {
                let month = d as u32 + 1;
                sc.refusion
                    .iter()
                    .find(|step| step.up_to_month >= month)
                    .map_or(0.0, |step| step.share)
            })
            .collect();
        let mut benefit_municipal = Vec::with_capacity(sc.segments.len() * n_years);
        let mut benefit_state = Vec::with_capacity(sc.segments.len() * n_years);
        for seg in &sc.segments {
            for year in calendar.years_touched() {
                let gross =
                    seg.benefit_month * (1.0 + sc.indexation).powi(year - calendar.start_year);
                let mut muni = [0.0; CELLS];
                let mut state = [0.0; CELLS];
                for d in 0..CELLS {
                    muni[d] = gross * (1.0 - refund[d]);
                    state[d] = gross * refund[d];
                }
                benefit_municipal.push(muni);
                benefit_state.push(state);
            }
        }

        let funding_month = match &sc.intervention {
            None => vec![0.0; n_years],
            Some(iv) => iv
                .funding
                .iter()
                .zip(&months_in_year)
                .map(|(&f, &m)| if m > 0.0 { f / m } else { 0.0 })
                .collect(),
        };
        let target_ratio = sc
            .intervention
            .as_ref()
            .and_then(|iv| iv.caseload.as_ref())
            .and_then(|c| match c.mode {
                CaseloadMode::Target(target) => Some(
                    (c.base / target.min(c.base))
                        .powf(c.elasticity)
                        .min(c.max_hr.unwrap_or(f64::INFINITY)),
                ),
                CaseloadMode::ExtraFte(_) => None,
            });

        DrawModel {
            months,
            n_years,
            n_dest: sc.destinations.len(),
            year_of_month,
            months_in_year,
            discount,
            segments,
            benefit_municipal,
            benefit_state,
            relapse_hazard: sc
                .destinations
                .iter()
                .map(|d| monthly_hazard(d.relapse))
                .collect(),
            job_education: JOB_EDUCATION
                .iter()
                .filter_map(|n| sc.destination_index(n))
                .collect(),
            funding_month,
            target_ratio,
            sc,
        }
    }

    /// The intervention, if the scenario has one.
    fn intervention(&self) -> Option<&Intervention<f64>> {
        self.sc.intervention.as_ref()
    }

    /// The intervention's effect in month `t` given `b_t`, the intervention
    /// arm's benefit stock of targeted segments after inflow (MODEL.md 5, 11).
    pub fn effect(&self, t: usize, b_t: f64, out: &mut Effect) {
        out.hazard_ratio.iter_mut().for_each(|r| *r = 1.0);
        out.relapse_ratio.iter_mut().for_each(|r| *r = 1.0);
        out.cost = 0.0;
        out.active = false;
        let Some(iv) = self.intervention() else {
            return;
        };
        let ti = t as i64;
        if ti < iv.start || ti >= iv.end {
            return;
        }
        out.active = true;
        let y = self.year_of_month[t];
        if let Some(c) = &iv.caseload {
            let extra = match &c.mode {
                CaseloadMode::Target(target) => (b_t / target - b_t / c.base).max(0.0),
                CaseloadMode::ExtraFte(extra_fte) => extra_fte[y],
            };
            out.cost += extra * (c.fte_cost_year / 12.0);
            if b_t > 0.0 {
                let ratio = match self.target_ratio {
                    Some(ratio) => ratio,
                    None => {
                        let caseload = b_t / (b_t / c.base + extra);
                        (c.base / caseload)
                            .powf(c.elasticity)
                            .min(c.max_hr.unwrap_or(f64::INFINITY))
                    }
                };
                for (r, &affected) in out.hazard_ratio.iter_mut().zip(&c.affects) {
                    if affected {
                        *r *= ratio;
                    }
                }
            }
        }
        for comp in &iv.components {
            let enrolled = match &comp.enrolment {
                Enrolment::None => 0.0,
                Enrolment::Participants(p) => p[y].min(b_t),
                Enrolment::Coverage(c) => c[y] * b_t,
            };
            out.cost += enrolled * comp.cost_month + comp.fixed_year / 12.0;
            if ti == iv.start {
                out.cost += comp.one_off;
            }
            if b_t > 0.0 {
                let share = enrolled / b_t;
                for (r, hr) in out.hazard_ratio.iter_mut().zip(&comp.hr) {
                    if let Some(hr) = hr {
                        *r *= 1.0 + share * (hr[y] - 1.0);
                    }
                }
            }
            for (r, rhr) in out.relapse_ratio.iter_mut().zip(&comp.relapse_hr) {
                if let Some(rhr) = rhr {
                    *r *= rhr[y];
                }
            }
        }
        let ramp = if iv.ramp_months > 0.0 {
            ((ti - iv.start + 1) as f64 / iv.ramp_months).min(1.0)
        } else {
            1.0
        };
        if ramp < 1.0 {
            // 1^ρ = 1: only the ratios that differ from 1 need a power.
            let ramp_in = |r: &mut f64| {
                if *r != 1.0 {
                    *r = r.powf(ramp);
                }
            };
            out.hazard_ratio.iter_mut().for_each(ramp_in);
            out.relapse_ratio.iter_mut().for_each(ramp_in);
        }
    }

    /// Cost of a person-month, by perspective, from its municipal and state parts.
    pub fn perspective_cost(&self, municipal: f64, state: f64) -> f64 {
        match self.sc.perspective {
            Perspective::Municipal => municipal,
            Perspective::State => state,
            Perspective::Public => municipal + state,
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
        let mut out = Effect::none(m.n_dest);
        m.effect(t, b_t, &mut out);
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
        // The intervention starts in month 2: ρ = 1/4, 2/4, 3/4, then 1.
        for (t, rho) in [(2, 0.25), (3, 0.5), (4, 0.75), (5, 1.0), (20, 1.0)] {
            let e = effect(&m, t, 50.0);
            assert!(e.active);
            assert_eq!(e.hazard_ratio, [2f64.powf(rho), 0.5f64.powf(rho), 1.0]);
            assert_eq!(e.relapse_ratio, [0.6f64.powf(rho), 1.0, 1.0]);
        }
        // Before the start and from the end on: no effect.
        for t in [0, 1] {
            let e = effect(&m, t, 50.0);
            assert!(!e.active);
            assert_eq!(e.hazard_ratio, [1.0; 3]);
            assert_eq!(e.relapse_ratio, [1.0; 3]);
        }
        let without_ramp = draw(COMPONENT);
        assert_eq!(effect(&without_ramp, 2, 50.0).hazard_ratio, [2.0, 0.5, 1.0]);
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
        assert!(e.active);
        assert_eq!(e.hazard_ratio, [1.0; 3]);
        // Retention acts on the destination stocks, which B_T does not measure.
        assert_eq!(e.relapse_ratio, [0.6, 1.0, 1.0]);
        // Extra caseworkers and the component's fixed cost are paid; nobody is enrolled.
        assert_eq!(e.cost, 2.0 * 100.0 + 200.0);
        let target =
            draw("caseload = { base = 50, target = 25, fte_cost_year = 1200, elasticity = 1.0 }");
        let e = effect(&target, 2, 0.0);
        assert_eq!(
            (e.hazard_ratio.as_slice(), e.cost),
            ([1.0; 3].as_slice(), 0.0)
        );
        // With a stock, target mode pays for the caseworkers the target needs.
        let e = effect(&target, 2, 100.0);
        assert_eq!(e.cost, (100.0 / 25.0 - 100.0 / 50.0) * 100.0);
        assert_eq!(e.hazard_ratio, [2.0, 2.0, 1.0]);
    }

    #[test]
    fn one_off_is_charged_in_the_start_month_only() {
        let m = draw(&format!("{COMPONENT}\none_off = 5000\nfixed_year = 1200"));
        assert_eq!(effect(&m, 1, 10.0).cost, 0.0);
        assert_eq!(effect(&m, 2, 10.0).cost, 5000.0 + 100.0);
        assert_eq!(effect(&m, 3, 10.0).cost, 100.0);
        assert_eq!(effect(&m, 23, 10.0).cost, 100.0);
    }

    #[test]
    fn participants_are_capped_at_the_target_stock() {
        let m = draw(
            "[[intervention.components]]\nparticipants = [30, 60]\ncost_month = 10\n\
             hr = { job = 3.0 }",
        );
        // 2018: 30 of 20 persons on benefit: all 20 enrolled, the whole stock at HR 3.
        let e = effect(&m, 2, 20.0);
        assert_eq!((e.hazard_ratio[0], e.cost), (3.0, 200.0));
        // 30 of 60: half the stock, ratio 1 + ½ (3 − 1).
        let e = effect(&m, 2, 60.0);
        assert_eq!((e.hazard_ratio[0], e.cost), (2.0, 300.0));
        // 2019 (month 12 on): 60 participants.
        let e = effect(&m, 12, 120.0);
        assert_eq!((e.hazard_ratio[0], e.cost), (2.0, 600.0));
    }
}
