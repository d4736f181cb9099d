"""Scenarios: a TOML file, a JSON file or a dict with the keys of MODEL.md section 10."""

from __future__ import annotations

import copy
import json
import math
import numbers
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import _core

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _jsonable(value: Any, path: str) -> Any:
    """Plain JSON types, with a field path in any error (NaN, odd types)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        x = float(value)
        if not math.isfinite(x):
            raise ValueError(f"{path or 'scenario'}: expected a finite number, got {x}")
        return x
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise ValueError(f"{path or 'scenario'}: keys must be strings, got {k!r}")
            out[k] = _jsonable(v, f"{path}.{k}" if path else k)
        return out
    if isinstance(value, list | tuple):
        return [_jsonable(v, f"{path}[{i}]") for i, v in enumerate(value)]
    # Dates from TOML literals and the like: shown as text, rejected with a path by the core.
    return str(value)


def _parse_path(path: str) -> list[str | int]:
    steps: list[str | int] = []
    pos = 0
    for m in _STEP.finditer(path):
        if m.start() != pos and path[pos : m.start()] != ".":
            raise ValueError(f"cannot read the field path {path!r}")
        key, idx = m.groups()
        steps.append(int(idx) if idx is not None else key)
        pos = m.end()
    if not steps or pos != len(path):
        raise ValueError(f"cannot read the field path {path!r}")
    return steps


class Scenario:
    """A validated scenario.

    Build one with :meth:`from_toml`, :meth:`from_json` or :meth:`from_dict`.
    Every rule of MODEL.md section 9 is checked at once; a violation raises
    ``ValueError`` whose message starts with the field path, e.g.
    ``segments[0].exit.job: must be a probability …``.
    """

    __slots__ = ("_data", "_info", "_raw", "source")

    def __init__(self, data: Mapping[str, Any], *, source: str | None = None) -> None:
        if not isinstance(data, Mapping):
            raise ValueError(f"a scenario must be a table (dict), got {type(data).__name__}")
        from . import dk

        self._raw: dict[str, Any] = copy.deepcopy(dict(data))
        resolved = dk.resolve_references(self._raw)  # returns a new tree
        self._data: dict[str, Any] = _jsonable(resolved, "")
        self._info: dict[str, Any] = _core.validate(self.to_json())
        self.source = source

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scenario:
        """A scenario from a dict with the keys of a scenario file."""
        return cls(data)

    @classmethod
    def from_toml(cls, path: str | Path) -> Scenario:
        """Read a scenario from a TOML file."""
        p = Path(path)
        with p.open("rb") as f:
            try:
                data = tomllib.load(f)
            except tomllib.TOMLDecodeError as e:
                raise ValueError(f"{p}: not valid TOML: {e}") from e
        return cls(data, source=str(p))

    @classmethod
    def from_json(cls, path: str | Path) -> Scenario:
        """Read a scenario from a JSON file."""
        p = Path(path)
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            raise ValueError(f"{p}: not valid JSON: {e}") from e
        return cls(data, source=str(p))

    def to_dict(self) -> dict[str, Any]:
        """A deep copy of the scenario as a dict (official rates resolved)."""
        return copy.deepcopy(self._data)

    def raw_dict(self) -> dict[str, Any]:
        """A deep copy of the scenario as given, with references to official rates kept."""
        return copy.deepcopy(self._raw)

    def to_json(self) -> str:
        """The scenario as JSON text."""
        return json.dumps(self._data, ensure_ascii=False)

    def replace(self, changes: Mapping[str, Any]) -> Scenario:
        """A new scenario with fields changed, by path.

        >>> sc.replace({"intervention.caseload.target": 30, "segments[0].initial": 500})

        Missing tables on the way are created; list indexes must exist.
        References to official rates (``{ rate = ... }``) elsewhere are kept.
        """
        data = self.raw_dict()
        for path, value in changes.items():
            steps = _parse_path(path)
            node: Any = data
            for i, step in enumerate(steps[:-1]):
                where = path if i == 0 else _format_path(steps[: i + 1])
                if isinstance(step, int):
                    if not isinstance(node, list) or step >= len(node):
                        raise ValueError(f"{where}: no such list entry")
                    node = node[step]
                else:
                    if not isinstance(node, dict):
                        raise ValueError(f"{_format_path(steps[:i])}: not a table")
                    node = node.setdefault(step, {})
            last = steps[-1]
            if isinstance(last, int):
                if not isinstance(node, list) or last >= len(node):
                    raise ValueError(f"{path}: no such list entry")
            elif not isinstance(node, dict):
                raise ValueError(f"{_format_path(steps[:-1])}: not a table")
            node[last] = copy.deepcopy(value)
        return Scenario(data, source=self.source)

    @property
    def name(self) -> str:
        return str(self._info["name"])

    @property
    def start(self) -> str:
        """First month of the horizon, "YYYY-MM"."""
        return str(self._info["start"])

    @property
    def months(self) -> int:
        return int(self._info["months"])

    @property
    def calendar_years(self) -> list[int]:
        """The calendar years the horizon touches (the table's columns)."""
        return list(self._info["calendar_years"])

    @property
    def destinations(self) -> list[str]:
        return list(self._info["destinations"])

    @property
    def segments(self) -> list[str]:
        return list(self._info["segments"])

    @property
    def perspective(self) -> str:
        return str(self._info["perspective"])

    def parameters(self) -> list[dict[str, Any]]:
        """Every number of the scenario: path, distribution, mean and support."""
        return [
            {"path": p, "dist": d, "mean": m, "low": lo, "high": hi}
            for p, d, m, lo, hi in self._info["parameters"]
        ]

    def uncertain(self) -> list[dict[str, Any]]:
        """The parameters given as distributions."""
        return [p for p in self.parameters() if p["dist"] != "fixed"]

    def __repr__(self) -> str:
        years = self.calendar_years
        return (
            f"Scenario({self.name!r}, {self.start}, {years[0]}–{years[-1]}, "
            f"{len(self.segments)} segment(s), {len(self.uncertain())} uncertain parameter(s))"
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Scenario) and self._data == other._data

    __hash__ = None  # type: ignore[assignment]


def _format_path(steps: list[str | int]) -> str:
    out = ""
    for s in steps:
        out += f"[{s}]" if isinstance(s, int) else (f".{s}" if out else s)
    return out
