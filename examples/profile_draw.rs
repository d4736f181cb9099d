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
use indsats::engine::{simulate_draw, DrawKey, Layouts, Mode, Sinks, Workspace};
use indsats::model::DrawModel;
use indsats::outputs::{DetailLayout, Layout};
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
        let layouts = Layouts {
            row: Layout::new(&sc),
            detail: DetailLayout::new(&sc),
        };
        let mut ws = Workspace::new(&sc);
        let mut row = vec![0.0; layouts.row.width()];
        let mut detail = vec![0.0; layouts.detail.width()];
        let cancel = AtomicBool::new(false);
        let mut model: Option<DrawModel> = None;
        for draw in 0..draws as u64 {
            let values = black_box(sc.params.sample(2017, draw).unwrap());
            if phase == "sample" {
                continue;
            }
            // One model per worker, refilled for each draw, as `run` does.
            let model = match &mut model {
                Some(m) => {
                    m.update(&sc, &values);
                    m
                }
                None => model.insert(DrawModel::new(&sc, &values)),
            };
            black_box(&model);
            if phase == "model" {
                continue;
            }
            let key = DrawKey { seed: 2017, draw };
            let mode = Mode::MeanField;
            let sinks = Sinks {
                row: &mut row,
                detail: Some(&mut detail),
                paths: None,
            };
            simulate_draw(model, mode, key, &layouts, &mut ws, sinks, &cancel);
            black_box(&row);
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!("{phase}: {:.3} µs/draw", seconds / draws as f64 * 1e6);
}
