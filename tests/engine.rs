//! Integration tests of the pure-Rust core through its public API.

use indsats::{run_simple, Mode, RunOptions, Scenario};
use ndarray::s;

const SCENARIO: &str = r#"
name = "integration"
start = "2019-07"
years = 3
discount_rate = 0.035
[benefit]
indsats_month = 1000
[destinations]
job = { relapse = 0.3 }
education = { relapse = 0.1 }
pension = { cost_month = 9000 }
[[segments]]
initial = 250
inflow_per_year = 80
benefit_month = 11000
exit = { job = 0.08, education = 0.03, pension = 0.04 }
[[segments]]
name = "young"
initial = 90
inflow_per_year = 40
benefit_month = 7000
initial_cell = 0
exit = { job = 0.1, education = 0.1 }
[intervention]
start = "2019-07"
end = "2021-07"
ramp_months = 3
caseload = { base = 60, target = 30, fte_cost_year = 550000, elasticity = { dist = "uniform", low = 0.2, high = 0.8 } }
[[intervention.components]]
participants = [30, 30, 20, 10]
cost_month = 2000
hr = { job = { dist = "triangular", min = 1.0, mode = 1.2, max = 1.5 } }
relapse_hr = { job = 0.7 }
"#;

fn scenario() -> Scenario {
    Scenario::from_toml_str(SCENARIO).expect("valid scenario")
}

#[test]
fn thread_count_and_chunking_do_not_change_results() {
    let sc = scenario();
    let mut opts = RunOptions::new(130, 42, Mode::Stochastic);
    opts.threads = Some(1);
    let one = run_simple(&sc, &opts).unwrap();
    for (threads, chunk) in [(2, 64), (2, 1), (1, 13)] {
        opts.threads = Some(threads);
        opts.chunk_size = chunk;
        let other = run_simple(&sc, &opts).unwrap();
        assert_eq!(one.rows, other.rows, "threads={threads} chunk={chunk}");
        assert_eq!(one.paths, other.paths, "threads={threads} chunk={chunk}");
    }
}

#[test]
fn persons_are_conserved_every_month() {
    let sc = scenario();
    let out = run_simple(&sc, &RunOptions::new(40, 7, Mode::Stochastic)).unwrap();
    let initial = 250.0 + 90.0;
    let months = out.paths.shape()[2];
    for d in 0..out.draws() {
        let row = out.row(d);
        // Month-by-month totals never fall below the initial stock and agree across arms.
        for t in 0..months {
            let total = |arm: usize| -> f64 { out.paths.slice(s![d, arm, t, ..]).sum() };
            assert_eq!(total(0), total(1));
            assert!(total(0) >= initial);
            assert!(out.paths.slice(s![d, .., t, ..]).iter().all(|&x| x >= 0.0));
        }
        // At the horizon end the total equals the initial stock plus all inflow.
        let inflow: f64 = (0..out.layout.n_years)
            .map(|y| row[out.layout.shared(indsats::outputs::Shared::Inflow, y)])
            .sum();
        let total_last: f64 = out.paths.slice(s![d, 0, months - 1, ..]).sum();
        assert_eq!(total_last, initial + inflow);
    }
}

