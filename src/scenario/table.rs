//! The JSON kit of the scenario reader: tables whose keys are checked once,
//! field paths, did-you-mean hints, and the few plain values (whole numbers,
//! months) that are never distributions.

use crate::error::Error;
use serde_json::{Map, Value};

pub(super) fn toml_to_json(v: toml::Value) -> Value {
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

pub(super) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

pub(super) fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

pub(super) fn type_name(v: &Value) -> &'static str {
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
pub(super) fn did_you_mean(key: &str, allowed: &[&str]) -> Option<String> {
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

pub(super) fn unknown_key(path: &str, key: &str, allowed: &[&str]) -> Error {
    let hint =
        did_you_mean(key, allowed).unwrap_or_else(|| format!("; allowed: {}", allowed.join(", ")));
    Error::invalid(&join(path, key), format!("unknown field `{key}`{hint}"))
}

/// [`unknown_key`] for a table keyed by destination (exits, hazard ratios):
/// the key may be right and the destination missing from `destinations`.
pub(super) fn unknown_destination(path: &str, key: &str, dests: &[&str]) -> Error {
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
pub(super) struct Table<'a> {
    map: &'a Map<String, Value>,
    path: String,
}

impl<'a> Table<'a> {
    pub(super) fn new(value: &'a Value, path: &str, allowed: &[&str]) -> Result<Self, Error> {
        Self::checked(value, path, allowed, unknown_key)
    }

    /// A table keyed by destination.
    pub(super) fn by_destination(
        value: &'a Value,
        path: &str,
        dests: &[&str],
    ) -> Result<Self, Error> {
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

    pub(super) fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key)
    }

    pub(super) fn path(&self, key: &str) -> String {
        join(&self.path, key)
    }

    pub(super) fn required(&self, key: &str) -> Result<&'a Value, Error> {
        self.get(key).ok_or_else(|| {
            Error::invalid(&self.path(key), format!("missing required field `{key}`"))
        })
    }

    pub(super) fn string(&self, key: &str) -> Result<Option<&'a str>, Error> {
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
    pub(super) fn integer(&self, key: &str, lo: i64, hi: i64) -> Result<Option<i64>, Error> {
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
pub(super) fn whole_number(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 1e15)
                .map(|f| f as i64)
        }),
        _ => None,
    }
}

pub(super) fn describe_value(v: &Value) -> String {
    match v {
        Value::Number(n) => format!("{n}"),
        Value::Object(m) if m.contains_key("dist") => {
            "a distribution (this field takes a plain integer)".into()
        }
        other => type_name(other).to_string(),
    }
}

/// Parses "YYYY-MM" into (year, month).
pub(super) fn parse_month(path: &str, v: &Value) -> Result<(i32, u32), Error> {
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

/// A JSON value read with every key of a table unique: `serde_json::Value`
/// keeps the last of two equal keys, which would silently drop a number the
/// user wrote.
pub(super) struct StrictValue(pub Value);

impl<'de> serde::Deserialize<'de> for StrictValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(StrictValue)
    }
}

struct StrictVisitor;

impl<'de> serde::de::Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, i: i64) -> Result<Value, E> {
        Ok(Value::from(i))
    }

    fn visit_u64<E>(self, u: u64) -> Result<Value, E> {
        Ok(Value::from(u))
    }

    fn visit_f64<E>(self, f: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_string()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(StrictValue(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(serde::de::Error::custom(format!("duplicate key `{key}`")));
            }
            let StrictValue(v) = map.next_value()?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}
