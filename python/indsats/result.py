"""The result of a run: per-draw arrays and the tables and plots built on them."""

from __future__ import annotations

import html
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from . import _core, _format
from ._labels import DETAIL_COLUMNS, detail_in_language, label
from ._options import (
    ARMS,
    check_arm,
    check_bool,
    check_choice,
    check_interval,
    check_lang,
    check_percentiles,
    pname,
    unit_scale,
)
from ._supplied import Supplied
from ._warn import warn
from .scenario import Scenario

if TYPE_CHECKING:
    from matplotlib.axes import Axes

# Yearly metrics whose last year is the state at the end of the horizon.
_CUMULATIVE = ("cumulative_net", "extra_job_education", "extra_entries_job_education")
# Outputs that may be NaN in a valid run: the deadweight when nothing is claimed.
_MAY_BE_NAN = ("deadweight",)
# The baseline's benefit stock may drift this much from the first calendar
# year to the last before 12.4's warning suggests burn_in_years.
DRIFT = 0.15


class _Block(NamedTuple):
    """Where an output is: ``rows`` (every draw) or ``detail`` (the leading
    draws kept), its first column and its width (1 for a scalar)."""

    source: str
    first: int
    width: int


class Result:
    """Outputs of :func:`indsats.simulate`, one row per draw.

    Money is in kroner in the arrays and in the unit asked for in tables
    (default mio. kr.). Sign convention as in Ballerup's business case:
    savings are negative, ``net = investment + savings``; a negative net is a
    gain. The arrays are read-only.
    """

    def __init__(
        self,
        scenario: Scenario,
        raw: Mapping[str, Any],
        *,
        seed: int,
        mode: str,
        elapsed: float,
        supplied: Supplied | None = None,
    ) -> None:
        self.scenario = scenario
        self.seed = seed
        self.mode = mode
        self.elapsed = elapsed
        self._rows: NDArray[np.float64] = raw["rows"]
        self._detail: NDArray[np.float64] = raw["detail"]
        self.stock_paths: NDArray[np.float64] = raw["paths"]
        """Measured monthly stocks ``(kept draws, arm, month, state)``; arm 0 is the baseline."""
        self._freeze()
        self._parameters: pd.DataFrame | None = None
        # The values supplied in place of sampling, if any (simulate(parameters=)).
        self._supplied = supplied
        self._npv_col = int(raw["npv_column"])
        self._be_col = int(raw["break_even_column"])
        self.years: list[int] = scenario.calendar_years
        self.destinations: list[str] = scenario.destinations
        self.states: list[str] = ["benefit", *self.destinations]
        self.segments: list[str] = scenario.segments
        self.components: list[str] = scenario.components
        self._blocks: dict[tuple[str, str | None], _Block] = {}
        for source in ("rows", "detail"):
            key = "blocks" if source == "rows" else "detail_blocks"
            for name, arm, first, width in raw[key]:
                self._blocks[(name, arm)] = _Block(source, first, width)
        self._months_in_year = np.array(scenario.months_in_year, dtype=np.float64)
        _warn_about_run(self)

    def _freeze(self) -> None:
        self._rows.setflags(write=False)
        self._detail.setflags(write=False)
        self.stock_paths.setflags(write=False)

    def __getstate__(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._freeze()  # unpickled arrays are writeable; a Result is not

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
            frame = pd.DataFrame(values, columns=paths)
            frame.index.name = "draw"
            self._parameters = frame
        return self._parameters.copy()

    def drivers(self, metric: str = "npv", arm: str | None = None) -> pd.DataFrame:
        """What drives the result: rank correlation of each uncertain parameter
        with ``metric`` across draws, strongest first (Spearman's rho; near 0 for
        a parameter that does not matter). ``metric`` is npv, break_even (a
        draw that never breaks even counts as the latest), or a yearly metric:
        summed over the years, or its last year for the cumulative ones
        (cumulative_net, extra_job_education).
        """
        y = self.draws(metric, arm)
        if metric == "break_even":
            y = np.where(y < 0, np.inf, y)  # never breaking even is later than any month
        params = self.parameters()
        if params.empty:
            return pd.DataFrame(columns=["parameter", "spearman"])
        if y.ndim == 2:
            y = y[:, -1] if metric in _CUMULATIVE else y.sum(axis=1)
        target = pd.Series(y).rank()
        # One parameter at a time, so Ctrl-C lands between them on a long run.
        rho = [target.corr(params[c].rank()) for c in params.columns]
        out = pd.DataFrame({"parameter": list(params.columns), "spearman": rho})
        order = out["spearman"].abs().sort_values(ascending=False).index
        return out.loc[order].reset_index(drop=True)

    def _shared(self) -> list[str]:
        blocks = [name for name, arm in self._blocks if arm is None]
        return [*blocks, "cumulative_net"]

    def _per_arm(self) -> list[str]:
        blocks = list(dict.fromkeys(name for name, arm in self._blocks if arm is not None))
        return [*blocks, "benefit_person_years"]

    def metrics(self) -> list[str]:
        """Names accepted by :meth:`draws`."""
        return [*self._shared(), *self._per_arm()]

    @property
    def n_detail(self) -> int:
        """Number of leading draws whose outputs per segment and per component
        were kept (see ``simulate(keep_detail=)``)."""
        return int(self._detail.shape[0])

    def draws(self, metric: str, arm: str | None = None) -> NDArray[np.float64]:
        """Per-draw values of ``metric``: shape ``(draws, years)``, a copy.

        Metrics shared by both arms take no ``arm`` (passing one is an error):
        investment, savings, net, cumulative_net, inflow;
        ``extra_job_education`` (persons in job or education at the end of
        each year, intervention minus baseline), ``extra_job_education_years``
        (person-years in job or education in the year, the difference),
        ``extra_entries_job_education`` (gross entries into job or education
        since the start, the difference), ``gross_savings`` (what a
        before-and-after count would claim, MODEL.md 12.9),
        ``municipal_benefit_savings`` and ``paid_back`` (1.0 when the draw has
        broken even by the end of the year); and the scalars ``npv``,
        ``break_even`` and ``deadweight`` with shape ``(draws,)`` (deadweight
        is NaN when nothing is claimed). Per-arm metrics need
        ``arm="baseline"`` or ``"intervention"``: cost and its parts
        ``cost.benefit`` (benefit payments after refusion), ``cost.effort``
        (the jobcenter's effort, ``indsats_month``) and ``cost.destinations``,
        relapse, benefit_person_years, ``flow.<destination>`` (gross flows in
        the year), ``stock.<state>`` (average stock in the year).

        Per segment and per component (``segment[<name>].stock.<state>``,
        ``segment[<name>].flow.<destination>`` per arm,
        ``segment[<name>].savings``, ``component[<name>].investment``,
        ``.enrolment`` and ``.capped_months``) the values are those of the
        leading :attr:`n_detail` draws.
        """
        if not isinstance(metric, str):
            raise TypeError(f"metric must be a name such as 'net'; got {metric!r}")
        arm = check_arm(arm)
        if metric in self._shared():
            if arm is not None:
                raise ValueError(
                    f"metric {metric!r} is the same for both arms; leave out arm= (got {arm!r})"
                )
            if metric == "cumulative_net":
                return np.cumsum(self._block("net", None), axis=1)
            return self._block(metric, None)
        if metric not in self._per_arm():
            raise ValueError(f"unknown metric {metric!r}; known: {', '.join(self.metrics())}")
        if arm is None:
            raise ValueError(f"metric {metric!r} needs arm='baseline' or arm='intervention'")
        if metric == "benefit_person_years":
            return self.draws("stock.benefit", arm) * self._months_in_year / 12.0
        return self._block(metric, arm)

    def _block(self, metric: str, arm: str | None) -> NDArray[np.float64]:
        source, first, width = self._blocks[(metric, arm)]
        values = self._rows if source == "rows" else self._detail
        if width == 1 and metric in ("npv", "break_even", "deadweight"):
            return np.array(values[:, first])
        return np.array(values[:, first : first + width])

    def by_segment(
        self, *, percentiles: Sequence[float] = (5, 50, 95), lang: str = "en"
    ) -> pd.DataFrame:
        """Outputs per segment (MODEL.md 12.9), tidy: per segment, output, arm
        and calendar year, the mean and percentiles over the kept draws
        (:attr:`n_detail`). Outputs: ``stock.<state>`` (average stock in the
        year) and ``flow.<destination>`` per arm, ``savings`` (the
        perspective's cost difference of the segment; arm empty)."""
        check_lang(lang)
        frame = self._detail_frame("segment", self.segments, percentiles)
        return detail_in_language(frame, lang)

    def by_component(
        self, *, percentiles: Sequence[float] = (5, 50, 95), lang: str = "en"
    ) -> pd.DataFrame:
        """Outputs per component (MODEL.md 12.9), tidy: per component, output
        and calendar year, the mean and percentiles over the kept draws:
        ``investment`` (borne by the run's perspective), ``enrolment``
        (average enrolled in the year's months) and ``capped_months``."""
        check_lang(lang)
        frame = self._detail_frame("component", self.components, percentiles)
        return detail_in_language(frame, lang)

    def _detail_frame(
        self, kind: str, names: list[str], percentiles: Sequence[float]
    ) -> pd.DataFrame:
        """The outputs per ``kind`` in English (:func:`detail_in_language` shows them)."""
        ps = check_percentiles(percentiles)
        if self.n_detail == 0:
            raise ValueError(
                "this run kept no outputs per segment and component; simulate again with "
                "keep_detail=None (the default) or keep_detail=N"
            )
        columns = DETAIL_COLUMNS["en"]
        header = [columns[kind], columns["output"], columns["arm"], columns["year"]]
        rows: list[dict[str, Any]] = []
        for (name, arm), block in self._blocks.items():
            split = _split_detail(name, kind, names) if block.source == "detail" else None
            if split is None:
                continue
            entry, output = split
            values = self._block(name, arm)
            mean = values.mean(axis=0)
            bands = np.percentile(values, ps, axis=0) if ps else np.empty((0, values.shape[1]))
            for y, year in enumerate(self.years):
                row: dict[str, Any] = dict(
                    zip(header, (entry, output, arm or "", year), strict=True)
                )
                row[columns["mean"]] = float(mean[y])
                for i, p in enumerate(ps):
                    row[pname(p)] = float(bands[i, y])
                rows.append(row)
        frame = pd.DataFrame(rows, columns=[*header, columns["mean"], *(pname(p) for p in ps)])
        # Entries in the scenario's order, then their outputs as the engine lays them out.
        order = frame[columns[kind]].map({n: i for i, n in enumerate(names)})
        return frame.iloc[np.argsort(order.to_numpy(), kind="stable")].reset_index(drop=True)

    def check_finite(self, consequence: str = "") -> None:
        """ValueError naming the first output that is not a finite number in some
        draw (the engine should never give one; a file must never show one).
        The deadweight is NaN when nothing is claimed, which is its meaning."""
        for (name, arm), (source, first, width) in self._blocks.items():
            if name in _MAY_BE_NAN:
                continue
            values = self._rows if source == "rows" else self._detail
            bad = ~np.isfinite(values[:, first : first + width]).all(axis=1)
            if bad.any():
                shown = name + (f" ({arm})" if arm else "")
                raise ValueError(
                    f"output {shown} is not a finite number in {int(bad.sum()):,} of "
                    f"{len(values):,} draws (first in draw {int(np.argmax(bad))})"
                    + (f"; {consequence}" if consequence else "")
                )

    # ----------------------------------------------------------------- tables
    def savings_by_part(self, part: str) -> NDArray[np.float64]:
        """Savings on one part of the cost, (draws, years): ``benefit``
        (forsørgelse), ``effort`` (the jobcenter's indsats) or ``destinations``."""
        part = check_choice("part", part, ("benefit", "effort", "destinations"))
        metric = f"cost.{part}"
        return self.draws(metric, "intervention") - self.draws(metric, "baseline")

    def table(
        self,
        *,
        percentiles: Sequence[float] = (5, 50, 95),
        lang: str = "en",
        unit: str = "mio",
        detail: bool = False,
        total: bool = False,
    ) -> _format.Table:
        """The business-case table in Ballerup's layout.

        Rows Investment / Savings / Net (Danish: Investering / Besparelse /
        I alt); columns the calendar years, each with the mean and the given
        percentiles over draws, in ``unit`` ("mio", "tkr" or "kr"). With
        ``total=True`` a last column sums the years (mean and percentiles of
        each draw's sum).

        With ``detail=True`` the savings are also shown by part (benefit
        payments, the jobcenter's effort and the costs of the destinations),
        and below Net, as memo rows that are not part of its sum (MODEL.md
        12.9):

        * gross savings (*Bruttobesparelse*): what a before-and-after count
          claims, the benefit saved on everyone who left benefit since the
          investment began (money, summed in the total);
        * deadweight (*Dødvægt*), a share: per year ``1 − S_b / gross`` with
          ``S_b`` the model's municipal benefit savings of that year, and in
          the total column the deadweight of the horizon (``1 − ΣS_b /
          Σgross``, the ``deadweight`` output). Its mean and percentiles are
          over the draws where it is defined (some gross savings); "–" when
          none is;
        * persons in job or education (*Personer i job eller uddannelse*): the
          extra persons at the end of each year; the total column shows the
          end of the horizon (a number of persons is not summed over years).

        The values are numbers; the table shows itself in ``lang`` (Danish:
        decimal comma, thousands point). ``.formatted()`` gives the text.
        """
        check_lang(lang)
        scale = unit_scale(unit)
        ps = check_percentiles(percentiles)
        check_bool("detail", detail)
        check_bool("total", total)
        stats = [label("mean", lang), *(pname(p) for p in ps)]
        metrics = ["investment", "savings", "net"]
        if detail:
            metrics[2:2] = ["savings.benefit", "savings.effort", "savings.destinations"]
            metrics += ["gross_savings", "deadweight", "persons_job_education"]
        years: list[Any] = list(self.years)
        if total:
            years.append(f"{label('total', lang)} {self.years[0]}–{self.years[-1]}")
        rows = [_stats_by_column(self._table_values(m, scale, total), ps) for m in metrics]
        columns = pd.MultiIndex.from_tuples(
            [(year, s) for year in years for s in stats], names=[label("year", lang), ""]
        )
        index = pd.Index([label(m, lang) for m in metrics])
        index.name = label(unit, lang)
        frame = pd.DataFrame(rows, index=index, columns=columns)
        kinds = {
            label("deadweight", lang): "share",
            label("persons_job_education", lang): "persons",
        }
        return _format.table(frame, _format.format_spec(lang, "money", unit=unit, rows=kinds))

    def _table_values(self, metric: str, scale: float, total: bool) -> NDArray[np.float64]:
        """A row of :meth:`table` per draw: (draws, years), with the total column last."""
        if metric == "deadweight":
            s_b = self.draws("municipal_benefit_savings")
            gross = self.draws("gross_savings")
            yearly = 1.0 - np.divide(s_b, gross, out=np.full_like(gross, np.nan), where=gross != 0)
            return np.column_stack([yearly, self.draws("deadweight")]) if total else yearly
        if metric == "persons_job_education":
            persons = self.draws("extra_job_education")
            return np.column_stack([persons, persons[:, -1]]) if total else persons
        if "." in metric:
            values = self.savings_by_part(metric.split(".")[1]) / scale
        else:
            values = self.draws(metric) / scale
        return np.column_stack([values, values.sum(axis=1)]) if total else values

    def summary(
        self,
        *,
        percentiles: Sequence[float] = (5, 50, 95),
        lang: str = "en",
        unit: str = "mio",
    ) -> _format.Table:
        """Headline numbers with intervals (MODEL.md 12.9).

        * NPV (in ``unit``): mean and percentiles;
        * P(NPV < 0): the share of draws with a negative NPV;
        * the probability of payback: the share of draws with a break-even
          month (the undiscounted cumulative net reaches zero and stays there
          within the horizon), the same rule as the ``paid_back`` output's
          last year;
        * the break-even month: median and percentiles over the draws that break
          even (shown as dates, "never" when no draw does), and the share that
          never does;
        * the extra persons in job or education at the end of the horizon;
        * over the horizon, in ``unit``: the savings as the model counts them
          (intervention minus baseline), the municipal benefit savings among
          them, and the gross savings a before-and-after count would claim
          (benefit saved on everyone who left benefit since the investment
          began);
        * the deadweight ``1 − benefit savings / gross savings``: mean and
          percentiles over the draws where it is defined, and, when some draw
          claims no gross savings, the number of draws where it is not.

        The values are numbers (break-even months as indexes from the start of
        the horizon, shares as fractions); the table shows them in ``lang``.
        """
        check_lang(lang)
        scale = unit_scale(unit)
        ps = check_percentiles(percentiles)
        be = self.break_even
        broke_even = be[be >= 0].astype(np.float64)
        none = [np.nan] * len(ps)

        def stats(x: NDArray[np.float64]) -> list[float]:
            return _stats_by_column(x[:, None], ps)

        if broke_even.size:
            months = np.percentile(broke_even, [50, *ps], method="inverted_cdf")
            be_row = [float(v) for v in months]
        else:
            be_row = [np.nan, *none]
        deadweight = self.draws("deadweight")
        undefined = int(np.isnan(deadweight).sum())
        rows: dict[str, tuple[list[float], str]] = {
            "npv": (stats(self.npv / scale), "money"),
            "p_npv_negative": ([self.probability_npv_negative(), *none], "share"),
            "payback": ([self.probability_of_payback(), *none], "share"),
            "break_even": (be_row, "month"),
            "never_share": ([1.0 - self.probability_of_payback(), *none], "share"),
            "extra_job_education": (stats(self.draws("extra_job_education")[:, -1]), "persons"),
            "savings_total": (stats(self.draws("savings").sum(axis=1) / scale), "money"),
            "benefit_savings_total": (
                stats(self.draws("municipal_benefit_savings").sum(axis=1) / scale),
                "money",
            ),
            "gross_savings_total": (
                stats(self.draws("gross_savings").sum(axis=1) / scale),
                "money",
            ),
            "deadweight_horizon": (stats(deadweight), "share"),
        }
        if undefined:
            rows["deadweight_undefined"] = ([float(undefined), *none], "count")
        names = {key: label(key, lang) for key in rows}
        names["npv"] = f"{label('npv', lang)} ({label(unit, lang)})"
        for key in ("savings_total", "benefit_savings_total", "gross_savings_total"):
            names[key] = label(key, lang).format(unit=label(unit, lang))
        columns = [label("mean", lang), *(pname(p) for p in ps)]
        frame = pd.DataFrame.from_dict(
            {names[k]: values for k, (values, _) in rows.items()}, orient="index", columns=columns
        )
        kinds = {names[k]: kind for k, (_, kind) in rows.items() if kind != "money"}
        spec = _format.format_spec(
            lang, "money", unit=unit, rows=kinds, months=self.scenario.month_labels
        )
        return _format.table(frame, spec)

    def probability_of_payback(self) -> float:
        """Share of draws that break even within the horizon (MODEL.md 12.9)."""
        return float((self.break_even >= 0).mean())

    def probability_npv_negative(self) -> float:
        """Share of draws whose NPV is negative (discounted gain)."""
        return float((self.npv < 0).mean())

    def stocks(self, *, percentiles: Sequence[float] = (5, 95), lang: str = "en") -> pd.DataFrame:
        """Monthly stock per state and arm: mean and percentile bands (tidy).

        Computed from the kept stock paths (``stock_paths``; all draws unless
        the run was too large to keep them, see ``simulate(keep_paths=)``).
        Columns month, date, arm, state, mean and the percentiles; in Danish
        with ``lang="da"`` (måned, dato, gren, tilstand, middel).
        """
        check_lang(lang)
        ps = check_percentiles(percentiles)
        paths = self._kept_paths()
        mean = paths.mean(axis=0)
        bands = np.percentile(paths, ps, axis=0) if ps else np.empty((0, *mean.shape))
        months = self.scenario.months
        dates = self.scenario.month_labels
        names = _STOCK_COLUMNS[lang]
        frames = []
        for a, arm in enumerate(ARMS):
            for s, state in enumerate(self.states):
                data: dict[str, Any] = {
                    names["month"]: np.arange(months),
                    names["date"]: dates,
                    names["arm"]: label(arm, lang) if lang == "da" else arm,
                    names["state"]: label(state, lang) if lang == "da" else state,
                    names["mean"]: mean[a, :, s],
                }
                for i, p in enumerate(ps):
                    data[pname(p)] = bands[i, a, :, s]
                frames.append(pd.DataFrame(data))
        return pd.concat(frames, ignore_index=True)

    def _kept_paths(self) -> NDArray[np.float64]:
        """:attr:`stock_paths`, or a ValueError saying how to keep them when the
        run kept none."""
        if self.stock_paths.shape[0] == 0:
            raise ValueError(
                "this run kept no monthly stock paths; simulate again with keep_paths=None "
                "(the default) or keep_paths=N"
            )
        return self.stock_paths

    # ------------------------------------------------------------------ files
    def to_excel(
        self,
        path: str | os.PathLike[str],
        *,
        lang: str = "da",
        unit: str = "mio",
        percentiles: tuple[float, float] = (5, 95),
    ) -> Path:
        """Write the business case to an Excel workbook (``.xlsx``), atomically.

        Sheets: the table in the municipal layout (``unit``, Danish labels by
        default, mean and the interval ``percentiles = (low, high)``, a total
        over the years, the fan chart), a summary, every assumption (value or
        distribution, and its source: the official figure it refers to or the
        comment beside it in the scenario file), the per-draw results with the
        sampled parameters, and a sheet about the run. A failed or interrupted
        write leaves no file behind; outputs that are not finite are refused
        (ValueError naming the output). Needs openpyxl.
        """
        check_lang(lang)
        unit_scale(unit)
        interval = check_interval(percentiles)
        try:
            from ._excel import write_excel
        except ModuleNotFoundError as e:
            if e.name != "openpyxl":
                raise
            raise ImportError(
                "to_excel needs openpyxl: pip install 'indsats[excel]' (or openpyxl)"
            ) from None

        return write_excel(self, path, lang=lang, unit=unit, percentiles=interval)

    def to_csv(
        self,
        path: str | os.PathLike[str],
        *,
        lang: str = "en",
        unit: str = "mio",
        percentiles: Sequence[float] = (5, 50, 95),
        detail: bool = False,
    ) -> Path:
        """Write the business-case table (:meth:`table`) to a ``.csv`` file, atomically.

        English: comma-separated, full precision. Danish (``lang="da"``): the
        Danish spreadsheet convention, semicolon-separated with a decimal comma,
        values rounded as the table shows them.
        """
        from ._files import check_suffix, write_csv

        check_suffix(path, ("csv",), "to_csv")
        self.check_finite("the table is not written")
        t = self.table(percentiles=percentiles, lang=lang, unit=unit, detail=detail)
        return write_csv(t, path)

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
        "stock_difference" (intervention minus baseline stock per state and
        month: the mean over the kept stock paths and a band between the
        outer ``percentiles``), "npv" (histogram with P(NPV < 0)),
        "break_even" (share of draws that have broken even, by month) or
        "paid_back" (bars: the share of draws that have broken even by the
        end of each year, the ``paid_back`` output). Numbers on the axes
        follow ``lang`` (Danish decimal comma).
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
        table = self.table(percentiles=(5, 95))._repr_html_()
        summary = self.summary(percentiles=(5, 95))._repr_html_()
        return f"<h4>{title}</h4>{table}<p></p>{summary}"


_STOCK_COLUMNS = {
    "en": {"month": "month", "date": "date", "arm": "arm", "state": "state", "mean": "mean"},
    "da": {"month": "måned", "date": "dato", "arm": "gren", "state": "tilstand", "mean": "middel"},
}


def _stats_by_column(values: NDArray[np.float64], ps: Sequence[float]) -> list[float]:
    """Mean and percentiles of each column over its defined (finite) values, one
    column after the other; NaN for a column without any."""
    cells: list[float] = []
    for col in values.T:
        defined = col[np.isfinite(col)]
        if defined.size:
            cells.append(float(defined.mean()))
            cells.extend(float(v) for v in np.percentile(defined, ps))
        else:
            cells.extend([np.nan] * (1 + len(ps)))
    return cells


def _split_detail(name: str, kind: str, entries: Sequence[str]) -> tuple[str, str] | None:
    """``("mentor", "enrolment")`` from ``component[mentor].enrolment``, by the
    entries' known names: a name may hold any character, brackets included, so
    the output's name is not parsed as a field path."""
    matches = [e for e in entries if name.startswith(f"{kind}[{e}].")]
    if not matches:
        return None
    entry = max(matches, key=len)
    return entry, name[len(kind) + len(entry) + 3 :]


def _warn_about_run(result: Result) -> None:
    """Warnings that need the run's outputs.

    * Participants above the target stock: the engine caps a component's
      enrolment at its benefit stock and reports the months in
      ``component[<name>].capped_months`` (per year, kept draws).
    * A drifting baseline (MODEL.md 12.4): when the mean baseline benefit
      stock of the last calendar year differs from the first year's by more
      than 15 %, the starting state is probably not the scenario's steady
      state, and part of every saving is the drift's.
    """
    for (name, arm), block in result._blocks.items():
        split = _split_detail(name, "component", result.components)
        if arm is not None or block.source != "detail" or split is None:
            continue
        component, output = split
        if output != "capped_months":
            continue
        capped = result._block(name, None)
        if not len(capped):
            continue
        worst = capped.max(axis=0)
        if not np.any(worst > 0):
            continue
        years = ", ".join(
            f"{year}: up to {m:g} month(s)"
            for year, m in zip(result.years, worst, strict=True)
            if m > 0
        )
        warn(
            f"component {component!r}: participants above the target stock, so the "
            f"enrolment was capped at the stock ({years}; share of draws capped: "
            f"{_format.share(float((capped.sum(axis=1) > 0).mean()), 'en')})"
        )
    stock = result.draws("stock.benefit", "baseline").mean(axis=0)
    first, last = float(stock[0]), float(stock[-1])
    if len(stock) > 1 and abs(last - first) > DRIFT * first:
        change = (last - first) / first if first > 0 else np.inf
        warn(
            f"the baseline's benefit stock drifts from {first:,.0f} in {result.years[0]} to "
            f"{last:,.0f} in {result.years[-1]} ({change:+.0%}): the starting stocks are far "
            f"from the scenario's steady state, and savings partly measure that drift. "
            f"Consider burn_in_years (e.g. burn_in_years = 5) or initial_destinations "
            f"(MODEL.md 12.4)"
        )
