"""Shared fixtures; the check that the tests run the package they are meant to."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import matplotlib
import pytest

import indsats
from _scenarios import ROOT, scenario_dict

matplotlib.use("Agg")
# The independent NumPy implementation of MODEL.md in tests/oracle/ is the tests' oracle.
sys.path.insert(0, str(ROOT / "tests"))

# `make test` runs the suite against the wheel installed into a fresh environment:
# the package must come from there, never from the source tree.
_EXPECTED = os.environ.get("INDSATS_EXPECT_INSTALLED")
if _EXPECTED and not Path(indsats.__file__).resolve().is_relative_to(Path(_EXPECTED).resolve()):
    raise pytest.UsageError(f"indsats comes from {indsats.__file__}, not from {_EXPECTED}")


def pytest_report_header() -> str:
    return f"indsats {indsats.__version__} from {Path(indsats.__file__).parent}"


@pytest.fixture
def base() -> dict[str, Any]:
    return scenario_dict()


@pytest.fixture
def ballerup_path() -> Path:
    return ROOT / "scenarios" / "ballerup.toml"
