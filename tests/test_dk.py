"""Tests for the Danish defaults in indsats.dk."""

from __future__ import annotations

import copy
import json
import math
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from indsats import Scenario, _core, dk

# --- rates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("group", "year", "expected"),
    [
        ("kontanthjaelp_30plus_forsoerger", 2016, 14575),
        ("kontanthjaelp_30plus_other", 2016, 10968),
        ("kontanthjaelp_30plus_forsoerger", 2017, 14808),
        ("kontanthjaelp_30plus_other", 2017, 11143),
        ("kontanthjaelp_30plus_other", 2018, 11282),
        ("kontanthjaelp_30plus_forsoerger", 2019, 15180),
        ("kontanthjaelp_30plus_other", 2020, 11554),
        ("kontanthjaelp_30plus_forsoerger", 2021, 15547),
        ("kontanthjaelp_30plus_other", 2021, 11698),
        ("uddannelseshjaelp_udeboende", 2016, 6010),
        ("uddannelseshjaelp_hjemmeboende", 2018, 2664),
        ("uddannelseshjaelp_forsoerger", 2019, 12519),
        ("uddannelseshjaelp_udeboende", 2020, 6331),
        ("uddannelseshjaelp_aktivitetsparat_25_29_udeboende", 2018, 11282),
        ("uddannelseshjaelp_aktivitetsparat_under25_udeboende", 2020, 7447),
        ("uddannelseshjaelp_aktivitetstillaeg_25_29_udeboende", 2019, 5164),
        ("kontanthjaelp_ungesats_25_29_udeboende", 2017, 7182),
        ("ressourceforloebsydelse_other", 2017, 11143),
        ("ressourceforloebsydelse_forsoerger", 2017, 14808),
        ("foertidspension_single", 2018, 18642),
        ("foertidspension_couple", 2020, 16229),
    ],
)
def test_known_rates(group: str, year: int, expected: float) -> None:
    assert dk.rate(group, year) == expected


def test_derived_rates_are_flagged() -> None:
    assert dk.rate_entry("kontanthjaelp_30plus_other", 2019).derived
    assert dk.rate_entry("kontanthjaelp_30plus_other", 2020).derived
    assert not dk.rate_entry("kontanthjaelp_30plus_other", 2018).derived
    assert not dk.rate_entry("kontanthjaelp_30plus_other", 2021).derived
    assert dk.rate_entry("uddannelseshjaelp_udeboende", 2017).derived
    assert dk.rate_entry("uddannelseshjaelp_udeboende", 2021).derived
    assert not dk.rate_entry("uddannelseshjaelp_udeboende", 2020).derived
    assert dk.rate("uddannelseshjaelp_udeboende", 2017) == 6106
    assert dk.rate("uddannelseshjaelp_hjemmeboende", 2021) == 2762


def test_every_entry_has_a_source() -> None:
    entries = dk.rate_entries()
    assert len(entries) > 50
    for e in entries:
        assert e.source, e
        assert e.value > 0, e


def test_aktivitetsparat_25_29_equals_30plus_other() -> None:
    for year in (2018, 2019, 2020):
        total = dk.rate("uddannelseshjaelp_udeboende", year) + dk.rate(
            "uddannelseshjaelp_aktivitetstillaeg_25_29_udeboende", year
        )
        assert total == dk.rate("uddannelseshjaelp_aktivitetsparat_25_29_udeboende", year)
        assert total == dk.rate("kontanthjaelp_30plus_other", year)


def test_satsregulering_reproduces_the_rate_table() -> None:
    for group in (
        "kontanthjaelp_30plus_forsoerger",
        "kontanthjaelp_30plus_other",
        "uddannelseshjaelp_udeboende",
        "uddannelseshjaelp_forsoerger",
    ):
        for year, change in dk.SATSREGULERING.items():
            prev, cur = dk.rate(group, year - 1), dk.rate(group, year)
            assert cur == pytest.approx(prev * (1 + change), rel=5e-4), (group, year)


def test_extrapolation_after_the_table() -> None:
    assert dk.SATSREGULERING_EXTRAPOLATION.assumption
    assert dk.SATSREGULERING_EXTRAPOLATION.value == 0.0125
    last = dk.rate("kontanthjaelp_30plus_other", 2021)
    assert dk.rate("kontanthjaelp_30plus_other", 2022) == pytest.approx(last * 1.0125)
    assert dk.rate("kontanthjaelp_30plus_other", 2025) == pytest.approx(last * 1.0125**4)
    entry = dk.rate_entry("kontanthjaelp_30plus_other", 2023)
    assert entry.derived
    assert "SATSREGULERING_EXTRAPOLATION" in entry.note
    # the extrapolation stays within 1 % of the official 2023 rate
    official = dk.KONTANTHJAELP_30PLUS_OTHER_2023.value
    assert entry.value == pytest.approx(official, rel=0.01)


def test_extrapolation_uses_known_changes_first() -> None:
    # ungesats is only tabulated for 2017; 2018-2021 follow the actual changes
    base = dk.rate("kontanthjaelp_ungesats_hjemmeboende", 2017)
    factor = 1.0125 * 1.0125 * 1.0115
    assert dk.rate("kontanthjaelp_ungesats_hjemmeboende", 2020) == pytest.approx(base * factor)
    # a gap year is regulated from the year before: førtidspension 2019 lands on 2020
    fp2019 = dk.rate("foertidspension_single", 2019)
    assert fp2019 == pytest.approx(18642 * 1.0125)
    assert fp2019 * 1.0115 == pytest.approx(dk.rate("foertidspension_single", 2020), abs=1.0)


