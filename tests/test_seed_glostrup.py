"""Glostrup 2017-2018 against its seed article (../shared/seeds/000_ea5e899dd6a36d13.txt).

The article: "På bare et år har Glostrup Kommune fået reduceret antallet af aktivitetsparate
kontanthjælpsmodtagere med 60 personer. Det svarer til et fald på cirka 20%", with exits to job,
fleksjob and førtidspension.

How the figure is measured: the intervention arm's benefit stock as the model measures it (after
the month's inflow, before its exits) in month 0 (January 2017) minus month 11 (December 2017,
when the article appeared): eleven months of exits and inflow. Tolerance: the mean over draws
within 15 % of the article's figure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import indsats

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "glostrup.toml"
DRAWS = 2000
SEED = 2017
FIRST, LAST = 0, 11  # January and December 2017
BASELINE, INTERVENTION = 0, 1


@pytest.fixture(scope="module")
def scenario() -> indsats.Scenario:
    return indsats.Scenario.from_toml(SCENARIO)


@pytest.fixture(scope="module")
def result(scenario: indsats.Scenario) -> indsats.Result:
    return indsats.simulate(scenario, draws=DRAWS, seed=SEED, mode="stochastic", progress=False)


def benefit_stock(result: indsats.Result, arm: int, month: int) -> np.ndarray:
    return np.asarray(result.stock_paths[:, arm, month, result.states.index("benefit")])


def fall(result: indsats.Result, arm: int) -> np.ndarray:
    return np.asarray(benefit_stock(result, arm, FIRST) - benefit_stock(result, arm, LAST))


def test_stock_falls_by_about_60_persons_in_2017(result: indsats.Result) -> None:
    mean = fall(result, INTERVENTION).mean()
    assert 60 * 0.85 <= mean <= 60 * 1.15, f"fall of the benefit stock Jan-Dec 2017: {mean:.1f}"


def test_stock_falls_by_about_20_percent(result: indsats.Result) -> None:
    share = (fall(result, INTERVENTION) / benefit_stock(result, INTERVENTION, FIRST)).mean()
    assert 0.20 * 0.85 <= share <= 0.20 * 1.15, f"relative fall {share:.3f}"


def test_initial_stock_is_near_300(result: indsats.Result) -> None:
    start = benefit_stock(result, INTERVENTION, FIRST).mean()
    assert 270 <= start <= 330, f"benefit stock in January 2017: {start:.1f}"


def test_baseline_alone_gives_a_small_part_of_the_fall(result: indsats.Result) -> None:
    # Without the investment the stock still falls a little, as the national count of
    # aktivitetsparate did (-5.6 % from 2017 to 2018, research §3): about 15 of 300 in 11 months.
    baseline = fall(result, BASELINE).mean()
    investment = fall(result, INTERVENTION).mean() - baseline
    assert 5 <= baseline <= 25, f"baseline fall {baseline:.1f}"
    assert investment >= 2 * baseline, f"investment {investment:.1f} vs baseline {baseline:.1f}"


@pytest.mark.parametrize("destination", ["job", "flexjob", "pension"])
def test_investment_raises_exits_to_job_flexjob_and_pension(
    result: indsats.Result, destination: str
) -> None:
    base = result.draws(f"flow.{destination}", arm="baseline")[:, 0].mean()
    inter = result.draws(f"flow.{destination}", arm="intervention")[:, 0].mean()
    assert inter >= 1.3 * base, f"{destination} 2017: {inter:.1f} vs baseline {base:.1f}"


def test_baseline_exit_rates_within_research_ranges(result: indsats.Result) -> None:
    # research §4: aktivitetsparate monthly hazards job 0.4-0.8 %, all destinations 1.7-3.2 %
    years = result.draws("benefit_person_years", arm="baseline")[:, 0]
    job = (result.draws("flow.job", arm="baseline")[:, 0] / years).mean()
    total = sum(result.draws(f"flow.{d}", arm="baseline")[:, 0] for d in result.destinations)
    total_rate = (total / years).mean()
    assert 12 * 0.004 <= job <= 12 * 0.008, f"baseline job exits per person-year {job:.3f}"
    assert 12 * 0.017 <= total_rate <= 12 * 0.032, f"all exits per person-year {total_rate:.3f}"


def test_investment_is_paid_only_in_2017_and_2018(result: indsats.Result) -> None:
    investment = result.draws("investment").mean(axis=0)
    assert result.years == [2017, 2018]
    # three extra caseworkers (about 1.65 mio. kr.) and the STV consultants less STAR's grant
    assert np.all((investment > 1.5e6) & (investment < 4.0e6)), investment


# The STV and afklaring effects back inside effects-evidence.md §8 (two of the scenario's
# FINDINGs; the caseload and the ramp stay as they are): the STV consultants at the job broker
# row, the 2017 afklaring at AFKLARING_HR (1.2-2.0, mode 1.6).
AFKLARING_2018: dict[str, Any] = {"dist": "pert", "min": 1.2, "mode": 1.4, "max": 1.6}
INSIDE_EVIDENCE: dict[str, Any] = {
    "intervention.components[STV virksomhedsindsats].hr.job": {
        "dist": "pert",
        "min": 1.0,
        "mode": 1.15,
        "max": 1.4,
    },
    **{
        f"intervention.components[afklaring].hr.{d}": [{"dk": "AFKLARING_HR"}, AFKLARING_2018]
        for d in ("flexjob", "pension", "resource")
    },
}
# ... plus the revisitation to jobparat that would close the gap: six times the baseline's rate
# in 2017, none extra in 2018.
REVISITATION: dict[str, Any] = {
    **INSIDE_EVIDENCE,
    "intervention.components[afklaring].hr.jobparat": [6.0, 1.0],
}
NO_JOBPARAT: dict[str, Any] = {
    f"segments[{s}].exit.jobparat": 0 for s in ("30+ uden børn", "30+ forsørgere")
}


def run(scenario: indsats.Scenario, changes: dict[str, Any]) -> indsats.Result:
    return indsats.simulate(
        scenario.replace(changes), draws=DRAWS, seed=SEED, mode="stochastic", progress=False
    )


def test_revisitation_to_jobparat_is_part_of_the_fall(
    scenario: indsats.Scenario, result: indsats.Result
) -> None:
    # The jobparat destination keeps the whole benefit (benefit_share = 1): it lowers the
    # aktivitetsparate count, not the benefit bill. At the baseline's 1-4 %/yr it is a few
    # persons of the 60: the fall without it, on the same draws, is that much smaller.
    part = fall(result, INTERVENTION).mean() - fall(run(scenario, NO_JOBPARAT), INTERVENTION).mean()
    assert 3 < part < 10, f"revisitation's part of the fall: {part:.1f}"


def test_inside_the_evidence_the_fall_is_about_40_and_revisitation_could_close_the_gap(
    scenario: indsats.Scenario, result: indsats.Result
) -> None:
    inside = run(scenario, INSIDE_EVIDENCE)
    inside_fall = fall(inside, INTERVENTION).mean()
    assert 30 < inside_fall < 48, f"fall with effects inside the evidence: {inside_fall:.1f}"
    revisited = run(scenario, REVISITATION)
    assert 60 * 0.85 <= fall(revisited, INTERVENTION).mean() <= 60 * 1.15
    extra_jobparat = (
        revisited.draws("flow.jobparat", arm="intervention")[:, 0].mean()
        - revisited.draws("flow.jobparat", arm="baseline")[:, 0].mean()
    )
    assert 20 < extra_jobparat < 45, f"extra revisitations in 2017: {extra_jobparat:.1f}"
    # Such a fall saves the municipality less than the file's reading: a revisited person still
    # costs the full benefit (as a destination cost, MODEL.md 12.5).
    saved = revisited.draws("savings").sum(axis=1).mean()
    assert saved > result.draws("savings").sum(axis=1).mean()
    assert revisited.npv.mean() > result.npv.mean()


def test_gross_count_against_counterfactual_saving(result: indsats.Result) -> None:
    # A before-and-after count of the leavers' job and education months (gross_savings) does
    # not see the afklaring: the benefit saved on those who went to fleksjob, førtidspension and
    # ressourceforløb is larger than the claim (a negative deadweight), but those destinations
    # cost the municipality more than the benefit, so the net saving is small.
    gross = result.draws("gross_savings").sum(axis=1).mean()
    saved = result.draws("municipal_benefit_savings").sum(axis=1).mean()
    total = result.draws("savings").sum(axis=1).mean()
    assert saved < gross < 0
    assert np.nanmean(result.draws("deadweight")) < 0
    assert saved < 3 * total < 0
