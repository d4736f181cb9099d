"""Danish defaults: the rules, rates and typical costs a scenario needs, each with its source.

Where the numbers live
----------------------
The numbers are data, not code: ``data/`` in the repository holds

* ``figures.toml`` - every :class:`Figure` (value, unit, source, status, range, note, label);
* ``rates.toml`` - the benefit rate tables (kontanthjælp, uddannelseshjælp incl.
  aktivitetstillæg, ungesats, ressourceforløbsydelse, førtidspension) by group and year;
* ``satsregulering.toml`` - :data:`SATSREGULERING`, the actual yearly changes, and the years a
  rate reference may ask for;
* ``refusion.toml`` - :data:`REFUSION_LADDER_2016`, the state refusion ladder of the 2016
  refusionsreform (weeks turned into months).

These are the files a municipal economist edits to update a rate; each says in its header what
it holds, its units and how to add a year. They are compiled into the core (``indsats._core``),
checked when first read, and the core resolves the references in scenario files, so a scenario
reads the same from Rust and from Python. This module shows the same data as Python objects.

What is here
------------
* :class:`Figure` - one number with its unit, its source and its status. A figure is *sourced*
  (a public source states it), *derived* (calculated from sourced numbers; the calculation is in
  ``note``) or an *assumption* (no public figure was found; ``low``/``high`` give the plausible
  range where one exists). Every figure is a module attribute whose name equals ``Figure.name``,
  e.g. ``dk.CASEWORKER_FTE_COST_YEAR``, ``dk.MUNICIPAL_SHARE_LONG_TERM``.
* :data:`REFUSION_LADDER_2016` and :data:`REFUSION_LADDER_2016_WEEKS` - the refusion ladder in
  the scenario format (months) and as enacted (weeks).
* :func:`rate` and :func:`rate_entry` - the rate of a group in a year; beyond the tables it is
  extrapolated with :data:`SATSREGULERING` and then the assumed satsregulering
  ``SATSREGULERING_EXTRAPOLATION``. :func:`rate_groups` lists the groups.
* :func:`resolve_references` - replaces references in a scenario by numbers or distributions.
* :func:`figures`, :func:`assumptions`, :func:`rate_entries` - lists for an assumptions sheet.

All amounts are kroner (DKK), nominal, before tax, per month unless the unit says otherwise.
Official values should be re-checked against retsinformation.dk, bm.dk and jobindsats.dk
before publication.

Referring to these figures from a scenario
------------------------------------------
Anywhere a scenario takes a number, it may instead hold a reference:

* ``{ rate = "<group>", year = <int> }`` - the official monthly rate of a group in a year
  (see :func:`rate`; :func:`rate_groups` lists the groups). ``year`` may be left out; it then
  defaults to the year of the scenario's ``start``. An optional ``scale`` multiplies the rate,
  e.g. by a municipal share. The year must lie in the supported years (1990-2100).
* ``{ dk = "<FIGURE_NAME>" }`` - the value of a figure. When the figure is an assumption with a
  range, the reference becomes the distribution
  ``{ dist = "pert", min = low, mode = value, max = high }``. Optional keys: ``scale`` (multiplies
  the value, or min/mode/max) and ``dist`` (``"pert"`` - the default -, ``"triangular"``,
  ``"uniform"`` or ``"fixed"`` for the central value only).
* ``{ dk = "REFUSION_LADDER_2016" }`` - the refusion ladder.

.. code-block:: toml

    start = "2018-01"

    [benefit]
    refusion = { dk = "REFUSION_LADDER_2016" }
    indexation = { dk = "SATSREGULERING_EXTRAPOLATION" }  # pert(0.010, 0.0125, 0.016)

    [destinations]
    flexjob = { relapse = 0.03, cost_month = { dk = "FLEXJOB_SUBSIDY_MONTH", scale = 0.8 } }

    [destinations.pension]
    relapse = 0.0
    cost_month = { rate = "foertidspension_single", scale = 0.8 }  # year from start: 2018
    state_month = { rate = "foertidspension_single", scale = 0.2 }

    [[segments]]
    name = "over 30, no children"
    initial = { dk = "STOCK_KONTANTHJAELP_50K" }  # pert(400, 450, 600)
    benefit_month = { rate = "kontanthjaelp_30plus_other", year = 2018 }  # 11282.0, gross
    exit = { job = { dk = "EXIT_YEAR_JOB" }, education = { dk = "EXIT_YEAR_EDUCATION" } }

    [intervention.caseload]
    base = 70
    target = 35
    fte_cost_year = { dk = "CASEWORKER_FTE_COST_YEAR" }
    elasticity = { dk = "CASELOAD_ELASTICITY", dist = "triangular" }

``benefit_month`` is the gross rate: the engine applies the refusion ladder itself, so it must
not be scaled by a municipal share. A destination's ``cost_month`` is the municipality's part
and ``state_month`` the state's, so there the share goes into ``scale``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final

from . import _core


@dataclass(frozen=True, kw_only=True)
class Figure:
    """One number with its unit, source and status.

    ``assumption`` is true when no public figure was found; ``low``/``high`` then give the
    plausible range (both or neither). ``derived`` is true when the value was calculated from
    sourced numbers (the calculation is in ``note``). ``year`` is the price or rate year where
    one applies.
    """

    name: str
    value: float
    unit: str
    source: str
    assumption: bool = False
    low: float | None = None
    high: float | None = None
    note: str = ""
    label: str = ""
    derived: bool = False
    year: int | None = None

    def __post_init__(self) -> None:
        if (self.low is None) != (self.high is None):
            raise ValueError(f"{self.name}: give both low and high, or neither")
        if self.low is not None and self.high is not None:
            if not self.assumption:
                raise ValueError(f"{self.name}: only an assumption has a range")
            if not self.low <= self.value <= self.high or self.low >= self.high:
                raise ValueError(f"{self.name}: need low <= value <= high and low < high")
        if not self.source:
            raise ValueError(f"{self.name}: a figure needs a source (or the reason it has none)")

    @property
    def has_range(self) -> bool:
        """True for an assumption with a range."""
        return self.low is not None and self.high is not None

    @property
    def status(self) -> str:
        """``"assumption"``, ``"derived"`` or ``"sourced"``."""
        if self.assumption:
            return "assumption"
        return "derived" if self.derived else "sourced"


@dataclass(frozen=True, kw_only=True)
class Rate:
    """The monthly rate of a benefit group in one year, with its source."""

    group: str
    year: int
    value: float
    source: str
    derived: bool = False
    note: str = ""


_DATA: Final[dict[str, Any]] = _core.dk_data()
_FIGURES: Final[dict[str, Figure]] = {f["name"]: Figure(**f) for f in _DATA["figures"]}
_GROUP_LABELS: Final[dict[str, str]] = dict(_DATA["rate_groups"])
_RATE_ENTRIES: Final[list[Rate]] = [Rate(**r) for r in _DATA["rates"]]
_LADDER_STEPS: Final[list[dict[str, Any]]] = next(
    ladder["steps"] for ladder in _DATA["ladders"] if ladder["name"] == "REFUSION_LADDER_2016"
)

SATSREGULERING: Final[dict[int, float]] = {int(y): float(c) for y, c in _DATA["satsregulering"]}
"""Actual yearly change of the kontanthjælp rates (share, by the year the new rates apply).