def test_municipal_net_cost_matches_the_derived_figures() -> None:
    share = dk.MUNICIPAL_SHARE_LONG_TERM.value
    assert dk.rate("kontanthjaelp_30plus_other", 2018) * 12 * share == pytest.approx(
        108_300, abs=100
    )
    assert dk.rate("kontanthjaelp_30plus_forsoerger", 2018) * 12 * share == pytest.approx(
        143_900, abs=100
    )


def test_unknown_group_names_it_and_suggests() -> None:
    with pytest.raises(ValueError) as err:
        dk.rate("kontanthjalp_30plus", 2017)
    msg = str(err.value)
    assert "'kontanthjalp_30plus'" in msg
    assert "did you mean 'kontanthjaelp_30plus_other'?" in msg


def test_unknown_group_without_close_match() -> None:
    with pytest.raises(ValueError, match="unknown rate group 'zzz'") as err:
        dk.rate("zzz", 2017)
    assert "did you mean" not in str(err.value)


def test_year_before_the_table() -> None:
    with pytest.raises(ValueError, match=r"'kontanthjaelp_30plus_other' starts in 2016.*2015"):
        dk.rate("kontanthjaelp_30plus_other", 2015)
    with pytest.raises(ValueError, match="foertidspension_single"):
        dk.rate("foertidspension_single", 2017)


def test_rate_groups_have_labels() -> None:
    groups = dk.rate_groups()
    for key in (
        "kontanthjaelp_30plus_forsoerger",
        "kontanthjaelp_30plus_other",
        "uddannelseshjaelp_udeboende",
        "uddannelseshjaelp_hjemmeboende",
        "uddannelseshjaelp_forsoerger",
        "uddannelseshjaelp_aktivitetsparat_25_29_udeboende",
    ):
        assert groups[key]
    assert all(re.fullmatch(r"[a-z0-9_]+", g) for g in groups)


# --- refusion ---------------------------------------------------------------------------------


def test_refusion_ladder() -> None:
    assert dk.REFUSION_LADDER_2016 == [[1, 0.80], [6, 0.40], [12, 0.30], [999, 0.20]]
    assert all(type(month) is int for month, _ in dk.REFUSION_LADDER_2016)
    assert dk.MUNICIPAL_SHARE_LONG_TERM.value == pytest.approx(1 - dk.REFUSION_LADDER_2016[-1][1])
    # weeks 4, 26, 52 map to months 1, 6, 12
    for (weeks, w_share), (month, m_share) in zip(
        dk.REFUSION_LADDER_2016_WEEKS[:3], dk.REFUSION_LADDER_2016[:3], strict=True
    ):
        assert round(weeks * 12 / 52) == month
        assert w_share == m_share
    assert "lov nr. 994 af 30/08/2015" in dk.REFUSION_SHARE_WEEKS_1_4.source.lower()
    source = Path(dk.__file__).read_text(encoding="utf-8")
    ladder_doc = source.split("REFUSION_LADDER_2016: Final", 1)[1][:2000]
    assert "lov nr. 994 af 30/08/2015" in ladder_doc
    assert "§ 5, stk. 2" in ladder_doc
    assert "weeks were turned" in ladder_doc


# --- figures ----------------------------------------------------------------------------------


def test_figures_are_consistent() -> None:
    figs = dk.figures()
    names = [f.name for f in figs]
    assert len(names) == len(set(names))
    for f in figs:
        assert getattr(dk, f.name) is f
        assert f.source
        assert f.unit
        if f.has_range:
            assert f.assumption
            assert f.low is not None and f.high is not None
            assert f.low <= f.value <= f.high
        if not f.assumption:
            assert f.low is None and f.high is None
            assert "http" in f.source or f.derived, f.name


def test_assumptions_are_the_flagged_figures() -> None:
    ass = dk.assumptions()
    assert ass == [f for f in dk.figures() if f.assumption]
    names = {f.name for f in ass}
    for name in (
        "CASEWORKER_FTE_COST_YEAR",
        "MENTOR_HOUR",
        "VIRKSOMHEDSPRAKTIK_MONTH",
        "FLEXJOB_SUBSIDY_MONTH",
        "SATSREGULERING_EXTRAPOLATION",
    ):
        assert name in names
    for name in (
        "RESSOURCEFORLOEBSYDELSE",
        "FOERTIDSPENSION_MONTH",
        "MUNICIPAL_SHARE_LONG_TERM",
        "FLEXJOB_SUBSIDY_MAX_MONTH_2018",
    ):
        assert name not in names
        assert dk.figure(name).status == "sourced"


