"""The benchmark's NumPy baselines compute the model, so a fast but wrong one cannot win.

The mean-field baselines (``benches/numpy_vector.py`` with expected flows and the
batched matrix cohort ``benches/numpy_matrix.py``) must equal the oracle to 1e-9
with the same parameters, and the engine with fixed ones. The stochastic ones
(inverse-CDF counts on shared uniforms, ``Generator.binomial`` on both arms)
must conserve persons in whole numbers, agree in mean with mean-field within
Monte Carlo error, and give exactly zero savings to an intervention without
effect.
"""

from __future__ import annotations

import copy
import math
import subprocess
import sys
from typing import Any

import numpy as np
import pytest

import indsats
from _scenarios import ROOT, SYNTHETIC

sys.path.insert(0, str(ROOT / "benches"))
from numpy_matrix import simulate_matrix
from numpy_vector import binomial_icdf, simulate_vector
from oracle.numpy_model import (
    EXAMPLE,
    OUTPUT_NAMES,
    _fixed,
    coinciding,
    simulate_numpy,
    version_2_keys,
)
from test_numpy_reference import SCENARIOS, assert_close, engine_outputs

pytestmark = SYNTHETIC
OUTPUTS = tuple(name for name in OUTPUT_NAMES if name != "break_even")  # compared to 1e-9


def mean_field_baselines(scenario: dict[str, Any], draws: int, seed: int) -> dict[str, Any]:
    """Each mean-field baseline, in chunks smaller than the draws so that chunking is used."""
    return {
        "vector": simulate_vector(scenario, draws, seed=seed, counts="mean_field", chunk=2),
        "matrix": simulate_matrix(scenario, draws, seed=seed, chunk=2),
    }


def seed_scenarios() -> dict[str, dict[str, Any]]:
    return {
        "ballerup": indsats.Scenario.from_toml(ROOT / "benches" / "ballerup_2017.toml").to_dict(),
        "one_segment": indsats.Scenario.from_toml(ROOT / "benches" / "one_segment.toml").to_dict(),
        "example": EXAMPLE,
    }


def exact_quantile(n: int, p: float, u: float) -> int:
    """The smallest x with P(X ≤ x) ≥ u, from exact binomial probabilities."""
    cdf = 0.0
    for x in range(n + 1):
        cdf += math.comb(n, x) * p**x * (1.0 - p) ** (n - x)
        if cdf >= u:
            return x
    return n


def test_inverse_cdf_counts_are_exact_quantiles() -> None:
    rng = np.random.default_rng(4)
    n = rng.integers(0, 80, 3000).astype(float)
    p = rng.random(3000)
    p[:100], p[100:200], p[200:300] = 0.0, 1.0, 0.5
    u = rng.random(3000)
    got = binomial_icdf(n, p, u)
    expected = [exact_quantile(int(a), float(b), float(c)) for a, b, c in zip(n, p, u, strict=True)]
    assert got.tolist() == expected


def test_inverse_cdf_counts_grow_with_the_uniform() -> None:
    """The coupling of the two arms: a count is monotone in its uniform, also for p > 1/2."""
    # Not within the summed CDF's rounding (~1e-15) of 0 or 1, where no walk is exact.
    u = np.linspace(1e-9, 1.0 - 1e-9, 2001)
    for n, p in ((40.0, 0.1), (40.0, 0.5), (40.0, 0.93), (7.0, 0.999)):
        counts = binomial_icdf(np.full(u.size, n), np.full(u.size, p), u)
        assert (np.diff(counts) >= 0).all(), (n, p)
        for end in (0, -1):
            assert counts[end] == exact_quantile(int(n), p, float(u[end])), (n, p, end)


def test_inverse_cdf_refuses_counts_beyond_its_walk() -> None:
    with pytest.raises(ValueError, match="beyond a CDF walk"):
        binomial_icdf(np.array([5000.0]), np.array([0.4]), np.array([0.5]))


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_mean_field_baselines_equal_the_oracle(name: str) -> None:
    scenario = SCENARIOS[name]()
    expected = simulate_numpy(copy.deepcopy(scenario), 3, mode="mean_field")
    for baseline, out in mean_field_baselines(scenario, 3, 0).items():
        for output in OUTPUTS:
            assert_close(out[output], expected[output], f"{name}, {baseline}: {output}")
        assert np.array_equal(out["break_even"], expected["break_even"]), baseline


