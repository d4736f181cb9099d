"""Valid scenarios that probably do not say what was meant give a ScenarioWarning."""

from __future__ import annotations

import copy
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import indsats
from _scenarios import ROOT, scenario_dict
from indsats import _core


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


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.toml")), ids=lambda p: p.stem)
def test_shipped_scenarios_do_not_warn(path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        indsats.simulate(path, 20, seed=1, progress=False)


def test_capped_enrolment_warns_with_its_months(monkeypatch: pytest.MonkeyPatch) -> None:
    # The engine reports capped months per component and year; a run that
    # reports some gives a warning naming the component, the years and months.
    res = indsats.simulate(scenario_dict(), 4, seed=1, progress=False)
    capped = np.zeros((res.n_draws, len(res.years)))
    capped[1, 1] = 3
    blocks = [(name, arm, col) for (name, arm), col in res._blocks.items()]
    blocks.append(("component[mentor].capped_months", None, res._rows.shape[1]))
    monkeypatch.setattr(_core, "row_blocks", lambda n, d: blocks)
    raw = {
        "rows": np.column_stack([res._rows, capped]),
        "paths": res.stock_paths.copy(),
        "npv_column": res._npv_col,
        "break_even_column": res._be_col,
    }
    with pytest.warns(indsats.ScenarioWarning, match=r"'mentor'.*2019: up to 3 month"):
        indsats.Result(copy.copy(res.scenario), raw, seed=1, mode="stochastic", elapsed=0)
