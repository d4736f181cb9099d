//! The scenario file: parsing and validation.
//!
//! Input is a JSON value (TOML and Python dicts are converted to it first). The
//! reader walks it by hand rather than through serde derive because every error
//! must name its field path (`intervention.components[1].hr.job`), unknown keys
//! get a did-you-mean suggestion, and any number may be a distribution table.
//! Every parameter lands in one flat list, keyed by its path; the rest of the
//! scenario refers to parameters by index.

mod canonical;
mod correlations;
mod intervention;

use super::table::{
    describe_value, did_you_mean, index, join, parse_month, type_name, unknown_key, whole_number,
    Table,
};
use super::{
    Calendar, Destination, LadderStep, Order, ParamId, Parameters, PerYear, Perspective, Scenario,
    Segment,
};
use crate::dist::{self, Dist, Domain};
use crate::error::Error;
use crate::rng::path_hash;
use crate::vocabulary::{BENEFIT, DEFAULT_DESTINATIONS, DEFAULT_LADDER, LAST_CELL};
use serde_json::{Map, Value};

/// Declining discount schedules by name: `(last year, rate)` steps, years
/// counted from 0 (the first calendar year of the horizon); the last step
/// holds for every later year.
///
/// * `fm`: Finansministeriet's samfundsøkonomiske diskonteringsrente from 7
///   January 2021 (dokumentationsnotat of that date; the "Vejledning i
///   samfundsøkonomiske konsekvensvurderinger" refers to it): 3.5 % in years
///   0–35, 2.5 % in years 36–70 and 1.5 % after year 70 (the 2013 rule's
///   4/3/2 %, each lowered by 0.5 points).
/// * `greenbook`: HM Treasury's Green Book, the declining long-term rate
///   (Table 6.1 of the 2003 edition, kept in annex A6 since): 3.5 % in years
///   0–30, 3.0 % in 31–75, 2.5 % in 76–125, 2.0 % in 126–200, 1.5 % in
///   201–300, 1.0 % after.
pub(crate) const DISCOUNT_PRESETS: &[(&str, &[(usize, f64)])] = &[
    ("fm", &[(35, 0.035), (70, 0.025), (usize::MAX, 0.015)]),
    (
        "greenbook",
        &[
            (30, 0.035),
            (75, 0.030),
            (125, 0.025),
            (200, 0.020),
            (300, 0.015),
            (usize::MAX, 0.010),
        ],
    ),
];

/// Reads and validates a scenario.
pub(super) fn read(value: &Value) -> Result<Scenario, Error> {
    Reader::default().scenario(value)
}

struct NumArgs<'a>(&'a Map<String, Value>);

impl dist::Args for NumArgs<'_> {
    fn get(&self, key: &str) -> Option<f64> {
        self.0.get(key).and_then(Value::as_f64)
    }
}

#[derive(Default)]
struct Reader {
    params: Parameters,
    /// Number of calendar years, known once the horizon is read.
    n_years: usize,
}

const TOP_KEYS: &[&str] = &[
    "name",
    "start",
    "years",
    "discount_rate",
    "perspective",
    "benefit",
    "destinations",
    "segments",
    "intervention",
    "burn_in_years",
    "price_index",
    "correlations",
];
const BENEFIT_KEYS: &[&str] = &[
    "refusion",
    "reentry_cell",
    "initial_cell",
    "indsats_month",
    "indexation",
];
const DEST_KEYS: &[&str] = &["relapse", "cost_month", "state_month", "benefit_share"];
const SEGMENT_KEYS: &[&str] = &[
    "name",
    "initial",
    "inflow_per_year",
    "benefit_month",
    "exit",
    "initial_cell",
    "inflow_cell",
    "duration_hr",
    "initial_destinations",
];
/// The most years of burn-in (MODEL.md 12.4).
const MAX_BURN_IN_YEARS: i64 = 20;
/// The longest follow-up a component may give, in months (a century).
const MAX_FOLLOW_UP_MONTHS: i64 = 1200;

