"""Scenarios: a TOML file, a JSON file or a dict with the keys of MODEL.md section 10."""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import numbers
import os
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from . import _core, _paths
from ._warn import warn

MAX_DEPTH = 32
"""Deepest nesting of tables and lists a scenario may have (real ones need about 6)."""
_LARGEST_INT = 2**63
_SURROGATE = re.compile("[\ud800-\udfff]")
_DISCOUNT_RATE_WARNING = 0.3


def _check_depth(data: Any) -> None:
    """ValueError naming the place where ``data`` nests deeper than MAX_DEPTH."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        node, path, depth = stack.pop()
        if isinstance(node, Mapping | list | tuple):
            if depth >= MAX_DEPTH:
                raise ValueError(
                    f"{path or 'scenario'}: nested more than {MAX_DEPTH} tables or lists deep"
                )
            items = node.items() if isinstance(node, Mapping) else enumerate(node)
            for key, value in items:
                step = key if isinstance(node, Mapping) else int(key)
                stack.append(
                    (
                        value,
                        _paths.join(path, step if isinstance(step, int) else str(step)),
                        depth + 1,
                    )
                )


def _jsonable(value: Any, path: str) -> Any:
    """Plain JSON types, with the field path in any error."""
    where = path or "scenario"
    if isinstance(value, str):
        if _SURROGATE.search(value):
            raise ValueError(f"{where}: text with a character that is not Unicode: {value!r}")
        return value
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, numbers.Integral):
        n = int(value)
        if abs(n) < _LARGEST_INT:
            return n
        try:
            return float(n)  # the core reads numbers this large as floats
        except OverflowError:
            raise ValueError(f"{where}: number too large ({len(str(abs(n)))} digits)") from None
    if isinstance(value, numbers.Real):
        x = float(value)
        if not math.isfinite(x):
            raise ValueError(f"{where}: expected a finite number, got {x}")
        return x
    if isinstance(value, numbers.Number):  # Decimal, complex: no exact float
        raise ValueError(
            f"{where}: expected an int or a float, got {type(value).__name__} {value!r}"
        )
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str) or _SURROGATE.search(k):
                raise ValueError(f"{where}: keys must be text, got {k!r}")
            out[k] = _jsonable(v, _paths.join(path, k))
        return out
    if isinstance(value, list | tuple):
        return [_jsonable(v, _paths.join(path, i)) for i, v in enumerate(value)]
    if hasattr(value, "tolist") and hasattr(value, "ndim"):  # a NumPy array
        return _jsonable(value.tolist(), path)
    if isinstance(value, dt.date | dt.time):
        # TOML date literals: shown as text, rejected with their path by the core.
        return value.isoformat()
    raise ValueError(f"{where}: expected a number, text, table or list, got {type(value).__name__}")


def _read_text(path: str | os.PathLike[str], what: str) -> tuple[Path, str]:
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"expected the path of a {what} file; got {path!r}")
    p = Path(path)
    data = p.read_bytes()
    try:
        return p, data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValueError(
            f"{p}: not UTF-8 text (byte 0x{data[e.start]:02x} at position {e.start}); "
            "save the file as UTF-8"
        ) from None


# The core's error for a correlation group without a distribution among its numbers.
_NOTHING_UNCERTAIN = re.compile(
    r"^correlations\[(\d+)\]\.paths: none of these numbers is uncertain"
)


class _Pairs(list[tuple[str, Any]]):
    """A JSON object as read, before its keys are checked to be unique."""


def _unique_keys(value: Any, path: str) -> Any:
    """The JSON tree with dicts for objects; a key written twice in one object is
    a ValueError naming it (``json.loads`` would keep the last silently)."""
    if isinstance(value, _Pairs):
        out: dict[str, Any] = {}
        for key, item in value:
            where = _paths.join(path, key)
            if key in out:
                raise ValueError(f"{where}: the key {key!r} is written twice")
            out[key] = _unique_keys(item, where)
        return out
    if isinstance(value, list):
        return [_unique_keys(item, _paths.join(path, i)) for i, item in enumerate(value)]
    return value


def _json_loads(text: str) -> Any:
    return _unique_keys(json.loads(text, object_pairs_hook=_Pairs), "")


class Scenario:
    """A validated scenario.

    Build one with :meth:`from_toml`, :meth:`from_json` or :meth:`from_dict`.
    Every rule of MODEL.md section 9 is checked at once; a violation raises
    ``ValueError`` whose message starts with the field path, e.g.
    ``segments[0].exit.job: must be a probability …``. A scenario that is valid
    but probably not what was meant (a discount rate of 4, a component that
    reaches nobody) gives a :class:`indsats.ScenarioWarning`.
    """

    __slots__ = ("_data", "_info", "_raw", "source")

    def __init__(self, data: Mapping[str, Any], *, source: str | None = None) -> None:
        if not isinstance(data, Mapping):
            raise ValueError(f"a scenario must be a table (dict), got {type(data).__name__}")
        from . import dk

        _check_depth(data)
        self._raw: dict[str, Any] = copy.deepcopy(dict(data))
        resolved = dk.resolve_references(self._raw)  # returns a new tree
        self._data: dict[str, Any] = _jsonable(resolved, "")
        self._info: _core._ScenarioInfo = _core.validate(self.to_json())
        self.source = source
        _warn_about(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scenario:
        """A scenario from a dict with the keys of a scenario file."""
        return cls(data)

    @classmethod
    def from_toml(cls, path: str | os.PathLike[str]) -> Scenario:
        """Read a scenario from a TOML file (UTF-8)."""
        return cls._from_file(path, "TOML", tomllib.loads, tomllib.TOMLDecodeError)

    @classmethod
    def from_json(cls, path: str | os.PathLike[str]) -> Scenario:
        """Read a scenario from a JSON file (UTF-8)."""
        return cls._from_file(path, "JSON", _json_loads, json.JSONDecodeError)

    @classmethod
    def _from_file(
        cls,
        path: str | os.PathLike[str],
        what: str,
        parse: Callable[[str], Any],
        invalid: type[ValueError],
    ) -> Scenario:
        p, text = _read_text(path, what)
        try:
            data = parse(text)
        except invalid as e:
            raise ValueError(f"{p}: not valid {what}: {e}") from None
        except ValueError as e:
            raise ValueError(f"{p}: {e}") from None
        except RecursionError:
            raise ValueError(f"{p}: nested too deeply") from None
        return cls(data, source=str(p))

    def to_dict(self) -> dict[str, Any]:
        """A deep copy of the scenario as a dict (official rates resolved)."""
        return copy.deepcopy(self._data)

    def raw_dict(self) -> dict[str, Any]:
        """A deep copy of the scenario as given, with references to official rates kept."""
        return copy.deepcopy(self._raw)

    def to_json(self) -> str:
        """The scenario as JSON text (every float written exactly)."""
        return json.dumps(self._data, ensure_ascii=False)

    def replace(self, changes: Mapping[str, Any]) -> Scenario:
        """A new scenario with fields changed, by path.

        >>> sc.replace({"intervention.caseload.target": 30, "segments[0].initial": 500})

        Missing tables on the way are created; list entries must exist (by
        position, ``segments[0]``, or by name, ``segments[over 30]``).
        References to official rates (``{ rate = ... }``) elsewhere are kept.
        """
        if not isinstance(changes, Mapping):
            raise TypeError(
                "replace takes a dict of field path → new value, e.g. "
                f"{{'intervention.caseload.target': 30}}; got {type(changes).__name__}"
            )
        data = self.raw_dict()
        for path, value in changes.items():
            _set(data, path, copy.deepcopy(value))
        return Scenario(data, source=self.source)

    def without(self, *names: str | Iterable[str]) -> Scenario:
        """A new scenario without the intervention's components ``names``.

        >>> sc.without("mentor")
        >>> sc.without("mentor", "job broker")   # or sc.without(["mentor", "job broker"])

        Components are named as in :attr:`components`; an unknown name is a
        ValueError listing the known ones. The other components keep their
        names (an unnamed one keeps the name its position gave it), so their
        random numbers, keyed by name (MODEL.md 11.13), are the same as before:
        removing a component that reaches nobody (``participants = 0``) gives
        bit-identical results — except the gross count (``gross_savings``,
        ``deadweight``) when that component starts before everything else: MODEL.md
        12.9 counts from the first month in which the intervention or any
        component runs. Correlation groups lose the paths into the removed
        components; a group left with no path, or with no uncertain number among
        its paths, is dropped.
        """
        wanted = list(dict.fromkeys(_names(names)))
        known = self.components
        unknown = [n for n in wanted if n not in known]
        if unknown:
            have = ", ".join(map(repr, known)) if known else "none (the scenario has no components)"
            raise ValueError(
                f"without: no component named {', '.join(map(repr, unknown))}; "
                f"the components are {have}"
            )
        data = self.raw_dict()
        components = data["intervention"]["components"]
        kept: list[dict[str, Any]] = []
        new_position: dict[int, int] = {}
        for i, (component, name) in enumerate(zip(components, known, strict=True)):
            if name in wanted:
                continue
            new_position[i] = len(kept)
            kept.append({**component, "name": name})
        data["intervention"]["components"] = kept
        groups: list[dict[str, Any]] = []
        shrunk: list[bool] = []  # whether the group lost a path into a removed component
        for group in data.get("correlations") or []:
            paths = [
                p
                for p in (_renumbered(p, wanted, new_position) for p in group.get("paths", []))
                if p is not None
            ]
            if paths or not group.get("paths"):
                groups.append({**group, "paths": paths})
                shrunk.append(len(paths) < len(group.get("paths", [])))
        if "correlations" not in data:
            return Scenario(data, source=self.source)
        # A group that kept only plain numbers correlates nothing: it goes like an empty one.
        while True:
            data["correlations"] = groups
            try:
                return Scenario(data, source=self.source)
            except ValueError as e:
                m = _NOTHING_UNCERTAIN.match(str(e))
                if m is None or not shrunk[int(m.group(1))]:
                    raise
                del groups[int(m.group(1))], shrunk[int(m.group(1))]

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
        return [int(y) for y in self._calendar()["years"]]

    @property
    def months_in_year(self) -> list[int]:
        """Number of horizon months in each calendar year."""
        return [int(m) for m in self._calendar()["months_in_year"]]

    @property
    def month_labels(self) -> list[str]:
        """Each month of the horizon as "YYYY-MM"."""
        return [str(m) for m in self._calendar()["month_labels"]]

    def _calendar(self) -> _core._Calendar:
        return self._info["calendar"]

    @property
    def destinations(self) -> list[str]:
        return list(self._info["destinations"])

    @property
    def segments(self) -> list[str]:
        return list(self._info["segments"])

    @property
    def components(self) -> list[str]:
        """The intervention's components by name (empty without an intervention)."""
        return list(self._info["components"] or [])

    @property
    def perspective(self) -> str:
        return str(self._info["perspective"])

    @property
    def discount_rate(self) -> float:
        """The discount rate per year (its mean when it is uncertain)."""
        return self._mean("discount_rate", 0.0)

    def parameters(self) -> list[dict[str, Any]]:
        """Every number of the scenario: path, distribution, mean and support."""
        return [
            {"path": p, "dist": d, "mean": m, "low": lo, "high": hi}
            for p, d, m, lo, hi in self._info["parameters"]
        ]

    def uncertain(self) -> list[dict[str, Any]]:
        """The parameters given as distributions."""
        return [p for p in self.parameters() if p["dist"] != "fixed"]

    def _mean(self, path: str, default: float) -> float:
        for p, _, mean, _, _ in self._info["parameters"]:
            if p == path:
                return float(mean)
        return default

    def __repr__(self) -> str:
        years = self.calendar_years
        return (
            f"Scenario({self.name!r}, {self.start}, {years[0]}–{years[-1]}, "
            f"{len(self.segments)} segment(s), {len(self.uncertain())} uncertain parameter(s))"
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Scenario) and self._data == other._data

    __hash__ = None  # type: ignore[assignment]


