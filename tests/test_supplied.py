"""simulate(parameters=): values in place of the sampling of some parameters."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

import indsats


def _uncertain(base: dict[str, Any]) -> indsats.Scenario:
    base["segments"][0]["exit"]["job"] = {"dist": "beta", "mean": 0.08, "sd": 0.01}
    base["intervention"]["caseload"]["elasticity"] = {"dist": "uniform", "low": 0.2, "high": 0.8}
    return indsats.Scenario.from_dict(base)


def test_supplying_the_sampled_values_reproduces_the_run(base: dict[str, Any]) -> None:
    sc = _uncertain(base)
    sampled = indsats.simulate(sc, 64, seed=5, progress=False)
    params = sampled.parameters()
    again = indsats.simulate(sc, seed=5, progress=False, parameters=params)
    assert again.n_draws == 64  # draws default to the rows supplied
    np.testing.assert_array_equal(sampled._rows, again._rows)
    # A dict of arrays, named paths.
    named = {
        "segments[over 30].exit.job": params["segments[0].exit.job"].to_numpy(),
        "intervention.caseload.elasticity": params["intervention.caseload.elasticity"].to_list(),
    }
    again = indsats.simulate(sc, 64, seed=5, progress=False, parameters=named)
    np.testing.assert_array_equal(sampled._rows, again._rows)


def test_supplied_columns_replace_their_sampling_only(base: dict[str, Any]) -> None:
    sc = _uncertain(base)
    free = indsats.simulate(sc, 50, seed=2, mode="mean_field", progress=False)
    values = np.linspace(0.0, 1.0, 50)
    res = indsats.simulate(
        sc,
        50,
        seed=2,
        mode="mean_field",
        progress=False,
        parameters=pd.DataFrame({"intervention.caseload.elasticity": values}),
    )
    params = res.parameters()
    np.testing.assert_array_equal(params["intervention.caseload.elasticity"], values)
    np.testing.assert_array_equal(
        params["segments[0].exit.job"], free.parameters()["segments[0].exit.job"]
    )
    # A larger elasticity lowers the NPV (draw by draw, the job probability being shared).
    order = np.argsort(params["segments[0].exit.job"].to_numpy())
    assert not np.array_equal(res.npv, free.npv)
    assert res.npv[order].size == 50


def test_a_fixed_number_may_be_supplied(base: dict[str, Any]) -> None:
    sc = indsats.Scenario.from_dict(base)
    res = indsats.simulate(
        sc,
        3,
        mode="mean_field",
        progress=False,
        parameters={"intervention.caseload.elasticity": [0.0, 0.5, 1.0]},
    )
    assert res.parameters().columns.tolist() == ["intervention.caseload.elasticity"]
    # elasticity 0.5 is the scenario's own value
    same = indsats.simulate(sc, 1, mode="mean_field", progress=False)
    assert res.npv[1] == same.npv[0]
    assert res.npv[0] > res.npv[1] > res.npv[2]


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"segments[0].exit.jb": [0.1, 0.1]}, r"segments\[0\]\.exit\.jb: .*did you mean"),
        ({"segments[0].exit.job": [0.1, 1.0]}, r"segments\[0\]\.exit\.job: .*draw 1.*probability"),
        ({"segments[0].initial": [-1.0, 3.0]}, r"segments\[0\]\.initial: .*draw 0"),
        ({"segments[0].exit.job": ["a", "b"]}, r"parameters\['segments\[0\]\.exit\.job'\]: "),
        ({"segments[0].exit.job": [0.1, 0.1, 0.1]}, "3 rows of supplied values for 2 draws"),
        ({"segments[0].exit.job": [0.1], "segments[1].initial": [1, 2]}, "one value per draw"),
        ({}, "no columns"),
    ],
)
def test_bad_supplied_values_are_value_errors(
    base: dict[str, Any], parameters: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        indsats.simulate(base, 2, progress=False, parameters=parameters)


def test_supplied_values_must_be_a_table(base: dict[str, Any]) -> None:
    with pytest.raises(TypeError, match="DataFrame"):
        indsats.simulate(base, 2, progress=False, parameters=[0.1, 0.2])  # type: ignore[arg-type,unused-ignore]
