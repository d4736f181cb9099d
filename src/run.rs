//! Draws in parallel: rayon over fixed chunks of draws, each draw writing its
//! own row, so the result does not depend on the thread count or the chunk
//! size. Progress and cancellation are atomics the caller watches and sets.
//!
//! Every parallel section runs in a pool built for the call, never in
//! rayon's global pool: a process forked after using the global pool (Python's
//! multiprocessing does so by default on Linux) would wait for its workers,
//! which do not exist in the child, forever.

use crate::engine::{describe_column, simulate_draw, DrawKey, Layouts, Mode, Sinks, Workspace};
use crate::error::Error;
use crate::model::DrawModel;
use crate::outputs::{DetailLayout, Layout};
use crate::params::Supplied;
use crate::scenario::Scenario;
use ndarray::{Array, Array2, Array4, ArrayView1, ArrayViewMut, Axis, Dimension, Ix2, Ix4};
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// More worker threads than this is a mistake, not a machine.
const MAX_THREADS: usize = 4096;

/// A zeroed array of shape `dim` (draws first), or an error (never an
/// abort) when the size overflows or the memory cannot be had.
fn zeroed<D: Dimension>(dim: D, what: &str) -> Result<Array<f64, D>, Error> {
    let (draws, per_draw) = (
        dim[0],
        dim.slice()[1..]
            .iter()
            .try_fold(1usize, |n, &m| n.checked_mul(m)),
    );
    let too_big = || {
        let width = per_draw.map_or_else(|| "too many".to_string(), |w| w.to_string());
        Error::Options(format!(
            "not enough memory for {what}: {draws} draws × {width} values; run fewer draws \
             (or keep fewer monthly paths with keep_paths, less detail with keep_detail)"
        ))
    };
    let len = per_draw
        .and_then(|w| w.checked_mul(draws))
        .ok_or_else(too_big)?;
    // Ask first, fallibly; then take zeroed pages from the allocator, which
    // are only touched as the draws fill them (writing zeros here would cost
    // seconds on a large run before it could be cancelled).
    Vec::<f64>::new()
        .try_reserve_exact(len)
        .map_err(|_| too_big())?;
    Array::from_shape_vec(dim, vec![0.0; len]).map_err(|_| too_big())
}

/// A pool of `threads` workers (`None`: one per core) for one call.
fn pool(threads: Option<usize>) -> Result<rayon::ThreadPool, Error> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .map_err(|e| Error::Options(format!("could not start worker threads: {e}")))
}

/// Default budget for kept monthly stock paths (bytes).
pub const DEFAULT_PATH_BUDGET: usize = 128 << 20;
/// Default budget for kept per-segment and per-component detail (bytes).
pub const DEFAULT_DETAIL_BUDGET: usize = 128 << 20;

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
    /// Number of leading draws whose per-segment and per-component outputs
    /// (the detail) are kept.
    pub keep_detail: usize,
    /// Values given for some parameters in every draw, in place of their
    /// sampling; one row per draw.
    pub supplied: Option<Supplied>,
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
            keep_detail: usize::MAX,
            supplied: None,
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
        check_supplied(self.supplied.as_ref(), self.draws)
    }
}

/// The outputs of a run: one row per draw, and the detail and monthly
/// stocks of the first draws.
#[derive(Debug, Clone)]
pub struct RunOutput {
    pub layout: Layout,
    pub detail_layout: DetailLayout,
    /// `[draw, column]`, columns as in [`Layout`].
    pub rows: Array2<f64>,
    /// `[draw, column]` for the first kept draws, columns as in [`DetailLayout`].
    pub detail: Array2<f64>,
    /// `[draw, arm, month, state]` for the first kept draws; state 0 is
    /// benefit, `1 + j` the `j`-th destination in the file's order.
    pub paths: Array4<f64>,
}

impl RunOutput {
    pub fn draws(&self) -> usize {
        self.rows.nrows()
    }

    pub fn row(&self, draw: usize) -> ArrayView1<'_, f64> {
        self.rows.row(draw)
    }
}

