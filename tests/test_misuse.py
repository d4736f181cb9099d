"""Every misuse of the Python API is a ValueError or TypeError naming the option or field."""

from __future__ import annotations

import copy
import json
import pickle
from decimal import Decimal
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pytest

import indsats
from _scenarios import scenario_dict


@pytest.fixture(scope="module")
def result() -> indsats.Result:
    return indsats.simulate(scenario_dict(), 30, seed=2, progress=False)


# ------------------------------------------------------------------ options
@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda r: r.table(percentiles=5), TypeError, "percentiles"),
        (lambda r: r.table(percentiles=("a",)), TypeError, "percentiles"),
        (lambda r: r.table(percentiles="5"), TypeError, "percentiles"),
        (lambda r: r.table(percentiles=(95, 5)), ValueError, "percentiles must be increasing"),
        (lambda r: r.table(percentiles=(5, 5, 95)), ValueError, "without repeats"),
        (lambda r: r.table(percentiles=(5, float("nan"))), ValueError, "percentiles"),
        (lambda r: r.table(percentiles=(5, 101)), ValueError, "between 0 and 100"),
        (lambda r: r.summary(percentiles=(True, 50)), TypeError, "percentiles"),
        (lambda r: r.stocks(percentiles=None), TypeError, "percentiles"),
        (lambda r: r.plot(percentiles=5), TypeError, "percentiles"),
        (lambda r: r.to_excel("x.xlsx", percentiles=(5,)), ValueError, "two numbers"),
        (lambda r: r.to_excel("x.xlsx", percentiles=(5, 50, 95)), ValueError, "two numbers"),
        (lambda r: r.table(unit=["mio"]), ValueError, "unit"),
        (lambda r: r.table(lang=None), ValueError, "lang"),
        (lambda r: r.table(detail="yes"), TypeError, "detail"),
        (lambda r: r.plot("pie"), ValueError, "kind"),
        (lambda r: r.plot(ax="x"), TypeError, "ax must be a matplotlib Axes"),
        (lambda r: r.draws(3), TypeError, "metric"),
        (lambda r: r.draws("net", arm="treated"), ValueError, "arm"),
        (lambda r: r.savings_by_part("tax"), ValueError, "part"),
    ],
)
def test_bad_options_name_the_option(
    result: indsats.Result, call: Any, error: type[Exception], words: str, tmp_path: Path
) -> None:
    with pytest.raises(error, match=words):
        call(result)
    plt.close("all")


@pytest.mark.parametrize(
    ("kw", "words"),
    [
        ({"threads": 2**70}, "threads must be at most"),
        ({"chunk_size": 2**70}, "chunk_size must be at most"),
        ({"keep_paths": 2**70}, "keep_paths must be at most"),
        ({"seed": 2**64}, "seed must be at most"),
        ({"draws": np.float64(5)}, "draws must be an integer"),
        ({"progress": "yes"}, "progress"),
        ({"mode": None}, "mode"),
    ],
)
def test_bad_run_options_name_the_option(kw: dict[str, Any], words: str) -> None:
    args = {"draws": 5, "progress": False, **kw}
    with pytest.raises((ValueError, TypeError), match=words):
        indsats.simulate(scenario_dict(), **args)


def test_simulate_needs_a_scenario() -> None:
    with pytest.raises(TypeError, match="Scenario, a dict or a path"):
        indsats.simulate(42, 5)  # type: ignore[arg-type]


# ------------------------------------------------------------------ replace
def test_replace_takes_a_dict_of_paths() -> None:
    sc = indsats.Scenario.from_dict(scenario_dict())
    for bad in (None, [("years", 2)], "years=2"):
        with pytest.raises(TypeError, match="replace takes a dict"):
            sc.replace(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="field path"):
        sc.replace({3: 1})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match=r"^segments\[0\]\.initial: not a table"):
        sc.replace({"segments[0].initial.x": 1})
    with pytest.raises(ValueError, match=r"^name: not a list"):
        sc.replace({"name[0]": 1})
    # By name as well as by position.
    changed = sc.replace({"segments[under 30].initial": 99})
    assert changed.to_dict()["segments"][1]["initial"] == 99
    with pytest.raises(ValueError, match=r"segments\[nobody\]: no such list entry"):
        sc.replace({"segments[nobody].initial": 1})


