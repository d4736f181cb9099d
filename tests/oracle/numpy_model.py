"""The indsats model in plain NumPy, vectorised across draws.

An independent implementation of MODEL.md (sections 2-7 and the conventions of
section 11). It is the tests' oracle: with fixed parameters and
``mode="mean_field"`` it must agree with the engine to rounding. The
benchmark's NumPy baselines (``benches/numpy_vector.py``,
``benches/numpy_matrix.py``) sample their parameters with it and are checked
against it.

Arrays are shaped ``(draws, arm, ...)`` with arm 0 the baseline and arm 1 the
intervention. The loops run over months, components and destinations; every
operation inside them works on all draws at once.

Parameter distributions are sampled with one ``numpy.random.Generator`` per
call, so sampled values do not reproduce the engine's random streams; only the
fixed-parameter case is meant to match exactly.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

N_CELLS = 13
LAST_CELL = N_CELLS - 1
DEFAULT_REFUSION: list[list[float]] = [[1, 0.80], [6, 0.40], [12, 0.30], [999, 0.20]]
DEFAULT_AFFECTS = ("job", "education")
JOB_AND_EDUCATION = ("job", "education")
Z95 = 1.6448536269514722  # standard normal quantile of 0.95

OUTPUT_NAMES = (
    "investment",
    "savings",
    "net",
    "cumulative_net",
    "extra_job_education",
    "npv",
    "break_even",
    "stocks",
    "benefit_person_years",
    "flows",
)


# --------------------------------------------------------------------------- sampling


def sample(value: Any, rng: np.random.Generator, draws: int) -> np.ndarray:
    """One value per draw of a plain number or a distribution table (section 8)."""
    if not isinstance(value, dict):
        return np.full(draws, float(value))
    kind = value["dist"]
    if kind == "fixed":
        return np.full(draws, float(value["value"]))
    if kind == "normal":
        return rng.normal(value["mean"], value["sd"], draws)
    if kind == "lognormal":
        if "median" in value:
            median, sd_log = float(value["median"]), float(value["sd_log"])
        else:
            p5, p95 = float(value["p5"]), float(value["p95"])
            median = math.sqrt(p5 * p95)
            sd_log = math.log(p95 / p5) / (2.0 * Z95)
        return median * np.exp(sd_log * rng.standard_normal(draws))
    if kind == "gamma":
        mean, sd = float(value["mean"]), float(value["sd"])
        return rng.gamma((mean / sd) ** 2, sd * sd / mean, draws)
    if kind == "beta":
        if "a" in value:
            a, b = float(value["a"]), float(value["b"])
        else:
            mean, sd = float(value["mean"]), float(value["sd"])
            concentration = mean * (1.0 - mean) / (sd * sd) - 1.0
            a, b = mean * concentration, (1.0 - mean) * concentration
        return rng.beta(a, b, draws)
    if kind == "uniform":
        return rng.uniform(value["low"], value["high"], draws)
    if kind in ("triangular", "pert"):
        low, mode, high = float(value["min"]), float(value["mode"]), float(value["max"])
        if high == low:
            return np.full(draws, low)
        if kind == "triangular":
            return rng.triangular(low, mode, high, draws)
        a = 1.0 + 4.0 * (mode - low) / (high - low)
        b = 1.0 + 4.0 * (high - mode) / (high - low)
        return low + (high - low) * rng.beta(a, b, draws)
    raise ValueError(f"unknown distribution {kind!r}")


def sample_per_year(
    value: Any, rng: np.random.Generator, draws: int, n_years: int, path: str
) -> np.ndarray:
    """A per-calendar-year input as ``(draws, n_years)``: one number or one entry a year."""
    if isinstance(value, list):
        if len(value) != n_years:
            raise ValueError(f"{path}: expected {n_years} entries, one per calendar year")
        return np.stack([sample(v, rng, draws) for v in value], axis=1)
    return np.repeat(sample(value, rng, draws)[:, None], n_years, axis=1)


# --------------------------------------------------------------------------- time


@dataclass(frozen=True)
class Timeline:
    """Monthly steps from the scenario start and the calendar years they touch."""

    start_year: int
    start_month: int
    months: int

    @classmethod
    def from_scenario(cls, scenario: dict[str, Any]) -> Timeline:
        year, month = parse_date(scenario["start"])
        return cls(year, month, 12 * int(scenario["years"]))

    def month_index(self, date: str) -> int:
        year, month = parse_date(date)
        return (year - self.start_year) * 12 + (month - self.start_month)

    @property
    def year_of_month(self) -> np.ndarray:
        """Index into :attr:`years` of every month of the horizon."""
        return (self.start_month - 1 + np.arange(self.months)) // 12

    @property
    def years(self) -> list[int]:
        return [self.start_year + i for i in range(int(self.year_of_month[-1]) + 1)]

    @property
    def months_per_year(self) -> np.ndarray:
        return np.bincount(self.year_of_month, minlength=len(self.years))


def parse_date(date: str) -> tuple[int, int]:
    year, month = date.split("-")
    return int(year), int(month)


def calendar_years(scenario: dict[str, Any]) -> list[int]:
    """The calendar years a scenario's horizon touches, one output column each."""
    return Timeline.from_scenario(scenario).years


