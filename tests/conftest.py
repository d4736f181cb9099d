"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib
import pytest

from _scenarios import ROOT, scenario_dict

matplotlib.use("Agg")


@pytest.fixture
def base() -> dict[str, Any]:
    return scenario_dict()


@pytest.fixture
def ballerup_path() -> Path:
    return ROOT / "scenarios" / "ballerup.toml"
