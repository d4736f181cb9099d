"""Scenarios for the version-2 reference tests: hand-written ones that between them use
every key of MODEL.md section 12, and a seeded generator of random ones."""

from __future__ import annotations

import copy
import random
from typing import Any

from _scenarios import BASE

REFUSION = [[1, 0.80], [6, 0.40], [12, 0.30], [999, 0.20]]


def month_name(start: str, offset: int) -> str:
    """The month `offset` months after `start` ('YYYY-MM'), as 'YYYY-MM'."""
    year, month = (int(p) for p in start.split("-"))
    index = year * 12 + month - 1 + offset
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def calendar_years(start: str, years: int) -> int:
    return (int(start[5:7]) - 1 + 12 * years - 1) // 12 + 1


def destinations() -> dict[str, Any]:
    """The shared test destinations, with ressourceforløb and a job that pays tax."""
    table: dict[str, Any] = copy.deepcopy(BASE["destinations"])
    table["job"]["state_month"] = -2500
    table["resource"] = {"relapse": 0.3, "cost_month": 9000, "state_month": 3000}
    return table


def reach_and_follow() -> dict[str, Any]:
    """12.1 and 12.2 in a linear chain: components with their own segments, windows and
    ramps, two components following job (listed against their name order), a caseload on
    one segment, state_share per year, follow_up_months."""
    return {
        "name": "reach and follow",
        "start": "2019-04",
        "years": 3,
        "discount_rate": 0.03,
        "perspective": "municipal",
        "benefit": {"indsats_month": 1400, "indexation": 0.02, "reentry_cell": 10},
        "destinations": destinations(),
        "segments": [
            {
                "name": "under 30",
                "initial": 180,
                "inflow_per_year": 120,
                "benefit_month": 8200,
                "initial_cell": 5,
                "exit": {"job": 0.12, "education": 0.2, "other": 0.05},
            },
            {
                "name": "over 30",
                "initial": 400,
                "inflow_per_year": 140,
                "benefit_month": 12500,
                "exit": {"job": 0.08, "flexjob": 0.03, "resource": 0.05, "pension": 0.03},
            },
            {
                "name": "not targeted",
                "initial": 90,
                "inflow_per_year": 30,
                "benefit_month": 11000,
                "exit": {"job": 0.1, "other": 0.1},
            },
        ],
        "intervention": {
            "start": "2019-04",
            "end": "2021-10",
            "segments": ["under 30", "over 30"],
            "ramp_months": 4,
            "funding": [100_000, 200_000, 0, 50_000],
            "caseload": {
                "segments": ["over 30"],
                "base": 60,
                "target": 35,
                "fte_cost_year": 560_000,
                "elasticity": 0.5,
                "max_hr": 1.3,
            },
            "components": [
                {
                    "name": "z mentor",
                    "segments": ["over 30"],
                    "coverage": [0.2, 0.3, 0.3, 0.25],
                    "cost_month": 2500,
                    "one_off": 90_000,
                    "hr": {"job": 1.6, "flexjob": 1.2},
                    "relapse_hr": {"job": 0.6},
                    "state_share": [0.5, 0.5, 0.0, 0.0],
                },
                {
                    "name": "a broker",
                    "start": "2019-09",
                    "end": "2022-01",
                    "ramp_months": 2,
                    "coverage": 0.15,
                    "cost_month": 1800,
                    "fixed_year": 120_000,
                    "one_off": 40_000,
                    "hr": {"job": [1.3, 1.5, 1.4, 1.2], "education": 1.3},
                    "relapse_hr": {"job": [0.8, 0.7, 0.7, 0.9], "education": 0.5},
                    "state_share": 0.25,
                    "follow_up_months": 5,
                },
            ],
        },
    }


