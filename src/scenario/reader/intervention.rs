//! The reader of `intervention`: caseload, components and funding (MODEL.md 5).

use super::super::table::{did_you_mean, index, parse_month, type_name, Table};
use super::super::{
    Calendar, Caseload, CaseloadMode, Component, Enrolment, Intervention, ParamId, PerYear, Segment,
};
use super::{Reader, MAX_FOLLOW_UP_MONTHS};
use crate::dist::{Dist, Domain};
use crate::error::Error;
use crate::vocabulary::JOB_EDUCATION;
use serde_json::Value;

const INTERVENTION_KEYS: &[&str] = &[
    "start",
    "end",
    "segments",
    "ramp_months",
    "caseload",
    "components",
    "funding",
];
const CASELOAD_KEYS: &[&str] = &[
    "base",
    "target",
    "extra_fte",
    "fte_cost_year",
    "elasticity",
    "max_hr",
    "affects",
    "segments",
];
const COMPONENT_KEYS: &[&str] = &[
    "name",
    "participants",
    "coverage",
    "hr",
    "relapse_hr",
    "cost_month",
    "fixed_year",
    "one_off",
    "segments",
    "start",
    "end",
    "ramp_months",
    "state_share",
    "follow_up_months",
];

/// The intervention's window and ramp, which its components take unless
/// they give their own.
struct Window {
    start: i64,
    end: i64,
    ramp_months: ParamId,
}

impl Reader {
    pub(super) fn intervention(
        &mut self,
        v: &Value,
        calendar: &Calendar,
        segments: &[Segment],
        dests: &[&str],
    ) -> Result<Intervention, Error> {
        let t = Table::new(v, "intervention", INTERVENTION_KEYS)?;
        let start = calendar.month_index(parse_month("intervention.start", t.required("start")?)?);
        let end = calendar.month_index(parse_month("intervention.end", t.required("end")?)?);
        if end <= start {
            return Err(Error::invalid(
                "intervention.end",
                "must be after `intervention.start`",
            ));
        }
        let all: Vec<&str> = segments.iter().map(|s| s.name.as_str()).collect();
        let targeted = match t.get("segments") {
            None => vec![true; segments.len()],
            Some(sv) => names_in(sv, "intervention.segments", "segment", &all, None)?,
        };
        let ramp_months = self.opt_param(&t, "ramp_months", Domain::NonNegative, 0.0)?;
        let reach = Reach {
            all: &all,
            targeted: &targeted,
        };
        let caseload = match t.get("caseload") {
            None => None,
            Some(cv) => Some(self.caseload(cv, dests, &reach)?),
        };
        let window = Window {
            start,
            end,
            ramp_months,
        };
        let components = match t.get("components") {
            None => Vec::new(),
            Some(cv) => {
                let items = cv.as_array().ok_or_else(|| {
                    Error::invalid(
                        "intervention.components",
                        format!("expected a list of components, got {}", type_name(cv)),
                    )
                })?;
                let mut components: Vec<Component> = Vec::with_capacity(items.len());
                for (i, c) in items.iter().enumerate() {
                    let path = index("intervention.components", i);
                    let component = self.component(
                        c,
                        &path,
                        i,
                        dests,
                        &components,
                        (calendar, &window),
                        &reach,
                    )?;
                    components.push(component);
                }
                components
            }
        };
        let funding = match t.get("funding") {
            None => {
                let id = self.params.push(
                    "intervention.funding".into(),
                    Dist::Fixed(0.0),
                    Domain::PriceYear,
                );
                vec![id; self.n_years]
            }
            Some(fv) => self.per_year("intervention.funding".into(), fv, Domain::PriceYear)?,
        };
        Ok(Intervention {
            start,
            end,
            targeted,
            ramp_months,
            caseload,
            components,
            funding,
        })
    }

