"""Output files: the format a name asks for, and CSV in the reader's convention."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, TYPE_CHECKING

from ._atomic import write_atomic

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

TABLE_FORMATS = ("csv", "xlsx")
PLOT_FORMATS = ("png", "pdf", "svg")


def suffix_format(path: str | os.PathLike[str]) -> str:
    """The format a file name asks for: its suffix without the dot, lower case."""
    return Path(path).suffix.lower().lstrip(".")


def check_suffix(path: object, formats: tuple[str, ...], what: str) -> str:
    """The format of ``path`` if its suffix is one of ``formats``, else ValueError."""
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"{what}: expected a file name; got {path!r}")
    fmt = suffix_format(path)
    if fmt not in formats:
        wanted = ", ".join(f".{f}" for f in formats)
        raise ValueError(f"{what}: {os.fspath(path)!s} should end in {wanted}")
    return fmt


def csv_text(table: pd.DataFrame, out: IO[str] | str) -> None:
    """Write a table as CSV: English comma-separated at full precision; Danish
    semicolon-separated with a decimal comma, each row rounded as the table shows
    it (shares as fractions to a tenth of a percentage point)."""
    import pandas as pd

    from . import _format

    spec = _format.spec_of(table)
    frame = pd.DataFrame(table)
    if spec and spec["lang"] == "da":
        _format.rounded(frame, spec).to_csv(out, sep=";", decimal=",")
    else:
        frame.to_csv(out)


def write_csv(table: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    return write_atomic(path, lambda tmp: csv_text(table, str(tmp)))


def save_figure(fig: Figure, path: str | os.PathLike[str], fmt: str) -> Path:
    return write_atomic(path, lambda tmp: fig.savefig(tmp, format=fmt, dpi=120))