def changing_baseline() -> dict[str, Any]:
    """12.3–12.5 and 12.8: per-year exits and inflow, a duration ladder, an inflow cell,
    starting destinations, burn-in, destinations that keep benefit, per-year price and
    benefit indexation, funding as a transfer (public). (A correlation group needs
    uncertain parameters, 12.6: see `uncertain_changing_baseline`.)"""
    dests = destinations()
    dests["hours"] = {"relapse": 0.35, "benefit_share": 0.5, "cost_month": 300}
    dests["jobparat"] = {"relapse": 0.4, "benefit_share": 1.0}
    return {
        "name": "changing baseline",
        "start": "2020-01",
        "years": 4,
        "discount_rate": 0.035,
        "perspective": "public",
        "price_index": [0.0, 0.02, 0.03, 0.01],
        "burn_in_years": 2,
        "benefit": {
            "refusion": [[2, 0.9], [6, 0.5], [12, 0.3], [24, 0.2]],
            "indsats_month": 1500,
            "indexation": [0.0, 0.015, 0.02, 0.025],
        },
        "destinations": dests,
        "segments": [
            {
                "name": "long term",
                "initial": 300,
                "inflow_per_year": [60, 80, 100, 90],
                "inflow_cell": 6,
                "benefit_month": 12000,
                "duration_hr": [[3, 1.2], [12, 1.0], [36, 0.6]],
                "initial_destinations": {"job": 40, "flexjob": 12, "jobparat": 5},
                "exit": {
                    "job": [0.06, 0.08, 0.09, 0.07],
                    "education": 0.01,
                    "flexjob": 0.04,
                    "pension": 0.03,
                    "hours": [0.05, 0.06, 0.06, 0.06],
                    "jobparat": 0.08,
                },
            },
            {
                "name": "young",
                "initial": 150,
                "inflow_per_year": 100,
                "benefit_month": 8000,
                "exit": {"job": 0.1, "education": [0.15, 0.2, 0.2, 0.18], "hours": 0.03},
            },
        ],
        "intervention": {
            "start": "2020-03",
            "end": "2023-07",
            "ramp_months": 6,
            "funding": [300_000, 300_000, 100_000, 0],
            "caseload": {"base": 65, "target": 40, "fte_cost_year": 580_000, "elasticity": 0.6},
            "components": [
                {
                    "name": "internship",
                    "coverage": 0.1,
                    "cost_month": 2200,
                    "hr": {"job": 1.5, "hours": 1.4, "jobparat": 1.3},
                    "relapse_hr": {"hours": 0.8, "job": 0.7},
                    "follow_up_months": 12,
                }
            ],
        },
    }


def participants_and_state() -> dict[str, Any]:
    """State-dependent ratios (participants, extra_fte) in the state perspective: a
    component begun before the horizon that runs past it, one capped by its stock, one
    with follow-up longer than the horizon."""
    return {
        "name": "participants, state perspective",
        "start": "2021-07",
        "years": 2,
        "discount_rate": 0.02,
        "perspective": "state",
        "burn_in_years": 1,
        "benefit": {"indsats_month": 1000, "initial_cell": 8},
        "destinations": destinations(),
        "segments": [
            {
                "name": "5+ years",
                "initial": 40,
                "inflow_per_year": 4,
                "benefit_month": 13000,
                "exit": {"job": 0.25, "education": 0.05, "resource": 0.1, "pension": 0.05},
            },
            {
                "name": "others",
                "initial": 260,
                "inflow_per_year": 90,
                "benefit_month": 11000,
                "exit": {"job": 0.1, "education": 0.05, "other": 0.06},
            },
        ],
        "intervention": {
            "start": "2021-07",
            "end": "2023-01",
            "ramp_months": 3,
            "funding": 200_000,
            "caseload": {
                "base": 65,
                "extra_fte": [1.0, 2.0, 1.5],
                "fte_cost_year": 550_000,
                "elasticity": 0.4,
                "affects": ["job", "resource"],
            },
            "components": [
                {
                    "name": "håndholdt",
                    "segments": ["5+ years"],
                    "start": "2021-01",
                    "end": "2025-01",
                    "participants": [60, 30, 20],
                    "cost_month": 3000,
                    "one_off": 500_000,
                    "hr": {"job": 2.0, "education": 1.4},
                    "relapse_hr": {"job": 0.5},
                    "state_share": 1.0,
                    "follow_up_months": 60,
                },
                {
                    "name": "mentor",
                    "participants": 25,
                    "cost_month": 2000,
                    "one_off": 70_000,
                    "hr": {"job": 1.2},
                    "relapse_hr": {"job": 0.9, "education": 0.8},
                    "state_share": [0.0, 0.5, 0.5],
                },
            ],
        },
    }