/// Supplied values need one row per draw.
fn check_supplied(supplied: Option<&Supplied>, draws: usize) -> Result<(), Error> {
    match supplied {
        Some(s) if s.draws() != draws => Err(Error::Options(format!(
            "parameters: {} rows of supplied values for {draws} draws; give one row per draw",
            s.draws()
        ))),
        _ => Ok(()),
    }
}

/// Number of draws whose paths fit a byte budget.
pub fn paths_within(sc: &Scenario, budget_bytes: usize) -> usize {
    let per_draw =
        2 * sc.calendar.months() * (sc.destinations.len() + 1) * std::mem::size_of::<f64>();
    budget_bytes / per_draw.max(1)
}

/// Number of draws whose detail fits a byte budget.
pub fn detail_within(sc: &Scenario, budget_bytes: usize) -> usize {
    let per_draw = DetailLayout::new(sc).width() * std::mem::size_of::<f64>();
    budget_bytes / per_draw.max(1)
}

/// An error naming the first output of a draw that is not a finite number
/// (an overflow the scenario's bounds did not catch), or `None`.
fn non_finite(
    sc: &Scenario,
    layouts: &Layouts,
    draw: u64,
    row: &[f64],
    detail: &[f64],
) -> Option<Error> {
    let years = sc.calendar.years_touched();
    let deadweight = layouts.row.deadweight();
    let (blocks, col) = if let Some(col) = row
        .iter()
        .enumerate()
        .position(|(i, x)| !x.is_finite() && i != deadweight)
    {
        (layouts.row.blocks(), col)
    } else {
        let col = detail.iter().position(|x| !x.is_finite())?;
        (layouts.detail.blocks(), col)
    };
    let value = if col < row.len() && blocks.len() == layouts.row.blocks().len() {
        row[col]
    } else {
        detail[col]
    };
    Some(Error::Options(format!(
        "draw {draw}: the output {} is {value}, not a finite number: the scenario's numbers \
         overflow; make the largest of them (stocks, costs, hazard ratios, rates) smaller",
        describe_column(&blocks, col, &years)
    )))
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
    let layouts = Layouts {
        row: Layout::new(sc),
        detail: DetailLayout::new(sc),
    };
    let n_states = sc.destinations.len() + 1;
    let kept_paths = opts.keep_paths.min(opts.draws);
    let kept_detail = opts.keep_detail.min(opts.draws);
    let mut rows = zeroed(Ix2(opts.draws, layouts.row.width()), "the results")?;
    let mut detail = zeroed(
        Ix2(kept_detail, layouts.detail.width()),
        "the per-segment and per-component detail",
    )?;
    let path_shape = Ix4(kept_paths, 2, sc.calendar.months(), n_states);
    let mut paths = zeroed(path_shape, "the monthly stock paths")?;
    let chunk = opts.chunk_size.min(opts.draws);

    let work = || {
        // Each chunk of rows with the detail and paths of its draws, where
        // they are kept.
        let chunks = opts.draws.div_ceil(chunk);
        let path_chunks = kept_chunks(&mut paths, chunk, chunks);
        let detail_chunks = kept_chunks(&mut detail, chunk, chunks);
        rows.axis_chunks_iter_mut(Axis(0), chunk)
            .into_par_iter()
            .zip(path_chunks)
            .zip(detail_chunks)
            .enumerate()
            .try_for_each(|(c, ((mut row_chunk, path_chunk), detail_chunk))| {
                let mut ws = Workspace::new(sc);
                let mut model: Option<DrawModel> = None;
                let mut path_rows = path_chunk.into_iter().flat_map(|p| p.into_outer_iter_mut());
                let mut detail_rows = detail_chunk
                    .into_iter()
                    .flat_map(|d| d.into_outer_iter_mut());
                for (i, mut row) in row_chunk.outer_iter_mut().enumerate() {
                    if cancel.load(Ordering::Relaxed) {
                        return Err(Error::Cancelled);
                    }
                    let draw = (c * chunk + i) as u64;
                    let values = sc
                        .params
                        .sample_with(opts.seed, draw, opts.supplied.as_ref())?;
                    let model = match &mut model {
                        Some(m) => {
                            m.update(sc, &values);
                            m
                        }
                        None => model.insert(DrawModel::new(sc, &values)),
                    };
                    let mut path = path_rows.next();
                    let mut detail_row = detail_rows.next();
                    let sinks = Sinks {
                        row: row.as_slice_mut().expect("a row is contiguous"),
                        detail: detail_row
                            .as_mut()
                            .map(|d| d.as_slice_mut().expect("a detail row is contiguous")),
                        paths: path
                            .as_mut()
                            .map(|p| p.as_slice_mut().expect("a draw's paths are contiguous")),
                    };
                    let key = DrawKey {
                        seed: opts.seed,
                        draw,
                    };
                    if !simulate_draw(model, opts.mode, key, &layouts, &mut ws, sinks, cancel) {
                        return Err(Error::Cancelled);
                    }
                    let detail_values = detail_row.as_ref().map_or(&[][..], |d| {
                        d.as_slice().expect("a detail row is contiguous")
                    });
                    let row = row.as_slice().expect("a row is contiguous");
                    if let Some(e) = non_finite(sc, &layouts, draw, row, detail_values) {
                        return Err(e);
                    }
                    progress.fetch_add(1, Ordering::Relaxed);
                }
                Ok(())
            })
    };
    pool(opts.threads)?.install(work)?;
    Ok(RunOutput {
        layout: layouts.row,
        detail_layout: layouts.detail,
        rows,
        detail,
        paths,
    })
}

