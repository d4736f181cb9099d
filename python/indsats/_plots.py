"""Plots of a Result. Each returns its matplotlib Axes and accepts ``ax=``."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _format
from ._labels import label
from ._options import check_choice, check_lang, check_percentiles, pname, unit_scale

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from .result import Result

KINDS = ("net", "cumulative", "stocks", "stock_difference", "npv", "break_even", "paid_back")
_ARM_STYLE = {"baseline": "--", "intervention": "-"}
# Average width of a character in ems, generous so a wrapped title fits its axes.
_CHAR_WIDTH = 0.62


def _axes(ax: object) -> Axes:
    from matplotlib.axes import Axes

    if ax is None:
        import matplotlib.pyplot as plt

        _, new_ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
        return new_ax
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes (or None for a new figure); got {ax!r}")
    return ax


def _plain(text: str) -> str:
    """Text from a scenario as a label: printable, and no $ that starts maths."""
    return _format.printable(text).replace("$", r"\$")


def _title(ax: Axes, text: str) -> None:
    """A title of at most two lines, wrapped to the width of its axes, so
    neighbouring axes keep their titles apart; shown as written (no maths)."""
    title = ax.set_title(_format.printable(text), parse_math=False)
    figure = ax.get_figure(root=True)
    width_pt = ax.bbox.width * 72 / (figure.dpi if figure is not None else 72)
    chars = max(12, int(width_pt / (float(title.get_fontsize()) * _CHAR_WIDTH)))
    title.set_text(textwrap.fill(_format.printable(text), chars, max_lines=2, placeholder=" …"))


def _numbers(ax: Axes, axis: str, lang: str, kind: str = "number") -> None:
    """Tick labels in the language's convention (1.234,5 in Danish), or per cent."""
    from matplotlib.ticker import Formatter

    class Ticks(Formatter):
        decimals = 0

        def set_locs(self, locs: list[float]) -> None:
            super().set_locs(locs)
            steps = np.diff(np.asarray(locs, dtype=float))
            step = float(np.min(np.abs(steps[steps != 0]))) if np.any(steps != 0) else 1.0
            scale = 100 if kind == "share" else 1
            self.decimals = max(0, int(-np.floor(np.log10(step * scale) + 1e-9)))

        def __call__(self, x: float, pos: int | None = None) -> str:
            if kind == "share":
                sep = " " if lang == "da" else ""
                return f"{_format.number(100 * x, self.decimals, lang, minus='−')}{sep}%"
            return _format.number(x, self.decimals, lang, minus="−")

    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_formatter(Ticks())


