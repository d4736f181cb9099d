"""Ballerup 2017 (seed 003): the scenario reproduces the article's business-case table.

Article: ../shared/seeds/003_3f963d9439e795ea.txt (STAR, 19 Apr 2017). Table in mio. kr.
for 2017-2020; target "over 45 aktivitetsparate borgere kommer i job eller uddannelse".
Budget agreement (research §0, Ballerup Bladet Oct 2016): 2.2-2.9 mio. kr. a year for
kontanthjælp and 2.4-3.2 mio. kr. a year for uddannelseshjælp.
"""

from __future__ import annotations

import re

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
# The budget agreement's money per benefit type, mio. kr. a year (its ends add up to the
# article's 6.1 in 2017 and 4.6 in 2020).
AGREEMENT = {"kontanthjælp": (2.2, 2.9), "uddannelseshjælp": (2.4, 3.2)}
BROKER = "virksomhedsrettet forløb"


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
    assert scenario.components == [BROKER, "mentor"]
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


def test_money_is_split_by_benefit_type_as_the_budget_agreement_did(
    result: indsats.Result,
) -> None:
    # Kontanthjælp's money is the forløb; uddannelseshjælp's the youth caseload and mentors.
    n = result.n_detail
    kh = result.draws(f"component[{BROKER}].investment").mean(0) / 1e6
    uh = result.draws("investment")[:n].mean(0) / 1e6 - kh
    for name, spent in (("kontanthjælp", kh), ("uddannelseshjælp", uh)):
        low, high = AGREEMENT[name]
        # a yearly split the agreement gives only as a range: within 0.4 mio. kr. of it
        assert np.all((spent > low - 0.4) & (spent < high + 0.4)), (name, spent)
    # uddannelseshjælp gets the larger part, as in the agreement (52 % of its midpoints)
    assert 0.47 < uh.sum() / (kh.sum() + uh.sum()) < 0.58


def test_mentor_refusion_2017_2018_only(scenario: indsats.Scenario) -> None:
    # rules §4: 50 % state refusion of mentor costs in 2016-2018, none from 2019
    runs = {
        p: indsats.simulate(
            scenario.replace({"perspective": p}), 200, seed=5, mode="mean_field", progress=False
        )
        for p in ("municipal", "public")
    }
    mentor = {p: r.draws("component[mentor].investment").mean(0) for p, r in runs.items()}
    share = mentor["municipal"] / mentor["public"]
    np.testing.assert_allclose(share, [0.5, 0.5, 1.0, 1.0], rtol=1e-12)
    # the forløb (staff) has no refusion
    broker = [r.draws(f"component[{BROKER}].investment").mean(0) for r in runs.values()]
    np.testing.assert_allclose(broker[0], broker[1], rtol=1e-12)


def test_more_than_45_extra_in_job_or_education(result: indsats.Result) -> None:
    # The stock definition (MODEL.md 12.9): persons in job or education at the end of 2020.
    extra = result.draws("extra_job_education")[:, -1]
    assert extra.mean() > 45
    assert np.mean(extra > 45) > 0.9  # most draws meet the target too, not only the mean
    # ... but the savings need well above 45 as a stock: 1.5-2.5 times at the end of 2018
    assert 1.5 * 45 < result.draws("extra_job_education")[:, 1].mean() < 2.5 * 45
    # Read as 45 more a year, the article agrees: about 45 extra gross entries a year.
    entries = result.draws("extra_entries_job_education")[:, -1].mean() / len(YEARS)
    assert 35 < entries < 60


def test_baseline_is_steady_after_the_burn_in(result: indsats.Result) -> None:
    stock = result.draws("stock.benefit", arm="baseline").mean(0)
    assert abs(stock[-1] / stock[0] - 1) < 0.05, stock
    # persons in job from before 2017 are there from the first month (the burn-in), not
    # filling up from an empty destination
    job = result.stock_paths[:, 0, :, result.states.index("job")].mean(0)
    assert job[0] > 0.8 * job[-1] > 0, job


def test_baseline_exit_rates_are_within_the_research_ranges(result: indsats.Result) -> None:
    # research §4: aktivitetsparate leave benefit at roughly 2-3 %/month (~20-35 %/yr), of which
    # ordinary job 0.4-0.8 %/month (~5-9 %/yr); uddannelseshjælp adds education.
    stock = result.draws("stock.benefit", arm="baseline").mean(0)
    destinations = ["job", "education", "flexjob", "resource", "pension", "other"]
    exits = sum(result.draws(f"flow.{d}", arm="baseline").mean(0) for d in destinations)
    job = result.draws("flow.job", arm="baseline").mean(0)
    assert np.all((exits / stock > 0.20) & (exits / stock < 0.40)), exits / stock
    assert np.all((job / stock > 0.05) & (job / stock < 0.09)), job / stock
    # research §3: the high end of 400-600 + 100-200 for a 50,000 municipality.
    assert np.all((stock > 650) & (stock < 900)), stock


def test_jobcenter_running_cost_is_about_a_quarter_of_the_savings(
    result: indsats.Result,
) -> None:
    # The CHOICE in the file: indsats_month counted as saved per person-month off benefit.
    share = result.savings_by_part("effort").sum() / result.draws("savings").sum()
    assert 0.15 < share < 0.30, share


def test_investment_falls_and_pays_back(result: indsats.Result) -> None:
    investment = result.draws("investment").mean(0)
    assert investment[0] > investment[1] > investment[-1]
    # The article expects the investment "hurtigt er tjent hjem"; the cumulative net turns
    # negative during 2018-2019 in most draws.
    assert result.probability_of_payback() > 0.8
    months = result.break_even[result.break_even >= 0]
    assert 12 <= np.median(months) < 36


def test_effects_within_the_evidence_or_flagged(scenario: indsats.Scenario) -> None:
    # effects-evidence.md §8: caseload halving pert(1.00, 1.15, 1.50); mentor for the young
    # pert(1.05, 1.30, 1.60); relapse with in-job support pert(0.75, 0.90, 1.00).
    iv = scenario.to_dict()["intervention"]
    e = iv["caseload"]["elasticity"]
    assert 2.0 ** e["min"] >= 1.0 and 2.0 ** e["max"] <= 1.5 + 1e-3
    broker, mentor = iv["components"]
    for hr in (mentor["hr"]["job"], mentor["hr"]["education"]):
        assert (hr["min"], hr["max"]) == (1.05, 1.60)
    for r in (broker["relapse_hr"]["job"], mentor["relapse_hr"]["education"]):
        assert (r["min"], r["max"]) == (0.75, 1.0)
    # the forløb's fitted ratios leave the evidence (private praktik up to 1.7): flagged
    assert max(hr["mode"] for hr in broker["hr"]["job"]) > 1.7
    text = SCENARIO.read_text(encoding="utf-8")
    assert re.search(r"STRETCH - FINDING.*\n.*EVIDENCE §8 SUPPORTS ABOUT 1\.2", text)


def test_caseload_effect_is_plausible(scenario: indsats.Scenario) -> None:
    # research §5: halving the caseload gives a hazard ratio of 1.1-1.6 on job/education.
    caseload = scenario.to_dict()["intervention"]["caseload"]
    r = indsats.simulate(scenario, draws=400, seed=1, mode="mean_field", progress=False)
    elasticity = r.parameters()["intervention.caseload.elasticity"]
    hr_halving = 2.0 ** elasticity.median()
    assert 1.1 <= hr_halving <= 1.6
    assert 1.0 < caseload["base"] / caseload["target"] < 3.0
