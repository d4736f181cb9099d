//! Draws per second of the engine on the Ballerup scenario, pure Rust (no Python).
//! The comparison with the NumPy baseline, scaling and memory are in `bench.py`.

use indsats::{run_simple, Mode, RunOptions, Scenario};
use std::time::Instant;

const REPEATS: usize = 3;

/// Ballerup with plain numbers, for when `scenarios/ballerup.toml` uses references
/// (`{ dk = "..." }`) that only the Python facade expands.
const PLAIN_BALLERUP: &str = r#"
name = "Ballerup 2017 (plain numbers)"
start = "2017-01"
years = 4
discount_rate = 0.035
benefit = { indsats_month = 1500, indexation = 0.0125 }
[destinations]
job = { relapse = 0.30 }
education = { relapse = 0.20 }
flexjob = { relapse = 0.03, cost_month = 2000 }
resource = { relapse = 0.30, cost_month = 1000 }
pension = { relapse = 0.0, cost_month = 3000 }
other = { relapse = 0.0 }
[[segments]]
name = "kontanthjælp 30+"
initial = 420
inflow_per_year = 110
benefit_month = 12500
exit = { job = 0.07, education = 0.01, flexjob = 0.035, resource = 0.05, pension = 0.035, other = 0.04 }
[[segments]]
name = "uddannelseshjælp"
initial = 160
inflow_per_year = 60
benefit_month = 9500
exit = { job = 0.06, education = 0.06, flexjob = 0.01, resource = 0.04, pension = 0.01, other = 0.05 }
[intervention]
start = "2017-01"
end = "2021-01"
ramp_months = 6
caseload = { base = 65, target = 35, fte_cost_year = 560000, elasticity = { dist = "lognormal", p5 = 0.3, p95 = 0.9 } }
[[intervention.components]]
name = "mentor"
participants = [60, 60, 50, 40]
cost_month = 2500
hr = { job = { dist = "pert", min = 1.0, mode = 1.25, max = 1.6 } }
relapse_hr = { job = 0.8 }
"#;

fn ballerup() -> Scenario {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/ballerup.toml");
    let text = std::fs::read_to_string(path).unwrap_or_default();
    Scenario::from_toml_str(&text).unwrap_or_else(|err| {
        println!("scenarios/ballerup.toml is not readable by the Rust API ({err});");
        println!("timing the built-in plain-number Ballerup instead");
        Scenario::from_toml_str(PLAIN_BALLERUP).expect("the built-in scenario is valid")
    })
}

/// Best-of-`REPEATS` draws per second, after one warm-up run.
fn draws_per_second(sc: &Scenario, mode: Mode, threads: usize, draws: usize) -> f64 {
    let mut opts = RunOptions::new(draws, 2017, mode);
    opts.threads = Some(threads);
    opts.keep_paths = 0;
    let timed = |opts: &RunOptions| {
        let started = Instant::now();
        run_simple(sc, opts).expect("the Ballerup scenario runs");
        started.elapsed().as_secs_f64()
    };
    timed(&RunOptions {
        draws: draws / 10 + 1,
        ..opts.clone()
    });
    let best = (0..REPEATS)
        .map(|_| timed(&opts))
        .fold(f64::INFINITY, f64::min);
    draws as f64 / best
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let sc = ballerup();
    println!("indsats engine (Rust API), Ballerup, best of {REPEATS}");
    println!(
        "{:<12} {:>8} {:>8} {:>12}",
        "mode", "threads", "draws", "draws/s"
    );
    for (mode, name, draws) in [
        (Mode::Stochastic, "stochastic", 20_000),
        (Mode::MeanField, "mean_field", 60_000),
    ] {
        let draws = if quick { draws / 100 } else { draws };
        for threads in [1, 2] {
            let rate = draws_per_second(&sc, mode, threads, draws);
            println!("{name:<12} {threads:>8} {draws:>8} {rate:>12.0}");
        }
    }
}
