//! The reader of `[[correlations]]` (MODEL.md 12.6): groups of parameters,
//! named by their field paths, that share a normal factor when sampled.

use super::super::table::{did_you_mean, index, type_name, Table};
use super::Reader;
use crate::error::Error;
use serde_json::Value;

const CORRELATION_KEYS: &[&str] = &["name", "paths", "rho"];

impl Reader {
    pub(super) fn correlations(
        &mut self,
        v: &Value,
        segments: &[&str],
        components: &[&str],
    ) -> Result<(), Error> {
        let items = v.as_array().ok_or_else(|| {
            Error::invalid(
                "correlations",
                format!(
                    "expected a list of correlation groups, got {}",
                    type_name(v)
                ),
            )
        })?;
        // Which group each parameter is in, to refuse a parameter in two.
        let mut group_of: Vec<Option<usize>> = vec![None; self.params.len()];
        let mut names: Vec<String> = Vec::new();
        for (g, item) in items.iter().enumerate() {
            let path = index("correlations", g);
            let t = Table::new(item, &path, CORRELATION_KEYS)?;
            let name = t
                .string("name")?
                .ok_or_else(|| Error::invalid(&t.path("name"), "missing required field `name`"))?
                .to_string();
            if names.contains(&name) {
                return Err(Error::invalid(
                    &t.path("name"),
                    format!("duplicate correlation group name `{name}`"),
                ));
            }
            let rho = t
                .required("rho")?
                .as_f64()
                .filter(|r| (0.0..1.0).contains(r))
                .ok_or_else(|| {
                    Error::invalid(&t.path("rho"), "expected a plain number in [0, 1)")
                })?;
            let paths_value = t.required("paths")?;
            let paths = paths_value.as_array().ok_or_else(|| {
                Error::invalid(
                    &t.path("paths"),
                    format!(
                        "expected a list of field paths, got {}",
                        type_name(paths_value)
                    ),
                )
            })?;
            let mut members = Vec::new();
            for (j, pv) in paths.iter().enumerate() {
                let at = index(&t.path("paths"), j);
                let given = pv.as_str().ok_or_else(|| {
                    Error::invalid(&at, format!("expected a field path, got {}", type_name(pv)))
                })?;
                let wanted = positional(given, segments, components);
                let matched: Vec<usize> = (0..self.params.len())
                    .filter(|&i| covers(&wanted, &self.params[i].path))
                    .collect();
                if matched.is_empty() {
                    let all: Vec<&str> = self.params.iter().map(|p| p.path.as_str()).collect();
                    let hint = did_you_mean(&wanted, &all).unwrap_or_default();
                    return Err(Error::invalid(
                        &at,
                        format!("no number of the scenario at `{given}`{hint}"),
                    ));
                }
                for i in matched {
                    if let Some(other) = group_of[i] {
                        let group = if other == g {
                            "this correlation group".to_string()
                        } else {
                            format!("correlation group `{}`", names[other])
                        };
                        return Err(Error::invalid(
                            &at,
                            format!(
                                "`{}` is already in {group}; a parameter may be in one group \
                                 only, once",
                                self.params[i].path
                            ),
                        ));
                    }
                    group_of[i] = Some(g);
                    if !self.params[i].dist.is_fixed() {
                        members.push(i);
                    }
                }
            }
            if members.is_empty() {
                return Err(Error::invalid(
                    &t.path("paths"),
                    "none of these numbers is uncertain: a correlation group needs \
                     distributions",
                ));
            }
            self.params.correlate(&name, rho, members);
            names.push(name);
        }
        Ok(())
    }
}

/// A path with segments and components named by position, as parameters'
/// paths are: `segments[over 30].exit.job` → `segments[1].exit.job`.
fn positional(path: &str, segments: &[&str], components: &[&str]) -> String {
    for (prefix, names) in [
        ("segments[", segments),
        ("intervention.components[", components),
    ] {
        let Some(rest) = path.strip_prefix(prefix) else {
            continue;
        };
        for (i, name) in names.iter().enumerate() {
            if let Some(tail) = rest.strip_prefix(name).and_then(|r| r.strip_prefix(']')) {
                return format!("{prefix}{i}]{tail}");
            }
        }
    }
    path.to_string()
}

/// Whether the path `wanted` names the parameter at `path`: the same path,
/// or the path of the per-year list that holds it.
fn covers(wanted: &str, path: &str) -> bool {
    path == wanted
        || path.strip_prefix(wanted).is_some_and(|rest| {
            rest.strip_prefix('[')
                .and_then(|r| r.strip_suffix(']'))
                .is_some_and(|i| !i.is_empty() && i.bytes().all(|b| b.is_ascii_digit()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_paths_become_positional_and_lists_cover_their_entries() {
        let segs = ["under 30", "over 30"];
        let comps = ["mentor"];
        assert_eq!(
            positional("segments[over 30].exit.job", &segs, &comps),
            "segments[1].exit.job"
        );
        assert_eq!(
            positional("intervention.components[mentor].hr.job", &segs, &comps),
            "intervention.components[0].hr.job"
        );
        assert_eq!(
            positional("segments[0].exit.job", &segs, &comps),
            "segments[0].exit.job"
        );
        assert!(covers("segments[0].exit.job", "segments[0].exit.job"));
        assert!(covers("segments[0].exit.job", "segments[0].exit.job[3]"));
        assert!(!covers("segments[0].exit.job", "segments[0].exit.jobs"));
        assert!(!covers("segments[0].exit", "segments[0].exit.job"));
        assert!(!covers("benefit.refusion", "benefit.refusion[1][1]"));
    }
}
