//! The scenario file (MODEL.md sections 9–11): parsing and validation.
//!
//! Input is a JSON value (TOML and Python dicts are converted to it first). The
//! reader walks it by hand rather than through serde derive because every error
//! must name its field path (`intervention.components[1].hr.job`), unknown keys
//! get a did-you-mean suggestion, and any number may be a distribution table.
//! Every parameter lands in one flat list, keyed by its path; the rest of the
//! scenario refers to parameters by index.

use crate::dist::{self, Dist, Domain};
use crate::error::Error;
use crate::rng::path_hash;
use serde_json::{Map, Value};

/// Index into [`Scenario::params`].
pub type ParamId = usize;

/// One number of the scenario: fixed or uncertain. `path` names it in messages;
/// `hash` keys its draws (from the same path, with segments and components
/// named rather than numbered).
#[derive(Debug, Clone)]
pub struct Param {
    pub path: String,
    pub hash: u64,
    pub dist: Dist,
    pub domain: Domain,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Perspective {
    Municipal,
    State,
    Public,
}

#[derive(Debug, Clone)]
pub struct Destination {
    pub name: String,
    pub relapse: ParamId,
    pub cost_month: ParamId,
    pub state_month: ParamId,
}

#[derive(Debug, Clone)]
pub struct Segment {
    pub name: String,
    /// Keys the segment's random transitions (a hash of its name).
    pub key: u64,
    pub initial: ParamId,
    pub inflow_per_year: ParamId,
    pub benefit_month: ParamId,
    /// One annual exit probability per destination, in destination order.
    pub exit: Vec<ParamId>,
    pub initial_cell: usize,
}

/// A value per calendar year of the horizon: one parameter repeated, or a list.
pub type PerYear = Vec<ParamId>;

#[derive(Debug, Clone)]
pub enum CaseloadMode {
    Target(ParamId),
    ExtraFte(PerYear),
}

#[derive(Debug, Clone)]
pub struct Caseload {
    pub base: ParamId,
    pub mode: CaseloadMode,
    pub fte_cost_year: ParamId,
    pub elasticity: ParamId,
    pub max_hr: Option<ParamId>,
    /// Per destination: does the caseload ratio act on it.
    pub affects: Vec<bool>,
}

#[derive(Debug, Clone)]
pub enum Enrolment {
    None,
    Participants(PerYear),
    Coverage(PerYear),
}

#[derive(Debug, Clone)]
pub struct Component {
    pub name: String,
    pub enrolment: Enrolment,
    /// Per destination, a hazard ratio per year (None = 1).
    pub hr: Vec<Option<PerYear>>,
    /// Per destination, a relapse hazard ratio per year (None = 1).
    pub relapse_hr: Vec<Option<PerYear>>,
    pub cost_month: ParamId,
    pub fixed_year: ParamId,
    pub one_off: ParamId,
}

#[derive(Debug, Clone)]
pub struct Intervention {
    /// Month index relative to the horizon start (may lie outside the horizon).
    pub start: i64,
    /// Exclusive end, month index relative to the horizon start.
    pub end: i64,
    /// Per segment: is it targeted.
    pub targeted: Vec<bool>,
    pub ramp_months: ParamId,
    pub caseload: Option<Caseload>,
    pub components: Vec<Component>,
    pub funding: PerYear,
}

/// A refusion step: up to and including spell month `up_to_month`, the state refunds `share`.
#[derive(Debug, Clone)]
pub struct RefusionStep {
    pub up_to_month: u32,
    pub share: ParamId,
}

#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub start_year: i32,
    /// 1–12.
    pub start_month: u32,
    pub years: u32,
    pub discount_rate: ParamId,
    pub perspective: Perspective,
    pub refusion: Vec<RefusionStep>,
    pub reentry_cell: usize,
    pub indsats_month: ParamId,
    pub indexation: ParamId,
    pub destinations: Vec<Destination>,
    pub segments: Vec<Segment>,
    pub intervention: Option<Intervention>,
    pub params: Vec<Param>,
}

