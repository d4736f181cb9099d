//! Where a mean-field draw spends its time (README, "Speed"): runs the per-draw
//! phases of `run` cumulatively on one thread — `sample` (parameter sampling),
//! `model` (+ the draw's tables), `draw` (+ the monthly loop and its output
//! row) — or the whole `run` (+ rayon and buffers), and prints µs per draw.
//!
//!     cargo build --release --example profile_draw
//!     target/release/examples/profile_draw benches/one_segment.toml PHASE DRAWS
//!
//! Under `valgrind --tool=callgrind`, the instructions of one phase per draw are
//! the difference between runs of 20,000 and 2,000 draws, divided by 18,000; a
//! phase's own share is its difference from the phase before.
use indsats::engine::{simulate_draw, DrawKey, Mode, Workspace};
use indsats::model::DrawModel;
use indsats::outputs::Layout;
use indsats::{run_simple, RunOptions, Scenario};
use std::hint::black_box;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let sc = Scenario::from_toml_str(&std::fs::read_to_string(&args[1]).unwrap()).unwrap();
    let phase = args[2].as_str();
    let draws: usize = args[3].parse().unwrap();
    let started = Instant::now();
    if phase == "run" {
        let mut opts = RunOptions::new(draws, 2017, Mode::MeanField);
        opts.threads = Some(1);
        opts.keep_paths = 0;
        black_box(run_simple(&sc, &opts).unwrap());
    } else {
        let layout = Layout::new(sc.calendar.years_touched().len(), sc.destinations.len());
        let mut ws = Workspace::new(sc.segments.len(), sc.destinations.len());
        let mut row = vec![0.0; layout.width()];
        let cancel = AtomicBool::new(false);
        for draw in 0..draws as u64 {
            let values = black_box(sc.params.sample(2017, draw).unwrap());
            if phase == "sample" {
                continue;
            }
            let model = black_box(DrawModel::new(&sc, &values));
            if phase == "model" {
                continue;
            }
            let key = DrawKey { seed: 2017, draw };
            let mode = Mode::MeanField;
            simulate_draw(&model, mode, key, &layout, &mut ws, &mut row, None, &cancel);
            black_box(&row);
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!("{phase}: {:.3} µs/draw", seconds / draws as f64 * 1e6);
}
