//! Draws per second of the engine on the Ballerup scenario, pure Rust (no Python).
//! The comparison with the NumPy baseline, scaling and memory are in `bench.py`.

use indsats::{run_simple, Mode, RunOptions, Scenario};
use std::time::Instant;

const REPEATS: usize = 3;

/// The Ballerup scenario, read from its TOML file by the core (which resolves
/// the `{ rate = .. }` / `{ dk = .. }` references to official figures itself),
/// the same calibrated scenario that `bench.py` times through Python.
fn ballerup() -> Scenario {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/ballerup.toml");
    let text = std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{path}: {err}"));
    Scenario::from_toml_str(&text).unwrap_or_else(|err| panic!("{path}: {err}"))
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
