"""Every violation of MODEL.md section 9 is a ValueError naming the field path;
no input, however malformed, does anything else."""

from __future__ import annotations

import copy
import math
import re
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import indsats
from _scenarios import BASE, scenario_dict


def error_of(d: Any) -> str:
    with pytest.raises(ValueError) as info:
        indsats.Scenario.from_dict(d)
    return str(info.value)


def set_path(d: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    d = copy.deepcopy(d)
    steps = re.findall(r"[^.\[\]]+|\[\d+\]", path)
    node: Any = d
    for s in steps[:-1]:
        node = node[int(s[1:-1])] if s.startswith("[") else node[s]
    last = steps[-1]
    if last.startswith("["):
        node[int(last[1:-1])] = value
    else:
        node[last] = value
    return d


CASES = [
    # (path set, value, expected path at the start of the message, words in it)
    ("segments[0].exit.job", 1.2, "segments[0].exit.job", "probability"),
    ("segments[0].exit.job", 1.0, "segments[0].exit.job", "probability"),
    ("segments[0].exit.job", -0.1, "segments[0].exit.job", "probability"),
    (
        "segments[0].exit.job",
        {"dist": "normal", "mean": 0.1, "sd": 0.01},
        "segments[0].exit.job",
        "normal",
    ),
    ("segments[0].exit.job", {"dist": "beta", "mean": 0.1, "sd": 0.02}, None, None),
    ("segments[0].exit.job", "high", "segments[0].exit.job", "number"),
    ("segments[0].initial", -5, "segments[0].initial", "non-negative"),
    ("segments[0].initial", True, "segments[0].initial", "boolean"),
    ("segments[0].benefit_month", -100, None, None),  # state costs may be negative
    ("intervention.components[0].cost_month", -1, "intervention.components[0].cost_month", ""),
    ("intervention.end", "2017-01", "intervention.end", "after"),
    ("intervention.start", "2018-13", "intervention.start", "YYYY-MM"),
    ("start", 2018, "start", "YYYY-MM"),
    ("years", "three", "years", "integer"),
    ("years", 2.5, "years", "integer"),
    ("years", 0, "years", "between"),
    ("years", {"dist": "uniform", "low": 2, "high": 4}, "years", "integer"),
    (
        "intervention.caseload.elasticity",
        {"dist": "beta", "mean": 0.5, "sd": 0.9},
        "intervention.caseload.elasticity.sd",
        "too large",
    ),
    (
        "intervention.caseload.elasticity",
        {"dist": "lognormal", "p5": 0.9, "p95": 0.3},
        "intervention.caseload.elasticity.p95",
        "greater than",
    ),
    (
        "intervention.caseload.elasticity",
        {"dist": "pret", "min": 0, "mode": 1, "max": 2},
        "intervention.caseload.elasticity.dist",
        "did you mean `pert`",
    ),
    (
        "intervention.caseload.elasticity",
        {"dist": "pert", "min": 0, "mode": 3, "max": 2},
        "intervention.caseload.elasticity.mode",
        "must lie in",
    ),
    (
        "intervention.caseload.elasticity",
        {"dist": "gamma", "mean": 1, "sdd": 2},
        "intervention.caseload.elasticity.sdd",
        "did you mean `sd`",
    ),
    ("intervention.caseload.base", 0, "intervention.caseload.base", "positive"),
    ("intervention.caseload.extra_fte", 2, "intervention.caseload", "exactly one"),
    ("intervention.components[0].coverage", 0.5, "intervention.components[0]", "at most one"),
    (
        "intervention.components[0].participants",
        [40, 40],
        "intervention.components[0].participants",
        "per calendar year",
    ),
    (
        "intervention.components[0].hr",
        {"jobb": 1.2},
        "intervention.components[0].hr.jobb",
        "did you mean `job`",
    ),
    (
        "intervention.components[0].relapse_hr",
        {"job": -1},
        "intervention.components[0].relapse_hr.job",
        "",
    ),
    ("intervention.segments", ["over 3O"], "intervention.segments[0]", "did you mean `over 30`"),
    (
        "intervention.caseload.affects",
        ["jobs"],
        "intervention.caseload.affects[0]",
        "did you mean `job`",
    ),
    ("discount_rate", -1, "discount_rate", "above −1"),
    ("perspective", "municipality", "perspective", "did you mean `municipal`"),
    ("benefit.reentry_cell", 13, "benefit.reentry_cell", "between"),
    (
        "benefit.refusion",
        [[1, 0.8], [12, 0.3], [6, 0.4], [999, 0.2]],
        "benefit.refusion[2][0]",
        "increase",
    ),
    ("benefit.refusion", [[1, 0.8], [12, 0.3]], "benefit.refusion[1]", "13"),
    ("benefit.refusion", [[1, 1.2], [999, 0.2]], "benefit.refusion[0][1]", "share"),
    ("destinations.job.relapse", 1.5, "destinations.job.relapse", "probability"),
    # A destination's name is part of field paths (`destinations.<name>.relapse`).
    ("destinations", {"": {}}, "destinations", "needs a name"),
    ("destinations", {"job": {}, " ": {}}, "destinations", "needs a name"),
    ("destinations", {"job.x": {}}, "destinations", "needs a name"),
    ("destinations", {"job[0]": {}}, "destinations", "needs a name"),
    (
        "segments[1].exit",
        {"job": 0.1, "pensoin": 0.1},
        "segments[1].exit.pensoin",
        "did you mean `pension`",
    ),
    ("segments[1].initial_cell", 13, "segments[1].initial_cell", "between"),
    ("segments", [], "segments", "at least one"),
    (
        "intervention.caseload.elasticity",
        {"dist": "lognormal", "median": 0.5, "sd_log": 0.3, "p95": 0.9},
        "intervention.caseload.elasticity.p95",
        "not a mix",
    ),
    (
        "intervention.caseload.elasticity",
        {"dist": "beta", "mean": 0.5, "sd": 0.1, "b": 2},
        "intervention.caseload.elasticity.b",
        "not a mix",
    ),
    ("segments[0].initial", 2e9, "segments[0].initial", "at most 1e9"),
    (
        "intervention.caseload.fte_cost_year",
        {"dist": "gamma", "mean": 550_000, "sd": 5},
        "intervention.caseload.fte_cost_year.sd",
        "practically fixed",
    ),
    (
        "destinations.job.relapse",
        {"dist": "beta", "mean": 0.3, "sd": 1e-7},
        "destinations.job.relapse.sd",
        "practically fixed",
    ),
    ("segments[0].exit", None, "segments[0].exit", "table"),
    ("segments[1].name", "over 30", "segments[1].name", "duplicate"),
]


@pytest.mark.parametrize(("path", "value", "where", "words"), CASES)
def test_violations_name_the_field(path: str, value: Any, where: str | None, words: str) -> None:
    d = set_path(BASE, path, value)
    if where is None:
        indsats.Scenario.from_dict(d)  # valid
        return
    msg = error_of(d)
    assert msg.startswith(where + ":"), msg
    assert words in msg, msg


def test_unknown_and_missing_fields() -> None:
    d = scenario_dict()
    d["yeras"] = 3
    assert error_of(d).startswith("yeras: unknown field `yeras` (did you mean `years`?)")
    d = scenario_dict()
    del d["start"]
    assert error_of(d).startswith("start: missing required field")
    d = scenario_dict()
    del d["segments"][0]["benefit_month"]
    assert error_of(d).startswith("segments[0].benefit_month: missing required field")
    d = scenario_dict()
    d["intervention"]["caseload"].pop("elasticity")
    assert error_of(d).startswith("intervention.caseload.elasticity: missing")


def test_non_finite_numbers_from_python() -> None:
    d = set_path(BASE, "segments[0].initial", math.nan)
    assert error_of(d).startswith("segments[0].initial:")
    d = set_path(BASE, "intervention.caseload.fte_cost_year", math.inf)
    assert error_of(d).startswith("intervention.caseload.fte_cost_year:")


def test_bad_files(tmp_path: Any) -> None:
    p = tmp_path / "bad.toml"
    p.write_text('start = "2018-01"\nyears = [\n', encoding="utf-8")
    with pytest.raises(ValueError, match="not valid TOML"):
        indsats.Scenario.from_toml(p)
    p = tmp_path / "bad.json"
    p.write_text("{", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid JSON"):
        indsats.Scenario.from_json(p)
    with pytest.raises(ValueError, match="table"):
        indsats.Scenario.from_dict([1, 2])  # type: ignore[arg-type]


def leaf_paths(node: Any, prefix: str = "") -> list[str]:
    if isinstance(node, dict):
        out = [prefix] if prefix else []
        for k, v in node.items():
            out += leaf_paths(v, f"{prefix}.{k}" if prefix else k)
        return out
    if isinstance(node, list):
        out = [prefix]
        for i, v in enumerate(node):
            out += leaf_paths(v, f"{prefix}[{i}]")
        return out
    return [prefix]


PATHS = leaf_paths(BASE)
JUNK = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=8,
)


def related(error_path: str, mutated: str) -> bool:
    """The error names the mutated field, something inside it, or its table."""
    return error_path == "" or mutated.startswith(error_path) or error_path.startswith(mutated)


@pytest.mark.filterwarnings("ignore::indsats.ScenarioWarning")  # odd values on purpose
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(PATHS), value=JUNK)
def test_mutated_scenarios_fail_cleanly_with_the_path(path: str, value: Any) -> None:
    d = set_path(BASE, path, value)
    try:
        indsats.Scenario.from_dict(d)
    except ValueError as e:
        msg = str(e)
        error_path = msg.split(":", 1)[0] if ":" in msg else ""
        # Some changes surface at a sibling that depends on them (a shorter horizon
        # makes a per-year list too long, a renamed segment breaks the target list,
        # other destinations leave a segment's exits naming one that is gone).
        dependent = (
            "per calendar year",
            "no segment named",
            "duplicate",
            "after",
            "not one of the destinations",
        )
        assert related(error_path, path) or any(w in msg for w in dependent), (path, msg)


