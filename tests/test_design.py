"""indsats.design: grid, staffing and optimize on common random numbers."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

import indsats
from _decisions import scenario
from indsats import design

TARGET = "intervention.caseload.target"
MENTORS = "intervention.components[0].participants"


def test_grid_runs_every_combination_on_common_random_numbers() -> None:
    sc = scenario()
    g = design.grid(sc, {TARGET: [30, 45, 60], MENTORS: [0, 40]}, draws=300, seed=2)
    assert len(g.table) == 6
    assert g.table[[TARGET, MENTORS]].values.tolist() == [
        [30, 0],
        [30, 40],
        [45, 0],
        [45, 40],
        [60, 0],
        [60, 40],
    ]
    assert g.table["p_best"].sum() == pytest.approx(1.0)
    assert np.all(g.table["npv_p5"] <= g.table["npv_mean"])
    assert np.all(g.table["npv_mean"] <= g.table["npv_p95"])
    # Each design's NPV equals its own run with the same seed: common random numbers.
    alone = indsats.simulate(sc.replace({TARGET: 45, MENTORS: 40}), 300, seed=2, progress=False)
    np.testing.assert_array_equal(g.npv[3].to_numpy(), alone.npv)
    years = sc.calendar_years
    inv = alone.draws("investment").mean(axis=0)
    row = g.table.iloc[3]
    assert [row[f"investment[{y}]"] for y in years] == pytest.approx(inv.tolist())
    assert row["investment_max_year"] == pytest.approx(inv.max())
    assert g.best[TARGET] == g.table.loc[g.table["npv_mean"].idxmin(), TARGET]
    g.plot_heatmap(lang="da")
    g.plot_frontier(lang="da")
    plt.close("all")


def test_grid_of_explicit_designs_and_bad_input() -> None:
    sc = scenario()
    g = design.grid(sc, [{TARGET: 40}, {MENTORS: 10}], draws=50, mode="mean_field")
    assert g.paths == [TARGET, MENTORS]
    with pytest.raises(ValueError, match="two paths"):
        g.plot_heatmap()
    with pytest.raises(ValueError, match="no such list entry"):
        design.grid(sc, {"intervention.components[3].participants": [1]}, draws=10)
    with pytest.raises(ValueError, match="no values"):
        design.grid(sc, {TARGET: []}, draws=10)


def test_staffing_gives_the_marginal_caseworker() -> None:
    sc = scenario()
    s = design.staffing(sc, fte=range(0, 8), draws=200, seed=1, mode="mean_field")
    t = s.table
    assert t["fte"].tolist() == list(range(8))
    np.testing.assert_allclose(
        t["marginal_mean"].iloc[1:].to_numpy(), np.diff(t["npv_mean"].to_numpy()), rtol=1e-9
    )
    assert s.best == t.loc[t["npv_mean"].idxmin(), "fte"]
    paying = t["marginal_mean"].iloc[1:] < 0
    if s.stops_paying is None:
        assert paying.all()
    else:
        first = t.loc[t["marginal_mean"] >= 0, "fte"].iloc[0]
        assert s.stops_paying == first
    s.plot(lang="da")
    plt.close("all")
    d = scenario()
    without = indsats.Scenario.from_dict(
        {k: v for k, v in d.to_dict().items() if k != "intervention"}
    )
    with pytest.raises(ValueError, match=r"intervention\.caseload"):
        design.staffing(without, fte=[0, 1], draws=5)


def test_the_optimizer_finds_the_grids_best_on_a_small_space() -> None:
    sc = scenario()
    space = {TARGET: [30, 40, 50, 60], MENTORS: [0, 20, 40]}
    g = design.grid(sc, space, draws=300, seed=4, mode="mean_field")
    budget = float(np.percentile(g.table["investment_max_year"], 70))
    fits = g.table[g.table["investment_max_year"] <= budget]
    best = fits.loc[fits["npv_mean"].idxmin()]
    opt = design.optimize(
        sc,
        space,
        budget_per_year=budget,
        draws=300,
        seed=4,
        mode="mean_field",
        method="evolution",
        max_evaluations=60,
    )
    assert opt.method == "evolution"
    assert opt.best == {TARGET: best[TARGET], MENTORS: best[MENTORS]}
    exhaustive = design.optimize(
        sc, space, budget_per_year=budget, draws=300, seed=4, mode="mean_field", method="grid"
    )
    assert exhaustive.best == opt.best and exhaustive.evaluations == 12
    assert set(opt.frontier.index) <= set(opt.table.index)
    opt.plot()
    plt.close("all")


def test_optimize_by_probability_and_budget_probability() -> None:
    sc = scenario()
    space = {TARGET: (30, 60)}
    opt = design.optimize(
        sc,
        space,
        budget_per_year=1e12,
        objective="p_payback",
        budget_probability=0.9,
        draws=100,
        mode="mean_field",
        method="evolution",
        max_evaluations=40,
    )
    assert opt.best is not None
    assert isinstance(opt.best[TARGET], int)
    assert opt.table["feasible"].all()
    assert opt.table.loc[opt.table[TARGET] == opt.best[TARGET], "p_payback"].iloc[0] == max(
        opt.table["p_payback"]
    )
    none = design.optimize(sc, {TARGET: [30, 40]}, budget_per_year=0.0, draws=20, mode="mean_field")
    assert none.best is None and not none.table["feasible"].any()
    with pytest.raises(ValueError, match="one number per calendar year"):
        design.optimize(sc, space, budget_per_year=[1.0, 2.0], draws=10)
    with pytest.raises(ValueError, match="objective"):
        design.optimize(sc, space, budget_per_year=1.0, objective="irr", draws=10)
