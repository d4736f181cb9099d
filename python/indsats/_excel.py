"""Excel export in the municipal layout: table with chart, summary, assumptions, draws.

Written with openpyxl in streaming (write-only) mode, so a long per-draw sheet
costs little memory and Ctrl-C stops the write at once; the workbook appears
only when complete (see :mod:`indsats._atomic`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import math
import os
import re
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.drawing.image import Image
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from . import _core, _format, _paths
from ._atomic import write_atomic
from ._files import check_suffix
from ._labels import detail_in_language, label
from ._options import unit_scale
from ._sources import comments_by_name, reference_sources, source_of, toml_comments

if TYPE_CHECKING:
    from .result import Result

MAX_ROWS = 1_048_000  # Excel's sheet limit, less headers
MAX_TEXT = 32_767  # Excel's limit of characters in a cell
_CHUNK = 10_000  # draws turned into rows at a time
# Characters XML 1.0 (and so Excel) cannot hold: control characters, lone surrogates, U+FFFE/F.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Text starting like this is a formula when typed into Excel.
_FORMULA_START = ("=", "+", "-", "@")

_BOLD = Font(bold=True)
_MONEY_FORMAT = {"mio": "#,##0.00", "tkr": "#,##0", "kr": "#,##0"}
_FORMATS = {"share": "0%", "persons": "#,##0.0", "month": "yyyy-mm", "count": "#,##0"}

_DEFAULT_SOURCE = {
    "en": {
        "benefit.refusion": "default: the refusion ladder of the 2016 reform, "
        "lov nr. 994 af 30/08/2015 § 5 stk. 2 (weeks 1–4 80 %, 5–26 40 %, 27–52 30 %, 53+ 20 %)",
        "": "default (MODEL.md 11.3)",
    },
    "da": {
        "benefit.refusion": "standard: refusionstrappen fra 2016-reformen, "
        "lov nr. 994 af 30/08/2015 § 5 stk. 2 (uge 1–4 80 %, 5–26 40 %, 27–52 30 %, 53+ 20 %)",
        "": "standardværdi (MODEL.md 11.3)",
    },
}

_ASSUMPTION_COLUMNS = {
    "en": ["parameter", "value or distribution", "mean", "min", "max", "uncertain", "source"],
    "da": ["parameter", "værdi eller fordeling", "middel", "min", "maks", "usikker", "kilde"],
}
_ABOUT_ROWS = {
    "en": [
        "scenario",
        "file",
        "perspective",
        "draws",
        "seed",
        "mode",
        "indsats version",
        "written",
        "unit",
        "note",
    ],
    "da": [
        "scenarie",
        "fil",
        "perspektiv",
        "trækninger",
        "seed",
        "metode",
        "indsats-version",
        "skrevet",
        "enhed",
        "note",
    ],
}


def _t(key: str, lang: str, **fields: Any) -> str:
    return label(f"excel.{key}", lang).format(**fields)


def excel_text(value: str) -> str:
    """Text Excel can hold: characters it cannot are replaced by U+FFFD, and text
    longer than a cell allows is cut with a note saying so."""
    text = _NOT_XML.sub("\ufffd", value)
    if len(text) > MAX_TEXT:
        note = f" … [{len(text) - MAX_TEXT + 40:,} characters cut]"
        text = text[: MAX_TEXT - len(note)] + note
    return text


def _describe(p: dict[str, Any], raw_value: Any) -> str:
    if p["dist"] == "fixed":
        return f"{p['mean']:g}"
    if isinstance(raw_value, dict) and "dist" in raw_value:
        args = ", ".join(f"{k}={v:g}" for k, v in raw_value.items() if isinstance(v, int | float))
        return f"{p['dist']}({args})"
    return str(p["dist"])


def assumptions_frame(result: Result, lang: str) -> pd.DataFrame:
    """Every number of the scenario with its value or distribution and its source."""
    sc = result.scenario
    refs = reference_sources(sc.raw_dict(), lang=lang)
    comments: dict[str, str] = {}
    if sc.source and Path(sc.source).suffix.lower() == ".toml" and Path(sc.source).exists():
        text = Path(sc.source).read_text(encoding="utf-8-sig")
        try:
            file_data = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            file_data = {}  # the file changed since it was read: match nothing
        comments = comments_by_name(toml_comments(text), file_data, sc.segments, sc.components)
    data = sc.to_dict()
    rows = []
    for p in sc.parameters():
        given = _paths.get(data, p["path"])
        source = source_of(p["path"], refs, comments)
        if given is None:
            defaults = _DEFAULT_SOURCE[lang]
            source = defaults.get(p["path"].split("[")[0], defaults[""])
        rows.append(
            [
                p["path"],
                _describe(p, given),
                p["mean"],
                p["low"] if np.isfinite(p["low"]) else None,
                p["high"] if np.isfinite(p["high"]) else None,
                p["dist"] != "fixed",
                source,
            ]
        )
    return pd.DataFrame(rows, columns=_ASSUMPTION_COLUMNS[lang])


def _chart_png(result: Result, lang: str, unit: str, percentiles: tuple[float, float]) -> bytes:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 4.5), layout="constrained")
    ax = fig.subplots()
    result.plot("net", ax=ax, lang=lang, unit=unit, percentiles=(percentiles[0], percentiles[1]))
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=96)
    return buf.getvalue()


class _Sheet:
    """A streaming sheet: rows of values, with number formats and safe text."""

    def __init__(self, wb: Workbook, title: str, widths: Iterable[float], freeze: str) -> None:
        self.ws = wb.create_sheet(title)
        for i, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = width
        self.ws.freeze_panes = freeze
        self.rows = 0

    def cell(self, value: Any, fmt: str | None = None, *, bold: bool = False) -> Any:
        """A cell for ``value``; plain numbers without a format go in as they are."""
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, float) and not math.isfinite(value):
            value = None
        if fmt is None and not bold and not isinstance(value, str):
            return value
        cell = WriteOnlyCell(self.ws, value=excel_text(value) if isinstance(value, str) else value)
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula or an error code
            if cell.value.startswith(_FORMULA_START):
                cell.quotePrefix = True
        if fmt is not None:
            cell.number_format = fmt
        if bold:
            cell.font = _BOLD
        return cell

    def append(
        self, values: Iterable[Any], fmts: Iterable[str | None] = (), *, bold: bool = False
    ) -> None:
        fmts = list(fmts)
        row = [
            self.cell(v, fmts[i] if i < len(fmts) else None, bold=bold)
            for i, v in enumerate(values)
        ]
        self.ws.append(row)
        self.rows += 1


def _table_sheet(
    wb: Workbook,
    result: Result,
    table: pd.DataFrame,
    lang: str,
    unit: str,
    percentiles: tuple[float, float],
    chart: bytes,
) -> None:
    spec = _format.spec_of(table) or {}
    sheet = _Sheet(wb, _t("sheet.table", lang), [50] + [11] * len(table.columns), "B4")
    sheet.append([result.scenario.name], bold=True)
    years = []
    for year, stat in table.columns:
        years.append(year if stat == table.columns[0][1] else None)
    sheet.append([None, *years], bold=True)
    sheet.append([table.index.name, *(stat for _, stat in table.columns)], bold=True)
    for name, row in table.iterrows():
        fmt = _format_of(spec.get("rows", {}).get(name, "money"), unit)
        sheet.append([name, *row.to_numpy()], [None] + [fmt] * len(row))
    sheet.append([])
    lo, hi = percentiles
    n = _format.number(result.n_draws, 0, lang)
    lo_text, hi_text = _format.plain(lo, lang), _format.plain(hi, lang)
    sheet.append([_t("interval", lang, unit=label(unit, lang), lo=lo_text, hi=hi_text, n=n)])
    sheet.append([_t("signs", lang)])
    sheet.append([_t("deadweight", lang)])
    image = Image(io.BytesIO(chart))
    sheet.ws.add_image(image, f"A{sheet.rows + 2}")


def _summary_sheet(
    wb: Workbook, result: Result, summary: pd.DataFrame, lang: str, unit: str
) -> None:
    spec = _format.spec_of(summary) or {}
    sheet = _Sheet(wb, _t("sheet.summary", lang), [58] + [12] * len(summary.columns), "B2")
    sheet.append(["", *summary.columns], bold=True)
    labels = result.scenario.month_labels
    for name, row in summary.iterrows():
        kind = spec.get("rows", {}).get(name, "money")
        fmt = _format_of(kind, unit)
        values: list[Any] = []
        for i, x in enumerate(row.to_numpy()):
            if kind == "month":
                x = _month_value(x, labels, lang, first=i == 0)
            values.append(x)
        sheet.append([name, *values], [None] + [fmt] * len(values))
    sheet.append([])
    sheet.append([_t("payback", lang)])
    sheet.append([_t("deadweight", lang)])
    sheet.append([_t("signs", lang)])


def _format_of(kind: str, unit: str) -> str:
    """The number format of a kind of number (money in ``unit``)."""
    return _MONEY_FORMAT[unit] if kind == "money" else _FORMATS[kind]


# Outputs per segment and component that are money (kroner, shown in the unit).
_DETAIL_MONEY = ("savings", "investment")
_DETAIL_KINDS = {"capped_months": "count"}


def _detail_sheet(
    wb: Workbook,
    title: str,
    frame: pd.DataFrame,
    keys: pd.Series,
    result: Result,
    lang: str,
    unit: str,
) -> None:
    """A tidy sheet of outputs per segment or component: the first four columns
    name the entry, output, arm and year; money is shown in ``unit``. ``keys``
    are the outputs' English names, row by row."""
    scale = unit_scale(unit)
    money = keys.isin(_DETAIL_MONEY).to_numpy()
    values = frame.iloc[:, 4:].to_numpy(dtype=np.float64)
    values = np.where(money[:, None], values / scale, values)
    sheet = _Sheet(wb, title, [24, 26, 16, 8] + [12] * values.shape[1], "E2")
    sheet.append(list(frame.columns), bold=True)
    for (entry, name, arm, year), key, row, is_money in zip(
        frame.iloc[:, :4].itertuples(index=False), keys, values, money, strict=True
    ):
        kind = "money" if is_money else _DETAIL_KINDS.get(str(key), "persons")
        shown = f"{name} ({label(unit, lang)})" if is_money else name
        sheet.append(
            [entry, shown, arm, year, *row], [None] * 4 + [_format_of(kind, unit)] * len(row)
        )
    sheet.append([])
    n = _format.number(result.n_detail, 0, lang)
    sheet.append([_t("detail_draws", lang, n=n, unit=label(unit, lang))])


