"""Shared fixtures."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import matplotlib
import pytest

from _scenarios import ROOT, scenario_dict

matplotlib.use("Agg")
# The independent NumPy implementation in benches/ is the tests' oracle.
sys.path.insert(0, str(ROOT / "benches"))


@pytest.fixture
def base() -> dict[str, Any]:
    return scenario_dict()


@pytest.fixture
def ballerup_path() -> Path:
    return ROOT / "scenarios" / "ballerup.toml"
