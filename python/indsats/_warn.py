"""Warnings about scenarios that run but probably do not say what was meant."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

_PACKAGE = str(Path(__file__).resolve().parent)
_QUIET: ContextVar[bool] = ContextVar("indsats_quiet_runs", default=False)


class ScenarioWarning(UserWarning):
    """A scenario (or a run of it) that is valid but likely not what was meant:
    a discount rate of 4 instead of 0.04, a component that reaches nobody, …"""


def warn(message: str) -> None:
    """Issue a :class:`ScenarioWarning` pointing at the first caller outside the package."""
    if _QUIET.get():
        return
    level = 2  # 1 would be this function, 2 its caller
    frame = sys._getframe(1)
    while frame is not None and _inside_package(frame.f_code.co_filename):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    warnings.warn(message, ScenarioWarning, stacklevel=level)


def _inside_package(filename: str) -> bool:
    return str(Path(filename).resolve()).startswith(_PACKAGE)


@contextmanager
def quiet_runs() -> Iterator[None]:
    """No ScenarioWarning from the runs inside: for the many runs a tool makes
    of the same scenario under parameter values it chooses itself (a
    calibration's likelihood evaluations), where a drifting stock is what is
    being fitted, not a sign of a mistaken scenario."""
    token = _QUIET.set(True)
    try:
        yield
    finally:
        _QUIET.reset(token)
