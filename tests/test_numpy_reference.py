"""With fixed parameters, the engine's mean-field run equals the NumPy model.

`tests/oracle/numpy_model.py` implements MODEL.md independently in plain NumPy.
The scenarios below between them use every feature of the model; every output
the engine returns is compared with the NumPy model to 1e-9 relative.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import indsats

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _scenarios import SYNTHETIC
from oracle.numpy_model import calendar_years, coinciding, simulate_numpy, state_names

pytestmark = SYNTHETIC
DRAWS = 3
YEARLY = ("investment", "savings", "net", "cumulative_net", "extra_job_education")


def assert_close(actual: Any, expected: Any, what: str) -> None:
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    scale = max(1.0, float(np.abs(expected).max(initial=0.0)))
    np.testing.assert_allclose(actual, expected, rtol=1e-9, atol=1e-9 * scale, err_msg=what)


def destinations(**relapse_and_costs: dict[str, Any]) -> dict[str, Any]:
    table: dict[str, Any] = {
        "job": {"relapse": 0.25, "state_month": -2500},
        "education": {"relapse": 0.2},
        "flexjob": {"relapse": 0.03, "cost_month": 6000, "state_month": 5500},
        "resource": {"relapse": 0.3, "cost_month": 9000, "state_month": 3000},
        "pension": {"cost_month": 12000, "state_month": 9000},
        "other": {},
    }
    table.update(relapse_and_costs)
    return table


def segments() -> list[dict[str, Any]]:
    return [
        {
            "name": "under 30",
            "initial": 160,
            "inflow_per_year": 130,
            "benefit_month": 8200,
            "initial_cell": 4,
            "exit": {"job": 0.10, "education": 0.18, "resource": 0.02, "other": 0.05},
        },
        {
            "name": "over 30",
            "initial": 420,
            "inflow_per_year": 150,
            "benefit_month": 12500,
            "exit": {
                "job": 0.08,
                "education": 0.01,
                "flexjob": 0.03,
                "resource": 0.05,
                "pension": 0.03,
                "other": 0.06,
            },
        },
    ]


def ballerup_like() -> dict[str, Any]:
    """The format example of MODEL.md section 10 with fixed numbers."""
    return {
        "name": "Ballerup-like",
        "start": "2017-01",
        "years": 4,
        "discount_rate": 0.035,
        "perspective": "municipal",
        "benefit": {
            "refusion": [[1, 0.80], [6, 0.40], [12, 0.30], [999, 0.20]],
            "reentry_cell": 12,
            "indsats_month": 1500,
            "indexation": 0.015,
        },
        "destinations": destinations(),
        "segments": segments()[1:],
        "intervention": {
            "start": "2017-01",
            "end": "2021-01",
            "segments": ["over 30"],
            "ramp_months": 6,
            "caseload": {
                "base": 65,
                "target": 35,
                "fte_cost_year": 560_000,
                "elasticity": {"dist": "fixed", "value": 0.55},
            },
            "components": [
                {
                    "name": "mentor",
                    "participants": [60, 60, 50, 40],
                    "cost_month": 2500,
                    "hr": {"job": {"dist": "fixed", "value": 1.25}},
                    "relapse_hr": {"job": 0.8},
                }
            ],
        },
    }


def participants_capped() -> dict[str, Any]:
    """More places than targeted persons at first; one_off, fixed costs, funding."""
    return {
        "name": "participants capped by B_T",
        "start": "2020-01",
        "years": 3,
        "benefit": {"indsats_month": 900},
        "destinations": destinations(),
        "segments": [
            {
                "name": "5+ years",
                "initial": 35,
                "inflow_per_year": 6,
                "benefit_month": 13000,
                "exit": {"job": 0.3, "education": 0.1, "resource": 0.1, "pension": 0.05},
            },
            segments()[0],
        ],
        "intervention": {
            "start": "2020-01",
            "end": "2023-01",
            "segments": ["5+ years"],
            "funding": [400_000, 250_000, 0],
            "components": [
                {
                    "name": "håndholdt",
                    "participants": [50, 20, 12],
                    "cost_month": 3000,
                    "fixed_year": 150_000,
                    "one_off": 80_000,
                    "hr": {"job": 1.8, "education": 1.4, "resource": 1.3},
                    "relapse_hr": {"job": 0.75},
                }
            ],
        },
    }


def extra_fte_mid_year_state() -> dict[str, Any]:
    """extra_fte per year with a max_hr cap; a horizon from March, so the first and last
    calendar years are partial (funding spread over their months); state perspective."""
    return {
        "name": "extra FTE from March",
        "start": "2018-03",
        "years": 3,
        "perspective": "state",
        "discount_rate": 0.02,
        "benefit": {"indsats_month": 1500, "reentry_cell": 8, "indexation": 0.01},
        "destinations": destinations(),
        "segments": segments(),
        "intervention": {
            "start": "2018-03",
            "end": "2021-03",
            "segments": ["over 30"],
            "ramp_months": 3,
            "funding": [120_000, 0, 0, 60_000],
            "caseload": {
                "base": 65,
                "extra_fte": [1.5, 3.0, 2.5, 0.5],
                "fte_cost_year": 540_000,
                "elasticity": 0.7,
                "max_hr": 1.15,
                "affects": ["job", "flexjob"],
            },
        },
    }


def per_year_effects_public() -> dict[str, Any]:
    """Effects that fade by calendar year, coverage and participants, public perspective."""
    return {
        "name": "fading effects",
        "start": "2019-01",
        "years": 4,
        "perspective": "public",
        "discount_rate": 0.04,
        "benefit": {
            "refusion": [[2, 0.9], [6, 0.5], [12, 0.3], [24, 0.2]],
            "indsats_month": 1200,
            "indexation": 0.025,
            "initial_cell": 9,
        },
        "destinations": destinations(),
        "segments": segments(),
        "intervention": {
            "start": "2019-01",
            "end": "2023-01",
            "ramp_months": 8,
            "funding": 300_000,
            "caseload": {"base": 60, "target": 40, "fte_cost_year": 580_000, "elasticity": 0.5},
            "components": [
                {
                    "name": "job broker",
                    "coverage": [0.15, 0.25, 0.25, 0.2],
                    "cost_month": 1700,
                    "hr": {"job": [1.6, 1.45, 1.3, 1.15], "flexjob": [1.2, 1.2, 1.1, 1.0]},
                    "relapse_hr": {"job": [0.9, 0.8, 0.8, 0.85]},
                },
                {
                    "name": "mentor",
                    "participants": [40, 60, 60, 30],
                    "cost_month": 2400,
                    "fixed_year": 100_000,
                    "hr": {"education": 1.3, "resource": 1.1},
                    "relapse_hr": {"education": 0.7},
                },
            ],
        },
    }


def late_and_short() -> dict[str, Any]:
    """An intervention that starts after the horizon begins and ends before it ends."""
    return {
        "name": "late and short",
        "start": "2019-06",
        "years": 5,
        "discount_rate": 0.035,
        "benefit": {"indsats_month": 1500, "reentry_cell": 0},
        "destinations": destinations(),
        "segments": segments(),
        "intervention": {
            "start": "2020-02",
            "end": "2022-09",
            "segments": ["under 30"],
            "ramp_months": 5,
            "funding": [0, 200_000, 200_000, 0, 0, 0],
            "caseload": {"base": 55, "target": 30, "fte_cost_year": 560_000, "elasticity": 0.6},
            "components": [
                {
                    "name": "internship",
                    "participants": 25,
                    "cost_month": 1500,
                    "one_off": 250_000,
                    "hr": {"job": 1.35, "education": 1.5},
                }
            ],
        },
    }


def started_before_horizon() -> dict[str, Any]:
    """Started before the horizon (no one_off, ramp under way) and runs past its end."""
    return {
        "name": "already running",
        "start": "2021-01",
        "years": 2,
        "benefit": {"indsats_month": 1000},
        "destinations": destinations(),
        "segments": segments(),
        "intervention": {
            "start": "2020-09",
            "end": "2030-01",
            "ramp_months": 12,
            "caseload": {"base": 65, "extra_fte": 2, "fte_cost_year": 560_000, "elasticity": 0.4},
            "components": [
                {
                    "name": "mentor",
                    "coverage": 0.3,
                    "cost_month": 2000,
                    "one_off": 1_000_000,
                    "hr": {"job": 1.3},
                }
            ],
        },
    }


def empty_target_stock() -> dict[str, Any]:
    """A targeted segment that is empty: every ratio 1, extra_fte and fixed costs still paid."""
    return {
        "name": "empty target",
        "start": "2022-01",
        "years": 2,
        "destinations": destinations(),
        "segments": [
            {"name": "nobody", "initial": 0, "benefit_month": 12000, "exit": {"job": 0.2}},
            segments()[1],
        ],
        "intervention": {
            "start": "2022-01",
            "end": "2024-01",
            "segments": ["nobody"],
            "caseload": {"base": 65, "extra_fte": 1, "fte_cost_year": 560_000, "elasticity": 0.5},
            "components": [
                {
                    "name": "mentor",
                    "participants": 20,
                    "cost_month": 2000,
                    "fixed_year": 60_000,
                    "hr": {"job": 2.0},
                }
            ],
        },
    }


SCENARIOS = {
    "ballerup_like": ballerup_like,
    "participants_capped": participants_capped,
    "extra_fte_mid_year_state": extra_fte_mid_year_state,
    "per_year_effects_public": per_year_effects_public,
    "late_and_short": late_and_short,
    "started_before_horizon": started_before_horizon,
    "empty_target_stock": empty_target_stock,
}


def engine_outputs(scenario: dict[str, Any]) -> dict[str, np.ndarray]:
    """The engine's mean-field run in the layout of `simulate_numpy`."""
    sc = indsats.Scenario.from_dict(copy.deepcopy(scenario))
    res = indsats.simulate(sc, draws=DRAWS, seed=11, mode="mean_field", progress=False)
    assert list(res.years) == calendar_years(scenario)
    assert list(res.states) == state_names(scenario)
    # Version 1's extra_job_education is version 2's cumulative gross entries (MODEL.md 12.9).
    v2_name = {"extra_job_education": "extra_entries_job_education"}
    out = {name: np.asarray(res.draws(v2_name.get(name, name))) for name in YEARLY}
    out["npv"] = np.asarray(res.npv)
    out["break_even"] = np.asarray(res.break_even)
    out["stocks"] = np.asarray(res.stock_paths)
    arms = ("baseline", "intervention")
    out["benefit_person_years"] = np.stack(
        [np.asarray(res.draws("benefit_person_years", arm=arm)) for arm in arms], axis=1
    )
    out["flows"] = np.stack(
        [
            np.stack(
                [np.asarray(res.draws(f"flow.{d}", arm=arm)) for d in scenario["destinations"]], -1
            )
            for arm in arms
        ],
        axis=1,
    )
    return out


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_engine_mean_field_equals_numpy_model(name: str) -> None:
    scenario = coinciding(SCENARIOS[name]())
    expected = simulate_numpy(copy.deepcopy(scenario), DRAWS, mode="mean_field")
    actual = engine_outputs(scenario)
    for output in ("stocks", "flows", "benefit_person_years", *YEARLY, "npv"):
        assert_close(actual[output], expected[output], f"{name}: {output}")
    assert np.array_equal(actual["break_even"], expected["break_even"]), (
        f"{name}: break_even {actual['break_even']} != {expected['break_even']}"
    )


def test_scenarios_exercise_what_they_claim() -> None:
    """Guards the scenarios themselves, so a comparison cannot pass on a dull case."""
    out = {name: simulate_numpy(make(), 1, mode="mean_field") for name, make in SCENARIOS.items()}
    for name, result in out.items():
        if name != "empty_target_stock":
            assert np.abs(result["savings"]).max() > 1000, name
        assert (result["stocks"] >= 0).all(), name

    uncapped_first_year = 50 * 3000 * 12 + 150_000 + 80_000 - 400_000
    assert out["participants_capped"]["investment"][0, 0] < uncapped_first_year - 12 * 3000 * 10
    assert len(calendar_years(extra_fte_mid_year_state())) == 4

    late = out["late_and_short"]
    assert (late["investment"][0, 0] == 0) and (late["investment"][0, -1] == 0)
    assert late["investment"][0, 1] > 250_000

    nobody = out["empty_target_stock"]
    assert np.allclose(nobody["investment"][0], 560_000 + 60_000)
    assert (nobody["stocks"][0, 0] == nobody["stocks"][0, 1]).all()

    breaks = [int(result["break_even"][0]) for result in out.values()]
    assert -1 in breaks and any(b > 0 for b in breaks), breaks
