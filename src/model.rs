//! A scenario compiled for one draw: every parameter sampled, hazards, cost
//! rates and the intervention's per-month effect ready for the engine.

use crate::dist::{Domain, MAX_COUNT};
use crate::error::Error;
use crate::rng::parameter_uniform;
use crate::sampling::Poisson;
use crate::scenario::{CaseloadMode, Enrolment, ParamId, Perspective, Scenario, CELLS};

/// Samples every parameter of the scenario for draw `draw` (MODEL.md 8): the
/// value depends only on `(seed, draw, path)`. A value no scenario can use (not
/// finite, or more persons than [`MAX_COUNT`]) is an error naming the field and
/// the draw; a probability whose distribution is open at 1 but rounds to 1 is
/// kept just below it, where it belongs.
pub fn sample_parameters(sc: &Scenario, seed: u64, draw: u64) -> Result<Vec<f64>, Error> {
    sc.params
        .iter()
        .map(|p| {
            if p.dist.is_fixed() {
                return Ok(p.dist.quantile(0.5));
            }
            let x = p.dist.quantile(parameter_uniform(seed, draw, p.hash));
            if !x.is_finite() {
                return Err(Error::invalid(
                    &p.path,
                    format!(
                        "draw {draw} sampled {x}; narrow the `{}` distribution",
                        p.dist.name()
                    ),
                ));
            }
            if p.domain == Domain::Count && x > MAX_COUNT {
                return Err(Error::invalid(
                    &p.path,
                    format!(
                        "draw {draw} sampled {x:.3e}, more than {MAX_COUNT:e} persons; \
                         narrow the `{}` distribution",
                        p.dist.name()
                    ),
                ));
            }
            if p.domain == Domain::Probability && x >= 1.0 {
                return Ok(BELOW_ONE);
            }
            Ok(x)
        })
        .collect()
}

/// The largest `f64` below 1.
const BELOW_ONE: f64 = 1.0 - f64::EPSILON / 2.0;

/// Monthly hazard from an annual probability: `−ln(1 − p) / 12`.
pub fn monthly_hazard(annual_probability: f64) -> f64 {
    -(-annual_probability).ln_1p() / 12.0
}

#[derive(Debug, Clone)]
pub struct SegmentModel {
    /// Keys the segment's random transitions.
    pub key: u64,
    pub initial: f64,
    pub inflow_month: f64,
    /// The inflow's Poisson law, for stochastic runs.
    pub inflow: Poisson,
    /// Baseline monthly hazard to each destination.
    pub hazard: Vec<f64>,
    pub initial_cell: usize,
    pub targeted: bool,
}

#[derive(Debug, Clone)]
pub struct CaseloadModel {
    pub base: f64,
    pub target: Option<f64>,
    pub extra_fte: Vec<f64>,
    pub fte_cost_month: f64,
    pub elasticity: f64,
    pub max_hr: f64,
    /// In target mode the caseload is `min(target, base)` whenever `B_T > 0`
    /// (MODEL.md 5: `B_T / (B_T/base + B_T/target − B_T/base)` = target), so
    /// its hazard ratio is fixed for the draw and computed once.
    pub target_ratio: Option<f64>,
    pub affects: Vec<bool>,
}

#[derive(Debug, Clone)]
pub enum EnrolmentModel {
    None,
    Participants(Vec<f64>),
    Coverage(Vec<f64>),
}

#[derive(Debug, Clone)]
pub struct ComponentModel {
    pub enrolment: EnrolmentModel,
    /// `[destination][year]`, `None` = 1.
    pub hr: Vec<Option<Vec<f64>>>,
    pub relapse_hr: Vec<Option<Vec<f64>>>,
    pub cost_month: f64,
    pub fixed_month: f64,
    pub one_off: f64,
}