impl Reader {
    /// A number or a distribution table at `path`, checked against `domain`.
    fn param(&mut self, path: String, v: &Value, domain: Domain) -> Result<ParamId, Error> {
        let dist = match v {
            Value::Number(n) => {
                let x = n.as_f64().filter(|x| x.is_finite()).ok_or_else(|| {
                    Error::invalid(&path, format!("expected a finite number, got {n}"))
                })?;
                Dist::Fixed(x)
            }
            Value::Object(map) => self.dist_table(&path, map)?,
            Value::String(s) if s.eq_ignore_ascii_case("nan") || s.contains("inf") => {
                return Err(Error::invalid(
                    &path,
                    format!("expected a finite number, got {s}"),
                ))
            }
            other => {
                return Err(Error::invalid(
                    &path,
                    format!(
                        "expected a number or a distribution table, got {}",
                        type_name(other)
                    ),
                ))
            }
        };
        let support = dist.support();
        if !domain.admits(support) {
            let what = if dist.is_fixed() {
                format!("got {}", support.describe())
            } else {
                format!("`{}` here has support {}", dist.name(), support.describe())
            };
            return Err(Error::invalid(
                &path,
                format!("must be {}; {what}", domain.describe()),
            ));
        }
        Ok(self.params.push(path, dist, domain))
    }

    fn dist_table(&self, path: &str, map: &Map<String, Value>) -> Result<Dist, Error> {
        let name = match map.get("dist") {
            Some(Value::String(s)) => s.as_str(),
            Some(other) => {
                return Err(Error::invalid(
                    &join(path, "dist"),
                    format!("expected the name of a distribution, got {}", type_name(other)),
                ))
            }
            None => {
                return Err(Error::invalid(
                    path,
                    "a table here must be a distribution with a `dist` key (e.g. { dist = \"pert\", min = 1.0, mode = 1.2, max = 1.5 })",
                ))
            }
        };
        if !dist::NAMES.contains(&name) {
            let hint = did_you_mean(name, dist::NAMES)
                .unwrap_or_else(|| format!("; known: {}", dist::NAMES.join(", ")));
            return Err(Error::invalid(
                &join(path, "dist"),
                format!("unknown distribution `{name}`{hint}"),
            ));
        }
        let allowed = dist::allowed_args(name);
        for (key, val) in map {
            if key == "dist" {
                continue;
            }
            if !allowed.contains(&key.as_str()) {
                let mut with_dist = allowed.to_vec();
                with_dist.push("dist");
                return Err(unknown_key(path, key, &with_dist));
            }
            if !val.as_f64().is_some_and(f64::is_finite) {
                return Err(Error::invalid(
                    &join(path, key),
                    format!("expected a finite number, got {}", type_name(val)),
                ));
            }
        }
        dist::build(name, &NumArgs(map)).map_err(|e| match e.arg {
            Some(arg) => Error::invalid(&join(path, arg), e.message),
            None => Error::invalid(path, e.message),
        })
    }

    fn opt_param(
        &mut self,
        t: &Table,
        key: &str,
        domain: Domain,
        default: f64,
    ) -> Result<ParamId, Error> {
        match t.get(key) {
            Some(v) => self.param(t.path(key), v, domain),
            None => Ok(self.params.push(t.path(key), Dist::Fixed(default), domain)),
        }
    }

    fn req_param(&mut self, t: &Table, key: &str, domain: Domain) -> Result<ParamId, Error> {
        let v = t.required(key)?;
        self.param(t.path(key), v, domain)
    }