# --------------------------------------------------------- scenario values
def with_value(path: list[str | int], value: Any) -> dict[str, Any]:
    d = scenario_dict()
    node: Any = d
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return d


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (Decimal("0.08"), "Decimal"),
        (complex(0.08, 0), "complex"),
        (10**400, "number too large"),
        ({1, 2}, "expected a number"),
        (b"0.08", "expected a number"),
        (object(), "expected a number"),
        ("job \ud800", "not Unicode"),
    ],
)
def test_odd_python_values_name_their_field(value: Any, words: str) -> None:
    with pytest.raises(ValueError, match=rf"^segments\[0\]\.exit\.job: .*{words}"):
        indsats.Scenario.from_dict(with_value(["segments", 0, "exit", "job"], value))


def test_a_huge_integer_names_its_field() -> None:
    with pytest.raises(ValueError, match=r"^segments\[0\]\.initial: "):
        indsats.Scenario.from_dict(with_value(["segments", 0, "initial"], 10**400))
    with pytest.raises(ValueError, match=r"^segments\[0\]\.initial: "):
        indsats.Scenario.from_dict(with_value(["segments", 0, "initial"], 10**30))


def test_numpy_values_are_numbers() -> None:
    sc = indsats.Scenario.from_dict(with_value(["segments", 0, "exit", "job"], np.float32(0.25)))
    assert sc.to_dict()["segments"][0]["exit"]["job"] == 0.25
    per_year = with_value(
        ["intervention", "components", 0, "participants"], np.array([40, 40, 40, 40])
    )
    assert indsats.Scenario.from_dict(per_year).to_dict()["intervention"]["components"][0][
        "participants"
    ] == [40, 40, 40, 40]


@pytest.mark.parametrize("depth", [40, 200, 5000])
def test_deep_nesting_is_an_error_naming_where(depth: int) -> None:
    deep: Any = 1
    for _ in range(depth):
        deep = {"x": deep}
    with pytest.raises(ValueError, match=r"^segments\[0\]\.exit\.x(\.x)*: nested more than"):
        indsats.Scenario.from_dict(with_value(["segments", 0, "exit", "x"], deep))
    listed: Any = 1
    for _ in range(depth):
        listed = [listed]
    with pytest.raises(ValueError, match=r"nested more than"):
        indsats.Scenario.from_dict(with_value(["name"], listed))


def test_deeply_nested_files_name_the_file(tmp_path: Path) -> None:
    p = tmp_path / "deep.json"
    p.write_text('{"a": ' + "[" * 5000 + "]" * 5000 + "}", encoding="utf-8")
    with pytest.raises(ValueError, match=r"deep\.json"):
        indsats.Scenario.from_json(p)
    t = tmp_path / "deep.toml"
    t.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"deep\.toml"):
        indsats.Scenario.from_toml(t)


def test_a_file_that_is_not_utf8_names_the_file(tmp_path: Path) -> None:
    p = tmp_path / "latin1.toml"
    p.write_bytes('name = "Tønder"\nstart = "2018-01"\n'.encode("latin-1"))
    with pytest.raises(ValueError, match=r"latin1\.toml: not UTF-8"):
        indsats.Scenario.from_toml(p)
    j = tmp_path / "latin1.json"
    j.write_bytes('{"name": "Tønder"}'.encode("latin-1"))
    with pytest.raises(ValueError, match=r"latin1\.json: not UTF-8"):
        indsats.Scenario.from_json(j)


def test_a_key_written_twice_is_an_error_naming_file_and_path(tmp_path: Path) -> None:
    """JSON keeps the last of two equal keys; a scenario file must not lose a number."""
    body = (
        '{"start": "2020-01", "years": 1, "segments": [{"initial": 10, '
        '"benefit_month": 1000, "exit": {"job": 0.1, "job": 0.2}}]}'
    )
    p = tmp_path / "twice.json"
    p.write_text(body, encoding="utf-8")
    with pytest.raises(ValueError, match=r"twice\.json: segments\[0\]\.exit\.job: .*twice"):
        indsats.Scenario.from_json(p)
    p.write_text(body.replace('"job": 0.1, ', ""), encoding="utf-8")
    assert indsats.Scenario.from_json(p).to_dict()["segments"][0]["exit"]["job"] == 0.2
    t = tmp_path / "twice.toml"
    t.write_text('start = "2020-01"\nyears = 1\nyears = 2\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"twice\.toml: not valid TOML"):
        indsats.Scenario.from_toml(t)


def test_a_utf8_file_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    from _scenarios import ROOT

    text = (ROOT / "scenarios" / "ballerup.toml").read_text(encoding="utf-8")
    p = tmp_path / "bom.toml"
    p.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert indsats.Scenario.from_toml(p).name


def test_floats_reach_the_engine_exactly() -> None:
    # The JSON handed to the engine holds every float exactly (repr round-trips).
    values = np.random.default_rng(1).random(2000) * 0.5
    d = scenario_dict()
    d["segments"][0]["exit"]["job"] = float(values[0])
    sc = indsats.Scenario.from_dict(d)
    assert json.loads(sc.to_json())["segments"][0]["exit"]["job"] == values[0]
    for v in values:
        assert json.loads(json.dumps(indsats.scenario._jsonable(float(v), "x"))) == v
    tricky = 0.9999999999999999
    assert json.loads(json.dumps(indsats.scenario._jsonable(tricky, "x"))) == tricky


# ------------------------------------------------------------------ compare
def test_compare_names_that_collide_as_text_are_an_error() -> None:
    sc = indsats.Scenario.from_dict(scenario_dict())
    with pytest.raises(ValueError, match="both named '1'"):
        indsats.compare({1: sc, "1": sc}, draws=5, progress=False)  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="dict of named scenarios"):
        indsats.compare([sc, sc], draws=5, progress=False)  # type: ignore[arg-type]