/// Number of spell-duration cells: 0…11 months completed, and 12 or more.
pub const CELLS: usize = 13;
pub const LAST_CELL: usize = CELLS - 1;

pub const DEFAULT_DESTINATIONS: &[&str] = &[
    "job",
    "education",
    "flexjob",
    "resource",
    "pension",
    "other",
];
const DEFAULT_LADDER: &[(u32, f64)] = &[(1, 0.80), (6, 0.40), (12, 0.30), (999, 0.20)];

impl Scenario {
    /// Number of monthly steps.
    pub fn months(&self) -> usize {
        self.years as usize * 12
    }

    /// The calendar years the horizon touches.
    pub fn calendar_years(&self) -> Vec<i32> {
        let first = self.start_year;
        let last_month0 = self.start_month as i64 - 1 + self.months() as i64 - 1;
        let last = first + (last_month0 / 12) as i32;
        (first..=last).collect()
    }

    /// Index into [`Self::calendar_years`] of month `t`.
    pub fn year_index(&self, t: usize) -> usize {
        (self.start_month as usize - 1 + t) / 12
    }

    pub fn destination_index(&self, name: &str) -> Option<usize> {
        self.destinations.iter().position(|d| d.name == name)
    }

    pub fn from_json_str(text: &str) -> Result<Self, Error> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| Error::invalid("", format!("not valid JSON: {e}")))?;
        Self::from_value(&value)
    }

    pub fn from_toml_str(text: &str) -> Result<Self, Error> {
        let value: toml::Value =
            toml::from_str(text).map_err(|e| Error::invalid("", format!("not valid TOML: {e}")))?;
        Self::from_value(&toml_to_json(value))
    }

    pub fn from_value(value: &Value) -> Result<Self, Error> {
        Reader::default().scenario(&crate::resolve::resolve(value)?)
    }
}

fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or_else(|| Value::String(f.to_string())),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a table",
    }
}

/// ` (did you mean `x`?)` for the closest allowed key `x`, if one is close
/// enough to be a typo.
fn did_you_mean(key: &str, allowed: &[&str]) -> Option<String> {
    let close = |a: &str| {
        strsim::damerau_levenshtein(key, a) <= (key.chars().count() / 3).max(1)
            || strsim::jaro_winkler(key, a) >= 0.85
    };
    allowed
        .iter()
        .filter(|a| close(a))
        .max_by(|a, b| strsim::jaro_winkler(key, a).total_cmp(&strsim::jaro_winkler(key, b)))
        .map(|a| format!(" (did you mean `{a}`?)"))
}

fn unknown_key(path: &str, key: &str, allowed: &[&str]) -> Error {
    let hint =
        did_you_mean(key, allowed).unwrap_or_else(|| format!("; allowed: {}", allowed.join(", ")));
    Error::invalid(&join(path, key), format!("unknown field `{key}`{hint}"))
}

/// [`unknown_key`] for a table keyed by destination (exits, hazard ratios):
/// the key may be right and the destination missing from `destinations`.
fn unknown_destination(path: &str, key: &str, dests: &[&str]) -> Error {
    let hint = did_you_mean(key, dests).unwrap_or_default();
    Error::invalid(
        &join(path, key),
        format!(
            "unknown field `{key}`{hint}: not one of the destinations declared under \
             `destinations` ({})",
            dests.join(", ")
        ),
    )
}

/// A table being read: checks its keys once, then hands out fields.
struct Table<'a> {
    map: &'a Map<String, Value>,
    path: String,
}

impl<'a> Table<'a> {
    fn new(value: &'a Value, path: &str, allowed: &[&str]) -> Result<Self, Error> {
        Self::checked(value, path, allowed, unknown_key)
    }

    /// A table keyed by destination.
    fn by_destination(value: &'a Value, path: &str, dests: &[&str]) -> Result<Self, Error> {
        Self::checked(value, path, dests, unknown_destination)
    }

