"""Running scenarios: the bridge from Python options to the compiled engine."""

from __future__ import annotations

import operator
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, SupportsIndex

import pandas as pd

from . import _core
from ._supplied import as_supplied
from .result import Result
from .scenario import Scenario

MODES = ("stochastic", "mean_field")
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
    raise ValueError(
        f"expected a Scenario, a dict or a path to a scenario file; got {type(scenario).__name__}"
    )


def _check_int(name: str, value: object, minimum: int) -> int:
    """An integer option (NumPy integers too), at least ``minimum``."""
    if isinstance(value, bool):
        raise ValueError(f"{name} must be an integer; got {value!r}")
    try:
        value = operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise ValueError(f"{name} must be an integer; got {value!r}") from None
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}; got {value}")
    return value


def _progress_callback(progress: Progress, draws: int, desc: str) -> tuple[Any, Any]:
    """A callback for the engine and the tqdm bar to close afterwards (if any)."""
    if callable(progress):
        return progress, None
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

    Ctrl-C stops the run within a fraction of a second (the engine looks at
    it every simulated month) and raises KeyboardInterrupt; the interpreter
    stays usable.
    """
    sc = as_scenario(scenario)
    supplied = None if parameters is None else as_supplied(parameters)
    if draws is None:
        draws = 10_000 if supplied is None else len(supplied[1])
    n_draws = _check_int("draws", draws, 1)
    if n_draws >= 2**53:
        raise ValueError(f"draws must be below 2**53; got {n_draws}")
    n_seed = _check_int("seed", seed, 0)
    if n_seed >= 2**64:
        raise ValueError(f"seed must be below 2**64; got {n_seed}")
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}; got {mode!r}")
    n_threads = None if threads is None else _check_int("threads", threads, 1)
    n_chunk = _check_int("chunk_size", chunk_size, 1)
    n_keep = None if keep_paths is None else _check_int("keep_paths", keep_paths, 0)
    callback, bar = _progress_callback(progress, n_draws, sc.name)
    started = time.perf_counter()
    try:
        raw = _core.simulate(
            sc.to_json(), n_draws, n_seed, mode, n_threads, n_chunk, n_keep, callback, supplied
        )
    finally:
        if bar is not None:
            bar.close()
    raw["supplied"] = supplied
    return Result(sc, raw, seed=n_seed, mode=mode, elapsed=time.perf_counter() - started)
