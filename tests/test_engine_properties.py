"""Invariants of the engine (MODEL.md 4, 7, 8, 11): conservation, no negative
stocks, zero effect ⇒ zero savings, monotone effects, convergence of the
stochastic mean to mean-field, common random numbers, reproducibility."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

import indsats
from _scenarios import SYNTHETIC, scenario_dict

pytestmark = SYNTHETIC


def run(d: dict[str, Any], draws: int = 50, **kw: Any) -> indsats.Result:
    kw.setdefault("progress", False)
    return indsats.simulate(indsats.Scenario.from_dict(d), draws, **kw)


def initial_total(d: dict[str, Any]) -> float:
    return float(sum(s["initial"] for s in d["segments"]))


def year_end_months(res: indsats.Result) -> list[int]:
    start_month = int(res.scenario.start[5:7])
    months = res.scenario.months
    return [t for t in range(months) if t == months - 1 or (start_month + t) % 12 == 0]


def assert_conserved(res: indsats.Result, d: dict[str, Any], *, exact: bool) -> None:
    """Persons in all states at each year end = initial stock + cumulative inflow,
    in both arms: exactly (stochastic) or to 1e-9 relative (mean-field)."""
    totals = res.stock_paths.sum(axis=3)  # draws, arm, month
    inflow = np.cumsum(res.draws("inflow"), axis=1)
    for y, t in enumerate(year_end_months(res)):
        expected = initial_total(d) + inflow[:, y]
        for arm in (0, 1):
            if exact:
                assert np.array_equal(totals[:, arm, t], expected), (y, arm)
            else:
                np.testing.assert_allclose(totals[:, arm, t], expected, rtol=1e-9)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_persons_are_conserved_exactly_in_stochastic_mode(seed: int) -> None:
    d = scenario_dict()
    res = run(d, 30, seed=seed)
    assert_conserved(res, d, exact=True)
    assert np.all(res.stock_paths >= 0)
    for arm in ("baseline", "intervention"):
        for dest in res.destinations:
            assert np.all(res.draws(f"flow.{dest}", arm) >= 0)
        assert np.all(res.draws("relapse", arm) >= 0)
    # Counts are whole persons.
    assert np.array_equal(res.stock_paths, np.round(res.stock_paths))


def test_persons_are_conserved_in_mean_field_mode() -> None:
    d = scenario_dict()
    res = run(d, 3, mode="mean_field")
    assert_conserved(res, d, exact=False)


def null_intervention(d: dict[str, Any]) -> dict[str, Any]:
    """All hazard ratios 1 and no investment cost."""
    d = copy.deepcopy(d)
    iv = d["intervention"]
    iv["caseload"].update(elasticity=0.0, fte_cost_year=0)
    iv["components"][0].update(cost_month=0, hr={"job": 1.0})
    # Without relapse_hr: even a ratio of 1 follows the persons placed, whose relapses
    # then have uniforms of their own (MODEL.md 12.2: chance, but no bias).
    del iv["components"][0]["relapse_hr"]
    return d


@pytest.mark.parametrize("mode", ["stochastic", "mean_field"])
def test_no_effect_and_no_cost_gives_exactly_zero(mode: str) -> None:
    # Uncertain baseline parameters must not matter either.
    d = null_intervention(scenario_dict())
    d["segments"][0]["exit"]["job"] = {"dist": "beta", "mean": 0.08, "sd": 0.02}
    res = run(d, 200, seed=5, mode=mode)
    assert np.array_equal(res.draws("savings"), np.zeros((200, len(res.years))))
    assert np.array_equal(res.draws("investment"), np.zeros((200, len(res.years))))
    assert np.array_equal(res.draws("extra_job_education"), np.zeros((200, len(res.years))))
    assert np.array_equal(res.stock_paths[:, 0], res.stock_paths[:, 1])


def test_larger_hazard_ratio_never_gives_fewer_into_job() -> None:
    previous = None
    for hr in [1.0, 1.05, 1.2, 1.5, 2.0, 3.0]:
        d = scenario_dict()
        d["intervention"]["components"][0]["hr"] = {"job": hr}
        res = run(d, 2, mode="mean_field")
        into_job = res.draws("flow.job", "intervention").sum(axis=1)[0]
        if previous is not None:
            assert into_job >= previous - 1e-9, hr
        previous = into_job
    # And the effect is real: the largest ratio gives clearly more than none.
    base = run(scenario_dict(), 2, mode="mean_field").draws("flow.job", "baseline").sum()
    assert previous is not None and previous > base / 2 * 1.2


def large_cohort() -> dict[str, Any]:
    """The test scenario with 1,000 times the persons: counts with variances in
    the hundreds and thousands, which the engine draws by its certified O(1)
    inversion rather than by the CDF walk."""
    d = scenario_dict()
    for segment in d["segments"]:
        segment["initial"] *= 1000
        segment["inflow_per_year"] *= 1000
    d["intervention"]["components"][0]["participants"] *= 1000
    return d


def test_large_cohorts_conserve_persons_exactly() -> None:
    d = large_cohort()
    res = run(d, 20, seed=5)
    assert_conserved(res, d, exact=True)
    assert np.all(res.stock_paths >= 0)
    assert np.array_equal(res.stock_paths, np.round(res.stock_paths))


@pytest.mark.parametrize(("make", "n"), [(scenario_dict, 3000), (large_cohort, 1000)])
def test_stochastic_mean_converges_to_mean_field(make: Any, n: int) -> None:
    d = make()
    sto = run(d, n, seed=11)
    mf = run(d, 1, mode="mean_field")
    for metric, arm in [
        ("savings", None),
        ("net", None),
        ("flow.job", "intervention"),
        ("flow.job", "baseline"),
        ("stock.benefit", "intervention"),
        ("relapse", "baseline"),
    ]:
        x = sto.draws(metric, arm)
        se = x.std(axis=0, ddof=1) / np.sqrt(n)
        diff = np.abs(x.mean(axis=0) - mf.draws(metric, arm)[0])
        assert np.all(diff <= 4.5 * se + 1e-9), (metric, arm, diff, se)


def test_common_random_numbers_shrink_the_variance_of_savings() -> None:
    d = scenario_dict()
    a = run(d, 2000, seed=1)
    b = run(d, 2000, seed=2)
    crn = a.draws("cost", "intervention") - a.draws("cost", "baseline")
    independent = a.draws("cost", "intervention") - b.draws("cost", "baseline")
    ratio = crn.var(axis=0) / independent.var(axis=0)
    assert np.all(ratio < 0.1), ratio


def test_results_are_bit_identical_across_threads_and_chunks() -> None:
    d = scenario_dict()
    d["intervention"]["caseload"]["elasticity"] = {"dist": "lognormal", "p5": 0.3, "p95": 0.9}
    sc = indsats.Scenario.from_dict(d)
    ref = indsats.simulate(sc, 257, seed=9, threads=1, chunk_size=64, progress=False)
    for threads, chunk in [(2, 64), (2, 1), (1, 7), (2, 1000)]:
        other = indsats.simulate(sc, 257, seed=9, threads=threads, chunk_size=chunk, progress=False)
        assert np.array_equal(ref._rows, other._rows), (threads, chunk)
        assert np.array_equal(ref.stock_paths, other.stock_paths), (threads, chunk)
    # A longer run starts with the same draws.
    longer = indsats.simulate(sc, 400, seed=9, progress=False)
    assert np.array_equal(ref._rows, longer._rows[:257])
    # Another seed gives other numbers.
    assert not np.array_equal(ref.npv, indsats.simulate(sc, 257, seed=10, progress=False).npv)


def test_parameter_draws_depend_only_on_seed_draw_and_path() -> None:
    elasticity = {"dist": "lognormal", "p5": 0.3, "p95": 0.9}
    a = scenario_dict()
    a["intervention"]["caseload"]["elasticity"] = elasticity
    b = copy.deepcopy(a)
    b["intervention"]["caseload"]["target"] = 30
    b["segments"][0]["inflow_per_year"] = {"dist": "gamma", "mean": 90, "sd": 10}
    pa = run(a, 100, seed=3).parameters()
    pb = run(b, 100, seed=3).parameters()
    path = "intervention.caseload.elasticity"
    assert np.array_equal(pa[path], pb[path])
    assert not np.array_equal(pa[path], run(a, 100, seed=4).parameters()[path])
    q = np.quantile(pa[path], [0.05, 0.95])
    assert 0.2 < q[0] < 0.4 and 0.7 < q[1] < 1.1


@pytest.mark.parametrize(
    ("initial", "expected"), [((10.5, 3.5), 14), ((2.5, 0.5), 2), ((11.5, 4.4999), 16)]
)
def test_initial_stock_is_rounded_ties_to_even(initial: tuple[float, float], expected: int) -> None:
    d = scenario_dict()
    for segment, value in zip(d["segments"], initial, strict=True):
        segment["initial"] = value
        segment["inflow_per_year"] = 0  # the month-0 stock is then the rounded initial stock
    res = run(d, 3)
    assert np.all(res.draws("inflow") == 0)
    month0 = res.stock_paths[:, :, 0].sum(axis=2)  # draws, arm: everyone is on benefit
    assert np.all(month0 == expected), month0
    assert np.all(res.stock_paths[:, :, 0, 0] == expected)


def test_an_unusable_sampled_count_is_an_error_naming_field_and_draw() -> None:
    d = scenario_dict()
    d["segments"][0]["inflow_per_year"] = {"dist": "lognormal", "median": 60, "sd_log": 300}
    with pytest.raises(ValueError, match=r"^segments\[0\]\.inflow_per_year: draw \d+ sampled"):
        run(d, 200)


@pytest.mark.parametrize("mode", ["stochastic", "mean_field"])
def test_extreme_probabilities_and_ratios_conserve_persons(mode: str) -> None:
    d = scenario_dict()
    # A beta this U-shaped puts many draws at (a hair below) 1.
    d["segments"][0]["exit"]["job"] = {"dist": "beta", "a": 0.02, "b": 0.02}
    # The largest hazard ratios a scenario may give (MODEL.md 8: bounded sizes).
    d["intervention"]["components"][0]["hr"] = {"job": 1e6, "education": 1e6}
    d["intervention"]["caseload"]["elasticity"] = 50.0
    res = run(d, 100, seed=3, mode=mode)
    assert np.all(np.isfinite(res.npv))
    assert_conserved(res, d, exact=False)


def _reordered(d: dict[str, Any]) -> dict[str, Any]:
    """The scenario with segments, components, destinations and every table keyed by
    destination listed in reverse (MODEL.md 11.13: the order of keys means nothing)."""
    d = copy.deepcopy(d)
    d["segments"].reverse()
    d["destinations"] = dict(reversed(d["destinations"].items()))
    for seg in d["segments"]:
        seg["exit"] = dict(reversed(seg["exit"].items()))
    iv = d["intervention"]
    iv["components"].append({"name": "broker", "coverage": 0.2, "hr": {"job": 1.4}})
    iv["components"].reverse()
    for comp in iv["components"]:
        comp["hr"] = dict(reversed(comp["hr"].items()))
    return d


@pytest.mark.parametrize("mode", ["stochastic", "mean_field"])
def test_keys_in_another_order_give_identical_results(mode: str) -> None:
    d = scenario_dict()
    d["segments"][0]["exit"]["job"] = {"dist": "beta", "mean": 0.08, "sd": 0.02}
    d["intervention"]["components"].append({"name": "broker", "coverage": 0.2, "hr": {"job": 1.4}})
    other = _reordered(scenario_dict())
    other["segments"][1]["exit"]["job"] = {"dist": "beta", "mean": 0.08, "sd": 0.02}
    a, b = run(d, 60, seed=8, mode=mode), run(other, 60, seed=8, mode=mode)
    assert b.destinations == list(reversed(a.destinations))
    for metric in a.metrics():
        for arm in [None] if metric in a._shared() else ["baseline", "intervention"]:
            assert np.array_equal(a.draws(metric, arm), b.draws(metric, arm), equal_nan=True), (
                metric,
                arm,
            )
    states = [b.states.index(s) for s in a.states]
    assert np.array_equal(a.stock_paths, b.stock_paths[..., states])
    assert np.array_equal(
        a.parameters()["segments[0].exit.job"], b.parameters()["segments[1].exit.job"]
    )


def test_a_scenario_compared_with_itself_reordered_differs_by_exactly_nothing() -> None:
    d = scenario_dict()
    d["intervention"]["components"].append({"name": "broker", "coverage": 0.2, "hr": {"job": 1.4}})
    cmp = indsats.compare({"A": d, "B": _reordered(scenario_dict())}, 200, seed=3, progress=False)
    assert np.array_equal(cmp.difference("A", "B"), np.zeros(200))
    table = cmp.table()
    assert (table.loc["A − B"].drop("P(lower NPV)", errors="ignore").fillna(0) == 0).all()


def test_golden_values_for_a_fixed_seed() -> None:
    d = scenario_dict()
    d["intervention"]["caseload"]["elasticity"] = {"dist": "lognormal", "p5": 0.3, "p95": 0.9}
    d["intervention"]["components"][0]["hr"]["job"] = {
        "dist": "pert",
        "min": 1.0,
        "mode": 1.25,
        "max": 1.6,
    }
    res = run(d, 8, seed=2024)
    got = {
        "npv": res.npv.round(2).tolist(),
        "break_even": res.break_even.tolist(),
        "savings0": res.draws("savings")[0].round(2).tolist(),
        "extra": res.draws("extra_job_education")[:, -1].tolist(),
    }
    assert got == GOLDEN


# Values of MODEL.md version 2: streams keyed by stage name (11.12), extra_job_education the
# persons at the end of the year (12.9), the test scenario's steady-state inflow.
GOLDEN: dict[str, Any] = {
    "break_even": [-1, -1, -1, -1, -1, -1, -1, -1],
    "extra": [21.0, 27.0, 25.0, 27.0, 23.0, 20.0, 25.0, 26.0],
    "npv": [
        3874860.28,
        4547945.77,
        3349538.26,
        2562902.32,
        4777278.09,
        5203040.0,
        5069305.96,
        4651467.1,
    ],
    "savings0": [-484900.0, -2152100.0, -3265591.6, -503868.85],
}