    /// One value for every calendar year, or a list with exactly one per year.
    fn per_year(
        &mut self,
        path: String,
        v: &Value,
        domain: Domain,
    ) -> Result<PerYear<ParamId>, Error> {
        match v {
            Value::Array(items) => {
                if items.len() != self.n_years {
                    return Err(Error::invalid(
                        &path,
                        format!(
                            "expected one value per calendar year of the horizon ({}), got {}",
                            self.n_years,
                            items.len()
                        ),
                    ));
                }
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| self.param(index(&path, i), item, domain))
                    .collect()
            }
            _ => {
                let id = self.param(path, v, domain)?;
                Ok(vec![id; self.n_years])
            }
        }
    }

    fn scenario(mut self, v: &Value) -> Result<Scenario, Error> {
        let t = Table::new(v, "", TOP_KEYS)?;
        let name = t.string("name")?.unwrap_or("scenario").to_string();
        let (start_year, start_month) = parse_month("start", t.required("start")?)?;
        let years = t
            .integer("years", 1, 100)?
            .ok_or_else(|| Error::invalid("years", "missing required field `years`"))?
            as u32;
        let calendar = Calendar {
            start_year,
            start_month,
            years,
        };
        self.n_years = calendar.n_years();
        let discount_rate = self.discount_rate(&t)?;
        let perspective = match t.string("perspective")? {
            None | Some("municipal") => Perspective::Municipal,
            Some("state") => Perspective::State,
            Some("public") => Perspective::Public,
            Some(other) => {
                let allowed = ["municipal", "state", "public"];
                let hint = did_you_mean(other, &allowed).unwrap_or_default();
                return Err(Error::invalid(
                    "perspective",
                    format!(
                        "unknown perspective `{other}`{hint}; allowed: municipal, state, public"
                    ),
                ));
            }
        };
        let burn_in_years = t
            .integer("burn_in_years", 0, MAX_BURN_IN_YEARS)?
            .unwrap_or(0) as usize;
        let price_index = self.opt_per_year(&t, "price_index", Domain::AboveMinusOne)?;

        let empty = Value::Object(Map::new());
        let benefit = Table::new(t.get("benefit").unwrap_or(&empty), "benefit", BENEFIT_KEYS)?;
        let refusion = match benefit.get("refusion") {
            None => DEFAULT_LADDER
                .iter()
                .enumerate()
                .map(|(i, &(m, s))| LadderStep {
                    up_to_month: m,
                    value: self.params.push(
                        format!("{}[1]", index(&benefit.path("refusion"), i)),
                        Dist::Fixed(s),
                        Domain::Share,
                    ),
                })
                .collect(),
            Some(v) => self.ladder(&benefit.path("refusion"), v, Domain::Share)?,
        };
        let reentry_cell = benefit
            .integer("reentry_cell", 0, LAST_CELL as i64)?
            .unwrap_or(LAST_CELL as i64) as usize;
        let default_initial_cell = benefit
            .integer("initial_cell", 0, LAST_CELL as i64)?
            .unwrap_or(LAST_CELL as i64) as usize;
        let indsats_month = self.opt_param(&benefit, "indsats_month", Domain::MoneyMonth, 0.0)?;
        let indexation = self.opt_per_year(&benefit, "indexation", Domain::AboveMinusOne)?;

        let destinations = self.destinations(t.get("destinations"))?;
        let dest_names: Vec<&str> = destinations.iter().map(|d| d.name.as_str()).collect();
        let segments = self.segments(t.required("segments")?, &dest_names, default_initial_cell)?;
        let intervention = match t.get("intervention") {
            None => None,
            Some(v) => Some(self.intervention(v, &calendar, &segments, &dest_names)?),
        };
        if let Some(v) = t.get("correlations") {
            let components = intervention.as_ref().map_or(Vec::new(), |iv| {
                iv.components.iter().map(|c| c.name.as_str()).collect()
            });
            let segment_names: Vec<&str> = segments.iter().map(|s| s.name.as_str()).collect();
            self.correlations(v, &segment_names, &components)?;
        }
        Ok(canonical::order(Scenario {
            name,
            calendar,
            discount_rate,
            perspective,
            refusion,
            reentry_cell,
            indsats_month,
            indexation,
            price_index,
            burn_in_years,
            destinations,
            segments,
            intervention,
            order: Order::default(),
            params: self.params,
        }))
    }

    /// `discount_rate`: a number or distribution for every year, a list with
    /// one per calendar year, or the name of a declining schedule
    /// ([`DISCOUNT_PRESETS`]), whose year 0 is the first calendar year.
    fn discount_rate(&mut self, t: &Table) -> Result<PerYear<ParamId>, Error> {
        let path = t.path("discount_rate");
        match t.get("discount_rate") {
            None => Ok(vec![
                self.params.push(
                    path,
                    Dist::Fixed(0.0),
                    Domain::AboveMinusOne
                );
                self.n_years
            ]),
            Some(Value::String(name)) => {
                let names: Vec<&str> = DISCOUNT_PRESETS.iter().map(|p| p.0).collect();
                let Some((_, schedule)) = DISCOUNT_PRESETS.iter().find(|p| p.0 == name) else {
                    let hint = did_you_mean(name, &names).unwrap_or_default();
                    return Err(Error::invalid(
                        &path,
                        format!(
                            "unknown discount schedule `{name}`{hint}; known: {} (or a rate, \
                             or a list with one rate per calendar year)",
                            names.join(", ")
                        ),
                    ));
                };
                Ok((0..self.n_years)
                    .map(|year| {
                        let rate = schedule
                            .iter()
                            .find(|(last_year, _)| year <= *last_year)
                            .map_or(schedule[schedule.len() - 1].1, |s| s.1);
                        self.params.push(
                            index(&path, year),
                            Dist::Fixed(rate),
                            Domain::AboveMinusOne,
                        )
                    })
                    .collect())
            }
            Some(v) => self.per_year(path, v, Domain::AboveMinusOne),
        }
    }

    /// An optional per-year value that is 0 when absent.
    fn opt_per_year(
        &mut self,
        t: &Table,
        key: &str,
        domain: Domain,
    ) -> Result<PerYear<ParamId>, Error> {
        match t.get(key) {
            Some(v) => self.per_year(t.path(key), v, domain),
            None => {
                let id = self.params.push(t.path(key), Dist::Fixed(0.0), domain);
                Ok(vec![id; self.n_years])
            }
        }
    }

    /// A ladder by spell month at `path`: `[[up to month, value], …]`, plain
    /// increasing integer months, the last at least 13 (MODEL.md 11.5, 12.3).
    fn ladder(
        &mut self,
        path: &str,
        v: &Value,
        domain: Domain,
    ) -> Result<Vec<LadderStep<ParamId>>, Error> {
        let steps = v.as_array().ok_or_else(|| {
            Error::invalid(
                path,
                format!(
                    "expected a list of [up to month, value] pairs, got {}",
                    type_name(v)
                ),
            )
        })?;
        if steps.is_empty() {
            return Err(Error::invalid(path, "the ladder needs at least one step"));
        }
        let mut out = Vec::with_capacity(steps.len());
        let mut previous = 0u32;
        for (i, step) in steps.iter().enumerate() {
            let p = index(path, i);
            let pair = step.as_array().filter(|a| a.len() == 2).ok_or_else(|| {
                Error::invalid(
                    &p,
                    format!(
                        "expected a pair [up to month, value], got {}",
                        type_name(step)
                    ),
                )
            })?;
            let month = whole_number(&pair[0])
                .filter(|m| (1..=100_000).contains(m))
                .ok_or_else(|| {
                    Error::invalid(
                        &index(&p, 0),
                        format!(
                            "expected a plain integer month ≥ 1, got {}",
                            describe_value(&pair[0])
                        ),
                    )
                })? as u32;
            if month <= previous {
                return Err(Error::invalid(
                    &index(&p, 0),
                    format!("ladder months must increase; {month} follows {previous}"),
                ));
            }
            previous = month;
            let value = self.param(index(&p, 1), &pair[1], domain)?;
            out.push(LadderStep {
                up_to_month: month,
                value,
            });
        }
        if previous < 13 {
            return Err(Error::invalid(
                &index(path, steps.len() - 1),
                format!("the last ladder step must cover month 13 onwards (≥ 13), got {previous}"),
            ));
        }
        Ok(out)
    }

    fn destinations(&mut self, v: Option<&Value>) -> Result<Vec<Destination>, Error> {
        let Some(v) = v else {
            return Ok(DEFAULT_DESTINATIONS
                .iter()
                .map(|name| {
                    let base = join("destinations", name);
                    let mut zero = |key: &str, domain: Domain| {
                        self.params.push(join(&base, key), Dist::Fixed(0.0), domain)
                    };
                    Destination {
                        name: name.to_string(),
                        relapse: zero("relapse", Domain::Probability),
                        cost_month: zero("cost_month", Domain::MoneyMonth),
                        state_month: zero("state_month", Domain::MoneyMonth),
                        benefit_share: zero("benefit_share", Domain::Share),
                    }
                })
                .collect());
        };
        let map = v.as_object().ok_or_else(|| {
            Error::invalid(
                "destinations",
                format!("expected a table of destinations, got {}", type_name(v)),
            )
        })?;
        if map.is_empty() {
            return Err(Error::invalid(
                "destinations",
                "at least one destination is needed",
            ));
        }
        let mut out = Vec::with_capacity(map.len());
        for (name, dv) in map {
            if name.trim().is_empty() || name.contains(['.', '[', ']']) {
                return Err(Error::invalid(
                    "destinations",
                    format!(
                        "a destination needs a name without `.`, `[` or `]` (they separate \
                         the parts of a field's path), got {name:?}"
                    ),
                ));
            }
            let path = join("destinations", name);
            if name == BENEFIT {
                return Err(Error::invalid(
                    &path,
                    "`benefit` is the origin state, not a destination",
                ));
            }
            let t = Table::new(dv, &path, DEST_KEYS)?;
            out.push(Destination {
                name: name.clone(),
                relapse: self.opt_param(&t, "relapse", Domain::Probability, 0.0)?,
                cost_month: self.opt_param(&t, "cost_month", Domain::MoneyMonth, 0.0)?,
                state_month: self.opt_param(&t, "state_month", Domain::MoneyMonth, 0.0)?,
                benefit_share: self.opt_param(&t, "benefit_share", Domain::Share, 0.0)?,
            });
        }
        Ok(out)
    }

    fn segments(
        &mut self,
        v: &Value,
        dests: &[&str],
        default_cell: usize,
    ) -> Result<Vec<Segment>, Error> {
        let items = v.as_array().ok_or_else(|| {
            Error::invalid(
                "segments",
                format!("expected a list of segments, got {}", type_name(v)),
            )
        })?;
        if items.is_empty() {
            return Err(Error::invalid("segments", "at least one segment is needed"));
        }
        let mut out: Vec<Segment> = Vec::with_capacity(items.len());
        for (i, sv) in items.iter().enumerate() {
            let path = index("segments", i);
            let t = Table::new(sv, &path, SEGMENT_KEYS)?;
            let name = self.entry_name(&t, "segment", i, out.iter().map(|s| s.name.as_str()))?;
            let first_param = self.params.len();
            let initial = self.req_param(&t, "initial", Domain::Count)?;
            let inflow_per_year = self.opt_per_year(&t, "inflow_per_year", Domain::Count)?;
            let benefit_month = self.req_param(&t, "benefit_month", Domain::MoneyMonth)?;
            let initial_cell = t
                .integer("initial_cell", 0, LAST_CELL as i64)?
                .map(|c| c as usize)
                .unwrap_or(default_cell);
            let inflow_cell = t
                .integer("inflow_cell", 0, LAST_CELL as i64)?
                .map_or(0, |c| c as usize);
            let no_exits = Value::Object(Map::new());
            let exit_table =
                Table::by_destination(t.get("exit").unwrap_or(&no_exits), &t.path("exit"), dests)?;
            let exit = dests
                .iter()
                .map(|d| self.opt_per_year(&exit_table, d, Domain::Probability))
                .collect::<Result<Vec<_>, _>>()?;
            let duration_hr = match t.get("duration_hr") {
                None => Vec::new(),
                Some(v) => self.ladder(&t.path("duration_hr"), v, Domain::NonNegative)?,
            };
            let initial_destinations = match t.get("initial_destinations") {
                None => {
                    let zero = self.params.push(
                        t.path("initial_destinations"),
                        Dist::Fixed(0.0),
                        Domain::Count,
                    );
                    vec![zero; dests.len()]
                }
                Some(v) => {
                    let table = Table::by_destination(v, &t.path("initial_destinations"), dests)?;
                    dests
                        .iter()
                        .map(|d| self.opt_param(&table, d, Domain::Count, 0.0))
                        .collect::<Result<Vec<_>, _>>()?
                }
            };
            self.params
                .key_by_name(first_param, &path, &format!("segments[{name}]"));
            out.push(Segment {
                key: path_hash(&name),
                name,
                initial,
                inflow_per_year,
                benefit_month,
                exit,
                initial_cell,
                inflow_cell,
                duration_hr,
                initial_destinations,
            });
        }
        Ok(out)
    }

    /// The name of entry `i` of a list of `what`s (segments, components):
    /// its `name`, or `"<what> <i>"` without one. Names are unique: a name
    /// given twice, or a name without one would take, is an error.
    fn entry_name<'a>(
        &self,
        t: &Table,
        what: &str,
        i: usize,
        mut earlier: impl Iterator<Item = &'a str>,
    ) -> Result<String, Error> {
        let given = t.string("name")?;
        if given.is_some_and(|n| n.trim().is_empty()) {
            return Err(Error::invalid(
                &t.path("name"),
                format!("a {what} name must not be empty"),
            ));
        }
        let name = given.map_or_else(|| format!("{what} {i}"), str::to_string);
        if earlier.any(|n| n == name) {
            let message = match given {
                Some(_) => format!("duplicate {what} name `{name}`"),
                None => format!(
                    "this {what} has no name, so it is called `{name}`, which an earlier \
                     {what} is named; give it a name of its own"
                ),
            };
            return Err(Error::invalid(&t.path("name"), message));
        }
        Ok(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
        start = "2017-01"
        years = 2
        [[segments]]
        initial = 100
        benefit_month = 10000
        exit = { job = 0.1 }
    "#;

    fn err(text: &str) -> String {
        match Scenario::from_toml_str(text) {
            Ok(_) => panic!("expected an error"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn minimal_scenario_gets_defaults() {
        let s = Scenario::from_toml_str(MINIMAL).unwrap();
        assert_eq!(s.destinations.len(), 6);
        assert_eq!(s.refusion.len(), 4);
        assert_eq!(s.segments[0].initial_cell, 12);
        assert_eq!(s.calendar.years_touched(), vec![2017, 2018]);
        assert!(s.intervention.is_none());
    }

    #[test]
    fn calendar_years_follow_the_start_month() {
        let text = MINIMAL
            .replace("2017-01", "2018-03")
            .replace("years = 2", "years = 5");
        let s = Scenario::from_toml_str(&text).unwrap();
        assert_eq!(
            s.calendar.years_touched(),
            (2018..=2023).collect::<Vec<_>>()
        );
        assert_eq!(s.calendar.year_index(9), 0);
        assert_eq!(s.calendar.year_index(10), 1);
    }

    #[test]
    fn errors_name_the_path() {
        let e = err(&MINIMAL.replace("job = 0.1", "job = 1.2"));
        assert!(e.starts_with("segments[0].exit.job:"), "{e}");
        let e = err(&MINIMAL.replace("job = 0.1", "jb = 0.1"));
        assert!(
            e.contains("segments[0].exit.jb") && e.contains("did you mean `job`"),
            "{e}"
        );
        let e = err(&format!("yeras = 3\n{MINIMAL}"));
        assert!(e.contains("did you mean `years`"), "{e}");
        let e = err(&MINIMAL.replace(
            "initial = 100",
            "initial = { dist = \"normal\", mean = 100, sd = 5 }",
        ));
        assert!(e.starts_with("segments[0].initial:"), "{e}");
        let e = err(&MINIMAL.replace(
            "initial = 100",
            "initial = { dist = \"pret\", min = 1, mode = 2, max = 3 }",
        ));
        assert!(
            e.contains("segments[0].initial.dist") && e.contains("`pert`"),
            "{e}"
        );
    }

    #[test]
    fn per_year_lists_must_match_the_horizon() {
        let text = format!(
            "{MINIMAL}\n[intervention]\nstart = \"2017-01\"\nend = \"2019-01\"\nfunding = [1, 2, 3]\n"
        );
        let e = err(&text);
        assert!(e.starts_with("intervention.funding:"), "{e}");
    }

    const VERSION_2: &str = r#"
        start = "2017-01"
        years = 2
        [destinations]
        job = { relapse = 0.3 }
        hours = { benefit_share = 0.5 }
        [[segments]]
        name = "a"
        initial = { dist = "uniform", low = 90, high = 110 }
        benefit_month = 10000
        exit = { job = [0.1, 0.2] }
        [intervention]
        start = "2017-01"
        end = "2019-01"
        [[intervention.components]]
        name = "mentor"
        relapse_hr = { job = 0.5 }
        follow_up_months = 6
    "#;

    #[test]
    fn section_12_keys_are_read_and_checked_with_their_path() {
        let sc = Scenario::from_toml_str(VERSION_2).unwrap();
        let comp = &sc.intervention.as_ref().unwrap().components[0];
        assert_eq!(comp.follow_up_months, Some(6));
        assert_eq!((comp.start, comp.end), (0, 24));
        for (from, to, path, words) in [
            (
                "follow_up_months = 6",
                "folow_up_months = 6",
                "intervention.components[0].folow_up_months",
                "did you mean `follow_up_months`",
            ),
            (
                "follow_up_months = 6",
                "follow_up_months = 0",
                "intervention.components[0].follow_up_months",
                "between 1 and",
            ),
            (
                "follow_up_months = 6",
                "end = \"2016-05\"",
                "intervention.components[0].end",
                "after it starts",
            ),
            (
                "follow_up_months = 6",
                "state_share = 1.5",
                "intervention.components[0].state_share",
                "share",
            ),
            (
                "years = 2",
                "years = 2\nburn_in_years = 21",
                "burn_in_years",
                "between 0 and 20",
            ),
            (
                "years = 2",
                "years = 2\nburn_in = 2",
                "burn_in",
                "did you mean `burn_in_years`",
            ),
            (
                "benefit_share = 0.5",
                "benefit_share = 1.5",
                "destinations.hours.benefit_share",
                "share",
            ),
            (
                "exit = { job = [0.1, 0.2] }",
                "exit = { job = [0.1, 0.2, 0.3] }",
                "segments[0].exit.job",
                "one value per calendar year",
            ),
            (
                "benefit_month = 10000",
                "benefit_month = 10000\ninflow_cell = 13",
                "segments[0].inflow_cell",
                "between 0 and 12",
            ),
            (
                "benefit_month = 10000",
                "benefit_month = 10000\nduration_hr = [[6, 1.2], [12, 1.0]]",
                "segments[0].duration_hr[1]",
                "13",
            ),
            (
                "benefit_month = 10000",
                "benefit_month = 10000\ninitial_destinations = { jb = 3 }",
                "segments[0].initial_destinations.jb",
                "did you mean `job`",
            ),
        ] {
            let e = err(&VERSION_2.replace(from, to));
            assert!(
                e.starts_with(&format!("{path}:")) && e.contains(words),
                "{to}: {e}"
            );
        }
        let with_correlations = |group: &str| format!("{VERSION_2}\n[[correlations]]\n{group}\n");
        for (group, path, words) in [
            ("name = \"g\"\npaths = [\"segments[0].intial\"]\nrho = 0.5", "correlations[0].paths[0]", "did you mean `segments[0].initial`"),
            ("name = \"g\"\npaths = [\"segments[a].initial\"]\nrho = 1.0", "correlations[0].rho", "[0, 1)"),
            ("name = \"g\"\npaths = [\"segments[a].exit.job\"]\nrho = 0.5", "correlations[0].paths", "uncertain"),
            ("name = \"g\"\npaths = [\"segments[a].initial\", \"segments[0].initial\"]\nrho = 0.5", "correlations[0].paths[1]", "one group only"),
        ] {
            let e = err(&with_correlations(group));
            assert!(e.starts_with(&format!("{path}:")) && e.contains(words), "{group}: {e}");
        }
        let e = err(&with_correlations(
            "name = \"g\"\npaths = [\"segments[a].initial\"]\nrho = 0.5\n[[correlations]]\n\
             name = \"h\"\npaths = [\"segments[0].initial\"]\nrho = 0.2",
        ));
        assert!(
            e.starts_with("correlations[1].paths[0]:") && e.contains("group `g`"),
            "{e}"
        );
        let ok = Scenario::from_toml_str(&with_correlations(
            "name = \"g\"\npaths = [\"segments[a].initial\", \"segments[0].exit.job\"]\nrho = 0.5",
        ))
        .unwrap();
        assert_eq!(ok.params.correlations()[0].members.len(), 1);
    }
}
