"""Comparing scenarios on common random numbers."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from itertools import combinations
from typing import Any, SupportsIndex, TypeVar

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from . import _format
from ._labels import label
from ._options import check_lang, check_percentiles, pname, unit_scale
from ._simulate import Progress, ScenarioLike, as_scenario, simulate
from .result import Result

T = TypeVar("T")


def _named(items: Mapping[Any, T], what: str) -> dict[str, T]:
    """The entries keyed by their names as text; an error when two names read the same."""
    out: dict[str, T] = {}
    for key, value in items.items():
        name = str(key)
        if name in out:
            raise ValueError(f"{what}: two scenarios are both named {name!r}; give unique names")
        out[name] = value
    return out


def _horizon(r: Result) -> str:
    sc = r.scenario
    return f"{sc.start} for {sc.months} months"


class Comparison:
    """Results of several scenarios run with the same seed and draws.

    A parameter with the same path has the same value in every scenario's
    draw ``i``, and transitions share their random numbers, so differences
    between scenarios carry far less noise than separate runs would.

    NPVs compare only between scenarios with the same horizon (start and
    months): over different horizons they add up different months. Yearly
    metrics compare on the calendar years the two scenarios share.
    """

    def __init__(self, results: Mapping[str, Result]) -> None:
        if not isinstance(results, Mapping):
            raise TypeError("Comparison takes a dict of named results")
        named = _named(results, "Comparison")
        if len(named) < 2:
            raise ValueError("compare needs at least two scenarios")
        for name, r in named.items():
            if not isinstance(r, Result):
                raise TypeError(f"{name!r}: expected a Result, got {type(r).__name__}")
        self.results: dict[str, Result] = named
        self.names = list(self.results)
        first = self.results[self.names[0]]
        for name, r in self.results.items():
            same = (r.n_draws, r.seed, r.mode) == (first.n_draws, first.seed, first.mode)
            if not same:
                raise ValueError(
                    f"{name!r} ran {r.n_draws} draws with seed {r.seed} ({r.mode}) and "
                    f"{self.names[0]!r} {first.n_draws} with seed {first.seed} ({first.mode}): "
                    "a comparison needs the same draws, seed and mode (common random numbers)"
                )

    def _get(self, name: str) -> Result:
        if name not in self.results:
            raise ValueError(f"no scenario named {name!r}; have {', '.join(self.names)}")
        return self.results[name]

    def common_years(self, a: str, b: str) -> list[int]:
        """The calendar years both ``a`` and ``b`` cover."""
        ra, rb = self._get(a), self._get(b)
        return [y for y in ra.years if y in rb.years]

    def _same_horizon(self, names: Sequence[str]) -> None:
        first = self._get(names[0])
        for name in names[1:]:
            other = self._get(name)
            if _horizon(other) != _horizon(first):
                raise ValueError(
                    f"{names[0]!r} runs from {_horizon(first)} and {name!r} from "
                    f"{_horizon(other)}: their NPVs cover different months and do not compare; "
                    "give both the same start and years, or compare a yearly metric "
                    "(difference(a, b, 'net')) on their common years"
                )

    def difference(self, a: str, b: str, metric: str = "npv") -> NDArray[np.float64]:
        """Per-draw ``metric`` of ``a`` minus that of ``b``: the NPV (same horizon
        needed), or a yearly metric on the years both cover (:meth:`common_years`)."""
        ra, rb = self._get(a), self._get(b)
        xa, xb = ra.draws(metric), rb.draws(metric)
        if xa.ndim == 1:
            self._same_horizon([a, b])
            return xa - xb
        years = self.common_years(a, b)
        if not years:
            raise ValueError(
                f"{a!r} covers {ra.years[0]}–{ra.years[-1]} and {b!r} "
                f"{rb.years[0]}–{rb.years[-1]}: no calendar year in common"
            )
        ia = [ra.years.index(y) for y in years]
        ib = [rb.years.index(y) for y in years]
        return xa[:, ia] - xb[:, ib]

    def probability_lower_npv(self, a: str, b: str) -> float:
        """Probability that ``a`` has the lower NPV (is the better investment)."""
        return float((self.difference(a, b) < 0).mean())

    def probability_best(self) -> pd.Series:
        """Probability that each scenario has the lowest NPV of all."""
        self._same_horizon(self.names)
        npv = np.column_stack([self.results[n].npv for n in self.names])
        best = np.argmin(npv, axis=1)
        return pd.Series(
            [float((best == i).mean()) for i in range(len(self.names))], index=self.names
        )

    def table(
        self, *, percentiles: Sequence[float] = (5, 50, 95), lang: str = "en", unit: str = "mio"
    ) -> _format.Table:
        """NPV of each scenario, and each pair's difference with P(first is lower)."""
        check_lang(lang)
        scale = unit_scale(unit)
        ps = check_percentiles(percentiles)
        self._same_horizon(self.names)
        rows: dict[str, list[float]] = {}
        for n in self.names:
            npv = self.results[n].npv / scale
            rows[n] = [float(npv.mean()), *np.percentile(npv, ps).tolist(), np.nan]
        for a, b in combinations(self.names, 2):
            d = self.difference(a, b) / scale
            rows[f"{a} − {b}"] = [
                float(d.mean()),
                *np.percentile(d, ps).tolist(),
                self.probability_lower_npv(a, b),
            ]
        p_lower = "P(lower NPV)" if lang == "en" else "P(lavere nutidsværdi)"
        columns = [label("mean", lang), *(pname(p) for p in ps), p_lower]
        frame = pd.DataFrame.from_dict(rows, orient="index", columns=columns)
        frame.index.name = f"{label('npv', lang)} ({label(unit, lang)})"
        spec = _format.format_spec(lang, "money", unit=unit, columns={p_lower: "share"})
        return _format.table(frame, spec)

    def __repr__(self) -> str:
        return f"<indsats.Comparison of {', '.join(self.names)}>"

    def _repr_html_(self) -> str:
        try:
            return self.table()._repr_html_()
        except ValueError as e:  # e.g. different horizons: say why there is no table
            return f"<p>{html.escape(repr(self))}: {html.escape(str(e))}</p>"


def compare(
    scenarios: Mapping[str, ScenarioLike],
    draws: SupportsIndex = 10_000,
    *,
    seed: SupportsIndex = 0,
    mode: str = "stochastic",
    threads: SupportsIndex | None = None,
    progress: Progress = True,
) -> Comparison:
    """Run every scenario on common random numbers and compare their NPVs.

    >>> cmp = compare({"A": sc_a, "B": sc_b}, draws=5000, seed=1)
    >>> cmp.table()          # NPV of A and B, and A − B with P(A has the lower NPV)

    Names are compared as text: ``{1: a, "1": b}`` is an error, not one scenario.
    """
    if not isinstance(scenarios, Mapping):
        raise TypeError("compare takes a dict of named scenarios, e.g. {'A': sc_a, 'B': sc_b}")
    named = _named(scenarios, "compare")
    if len(named) < 2:
        raise ValueError("compare needs at least two scenarios")
    results = {
        name: simulate(
            as_scenario(sc),
            draws,
            seed=seed,
            mode=mode,
            threads=threads,
            progress=progress,
        )
        for name, sc in named.items()
    }
    return Comparison(results)
