"""Which assumption drives the result: tornado, threshold, Sobol indices and a
moment-independent measure from an ordinary run.

Every function runs the engine through ``simulate(parameters=)``: the values
under study are supplied, every other number is sampled as usual, and runs
that share a seed share their random numbers (common random numbers), so a
difference between two runs is the effect of the values changed, not noise.

>>> from indsats import sensitivity
>>> t = sensitivity.tornado(sc, draws=1000, seed=1)
>>> t.table                     # sorted by swing
>>> t.plot(lang="da")
>>> sensitivity.threshold(sc, "intervention.caseload.elasticity")   # break-even value
>>> sensitivity.sobol(sc, n=1024).table
>>> sensitivity.from_draws(indsats.simulate(sc, 10_000)).table
"""

from __future__ import annotations

import contextlib
import math
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _format
from ._decide import (
    Outcome,
    ShowsTable,
    bar_axes,
    check_outcome,
    draws_for,
    find_path,
    finish,
    is_money,
    number,
    outcome_label,
    outcome_values,
    param_label,
    quantiles,
    run_with,
    support,
    uncertain_paths,
    wrap,
)
from ._labels import label
from ._options import check_choice, check_int, check_lang, unit_scale
from ._simulate import MODES, ScenarioLike, as_scenario
from .result import Result
from .scenario import Scenario

if TYPE_CHECKING:
    from matplotlib.axes import Axes

MAX_COUNT = 2**53 - 1

__all__ = ["Sobol", "Threshold", "Tornado", "from_draws", "sobol", "threshold", "tornado"]


# --------------------------------------------------------------------- tornado
@dataclass
class Tornado(ShowsTable):
    """One-way sensitivity: each uncertain parameter from a low to a high
    percentile, the others at their medians (:func:`tornado`)."""

    scenario: Scenario
    outcome: Outcome
    base: float
    """Mean outcome with every uncertain parameter at its median."""
    table: pd.DataFrame
    """One row per parameter, largest swing first: path, label, low and high
    value, the mean outcome at each, and the swing between them."""
    percentiles: tuple[float, float]

    def plot(self, *, ax: Axes | None = None, lang: str = "da", unit: str = "mio") -> Axes:
        """Bars from the outcome at the low value to that at the high value,
        around the base (every parameter at its median), largest swing on top."""
        check_lang(lang)
        scale = unit_scale(unit) if is_money(self.outcome) else 1.0
        ax, rows, labels = _parameter_bars(self.scenario, self.table, ax, lang)
        y = np.arange(len(rows))
        base = self.base / scale
        lo = rows["outcome_low"].to_numpy() / scale
        hi = rows["outcome_high"].to_numpy() / scale
        p_lo, p_hi = (f"{p:g}" for p in self.percentiles)
        ax.barh(
            y,
            lo - base,
            left=base,
            color="#4c72b0",
            label=label("sensitivity.low", lang).format(p=p_lo),
        )
        ax.barh(
            y,
            hi - base,
            left=base,
            color="#dd8452",
            label=label("sensitivity.high", lang).format(p=p_hi),
        )
        ax.axvline(base, color="black", lw=1)
        ax.set_yticks(y, labels)
        name = outcome_label(self.outcome, lang)
        unit_text = label(unit, lang) if is_money(self.outcome) else ""
        ax.set_xlabel(f"{name} ({unit_text})" if unit_text else name)
        ax.set_title(label("sensitivity.tornado_title", lang).format(o=name.lower()))
        ax.legend(
            loc="lower right",
            title=label("sensitivity.base", lang).format(v=_format.number(base, 2, lang)),
        )
        return finish(ax)


