//! The shipped scenarios (scenarios/*.toml) read by the Rust core alone, their
//! references to Danish figures and rates resolved in Rust, and run.

use indsats::{run_simple, Mode, RunOptions, Scenario};
use serde_json::Value;
use std::path::Path;

const NAMES: [&str; 5] = [
    "ballerup",
    "broendby",
    "glostrup",
    "guldborgsund",
    "toender",
];

fn read(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(format!("{name}.toml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    Scenario::from_toml_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

/// The scenarios as the Python resolver resolved them before the data moved
/// to `data/`, recorded in TOML (whose reader, unlike serde_json's default
/// one, parses every float exactly).
fn resolved_by_python() -> toml::Table {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/resolved_by_python.toml"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn every_shipped_scenario_is_read_by_the_core() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut found: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok()?.path().file_stem()?.to_str().map(str::to_string))
        .collect();
    found.sort();
    assert_eq!(
        found, NAMES,
        "a scenario was added or removed: update NAMES"
    );
    for name in NAMES {
        let sc = read(name);
        assert!(!sc.params.is_empty(), "{name}");
    }
}

#[test]
fn the_core_reads_what_the_python_resolver_gave() {
    let fixture = resolved_by_python();
    for name in NAMES {
        let recorded: Value = serde_json::to_value(&fixture["scenarios"][name]).unwrap();
        let from_python =
            Scenario::from_value(&recorded).unwrap_or_else(|e| panic!("{name} (recorded): {e}"));
        // Debug prints every field, floats in their shortest exact form.
        assert_eq!(
            format!("{:?}", read(name)),
            format!("{from_python:?}"),
            "{name}: the Rust-read scenario differs from the Python-resolved one"
        );
    }
}

#[test]
fn shipped_scenarios_run_in_both_modes_and_conserve_persons() {
    for name in NAMES {
        let sc = read(name);
        for mode in [Mode::Stochastic, Mode::MeanField] {
            let out = run_simple(&sc, &RunOptions::new(300, 2017, mode))
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(out.draws(), 300);
            assert!(out.rows.iter().all(|x| x.is_finite()), "{name} {mode:?}");
            let (kept, _, months, _) = out.paths.dim();
            for d in 0..kept {
                let total = |arm: usize, t: usize| -> f64 {
                    out.paths.slice(ndarray::s![d, arm, t, ..]).sum()
                };
                for t in 0..months {
                    let (base, invest) = (total(0, t), total(1, t));
                    // Both arms hold the same persons; no one leaves the system.
                    assert!(
                        (base - invest).abs() <= 1e-9 * base.max(1.0),
                        "{name} {mode:?} draw {d} month {t}: {base} != {invest}"
                    );
                    assert!(t == 0 || base >= total(0, t - 1) - 1e-9 * base.max(1.0));
                }
                assert!(out.paths.iter().all(|&x| x >= 0.0 && x.is_finite()));
            }
        }
    }
}
