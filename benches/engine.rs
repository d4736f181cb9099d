//! Draws per second of the engine on the Ballerup scenario, pure Rust (no Python).
//! The comparison with the NumPy baseline, scaling and memory are in `bench.py`.

use indsats::{run_simple, Mode, RunOptions, Scenario};
use std::time::Instant;

const REPEATS: usize = 3;

/// The Ballerup scenario as the engine sees it. `make bench` writes it to
/// `target/ballerup.json` with every `{ rate = .. }` / `{ dk = .. }` reference to
/// official figures resolved by the Python facade, so both benchmarks time the
/// same calibrated scenario.
fn ballerup() -> Scenario {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/target/ballerup.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|err| {
        panic!("{path}: {err}; run `make bench`, which writes it from scenarios/ballerup.toml")
    });
    Scenario::from_json_str(&text).unwrap_or_else(|err| panic!("{path}: {err}"))
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