def tornado(
    scenario: ScenarioLike,
    outcome: Outcome = "npv",
    *,
    draws: int = 1000,
    seed: int = 0,
    mode: str = "stochastic",
    params: Sequence[str] | None = None,
    percentiles: tuple[float, float] = (5, 95),
    lang: str = "en",
) -> Tornado:
    """One-way sensitivity of the mean ``outcome``.

    Each uncertain parameter (or those in ``params``) is set to its 5th and
    then its 95th percentile (``percentiles``) with every other uncertain
    parameter at its median, on common random numbers: every run uses the
    same ``seed``, so in stochastic mode the persons' random moves are the
    same in each and the difference is the parameter's alone. In mean-field
    mode a run needs a single draw (all draws would be equal).

    ``outcome``: ``"npv"`` (default), ``"break_even"`` (month; never is the
    horizon's length), a yearly metric summed over the years (levels such as
    ``extra_job_education`` at the horizon's end) or one year of it,
    ``"net[2019]"`` or ``("net", 2019)``. ``lang`` sets the table's labels.
    """
    sc = as_scenario(scenario)
    check_outcome(sc, outcome)
    check_lang(lang)
    check_choice("mode", mode, MODES)
    n = draws_for(mode, check_int("draws", draws, 1, MAX_COUNT))
    lo_p, hi_p = (float(p) for p in percentiles)
    if not 0 < lo_p < 50 < hi_p < 100:
        raise ValueError(
            f"percentiles must be (low, high) with 0 < low < 50 < high < 100; got {percentiles!r}"
        )
    paths = uncertain_paths(sc, params)
    all_uncertain = uncertain_paths(sc)
    probs = np.array(
        [
            [lo_p / 100] * len(all_uncertain),
            [0.5] * len(all_uncertain),
            [hi_p / 100] * len(all_uncertain),
        ]
    )
    q = quantiles(sc, all_uncertain, probs)
    median = dict(zip(all_uncertain, q[1], strict=True))

    def mean_outcome(changes: dict[str, float]) -> float:
        values = {**median, **changes}
        res = run_with(sc, values, n, seed=seed, mode=mode)
        return float(outcome_values(res, outcome).mean())

    base = mean_outcome({})
    rows = []
    for path in paths:
        j = all_uncertain.index(path)
        low, high = float(q[0, j]), float(q[2, j])
        y_low = mean_outcome({path: low})
        y_high = mean_outcome({path: high})
        rows.append(
            {
                "path": path,
                "label": param_label(sc, path, lang),
                "low": low,
                "high": high,
                "outcome_low": y_low,
                "outcome_high": y_high,
                "swing": abs(y_high - y_low),
            }
        )
    table = pd.DataFrame(rows).sort_values("swing", ascending=False, kind="stable")
    return Tornado(sc, outcome, base, table.reset_index(drop=True), (lo_p, hi_p))


# ------------------------------------------------------------------- threshold
@dataclass
class Threshold:
    """The value of one parameter at which the mean outcome reaches a target
    (:func:`threshold`); ``value`` is None when it never does in ``bounds``."""

    path: str
    label: str
    """What the parameter is, in the language asked for."""
    outcome: Outcome
    target: float
    value: float | None
    bounds: tuple[float, float]
    at_bounds: tuple[float, float]
    """The mean outcome at the two bounds."""
    evaluations: list[tuple[float, float]] = field(default_factory=list)
    """Every (value, mean outcome) evaluated, in order."""
    labels: dict[str, str] = field(default_factory=dict)
    """What the parameter is, by language ("en", "da")."""

    def statement(self, lang: str = "en") -> str:
        """One sentence: the threshold, or that there is none within the bounds."""
        check_lang(lang)
        name = outcome_label(self.outcome, lang)
        what = self.labels.get(lang, self.label)
        money = is_money(self.outcome)
        target = number(self.target, lang, money=money)
        lo, hi = (number(b, lang) for b in self.bounds)
        at_lo, at_hi = (number(v, lang, money=money) for v in self.at_bounds)
        if self.value is not None:
            value = number(self.value, lang)
            if lang == "da":
                return f"{name} (middel) når {target} ved {what} = {value}"
            return f"The mean {name} reaches {target} at {what} = {value}"
        above = self.at_bounds[0] > self.target
        if lang == "da":
            side = "over" if above else "under"
            return (
                f"{name} (middel) forbliver {side} {target} for alle værdier af {what} i "
                f"[{lo}; {hi}] (fra {at_lo} til {at_hi}): ingen tærskelværdi"
            )
        side = "above" if above else "below"
        return (
            f"The mean {name} stays {side} {target} for every value of {what} in "
            f"[{lo}, {hi}] (from {at_lo} to {at_hi}): no threshold"
        )

    def __str__(self) -> str:
        return self.statement()


