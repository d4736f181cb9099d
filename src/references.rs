//! References to the Danish reference data ([`crate::dk`]) in a scenario,
//! replaced by numbers or distributions before the scenario is read.
//!
//! Anywhere a scenario takes a number it may hold a reference:
//!
//! * `{ rate = "<group>", year = <int>, scale = <number> }`: the group's monthly
//!   rate in `year` (default: the year of the scenario's `start`) times `scale`;
//! * `{ dk = "<FIGURE>", scale = <number>, dist = "pert" | "triangular" |
//!   "uniform" | "fixed" }`: the figure's value times `scale`; an assumption
//!   with a range becomes a distribution (pert unless `dist` says otherwise);
//! * `{ dk = "<LADDER>" }`: a refusion ladder, as `[[month, share], ..]`.
//!
//! `scale` may itself be a reference that gives a number. Errors start with
//! the field's path (`segments[0].benefit_month: unknown rate group ..`).

use crate::dk::{self, Data};
use crate::error::Error;
use serde_json::{json, Map, Value};

const RATE_KEYS: [&str; 3] = ["rate", "scale", "year"];
const DK_KEYS: [&str; 3] = ["dist", "dk", "scale"];
const DISTS: [&str; 4] = ["pert", "triangular", "uniform", "fixed"];

/// A copy of `scenario` with every reference replaced. A scenario without
/// references comes back unchanged; the reference data is read only when a
/// reference is met.
pub fn resolve(scenario: &Value) -> Result<Value, Error> {
    let start_year = scenario.get("start").and_then(start_year);
    Resolver { start_year }.value(scenario, "")
}

/// The year of a `start = "YYYY-MM"` (or of a date `YYYY-MM-DD`, as a TOML
/// date literal reads).
fn start_year(start: &Value) -> Option<i64> {
    let text = start.as_str()?.trim();
    let (year, rest) = text.split_once('-')?;
    let month = rest.split_once('-').map_or(rest, |(month, _)| month);
    let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if digits(year, 4..=4) && digits(month, 1..=2) {
        year.parse().ok()
    } else {
        None
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The path as errors show it (`<root>` for the scenario itself).
fn at(path: &str) -> &str {
    if path.is_empty() {
        "<root>"
    } else {
        path
    }
}

/// A value as an error message shows it: text in quotes, the rest as JSON.
fn show(v: &Value) -> String {
    match v {
        Value::String(s) => format!("'{s}'"),
        other => other.to_string(),
    }
}

fn reference_data(path: &str) -> Result<&'static Data, Error> {
    dk::data().map_err(|e| {
        Error::invalid(
            at(path),
            format!("the Danish reference data cannot be read: {e}"),
        )
    })
}

struct Resolver {
    start_year: Option<i64>,
}

impl Resolver {
    fn value(&self, v: &Value, path: &str) -> Result<Value, Error> {
        match v {
            Value::Object(map) => {
                let is_rate = matches!(map.get("rate"), Some(Value::String(_)));
                let is_dk = matches!(map.get("dk"), Some(Value::String(_)));
                match (is_rate, is_dk) {
                    (true, true) => Err(Error::invalid(
                        at(path),
                        "a reference has either 'rate' or 'dk', not both",
                    )),
                    (true, false) => self.rate(map, path),
                    (false, true) => self.dk(map, path),
                    (false, false) => map
                        .iter()
                        .map(|(k, v)| Ok((k.clone(), self.value(v, &join(path, k))?)))
                        .collect::<Result<Map<_, _>, Error>>()
                        .map(Value::Object),
                }
            }
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| self.value(v, &format!("{path}[{i}]")))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            other => Ok(other.clone()),
        }
    }

    fn rate(&self, map: &Map<String, Value>, path: &str) -> Result<Value, Error> {
        check_keys(map, &RATE_KEYS, "rate", path)?;
        let group = map["rate"].as_str().unwrap_or_default();
        let year = match (map.get("year"), self.start_year) {
            (Some(year), _) => {
                let data = reference_data(path)?;
                year.as_i64()
                    .ok_or_else(|| data.year_error(&show(year)))
                    .and_then(|y| data.check_year(y))
                    .map_err(|e| Error::invalid(at(path), e))?
            }
            (None, Some(year)) => reference_data(path)?
                .check_year(year)
                .map_err(|e| Error::invalid(at(path), format!("{e} (the year of `start`)")))?,
            (None, None) => {
                return Err(Error::invalid(
                    at(path),
                    format!(
                        "rate reference '{group}' needs a year \
                         (or a scenario start = \"YYYY-MM\" to take it from)"
                    ),
                ))
            }
        };
        let scale = self.scale(map, path)?;
        let rate = reference_data(path)?
            .rate_entry(group, year)
            .map_err(|e| Error::invalid(at(path), e))?;
        Ok(json!(rate.value * scale))
    }

    fn dk(&self, map: &Map<String, Value>, path: &str) -> Result<Value, Error> {
        check_keys(map, &DK_KEYS, "dk", path)?;
        let name = map["dk"].as_str().unwrap_or_default();
        let data = reference_data(path)?;
        if let Some(ladder) = data.ladder(name) {
            if map.len() > 1 {
                return Err(Error::invalid(
                    at(path),
                    format!("{name} takes no scale or dist"),
                ));
            }
            return Ok(ladder.scenario_value());
        }
        let figure = data.figure(name).map_err(|e| Error::invalid(at(path), e))?;
        let dist = match map.get("dist") {
            None if figure.range().is_some() => "pert",
            None => "fixed",
            Some(d) => d.as_str().filter(|d| DISTS.contains(d)).ok_or_else(|| {
                Error::invalid(
                    at(path),
                    format!("dist must be one of {}, got {}", DISTS.join(", "), show(d)),
                )
            })?,
        };
        let scale = self.scale(map, path)?;
        let mode = figure.value * scale;
        if dist == "fixed" {
            return Ok(json!(mode));
        }
        let Some((low, high)) = figure.range() else {
            return Err(Error::invalid(
                at(path),
                format!("figure '{name}' has no range; only dist = \"fixed\" applies"),
            ));
        };
        let (a, b) = (low * scale, high * scale);
        let (lo, hi) = if b < a { (b, a) } else { (a, b) };
        Ok(if lo == hi {
            json!(mode)
        } else if dist == "uniform" {
            json!({"dist": "uniform", "low": lo, "high": hi})
        } else {
            json!({"dist": dist, "min": lo, "mode": mode, "max": hi})
        })
    }

    /// The reference's `scale` (1 without one), itself possibly a reference.
    fn scale(&self, map: &Map<String, Value>, path: &str) -> Result<f64, Error> {
        let Some(scale) = map.get("scale") else {
            return Ok(1.0);
        };
        let scale = self.value(scale, &join(path, "scale"))?;
        scale.as_f64().filter(|x| x.is_finite()).ok_or_else(|| {
            Error::invalid(
                at(path),
                format!("scale must be a finite number, got {}", show(&scale)),
            )
        })
    }
}

