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
