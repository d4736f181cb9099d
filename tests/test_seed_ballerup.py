"""Ballerup 2017 (seed 003): the scenario reproduces the article's business-case table.

Article: ../shared/seeds/003_3f963d9439e795ea.txt (STAR, 19 Apr 2017). Table in mio. kr.
for 2017-2020; target "over 45 aktivitetsparate borgere kommer i job eller uddannelse".
"""

from __future__ import annotations

import numpy as np
import pytest

import indsats
from _scenarios import ROOT

SCENARIO = ROOT / "scenarios" / "ballerup.toml"
YEARS = [2017, 2018, 2019, 2020]
ARTICLE = {
    "Investering": [6.1, 5.6, 5.0, 4.6],
    "Besparelse": [-2.0, -10.5, -10.2, -9.2],
    "I alt": [4.1, -4.9, -5.2, -4.6],
}


@pytest.fixture(scope="module")
def scenario() -> indsats.Scenario:
    return indsats.Scenario.from_toml(SCENARIO)


@pytest.fixture(scope="module")
def result(scenario: indsats.Scenario) -> indsats.Result:
    return indsats.simulate(scenario, draws=2000, seed=2017, mode="stochastic", progress=False)


def test_scenario_keeps_the_shape_other_tools_rely_on(scenario: indsats.Scenario) -> None:
    assert scenario.name == "Ballerup 2017"
    assert scenario.calendar_years == YEARS
    assert scenario.destinations == ["job", "education", "flexjob", "resource", "pension", "other"]
    assert scenario.segments == ["kontanthjælp", "uddannelseshjælp"]
    assert "intervention.caseload.elasticity" in {p["path"] for p in scenario.uncertain()}


@pytest.mark.parametrize("row", list(ARTICLE))
def test_table_matches_the_article(result: indsats.Result, row: str) -> None:
    table = result.table(lang="da", unit="mio")
    for year, expected in zip(YEARS, ARTICLE[row], strict=True):
        mean = float(table.loc[row, (year, "middel")])
        tolerance = max(0.1 * abs(expected), 0.3)
        assert abs(mean - expected) <= tolerance, f"{row} {year}: {mean:.2f} vs {expected}"


def test_table_rows_are_consistent(result: indsats.Result) -> None:
    net = result.draws("investment") + result.draws("savings")
    np.testing.assert_allclose(net, result.draws("net"), rtol=1e-9, atol=1e-3)


def test_more_than_45_extra_into_job_or_education(result: indsats.Result) -> None:
    extra = result.draws("extra_job_education")[:, -1]
    assert extra.mean() > 45
    # Most draws meet the target too, not only the mean.
    assert np.mean(extra > 45) > 0.9


def test_baseline_exit_rates_are_within_the_research_ranges(result: indsats.Result) -> None:
    # research §4: aktivitetsparate leave benefit at roughly 2-3 %/month (~20-35 %/yr), of which
    # ordinary job 0.4-0.8 %/month (~5-9 %/yr) for kontanthjælp; uddannelseshjælp adds education.
    stock = result.draws("stock.benefit", arm="baseline").mean(0)
    destinations = ["job", "education", "flexjob", "resource", "pension", "other"]
    exits = sum(result.draws(f"flow.{d}", arm="baseline").mean(0) for d in destinations)
    job = result.draws("flow.job", arm="baseline").mean(0)
    assert np.all((exits / stock > 0.20) & (exits / stock < 0.40)), exits / stock
    assert np.all((job / stock > 0.05) & (job / stock < 0.10)), job / stock
    # research §3: the high end of 400-600 + 100-200 for a 50,000 municipality.
    assert np.all((stock > 650) & (stock < 900)), stock


def test_investment_falls_and_pays_back(result: indsats.Result) -> None:
    investment = result.draws("investment").mean(0)
    assert np.all(np.diff(investment) < 0)
    # The article expects the investment "hurtigt er tjent hjem"; the cumulative net turns
    # negative during 2018-2019 in most draws.
    assert result.probability_of_payback() > 0.8
    months = result.break_even[result.break_even >= 0]
    assert 12 <= np.median(months) < 36


def test_caseload_effect_is_plausible(scenario: indsats.Scenario) -> None:
    # research §5: halving the caseload gives a hazard ratio of 1.1-1.6 on job/education.
    caseload = scenario.to_dict()["intervention"]["caseload"]
    r = indsats.simulate(scenario, draws=400, seed=1, mode="mean_field", progress=False)
    elasticity = r.parameters()["intervention.caseload.elasticity"]
    hr_halving = 2.0 ** elasticity.median()
    assert 1.1 <= hr_halving <= 1.6
    assert 1.0 < caseload["base"] / caseload["target"] < 2.0
