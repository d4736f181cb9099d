"""What an economist reads: the summary's statistics, Danish numbers, readable plots."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import openpyxl
import pytest

import indsats
from _scenarios import ROOT, scenario_dict
from indsats._labels import label


@pytest.fixture(scope="module")
def ballerup() -> indsats.Result:
    return indsats.simulate(ROOT / "scenarios" / "ballerup.toml", 400, seed=2017, progress=False)


@pytest.fixture(scope="module")
def never() -> indsats.Result:
    """A run in which no draw breaks even: the investment saves nothing."""
    d = scenario_dict()
    d["intervention"]["caseload"]["elasticity"] = 0.0
    d["intervention"]["components"][0]["hr"] = {"job": 1.0}
    d["intervention"]["components"][0]["relapse_hr"] = {"job": 1.0}
    return indsats.simulate(d, 50, seed=1, progress=False)


# ------------------------------------------------------------------ summary
def test_break_even_is_summarised_over_the_draws_that_break_even(
    ballerup: indsats.Result,
) -> None:
    s = ballerup.summary(percentiles=(5, 95))
    be = ballerup.break_even
    paid = be[be >= 0]
    assert 0 < paid.size < be.size  # some draws break even, some do not
    assert s.loc["Probability of payback", "mean"] == pytest.approx(paid.size / be.size)
    assert s.loc["Never breaks even (share of draws)", "mean"] == pytest.approx(
        1 - paid.size / be.size
    )
    assert s.loc["P(NPV < 0)", "mean"] == pytest.approx((ballerup.npv < 0).mean())
    row = s.loc["Break-even month (median of the draws that break even)"]
    assert row["mean"] == np.percentile(paid, 50, method="inverted_cdf")
    assert row["p5"] == np.percentile(paid, 5, method="inverted_cdf")
    assert row["p95"] == np.percentile(paid, 95, method="inverted_cdf")
    # Shown as dates; shares in per cent; no NaN anywhere.
    text = s.formatted()
    labels = ballerup.scenario.month_labels
    assert (
        text.loc["Break-even month (median of the draws that break even)", "mean"]
        == labels[int(row["mean"])]
    )
    assert re.fullmatch(r"\d{4}-\d{2}", text.iloc[3, 1])
    assert text.loc["P(NPV < 0)", "mean"].endswith("%")
    assert text.loc["P(NPV < 0)", "p5"] == "–"
    assert "nan" not in repr(s).lower() and "NaN" not in s._repr_html_()


def test_a_run_that_never_breaks_even_says_never(never: indsats.Result) -> None:
    assert np.all(never.break_even < 0)
    s = never.summary()
    assert s.loc["Probability of payback", "mean"] == 0
    assert s.loc["Never breaks even (share of draws)", "mean"] == 1
    shown = s.formatted()
    assert shown.iloc[3].tolist() == ["never", "–", "–", "–"]
    da = never.summary(lang="da").formatted()
    assert da.iloc[3].tolist() == ["aldrig", "–", "–", "–"]
    assert never.probability_of_payback() == 0.0


def test_a_handful_of_draws_that_break_even_is_shown_as_a_handful() -> None:
    """Three draws of 200 break even: the break-even month is theirs, shown beside the
    share that never does, never as the run's month."""
    d = scenario_dict()
    d["intervention"]["caseload"]["elasticity"] = 0.0
    comp = d["intervention"]["components"][0]
    comp["relapse_hr"] = {"job": 1.0}
    comp["cost_month"] = 1000
    strong = np.zeros(200, dtype=bool)
    strong[[17, 80, 151]] = True
    hr = np.where(strong, 25.0, 1.0)
    res = indsats.simulate(
        d, 200, seed=3, progress=False, parameters={"intervention.components[0].hr.job": hr}
    )
    broke_even = res.break_even >= 0
    assert 0 < broke_even.sum() <= 3 and not broke_even[~strong].any()
    s = res.summary()
    assert s.loc[label("payback"), "mean"] == pytest.approx(broke_even.mean())
    assert s.loc[label("never_share"), "mean"] == pytest.approx(1 - broke_even.mean())
    months = res.break_even[broke_even]
    median = np.percentile(months, 50, method="inverted_cdf")
    assert s.loc[label("break_even"), "mean"] == median
    da = res.summary(lang="da").formatted()
    assert re.fullmatch(r"9\d(,\d)? %", da.loc[label("never_share", "da")].iloc[0])


def test_danish_summary_shows_decimal_commas(ballerup: indsats.Result) -> None:
    shown = ballerup.summary(lang="da").formatted()
    npv = shown.iloc[0].tolist()
    assert all(re.fullmatch(r"[-−]?\d+,\d+", v) for v in npv), npv


def test_the_danish_workbook_says_never_when_no_draw_breaks_even(
    never: indsats.Result, tmp_path: Path
) -> None:
    wb = openpyxl.load_workbook(never.to_excel(tmp_path / "never.xlsx"))
    rows = {r[0]: r for r in wb["Resumé"].iter_rows(values_only=True) if r and r[0]}
    assert rows[label("break_even", "da")][1] == "aldrig", rows[label("break_even", "da")]


def test_probability_of_payback_is_the_share_with_a_break_even_month(
    ballerup: indsats.Result,
) -> None:
    assert ballerup.probability_of_payback() == pytest.approx((ballerup.break_even >= 0).mean())
    assert ballerup.probability_npv_negative() == pytest.approx((ballerup.npv < 0).mean())