From ``data/satsregulering.toml`` (derived from the kontanthjælp 30+ table; the file's header
gives the sources). Years after the table use the assumption ``SATSREGULERING_EXTRAPOLATION``.
"""

REFUSION_LADDER_2016_WEEKS: Final[tuple[tuple[int, float], ...]] = tuple(
    (int(s["up_to_week"]), float(s["share"])) for s in _LADDER_STEPS
)
"""The ladder as enacted, in cumulative weeks with ydelser: (up to week w, state share s).

Source: lov nr. 994 af 30/08/2015 (lov om kommunernes finansiering af visse offentlige ydelser
udbetalt af kommunerne, Udbetaling Danmark og arbejdsløshedskasserne) § 5, stk. 2, in force
4 Jan 2016,
https://elov.dk/lov-om-kommunernes-finansiering-af-visse-offentlige-ydelser-udbetalt-af-kommunerne-udbetaling-danmark-og-arbejdsloshedskasserne/5/
"""

REFUSION_LADDER_2016: Final[list[list[int | float]]] = [
    [int(s["up_to_month"]), float(s["share"])] for s in _LADDER_STEPS
]
"""The 2016 refusion ladder in the scenario format: up to month m, the state refunds share s.

``[[1, 0.80], [6, 0.40], [12, 0.30], [999, 0.20]]``: month 1 80 %, months 2-6 40 %,
months 7-12 30 %, month 13 on 20 %; the municipality bears the rest. The steps and the figures
holding the shares are in ``data/refusion.toml``.

Source: lov nr. 994 af 30/08/2015 (lov om kommunernes finansiering af visse offentlige ydelser
udbetalt af kommunerne, Udbetaling Danmark og arbejdsløshedskasserne) § 5, stk. 2,
https://elov.dk/lov-om-kommunernes-finansiering-af-visse-offentlige-ydelser-udbetalt-af-kommunerne-udbetaling-danmark-og-arbejdsloshedskasserne/5/
and STAR budget- og konteringsvejledning 5.58.80.

