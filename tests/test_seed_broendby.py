"""Brøndby 2020-2022 against its seed article (../shared/seeds/001_97b5b0502f6fd133.txt).

The article (January 2023): "30 % kommet i arbejde og er blevet selvforsørgende"; "Over
halvdelen af de deltagere, der er afsluttet i indsatsen, er kommet videre i arbejde, uddannelse
eller fleksjob"; "en besparelse på 3,8 mio. kr. på forsørgelsesydelser".

The scenario holds only the project's participants. How the figures map to the model:
* participants = initial stock + inflow over 2020-2022 (= everyone in the model at the end);
* "30 % i arbejde" = gross flows into job in the intervention arm over 2020-2022 / participants;
* "afsluttet" = exits from benefit in the intervention arm; the share into job, education or
  flexjob must exceed one half;
* "3,8 mio. kr. på forsørgelsesydelser" = the municipality's saving on benefit payments after
  state refusion, intervention minus baseline, summed over 2020-2022: the model's savings with
  the jobcenter's indsats cost and every destination's cost set to 0.
Tolerance: the mean over draws within 15 % of the article's figure.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import indsats

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "broendby.toml"
DRAWS = 2000
SEED = 2020
INTERVENTION = 1


@pytest.fixture(scope="module")
def scenario() -> indsats.Scenario:
    return indsats.Scenario.from_toml(SCENARIO)


@pytest.fixture(scope="module")
def result(scenario: indsats.Scenario) -> indsats.Result:
    return indsats.simulate(scenario, draws=DRAWS, seed=SEED, mode="stochastic", progress=False)


def benefit_only(scenario: indsats.Scenario) -> indsats.Scenario:
    """The same scenario with only benefit payments counted as costs."""
    changes: dict[str, float] = {"benefit.indsats_month": 0}
    for destination in scenario.destinations:
        changes[f"destinations.{destination}.cost_month"] = 0
        changes[f"destinations.{destination}.state_month"] = 0
    return scenario.replace(changes)


def participants(result: indsats.Result) -> np.ndarray:
    # persons are conserved: everyone in any state in the last month = initial stock + inflow
    return np.asarray(result.stock_paths[:, INTERVENTION, -1, :].sum(axis=1))


def total_flow(result: indsats.Result, arm: str, destinations: list[str]) -> np.ndarray:
    flows = [result.draws(f"flow.{d}", arm=arm).sum(axis=1) for d in destinations]
    return np.asarray(np.sum(flows, axis=0))


def test_participants_are_initial_stock_plus_inflow(result: indsats.Result) -> None:
    params = result.parameters()
    # stochastic mode rounds each segment's sampled initial stock (ties to even)
    initial = sum(np.round(params[f"segments[{i}].initial"].to_numpy()) for i in range(2))
    expected = initial + result.draws("inflow").sum(axis=1)
    np.testing.assert_allclose(participants(result), expected)
    # about 110 at the start and 28 a year (see the scenario): roughly 195 over 2020-2022
    assert 170 <= participants(result).mean() <= 220


def test_30_percent_of_participants_into_job(result: indsats.Result) -> None:
    share = (total_flow(result, "intervention", ["job"]) / participants(result)).mean()
    assert 0.30 * 0.85 <= share <= 0.30 * 1.15, f"share of participants into job {share:.3f}"


def test_more_than_half_of_completed_into_job_education_or_flexjob(
    result: indsats.Result,
) -> None:
    good = total_flow(result, "intervention", ["job", "education", "flexjob"])
    share = (good / total_flow(result, "intervention", result.destinations)).mean()
    assert share > 0.5, f"share of exits into job, education or flexjob {share:.3f}"


def test_saving_on_benefits_is_about_3_8_mio(scenario: indsats.Scenario) -> None:
    res = indsats.simulate(
        benefit_only(scenario), draws=DRAWS, seed=SEED, mode="stochastic", progress=False
    )
    saved = -res.draws("savings").sum(axis=1).mean()
    assert 3.8e6 * 0.85 <= saved <= 3.8e6 * 1.15, f"saving on benefits {saved / 1e6:.2f} mio. kr."


def test_project_group_does_better_than_its_baseline(result: indsats.Result) -> None:
    base = total_flow(result, "baseline", ["job"]) / participants(result)
    inter = total_flow(result, "intervention", ["job"]) / participants(result)
    # the article: "mange flere i job end man er vant til"; without the project about 13 %
    assert 0.08 <= base.mean() <= 0.18, f"baseline share into job {base.mean():.3f}"
    assert (inter > base).mean() > 0.95


def test_baseline_exit_rates_within_research_ranges(result: indsats.Result) -> None:
    # research §4: aktivitetsparate monthly hazards job 0.4-0.8 %, all destinations 1.7-3.2 %
    years = result.draws("benefit_person_years", arm="baseline").sum(axis=1)
    job = (total_flow(result, "baseline", ["job"]) / years).mean()
    total = (total_flow(result, "baseline", result.destinations) / years).mean()
    assert 12 * 0.004 <= job <= 12 * 0.008, f"baseline job exits per person-year {job:.3f}"
    assert 12 * 0.017 <= total <= 12 * 0.032, f"all exits per person-year {total:.3f}"
