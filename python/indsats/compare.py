"""Comparing scenarios on common random numbers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations
from typing import SupportsIndex

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ._labels import check_lang, label
from ._simulate import Progress, ScenarioLike, as_scenario, simulate
from .result import Result, _check_percentiles, _pname, _unit


class Comparison:
    """Results of several scenarios run with the same seed and draws.

    A parameter with the same path has the same value in every scenario's
    draw ``i``, and transitions share their random numbers, so differences
    between scenarios carry far less noise than separate runs would.
    """

    def __init__(self, results: Mapping[str, Result]) -> None:
        if len(results) < 2:
            raise ValueError("compare needs at least two scenarios")
        self.results: dict[str, Result] = dict(results)
        self.names = list(results)

    def difference(self, a: str, b: str, metric: str = "npv") -> NDArray[np.float64]:
        """Per-draw ``metric`` of ``a`` minus that of ``b`` (npv, or a yearly metric)."""
        for n in (a, b):
            if n not in self.results:
                raise ValueError(f"no scenario named {n!r}; have {', '.join(self.names)}")
        return self.results[a].draws(metric) - self.results[b].draws(metric)

    def probability_lower_npv(self, a: str, b: str) -> float:
        """Probability that ``a`` has the lower NPV (is the better investment)."""
        return float((self.difference(a, b) < 0).mean())

    def probability_best(self) -> pd.Series:
        """Probability that each scenario has the lowest NPV of all."""
        npv = np.column_stack([self.results[n].npv for n in self.names])
        best = np.argmin(npv, axis=1)
        return pd.Series(
            [float((best == i).mean()) for i in range(len(self.names))], index=self.names
        )

    def table(
        self, *, percentiles: Sequence[float] = (5, 50, 95), lang: str = "en", unit: str = "mio"
    ) -> pd.DataFrame:
        """NPV of each scenario, and each pair's difference with P(first is lower)."""
        check_lang(lang)
        scale = _unit(unit)
        ps = _check_percentiles(percentiles)
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
        columns = [
            label("mean", lang),
            *(_pname(p) for p in ps),
            "P(lower NPV)" if lang == "en" else "P(lavere nutidsværdi)",
        ]
        frame = pd.DataFrame.from_dict(rows, orient="index", columns=columns)
        frame.index.name = f"{label('npv', lang)} ({label(unit, lang)})"
        return frame

    def __repr__(self) -> str:
        return f"<indsats.Comparison of {', '.join(self.names)}>"

    def _repr_html_(self) -> str:
        return str(self.table().round(3).to_html())


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
    """
    if not isinstance(scenarios, Mapping):
        raise ValueError("compare takes a dict of named scenarios, e.g. {'A': sc_a, 'B': sc_b}")
    results = {
        str(name): simulate(
            as_scenario(sc), draws, seed=seed, mode=mode, threads=threads, progress=progress
        )
        for name, sc in scenarios.items()
    }
    return Comparison(results)