def test_key_figure_values() -> None:
    assert dk.CASEWORKER_FTE_COST_YEAR.value == 550_000
    assert (dk.CASEWORKER_FTE_COST_YEAR.low, dk.CASEWORKER_FTE_COST_YEAR.high) == (
        450_000,
        650_000,
    )
    assert dk.MENTOR_HOUR.value == 400
    assert (dk.VIRKSOMHEDSPRAKTIK_MONTH.low, dk.VIRKSOMHEDSPRAKTIK_MONTH.high) == (0, 2000)
    assert (dk.FLEXJOB_SUBSIDY_MONTH.low, dk.FLEXJOB_SUBSIDY_MONTH.high) == (12_000, 16_000)
    assert dk.RESSOURCEFORLOEBSYDELSE.value == 11143
    assert dk.FOERTIDSPENSION_MONTH.value == 18642
    assert dk.MUNICIPAL_SHARE_LONG_TERM.value == 0.80
    assert dk.MENTOR_MONTH.value == pytest.approx(2600)
    assert 2**dk.CASELOAD_ELASTICITY.value == pytest.approx(dk.CASELOAD_HALVING_HR.value)
    h = dk.EXIT_HAZARD_MONTH_JOB.value
    assert -math.log(1 - dk.EXIT_YEAR_JOB.value) / 12 == pytest.approx(h)


def test_status() -> None:
    assert dk.CASEWORKER_FTE_COST_YEAR.status == "assumption"
    assert dk.EXIT_HAZARD_MONTH_ALL_KONTANTHJAELP.status == "derived"
    assert dk.RESSOURCEFORLOEBSYDELSE.status == "sourced"


def test_figure_validation() -> None:
    with pytest.raises(ValueError, match="only an assumption"):
        dk.Figure(name="X", value=1, unit="u", source="s", low=0, high=2)
    with pytest.raises(ValueError, match="low <= value <= high"):
        dk.Figure(name="X", value=3, unit="u", source="s", assumption=True, low=0, high=2)
    with pytest.raises(ValueError, match="both low and high"):
        dk.Figure(name="X", value=1, unit="u", source="s", assumption=True, low=0)


def test_unknown_figure_suggests() -> None:
    with pytest.raises(ValueError, match="did you mean 'MENTOR_HOUR'"):
        dk.figure("MENTOR_HOURS")
    with pytest.raises(ValueError, match="did you mean 'CASEWORKER_FTE_COST_YEAR'"):
        dk.figure("caseworker_fte_cost_year")


# --- resolve_references -----------------------------------------------------------------------


def _scenario() -> dict[str, Any]:
    return {
        "name": "test",
        "start": "2018-03",
        "years": 4,
        "benefit": {
            "refusion": {"dk": "REFUSION_LADDER_2016"},
            "indexation": {"dk": "SATSREGULERING_EXTRAPOLATION"},
            "indsats_month": 1500,
        },
        "destinations": {
            "job": {"relapse": 0.25, "cost_month": 0},
            "pension": {
                "relapse": 0.0,
                "cost_month": {
                    "rate": "foertidspension_single",
                    "year": 2018,
                    "scale": {"dk": "MUNICIPAL_SHARE_FOERTIDSPENSION_LONG_TERM"},
                },
                "state_month": {"rate": "foertidspension_single", "scale": 0.2},
            },
        },
        "segments": [
            {"name": "a", "benefit_month": {"rate": "kontanthjaelp_30plus_other", "year": 2017}},
            {"name": "b", "benefit_month": {"rate": "kontanthjaelp_30plus_forsoerger"}},
        ],
        "intervention": {
            "caseload": {
                "base": 70,
                "target": 35,
                "fte_cost_year": {"dk": "CASEWORKER_FTE_COST_YEAR", "dist": "fixed"},
                "elasticity": {"dk": "CASELOAD_ELASTICITY"},
            },
            "components": [
                {"name": "praktik", "cost_month": {"dk": "VIRKSOMHEDSPRAKTIK_MONTH"}},
                {
                    "name": "mentor",
                    "participants": [60, 60, 50, 40],
                    "cost_month": {"dk": "MENTOR_MONTH", "dist": "uniform"},
                    "hr": {"job": {"dist": "pert", "min": 1.0, "mode": 1.25, "max": 1.6}},
                },
            ],
        },
    }


def test_resolve_nested() -> None:
    scenario = _scenario()
    before = copy.deepcopy(scenario)
    out = dk.resolve_references(scenario)
    assert scenario == before  # input untouched

    assert out["name"] == "test"
    assert out["benefit"]["refusion"] == [[1, 0.80], [6, 0.40], [12, 0.30], [999, 0.20]]
    assert out["benefit"]["refusion"] is not dk.REFUSION_LADDER_2016
    out["benefit"]["refusion"][0][1] = 0.0
    assert dk.REFUSION_LADDER_2016[0][1] == 0.80

    assert out["benefit"]["indexation"] == {
        "dist": "pert",
        "min": 0.010,
        "mode": 0.0125,
        "max": 0.016,
    }
    assert out["benefit"]["indsats_month"] == 1500
    assert out["segments"][0]["benefit_month"] == 11143
    assert out["segments"][1]["benefit_month"] == 14993  # year taken from start = 2018
    pension = out["destinations"]["pension"]
    assert pension["cost_month"] == pytest.approx(18642 * 0.8)
    assert pension["state_month"] == pytest.approx(18642 * 0.2)

    caseload = out["intervention"]["caseload"]
    assert caseload["fte_cost_year"] == 550_000
    el = caseload["elasticity"]
    assert el["dist"] == "pert"
    assert el["min"] == pytest.approx(math.log2(1.1))
    assert el["mode"] == pytest.approx(math.log2(1.3))
    assert el["max"] == pytest.approx(math.log2(1.6))

    comps = out["intervention"]["components"]
    assert comps[0]["cost_month"] == {"dist": "pert", "min": 0, "mode": 1000, "max": 2000}
    assert comps[1]["cost_month"]["dist"] == "uniform"
    assert comps[1]["cost_month"]["low"] == pytest.approx(200 * 52 / 12)
    assert comps[1]["hr"]["job"] == {"dist": "pert", "min": 1.0, "mode": 1.25, "max": 1.6}
    assert comps[1]["participants"] == [60, 60, 50, 40]


