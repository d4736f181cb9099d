"""The command line: tables and files, one-line errors with exit code 2, Ctrl-C 130."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from _scenarios import ROOT, scenario_dict
from indsats.__main__ import main

BALLERUP = str(ROOT / "scenarios" / "ballerup.toml")


def run_cli(*args: str, stdin: int | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "indsats", *args],
        capture_output=True,
        text=True,
        check=False,
        stdin=stdin,
    )


def test_cli_prints_the_table_and_writes_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "t.csv"
    png = tmp_path / "fan.png"
    code = main(
        ["run", BALLERUP, "--draws", "200", "--seed", "3", "--lang", "da",
         "--out", str(out), "--plot", str(png), "--quiet"]
    )  # fmt: skip
    assert code == 0
    captured = capsys.readouterr()
    text = captured.out
    assert "Investering" in text and "Besparelse" in text and "I alt" in text
    assert "p5" in text and "p95" in text
    assert "," in text.split("Investering")[1].splitlines()[0]  # decimal comma
    frame = pd.read_csv(out, header=[0, 1], index_col=0, sep=";", decimal=",")
    assert list(frame.index) == ["Investering", "Besparelse", "I alt"]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert str(out) in captured.err and str(png) in captured.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fan.png", "t.csv"]


def test_the_danish_headline_names_the_mode_in_danish(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["run", BALLERUP, "--draws", "20", "--lang", "da"]) == 0
    captured = capsys.readouterr()
    assert "metode stokastisk" in captured.out + captured.err
    assert main(["run", BALLERUP, "--draws", "20", "--mode", "mean_field"]) == 0
    captured = capsys.readouterr()
    assert "mode mean_field" in captured.out + captured.err


def test_the_output_format_follows_the_name(tmp_path: Path) -> None:
    xlsx, pdf, svg = tmp_path / "t.xlsx", tmp_path / "fan.pdf", tmp_path / "fan.svg"
    assert main(["run", BALLERUP, "--draws", "30", "--quiet", "--out", str(xlsx),
                 "--plot", str(pdf)]) == 0  # fmt: skip
    assert openpyxl.load_workbook(xlsx).sheetnames[0] == "Business case"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert main(["run", BALLERUP, "--draws", "30", "--quiet", "--plot", str(svg)]) == 0
    assert b"<svg" in svg.read_bytes()[:500]
    # An explicit format wins over the name.
    odd = tmp_path / "table.txt"
    assert main(["run", BALLERUP, "--draws", "30", "--quiet", "--out", str(odd),
                 "--format", "csv"]) == 0  # fmt: skip
    assert odd.read_text(encoding="utf-8").startswith("Year,2017,")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--out", "{tmp}/t.txt"], "--out"),
        (["--out", "{tmp}/t"], ".csv, .xlsx"),
        (["--plot", "{tmp}/fan.jpg"], "--plot"),
        (["--out", "{tmp}/folder.csv"], "Is a directory"),
        (["--out", "{tmp}/file.csv/x.csv"], "Not a directory"),
        (["--threads", str(2**70)], "threads must be at most"),
        (["--threads", "0"], "threads must be at least"),
        (["--draws", "x"], "--draws"),
        (["--draws", "0"], "draws must be at least"),
        (["--seed", "-1"], "seed"),
        (["--interval", "nan"], "--interval"),
        (["--out", "-", "--format", "xlsx"], "standard output"),
        (["--nonsense"], "unrecognized"),
        (
            [
                "--out",
                "{tmp}/t.csv",
                "--format",
                "csv",
                "--plot",
                "{tmp}/t.csv",
                "--plot-format",
                "png",
            ],
            "name the same file",
        ),
    ],
)
def test_user_errors_are_one_line_and_exit_code_2(
    tmp_path: Path, args: list[str], words: str
) -> None:
    (tmp_path / "folder.csv").mkdir()
    (tmp_path / "file.csv").write_text("old", encoding="utf-8")
    before = sorted(tmp_path.rglob("*"))
    proc = run_cli("run", BALLERUP, "--draws", "20", *[a.format(tmp=tmp_path) for a in args])
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert words in lines[0]
    assert "Traceback" not in proc.stderr
    assert sorted(tmp_path.rglob("*")) == before  # nothing written, not even half
    assert (tmp_path / "file.csv").read_text(encoding="utf-8") == "old"


def test_a_missing_or_broken_scenario_is_one_line(tmp_path: Path) -> None:
    proc = run_cli("run", str(tmp_path / "nope.toml"))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    assert "nope.toml" in proc.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text('start = "2018-01"\nyears = 2\n[[segments]]\ninitial = -1\n', encoding="utf-8")
    proc = run_cli("run", str(bad))
    assert proc.returncode == 2 and proc.stderr.startswith("error: segments[0].initial")
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes('name = "Tønder"\n'.encode("latin-1"))
    proc = run_cli("run", str(latin1))
    assert proc.returncode == 2 and "latin1.toml" in proc.stderr and "UTF-8" in proc.stderr


def test_outputs_never_overwrite_the_scenario(tmp_path: Path) -> None:
    scenario = tmp_path / "s.toml"
    text = (ROOT / "scenarios" / "ballerup.toml").read_text(encoding="utf-8")
    scenario.write_text(text, encoding="utf-8")
    proc = run_cli("run", str(scenario), "--draws", "5", "--out", str(scenario), "--format", "csv")
    assert proc.returncode == 2 and "that is the scenario file" in proc.stderr
    assert scenario.read_text(encoding="utf-8") == text


def test_scenario_text_cannot_drive_the_terminal(tmp_path: Path) -> None:
    p = tmp_path / "s.json"
    p.write_text(json.dumps(scenario_dict(name="evil\x1b[2J\x07")), encoding="utf-8")
    proc = run_cli("run", str(p), "--draws", "10")
    assert proc.returncode == 0, proc.stderr
    assert "\x1b" not in proc.stdout and "\x07" not in proc.stdout
    assert proc.stdout.startswith("evil")


def test_an_overflowing_scenario_is_one_line(tmp_path: Path) -> None:
    d = scenario_dict()
    d["segments"][0]["benefit_month"] = 1e306  # costs overflow to infinity
    p = tmp_path / "huge.json"
    p.write_text(json.dumps(d), encoding="utf-8")
    proc = run_cli("run", str(p), "--draws", "5", "--out", str(tmp_path / "t.csv"))
    assert proc.returncode == 2, proc.stdout
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    # Refused on input (the field) or on output (the output that is not finite).
    assert "benefit_month" in lines[0] or "not a finite number" in lines[0], lines[0]
    assert proc.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["huge.json"]


def test_csv_to_standard_output() -> None:
    proc = run_cli("run", BALLERUP, "--draws", "30", "--out", "-", "--lang", "da")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("År;2017;") and lines[3].startswith("Investering;")
    assert "," in lines[3]  # decimal comma
    assert "draws, mode" not in proc.stdout  # only the CSV goes to standard output


@pytest.mark.slow
def test_a_closed_pipe_is_one_line_and_exit_code_2() -> None:
    # A reader that stops at once, like `head -0`.
    reader = subprocess.Popen(["head", "-c", "0"], stdin=subprocess.PIPE)
    assert reader.stdin is not None
    proc = subprocess.run(
        [sys.executable, "-m", "indsats", "run", BALLERUP, "--draws", "2000", "--quiet"],
        stdout=reader.stdin,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    reader.stdin.close()
    reader.wait()
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().splitlines() == [
        "error: the output was closed before everything was written (broken pipe)"
    ]


@pytest.mark.slow
def test_ctrl_c_is_exit_code_130_without_a_traceback(tmp_path: Path) -> None:
    long_run = tmp_path / "long.json"
    long_run.write_text(json.dumps(scenario_dict(years=60)), encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "indsats", "run", str(long_run), "--draws", "50000",
         "--out", str(tmp_path / "t.csv")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    time.sleep(3)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert err.strip().splitlines()[-1] == "error: interrupted"
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long.json"]


@pytest.mark.slow
def test_no_progress_bar_when_stderr_is_not_a_terminal() -> None:
    proc = run_cli("run", BALLERUP, "--draws", "20000")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""


def test_module_runs_as_a_program() -> None:
    proc = run_cli("run", BALLERUP, "--draws", "50", "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert "Investment" in proc.stdout


def test_cli_reports_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "bad.toml"
    p.write_text('start = "2018-01"\nyears = 2\n[[segments]]\ninitial = -1\n', encoding="utf-8")
    assert main(["run", str(p), "--quiet"]) == 2
    assert "segments[0].initial" in capsys.readouterr().err