#[test]
fn mean_field_is_deterministic_given_parameters() {
    let text = SCENARIO
        .replace(r#"{ dist = "uniform", low = 0.2, high = 0.8 }"#, "0.5")
        .replace(
            r#"{ dist = "triangular", min = 1.0, mode = 1.2, max = 1.5 }"#,
            "1.2",
        );
    let sc = Scenario::from_toml_str(&text).unwrap();
    let a = run_simple(&sc, &RunOptions::new(3, 1, Mode::MeanField)).unwrap();
    let b = run_simple(&sc, &RunOptions::new(3, 99, Mode::MeanField)).unwrap();
    assert_eq!(a.rows, b.rows);
    assert_eq!(a.row(0), a.row(2));
}

#[test]
fn bad_options_and_bad_scenarios_are_errors_not_panics() {
    let sc = scenario();
    assert!(run_simple(&sc, &RunOptions::new(0, 1, Mode::Stochastic)).is_err());
    let mut opts = RunOptions::new(1, 1, Mode::Stochastic);
    opts.threads = Some(0);
    assert!(run_simple(&sc, &opts).is_err());
    for bad in [
        "",
        "start = 1",
        "[[segments]]",
        "start = \"2019-07\"\nyears = 3\nsegments = 5",
    ] {
        assert!(Scenario::from_toml_str(bad).is_err(), "{bad}");
    }
    let err = Scenario::from_toml_str(&SCENARIO.replace("job = 0.08", "job = 1.08")).unwrap_err();
    assert!(
        err.to_string().starts_with("segments[0].exit.job:"),
        "{err}"
    );
}

#[test]
fn absurd_sizes_are_errors_not_aborts() {
    let sc = scenario();
    let mut opts = RunOptions::new(usize::MAX / 2, 1, Mode::MeanField);
    opts.keep_paths = 0;
    let err = run_simple(&sc, &opts).unwrap_err();
    assert!(err.to_string().contains("not enough memory"), "{err}");
    let mut opts = RunOptions::new(3, 1, Mode::MeanField);
    opts.chunk_size = usize::MAX;
    assert_eq!(run_simple(&sc, &opts).unwrap().draws(), 3);
    opts.threads = Some(1_000_000);
    assert!(run_simple(&sc, &opts).is_err());
}

/// A scenario with everything that moves persons around in version 2:
/// followed stocks with follow-up, a component that ends early, starting
/// destinations, burn-in, an inflow cell, a destination that keeps benefit.
const MOVING: &str = r#"
start = "2020-01"
years = 3
burn_in_years = BURN_IN
[destinations]
job = { relapse = 0.5 }
education = { relapse = 0.3 }
hours = { relapse = 0.4, benefit_share = 0.5 }
other = {}
[[segments]]
name = "a"
initial = { dist = "uniform", low = 200, high = 300 }
inflow_per_year = [80, 120, 60]
inflow_cell = 5
benefit_month = 10000
initial_destinations = { job = 25, hours = 7 }
duration_hr = [[6, 1.5], [13, 0.8]]
exit = { job = 0.2, education = 0.1, hours = 0.1, other = 0.05 }
[[segments]]
name = "b"
initial = 150
inflow_per_year = 50
benefit_month = 8000
exit = { job = 0.15, education = 0.2 }
[intervention]
start = "2020-03"
end = "2022-09"
ramp_months = 3
[[intervention.components]]
name = "mentor"
participants = [40, 60, 30]
hr = { job = 2.5, hours = 1.5 }
relapse_hr = { job = 0.5, hours = 0.7 }
follow_up_months = 6
[[intervention.components]]
name = "broker"
end = "2021-05"
segments = ["b"]
coverage = 0.3
hr = { job = 1.8, education = 1.4 }
relapse_hr = { job = 0.6, education = 0.4 }
"#;

#[test]
fn persons_are_conserved_with_followed_stocks_and_burn_in() {
    for burn_in in [0, 3] {
        let text = MOVING.replace("BURN_IN", &burn_in.to_string());
        let sc = Scenario::from_toml_str(&text).unwrap();
        for (mode, tolerance) in [(Mode::Stochastic, 0.0), (Mode::MeanField, 1e-9)] {
            let out = run_simple(&sc, &RunOptions::new(40, 5, mode)).unwrap();
            let inflow = out
                .layout
                .blocks()
                .into_iter()
                .find(|b| b.name == "inflow")
                .unwrap();
            let months = out.paths.shape()[2];
            assert_eq!(months, 36);
            for d in 0..out.draws() {
                let what = format!("burn-in {burn_in}, {mode:?}, draw {d}");
                let close = |a: f64, b: f64| (a - b).abs() <= tolerance * b.abs().max(1.0);
                let total =
                    |arm: usize, t: usize| -> f64 { out.paths.slice(s![d, arm, t, ..]).sum() };
                for t in 0..months {
                    assert!(close(total(0, t), total(1, t)), "{what}, month {t}");
                    let stocks = out.paths.slice(s![d, .., t, ..]);
                    assert!(stocks.iter().all(|&x| x >= 0.0), "{what}, month {t}");
                    if mode == Mode::Stochastic {
                        assert!(
                            stocks.iter().all(|&x| x.fract() == 0.0),
                            "{what}, month {t}"
                        );
                    }
                }
                // Each year's end holds the last year's persons and the year's inflow.
                let row = out.row(d);
                let year_end = |y: usize| total(0, 12 * y + 11);
                for y in 1..3 {
                    let added = row[inflow.first + y];
                    assert!(
                        close(year_end(y) - year_end(y - 1), added),
                        "{what}, year {y}"
                    );
                }
                // The start holds exactly the initial persons without burn-in,
                // and those and the burn-in's inflow with it.
                let values = sc.params.sample(5, d as u64).unwrap();
                let initial = values[sc.segments[0].initial.index()];
                let initial = if mode == Mode::Stochastic {
                    initial.round_ties_even()
                } else {
                    initial
                };
                let initial = initial + 150.0 + 25.0 + 7.0;
                let start = year_end(0) - row[inflow.first];
                if burn_in == 0 {
                    assert!(close(start, initial), "{what}: {start} against {initial}");
                } else {
                    assert!(start > initial, "{what}: {start} against {initial}");
                }
            }
        }
    }
}

/// Outputs by name, bits, but those of investment (which a component's fixed
/// cost changes) and those derived from it.
fn except_investment(out: &indsats::RunOutput) -> Vec<(String, Vec<u64>)> {
    let moved_by_investment = ["investment", "net", "npv", "break_even", "paid_back"];
    out.layout
        .blocks()
        .into_iter()
        .filter(|b| !moved_by_investment.contains(&b.name.as_str()))
        .map(|b| {
            let bits = (0..out.draws())
                .flat_map(|d| (b.first..b.first + b.width).map(move |c| (d, c)))
                .map(|(d, c)| out.rows[[d, c]].to_bits())
                .collect();
            (format!("{} {:?}", b.name, b.arm), bits)
        })
        .collect()
}

#[test]
fn a_component_without_participants_has_no_effect() {
    let base = MOVING.replace("BURN_IN", "1");
    let idle = format!(
        "{base}\n[[intervention.components]]\nname = \"idle\"\nparticipants = 0\n\
         fixed_year = 120000\nhr = {{ job = 3.0, education = 2.0 }}\n\
         relapse_hr = {{ job = 0.2, education = 0.3 }}\nfollow_up_months = 4\n"
    );
    // Named to come first and in the middle of the canonical order.
    for name in ["idle", "aaa", "c"] {
        let with =
            Scenario::from_toml_str(&idle.replace("\"idle\"", &format!("\"{name}\""))).unwrap();
        let without = Scenario::from_toml_str(&base).unwrap();
        for mode in [Mode::Stochastic, Mode::MeanField] {
            let opts = RunOptions::new(20, 3, mode);
            let (a, b) = (
                run_simple(&with, &opts).unwrap(),
                run_simple(&without, &opts).unwrap(),
            );
            assert_eq!(
                except_investment(&a),
                except_investment(&b),
                "{name} {mode:?}"
            );
            assert_eq!(a.paths, b.paths, "{name} {mode:?}");
            // Its fixed cost is invested: 120,000 a year for 2.5 years.
            let total = |o: &indsats::RunOutput| -> f64 {
                let b = o
                    .layout
                    .blocks()
                    .into_iter()
                    .find(|b| b.name == "investment")
                    .unwrap();
                (b.first..b.first + b.width).map(|c| o.rows[[0, c]]).sum()
            };
            assert!(
                (total(&a) - total(&b) - 300_000.0).abs() < 1e-6,
                "{name} {mode:?}"
            );
        }
    }
}