def test_assumption_becomes_pert_and_sourced_becomes_number() -> None:
    out = dk.resolve_references(
        {
            "a": {"dk": "FLEXJOB_SUBSIDY_MONTH"},
            "b": {"dk": "FLEXJOB_SUBSIDY_MONTH", "scale": 0.8},
            "c": {"dk": "RESSOURCEFORLOEBSYDELSE"},
            "d": {"dk": "KOMMUNESKAT_SHARE"},  # assumption without a range
            "e": {"dk": "FLEXJOB_SUBSIDY_MONTH", "scale": -1},
        }
    )
    assert out["a"] == {"dist": "pert", "min": 12000, "mode": 14000, "max": 16000}
    assert out["b"] == {
        "dist": "pert",
        "min": pytest.approx(9600),
        "mode": pytest.approx(11200),
        "max": pytest.approx(12800),
    }
    assert out["c"] == 11143
    assert out["d"] == 0.25
    assert out["e"] == {"dist": "pert", "min": -16000, "mode": -14000, "max": -12000}


def test_every_figure_resolves() -> None:
    for f in dk.figures():
        out = dk.resolve_references({"x": {"dk": f.name}})["x"]
        if f.has_range:
            assert out == {"dist": "pert", "min": f.low, "mode": f.value, "max": f.high}
        else:
            assert out == f.value


@pytest.mark.parametrize(
    ("scenario", "message"),
    [
        (
            {"segments": [{"benefit_month": {"rate": "kontanthjalp_30plus", "year": 2017}}]},
            "segments[0].benefit_month: unknown rate group 'kontanthjalp_30plus' "
            "(did you mean 'kontanthjaelp_30plus_other'?)",
        ),
        (
            {"intervention": {"components": [{}, {"hr": {"job": {"dk": "CASELOAD_HALVING"}}}]}},
            "intervention.components[1].hr.job: unknown figure 'CASELOAD_HALVING' "
            "(did you mean 'CASELOAD_HALVING_HR'?)",
        ),
        (
            {"segments": [{}, {"benefit_month": {"rate": "kontanthjaelp_30plus_other"}}]},
            "segments[1].benefit_month: rate reference 'kontanthjaelp_30plus_other' needs a year",
        ),
        (
            {"a": {"b": {"rate": "kontanthjaelp_30plus_other", "year": 2010}}},
            "a.b: rate group 'kontanthjaelp_30plus_other' starts in 2016; no rate for 2010",
        ),
        (
            {"a": [[{"rate": "kontanthjaelp_30plus_other", "year": "2017"}]]},
            "a[0][0]: year must be an integer",
        ),
        (
            {"a": {"rate": "kontanthjaelp_30plus_other", "year": 2017, "scal": 0.8}},
            "a: unexpected key(s) scal in a rate reference",
        ),
        (
            {"a": {"rate": "kontanthjaelp_30plus_other", "year": 2017, "scale": "x"}},
            "a: scale must be a finite number",
        ),
        (
            {"a": {"dk": "MENTOR_HOUR", "scale": {"dk": "MENTOR_HOUR"}}},
            "a: scale must be a finite number",
        ),
        (
            {"a": {"dk": "RESSOURCEFORLOEBSYDELSE", "dist": "pert"}},
            "a: figure 'RESSOURCEFORLOEBSYDELSE' has no range",
        ),
        (
            {"a": {"dk": "MENTOR_HOUR", "dist": "lognormal"}},
            "a: dist must be one of",
        ),
        (
            {"a": {"dk": "MENTOR_HOUR", "rate": "kontanthjaelp_30plus_other"}},
            "a: a reference has either 'rate' or 'dk'",
        ),
        (
            {"a": {"dk": "REFUSION_LADDER_2016", "scale": 2}},
            "a: REFUSION_LADDER_2016 takes no scale",
        ),
    ],
)
def test_resolve_errors_start_with_the_path(scenario: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError) as err:
        dk.resolve_references(scenario)
    assert str(err.value).startswith(message), str(err.value)


def test_start_year_default_and_explicit_year_wins() -> None:
    out = dk.resolve_references(
        {
            "start": "2020-07",
            "a": {"rate": "uddannelseshjaelp_udeboende"},
            "b": {"rate": "uddannelseshjaelp_udeboende", "year": 2016},
        }
    )
    assert out["a"] == 6331
    assert out["b"] == 6010


def test_plain_fields_named_rate_are_left_alone() -> None:
    scenario = {"discount_rate": 0.035, "x": {"rate": 0.5, "year": 2017}}
    assert dk.resolve_references(scenario) == scenario


