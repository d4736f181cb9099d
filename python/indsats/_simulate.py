"""Running scenarios: the bridge from Python options to the compiled engine."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, SupportsIndex

import pandas as pd

from . import _core
from ._options import check_choice, check_int
from ._supplied import as_supplied
from .result import Result
from .scenario import Scenario

MODES = ("stochastic", "mean_field")
MAX_THREADS = 4096  # as the core: more threads than this is a typo
ScenarioLike = Scenario | Mapping[str, Any] | str | os.PathLike[str]
Progress = bool | Callable[[int], object]


def as_scenario(scenario: ScenarioLike) -> Scenario:
    """A Scenario from a Scenario, a dict, or a path to a TOML/JSON file."""
    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, Mapping):
        return Scenario.from_dict(scenario)
    if isinstance(scenario, str | os.PathLike):
        path = Path(scenario)
        if path.suffix.lower() == ".json":
            return Scenario.from_json(path)
        return Scenario.from_toml(path)
    raise TypeError(
        f"expected a Scenario, a dict or a path to a scenario file; got {type(scenario).__name__}"
    )


def _progress_callback(progress: Progress, draws: int, desc: str) -> tuple[Any, Any]:
    """A callback for the engine and the tqdm bar to close afterwards (if any)."""
    if callable(progress):
        return progress, None
    if not isinstance(progress, bool):
        raise TypeError(f"progress must be True, False or a callable; got {progress!r}")
    if not progress:
        return None, None
    from tqdm.auto import tqdm

    # delay: short runs finish before a bar would appear.
    bar = tqdm(total=draws, desc=desc, unit="draw", delay=0.5, leave=False)

    def update(done: int) -> None:
        bar.update(done - bar.n)

    return update, bar


def simulate(
    scenario: ScenarioLike,
    draws: SupportsIndex | None = None,
    *,
    seed: SupportsIndex = 0,
    mode: str = "stochastic",
    threads: SupportsIndex | None = None,
    progress: Progress = True,
    chunk_size: SupportsIndex = 64,
    keep_paths: SupportsIndex | None = None,
    parameters: pd.DataFrame | Mapping[str, Any] | None = None,
    keep_detail: SupportsIndex | None = None,
) -> Result:
    """Simulate both arms of a scenario for ``draws`` draws.

    Args:
        scenario: a :class:`Scenario`, a dict, or a path to a TOML/JSON file.
        draws: number of Monte Carlo draws (parameter sets); default 10,000, or
            one per row of ``parameters``.
        seed: the run's seed; a draw's parameters depend only on
            (seed, draw, parameter path), so results are bit-identical for any
            ``threads`` and ``chunk_size``.
        mode: "stochastic" (integer persons, parameter and transition
            uncertainty) or "mean_field" (expected flows, parameter uncertainty).
        threads: worker threads; None uses every core.
        progress: show a tqdm bar on long runs (True), none (False), or a
            callable receiving the number of finished draws.
        chunk_size: draws per unit of parallel work (does not change results).
        keep_paths: number of leading draws whose monthly stocks are kept for
            :meth:`Result.stocks`; default all draws that fit in 128 MB.
        parameters: values to use in place of sampling: a DataFrame (or a dict
            of arrays) whose columns are field paths, positional
            (``segments[0].exit.job``) or named (``segments[over 30].exit.job``),
            and whose row ``i`` holds draw ``i``'s values; it needs exactly
            one row per draw. Every other number is sampled as usual (so two
            runs with the same seed share them). A path that names no number
            of the scenario, or a value outside its domain (a probability in
            [0, 1), a count ≥ 0, …), is a ValueError naming the path (and the
            draw). This is how designs of a sensitivity analysis and
            posterior draws of a calibration are run.
        keep_detail: number of leading draws whose outputs per segment and per
            component are kept for :meth:`Result.by_segment`,
            :meth:`Result.by_component` and those names of :meth:`Result.draws`;
            default all draws that fit in 128 MB (of a million Ballerup draws,
            the first 66,576; the run's peak memory stays below 1.9 GB).

    Ctrl-C stops the run within a fraction of a second (the engine looks at
    it every simulated month) and raises KeyboardInterrupt; the interpreter
    stays usable.
    """
    sc = as_scenario(scenario)
    supplied = None if parameters is None else as_supplied(parameters)
    if draws is None:
        draws = 10_000 if supplied is None else len(supplied[1])
    n_draws = check_int("draws", draws, 1, 2**53 - 1)
    n_seed = check_int("seed", seed, 0, 2**64 - 1)
    check_choice("mode", mode, MODES)
    n_threads = None if threads is None else check_int("threads", threads, 1, MAX_THREADS)
    n_chunk = check_int("chunk_size", chunk_size, 1, 2**32)
    n_keep = None if keep_paths is None else check_int("keep_paths", keep_paths, 0, 2**53 - 1)
    n_detail = None if keep_detail is None else check_int("keep_detail", keep_detail, 0, 2**53 - 1)
    callback, bar = _progress_callback(progress, n_draws, sc.name)
    started = time.perf_counter()
    try:
        raw = _core.simulate(
            sc.to_json(),
            n_draws,
            n_seed,
            mode,
            n_threads,
            n_chunk,
            n_keep,
            callback,
            supplied,
            n_detail,
        )
    finally:
        if bar is not None:
            bar.close()
    elapsed = time.perf_counter() - started
    return Result(sc, raw, seed=n_seed, mode=mode, elapsed=elapsed, supplied=supplied)
