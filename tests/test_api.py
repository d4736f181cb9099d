"""The Python surface: scenarios, results, tables, plots, compare, CLI."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import indsats
from _scenarios import ROOT, scenario_dict


@pytest.fixture(scope="module")
def result() -> indsats.Result:
    d = scenario_dict()
    d["intervention"]["caseload"]["elasticity"] = {"dist": "lognormal", "p5": 0.3, "p95": 0.9}
    return indsats.simulate(indsats.Scenario.from_dict(d), 400, seed=3, progress=False)


def test_public_api_is_curated() -> None:
    assert set(indsats.__all__) == {
        "Comparison",
        "Result",
        "Scenario",
        "ScenarioWarning",
        "__version__",
        "compare",
        "dk",
        "simulate",
    }
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in indsats.__all__:
        obj = getattr(indsats, name)  # AttributeError if a listed name does not exist
        if name == "__version__":
            assert isinstance(obj, str) and obj.count(".") == 2
            continue
        assert (obj.__doc__ or "").strip(), f"{name} has no docstring"
        assert f"indsats.{name}" in readme, f"the README does not mention indsats.{name}"
    # Public methods are documented too.
    for cls in (indsats.Scenario, indsats.Result, indsats.Comparison):
        for attr, value in vars(cls).items():
            if not attr.startswith("_") and callable(value):
                assert (value.__doc__ or "").strip(), f"{cls.__name__}.{attr} has no docstring"
    assert (ROOT / "python" / "indsats" / "py.typed").exists()


def test_scenario_round_trips(tmp_path: Path, ballerup_path: Path) -> None:
    sc = indsats.Scenario.from_toml(ballerup_path)
    assert sc.calendar_years == [2017, 2018, 2019, 2020]
    assert sc.destinations[:2] == ["job", "education"]
    d = sc.to_dict()
    assert indsats.Scenario.from_dict(d) == sc
    p = tmp_path / "s.json"
    p.write_text(json.dumps(d), encoding="utf-8")
    assert indsats.Scenario.from_json(p) == sc
    d["name"] = "changed"
    assert sc.name != "changed"  # to_dict is a copy
    assert "Scenario(" in repr(sc)
    assert {p["path"] for p in sc.uncertain()} >= {"intervention.caseload.elasticity"}


@pytest.mark.parametrize(("start", "years"), [("2018-03", 3), ("2017-01", 4), ("2019-12", 1)])
def test_the_calendar_of_a_scenario(start: str, years: int) -> None:
    sc = indsats.Scenario.from_dict(scenario_dict(start=start, years=years))
    first = int(start[:4])
    assert sc.months == 12 * years
    assert sc.month_labels[0] == start and len(sc.month_labels) == sc.months
    assert sum(sc.months_in_year) == sc.months
    assert sc.calendar_years == list(range(first, first + len(sc.months_in_year)))
    assert sc.months_in_year[0] == 13 - int(start[5:])
    assert sc.calendar_years == sc._info["calendar_years"]  # as the core counts them


def test_replace_returns_a_new_validated_scenario() -> None:
    sc = indsats.Scenario.from_dict(scenario_dict())
    sc2 = sc.replace({"intervention.caseload.target": 30, "segments[1].initial": 200})
    assert sc2.to_dict()["intervention"]["caseload"]["target"] == 30
    assert sc2.to_dict()["segments"][1]["initial"] == 200
    assert sc.to_dict()["intervention"]["caseload"]["target"] == 35
    with pytest.raises(ValueError, match=r"^segments\[0\]\.exit\.job:"):
        sc.replace({"segments[0].exit.job": 2.0})
    with pytest.raises(ValueError, match="no such list entry"):
        sc.replace({"segments[5].initial": 1})
    with pytest.raises(ValueError, match="field path"):
        sc.replace({"segments..initial": 1})


def test_simulate_accepts_paths_and_dicts(ballerup_path: Path) -> None:
    r1 = indsats.simulate(ballerup_path, 20, seed=1, progress=False)
    r2 = indsats.simulate(str(ballerup_path), 20, seed=1, progress=False)
    r3 = indsats.simulate(
        indsats.Scenario.from_toml(ballerup_path).to_dict(), 20, seed=1, progress=False
    )
    assert np.array_equal(r1.npv, r2.npv) and np.array_equal(r1.npv, r3.npv)


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"draws": 0}, "draws"),
        ({"draws": 2.5}, "draws must be an integer"),
        ({"seed": -1}, "seed"),
        ({"mode": "fast"}, "mode"),
        ({"threads": 0}, "threads"),
        ({"chunk_size": 0}, "chunk_size"),
        ({"draws": 10**15}, "not enough memory"),
        ({"draws": 10**30}, "draws must be at most"),
        ({"threads": 10**6}, "threads must be at most"),
        ({"keep_paths": -1}, "keep_paths"),
    ],
)
def test_bad_run_options(kw: dict[str, Any], match: str) -> None:
    args = {"draws": 5, **kw}
    with pytest.raises((ValueError, TypeError), match=match):
        indsats.simulate(scenario_dict(), progress=False, **args)


def test_table_layout(result: indsats.Result) -> None:
    t = result.table()
    assert list(t.index) == ["Investment", "Savings", "Net"]
    assert list(t.columns.get_level_values(0).unique()) == result.years
    assert list(t.columns.get_level_values(1).unique()) == ["mean", "p5", "p50", "p95"]
    inv = result.draws("investment") / 1e6
    assert t.loc["Investment", (result.years[0], "mean")] == pytest.approx(inv[:, 0].mean())
    assert t.loc["Net", (result.years[1], "p95")] == pytest.approx(
        np.percentile(result.draws("net")[:, 1] / 1e6, 95)
    )
    da = result.table(lang="da", unit="tkr", percentiles=(10, 90))
    assert list(da.index) == ["Investering", "Besparelse", "I alt"]
    assert da.iloc[0, 0] == pytest.approx(t.iloc[0, 0] * 1000)
    np.testing.assert_allclose(
        result.draws("net"), result.draws("investment") + result.draws("savings")
    )
    with pytest.raises(ValueError, match="lang"):
        result.table(lang="de")
    with pytest.raises(ValueError, match="unit"):
        result.table(unit="eur")


def test_cost_is_split_into_its_parts(result: indsats.Result) -> None:
    for arm in ("baseline", "intervention"):
        parts = sum(result.draws(f"cost.{p}", arm) for p in ("benefit", "effort", "destinations"))
        np.testing.assert_allclose(parts, result.draws("cost", arm), rtol=1e-12)
    by_part = sum(result.savings_by_part(p) for p in ("benefit", "effort", "destinations"))
    np.testing.assert_allclose(by_part, result.draws("savings"), rtol=1e-9, atol=1e-3)
    detail = result.table(detail=True, lang="da")
    assert list(detail.index)[:6] == [
        "Investering",
        "Besparelse",
        "  heraf forsørgelse",
        "  heraf indsats",
        "  heraf andre ydelser",
        "I alt",
    ]
    # The jobcenter's effort is municipal: nothing of it in the state perspective.
    state = indsats.simulate(
        result.scenario.replace({"perspective": "state"}), 20, seed=1, progress=False
    )
    assert np.all(state.draws("cost.effort", "baseline") == 0)
    assert np.all(result.draws("cost.effort", "baseline") > 0)


def test_summary_and_draws(result: indsats.Result) -> None:
    s = result.summary()
    assert s.shape == (10, 4)
    assert s.loc["NPV (mio. kr.)", "mean"] == pytest.approx(result.npv.mean() / 1e6)
    assert s.loc["P(NPV < 0)", "mean"] == pytest.approx((result.npv < 0).mean())
    assert s.loc["Probability of payback", "mean"] == pytest.approx((result.break_even >= 0).mean())
    extra = result.draws("extra_job_education")
    assert s.loc["Extra persons in job or education, end of horizon", "mean"] == pytest.approx(
        extra[:, -1].mean()
    )
    # Gross entries (MODEL.md 12.9): the cumulative difference of the flows.
    expected = result.draws("flow.job", "intervention") + result.draws(
        "flow.education", "intervention"
    )
    expected -= result.draws("flow.job", "baseline") + result.draws("flow.education", "baseline")
    entries = result.draws("extra_entries_job_education")
    np.testing.assert_allclose(entries, np.cumsum(expected, axis=1))
    # Persons at the end of a year are fewer than the entries: some relapsed.
    assert (extra[:, -1].mean()) < entries[:, -1].mean()
    assert result.draws("cumulative_net").shape == (400, len(result.years))
    assert result.draws("benefit_person_years", "baseline").min() > 0
    for bad, arm in [("flow.job", None), ("nonsense", "baseline"), ("net", "baseline")]:
        with pytest.raises(ValueError):
            result.draws(bad, arm)
    with pytest.raises(ValueError):
        result.draws("flow.job", "treated")


# Eight years of the three-year test scenario drift from its start (MODEL.md 12.4);
# these tests are about break-even, not the starting state.
@pytest.mark.filterwarnings("ignore:the baseline's benefit stock drifts")
def test_break_even_matches_cumulative_net() -> None:
    res = indsats.simulate(scenario_dict(years=8), 50, seed=4, progress=False)
    # Recompute from monthly nets is not exposed; check consistency with yearly sums:
    # a draw whose final cumulative net is positive cannot have broken even.
    final = res.draws("cumulative_net")[:, -1]
    assert 0 < (res.break_even >= 0).sum() < res.n_draws  # both kinds of draw are checked
    assert np.all(res.break_even[final > 0] == -1)
    assert np.all(final[res.break_even >= 0] <= 0)
    months = res.break_even_months()
    assert [m is None for m in months] == list(res.break_even < 0)
    assert all(m == b for m, b in zip(months, res.break_even, strict=True) if m is not None)
    assert np.all(res.break_even < res.scenario.months)


def test_stocks_frame(result: indsats.Result) -> None:
    f = result.stocks()
    assert set(f.columns) >= {"month", "date", "arm", "state", "mean", "p5", "p95"}
    assert len(f) == 2 * len(result.states) * result.scenario.months
    first = f[(f.arm == "baseline") & (f.state == "benefit")].iloc[0]
    assert first["date"] == "2018-03"
    assert first["mean"] == pytest.approx(result.stock_paths[:, 0, 0, 0].mean())
    da = result.stocks(lang="da")
    assert set(da.columns) >= {"måned", "dato", "gren", "tilstand", "middel", "p5", "p95"}
    assert set(da.tilstand) >= {"Forsørgelse", "Job", "Uddannelse", "Andet"}


@pytest.mark.parametrize("kind", ["net", "cumulative", "stocks", "npv", "break_even"])
@pytest.mark.parametrize("lang", ["en", "da"])
def test_plots_render(result: indsats.Result, kind: str, lang: str, tmp_path: Path) -> None:
    fig, ax = plt.subplots()
    out = result.plot(kind, ax=ax, lang=lang)
    assert out is ax
    assert ax.has_data()
    fig.savefig(tmp_path / "p.png")
    assert (tmp_path / "p.png").stat().st_size > 1000
    plt.close(fig)
    if kind == "net" and lang == "da":
        assert ax.get_ylabel().startswith("I alt")
    if kind == "npv":
        assert ax.get_ylabel() == ("Trækninger" if lang == "da" else "Draws")


@pytest.mark.parametrize("kind", ["net", "cumulative", "stocks", "npv", "break_even"])
@pytest.mark.parametrize("percentiles", [(), (50,), (10, 90), (5, 25, 75, 95)])
def test_plots_take_any_valid_percentiles(
    result: indsats.Result, kind: str, percentiles: tuple[float, ...]
) -> None:
    fig, ax = plt.subplots()
    result.plot(kind, ax=ax, percentiles=percentiles)
    fig.canvas.draw()
    plt.close(fig)


def test_html_repr(result: indsats.Result) -> None:
    h = result._repr_html_()
    assert h.count("<table") == 2
    for text in ("Investment", "Savings", "Net", "P(NPV &lt; 0)", "Probability of payback"):
        assert text in h, text
    for year in result.years:
        assert f"<th>{year}</th>" in h or f">{year}<" in h
    # The numbers: the first year's mean investment and the mean NPV, as shown.
    investment = result.draws("investment")[:, 0].mean() / 1e6
    assert f">{investment:,.2f}<" in h
    assert f">{result.npv.mean() / 1e6:,.2f}<" in h


def test_parameters_and_drivers(result: indsats.Result) -> None:
    p = result.parameters()
    assert list(p.columns) == ["intervention.caseload.elasticity"]
    assert len(p) == result.n_draws
    drivers = result.drivers()
    # Higher elasticity → more exits → lower NPV.
    assert drivers.iloc[0]["spearman"] < -0.5


def test_compare_on_common_random_numbers() -> None:
    a = indsats.Scenario.from_dict(scenario_dict())
    b = a.replace({"intervention.caseload.target": 30})
    cmp = indsats.compare({"A": a, "B": b}, draws=300, seed=2, progress=False)
    t = cmp.table()
    assert list(t.index) == ["A", "B", "A − B"]
    diff = cmp.difference("A", "B")
    assert t.loc["A − B", "mean"] == pytest.approx(diff.mean() / 1e6)
    assert cmp.probability_lower_npv("A", "B") == pytest.approx((diff < 0).mean())
    assert cmp.probability_best().sum() == pytest.approx(1.0)
    # Common random numbers: the difference is far less noisy than the same
    # difference between runs on independent seeds.
    other = indsats.simulate(b, 300, seed=3, progress=False)
    independent = cmp.results["A"].npv - other.npv
    assert diff.var() < 0.4 * independent.var()
    with pytest.raises(ValueError):
        indsats.compare({"A": a}, draws=10)


def test_progress_callback_reports_all_draws() -> None:
    seen: list[int] = []
    indsats.simulate(scenario_dict(), 300, progress=seen.append)
    assert seen and seen[-1] == 300 and seen == sorted(seen)


def test_error_in_progress_callback_stops_the_run() -> None:
    def boom(done: int) -> None:
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"):
        indsats.simulate(scenario_dict(years=100), 20_000, progress=boom, keep_paths=0)
    assert indsats.simulate(scenario_dict(), 5, progress=False).n_draws == 5


def test_ctrl_c_stops_within_a_second_and_the_interpreter_stays_usable() -> None:
    long_run = scenario_dict(years=100)  # ~ms per draw: the run would take minutes
    sent: list[float] = []

    def interrupt() -> None:
        sent.append(time.perf_counter())
        os.kill(os.getpid(), signal.SIGINT)

    timer = threading.Timer(0.5, interrupt)
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        indsats.simulate(long_run, 200_000, progress=False, keep_paths=0)
    stopped = time.perf_counter()
    timer.join()
    assert sent and stopped - sent[0] < 1.0
    assert indsats.simulate(scenario_dict(), 10, progress=False).n_draws == 10


def test_failed_write_leaves_no_file(tmp_path: Path) -> None:
    from indsats._atomic import write_atomic

    target = tmp_path / "x.csv"
    target.write_text("old", encoding="utf-8")

    def half(tmp: Path) -> None:
        tmp.write_text("half", encoding="utf-8")
        raise OSError("disk full")

    with pytest.raises(OSError):
        write_atomic(target, half)
    assert target.read_text(encoding="utf-8") == "old"
    assert list(tmp_path.iterdir()) == [target]


def test_numpy_integers_are_accepted_as_options() -> None:
    res = indsats.simulate(scenario_dict(), np.int64(7), seed=np.uint32(3), progress=False)
    assert res.n_draws == 7 and res.seed == 3


def test_options_are_keyword_only(result: indsats.Result) -> None:
    with pytest.raises(TypeError):
        result.table((5, 95))  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        result.summary("da")  # type: ignore[call-arg, arg-type]


def test_stocks_need_kept_paths() -> None:
    res = indsats.simulate(scenario_dict(), 5, progress=False, keep_paths=0)
    with pytest.raises(ValueError, match="keep_paths"):
        res.stocks()
    with pytest.raises(ValueError, match="arm="):
        res.draws("benefit_person_years")


def test_drivers_of_a_cumulative_metric_use_its_last_year(result: indsats.Result) -> None:
    rho = result.drivers("extra_job_education").set_index("parameter")["spearman"]
    last = result.draws("extra_job_education")[:, -1]
    expected = result.parameters().rank().corrwith(pd.Series(last).rank())
    assert rho.to_dict() == pytest.approx(expected.to_dict())


@pytest.mark.filterwarnings("ignore:the baseline's benefit stock drifts")
def test_drivers_of_break_even_count_never_as_latest() -> None:
    d = scenario_dict(years=8)
    d["intervention"]["caseload"]["elasticity"] = {"dist": "lognormal", "p5": 0.1, "p95": 1.5}
    res = indsats.simulate(d, 300, seed=4, progress=False)
    never = res.break_even < 0
    assert 0.2 < never.mean() < 0.8
    path = "intervention.caseload.elasticity"
    npv = res.drivers("npv").set_index("parameter")["spearman"][path]
    be = res.drivers("break_even").set_index("parameter")["spearman"][path]
    # More effect: a lower NPV and an earlier break-even (never is the latest of all).
    assert npv < -0.5 and be < -0.5


# The output contract of model version 2 (OUTPUTS.md): every name, its arm and its shape.
SHARED_PER_YEAR = [
    "investment",
    "savings",
    "net",
    "paid_back",
    "extra_job_education",
    "extra_job_education_years",
    "extra_entries_job_education",
    "gross_savings",
    "municipal_benefit_savings",
    "inflow",
]
PER_ARM = ["cost", "cost.benefit", "cost.effort", "cost.destinations", "relapse"]


def test_draws_gives_every_output_of_the_contract(result: indsats.Result) -> None:
    n, years = result.n_draws, len(result.years)
    for name in SHARED_PER_YEAR:
        assert result.draws(name).shape == (n, years), name
    for name in ("npv", "break_even", "deadweight"):
        assert result.draws(name).shape == (n,), name
    per_arm = [
        *PER_ARM,
        *(f"flow.{d}" for d in result.destinations),
        *(f"stock.{s}" for s in result.states),
    ]
    for name in per_arm:
        for arm in ("baseline", "intervention"):
            assert result.draws(name, arm).shape == (n, years), name
    kept = result.n_detail
    assert kept == n  # a small run keeps every draw's detail
    for seg in result.segments:
        for arm in ("baseline", "intervention"):
            for state in result.states:
                assert result.draws(f"segment[{seg}].stock.{state}", arm).shape == (kept, years)
            for d in result.destinations:
                assert result.draws(f"segment[{seg}].flow.{d}", arm).shape == (kept, years)
        assert result.draws(f"segment[{seg}].savings").shape == (kept, years)
    for comp in result.components:
        for what in ("investment", "enrolment", "capped_months"):
            assert result.draws(f"component[{comp}].{what}").shape == (kept, years)


def test_the_outputs_add_up(result: indsats.Result) -> None:
    # Segments add up to the whole; components to the investment (no caseload cost here
    # is shared out, so compare the components with their own investment only).
    for metric, arm in [("stock.benefit", "baseline"), ("flow.job", "intervention")]:
        parts = sum(result.draws(f"segment[{s}].{metric}", arm) for s in result.segments)
        np.testing.assert_allclose(parts, result.draws(metric, arm), rtol=1e-12)
    savings = sum(result.draws(f"segment[{s}].savings") for s in result.segments)
    np.testing.assert_allclose(savings, result.draws("savings"), rtol=1e-9, atol=1e-6)
    # paid_back is the break-even month's indicator per year.
    months_to_end = np.cumsum(result.scenario.months_in_year) - 1
    be = result.break_even
    expected = (be[:, None] >= 0) & (be[:, None] <= months_to_end[None, :])
    assert np.array_equal(result.draws("paid_back"), expected.astype(float))
    # Deadweight: 1 − Σ municipal benefit savings / Σ gross savings.
    s_b = result.draws("municipal_benefit_savings").sum(axis=1)
    gross = result.draws("gross_savings").sum(axis=1)
    np.testing.assert_allclose(result.draws("deadweight"), 1 - s_b / gross, rtol=1e-12)
    # The mentor's 40 participants are enrolled in every month it runs.
    enrolment = result.draws("component[mentor].enrolment")
    months_running = np.array([10, 12, 8, 0]) / np.array(result.scenario.months_in_year)
    np.testing.assert_allclose(enrolment.mean(axis=0), 40 * months_running)


def test_by_segment_and_by_component_are_tidy(result: indsats.Result) -> None:
    frame = result.by_segment(percentiles=(5, 95))
    assert list(frame.columns) == ["segment", "output", "arm", "year", "mean", "p5", "p95"]
    assert list(frame["segment"].unique()) == result.segments
    row = frame[
        (frame["segment"] == "over 30")
        & (frame["output"] == "stock.benefit")
        & (frame["arm"] == "baseline")
        & (frame["year"] == result.years[1])
    ]
    expected = result.draws("segment[over 30].stock.benefit", "baseline")[:, 1]
    assert float(row["mean"].iloc[0]) == pytest.approx(expected.mean())
    assert float(row["p95"].iloc[0]) == pytest.approx(np.percentile(expected, 95))
    assert set(frame[frame["output"] == "savings"]["arm"]) == {""}
    comp = result.by_component(lang="da")
    assert list(comp.columns[:5]) == ["komponent", "størrelse", "gren", "år", "middel"]
    assert set(comp["størrelse"]) == {
        "Investering",
        "Deltagere (gennemsnit)",
        "Måneder med loft på deltagere",
    }
    english = result.by_component()
    assert set(english["output"]) == {"investment", "enrolment", "capped_months"}
    assert np.array_equal(comp["middel"].to_numpy(), english["mean"].to_numpy())
    danish = set(result.by_segment(lang="da")["størrelse"])
    assert {"Bestand: forsørgelse", "Afgang til job", "Besparelse"} <= danish


def test_keep_detail_keeps_the_leading_draws(result: indsats.Result) -> None:
    d = scenario_dict()
    d["intervention"]["caseload"]["elasticity"] = {"dist": "lognormal", "p5": 0.3, "p95": 0.9}
    few = indsats.simulate(d, 400, seed=3, keep_detail=7, progress=False)
    assert few.n_detail == 7
    name = "segment[under 30].savings"
    assert np.array_equal(few.draws(name), result.draws(name)[:7])
    assert np.array_equal(few.draws("savings"), result.draws("savings"))
    none = indsats.simulate(d, 20, seed=3, keep_detail=0, progress=False)
    assert none.n_detail == 0 and none.draws("component[mentor].enrolment").shape == (0, 4)
    with pytest.raises(ValueError, match="keep_detail"):
        none.by_component()
    with pytest.raises(ValueError, match="keep_detail"):
        indsats.simulate(d, 20, seed=3, keep_detail=-1, progress=False)