def test_docstring_toml_example_resolves() -> None:
    tomllib = pytest.importorskip("tomllib")
    doc = dk.__doc__ or ""
    block = doc.split(".. code-block:: toml", 1)[1].split("``benefit_month``", 1)[0]
    lines = [line[4:] if line.startswith("    ") else line for line in block.splitlines()]
    data = tomllib.loads("\n".join(lines))
    out = dk.resolve_references(data)
    assert out["segments"][0]["benefit_month"] == 11282
    assert out["destinations"]["pension"]["cost_month"] == pytest.approx(18642 * 0.8)
    assert out["intervention"]["caseload"]["elasticity"]["dist"] == "triangular"
    assert out["benefit"]["refusion"] == dk.REFUSION_LADDER_2016


# --- the data files and the core's resolver ---------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
RECORDED = tomllib.loads(
    (ROOT / "tests" / "fixtures" / "resolved_by_python.toml").read_text(encoding="utf-8")
)


def _bits(value: Any) -> Any:
    """``value`` with every float as its exact hex form, so ``==`` compares bits and types."""
    if isinstance(value, float):
        return ("float", value.hex())
    if isinstance(value, dict):
        return {k: _bits(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_bits(v) for v in value]
    return value


@pytest.mark.parametrize("case", RECORDED["references"], ids=lambda c: json.dumps(c["ref"]))
def test_references_resolve_as_the_python_resolver_did(case: dict[str, Any]) -> None:
    scenario = {"x": case["ref"]} | ({"start": case["start"]} if "start" in case else {})
    if "error" in case:
        with pytest.raises(ValueError) as err:
            dk.resolve_references(scenario)
        assert str(err.value) == case["error"]
        with pytest.raises(ValueError) as err:
            _core.resolve(json.dumps(scenario))
        assert str(err.value) == case["error"]
    else:
        assert _bits(dk.resolve_references(scenario)["x"]) == _bits(case["resolved"])
        assert _bits(json.loads(_core.resolve(json.dumps(scenario)))["x"]) == _bits(
            case["resolved"]
        )


@pytest.mark.parametrize("name", sorted(RECORDED["scenarios"]))
def test_shipped_scenarios_resolve_as_the_python_resolver_did(name: str) -> None:
    sc = Scenario.from_toml(ROOT / "scenarios" / f"{name}.toml")
    assert _bits(sc.to_dict()) == _bits(RECORDED["scenarios"][name])
    raw = sc.raw_dict()
    assert "dk" in json.dumps(raw)  # the references are kept
    assert _bits(json.loads(_core.resolve(json.dumps(raw)))) == _bits(RECORDED["scenarios"][name])


def test_numbers_that_are_not_references_keep_their_exact_value() -> None:
    given = {
        "a": 0.30000000000000004,
        "b": 2**70,
        "c": (1, 2.5),
        "d": {"dk": "MENTOR_HOUR", "dist": "fixed"},
    }
    out = dk.resolve_references(given)
    assert _bits(out) == _bits(
        {"a": 0.30000000000000004, "b": float(2**70), "c": [1, 2.5], "d": 400.0}
    )
    with pytest.raises(ValueError, match=r"^a\.b: expected a finite number, got nan"):
        dk.resolve_references({"a": {"b": math.nan}})


def test_figures_are_module_attributes_read_from_the_data() -> None:
    data = _core.dk_data()
    names = [f["name"] for f in data["figures"]]
    assert names == [f.name for f in dk.figures()]
    assert set(names) <= set(dir(dk))
    assert dk.CASEWORKER_FTE_COST_YEAR is dk.figure("CASEWORKER_FTE_COST_YEAR")
    with pytest.raises(AttributeError, match="NO_SUCH_FIGURE"):
        dk.NO_SUCH_FIGURE  # noqa: B018
    assert data["years"] == [1990, 2100]
    assert [r.value for r in dk.rate_entries()] == [r["value"] for r in data["rates"]]


def test_the_data_files_say_what_they_hold() -> None:
    for name in ("figures", "rates", "satsregulering", "refusion"):
        text = (ROOT / "data" / f"{name}.toml").read_text(encoding="utf-8")
        header = text.split("\n\n", 1)[0]
        assert header.startswith("# ") and "rebuild" in header.lower(), name
        tomllib.loads(text)


def test_a_year_outside_the_supported_years_is_a_value_error() -> None:
    # Years far outside are tested in a child process below; these are quick either way.
    for year in (1989, 2101):
        with pytest.raises(ValueError, match=r"year must be an integer between 1990 and 2100"):
            dk.rate_entry("kontanthjaelp_30plus_other", year)
    with pytest.raises(ValueError, match=r"^unknown rate group 'x'"):
        dk.rate_entry("x", 2**70)


# A year far outside the tables used to walk every year up to it (and keep a list of them).
# Run in a child process with a memory cap and a timeout, so a regression cannot hang the suite.
FAR_YEARS = ("2**70", "10**18", "-(2**70)", "-5", "9999", "1e18", "2017.5")
_FAR_YEAR_CHECK = """
import json, sys
from indsats import dk
out = {}
for text in sys.argv[1:]:
    year = eval(text)
    ref = {"rate": "kontanthjaelp_30plus_other", "year": year}
    scenario = {"segments": [{"benefit_month": ref}]}
    for name, call in (
        ("rate", lambda: dk.rate("kontanthjaelp_30plus_other", year)),
        ("resolve_references", lambda: dk.resolve_references(scenario)),
    ):
        try:
            out[f"{name}({text})"] = repr(call())
        except ValueError as e:
            out[f"{name}({text})"] = str(e)
print(json.dumps(out))
"""


def _cap_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))


