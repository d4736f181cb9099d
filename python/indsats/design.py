"""Which design: every combination on common random numbers, the marginal
caseworker, and the best design within a budget.

Every design is a scenario changed by :meth:`Scenario.replace` and run with
the same seed, so the designs share their draws of every parameter they have
in common and their persons' random moves: differences between designs are
the designs', not noise. NPV is net cost (negative pays back, as in the
business case); the best design has the lowest mean NPV.

>>> from indsats import design
>>> g = design.grid(sc, {"intervention.caseload.target": [25, 30, 40],
...                      "intervention.components[mentor].participants": [0, 20, 40]})
>>> g.table; g.plot_heatmap(); g.plot_frontier()
>>> design.staffing(sc, fte=range(0, 21)).table
>>> design.optimize(sc, space, budget_per_year=6e6).best
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ._decide import ShowsTable, axes, finish, param_label
from ._labels import label
from ._options import check_choice, check_int, check_lang, unit_scale
from ._simulate import MODES, ScenarioLike, as_scenario, simulate
from .scenario import Scenario

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["Grid", "Optimum", "Staffing", "grid", "optimize", "staffing"]


@dataclass
class _Run:
    """What a design's run gives the tools: per-draw NPV and investment."""

    npv: NDArray[np.float64]
    investment: NDArray[np.float64]  # draws × years
    p_payback: float


def _run(sc: Scenario, draws: int, seed: int, mode: str, threads: int | None) -> _Run:
    res = simulate(sc, draws, seed=seed, mode=mode, threads=threads, progress=False, keep_paths=0)
    return _Run(
        np.asarray(res.draws("npv"), dtype=np.float64),
        np.asarray(res.draws("investment"), dtype=np.float64),
        float(res.probability_of_payback()),
    )


def _shown(value: Any) -> Any:
    """A design's value as a table cell: numbers as they are, else text."""
    return value if isinstance(value, numbers.Number) else str(value)


def _stats(run: _Run, years: Sequence[int]) -> dict[str, float]:
    inv = run.investment.mean(axis=0)
    out = {
        "npv_mean": float(run.npv.mean()),
        "npv_p5": float(np.percentile(run.npv, 5)),
        "npv_p95": float(np.percentile(run.npv, 95)),
        "p_payback": run.p_payback,
        "investment_total": float(inv.sum()),
        "investment_max_year": float(inv.max()),
    }
    out.update({f"investment[{y}]": float(v) for y, v in zip(years, inv, strict=True)})
    return out


def _designs(
    sc: Scenario, axes: Mapping[str, Sequence[Any]] | Sequence[Mapping[str, Any]]
) -> tuple[list[str], list[dict[str, Any]]]:
    """The axes' paths and one dict of changes per design."""
    if isinstance(axes, Mapping):
        if not axes:
            raise ValueError("give at least one path with its values, e.g. {path: [1, 2, 3]}")
        paths = list(axes)
        values = []
        for p in paths:
            v = axes[p]
            if isinstance(v, str | bytes | Mapping) or not isinstance(v, Sequence | range):
                raise TypeError(f"{p}: give a list of values to try; got {v!r}")
            if len(v) == 0:
                raise ValueError(f"{p}: no values to try")
            values.append(list(v))
        changes = [dict(zip(paths, combo, strict=True)) for combo in itertools.product(*values)]
    else:
        changes = [dict(c) for c in axes]
        if not changes or not all(isinstance(c, Mapping) for c in axes):
            raise TypeError(
                "give a dict {path: values} or a list of dicts of changes, one per design"
            )
        paths = list(dict.fromkeys(p for c in changes for p in c))
    for c in changes:
        sc.replace(c)  # a bad path or value fails here, before any run
    return paths, changes


