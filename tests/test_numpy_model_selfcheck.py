"""Invariants of the NumPy reference model itself (tests/oracle/numpy_model.py)."""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from oracle.numpy_model import EXAMPLE, break_even_month, self_check, simulate_numpy


def test_self_check() -> None:
    self_check(draws=200)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_stochastic_conservation_and_integers(seed: int) -> None:
    out = simulate_numpy(EXAMPLE, 50, seed=seed)
    totals = out["stocks"].sum(axis=-1)  # (draws, arm, months)
    assert (out["stocks"] >= 0).all()
    assert np.array_equal(totals[:, 0], totals[:, 1])
    initial = sum(s["initial"] for s in EXAMPLE["segments"])
    assert (totals[:, 0, 0] >= initial).all()
    assert (np.diff(totals[:, 0], axis=1) >= 0).all()
    flows = out["flows"]
    assert np.array_equal(flows, np.round(flows))


def test_draws_differ_and_seed_reproduces() -> None:
    a = simulate_numpy(EXAMPLE, 30, seed=5)
    b = simulate_numpy(EXAMPLE, 30, seed=5)
    for name, value in a.items():
        assert np.array_equal(value, b[name]), name
    assert np.ptp(a["npv"]) > 0


def test_more_effect_gives_no_fewer_into_job() -> None:
    weak = copy.deepcopy(EXAMPLE)
    strong = copy.deepcopy(EXAMPLE)
    weak["intervention"]["components"][0]["hr"] = {"job": 1.1}
    strong["intervention"]["components"][0]["hr"] = {"job": 1.6}
    extra_weak = simulate_numpy(weak, 5, mode="mean_field")["extra_job_education"]
    extra_strong = simulate_numpy(strong, 5, mode="mean_field")["extra_job_education"]
    assert (extra_strong[:, -1] > extra_weak[:, -1]).all()


def test_break_even_month() -> None:
    cumulative = np.array(
        [
            [5.0, 1.0, -1.0, -2.0],
            [5.0, -1.0, 1.0, -2.0],
            [-1.0, -1.0, -1.0, 0.0],
            [-1.0, -1.0, -1.0, 0.5],
        ]
    )
    assert break_even_month(cumulative).tolist() == [2, 3, 0, -1]
