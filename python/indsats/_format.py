"""Numbers as a reader sees them: the language's separators, shares in per cent,
months as dates, "–" where there is no number.

Tables are :class:`Table`: an ordinary pandas DataFrame of numbers (compute with
it, round it, index it) that *shows* itself in its language, in a notebook and
when printed.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._labels import label

MISSING = "–"
_FORMAT = "indsats.format"

# Decimals shown per kind of number; money depends on its unit.
_MONEY_DECIMALS = {"mio": 2, "tkr": 0, "kr": 0}
# Shares are shown in whole per cent; where they are written as fractions (a Danish
# CSV file) they keep a tenth of a percentage point.
_DECIMALS = {"persons": 1, "count": 0, "number": 3, "share": 3}


def printable(text: str) -> str:
    """Text with every character that is not printable (control characters,
    escape sequences) replaced by a space."""
    return "".join(c if c.isprintable() else " " for c in text)


def number(x: float, decimals: int, lang: str, *, minus: str = "-") -> str:
    """``x`` with ``decimals`` decimals and thousands separators: 1,234.5 or 1.234,5."""
    if not math.isfinite(x):
        return MISSING
    text = f"{abs(x):,.{decimals}f}"
    if lang == "da":
        text = text.translate(str.maketrans(",.", ".,"))
    negative = x < 0 and any(c not in "0.," for c in text)
    return f"{minus}{text}" if negative else text


def plain(x: float, lang: str) -> str:
    """A short number as written in text (``2.5``; Danish ``2,5``)."""
    text = f"{x:g}"
    return text.replace(".", ",") if lang == "da" else text


def share(x: float, lang: str) -> str:
    """A probability in per cent, whole points; never rounds a rare event to 0 or 100."""
    if not math.isfinite(x):
        return MISSING
    sep = " " if lang == "da" else ""
    pct = 100 * x
    if 0 < pct < 1:
        return f"<1{sep}%"
    if 99 < pct < 100:
        return f">99{sep}%"
    return f"{number(pct, 0, lang)}{sep}%"


def format_spec(
    lang: str,
    default: str,
    *,
    unit: str = "mio",
    rows: Mapping[Any, str] | None = None,
    columns: Mapping[Any, str] | None = None,
    months: Sequence[str] = (),
) -> dict[str, Any]:
    """How a table shows its cells: the kind of each row or column (money, share,
    month, persons, count, number; a column's kind wins) and the month labels."""
    return {
        "lang": lang,
        "default": default,
        "unit": unit,
        "rows": dict(rows or {}),
        "columns": dict(columns or {}),
        "months": list(months),
    }


def _decimals(kind: str, unit: str) -> int:
    return _MONEY_DECIMALS[unit] if kind == "money" else _DECIMALS.get(kind, 0)


def _shown_decimals(values: list[float], most: int) -> int:
    """Fewer decimals when every value already has fewer (a rounded table stays rounded)."""
    finite = np.array([v for v in values if math.isfinite(v)])
    for d in range(most):
        if np.array_equal(np.round(finite, d), finite):
            return d
    return most


def _kind_of(spec: Mapping[str, Any], row: Hashable, col: Hashable) -> str:
    columns, rows = spec["columns"], spec["rows"]
    if col in columns:
        return str(columns[col])
    return str(rows.get(row, spec["default"]))


def format_cell(x: object, kind: str, spec: Mapping[str, Any], decimals: int, first: bool) -> str:
    lang = spec["lang"]
    if not isinstance(x, numbers.Real) or isinstance(x, bool):
        return MISSING if x is None else str(x)
    value = float(x)
    if kind == "share":
        return share(value, lang)
    if kind == "month":
        months = spec["months"]
        if not math.isfinite(value):
            return label("never", lang) if first else MISSING
        m = int(value)
        return months[m] if value == m and 0 <= m < len(months) else number(value, 0, lang)
    return number(value, decimals, lang)


def _kinds(frame: pd.DataFrame, spec: Mapping[str, Any]) -> list[list[str]]:
    return [[_kind_of(spec, row, col) for col in frame.columns] for row in frame.index]


def shown_decimals(frame: pd.DataFrame, spec: Mapping[str, Any]) -> dict[str, int]:
    """Decimals shown for each kind of number in ``frame``."""
    by_kind: dict[str, list[float]] = {}
    for r, row in enumerate(_kinds(frame, spec)):
        for c, kind in enumerate(row):
            x = frame.iat[r, c]
            if isinstance(x, numbers.Real) and not isinstance(x, bool):
                by_kind.setdefault(kind, []).append(float(x))
    return {
        kind: _shown_decimals(values, _decimals(kind, spec["unit"]))
        for kind, values in by_kind.items()
    }


def rounded(frame: pd.DataFrame, spec: Mapping[str, Any]) -> pd.DataFrame:
    """The frame's numbers rounded as each is shown (shares as fractions to a tenth
    of a percentage point)."""
    decimals = shown_decimals(frame, spec)
    out = frame.copy()
    for r, row in enumerate(_kinds(frame, spec)):
        for c, kind in enumerate(row):
            x = frame.iat[r, c]
            if isinstance(x, numbers.Real) and not isinstance(x, bool):
                out.iat[r, c] = round(float(x), decimals.get(kind, 0)) + 0.0  # never -0
    return out


def formatted(frame: pd.DataFrame, spec: Mapping[str, Any]) -> pd.DataFrame:
    """The frame as text: every cell as ``spec`` shows it."""
    decimals = shown_decimals(frame, spec)
    cells = [
        [
            format_cell(frame.iat[r, c], kind, spec, decimals.get(kind, 0), c == 0)
            for c, kind in enumerate(row)
        ]
        for r, row in enumerate(_kinds(frame, spec))
    ]
    return pd.DataFrame(cells, index=frame.index, columns=frame.columns, dtype=object)


class Table(pd.DataFrame):  # type: ignore[misc]
    """A DataFrame of numbers that shows itself in its language.

    The values are plain numbers (kroner in the table's unit, shares as
    fractions, break-even months as month indexes from the start of the
    horizon); what a notebook or ``print`` shows is :meth:`formatted`: Danish
    decimal commas and thousands points for ``lang="da"``, shares in per cent,
    months as dates, "–" where there is no number.
    """

    @property
    def _constructor(self) -> type[Table]:
        return Table

    def formatted(self) -> pd.DataFrame:
        """The table as text, as it is shown."""
        spec = self.attrs.get(_FORMAT)
        frame = pd.DataFrame(self)
        return formatted(frame, spec) if spec and frame.size else frame

    def _repr_html_(self) -> str:
        return str(self.formatted().to_html())

    def __repr__(self) -> str:
        return str(self.formatted().to_string())


def table(frame: pd.DataFrame, spec: dict[str, Any]) -> Table:
    """``frame`` as a :class:`Table` shown as ``spec`` says."""
    out = Table(frame)
    out.attrs[_FORMAT] = spec
    return out


def spec_of(frame: pd.DataFrame) -> dict[str, Any] | None:
    spec = frame.attrs.get(_FORMAT)
    return dict(spec) if spec else None