@dataclass
class Grid(ShowsTable):
    """Every design of :func:`grid` with its NPV, payback and investment."""

    scenario: Scenario
    paths: list[str]
    table: pd.DataFrame
    """One row per design: the values of the paths, npv_mean, npv_p5, npv_p95,
    p_payback, p_best, investment_total, investment_max_year and the mean
    investment of each year (``investment[2017]``, …); kroner."""
    npv: pd.DataFrame
    """NPV per draw (rows) and design (columns, in the table's order)."""
    years: list[int]
    cartesian: bool
    """Whether the designs are every combination of the paths' values."""

    @property
    def best(self) -> pd.Series:
        """The row of the design with the lowest mean NPV."""
        return self.table.loc[self.table["npv_mean"].idxmin()]

    def plot_heatmap(
        self,
        value: str = "npv_mean",
        *,
        ax: Axes | None = None,
        lang: str = "da",
        unit: str = "mio",
    ) -> Axes:
        """A heatmap of ``value`` over two axes of the grid."""
        check_lang(lang)
        if len(self.paths) != 2 or not self.cartesian:
            raise ValueError(
                "a heatmap needs a grid of two paths, every combination of their values; "
                f"this one has {len(self.paths)} path(s)"
                + ("" if self.cartesian else " given as a list of designs")
            )

        scale = unit_scale(unit) if value.startswith(("npv", "investment")) else 1.0
        pivot = self.table.pivot_table(
            index=self.paths[0], columns=self.paths[1], values=value, sort=False
        )
        ax = axes(ax)
        im = ax.imshow(
            pivot.to_numpy() / scale,
            cmap="RdYlGn_r" if value.startswith("npv") else "viridis",
            aspect="auto",
        )
        ax.set_xticks(range(pivot.shape[1]), [str(c) for c in pivot.columns])
        ax.set_yticks(range(pivot.shape[0]), [str(i) for i in pivot.index])
        ax.set_xlabel(param_label(self.scenario, self.paths[1], lang))
        ax.set_ylabel(param_label(self.scenario, self.paths[0], lang))
        for (i, j), v in np.ndenumerate(pivot.to_numpy() / scale):
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=8)
        name = label("npv", lang) if value == "npv_mean" else value
        unit_text = label(unit, lang) if scale != 1.0 else ""
        ax.figure.colorbar(im, ax=ax, label=f"{name} ({unit_text})" if unit_text else name)
        return finish(ax)

    def plot_frontier(self, *, ax: Axes | None = None, lang: str = "da", unit: str = "mio") -> Axes:
        """Each design's investment over the horizon against its mean NPV, the
        designs on the frontier (no other invests less and pays back more)
        joined."""
        return _plot_frontier(self.table, ax=ax, lang=lang, unit=unit)


def _frontier(table: pd.DataFrame) -> pd.DataFrame:
    """Designs that no other beats on both investment (lower) and mean NPV (lower)."""
    ordered = table.sort_values(["investment_total", "npv_mean"])
    keep, best = [], math.inf
    for idx, row in ordered.iterrows():
        if row["npv_mean"] < best:
            keep.append(idx)
            best = row["npv_mean"]
    return table.loc[keep]


def _plot_frontier(table: pd.DataFrame, *, ax: Axes | None, lang: str, unit: str) -> Axes:
    check_lang(lang)
    scale = unit_scale(unit)
    ax = axes(ax)
    ax.scatter(
        table["investment_total"] / scale,
        table["npv_mean"] / scale,
        color="#999999",
        label=label("design.designs", lang),
    )
    front = _frontier(table)
    ax.plot(
        front["investment_total"] / scale,
        front["npv_mean"] / scale,
        "o-",
        color="#4c72b0",
        label=label("design.pareto", lang),
    )
    best = table.loc[table["npv_mean"].idxmin()]
    ax.scatter(
        [best["investment_total"] / scale],
        [best["npv_mean"] / scale],
        s=120,
        facecolors="none",
        edgecolors="#c44e52",
        label=label("design.best", lang),
    )
    ax.axhline(0, color="black", lw=0.8)
    unit_text = label(unit, lang)
    ax.set_xlabel(f"{label('design.investment_total', lang)} ({unit_text})")
    ax.set_ylabel(f"{label('npv', lang)} ({unit_text})")
    ax.set_title(label("design.frontier", lang))
    ax.legend()
    return finish(ax)


