//! Draws per second of the engine on the Ballerup scenario, pure Rust (no Python),
//! and what the keys of model version 2 cost on it: followed stocks (Ballerup's
//! retention), a follow-up limit, burn-in. The comparison with the NumPy
//! baseline, scaling and memory are in `bench.py`.

use indsats::{run_simple, Mode, RunOptions, Scenario};
use std::time::Instant;

const REPEATS: usize = 3;

/// The Ballerup scenario, read from its TOML file by the core (which resolves
/// the `{ rate = .. }` / `{ dk = .. }` references to official figures itself),
/// the same calibrated scenario that `bench.py` times through Python.
fn ballerup() -> Scenario {
    variant(|text| text.to_string())
}

const BALLERUP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/ballerup.toml");

/// Ballerup's file changed by `edit`, read by the core.
fn variant(edit: impl Fn(&str) -> String) -> Scenario {
    let text = std::fs::read_to_string(BALLERUP).unwrap_or_else(|err| panic!("{BALLERUP}: {err}"));
    let text = edit(&text);
    Scenario::from_toml_str(&text).unwrap_or_else(|err| panic!("{BALLERUP}: {err}"))
}

/// Ballerup's file without the lines that start with one of `keys`.
fn without(keys: &'static [&'static str]) -> Scenario {
    variant(|t| {
        t.lines()
            .filter(|l| !keys.iter().any(|k| l.starts_with(k)))
            .map(|l| format!("{l}\n"))
            .collect()
    })
}

/// Ballerup's file with `follow_up_months = 12` in every component that has a `relapse_hr`.
fn follow_up_12(text: &str) -> String {
    let mut out = String::new();
    let mut given = false;
    for line in text.lines() {
        if line.starts_with("[[") {
            given = false;
        }
        if line.starts_with("relapse_hr.") && !given {
            out.push_str("follow_up_months = 12\n");
            given = true;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The variants of Ballerup that show what version 2's keys cost: burn-in and
/// followed stocks (the retention of the persons the components place).
fn variants() -> Vec<(&'static str, Scenario)> {
    let text = std::fs::read_to_string(BALLERUP).unwrap_or_else(|err| panic!("{BALLERUP}: {err}"));
    for key in ["burn_in_years = ", "relapse_hr."] {
        assert!(
            text.contains(key),
            "{BALLERUP} no longer has `{key}`: update the variants"
        );
    }
    vec![
        ("as is (burn-in, followed retention)", ballerup()),
        ("no burn_in_years", without(&["burn_in_years"])),
        ("no relapse_hr (nothing followed)", without(&["relapse_hr"])),
        ("follow_up_months = 12", variant(follow_up_12)),
        (
            "neither (no section-12 cost)",
            without(&["burn_in_years", "relapse_hr"]),
        ),
    ]
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
    // Each round times every variant once, so that a machine busy with other work
    // slows them alike; the best of the rounds is kept.
    println!("\nWhat model version 2's keys cost on Ballerup (1 thread, best of {REPEATS} rounds)");
    println!(
        "{:<34} {:<12} {:>10} {:>10}",
        "variant", "mode", "draws/s", "relative"
    );
    let variants = variants();
    for (mode, name, draws) in [
        (Mode::Stochastic, "stochastic", 4_000),
        (Mode::MeanField, "mean_field", 12_000),
    ] {
        let draws = if quick { draws / 100 } else { draws };
        let mut best = vec![0.0f64; variants.len()];
        for _ in 0..REPEATS {
            for (b, (_, sc)) in best.iter_mut().zip(&variants) {
                *b = b.max(draws_per_second_once(sc, mode, draws));
            }
        }
        for ((label, _), rate) in variants.iter().zip(&best) {
            let relative = rate / best[0];
            println!("{label:<34} {name:<12} {rate:>10.0} {relative:>10.2}");
        }
    }
}

/// Draws per second of one run on one thread.
fn draws_per_second_once(sc: &Scenario, mode: Mode, draws: usize) -> f64 {
    let mut opts = RunOptions::new(draws, 2017, mode);
    opts.threads = Some(1);
    opts.keep_paths = 0;
    let started = Instant::now();
    run_simple(sc, &opts).expect("the Ballerup variant runs");
    draws as f64 / started.elapsed().as_secs_f64()
}