def _month_value(x: float, labels: list[str], lang: str, *, first: bool) -> Any:
    if not np.isfinite(x):
        return label("never", lang) if first else None
    year, month = labels[int(x)].split("-")
    return dt.datetime(int(year), int(month), 1)


def _frame_sheet(
    wb: Workbook,
    title: str,
    frame: pd.DataFrame,
    widths: list[float],
    fmts: list[str | None],
    freeze: str,
) -> None:
    sheet = _Sheet(wb, title, widths, freeze)
    sheet.append(list(frame.columns), bold=True)
    for row in frame.itertuples(index=False):
        sheet.append(row, fmts)


def _draws_sheet(wb: Workbook, result: Result, lang: str, unit: str, n: int) -> None:
    scale = unit_scale(unit)
    money = _MONEY_FORMAT[unit]
    columns: list[tuple[str, Any, str | None]] = [
        (_t("draw", lang), np.arange(n), None),
        (f"{label('npv', lang)} ({label(unit, lang)})", result.npv[:n] / scale, money),
    ]
    be = result.break_even[:n]
    columns.append(
        (
            _t("break_even_month", lang, start=result.scenario.start),
            np.where(be < 0, np.nan, be),
            None,
        )
    )
    for metric in ("investment", "savings", "net"):
        values = result.draws(metric)[:n] / scale
        for y, year in enumerate(result.years):
            columns.append((f"{label(metric, lang)} {year}", values[:, y], money))
    columns.append((_t("extra", lang), result.draws("extra_job_education")[:n, -1], None))
    params = result.parameters()
    for col in params.columns:
        columns.append((str(col), params[col].to_numpy()[:n], None))
    never = label("never", lang)
    sheet = _Sheet(wb, _t("sheet.draws", lang), [14] * len(columns), "B2")
    sheet.append([name for name, _, _ in columns], bold=True)
    fmts = [fmt for _, _, fmt in columns]
    for start in range(0, n, _CHUNK):
        stop = min(n, start + _CHUNK)
        block = np.column_stack(
            [np.asarray(v[start:stop], dtype=np.float64) for _, v, _ in columns]
        )
        for i, values in enumerate(block.tolist(), start=start):
            values[0] = i
            if not math.isfinite(values[2]):
                values[2] = never
            sheet.append(values, fmts)


