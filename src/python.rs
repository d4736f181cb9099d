//! The Python binding (`indsats._core`): the only file that knows pyo3.
//!
//! Inputs are extracted first (the scenario as JSON text), the run happens on a
//! worker thread with the GIL released, and the calling thread wakes every
//! 100 ms to check for Ctrl-C and report progress. Results become NumPy arrays
//! once, without copying. Core errors map to `ValueError` (bad scenario or
//! options) and `KeyboardInterrupt` (cancelled); a panic, which would be a bug,
//! becomes `RuntimeError` instead of taking the interpreter down.

use crate::engine::Mode;
use crate::error::Error;
use crate::outputs::Block;
use crate::params::Supplied;
use crate::run::{
    detail_within, paths_within, run, RunOptions, RunOutput, DEFAULT_DETAIL_BUDGET,
    DEFAULT_PATH_BUDGET,
};
use crate::scenario::Scenario;
use numpy::{IntoPyArray, PyReadonlyArray2};
use pyo3::exceptions::{PyKeyboardInterrupt, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

fn to_py(e: Error) -> PyErr {
    match e {
        Error::Invalid { .. } | Error::Options(_) => PyValueError::new_err(e.to_string()),
        Error::Cancelled => PyKeyboardInterrupt::new_err("the run was cancelled"),
    }
}

fn parse(json: &str) -> PyResult<Scenario> {
    Scenario::from_json_str(json).map_err(to_py)
}

/// Validates a scenario (JSON text) and describes it: horizon, names, parameters.
#[pyfunction]
fn validate<'py>(py: Python<'py>, json: &str) -> PyResult<Bound<'py, PyDict>> {
    let sc = parse(json)?;
    let d = PyDict::new(py);
    d.set_item("name", &sc.name)?;
    d.set_item("start", sc.calendar.start_label())?;
    d.set_item("months", sc.calendar.months())?;
    d.set_item("calendar_years", sc.calendar.years_touched())?;
    let calendar = PyDict::new(py);
    calendar.set_item("years", sc.calendar.years_touched())?;
    calendar.set_item("months_in_year", sc.calendar.months_in_year())?;
    calendar.set_item("month_labels", sc.calendar.month_labels())?;
    d.set_item("calendar", calendar)?;
    // Names in the file's order, the order of outputs.
    d.set_item("destinations", sc.destination_names())?;
    d.set_item("segments", sc.segment_names())?;
    d.set_item("perspective", sc.perspective.name())?;
    d.set_item(
        "components",
        sc.intervention.as_ref().map(|_| sc.component_names()),
    )?;
    d.set_item("burn_in_years", sc.burn_in_years)?;
    let params = PyList::empty(py);
    for p in sc.params.iter() {
        let s = p.dist.support();
        params.append((p.path.clone(), p.dist.name(), p.dist.mean(), s.lo, s.hi))?;
    }
    d.set_item("parameters", params)?;
    Ok(d)
}

/// Values given in place of the sampling of some parameters: their paths and
/// an array draws × paths, checked against the scenario's parameters.
type SuppliedArg<'py> = Option<(Vec<String>, PyReadonlyArray2<'py, f64>)>;

fn supplied(sc: &Scenario, arg: SuppliedArg<'_>) -> PyResult<Option<Supplied>> {
    arg.map(|(paths, values)| {
        sc.params
            .supplied(&paths, values.as_array().to_owned())
            .map_err(to_py)
    })
    .transpose()
}

/// Runs a scenario. `progress`, if given, is called with the number of
/// finished draws about ten times a second from the calling thread.
/// `parameters`, if given, is `(paths, values draws × paths)`: those values
/// replace the sampling of their parameters. `keep_paths` and `keep_detail`
/// are the numbers of leading draws whose monthly stocks and per-segment and
/// per-component outputs are kept (default: as many as fit 128 MiB each, at
/// least one).
#[pyfunction]
#[pyo3(signature = (json, draws, seed, mode, threads=None, chunk_size=64, keep_paths=None, progress=None, parameters=None, keep_detail=None))]
#[allow(clippy::too_many_arguments)]
fn simulate<'py>(
    py: Python<'py>,
    json: &str,
    draws: usize,
    seed: u64,
    mode: &str,
    threads: Option<usize>,
    chunk_size: usize,
    keep_paths: Option<usize>,
    progress: Option<Py<PyAny>>,
    parameters: SuppliedArg<'py>,
    keep_detail: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    let sc = parse(json)?;
    let supplied = supplied(&sc, parameters)?;
    let mode = Mode::parse(mode).ok_or_else(|| {
        PyValueError::new_err(format!(
            "mode must be \"stochastic\" or \"mean_field\", got {mode:?}"
        ))
    })?;
    let sc_states: Vec<String> = sc
        .destination_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut opts = RunOptions::new(draws, seed, mode);
    opts.threads = threads;
    opts.chunk_size = chunk_size;
    opts.keep_paths = keep_paths.unwrap_or_else(|| paths_within(&sc, DEFAULT_PATH_BUDGET).max(1));
    opts.supplied = supplied;
    opts.keep_detail =
        keep_detail.unwrap_or_else(|| detail_within(&sc, DEFAULT_DETAIL_BUDGET).max(1));
    let out = on_worker(py, progress.as_ref(), move |done, cancel| {
        run(&sc, &opts, done, cancel)
    })?;
    if let Some(cb) = &progress {
        cb.call1(py, (out.draws(),))?;
    }
    let d = result_dict(py, out)?;
    let mut states = vec!["benefit".to_string()];
    states.extend(sc_states);
    d.set_item("states", states)?;
    Ok(d)
}