def uncertain_changing_baseline() -> tuple[dict[str, Any], dict[str, float]]:
    """`changing_baseline` with distributions, three of them in a correlation group
    (12.6), and values for them by positional path."""
    sc = changing_baseline()
    sc["segments"][0]["exit"]["job"][1] = {"dist": "pert", "min": 0.05, "mode": 0.08, "max": 0.1}
    sc["intervention"]["caseload"]["elasticity"] = {"dist": "lognormal", "p5": 0.3, "p95": 0.9}
    relapse_hr = sc["intervention"]["components"][0]["relapse_hr"]
    relapse_hr["job"] = {"dist": "uniform", "low": 0.5, "high": 0.9}
    sc["correlations"] = [
        {
            "name": "effects",
            "paths": ["intervention.caseload.elasticity", "segments[0].exit.job"],
            "rho": 0.5,
        }
    ]
    values = {
        "segments[0].exit.job[1]": 0.07,
        "intervention.caseload.elasticity": 0.5,
        "intervention.components[0].relapse_hr.job": 0.7,
    }
    return sc, values


HAND_WRITTEN = {
    "reach_and_follow": reach_and_follow,
    "changing_baseline": changing_baseline,
    "participants_and_state": participants_and_state,
}


# --------------------------------------------------------------------------- random ones


def _per_year(rng: random.Random, n: int, low: float, high: float) -> float | list[float]:
    if rng.random() < 0.5:
        return round(rng.uniform(low, high), 4)
    return [round(rng.uniform(low, high), 4) for _ in range(n)]


def _subset(rng: random.Random, names: list[str]) -> list[str]:
    return rng.sample(names, rng.randint(1, len(names)))


def random_scenario(seed: int, *, linear: bool = False) -> dict[str, Any]:
    """A scenario with fixed numbers that uses section-12 keys at random. `linear`: no
    ratio depends on the state (caseload in target mode, components with coverage)."""
    rng = random.Random(seed)
    start = f"{rng.randint(2016, 2024)}-{rng.randint(1, 12):02d}"
    years = rng.randint(1, 4)
    n = calendar_years(start, years)
    dest_names = ["job", *rng.sample(["education", "flexjob", "resource", "other"], 2)]
    dests: dict[str, Any] = {}
    for name in dest_names:
        dests[name] = {
            "relapse": round(rng.uniform(0.0, 0.4), 3),
            "cost_month": rng.choice([0, 2000, 6000]),
            "state_month": rng.choice([0, -2000, 4000]),
        }
    if rng.random() < 0.5:
        dests["hours"] = {"relapse": 0.3, "benefit_share": rng.choice([0.5, 1.0])}
    names = list(dests)
    segments = [_random_segment(rng, f"seg {i}", names, n) for i in range(rng.randint(1, 3))]
    seg_names = [s["name"] for s in segments]
    scenario: dict[str, Any] = {
        "name": f"random {seed}",
        "start": start,
        "years": years,
        "discount_rate": round(rng.uniform(0, 0.05), 3),
        "perspective": rng.choice(["municipal", "state", "public"]),
        "benefit": {
            "indsats_month": rng.choice([0, 1200, 1500]),
            "reentry_cell": rng.randint(0, 12),
            "indexation": _per_year(rng, n, 0.0, 0.03),
            "refusion": rng.choice([REFUSION, [[3, 0.7], [12, 0.35], [13, 0.25]]]),
        },
        "destinations": dests,
        "segments": segments,
    }
    if rng.random() < 0.6:
        scenario["price_index"] = _per_year(rng, n, 0.0, 0.03)
    if rng.random() < 0.5:
        scenario["burn_in_years"] = rng.randint(0, 2)
    if rng.random() < 0.9:
        scenario["intervention"] = _random_intervention(
            rng, start, years, seg_names, names, n, linear
        )
    return scenario


