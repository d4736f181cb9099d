//! The reader of `intervention`: caseload, components and funding (MODEL.md 5).

use super::super::table::{did_you_mean, index, parse_month, type_name, Table};
use super::super::{
    Calendar, Caseload, CaseloadMode, Component, Enrolment, Intervention, ParamId, PerYear, Segment,
};
use super::Reader;
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
];

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
        let targeted = match t.get("segments") {
            None => vec![true; segments.len()],
            Some(sv) => {
                let names = sv.as_array().ok_or_else(|| {
                    Error::invalid(
                        "intervention.segments",
                        format!("expected a list of segment names, got {}", type_name(sv)),
                    )
                })?;
                let all: Vec<&str> = segments.iter().map(|s| s.name.as_str()).collect();
                let mut targeted = vec![false; segments.len()];
                for (i, n) in names.iter().enumerate() {
                    let p = index("intervention.segments", i);
                    let name = n.as_str().ok_or_else(|| {
                        Error::invalid(&p, format!("expected a segment name, got {}", type_name(n)))
                    })?;
                    let pos = all.iter().position(|s| *s == name).ok_or_else(|| {
                        let hint = did_you_mean(name, &all).unwrap_or_default();
                        Error::invalid(&p, format!("no segment named `{name}`{hint}"))
                    })?;
                    targeted[pos] = true;
                }
                targeted
            }
        };
        let ramp_months = self.opt_param(&t, "ramp_months", Domain::NonNegative, 0.0)?;
        let caseload = match t.get("caseload") {
            None => None,
            Some(cv) => Some(self.caseload(cv, dests)?),
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
                items
                    .iter()
                    .enumerate()
                    .map(|(i, c)| self.component(c, &index("intervention.components", i), i, dests))
                    .collect::<Result<Vec<_>, _>>()?
            }
        };
        let funding = match t.get("funding") {
            None => {
                let id = self.params.push(
                    "intervention.funding".into(),
                    Dist::Fixed(0.0),
                    Domain::Real,
                );
                vec![id; self.n_years]
            }
            Some(fv) => self.per_year("intervention.funding".into(), fv, Domain::NonNegative)?,
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

    fn caseload(&mut self, v: &Value, dests: &[&str]) -> Result<Caseload, Error> {
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
        let fte_cost_year = self.req_param(&t, "fte_cost_year", Domain::NonNegative)?;
        let elasticity = self.req_param(&t, "elasticity", Domain::NonNegative)?;
        let max_hr = match t.get("max_hr") {
            None => None,
            Some(mv) => Some(self.param(t.path("max_hr"), mv, Domain::NonNegative)?),
        };
        let affects = match t.get("affects") {
            None => dests.iter().map(|d| JOB_EDUCATION.contains(d)).collect(),
            Some(av) => {
                let items = av.as_array().ok_or_else(|| {
                    Error::invalid(
                        &t.path("affects"),
                        format!(
                            "expected a list of destination names, got {}",
                            type_name(av)
                        ),
                    )
                })?;
                let mut affects = vec![false; dests.len()];
                for (i, item) in items.iter().enumerate() {
                    let p = index(&t.path("affects"), i);
                    let name = item.as_str().ok_or_else(|| {
                        Error::invalid(
                            &p,
                            format!("expected a destination name, got {}", type_name(item)),
                        )
                    })?;
                    let pos = dests.iter().position(|d| *d == name).ok_or_else(|| {
                        let hint = did_you_mean(name, dests).unwrap_or_default();
                        Error::invalid(&p, format!("no destination named `{name}`{hint}"))
                    })?;
                    affects[pos] = true;
                }
                affects
            }
        };
        Ok(Caseload {
            base,
            mode,
            fte_cost_year,
            elasticity,
            max_hr,
            affects,
        })
    }

    fn component(
        &mut self,
        v: &Value,
        path: &str,
        i: usize,
        dests: &[&str],
    ) -> Result<Component, Error> {
        let t = Table::new(v, path, COMPONENT_KEYS)?;
        let name = t
            .string("name")?
            .map(str::to_string)
            .unwrap_or_else(|| format!("component {i}"));
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
        let component = Component {
            enrolment,
            hr,
            relapse_hr,
            cost_month: self.opt_param(&t, "cost_month", Domain::NonNegative, 0.0)?,
            fixed_year: self.opt_param(&t, "fixed_year", Domain::NonNegative, 0.0)?,
            one_off: self.opt_param(&t, "one_off", Domain::NonNegative, 0.0)?,
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