/// Runs `job` on a worker thread with the GIL released. The calling thread
/// wakes every 100 ms: on Ctrl-C (or an exception from `progress`) it sets
/// the job's cancel flag, waits for the worker to stop and raises; otherwise
/// it calls `progress`, if given, with the job's count of finished draws.
fn on_worker<T, F>(py: Python<'_>, progress: Option<&Py<PyAny>>, job: F) -> PyResult<T>
where
    T: Send + 'static,
    F: FnOnce(&AtomicU64, &AtomicBool) -> Result<T, Error> + Send + 'static,
{
    let done = Arc::new(AtomicU64::new(0));
    let cancel = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel::<Result<T, Error>>();
    // A Mutex makes the receiver shareable with the GIL-free closures below.
    let rx = Mutex::new(rx);
    let worker = {
        let (done, cancel) = (Arc::clone(&done), Arc::clone(&cancel));
        std::thread::Builder::new()
            .name("indsats-run".into())
            .spawn(move || {
                let _ = tx.send(job(&done, &cancel));
            })
            .map_err(|e| PyRuntimeError::new_err(format!("could not start the run: {e}")))?
    };
    let stop = |py: Python<'_>| {
        cancel.store(true, Ordering::Relaxed);
        // Waits for the cancelled job to hand back its result (or to die).
        py.detach(|| {
            let _ = lock(&rx).recv();
        });
    };
    let outcome = loop {
        let received = py.detach(|| lock(&rx).recv_timeout(Duration::from_millis(100)));
        match received {
            Ok(result) => break result,
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(PyRuntimeError::new_err(
                    "internal error: the worker thread stopped unexpectedly",
                ))
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        if let Err(e) = py.check_signals() {
            stop(py);
            return Err(e);
        }
        if let Some(cb) = progress {
            if let Err(e) = cb.call1(py, (done.load(Ordering::Relaxed),)) {
                stop(py);
                return Err(e);
            }
        }
    };
    let _ = worker.join();
    outcome.map_err(to_py)
}

fn lock<T>(rx: &Mutex<mpsc::Receiver<T>>) -> std::sync::MutexGuard<'_, mpsc::Receiver<T>> {
    rx.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Blocks as `(name, arm or None, first column, width)`.
fn block_list(blocks: Vec<Block>) -> Vec<(String, Option<&'static str>, usize, usize)> {
    blocks
        .into_iter()
        .map(|b| (b.name, b.arm.map(|a| a.name()), b.first, b.width))
        .collect()
}

/// The run's arrays and what their columns hold: `rows` (draws × columns)
/// described by `blocks`, `detail` (kept draws × columns: per segment and
/// component) described by `detail_blocks`, `paths` (kept draws × arm ×
/// month × state, states in the order of `states`).
fn result_dict(py: Python<'_>, out: RunOutput) -> PyResult<Bound<'_, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("npv_column", out.layout.npv())?;
    d.set_item("break_even_column", out.layout.break_even())?;
    d.set_item("n_years", out.layout.n_years)?;
    d.set_item("blocks", block_list(out.layout.blocks()))?;
    d.set_item("detail_blocks", block_list(out.detail_layout.blocks()))?;
    d.set_item("rows", out.rows.into_pyarray(py))?;
    d.set_item("detail", out.detail.into_pyarray(py))?;
    d.set_item("paths", out.paths.into_pyarray(py))?;
    Ok(d)
}

/// The sampled values of the uncertain parameters (and of those supplied):
/// `(paths, array draws × parameters)`. Runs like `simulate`: on a worker
/// thread, stopped by Ctrl-C within 100 ms.
#[pyfunction]
#[pyo3(signature = (json, draws, seed, parameters=None))]
fn parameter_draws<'py>(
    py: Python<'py>,
    json: &str,
    draws: usize,
    seed: u64,
    parameters: SuppliedArg<'py>,
) -> PyResult<(Vec<String>, Bound<'py, numpy::PyArray2<f64>>)> {
    let sc = parse(json)?;
    let supplied = supplied(&sc, parameters)?;
    let (paths, values) = on_worker(py, None, move |done, cancel| {
        crate::run::parameter_draws(&sc, draws, seed, supplied.as_ref(), done, cancel)
    })?;
    Ok((paths, values.into_pyarray(py)))
}