def _check_common(draws: int, seed: int, mode: str) -> None:
    check_int("draws", draws, 1, 2**53 - 1)
    check_int("seed", seed, 0, 2**64 - 1)
    check_choice("mode", mode, MODES)


def grid(
    scenario: ScenarioLike,
    axes: Mapping[str, Sequence[Any]] | Sequence[Mapping[str, Any]],
    *,
    draws: int = 10_000,
    seed: int = 0,
    mode: str = "stochastic",
    threads: int | None = None,
) -> Grid:
    """Run every design on common random numbers.

    ``axes`` is ``{path: values}`` (every combination of the values) or a list
    of dicts of changes, one per design (for designs that change different
    keys, e.g. a caseload target or mentors). Every design is checked before
    the first run. P(best) is the share of draws in which a design has the
    lowest NPV of the grid.
    """
    sc = as_scenario(scenario)
    _check_common(draws, seed, mode)
    paths, changes = _designs(sc, axes)
    rows, npv = [], {}
    for i, c in enumerate(changes):
        run = _run(sc.replace(c), draws, seed, mode, threads)
        rows.append({**{p: _shown(c.get(p)) for p in paths}, **_stats(run, sc.calendar_years)})
        npv[i] = run.npv
    npv_frame = pd.DataFrame(npv)
    best = npv_frame.to_numpy().argmin(axis=1)
    table = pd.DataFrame(rows)
    table.insert(len(paths) + 4, "p_best", [float((best == i).mean()) for i in range(len(changes))])
    return Grid(sc, paths, table, npv_frame, sc.calendar_years, isinstance(axes, Mapping))


# -------------------------------------------------------------------- staffing
@dataclass
class Staffing(ShowsTable):
    """NPV by number of extra caseworkers, and the marginal caseworker's (:func:`staffing`)."""

    table: pd.DataFrame
    """One row per staffing level: fte, npv_mean, npv_p5, npv_p95, p_payback,
    investment_total, and for each level after the first the marginal NPV
    (this level's minus the previous one's, per draw): marginal_mean,
    marginal_p5, marginal_p95 and p_marginal_pays (share of draws in which
    the extra caseworkers lower the NPV)."""
    best: float
    """The staffing level with the lowest mean NPV."""
    stops_paying: float | None
    """The first level whose marginal mean NPV is not negative: from there an
    extra caseworker no longer pays for itself (None: every step pays)."""

    def plot(self, *, ax: Axes | None = None, lang: str = "da", unit: str = "mio") -> Axes:
        """Mean NPV by staffing level with its 5–95 % band, and the marginal NPV as bars."""
        check_lang(lang)
        scale = unit_scale(unit)
        ax = axes(ax, (8, 5))
        t = self.table
        ax.fill_between(
            t["fte"], t["npv_p5"] / scale, t["npv_p95"] / scale, alpha=0.2, color="#4c72b0"
        )
        ax.plot(
            t["fte"],
            t["npv_mean"] / scale,
            "o-",
            color="#4c72b0",
            label=label("design.npv_mean", lang),
        )
        ax.bar(
            t["fte"],
            t["marginal_mean"].fillna(0) / scale,
            width=0.6,
            color="#dd8452",
            alpha=0.7,
            label=label("design.marginal", lang),
        )
        ax.axhline(0, color="black", lw=0.8)
        ax.axvline(
            self.best,
            color="#c44e52",
            ls="--",
            label=f"{label('design.best', lang)}: {self.best:g}",
        )
        unit_text = label(unit, lang)
        ax.set_xlabel(label("design.fte", lang))
        ax.set_ylabel(f"{label('npv', lang)} ({unit_text})")
        ax.legend()
        return finish(ax)


