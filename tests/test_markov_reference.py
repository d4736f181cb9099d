"""Mean-field runs with fixed parameters equal an explicit Markov matrix product.

Each test builds, month by month, the transition matrix of MODEL.md section 4 by
hand: the state vector holds, per segment, the 13 benefit duration cells and
the destinations; inflow is an added vector, exits and relapses are matrix
entries. The scenarios keep every hazard ratio independent of the state (no
`participants`, caseload in target mode), so the chain is linear and the
matrix product is the exact expected path.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

import indsats
from _scenarios import SYNTHETIC

pytestmark = SYNTHETIC
N_CELLS = 13
DEFAULT_REFUSION = [[1, 0.80], [6, 0.40], [12, 0.30], [999, 0.20]]

# (month t, segment index) -> hazard or relapse ratio per destination
RatioFn = Callable[[int, int], np.ndarray]


def assert_close(actual: Any, expected: Any, what: str) -> None:
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    scale = max(1.0, float(np.abs(expected).max(initial=0.0)))
    np.testing.assert_allclose(actual, expected, rtol=1e-9, atol=1e-9 * scale, err_msg=what)


def run(scenario: dict[str, Any], draws: int = 2, mode: str = "mean_field") -> Any:
    sc = indsats.Scenario.from_dict(copy.deepcopy(scenario))
    return indsats.simulate(sc, draws=draws, seed=1, mode=mode, progress=False)


# ------------------------------------------------------------------ the explicit chain


@dataclass
class Path:
    """Expected measured stocks and flows of one arm."""

    state_vectors: np.ndarray  # (months, segments * (13 + K)) after inflow, before exits
    arrivals: np.ndarray  # (months, K) gross flows into each destination

    def stocks(self, n_seg: int, n_dest: int) -> np.ndarray:
        """(months, 1 + K): benefit over all cells and segments, then each destination."""
        per_segment = self.state_vectors.reshape(-1, n_seg, N_CELLS + n_dest)
        benefit = per_segment[:, :, :N_CELLS].sum(axis=(1, 2))
        return np.column_stack([benefit, per_segment[:, :, N_CELLS:].sum(axis=1)])

    def targeted_benefit(self, n_seg: int, n_dest: int, targeted: list[int]) -> np.ndarray:
        per_segment = self.state_vectors.reshape(-1, n_seg, N_CELLS + n_dest)
        return np.asarray(per_segment[:, targeted, :N_CELLS].sum(axis=(1, 2)))


def months_of(scenario: dict[str, Any]) -> int:
    return 12 * int(scenario["years"])


def year_of_month(scenario: dict[str, Any]) -> np.ndarray:
    m0 = int(scenario["start"].split("-")[1])
    return (m0 - 1 + np.arange(months_of(scenario))) // 12


def explicit_chain(scenario: dict[str, Any], hazard_ratio: RatioFn, relapse_ratio: RatioFn) -> Path:
    dests = list(scenario["destinations"])
    segs = scenario["segments"]
    benefit = scenario.get("benefit", {})
    n_dest, n_seg = len(dests), len(segs)
    width = N_CELLS + n_dest
    size = n_seg * width
    reentry = int(benefit.get("reentry_cell", 12))

    x = np.zeros(size)
    inflow = np.zeros(size)
    for s, seg in enumerate(segs):
        x[s * width + int(seg.get("initial_cell", benefit.get("initial_cell", 12)))] = seg[
            "initial"
        ]
        inflow[s * width] = seg.get("inflow_per_year", 0.0) / 12.0

    months = months_of(scenario)
    measured = np.zeros((months, size))
    arrivals = np.zeros((months, n_dest))
    for t in range(months):
        exits = np.zeros((size, size))
        relapse = np.eye(size)
        for s, seg in enumerate(segs):
            base = s * width
            p = np.array([seg.get("exit", {}).get(d, 0.0) for d in dests])
            h = -np.log(1.0 - p) / 12.0 * hazard_ratio(t, s)
            total = h.sum()
            leave = h / total * (1.0 - math.exp(-total)) if total > 0 else np.zeros(n_dest)
            for d in range(N_CELLS):
                exits[base + N_CELLS : base + width, base + d] = leave
                exits[base + min(d + 1, 12), base + d] += 1.0 - leave.sum()
            rr = relapse_ratio(t, s)
            for k, name in enumerate(dests):
                j = base + N_CELLS + k
                exits[j, j] = 1.0
                q = scenario["destinations"][name].get("relapse", 0.0)
                r = 1.0 - math.exp(math.log(1.0 - q) / 12.0 * rr[k])
                relapse[j, j] = 1.0 - r
                relapse[base + reentry, j] = r
        x = x + inflow
        measured[t] = x
        after_exits = exits @ x
        moved = (after_exits - x).reshape(n_seg, width)[:, N_CELLS:]
        arrivals[t] = moved.sum(axis=0)
        x = relapse @ after_exits
    return Path(measured, arrivals)


def cost_vectors(scenario: dict[str, Any]) -> np.ndarray:
    """(months, state-vector size): cost of one person-month per state, chosen perspective."""
    dests = list(scenario["destinations"])
    segs = scenario["segments"]
    benefit = scenario.get("benefit", {})
    ladder = benefit.get("refusion", DEFAULT_REFUSION)
    refusion = np.array([next(sh for up, sh in ladder if d + 1 <= up) for d in range(N_CELLS)])
    indexation = benefit.get("indexation", 0.0)
    perspective = scenario.get("perspective", "municipal")
    width = N_CELLS + len(dests)
    out = np.zeros((months_of(scenario), len(segs) * width))
    for t, year in enumerate(year_of_month(scenario)):
        for s, seg in enumerate(segs):
            gross = seg["benefit_month"] * (1.0 + indexation) ** year
            municipal_benefit = gross * (1.0 - refusion) + benefit.get("indsats_month", 0.0)
            state_benefit = gross * refusion
            # Destination costs are benefits and subsidies: indexed too (MODEL.md 12.8).
            index = (1.0 + indexation) ** year
            municipal_dest = [
                scenario["destinations"][d].get("cost_month", 0.0) * index for d in dests
            ]
            state_dest = [
                scenario["destinations"][d].get("state_month", 0.0) * index for d in dests
            ]
            row = out[t, s * width : (s + 1) * width]
            if perspective in ("municipal", "public"):
                row[:N_CELLS] += municipal_benefit
                row[N_CELLS:] += municipal_dest
            if perspective in ("state", "public"):
                row[:N_CELLS] += state_benefit
                row[N_CELLS:] += state_dest
    return out


def by_year(scenario: dict[str, Any], monthly: np.ndarray) -> np.ndarray:
    years = year_of_month(scenario)
    return np.array([monthly[years == y].sum(axis=0) for y in range(years[-1] + 1)])


def ones(n_dest: int) -> RatioFn:
    return lambda t, s: np.ones(n_dest)


def check_against_chain(
    scenario: dict[str, Any],
    hazard_ratio: RatioFn,
    relapse_ratio: RatioFn,
    investment_monthly: Callable[[Path], np.ndarray] | None = None,
) -> Any:
    """Compare a mean-field run with the chain of both arms; returns the run."""
    dests = list(scenario["destinations"])
    n_dest, n_seg = len(dests), len(scenario["segments"])
    baseline = explicit_chain(scenario, ones(n_dest), ones(n_dest))
    intervention = explicit_chain(scenario, hazard_ratio, relapse_ratio)
    res = run(scenario)
    draws = res.stock_paths.shape[0]

    assert list(res.states) == ["benefit", *dests]
    n_years = int(year_of_month(scenario)[-1]) + 1
    y0 = int(scenario["start"].split("-")[0])
    assert list(res.years) == list(range(y0, y0 + n_years))
    for arm, path, name in ((0, baseline, "baseline"), (1, intervention, "intervention")):
        stocks = path.stocks(n_seg, n_dest)
        expected = np.broadcast_to(stocks, (draws, *stocks.shape))
        assert_close(res.stock_paths[:, arm], expected, f"stock_paths {name}")
        py = by_year(scenario, path.stocks(n_seg, n_dest)[:, 0] / 12.0)
        assert_close(
            res.draws("benefit_person_years", arm=name),
            np.broadcast_to(py, (draws, n_years)),
            f"benefit_person_years {name}",
        )
        flows = by_year(scenario, path.arrivals)
        for k, d in enumerate(dests):
            assert_close(
                res.draws(f"flow.{d}", arm=name),
                np.broadcast_to(flows[:, k], (draws, n_years)),
                f"flow.{d} {name}",
            )

    costs = cost_vectors(scenario)
    saving_monthly = (costs * (intervention.state_vectors - baseline.state_vectors)).sum(axis=1)
    savings = by_year(scenario, saving_monthly)
    assert_close(res.draws("savings"), np.broadcast_to(savings, (draws, n_years)), "savings")
    invest_monthly = (
        investment_monthly(intervention)
        if investment_monthly is not None
        else np.zeros(months_of(scenario))
    )
    investment = by_year(scenario, invest_monthly)
    assert_close(
        res.draws("investment"), np.broadcast_to(investment, (draws, n_years)), "investment"
    )
    net = investment + savings
    assert_close(res.draws("net"), np.broadcast_to(net, (draws, n_years)), "net")
    assert_close(
        res.draws("cumulative_net"),
        np.broadcast_to(np.cumsum(net), (draws, n_years)),
        "cumulative_net",
    )
    rate = scenario.get("discount_rate", 0.0)
    months = np.arange(months_of(scenario))
    npv = ((invest_monthly + saving_monthly) / (1.0 + rate) ** (months / 12.0)).sum()
    assert_close(res.npv, np.full(draws, npv), "npv")
    return res


# ------------------------------------------------------------------ scenarios


def two_segments() -> dict[str, Any]:
    return {
        "name": "two segments",
        "start": "2019-01",
        "years": 3,
        "benefit": {"indsats_month": 1200, "reentry_cell": 12},
        "destinations": {
            "job": {"relapse": 0.25},
            "education": {"relapse": 0.2},
            "flexjob": {"relapse": 0.03, "cost_month": 6000, "state_month": 5000},
            "pension": {"cost_month": 12000, "state_month": 8000},
            "other": {},
        },
        "segments": [
            {
                "name": "under 30",
                "initial": 180,
                "inflow_per_year": 140,
                "benefit_month": 8200,
                "initial_cell": 2,
                "exit": {"job": 0.12, "education": 0.2, "other": 0.05},
            },
            {
                "name": "over 30",
                "initial": 420,
                "inflow_per_year": 150,
                "benefit_month": 12500,
                "exit": {"job": 0.08, "education": 0.01, "flexjob": 0.03, "pension": 0.03},
            },
        ],
    }


def test_no_intervention_is_the_baseline_chain() -> None:
    sc = two_segments()
    sc["benefit"]["reentry_cell"] = 5
    n_dest = len(sc["destinations"])
    res = check_against_chain(sc, ones(n_dest), ones(n_dest))
    assert np.array_equal(res.stock_paths[:, 0], res.stock_paths[:, 1])
    assert (res.draws("savings") == 0).all()
    assert (res.draws("investment") == 0).all()


def test_caseload_target_mode() -> None:
    sc = two_segments()
    sc["start"] = "2018-05"
    sc["intervention"] = {
        "start": "2018-05",
        "end": "2021-05",
        "segments": ["over 30"],
        "caseload": {"base": 65, "target": 35, "fte_cost_year": 560_000, "elasticity": 0.55},
    }
    dests = list(sc["destinations"])
    ratio = (65 / 35) ** 0.55
    affected = np.array([ratio if d in ("job", "education") else 1.0 for d in dests])

    def hazard(t: int, s: int) -> np.ndarray:
        return affected if s == 1 else np.ones(len(dests))

    def investment(path: Path) -> np.ndarray:
        b_t = path.targeted_benefit(2, len(dests), [1])
        return b_t * (1 / 35 - 1 / 65) * 560_000 / 12

    res = check_against_chain(sc, hazard, ones(len(dests)), investment)
    assert (res.draws("savings")[:, 1:] < 0).all()
    assert (res.draws("extra_job_education")[:, -1] > 0).all()


def test_caseload_max_hr_caps_the_ratio() -> None:
    sc = two_segments()
    sc["intervention"] = {
        "start": "2019-01",
        "end": "2022-01",
        "caseload": {
            "base": 60,
            "target": 30,
            "fte_cost_year": 500_000,
            "elasticity": 0.9,
            "max_hr": 1.4,
            "affects": ["job", "flexjob"],
        },
    }
    dests = list(sc["destinations"])
    assert (60 / 30) ** 0.9 > 1.4
    affected = np.array([1.4 if d in ("job", "flexjob") else 1.0 for d in dests])

    def investment(path: Path) -> np.ndarray:
        return path.targeted_benefit(2, len(dests), [0, 1]) * (1 / 30 - 1 / 60) * 500_000 / 12

    check_against_chain(sc, lambda t, s: affected, ones(len(dests)), investment)


def test_coverage_component_with_ramp() -> None:
    # relapse_hr acts on the persons a component placed, through followed stocks
    # (MODEL.md 12.2), which this chain does not hold: oracle.markov_v2
    # (test_oracle_v2.py) and tests/markov.rs compare them.
    sc = two_segments()
    sc["benefit"]["reentry_cell"] = 3
    sc["intervention"] = {
        "start": "2019-04",
        "end": "2021-07",
        "segments": ["under 30"],
        "ramp_months": 6,
        "components": [
            {
                "name": "mentor",
                "coverage": 0.4,
                "cost_month": 2500,
                "fixed_year": 240_000,
                "hr": {"job": 1.5, "education": 1.2},
            }
        ],
    }
    dests = list(sc["destinations"])
    component = np.array([{"job": 1.5, "education": 1.2}.get(d, 1.0) for d in dests])
    component = 1.0 + 0.4 * (component - 1.0)
    start, end = 3, 30

    def rho(t: int) -> float:
        return min(1.0, (t - start + 1) / 6)

    def hazard(t: int, s: int) -> np.ndarray:
        running = start <= t < end and s == 0
        return component ** rho(t) if running else np.ones(len(dests))

    def investment(path: Path) -> np.ndarray:
        running = (np.arange(36) >= start) & (np.arange(36) < end)
        b_t = path.targeted_benefit(2, len(dests), [0])
        return running * (0.4 * b_t * 2500 + 240_000 / 12)

    res = check_against_chain(sc, hazard, ones(len(dests)), investment)
    assert (res.draws("savings")[:, 0] != 0).all()


def test_caseload_and_components_per_year_hr_indexation_public() -> None:
    # Without relapse_hr (see test_coverage_component_with_ramp).
    sc = two_segments()
    sc["start"] = "2019-07"
    sc["years"] = 3  # calendar years 2019 .. 2022
    sc["perspective"] = "public"
    sc["discount_rate"] = 0.04
    sc["benefit"]["indexation"] = 0.02
    sc["benefit"]["refusion"] = [[3, 0.9], [9, 0.5], [999, 0.25]]
    sc["segments"][1]["initial_cell"] = 7
    sc["intervention"] = {
        "start": "2019-09",
        "end": "2022-03",
        "ramp_months": 4,
        "caseload": {"base": 70, "target": 45, "fte_cost_year": 600_000, "elasticity": 0.5},
        "components": [
            {
                "name": "job broker",
                "coverage": [0.2, 0.3, 0.3, 0.1],
                "cost_month": 1800,
                "hr": {"job": [1.6, 1.4, 1.2, 1.1], "flexjob": 1.3},
            },
            {"name": "internship", "coverage": 0.1, "cost_month": 900, "hr": {"education": 1.25}},
        ],
    }
    dests = list(sc["destinations"])
    years = year_of_month(sc)
    start, end = 2, 32
    caseload = np.array([(70 / 45) ** 0.5 if d in ("job", "education") else 1.0 for d in dests])
    coverage = [0.2, 0.3, 0.3, 0.1]

    def component_ratios(t: int) -> np.ndarray:
        y = years[t]
        broker_hr = {"job": [1.6, 1.4, 1.2, 1.1][y], "flexjob": 1.3}
        broker = np.array([1.0 + coverage[y] * (broker_hr.get(d, 1.0) - 1.0) for d in dests])
        intern = np.array([1.0 + 0.1 * (1.25 - 1.0) if d == "education" else 1.0 for d in dests])
        return np.asarray(caseload * broker * intern)

    def rho(t: int) -> float:
        return min(1.0, (t - start + 1) / 4)

    def hazard(t: int, s: int) -> np.ndarray:
        return component_ratios(t) ** rho(t) if start <= t < end else np.ones(len(dests))

    def investment(path: Path) -> np.ndarray:
        t = np.arange(36)
        running = (t >= start) & (t < end)
        b_t = path.targeted_benefit(2, len(dests), [0, 1])
        cov = np.array(coverage)[years]
        per_month = b_t * (1 / 45 - 1 / 70) * 600_000 / 12 + cov * b_t * 1800 + 0.1 * b_t * 900
        return np.asarray(running * per_month)

    check_against_chain(sc, hazard, ones(len(dests)), investment)


@pytest.mark.parametrize("mode", ["mean_field", "stochastic"])
def test_no_effect_and_no_cost_saves_exactly_nothing(mode: str) -> None:
    sc = two_segments()
    sc["intervention"] = {
        "start": "2019-03",
        "end": "2021-06",
        "ramp_months": 3,
        "caseload": {"base": 65, "target": 35, "fte_cost_year": 0, "elasticity": 0.0},
        "components": [
            {
                "name": "nothing",
                "coverage": 0.5,
                "cost_month": 0,
                # No relapse_hr: even a ratio of 1 follows the placed persons, whose
                # relapses then have their own uniforms (MODEL.md 12.2: chance, no bias).
                "hr": {"job": 1.0, "education": 1.0},
            }
        ],
    }
    res = run(sc, draws=20, mode=mode)
    assert res.draws("savings").shape == (20, 3)
    assert (res.draws("savings") == 0).all()
    assert (res.draws("investment") == 0).all()
    assert (res.npv == 0).all()
    assert np.array_equal(res.stock_paths[:, 0], res.stock_paths[:, 1])
    assert (res.draws("extra_job_education") == 0).all()
    assert res.stock_paths[:, :, -1, 0].min() > 0
