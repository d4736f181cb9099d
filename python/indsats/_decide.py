"""What the decision tools share: outcomes by name, parameters by what they are,
their quantiles, and runs with supplied values.

Outcomes are read through :meth:`Result.draws`, never by column position, so
the tools follow the engine when it gains outputs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from . import _core, _format
from ._labels import label
from ._options import check_lang
from ._simulate import simulate
from .result import Result
from .scenario import Scenario

if TYPE_CHECKING:
    from matplotlib.axes import Axes

Outcome = str | tuple[str, int]
"""``"npv"``, ``"break_even"``, a yearly metric (``"net"``, ``"extra_job_education"``,
…) or one year of it: ``"net[2019]"`` or ``("net", 2019)``."""

# Yearly metrics that are levels (a stock at the year's end, a running sum):
# without a year they mean the value at the end of the horizon. Every other
# yearly metric is a flow and means the sum over the years.
_LEVELS = ("cumulative_net", "extra_job_education")
_SCALARS = ("npv", "break_even")
_YEAR = re.compile(r"^(?P<metric>[^\[\]]+)\[(?P<year>-?\d+)\]$")
_MONEY = ("npv", "investment", "savings", "net", "cumulative_net")


def parse_outcome(outcome: object) -> tuple[str, int | None]:
    """``(metric, year or None)`` of an outcome, or a ValueError saying the forms."""
    year: int | None
    forms = (
        'outcome must be "npv", "break_even", a yearly metric such as "net" or '
        '"extra_job_education", or one year of it: "net[2019]" or ("net", 2019)'
    )
    if isinstance(outcome, tuple):
        if (
            len(outcome) != 2
            or not isinstance(outcome[0], str)
            or isinstance(outcome[1], bool)
            or not isinstance(outcome[1], int | np.integer)
        ):
            raise ValueError(f"{forms}; got {outcome!r}")
        metric, year = outcome[0], int(outcome[1])
    elif isinstance(outcome, str):
        m = _YEAR.match(outcome)
        metric, year = (m["metric"], int(m["year"])) if m else (outcome, None)
    else:
        raise ValueError(f"{forms}; got {outcome!r}")
    if metric in _SCALARS and year is not None:
        raise ValueError(f"{metric!r} is one number per draw, not per year; got {outcome!r}")
    return metric, year


def outcome_values(result: Result, outcome: Outcome) -> NDArray[np.float64]:
    """One number per draw: the outcome of each draw of ``result``.

    ``break_even`` counts a draw that never breaks even as the horizon's
    length in months (later than any month); a yearly metric without a year is
    summed over the years, except levels (``cumulative_net``,
    ``extra_job_education``), which are taken at the end of the horizon.
    """
    metric, year = parse_outcome(outcome)
    values = np.asarray(result.draws(metric), dtype=np.float64)
    if metric == "break_even":
        return np.where(values < 0, float(result.scenario.months), values)
    if values.ndim == 1:
        return values
    if year is not None:
        if year not in result.years:
            years = ", ".join(map(str, result.years))
            raise ValueError(f"outcome {outcome!r}: {year} is not a year of the horizon ({years})")
        return np.array(values[:, result.years.index(year)])
    if metric in _LEVELS:
        return np.array(values[:, -1])
    return np.asarray(values.sum(axis=1), dtype=np.float64)


def check_outcome(scenario: Scenario, outcome: Outcome) -> None:
    """Checks an outcome before the real runs: its form, its metric and its
    year, on one mean-field draw."""
    parse_outcome(outcome)
    outcome_values(simulate(scenario, 1, mode="mean_field", progress=False), outcome)


def is_money(outcome: Outcome) -> bool:
    return parse_outcome(outcome)[0] in _MONEY


def outcome_label(outcome: Outcome, lang: str = "en") -> str:
    """The outcome's name for a plot: ``Nutidsværdi``, ``I alt 2019``."""
    metric, year = parse_outcome(outcome)
    name = label(metric, lang)
    return name if year is None else f"{name} {year}"


# ------------------------------------------------------------------ parameters
_STEP = re.compile(r"([^.\[\]]+)|\[([^\]]*)\]")


def _steps(path: str) -> list[str]:
    return [m[1] if m[1] is not None else f"[{m[2]}]" for m in _STEP.finditer(path)]


