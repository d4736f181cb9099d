"""Shared fixtures."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import matplotlib
import pytest

from _scenarios import ROOT, scenario_dict

matplotlib.use("Agg")
# The independent NumPy implementation of MODEL.md in tests/oracle/ is the tests' oracle.
sys.path.insert(0, str(ROOT / "tests" / "oracle"))


@pytest.fixture
def base() -> dict[str, Any]:
    return scenario_dict()


@pytest.fixture
def ballerup_path() -> Path:
    return ROOT / "scenarios" / "ballerup.toml"
