"""Excel export in the municipal layout: table, summary, assumptions, draws."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _core
from ._atomic import write_atomic
from ._labels import label
from ._sources import reference_sources, source_of, toml_comments

if TYPE_CHECKING:
    from .result import Result

MAX_ROWS = 1_048_000  # Excel's sheet limit, less headers

_DEFAULT_SOURCE = {
    "benefit.refusion": "default: the refusion ladder of the 2016 reform, "
    "lov nr. 994 af 30/08/2015 § 5 stk. 2 (weeks 1–4 80 %, 5–26 40 %, 27–52 30 %, 53+ 20 %)",
}


def _sheet_names(lang: str) -> dict[str, str]:
    if lang == "da":
        return {
            "table": "Business case",
            "summary": "Resumé",
            "assumptions": "Antagelser",
            "draws": "Trækninger",
            "about": "Om kørslen",
        }
    return {
        "table": "Business case",
        "summary": "Summary",
        "assumptions": "Assumptions",
        "draws": "Draws",
        "about": "About the run",
    }


def _describe(p: dict[str, Any], raw_value: Any) -> str:
    if p["dist"] == "fixed":
        return f"{p['mean']:g}"
    if isinstance(raw_value, dict) and "dist" in raw_value:
        args = ", ".join(f"{k}={v:g}" for k, v in raw_value.items() if isinstance(v, int | float))
        return f"{p['dist']}({args})"
    return str(p["dist"])


def _lookup(data: Any, path: str) -> Any:
    import re

    node = data
    for step in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        try:
            node = node[int(step[1:-1])] if step.startswith("[") else node[step]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def assumptions_frame(result: Result, lang: str) -> pd.DataFrame:
    """Every number of the scenario with its value or distribution and its source."""
    sc = result.scenario
    raw = sc.raw_dict()
    refs = reference_sources(raw)
    comments: dict[str, str] = {}
    if sc.source and Path(sc.source).suffix.lower() == ".toml" and Path(sc.source).exists():
        comments = toml_comments(Path(sc.source).read_text(encoding="utf-8"))
    data = sc.to_dict()
    rows = []
    for p in sc.parameters():
        given = _lookup(data, p["path"])
        source = source_of(p["path"], refs, comments)
        if given is None:
            source = _DEFAULT_SOURCE.get(p["path"].split("[")[0], "default (MODEL.md 11.3)")
        rows.append(
            {
                "parameter": p["path"],
                "value or distribution": _describe(p, _lookup(data, p["path"])),
                "mean": p["mean"],
                "low": p["low"] if np.isfinite(p["low"]) else None,
                "high": p["high"] if np.isfinite(p["high"]) else None,
                "uncertain": p["dist"] != "fixed",
                "source": source,
            }
        )
    frame = pd.DataFrame(rows)
    if lang == "da":
        frame.columns = pd.Index(
            ["parameter", "værdi eller fordeling", "middel", "min", "maks", "usikker", "kilde"]
        )
    return frame


def draws_frame(result: Result, unit: str, scale: float) -> tuple[pd.DataFrame, bool]:
    """One row per draw: NPV, break-even and each year's money, in ``unit``."""
    n = min(result.n_draws, MAX_ROWS)
    data: dict[str, Any] = {
        "draw": np.arange(n),
        f"npv ({unit})": result.npv[:n] / scale,
        "break_even_month": np.where(result.break_even[:n] < 0, np.nan, result.break_even[:n]),
    }
    for metric in ("investment", "savings", "net"):
        values = result.draws(metric)[:n] / scale
        for y, year in enumerate(result.years):
            data[f"{metric} {year}"] = values[:, y]
    data["extra_job_education"] = result.draws("extra_job_education")[:n, -1]
    params = result.parameters()
    for col in params.columns:
        data[col] = params[col].to_numpy()[:n]
    return pd.DataFrame(data), n < result.n_draws


def write_excel(
    result: Result,
    path: str | os.PathLike[str],
    *,
    lang: str,
    unit: str,
    percentiles: tuple[float, float],
) -> Path:
    from .result import _unit

    scale = _unit(unit)
    names = _sheet_names(lang)
    table = result.table(percentiles=percentiles, lang=lang, unit=unit, detail=True)
    summary = result.summary(percentiles=(percentiles[0], 50, percentiles[1]), lang=lang, unit=unit)
    assumptions = assumptions_frame(result, lang)
    draws, truncated = draws_frame(result, unit, scale)
    about = pd.DataFrame(
        {
            "": [
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
            "value": [
                result.scenario.name,
                result.scenario.source or "",
                result.scenario.perspective,
                result.n_draws,
                result.seed,
                result.mode,
                _core.__version__,
                dt.datetime.now().isoformat(timespec="seconds"),
                label(unit, lang),
                f"first {len(draws):,} draws only (Excel's row limit)" if truncated else "",
            ],
        }
    )

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
            table.round(3).to_excel(xl, sheet_name=names["table"])
            summary.round(4).to_excel(xl, sheet_name=names["summary"])
            assumptions.to_excel(xl, sheet_name=names["assumptions"], index=False)
            draws.to_excel(xl, sheet_name=names["draws"], index=False)
            about.to_excel(xl, sheet_name=names["about"], index=False)
            from openpyxl.utils import get_column_letter

            for ws in xl.book.worksheets:
                for i, col in enumerate(ws.columns, start=1):
                    width = max(len(str(c.value)) if c.value is not None else 0 for c in col)
                    ws.column_dimensions[get_column_letter(i)].width = min(60, max(9, width + 2))

    return write_atomic(path, write)