def _index(step: str, names: Sequence[str]) -> str | None:
    """The name in brackets: a position into ``names``, or a name itself."""
    inner = step[1:-1]
    if inner.isdigit() and int(inner) < len(names):
        return names[int(inner)]
    return inner if inner in names else None


def param_label(scenario: Scenario, path: str, lang: str = "en") -> str:
    """What the parameter at ``path`` is, with segment, component and
    destination named, e.g. ``Mentor: effekt på afgang til job (hazard ratio)
    2018`` for ``intervention.components[0].hr.job[1]``. A path the
    vocabulary does not know is shown with its names in place of positions."""
    check_lang(lang)
    steps = _steps(path)
    components = _components(scenario)
    years = scenario.calendar_years
    key: str | None = None
    fill: dict[str, str] = {}
    suffix = ""
    rest: list[str] = []

    def dest(name: str) -> str:
        return label(name, lang).lower()

    if steps[:1] == ["segments"] and len(steps) >= 3:
        segment = _index(steps[1], scenario.segments)
        field = steps[2]
        suffix = f" ({segment})" if segment is not None else f" ({steps[1][1:-1]})"
        if field == "exit" and len(steps) >= 4:
            key, fill, rest = "exit", {"d": dest(steps[3])}, steps[4:]
        else:
            key, rest = field, steps[3:]
    elif steps[:1] == ["destinations"] and len(steps) >= 3:
        key, fill, rest = steps[2], {"d": dest(steps[1])}, steps[3:]
    elif steps[:1] == ["benefit"] and len(steps) >= 2:
        key, rest = steps[1], steps[2:]
        if key == "refusion" and rest:
            fill, rest = {"i": str(int(rest[0][1:-1]) + 1)}, []
    elif steps[:1] == ["discount_rate"]:
        key, rest = "discount_rate", steps[1:]
    elif steps[:2] == ["intervention", "caseload"] and len(steps) >= 3:
        key, rest = f"caseload.{steps[2]}", steps[3:]
    elif steps[:2] == ["intervention", "components"] and len(steps) >= 4:
        component = _index(steps[2], components) or steps[2][1:-1]
        field = steps[3]
        fill = {"c": component}
        if field in ("hr", "relapse_hr") and len(steps) >= 5:
            fill["d"] = dest(steps[4])
            rest = steps[5:]
        else:
            rest = steps[4:]
        key = f"component.{field}"
    elif steps[:1] == ["intervention"] and len(steps) >= 2:
        key, rest = steps[1], steps[2:]
    if key is None or label(f"param.{key}", lang) == f"param.{key}" or len(rest) > 1:
        return _named_path(path, scenario, components)
    text = label(f"param.{key}", lang).format(**fill)
    if rest:
        inner = rest[0][1:-1]
        if not inner.isdigit() or int(inner) >= len(years):
            return _named_path(path, scenario, components)
        text += f" {years[int(inner)]}"
    return text + suffix


def _named_path(path: str, scenario: Scenario, components: Sequence[str]) -> str:
    """The path with segment and component names in place of their positions."""

    def segment(m: re.Match[str]) -> str:
        i = int(m[1])
        return f"segments[{scenario.segments[i]}]" if i < len(scenario.segments) else m[0]

    def component(m: re.Match[str]) -> str:
        i = int(m[1])
        return f"components[{components[i]}]" if i < len(components) else m[0]

    path = re.sub(r"segments\[(\d+)\]", segment, path)
    return re.sub(r"components\[(\d+)\]", component, path)


def uncertain_paths(scenario: Scenario, params: Sequence[str] | None = None) -> list[str]:
    """The paths of the uncertain parameters, or ``params`` checked against them."""
    uncertain = [p["path"] for p in scenario.uncertain()]
    if params is None:
        if not uncertain:
            raise ValueError(f"the scenario {scenario.name!r} has no uncertain parameter")
        return uncertain
    if isinstance(params, str):
        raise TypeError(f"params must be a list of field paths; got the string {params!r}")
    out = []
    for p in params:
        found = find_path(scenario, p)
        if found not in uncertain:
            raise ValueError(
                f"{p}: not an uncertain parameter of the scenario (a fixed number has no "
                "percentiles); uncertain: " + ", ".join(uncertain)
            )
        if found in out:
            raise ValueError(f"{p}: given twice")
        out.append(found)
    return out


