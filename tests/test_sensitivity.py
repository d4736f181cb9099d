"""indsats.sensitivity: tornado, threshold, Sobol and delta, with known answers."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

import indsats
from _decisions import ELASTICITY, NULL, scenario
from indsats import sensitivity


def test_tornado_with_one_uncertain_parameter_has_one_bar() -> None:
    sc = scenario(null=False)
    t = sensitivity.tornado(sc, draws=50, seed=1)
    assert t.table["path"].tolist() == [ELASTICITY]
    row = t.table.iloc[0]
    assert row["low"] == pytest.approx(0.1 + 0.8 * 0.05)
    assert row["high"] == pytest.approx(0.1 + 0.8 * 0.95)
    # A larger caseload effect saves more: the NPV falls.
    assert row["outcome_high"] < t.base < row["outcome_low"]
    ax = t.plot(lang="da")
    assert len(ax.patches) == 2  # the low and the high half of one bar
    plt.close("all")


def test_tornado_sorts_by_swing_and_names_parameters_by_what_they_are() -> None:
    sc = scenario(hr=True)
    t = sensitivity.tornado(sc, draws=40, seed=2, lang="da")
    assert list(t.table["swing"]) == sorted(t.table["swing"], reverse=True)
    # The state's cost cannot move the municipal NPV: no swing at all, on common random numbers.
    null = t.table.set_index("path").loc[NULL]
    assert null["swing"] == 0.0
    ax = t.plot(lang="da")
    labels = [tick.get_text() for tick in ax.get_yticklabels()]
    assert any(lbl.startswith("mentor: effekt på afgang til job") for lbl in labels), labels
    assert not any("components[0]" in lbl for lbl in labels), labels
    plt.close("all")


def test_tornado_in_mean_field_needs_one_draw_and_outcomes_by_year() -> None:
    sc = scenario(null=False)
    a = sensitivity.tornado(sc, ("net", 2019), mode="mean_field", draws=500)
    b = sensitivity.tornado(sc, "net[2019]", mode="mean_field", draws=1)
    assert a.table.equals(b.table)
    with pytest.raises(ValueError, match="2030 is not a year"):
        sensitivity.tornado(sc, "net[2030]", mode="mean_field")
    with pytest.raises(ValueError, match="one number per draw"):
        sensitivity.tornado(sc, "npv[2019]", mode="mean_field")
    with pytest.raises(ValueError, match="unknown metric"):
        sensitivity.tornado(sc, "nett", mode="mean_field")


def test_threshold_finds_the_break_even_cost() -> None:
    # A caseworker's cost moves the NPV linearly (it changes no flow): two
    # runs give the line, and the threshold is where it crosses 0.
    sc = scenario(null=False)
    path = "intervention.caseload.fte_cost_year"

    def mean_npv(cost: float) -> float:
        res = indsats.simulate(sc, 200, seed=4, progress=False, parameters={path: [cost] * 200})
        return float(res.npv.mean())

    y0, y1 = mean_npv(0.0), mean_npv(1e6)
    expected = -y0 / ((y1 - y0) / 1e6)
    assert 0 < expected < 2e6
    th = sensitivity.threshold(sc, path, draws=200, seed=4, bounds=(0.0, 2e6), xtol=1e-3)
    assert th.value == pytest.approx(expected, abs=1e-2)
    assert "reaches" in str(th)


def test_threshold_says_when_there_is_none() -> None:
    sc = scenario(null=False)
    th = sensitivity.threshold(sc, ELASTICITY, target=-1e12, draws=20, mode="mean_field")
    assert th.value is None
    assert th.bounds[0] == pytest.approx(0.1) and th.bounds[1] == pytest.approx(0.9)
    assert "no threshold" in th.statement() and "ingen tærskelværdi" in th.statement("da")
    with pytest.raises(ValueError, match="fixed number has no range"):
        sensitivity.threshold(sc, "segments[0].initial", draws=5)


def test_sobol_gives_a_null_parameter_nothing_and_the_driver_everything() -> None:
    sc = scenario()
    s = sensitivity.sobol(sc, n=128, seed=3)
    table = s.table.set_index("path")
    # On common random numbers the null parameter's runs equal their base
    # runs draw by draw: indices of exactly 0.
    assert table.loc[NULL, "S1"] == 0.0 and table.loc[NULL, "ST"] == 0.0
    # With one parameter left, it carries the whole variance but for chance.
    assert table.loc[ELASTICITY, "ST"] == pytest.approx(
        1.0, abs=3 * table.loc[ELASTICITY, "ST_conf"] + 0.1
    )
    assert s.table["path"].iloc[0] == ELASTICITY
    mean_field = sensitivity.sobol(sc, n=64, mode="mean_field").table.set_index("path")
    assert mean_field.loc[ELASTICITY, "S1"] == pytest.approx(
        1.0, abs=mean_field.loc[ELASTICITY, "S1_conf"] + 0.02
    )
    s.plot(lang="da")
    plt.close("all")
    with pytest.raises(ValueError, match="power of 2"):
        sensitivity.sobol(sc, n=100)


def test_from_draws_ranks_the_driver_first_without_new_runs() -> None:
    res = indsats.simulate(scenario(), 1000, seed=5, mode="mean_field", progress=False)
    d = sensitivity.from_draws(res, num_resamples=5)
    assert d.table["path"].tolist() == [ELASTICITY, NULL]
    driver, null = d.table["delta"]
    assert driver > 0.5 > 0.1 > null
    assert np.all(np.isfinite(d.table["delta_conf"]))
    # The bootstrap is seeded, seed 0 too (SALib itself seeds only a truthy seed):
    # whatever state NumPy's global generator is in, the same draws give the same table.
    np.random.seed(12345)
    again = sensitivity.from_draws(res, num_resamples=5)
    assert again.table["delta"].equals(d.table["delta"])
    assert again.table["delta_conf"].equals(d.table["delta_conf"])
    d.plot()
    plt.close("all")


def test_sobol_intervals_do_not_depend_on_numpys_global_state() -> None:
    """Seed 0 included: SALib seeds its bootstrap only for a truthy seed."""
    sc = scenario()
    tables = []
    for state in (1, 2):
        np.random.seed(state)
        tables.append(sensitivity.sobol(sc, n=64, mode="mean_field", seed=0).table)
    assert tables[0]["S1_conf"].equals(tables[1]["S1_conf"])
    assert tables[0]["ST_conf"].equals(tables[1]["ST_conf"])