def _with_extra_fte(sc: Scenario, fte: float) -> Scenario:
    """The scenario with ``fte`` extra caseworkers in place of its caseload target."""
    data = sc.raw_dict()
    caseload = (data.get("intervention") or {}).get("caseload")
    if not isinstance(caseload, dict):
        raise ValueError(
            "intervention.caseload: staffing needs a caseload investment (base, fte_cost_year, "
            "elasticity) to add caseworkers to"
        )
    caseload.pop("target", None)
    caseload["extra_fte"] = fte
    return Scenario(data, source=sc.source)


def staffing(
    scenario: ScenarioLike,
    fte: Sequence[float] = range(0, 21),
    *,
    draws: int = 10_000,
    seed: int = 0,
    mode: str = "stochastic",
    threads: int | None = None,
) -> Staffing:
    """The NPV of each staffing level (``intervention.caseload.extra_fte``
    set to each value of ``fte``, in place of a caseload target) and the
    marginal NPV of each step up, per draw on common random numbers.

    The NPV is net cost, so a step pays for itself when its marginal NPV is
    negative; :attr:`Staffing.stops_paying` is the first level where it no
    longer does on average, :attr:`Staffing.best` the level with the lowest
    mean NPV.
    """
    sc = as_scenario(scenario)
    _check_common(draws, seed, mode)
    levels = [float(f) for f in fte]
    if len(levels) < 2 or any(b <= a for a, b in itertools.pairwise(levels)):
        raise ValueError(f"fte must be at least two increasing staffing levels; got {list(fte)!r}")
    if levels[0] < 0:
        raise ValueError(f"fte must not be negative; got {levels[0]}")
    scenarios = [_with_extra_fte(sc, f) for f in levels]
    rows, previous = [], None
    for f, s in zip(levels, scenarios, strict=True):
        run = _run(s, draws, seed, mode, threads)
        stats = _stats(run, sc.calendar_years)
        row: dict[str, float] = {
            "fte": f,
            **{
                k: stats[k]
                for k in ("npv_mean", "npv_p5", "npv_p95", "p_payback", "investment_total")
            },
            "marginal_mean": math.nan,
            "marginal_p5": math.nan,
            "marginal_p95": math.nan,
            "p_marginal_pays": math.nan,
        }
        if previous is not None:
            step = run.npv - previous
            row.update(
                marginal_mean=float(step.mean()),
                marginal_p5=float(np.percentile(step, 5)),
                marginal_p95=float(np.percentile(step, 95)),
                p_marginal_pays=float((step < 0).mean()),
            )
        rows.append(row)
        previous = run.npv
    table = pd.DataFrame(rows)
    best = float(table.loc[table["npv_mean"].idxmin(), "fte"])
    stops = table[table["marginal_mean"] >= 0]
    return Staffing(table, best, float(stops["fte"].iloc[0]) if len(stops) else None)


# -------------------------------------------------------------------- optimize
@dataclass
class Optimum(ShowsTable):
    """The best design within the budget, and every design evaluated (:func:`optimize`)."""

    best: dict[str, Any] | None
    """The best feasible design's values by path (None: no design evaluated fits the budget)."""
    objective: str
    method: str
    table: pd.DataFrame
    """Every design evaluated, in order: its values, the stats of :func:`grid`,
    feasible, and p_within_budget (share of draws in which every year's
    investment is within the budget)."""
    evaluations: int

    @property
    def frontier(self) -> pd.DataFrame:
        """The explored designs on the investment–NPV frontier."""
        return _frontier(self.table)

    def plot(self, *, ax: Axes | None = None, lang: str = "da", unit: str = "mio") -> Axes:
        """The explored designs: investment over the horizon against mean NPV."""
        return _plot_frontier(self.table, ax=ax, lang=lang, unit=unit)