def find_path(scenario: Scenario, path: str) -> str:
    """The positional path of the parameter at ``path`` (positional or named);
    a ValueError naming it if the scenario has no such number."""
    if not isinstance(path, str):
        raise TypeError(f"a parameter is named by its field path; got {path!r}")
    known = [p["path"] for p in scenario.parameters()]
    if path in known:
        return path
    # The core resolves names; a quantile of any number tells whether it exists.
    _core.parameter_quantiles(scenario.to_json(), [path], np.full((1, 1), 0.5))
    named = {_named_path(p, scenario, _components(scenario)): p for p in known}
    if path in named:
        return str(named[path])
    raise ValueError(f"{path}: cannot tell which number of the scenario this names")


def named_path(scenario: Scenario, path: str) -> str:
    """The path of a parameter with its segment's and component's names in the
    brackets (``segments[over 30].exit.job``): the key of its draws, the same in
    every scenario that has that parameter."""
    return _named_path(find_path(scenario, path), scenario, _components(scenario))


def _components(scenario: Scenario) -> list[str]:
    data = scenario.to_dict()
    return [
        str(c.get("name", f"component {i}"))
        for i, c in enumerate((data.get("intervention") or {}).get("components") or [])
    ]


def quantiles(
    scenario: Scenario, paths: Sequence[str], probs: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Values of ``paths`` at quantiles ``probs`` (rows × paths) of their distributions."""
    return _core.parameter_quantiles(
        scenario.to_json(), list(paths), np.ascontiguousarray(probs, dtype=np.float64)
    )


def support(scenario: Scenario, path: str) -> tuple[float, float]:
    """The support of a parameter's distribution (low, high), possibly infinite."""
    for p in scenario.parameters():
        if p["path"] == path:
            return float(p["low"]), float(p["high"])
    raise ValueError(f"{path}: no such parameter")


def run_with(
    scenario: Scenario,
    values: Mapping[str, Any] | pd.DataFrame,
    draws: int,
    *,
    seed: int,
    mode: str,
    threads: int | None = None,
) -> Result:
    """A run with ``values`` supplied: each column a field path, one value per
    draw, or one number for every draw."""
    columns = {
        path: np.full(draws, float(v)) if np.ndim(v) == 0 else np.asarray(v, dtype=np.float64)
        for path, v in values.items()
    }
    return simulate(
        scenario,
        draws,
        seed=seed,
        mode=mode,
        threads=threads,
        progress=False,
        parameters=columns or None,
    )


def draws_for(mode: str, draws: int) -> int:
    """Draws needed when every uncertain parameter is supplied as one value:
    a mean-field run is then the same in every draw, so one is enough."""
    return 1 if mode == "mean_field" else draws


def number(x: float, lang: str, *, money: bool = False) -> str:
    """A number for a sentence: money in mio. kr. with two decimals, other
    numbers whole from 1,000 on, else with four significant digits; Danish
    with a decimal comma and a thousands point."""
    if money:
        return f"{_format.number(x / 1e6, 2, lang)} {label('mio', lang)}"
    if abs(x) >= 1000:
        return _format.number(x, 0, lang)
    return _format.plain(float(f"{x:.4g}"), lang)


def wrap(labels: Sequence[str], width: int = 42) -> list[str]:
    """Axis labels broken into lines of at most ``width`` characters."""
    import textwrap

    return [textwrap.fill(str(text), width) for text in labels]


def axes(ax: Axes | None, size: tuple[float, float] = (8, 5)) -> Axes:
    """``ax``, or the Axes of a new figure of ``size`` inches."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new_ax = plt.subplots(figsize=size)
    return new_ax


class ShowsTable:
    """Shows its ``table`` in a notebook."""

    table: pd.DataFrame

    def _repr_html_(self) -> str:
        return str(self.table.to_html(index=False))


def bar_axes(ax: Axes | None, labels: Sequence[str]) -> Axes:
    """``ax``, or a new Axes tall enough for one horizontal bar per (wrapped) label."""
    lines = sum(text.count("\n") + 1 for text in labels)
    return axes(ax, (9, max(3.0, 0.3 * lines + 0.15 * len(labels) + 1.5)))


def finish(ax: Axes) -> Axes:
    """Tightens the layout of the figure an Axes is drawn in, and returns the Axes."""
    from matplotlib.figure import Figure

    fig = ax.get_figure()
    if isinstance(fig, Figure):
        fig.tight_layout()
    return ax
