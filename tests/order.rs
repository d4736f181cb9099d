//! The order of keys changes nothing (MODEL.md 11.13): a scenario whose
//! destinations, segments, components, exits, hazard-ratio tables and name
//! lists are listed in another order gives bit-identical results, compared
//! by output name, in both modes; and so does every shipped scenario.

use indsats::outputs::Arm;
use indsats::vocabulary::DEFAULT_DESTINATIONS;
use indsats::{run_simple, Mode, RunOptions, RunOutput, Scenario};
use rand::RngExt;
use rand_xoshiro::rand_core::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// Lists whose order is not their meaning: entries named, and names.
const UNORDERED_LISTS: &[&str] = &["segments", "components", "affects", "paths", "correlations"];

/// Every table reversed (destinations, exits, hazard ratios, …), and every
/// list of entries or names of [`UNORDERED_LISTS`] — recursively; per-year
/// lists and ladders keep their order.
fn reversed(v: &Value) -> Value {
    match v {
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, x) in map.iter().rev() {
                let x = match x {
                    Value::Array(items) if UNORDERED_LISTS.contains(&k.as_str()) => {
                        Value::Array(items.iter().rev().map(reversed).collect())
                    }
                    other => reversed(other),
                };
                out.insert(k.clone(), x);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(reversed).collect()),
        other => other.clone(),
    }
}