@dataclass
class _Space:
    """A search space: per path, a list of choices or a (low, high) range."""

    paths: list[str]
    choices: list[list[Any] | None]
    ranges: list[tuple[float, float, bool] | None]  # low, high, integer
    cache: dict[tuple[Any, ...], dict[str, Any]] = field(default_factory=dict)

    def size(self) -> float:
        n = 1.0
        for c, r in zip(self.choices, self.ranges, strict=True):
            if c is not None:
                n *= len(c)
            elif r is not None and r[2]:
                n *= r[1] - r[0] + 1
            else:
                return math.inf
        return n

    def decode(self, x: NDArray[np.float64]) -> dict[str, Any]:
        out = {}
        for p, c, r, v in zip(self.paths, self.choices, self.ranges, x, strict=True):
            if c is not None:
                out[p] = c[round(v)]
            else:
                assert r is not None
                out[p] = round(v) if r[2] else float(v)
        return out


def _space(space: Mapping[str, Any]) -> _Space:
    if not isinstance(space, Mapping) or not space:
        raise TypeError("space must be a dict {path: list of values, or (low, high)}")
    paths: list[str] = []
    choices: list[list[Any] | None] = []
    ranges: list[tuple[float, float, bool] | None] = []
    for p, v in space.items():
        paths.append(p)
        if (
            isinstance(v, tuple)
            and len(v) == 2
            and all(isinstance(b, numbers.Real) and not isinstance(b, bool) for b in v)
        ):
            lo, hi = v
            if not lo < hi:
                raise ValueError(f"{p}: a range needs low < high; got {v!r}")
            integer = all(isinstance(b, numbers.Integral) for b in v)
            choices.append(None)
            ranges.append((float(lo), float(hi), integer))
        elif isinstance(v, Sequence | range) and not isinstance(v, str | bytes) and len(v) > 0:
            choices.append(list(v))
            ranges.append(None)
        else:
            raise TypeError(f"{p}: give a list of values or a (low, high) range; got {v!r}")
    return _Space(paths, choices, ranges)


