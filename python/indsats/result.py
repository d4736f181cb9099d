"""The result of a run: per-draw arrays and the tables and plots built on them."""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from . import _core
from ._labels import check_lang, label
from ._supplied import Supplied
from .scenario import Scenario

if TYPE_CHECKING:
    from matplotlib.axes import Axes

ARMS = ("baseline", "intervention")
UNITS = {"mio": 1e6, "tkr": 1e3, "kr": 1.0}
MONEY = ("investment", "savings", "net", "cumulative_net")
_SHARED = ("investment", "savings", "net", "cumulative_net", "extra_job_education", "inflow")


def _unit(unit: str) -> float:
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}; got {unit!r}")
    return UNITS[unit]


def _check_percentiles(percentiles: Sequence[float]) -> list[float]:
    ps = [float(p) for p in percentiles]
    if any(not 0 <= p <= 100 for p in ps):
        raise ValueError(f"percentiles must lie in [0, 100]; got {list(percentiles)}")
    return ps


def _pname(p: float) -> str:
    return f"p{p:g}"


class Result:
    """Outputs of :func:`indsats.simulate`, one row per draw.

    Money is in kroner in the arrays and in the unit asked for in tables
    (default mio. kr.). Sign convention as in Ballerup's business case:
    savings are negative, ``net = investment + savings``.
    """

    def __init__(
        self,
        scenario: Scenario,
        raw: dict[str, Any],
        *,
        seed: int,
        mode: str,
        elapsed: float,
    ) -> None:
        self.scenario = scenario
        self.seed = seed
        self.mode = mode
        self.elapsed = elapsed
        self._rows: NDArray[np.float64] = raw["rows"]
        self._rows.setflags(write=False)
        self.stock_paths: NDArray[np.float64] = raw["paths"]
        """Measured monthly stocks ``(kept draws, arm, month, state)``; arm 0 is the baseline."""
        self.stock_paths.setflags(write=False)
        self._parameters: pd.DataFrame | None = None
        # The values supplied in place of sampling, if any (simulate(parameters=)).
        self._supplied: Supplied | None = raw.get("supplied")
        self._npv_col = int(raw["npv_column"])
        self._be_col = int(raw["break_even_column"])
        self.years: list[int] = scenario.calendar_years
        self.destinations: list[str] = scenario.destinations
        self.states: list[str] = ["benefit", *self.destinations]
        n = len(self.years)
        self._blocks = {
            (name, arm): col for name, arm, col in _core.row_blocks(n, self.destinations)
        }
        self._months_in_year = np.zeros(n)
        start_month = int(scenario.start[5:7])
        for t in range(scenario.months):
            self._months_in_year[(start_month - 1 + t) // 12] += 1

    # ----------------------------------------------------------------- arrays
    @property
    def n_draws(self) -> int:
        return int(self._rows.shape[0])

    @property
    def npv(self) -> NDArray[np.float64]:
        """Net present value per draw, kroner (negative pays back)."""
        return np.array(self._rows[:, self._npv_col])

    @property
    def break_even(self) -> NDArray[np.int64]:
        """Break-even month per draw (0 = first month), −1 when none in the horizon."""
        return self._rows[:, self._be_col].astype(np.int64)

    def break_even_months(self) -> list[int | None]:
        """Break-even month per draw as Python values: None when the cumulative
        net never stays at or below zero within the horizon (MODEL.md 11.11)."""
        return [None if m < 0 else int(m) for m in self.break_even]

    def parameters(self) -> pd.DataFrame:
        """The value of every uncertain parameter in each draw (draws × parameters).

        Columns are field paths (e.g. ``intervention.caseload.elasticity``):
        exactly the values the engine used, for sensitivity analysis; with
        ``simulate(parameters=)`` the supplied columns too.
        """
        if self._parameters is None:
            paths, values = _core.parameter_draws(
                self.scenario.to_json(), self.n_draws, self.seed, self._supplied
            )
            self._parameters = pd.DataFrame(values, columns=paths)
            self._parameters.index.name = "draw"
        return self._parameters.copy()

    def drivers(self, metric: str = "npv", arm: str | None = None) -> pd.DataFrame:
        """What drives the result: rank correlation of each uncertain parameter
        with ``metric`` across draws, strongest first (Spearman's rho; near 0 for
        a parameter that does not matter). ``metric`` is npv, or a yearly metric:
        summed over the years, or its last year for the cumulative ones
        (cumulative_net, extra_job_education).
        """
        params = self.parameters()
        if params.empty:
            return pd.DataFrame(columns=["parameter", "spearman"])
        y = self.draws(metric, arm)
        if y.ndim == 2:
            y = y[:, -1] if metric in ("cumulative_net", "extra_job_education") else y.sum(axis=1)
        target = pd.Series(y).rank()
        rho = params.rank().corrwith(target)
        out = pd.DataFrame({"parameter": rho.index, "spearman": rho.to_numpy()})
        order = out["spearman"].abs().sort_values(ascending=False).index
        return out.loc[order].reset_index(drop=True)

    def metrics(self) -> list[str]:
        """Names accepted by :meth:`draws`."""
        arm_metrics = sorted({name for name, arm in self._blocks if arm is not None})
        return [*_SHARED, *arm_metrics, "benefit_person_years", "npv", "break_even"]

    def draws(self, metric: str, arm: str | None = None) -> NDArray[np.float64]:
        """Per-draw values of ``metric``: shape ``(draws, years)``.

        Shared metrics: investment, savings, net, cumulative_net,
        extra_job_education (cumulative at each year end), inflow; ``npv`` and
        ``break_even`` give shape ``(draws,)``. Per-arm metrics need
        ``arm="baseline"`` or ``"intervention"``: cost and its parts
        ``cost.benefit`` (benefit payments after refusion), ``cost.effort``
        (the jobcenter's effort, ``indsats_month``) and ``cost.destinations``, relapse,
        benefit_person_years, ``flow.<destination>`` (gross flows in the year),
        ``stock.<state>`` (average stock in the year).
        """
        if metric == "npv":
            return self.npv
        if metric == "break_even":
            return self.break_even.astype(np.float64)
        n = len(self.years)
        if metric == "cumulative_net":
            return np.cumsum(self.draws("net"), axis=1)
        if metric == "benefit_person_years":
            if arm is None:
                raise ValueError(f"metric {metric!r} needs arm='baseline' or arm='intervention'")
            return self.draws("stock.benefit", arm) * self._months_in_year / 12.0
        if metric in _SHARED:
            if arm is not None:
                raise ValueError(f"metric {metric!r} is the same for both arms; drop arm=")
            col = self._blocks[(metric, None)]
            return np.array(self._rows[:, col : col + n])
        if arm is None:
            if (metric, "intervention") in self._blocks:
                raise ValueError(f"metric {metric!r} needs arm='baseline' or arm='intervention'")
        elif arm not in ARMS:
            raise ValueError(f"arm must be 'baseline' or 'intervention'; got {arm!r}")
        key = (metric, arm)
        if key not in self._blocks:
            raise ValueError(f"unknown metric {metric!r}; known: {', '.join(self.metrics())}")
        col = self._blocks[key]
        return np.array(self._rows[:, col : col + n])

    # ----------------------------------------------------------------- tables
    def savings_by_part(self, part: str) -> NDArray[np.float64]:
        """Savings on one part of the cost, (draws, years): ``benefit``
        (forsørgelse), ``effort`` (the jobcenter's indsats) or ``destinations``."""
        metric = f"cost.{part}"
        return self.draws(metric, "intervention") - self.draws(metric, "baseline")

    def table(
        self,
        *,
        percentiles: Sequence[float] = (5, 50, 95),
        lang: str = "en",
        unit: str = "mio",
        detail: bool = False,
    ) -> pd.DataFrame:
        """The business-case table in Ballerup's layout.

        Rows Investment / Savings / Net (Danish: Investering / Besparelse /
        I alt); columns the calendar years, each with the mean and the given
        percentiles over draws, in ``unit`` ("mio", "tkr" or "kr"). With
        ``detail=True`` the savings are also shown by part: benefit payments,
        the jobcenter's effort and the costs of the destinations.
        """
        check_lang(lang)
        scale = _unit(unit)
        ps = _check_percentiles(percentiles)
        stats = [label("mean", lang), *(_pname(p) for p in ps)]
        metrics = ["investment", "savings", "net"]
        if detail:
            metrics[2:2] = ["savings.benefit", "savings.effort", "savings.destinations"]
        rows = []
        for metric in metrics:
            values = (
                self.savings_by_part(metric.split(".")[1]) if "." in metric else self.draws(metric)
            ) / scale
            cells: list[float] = []
            for y in range(len(self.years)):
                col = values[:, y]
                cells.append(float(col.mean()))
                cells.extend(float(v) for v in np.percentile(col, ps))
            rows.append(cells)
        columns = pd.MultiIndex.from_tuples(
            [(year, s) for year in self.years for s in stats], names=[label("year", lang), ""]
        )
        index = pd.Index([label(m, lang) for m in metrics])
        index.name = label(unit, lang)
        return pd.DataFrame(rows, index=index, columns=columns)

    def summary(
        self,
        *,
        percentiles: Sequence[float] = (5, 50, 95),
        lang: str = "en",
        unit: str = "mio",
    ) -> pd.DataFrame:
        """Headline numbers with intervals.

        NPV (in ``unit``), break-even month (percentiles count draws that never
        break even as later than any month, shown as NaN; the mean is over the
        draws that do), the probability of payback (NPV < 0) and the extra
        persons into job or education over the horizon.
        """
        check_lang(lang)
        scale = _unit(unit)
        ps = _check_percentiles(percentiles)
        npv = self.npv / scale
        be = self.break_even.astype(float)
        extra = self.draws("extra_job_education")[:, -1]

        def stats(x: NDArray[np.float64]) -> list[float]:
            q = np.percentile(x, ps)
            return [float(x.mean()), *(float(v) for v in q)]

        # A draw that never breaks even counts as later than the horizon; a
        # percentile that lands there has no month and is shown as NaN.
        horizon = float(self.scenario.months)
        late = np.where(be < 0, horizon, be)
        be_q = np.percentile(late, ps, method="inverted_cdf")
        finite = be[be >= 0]
        rows = {
            f"{label('npv', lang)} ({label(unit, lang)})": stats(npv),
            label("break_even", lang): [
                float(finite.mean()) if finite.size else np.nan,
                *(float(v) if v < horizon else np.nan for v in be_q),
            ],
            label("payback", lang): [float((npv < 0).mean())] + [np.nan] * len(ps),
            label("extra_job_education", lang): stats(extra),
        }
        columns = [label("mean", lang), *(_pname(p) for p in ps)]
        return pd.DataFrame.from_dict(rows, orient="index", columns=columns)

    def probability_of_payback(self) -> float:
        """Share of draws whose NPV is negative (the investment pays back)."""
        return float((self.npv < 0).mean())

    def stocks(self, *, percentiles: Sequence[float] = (5, 95), lang: str = "en") -> pd.DataFrame:
        """Monthly stock per state and arm: mean and percentile bands (tidy).

        Computed from the kept stock paths (``stock_paths``; all draws unless
        the run was too large to keep them, see ``simulate(keep_paths=)``).
        """
        check_lang(lang)
        ps = _check_percentiles(percentiles)
        paths = self.stock_paths
        if paths.shape[0] == 0:
            raise ValueError(
                "this run kept no monthly stock paths; simulate again with keep_paths=None "
                "(the default) or keep_paths=N"
            )
        mean = paths.mean(axis=0)
        bands = np.percentile(paths, ps, axis=0) if ps else np.empty((0, *mean.shape))
        months = self.scenario.months
        dates = _month_labels(self.scenario.start, months)
        frames = []
        for a, arm in enumerate(ARMS):
            for s, state in enumerate(self.states):
                data: dict[str, Any] = {
                    "month": np.arange(months),
                    "date": dates,
                    "arm": label(arm, lang) if lang == "da" else arm,
                    "state": label(state, lang) if lang == "da" else state,
                    "mean": mean[a, :, s],
                }
                for i, p in enumerate(ps):
                    data[_pname(p)] = bands[i, a, :, s]
                frames.append(pd.DataFrame(data))
        return pd.concat(frames, ignore_index=True)

    def to_frame(self, *, unit: str = "kr") -> pd.DataFrame:
        """Per-draw money results in long form: draw, year, investment, savings, net."""
        scale = _unit(unit)
        n, years = self.n_draws, self.years
        data = {
            "draw": np.repeat(np.arange(n), len(years)),
            "year": np.tile(years, n),
        }
        for m in ("investment", "savings", "net", "cumulative_net"):
            data[m] = (self.draws(m) / scale).ravel()
        data["extra_job_education"] = self.draws("extra_job_education").ravel()
        return pd.DataFrame(data)

    def to_excel(
        self,
        path: str | os.PathLike[str],
        *,
        lang: str = "da",
        unit: str = "mio",
        percentiles: tuple[float, float] = (5, 95),
    ) -> Path:
        """Write the business case to an Excel workbook, atomically.

        Sheets: the table in the municipal layout (``unit``, Danish labels by
        default, mean and interval), a summary, every assumption (value or
        distribution, and its source: the official figure it refers to or the
        comment beside it in the scenario file), the per-draw results with the
        sampled parameters, and a sheet about the run. A failed write leaves
        no file behind. Needs openpyxl.
        """
        check_lang(lang)
        from ._excel import write_excel

        return write_excel(self, path, lang=lang, unit=unit, percentiles=percentiles)

    # ------------------------------------------------------------------ plots
    def plot(
        self,
        kind: str = "net",
        *,
        ax: Axes | None = None,
        lang: str = "en",
        unit: str = "mio",
        percentiles: Sequence[float] = (5, 25, 75, 95),
    ) -> Axes:
        """Plot and return the matplotlib Axes.

        ``kind``: "net" (fan chart of net per year), "cumulative" (fan chart of
        cumulative net), "stocks" (monthly stock per state, both arms),
        "npv" (histogram with the probability of payback) or "break_even"
        (CDF of the break-even month).
        """
        from . import _plots

        return _plots.plot(self, kind, ax=ax, lang=lang, unit=unit, percentiles=percentiles)

    # ---------------------------------------------------------------- display
    def __repr__(self) -> str:
        return (
            f"<indsats.Result {self.scenario.name!r}: {self.n_draws} draws, mode={self.mode}, "
            f"seed={self.seed}, {self.elapsed:.2f} s>"
        )

    def _repr_html_(self) -> str:
        title = html.escape(f"{self.scenario.name} — {self.n_draws:,} draws ({self.mode})")
        table = self.table(percentiles=(5, 95)).round(2).to_html()
        summary = self.summary(percentiles=(5, 95)).round(3).to_html()
        return f"<h4>{title}</h4>{table}<p></p>{summary}"


def _month_labels(start: str, months: int) -> list[str]:
    year, month = int(start[:4]), int(start[5:7])
    out = []
    for t in range(months):
        m0 = month - 1 + t
        out.append(f"{year + m0 // 12:04d}-{m0 % 12 + 1:02d}")
    return out