def _about_sheet(wb: Workbook, result: Result, lang: str, unit: str, truncated: int | None) -> None:
    sc = result.scenario
    note = ""
    if truncated is not None:
        note = _t("truncated", lang, n=_format.number(truncated, 0, lang))
    values = [
        sc.name,
        sc.source or "",
        label(f"perspective.{sc.perspective}", lang),
        result.n_draws,
        result.seed,
        label(f"mode.{result.mode}", lang),
        _core.__version__,
        dt.datetime.now().isoformat(timespec="seconds"),
        label(unit, lang),
        note,
    ]
    sheet = _Sheet(wb, _t("sheet.about", lang), [20, 60], "A2")
    sheet.append([_t("item", lang), _t("value", lang)], bold=True)
    for key, value in zip(_ABOUT_ROWS[lang], values, strict=True):
        sheet.append([key, str(value) if isinstance(value, int) and value >= 2**53 else value])


@contextlib.contextmanager
def _no_stray_temp_files() -> Iterator[None]:
    """openpyxl streams each sheet through a temporary file of its own and removes
    it only on success (or at exit); remove those of a write that failed."""
    from openpyxl.worksheet import _writer

    known = list(getattr(_writer, "ALL_TEMP_FILES", []))
    try:
        yield
    finally:
        pending = getattr(_writer, "ALL_TEMP_FILES", [])
        for name in [f for f in pending if f not in known]:
            with contextlib.suppress(OSError):
                os.remove(name)
            with contextlib.suppress(ValueError):
                pending.remove(name)


