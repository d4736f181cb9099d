"""Differential test: on random valid scenarios with fixed parameters, the engine's
mean-field run equals the independent NumPy implementation of MODEL.md.

Hypothesis builds scenarios the hand-written cases do not: odd start months,
interventions outside the horizon, one segment or three, destinations without job
or education, ramps longer than the horizon, per-year lists everywhere.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _scenarios import SYNTHETIC
from oracle.numpy_model import calendar_years, coinciding, simulate_numpy
from test_numpy_reference import assert_close, engine_outputs

pytestmark = SYNTHETIC
NAMES = ["job", "education", "flexjob", "resource", "pension", "other", "outside"]
money = st.floats(-5000, 20000, allow_nan=False).map(lambda x: round(x, 2))
prob = st.floats(0, 0.6, allow_nan=False).map(lambda x: round(x, 4))
ratio = st.floats(0.3, 3.0, allow_nan=False).map(lambda x: round(x, 3))


def per_year(draw: st.DrawFn, values: st.SearchStrategy[Any], n_years: int) -> Any:
    return (
        draw(values)
        if draw(st.booleans())
        else draw(st.lists(values, min_size=n_years, max_size=n_years))
    )


def month(year: int, m: int) -> str:
    year += (m - 1) // 12
    m = (m - 1) % 12 + 1
    return f"{year:04d}-{m:02d}"


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    y0, m0 = draw(st.integers(2016, 2020)), draw(st.integers(1, 12))
    years = draw(st.integers(1, 4))
    d: dict[str, Any] = {"start": month(y0, m0), "years": years}
    n_years = len(calendar_years(d))
    dests = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=5, unique=True))
    d["destinations"] = {
        name: {
            k: v
            for k, v in {
                "relapse": draw(st.none() | prob),
                "cost_month": draw(st.none() | money),
                "state_month": draw(st.none() | money),
            }.items()
            if v is not None
        }
        for name in dests
    }
    if draw(st.booleans()):
        d["discount_rate"] = draw(st.floats(0, 0.1).map(lambda x: round(x, 4)))
    d["perspective"] = draw(st.sampled_from(["municipal", "state", "public"]))
    benefit: dict[str, Any] = {}
    if draw(st.booleans()):
        benefit["refusion"] = [[1, 0.8], [draw(st.integers(2, 11)), 0.45], [13, 0.2]]
    if draw(st.booleans()):
        benefit["reentry_cell"] = draw(st.integers(0, 12))
    if draw(st.booleans()):
        benefit["indsats_month"] = draw(money)
    if draw(st.booleans()):
        benefit["indexation"] = draw(st.floats(-0.05, 0.05).map(lambda x: round(x, 4)))
    d["benefit"] = benefit
    n_seg = draw(st.integers(1, 3))
    d["segments"] = []
    for i in range(n_seg):
        seg: dict[str, Any] = {
            "name": f"s{i}",
            "initial": draw(st.integers(0, 1500)),
            "benefit_month": draw(money),
            "exit": {
                k: draw(st.floats(0, 0.4).map(lambda x: round(x, 4)))
                for k in dests
                if draw(st.booleans())
            },
        }
        if draw(st.booleans()):
            seg["inflow_per_year"] = draw(st.floats(0, 400).map(lambda x: round(x, 1)))
        if draw(st.booleans()):
            seg["initial_cell"] = draw(st.integers(0, 12))
        d["segments"].append(seg)
    if draw(st.booleans()):
        return d
    offset = draw(st.integers(-24, years * 12 + 6))
    length = draw(st.integers(1, 60))
    iv: dict[str, Any] = {
        "start": month(y0, m0 + offset),
        "end": month(y0, m0 + offset + length),
        "ramp_months": draw(st.integers(0, 30)),
    }
    if draw(st.booleans()):
        iv["segments"] = draw(
            st.lists(st.sampled_from([s["name"] for s in d["segments"]]), min_size=1, unique=True)
        )
    if draw(st.booleans()):
        cl: dict[str, Any] = {
            "base": draw(st.integers(20, 100)),
            "fte_cost_year": draw(st.integers(0, 700_000)),
            "elasticity": draw(st.floats(0, 1.5).map(lambda x: round(x, 3))),
        }
        if draw(st.booleans()):
            cl["target"] = draw(st.integers(10, 120))
        else:
            cl["extra_fte"] = per_year(draw, st.floats(0, 8).map(lambda x: round(x, 2)), n_years)
        if draw(st.booleans()):
            cl["max_hr"] = draw(st.floats(1, 2).map(lambda x: round(x, 3)))
        if draw(st.booleans()):
            cl["affects"] = draw(st.lists(st.sampled_from(dests), min_size=1, unique=True))
        iv["caseload"] = cl
    components = []
    for _ in range(draw(st.integers(0, 3))):
        c: dict[str, Any] = {"cost_month": draw(st.integers(0, 5000))}
        kind = draw(st.sampled_from(["participants", "coverage", "none"]))
        if kind == "participants":
            c["participants"] = per_year(draw, st.integers(0, 300), n_years)
        elif kind == "coverage":
            c["coverage"] = per_year(draw, st.floats(0, 1).map(lambda x: round(x, 3)), n_years)
        c["hr"] = {k: per_year(draw, ratio, n_years) for k in dests if draw(st.booleans())}
        if draw(st.booleans()):
            c["relapse_hr"] = {
                k: per_year(draw, ratio, n_years) for k in dests if draw(st.booleans())
            }
        if draw(st.booleans()):
            c["fixed_year"] = draw(st.integers(0, 500_000))
        if draw(st.booleans()):
            c["one_off"] = draw(st.integers(0, 300_000))
        components.append(c)
    iv["components"] = components
    if draw(st.booleans()):
        iv["funding"] = per_year(draw, st.integers(0, 2_000_000), n_years)
    d["intervention"] = iv
    return d


MONEY = ("investment", "savings", "net", "cumulative_net", "npv")


def money_scale(scenario: dict[str, Any]) -> float:
    """An upper bound on a year's cost in either arm: savings are a difference of
    two such sums, so their rounding error scales with it, not with the savings."""
    months = 12 * scenario["years"]
    persons = sum(
        s["initial"] + s.get("inflow_per_year", 0) * scenario["years"] for s in scenario["segments"]
    )
    per_person = max(abs(s["benefit_month"]) for s in scenario["segments"]) * 1.06**4
    per_person += abs(scenario["benefit"].get("indsats_month", 0))
    for d in scenario["destinations"].values():
        per_person += abs(d.get("cost_month", 0)) + abs(d.get("state_month", 0))
    return float(max(1.0, persons * per_person * months))


# Random scenarios may well be odd (a component that reaches nobody): that is the point.
@pytest.mark.filterwarnings("ignore::indsats.ScenarioWarning")
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios())
def test_engine_equals_the_numpy_model_on_random_scenarios(scenario: dict[str, Any]) -> None:
    scenario = coinciding(scenario)
    expected = simulate_numpy(copy.deepcopy(scenario), 3, mode="mean_field")
    actual = engine_outputs(scenario)
    for output in ("stocks", "flows", "benefit_person_years", "extra_job_education"):
        assert_close(actual[output], expected[output], output)
    scale = money_scale(scenario)
    for output in MONEY:
        np.testing.assert_allclose(
            actual[output], expected[output], rtol=1e-9, atol=1e-12 * scale, err_msg=output
        )
    # Break-even compares cumulative sums with 0; where it is a rounding hair from
    # 0 the two sides may differ, so only clear cases are compared.
    net = np.cumsum(expected["net"], axis=1)
    if np.all(np.abs(net) > 1e-3):
        assert np.array_equal(actual["break_even"], expected["break_even"])