#[derive(Debug, Clone)]
pub struct InterventionModel {
    pub start: i64,
    pub end: i64,
    pub ramp_months: f64,
    pub caseload: Option<CaseloadModel>,
    pub components: Vec<ComponentModel>,
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

#[derive(Debug, Clone)]
pub struct DrawModel {
    pub months: usize,
    pub n_years: usize,
    pub n_dest: usize,
    pub year_of_month: Vec<usize>,
    pub months_in_year: Vec<f64>,
    /// Discount factor of month `t`: `(1 + r)^(−t/12)`.
    pub discount: Vec<f64>,
    pub segments: Vec<SegmentModel>,
    /// Per `[segment * n_years + year]`: municipal and state cost of a
    /// person-month's benefit payment in each duration cell (after refusion).
    pub benefit_municipal: Vec<[f64; CELLS]>,
    pub benefit_state: Vec<[f64; CELLS]>,
    /// The jobcenter's effort per person-month on benefit (municipal).
    pub indsats_month: f64,
    pub dest_municipal: Vec<f64>,
    pub dest_state: Vec<f64>,
    /// Monthly relapse hazard per destination: `−ln(1 − q) / 12`.
    pub relapse_hazard: Vec<f64>,
    pub reentry_cell: usize,
    /// Destinations counted in "extra persons into job and education".
    pub job_education: Vec<usize>,
    pub perspective: Perspective,
    pub intervention: Option<InterventionModel>,
    /// Funding per month of each calendar year.
    pub funding_month: Vec<f64>,
}

impl DrawModel {
    pub fn new(sc: &Scenario, v: &[f64]) -> Self {
        let months = sc.months();
        let years = sc.calendar_years();
        let n_years = years.len();
        let year_of_month: Vec<usize> = (0..months).map(|t| sc.year_index(t)).collect();
        let mut months_in_year = vec![0.0; n_years];
        for &y in &year_of_month {
            months_in_year[y] += 1.0;
        }
        let rate = v[sc.discount_rate];
        // (1 + rate)^(−t/12), as one exp per month rather than a pow.
        let ln_growth = rate.ln_1p();
        let discount = (0..months)
            .map(|t| (-(t as f64) / 12.0 * ln_growth).exp())
            .collect();
        let per_year = |ids: &[ParamId]| ids.iter().map(|&i| v[i]).collect::<Vec<f64>>();

        let targeted = |s: usize| sc.intervention.as_ref().is_some_and(|iv| iv.targeted[s]);
        let segments = sc
            .segments
            .iter()
            .enumerate()
            .map(|(s, seg)| SegmentModel {
                key: seg.key,
                initial: v[seg.initial],
                inflow_month: v[seg.inflow_per_year] / 12.0,
                inflow: Poisson::new(v[seg.inflow_per_year] / 12.0),
                hazard: seg.exit.iter().map(|&p| monthly_hazard(v[p])).collect(),
                initial_cell: seg.initial_cell,
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
                    .map_or(0.0, |step| v[step.share])
            })
            .collect();
        let indsats = v[sc.indsats_month];
        let indexation = v[sc.indexation];
        let mut benefit_municipal = Vec::with_capacity(sc.segments.len() * n_years);
        let mut benefit_state = Vec::with_capacity(sc.segments.len() * n_years);
        for seg in &sc.segments {
            for year in &years {
                let gross = v[seg.benefit_month] * (1.0 + indexation).powi(year - sc.start_year);
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

        let intervention = sc.intervention.as_ref().map(|iv| InterventionModel {
            start: iv.start,
            end: iv.end,
            ramp_months: v[iv.ramp_months],
            caseload: iv.caseload.as_ref().map(|c| {
                let (base, elasticity) = (v[c.base], v[c.elasticity]);
                let max_hr = c.max_hr.map_or(f64::INFINITY, |id| v[id]);
                let target = match &c.mode {
                    CaseloadMode::Target(id) => Some(v[*id]),
                    CaseloadMode::ExtraFte(_) => None,
                };
                CaseloadModel {
                    base,
                    target,
                    extra_fte: match &c.mode {
                        CaseloadMode::Target(_) => vec![0.0; n_years],
                        CaseloadMode::ExtraFte(ids) => per_year(ids),
                    },
                    fte_cost_month: v[c.fte_cost_year] / 12.0,
                    elasticity,
                    max_hr,
                    target_ratio: target
                        .map(|target| (base / target.min(base)).powf(elasticity).min(max_hr)),
                    affects: c.affects.clone(),
                }
            }),
            components: iv
                .components
                .iter()
                .map(|c| ComponentModel {
                    enrolment: match &c.enrolment {
                        Enrolment::None => EnrolmentModel::None,
                        Enrolment::Participants(ids) => EnrolmentModel::Participants(per_year(ids)),
                        Enrolment::Coverage(ids) => EnrolmentModel::Coverage(per_year(ids)),
                    },
                    hr: c
                        .hr
                        .iter()
                        .map(|o| o.as_ref().map(|ids| per_year(ids)))
                        .collect(),
                    relapse_hr: c
                        .relapse_hr
                        .iter()
                        .map(|o| o.as_ref().map(|ids| per_year(ids)))
                        .collect(),
                    cost_month: v[c.cost_month],
                    fixed_month: v[c.fixed_year] / 12.0,
                    one_off: v[c.one_off],
                })
                .collect(),
        });
        let funding_month = match &sc.intervention {
            None => vec![0.0; n_years],
            Some(iv) => iv
                .funding
                .iter()
                .zip(&months_in_year)
                .map(|(&id, &m)| if m > 0.0 { v[id] / m } else { 0.0 })
                .collect(),
        };

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
            indsats_month: indsats,
            dest_municipal: sc.destinations.iter().map(|d| v[d.cost_month]).collect(),
            dest_state: sc.destinations.iter().map(|d| v[d.state_month]).collect(),
            relapse_hazard: sc
                .destinations
                .iter()
                .map(|d| monthly_hazard(v[d.relapse]))
                .collect(),
            reentry_cell: sc.reentry_cell,
            job_education: ["job", "education"]
                .iter()
                .filter_map(|n| sc.destination_index(n))
                .collect(),
            perspective: sc.perspective,
            intervention,
            funding_month,
        }
    }

    /// The intervention's effect in month `t` given `b_t`, the intervention
    /// arm's benefit stock of targeted segments after inflow (MODEL.md 5, 11).
    pub fn effect(&self, t: usize, b_t: f64, out: &mut Effect) {
        out.hazard_ratio.iter_mut().for_each(|r| *r = 1.0);
        out.relapse_ratio.iter_mut().for_each(|r| *r = 1.0);
        out.cost = 0.0;
        out.active = false;
        let Some(iv) = &self.intervention else { return };
        let ti = t as i64;
        if ti < iv.start || ti >= iv.end {
            return;
        }
        out.active = true;
        let y = self.year_of_month[t];
        if let Some(c) = &iv.caseload {
            let extra = match c.target {
                Some(target) => (b_t / target - b_t / c.base).max(0.0),
                None => c.extra_fte[y],
            };
            out.cost += extra * c.fte_cost_month;
            if b_t > 0.0 {
                let ratio = match c.target_ratio {
                    Some(ratio) => ratio,
                    None => {
                        let caseload = b_t / (b_t / c.base + extra);
                        (c.base / caseload).powf(c.elasticity).min(c.max_hr)
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
                EnrolmentModel::None => 0.0,
                EnrolmentModel::Participants(p) => p[y].min(b_t),
                EnrolmentModel::Coverage(c) => c[y] * b_t,
            };
            out.cost += enrolled * comp.cost_month + comp.fixed_month;
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
        match self.perspective {
            Perspective::Municipal => municipal,
            Perspective::State => state,
            Perspective::Public => municipal + state,
        }
    }
}