def state_names(scenario: dict[str, Any]) -> list[str]:
    """``["benefit", *destinations in file order]``, the last axis of ``stocks``."""
    return ["benefit", *scenario["destinations"]]


# --------------------------------------------------------------------------- parameters


@dataclass
class Component:
    participants: np.ndarray | None  # (draws, years)
    coverage: np.ndarray | None  # (draws, years)
    cost_month: np.ndarray  # (draws,)
    fixed_year: np.ndarray  # (draws,)
    one_off: np.ndarray  # (draws,)
    hr: np.ndarray  # (draws, years, K)
    relapse_hr: np.ndarray  # (draws, years, K)


@dataclass
class Caseload:
    base: np.ndarray  # (draws,)
    target: np.ndarray | None  # (draws,)
    extra_fte: np.ndarray | None  # (draws, years)
    fte_cost_year: np.ndarray  # (draws,)
    elasticity: np.ndarray  # (draws,)
    max_hr: np.ndarray  # (draws,)
    affects: np.ndarray  # (K,) bool


@dataclass
class Intervention:
    start: int
    end: int
    targeted: np.ndarray  # (S,) bool
    ramp_months: np.ndarray  # (draws,)
    funding: np.ndarray  # (draws, years)
    caseload: Caseload | None
    components: list[Component] = field(default_factory=list)

    def running(self, t: int) -> bool:
        return self.start <= t < self.end


@dataclass
class Parameters:
    """A scenario with every number sampled once per draw."""

    timeline: Timeline
    destinations: list[str]
    initial: np.ndarray  # (draws, S)
    initial_cell: np.ndarray  # (S,) int
    inflow_month: np.ndarray  # (draws, S)
    benefit_month: np.ndarray  # (draws, S)
    exit_hazard: np.ndarray  # (draws, S, K) monthly hazards
    relapse: np.ndarray  # (draws, K) annual probabilities
    cost_month: np.ndarray  # (draws, K) municipal
    state_month: np.ndarray  # (draws, K)
    refusion: np.ndarray  # (draws, 13) state share per duration cell
    reentry_cell: int
    indsats_month: np.ndarray  # (draws,)
    indexation: np.ndarray  # (draws,)
    discount_rate: np.ndarray  # (draws,)
    perspective: str
    intervention: Intervention | None


def _per_destination(
    table: dict[str, Any] | None,
    destinations: list[str],
    default: float,
    rng: np.random.Generator,
    draws: int,
    n_years: int,
    path: str,
) -> np.ndarray:
    """A ``{destination: per-year value}`` table as ``(draws, years, K)``."""
    table = table or {}
    unknown = set(table) - set(destinations)
    if unknown:
        raise ValueError(f"{path}: unknown destinations {sorted(unknown)}")
    out = np.full((draws, n_years, len(destinations)), float(default))
    for k, name in enumerate(destinations):
        if name in table:
            out[:, :, k] = sample_per_year(table[name], rng, draws, n_years, f"{path}.{name}")
    return out


