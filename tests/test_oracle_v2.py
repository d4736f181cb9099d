"""The version-2 reference implementation checked against itself, known answers and the
engine where version 1 and version 2 coincide.

`oracle.model_v2` reads MODEL.md (with section 12) directly; `oracle.markov_v2` moves the
same persons with explicit monthly transition matrices. They must agree to 1e-9 on
hand-written scenarios that use every section-12 key and on 50 generated ones; the
known answers pin what a reading of the text cannot check against itself; and where
the version-1 law still holds, the oracle must equal the engine's mean-field run.
"""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

import indsats
from _scenarios import BASE, SYNTHETIC
from oracle import markov_v2, model_v2
from oracle.v2_scenarios import HAND_WRITTEN, random_scenario, uncertain_changing_baseline

pytestmark = SYNTHETIC
Scenario = dict[str, Any]
RANDOM_CASES = 50


def assert_close(actual: Any, expected: Any, what: str, rtol: float = 1e-9) -> None:
    a, e = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    assert a.shape == e.shape, f"{what}: shape {a.shape} != {e.shape}"
    finite = e[np.isfinite(e)]
    scale = max(1.0, float(np.abs(finite).max(initial=0.0)))
    np.testing.assert_allclose(a, e, rtol=rtol, atol=rtol * scale, err_msg=what, equal_nan=True)


def assert_same_outputs(actual: dict[str, Any], expected: dict[str, Any], what: str) -> None:
    assert set(actual) == set(expected), f"{what}: {set(actual) ^ set(expected)}"
    for name in expected:
        assert_close(actual[name], expected[name], f"{what}: {name}")


def oracle(scenario: Scenario, **changes: Any) -> dict[str, Any]:
    sc = copy.deepcopy(scenario)
    sc.update(changes)
    return model_v2.simulate_mean_field(sc)


def cases() -> Iterator[Any]:
    for name, make in HAND_WRITTEN.items():
        yield pytest.param(make(), id=name)
    for seed in range(RANDOM_CASES):
        yield pytest.param(random_scenario(seed, linear=seed % 2 == 0), id=f"random{seed:02d}")


# --------------------------------------------------------------------------- two formulations


@pytest.mark.parametrize("scenario", list(cases()))
def test_matrix_product_equals_oracle(scenario: Scenario) -> None:
    expected = model_v2.simulate_mean_field(copy.deepcopy(scenario))
    actual = markov_v2.simulate_markov(copy.deepcopy(scenario))
    assert_same_outputs(actual, expected, scenario["name"])