    fn checked(
        value: &'a Value,
        path: &str,
        allowed: &[&str],
        unknown: fn(&str, &str, &[&str]) -> Error,
    ) -> Result<Self, Error> {
        let map = value.as_object().ok_or_else(|| {
            Error::invalid(path, format!("expected a table, got {}", type_name(value)))
        })?;
        for key in map.keys() {
            if !allowed.contains(&key.as_str()) {
                return Err(unknown(path, key, allowed));
            }
        }
        Ok(Table {
            map,
            path: path.to_string(),
        })
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key)
    }

    fn path(&self, key: &str) -> String {
        join(&self.path, key)
    }

    fn required(&self, key: &str) -> Result<&'a Value, Error> {
        self.get(key).ok_or_else(|| {
            Error::invalid(&self.path(key), format!("missing required field `{key}`"))
        })
    }

    fn string(&self, key: &str) -> Result<Option<&'a str>, Error> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(v) => Err(Error::invalid(
                &self.path(key),
                format!("expected a string, got {}", type_name(v)),
            )),
        }
    }

    /// A plain integer in `[lo, hi]` (never a distribution).
    fn integer(&self, key: &str, lo: i64, hi: i64) -> Result<Option<i64>, Error> {
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        let path = self.path(key);
        let n = whole_number(v);
        let n = n.ok_or_else(|| {
            Error::invalid(
                &path,
                format!("expected a plain integer, got {}", describe_value(v)),
            )
        })?;
        if n < lo || n > hi {
            return Err(Error::invalid(
                &path,
                format!("must be between {lo} and {hi}, got {n}"),
            ));
        }
        Ok(Some(n))
    }
}

/// A JSON number that is a whole number (`13` or `13.0`).
fn whole_number(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 1e15)
                .map(|f| f as i64)
        }),
        _ => None,
    }
}

fn describe_value(v: &Value) -> String {
    match v {
        Value::Number(n) => format!("{n}"),
        Value::Object(m) if m.contains_key("dist") => {
            "a distribution (this field takes a plain integer)".into()
        }
        other => type_name(other).to_string(),
    }
}

struct NumArgs<'a>(&'a Map<String, Value>);

impl dist::Args for NumArgs<'_> {
    fn get(&self, key: &str) -> Option<f64> {
        self.0.get(key).and_then(Value::as_f64)
    }
}

/// Parses "YYYY-MM" into (year, month).
fn parse_month(path: &str, v: &Value) -> Result<(i32, u32), Error> {
    let err = || {
        Error::invalid(
            path,
            format!("expected a month as \"YYYY-MM\", got {}", show(v)),
        )
    };
    let s = v.as_str().ok_or_else(err)?;
    let (y, m) = s.split_once('-').ok_or_else(err)?;
    if y.len() != 4 || m.len() != 2 {
        return Err(err());
    }
    let year: i32 = y.parse().map_err(|_| err())?;
    let month: u32 = m.parse().map_err(|_| err())?;
    if !(1..=12).contains(&month) || !(1900..=2200).contains(&year) {
        return Err(err());
    }
    Ok((year, month))
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => format!("\"{s}\""),
        other => type_name(other).to_string(),
    }
}