/// The chunks of `array`'s draws (its leading ones, those kept), then `None`
/// for every further chunk of the run's `chunks`.
fn kept_chunks<D: Dimension + Send>(
    array: &mut Array<f64, D>,
    chunk: usize,
    chunks: usize,
) -> impl IndexedParallelIterator<Item = Option<ArrayViewMut<'_, f64, D>>> {
    let kept = array.axis_chunks_iter_mut(Axis(0), chunk).len();
    array
        .axis_chunks_iter_mut(Axis(0), chunk)
        .into_par_iter()
        .map(Some)
        .chain((kept..chunks).into_par_iter().map(|_| None))
}

/// Runs without progress reporting or cancellation (Rust callers and tests).
pub fn run_simple(sc: &Scenario, opts: &RunOptions) -> Result<RunOutput, Error> {
    run(sc, opts, &AtomicU64::new(0), &AtomicBool::new(false))
}

/// The sampled values of the uncertain parameters (and of those `supplied`),
/// `[draw, parameter]`, with their paths: exactly the values the engine uses
/// in each draw. `progress` counts finished draws; setting `cancel` stops
/// within one draw per worker with `Error::Cancelled`.
pub fn parameter_draws(
    sc: &Scenario,
    draws: usize,
    seed: u64,
    supplied: Option<&Supplied>,
    progress: &AtomicU64,
    cancel: &AtomicBool,
) -> Result<(Vec<String>, Array2<f64>), Error> {
    check_supplied(supplied, draws)?;
    let uncertain: Vec<usize> = (0..sc.params.len())
        .filter(|&i| !sc.params[i].dist.is_fixed() || supplied.is_some_and(|s| s.covers(i)))
        .collect();
    let paths = uncertain
        .iter()
        .map(|&i| sc.params[i].path.clone())
        .collect();
    let mut values = zeroed(Ix2(draws, uncertain.len()), "the parameter draws")?;
    if !uncertain.is_empty() {
        let work = || {
            values
                .axis_iter_mut(Axis(0))
                .into_par_iter()
                .enumerate()
                .try_for_each(|(draw, mut row)| {
                    if cancel.load(Ordering::Relaxed) {
                        return Err(Error::Cancelled);
                    }
                    let all = sc.params.sample_with(seed, draw as u64, supplied)?;
                    for (out, &i) in row.iter_mut().zip(&uncertain) {
                        *out = all[i];
                    }
                    progress.fetch_add(1, Ordering::Relaxed);
                    Ok(())
                })
        };
        pool(None)?.install(work)?;
    }
    Ok((paths, values))
}