def _key_paths(value: Any, prefix: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield f"{prefix}.{key}" if prefix else key
            yield from _key_paths(item, f"{prefix}.{key}" if prefix else key)
    elif isinstance(value, list):
        for item in value:
            yield from _key_paths(item, f"{prefix}[]")


SECTION_12_KEYS = {
    "intervention.components[].segments",
    "intervention.components[].start",
    "intervention.components[].end",
    "intervention.components[].ramp_months",
    "intervention.components[].state_share",
    "intervention.components[].follow_up_months",
    "intervention.components[].relapse_hr",
    "intervention.caseload.segments",
    "segments[].duration_hr",
    "segments[].inflow_cell",
    "segments[].initial_destinations",
    "burn_in_years",
    "price_index",
    "destinations.hours.benefit_share",
    "destinations.jobparat.benefit_share",
}


def test_hand_written_scenarios_use_every_section_12_key() -> None:
    """Guards the scenarios, so the comparison cannot pass on a dull set."""
    used = {path for make in HAND_WRITTEN.values() for path in _key_paths(make())}
    assert used >= SECTION_12_KEYS, SECTION_12_KEYS - used
    sc = HAND_WRITTEN["changing_baseline"]()
    per_year = [
        sc["segments"][0]["exit"]["job"],
        sc["segments"][0]["inflow_per_year"],
        sc["price_index"],
        sc["benefit"]["indexation"],
    ]
    assert all(isinstance(x, list) for x in per_year)
    mentor = HAND_WRITTEN["reach_and_follow"]()["intervention"]["components"][0]
    assert isinstance(mentor["state_share"], list)
    out = {name: model_v2.simulate_mean_field(make()) for name, make in HAND_WRITTEN.items()}
    for name, result in out.items():
        assert np.abs(result["savings"]).max() > 10_000, name
        assert (result["stocks"] >= 0).all(), name
        assert math.isfinite(result["deadweight"]), name
    assert out["participants_and_state"]["component[håndholdt].capped_months"][0] > 0


LINEAR_CASES = [
    pytest.param(HAND_WRITTEN["reach_and_follow"](), id="reach_and_follow"),
    pytest.param(HAND_WRITTEN["changing_baseline"](), id="changing_baseline"),
] + [pytest.param(random_scenario(seed, linear=True), id=f"random{seed}") for seed in (0, 2, 4)]


@pytest.mark.parametrize("scenario", LINEAR_CASES)
def test_linear_chain_is_a_fixed_product(scenario: Scenario) -> None:
    """Where no ratio depends on the state, the month's matrices built from the scenario
    alone equal those built from the path, and their product carries the start to the end."""
    inputs = model_v2.parse(scenario)
    assert markov_v2.is_linear(inputs)
    _, lay, paths = markov_v2.run_chain(inputs)
    out = model_v2.simulate_mean_field(scenario)
    for arm in (0, 1):
        product = np.eye(lay.size)
        for t in range(inputs.months):
            fixed = markov_v2.month_operators(inputs, lay, t, arm, None)
            measured = fixed[0] @ paths[arm][t]
            stock = measured[lay.benefit].sum(axis=1)
            from_path = markov_v2.month_operators(inputs, lay, t, arm, stock)
            for a, b in zip(fixed, from_path, strict=True):
                assert np.array_equal(a, b), f"month {t}"
            product = fixed[2] @ fixed[1] @ fixed[0] @ product
        assert_close(product @ paths[arm][0], paths[arm][-1], f"arm {arm}")
    je = [k for k, d in enumerate(inputs.destinations) if d.name in ("job", "education")]
    end = [
        sum(p[-1][lay.destination(g, k)].sum() for g in range(len(inputs.segments)) for k in je)
        for p in paths
    ]
    assert_close(end[1] - end[0], out["extra_job_education"][-1], "extra_job_education")


# --------------------------------------------------------------------------- conservation


CONSERVATION_CASES = [pytest.param(make(), id=name) for name, make in HAND_WRITTEN.items()] + [
    pytest.param(random_scenario(seed), id=f"random{seed:02d}") for seed in range(1, 30, 3)
]


@pytest.mark.parametrize("scenario", CONSERVATION_CASES)
def test_persons_are_conserved_every_month(scenario: Scenario) -> None:
    """Persons in all states = initial stocks (benefit and initial_destinations) +
    cumulative inflow, in every burn-in and horizon month, in both formulations."""
    inputs = model_v2.parse(scenario)
    initial = sum(s.initial + s.initial_destinations.sum() for s in inputs.segments)
    burn_in_month = sum(s.inflow[0] / 12.0 for s in inputs.segments)
    n_burn = 12 * inputs.burn_in_years
    horizon_inflow = [
        sum(s.inflow[y] / 12.0 for s in inputs.segments) for y in inputs.year_of_month
    ]
    after_burn_in = initial + burn_in_month * np.arange(1, n_burn + 1)
    measured = initial + burn_in_month * n_burn + np.cumsum(horizon_inflow)

    out = model_v2.simulate_mean_field(copy.deepcopy(scenario))
    assert_close(out["burn_in_persons"], after_burn_in, "burn-in")
    for arm in (0, 1):
        assert_close(out["stocks"][arm].sum(axis=1), measured, f"measured stocks, arm {arm}")

    # The chain's vectors hold every sub-stock, followed ones included, after each month.
    _, lay, paths = markov_v2.run_chain(inputs)
    for arm in (0, 1):
        vectors = np.array(paths[arm])
        persons = vectors[:, : lay.n_persons].sum(axis=1)
        assert_close(persons, initial + vectors[:, lay.inflow_counter].sum(axis=1), "chain")
        assert_close(persons[1:], measured, f"chain arm {arm}")
        assert (vectors[:, : lay.n_persons] >= -1e-9 * persons.max()).all()


# --------------------------------------------------------------------------- known answers

INVESTMENT_OUTPUTS = ("investment", "net", "npv", "break_even", "paid_back")


def _effect_outputs(out: dict[str, Any]) -> list[str]:
    """Every output that the investment's cost does not enter."""
    return [
        name for name in out if name not in INVESTMENT_OUTPUTS and not name.startswith("component[")
    ]


def _components(scenario: Scenario, keep: Callable[[dict[str, Any]], bool]) -> Scenario:
    sc = copy.deepcopy(scenario)
    sc["intervention"]["components"] = [c for c in sc["intervention"]["components"] if keep(c)]
    return sc


def _set_component(scenario: Scenario, name: str, **changes: Any) -> Scenario:
    sc = copy.deepcopy(scenario)
    for comp in sc["intervention"]["components"]:
        if comp["name"] == name:
            for key in ("participants", "coverage"):
                if key in changes:
                    comp.pop("participants", None)
                    comp.pop("coverage", None)
            comp.update(changes)
    return sc


def _retention_only() -> Scenario:
    """reach_and_follow with a third component that only retains (relapse_hr, no hr)."""
    sc = HAND_WRITTEN["reach_and_follow"]()
    sc["intervention"]["components"].append(
        {
            "name": "m retention",
            "coverage": 0.3,
            "cost_month": 500,
            "relapse_hr": {"job": 0.3, "education": 0.5},
            "fixed_year": 24_000,
        }
    )
    return sc


NOBODY_ENROLLED = [
    pytest.param(HAND_WRITTEN["reach_and_follow"](), "z mentor", {"coverage": 0.0}, id="coverage"),
    pytest.param(_retention_only(), "m retention", {"coverage": 0.0}, id="retention-coverage"),
    pytest.param(
        HAND_WRITTEN["participants_and_state"](), "mentor", {"participants": 0}, id="participants"
    ),
    pytest.param(
        HAND_WRITTEN["participants_and_state"](),
        "håndholdt",
        {"participants": [0, 0, 0]},
        id="followed-past-horizon",
    ),
]


@pytest.mark.parametrize(("scenario", "name", "nobody"), NOBODY_ENROLLED)
def test_component_with_nobody_enrolled_has_no_effect(
    scenario: Scenario, name: str, nobody: dict[str, Any]
) -> None:
    """No participants, no followed arrivals: stocks, flows, costs and savings are those
    of the scenario without the component; only its fixed costs are invested (12.1, 12.2)."""
    without = model_v2.simulate_mean_field(_components(scenario, lambda c: c["name"] != name))
    empty = model_v2.simulate_mean_field(_set_component(scenario, name, **nobody))
    enrolled = model_v2.simulate_mean_field(copy.deepcopy(scenario))
    for output in _effect_outputs(without):
        assert_close(empty[output], without[output], output)
    assert not np.allclose(enrolled["stocks"], without["stocks"], rtol=1e-6)
    assert np.all(empty[f"component[{name}].enrolment"] == 0)
    assert_close(
        empty["investment"] - without["investment"],
        empty[f"component[{name}].investment"],
        "investment of the empty component",
    )


def _retention_scenario(follow_up: int | None, years: int = 2) -> Scenario:
    component: dict[str, Any] = {"name": "retention", "coverage": 1.0, "relapse_hr": {"job": 0}}
    if follow_up is not None:
        component["follow_up_months"] = follow_up
    return {
        "name": "retention",
        "start": "2020-01",
        "years": years,
        "destinations": {"job": {"relapse": 0.3}},
        "segments": [
            {"name": "all", "initial": 1000, "benefit_month": 10_000, "exit": {"job": 0.4}}
        ],
        "intervention": {"start": "2020-01", "end": "2030-01", "components": [component]},
    }


def _retention_by_hand(follow_up: int, months: int, protected: bool) -> tuple[Any, Any]:
    """Benefit and job stocks (measured) of `_retention_scenario`, month by month: every
    leaver is followed (coverage 1, no hazard ratio: s = 1) and does not relapse for
    `follow_up` months, then relapses like anyone else; the baseline relapses everyone,
    this month's arrivals included (MODEL.md 4.5)."""
    leave = 1.0 - 0.6 ** (1 / 12)
    relapse = 1.0 - 0.7 ** (1 / 12)
    benefit, plain, followed = 1000.0, 0.0, [0.0] * (follow_up - 1)  # months 1 … L − 1
    path = []
    for _ in range(months):
        path.append((benefit, plain + sum(followed)))
        leavers = benefit * leave
        if protected:
            back = plain * relapse
            cells = [leavers, *followed]  # cell j: in month j + 1 of follow-up
            followed = cells[:-1]
            plain += cells[-1] - back
        else:
            back = (plain + leavers) * relapse
            plain += leavers - back
        benefit += back - leavers
    stocks = np.array(path)
    return stocks[:, 0], stocks[:, 1]


@pytest.mark.parametrize("follow_up", [1, 3, 24])
def test_follow_up_months_against_a_hand_computed_chain(follow_up: int) -> None:
    out = model_v2.simulate_mean_field(_retention_scenario(follow_up))
    for arm, protected in ((0, False), (1, True)):
        benefit, job = _retention_by_hand(follow_up, 24, protected)
        assert_close(out["stocks"][arm, :, 0], benefit, f"benefit, arm {arm}")
        assert_close(out["stocks"][arm, :, 1], job, f"job, arm {arm}")
    if follow_up == 24:  # nobody relapses within the horizon
        assert_close(out["stocks"][1, :, 0], 1000 * 0.6 ** (np.arange(24) / 12), "no relapse")


def test_follow_up_longer_than_the_component_equals_none_and_shorter_retains_less() -> None:
    sc = HAND_WRITTEN["reach_and_follow"]()
    runs = {}
    for follow_up in (1, 6, 12, 60, None):
        sc_l = _set_component(sc, "a broker", follow_up_months=follow_up)
        if follow_up is None:
            del sc_l["intervention"]["components"][1]["follow_up_months"]
        runs[follow_up] = model_v2.simulate_mean_field(sc_l)
    assert_same_outputs(runs[60], runs[None], "follow_up_months = 60")
    job = [runs[m]["stock.job"][1].sum() for m in (1, 6, 12, None)]
    assert all(a < b for a, b in itertools.pairwise(job)), job
    no_retention = _set_component(sc, "a broker", relapse_hr={})
    assert model_v2.simulate_mean_field(no_retention)["stock.job"][1].sum() < job[0]


def test_state_share_one_moves_the_component_cost_to_the_state() -> None:
    sc = HAND_WRITTEN["reach_and_follow"]()
    for comp in sc["intervention"]["components"]:
        comp["state_share"] = 1.0
    out = {p: oracle(sc, perspective=p) for p in model_v2.PERSPECTIVES}
    names = [c["name"] for c in sc["intervention"]["components"]]
    gross = sum(out["public"][f"component[{n}].investment"] for n in names)
    assert np.all(gross[:3] > 0)
    for n in names:
        assert np.all(out["municipal"][f"component[{n}].investment"] == 0), n
        assert_close(
            out["state"][f"component[{n}].investment"],
            out["public"][f"component[{n}].investment"],
            n,
        )
    funding = np.array(sc["intervention"]["funding"], dtype=float)
    caseload = out["public"]["investment"] - gross
    assert np.all(caseload[:3] > 0)
    assert_close(out["municipal"]["investment"], caseload - funding, "municipal")
    assert_close(out["state"]["investment"], gross + funding, "state")
    half = copy.deepcopy(sc)
    for comp in half["intervention"]["components"]:
        comp["state_share"] = 0.5
    assert_close(
        oracle(half, perspective="municipal")["investment"],
        caseload - funding + gross / 2,
        "state_share 0.5",
    )


def test_funding_is_a_transfer_in_the_public_perspective() -> None:
    sc = HAND_WRITTEN["changing_baseline"]()
    funding = np.array(sc["intervention"]["funding"], dtype=float)
    unfunded = copy.deepcopy(sc)
    del unfunded["intervention"]["funding"]
    for perspective, sign in (("public", 0.0), ("municipal", -1.0), ("state", 1.0)):
        funded_out = oracle(sc, perspective=perspective)
        unfunded_out = oracle(unfunded, perspective=perspective)
        assert_close(
            funded_out["investment"] - unfunded_out["investment"], sign * funding, perspective
        )
        assert_close(funded_out["savings"], unfunded_out["savings"], perspective)


def _kept_benefit_scenario(perspective: str) -> Scenario:
    return {
        "name": "benefit_share 1",
        "start": "2021-01",
        "years": 2,
        "perspective": perspective,
        "benefit": {"indsats_month": 1000},
        "destinations": {
            "job": {"relapse": 0.2},
            "jobparat": {"relapse": 0.3, "benefit_share": 1.0},
        },
        "segments": [
            {
                "name": "all",
                "initial": 500,
                "inflow_per_year": 120,
                "benefit_month": 10_000,
                "exit": {"job": 0.1, "jobparat": 0.3},
            }
        ],
        "intervention": {
            "start": "2021-01",
            "end": "2023-01",
            "components": [
                {"name": "mentor", "coverage": 0.2, "cost_month": 1000, "hr": {"job": 1.5}}
            ],
        },
    }


@pytest.mark.parametrize(
    ("perspective", "share"), [("municipal", 0.8), ("state", 0.2), ("public", 1.0)]
)
def test_benefit_share_one_costs_like_benefit_in_cell_12_outside_the_benefit_stock(
    perspective: str, share: float
) -> None:
    """12.5: a jobparat person costs the benefit at cell 12's refusion (20 % state), no
    indsats_month, and is neither in the benefit stock nor in B_c."""
    out = oracle(_kept_benefit_scenario(perspective))
    person_years = out["stock.jobparat"] * 12  # two whole calendar years
    assert np.all(person_years > 100)
    assert_close(out["cost.destinations"], person_years * 10_000 * share, "cost.destinations")
    effort = 0.0 if perspective == "state" else 1000.0
    assert_close(out["cost.effort"], out["stock.benefit"] * 12 * effort, "cost.effort")
    assert_close(out["component[mentor].enrolment"], 0.2 * out["stock.benefit"][1], "B_c")
    total = out["stocks"].sum(axis=2)
    assert_close(out["stocks"][:, :, 0], total - out["stocks"][:, :, 1:].sum(axis=2), "stocks")


def test_duration_ratios_of_one_are_no_ladder() -> None:
    sc = HAND_WRITTEN["changing_baseline"]()
    ones = copy.deepcopy(sc)
    for seg in sc["segments"]:
        seg.pop("duration_hr", None)
    for seg in ones["segments"]:
        seg["duration_hr"] = [[4, 1.0], [13, 1.0]]
    assert_same_outputs(oracle(ones), oracle(sc), "duration_hr of ones")
    assert not np.allclose(
        oracle(HAND_WRITTEN["changing_baseline"]())["stocks"], oracle(sc)["stocks"]
    )


def test_burn_in_of_zero_years_is_none() -> None:
    sc = HAND_WRITTEN["changing_baseline"]()
    del sc["burn_in_years"]
    assert_same_outputs(oracle(sc, burn_in_years=0), oracle(sc), "burn_in_years = 0")
    one = oracle(sc, burn_in_years=1)
    assert one["burn_in_persons"].shape == (12,)
    assert not np.allclose(one["stocks"], oracle(sc)["stocks"])


def test_deadweight_is_nan_when_nothing_is_claimed() -> None:
    sc = HAND_WRITTEN["reach_and_follow"]()
    assert math.isfinite(oracle(sc)["deadweight"])
    late = copy.deepcopy(sc)
    late["intervention"].update(start="2023-01", end="2024-01")
    for comp in late["intervention"]["components"]:
        comp.pop("start", None)
        comp.pop("end", None)
    out = oracle(late)
    assert np.all(out["gross_savings"] == 0) and math.isnan(out["deadweight"])
    assert np.all(out["savings"] == 0)
    no_job = copy.deepcopy(sc)
    no_job["destinations"] = {"resource": {"relapse": 0.3}, "other": {}}
    for seg in no_job["segments"]:
        seg["exit"] = {"resource": 0.1, "other": 0.05}
    no_job["intervention"]["caseload"]["affects"] = ["resource"]
    no_job["intervention"]["components"] = []
    out = oracle(no_job)
    assert np.all(out["gross_savings"] == 0) and math.isnan(out["deadweight"])
    assert np.abs(out["savings"]).max() > 1000


def test_gross_savings_counts_from_the_first_running_month_at_cell_12() -> None:
    """12.9: the person-months in job of those who left benefit since t0, valued at the
    municipal share of cell 12 (80 %) whatever the perspective. Before t0 nobody is
    counted; from t0 on, the job stock minus what is left of those in job at t0 (they
    only relapse: nobody joins them), so initial_destinations are excluded; jobparat
    is not job."""
    sc = _kept_benefit_scenario("state")
    sc["segments"][0]["initial_destinations"] = {"job": 200, "jobparat": 50}
    sc["intervention"]["start"] = "2021-07"
    out = oracle(sc)
    assert model_v2.parse(sc).first_running_month() == 6
    job = out["stocks"][1, :, 1]
    stays = 0.8 ** (1 / 12)
    not_counted = np.array([job[t] if t < 6 else job[6] * stays ** (t - 6) for t in range(24)])
    claimed = (job - not_counted).reshape(2, 12).sum(axis=1)
    assert_close(out["gross_savings"], -claimed * 10_000 * 0.8, "gross_savings")
    assert claimed[0] > 0


def test_indexation_and_price_lists_compound() -> None:
    """12.8: entry j is the rise into calendar year j, compounded; stocks do not move."""
    sc = HAND_WRITTEN["changing_baseline"]()
    flat = copy.deepcopy(sc)
    flat["benefit"]["indexation"] = 0.0
    flat["price_index"] = 0.0
    del sc["intervention"]["funding"], flat["intervention"]["funding"]
    rises = sc["benefit"]["indexation"]
    index = np.cumprod([1.0, *(1 + r for r in rises[1:])])
    prices = np.cumprod([1.0, *(1 + r for r in sc["price_index"][1:])])
    out, base = oracle(sc), oracle(flat)
    assert_close(out["stocks"], base["stocks"], "stocks")
    for arm in (0, 1):
        assert_close(out["cost.benefit"][arm], base["cost.benefit"][arm] * index, "benefit")
        assert_close(out["cost.effort"][arm], base["cost.effort"][arm] * prices, "effort")
        assert_close(
            out["cost.destinations"][arm], base["cost.destinations"][arm] * index, "destinations"
        )
    assert_close(out["investment"], base["investment"] * prices, "investment")


def test_component_order_in_the_file_does_not_matter() -> None:
    """Followed shares are assigned in the order of the components' names (12.2): two
    components whose shares together exceed 1 give the same result in either order."""
    sc = _retention_scenario(None)
    sc["intervention"]["components"] = [
        {"name": "b", "coverage": 0.9, "hr": {"job": 3.0}, "relapse_hr": {"job": 0.9}},
        {"name": "a", "coverage": 0.9, "hr": {"job": 3.0}, "relapse_hr": {"job": 0.1}},
    ]
    swapped = copy.deepcopy(sc)
    swapped["intervention"]["components"].reverse()
    assert_same_outputs(oracle(swapped), oracle(sc), "order")
    renamed = copy.deepcopy(sc)
    renamed["intervention"]["components"][0]["name"] = "0"
    assert oracle(renamed)["stock.job"][1].sum() < oracle(sc)["stock.job"][1].sum()


# --------------------------------------------------------------------------- the engine (v1)
#
# Where version 1 and version 2 coincide (no relapse_hr, municipal perspective or public
# without funding, indexation 0 or destination costs 0, no section-12 key) the oracle
# must equal the installed engine's mean-field run. Version 1's extra_job_education
# (cumulative gross entries) is version 2's extra_entries_job_education.

V1_SHARED = ("investment", "savings", "net", "inflow")
V1_PER_ARM = ("cost", "cost.benefit", "cost.effort", "cost.destinations", "relapse")


def _v1_base(**changes: Any) -> Scenario:
    sc = copy.deepcopy(BASE)
    sc["benefit"]["indexation"] = 0.0
    del sc["intervention"]["components"][0]["relapse_hr"]
    sc.update(changes)
    return sc


def _v1_scenarios() -> dict[str, Scenario]:
    """The shared test scenario without relapse_hr, a targeted segment that is empty
    (every ratio 1, extra_fte still paid), no intervention at all, and the hand-written
    version-2 scenarios with their version-2 parts taken out."""
    out: dict[str, Scenario] = {"base": _v1_base()}
    empty = _v1_base()
    empty["segments"][1].update(initial=0, inflow_per_year=0)
    empty["intervention"]["segments"] = ["under 30"]
    empty["intervention"]["caseload"] = {
        "base": 65,
        "extra_fte": [1, 2, 1, 0.5],
        "fte_cost_year": 560_000,
        "elasticity": 0.5,
    }
    out["empty_target"] = empty
    out["no_intervention"] = _v1_base()
    del out["no_intervention"]["intervention"]
    for name, make in HAND_WRITTEN.items():
        out[name] = v1_compatible(make(), keep_indexation=False)
        out[f"{name}_indexed"] = v1_compatible(make(), keep_indexation=True)
    return out


V2_COMPONENT_KEYS = ("segments", "start", "end", "ramp_months", "state_share",
                     "follow_up_months", "relapse_hr")  # fmt: skip


def v1_compatible(scenario: Scenario, keep_indexation: bool) -> Scenario:
    """A generated scenario with every section-12 key and every version difference
    taken out (MODEL.md 12: relapse_hr, perspectives, indexation of destinations)."""
    sc = copy.deepcopy(scenario)
    for key in ("burn_in_years", "price_index", "correlations"):
        sc.pop(key, None)
    kept = [n for n, d in sc["destinations"].items() if "benefit_share" not in d]
    sc["destinations"] = {n: sc["destinations"][n] for n in kept}
    index = sc.setdefault("benefit", {}).get("indexation", 0.0)
    sc["benefit"]["indexation"] = (index if isinstance(index, float) else 0.01) * keep_indexation
    if keep_indexation:
        sc["destinations"] = {
            n: {"relapse": d.get("relapse", 0.0)} for n, d in sc["destinations"].items()
        }
    for seg in sc["segments"]:
        for key in ("duration_hr", "inflow_cell", "initial_destinations"):
            seg.pop(key, None)
        seg["exit"] = {
            k: v[0] if isinstance(v, list) else v for k, v in seg["exit"].items() if k in kept
        }
        if isinstance(seg["inflow_per_year"], list):
            seg["inflow_per_year"] = seg["inflow_per_year"][0]
    iv = sc.get("intervention")
    if iv is None:
        return sc
    if sc.get("perspective", "municipal") != "municipal":
        sc["perspective"] = "public"
        iv.pop("funding", None)
    if "caseload" in iv:
        iv["caseload"].pop("segments", None)
        affects = [d for d in iv["caseload"].pop("affects", []) if d in kept]
        if affects:
            iv["caseload"]["affects"] = affects
    for comp in iv["components"]:
        for key in V2_COMPONENT_KEYS:
            comp.pop(key, None)
        comp["hr"] = {k: v for k, v in comp["hr"].items() if k in kept}
    return sc


V1_CASES = [pytest.param(sc, id=name) for name, sc in _v1_scenarios().items()] + [
    pytest.param(v1_compatible(random_scenario(seed), seed % 2 == 0), id=f"random{seed:02d}")
    for seed in range(24)
]


@pytest.mark.parametrize("scenario", V1_CASES)
def test_oracle_equals_the_engine_where_v1_and_v2_coincide(scenario: Scenario) -> None:
    expected = model_v2.simulate_mean_field(copy.deepcopy(scenario))
    sc = indsats.Scenario.from_dict(copy.deepcopy(scenario))
    res = indsats.simulate(sc, draws=1, seed=7, mode="mean_field", progress=False)
    assert list(res.states) == model_v2.parse(scenario).states
    assert_close(res.stock_paths[0], expected["stocks"], "stocks")
    for name in V1_SHARED:
        assert_close(res.draws(name)[0], expected[name], name)
    assert_close(
        res.draws("extra_entries_job_education")[0],
        expected["extra_entries_job_education"],
        "v1 extra_job_education",
    )
    per_arm = [
        *V1_PER_ARM,
        *(f"flow.{d}" for d in res.destinations),
        *(f"stock.{s}" for s in res.states),
    ]
    for name in per_arm:
        for i, arm in enumerate(model_v2.ARMS):
            assert_close(res.draws(name, arm=arm)[0], expected[name][i], f"{name}, {arm}")
    assert_close(res.npv[0], expected["npv"], "npv")
    assert int(res.break_even[0]) == expected["break_even"]


def _uncertain_v1() -> Scenario:
    sc = _v1_scenarios()["reach_and_follow"]
    sc["segments"][0]["exit"]["job"] = {"dist": "pert", "min": 0.05, "mode": 0.08, "max": 0.12}
    hr = sc["intervention"]["components"][1]["hr"]
    hr["job"][0] = {"dist": "uniform", "low": 1.2, "high": 1.8}
    sc["benefit"]["refusion"] = [
        [1, 0.8],
        [6, {"dist": "beta", "mean": 0.4, "sd": 0.05}],
        [99, 0.2],
    ]
    sc["intervention"]["caseload"]["elasticity"] = {"dist": "fixed", "value": 0.45}
    return sc


def test_distributions_take_their_values_by_path() -> None:
    """R14: a distribution needs its value in `values`, by positional path; each draw of
    the engine equals the oracle fed that draw's parameters."""
    sc = _uncertain_v1()
    with pytest.raises(ValueError, match=r"segments\[0\]\.exit\.job"):
        model_v2.simulate_mean_field(copy.deepcopy(sc))
    res = indsats.simulate(sc, draws=3, seed=5, mode="mean_field", progress=False)
    parameters = res.parameters()
    assert len(parameters.columns) == 3
    for draw in range(3):
        values = {str(k): float(v) for k, v in parameters.iloc[draw].items()}
        expected = model_v2.simulate_mean_field(copy.deepcopy(sc), values)
        assert_close(res.stock_paths[draw], expected["stocks"], f"draw {draw}: stocks")
        assert_close(res.npv[draw], expected["npv"], f"draw {draw}: npv")
    with pytest.raises(ValueError, match=r"values: no distribution at segments\[1\]"):
        model_v2.simulate_mean_field(sc, {**values, "segments[1].exit.job": 0.1})


@pytest.mark.parametrize("scenario", CONSERVATION_CASES)
def test_outputs_add_up(scenario: Scenario) -> None:
    """The contract's outputs are consistent with each other (OUTPUTS.md)."""
    out = oracle(scenario)
    inputs = model_v2.parse(scenario)
    months = inputs.months_in_year
    segs = [f"segment[{s.name}]" for s in inputs.segments]
    for state in inputs.states:
        total = sum(out[f"{seg}.stock.{state}"] for seg in segs)
        assert_close(total, out[f"stock.{state}"], state)
        assert_close(
            out[f"stock.{state}"] * months,
            _yearly_sum(inputs, out["stocks"][:, :, inputs.states.index(state)]),
            f"average {state}",
        )
    for d in inputs.destinations:
        assert_close(
            sum(out[f"{seg}.flow.{d.name}"] for seg in segs), out[f"flow.{d.name}"], d.name
        )
    assert_close(sum(out[f"{seg}.savings"] for seg in segs), out["savings"], "savings")
    parts = out["cost.benefit"] + out["cost.effort"] + out["cost.destinations"]
    assert_close(parts, out["cost"], "cost")
    assert_close(out["cost"][1] - out["cost"][0], out["savings"], "savings by arm")
    assert_close(out["investment"] + out["savings"], out["net"], "net")
    je = [f"stock.{d}" for d in ("job", "education") if d in inputs.states]
    stock_je = sum(out[name] for name in je)
    assert_close(out["extra_job_education_years"], (stock_je[1] - stock_je[0]) * months / 12, "je")
    last = np.cumsum(months) - 1
    be = out["break_even"]
    assert np.array_equal(out["paid_back"], (be >= 0) & (be <= last))
    if math.isfinite(out["deadweight"]):
        ratio = out["municipal_benefit_savings"].sum() / out["gross_savings"].sum()
        assert out["deadweight"] == pytest.approx(1 - ratio, rel=1e-12)
    if inputs.perspective == "municipal":
        benefit_part = out["cost.benefit"][1] - out["cost.benefit"][0]
        assert_close(out["municipal_benefit_savings"], benefit_part, "S_b")
    for comp in inputs.components:
        name = f"component[{comp.name}]"
        assert np.all(
            (out[f"{name}.capped_months"] >= 0) & (out[f"{name}.capped_months"] <= months)
        )
        if comp.participants is not None:
            assert np.all(out[f"{name}.enrolment"] <= comp.participants + 1e-9)


def _yearly_sum(inputs: model_v2.Inputs, monthly: Any) -> Any:
    out = np.zeros((*monthly.shape[:-1], inputs.n_years))
    for t, y in enumerate(inputs.year_of_month):
        out[..., y] += monthly[..., t]
    return out


def test_correlations_only_change_sampling() -> None:
    """12.6: a correlation group changes which values a draw takes, not the law given
    them; the oracle accepts it and computes the same outputs."""
    sc, values = uncertain_changing_baseline()
    grouped = model_v2.simulate_mean_field(copy.deepcopy(sc), values)
    del sc["correlations"]
    assert_same_outputs(grouped, model_v2.simulate_mean_field(sc, values), "correlations")
    fixed = HAND_WRITTEN["changing_baseline"]()
    assert not np.allclose(grouped["stocks"], oracle(fixed)["stocks"])
    with pytest.raises(ValueError, match=r"correlations\[0\]\.rho"):
        model_v2.simulate_mean_field(
            {**fixed, "correlations": [{"name": "g", "paths": [], "rho": 1.5}]}
        )