@pytest.mark.parametrize("name", ["ballerup", "one_segment", "example"])
def test_mean_field_baselines_equal_the_oracle_with_sampled_parameters(name: str) -> None:
    scenario = seed_scenarios()[name]
    expected = simulate_numpy(scenario, 5, seed=11, mode="mean_field")
    assert np.ptp(expected["savings"], axis=0).max() > 0, "the parameters must vary per draw"
    for baseline, out in mean_field_baselines(scenario, 5, 11).items():
        for output in OUTPUTS:
            assert_close(out[output], expected[output], f"{name}, {baseline}: {output}")


def test_mean_field_baselines_equal_the_engine() -> None:
    # The baselines read MODEL.md version 1: compared where version 2 agrees.
    scenario = coinciding(SCENARIOS["ballerup_like"]())
    engine = engine_outputs(scenario)
    for baseline, out in mean_field_baselines(scenario, 3, 0).items():
        for output in ("stocks", "flows", "benefit_person_years", "savings", "investment", "npv"):
            assert_close(out[output], engine[output], f"{baseline}: {output}")


@pytest.mark.parametrize("counts", ["icdf", "generator"])
def test_stochastic_baselines_conserve_persons(counts: str) -> None:
    fixed = _fixed(EXAMPLE)
    out = simulate_vector(fixed, 60, seed=2, counts=counts, chunk=16)
    stocks = out["stocks"]
    totals = stocks.sum(axis=-1)  # (draws, arm, months)
    assert (stocks >= 0).all()
    assert np.array_equal(stocks, np.round(stocks))
    assert np.array_equal(totals[:, 0], totals[:, 1]), "both arms share the inflow"
    initial = sum(s["initial"] for s in fixed["segments"])
    assert (totals[:, 0, 0] >= initial).all()
    assert (np.diff(totals[:, 0], axis=1) >= 0).all(), "persons vanished"
    assert np.array_equal(out["flows"], np.round(out["flows"]))


@pytest.mark.parametrize("counts", ["icdf", "generator"])
def test_stochastic_baselines_agree_in_mean_with_mean_field(counts: str) -> None:
    fixed = _fixed(EXAMPLE)
    draws = 400
    mean_field = simulate_numpy(fixed, 1, mode="mean_field")
    out = simulate_vector(fixed, draws, seed=5, counts=counts)
    for name in ("savings", "investment", "benefit_person_years", "flows"):
        mc, mf = out[name].mean(axis=0), mean_field[name][0]
        se = out[name].std(axis=0) / np.sqrt(draws)
        tolerance = 5 * se + 1e-6 * np.abs(mf).max()
        assert (np.abs(mc - mf) <= tolerance).all(), f"{counts}: {name}"


@pytest.mark.parametrize("counts", ["icdf", "generator"])
def test_stochastic_baselines_give_no_savings_without_an_effect(counts: str) -> None:
    null = _fixed(EXAMPLE)
    null["intervention"] = {"start": "2017-06", "end": "2020-06", "components": [{"hr": {}}]}
    out = simulate_vector(null, 20, seed=3, counts=counts, chunk=8)
    assert (out["savings"] == 0).all() and (out["investment"] == 0).all()


def test_bench_quick_runs() -> None:
    """The benchmark itself runs (tiny sizes), names the fastest baselines and its targets."""
    bench = subprocess.run(
        [sys.executable, str(ROOT / "benches" / "bench.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert bench.returncode == 0, bench.stderr
    out = bench.stdout
    for case in ("Ballerup", "one segment"):
        assert f"{case}: throughput" in out
        assert f"fastest NumPy baselines, {case}: stochastic: numpy_" in out
    assert "Targets" in out and "max RSS" in out


@pytest.mark.parametrize("name", ["ballerup_2017.toml", "one_segment.toml"])
def test_bench_cases_keep_to_the_model_the_baselines_implement(name: str) -> None:
    """The bench times indsats against NumPy on the same model: its cases use no key of
    MODEL.md version 2 that the version-1 baselines would ignore."""
    scenario = indsats.Scenario.from_toml(ROOT / "benches" / name).to_dict()
    assert version_2_keys(scenario) == []
    assert coinciding(scenario) == scenario
    shipped = indsats.Scenario.from_toml(ROOT / "scenarios" / "ballerup.toml").to_dict()
    assert "burn_in_years" in version_2_keys(shipped)  # the check sees what it must
