from collections.abc import Callable
from typing import Any, TypedDict

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "__version__",
    "dk_data",
    "dk_figure",
    "dk_rate_entry",
    "parameter_draws",
    "parameter_quantiles",
    "pilot_counts",
    "resolve",
    "simulate",
    "validate",
]

__version__: str

class _Calendar(TypedDict):
    years: list[int]
    months_in_year: list[int]
    month_labels: list[str]

class _ScenarioFields(TypedDict):
    name: str
    start: str
    months: int
    calendar_years: list[int]
    destinations: list[str]
    segments: list[str]
    perspective: str
    components: list[str] | None
    burn_in_years: int
    parameters: list[tuple[str, str, float, float, float]]

class _ScenarioInfo(_ScenarioFields):
    """What ``validate`` tells about a scenario."""

    calendar: _Calendar

# A block of outputs: (name, arm or None, first column, width).
_Block = tuple[str, str | None, int, int]

class _RunOutput(TypedDict):
    npv_column: int
    break_even_column: int
    n_years: int
    blocks: list[_Block]
    detail_blocks: list[_Block]
    rows: NDArray[np.float64]
    detail: NDArray[np.float64]
    paths: NDArray[np.float64]
    states: list[str]

def validate(json: str) -> _ScenarioInfo: ...
def simulate(
    json: str,
    draws: int,
    seed: int,
    mode: str,
    threads: int | None = None,
    chunk_size: int = 64,
    keep_paths: int | None = None,
    progress: Callable[[int], object] | None = None,
    parameters: tuple[list[str], NDArray[np.float64]] | None = None,
    keep_detail: int | None = None,
) -> _RunOutput: ...
def parameter_draws(
    json: str,
    draws: int,
    seed: int,
    parameters: tuple[list[str], NDArray[np.float64]] | None = None,
) -> tuple[list[str], NDArray[np.float64]]: ...
def parameter_quantiles(
    json: str, paths: list[str], probs: NDArray[np.float64]
) -> NDArray[np.float64]: ...
def pilot_counts(
    seed: int,
    study: str,
    n_treated: int,
    n_control: int,
    p_treated: NDArray[np.float64],
    p_control: NDArray[np.float64],
) -> tuple[NDArray[np.uint64], NDArray[np.uint64]]: ...
def resolve(json: str) -> str: ...
def dk_data() -> dict[str, Any]: ...
def dk_figure(name: str) -> dict[str, Any]: ...
def dk_rate_entry(group: str, year: object) -> dict[str, Any]: ...