def _months(ax: Axes, labels: list[str]) -> None:
    """Month indexes on the x axis shown as "YYYY-MM"."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    def name(x: float, pos: int | None = None) -> str:
        m = round(x)
        return labels[m] if abs(x - m) < 1e-9 and 0 <= m < len(labels) else ""

    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(name))


def _fan(
    ax: Axes,
    x: Any,
    values: np.ndarray,
    percentiles: Sequence[float],
    color: str,
    name: str,
    lang: str,
) -> None:
    """Shaded bands between symmetric percentile pairs, and the mean line."""
    ps = list(percentiles)
    q = np.percentile(values, ps, axis=0) if ps else np.empty((0, values.shape[1]))
    for i in range(len(ps) // 2):
        lo, hi = q[i], q[len(ps) - 1 - i]
        alpha = 0.15 + 0.2 * i
        ax.fill_between(
            x,
            lo,
            hi,
            color=color,
            alpha=alpha,
            lw=0,
            label=f"{_format.plain(ps[i], lang)}–{_format.plain(ps[-1 - i], lang)} %",
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
    check_choice("kind", kind, KINDS)
    scale = unit_scale(unit)
    ps = check_percentiles(percentiles)
    ax = _axes(ax)
    money = label(unit, lang)
    name = result.scenario.name
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
            lang,
        )
        ax.axhline(0, color="black", lw=0.8)
        ax.set_xticks(result.years)
        ax.set_xlabel(label("year", lang))
        ax.set_ylabel(f"{label(metric, lang)}, {money}")
        _numbers(ax, "y", lang)
        ax.legend(loc="best", fontsize="small")
    elif kind == "stocks":
        _stocks(result, ax, ps, lang)
    elif kind == "stock_difference":
        _stock_difference(result, ax, ps, lang)
    elif kind == "paid_back":
        _paid_back(result, ax, lang)
    elif kind == "npv":
        npv = result.npv / scale
        ax.hist(npv, bins=min(60, max(10, result.n_draws // 50)), color="tab:blue", alpha=0.7)
        ax.axvline(0, color="black", lw=1)
        p = _format.share(result.probability_npv_negative(), lang)
        ax.text(
            0.02,
            0.97,
            f"{label('p_npv_negative', lang)} = {p}",
            transform=ax.transAxes,
            ha="left",
            va="top",
            fontsize="small",
        )
        ax.set_xlabel(f"{label('npv', lang)}, {money}")
        ax.set_ylabel(label("draws", lang))
        _numbers(ax, "x", lang)
        _numbers(ax, "y", lang)
    else:
        _break_even(result, ax, lang)
    _title(ax, name)
    return ax


def _stocks(result: Result, ax: Axes, ps: list[float], lang: str) -> None:
    band = (ps[0], ps[-1]) if len(ps) > 1 else ()
    frame = result.stocks(percentiles=band, lang="en")
    colors = dict(zip(result.states, _palette(len(result.states)), strict=False))
    for (arm, state), g in frame.groupby(["arm", "state"], sort=False):
        color = colors[str(state)]
        ax.plot(
            g["month"],
            g["mean"],
            _ARM_STYLE[str(arm)],
            color=color,
            label=_plain(f"{label(str(state), lang)} ({label(str(arm), lang)})"),
        )
        if band and arm == "intervention":
            ax.fill_between(
                g["month"], g[pname(band[0])], g[pname(band[1])], color=color, alpha=0.15, lw=0
            )
    ax.set_xlabel(label("month", lang))
    ax.set_ylabel(label("persons", lang))
    _months(ax, result.scenario.month_labels)
    _numbers(ax, "y", lang)
    ax.legend(loc="best", fontsize="x-small", ncol=2)


def _stock_difference(result: Result, ax: Axes, ps: list[float], lang: str) -> None:
    """Intervention minus baseline stock per state, month by month: the mean
    over the kept draws, and a band between the outer percentiles."""
    paths = result._kept_paths()
    difference = paths[:, 1] - paths[:, 0]  # (draws, months, states)
    months = np.arange(difference.shape[1])
    band = (ps[0], ps[-1]) if len(ps) > 1 and len(difference) > 1 else ()
    colors = _palette(len(result.states))
    for s, state in enumerate(result.states):
        values = difference[:, :, s]
        name = _plain(label(state, lang))
        if band:
            lo, hi = np.percentile(values, band, axis=0)
            ax.fill_between(months, lo, hi, color=colors[s], alpha=0.15, lw=0)
        ax.plot(months, values.mean(axis=0), color=colors[s], label=name)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xlabel(label("month", lang))
    ax.set_ylabel(label("stock_difference", lang))
    _months(ax, result.scenario.month_labels)
    _numbers(ax, "y", lang)
    if band:
        shown = "–".join(_format.plain(p, lang) for p in band)
        ax.plot([], [], color="gray", lw=6, alpha=0.3, label=f"{shown} %")
    ax.legend(loc="best", fontsize="x-small", ncol=2)


def _paid_back(result: Result, ax: Axes, lang: str) -> None:
    """Per calendar year, the share of draws that have broken even by its end
    (the ``paid_back`` output; MODEL.md 12.9)."""
    shares = result.draws("paid_back").mean(axis=0)
    positions = np.arange(len(result.years))
    bars = ax.bar(positions, shares, color="tab:blue", alpha=0.8)
    for bar, share in zip(bars, shares, strict=True):
        ax.annotate(
            _format.share(float(share), lang),
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            xytext=(0, 2),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize="small",
        )
    ax.set_xticks(positions, [str(y) for y in result.years])
    ax.set_ylim(0, 1.08)
    ax.set_xlabel(label("year", lang))
    ax.set_ylabel(label("paid_back_share", lang))
    _numbers(ax, "y", lang, "share")


def _break_even(result: Result, ax: Axes, lang: str) -> None:
    be = result.break_even
    months = result.scenario.months
    grid = np.arange(months)
    done = be >= 0
    share = [(done & (be <= m)).mean() for m in grid]
    ax.step(grid, share, where="post", color="tab:blue")
    ax.set_ylim(0, 1)
    ax.set_xlim(0, max(months - 1, 1))
    ax.set_xlabel(label("month", lang))
    ax.set_ylabel(label("broken_even_share", lang))
    _months(ax, result.scenario.month_labels)
    _numbers(ax, "y", lang, "share")
    if not done.any():
        ax.text(
            0.5,
            0.5,
            label("no_break_even", lang),
            transform=ax.transAxes,
            ha="center",
            va="center",
            wrap=True,
        )


def _palette(n: int) -> list[str]:
    base = ["tab:red", "tab:green", "tab:blue", "tab:orange", "tab:purple", "tab:brown"]
    base += ["tab:pink", "tab:gray", "tab:olive", "tab:cyan"]
    return [base[i % len(base)] for i in range(n)]