def test_compare_over_different_horizons() -> None:
    a = indsats.Scenario.from_dict(scenario_dict(years=3))
    b = indsats.Scenario.from_dict(scenario_dict(years=2))
    cmp = indsats.compare({"A": a, "B": b}, draws=20, seed=1, progress=False)
    assert cmp.common_years("A", "B") == [2018, 2019, 2020]  # March 2018 for 24 months
    d = cmp.difference("A", "B", "net")
    ra, rb = cmp.results["A"], cmp.results["B"]
    np.testing.assert_allclose(d, ra.draws("net")[:, :3] - rb.draws("net")[:, :3])
    with pytest.raises(ValueError, match="cover different months"):
        cmp.table()
    assert "cover different months" in cmp._repr_html_()  # a notebook shows why
    with pytest.raises(ValueError, match="cover different months"):
        cmp.difference("A", "B")
    late = indsats.Scenario.from_dict(scenario_dict(start="2025-01", years=1))
    far = indsats.compare({"A": a, "L": late}, draws=5, progress=False)
    late_d = copy.deepcopy(scenario_dict(start="2025-01", years=1))
    assert late_d["start"] == "2025-01"
    with pytest.raises(ValueError, match="no calendar year in common"):
        far.difference("A", "L", "net")


def test_a_comparison_needs_common_random_numbers() -> None:
    sc = indsats.Scenario.from_dict(scenario_dict())
    r1 = indsats.simulate(sc, 10, seed=1, progress=False)
    r2 = indsats.simulate(sc, 10, seed=2, progress=False)
    with pytest.raises(ValueError, match="same draws, seed and mode"):
        indsats.Comparison({"A": r1, "B": r2})


# -------------------------------------------------------------------- draws
@pytest.mark.parametrize("metric", ["npv", "break_even", "cumulative_net", "net", "investment"])
def test_shared_metrics_take_no_arm(result: indsats.Result, metric: str) -> None:
    result.draws(metric)
    for arm in ("baseline", "intervention"):
        with pytest.raises(ValueError, match="same for both arms"):
            result.draws(metric, arm)


@pytest.mark.parametrize("metric", ["cost", "stock.benefit", "benefit_person_years"])
def test_per_arm_metrics_need_an_arm(result: indsats.Result, metric: str) -> None:
    with pytest.raises(ValueError, match="needs arm="):
        result.draws(metric)
    assert result.draws(metric, "baseline").shape == (30, len(result.years))


def test_every_listed_metric_is_accepted(result: indsats.Result) -> None:
    for metric in result.metrics():
        try:
            result.draws(metric)
        except ValueError as e:
            assert "needs arm=" in str(e)
            result.draws(metric, "intervention")


# ------------------------------------------------------------------- pickle
def test_an_unpickled_result_is_read_only_and_equal(result: indsats.Result) -> None:
    back = pickle.loads(pickle.dumps(result))
    assert np.array_equal(back._rows, result._rows)
    assert np.array_equal(back.stock_paths, result.stock_paths)
    assert back.scenario == result.scenario
    for array in (back._rows, back.stock_paths):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 0
    assert back.table().equals(result.table())


def test_a_fresh_result_cannot_be_changed_through_what_it_hands_out(
    result: indsats.Result,
) -> None:
    """Its own arrays are read-only; what ``npv`` or ``draws`` return is the user's copy."""
    for array in (result._rows, result._detail, result.stock_paths):
        with pytest.raises(ValueError, match="read-only"):
            array.flat[0] = 0
    table = result.table()
    for get in (
        lambda: result.npv,
        lambda: result.break_even,
        lambda: result.draws("net"),
        lambda: result.draws("cost", arm="baseline"),
    ):
        before = get().copy()
        get().flat[0] += 1
        assert np.array_equal(get(), before)
    assert result.table().equals(table)
