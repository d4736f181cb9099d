"""Notebooks are stored without outputs (they are executed by `make test` via nbmake)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from _scenarios import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_the_expected_notebooks_exist() -> None:
    names = {p.stem for p in NOTEBOOKS}
    assert {
        "01_getting_started",
        "compare_designs",
        "sensitivity",
        "value_of_information",
        "best_design",
        "calibrate",
        "what_a_spreadsheet_misses",
    } <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path.name}: a cell has outputs"
            assert cell.get("execution_count") is None, f"{path.name}: a cell was executed"