def test_a_year_far_outside_the_tables_is_a_quick_error_naming_the_field() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _FAR_YEAR_CHECK, *FAR_YEARS],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_cap_memory,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout)
    for text in FAR_YEARS:
        shown = repr(eval(text))
        assert out[f"rate({text})"] == (
            "rate group 'kontanthjaelp_30plus_other': "
            f"year must be an integer between 1990 and 2100, got {shown}"
        )
        assert out[f"resolve_references({text})"].startswith(
            "segments[0].benefit_month: year must be an integer between 1990 and 2100, got "
        )


# --- corrected Danish defaults (docs/DANISH_RULES.md) -----------------------------------------

NEW_FIGURES = (
    "PRICE_INDEX",
    "BENEFIT_PAYOUT_FACTOR",
    "SU_UDEBOENDE_MONTH_2018",
    "EARNINGS_DISREGARD_PER_HOUR",
    "SUPPLERENDE_KONTANTHJAELP_BENEFIT_SHARE",
    "UDDANNELSESPARAT_BENEFIT_SHARE_25_29_UDEBOENDE_2018",
    "UDDANNELSESPARAT_BENEFIT_SHARE_UNDER25_UDEBOENDE_2018",
    "KOMMUNESKAT_AVERAGE_2017",
    "AM_BIDRAG_RATE",
    "BESKAEFTIGELSESFRADRAG_RATE_2017",
    "BESKAEFTIGELSESFRADRAG_MAX_2017",
    "WAGE_AFTER_AKTIVITETSPARAT_MONTH",
    "JOB_KOMMUNESKAT_GAIN_MONTH",
    "JOB_BROKER_PERSONS_PER_FTE_AKTIVITETSPARATE",
    "JOB_BROKER_MONTH",
    "MENTOR_STATE_SHARE_2016_2018",
    "MENTOR_STATE_SHARE_2019_ON",
    "ACTIVATION_STATE_SHARE_2016_2018",
    "ACTIVATION_STATE_SHARE_2019_ON",
    "RESSOURCEFORLOEB_MENTOR_STATE_SHARE_UNTIL_2021",
    "JOB_ENDING_HAZARD_MONTH_1_3",
    "JOB_ENDING_HAZARD_MONTH_4_12",
    "BACK_IN_KONTANTHJAELP_1Y_AFTER_EXIT_25_29",
    "BACK_IN_KONTANTHJAELP_1Y_AFTER_EXIT_25_29_BEFORE_REFORM",
    "RETURN_TO_BENEFIT_SHARE_OF_JOB_ENDINGS",
    "RELAPSE_TO_BENEFIT_YEAR_JOB",
)
DANISH_RULES = ROOT / "docs" / "DANISH_RULES.md"


@pytest.mark.parametrize("name", NEW_FIGURES)
def test_new_figure_loads_with_a_source_and_a_consistent_range(name: str) -> None:
    f = dk.figure(name)
    assert f.label and f.unit and f.note, name
    if f.derived:
        # a derived figure names what it was derived from and shows the calculation
        assert f.source.startswith("Derived from"), name
        assert "=" in f.note, name
    else:
        assert "http" in f.source, name
    if f.assumption:
        assert f.has_range, name
        assert f.low is not None and f.high is not None
        assert f.low < f.high
        assert f.low <= f.value <= f.high, name
    else:
        assert (f.low, f.high) == (None, None), name


def test_state_shares_of_the_investment() -> None:
    assert dk.MENTOR_STATE_SHARE_2016_2018.value == 0.5
    assert dk.MENTOR_STATE_SHARE_2019_ON.value == 0.0
    assert dk.ACTIVATION_STATE_SHARE_2016_2018.value == 0.5
    assert dk.ACTIVATION_STATE_SHARE_2019_ON.value == 0.0
    assert dk.RESSOURCEFORLOEB_MENTOR_STATE_SHARE_UNTIL_2021.value == 0.5
    for f in (dk.MENTOR_STATE_SHARE_2016_2018, dk.ACTIVATION_STATE_SHARE_2016_2018):
        assert f.status == "sourced"
        assert "rådighedsbeløb" in f.note  # the refusion ceiling is the scenario's choice
        assert "L 66 (2015-16)" in f.source and "§ 118, stk. 5" in f.source
        assert "31/12-18" in f.source
    assert "L 76 (2018-19" in dk.MENTOR_STATE_SHARE_2019_ON.source
    assert "1. januar 2022" in dk.RESSOURCEFORLOEB_MENTOR_STATE_SHARE_UNTIL_2021.source
    # the old zero is the rule for dagpenge and jobparate, no longer read as general
    assert "jobparate" in dk.MENTOR_REFUSION.label
    assert "MENTOR_STATE_SHARE_2016_2018" in dk.MENTOR_REFUSION.note


