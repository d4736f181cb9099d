"""indsats.calibrate: the series reader, and posteriors that cover the truth."""

from __future__ import annotations

import io
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from scipy import stats

import indsats
from _scenarios import scenario_dict
from indsats import calibrate

JOB = "segments[0].exit.job"
INFLOW = "segments[0].inflow_per_year"
EDUCATION = "segments[1].exit.education"
TRUTH = {JOB: 0.08, INFLOW: 90.0, EDUCATION: 0.08}
PRIORS: dict[str, Any] = {JOB: stats.beta(2, 20), INFLOW: (20, 300), EDUCATION: stats.beta(2, 20)}


def _scenario() -> indsats.Scenario:
    return indsats.Scenario.from_dict(scenario_dict(years=4))


def test_read_series_takes_danish_headers_and_numbers() -> None:
    text = (
        "Måned;Bestand;Tilgang;Afgang til beskæftigelse;Afgang til uddannelse\n"
        "2018M03;1.204;31;12;4\n"
        "2018M04;1.210,0;28;9;5\n"
    )
    s = calibrate.read_series(io.StringIO(text))
    assert s.index.tolist() == ["2018-03", "2018-04"]
    assert s.columns.tolist() == ["stock", "inflow", "exits.job", "exits.education"]
    assert s["stock"].tolist() == [1204.0, 1210.0]
    with pytest.raises(ValueError, match="cannot read the month"):
        calibrate.read_series(io.StringIO("Måned;Bestand\n2018-13;5\n"))
    with pytest.raises(ValueError, match="unknown destination"):
        calibrate.read_series(io.StringIO("Måned;Bestand;Afgang til månen\n2018M01;5;1\n"))
    with pytest.raises(ValueError, match="row 3, column stock"):
        calibrate.read_series(io.StringIO("Måned;Bestand\n2018M01;5\n2018M02;mange\n"))
    with pytest.raises(ValueError, match="Måned and Bestand"):
        calibrate.read_series(io.StringIO("Bestand;Tilgang\n5;1\n"))


def test_observed_series_are_checked_against_the_scenario() -> None:
    sc = _scenario()
    obs = calibrate.synthetic_series(sc, TRUTH, seed=1)
    with pytest.raises(ValueError, match="within the scenario's horizon"):
        shifted = obs.copy()
        shifted.index = [f"{2000 + i // 12}-{i % 12 + 1:02d}" for i in range(len(obs))]
        calibrate.calibrate(sc, shifted, {JOB: PRIORS[JOB]}, steps=2, burn=0)
    with pytest.raises(ValueError, match="without gaps"):
        calibrate.calibrate(sc, obs.drop(obs.index[5]), {JOB: PRIORS[JOB]}, steps=2, burn=0)
    with pytest.raises(ValueError, match="no destination 'jobs'"):
        calibrate.calibrate(
            sc, obs.rename(columns={"exits.job": "exits.jobs"}), {JOB: PRIORS[JOB]}, steps=2, burn=0
        )
    with pytest.raises(TypeError, match=r"frozen scipy\.stats"):
        calibrate.calibrate(sc, obs, {JOB: 0.08}, steps=2, burn=0)


@pytest.mark.slow
def test_posterior_intervals_cover_the_truth_over_seeds() -> None:
    sc = _scenario()
    covered = {p: 0 for p in TRUTH}
    seeds = range(6)
    for seed in seeds:
        obs = calibrate.synthetic_series(sc, TRUTH, seed=seed)
        cal = calibrate.calibrate(sc, obs, PRIORS, steps=600, burn=200, seed=seed)
        assert 0.15 < cal.acceptance < 0.8
        for p, v in TRUTH.items():
            lo, hi = np.percentile(cal.posterior[p], [5, 95])
            covered[p] += lo <= v <= hi
    # 90 % intervals: 18 chances, at least 15 must cover, and each parameter
    # at least 4 of its 6.
    assert sum(covered.values()) >= 15, covered
    assert min(covered.values()) >= 4, covered


def test_the_posterior_feeds_simulate_and_the_fit_plot() -> None:
    sc = _scenario()
    obs = calibrate.synthetic_series(sc, TRUTH, seed=3, destinations=["job", "education"])
    cal = calibrate.calibrate(sc, obs, PRIORS, walkers=12, steps=120, burn=40, seed=3)
    assert cal.posterior.columns.tolist() == [JOB, INFLOW, EDUCATION]
    assert len(cal.posterior) == 12 * 80 // 5
    # The synthetic kommune's inflow (90 a year) is far above what keeps the
    # scenario's starting stock steady, so a run on the posterior drifts.
    with pytest.warns(indsats.ScenarioWarning, match="burn_in_years"):
        res = indsats.simulate(sc, seed=1, progress=False, parameters=cal.posterior)
    assert res.n_draws == len(cal.posterior)
    pd.testing.assert_series_equal(
        res.parameters()[JOB], cal.posterior[JOB], check_names=False, check_index=False
    )
    summary = cal.summary(lang="da")
    assert summary["path"].tolist() == [JOB, INFLOW, EDUCATION]
    fig = cal.plot(draws=50)
    assert sum(ax.get_visible() for ax in fig.axes) == 4  # the stock, inflow, job, education
    plt.close("all")


@pytest.mark.slow
def test_an_effect_size_is_fitted_on_the_intervention_arm() -> None:
    d = scenario_dict(years=4)
    d["intervention"]["components"][0]["participants"] = 120
    sc = indsats.Scenario.from_dict(d)
    path = "intervention.components[0].hr.job"
    covered, medians, widths = 0, [], []
    for seed in range(10):
        obs = calibrate.synthetic_series(sc, {path: 2.0}, seed=seed, arm="intervention")
        cal = calibrate.calibrate(
            sc,
            obs,
            {path: (0.5, 4.0)},
            arm="intervention",
            walkers=16,
            steps=400,
            burn=150,
            seed=seed,
        )
        lo, mid, hi = np.percentile(cal.posterior[path], [5, 50, 95])
        covered += lo <= 2.0 <= hi
        medians.append(mid)
        widths.append(hi - lo)
    # 90 % intervals from a handful of yearly counts each: most cover the truth,
    # the medians centre on it and the data narrow the prior (whose 90 %
    # interval is 3.15 wide, its median 2.25).
    assert covered >= 6, covered
    assert abs(np.mean(medians) - 2.0) < 0.2, medians
    assert np.mean(widths) < 1.6, widths
