"""Plots of a Result. Each returns its matplotlib Axes and accepts ``ax=``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ._labels import check_lang, label

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from .result import Result

KINDS = ("net", "cumulative", "stocks", "npv", "break_even")
_ARM_STYLE = {"baseline": "--", "intervention": "-"}


def _axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new_ax = plt.subplots(figsize=(8, 4.5))
    return new_ax


def _fan(
    ax: Axes, x: Any, values: np.ndarray, percentiles: Sequence[float], color: str, name: str
) -> None:
    """Shaded bands between symmetric percentile pairs, and the mean line."""
    ps = sorted(float(p) for p in percentiles)
    q = np.percentile(values, ps, axis=0) if ps else np.empty((0, values.shape[1]))
    for i in range(len(ps) // 2):
        lo, hi = q[i], q[len(ps) - 1 - i]
        alpha = 0.15 + 0.2 * i
        ax.fill_between(
            x, lo, hi, color=color, alpha=alpha, lw=0, label=f"{ps[i]:g}–{ps[-1 - i]:g} %"
        )
    ax.plot(x, values.mean(axis=0), color=color, lw=2, marker="o", label=name)


def plot(
    result: Result,
    kind: str,
    *,
    ax: Axes | None,
    lang: str,
    unit: str,
    percentiles: Sequence[float],
) -> Axes:
    check_lang(lang)
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    from .result import _check_percentiles, _unit

    scale = _unit(unit)
    ps = _check_percentiles(percentiles)
    ax = _axes(ax)
    money = label(unit, lang)
    if kind in ("net", "cumulative"):
        metric = "net" if kind == "net" else "cumulative_net"
        values = result.draws(metric) / scale
        _fan(
            ax,
            result.years,
            values,
            ps,
            "tab:blue",
            f"{label(metric, lang)} ({label('mean', lang)})",
        )
        ax.axhline(0, color="black", lw=0.8)
        ax.set_xticks(result.years)
        ax.set_xlabel(label("year", lang))
        ax.set_ylabel(f"{label(metric, lang)}, {money}")
        ax.set_title(result.scenario.name)
        ax.legend(loc="best", fontsize="small")
    elif kind == "stocks":
        frame = result.stocks(percentiles=(ps[0], ps[-1]) if ps else (), lang="en")
        colors = dict(zip(result.states, _palette(len(result.states)), strict=False))
        for (arm, state), g in frame.groupby(["arm", "state"], sort=False):
            color = colors[str(state)]
            ax.plot(
                g["month"],
                g["mean"],
                _ARM_STYLE[str(arm)],
                color=color,
                label=f"{label(str(state), lang)} ({label(str(arm), lang)})",
            )
            if ps and arm == "intervention":
                ax.fill_between(
                    g["month"], g[f"p{ps[0]:g}"], g[f"p{ps[-1]:g}"], color=color, alpha=0.15, lw=0
                )
        ax.set_xlabel(f"{label('month', lang)} ({result.scenario.start} = 0)")
        ax.set_ylabel(label("persons", lang))
        ax.set_title(result.scenario.name)
        ax.legend(loc="best", fontsize="x-small", ncol=2)
    elif kind == "npv":
        npv = result.npv / scale
        ax.hist(npv, bins=min(60, max(10, result.n_draws // 50)), color="tab:blue", alpha=0.7)
        ax.axvline(0, color="black", lw=1)
        p = result.probability_of_payback()
        ax.set_title(f"{result.scenario.name}: {label('payback', lang)} {p:.0%}")
        ax.set_xlabel(f"{label('npv', lang)}, {money}")
        ax.set_ylabel(label("draws", lang))
    else:
        be = result.break_even
        months = result.scenario.months
        grid = np.arange(months)
        done = be >= 0
        cdf = [(done & (be <= m)).mean() for m in grid]
        ax.step(grid, cdf, where="post", color="tab:blue")
        ax.set_ylim(0, 1)
        ax.set_xlabel(f"{label('month', lang)} ({result.scenario.start} = 0)")
        ax.set_ylabel(label("break_even", lang) + " ≤ x")
        ax.set_title(f"{result.scenario.name}: {label('break_even', lang)}")
    return ax


def _palette(n: int) -> list[str]:
    base = ["tab:red", "tab:green", "tab:blue", "tab:orange", "tab:purple", "tab:brown"]
    base += ["tab:pink", "tab:gray", "tab:olive", "tab:cyan"]
    return [base[i % len(base)] for i in range(n)]