def _random_segment(rng: random.Random, name: str, dests: list[str], n: int) -> dict[str, Any]:
    seg: dict[str, Any] = {
        "name": name,
        "initial": rng.choice([0, rng.uniform(20, 500)]),
        "inflow_per_year": _per_year(rng, n, 0, 150),
        "benefit_month": round(rng.uniform(7000, 14000)),
        "exit": {
            d: _per_year(rng, n, 0.0, 0.2) for d in rng.sample(dests, rng.randint(1, len(dests)))
        },
    }
    if rng.random() < 0.5:
        seg["initial_cell"] = rng.randint(0, 12)
    if rng.random() < 0.5:
        seg["inflow_cell"] = rng.randint(0, 12)
    if rng.random() < 0.5:
        seg["duration_hr"] = [[rng.randint(1, 6), 1.3], [12, 1.0], [13, 0.7]]
    if rng.random() < 0.5:
        seg["initial_destinations"] = {d: rng.randint(0, 30) for d in rng.sample(dests, 2)}
    return seg


def _random_intervention(
    rng: random.Random,
    start: str,
    years: int,
    seg_names: list[str],
    dests: list[str],
    n: int,
    linear: bool,
) -> dict[str, Any]:
    begin = rng.randint(-8, 10)
    targeted = _subset(rng, seg_names)
    iv: dict[str, Any] = {
        "start": month_name(start, begin),
        "end": month_name(start, begin + rng.randint(4, 12 * years + 6)),
        "segments": targeted,
        "ramp_months": rng.choice([0, 3, 8]),
    }
    if rng.random() < 0.5:
        iv["funding"] = _per_year(rng, n, 0, 300_000)
    if rng.random() < 0.7:
        caseload: dict[str, Any] = {
            "base": 65,
            "fte_cost_year": 560_000,
            "elasticity": round(rng.uniform(0.2, 0.9), 3),
        }
        if linear or rng.random() < 0.5:
            caseload["target"] = rng.choice([30, 45, 80])
        else:
            caseload["extra_fte"] = _per_year(rng, n, 0, 3)
        if rng.random() < 0.4:
            caseload["segments"] = _subset(rng, targeted)
        if rng.random() < 0.3:
            caseload["max_hr"] = 1.2
        if rng.random() < 0.3:
            caseload["affects"] = rng.sample(dests, 2)
        iv["caseload"] = caseload
    names = rng.sample(["mentor", "broker", "Internship", "ålborg model", "a first"], 3)
    iv["components"] = [
        _random_component(rng, name, start, years, targeted, dests, n, linear)
        for name in names[: rng.randint(0, 3)]
    ]
    return iv


def _random_component(
    rng: random.Random,
    name: str,
    start: str,
    years: int,
    targeted: list[str],
    dests: list[str],
    n: int,
    linear: bool,
) -> dict[str, Any]:
    comp: dict[str, Any] = {"name": name, "cost_month": rng.choice([1500, 2500])}
    if linear or rng.random() < 0.5:
        comp["coverage"] = _per_year(rng, n, 0.0, 0.5)
    else:
        comp["participants"] = _per_year(rng, n, 0, 120)
    comp["hr"] = {d: _per_year(rng, n, 0.7, 2.0) for d in rng.sample(dests, 2)}
    if rng.random() < 0.7:
        comp["relapse_hr"] = {d: _per_year(rng, n, 0.3, 1.2) for d in rng.sample(dests, 2)}
    if rng.random() < 0.5:
        comp["follow_up_months"] = rng.choice([1, 2, 6, 50])
    if rng.random() < 0.5:
        comp["segments"] = _subset(rng, targeted)
    if rng.random() < 0.5:
        begin = rng.randint(-6, 12 * years)
        comp["start"] = month_name(start, begin)
        comp["end"] = month_name(start, begin + rng.randint(1, 30))
    if rng.random() < 0.4:
        comp["ramp_months"] = rng.choice([0, 2, 6])
    if rng.random() < 0.5:
        comp["state_share"] = _per_year(rng, n, 0.0, 1.0)
    if rng.random() < 0.5:
        comp["fixed_year"] = 60_000
    if rng.random() < 0.5:
        comp["one_off"] = 50_000
    return comp
