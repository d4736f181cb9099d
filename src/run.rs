//! Draws in parallel: rayon over fixed chunks of draws, each draw writing its
//! own row, so the result does not depend on the thread count or the chunk
//! size. Progress and cancellation are atomics the caller watches and sets.

use crate::engine::{simulate_draw, DrawKey, Mode, PathSink, Workspace};
use crate::error::Error;
use crate::model::DrawModel;
use crate::outputs::Layout;
use crate::scenario::Scenario;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// More worker threads than this is a mistake, not a machine.
const MAX_THREADS: usize = 4096;

/// A zeroed buffer of `rows × width` values, or an error (never an abort) when
/// the size overflows or the memory cannot be had.
fn zeroed(rows: usize, width: usize, what: &str) -> Result<Vec<f64>, Error> {
    let too_big = || {
        Error::Options(format!(
            "not enough memory for {what}: {rows} draws × {width} values; run fewer draws \
             (or keep fewer monthly paths with keep_paths)"
        ))
    };
    let len = rows.checked_mul(width).ok_or_else(too_big)?;
    // Ask first, fallibly; then take zeroed pages from the allocator, which
    // are only touched as the draws fill them (writing zeros here would cost
    // seconds on a large run before it could be cancelled).
    Vec::<f64>::new()
        .try_reserve_exact(len)
        .map_err(|_| too_big())?;
    Ok(vec![0.0; len])
}

/// Default budget for kept monthly stock paths (bytes).
pub const DEFAULT_PATH_BUDGET: usize = 128 << 20;

#[derive(Debug, Clone)]
pub struct RunOptions {
    pub draws: usize,
    pub seed: u64,
    pub mode: Mode,
    /// Worker threads; `None` = all cores.
    pub threads: Option<usize>,
    /// Draws per unit of parallel work.
    pub chunk_size: usize,
    /// Number of leading draws whose monthly stock paths are kept.
    pub keep_paths: usize,
}

impl RunOptions {
    pub fn new(draws: usize, seed: u64, mode: Mode) -> Self {
        RunOptions {
            draws,
            seed,
            mode,
            threads: None,
            chunk_size: 64,
            keep_paths: usize::MAX,
        }
    }

    fn check(&self) -> Result<(), Error> {
        if self.draws == 0 {
            return Err(Error::Options("draws must be at least 1".into()));
        }
        if self.threads == Some(0) {
            return Err(Error::Options(
                "threads must be at least 1 (or None for all cores)".into(),
            ));
        }
        if self.chunk_size == 0 {
            return Err(Error::Options("chunk_size must be at least 1".into()));
        }
        if self.threads.is_some_and(|t| t > MAX_THREADS) {
            return Err(Error::Options(format!(
                "threads must be at most {MAX_THREADS}"
            )));
        }
        Ok(())
    }
}

/// The outputs of a run: one row per draw, and monthly stock paths
/// `[draw][arm][month][state]` for the first `kept_paths` draws.
#[derive(Debug, Clone)]
pub struct RunOutput {
    pub layout: Layout,
    pub draws: usize,
    pub rows: Vec<f64>,
    pub kept_paths: usize,
    pub paths: Vec<f64>,
    pub months: usize,
    pub n_states: usize,
}

impl RunOutput {
    pub fn row(&self, draw: usize) -> &[f64] {
        let w = self.layout.width();
        &self.rows[draw * w..(draw + 1) * w]
    }
}

/// Number of draws whose paths fit a byte budget.
pub fn paths_within(sc: &Scenario, budget_bytes: usize) -> usize {
    let per_draw =
        2 * sc.calendar.months() * (sc.destinations.len() + 1) * std::mem::size_of::<f64>();
    budget_bytes / per_draw.max(1)
}

