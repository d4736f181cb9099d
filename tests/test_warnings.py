"""Valid scenarios that probably do not say what was meant give a ScenarioWarning."""

from __future__ import annotations

import copy
import warnings
from pathlib import Path
from typing import Any

import pytest

import indsats
from _scenarios import ROOT, scenario_dict


def warns(d: dict[str, Any], words: str) -> None:
    with pytest.warns(indsats.ScenarioWarning, match=words) as caught:
        indsats.Scenario.from_dict(d)
    # The warning points at the caller, not inside the package.
    assert all(Path(w.filename).name == Path(__file__).name for w in caught), [
        w.filename for w in caught
    ]


def test_scenario_warning_is_public() -> None:
    assert "ScenarioWarning" in indsats.__all__
    assert issubclass(indsats.ScenarioWarning, UserWarning)


@pytest.mark.parametrize("rate", [4, 0.4, {"dist": "uniform", "low": 0.3, "high": 0.5}])
def test_a_discount_rate_above_30_percent_warns(rate: Any) -> None:
    warns(scenario_dict(discount_rate=rate), "did you mean")


def test_a_component_that_reaches_nobody_warns() -> None:
    d = scenario_dict()
    del d["intervention"]["components"][0]["participants"]
    warns(d, r"components\[0\]: hr is given but neither participants nor coverage")


def test_an_empty_list_of_segments_warns() -> None:
    d = scenario_dict()
    d["intervention"]["segments"] = []
    warns(d, r"intervention\.segments: an empty list")


def test_max_hr_below_one_warns() -> None:
    d = scenario_dict()
    d["intervention"]["caseload"]["max_hr"] = 0.9
    warns(d, "max_hr: 0.9 is below 1")


def test_replace_warns_too() -> None:
    sc = indsats.Scenario.from_dict(scenario_dict())
    with pytest.warns(indsats.ScenarioWarning, match="did you mean 0.04"):
        sc.replace({"discount_rate": 4})


def test_sensible_scenarios_do_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        indsats.Scenario.from_dict(scenario_dict())
        d = scenario_dict(discount_rate=0.3)
        d["intervention"]["caseload"]["max_hr"] = 1.0
        d["intervention"]["components"][0]["hr"] = {}
        del d["intervention"]["components"][0]["participants"]
        indsats.Scenario.from_dict(d)


# No shipped scenario expects a warning: each starts near its steady state (burn-in or
# starting destination stocks, MODEL.md 12.4).
EXPECTED: dict[str, str] = {}


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.toml")), ids=lambda p: p.stem)
def test_shipped_scenarios_do_not_warn(path: Path) -> None:
    if path.stem in EXPECTED:
        with pytest.warns(indsats.ScenarioWarning, match=EXPECTED[path.stem]) as caught:
            indsats.simulate(path, 20, seed=1, progress=False)
        assert len(caught) == 1, [str(w.message) for w in caught]
        return
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        indsats.simulate(path, 20, seed=1, progress=False)


def test_capped_enrolment_warns_with_its_months() -> None:
    # The engine reports capped months per component and year; a run that
    # reports some gives a warning naming the component, the years and months.
    res = indsats.simulate(scenario_dict(), 4, seed=1, progress=False)
    block = res._blocks[("component[mentor].capped_months", None)]
    assert block.source == "detail"
    detail = res._detail.copy()
    detail[:, block.first : block.first + block.width] = 0.0
    detail[1, block.first + 1] = 3
    raw = _raw(res, detail=detail)
    with pytest.warns(indsats.ScenarioWarning, match=r"'mentor'.*2019: up to 3 month"):
        indsats.Result(copy.copy(res.scenario), raw, seed=1, mode="stochastic", elapsed=0)


def test_participants_above_the_target_stock_warn_end_to_end() -> None:
    """The engine caps enrolment at the target stock and the run says so (MODEL.md 12.1)."""
    d = scenario_dict()
    d["intervention"]["components"][0]["participants"] = 5_000
    with pytest.warns(indsats.ScenarioWarning, match=r"'mentor'.*month"):
        res = indsats.simulate(d, 20, seed=1, progress=False)
    assert res.draws("component[mentor].capped_months").sum() > 0


def _raw(res: indsats.Result, **arrays: Any) -> dict[str, Any]:
    """The engine's output of `res` again, with some arrays replaced."""
    blocks = {"rows": [], "detail": []}  # type: dict[str, list[tuple[str, str | None, int, int]]]
    for (name, arm), (source, first, width) in res._blocks.items():
        blocks[source].append((name, arm, first, width))
    raw: dict[str, Any] = {
        "rows": res._rows.copy(),
        "detail": res._detail.copy(),
        "paths": res.stock_paths.copy(),
        "npv_column": res._npv_col,
        "break_even_column": res._be_col,
        "blocks": blocks["rows"],
        "detail_blocks": blocks["detail"],
    }
    raw.update(arrays)
    return raw


def test_a_drifting_baseline_suggests_burn_in() -> None:
    # A stock that starts far from its steady state (many recipients, little
    # inflow) falls by more than 15 % in the baseline: MODEL.md 12.4 warns.
    d = scenario_dict()
    for seg in d["segments"]:
        seg["inflow_per_year"] = 0
    with pytest.warns(indsats.ScenarioWarning, match="burn_in_years"):
        indsats.simulate(d, 4, seed=1, mode="mean_field", progress=False)
    # Burn-in to the steady state removes the drift.
    d = scenario_dict()
    d["burn_in_years"] = 10
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        indsats.simulate(d, 4, seed=1, mode="mean_field", progress=False)