def _refusion_by_cell(ladder: list[list[Any]], rng: np.random.Generator, draws: int) -> np.ndarray:
    shares = [(int(up_to), sample(share, rng, draws)) for up_to, share in ladder]
    out = np.empty((draws, N_CELLS))
    for cell in range(N_CELLS):
        spell_month = cell + 1
        out[:, cell] = next(s for up_to, s in shares if spell_month <= up_to)
    return out


def _caseload(
    table: dict[str, Any],
    destinations: list[str],
    rng: np.random.Generator,
    draws: int,
    n_years: int,
) -> Caseload:
    affects = table.get("affects", [d for d in DEFAULT_AFFECTS if d in destinations])
    return Caseload(
        base=sample(table["base"], rng, draws),
        target=sample(table["target"], rng, draws) if "target" in table else None,
        extra_fte=(
            sample_per_year(table["extra_fte"], rng, draws, n_years, "caseload.extra_fte")
            if "extra_fte" in table
            else None
        ),
        fte_cost_year=sample(table["fte_cost_year"], rng, draws),
        elasticity=sample(table["elasticity"], rng, draws),
        max_hr=sample(table.get("max_hr", math.inf), rng, draws),
        affects=np.array([d in affects for d in destinations]),
    )


def _component(
    table: dict[str, Any],
    destinations: list[str],
    rng: np.random.Generator,
    draws: int,
    n_years: int,
    path: str,
) -> Component:
    def per_year(key: str) -> np.ndarray | None:
        if key not in table:
            return None
        return sample_per_year(table[key], rng, draws, n_years, f"{path}.{key}")

    return Component(
        participants=per_year("participants"),
        coverage=per_year("coverage"),
        cost_month=sample(table.get("cost_month", 0.0), rng, draws),
        fixed_year=sample(table.get("fixed_year", 0.0), rng, draws),
        one_off=sample(table.get("one_off", 0.0), rng, draws),
        hr=_per_destination(table.get("hr"), destinations, 1.0, rng, draws, n_years, f"{path}.hr"),
        relapse_hr=_per_destination(
            table.get("relapse_hr"), destinations, 1.0, rng, draws, n_years, f"{path}.relapse_hr"
        ),
    )


def _intervention(
    table: dict[str, Any],
    timeline: Timeline,
    segment_names: list[str],
    destinations: list[str],
    rng: np.random.Generator,
    draws: int,
) -> Intervention:
    n_years = len(timeline.years)
    targets = table.get("segments", segment_names)
    caseload = table.get("caseload")
    return Intervention(
        start=timeline.month_index(table["start"]) if "start" in table else 0,
        end=timeline.month_index(table["end"]) if "end" in table else timeline.months,
        targeted=np.array([name in targets for name in segment_names]),
        ramp_months=sample(table.get("ramp_months", 0), rng, draws),
        funding=sample_per_year(
            table.get("funding", 0.0), rng, draws, n_years, "intervention.funding"
        ),
        caseload=(
            _caseload(caseload, destinations, rng, draws, n_years) if caseload is not None else None
        ),
        components=[
            _component(c, destinations, rng, draws, n_years, f"intervention.components[{i}]")
            for i, c in enumerate(table.get("components", []))
        ],
    )


