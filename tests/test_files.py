"""Files the package writes: atomic, with the permissions and names a user expects,
in the format the name asks for, never with a formula or a NaN table inside."""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import openpyxl
import pytest

import indsats
from _scenarios import ROOT, scenario_dict
from indsats._atomic import write_atomic
from test_warnings import _raw

ROOT_USER = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture(scope="module")
def result() -> indsats.Result:
    return indsats.simulate(scenario_dict(), 40, seed=1, progress=False)


def writes(text: str) -> Callable[[Path], None]:
    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    return write


# ------------------------------------------------------------- atomic writes
@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002])
def test_a_new_file_gets_the_permissions_open_would_give(tmp_path: Path, mask: int) -> None:
    old = os.umask(mask)
    try:
        write_atomic(tmp_path / "new.csv", writes("x"))
        with open(tmp_path / "plain.csv", "w", encoding="utf-8") as f:
            f.write("x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == stat.S_IMODE(
        (tmp_path / "plain.csv").stat().st_mode
    )


def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "t.csv"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    write_atomic(target, writes("new"))
    assert target.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_writing_onto_a_symlink_writes_its_target(tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    write_atomic(link, writes("new"))
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "new"
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(tmp_path / "made.csv")
    write_atomic(dangling, writes("made"))
    assert dangling.is_symlink() and (tmp_path / "made.csv").read_text(encoding="utf-8") == "made"


def test_a_long_file_name_that_fits_is_written(tmp_path: Path, result: indsats.Result) -> None:
    name = "b" * 246 + ".csv"  # 250 bytes: the file system's limit is 255
    write_atomic(tmp_path / name, writes("x"))
    assert (tmp_path / name).read_text(encoding="utf-8") == "x"
    (tmp_path / name).unlink()
    out = result.to_csv(tmp_path / name)
    assert out.exists() and sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_errors_name_the_target_and_leave_nothing(tmp_path: Path) -> None:
    target = tmp_path / "new" / "deeper" / "x.csv"

    def fails(tmp: Path) -> None:
        tmp.write_text("half", encoding="utf-8")
        raise OSError(28, "No space left on device", str(tmp))

    with pytest.raises(OSError) as info:
        write_atomic(target, fails)
    assert info.value.filename == str(target)
    assert ".tmp" not in str(info.value)
    assert list(tmp_path.iterdir()) == []  # no temporary file, no folder made for it


@pytest.mark.skipif(ROOT_USER, reason="root may write anywhere")
def test_an_unwritable_folder_is_reported_with_the_target(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(PermissionError) as info:
            write_atomic(folder / "x.csv", lambda tmp: None)
        assert info.value.filename == str(folder / "x.csv")
    finally:
        folder.chmod(0o755)


def test_a_folder_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError) as info:
        write_atomic(tmp_path, lambda tmp: None)
    assert info.value.filename == str(tmp_path)


def test_interrupted_write_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "x.csv"
    target.write_text("old", encoding="utf-8")

    def interrupted(tmp: Path) -> None:
        tmp.write_text("half", encoding="utf-8")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, interrupted)
    assert target.read_text(encoding="utf-8") == "old"
    assert list(tmp_path.iterdir()) == [target]