    fn caseload(&mut self, v: &Value, dests: &[&str], reach: &Reach) -> Result<Caseload, Error> {
        let path = "intervention.caseload";
        let t = Table::new(v, path, CASELOAD_KEYS)?;
        let base = self.req_param(&t, "base", Domain::Positive)?;
        let mode = match (t.get("target"), t.get("extra_fte")) {
            (Some(tv), None) => {
                CaseloadMode::Target(self.param(t.path("target"), tv, Domain::Positive)?)
            }
            (None, Some(ev)) => {
                CaseloadMode::ExtraFte(self.per_year(t.path("extra_fte"), ev, Domain::Count)?)
            }
            (Some(_), Some(_)) => {
                return Err(Error::invalid(
                    path,
                    "give exactly one of `target` and `extra_fte`, not both",
                ))
            }
            (None, None) => {
                return Err(Error::invalid(
                    path,
                    "give exactly one of `target` and `extra_fte`",
                ))
            }
        };
        let fte_cost_year = self.req_param(&t, "fte_cost_year", Domain::PriceYear)?;
        let elasticity = self.req_param(&t, "elasticity", Domain::NonNegative)?;
        let max_hr = match t.get("max_hr") {
            None => None,
            Some(mv) => Some(self.param(t.path("max_hr"), mv, Domain::NonNegative)?),
        };
        let affects = match t.get("affects") {
            None => dests.iter().map(|d| JOB_EDUCATION.contains(d)).collect(),
            Some(av) => names_in(av, &t.path("affects"), "destination", dests, None)?,
        };
        let segments = reach.of(&t)?;
        Ok(Caseload {
            base,
            mode,
            fte_cost_year,
            elasticity,
            max_hr,
            affects,
            segments,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn component(
        &mut self,
        v: &Value,
        path: &str,
        i: usize,
        dests: &[&str],
        earlier: &[Component],
        (calendar, window): (&Calendar, &Window),
        reach: &Reach,
    ) -> Result<Component, Error> {
        let t = Table::new(v, path, COMPONENT_KEYS)?;
        let name = self.entry_name(&t, "component", i, earlier.iter().map(|c| c.name.as_str()))?;
        let first_param = self.params.len();
        let enrolment = match (t.get("participants"), t.get("coverage")) {
            (Some(pv), None) => {
                Enrolment::Participants(self.per_year(t.path("participants"), pv, Domain::Count)?)
            }
            (None, Some(cv)) => {
                Enrolment::Coverage(self.per_year(t.path("coverage"), cv, Domain::Share)?)
            }
            (None, None) => Enrolment::None,
            (Some(_), Some(_)) => {
                return Err(Error::invalid(
                    path,
                    "give at most one of `participants` and `coverage`",
                ))
            }
        };
        let hr = self.ratios(&t, "hr", dests)?;
        let relapse_hr = self.ratios(&t, "relapse_hr", dests)?;
        let month = |key: &str, default: i64| match t.get(key) {
            None => Ok(default),
            Some(v) => Ok(calendar.month_index(parse_month(&t.path(key), v)?)),
        };
        let (start, end) = (month("start", window.start)?, month("end", window.end)?);
        if end <= start {
            let at = if t.get("end").is_some() {
                "end"
            } else {
                "start"
            };
            return Err(Error::invalid(
                &t.path(at),
                "the component must end after it starts (`end` is exclusive)",
            ));
        }
        let ramp_months = match t.get("ramp_months") {
            None => window.ramp_months,
            Some(rv) => self.param(t.path("ramp_months"), rv, Domain::NonNegative)?,
        };
        let follow_up_months = t
            .integer("follow_up_months", 1, MAX_FOLLOW_UP_MONTHS)?
            .map(|m| m as usize);
        let component = Component {
            enrolment,
            hr,
            relapse_hr,
            cost_month: self.opt_param(&t, "cost_month", Domain::PriceMonth, 0.0)?,
            fixed_year: self.opt_param(&t, "fixed_year", Domain::PriceYear, 0.0)?,
            one_off: self.opt_param(&t, "one_off", Domain::PriceYear, 0.0)?,
            segments: reach.of(&t)?,
            start,
            end,
            ramp_months,
            state_share: self.opt_per_year(&t, "state_share", Domain::Share)?,
            follow_up_months,
            name,
        };
        self.params.key_by_name(
            first_param,
            path,
            &format!("intervention.components[{}]", component.name),
        );
        Ok(component)
    }

    fn ratios(
        &mut self,
        t: &Table,
        key: &str,
        dests: &[&str],
    ) -> Result<Vec<Option<PerYear<ParamId>>>, Error> {
        let mut out = vec![None; dests.len()];
        let Some(v) = t.get(key) else { return Ok(out) };
        let rt = Table::by_destination(v, &t.path(key), dests)?;
        for (k, d) in dests.iter().enumerate() {
            if let Some(dv) = rt.get(d) {
                out[k] = Some(self.per_year(rt.path(d), dv, Domain::NonNegative)?);
            }
        }
        Ok(out)
    }
}

/// The segments an intervention targets, which its caseload and components
/// may narrow (MODEL.md 12.1).
struct Reach<'a> {
    all: &'a [&'a str],
    targeted: &'a [bool],
}

impl Reach<'_> {
    /// The segments of a caseload or component table: its own `segments`, a
    /// subset of the intervention's, or the intervention's.
    fn of(&self, t: &Table) -> Result<Vec<bool>, Error> {
        match t.get("segments") {
            None => Ok(self.targeted.to_vec()),
            Some(v) => names_in(
                v,
                &t.path("segments"),
                "segment",
                self.all,
                Some(self.targeted),
            ),
        }
    }
}

/// A list of names at `path`, each one of `known` (and, with `within`, one
/// whose flag is set: a segment the intervention targets), none twice; as a
/// flag per known name.
fn names_in(
    v: &Value,
    path: &str,
    what: &str,
    known: &[&str],
    within: Option<&[bool]>,
) -> Result<Vec<bool>, Error> {
    let items = v.as_array().ok_or_else(|| {
        Error::invalid(
            path,
            format!("expected a list of {what} names, got {}", type_name(v)),
        )
    })?;
    let mut chosen = vec![false; known.len()];
    for (i, item) in items.iter().enumerate() {
        let p = index(path, i);
        let name = item.as_str().ok_or_else(|| {
            Error::invalid(
                &p,
                format!("expected a {what} name, got {}", type_name(item)),
            )
        })?;
        let pos = known.iter().position(|k| *k == name).ok_or_else(|| {
            let hint = did_you_mean(name, known).unwrap_or_default();
            Error::invalid(&p, format!("no {what} named `{name}`{hint}"))
        })?;
        if let Some(within) = within {
            if !within[pos] {
                let targeted: Vec<&str> = known
                    .iter()
                    .zip(within)
                    .filter(|(_, &t)| t)
                    .map(|(k, _)| *k)
                    .collect();
                return Err(Error::invalid(
                    &p,
                    format!(
                        "`{name}` is not one of the intervention's segments ({}); a caseload \
                         or component reaches only segments in `intervention.segments`",
                        targeted.join(", ")
                    ),
                ));
            }
        }
        if chosen[pos] {
            return Err(Error::invalid(&p, format!("`{name}` is listed twice")));
        }
        chosen[pos] = true;
    }
    Ok(chosen)
}