def _search_bounds(sc: Scenario, path: str) -> tuple[float, float]:
    """Where to search: the support of a bounded distribution (uniform,
    triangular, PERT), an end at 1 taken just below it (a probability must be
    below 1); for a distribution with open ends (normal, lognormal, gamma,
    beta) its 0.01 % and 99.99 % quantiles."""
    info = next(p for p in sc.parameters() if p["path"] == path)
    if info["dist"] == "fixed":
        raise ValueError(f"{path}: a fixed number has no range to search; give bounds=(low, high)")
    if info["dist"] in ("uniform", "triangular", "pert"):
        lo, hi = support(sc, path)
    else:
        q = quantiles(sc, [path], np.array([[1e-4], [1 - 1e-4]]))
        lo, hi = float(q[0, 0]), float(q[1, 0])
    if hi == 1.0:
        hi = float(np.nextafter(1.0, 0.0))
    return lo, hi


def threshold(
    scenario: ScenarioLike,
    path: str,
    outcome: Outcome = "npv",
    target: float = 0.0,
    *,
    draws: int = 1000,
    seed: int = 0,
    mode: str = "stochastic",
    bounds: tuple[float, float] | None = None,
    xtol: float | None = None,
    lang: str = "en",
) -> Threshold:
    """The value of the parameter at ``path`` at which the mean ``outcome``
    reaches ``target`` (default: the NPV at 0, the break-even value).

    The parameter is set to one value in every draw while every other number
    is sampled as usual, on common random numbers (one seed), and
    :func:`scipy.optimize.brentq` finds where the mean over the draws crosses
    the target between ``bounds`` (default: the parameter's support, an
    unbounded end at its 0.01 % or 99.99 % quantile). When the mean does not
    cross the target there, the result says so (``value`` None) rather than
    guess. ``xtol`` defaults to a millionth of the width of the bounds.
    """
    from scipy.optimize import brentq

    sc = as_scenario(scenario)
    check_outcome(sc, outcome)
    check_lang(lang)
    check_choice("mode", mode, MODES)
    n = check_int("draws", draws, 1, MAX_COUNT)
    where = find_path(sc, path)
    if bounds is None:
        lo, hi = _search_bounds(sc, where)
    else:
        lo, hi = (float(b) for b in bounds)
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise ValueError(
                f"bounds must be two finite numbers (low, high), low < high; got {bounds!r}"
            )
    target = float(target)
    evaluations: list[tuple[float, float]] = []

    def gap(x: float) -> float:
        res = run_with(sc, {where: x}, n, seed=seed, mode=mode)
        y = float(outcome_values(res, outcome).mean())
        evaluations.append((x, y))
        return y - target

    g_lo, g_hi = gap(lo), gap(hi)
    at_bounds = (g_lo + target, g_hi + target)
    label = param_label(sc, where, lang)
    if g_lo == 0.0 or g_hi == 0.0:
        value: float | None = lo if g_lo == 0.0 else hi
    elif (g_lo > 0) == (g_hi > 0):
        value = None
    else:
        tol = xtol if xtol is not None else (hi - lo) * 1e-6
        value = float(brentq(gap, lo, hi, xtol=tol))
    labels = {lg: param_label(sc, where, lg) for lg in ("en", "da")}
    return Threshold(where, label, outcome, target, value, (lo, hi), at_bounds, evaluations, labels)


# ----------------------------------------------------------------------- Sobol
@dataclass
class Sobol(ShowsTable):
    """First-order and total Sobol indices with confidence intervals (:func:`sobol`)."""

    scenario: Scenario
    outcome: Outcome
    n: int
    table: pd.DataFrame
    """One row per parameter, largest total index first: path, label, S1,
    S1_conf, ST, ST_conf (half-widths of the confidence intervals)."""
    conf_level: float

    def plot(self, *, ax: Axes | None = None, lang: str = "da") -> Axes:
        """Bars of the first-order and total indices with their intervals."""
        check_lang(lang)
        ax, rows, labels = _parameter_bars(self.scenario, self.table, ax, lang)
        y = np.arange(len(rows))
        ax.barh(
            y + 0.2,
            rows["ST"],
            height=0.4,
            xerr=rows["ST_conf"],
            color="#dd8452",
            label=label("sensitivity.total", lang),
        )
        ax.barh(
            y - 0.2,
            rows["S1"],
            height=0.4,
            xerr=rows["S1_conf"],
            color="#4c72b0",
            label=label("sensitivity.first", lang),
        )
        ax.set_yticks(y, labels)
        ax.axvline(0, color="black", lw=0.8)
        ax.set_title(
            label("sensitivity.sobol_title", lang).format(
                o=outcome_label(self.outcome, lang).lower()
            )
        )
        ax.legend(loc="lower right")
        return finish(ax)


