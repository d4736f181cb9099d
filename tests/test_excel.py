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
    assert wb.sheetnames == [
        "Business case",
        "Resumé",
        "Antagelser",
        "Segmenter",
        "Komponenter",
        "Trækninger",
        "Om kørslen",
    ]
    ws = wb["Business case"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "Excel test"
    assert rows[1][1] == 2018 and rows[1][4] == 2019
    assert rows[2][:4] == ("mio. kr.", "middel", "p5", "p95")
    labels = [r[0] for r in rows[3:9]]
    assert labels == [
        "Investering",
        "Besparelse",
        "  heraf forsørgelse",
        "  heraf indsats",
        "  heraf andre ydelser",
        "I alt",
    ]
    table = result.table(percentiles=(5, 95), lang="da", detail=True, total=True)
    assert rows[4][1] == pytest.approx(table.iloc[1, 0])
    assert rows[8][3] == pytest.approx(table.iloc[5, 2])
    draws = list(wb["Trækninger"].iter_rows(values_only=True))
    assert len(draws) == result.n_draws + 1
    header = draws[0]
    npv_col = header.index("Nutidsværdi (mio. kr.)")
    assert draws[1][npv_col] == pytest.approx(result.npv[0] / 1e6)
    assert "intervention.components[0].hr.job" in header


def test_every_sheet_speaks_the_language(result: indsats.Result, tmp_path: Path) -> None:
    english = {"draw", "npv (mio)", "value", "mean", "break_even_month", "extra_job_education"}
    da = openpyxl.load_workbook(result.to_excel(tmp_path / "da.xlsx"))
    for ws in da.worksheets:
        first = list(next(ws.iter_rows(values_only=True)))
        header = next(r for r in ws.iter_rows(values_only=True) if any(r))
        assert not english & {str(c).lower() for c in [*first, *header] if c}, ws.title
    assert next(da["Om kørslen"].iter_rows(values_only=True)) == ("oplysning", "værdi")
    assert [r[0] for r in da["Om kørslen"].iter_rows(values_only=True)][1:4] == [
        "scenarie",
        "fil",
        "perspektiv",
    ]
    en = openpyxl.load_workbook(result.to_excel(tmp_path / "en.xlsx", lang="en"))
    assert en.sheetnames == [
        "Business case",
        "Summary",
        "Assumptions",
        "By segment",
        "By component",
        "Draws",
        "About the run",
    ]
    assert en["Draws"]["B1"].value == "NPV (mio. kr.)"


def test_the_workbook_is_committee_ready(result: indsats.Result, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(result.to_excel(tmp_path / "case.xlsx"))
    ws = wb["Business case"]
    assert ws.freeze_panes == "B4"
    assert ws.column_dimensions["A"].width >= 30
    assert ws["B4"].number_format == "#,##0.00"  # mio. kr. with two decimals
    # A total column: the sum over the years, per draw.
    assert ws.cell(row=2, column=ws.max_column - 2).value == "Samlet 2018–2019"
    inv = result.draws("investment").sum(axis=1) / 1e6
    assert ws.cell(row=4, column=ws.max_column - 2).value == pytest.approx(inv.mean())
    texts = [str(r[0]) for r in ws.iter_rows(values_only=True) if r and r[0]]
    assert any(t.startswith("Fortegn:") for t in texts)  # the sign convention
    assert len(ws._images) == 1  # the fan chart
    summary = wb["Resumé"]
    by_label = {r[0].value: r for r in summary.iter_rows() if r[0].value}
    payback = by_label["Sandsynlighed for at tjene sig hjem"]
    assert payback[1].number_format == "0%"
    assert payback[1].value == pytest.approx(result.probability_of_payback())
    month = by_label["Tjent hjem, måned (median af trækningerne, der tjener sig hjem)"][1]
    if result.probability_of_payback() > 0:
        assert month.is_date and month.number_format == "yyyy-mm"
    else:
        assert month.value == "aldrig"
    assert summary.freeze_panes == "B2"
    assert wb["Trækninger"].freeze_panes == "B2"


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
    da = result.to_excel(tmp_path / "sag.xlsx", lang="da")
    danish = {r[0]: r for r in openpyxl.load_workbook(da)["Antagelser"].iter_rows(values_only=True)}
    assert danish["destinations.other.relapse"][-1] == "standardværdi (MODEL.md 11.3)"
    assert "uge 1–4 80 %" in danish["benefit.refusion[0][1]"][-1]
    assert danish["intervention.caseload.fte_cost_year"][-1].startswith(
        "dk.CASEWORKER_FTE_COST_YEAR (ANTAGELSE)"
    )


def test_failed_write_leaves_nothing(
    result: indsats.Result, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out" / "case.xlsx"
    with pytest.raises(ValueError):
        result.to_excel(target, unit="eur")
    assert not (tmp_path / "out").exists()

    class Boom(Exception):
        pass

    import tempfile

    import indsats._excel as excel

    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))  # where openpyxl streams its sheets
    written = excel._draws_sheet

    def half_way(*args: object) -> None:
        written(*args)  # type: ignore[arg-type]
        raise Boom  # after the first sheets went to their temporary files

    monkeypatch.setattr(excel, "_draws_sheet", half_way)
    with pytest.raises(Boom):
        result.to_excel(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["temp"]  # no file, no folder
    assert list(temp.iterdir()) == []  # nor any temporary file of openpyxl's


def test_comment_index() -> None:
    comments = toml_comments(SCENARIO)
    assert "jobcenter effort" in comments["benefit.indsats_month"]
    assert comments["segments[0]"] == "The long-term recipients."
    assert source_of("segments[0].exit.other", {}, comments).startswith("research §4")
    assert source_of("intervention.components[0].hr.job", {}, comments).startswith("ASSUMPTION")
    assert source_of("years", {}, comments) == ""


def test_per_draw_rows_cross_chunk_boundaries(
    result: indsats.Result, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import indsats._excel as excel

    monkeypatch.setattr(excel, "_CHUNK", 7)  # 300 draws: 43 chunks, the last one short
    wb = openpyxl.load_workbook(result.to_excel(tmp_path / "case.xlsx", lang="en"))
    rows = list(wb["Draws"].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == list(range(result.n_draws))
    npv = [r[1] for r in rows[1:]]
    assert npv == pytest.approx((result.npv / 1e6).tolist())
    be = [r[2] for r in rows[1:]]
    assert be == [m if m is not None else "never" for m in result.break_even_months()]