def compile_scenario(scenario: dict[str, Any], draws: int, rng: np.random.Generator) -> Parameters:
    """Apply the defaults of MODEL.md section 11.3 and sample every number per draw."""
    timeline = Timeline.from_scenario(scenario)
    destinations = list(scenario["destinations"])
    benefit = scenario.get("benefit", {})
    segments = scenario["segments"]

    def per_segment(key: str, default: float | None = None) -> np.ndarray:
        values = [
            sample(seg[key] if default is None else seg.get(key, default), rng, draws)
            for seg in segments
        ]
        return np.stack(values, axis=1)

    exit_probability = np.stack(
        [
            np.stack([sample(seg.get("exit", {}).get(d, 0.0), rng, draws) for d in destinations], 1)
            for seg in segments
        ],
        axis=1,
    )
    dest_tables = [scenario["destinations"][d] or {} for d in destinations]

    def per_destination(key: str) -> np.ndarray:
        return np.stack([sample(t.get(key, 0.0), rng, draws) for t in dest_tables], axis=1)

    default_initial_cell = int(benefit.get("initial_cell", LAST_CELL))
    intervention = scenario.get("intervention")
    return Parameters(
        timeline=timeline,
        destinations=destinations,
        initial=per_segment("initial", 0.0),
        initial_cell=np.array([int(s.get("initial_cell", default_initial_cell)) for s in segments]),
        inflow_month=per_segment("inflow_per_year", 0.0) / 12.0,
        benefit_month=per_segment("benefit_month", 0.0),
        exit_hazard=-np.log1p(-exit_probability) / 12.0,
        relapse=per_destination("relapse"),
        cost_month=per_destination("cost_month"),
        state_month=per_destination("state_month"),
        refusion=_refusion_by_cell(benefit.get("refusion", DEFAULT_REFUSION), rng, draws),
        reentry_cell=int(benefit.get("reentry_cell", LAST_CELL)),
        indsats_month=sample(benefit.get("indsats_month", 0.0), rng, draws),
        indexation=sample(benefit.get("indexation", 0.0), rng, draws),
        discount_rate=sample(scenario.get("discount_rate", 0.0), rng, draws),
        perspective=scenario.get("perspective", "municipal"),
        intervention=(
            _intervention(
                intervention, timeline, [s["name"] for s in segments], destinations, rng, draws
            )
            if intervention is not None
            else None
        ),
    )


# --------------------------------------------------------------------------- one month


@dataclass
class MonthEffect:
    """The intervention in one month: ratios of the intervention arm and its cost."""

    hazard_ratio: np.ndarray  # (draws, K) on targeted segments
    relapse_ratio: np.ndarray  # (draws, K) on targeted segments
    investment: np.ndarray  # (draws,)


def intervention_month(
    iv: Intervention, t: int, year: int, months_in_year: int, targeted_stock: np.ndarray, k: int
) -> MonthEffect:
    """Hazard ratios and investment of month ``t`` given ``B_T`` (section 5, 11.1, 11.6)."""
    draws = targeted_stock.shape[0]
    hazard_ratio = np.ones((draws, k))
    relapse_ratio = np.ones((draws, k))
    investment = -iv.funding[:, year] / months_in_year
    if not iv.running(t):
        return MonthEffect(hazard_ratio, relapse_ratio, investment)

    occupied = targeted_stock > 0
    stock_or_one = np.where(occupied, targeted_stock, 1.0)
    cl = iv.caseload
    if cl is not None:
        if cl.extra_fte is not None:
            extra = cl.extra_fte[:, year]
        else:
            assert cl.target is not None
            extra = np.maximum(0.0, stock_or_one / cl.target - stock_or_one / cl.base)
            extra = np.where(occupied, extra, 0.0)
        caseload = stock_or_one / (stock_or_one / cl.base + extra)
        ratio = np.minimum(cl.max_hr, (cl.base / caseload) ** cl.elasticity)
        ratio = np.where(occupied, ratio, 1.0)
        hazard_ratio[:, cl.affects] *= ratio[:, None]
        investment = investment + extra * cl.fte_cost_year / 12.0

    for comp in iv.components:
        if comp.participants is not None:
            enrolled = np.minimum(comp.participants[:, year], targeted_stock)
        elif comp.coverage is not None:
            enrolled = np.minimum(comp.coverage[:, year], 1.0) * targeted_stock
        else:
            enrolled = np.zeros(draws)
        enrolled = np.where(occupied, enrolled, 0.0)
        share = enrolled / stock_or_one
        hazard_ratio *= 1.0 + share[:, None] * (comp.hr[:, year, :] - 1.0)
        relapse_ratio *= np.where(occupied[:, None], comp.relapse_hr[:, year, :], 1.0)
        investment = investment + enrolled * comp.cost_month + comp.fixed_year / 12.0
        if t == iv.start:
            investment = investment + comp.one_off

    ramp = iv.ramp_months
    rho = np.where(ramp > 0, np.minimum(1.0, (t - iv.start + 1) / np.where(ramp > 0, ramp, 1)), 1.0)
    return MonthEffect(hazard_ratio ** rho[:, None], relapse_ratio ** rho[:, None], investment)