fn check_keys(
    map: &Map<String, Value>,
    allowed: &[&str],
    kind: &str,
    path: &str,
) -> Result<(), Error> {
    let mut extra: Vec<&str> = map
        .keys()
        .map(String::as_str)
        .filter(|k| !allowed.contains(k))
        .collect();
    if extra.is_empty() {
        return Ok(());
    }
    extra.sort_unstable();
    let hint = match extra.as_slice() {
        [one] => dk::suggestion(one, allowed.iter().copied()),
        _ => String::new(),
    };
    Err(Error::invalid(
        at(path),
        format!(
            "unexpected key(s) {} in a {kind} reference (allowed: {}){hint}",
            extra.join(", "),
            allowed.join(", ")
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolved(text: &str) -> Result<Value, String> {
        let v: Value = serde_json::from_str(text).unwrap();
        resolve(&v).map_err(|e| e.to_string())
    }

    #[test]
    fn references_become_numbers_and_distributions() {
        let out = resolved(
            r#"{"start": "2018-03", "a": {"rate": "kontanthjaelp_30plus_other"},
                "b": [{"dk": "FLEXJOB_SUBSIDY_MONTH", "scale": 0.5}],
                "c": {"dk": "REFUSION_LADDER_2016"},
                "d": {"dk": "MENTOR_HOUR", "dist": "uniform", "scale": {"dk": "MUNICIPAL_SHARE_LONG_TERM"}},
                "e": {"rate": 0.5, "year": 2017}}"#,
        )
        .unwrap();
        assert_eq!(out["a"], json!(11282.0));
        assert_eq!(
            out["b"][0],
            json!({"dist": "pert", "min": 6000.0, "mode": 7000.0, "max": 8000.0})
        );
        assert_eq!(out["c"], json!([[1, 0.8], [6, 0.4], [12, 0.3], [999, 0.2]]));
        assert_eq!(
            out["d"],
            json!({"dist": "uniform", "low": 200.0 * 0.8, "high": 500.0 * 0.8})
        );
        assert_eq!(out["e"], json!({"rate": 0.5, "year": 2017}));
    }

    #[test]
    fn errors_start_with_the_path() {
        for (text, expected) in [
            (
                r#"{"x": [{"y": {"rate": "kontanthjaelp_30plus_other", "year": 1e18}}]}"#,
                "x[0].y: year must be an integer between 1990 and 2100, got 1e+18",
            ),
            (
                r#"{"x": {"rate": "kontanthjaelp_30plus_other", "year": 1180591620717411303424}}"#,
                "x: year must be an integer between 1990 and 2100, got 1.1805916207174113e+21",
            ),
            (
                r#"{"start": "9999-01", "x": {"rate": "kontanthjaelp_30plus_other"}}"#,
                "x: year must be an integer between 1990 and 2100, got 9999 (the year of `start`)",
            ),
            (
                r#"{"x": {"dk": "MENTOR_HOUR", "scal": 2}}"#,
                "x: unexpected key(s) scal in a dk reference (allowed: dist, dk, scale) \
                 (did you mean 'scale'?)",
            ),
            (
                r#"{"x": {"dk": "MENTOR_HOUR", "scale": {"dk": "MENTOR_HOUR"}}}"#,
                "x: scale must be a finite number, got {\"dist\":\"pert\"",
            ),
            (
                r#"{"rate": "kontanthjaelp_30plus_other"}"#,
                "<root>: rate reference 'kontanthjaelp_30plus_other' needs a year",
            ),
        ] {
            let e = resolved(text).unwrap_err();
            assert!(e.starts_with(expected), "{e}\nexpected: {expected}");
        }
    }

    #[test]
    fn the_start_year() {
        for (start, year) in [
            ("2018-03", Some(2018)),
            (" 2020-7 ", Some(2020)),
            ("2018-01-01", Some(2018)),
            ("2018-01-01T00:00:00Z", Some(2018)),
            ("20180", None),
            ("18-01", None),
            ("2018-123", None),
        ] {
            assert_eq!(start_year(&json!(start)), year, "{start}");
        }
        assert_eq!(start_year(&json!(2018)), None);
    }
}