def _names(names: tuple[str | Iterable[str], ...]) -> list[str]:
    """The component names given to :meth:`Scenario.without`: names, or lists of them."""
    out: list[str] = []
    for item in names:
        items = [item] if isinstance(item, str) else item
        if not isinstance(items, Iterable):
            raise TypeError(f"without: expected component names; got {item!r}")
        for name in items:
            if not isinstance(name, str):
                raise TypeError(f"without: a component name must be text; got {name!r}")
            out.append(name)
    if not out:
        raise ValueError("without: name at least one component, e.g. sc.without('mentor')")
    return out


def _renumbered(path: Any, removed: list[str], new_position: Mapping[int, int]) -> Any:
    """A correlation path after components were removed: None when it points into
    a removed component, renumbered when it names a kept one by position."""
    if not isinstance(path, str):
        return path  # not a path: the core reports it
    try:
        steps = _paths.parse(path)
    except ValueError:
        return path
    if steps[:2] != ["intervention", "components"] or len(steps) < 3:
        return path
    which = steps[2]
    if isinstance(which, _paths.Name):
        return None if which in removed else path
    if isinstance(which, int) and which in new_position:
        return _paths.format_path([*steps[:2], new_position[which], *steps[3:]])
    if isinstance(which, int) and which < len(new_position) + len(removed):
        return None  # a removed component, by position
    return path