def test_job_ending_hazards_recompute_from_benchmarkingenheden() -> None:
    within_3, months_4_12 = dk.JOB_ENDED_WITHIN_3M.value, dk.JOB_ENDED_MONTHS_4_12.value
    assert dk.JOB_ENDING_HAZARD_MONTH_1_3.value == 1 - (1 - within_3) ** (1 / 3)
    assert dk.JOB_ENDING_HAZARD_MONTH_4_12.value == 1 - (
        (1 - within_3 - months_4_12) / (1 - within_3)
    ) ** (1 / 9)
    # together they give back the measured 12-month durability of 50 %
    h1, h2 = dk.JOB_ENDING_HAZARD_MONTH_1_3.value, dk.JOB_ENDING_HAZARD_MONTH_4_12.value
    survival = (1 - h1) ** 3 * (1 - h2) ** 9
    assert survival == pytest.approx(dk.JOB_DURABILITY_12M_ALL_KONTANTHJAELP.value)


def test_relapse_to_benefit_is_below_the_job_ending_rate() -> None:
    ending, share = dk.RELAPSE_YEAR_JOB, dk.RETURN_TO_BENEFIT_SHARE_OF_JOB_ENDINGS
    relapse = dk.RELAPSE_TO_BENEFIT_YEAR_JOB
    assert (share.low, share.value, share.high) == (0.6, 0.7, 0.8)
    assert ending.low is not None and ending.high is not None
    assert share.low is not None and share.high is not None
    assert relapse.low is not None and relapse.high is not None
    assert relapse.value == 1 - (1 - ending.value) ** share.value
    assert relapse.low == 1 - (1 - ending.low) ** share.low
    assert relapse.high == 1 - (1 - ending.high) ** share.high
    assert relapse.low < ending.low and relapse.value < ending.value and relapse.high < ending.high
    # the hazard form: a share of the job-ending hazard returns to benefit
    h_end = -math.log(1 - ending.value) / 12
    h_back = -math.log(1 - relapse.value) / 12
    assert h_back == pytest.approx(share.value * h_end)
    assert "SEEDS SHOULD USE THIS" in relapse.note
    # the old figures say what they measure, so nobody reads durability as relapse
    assert "upper bound" in ending.label
    assert "RELAPSE_TO_BENEFIT_YEAR_JOB" in ending.note
    for name in ("RELAPSE_HAZARD_MONTH_1_3", "RELAPSE_HAZARD_MONTH_4_12"):
        assert dk.figure(name).label.startswith("Job-ending hazard"), name
    assert "not a return" in dk.JOB_DURABILITY_12M_ALL_KONTANTHJAELP.note
    # a sourced return-to-benefit benchmark lies below the share whose job ends
    back = dk.BACK_IN_KONTANTHJAELP_1Y_AFTER_EXIT_25_29
    assert back.value < 1 - dk.JOB_DURABILITY_12M_ALL_KONTANTHJAELP.value


def test_job_tax_gain_is_kommuneskat_on_wage_minus_benefit() -> None:
    rate = dk.KOMMUNESKAT_AVERAGE_2017.value
    assert rate == 0.24913
    am, fradrag = dk.AM_BIDRAG_RATE.value, dk.BESKAEFTIGELSESFRADRAG_RATE_2017.value
    benefit = dk.rate("kontanthjaelp_30plus_other", 2017)
    wage, gain = dk.WAGE_AFTER_AKTIVITETSPARAT_MONTH, dk.JOB_KOMMUNESKAT_GAIN_MONTH

    def kommuneskat_gain(w: float) -> float:
        return rate * (w * (1 - am - fradrag) - benefit)

    assert gain.value == kommuneskat_gain(wage.value)
    assert wage.low is not None and wage.high is not None
    assert gain.low == kommuneskat_gain(wage.low)
    assert gain.high == kommuneskat_gain(wage.high)
    assert gain.low > 0  # every wage in the range pays more kommuneskat than the benefit did
    # the fradrag's maximum does not bind at these wages
    assert wage.high * 12 * fradrag < dk.BESKAEFTIGELSESFRADRAG_MAX_2017.value
    # the old reading, kommuneskat on the whole wage, overstates the gain more than fourfold
    old = dk.KOMMUNESKAT_SHARE
    assert old.value * wage.value > 4 * gain.value
    assert "SUPERSEDED" in old.note and "JOB_KOMMUNESKAT_GAIN_MONTH" in old.label
    # a scenario writes the gain as a negative destination cost
    out = dk.resolve_references({"x": {"dk": "JOB_KOMMUNESKAT_GAIN_MONTH", "scale": -1}})["x"]
    assert out == {"dist": "pert", "min": -gain.high, "mode": -gain.value, "max": -gain.low}


def test_job_broker_caseload_is_an_assumption_for_aktivitetsparate() -> None:
    dagpenge = dk.JOB_BROKER_PERSONS_PER_FTE
    assert dagpenge.value == 25 and "dagpenge" in dagpenge.label
    assert "JOB_BROKER_PERSONS_PER_FTE_AKTIVITETSPARATE" in dagpenge.note
    persons = dk.JOB_BROKER_PERSONS_PER_FTE_AKTIVITETSPARATE
    assert persons.assumption and persons.low is not None and persons.high is not None
    assert persons.low <= dagpenge.value <= persons.high
    fte = dk.JOB_BROKER_FTE_COST_YEAR
    assert fte.low is not None and fte.high is not None
    month = dk.JOB_BROKER_MONTH
    assert month.value == fte.value / 12 / persons.value
    assert month.low == fte.low / 12 / persons.high
    assert month.high == fte.high / 12 / persons.low