def sobol(
    scenario: ScenarioLike,
    n: int = 1024,
    outcome: Outcome = "npv",
    *,
    params: Sequence[str] | None = None,
    seed: int = 0,
    mode: str = "stochastic",
    conf_level: float = 0.95,
    num_resamples: int = 100,
    lang: str = "en",
) -> Sobol:
    """First and total Sobol indices of the ``outcome`` per draw, with
    bootstrap confidence intervals, through SALib: its Sobol' sequence
    (Saltelli's scheme, ``n`` base rows, ``n · (k + 2)`` runs for ``k``
    parameters) and its analysis (``SALib.analyze.sobol``), the engine in
    between through ``simulate(parameters=)``.

    The design is drawn on the unit cube and pushed through each parameter's
    own quantile function, so the indices are those of the scenario's
    distributions. The uncertain parameters not in ``params`` are sampled as
    usual. The blocks of the scheme (A, B and each A with one column of B) run
    as separate runs with one seed, so row ``j`` of each shares its draw's
    random numbers: in stochastic mode a parameter that does not change the
    outcome gets indices of exactly 0, not noise.
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    sc = as_scenario(scenario)
    check_outcome(sc, outcome)
    check_lang(lang)
    check_choice("mode", mode, MODES)
    n = check_int("n", n, 2, MAX_COUNT)
    if n & (n - 1):
        raise ValueError(f"n must be a power of 2 (Sobol' sequences are balanced there); got {n}")
    paths = uncertain_paths(sc, params)
    k = len(paths)
    problem: dict[str, Any] = {"num_vars": k, "names": paths, "bounds": [[0.0, 1.0]] * k}
    unit = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    # The scrambled sequence never reaches 0 or 1 in practice; quantiles need (0, 1).
    unit = np.clip(unit, 1e-12, 1 - 1e-12)
    values = quantiles(sc, paths, unit)
    step = k + 2
    y = np.empty(len(values))
    for block in range(step):
        rows = values[block::step]
        frame = pd.DataFrame(rows, columns=paths)
        res = run_with(sc, frame, len(rows), seed=seed, mode=mode)
        y[block::step] = outcome_values(res, outcome)
    if not np.all(np.isfinite(y)) or np.var(y) == 0.0:
        raise ValueError(
            f"the outcome {outcome!r} does not vary over the design: no variance to share out"
        )
    with _global_seed(seed):
        si = sobol_analyze.analyze(
            problem,
            y,
            calc_second_order=False,
            num_resamples=check_int("num_resamples", num_resamples, 1, MAX_COUNT),
            conf_level=conf_level,
            seed=seed,
        )
    table = pd.DataFrame(
        {
            "path": paths,
            "label": [param_label(sc, p, lang) for p in paths],
            "S1": si["S1"],
            "S1_conf": si["S1_conf"],
            "ST": si["ST"],
            "ST_conf": si["ST_conf"],
        }
    ).sort_values("ST", ascending=False, kind="stable")
    return Sobol(sc, outcome, n, table.reset_index(drop=True), conf_level)


@dataclass
class Delta(ShowsTable):
    """Borgonovo's moment-independent δ and first-order indices estimated from
    an ordinary run's draws (:func:`from_draws`)."""

    scenario: Scenario
    outcome: Outcome
    table: pd.DataFrame
    """One row per parameter, largest δ first: path, label, delta,
    delta_conf, S1, S1_conf."""
    notes: list[str]
    """What SALib noted on the estimation (merged bins, possible bias)."""

    def plot(self, *, ax: Axes | None = None, lang: str = "da") -> Axes:
        check_lang(lang)
        ax, rows, labels = _parameter_bars(self.scenario, self.table, ax, lang)
        y = np.arange(len(rows))
        ax.barh(y, rows["delta"], xerr=rows["delta_conf"], color="#4c72b0")
        ax.set_yticks(y, labels)
        ax.set_xlabel(label("sensitivity.delta", lang))
        ax.set_title(outcome_label(self.outcome, lang))
        return finish(ax)