def _set(data: dict[str, Any], path: object, value: Any) -> None:
    """Set ``path`` in ``data``, creating missing tables on the way."""
    if not isinstance(path, str):
        raise TypeError(f"replace: a field path must be text such as 'years'; got {path!r}")
    steps = _paths.parse(path)
    node: Any = data
    for i, step in enumerate(steps):
        where = _paths.format_path(steps[: i + 1])
        last = i == len(steps) - 1
        if isinstance(step, _paths.Name | int):
            if not isinstance(node, list):
                raise ValueError(f"{_paths.format_path(steps[:i])}: not a list")
            try:
                child = _paths.lookup(node, [step])
            except KeyError:
                raise ValueError(f"{where}: no such list entry") from None
            index = step if isinstance(step, int) else node.index(child)
            if last:
                node[index] = value
            node = child
        else:
            if not isinstance(node, dict):
                raise ValueError(f"{_paths.format_path(steps[:i])}: not a table")
            if last:
                node[step] = value
            else:
                node = node.setdefault(step, {})


def _warn_about(sc: Scenario) -> None:
    """ScenarioWarnings for valid scenarios that probably do not say what was meant."""
    rate = sc.discount_rate
    if rate > _DISCOUNT_RATE_WARNING:
        guess = rate / 100 if rate >= 1 else rate / 10
        warn(
            f"discount_rate: {rate:g} is {rate:.0%} a year; the rate is a fraction "
            f"(0.04 = 4 %): did you mean {guess:g}?"
        )
    iv = sc._data.get("intervention")
    if not isinstance(iv, dict):
        return
    if iv.get("segments") == []:
        warn(
            "intervention.segments: an empty list targets no segment, so the intervention "
            "has no effect; leave it out to target every segment"
        )
    max_hr = sc._mean("intervention.caseload.max_hr", math.inf)
    if max_hr < 1:
        warn(
            f"intervention.caseload.max_hr: {max_hr:g} is below 1, so a lower caseload "
            "makes fewer people leave benefit; max_hr caps the hazard ratio from above"
        )
    for i, component in enumerate(iv.get("components") or []):
        if (
            isinstance(component, dict)
            and component.get("hr")
            and "participants" not in component
            and "coverage" not in component
        ):
            warn(
                f"intervention.components[{i}]: hr is given but neither participants nor "
                "coverage, so the component reaches nobody and its hr has no effect"
            )
