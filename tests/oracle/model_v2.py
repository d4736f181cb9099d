"""Reference implementation of the indsats model, version 2 (MODEL.md 1–12), mean-field mode.

An independent reading of the specification in plain NumPy, written for exactness and
clarity rather than speed: it loops over months, segments, duration cells and
destinations. `simulate_mean_field` returns the outputs of the output contract
(OUTPUTS.md) by name; `markov_v2` computes the same outputs as a product of monthly
transition matrices.

Readings of the specification
-----------------------------
Where MODEL.md leaves a choice, this module takes the reading below (Rn is how the
engine and this oracle are reconciled).

R1  Ramps. 11.1 raises the month's total ratio to one ρ(t). With a start and ramp per
    component (12.1) every factor gets its own ramp: the caseload ratio (after `max_hr`)
    is raised to ρ of the intervention (its start, its `ramp_months`), each component's
    average ratio `1 + φ_c (HR_c,k − 1)` to its own ρ_c (its unclipped start, its
    `ramp_months`). With one ramp for all this is 11.1.
R2  The caseload runs, acts and is paid in the intervention's months
    (start ≤ t < end); its B is the benefit stock of its own `segments` (default the
    intervention's) and its ratio acts on those segments only.
R3  A component runs in start_c ≤ t < end_c (within the horizon). Only then does it act,
    enrol, cost (`fixed_year / 12` included) and follow; its enrolment is 0 in the other
    months. `one_off` is charged in month start_c when 0 ≤ start_c < T, price-indexed with
    that month's calendar year and refunded by that year's `state_share`.
R4  A capped month is a month the component runs with `participants` > B_c (strictly);
    a coverage component is never capped.
R5  Followed stocks. The month's followed arrivals enter follow-up cell 1. In the relapse
    step every cell relapses with the component's ramped ratio `RHR^ρ_c`; then the
    survivors of cell L (`follow_up_months`), and all cells in the component's last
    running month (end_c − 1), join the plain stock; the other cells move one cell on.
    Without `follow_up_months` a followed stock has one cell and ends only with the
    component (or the horizon). Plain stocks always relapse with ratio 1 (11.2).
R6  When a component's ramped average ratio A_c,k is 0 nobody leaves to k, and s_c is
    taken as 0. In the sequential assignment the probability is 1 (the cap) when
    1 − Σ s of earlier components ≤ 0: nobody is left to assign then anyway.
R7  t0 of gross_savings is the first horizon month in which the intervention's window
    (with or without a caseload) or a component runs. Persons in destinations at the
    horizon's start (initial_destinations, burn-in, an intervention begun before the
    horizon) are not counted; exits from a targeted segment's benefit to job or
    education in month t0 or later are. Followed stocks arise only while a component
    runs, so they are always counted. Nothing running in the horizon: nothing claimed.
R8  gross_savings values a claimed person-month at the segment's benefit_month × the
    indexation factor of the month's year × (1 − refusion share of cell 12), whatever
    the perspective; only destinations named `job` and `education`; only targeted
    segments (`intervention.segments`).
R9  municipal_benefit_savings covers every segment's benefit stock at 1 − refusion(d) per
    cell (a segment no effect reaches is the same in both arms, so it adds nothing);
    benefit_share payments are not part of it.
R10 A year's `funding` is spread evenly over that year's horizon months, whether or not
    the intervention runs in them (section 7).
R11 Cost parts by perspective: cost.benefit is benefit × (1 − refusion(d)) (municipal),
    × refusion(d) (state), gross (public); cost.effort is indsats_month × the price factor
    on the benefit stock for municipal and public, 0 for state; cost.destinations is
    cost_month (municipal), state_month (state) or both (public), indexed by
    `indexation`, plus a benefit_share destination's share of benefit_month (indexed) at
    1 − refusion(cell 12) (municipal), refusion(cell 12) (state) or gross (public).
R12 A per-year `indexation` or `price_index` list gives factor_0 = 1 and
    factor_j = Π_{i=1..j} (1 + entry_i); a number x gives (1 + x)^j.
R13 Burn-in: 12 · burn_in_years months of the baseline step with entry 0 of every
    per-year list (inflow, exits), the same duration_hr and inflow_cell; no costs; both
    arms start from the state reached, with empty followed stocks.
R14 Distributions: a `fixed` distribution is its value; any other one is rejected unless
    `values` gives its value under the positional path (`segments[0].exit.job`, an entry
    of a per-year list `segments[0].exit.job[2]`, a ladder share
    `benefit.refusion[1][1]`); a `values` entry matching no distribution is an error, and
    so is a `{ rate = … }` reference. `[[correlations]]` is accepted (its shape checked)
    and ignored: it only changes sampling.
R15 Mean field: `initial` and `initial_destinations` are not rounded.
R16 B_T, B_c: the intervention arm's benefit stock after inflow, excluding benefit_share
    destinations (12.5).
R17 extra_job_education reads the job + education stock after the last month's relapse
    step (the end of following only moves persons inside the destination).
R18 Caseload: extra(t) = max(0, B/target − B/base) (target mode) or extra_fte(year);
    c = B / (B/base + extra); ratio min(max_hr, (base/c)^elasticity); B = 0: ratio 1 and,
    in target mode, extra 0.
R19 `affects` defaults to those of job and education that the scenario has.
R20 A per-segment output `segment[<seg>].savings` is the perspective's cost difference of
    the segment's states (benefit, effort, destinations); investment is not split.
R21 Calendar year of every per-year value: the year of the month in which it is used
    (the relapse ratio of a month, its hazard ratios, its prices).
R22 `intervention.start` and `end` are required; `ramp_months` may be fractional. A
    component's `start`/`end` default to the intervention's, its `ramp_months` to the
    intervention's even when its own start differs.
R23 The burn-in warning of 12.4 (`burn_in_warning`): the baseline arm's average benefit
    stock of the last calendar year differs from that of the first by more than 15 % of
    the first (in mean field the mean over draws is the value itself).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

N_CELLS = 13
LAST_CELL = N_CELLS - 1
ARMS = ("baseline", "intervention")
PERSPECTIVES = ("municipal", "state", "public")
JOB_EDUCATION = ("job", "education")
DEFAULT_REFUSION: list[list[float]] = [[1, 0.80], [6, 0.40], [12, 0.30], [999, 0.20]]
COST_PARTS = ("cost.benefit", "cost.effort", "cost.destinations")

_KEYS = {
    "": {
        "name", "start", "years", "discount_rate", "perspective", "benefit", "destinations",
        "segments", "intervention", "burn_in_years", "price_index", "correlations",
    },
    "benefit": {"refusion", "reentry_cell", "indsats_month", "indexation", "initial_cell"},
    "destination": {"relapse", "cost_month", "state_month", "benefit_share"},
    "segment": {
        "name", "initial", "inflow_per_year", "benefit_month", "exit", "initial_cell",
        "inflow_cell", "duration_hr", "initial_destinations",
    },
    "intervention": {"start", "end", "segments", "ramp_months", "funding", "caseload",
                     "components"},
    "caseload": {"base", "target", "extra_fte", "fte_cost_year", "elasticity", "max_hr",
                 "affects", "segments"},
    "component": {
        "name", "participants", "coverage", "cost_month", "fixed_year", "one_off", "hr",
        "relapse_hr", "segments", "start", "end", "ramp_months", "state_share",
        "follow_up_months",
    },
    "correlation": {"name", "paths", "rho"},
}  # fmt: skip


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Destination:
    name: str
    relapse: float  # annual probability back to benefit
    cost_month: float
    state_month: float
    benefit_share: float


@dataclass(frozen=True)
class Segment:
    name: str
    initial: float
    initial_cell: int
    inflow: FloatArray  # persons per year, per calendar year
    inflow_cell: int
    benefit_month: float
    exit: FloatArray  # (years, destinations) annual probabilities
    duration_hr: FloatArray  # (13,) ratio of every exit hazard by cell
    initial_destinations: FloatArray  # (destinations,)


@dataclass(frozen=True)
class Caseload:
    segments: tuple[int, ...]
    base: float
    target: float | None
    extra_fte: FloatArray | None  # per calendar year
    fte_cost_year: float
    elasticity: float
    max_hr: float
    affects: tuple[int, ...]


@dataclass(frozen=True)
class Component:
    name: str
    segments: tuple[int, ...]
    start: int  # month index from the horizon's start, unclipped
    end: int  # exclusive
    ramp_months: float
    participants: FloatArray | None  # per calendar year
    coverage: FloatArray | None
    cost_month: float
    fixed_year: float
    one_off: float
    hr: FloatArray  # (years, destinations)
    relapse_hr: dict[int, FloatArray]  # destination -> per calendar year
    state_share: FloatArray
    follow_up_months: int | None

    def runs(self, t: int) -> bool:
        return self.start <= t < self.end

    def follow_cells(self) -> int:
        return 1 if self.follow_up_months is None else self.follow_up_months


@dataclass(frozen=True)
class Intervention:
    start: int
    end: int
    segments: tuple[int, ...]
    ramp_months: float
    funding: FloatArray  # per calendar year
    caseload: Caseload | None
    components: tuple[Component, ...]

    def runs(self, t: int) -> bool:
        return self.start <= t < self.end


@dataclass(frozen=True)
class Inputs:
    """A scenario with every value resolved to numbers, per month where it matters."""

    name: str
    start_year: int
    months: int
    year_of_month: NDArray[np.int64]  # (months,) calendar-year column of each month
    months_in_year: FloatArray  # (years,)
    discount_rate: float
    perspective: str
    refusion: FloatArray  # (13,) state's share of benefit by cell
    reentry_cell: int
    indsats_month: float
    indexation: FloatArray  # (years,) factor on benefit and destination costs
    price: FloatArray  # (years,) factor on the investment's prices and indsats_month
    destinations: tuple[Destination, ...]
    segments: tuple[Segment, ...]
    intervention: Intervention | None
    burn_in_years: int

    @property
    def n_years(self) -> int:
        return len(self.months_in_year)

    @property
    def years(self) -> list[int]:
        return [self.start_year + y for y in range(self.n_years)]

    @property
    def states(self) -> list[str]:
        return ["benefit", *(d.name for d in self.destinations)]

    @property
    def components(self) -> tuple[Component, ...]:
        return () if self.intervention is None else self.intervention.components

    def job_education(self) -> list[int]:
        return [k for k, d in enumerate(self.destinations) if d.name in JOB_EDUCATION]

    def targeted(self) -> tuple[int, ...]:
        return () if self.intervention is None else self.intervention.segments

    def followers(self) -> list[tuple[int, int]]:
        """(component, destination) pairs with a followed stock, components by name."""
        order = sorted(range(len(self.components)), key=lambda c: self.components[c].name)
        return [
            (c, k)
            for k in range(len(self.destinations))
            for c in order
            if k in self.components[c].relapse_hr
        ]

    def first_running_month(self) -> int | None:
        """t0 of gross_savings (R7): the first horizon month anything runs."""
        iv = self.intervention
        if iv is None:
            return None
        for t in range(self.months):
            if iv.runs(t) or any(c.runs(t) for c in iv.components):
                return t
        return None


class _Reader:
    """Turns scenario values into floats; distributions come from `values` (R14)."""

    def __init__(self, values: Mapping[str, float] | None, start: tuple[int, int], n_years: int):
        self.values = dict(values or {})
        self.used: set[str] = set()
        self.start = start
        self.n_years = n_years
        self.dests: list[str] = []
        self.seg_names: list[str] = []

    def month_index(self, raw: Any, path: str) -> int:
        """A 'YYYY-MM' as months from the horizon's start."""
        year, month = month_of(raw, path)
        return (year - self.start[0]) * 12 + (month - self.start[1])

    def number(self, raw: Any, path: str) -> float:
        if isinstance(raw, bool) or raw is None:
            raise ValueError(f"{path}: expected a number; got {raw!r}")
        if isinstance(raw, int | float):
            return float(raw)
        if isinstance(raw, Mapping):
            if raw.get("dist") == "fixed" and set(raw) == {"dist", "value"}:
                return self.number(raw["value"], path)
            if "dist" in raw and path in self.values:
                self.used.add(path)
                return float(self.values[path])
            raise ValueError(
                f"{path}: the mean-field oracle takes fixed numbers; give this "
                f"distribution's value in `values` under {path!r}"
            )
        raise ValueError(f"{path}: expected a number; got {raw!r}")

    def number_in(self, raw: Any, path: str, low: float, high: float) -> float:
        x = self.number(raw, path)
        if not low <= x <= high:
            raise ValueError(f"{path}: must lie in [{low}, {high}]; got {x}")
        return x

    def probability(self, raw: Any, path: str) -> float:
        x = self.number(raw, path)
        if not 0 <= x < 1:
            raise ValueError(f"{path}: must be a probability in [0, 1); got {x}")
        return x

    def per_year(self, raw: Any, path: str) -> FloatArray:
        n_years = self.n_years
        if isinstance(raw, list):
            if len(raw) != n_years:
                raise ValueError(
                    f"{path}: a list needs one entry per calendar year ({n_years}); got {len(raw)}"
                )
            return np.array([self.number(v, f"{path}[{j}]") for j, v in enumerate(raw)])
        return np.full(n_years, self.number(raw, path))

    def growth(self, raw: Any, path: str) -> FloatArray:
        """Compounded factors of an annual rise (R12)."""
        n_years = self.n_years
        if isinstance(raw, list):
            rates = self.per_year(raw, path)
            factors = np.ones(n_years)
            for j in range(1, n_years):
                factors[j] = factors[j - 1] * (1.0 + rates[j])
            return factors
        rate = self.number(raw, path)
        return np.array([(1.0 + rate) ** j for j in range(n_years)])

    def ladder(self, raw: Any, path: str) -> FloatArray:
        """A [[up_to_month, value], …] ladder read per duration cell (cell d = month d + 1)."""
        if not isinstance(raw, list) or not raw:
            raise ValueError(f"{path}: must be a list of [up_to_month, value] pairs")
        months: list[int] = []
        shares: list[float] = []
        for i, step in enumerate(raw):
            if not isinstance(step, list) or len(step) != 2:
                raise ValueError(f"{path}[{i}]: must be a pair [up_to_month, value]")
            months.append(integer(step[0], f"{path}[{i}][0]", 1, 10**6))
            shares.append(self.number(step[1], f"{path}[{i}][1]"))
        if any(b <= a for a, b in itertools.pairwise(months)) or months[-1] < 13:
            raise ValueError(f"{path}: months must increase and the last be at least 13")
        by_cell = np.empty(N_CELLS)
        for d in range(N_CELLS):
            by_cell[d] = next(s for m, s in zip(months, shares, strict=True) if m >= d + 1)
        return by_cell

    def check_all_used(self) -> None:
        unused = sorted(set(self.values) - self.used)
        if unused:
            raise ValueError(f"values: no distribution at {', '.join(unused)}")