@contextlib.contextmanager
def _closed_on_failure(wb: Workbook) -> Iterator[None]:
    """Close the streams of an abandoned workbook now, in order, so that nothing
    complains later when they are garbage-collected."""
    try:
        yield
    except BaseException:
        for ws in wb.worksheets:
            with contextlib.suppress(Exception):
                if not ws.closed:
                    ws.close()
        raise


def write_excel(
    result: Result,
    path: str | os.PathLike[str],
    *,
    lang: str,
    unit: str,
    percentiles: tuple[float, float],
) -> Path:
    check_suffix(path, ("xlsx",), "to_excel")
    result.check_finite("the workbook is not written")
    lo, hi = percentiles
    table = result.table(percentiles=(lo, hi), lang=lang, unit=unit, detail=True, total=True)
    # The median beside the interval (once, when the interval starts or ends at it).
    with_median = sorted({lo, 50.0, hi})
    summary = result.summary(percentiles=with_median, lang=lang, unit=unit)
    assumptions = assumptions_frame(result, lang)
    details = []
    if result.n_detail:
        kinds = [("segment", result.by_segment)]
        if result.components:
            kinds.append(("component", result.by_component))
        for kind, frame_of in kinds:
            # The English frame names the outputs, whichever language the sheet speaks.
            english = frame_of(percentiles=with_median)
            shown = detail_in_language(english, lang)
            details.append((f"sheet.by_{kind}", shown, english.iloc[:, 1]))
    chart = _chart_png(result, lang, unit, percentiles)
    n = min(result.n_draws, MAX_ROWS)

    def write(tmp: Path) -> None:
        wb = Workbook(write_only=True)
        with _no_stray_temp_files(), _closed_on_failure(wb):
            _table_sheet(wb, result, table, lang, unit, percentiles, chart)
            _summary_sheet(wb, result, summary, lang, unit)
            _frame_sheet(
                wb,
                _t("sheet.assumptions", lang),
                assumptions,
                [44, 30, 12, 12, 12, 10, 90],
                [None, None, "General", "General", "General", None, None],
                "B2",
            )
            for title, frame, keys in details:
                _detail_sheet(wb, _t(title, lang), frame, keys, result, lang, unit)
            _draws_sheet(wb, result, lang, unit, n)
            _about_sheet(wb, result, lang, unit, n if n < result.n_draws else None)
            wb.save(tmp)

    return write_atomic(path, write)
