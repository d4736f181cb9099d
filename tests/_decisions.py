"""Small scenarios with known answers for the decision tools."""

from __future__ import annotations

from typing import Any

import indsats
from _scenarios import scenario_dict

ELASTICITY = "intervention.caseload.elasticity"
# The state's cost of a person in "other": it cannot move a municipal NPV.
NULL = "destinations.other.state_month"
MENTOR_HR = "intervention.components[0].hr.job"


def uncertain(*, null: bool = True, hr: bool = False, elasticity: bool = True) -> dict[str, Any]:
    """The test scenario with the elasticity uncertain, and optionally a
    parameter that cannot affect the outcome and the mentor's hazard ratio."""
    d = scenario_dict()
    if elasticity:
        d["intervention"]["caseload"]["elasticity"] = {"dist": "uniform", "low": 0.1, "high": 0.9}
    if null:
        d["destinations"]["other"]["state_month"] = {"dist": "uniform", "low": 0, "high": 5000}
    if hr:
        d["intervention"]["components"][0]["hr"]["job"] = {
            "dist": "uniform",
            "low": 0.8,
            "high": 3.0,
        }
    return d


def scenario(**kwargs: bool) -> indsats.Scenario:
    return indsats.Scenario.from_dict(uncertain(**kwargs))
