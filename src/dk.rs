//! Danish reference data: the figures, benefit rate tables, satsregulering and
//! refusion ladders that scenarios refer to (`{ dk = .. }`, `{ rate = .. }`).
//!
//! The numbers live in `data/*.toml`, the files a municipal economist edits;
//! they are compiled into the crate and parsed and checked once, on first use.
//! A malformed entry is an error naming the file and the entry. [`Data::rate_entry`]
//! carries a group's last known rate forward with the actual satsregulering and
//! then the assumed `SATSREGULERING_EXTRAPOLATION`, exactly as the Python
//! facade did before the data moved here (same operations, same order).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

const FIGURES_FILE: &str = "data/figures.toml";
const RATES_FILE: &str = "data/rates.toml";
const SATSREGULERING_FILE: &str = "data/satsregulering.toml";
const REFUSION_FILE: &str = "data/refusion.toml";

/// The embedded data files: (name, text).
pub const FILES: [(&str, &str); 4] = [
    (FIGURES_FILE, include_str!("../data/figures.toml")),
    (RATES_FILE, include_str!("../data/rates.toml")),
    (
        SATSREGULERING_FILE,
        include_str!("../data/satsregulering.toml"),
    ),
    (REFUSION_FILE, include_str!("../data/refusion.toml")),
];

/// The figure that extrapolates the rate tables after the last known change.
pub const EXTRAPOLATION: &str = "SATSREGULERING_EXTRAPOLATION";

/// A yearly change outside ±20 % is a typo (a percentage written as a share).
const MAX_CHANGE: f64 = 0.2;

/// One number with its unit, source and status (a table of `data/figures.toml`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    pub name: String,
    pub value: f64,
    pub unit: String,
    pub source: String,
    /// No public figure was found; `low`/`high` may give the plausible range.
    pub assumption: bool,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub note: String,
    pub label: String,
    /// Calculated from sourced numbers (the calculation is in `note`).
    pub derived: bool,
    /// The price or rate year, where one applies.
    pub year: Option<i64>,
}

impl Figure {
    /// The range `(low, high)` of an assumption that has one.
    pub fn range(&self) -> Option<(f64, f64)> {
        self.low.zip(self.high)
    }
}

/// The monthly rate of a benefit group in one year, with its source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rate {
    pub group: String,
    pub year: i64,
    pub value: f64,
    pub source: String,
    pub derived: bool,
    pub note: String,
}

/// A benefit group: its label and its rates by year (ascending).
#[derive(Debug, Clone, PartialEq)]
pub struct RateGroup {
    pub name: String,
    pub label: String,
    pub rates: Vec<Rate>,
}

/// One step of a refusion ladder: up to this week (as enacted) or month (as
/// the model counts), the state refunds `share`, the value of figure `figure`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LadderStep {
    pub up_to_week: u32,
    pub up_to_month: u32,
    pub share: f64,
    pub figure: String,
}

/// A refusion ladder (a table of `data/refusion.toml`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ladder {
    pub name: String,
    pub source: String,
    pub note: String,
    pub steps: Vec<LadderStep>,
}

impl Ladder {
    /// The ladder in the scenario format: `[[up to month, state share], ..]`.
    pub fn scenario_value(&self) -> Value {
        Value::Array(
            self.steps
                .iter()
                .map(|s| json!([s.up_to_month, s.share]))
                .collect(),
        )
    }
}

/// All the reference data, parsed and checked.
#[derive(Debug, Clone)]
pub struct Data {
    figures: Vec<Figure>,
    figure_index: HashMap<String, usize>,
    groups: Vec<RateGroup>,
    /// The actual satsregulering by year.
    changes: BTreeMap<i64, f64>,
    /// The assumed yearly change after the last year of `changes`.
    extrapolation: f64,
    ladders: Vec<Ladder>,
    first_year: i64,
    last_year: i64,
}