def exit_probabilities(hazard: np.ndarray) -> np.ndarray:
    """``P_k = h_k / H · (1 - exp(-H))`` along the last axis; 0 where ``H = 0``."""
    total = hazard.sum(axis=-1, keepdims=True)
    leave = -np.expm1(-total)
    return np.where(total > 0, hazard / np.where(total > 0, total, 1.0) * leave, 0.0)


def sequential_multinomial(
    rng: np.random.Generator, n: np.ndarray, probs: np.ndarray
) -> np.ndarray:
    """Multinomial counts over the last axis of ``probs`` (the rest stay) by conditional
    binomials; ``n`` has the shape of ``probs`` without its last axis."""
    counts = np.zeros((*n.shape, probs.shape[-1]), dtype=np.int64)
    remaining = n.astype(np.int64)
    remaining_p = np.ones(n.shape)
    for k in range(probs.shape[-1]):
        pk = np.broadcast_to(probs[..., k], n.shape)
        conditional = np.where(remaining_p > 0, pk / np.where(remaining_p > 0, remaining_p, 1), 0)
        counts[..., k] = rng.binomial(remaining, np.clip(conditional, 0.0, 1.0))
        remaining -= counts[..., k]
        remaining_p = remaining_p - pk
    return counts


def binomial(rng: np.random.Generator, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    return rng.binomial(n, p)


def paired_arms(
    rng: np.random.Generator,
    sampler: Callable[[np.random.Generator, np.ndarray, np.ndarray], np.ndarray],
    n: np.ndarray,
    p: np.ndarray,
) -> np.ndarray:
    """``sampler`` on each arm (axis 1) from the same generator state, stacked again.

    Where the two arms have identical counts and probabilities they get identical
    samples, so an intervention without effect has exactly zero savings; each arm
    on its own is still an exact sample.
    """
    state = rng.bit_generator.state
    baseline = sampler(rng, n[:, 0], p[:, 0])
    rng.bit_generator.state = state
    return np.stack([baseline, sampler(rng, n[:, 1], p[:, 1])], axis=1)


# --------------------------------------------------------------------------- the run


def simulate_numpy(
    scenario: dict[str, Any], draws: int, seed: int = 0, mode: str = "stochastic"
) -> dict[str, np.ndarray]:
    """Simulate both arms of ``scenario`` for ``draws`` draws.

    Returns per draw: ``investment``, ``savings``, ``net``, ``cumulative_net`` and
    ``extra_job_education`` as ``(draws, years)``; ``npv`` and ``break_even``
    (month index, -1 for none) as ``(draws,)``; ``stocks`` as
    ``(draws, 2, months, states)``; ``benefit_person_years`` as
    ``(draws, 2, years)``; ``flows`` into each destination as ``(draws, 2, years, K)``.
    """
    if mode not in ("stochastic", "mean_field"):
        raise ValueError(f"mode must be 'stochastic' or 'mean_field', not {mode!r}")
    stochastic = mode == "stochastic"
    rng = np.random.default_rng(seed)
    par = compile_scenario(scenario, draws, rng)
    tl = par.timeline
    n_months, n_years = tl.months, len(tl.years)
    n_seg, n_dest = par.initial.shape[1], len(par.destinations)
    year_of_month = tl.year_of_month
    months_per_year = tl.months_per_year
    iv = par.intervention
    targeted = iv.targeted if iv is not None else np.zeros(n_seg, dtype=bool)

    dtype = np.int64 if stochastic else np.float64
    benefit = np.zeros((draws, 2, n_seg, N_CELLS), dtype=dtype)
    initial = np.rint(par.initial).astype(dtype) if stochastic else par.initial
    for s in range(n_seg):
        benefit[:, :, s, par.initial_cell[s]] = initial[:, s, None]
    dest = np.zeros((draws, 2, n_seg, n_dest), dtype=dtype)

    municipal_share = 1.0 - par.refusion  # (draws, 13)
    net_month = np.zeros((draws, n_months))
    investment = np.zeros((draws, n_years))
    savings = np.zeros((draws, n_years))
    stocks = np.zeros((draws, 2, n_months, 1 + n_dest))
    person_years = np.zeros((draws, 2, n_years))
    flows = np.zeros((draws, 2, n_years, n_dest))
    relapse_log = np.log1p(-par.relapse) / 12.0  # (draws, K)

    for t in range(n_months):
        year = int(year_of_month[t])

        # 1. inflow, the same in both arms
        inflow = rng.poisson(par.inflow_month) if stochastic else par.inflow_month
        benefit[:, :, :, 0] += inflow[:, None, :]

        # 2. costs and measured stocks
        stocks[:, :, t, 0] = benefit.sum(axis=(2, 3))
        stocks[:, :, t, 1:] = dest.sum(axis=2)
        person_years[:, :, year] += stocks[:, :, t, 0] / 12.0
        cost = _month_cost(par, benefit, dest, year, municipal_share)
        savings[:, year] += cost[:, 1] - cost[:, 0]

        targeted_stock = benefit[:, 1][:, targeted].sum(axis=(1, 2)).astype(np.float64)
        if iv is not None:
            effect = intervention_month(
                iv, t, year, int(months_per_year[year]), targeted_stock, n_dest
            )
            investment[:, year] += effect.investment
            net_month[:, t] = effect.investment
        net_month[:, t] += cost[:, 1] - cost[:, 0]

        # 3. hazards per arm and segment
        hazard_ratio = np.ones((draws, 2, n_seg, n_dest))
        relapse_ratio = np.ones((draws, 2, n_seg, n_dest))
        if iv is not None:
            hazard_ratio[:, 1, targeted] = effect.hazard_ratio[:, None, :]
            relapse_ratio[:, 1, targeted] = effect.relapse_ratio[:, None, :]
        probs = exit_probabilities(par.exit_hazard[:, None] * hazard_ratio)  # (D, 2, S, K)

        # 4. exits; stayers age one cell
        if stochastic:
            exits = paired_arms(rng, sequential_multinomial, benefit, probs[:, :, :, None])
        else:
            exits = benefit[..., None] * probs[:, :, :, None, :]
        stay = benefit - exits.sum(axis=-1)
        benefit = np.zeros_like(benefit)
        benefit[..., 1:] = stay[..., :-1]
        benefit[..., LAST_CELL] += stay[..., LAST_CELL]
        arrivals = exits.sum(axis=3)  # (D, 2, S, K)
        dest = dest + arrivals

        # 5. relapse from the destination stocks including this month's arrivals
        relapse_p = -np.expm1(relapse_log[:, None, None, :] * relapse_ratio)
        relapses = paired_arms(rng, binomial, dest, relapse_p) if stochastic else dest * relapse_p
        dest = dest - relapses
        benefit[..., par.reentry_cell] += relapses.sum(axis=-1)

        # 6. flows
        flows[:, :, year, :] += arrivals.sum(axis=2)

    return _outputs(par, investment, savings, net_month, stocks, person_years, flows)


def _month_cost(
    par: Parameters,
    benefit: np.ndarray,
    dest: np.ndarray,
    year: int,
    municipal_share: np.ndarray,
) -> np.ndarray:
    """Cost of the month per draw and arm, ``(draws, 2)``, in the chosen perspective."""
    gross = par.benefit_month * (1.0 + par.indexation[:, None]) ** year  # (D, S)
    benefit_cost = benefit * gross[:, None, :, None]  # (D, 2, S, 13)
    municipal: np.ndarray = (benefit_cost * municipal_share[:, None, None, :]).sum(axis=(2, 3))
    municipal += benefit.sum(axis=(2, 3)) * par.indsats_month[:, None]
    dest_stock = dest.sum(axis=2)  # (D, 2, K)
    municipal += (dest_stock * par.cost_month[:, None, :]).sum(axis=-1)
    state: np.ndarray = (benefit_cost * par.refusion[:, None, None, :]).sum(axis=(2, 3))
    state += (dest_stock * par.state_month[:, None, :]).sum(axis=-1)
    if par.perspective == "municipal":
        return municipal
    if par.perspective == "state":
        return state
    if par.perspective == "public":
        return np.asarray(municipal + state)
    raise ValueError(f"unknown perspective {par.perspective!r}")


def break_even_month(cumulative: np.ndarray) -> np.ndarray:
    """First month from which the cumulative net stays ≤ 0 to the end; -1 if none."""
    months = cumulative.shape[1]
    positive = cumulative > 0
    any_positive = positive.any(axis=1)
    last_positive = months - 1 - np.argmax(positive[:, ::-1], axis=1)
    first = np.where(any_positive, last_positive + 1, 0)
    return np.where(first < months, first, -1).astype(np.int64)


def _outputs(
    par: Parameters,
    investment: np.ndarray,
    savings: np.ndarray,
    net_month: np.ndarray,
    stocks: np.ndarray,
    person_years: np.ndarray,
    flows: np.ndarray,
) -> dict[str, np.ndarray]:
    net = investment + savings
    months = np.arange(net_month.shape[1])
    discount = (1.0 + par.discount_rate[:, None]) ** (months[None, :] / 12.0)
    job_education = [k for k, d in enumerate(par.destinations) if d in JOB_AND_EDUCATION]
    into_job_education = flows[:, :, :, job_education].sum(axis=-1)  # (D, 2, years)
    return {
        "investment": investment,
        "savings": savings,
        "net": net,
        "cumulative_net": np.cumsum(net, axis=1),
        "extra_job_education": np.cumsum(into_job_education[:, 1] - into_job_education[:, 0], 1),
        "npv": (net_month / discount).sum(axis=1),
        "break_even": break_even_month(np.cumsum(net_month, axis=1)),
        "stocks": stocks,
        "benefit_person_years": person_years,
        "flows": flows,
    }


# --------------------------------------------------------------------------- self-check

EXAMPLE: dict[str, Any] = {
    "name": "example",
    "start": "2017-03",
    "years": 4,
    "discount_rate": 0.035,
    "benefit": {"indsats_month": 1500, "indexation": 0.015, "reentry_cell": 6},
    "destinations": {
        "job": {"relapse": 0.25},
        "education": {"relapse": 0.20},
        "flexjob": {"relapse": 0.03, "cost_month": 6000, "state_month": 4000},
        "pension": {"cost_month": 12000},
        "other": {},
    },
    "segments": [
        {
            "name": "under 30",
            "initial": 180,
            "inflow_per_year": 120,
            "benefit_month": 8000,
            "initial_cell": 3,
            "exit": {"job": 0.10, "education": 0.15, "other": 0.05},
        },
        {
            "name": "over 30",
            "initial": 420,
            "inflow_per_year": 150,
            "benefit_month": 12500,
            "exit": {"job": 0.08, "flexjob": 0.03, "pension": 0.03, "other": 0.06},
        },
    ],
    "intervention": {
        "start": "2017-06",
        "end": "2020-06",
        "segments": ["over 30"],
        "ramp_months": 6,
        "funding": [500_000, 0, 0, 0, 0],
        "caseload": {
            "base": 65,
            "target": 35,
            "fte_cost_year": 560_000,
            "elasticity": {"dist": "lognormal", "p5": 0.3, "p95": 0.9},
        },
        "components": [
            {
                "name": "mentor",
                "participants": [60, 60, 50, 40, 40],
                "cost_month": 2500,
                "one_off": 100_000,
                "hr": {"job": {"dist": "pert", "min": 1.0, "mode": 1.25, "max": 1.6}},
                "relapse_hr": {"job": 0.8},
            }
        ],
    },
}


def _fixed(value: Any) -> Any:
    """The scenario with every distribution replaced by its central value."""
    if isinstance(value, dict):
        if "dist" in value:
            for key in ("value", "mean", "median", "mode"):
                if key in value:
                    return value[key]
            if "p5" in value:
                return math.sqrt(value["p5"] * value["p95"])
            return (value["low"] + value["high"]) / 2
        return {k: _fixed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_fixed(v) for v in value]
    return value


def self_check(scenario: dict[str, Any] = EXAMPLE, draws: int = 400) -> None:
    """Conservation, non-negativity, zero effect ⇒ zero savings, stochastic mean ≈ mean-field."""
    fixed = _fixed(scenario)
    tl = Timeline.from_scenario(scenario)
    mean_field = simulate_numpy(fixed, 1, mode="mean_field")
    expected = sum(
        s["initial"] + s["inflow_per_year"] / 12 * (np.arange(tl.months) + 1)
        for s in fixed["segments"]
    )
    total = mean_field["stocks"].sum(axis=-1)
    assert np.allclose(total, expected, rtol=1e-9, atol=0), "mean-field conservation"

    stochastic = simulate_numpy(fixed, draws, seed=7)
    stocks = stochastic["stocks"]
    assert (stocks >= 0).all(), "negative stock"
    assert np.array_equal(stocks, np.round(stocks)), "stochastic stocks must be integers"
    assert (stocks.sum(axis=-1)[:, 0] == stocks.sum(axis=-1)[:, 1]).all(), "arms share inflow"
    initial = sum(round(s["initial"]) for s in fixed["segments"])
    inflow = np.diff(stocks.sum(axis=-1)[:, 0], axis=1, prepend=initial)
    assert (inflow >= 0).all(), "persons appeared or vanished"

    for name in ("savings", "investment", "benefit_person_years"):
        mc, mf = stochastic[name].mean(axis=0), mean_field[name][0]
        se = stochastic[name].std(axis=0) / np.sqrt(draws)
        assert (np.abs(mc - mf) <= 5 * se + 1e-6 * np.abs(mf).max()).all(), name

    null = dict(fixed)
    null["intervention"] = {"start": "2017-06", "end": "2020-06", "components": [{"hr": {}}]}
    for mode in ("mean_field", "stochastic"):
        out = simulate_numpy(null, 20, seed=3, mode=mode)
        assert (out["savings"] == 0).all() and (out["investment"] == 0).all(), mode

    sampled = simulate_numpy(scenario, 50, seed=1, mode="mean_field")
    assert np.ptp(sampled["savings"], axis=0).max() > 0, "distributions must vary per draw"


if __name__ == "__main__":
    self_check()
    out = simulate_numpy(EXAMPLE, 1000, seed=1)
    years = calendar_years(EXAMPLE)
    print("years      ", years)
    for name in ("investment", "savings", "net"):
        print(f"{name:11}", np.round(out[name].mean(axis=0) / 1e6, 2), "mio. kr.")
    print("P(npv < 0) ", (out["npv"] < 0).mean())


def coinciding(scenario: dict[str, Any]) -> dict[str, Any]:
    """The scenario where versions 1 and 2 of MODEL.md agree, the version this oracle
    reads: components follow nobody (12.2 moves relapse_hr onto the persons they
    placed), the perspective is municipal or, without funding, public (12.7 changes who
    pays the investment), and destination costs are not indexed (12.8 indexes them).
    `oracle.model_v2` is compared with the engine on every key in test_engine_v2_reference."""
    sc = copy.deepcopy(scenario)
    iv = sc.get("intervention")
    for comp in iv.get("components", []) if iv else []:
        comp.pop("relapse_hr", None)
    if sc.get("perspective", "municipal") != "municipal":
        sc["perspective"] = "public"
        if iv:
            iv.pop("funding", None)
    if sc.get("benefit", {}).get("indexation", 0.0) != 0.0:
        for dest in sc["destinations"].values():
            dest.pop("cost_month", None)
            dest.pop("state_month", None)
    return sc


# Keys of MODEL.md section 12 that this version-1 model does not read.
_VERSION_2_TOP = ("burn_in_years", "price_index", "correlations")
_VERSION_2_SEGMENT = ("initial_destinations", "inflow_cell", "duration_hr")
_VERSION_2_COMPONENT = ("segments", "start", "end", "ramp", "follow_up_months", "state_share")


def version_2_keys(scenario: dict[str, Any]) -> list[str]:
    """The section-12 keys a scenario uses, which this model would silently ignore."""
    found = [k for k in _VERSION_2_TOP if k in scenario]
    for i, seg in enumerate(scenario.get("segments", [])):
        found += [f"segments[{i}].{k}" for k in _VERSION_2_SEGMENT if k in seg]
    components = (scenario.get("intervention") or {}).get("components", [])
    for i, comp in enumerate(components):
        found += [f"intervention.components[{i}].{k}" for k in _VERSION_2_COMPONENT if k in comp]
    for name, dest in scenario.get("destinations", {}).items():
        if isinstance(dest, dict) and "benefit_share" in dest:
            found.append(f"destinations.{name}.benefit_share")
    return found