#[derive(Default)]
struct Reader {
    params: Vec<Param>,
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
];
const BENEFIT_KEYS: &[&str] = &[
    "refusion",
    "reentry_cell",
    "initial_cell",
    "indsats_month",
    "indexation",
];
const DEST_KEYS: &[&str] = &["relapse", "cost_month", "state_month"];
const SEGMENT_KEYS: &[&str] = &[
    "name",
    "initial",
    "inflow_per_year",
    "benefit_month",
    "exit",
    "initial_cell",
];
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
    /// Keys the draws of the parameters pushed since `first` by the entry's
    /// name instead of its position (`segments[over 30].exit.job` rather than
    /// `segments[0].exit.job`), so two scenarios that list segments or
    /// components in another order still share their draws. Error messages keep
    /// the positional path.
    fn key_by_name(&mut self, first: usize, positional: &str, named: &str) {
        for p in &mut self.params[first..] {
            if let Some(rest) = p.path.strip_prefix(positional) {
                p.hash = path_hash(&format!("{named}{rest}"));
            }
        }
    }

    fn push(&mut self, path: String, dist: Dist, domain: Domain) -> ParamId {
        let hash = path_hash(&path);
        self.params.push(Param {
            path,
            hash,
            dist,
            domain,
        });
        self.params.len() - 1
    }

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
        Ok(self.push(path, dist, domain))
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
            None => Ok(self.push(t.path(key), Dist::Fixed(default), domain)),
        }
    }

    fn req_param(&mut self, t: &Table, key: &str, domain: Domain) -> Result<ParamId, Error> {
        let v = t.required(key)?;
        self.param(t.path(key), v, domain)
    }

    /// One value for every calendar year, or a list with exactly one per year.
    fn per_year(&mut self, path: String, v: &Value, domain: Domain) -> Result<PerYear, Error> {
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
        let last_month0 = start_month as usize - 1 + years as usize * 12 - 1;
        self.n_years = last_month0 / 12 + 1;
        let discount_rate = self.opt_param(&t, "discount_rate", Domain::AboveMinusOne, 0.0)?;
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

        let empty = Value::Object(Map::new());
        let benefit = Table::new(t.get("benefit").unwrap_or(&empty), "benefit", BENEFIT_KEYS)?;
        let refusion = self.refusion(&benefit)?;
        let reentry_cell = benefit
            .integer("reentry_cell", 0, LAST_CELL as i64)?
            .unwrap_or(LAST_CELL as i64) as usize;
        let default_initial_cell = benefit
            .integer("initial_cell", 0, LAST_CELL as i64)?
            .unwrap_or(LAST_CELL as i64) as usize;
        let indsats_month = self.opt_param(&benefit, "indsats_month", Domain::Real, 0.0)?;
        let indexation = self.opt_param(&benefit, "indexation", Domain::AboveMinusOne, 0.0)?;

        let destinations = self.destinations(t.get("destinations"))?;
        let dest_names: Vec<&str> = destinations.iter().map(|d| d.name.as_str()).collect();
        let segments = self.segments(t.required("segments")?, &dest_names, default_initial_cell)?;
        let intervention = match t.get("intervention") {
            None => None,
            Some(v) => {
                Some(self.intervention(v, (start_year, start_month), &segments, &dest_names)?)
            }
        };
        Ok(Scenario {
            name,
            start_year,
            start_month,
            years,
            discount_rate,
            perspective,
            refusion,
            reentry_cell,
            indsats_month,
            indexation,
            destinations,
            segments,
            intervention,
            params: self.params,
        })
    }

    fn refusion(&mut self, benefit: &Table) -> Result<Vec<RefusionStep>, Error> {
        let path = benefit.path("refusion");
        let Some(v) = benefit.get("refusion") else {
            return Ok(DEFAULT_LADDER
                .iter()
                .enumerate()
                .map(|(i, &(m, s))| RefusionStep {
                    up_to_month: m,
                    share: self.push(
                        format!("{}[1]", index(&path, i)),
                        Dist::Fixed(s),
                        Domain::Real,
                    ),
                })
                .collect());
        };
        let steps = v.as_array().ok_or_else(|| {
            Error::invalid(
                &path,
                format!(
                    "expected a list of [up to month, share] pairs, got {}",
                    type_name(v)
                ),
            )
        })?;
        if steps.is_empty() {
            return Err(Error::invalid(
                &path,
                "the refusion ladder needs at least one step",
            ));
        }
        let mut out = Vec::with_capacity(steps.len());
        let mut previous = 0u32;
        for (i, step) in steps.iter().enumerate() {
            let p = index(&path, i);
            let pair = step.as_array().filter(|a| a.len() == 2).ok_or_else(|| {
                Error::invalid(
                    &p,
                    format!(
                        "expected a pair [up to month, share], got {}",
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
            let share = self.param(index(&p, 1), &pair[1], Domain::Share)?;
            out.push(RefusionStep {
                up_to_month: month,
                share,
            });
        }
        if previous < 13 {
            return Err(Error::invalid(
                &index(&path, steps.len() - 1),
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
                    Destination {
                        name: name.to_string(),
                        relapse: self.push(join(&base, "relapse"), Dist::Fixed(0.0), Domain::Real),
                        cost_month: self.push(
                            join(&base, "cost_month"),
                            Dist::Fixed(0.0),
                            Domain::Real,
                        ),
                        state_month: self.push(
                            join(&base, "state_month"),
                            Dist::Fixed(0.0),
                            Domain::Real,
                        ),
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
            if name == "benefit" {
                return Err(Error::invalid(
                    &path,
                    "`benefit` is the origin state, not a destination",
                ));
            }
            let t = Table::new(dv, &path, DEST_KEYS)?;
            out.push(Destination {
                name: name.clone(),
                relapse: self.opt_param(&t, "relapse", Domain::Probability, 0.0)?,
                cost_month: self.opt_param(&t, "cost_month", Domain::Real, 0.0)?,
                state_month: self.opt_param(&t, "state_month", Domain::Real, 0.0)?,
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
            let name = t
                .string("name")?
                .map(str::to_string)
                .unwrap_or_else(|| format!("segment {i}"));
            if out.iter().any(|s| s.name == name) {
                return Err(Error::invalid(
                    &t.path("name"),
                    format!("duplicate segment name `{name}`"),
                ));
            }
            let first_param = self.params.len();
            let initial = self.req_param(&t, "initial", Domain::Count)?;
            let inflow_per_year = self.opt_param(&t, "inflow_per_year", Domain::Count, 0.0)?;
            let benefit_month = self.req_param(&t, "benefit_month", Domain::Real)?;
            let initial_cell = t
                .integer("initial_cell", 0, LAST_CELL as i64)?
                .map(|c| c as usize)
                .unwrap_or(default_cell);
            let exit_path = t.path("exit");
            let no_exits = Value::Object(Map::new());
            let exit_value = t.get("exit").unwrap_or(&no_exits);
            let exit_table = Table::by_destination(exit_value, &exit_path, dests)?;
            let exit = dests
                .iter()
                .map(|d| self.opt_param(&exit_table, d, Domain::Probability, 0.0))
                .collect::<Result<Vec<_>, _>>()?;
            self.key_by_name(first_param, &path, &format!("segments[{name}]"));
            out.push(Segment {
                key: path_hash(&name),
                name,
                initial,
                inflow_per_year,
                benefit_month,
                exit,
                initial_cell,
            });
        }
        Ok(out)
    }

    fn intervention(
        &mut self,
        v: &Value,
        horizon_start: (i32, u32),
        segments: &[Segment],
        dests: &[&str],
    ) -> Result<Intervention, Error> {
        let t = Table::new(v, "intervention", INTERVENTION_KEYS)?;
        let month_index = |(y, m): (i32, u32)| {
            (y as i64 - horizon_start.0 as i64) * 12 + (m as i64 - horizon_start.1 as i64)
        };
        let start = month_index(parse_month("intervention.start", t.required("start")?)?);
        let end = month_index(parse_month("intervention.end", t.required("end")?)?);
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
                let id = self.push(
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
            None => dests
                .iter()
                .map(|d| *d == "job" || *d == "education")
                .collect(),
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
        self.key_by_name(
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
    ) -> Result<Vec<Option<PerYear>>, Error> {
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
        assert_eq!(s.calendar_years(), vec![2017, 2018]);
        assert!(s.intervention.is_none());
    }

    #[test]
    fn calendar_years_follow_the_start_month() {
        let text = MINIMAL
            .replace("2017-01", "2018-03")
            .replace("years = 2", "years = 5");
        let s = Scenario::from_toml_str(&text).unwrap();
        assert_eq!(s.calendar_years(), (2018..=2023).collect::<Vec<_>>());
        assert_eq!(s.year_index(9), 0);
        assert_eq!(s.year_index(10), 1);
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
}