/// Runs every draw. `progress` counts finished draws; setting `cancel` makes
/// the run stop within one draw per worker and return `Error::Cancelled`.
pub fn run(
    sc: &Scenario,
    opts: &RunOptions,
    progress: &AtomicU64,
    cancel: &AtomicBool,
) -> Result<RunOutput, Error> {
    opts.check()?;
    let n_years = sc.calendar.n_years();
    let n_dest = sc.destinations.len();
    let layout = Layout::new(n_years, n_dest);
    let width = layout.width();
    let months = sc.calendar.months();
    let n_states = n_dest + 1;
    let path_width = 2 * months * n_states;
    let kept_paths = opts.keep_paths.min(opts.draws);

    let mut rows = zeroed(opts.draws, width, "the results")?;
    let mut paths = zeroed(kept_paths, path_width, "the monthly stock paths")?;
    let chunk = opts.chunk_size.min(opts.draws);

    // Pair each chunk of rows with its (possibly empty) slice of paths.
    let mut path_chunks: Vec<&mut [f64]> = Vec::with_capacity(opts.draws.div_ceil(chunk));
    let mut rest: &mut [f64] = &mut paths;
    for c in 0..opts.draws.div_ceil(chunk) {
        let first = c * chunk;
        let with_paths = kept_paths.saturating_sub(first).min(chunk);
        let (head, tail) = rest.split_at_mut(with_paths * path_width);
        path_chunks.push(head);
        rest = tail;
    }

    let work = || {
        rows.par_chunks_mut(chunk * width)
            .zip(path_chunks.into_par_iter())
            .enumerate()
            .try_for_each(|(c, (row_chunk, path_chunk))| {
                let mut ws = Workspace::new(sc.segments.len(), n_dest);
                for (i, row) in row_chunk.chunks_mut(width).enumerate() {
                    if cancel.load(Ordering::Relaxed) {
                        return Err(Error::Cancelled);
                    }
                    let draw = (c * chunk + i) as u64;
                    let values = sc.params.sample(opts.seed, draw)?;
                    let model = DrawModel::new(sc, &values);
                    let sink = path_chunk
                        .chunks_mut(path_width)
                        .nth(i)
                        .map(|out| PathSink { out });
                    let key = DrawKey {
                        seed: opts.seed,
                        draw,
                    };
                    let done =
                        simulate_draw(&model, opts.mode, key, &layout, &mut ws, row, sink, cancel);
                    if !done {
                        return Err(Error::Cancelled);
                    }
                    progress.fetch_add(1, Ordering::Relaxed);
                }
                Ok(())
            })
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads.unwrap_or(0))
        .build()
        .map_err(|e| Error::Options(format!("could not start worker threads: {e}")))?;
    pool.install(work)?;
    Ok(RunOutput {
        layout,
        draws: opts.draws,
        rows,
        kept_paths,
        paths,
        months,
        n_states,
    })
}

/// Runs without progress reporting or cancellation (Rust callers and tests).
pub fn run_simple(sc: &Scenario, opts: &RunOptions) -> Result<RunOutput, Error> {
    run(sc, opts, &AtomicU64::new(0), &AtomicBool::new(false))
}

/// The sampled values of the uncertain parameters, `[draw][parameter]`, with
/// their paths: exactly the values the engine uses in each draw.
pub fn parameter_draws(
    sc: &Scenario,
    draws: usize,
    seed: u64,
) -> Result<(Vec<String>, Vec<f64>), Error> {
    let uncertain = sc.params.uncertain();
    let paths = uncertain
        .iter()
        .map(|&i| sc.params[i].path.clone())
        .collect();
    let mut values = zeroed(draws, uncertain.len(), "the parameter draws")?;
    if !uncertain.is_empty() {
        values
            .par_chunks_mut(uncertain.len())
            .enumerate()
            .try_for_each(|(draw, row)| {
                let all = sc.params.sample(seed, draw as u64)?;
                for (out, &i) in row.iter_mut().zip(&uncertain) {
                    *out = all[i];
                }
                Ok::<(), Error>(())
            })?;
    }
    Ok((paths, values))
}