def integer(raw: Any, path: str, low: int, high: int) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not low <= raw <= high:
        raise ValueError(f"{path}: must be an integer from {low} to {high}; got {raw!r}")
    return raw


def month_of(raw: Any, path: str) -> tuple[int, int]:
    try:
        year, month = (int(p) for p in str(raw).split("-"))
    except ValueError:
        raise ValueError(f"{path}: must be a month 'YYYY-MM'; got {raw!r}") from None
    if not 1 <= month <= 12:
        raise ValueError(f"{path}: must be a month 'YYYY-MM'; got {raw!r}")
    return year, month


def _table(raw: Any, path: str, kind: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise ValueError(f"{path or 'scenario'}: must be a table")
    unknown = sorted(set(raw) - _KEYS[kind])
    if unknown:
        raise ValueError(f"{path + '.' if path else ''}{unknown[0]}: unknown field")
    return raw


def _required(table: Mapping[str, Any], key: str, path: str) -> Any:
    if key not in table:
        raise ValueError(f"{path}.{key}: missing" if path else f"{key}: missing")
    return table[key]


def _names(raw: Any, path: str, known: Sequence[str]) -> tuple[int, ...]:
    if not isinstance(raw, list):
        raise ValueError(f"{path}: must be a list of names")
    for j, name in enumerate(raw):
        if name not in known:
            raise ValueError(f"{path}[{j}]: unknown name {name!r}; known: {', '.join(known)}")
    return tuple(sorted(known.index(n) for n in set(raw)))


def _by_destination(read: _Reader, raw: Any, path: str, default: float) -> FloatArray:
    """A {destination: per-year value} table as (years, destinations)."""
    dests, n_years = read.dests, read.n_years
    table = {} if raw is None else raw
    if not isinstance(table, Mapping):
        raise ValueError(f"{path}: must be a table keyed by destination")
    out = np.full((n_years, len(dests)), default)
    for name, value in table.items():
        if name not in dests:
            raise ValueError(f"{path}.{name}: unknown destination; known: {', '.join(dests)}")
        out[:, dests.index(name)] = read.per_year(value, f"{path}.{name}")
    return out


def parse(scenario: Mapping[str, Any], values: Mapping[str, float] | None = None) -> Inputs:
    """Resolve a scenario (MODEL.md 10 and 12) into `Inputs`; bad input names its field."""
    sc = _table(scenario, "", "")
    start_year, start_month = month_of(_required(sc, "start", ""), "start")
    months = 12 * integer(_required(sc, "years", ""), "years", 1, 100)
    year_of_month = np.array([(start_month - 1 + t) // 12 for t in range(months)], np.int64)
    n_years = int(year_of_month[-1]) + 1
    months_in_year = np.bincount(year_of_month, minlength=n_years).astype(np.float64)
    read = _Reader(values, (start_year, start_month), n_years)

    perspective = sc.get("perspective", "municipal")
    if perspective not in PERSPECTIVES:
        raise ValueError(f"perspective: must be one of {', '.join(PERSPECTIVES)}")
    benefit = _table(sc.get("benefit", {}), "benefit", "benefit")
    destinations = _parse_destinations(read, _required(sc, "destinations", ""))
    read.dests = [d.name for d in destinations]
    default_initial_cell = integer(
        benefit.get("initial_cell", LAST_CELL), "benefit.initial_cell", 0, LAST_CELL
    )
    raw_segments = _required(sc, "segments", "")
    if not isinstance(raw_segments, list) or not raw_segments:
        raise ValueError("segments: must be a non-empty list")
    segments = tuple(
        _parse_segment(read, raw, f"segments[{i}]", default_initial_cell)
        for i, raw in enumerate(raw_segments)
    )
    read.seg_names = [s.name for s in segments]
    if len(set(read.seg_names)) != len(segments):
        raise ValueError("segments: names must be unique")
    intervention = _parse_intervention(read, sc["intervention"]) if "intervention" in sc else None
    for i, group in enumerate(sc.get("correlations", [])):
        g = _table(group, f"correlations[{i}]", "correlation")
        if not isinstance(_required(g, "paths", f"correlations[{i}]"), list):
            raise ValueError(f"correlations[{i}].paths: must be a list of field paths")
        read.probability(_required(g, "rho", f"correlations[{i}]"), f"correlations[{i}].rho")
    inputs = Inputs(
        name=str(sc.get("name", "")),
        start_year=start_year,
        months=months,
        year_of_month=year_of_month,
        months_in_year=months_in_year,
        discount_rate=read.number(sc.get("discount_rate", 0.0), "discount_rate"),
        perspective=perspective,
        refusion=read.ladder(benefit.get("refusion", DEFAULT_REFUSION), "benefit.refusion"),
        reentry_cell=integer(
            benefit.get("reentry_cell", LAST_CELL), "benefit.reentry_cell", 0, LAST_CELL
        ),
        indsats_month=read.number(benefit.get("indsats_month", 0.0), "benefit.indsats_month"),
        indexation=read.growth(benefit.get("indexation", 0.0), "benefit.indexation"),
        price=read.growth(sc.get("price_index", 0.0), "price_index"),
        destinations=destinations,
        segments=segments,
        intervention=intervention,
        burn_in_years=integer(sc.get("burn_in_years", 0), "burn_in_years", 0, 20),
    )
    read.check_all_used()
    return inputs


def _parse_destinations(read: _Reader, raw: Any) -> tuple[Destination, ...]:
    if not isinstance(raw, Mapping) or not raw:
        raise ValueError("destinations: must be a non-empty table")
    out = []
    for name, spec in raw.items():
        path = f"destinations.{name}"
        d = _table(spec, path, "destination")
        out.append(
            Destination(
                name=str(name),
                relapse=read.probability(d.get("relapse", 0.0), f"{path}.relapse"),
                cost_month=read.number(d.get("cost_month", 0.0), f"{path}.cost_month"),
                state_month=read.number(d.get("state_month", 0.0), f"{path}.state_month"),
                benefit_share=read.number_in(
                    d.get("benefit_share", 0.0), f"{path}.benefit_share", 0, 1
                ),
            )
        )
    return tuple(out)


def _parse_segment(read: _Reader, raw: Any, path: str, initial_cell: int) -> Segment:
    s = _table(raw, path, "segment")
    dests = read.dests
    exit_p = _by_destination(read, s.get("exit"), f"{path}.exit", 0.0)
    if (exit_p < 0).any() or (exit_p >= 1).any():
        raise ValueError(f"{path}.exit: probabilities must lie in [0, 1)")
    initial_dest = np.zeros(len(dests))
    raw_initial_dest = s.get("initial_destinations", {})
    if not isinstance(raw_initial_dest, Mapping):
        raise ValueError(f"{path}.initial_destinations: must be a table keyed by destination")
    for name, count in raw_initial_dest.items():
        if name not in dests:
            raise ValueError(f"{path}.initial_destinations.{name}: unknown destination")
        initial_dest[dests.index(name)] = read.number_in(
            count, f"{path}.initial_destinations.{name}", 0, math.inf
        )
    return Segment(
        name=str(_required(s, "name", path)),
        initial=read.number_in(s.get("initial", 0.0), f"{path}.initial", 0, math.inf),
        initial_cell=integer(
            s.get("initial_cell", initial_cell), f"{path}.initial_cell", 0, LAST_CELL
        ),
        inflow=read.per_year(s.get("inflow_per_year", 0.0), f"{path}.inflow_per_year"),
        inflow_cell=integer(s.get("inflow_cell", 0), f"{path}.inflow_cell", 0, LAST_CELL),
        benefit_month=read.number(_required(s, "benefit_month", path), f"{path}.benefit_month"),
        exit=exit_p,
        duration_hr=(
            read.ladder(s["duration_hr"], f"{path}.duration_hr")
            if "duration_hr" in s
            else np.ones(N_CELLS)
        ),
        initial_destinations=initial_dest,
    )


def _parse_intervention(read: _Reader, raw: Any) -> Intervention:
    path = "intervention"
    iv = _table(raw, path, "intervention")
    start = read.month_index(_required(iv, "start", path), f"{path}.start")
    end = read.month_index(_required(iv, "end", path), f"{path}.end")
    if end < start:
        raise ValueError(f"{path}.end: before {path}.start")
    segments = (
        _names(iv["segments"], f"{path}.segments", read.seg_names)
        if "segments" in iv
        else tuple(range(len(read.seg_names)))
    )
    ramp = read.number_in(iv.get("ramp_months", 0.0), f"{path}.ramp_months", 0, math.inf)
    caseload = None
    if "caseload" in iv:
        caseload = _parse_caseload(read, iv["caseload"], segments)
    raw_components = iv.get("components", [])
    components = tuple(
        _parse_component(read, c, f"{path}.components[{i}]", (start, end, ramp), segments)
        for i, c in enumerate(raw_components)
    )
    if len({c.name for c in components}) != len(components):
        raise ValueError(f"{path}.components: names must be unique")
    return Intervention(
        start=start,
        end=end,
        segments=segments,
        ramp_months=ramp,
        funding=read.per_year(iv.get("funding", 0.0), f"{path}.funding"),
        caseload=caseload,
        components=components,
    )


def _subset(read: _Reader, raw: Any, path: str, targeted_idx: tuple[int, ...]) -> tuple[int, ...]:
    """A list of segment names that must lie among the intervention's (12.1)."""
    if raw is None:
        return targeted_idx
    names = read.seg_names
    targeted = [names[g] for g in targeted_idx]
    if not isinstance(raw, list):
        raise ValueError(f"{path}: must be a list of names")
    for j, name in enumerate(raw):
        if name not in targeted:
            raise ValueError(
                f"{path}[{j}]: {name!r} is not one of intervention.segments ({', '.join(targeted)})"
            )
    return tuple(sorted(names.index(n) for n in set(raw)))


def _parse_caseload(read: _Reader, raw: Any, targeted_idx: tuple[int, ...]) -> Caseload:
    path = "intervention.caseload"
    cl = _table(raw, path, "caseload")
    if ("target" in cl) == ("extra_fte" in cl):
        raise ValueError(f"{path}: give exactly one of target and extra_fte")
    affects_default = [d for d in JOB_EDUCATION if d in read.dests]
    return Caseload(
        segments=_subset(read, cl.get("segments"), f"{path}.segments", targeted_idx),
        base=read.number_in(_required(cl, "base", path), f"{path}.base", 1e-300, math.inf),
        target=(
            read.number_in(cl["target"], f"{path}.target", 1e-300, math.inf)
            if "target" in cl
            else None
        ),
        extra_fte=(
            read.per_year(cl["extra_fte"], f"{path}.extra_fte") if "extra_fte" in cl else None
        ),
        fte_cost_year=read.number(_required(cl, "fte_cost_year", path), f"{path}.fte_cost_year"),
        elasticity=read.number_in(
            _required(cl, "elasticity", path), f"{path}.elasticity", 0, math.inf
        ),
        max_hr=read.number(cl.get("max_hr", math.inf), f"{path}.max_hr"),
        affects=_names(cl.get("affects", affects_default), f"{path}.affects", read.dests),
    )


def _parse_component(
    read: _Reader, raw: Any, path: str, window: tuple[int, int, float], targeted: tuple[int, ...]
) -> Component:
    """A component; `window` is the intervention's (start, end, ramp_months)."""
    c = _table(raw, path, "component")
    dests = read.dests
    if ("participants" in c) == ("coverage" in c):
        raise ValueError(f"{path}: give exactly one of participants and coverage")
    start = read.month_index(c["start"], f"{path}.start") if "start" in c else window[0]
    end = read.month_index(c["end"], f"{path}.end") if "end" in c else window[1]
    if end < start:
        raise ValueError(f"{path}.end: before {path}.start")
    relapse = _by_destination(read, c.get("relapse_hr"), f"{path}.relapse_hr", 1.0)
    raw_relapse = c.get("relapse_hr", {})
    coverage = read.per_year(c["coverage"], f"{path}.coverage") if "coverage" in c else None
    if coverage is not None and ((coverage < 0).any() or (coverage > 1).any()):
        raise ValueError(f"{path}.coverage: must lie in [0, 1]")
    state_share = read.per_year(c.get("state_share", 0.0), f"{path}.state_share")
    if (state_share < 0).any() or (state_share > 1).any():
        raise ValueError(f"{path}.state_share: must lie in [0, 1]")
    follow = c.get("follow_up_months")
    return Component(
        name=str(_required(c, "name", path)),
        segments=_subset(read, c.get("segments"), f"{path}.segments", targeted),
        start=start,
        end=end,
        ramp_months=read.number_in(
            c.get("ramp_months", window[2]), f"{path}.ramp_months", 0, math.inf
        ),
        participants=(
            read.per_year(c["participants"], f"{path}.participants")
            if "participants" in c
            else None
        ),
        coverage=coverage,
        cost_month=read.number(c.get("cost_month", 0.0), f"{path}.cost_month"),
        fixed_year=read.number(c.get("fixed_year", 0.0), f"{path}.fixed_year"),
        one_off=read.number(c.get("one_off", 0.0), f"{path}.one_off"),
        hr=_by_destination(read, c.get("hr"), f"{path}.hr", 1.0),
        relapse_hr={dests.index(k): relapse[:, dests.index(k)] for k in raw_relapse},
        state_share=state_share,
        follow_up_months=(
            None if follow is None else integer(follow, f"{path}.follow_up_months", 1, 10**6)
        ),
    )


# --------------------------------------------------------------------------- shared rules


def ramp(t: int, start: int, ramp_months: float) -> float:
    """ρ(t) = min(1, (t − start + 1) / ramp_months), 1 without a ramp (section 5)."""
    return 1.0 if ramp_months == 0 else min(1.0, (t - start + 1) / ramp_months)


def monthly_hazards(annual: FloatArray) -> FloatArray:
    """h_k = −ln(1 − p_k) / 12."""
    return np.array([-math.log(1.0 - p) / 12.0 for p in annual])


def monthly_relapse(annual: float, ratio: float) -> float:
    """1 − exp(ln(1 − q) / 12 · ratio)."""
    return 1.0 - math.exp(math.log(1.0 - annual) / 12.0 * ratio)


def leaving_probabilities(hazards: FloatArray) -> FloatArray:
    """P_k = h_k / H · (1 − e^(−H)), 0 when H = 0."""
    total = float(hazards.sum())
    if total == 0.0:
        return np.zeros_like(hazards)
    return hazards / total * (1.0 - math.exp(-total))


def followed_shares(shares: Sequence[float]) -> list[float]:
    """Fractions of a destination's leavers that join each following component, in order.

    `shares` are the s_c of the components following the destination, in name order;
    each takes probability s_c / (1 − Σ earlier s), capped at 1, of those not yet taken.
    """
    remaining, earlier, out = 1.0, 0.0, []
    for s in shares:
        left = 1.0 - earlier
        p = 1.0 if left <= 0.0 else min(1.0, s / left)
        out.append(p * remaining)
        remaining -= p * remaining
        earlier += s
    return out


def enrolled_share(phi: float, average_ratio: float) -> float:
    """s_c = 1 − (1 − φ_c) / A_c,k: the share of leavers to k who were enrolled (R6)."""
    return 0.0 if average_ratio == 0.0 else 1.0 - (1.0 - phi) / average_ratio


# --------------------------------------------------------------------------- one month


@dataclass
class Effects:
    """What the intervention does in one month (intervention arm)."""

    hazard_ratio: FloatArray  # (segments, destinations)
    follow_share: dict[tuple[int, int], FloatArray]  # (c, k) -> (segments,) s_c
    relapse_ratio: dict[tuple[int, int], float]  # (c, k) -> ramped RHR
    enrolment: FloatArray  # (components,)
    capped: FloatArray  # (components,) 1.0 when capped
    component_cost: FloatArray  # (components,) gross, one_off included
    caseload_cost: float


def no_effects(inputs: Inputs) -> Effects:
    n_c = len(inputs.components)
    return Effects(
        hazard_ratio=np.ones((len(inputs.segments), len(inputs.destinations))),
        follow_share={},
        relapse_ratio={},
        enrolment=np.zeros(n_c),
        capped=np.zeros(n_c),
        component_cost=np.zeros(n_c),
        caseload_cost=0.0,
    )


def effects_of_month(inputs: Inputs, t: int, benefit: FloatArray) -> Effects:
    """Ratios, enrolment and investment of month t from the intervention arm's
    benefit stock after inflow, `benefit` (segments, cells)."""
    out = no_effects(inputs)
    iv = inputs.intervention
    if iv is None:
        return out
    y = int(inputs.year_of_month[t])
    stock = benefit.sum(axis=1)
    cl = iv.caseload
    if cl is not None and iv.runs(t):
        b = float(sum(stock[g] for g in cl.segments))
        if cl.extra_fte is not None:
            extra = float(cl.extra_fte[y])
        else:
            assert cl.target is not None
            extra = max(0.0, b / cl.target - b / cl.base)
        out.caseload_cost = extra * cl.fte_cost_year * inputs.price[y] / 12.0
        if b > 0:
            caseload = b / (b / cl.base + extra)
            ratio = min(cl.max_hr, (cl.base / caseload) ** cl.elasticity)
            rho = ramp(t, iv.start, iv.ramp_months)
            for g in cl.segments:
                for k in cl.affects:
                    out.hazard_ratio[g, k] *= ratio**rho
    for c, comp in enumerate(iv.components):
        if not comp.runs(t):
            continue
        b = float(sum(stock[g] for g in comp.segments))
        if comp.participants is not None:
            enrolled = min(float(comp.participants[y]), b)
            out.capped[c] = 1.0 if comp.participants[y] > b else 0.0
        else:
            assert comp.coverage is not None
            enrolled = float(comp.coverage[y]) * b
        phi = enrolled / b if b > 0 else 0.0
        out.enrolment[c] = enrolled
        one_off = comp.one_off if t == comp.start else 0.0
        out.component_cost[c] = (
            enrolled * comp.cost_month + comp.fixed_year / 12.0 + one_off
        ) * inputs.price[y]
        rho = ramp(t, comp.start, comp.ramp_months)
        for k in range(len(inputs.destinations)):
            average = (1.0 + phi * (comp.hr[y, k] - 1.0)) ** rho
            for g in comp.segments:
                out.hazard_ratio[g, k] *= average
            if k in comp.relapse_hr:
                shares = np.zeros(len(inputs.segments))
                for g in comp.segments:
                    shares[g] = enrolled_share(phi, average)
                out.follow_share[(c, k)] = shares
                out.relapse_ratio[(c, k)] = float(comp.relapse_hr[k][y]) ** rho
    return out


@dataclass
class ArmState:
    benefit: FloatArray  # (segments, 13)
    plain: FloatArray  # (segments, destinations), tagged part included
    tagged: FloatArray  # (segments, destinations): plain persons gross_savings counts
    followed: dict[tuple[int, int], FloatArray]  # (c, k) -> (segments, follow-up cells)

    def destinations(self) -> FloatArray:
        out = self.plain.copy()
        for (_, k), stock in self.followed.items():
            out[:, k] += stock.sum(axis=1)
        return out


def initial_state(inputs: Inputs) -> ArmState:
    n_g, n_k = len(inputs.segments), len(inputs.destinations)
    benefit = np.zeros((n_g, N_CELLS))
    plain = np.zeros((n_g, n_k))
    for g, seg in enumerate(inputs.segments):
        benefit[g, seg.initial_cell] = seg.initial
        plain[g] = seg.initial_destinations
    followed = {
        (c, k): np.zeros((n_g, inputs.components[c].follow_cells())) for c, k in inputs.followers()
    }
    return ArmState(benefit, plain, np.zeros((n_g, n_k)), followed)


def add_inflow(inputs: Inputs, state: ArmState, y: int) -> float:
    total = 0.0
    for g, seg in enumerate(inputs.segments):
        state.benefit[g, seg.inflow_cell] += seg.inflow[y] / 12.0
        total += seg.inflow[y] / 12.0
    return total


def exits_and_relapse(
    inputs: Inputs, state: ArmState, t: int | None, y: int, effects: Effects, t0: int | None
) -> tuple[FloatArray, FloatArray]:
    """Steps 3–5 of section 4 and the end of following (R5) for month t (None in
    burn-in); returns the flows into each destination and the relapses, by segment."""
    n_g, n_k = state.plain.shape
    flows = np.zeros((n_g, n_k))
    relapses = np.zeros(n_g)
    followers = inputs.followers()
    tag = _tagging(inputs, t, t0)
    for g, seg in enumerate(inputs.segments):
        base = monthly_hazards(seg.exit[y])
        new_benefit = np.zeros(N_CELLS)
        for d in range(N_CELLS):
            p = leaving_probabilities(base * effects.hazard_ratio[g] * seg.duration_hr[d])
            flows[g] += state.benefit[g, d] * p
            new_benefit[min(d + 1, LAST_CELL)] += state.benefit[g, d] * (1.0 - p.sum())
        state.benefit[g] = new_benefit
        for k in range(n_k):
            mine = [c for c, kk in followers if kk == k]
            shares = [float(effects.follow_share.get((c, k), np.zeros(n_g))[g]) for c in mine]
            to_plain = flows[g, k]
            for c, fraction in zip(mine, followed_shares(shares), strict=True):
                state.followed[(c, k)][g, 0] += fraction * flows[g, k]
                to_plain -= fraction * flows[g, k]
            state.plain[g, k] += to_plain
            if tag[g, k]:
                state.tagged[g, k] += to_plain
    for k, dest in enumerate(inputs.destinations):
        r = monthly_relapse(dest.relapse, 1.0)
        back = state.plain[:, k] * r
        state.plain[:, k] -= back
        state.tagged[:, k] -= state.tagged[:, k] * r
        relapses += back
        state.benefit[:, inputs.reentry_cell] += back
    for (c, k), stock in state.followed.items():
        r = monthly_relapse(inputs.destinations[k].relapse, effects.relapse_ratio.get((c, k), 1))
        back = stock.sum(axis=1) * r
        stock *= 1.0 - r
        relapses += back
        state.benefit[:, inputs.reentry_cell] += back
        _end_following(inputs, state, c, k, t, tag)
    return flows, relapses


def _tagging(inputs: Inputs, t: int | None, t0: int | None) -> NDArray[np.bool_]:
    """(segments, destinations): do this month's arrivals count for gross_savings (R7)?"""
    tag = np.zeros((len(inputs.segments), len(inputs.destinations)), bool)
    if t is None or t0 is None or t < t0:
        return tag
    for g in inputs.targeted():
        for k in inputs.job_education():
            tag[g, k] = True
    return tag


def _end_following(
    inputs: Inputs, state: ArmState, c: int, k: int, t: int | None, tag: NDArray[np.bool_]
) -> None:
    stock = state.followed[(c, k)]
    comp = inputs.components[c]
    if t is not None and t == comp.end - 1:
        leaving = stock.sum(axis=1)
        stock[:] = 0.0
    elif comp.follow_up_months is not None:
        leaving = stock[:, -1].copy()
        stock[:, 1:] = stock[:, :-1].copy()
        stock[:, 0] = 0.0
    else:
        return
    state.plain[:, k] += leaving
    state.tagged[:, k] += np.where(tag[:, k], leaving, 0.0)


# --------------------------------------------------------------------------- the record


@dataclass
class Monthly:
    """Everything the outputs are made of, per month (arm axis: baseline, intervention)."""

    stocks: FloatArray  # (2, T, segments, 1 + destinations) measured (11.9)
    flows: FloatArray  # (2, T, segments, destinations)
    relapses: FloatArray  # (2, T, segments)
    cost_parts: FloatArray  # (2, T, segments, 3) perspective's benefit, effort, destinations
    municipal_benefit: FloatArray  # (2, T) municipal share of benefit on the benefit stock
    job_education_end: FloatArray  # (2, T) after the month's relapse step
    claimed: FloatArray  # (T,) gross_savings' person-months valued (positive)
    inflow: FloatArray  # (T,)
    caseload_cost: FloatArray  # (T,)
    component_cost: FloatArray  # (components, T) gross
    enrolment: FloatArray  # (components, T)
    capped: FloatArray  # (components, T)
    burn_in_persons: FloatArray  # (12 · burn_in_years,) all persons after each month


def empty_record(inputs: Inputs) -> Monthly:
    t, n_g, n_k = inputs.months, len(inputs.segments), len(inputs.destinations)
    n_c = len(inputs.components)
    return Monthly(
        stocks=np.zeros((2, t, n_g, 1 + n_k)),
        flows=np.zeros((2, t, n_g, n_k)),
        relapses=np.zeros((2, t, n_g)),
        cost_parts=np.zeros((2, t, n_g, 3)),
        municipal_benefit=np.zeros((2, t)),
        job_education_end=np.zeros((2, t)),
        claimed=np.zeros(t),
        inflow=np.zeros(t),
        caseload_cost=np.zeros(t),
        component_cost=np.zeros((n_c, t)),
        enrolment=np.zeros((n_c, t)),
        capped=np.zeros((n_c, t)),
        burn_in_persons=np.zeros(12 * inputs.burn_in_years),
    )


def perspective_weights(perspective: str) -> tuple[float, float]:
    """(municipal, state) weights of a cost shared between them."""
    return {"municipal": (1.0, 0.0), "state": (0.0, 1.0), "public": (1.0, 1.0)}[perspective]


def _record_costs(
    inputs: Inputs, rec: Monthly, arm: int, t: int, benefit: FloatArray, dests: FloatArray
) -> None:
    y = int(inputs.year_of_month[t])
    wm, ws = perspective_weights(inputs.perspective)
    ind, price = inputs.indexation[y], inputs.price[y]
    ref = inputs.refusion
    for g, seg in enumerate(inputs.segments):
        level = seg.benefit_month * ind
        share = wm * (1.0 - ref) + ws * ref
        rec.cost_parts[arm, t, g, 0] = float((benefit[g] * level * share).sum())
        rec.cost_parts[arm, t, g, 1] = wm * inputs.indsats_month * price * benefit[g].sum()
        dest_cost = 0.0
        for k, d in enumerate(inputs.destinations):
            per_person = ind * (wm * d.cost_month + ws * d.state_month) + (
                d.benefit_share * level * (wm * (1.0 - ref[LAST_CELL]) + ws * ref[LAST_CELL])
            )
            dest_cost += dests[g, k] * per_person
        rec.cost_parts[arm, t, g, 2] = dest_cost
        rec.municipal_benefit[arm, t] += float((benefit[g] * level * (1.0 - ref)).sum())


def _claimed(inputs: Inputs, state: ArmState, t: int) -> float:
    """Valued person-months that a before-and-after count claims in month t (R7, R8)."""
    y = int(inputs.year_of_month[t])
    total = 0.0
    for g in inputs.targeted():
        persons = 0.0
        for k in inputs.job_education():
            persons += state.tagged[g, k]
            for (_, kk), stock in state.followed.items():
                if kk == k:
                    persons += float(stock[g].sum())
        level = inputs.segments[g].benefit_month * inputs.indexation[y]
        total += persons * level * (1.0 - inputs.refusion[LAST_CELL])
    return total


def _persons(state: ArmState) -> float:
    return float(state.benefit.sum() + state.destinations().sum())


def _burn_in(inputs: Inputs, state: ArmState, rec: Monthly) -> None:
    quiet = no_effects(inputs)
    for i in range(12 * inputs.burn_in_years):
        add_inflow(inputs, state, 0)
        exits_and_relapse(inputs, state, None, 0, quiet, None)
        rec.burn_in_persons[i] = _persons(state)


def simulate_mean_field(
    scenario: Mapping[str, Any], values: Mapping[str, float] | None = None
) -> dict[str, Any]:
    """Expected outputs of one draw with the given values (MODEL.md 4, 8 "Modes").

    Returns a dict keyed by the names of the output contract: shared per-year arrays
    (years,), per-arm arrays (2, years) with arm 0 the baseline, scalars `npv`,
    `break_even` (−1 none) and `deadweight`, per segment and per component outputs, and
    `stocks` (2, months, states), the measured monthly stocks. Also `burn_in_persons`.
    """
    inputs = parse(scenario, values)
    rec = empty_record(inputs)
    start = initial_state(inputs)
    _burn_in(inputs, start, rec)
    arms = [start, _copy_state(start)]
    t0 = inputs.first_running_month()
    for t in range(inputs.months):
        y = int(inputs.year_of_month[t])
        for arm, state in enumerate(arms):
            rec.inflow[t] = add_inflow(inputs, state, y)
            dests = state.destinations()
            rec.stocks[arm, t, :, 0] = state.benefit.sum(axis=1)
            rec.stocks[arm, t, :, 1:] = dests
            _record_costs(inputs, rec, arm, t, state.benefit, dests)
            effects = no_effects(inputs)
            if arm == 1:
                effects = effects_of_month(inputs, t, state.benefit)
                rec.caseload_cost[t] = effects.caseload_cost
                rec.component_cost[:, t] = effects.component_cost
                rec.enrolment[:, t] = effects.enrolment
                rec.capped[:, t] = effects.capped
                rec.claimed[t] = _claimed(inputs, state, t)
            flows, relapses = exits_and_relapse(inputs, state, t, y, effects, t0)
            rec.flows[arm, t] = flows
            rec.relapses[arm, t] = relapses
            je = inputs.job_education()
            rec.job_education_end[arm, t] = float(state.destinations()[:, je].sum())
    return outputs(inputs, rec)


def _copy_state(state: ArmState) -> ArmState:
    return ArmState(
        state.benefit.copy(),
        state.plain.copy(),
        state.tagged.copy(),
        {key: stock.copy() for key, stock in state.followed.items()},
    )


# --------------------------------------------------------------------------- outputs


def break_even_month(cumulative: FloatArray) -> int:
    """First month whose cumulative net is ≤ 0 and stays so to the horizon; −1 none."""
    above = np.flatnonzero(cumulative > 0)
    if above.size == 0:
        return 0
    last = int(above[-1])
    return last + 1 if last + 1 < cumulative.size else -1


def outputs(inputs: Inputs, rec: Monthly) -> dict[str, Any]:
    """The output contract (OUTPUTS.md) from the monthly record."""
    n_y = inputs.n_years
    to_year = np.zeros((n_y, inputs.months))
    to_year[inputs.year_of_month, np.arange(inputs.months)] = 1.0
    last_month = np.array([np.flatnonzero(inputs.year_of_month == y)[-1] for y in range(n_y)])

    def yearly(x: FloatArray) -> FloatArray:  # (..., T) -> (..., years)
        return np.asarray(x @ to_year.T, dtype=np.float64)

    out: dict[str, Any] = {}
    iv = inputs.intervention
    wm, _ = perspective_weights(inputs.perspective)
    state_share = np.array([c.state_share[inputs.year_of_month] for c in inputs.components])
    state_share = state_share.reshape(len(inputs.components), inputs.months)
    paid_by = {
        "municipal": 1.0 - state_share,
        "state": state_share,
        "public": np.ones_like(state_share),
    }[inputs.perspective]
    funding = np.zeros(inputs.months)
    if iv is not None:
        funding = iv.funding[inputs.year_of_month] / inputs.months_in_year[inputs.year_of_month]
    investment_m = (
        wm * rec.caseload_cost
        + (paid_by * rec.component_cost).sum(axis=0)
        + {"municipal": -funding, "state": funding, "public": 0.0 * funding}[inputs.perspective]
    )
    cost_m = rec.cost_parts.sum(axis=(2, 3))  # (2, T)
    savings_m = cost_m[1] - cost_m[0]
    net_m = investment_m + savings_m
    out["investment"] = yearly(investment_m)
    out["savings"] = yearly(savings_m)
    out["net"] = yearly(net_m)
    discount = (1.0 + inputs.discount_rate) ** (-np.arange(inputs.months) / 12.0)
    out["npv"] = float((net_m * discount).sum())
    be = break_even_month(np.cumsum(net_m))
    out["break_even"] = be
    out["paid_back"] = np.array([1.0 if 0 <= be <= last_month[y] else 0.0 for y in range(n_y)])
    je = [1 + k for k in inputs.job_education()]
    je_end = rec.job_education_end[:, last_month]
    out["extra_job_education"] = je_end[1] - je_end[0]
    je_months = rec.stocks[:, :, :, je].sum(axis=(2, 3))
    out["extra_job_education_years"] = yearly(je_months[1] - je_months[0]) / 12.0
    entries = yearly(rec.flows[:, :, :, [k - 1 for k in je]].sum(axis=(2, 3)))
    out["extra_entries_job_education"] = np.cumsum(entries[1] - entries[0])
    out["gross_savings"] = -yearly(rec.claimed)
    out["municipal_benefit_savings"] = yearly(rec.municipal_benefit[1] - rec.municipal_benefit[0])
    claimed = float(out["gross_savings"].sum())
    out["deadweight"] = (
        math.nan if claimed == 0 else 1.0 - float(out["municipal_benefit_savings"].sum()) / claimed
    )
    out["inflow"] = yearly(rec.inflow)
    _per_arm(inputs, rec, out, yearly)
    _per_segment(inputs, rec, out, yearly)
    for c, comp in enumerate(inputs.components):
        name = f"component[{comp.name}]"
        out[f"{name}.investment"] = yearly(paid_by[c] * rec.component_cost[c])
        out[f"{name}.enrolment"] = yearly(rec.enrolment[c]) / inputs.months_in_year
        out[f"{name}.capped_months"] = yearly(rec.capped[c])
    out["stocks"] = rec.stocks.sum(axis=2)
    out["burn_in_persons"] = rec.burn_in_persons
    return out


def _per_arm(inputs: Inputs, rec: Monthly, out: dict[str, Any], yearly: Any) -> None:
    parts = yearly(rec.cost_parts.sum(axis=2).transpose(0, 2, 1))  # (2, 3, years)
    out["cost"] = parts.sum(axis=1)
    for i, name in enumerate(COST_PARTS):
        out[name] = parts[:, i]
    out["relapse"] = yearly(rec.relapses.sum(axis=2))
    for k, d in enumerate(inputs.destinations):
        out[f"flow.{d.name}"] = yearly(rec.flows[:, :, :, k].sum(axis=2))
    for s, state in enumerate(inputs.states):
        out[f"stock.{state}"] = yearly(rec.stocks[:, :, :, s].sum(axis=2)) / inputs.months_in_year


def _per_segment(inputs: Inputs, rec: Monthly, out: dict[str, Any], yearly: Any) -> None:
    for g, seg in enumerate(inputs.segments):
        name = f"segment[{seg.name}]"
        for s, state in enumerate(inputs.states):
            out[f"{name}.stock.{state}"] = yearly(rec.stocks[:, :, g, s]) / inputs.months_in_year
        for k, d in enumerate(inputs.destinations):
            out[f"{name}.flow.{d.name}"] = yearly(rec.flows[:, :, g, k])
        cost = rec.cost_parts[:, :, g].sum(axis=2)
        out[f"{name}.savings"] = yearly(cost[1] - cost[0])


def burn_in_warning(out: Mapping[str, Any]) -> bool:
    """Whether 12.4's warning suggesting `burn_in_years` is due (R23)."""
    first, last = (float(x) for x in out["stock.benefit"][0][[0, -1]])
    return abs(last - first) > 0.15 * first


def is_per_arm(name: str) -> bool:
    """Whether an output of `simulate_mean_field` has an arm axis first."""
    if name.startswith("segment["):
        return not name.endswith(".savings")
    return name == "cost" or name.startswith(("cost.", "flow.", "stock.")) or name == "relapse"


def draws(out: Mapping[str, Any], name: str, arm: str | None = None) -> Any:
    """An output by name and arm, like the engine's `Result.draws` for one draw."""
    value = out[name]
    if is_per_arm(name):
        if arm not in ARMS:
            raise ValueError(f"{name} needs arm='baseline' or arm='intervention'")
        return value[ARMS.index(arm)]
    if arm is not None:
        raise ValueError(f"{name} is shared by both arms; drop arm=")
    return value
