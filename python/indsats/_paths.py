"""Field paths such as ``segments[0].exit.job``: the one place that reads and writes them.

A path is a list of steps: a key of a table (``str``), a position in a list
(``int``) or an entry of a list picked by its ``name`` (:class:`Name`, written
``segments[over 30]``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

_STEP = re.compile(r"([^.\[\]]+)|\[([^\[\]]*)\]")


class Name(str):
    """A list entry picked by its ``name`` key."""

    __slots__ = ()


Step = str | int


def parse(path: str) -> list[Step]:
    """The steps of ``path``; ValueError when it cannot be read."""
    if not isinstance(path, str):
        raise TypeError(f"a field path must be text such as 'segments[0].initial'; got {path!r}")
    steps: list[Step] = []
    pos = 0
    for m in _STEP.finditer(path):
        key, inside = m.groups()
        separator = path[pos : m.start()]
        expected = ("" if not steps else ".") if key is not None else ""
        if separator != expected or (not steps and key is None):
            raise ValueError(f"cannot read the field path {path!r}")
        if key is not None:
            steps.append(key)
        elif inside.isdigit():
            steps.append(int(inside))
        elif inside.strip():
            steps.append(Name(inside))
        else:
            raise ValueError(f"cannot read the field path {path!r}")
        pos = m.end()
    if not steps or pos != len(path):
        raise ValueError(f"cannot read the field path {path!r}")
    return steps


def join(path: str, step: Step) -> str:
    """``path`` followed by one step."""
    if isinstance(step, Name | int):
        return f"{path}[{step}]"
    return f"{path}.{step}" if path else step


def format_path(steps: Sequence[Step]) -> str:
    out = ""
    for step in steps:
        out = join(out, step)
    return out


def parent(path: str) -> str:
    """The path one step up (``""`` above the top)."""
    return format_path(parse(path)[:-1]) if path else ""


def _child(node: Any, step: Step) -> Any:
    if isinstance(step, Name):
        if isinstance(node, list):
            for item in node:
                if isinstance(item, Mapping) and item.get("name") == step:
                    return item
        raise KeyError(step)
    if isinstance(step, int):
        if isinstance(node, list) and 0 <= step < len(node):
            return node[step]
        raise KeyError(step)
    if isinstance(node, Mapping) and step in node:
        return node[step]
    raise KeyError(step)


def lookup(data: Any, path: str | Sequence[Step]) -> Any:
    """The value at ``path`` in nested dicts and lists; KeyError if there is none."""
    node = data
    for step in parse(path) if isinstance(path, str) else path:
        node = _child(node, step)
    return node


def get(data: Any, path: str, default: Any = None) -> Any:
    """The value at ``path``, or ``default``."""
    try:
        return lookup(data, path)
    except KeyError:
        return default