# ------------------------------------------------------------------ formats
def test_the_api_refuses_a_name_of_another_format(result: indsats.Result, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.xlsx"):
        result.to_excel(tmp_path / "case.csv")
    with pytest.raises(ValueError, match=r"\.csv"):
        result.to_csv(tmp_path / "case.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_csv_in_english_and_danish(result: indsats.Result, tmp_path: Path) -> None:
    import pandas as pd

    en = result.to_csv(tmp_path / "en.csv")
    back = pd.read_csv(en, header=[0, 1], index_col=0)
    assert back.iloc[0, 0] == pytest.approx(result.table().iloc[0, 0], rel=1e-12)
    da = result.to_csv(tmp_path / "da.csv", lang="da")
    text = da.read_text(encoding="utf-8")
    assert ";" in text and "Investering" in text
    back = pd.read_csv(da, header=[0, 1], index_col=0, sep=";", decimal=",")
    shown = result.table(lang="da")
    # Rounded as the table shows it (two decimals of mio. kr.).
    assert back.iloc[0, 0] == round(float(shown.iloc[0, 0]), 2)
    assert shown.formatted().iloc[0, 0] == f"{back.iloc[0, 0]:.2f}".replace(".", ",")


# ------------------------------------------------------------- Excel: safety
def tricky(name: str) -> dict[str, object]:
    d = scenario_dict()
    d["name"] = name
    return d


def test_excel_never_writes_scenario_text_as_a_formula(tmp_path: Path) -> None:
    toml = tmp_path / "s.toml"
    toml.write_text(
        (ROOT / "scenarios" / "ballerup.toml")
        .read_text(encoding="utf-8")
        .replace('name = "', 'name = "=HYPERLINK(\\"http://x\\")', 1)
        .replace("[benefit]", '[benefit]  # =HYPERLINK("http://evil", "click")', 1),
        encoding="utf-8",
    )
    res = indsats.simulate(toml, 20, seed=1, progress=False)
    out = res.to_excel(tmp_path / "case.xlsx")
    wb = openpyxl.load_workbook(out)
    texts = [
        c
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("=")
    ]
    assert texts, "the test scenario should put text starting with = in the workbook"
    assert all(c.data_type == "s" for c in texts)
    assert any("HYPERLINK" in str(c.value) for c in texts)


def test_excel_never_writes_segment_or_component_names_as_formulas(tmp_path: Path) -> None:
    """Every name a scenario gives reaches the workbook as text, whatever sheet shows it."""
    text = (ROOT / "scenarios" / "ballerup.toml").read_text(encoding="utf-8")
    names = re.findall(r'^name = "([^"]+)"', text, flags=re.M)[1:]  # not the scenario's own
    assert len(names) >= 3
    for i, n in enumerate(names):
        evil = f'=HYPERLINK(\\"http://x{i}\\")\\u0007' if i % 2 == 0 else f"@SUM(A{i})"
        text = text.replace(f'"{n}"', f'"{evil}"')  # also where a name is referred to
    toml = tmp_path / "s.toml"
    toml.write_text(text, encoding="utf-8")
    res = indsats.simulate(toml, 20, seed=1, progress=False)
    wb = openpyxl.load_workbook(res.to_excel(tmp_path / "case.xlsx"))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    shown = [
        c
        for c in cells
        if isinstance(c.value, str) and ("HYPERLINK" in c.value or "@SUM" in c.value)
    ]
    assert any("HYPERLINK" in str(c.value) for c in shown), "the names should reach the workbook"
    assert all(c.data_type == "s" for c in shown)
    assert not any("\x07" in str(c.value) for c in cells)


@pytest.mark.parametrize(
    "text",
    ["bell\x07 and escape\x1b", "x" * 40_000, "#N/A", "@SUM(A1)", "+1", "-1"],
    ids=["control", "too-long", "error-code", "at-sign", "plus", "minus"],
)
def test_excel_holds_or_replaces_any_text(tmp_path: Path, text: str) -> None:
    res = indsats.simulate(tricky(text), 5, seed=1, progress=False)
    out = res.to_excel(tmp_path / "case.xlsx")
    cell = openpyxl.load_workbook(out).worksheets[0]["A1"]  # the scenario's name
    assert cell.data_type == "s"
    assert 0 < len(str(cell.value)) <= 32_767
    if text.isprintable() and len(text) < 100:
        assert cell.value == text
    else:
        assert str(cell.value)[:4] == text[:4]


def test_excel_holds_a_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    name = os.fsdecode(b"s\xff.toml")  # a lone surrogate once decoded
    try:
        (tmp_path / name).write_text(
            (ROOT / "scenarios" / "ballerup.toml").read_text(encoding="utf-8"), encoding="utf-8"
        )
    except (OSError, UnicodeError):
        pytest.skip("the file system refuses names that are not UTF-8")
    res = indsats.simulate(tmp_path / name, 5, seed=1, progress=False)
    out = res.to_excel(tmp_path / "case.xlsx")
    values = [
        str(c)
        for row in openpyxl.load_workbook(out).worksheets[-1].iter_rows(values_only=True)
        for c in row
    ]
    assert any(v.endswith("s\ufffd.toml") for v in values)


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_files_refuse_outputs_that_are_not_finite(
    result: indsats.Result, tmp_path: Path, suffix: str
) -> None:
    rows = result._rows.copy()
    col = result._blocks[("savings", None)].first
    rows[7, col + 1] = np.nan
    raw = _raw(result, rows=rows)
    broken = indsats.Result(result.scenario, raw, seed=1, mode="stochastic", elapsed=0.0)
    write = broken.to_excel if suffix == "xlsx" else broken.to_csv
    with pytest.raises(ValueError, match=r"savings.*draw 7"):
        write(tmp_path / f"case.{suffix}")
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------ Excel: Ctrl-C
INTERRUPTED_EXCEL = """
import sys, time
import indsats
res = indsats.simulate(sys.argv[1], 60_000, seed=1, progress=False)
res.parameters()
print("writing", flush=True)
try:
    res.to_excel(sys.argv[2])
except KeyboardInterrupt:
    print(f"stopped {time.monotonic():.6f}", flush=True)
    sys.exit(0)
print("finished before the interrupt", flush=True)
"""


@pytest.mark.slow
def test_ctrl_c_stops_a_large_excel_write_within_a_second(tmp_path: Path) -> None:
    out_dir, temp_dir = tmp_path / "out", tmp_path / "temp"
    out_dir.mkdir()
    temp_dir.mkdir()
    target = out_dir / "big.xlsx"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            INTERRUPTED_EXCEL,
            str(ROOT / "scenarios" / "ballerup.toml"),
            str(target),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(temp_dir)},
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "writing"
    time.sleep(3.0)  # well into the per-draw sheet
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert out.startswith("stopped"), out
    assert err == ""  # nothing complains about the abandoned workbook
    assert float(out.split()[1]) - sent < 1.0  # CLOCK_MONOTONIC is one clock for all processes
    assert list(out_dir.iterdir()) == []
    assert list(temp_dir.iterdir()) == []  # nor any of openpyxl's temporary files


def test_a_pipe_is_written_in_place_not_replaced(tmp_path: Path) -> None:
    # The same holds for devices such as /dev/null, which are not tested here: an
    # implementation that replaced them would destroy them.
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as f:
            got.append(f.read())

    import threading

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    write_atomic(fifo, writes("through the pipe"))
    reader.join(timeout=10)
    assert got == [b"through the pipe"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still a pipe
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo"]
