"""Small fixed-parameter scenarios that exercise every state."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]

# What a module that compares numbers on made-up scenarios does not test: whether the
# scenario is realistic. Its baseline may start far from its steady state (MODEL.md 12.4)
# and its participants may exceed the stock (12.1); test_warnings.py and
# test_engine_v2_reference.py test those warnings.
SYNTHETIC = [
    pytest.mark.filterwarnings("ignore:the baseline's benefit stock drifts"),
    pytest.mark.filterwarnings("ignore:component .*participants above the target stock"),
]

BASE: dict[str, Any] = {
    "name": "test",
    "start": "2018-03",
    "years": 3,
    "discount_rate": 0.03,
    "benefit": {"indsats_month": 1500, "indexation": 0.01},
    "destinations": {
        "job": {"relapse": 0.3},
        "education": {"relapse": 0.2},
        "flexjob": {"relapse": 0.05, "cost_month": 5000, "state_month": 4000},
        "pension": {"cost_month": 8000},
        "other": {},
    },
    "segments": [
        {
            "name": "over 30",
            "initial": 300,
            # In steady state with the stocks (MODEL.md 12.4): 90 a year made the
            # baseline's stock grow by a third in three years.
            "inflow_per_year": 40,
            "benefit_month": 12000,
            "exit": {
                "job": 0.08,
                "education": 0.02,
                "flexjob": 0.03,
                "pension": 0.03,
                "other": 0.05,
            },
        },
        {
            "name": "under 30",
            "initial": 120,
            "inflow_per_year": 30,
            "benefit_month": 8000,
            "initial_cell": 4,
            "exit": {"job": 0.07, "education": 0.08, "other": 0.06},
        },
    ],
    "intervention": {
        "start": "2018-03",
        "end": "2020-09",
        "ramp_months": 4,
        "caseload": {"base": 65, "target": 35, "fte_cost_year": 550000, "elasticity": 0.5},
        "components": [
            {
                "name": "mentor",
                "participants": 40,
                "cost_month": 2500,
                "hr": {"job": 1.3, "education": 1.1},
                "relapse_hr": {"job": 0.8},
            }
        ],
    },
}


def scenario_dict(**changes: Any) -> dict[str, Any]:
    """A deep copy of BASE with top-level keys replaced."""
    d = copy.deepcopy(BASE)
    d.update(changes)
    return d
