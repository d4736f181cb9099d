"""indsats.voi: EVPI, EVPPI and the value of a pilot, with known answers."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

import indsats
from _decisions import ELASTICITY, MENTOR_HR, NULL, scenario
from indsats import voi


def _designs(**kwargs: bool) -> indsats.Comparison:
    # Caseworkers cheap enough that the choice depends on the elasticity:
    # each design is best in some draws, and doing nothing in others.
    sc = scenario(**kwargs).replace({"intervention.caseload.fte_cost_year": 250_000})
    return indsats.compare(
        {
            "target 35": sc,
            "target 50": sc.replace({"intervention.caseload.target": 50}),
        },
        draws=2000,
        seed=7,
        mode="mean_field",
        progress=False,
    )


def test_evpi_is_exactly_zero_when_one_design_wins_every_draw() -> None:
    sc = scenario()
    dearer = sc.replace({"intervention.components[0].cost_month": 5000})
    cmp = indsats.compare({"A": sc, "A, dearer": dearer}, draws=500, seed=1, progress=False)
    nb = voi.net_benefits(cmp, do_nothing=False)
    assert (nb["A"] > nb["A, dearer"]).all()
    assert voi.evpi(cmp, do_nothing=False) == 0.0
    # Against doing nothing too, as soon as one choice wins everywhere.
    free = sc.replace(
        {"intervention.caseload.fte_cost_year": 0, "intervention.components[0].cost_month": 0}
    )
    cmp = indsats.compare(
        {"free": free, "dear": dearer}, draws=500, seed=1, mode="mean_field", progress=False
    )
    assert (voi.net_benefits(cmp).idxmax(axis=1) == "free").all()
    assert voi.evpi(cmp) == 0.0


def test_evppi_lies_between_zero_and_evpi_and_finds_the_driver() -> None:
    cmp = _designs(hr=True)
    total = voi.evpi(cmp)
    assert total > 0
    e = voi.evppi(cmp, [ELASTICITY, MENTOR_HR, NULL, [ELASTICITY, MENTOR_HR]])
    assert e.evpi == total
    table = e.table.set_index("label")
    for _, row in e.table.iterrows():
        assert 0.0 <= row["evppi"] <= total + 3 * row["se"]
    assert e.table["params"].iloc[0] in ((ELASTICITY, MENTOR_HR), (ELASTICITY,))
    # The group knows at least what its parts know, up to the estimates' error.
    group = e.table[e.table["params"] == (ELASTICITY, MENTOR_HR)].iloc[0]
    alone = e.table[e.table["params"] == (ELASTICITY,)].iloc[0]
    assert group["evppi"] >= alone["evppi"] - 3 * (group["se"] + alone["se"])
    assert len(table) == 4
    e.plot(lang="da")
    plt.close("all")


def test_a_parameter_that_cannot_matter_is_worth_nothing() -> None:
    e = voi.evppi(_designs(), [NULL])
    row = e.table.iloc[0]
    assert row["evppi"] <= 3 * row["se"] + 1e-9 * e.evpi


def test_the_only_uncertain_parameter_is_worth_all_there_is_to_know() -> None:
    cmp = _designs(null=False)
    e = voi.evppi(cmp, [ELASTICITY])
    row = e.table.iloc[0]
    assert e.evpi > 0
    assert row["evppi"] == pytest.approx(e.evpi, abs=max(3 * row["se"], 0.01 * e.evpi))


def test_named_paths_and_groups_are_checked() -> None:
    cmp = _designs()
    with pytest.raises(ValueError, match="no number at this path"):
        voi.evppi(cmp, ["intervention.caseload.elastcity"])
    with pytest.raises(ValueError, match="fixed number"):
        voi.evppi(cmp, ["segments[0].initial"])
    with pytest.raises(ValueError, match="1 to 4 parameters"):
        voi.evppi(cmp, [[ELASTICITY, NULL, ELASTICITY, NULL, ELASTICITY]])


def test_designs_must_share_their_draws() -> None:
    sc = scenario()
    a = indsats.simulate(sc, 100, seed=1, progress=False)
    b = indsats.simulate(sc, 100, seed=2, progress=False)
    with pytest.raises(ValueError, match="common random numbers"):
        voi.evpi(indsats.Comparison({"a": a, "b": b}))


def test_a_pilot_is_worth_at_most_knowing_the_ratio_and_more_when_larger() -> None:
    # The mentor's hazard ratio alone decides between 40 mentor places, 20
    # and none (no extra caseworkers).
    sc = scenario(hr=True, null=False, elasticity=False)
    # A mentor place cheap enough that the ratio decides whether it pays.
    sc = sc.replace(
        {"intervention.caseload.target": 65, "intervention.components[0].cost_month": 1000}
    )
    cmp = indsats.compare(
        {"40": sc, "20": sc.replace({"intervention.components[0].participants": 20})},
        draws=2000,
        seed=7,
        mode="mean_field",
        progress=False,
    )
    pilot = voi.evsi_pilot(cmp, MENTOR_HR, participants=[2, 200, 20_000], samples=100)
    small, middle, large = pilot.table["evsi"]
    assert pilot.evppi > 0
    assert small < middle < large
    assert large <= pilot.evppi + 3 * (pilot.evppi_se + pilot.table["se"].iloc[1])
    # A very large pilot learns the ratio almost exactly.
    assert large == pytest.approx(pilot.evppi, rel=0.15)
    pilot.plot(lang="da")
    plt.close("all")
    with pytest.raises(ValueError, match="a component's hazard ratio"):
        voi.evsi_pilot(cmp, ELASTICITY)
    with pytest.raises(ValueError, match="participants must be positive"):
        voi.evsi_pilot(cmp, MENTOR_HR, participants=[0])


def test_pilot_data_come_from_the_core_keyed_by_draw() -> None:
    from indsats import _core

    p = np.full(1000, 0.2)
    t, c = _core.pilot_counts(3, "pilot", 50, 40, p, p / 2)
    t2, c2 = _core.pilot_counts(3, "pilot", 50, 40, p[:10], p[:10] / 2)
    assert np.array_equal(t[:10], t2) and np.array_equal(c[:10], c2)
    assert abs(t.mean() - 10) < 0.5 and abs(c.mean() - 4) < 0.4
    with pytest.raises(ValueError, match="draw 0"):
        _core.pilot_counts(3, "pilot", 5, 5, np.array([1.5]), np.array([0.1]))


def test_parameters_are_keyed_by_name_across_designs() -> None:
    sc = scenario(hr=True)
    raw = sc.raw_dict()
    raw["intervention"]["components"][0]["name"] = "broker"
    broker = indsats.Scenario.from_dict(raw)
    cmp = indsats.compare({"mentor": sc, "broker": broker}, draws=50, seed=1, progress=False)
    params = voi.parameters(cmp)
    mentor_hr = "intervention.components[mentor].hr.job"
    broker_hr = "intervention.components[broker].hr.job"
    assert {mentor_hr, broker_hr, ELASTICITY, NULL} == set(params.columns)
    # The same position, other components: other draws.
    assert not np.array_equal(params[mentor_hr], params[broker_hr])
    # A positional path is read in the first design that has it.
    np.testing.assert_array_equal(
        voi._parameter_values(cmp, MENTOR_HR), params[mentor_hr].to_numpy()
    )
    np.testing.assert_array_equal(
        voi._parameter_values(cmp, broker_hr), params[broker_hr].to_numpy()
    )
    e = voi.evppi(cmp, [broker_hr], lang="da")
    assert e.table["label"].iloc[0].startswith("broker: effekt på afgang til job")