The law counts cumulative *weeks* with ydelser (1-4, 5-26, 27-52, 53+); the weeks were turned
into months (week 4 is about month 1, week 26 month 6, week 52 month 12). The count runs across
all covered ydelser (kontanthjælp, uddannelseshjælp, ressourceforløbsydelse, ...) and starts
again only after 52 weeks of self-support within 3 years (§ 6, see
``REFUSION_RESET_SELF_SUPPORT_WEEKS``). Do not modify: :func:`resolve_references` hands out
copies.
"""


def __getattr__(name: str) -> Figure:
    """Every figure of ``data/figures.toml`` is a module attribute named like it."""
    try:
        return _FIGURES[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None


def __dir__() -> list[str]:
    return sorted([*globals(), *_FIGURES])


# ---------------------------------------------------------------------------------------------
# Benefit rates
# ---------------------------------------------------------------------------------------------


def rate_groups() -> dict[str, str]:
    """The rate groups and what each one is."""
    return dict(_GROUP_LABELS)


def rate_entry(group: str, year: int) -> Rate:
    """The monthly rate of ``group`` in ``year`` with its source (see :func:`rate`)."""
    return Rate(**_core.dk_rate_entry(group, year))


def rate(group: str, year: int) -> float:
    """The official monthly rate (DKK, before tax) of a benefit group in a year.

    Years in the table return the table value (official or, where flagged in
    :func:`rate_entry`, derived). A year after the last table year - or between two table
    years - is the latest earlier table value regulated by the actual yearly changes in
    :data:`SATSREGULERING` where they are known and by the assumed
    ``SATSREGULERING_EXTRAPOLATION`` (1.25 %/yr, an assumption) after that.

    Raises ``ValueError`` naming the group for an unknown group (with a suggestion), a year
    before the table or a year outside the supported years (1990-2100).
    """
    return rate_entry(group, year).value


def rate_entries() -> list[Rate]:
    """All table entries, by group and year (for an assumptions sheet)."""
    return list(_RATE_ENTRIES)


# ---------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------


def figures() -> list[Figure]:
    """Every figure, in the order of ``data/figures.toml``."""
    return list(_FIGURES.values())


def assumptions() -> list[Figure]:
    """The figures that are assumptions (no public figure), in the order of the data file."""
    return [f for f in _FIGURES.values() if f.assumption]


def figure(name: str) -> Figure:
    """The figure called ``name``; ``ValueError`` with a suggestion if there is none."""
    found = _FIGURES.get(name)
    return found if found is not None else _FIGURES[_core.dk_figure(name)["name"]]


# ---------------------------------------------------------------------------------------------
# Scenario references
# ---------------------------------------------------------------------------------------------


def resolve_references(d: dict[str, Any]) -> dict[str, Any]:
    """A copy of a scenario dict with every reference replaced (by the core's resolver).

    * ``{ rate = "<group>", year = <int> }`` becomes ``rate(group, year)``; ``year`` defaults to
      the year of the scenario's ``start = "YYYY-MM"``; ``scale = <number>`` multiplies it.
    * ``{ dk = "<FIGURE_NAME>" }`` becomes the figure's value, or - for an assumption with a
      range - ``{ dist = "pert", min = low, mode = value, max = high }``. ``scale`` multiplies
      the value (or min/mode/max); ``dist`` = ``"pert"`` (default), ``"triangular"``,
      ``"uniform"`` (``low``, ``high``) or ``"fixed"`` (the central value) chooses the form.
    * ``{ dk = "REFUSION_LADDER_2016" }`` becomes a copy of :data:`REFUSION_LADDER_2016`.

    ``scale`` may itself be a ``{ dk = ... }`` reference to a figure without a range. The input
    is not changed; the copy holds plain JSON types (a date becomes its text, a tuple a list),
    and every number that was not a reference keeps its exact value. Errors are ``ValueError``
    whose message starts with the field's path, e.g.
    ``segments[0].benefit_month: unknown rate group ...``; a number that is not finite is an
    error too.
    """
    if not isinstance(d, dict):
        raise ValueError(f"<root>: a scenario must be a table (dict), got {type(d).__name__}")
    from .scenario import _jsonable  # imported here: scenario imports this module

    given = _jsonable(d, "")
    resolved = json.loads(_core.resolve(json.dumps(given, ensure_ascii=False)))
    result = _keep_given(given, resolved)
    assert isinstance(result, dict)
    return result


def _keep_given(given: Any, resolved: Any) -> Any:
    """``resolved`` with the given values wherever no reference was replaced.

    The round trip through JSON text may not give back every float bit for bit (and turns
    integers beyond 64 bits into floats); the given values are kept instead. A reference is a
    table whose replacement has other keys, or is no table at all.
    """
    if isinstance(given, dict):
        if isinstance(resolved, dict) and resolved.keys() == given.keys():
            return {k: _keep_given(v, resolved[k]) for k, v in given.items()}
        return resolved
    if isinstance(given, list) and isinstance(resolved, list) and len(given) == len(resolved):
        return [_keep_given(g, r) for g, r in zip(given, resolved, strict=True)]
    return given