def test_payout_factor_and_destination_benefit_shares() -> None:
    payout = dk.BENEFIT_PAYOUT_FACTOR
    assert (payout.low, payout.value, payout.high) == (0.85, 0.9, 0.95)  # 5-15 % below the rate
    ordinary = dk.SUPPLERENDE_KONTANTHJAELP_BENEFIT_SHARE
    assert ordinary.assumption and ordinary.value == 0.5
    assert dk.UDDANNELSESPARAT_BENEFIT_SHARE_25_29_UDEBOENDE_2018.value == dk.rate(
        "uddannelseshjaelp_udeboende", 2018
    ) / dk.rate("uddannelseshjaelp_aktivitetsparat_25_29_udeboende", 2018)
    assert dk.UDDANNELSESPARAT_BENEFIT_SHARE_UNDER25_UDEBOENDE_2018.value == dk.rate(
        "uddannelseshjaelp_udeboende", 2018
    ) / dk.rate("uddannelseshjaelp_aktivitetsparat_under25_udeboende", 2018)
    # the benefit_share example in the note: 10-15 hours a week at 125 kr. leave 61-42 %
    disregard = dk.EARNINGS_DISREGARD_PER_HOUR.value
    for hours_week, kept in ((10, 0.61), (15, 0.42)):
        cut = (125 - disregard) * hours_week * 52 / 12
        assert 1 - cut / dk.rate("kontanthjaelp_30plus_other", 2017) == pytest.approx(
            kept, abs=0.005
        )


def test_price_index_is_for_investment_costs_not_benefits() -> None:
    p = dk.PRICE_INDEX
    assert p.assumption and (p.low, p.value, p.high) == (0.015, 0.018, 0.025)
    assert "price_index" in p.note and "indexation" in p.note


def test_flexjob_and_pension_shares_are_confirmed() -> None:
    flex = dk.MUNICIPAL_SHARE_FLEXJOB_LONG_TERM
    assert flex.value == 0.8 and "verify" not in flex.note
    assert "5.58.81" in flex.source and "1 Jul 2014" in flex.note
    pension = dk.MUNICIPAL_SHARE_FOERTIDSPENSION_LONG_TERM
    assert pension.value == 0.8 and "1 July 2014" in pension.label
    assert "tilkendt efter 1. juli 2014" in pension.source


def test_seed_figures_keep_their_values() -> None:
    # the seeds are re-calibrated later: what they refer to must not move before then
    assert (dk.RELAPSE_YEAR_JOB.low, dk.RELAPSE_YEAR_JOB.value, dk.RELAPSE_YEAR_JOB.high) == (
        0.45,
        0.55,
        0.65,
    )
    assert dk.FLEXJOB_SUBSIDY_MONTH.value == 14_000
    assert dk.MENTOR_MONTH.value == pytest.approx(2600)
    assert dk.JOB_BROKER_FTE_COST_YEAR.value == 550_000


_DOC_REFERENCE = re.compile(r"`(\{ (?:dk|rate) = [^`]*\})`")
_DOC_FIGURE = re.compile(r"`([A-Z][A-Z0-9_]{3,})`")


def test_danish_rules_page_names_only_existing_figures() -> None:
    text = DANISH_RULES.read_text(encoding="utf-8")
    names = set(_DOC_FIGURE.findall(text))
    known = {f.name for f in dk.figures()}
    assert names - known == set(), sorted(names - known)
    # and every new figure is documented there
    missing = [n for n in NEW_FIGURES if n not in text]
    assert missing == []


def _numbers(value: Any) -> list[float]:
    """Every number in a resolved reference (a number, a distribution or a ladder)."""
    if isinstance(value, dict):
        return [x for v in value.values() if not isinstance(v, str) for x in _numbers(v)]
    if isinstance(value, list):
        return [x for v in value for x in _numbers(v)]
    return [float(value)]


def test_danish_rules_page_references_resolve() -> None:
    text = DANISH_RULES.read_text(encoding="utf-8")
    snippets = _DOC_REFERENCE.findall(text)
    assert len(snippets) >= 20
    for i, snippet in enumerate(snippets):
        ref = tomllib.loads(f"x = {snippet}")["x"]
        scenario = {"start": "2018-01", "x": ref}
        value = dk.resolve_references(scenario)["x"]
        assert value == json.loads(_core.resolve(json.dumps(scenario)))["x"], snippet
        assert all(math.isfinite(n) for n in _numbers(value)), (i, snippet)
    # the destination convention: the 80/20 split of a long-term case, from the figures
    subsidy = dk.FLEXJOB_SUBSIDY_MONTH.value
    for share, part in (
        ("MUNICIPAL_SHARE_FLEXJOB_LONG_TERM", 0.8),
        ("REFUSION_SHARE_WEEK_53_ON", 0.2),
    ):
        ref = {"dk": "FLEXJOB_SUBSIDY_MONTH", "scale": {"dk": share}}
        assert dk.resolve_references({"x": ref})["x"]["mode"] == pytest.approx(subsidy * part)
    pension = dk.resolve_references(
        {
            "x": {
                "rate": "foertidspension_single",
                "year": 2018,
                "scale": {"dk": "MUNICIPAL_SHARE_FOERTIDSPENSION_LONG_TERM"},
            }
        }
    )["x"]
    assert pension == pytest.approx(18642 * 0.8)