def optimize(
    scenario: ScenarioLike,
    space: Mapping[str, Any],
    *,
    budget_per_year: float | Sequence[float],
    objective: str = "npv",
    budget_probability: float | None = None,
    method: str = "auto",
    max_evaluations: int = 200,
    draws: int = 2000,
    seed: int = 0,
    mode: str = "stochastic",
    threads: int | None = None,
) -> Optimum:
    """The best design whose investment stays within ``budget_per_year``
    (kroner; one number for every calendar year, or a list per year).

    ``space`` maps paths to a list of values to choose from or a ``(low,
    high)`` range (integers if both bounds are). ``objective`` "npv" minimises
    the mean NPV; "p_payback" maximises the probability of payback. Within
    budget means every year's mean investment is at most that year's budget,
    or, with ``budget_probability`` p, that in at least a share p of the draws
    every year's investment is.

    ``method``: "grid" evaluates every design (a finite space); "evolution"
    searches with :func:`scipy.optimize.differential_evolution` (integer and
    choice variables by its ``integrality``, the budget as a constraint,
    evaluations cached, at most about ``max_evaluations`` runs); "auto" takes
    the grid when the space has at most ``max_evaluations`` designs. All
    designs run on common random numbers (one seed).
    """
    from scipy.optimize import NonlinearConstraint, differential_evolution

    sc = as_scenario(scenario)
    _check_common(draws, seed, mode)
    if objective not in ("npv", "p_payback"):
        raise ValueError(f"objective must be 'npv' or 'p_payback'; got {objective!r}")
    if method not in ("auto", "grid", "evolution"):
        raise ValueError(f"method must be 'auto', 'grid' or 'evolution'; got {method!r}")
    if budget_probability is not None and not 0 < budget_probability <= 1:
        raise ValueError(f"budget_probability must lie in (0, 1]; got {budget_probability!r}")
    years = sc.calendar_years
    budget = (
        np.broadcast_to(np.asarray(budget_per_year, dtype=np.float64), (len(years),)).copy()
        if np.ndim(budget_per_year) == 0
        else np.asarray(budget_per_year, dtype=np.float64)
    )
    if budget.shape != (len(years),) or not np.all(np.isfinite(budget)):
        raise ValueError(
            "budget_per_year must be a number or one number per calendar year "
            f"({len(years)}); got {budget_per_year!r}"
        )
    sp = _space(space)
    size = sp.size()
    if method == "auto":
        method = "grid" if size <= max_evaluations else "evolution"
    if method == "grid" and not math.isfinite(size):
        raise ValueError(
            "a grid needs a finite space: give lists or integer ranges, or method='evolution'"
        )

    order: list[dict[str, Any]] = []

    def evaluate(design: dict[str, Any]) -> dict[str, Any]:
        key = tuple(design[p] for p in sp.paths)
        if key not in sp.cache:
            run = _run(sc.replace(design), draws, seed, mode, threads)
            within = (run.investment <= budget).all(axis=1).mean()
            mean_ok = bool(np.all(run.investment.mean(axis=0) <= budget))
            feasible = mean_ok if budget_probability is None else bool(within >= budget_probability)
            row = {**{p: _shown(design[p]) for p in sp.paths}, **_stats(run, years)}
            row.update(feasible=feasible, p_within_budget=float(within))
            # How far from the budget: ≤ 0 within it.
            if budget_probability is None:
                row["_violation"] = float(
                    np.max((run.investment.mean(axis=0) - budget) / np.maximum(budget, 1.0))
                )
            else:
                row["_violation"] = float(budget_probability - within)
            sp.cache[key] = row
            order.append(row)
        return sp.cache[key]

    def score(row: dict[str, Any]) -> float:
        return float(row["npv_mean"]) if objective == "npv" else -float(row["p_payback"])

    if method == "grid":
        levels = []
        for c, r in zip(sp.choices, sp.ranges, strict=True):
            if c is not None:
                levels.append(c)
            else:
                assert r is not None
                levels.append(list(range(int(r[0]), int(r[1]) + 1)))
        for combo in itertools.product(*levels):
            design = dict(zip(sp.paths, combo, strict=True))
            sc.replace(design)
        for combo in itertools.product(*levels):
            evaluate(dict(zip(sp.paths, combo, strict=True)))
    else:
        bounds: list[tuple[float, float]] = []
        integrality: list[bool] = []
        for c, r in zip(sp.choices, sp.ranges, strict=True):
            if c is not None:
                bounds.append((0, len(c) - 1))
                integrality.append(True)
            else:
                assert r is not None
                bounds.append((r[0], r[1]))
                integrality.append(r[2])
        popsize = max(5, min(15, max_evaluations // (10 * len(bounds)) or 1))
        maxiter = max(1, max_evaluations // (popsize * len(bounds)) - 1)
        differential_evolution(
            lambda x: score(evaluate(sp.decode(x))),
            bounds,
            integrality=integrality,
            constraints=NonlinearConstraint(
                lambda x: evaluate(sp.decode(x))["_violation"], -np.inf, 0.0
            ),
            popsize=popsize,
            maxiter=maxiter,
            seed=seed,
            polish=False,
            tol=0.0,
            init="sobol" if popsize * len(bounds) >= 4 else "latinhypercube",
        )
    table = pd.DataFrame(order).drop(columns="_violation")
    feasible = table[table["feasible"]]
    best = None
    if len(feasible):
        keys = feasible.apply(lambda r: score(r.to_dict()), axis=1)
        row = feasible.loc[keys.idxmin()]
        best = {p: row[p].item() if isinstance(row[p], np.generic) else row[p] for p in sp.paths}
    return Optimum(best, objective, method, table, len(order))