def _parameter_bars(
    scenario: Scenario, table: pd.DataFrame, ax: Axes | None, lang: str
) -> tuple[Axes, pd.DataFrame, list[str]]:
    """The Axes for one horizontal bar per parameter of ``table``, its rows from
    the bottom bar up (the table's first row on top) and their wrapped labels."""
    rows = table.iloc[::-1]
    labels = wrap([param_label(scenario, p, lang) for p in rows["path"]])
    return bar_axes(ax, labels), rows, labels


@contextlib.contextmanager
def _global_seed(seed: int) -> Iterator[None]:
    """NumPy's global generator seeded with ``seed`` inside, the caller's state
    back after. SALib's bootstraps draw from it and seed it only for a truthy
    seed (``if seed:``), so seed 0 would give other intervals in every process."""
    state = np.random.get_state()
    np.random.seed(check_int("seed", seed, 0, 2**32 - 1))
    try:
        yield
    finally:
        np.random.set_state(state)


def from_draws(
    result: Result,
    outcome: Outcome = "npv",
    *,
    params: Sequence[str] | None = None,
    num_resamples: int = 10,
    conf_level: float = 0.95,
    seed: int = 0,
    lang: str = "en",
) -> Delta:
    """A moment-independent sensitivity measure (Borgonovo's δ, with
    first-order indices) from the draws of an ordinary run, through
    ``SALib.analyze.delta``: no extra model runs. δ is 0 for a parameter the
    outcome does not depend on and grows with how much knowing it would shift
    the outcome's whole distribution, not only its variance."""
    from SALib.analyze import delta

    if not isinstance(result, Result):
        raise TypeError(
            f"from_draws takes the Result of indsats.simulate; got {type(result).__name__}"
        )
    check_lang(lang)
    sc = result.scenario
    params_frame = result.parameters()
    paths = list(params_frame.columns) if params is None else uncertain_paths(sc, params)
    if not paths:
        raise ValueError("the run has no uncertain parameter")
    x = params_frame[paths].to_numpy()
    y = outcome_values(result, outcome)
    if np.var(y) == 0.0:
        raise ValueError(f"the outcome {outcome!r} does not vary over the draws")
    lo, hi = x.min(axis=0), x.max(axis=0)
    problem = {"num_vars": len(paths), "names": paths, "bounds": np.column_stack([lo, hi]).tolist()}
    # SALib's delta draws from NumPy's global generator, changes the warning
    # filters and their format, and reports notes as warnings: keep all that inside.
    formatwarning = warnings.formatwarning
    try:
        with _global_seed(seed), warnings.catch_warnings(record=True) as caught:
            si = delta.analyze(
                problem,
                x,
                y,
                num_resamples=check_int("num_resamples", num_resamples, 1, MAX_COUNT),
                conf_level=conf_level,
                seed=seed,
                method="all",
            )
    finally:
        warnings.formatwarning = formatwarning
    # SALib 1.6 gives the given-data estimator as delta_raw (beside its
    # binned variants); earlier versions as delta.
    key = "delta_raw" if "delta_raw" in si else "delta"
    table = pd.DataFrame(
        {
            "path": paths,
            "label": [param_label(sc, p, lang) for p in paths],
            "delta": si[key],
            "delta_conf": si[f"{key}_conf"],
            "S1": si["S1"],
            "S1_conf": si["S1_conf"],
        }
    ).sort_values("delta", ascending=False, kind="stable")
    notes = [str(w.message) for w in caught]
    notes += [f"{p}: {n}" for p, n in zip(paths, si.get("notes", []), strict=False) if n]
    return Delta(sc, outcome, table.reset_index(drop=True), notes)
