"""Excel export: layout, assumptions with sources, per-draw sheet, atomic writes."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

import indsats
from indsats._sources import source_of, toml_comments

SCENARIO = """\
name = "Excel test"
start = "2018-01"
years = 2

[benefit]
indsats_month = 1200  # jobcenter effort per person-month, ASSUMPTION

[destinations]
job = { relapse = 0.3 }  # Benchmark 2023: half keep the job 12 months
other = {}

# The long-term recipients.
[[segments]]
name = "over 30"
initial = 200
inflow_per_year = 40
benefit_month = { rate = "kontanthjaelp_30plus_other", year = 2018 }
exit = { job = 0.08, other = 0.05 }  # research §4 suggested defaults

[intervention]
start = "2018-01"
end = "2020-01"

[intervention.caseload]
base = 65
target = 35
fte_cost_year = { dk = "CASEWORKER_FTE_COST_YEAR" }
elasticity = 0.5

[[intervention.components]]
name = "mentor"
participants = 20
cost_month = 2500  # 1.5 h/week at 400 kr./h
hr = { job = { dist = "pert", min = 1.0, mode = 1.2, max = 1.5 } }  # ASSUMPTION: SFI 2015
"""


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> indsats.Result:
    path = tmp_path_factory.mktemp("sc") / "excel.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    return indsats.simulate(indsats.Scenario.from_toml(path), 300, seed=1, progress=False)


def test_workbook_reads_back(result: indsats.Result, tmp_path: Path) -> None:
    out = result.to_excel(tmp_path / "case.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Business case", "Resumé", "Antagelser", "Trækninger", "Om kørslen"]
    rows = list(wb["Business case"].iter_rows(values_only=True))
    assert rows[0][1] == 2018 and rows[1][1:4] == ("middel", "p5", "p95")
    labels = [r[0] for r in rows[3:9]]
    assert labels == [
        "Investering",
        "Besparelse",
        "  heraf forsørgelse",
        "  heraf indsats",
        "  heraf andre ydelser",
        "I alt",
    ]
    table = result.table(percentiles=(5, 95), lang="da", detail=True)
    assert rows[4][1] == pytest.approx(round(table.iloc[1, 0], 3))
    assert rows[8][3] == pytest.approx(round(table.iloc[5, 2], 3))
    draws = list(wb["Trækninger"].iter_rows(values_only=True))
    assert len(draws) == result.n_draws + 1
    header = draws[0]
    npv_col = header.index("npv (mio)")
    assert draws[1][npv_col] == pytest.approx(result.npv[0] / 1e6)
    assert "intervention.components[0].hr.job" in header


def test_assumptions_sheet_has_every_number_and_its_source(
    result: indsats.Result, tmp_path: Path
) -> None:
    out = result.to_excel(tmp_path / "case.xlsx", lang="en")
    rows = list(openpyxl.load_workbook(out)["Assumptions"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[0] == "parameter" and header[-1] == "source"
    by_path = {r[0]: r for r in body}
    assert set(by_path) == {p["path"] for p in result.scenario.parameters()}
    assert "SFI 2015" in by_path["intervention.components[0].hr.job"][-1]
    assert by_path["intervention.components[0].hr.job"][1].startswith("pert(")
    assert by_path["intervention.components[0].hr.job"][5] is True
    assert "1.5 h/week" in by_path["intervention.components[0].cost_month"][-1]
    assert "Benchmark 2023" in by_path["destinations.job.relapse"][-1]
    assert "research §4" in by_path["segments[0].exit.job"][-1]
    assert by_path["segments[0].benefit_month"][-1].startswith(
        "dk.rate('kontanthjaelp_30plus_other', 2018)"
    )
    assert by_path["segments[0].benefit_month"][2] == pytest.approx(11282)
    assert by_path["intervention.caseload.fte_cost_year"][-1].startswith(
        "dk.CASEWORKER_FTE_COST_YEAR (ASSUMPTION)"
    )
    assert "lov nr. 994" in by_path["benefit.refusion[0][1]"][-1]
    assert "default" in by_path["destinations.other.relapse"][-1]


def test_failed_write_leaves_nothing(result: indsats.Result, tmp_path: Path) -> None:
    target = tmp_path / "case.xlsx"
    with pytest.raises(ValueError):
        result.to_excel(target, unit="eur")
    assert not target.exists()

    class Boom(Exception):
        pass

    import indsats._excel as excel

    original = excel.assumptions_frame

    def half_way(*args: object, **kw: object) -> None:
        raise Boom

    excel.assumptions_frame = half_way
    try:
        with pytest.raises(Boom):
            result.to_excel(target)
    finally:
        excel.assumptions_frame = original
    assert list(tmp_path.iterdir()) == []


def test_comment_index() -> None:
    comments = toml_comments(SCENARIO)
    assert "jobcenter effort" in comments["benefit.indsats_month"]
    assert comments["segments[0]"] == "The long-term recipients."
    assert source_of("segments[0].exit.other", {}, comments).startswith("research §4")
    assert source_of("intervention.components[0].hr.job", {}, comments).startswith("ASSUMPTION")
    assert source_of("years", {}, comments) == ""