@pytest.mark.filterwarnings("ignore::indsats.ScenarioWarning")  # odd values on purpose
@settings(max_examples=200, deadline=None)
@given(value=JUNK)
def test_arbitrary_input_is_a_value_error_never_a_crash(value: Any) -> None:
    with pytest.raises(ValueError):
        indsats.Scenario.from_dict(value if isinstance(value, dict) else {"x": value})


TABLES = ["", *PATHS]


@pytest.mark.filterwarnings("ignore::indsats.ScenarioWarning")  # odd values on purpose
@settings(max_examples=150, deadline=None)
@given(path=st.sampled_from(TABLES), key=st.text(min_size=1, max_size=10))
def test_unknown_keys_are_rejected_with_their_path(path: str, key: str) -> None:
    d = copy.deepcopy(BASE)
    node: Any = d
    for s in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        node = node[int(s[1:-1])] if s.startswith("[") else node[s]
    # A new key under `destinations` declares a destination, so it is not unknown.
    if not isinstance(node, dict) or key in node or path == "destinations":
        return
    node[key] = 1
    msg = error_of(d)
    where = f"{path}.{key}" if path else key
    assert msg.startswith(f"{where}: unknown field"), msg


def test_numbers_from_python_arrive_bit_exact() -> None:
    # The largest double below 1 is a valid probability; a JSON parser that rounds would
    # make it 1 and refuse it. Random doubles keep every bit on the way to the core.
    d = scenario_dict()
    d["segments"][0]["exit"]["job"] = 0.9999999999999999
    sc = indsats.Scenario.from_dict(d)
    mean = {p["path"]: p["mean"] for p in sc.parameters()}
    assert mean["segments[0].exit.job"] == 1.0 - 2.0**-53
    rng = np.random.default_rng(7)
    for x in rng.uniform(-1e9, 1e9, 200) * 10.0 ** rng.integers(-300, 0, 200):
        d["segments"][0]["benefit_month"] = float(x)
        sc = indsats.Scenario.from_dict(d)
        got = {p["path"]: p["mean"] for p in sc.parameters()}["segments[0].benefit_month"]
        assert got == float(x), (got, float(x))