/// The embedded data, parsed on first use.
pub fn data() -> Result<&'static Data, String> {
    static DATA: OnceLock<Result<Data, String>> = OnceLock::new();
    DATA.get_or_init(|| {
        let [figures, rates, satsregulering, refusion] = FILES.map(|(_, text)| text);
        Data::parse(figures, rates, satsregulering, refusion)
    })
    .as_ref()
    .map_err(Clone::clone)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FigureEntry {
    label: String,
    value: f64,
    unit: String,
    source: String,
    #[serde(default)]
    assumption: bool,
    low: Option<f64>,
    high: Option<f64>,
    #[serde(default)]
    note: String,
    #[serde(default)]
    derived: bool,
    year: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupEntry {
    label: String,
    rates: Vec<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RateEntry {
    year: i64,
    value: f64,
    source: String,
    #[serde(default)]
    derived: bool,
    #[serde(default)]
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SatsreguleringFile {
    first_year: i64,
    last_year: i64,
    changes: toml::Table,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LadderEntry {
    source: String,
    note: String,
    steps: Vec<StepEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepEntry {
    up_to_week: u32,
    up_to_month: u32,
    share: String,
}

fn parse_file(file: &str, text: &str) -> Result<toml::Table, String> {
    toml::from_str(text).map_err(|e| format!("{file}: not valid TOML: {e}"))
}

fn entry<T: DeserializeOwned>(file: &str, what: &str, value: toml::Value) -> Result<T, String> {
    value.try_into().map_err(|e| format!("{file}, {what}: {e}"))
}

/// The tables of a data file, each deserialized, its name checked (capital
/// or lower-case letters, digits and _), with a [`Check`] that names it.
fn entries<T: DeserializeOwned>(
    file: &'static str,
    kind: &str,
    upper: bool,
    text: &str,
) -> Result<Vec<(String, T, Check<'static>)>, String> {
    parse_file(file, text)?
        .into_iter()
        .map(|(name, value)| {
            let what = format!("{kind} {name}");
            let entry: T = entry(file, &what, value)?;
            let check = Check { file, what };
            let case = if upper { "capital" } else { "lower-case" };
            check.that(
                is_name(&name, upper),
                &format!("the name must be {case} letters, digits and _"),
            )?;
            Ok((name, entry, check))
        })
        .collect()
}

fn is_name(name: &str, upper: bool) -> bool {
    let mut chars = name.chars();
    let letter = |c: char| {
        if upper {
            c.is_ascii_uppercase()
        } else {
            c.is_ascii_lowercase()
        }
    };
    chars.next().is_some_and(letter) && chars.all(|c| letter(c) || c.is_ascii_digit() || c == '_')
}

/// Errors of one entry: `file, what: message`.
struct Check<'a> {
    file: &'a str,
    what: String,
}

impl Check<'_> {
    fn error(&self, message: &str) -> String {
        format!("{}, {}: {message}", self.file, self.what)
    }

    fn that(&self, ok: bool, message: &str) -> Result<(), String> {
        if ok {
            Ok(())
        } else {
            Err(self.error(message))
        }
    }

    fn text(&self, key: &str, value: &str) -> Result<(), String> {
        self.that(
            !value.trim().is_empty(),
            &format!("`{key}` must not be empty"),
        )
    }
}

impl Data {
    /// Parses and checks the four data files (their texts).
    pub fn parse(
        figures: &str,
        rates: &str,
        satsregulering: &str,
        refusion: &str,
    ) -> Result<Data, String> {
        let sats: SatsreguleringFile = entry(
            SATSREGULERING_FILE,
            "the file",
            toml::Value::Table(parse_file(SATSREGULERING_FILE, satsregulering)?),
        )?;
        let (first_year, last_year) = (sats.first_year, sats.last_year);
        let file = Check {
            file: SATSREGULERING_FILE,
            what: "first_year/last_year".into(),
        };
        file.that(
            first_year <= last_year,
            "first_year must not be after last_year",
        )?;
        let in_years = |y: i64| (first_year..=last_year).contains(&y);
        let mut changes = BTreeMap::new();
        for (key, value) in sats.changes {
            let check = Check {
                file: SATSREGULERING_FILE,
                what: format!("changes.{key}"),
            };
            let year: i64 = key
                .parse()
                .map_err(|_| check.error("the key must be a year"))?;
            check.that(in_years(year), "the year is outside first_year..last_year")?;
            let change = value
                .as_float()
                .or_else(|| value.as_integer().map(|i| i as f64))
                .ok_or_else(|| check.error("the change must be a number"))?;
            check.that(
                change.is_finite() && change.abs() <= MAX_CHANGE,
                &format!(
                    "the change is a share between -{MAX_CHANGE} and {MAX_CHANGE} \
                     (0.0125 for 1.25 %), got {change}"
                ),
            )?;
            changes.insert(year, change);
        }

        let figures = parse_figures(figures, in_years)?;
        let figure_index: HashMap<String, usize> = figures
            .iter()
            .enumerate()
            .map(|(i, f)| (f.name.clone(), i))
            .collect();
        let extrapolation = figure_index
            .get(EXTRAPOLATION)
            .map(|&i| figures[i].value)
            .ok_or_else(|| format!("{FIGURES_FILE}: the figure {EXTRAPOLATION} is missing"))?;
        let groups = parse_rates(rates, in_years)?;
        let ladders = parse_ladders(refusion, &figures, &figure_index)?;
        Ok(Data {
            figures,
            figure_index,
            groups,
            changes,
            extrapolation,
            ladders,
            first_year,
            last_year,
        })
    }

    /// Every figure, in the order of `data/figures.toml`.
    pub fn figures(&self) -> &[Figure] {
        &self.figures
    }

    /// Every rate group, in the order of `data/rates.toml`.
    pub fn groups(&self) -> &[RateGroup] {
        &self.groups
    }

    /// The refusion ladders of `data/refusion.toml`.
    pub fn ladders(&self) -> &[Ladder] {
        &self.ladders
    }

    /// The years a rate reference may ask for.
    pub fn years(&self) -> (i64, i64) {
        (self.first_year, self.last_year)
    }

    /// The figure called `name`, or `unknown figure 'X' (did you mean 'Y'?)`.
    pub fn figure(&self, name: &str) -> Result<&Figure, String> {
        match self.figure_index.get(name) {
            Some(&i) => Ok(&self.figures[i]),
            None => {
                let names = self.figures.iter().map(|f| f.name.as_str());
                let ladders = self.ladders.iter().map(|l| l.name.as_str());
                Err(format!(
                    "unknown figure '{name}'{}",
                    suggestion(name, names.chain(ladders))
                ))
            }
        }
    }

    /// The refusion ladder called `name`, if there is one.
    pub fn ladder(&self, name: &str) -> Option<&Ladder> {
        self.ladders.iter().find(|l| l.name == name)
    }

    /// The rate group called `name`, or `unknown rate group 'x' (did you mean 'y'?)`.
    pub fn group(&self, name: &str) -> Result<&RateGroup, String> {
        self.groups.iter().find(|g| g.name == name).ok_or_else(|| {
            let names = self.groups.iter().map(|g| g.name.as_str());
            format!("unknown rate group '{name}'{}", suggestion(name, names))
        })
    }

    /// `year must be an integer between first and last, got <shown>`.
    pub fn year_error(&self, shown: &str) -> String {
        format!(
            "year must be an integer between {} and {}, got {shown}",
            self.first_year, self.last_year
        )
    }

    /// Checks that `year` is one a rate reference may ask for.
    pub fn check_year(&self, year: i64) -> Result<i64, String> {
        if (self.first_year..=self.last_year).contains(&year) {
            Ok(year)
        } else {
            Err(self.year_error(&year.to_string()))
        }
    }

    /// The monthly rate of `group` in `year` with its source. A year after the
    /// table (or in a gap) is the latest earlier entry regulated by the actual
    /// satsregulering where it is known and the assumed extrapolation after.
    pub fn rate_entry(&self, group: &str, year: i64) -> Result<Rate, String> {
        let table = self.group(group)?;
        self.check_year(year)
            .map_err(|e| format!("rate group '{group}': {e}"))?;
        let Some(base) = table.rates.iter().rev().find(|r| r.year <= year) else {
            let first = table.rates.first().map_or(year, |r| r.year);
            return Err(format!(
                "rate group '{group}' starts in {first}; no rate for {year}"
            ));
        };
        if base.year == year {
            return Ok(base.clone());
        }
        let years = base.year + 1..=year;
        let (known, assumed): (Vec<i64>, Vec<i64>) =
            years.clone().partition(|y| self.changes.contains_key(y));
        let mut parts = Vec::new();
        if !known.is_empty() {
            parts.push(format!(
                "the actual changes of {} (SATSREGULERING)",
                span(&known)
            ));
        }
        if !assumed.is_empty() {
            parts.push(format!(
                "an assumed {:.2}%/yr for {} ({EXTRAPOLATION}, an assumption)",
                self.extrapolation * 100.0,
                span(&assumed)
            ));
        }
        let factor = years.fold(1.0, |factor, y| {
            factor * (1.0 + self.changes.get(&y).copied().unwrap_or(self.extrapolation))
        });
        Ok(Rate {
            group: group.to_string(),
            year,
            value: base.value * factor,
            source: base.source.clone(),
            derived: true,
            note: format!(
                "Extrapolated from {} with {}",
                base.year,
                parts.join(" and ")
            ),
        })
    }

    /// Everything, as plain JSON for the Python facade: figures, rate groups
    /// with labels, rate entries, satsregulering, ladders and the year range.
    pub fn export(&self) -> Value {
        let rates: Vec<&Rate> = self.groups.iter().flat_map(|g| &g.rates).collect();
        let groups: serde_json::Map<String, Value> = self
            .groups
            .iter()
            .map(|g| (g.name.clone(), Value::from(g.label.clone())))
            .collect();
        json!({
            "figures": self.figures,
            "rate_groups": groups,
            "rates": rates,
            "satsregulering": self.changes.iter().collect::<Vec<_>>(),
            "ladders": self.ladders,
            "years": [self.first_year, self.last_year],
        })
    }
}

fn span(years: &[i64]) -> String {
    match years {
        [only] => only.to_string(),
        [first, .., last] => format!("{first}-{last}"),
        [] => String::new(),
    }
}

fn parse_figures(text: &str, in_years: impl Fn(i64) -> bool) -> Result<Vec<Figure>, String> {
    let mut figures = Vec::new();
    for (name, e, check) in entries::<FigureEntry>(FIGURES_FILE, "figure", true, text)? {
        for (key, text) in [
            ("label", &e.label),
            ("unit", &e.unit),
            ("source", &e.source),
        ] {
            check.text(key, text)?;
        }
        let numbers = [Some(e.value), e.low, e.high];
        check.that(
            numbers.iter().flatten().all(|x| x.is_finite()),
            "value, low and high must be finite",
        )?;
        check.that(
            e.low.is_some() == e.high.is_some(),
            "give both low and high, or neither",
        )?;
        if let Some((low, high)) = e.low.zip(e.high) {
            check.that(e.assumption, "only an assumption has a range")?;
            check.that(
                low <= e.value && e.value <= high && low < high,
                "need low <= value <= high and low < high",
            )?;
        }
        if let Some(year) = e.year {
            check.that(in_years(year), "the year is outside the supported years")?;
        }
        figures.push(Figure {
            name,
            value: e.value,
            unit: e.unit,
            source: e.source,
            assumption: e.assumption,
            low: e.low,
            high: e.high,
            note: e.note,
            label: e.label,
            derived: e.derived,
            year: e.year,
        });
    }
    Ok(figures)
}

fn parse_rates(text: &str, in_years: impl Fn(i64) -> bool) -> Result<Vec<RateGroup>, String> {
    let mut groups = Vec::new();
    for (name, g, check) in entries::<GroupEntry>(RATES_FILE, "group", false, text)? {
        check.text("label", &g.label)?;
        check.that(!g.rates.is_empty(), "a group needs at least one rate")?;
        let mut rates: Vec<Rate> = Vec::new();
        for (i, value) in g.rates.into_iter().enumerate() {
            let what = format!("group {name}, rates[{i}]");
            let r: RateEntry = entry(RATES_FILE, &what, value)?;
            let check = Check {
                file: RATES_FILE,
                what: format!("{what} (year {})", r.year),
            };
            check.that(in_years(r.year), "the year is outside the supported years")?;
            check.that(
                r.value.is_finite() && r.value > 0.0,
                "the value must be a positive number",
            )?;
            check.text("source", &r.source)?;
            check.that(
                rates.iter().all(|other| other.year != r.year),
                "the year appears twice",
            )?;
            rates.push(Rate {
                group: name.clone(),
                year: r.year,
                value: r.value,
                source: r.source,
                derived: r.derived,
                note: r.note,
            });
        }
        rates.sort_by_key(|r| r.year);
        groups.push(RateGroup {
            name,
            label: g.label,
            rates,
        });
    }
    Ok(groups)
}

fn parse_ladders(
    text: &str,
    figures: &[Figure],
    index: &HashMap<String, usize>,
) -> Result<Vec<Ladder>, String> {
    let mut ladders = Vec::new();
    for (name, e, check) in entries::<LadderEntry>(REFUSION_FILE, "ladder", true, text)? {
        check.that(
            !index.contains_key(&name),
            "a figure in figures.toml has the same name",
        )?;
        check.text("source", &e.source)?;
        check.that(!e.steps.is_empty(), "a ladder needs at least one step")?;
        let mut steps: Vec<LadderStep> = Vec::new();
        for (i, s) in e.steps.into_iter().enumerate() {
            let check = Check {
                file: REFUSION_FILE,
                what: format!("ladder {name}, steps[{i}]"),
            };
            let figure = index.get(&s.share).map(|&f| &figures[f]).ok_or_else(|| {
                let names = figures.iter().map(|f| f.name.as_str());
                check.error(&format!(
                    "share names no figure of figures.toml: '{}'{}",
                    s.share,
                    suggestion(&s.share, names)
                ))
            })?;
            check.that(
                figure.unit == "share" && (0.0..=1.0).contains(&figure.value),
                "the share's figure must have unit \"share\" and a value between 0 and 1",
            )?;
            if let Some(last) = steps.last() {
                check.that(
                    s.up_to_week > last.up_to_week && s.up_to_month > last.up_to_month,
                    "up_to_week and up_to_month must increase from step to step",
                )?;
            }
            check.that(s.up_to_month >= 1, "up_to_month must be at least 1")?;
            steps.push(LadderStep {
                up_to_week: s.up_to_week,
                up_to_month: s.up_to_month,
                share: figure.value,
                figure: s.share,
            });
        }
        ladders.push(Ladder {
            name,
            source: e.source,
            note: e.note,
            steps,
        });
    }
    Ok(ladders)
}

/// ` (did you mean 'x'?)` for the candidate closest to `name` (ignoring
/// case; the first of equals), if one is close enough to be a typo;
/// otherwise empty. Sørensen–Dice on letter pairs, at least 0.6: on typos of
/// the figure and group names it picks what Python's `difflib` picked.
pub fn suggestion<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    let name = name.to_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        let score = strsim::sorensen_dice(&name, &candidate.to_lowercase());
        if score >= 0.6 && best.is_none_or(|(top, _)| score > top) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| format!(" (did you mean '{c}'?)"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn embedded() -> &'static Data {
        data().unwrap_or_else(|e| panic!("the embedded data does not load: {e}"))
    }

    #[test]
    fn the_embedded_data_loads() {
        let d = embedded();
        assert!(d.figures().len() > 50);
        assert!(d.groups().len() > 10);
        assert!(d.ladders().iter().any(|l| l.name == "REFUSION_LADDER_2016"));
        let f = d.figure("CASEWORKER_FTE_COST_YEAR").unwrap();
        assert!(f.assumption);
        let (low, high) = f.range().unwrap();
        assert!(low <= f.value && f.value <= high, "{f:?}");
        assert_eq!((low, f.value, high), (450_000.0, 550_000.0, 650_000.0));
        for f in d.figures() {
            if let Some((low, high)) = f.range() {
                assert!(f.assumption && low <= f.value && f.value <= high && low < high);
            }
        }
    }

    #[test]
    fn table_years_extrapolation_and_gaps() {
        let d = embedded();
        let r = d.rate_entry("kontanthjaelp_30plus_other", 2018).unwrap();
        assert_eq!((r.value, r.derived), (11282.0, false));
        let last = d.rate_entry("kontanthjaelp_30plus_other", 2021).unwrap();
        let next = d.rate_entry("kontanthjaelp_30plus_other", 2023).unwrap();
        assert_eq!(next.value, last.value * (1.0125 * 1.0125));
        assert!(next.derived);
        assert_eq!(
            next.note,
            "Extrapolated from 2021 with an assumed 1.25%/yr for 2022-2023 \
             (SATSREGULERING_EXTRAPOLATION, an assumption)"
        );
        let gap = d.rate_entry("foertidspension_single", 2019).unwrap();
        assert_eq!(gap.value, 18642.0 * 1.0125);
        assert_eq!(
            gap.note,
            "Extrapolated from 2018 with the actual changes of 2019 (SATSREGULERING)"
        );
    }

    #[test]
    fn a_year_far_outside_the_tables_is_a_quick_error() {
        let d = embedded();
        for year in [
            i64::MAX,
            i64::MIN,
            1 << 62,
            1_000_000_000_000_000_000,
            -5,
            9999,
        ] {
            let e = d
                .rate_entry("kontanthjaelp_30plus_other", year)
                .unwrap_err();
            assert!(
                e.contains("year must be an integer between 1990 and 2100"),
                "{e}"
            );
        }
        let e = d
            .rate_entry("kontanthjaelp_30plus_other", 2010)
            .unwrap_err();
        assert_eq!(
            e,
            "rate group 'kontanthjaelp_30plus_other' starts in 2016; no rate for 2010"
        );
        assert!(d.rate_entry("kontanthjaelp_30plus_other", 2100).is_ok());
    }

    #[test]
    fn unknown_names_get_a_suggestion() {
        let d = embedded();
        let e = d.rate_entry("kontanthjalp_30plus", 2017).unwrap_err();
        assert_eq!(
            e,
            "unknown rate group 'kontanthjalp_30plus' (did you mean 'kontanthjaelp_30plus_other'?)"
        );
        let e = d.figure("caseworker_fte_cost_year").unwrap_err();
        assert!(
            e.ends_with("(did you mean 'CASEWORKER_FTE_COST_YEAR'?)"),
            "{e}"
        );
        assert_eq!(d.figure("zzz").unwrap_err(), "unknown figure 'zzz'");
    }

    fn with(file: usize, text: &str) -> Result<Data, String> {
        let mut texts = FILES.map(|(_, t)| t.to_string());
        texts[file] = text.to_string();
        let [a, b, c, e] = texts;
        Data::parse(&a, &b, &c, &e)
    }

    #[test]
    fn malformed_entries_name_the_file_and_the_entry() {
        let figures = FILES[0].1;
        let cases = [
            (
                0,
                figures.replacen("value = 550000\n", "value = 750000\n", 1),
                "data/figures.toml, figure CASEWORKER_FTE_COST_YEAR: need low <= value <= high",
            ),
            (
                0,
                figures.replacen("value = 0.8\n", "vaule = 0.8\n", 1),
                "data/figures.toml, figure REFUSION_SHARE_WEEKS_1_4: unknown field `vaule`",
            ),
            (
                0,
                figures.replacen("low = 450000\n", "", 1),
                "data/figures.toml, figure CASEWORKER_FTE_COST_YEAR: give both low and high",
            ),
            (
                0,
                figures.replacen("[MENTOR_HOUR]", "[mentor_hour]", 1),
                "data/figures.toml, figure mentor_hour: the name must be capital letters",
            ),
            (
                0,
                figures.replacen("[SATSREGULERING_EXTRAPOLATION]", "[SATS_X]", 1),
                "data/figures.toml: the figure SATSREGULERING_EXTRAPOLATION is missing",
            ),
            (
                1,
                FILES[1]
                    .1
                    .replacen("value = 14575\n", "value = \"14575\"\n", 1),
                "data/rates.toml, group kontanthjaelp_30plus_forsoerger, rates[0]: invalid type",
            ),
            (
                1,
                FILES[1].1.replacen("year = 2017\n", "year = 2016\n", 1),
                "data/rates.toml, group kontanthjaelp_30plus_forsoerger, rates[1] (year 2016): \
                 the year appears twice",
            ),
            (
                2,
                FILES[2].1.replacen("2017 = 0.016", "2017 = 1.6", 1),
                "data/satsregulering.toml, changes.2017: the change is a share",
            ),
            (
                3,
                FILES[3]
                    .1
                    .replacen("REFUSION_SHARE_WEEKS_1_4", "REFUSION_SHARE_WEEK_1_4", 1),
                "data/refusion.toml, ladder REFUSION_LADDER_2016, steps[0]: share names no \
                 figure of figures.toml: 'REFUSION_SHARE_WEEK_1_4' (did you mean \
                 'REFUSION_SHARE_WEEKS_1_4'?)",
            ),
            (3, "x = [".into(), "data/refusion.toml: not valid TOML"),
        ];
        for (file, text, expected) in cases {
            assert_ne!(text, FILES[file].1, "the case does not change the file");
            let e = with(file, &text).unwrap_err();
            assert!(e.starts_with(expected), "{e}\nexpected: {expected}");
        }
    }
}