# ------------------------------------------------------------------- Danish
def test_danish_tables_show_decimal_commas(ballerup: indsats.Result) -> None:
    t = ballerup.table(lang="da", unit="tkr")
    assert t.iloc[0, 0] == pytest.approx(ballerup.draws("investment")[:, 0].mean() / 1e3)
    shown = t.formatted()
    first = shown.iloc[0, 0]
    assert re.fullmatch(r"\d{1,3}(\.\d{3})*", first), first  # 6.342: thousands point
    mio = ballerup.table(lang="da")
    cell = mio.formatted().iloc[1, 0]
    assert re.fullmatch(r"-?\d+,\d\d", cell), cell
    for text in (repr(mio), mio._repr_html_()):
        assert cell in text
    en = ballerup.table().formatted().iloc[1, 0]
    assert en == cell.replace(",", ".")
    # Rounded tables stay rounded when shown; the numbers are still numbers.
    rounded = mio.round(1)
    assert re.fullmatch(r"-?\d+,\d", rounded.formatted().iloc[1, 0])
    assert isinstance(rounded.iloc[1, 0], float)


def test_danish_compare_table(ballerup: indsats.Result) -> None:
    sc = ballerup.scenario
    cmp = indsats.compare(
        {"A": sc, "B": sc.replace({"intervention.caseload.target": 40})},
        draws=50,
        seed=1,
        progress=False,
    )
    shown = cmp.table(lang="da").formatted()
    assert shown.iloc[2, -1].endswith(" %")
    assert "," in shown.iloc[0, 0]


def tick_texts(ax: Any, axis: str) -> list[str]:
    ax.figure.canvas.draw()
    ticks = ax.get_xticklabels() if axis == "x" else ax.get_yticklabels()
    return [t.get_text() for t in ticks if t.get_text()]


@pytest.mark.parametrize(("kind", "axis"), [("net", "y"), ("cumulative", "y"), ("npv", "x")])
def test_danish_plot_axes_use_decimal_commas(
    ballerup: indsats.Result, kind: str, axis: str
) -> None:
    fig, ax = plt.subplots()
    ballerup.plot(kind, ax=ax, lang="da")
    texts = tick_texts(ax, axis)
    plt.close(fig)
    assert texts and not any("." in t and "," not in t for t in texts if "." in t), texts
    fig, ax = plt.subplots()
    ballerup.plot(kind, ax=ax, lang="da", unit="kr")
    texts = tick_texts(ax, axis)
    plt.close(fig)
    assert any(re.fullmatch(r"−?\d{1,3}(\.\d{3})+", t) for t in texts), texts


def test_break_even_plot_shows_shares_and_dates(ballerup: indsats.Result) -> None:
    fig, ax = plt.subplots()
    ballerup.plot("break_even", ax=ax, lang="da")
    ys = tick_texts(ax, "y")
    xs = tick_texts(ax, "x")
    plt.close(fig)
    assert all(t.endswith(" %") for t in ys), ys
    assert all(re.fullmatch(r"\d{4}-\d{2}", t) for t in xs), xs


# -------------------------------------------------------------------- plots
def bbox(text: Any) -> Any:
    return text.get_window_extent()


@pytest.mark.parametrize("kinds", [("break_even", "npv"), ("net", "cumulative"), ("stocks", "net")])
@pytest.mark.parametrize("lang", ["en", "da"])
@pytest.mark.parametrize("tight", [False, True])
def test_plots_side_by_side_keep_their_titles_apart(
    ballerup: indsats.Result, kinds: tuple[str, str], lang: str, tight: bool
) -> None:
    fig, (a, b) = plt.subplots(1, 2)  # the default 6.4 × 4.8 inches: narrow axes
    ballerup.plot(kinds[0], ax=a, lang=lang)
    ballerup.plot(kinds[1], ax=b, lang=lang)
    if tight:
        fig.tight_layout()
    fig.canvas.draw()
    ta, tb = bbox(a.title), bbox(b.title)
    plt.close(fig)
    assert ta.width > 0 and tb.width > 0
    assert not ta.overlaps(tb), (a.title.get_text(), b.title.get_text())
    assert ta.x1 < tb.x0


def test_a_long_name_is_wrapped_not_cut(ballerup: indsats.Result) -> None:
    fig, (a, _) = plt.subplots(1, 2)
    ballerup.plot("net", ax=a)
    fig.canvas.draw()
    title = a.title.get_text()
    plt.close(fig)
    assert title.replace("\n", " ") == ballerup.scenario.name or title.endswith("…")
    assert "\n" in title or len(ballerup.scenario.name) < 25


def test_break_even_plot_says_when_no_draw_breaks_even(never: indsats.Result) -> None:
    for lang, words in [("en", "No draw breaks even"), ("da", "Ingen trækning")]:
        fig, ax = plt.subplots()
        never.plot("break_even", ax=ax, lang=lang)
        texts = [t.get_text() for t in ax.texts]
        plt.close(fig)
        assert any(words in t for t in texts), texts


def test_scenario_text_is_never_maths(tmp_path: Any) -> None:
    # Between two $ matplotlib reads maths, and "^" alone is no formula: an error if read.
    d = scenario_dict(name="Cost $^$ vs $_$")
    d["destinations"]["a$^$b"] = {}
    d["segments"][0]["exit"]["a$^$b"] = 0.01
    res = indsats.simulate(d, 5, progress=False)
    for kind in ("net", "stocks", "npv", "break_even"):
        fig, ax = plt.subplots()
        res.plot(kind, ax=ax)
        fig.savefig(tmp_path / "p.png")
        plt.close(fig)
        assert "$^$" in ax.title.get_text()