/// The values of the parameters at `paths` at the quantiles `probs`
/// (rows × paths, column `j` for `paths[j]`, each in (0, 1)).
#[pyfunction]
fn parameter_quantiles<'py>(
    py: Python<'py>,
    json: &str,
    paths: Vec<String>,
    probs: PyReadonlyArray2<'py, f64>,
) -> PyResult<Bound<'py, numpy::PyArray2<f64>>> {
    let sc = parse(json)?;
    let values = sc
        .params
        .quantiles(&paths, probs.as_array())
        .map_err(to_py)?;
    Ok(values.into_pyarray(py))
}

type Counts<'py> = Bound<'py, numpy::PyArray1<u64>>;

/// Simulated pilot data per draw: events among `n_treated` participants
/// (probability `p_treated[i]` each) and `n_control` comparison persons
/// (`p_control[i]`), as two arrays of counts.
#[pyfunction]
fn pilot_counts<'py>(
    py: Python<'py>,
    seed: u64,
    study: &str,
    n_treated: u64,
    n_control: u64,
    p_treated: numpy::PyReadonlyArray1<'py, f64>,
    p_control: numpy::PyReadonlyArray1<'py, f64>,
) -> PyResult<(Counts<'py>, Counts<'py>)> {
    let counts = crate::pilot::pilot_counts(
        seed,
        study,
        n_treated,
        n_control,
        p_treated.as_slice()?,
        p_control.as_slice()?,
    )
    .map_err(to_py)?;
    Ok((
        counts.treated.into_pyarray(py),
        counts.control.into_pyarray(py),
    ))
}

/// Plain Python values (dicts, lists, numbers) of a JSON value.
fn json_to_py<'py>(py: Python<'py>, value: &serde_json::Value) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?
        .call_method1("loads", (value.to_string(),))
}

fn reference_data() -> PyResult<&'static crate::dk::Data> {
    crate::dk::data().map_err(PyRuntimeError::new_err)
}

/// The scenario (JSON text) with every reference to a Danish figure or rate
/// (`{ rate = .. }`, `{ dk = .. }`) replaced, as JSON text.
#[pyfunction]
fn resolve(json: &str) -> PyResult<String> {
    let value: serde_json::Value = serde_json::from_str(json)
        .map_err(|e| PyValueError::new_err(format!("not valid JSON: {e}")))?;
    let resolved = crate::references::resolve(&value).map_err(to_py)?;
    Ok(resolved.to_string())
}

/// The Danish reference data (`data/*.toml`) as plain dicts and lists.
#[pyfunction]
fn dk_data(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    json_to_py(py, &reference_data()?.export())
}

/// The figure called `name` as a dict; `ValueError` with a suggestion if there is none.
#[pyfunction]
fn dk_figure<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    let figure = reference_data()?
        .figure(name)
        .map_err(PyValueError::new_err)?;
    json_to_py(py, &serde_json::json!(figure))
}

/// The monthly rate of `group` in `year` (an int) with its source, as a dict;
/// extrapolated beyond the table. `ValueError` for an unknown group or a year
/// outside the supported years.
#[pyfunction]
fn dk_rate_entry<'py>(
    py: Python<'py>,
    group: &str,
    year: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let data = reference_data()?;
    data.group(group).map_err(PyValueError::new_err)?;
    let is_int = year.is_instance_of::<pyo3::types::PyInt>()
        && !year.is_instance_of::<pyo3::types::PyBool>();
    let year = match year.extract::<i64>() {
        Ok(y) if is_int => y,
        _ => {
            let shown = year.repr()?.to_string();
            return Err(PyValueError::new_err(format!(
                "rate group '{group}': {}",
                data.year_error(&shown)
            )));
        }
    };
    let rate = data
        .rate_entry(group, year)
        .map_err(PyValueError::new_err)?;
    json_to_py(py, &serde_json::json!(rate))
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(resolve, m)?)?;
    m.add_function(wrap_pyfunction!(dk_data, m)?)?;
    m.add_function(wrap_pyfunction!(dk_figure, m)?)?;
    m.add_function(wrap_pyfunction!(dk_rate_entry, m)?)?;
    m.add_function(wrap_pyfunction!(validate, m)?)?;
    m.add_function(wrap_pyfunction!(simulate, m)?)?;
    m.add_function(wrap_pyfunction!(parameter_draws, m)?)?;
    m.add_function(wrap_pyfunction!(parameter_quantiles, m)?)?;
    m.add_function(wrap_pyfunction!(pilot_counts, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