/// Nameless segments and components are named after their position, so
/// reversing them needs names: give every one its own.
fn named(mut sc: Value) -> Value {
    for (i, seg) in sc["segments"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .enumerate()
    {
        if seg.get("name").is_none() {
            seg["name"] = json!(format!("segment {i}"));
        }
    }
    if let Some(comps) = sc
        .get_mut("intervention")
        .and_then(|iv| iv.get_mut("components"))
        .and_then(Value::as_array_mut)
    {
        for (i, c) in comps.iter_mut().enumerate() {
            if c.get("name").is_none() {
                c["name"] = json!(format!("component {i}"));
            }
        }
    }
    sc
}

/// Every output of a run by name (and arm), for `draws` draws, and the
/// monthly paths by state name.
fn by_name(out: &RunOutput) -> BTreeMap<String, Vec<u64>> {
    let mut all = BTreeMap::new();
    let arm = |a: Option<Arm>| a.map_or("", |a| a.name());
    for b in out.layout.blocks() {
        let bits = (0..out.draws())
            .flat_map(|d| (b.first..b.first + b.width).map(move |c| (d, c)))
            .map(|(d, c)| out.rows[[d, c]].to_bits())
            .collect();
        all.insert(format!("{} {}", b.name, arm(b.arm)), bits);
    }
    for b in out.detail_layout.blocks() {
        let bits = (0..out.detail.nrows())
            .flat_map(|d| (b.first..b.first + b.width).map(move |c| (d, c)))
            .map(|(d, c)| out.detail[[d, c]].to_bits())
            .collect();
        all.insert(format!("{} {}", b.name, arm(b.arm)), bits);
    }
    all
}

fn paths_by_state(out: &RunOutput, states: &[String]) -> BTreeMap<String, Vec<u64>> {
    states
        .iter()
        .enumerate()
        .map(|(i, state)| {
            let bits = out
                .paths
                .slice(ndarray::s![.., .., .., i])
                .iter()
                .map(|x| x.to_bits())
                .collect();
            (state.clone(), bits)
        })
        .collect()
}

fn states(sc: &Scenario) -> Vec<String> {
    std::iter::once("benefit")
        .chain(sc.destination_names())
        .map(str::to_string)
        .collect()
}

/// Runs `sc` and its reversal in both modes and compares by name.
fn assert_order_free(sc: &Value, what: &str) {
    let sc = named(sc.clone());
    let other = reversed(&sc);
    assert_ne!(
        sc.to_string(),
        other.to_string(),
        "{what}: nothing to reverse"
    );
    let a = Scenario::from_value(&sc).unwrap_or_else(|e| panic!("{what}: {e}"));
    let b = Scenario::from_value(&other).unwrap_or_else(|e| panic!("{what} reversed: {e}"));
    for (mode, draws) in [(Mode::Stochastic, 12), (Mode::MeanField, 3)] {
        let opts = RunOptions::new(draws, 11, mode);
        let (x, y) = (
            run_simple(&a, &opts).unwrap(),
            run_simple(&b, &opts).unwrap(),
        );
        let (bx, by) = (by_name(&x), by_name(&y));
        assert_eq!(bx.len(), by.len(), "{what} {mode:?}: outputs");
        for (name, bits) in &bx {
            assert!(
                by.get(name) == Some(bits),
                "{what} {mode:?}: `{name}` differs when keys are reversed"
            );
        }
        assert_eq!(
            paths_by_state(&x, &states(&a)),
            paths_by_state(&y, &states(&b)),
            "{what} {mode:?}: paths"
        );
    }
}

fn shipped(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(format!("{name}.toml"));
    let text = std::fs::read_to_string(&path).unwrap();
    let table: toml::Value = toml::from_str(&text).unwrap();
    serde_json::to_value(table).unwrap()
}

#[test]
fn shipped_scenarios_do_not_depend_on_the_order_of_keys() {
    for name in [
        "ballerup",
        "broendby",
        "glostrup",
        "guldborgsund",
        "toender",
    ] {
        assert_order_free(&shipped(name), name);
    }
}

/// A value of `dist` kind around `x`, or `x` itself.
fn uncertain(rng: &mut Xoshiro256PlusPlus, x: f64) -> Value {
    if rng.random_bool(0.5) {
        json!(x)
    } else {
        json!({"dist": "uniform", "low": x * 0.8, "high": x * 1.2})
    }
}

fn per_year(rng: &mut Xoshiro256PlusPlus, n: usize, lo: f64, hi: f64) -> Value {
    if rng.random_bool(0.5) {
        let x = rng.random_range(lo..hi);
        uncertain(rng, x)
    } else {
        json!((0..n).map(|_| rng.random_range(lo..hi)).collect::<Vec<_>>())
    }
}

/// A random scenario that uses most keys: several destinations, segments
/// and components, followed stocks, burn-in, correlations.
fn random_scenario(seed: u64) -> Value {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let years = rng.random_range(1..4usize);
    let n = years + 1;
    // The default destinations and one that keeps half the benefit.
    let dests = DEFAULT_DESTINATIONS.iter().copied().chain(["hours"]);
    let mut destinations = Map::new();
    for d in dests {
        if !rng.random_bool(0.8) {
            continue;
        }
        let relapse = rng.random_range(0.0..0.5);
        let mut t = json!({"relapse": uncertain(&mut rng, relapse), "cost_month": rng.random_range(0.0..5000.0)});
        if d == "hours" {
            t["benefit_share"] = json!(0.5);
        }
        destinations.insert(d.to_string(), t);
    }
    destinations.entry("job").or_insert(json!({"relapse": 0.4}));
    let names: Vec<String> = destinations.keys().cloned().collect();
    let segments: Vec<Value> = (0..rng.random_range(1..4))
        .map(|i| {
            let mut exit = Map::new();
            for d in &names {
                if rng.random_bool(0.7) {
                    exit.insert(d.clone(), per_year(&mut rng, n, 0.01, 0.2));
                }
            }
            let mut seg = json!({
                "name": format!("seg {i}"),
                "initial": uncertain(&mut rng, 100.0 + 50.0 * i as f64),
                "inflow_per_year": per_year(&mut rng, n, 10.0, 80.0),
                "benefit_month": 9000 + 1000 * i,
                "initial_cell": rng.random_range(0..13),
                "exit": exit,
            });
            if rng.random_bool(0.5) {
                seg["duration_hr"] = json!([[3, 1.3], [12, 1.0], [13, 0.7]]);
                seg["inflow_cell"] = json!(rng.random_range(0..13));
                seg["initial_destinations"] = json!({"job": 10, names[names.len() - 1].clone(): 3});
            }
            seg
        })
        .collect();
    let seg_names: Vec<String> = segments
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect();
    let mut components: Vec<Value> = Vec::new();
    for name in ["mentor", "broker", "internship"] {
        if !rng.random_bool(0.7) {
            continue;
        }
        let component = {
            let mut hr = Map::new();
            let mut relapse_hr = Map::new();
            for d in &names {
                if rng.random_bool(0.5) {
                    hr.insert(d.clone(), per_year(&mut rng, n, 1.0, 2.0));
                }
                if rng.random_bool(0.4) {
                    relapse_hr.insert(d.clone(), json!(rng.random_range(0.3..1.0)));
                }
            }
            let reach: Vec<&String> = seg_names.iter().filter(|_| rng.random_bool(0.7)).collect();
            let mut c = json!({
                "name": name,
                "cost_month": 2000,
                "hr": hr,
                "relapse_hr": relapse_hr,
                "segments": reach,
            });
            if rng.random_bool(0.5) {
                c["participants"] = per_year(&mut rng, n, 0.0, 150.0);
            } else {
                c["coverage"] = per_year(&mut rng, n, 0.0, 0.5);
            }
            if rng.random_bool(0.5) {
                c["follow_up_months"] = json!(rng.random_range(1..20));
            }
            if c["segments"].as_array().unwrap().is_empty() {
                c.as_object_mut().unwrap().remove("segments");
            }
            c
        };
        components.push(component);
    }
    let perspective = ["municipal", "state", "public"][rng.random_range(0..3)];
    let mut sc = json!({
        "start": "2019-04",
        "years": years,
        "discount_rate": 0.03,
        "perspective": perspective,
        "burn_in_years": rng.random_range(0..2),
        "price_index": 0.02,
        "benefit": {"indsats_month": 1500, "indexation": per_year(&mut rng, n, 0.0, 0.03)},
        "destinations": destinations,
        "segments": segments,
        "intervention": {
            "start": "2019-06",
            "end": "2021-06",
            "ramp_months": 4,
            "caseload": {
                "base": 65, "target": 40, "fte_cost_year": 560000,
                "elasticity": {"dist": "pert", "min": 0.2, "mode": 0.5, "max": 0.9},
                "affects": names.iter().take(2).collect::<Vec<_>>(),
            },
            "components": components,
        },
    });
    sc["correlations"] = json!([{
        "name": "effects",
        "paths": ["intervention.caseload.elasticity", "segments[seg 0].initial"],
        "rho": 0.6,
    }]);
    sc
}

#[test]
fn generated_scenarios_do_not_depend_on_the_order_of_keys() {
    for seed in 0..12 {
        let sc = random_scenario(seed);
        assert_order_free(&sc, &format!("generated scenario {seed}"));
    }
}
