"""What is counted (MODEL.md 12.9) in the Python API: the deadweight and the gross
savings in the summary and the detailed table, Scenario.without, the plots of the
stock difference and of payback by year, and the workbook's new sheets."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import openpyxl
import pytest
from matplotlib.patches import Rectangle

import indsats
from _scenarios import ROOT, SYNTHETIC, scenario_dict

pytestmark = SYNTHETIC

BROKER = {
    "name": "broker",
    "participants": 0,
    "cost_month": 3000,
    "fixed_year": 0,
    "hr": {"job": 1.5},
    "relapse_hr": {"job": 0.7},
}


def two_components(participants: int = 0) -> dict[str, Any]:
    """The base scenario with a second component, a job broker."""
    d = scenario_dict()
    d["intervention"]["components"].append({**copy.deepcopy(BROKER), "participants": participants})
    d["intervention"]["components"][0]["hr"]["job"] = {
        "dist": "pert",
        "min": 1.0,
        "mode": 1.3,
        "max": 1.6,
    }
    return d


@pytest.fixture(scope="module")
def result() -> indsats.Result:
    """Eight years, an uncertain caseload effect: some draws pay back, some never do."""
    d = scenario_dict(years=8)
    d["intervention"]["caseload"]["elasticity"] = {"dist": "lognormal", "p5": 0.1, "p95": 1.5}
    return indsats.simulate(d, 200, seed=4, progress=False)


@pytest.fixture(scope="module")
def nothing_claimed() -> indsats.Result:
    """Nobody ever reaches job or education: no gross savings, deadweight undefined."""
    d = scenario_dict()
    for segment in d["segments"]:
        segment["exit"] = {"other": 0.1}
    iv = d["intervention"]
    iv["components"][0]["hr"] = {"other": 1.3}
    iv["components"][0]["relapse_hr"] = {}
    return indsats.simulate(d, 20, seed=1, progress=False)


# ------------------------------------------------------------------ summary
def test_summary_shows_the_deadweight_and_the_gross_beside_the_model_savings(
    result: indsats.Result,
) -> None:
    s = result.summary(percentiles=(5, 95))
    deadweight = result.draws("deadweight")
    assert np.isfinite(deadweight).all()
    row = s.loc["Deadweight (share of the gross benefit savings that would have happened anyway)"]
    assert row["mean"] == pytest.approx(deadweight.mean())
    assert row["p5"] == pytest.approx(np.percentile(deadweight, 5))
    assert row["p95"] == pytest.approx(np.percentile(deadweight, 95))
    gross = s.loc["Gross savings over the horizon (mio. kr.; before-and-after count)"]
    assert gross["mean"] == pytest.approx(result.draws("gross_savings").sum(axis=1).mean() / 1e6)
    model = s.loc["Savings over the horizon (mio. kr.; the model: intervention − baseline)"]
    assert model["mean"] == pytest.approx(result.draws("savings").sum(axis=1).mean() / 1e6)
    benefit = s.loc["Benefit savings over the horizon, municipal share (mio. kr.; the model)"]
    s_b = result.draws("municipal_benefit_savings").sum(axis=1) / 1e6
    assert benefit["p95"] == pytest.approx(np.percentile(s_b, 95))
    # The deadweight is the share of the gross that the model's benefit savings do not reach.
    assert 0 < row["mean"] < 1 and gross["mean"] < benefit["mean"] < 0
    assert "Deadweight undefined: draws with no gross savings" not in s.index
    text = result.summary(lang="da").formatted()
    shown = text.loc[
        "Dødvægt (andel af bruttobesparelsen på forsørgelse, der var sket alligevel)", "middel"
    ]
    assert shown.endswith(" %")


def test_summary_says_how_many_draws_have_no_deadweight(nothing_claimed: indsats.Result) -> None:
    assert np.isnan(nothing_claimed.draws("deadweight")).all()
    s = nothing_claimed.summary()
    assert s.loc["Deadweight undefined: draws with no gross savings", "mean"] == 20
    text = s.formatted()
    assert text.loc["Deadweight undefined: draws with no gross savings", "mean"] == "20"
    row = "Deadweight (share of the gross benefit savings that would have happened anyway)"
    assert text.loc[row].tolist() == ["–"] * 4
    assert "nan" not in repr(s).lower()


def test_probability_of_payback_is_the_last_year_of_paid_back(result: indsats.Result) -> None:
    paid_back = result.draws("paid_back")[:, -1].mean()
    assert 0 < paid_back < 1
    assert result.summary().loc["Probability of payback", "mean"] == paid_back


# ------------------------------------------------------------------ without
def test_without_removes_components_by_name() -> None:
    sc = indsats.Scenario.from_dict(two_components(participants=10))
    assert sc.components == ["mentor", "broker"]
    assert sc.without("mentor").components == ["broker"]
    assert sc.without("mentor", "broker").components == []
    assert sc.without(["broker", "mentor"]).components == []
    assert sc.components == ["mentor", "broker"]  # the scenario itself is unchanged
    with pytest.raises(ValueError, match=r"no component named 'coach'.*'mentor', 'broker'"):
        sc.without("coach")
    with pytest.raises(ValueError, match="name at least one component"):
        sc.without()
    with pytest.raises(TypeError, match="component name must be text"):
        sc.without([1])  # type: ignore[list-item]
    caseload_only = scenario_dict()
    del caseload_only["intervention"]["components"]
    no_components = indsats.Scenario.from_dict(caseload_only)
    with pytest.raises(ValueError, match="the scenario has no components"):
        no_components.without("mentor")


def test_without_keeps_the_names_and_correlations_of_the_others() -> None:
    d = two_components(participants=10)
    uncertain = {"dist": "pert", "min": 1, "mode": 1.4, "max": 2}
    d["intervention"]["components"][1]["hr"]["job"] = uncertain
    unnamed = {**copy.deepcopy(BROKER), "participants": 5, "hr": {"job": uncertain}}
    del unnamed["name"]  # so it is called "component 0"
    d["intervention"]["components"].insert(0, unnamed)
    d["correlations"] = [
        {
            "name": "effects",
            "rho": 0.5,
            "paths": ["intervention.components[0].hr.job", "intervention.components[2].hr.job"],
        },
        {"name": "gone", "rho": 0.5, "paths": ["intervention.components[mentor].hr.job"]},
    ]
    sc = indsats.Scenario.from_dict(d)
    assert sc.components == ["component 0", "mentor", "broker"]
    out = sc.without("mentor").to_dict()
    assert [c["name"] for c in out["intervention"]["components"]] == ["component 0", "broker"]
    assert out["correlations"] == [
        {
            "name": "effects",
            "rho": 0.5,
            "paths": ["intervention.components[0].hr.job", "intervention.components[1].hr.job"],
        }
    ]
    # The unnamed first component keeps its name when it is not first any more.
    assert sc.without("component 0").components == ["mentor", "broker"]
    kept = sc.without("component 0").to_dict()["correlations"]
    assert [group["paths"] for group in kept] == [
        ["intervention.components[1].hr.job"],
        ["intervention.components[mentor].hr.job"],
    ]


@pytest.mark.parametrize("mode", ["stochastic", "mean_field"])
def test_a_component_with_no_participants_is_the_scenario_without_it(mode: str) -> None:
    sc = indsats.Scenario.from_dict(two_components(participants=0))
    with_it = indsats.simulate(sc, 40, seed=11, mode=mode, progress=False)
    without = indsats.simulate(sc.without("broker"), 40, seed=11, mode=mode, progress=False)
    assert with_it._rows.shape == without._rows.shape
    assert np.array_equal(with_it._rows, without._rows, equal_nan=True)
    assert np.array_equal(with_it.stock_paths, without.stock_paths)
    # With participants the broker does something: the comparison could fail.
    active = indsats.simulate(
        indsats.Scenario.from_dict(two_components(participants=30)),
        40,
        seed=11,
        mode=mode,
        progress=False,
    )
    assert not np.array_equal(active._rows, without._rows, equal_nan=True)


# -------------------------------------------------------------------- table
DA_ROWS = [
    "Bruttobesparelse (før-og-efter-opgørelse)",
    "Dødvægt (andel, der var sket alligevel)",
    "Personer i job eller uddannelse (ekstra, ultimo året)",
]


def test_detail_table_has_gross_savings_deadweight_and_persons(result: indsats.Result) -> None:
    t = result.table(percentiles=(5, 95), lang="da", detail=True, total=True)
    assert list(t.index[-3:]) == DA_ROWS
    assert t.index[5] == "I alt"  # the memo rows come after the sum (test_api checks the rest)
    years = result.years
    total = f"Samlet {years[0]}–{years[-1]}"
    gross = result.draws("gross_savings") / 1e6
    np.testing.assert_allclose(t.loc[DA_ROWS[0], (years[1], "middel")], gross[:, 1].mean())
    assert t.loc[DA_ROWS[0], (total, "middel")] == pytest.approx(gross.sum(axis=1).mean())
    s_b = result.draws("municipal_benefit_savings")
    per_year = 1 - s_b[:, 1] / (gross[:, 1] * 1e6)
    assert t.loc[DA_ROWS[1], (years[1], "p95")] == pytest.approx(np.percentile(per_year, 95))
    deadweight = result.draws("deadweight")
    assert t.loc[DA_ROWS[1], (total, "middel")] == pytest.approx(deadweight.mean())
    persons = result.draws("extra_job_education")
    assert t.loc[DA_ROWS[2], (years[0], "middel")] == pytest.approx(persons[:, 0].mean())
    assert t.loc[DA_ROWS[2], (total, "p5")] == pytest.approx(np.percentile(persons[:, -1], 5))
    text = t.formatted()
    assert text.loc[DA_ROWS[1]].str.endswith(" %").all()
    assert any("," in cell for cell in text.loc[DA_ROWS[2]])  # persons with one decimal
    en = result.table(detail=True)
    assert list(en.index[-3:]) == [
        "Gross savings (before-and-after count)",
        "Deadweight (share that would have happened anyway)",
        "Persons in job or education (extra, end of year)",
    ]
    # Without detail the table is Ballerup's three rows.
    assert len(result.table()) == 3


def test_deadweight_of_a_year_without_gross_savings_is_missing(
    nothing_claimed: indsats.Result,
) -> None:
    t = nothing_claimed.table(detail=True, total=True)
    row = t.loc["Deadweight (share that would have happened anyway)"]
    assert row.isna().all()
    assert set(t.formatted().loc["Deadweight (share that would have happened anyway)"]) == {"–"}


# -------------------------------------------------------------------- plots
def test_stock_difference_plot_draws_the_mean_difference_and_its_band(
    result: indsats.Result,
) -> None:
    fig, ax = plt.subplots()
    result.plot("stock_difference", ax=ax, percentiles=(10, 90))
    paths = result.stock_paths
    difference = paths[:, 1] - paths[:, 0]
    lines = {line.get_label(): np.asarray(line.get_ydata(), dtype=float) for line in ax.get_lines()}
    for s, state in enumerate(result.states):
        ys = lines[indsats._labels.label(state)]
        np.testing.assert_allclose(ys, difference[:, :, s].mean(axis=0))
    lo, hi = np.percentile(difference[:, :, 0], (10, 90), axis=0)
    band = np.asarray(ax.collections[0].get_paths()[0].vertices, dtype=float)
    for month in (12, 30, result.scenario.months - 1):
        at = band[band[:, 0] == month, 1]
        assert at.min() == pytest.approx(lo[month]) and at.max() == pytest.approx(hi[month])
    # Fewer on benefit, more in job while the investment runs (to 2020-09, month 30).
    assert lines["Benefit"][30] < 0 < lines["Job"][30]
    plt.close(fig)


def test_paid_back_plot_shows_the_share_by_year(result: indsats.Result) -> None:
    fig, ax = plt.subplots()
    result.plot("paid_back", ax=ax, lang="da")
    heights = [p.get_height() for p in ax.patches if isinstance(p, Rectangle)]
    assert len(heights) == len(result.years)
    np.testing.assert_allclose(heights, result.draws("paid_back").mean(axis=0))
    assert [t.get_text() for t in ax.get_xticklabels()] == [str(y) for y in result.years]
    fig.canvas.draw()
    ys = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert ys and all(t.endswith(" %") for t in ys), ys
    notes = [t.get_text() for t in ax.texts]
    assert notes == [indsats._format.share(h, "da") for h in heights]
    assert ax.get_ylabel() == "Andel tjent hjem ved årets udgang"
    plt.close(fig)


def test_stock_difference_plot_in_danish_uses_decimal_commas(result: indsats.Result) -> None:
    fig, ax = plt.subplots()
    result.plot("stock_difference", ax=ax, lang="da")
    ax.set_ylim(-1.5, 1.5)  # ticks at halves: decimals show
    fig.canvas.draw()
    ys = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert {"−0,5", "0,5", "1,0"} <= set(ys), ys
    assert ax.get_ylabel() == "Personer, med − uden investering"
    assert {line.get_label() for line in ax.get_lines()} >= {"Forsørgelse", "Job", "Uddannelse"}
    plt.close(fig)
    fig, ax = plt.subplots()
    result.plot("stock_difference", ax=ax, lang="en")
    ax.set_ylim(-1.5, 1.5)
    fig.canvas.draw()
    assert {"−0.5", "0.5"} <= {t.get_text() for t in ax.get_yticklabels()}
    assert ax.get_ylabel() == "Persons, intervention − baseline"
    plt.close(fig)
    fig, ax = plt.subplots()
    result.plot("paid_back", ax=ax, lang="en")
    assert ax.get_ylabel() == "Share paid back by the year's end"
    plt.close(fig)
    no_paths = indsats.simulate(scenario_dict(), 5, seed=1, keep_paths=0, progress=False)
    with pytest.raises(ValueError, match="keep_paths"):
        no_paths.plot("stock_difference")


# -------------------------------------------------------------------- Excel
def test_the_workbook_shows_what_is_counted(result: indsats.Result, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(result.to_excel(tmp_path / "case.xlsx"))
    assert wb.sheetnames[3:5] == ["Segmenter", "Komponenter"]  # test_excel checks the order
    table = {r[0].value: r for r in wb["Business case"].iter_rows() if r[0].value}
    deadweight = table[DA_ROWS[1]]
    assert deadweight[1].number_format == "0%"
    assert table[DA_ROWS[2]][1].number_format == "#,##0.0"
    assert table[DA_ROWS[0]][1].number_format == "#,##0.00"
    assert deadweight[-3].value == pytest.approx(result.draws("deadweight").mean())
    summary = {r[0].value: r for r in wb["Resumé"].iter_rows() if r[0].value}
    row = summary["Dødvægt (andel af bruttobesparelsen på forsørgelse, der var sket alligevel)"]
    assert row[1].number_format == "0%"
    assert row[1].value == pytest.approx(result.draws("deadweight").mean())
    texts = [str(r[0]) for r in wb["Resumé"].iter_rows(values_only=True) if r and r[0]]
    assert any(t.startswith("Dødvægt: 1 − modellens") for t in texts)

    segments = wb["Segmenter"]
    assert segments.freeze_panes == "E2"
    rows = list(segments.iter_rows(values_only=True))
    assert rows[0] == ("segment", "størrelse", "gren", "år", "middel", "p5", "p50", "p95")
    frame = result.by_segment(percentiles=(5, 50, 95), lang="da")
    assert len([r for r in rows[1:] if r[0] in result.segments]) == len(frame)
    stock = next(r for r in rows if r[1] == "Bestand: forsørgelse" and r[2] == "Med investering")
    expected = frame[
        (frame["størrelse"] == "Bestand: forsørgelse") & (frame["gren"] == "Med investering")
    ]
    assert stock[4] == pytest.approx(expected.iloc[0]["middel"])
    savings = next(r for r in rows if r[1] == "Besparelse (mio. kr.)")
    saved = frame[frame["størrelse"] == "Besparelse"].iloc[0]["middel"]
    assert savings[4] == pytest.approx(saved / 1e6)
    components = list(wb["Komponenter"].iter_rows(values_only=True))
    assert components[0][:4] == ("komponent", "størrelse", "gren", "år")
    enrolment = next(r for r in components if r[1] == "Deltagere (gennemsnit)")
    assert enrolment[4] == pytest.approx(40)  # the mentor's 40 in each of 2018's months
    en = openpyxl.load_workbook(result.to_excel(tmp_path / "en.xlsx", lang="en"))
    assert "By segment" in en.sheetnames and "By component" in en.sheetnames
    assert next(en["By segment"].iter_rows(values_only=True))[:5] == (
        "segment",
        "output",
        "arm",
        "year",
        "mean",
    )


def test_a_median_interval_edge_is_shown_once(result: indsats.Result, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(result.to_excel(tmp_path / "case.xlsx", percentiles=(50, 95)))
    assert next(wb["Resumé"].iter_rows(values_only=True))[1:] == ("middel", "p50", "p95")
    assert next(wb["Segmenter"].iter_rows(values_only=True))[4:] == ("middel", "p50", "p95")


def test_danish_csv_rounds_each_row_as_it_is_shown(result: indsats.Result, tmp_path: Path) -> None:
    out = result.to_csv(tmp_path / "t.csv", lang="da", detail=True, percentiles=(5, 95))
    rows = {
        line.split(";")[0]: line.split(";")[1:]
        for line in out.read_text(encoding="utf-8").splitlines()
    }
    table = result.table(lang="da", detail=True, percentiles=(5, 95))
    deadweight = [float(x.replace(",", ".")) for x in rows[DA_ROWS[1]]]
    expected = table.loc[DA_ROWS[1]].to_numpy()
    np.testing.assert_allclose(deadweight, expected, atol=5e-4)  # a tenth of a per cent
    assert any(len(x.split(",")[1]) == 3 for x in rows[DA_ROWS[1]])
    assert all(len(x.split(",")[-1]) <= 2 for x in rows["I alt"])  # mio. kr., two decimals
    assert "-0" not in {x.rstrip("0").rstrip(",") for xs in rows.values() for x in xs}


def test_the_capped_warning_never_rounds_a_share_to_all_or_nothing() -> None:
    d = scenario_dict()
    d["intervention"]["components"][0]["participants"] = 405  # about the whole benefit stock
    with pytest.warns(indsats.ScenarioWarning, match="participants above") as caught:
        res = indsats.simulate(d, 400, seed=1, progress=False)
    capped = (res.draws("component[mentor].capped_months").sum(axis=1) > 0).mean()
    assert 0.99 < capped < 1
    message = next(str(w.message) for w in caught if "participants above" in str(w.message))
    assert message.endswith("share of draws capped: >99%)"), message


def test_a_run_without_detail_has_no_detail_sheets(tmp_path: Path) -> None:
    res = indsats.simulate(scenario_dict(), 10, seed=1, keep_detail=0, progress=False)
    wb = openpyxl.load_workbook(res.to_excel(tmp_path / "case.xlsx"))
    assert "Segmenter" not in wb.sheetnames and "Komponenter" not in wb.sheetnames


def test_names_with_brackets_reach_every_output(tmp_path: Path) -> None:
    """A name may hold brackets ("Mentor [STAR-pulje]"): the outputs per segment and
    component are found by the names, never parsed back as a field path."""
    d = scenario_dict()
    d["segments"][0]["name"] = "Over 30 [5+ år]"
    d["intervention"]["components"][0]["name"] = "Mentor [STAR-pulje]"
    d["intervention"]["components"][0]["participants"] = 5_000  # capped: a warning naming it
    with pytest.warns(indsats.ScenarioWarning, match=r"'Mentor \[STAR-pulje\]'"):
        res = indsats.simulate(d, 20, seed=1, progress=False)
    seg = res.by_segment()
    assert set(seg["segment"]) == {"Over 30 [5+ år]", "under 30"}
    assert set(res.by_component(lang="da")["komponent"]) == {"Mentor [STAR-pulje]"}
    saved = seg[(seg["segment"] == "Over 30 [5+ år]") & (seg["output"] == "savings")]
    expected = res.draws("segment[Over 30 [5+ år]].savings").mean(axis=0)
    np.testing.assert_allclose(saved["mean"].to_numpy(), expected)
    assert res.to_excel(tmp_path / "x.xlsx").exists()


def test_without_drops_a_correlation_group_left_without_uncertain_numbers() -> None:
    d = scenario_dict()
    d["intervention"]["components"].append(
        {"name": "b", "participants": 10, "hr": {"job": {"dist": "uniform", "low": 1, "high": 1.3}}}
    )
    d["correlations"] = [
        {
            "name": "g",
            "rho": 0.5,
            "paths": ["intervention.components[b].hr.job", "segments[0].exit.job"],
        }
    ]
    without = indsats.Scenario.from_dict(d).without("b")
    assert without.to_dict()["correlations"] == []
    assert without.components == ["mentor"]


def test_without_keeps_each_assumption_with_its_own_source(tmp_path: Path) -> None:
    """The workbook's sources come from the file's comments, keyed there by position:
    after a component is removed, the others keep their own comments."""
    from indsats._excel import assumptions_frame

    sc = indsats.Scenario.from_toml(ROOT / "scenarios" / "ballerup.toml")
    first = sc.components[0]
    res = indsats.simulate(sc.without(first), 2, seed=1, progress=False)
    frame = assumptions_frame(res, "en")
    sources = dict(zip(frame["parameter"], frame["source"], strict=True))
    full = assumptions_frame(indsats.simulate(sc, 2, seed=1, progress=False), "en")
    full_sources = dict(zip(full["parameter"], full["source"], strict=True))
    mentor = sc.components.index("mentor")
    assert (
        sources["intervention.components[0].participants[0]"]
        == full_sources[f"intervention.components[{mentor}].participants[0]"]
    )
