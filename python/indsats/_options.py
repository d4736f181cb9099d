"""Checks of the options users pass (units, languages, percentiles, counts).

Every check raises ``TypeError`` for a value of the wrong kind and
``ValueError`` for one out of range, and names the option in its message.
"""

from __future__ import annotations

import itertools
import numbers
import operator
from collections.abc import Iterable, Mapping, Sequence
from typing import SupportsIndex, cast

UNITS: dict[str, float] = {"mio": 1e6, "tkr": 1e3, "kr": 1.0}
LANGS = ("en", "da")
ARMS = ("baseline", "intervention")


def check_choice(name: str, value: object, choices: Sequence[str]) -> str:
    """``value`` if it is one of ``choices``, else a ValueError naming them."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}")
    return value


def check_lang(lang: object) -> str:
    return check_choice("lang", lang, LANGS)


def unit_scale(unit: object) -> float:
    """Kroner per ``unit`` ("mio", "tkr" or "kr")."""
    return UNITS[check_choice("unit", unit, tuple(UNITS))]


def check_arm(arm: object) -> str | None:
    if arm is None:
        return None
    return check_choice("arm", arm, ARMS)


def check_bool(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False; got {value!r}")
    return value


def check_int(name: str, value: object, minimum: int, maximum: int) -> int:
    """An integer option (NumPy integers too) in ``[minimum, maximum]``."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an integer; got {value!r}")
    try:
        n = operator.index(cast(SupportsIndex, value))
    except TypeError:
        raise TypeError(f"{name} must be an integer; got {value!r}") from None
    if n < minimum:
        raise ValueError(f"{name} must be at least {minimum}; got {n}")
    if n > maximum:
        raise ValueError(f"{name} must be at most {maximum}; got {n}")
    return n


def _number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must hold numbers between 0 and 100; got {value!r}")
    x = float(value)
    if not 0 <= x <= 100:  # also NaN
        raise ValueError(f"{name} must lie between 0 and 100; got {value!r}")
    return x


def check_percentiles(percentiles: object, *, name: str = "percentiles") -> list[float]:
    """Increasing percentiles in [0, 100], e.g. ``(5, 50, 95)``."""
    message = f"{name} must be a sequence of numbers such as (5, 95); got {percentiles!r}"
    if isinstance(percentiles, str | bytes | Mapping) or not isinstance(percentiles, Iterable):
        raise TypeError(message)
    items = list(percentiles)
    values = [_number(name, p) for p in items]
    if any(b <= a for a, b in itertools.pairwise(values)):
        raise ValueError(f"{name} must be increasing, without repeats; got {items!r}")
    return values


def check_interval(percentiles: object, *, name: str = "percentiles") -> tuple[float, float]:
    """Two percentiles ``(low, high)`` with low < high, e.g. ``(5, 95)``."""
    values = check_percentiles(percentiles, name=name)
    if len(values) != 2:
        raise ValueError(
            f"{name} must be two numbers (low, high) such as (5, 95); got {percentiles!r}"
        )
    return values[0], values[1]


def pname(p: float) -> str:
    """Column name of a percentile: ``p5``, ``p97.5``."""
    return f"p{p:g}"
