"""Values supplied in place of the sampling of some parameters (``simulate(parameters=)``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

Supplied = tuple[list[str], NDArray[np.float64]]
"""Field paths and their values, draws × paths, as the core takes them."""


def as_supplied(parameters: pd.DataFrame | Mapping[str, Any]) -> Supplied:
    """The paths and a float array (draws × paths) of a DataFrame whose columns
    are field paths, or of a dict of equally long arrays.

    The core checks that each path names a number of the scenario and that each
    value lies in that number's domain; here only the shape and the types.
    """
    if isinstance(parameters, pd.DataFrame):
        columns = {c: parameters[c] for c in parameters.columns}
        if parameters.columns.duplicated().any():
            dup = parameters.columns[parameters.columns.duplicated()][0]
            raise ValueError(f"parameters: the column {dup!r} appears twice")
    elif isinstance(parameters, Mapping):
        columns = dict(parameters)
    else:
        raise TypeError(
            "parameters must be a DataFrame whose columns are field paths, or a dict of "
            f"arrays; got {type(parameters).__name__}"
        )
    if not columns:
        raise ValueError("parameters: no columns; give at least one field path")
    paths: list[str] = []
    arrays: list[NDArray[np.float64]] = []
    for path, values in columns.items():
        if not isinstance(path, str):
            raise TypeError(f"parameters: a column name must be a field path; got {path!r}")
        raw = np.asarray(values)
        if raw.ndim != 1:
            raise ValueError(
                f"parameters[{path!r}]: expected one value per draw (1-D), got shape {raw.shape}"
            )
        if raw.dtype.kind not in "iuf":
            raise ValueError(
                f"parameters[{path!r}]: expected numbers, got values of type {raw.dtype}"
            )
        paths.append(path)
        arrays.append(raw.astype(np.float64))
    lengths = {len(a) for a in arrays}
    if len(lengths) != 1:
        sizes = ", ".join(f"{p}: {len(a)}" for p, a in zip(paths, arrays, strict=True))
        raise ValueError(f"parameters: every column needs one value per draw; got {sizes}")
    if not lengths.pop():
        raise ValueError("parameters: no rows; give one row per draw")
    return paths, np.ascontiguousarray(np.column_stack(arrays))
