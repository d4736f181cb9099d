"""What it is worth to know more before deciding: EVPI, EVPPI and the
expected value of a pilot (EVSI), in kroner.

The decision is the choice among the compared designs and doing nothing. A
design's net benefit in a draw is minus its NPV (the NPV here is net cost:
negative pays back), and doing nothing has net benefit 0. The value of
information is what a municipality would expect to gain from choosing after
learning something instead of choosing now, on the means:

* EVPI: learning everything (every draw's net benefits);
* EVPPI: learning one parameter or a group, estimated by regressing each
  design's net benefit on it (Strong, Oakley & Brennan 2014; see ``_gam``);
* EVSI of a pilot: learning what a pilot of ``participants`` persons would
  show about one hazard ratio (Strong et al. 2015: regression on the pilot's
  simulated summary statistics).

Run the comparison in mean-field mode for the value of knowing the
parameters: in stochastic mode each draw also holds the chance of which
persons happen to leave, which no study could learn in advance, and EVPI then
counts it too.

>>> cmp = indsats.compare({"Sagsstamme": a, "Mentorer": b}, mode="mean_field")
>>> voi.evpi(cmp)
>>> voi.evppi(cmp, ["intervention.caseload.elasticity", ["a", "b"]]).plot()
>>> voi.evsi_pilot(cmp, "intervention.components[0].hr.job[1]", participants=[25, 50, 100])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from . import _core, _gam
from ._decide import ShowsTable, axes, bar_axes, find_path, finish, named_path, param_label, wrap
from ._labels import label
from ._options import check_lang, unit_scale
from .compare import Comparison
from .result import Result

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["EVPPI", "EVSI", "evpi", "evppi", "evsi_pilot", "net_benefits", "parameters"]


def _check_comparison(comparison: Comparison) -> list[Result]:
    """The results of a comparison (which shares draws, seed and mode by construction)."""
    if not isinstance(comparison, Comparison):
        raise TypeError(
            f"expected the Comparison of indsats.compare; got {type(comparison).__name__}"
        )
    return list(comparison.results.values())


def net_benefits(comparison: Comparison, *, do_nothing: bool = True) -> pd.DataFrame:
    """Net benefit (minus the NPV, kroner) of each design per draw, with a
    column of zeros for doing nothing when ``do_nothing``."""
    results = _check_comparison(comparison)
    frame = pd.DataFrame(
        {name: -np.asarray(res.draws("npv")) for name, res in comparison.results.items()}
    )
    if do_nothing:
        frame.insert(0, "do nothing", 0.0)
    frame.index.name = "draw"
    assert len(frame) == results[0].n_draws
    return frame


def evpi(comparison: Comparison, *, do_nothing: bool = True) -> float:
    """Expected value of perfect information, kroner: the mean over draws of
    the best design's net benefit, minus the net benefit of the design best
    on average. Doing nothing (net benefit 0, i.e. NPV 0) is one of the
    choices unless ``do_nothing=False``. Exactly 0 when one design is best in
    every draw."""
    return _gam.decision_value(net_benefits(comparison, do_nothing=do_nothing).to_numpy())


def parameters(comparison: Comparison) -> pd.DataFrame:
    """The uncertain parameters of every design per draw, one column each,
    named by the key of their draws (``intervention.components[mentor].hr.job``):
    a parameter two designs share (the same name) is one column, two that only
    share a position (``components[0]`` of different components) are two."""
    frames = []
    seen: set[str] = set()
    for res in _check_comparison(comparison):
        params = res.parameters()
        named = {p: named_path(res.scenario, p) for p in params.columns}
        keep = [p for p in params.columns if named[p] not in seen]
        seen.update(named[p] for p in keep)
        frames.append(params[keep].rename(columns=named))
    return pd.concat(frames, axis=1)


def _key(comparison: Comparison, path: str) -> tuple[str, Result]:
    """The named key of ``path`` (positional paths are read in the first design
    that has them) and a design that has it."""
    errors = []
    for res in comparison.results.values():
        try:
            return named_path(res.scenario, path), res
        except ValueError as e:
            errors.append(str(e))
    raise ValueError(errors[0] if len(set(errors)) == 1 else "; ".join(errors))


def _parameter_values(comparison: Comparison, path: str) -> NDArray[np.float64]:
    """The values of the parameter at ``path`` per draw (shared by the designs
    that have it: draws are keyed by name)."""
    key, res = _key(comparison, path)
    frame = parameters(comparison)
    if key not in frame.columns:
        raise ValueError(f"{path}: a fixed number in {res.scenario.name!r}; it has no uncertainty")
    return np.asarray(frame[key].to_numpy(), dtype=np.float64)


def _incremental(comparison: Comparison, do_nothing: bool) -> NDArray[np.float64]:
    """Net benefit of each design against the reference (doing nothing, or the
    first design), draws × designs; the reference's own column is left out."""
    nb = np.asarray(net_benefits(comparison, do_nothing=do_nothing).to_numpy(), dtype=np.float64)
    return np.asarray(nb[:, 1:] - nb[:, :1])


def _label(comparison: Comparison, path: str, lang: str) -> str:
    key, res = _key(comparison, path)
    return param_label(res.scenario, key, lang)


@dataclass
class EVPPI(ShowsTable):
    """EVPPI per parameter or group, with EVPI for reference (:func:`evppi`)."""

    evpi: float
    table: pd.DataFrame
    """One row per parameter or group: params (tuple of paths), label, evppi,
    se (standard error of the regression estimate), share of EVPI."""

    def plot(self, *, ax: Axes | None = None, lang: str = "da", unit: str = "tkr") -> Axes:
        """ "What is worth knowing": EVPPI of each entry with its standard error,
        and EVPI (knowing everything) as a line."""
        check_lang(lang)
        scale = unit_scale(unit)
        rows = self.table.sort_values("evppi")
        labels = wrap(list(rows["label"]))
        ax = bar_axes(ax, labels)
        y = np.arange(len(rows))
        ax.barh(y, rows["evppi"] / scale, xerr=1.96 * rows["se"] / scale, color="#4c72b0")
        ax.axvline(self.evpi / scale, color="#c44e52", ls="--", label=label("voi.evpi", lang))
        ax.set_yticks(y, labels)
        unit_text = label(unit, lang)
        ax.set_xlabel(f"{label('voi.value', lang)} ({unit_text})")
        ax.set_title(label("voi.title", lang))
        ax.legend(loc="lower right")
        return finish(ax)


def evppi(
    comparison: Comparison,
    params: Sequence[str | Sequence[str]],
    *,
    do_nothing: bool = True,
    samples: int = 300,
    seed: int = 0,
    lang: str = "en",
) -> EVPPI:
    """Expected value of partial perfect information, kroner, for each entry
    of ``params``: a field path (one parameter) or a list of up to four paths
    (a group, learnt together).

    Each design's net benefit against doing nothing (or against the first
    design when ``do_nothing=False``) is regressed on the entry's values over
    the draws by a GAM (a smooth for one parameter, a tensor product for a
    group; Strong, Oakley & Brennan 2014); the EVPPI is the mean of the best
    fitted value minus the best mean. Its standard error comes from
    ``samples`` draws of the GAM's coefficients, as in the paper. The
    estimate is never negative and, up to its error, not above EVPI.
    """
    check_lang(lang)
    if isinstance(params, str) or not isinstance(params, Sequence) or not params:
        raise TypeError(
            "params must be a list whose entries are field paths or lists of paths (groups)"
        )
    inc = _incremental(comparison, do_nothing)
    total = evpi(comparison, do_nothing=do_nothing)
    rows = []
    for entry in params:
        group = [entry] if isinstance(entry, str) else list(entry)
        if not group or not all(isinstance(p, str) for p in group):
            raise TypeError(f"an entry of params must be a path or a list of paths; got {entry!r}")
        x = np.column_stack([_parameter_values(comparison, p) for p in group])
        basis, penalty = _gam.design(x)
        fits = [_gam.fit(basis, penalty, inc[:, d]) for d in range(inc.shape[1])]
        value, se = _gam.value_of_information(fits, samples=samples, seed=seed)
        rows.append(
            {
                "params": tuple(group),
                "label": " + ".join(_label(comparison, p, lang) for p in group),
                "evppi": value,
                "se": se,
                "share_of_evpi": value / total if total > 0 else math.nan,
            }
        )
    table = pd.DataFrame(rows).sort_values("evppi", ascending=False, kind="stable")
    return EVPPI(total, table.reset_index(drop=True))


# ------------------------------------------------------------------------ EVSI
@dataclass
class EVSI(ShowsTable):
    """Expected value of a pilot per size (:func:`evsi_pilot`)."""

    path: str
    label: str
    evppi: float
    """Knowing the hazard ratio exactly: the ceiling of any pilot's value."""
    evppi_se: float
    table: pd.DataFrame
    """One row per pilot size: participants, control, months, evsi, se."""

    def plot(self, *, ax: Axes | None = None, lang: str = "da", unit: str = "tkr") -> Axes:
        check_lang(lang)
        scale = unit_scale(unit)
        ax = axes(ax, (8, 4.5))
        t = self.table
        ax.errorbar(
            t["participants"],
            t["evsi"] / scale,
            yerr=1.96 * t["se"] / scale,
            marker="o",
            capsize=3,
            label="EVSI",
        )
        ax.axhline(self.evppi / scale, color="#c44e52", ls="--", label=label("voi.ceiling", lang))
        unit_text = label(unit, lang)
        ax.set_xlabel(label("voi.participants", lang))
        ax.set_ylabel(f"{label('voi.value', lang)} ({unit_text})")
        ax.set_title(f"{label('voi.pilot_title', lang)}: {self.label}")
        ax.set_ylim(bottom=0)
        ax.legend()
        return finish(ax)


def _pilot_target(comparison: Comparison, path: str) -> tuple[Result, str, str]:
    """The design, the positional path and the destination of a hazard ratio."""
    for res in comparison.results.values():
        try:
            where = find_path(res.scenario, path)
        except ValueError:
            continue
        parts = where.split(".")
        if len(parts) >= 4 and parts[1].startswith("components[") and parts[2] == "hr":
            return res, where, parts[3].split("[")[0]
        raise ValueError(
            f"{path}: a pilot measures a component's hazard ratio on leaving for a "
            "destination (intervention.components[i].hr.<destination>)"
        )
    find_path(next(iter(comparison.results.values())).scenario, path)
    raise ValueError(f"{path}: no design of the comparison has this number")


def _baseline_probability(res: Result, destination: str) -> NDArray[np.float64]:
    """Per draw: the yearly probability of leaving benefit for ``destination``
    in the targeted segments, weighted by their stock at the start."""
    sc = res.scenario
    data = sc.to_dict()
    targeted = (data.get("intervention") or {}).get("segments")
    names = sc.segments
    chosen = [i for i, n in enumerate(names) if targeted is None or n in targeted]
    params = res.parameters()
    fixed = {p["path"]: p["mean"] for p in sc.parameters()}

    def values(path: str) -> NDArray[np.float64]:
        if path in params.columns:
            return np.asarray(params[path].to_numpy(), dtype=np.float64)
        if path not in fixed:
            raise ValueError(
                f"{path}: the pilot needs this number as one value for the horizon (a list "
                "per year is not read here)"
            )
        return np.full(res.n_draws, float(fixed[path]))

    weights = [values(f"segments[{i}].initial") for i in chosen]
    probs = [values(f"segments[{i}].exit.{destination}") for i in chosen]
    total = np.sum(weights, axis=0)
    total = np.where(total > 0, total, 1.0)
    return np.asarray(np.sum([w * p for w, p in zip(weights, probs, strict=True)], axis=0) / total)


def evsi_pilot(
    comparison: Comparison,
    path: str,
    participants: int | Sequence[int] = 50,
    *,
    control: int | None = None,
    months: int = 12,
    do_nothing: bool = True,
    samples: int = 300,
    seed: int | None = None,
    lang: str = "en",
) -> EVSI:
    """Expected value of a pilot that measures the hazard ratio at ``path``
    (``intervention.components[i].hr.<destination>``, one year's entry of a
    per-year list, or the whole), kroner, for each size in ``participants``.

    The pilot follows ``participants`` persons given the component and
    ``control`` comparable persons without it (default as many) for
    ``months`` months. In each draw its outcome is simulated in the core:
    the number of each group that leaves benefit for the destination, from the
    draw's baseline probability (the targeted segments', weighted by their
    stock) and, for participants, that probability's hazard raised by the
    draw's hazard ratio. The pilot's estimates (its log hazard ratio and the
    comparison group's log hazard) are the summary statistics each design's
    net benefit is regressed on (a tensor-product GAM, Strong et al. 2015);
    EVSI is the mean of the best fitted value minus the best mean, never above
    the EVPPI of the hazard ratio itself (shown beside it).
    """
    check_lang(lang)
    sizes = [participants] if isinstance(participants, int | np.integer) else list(participants)
    if not sizes or any(isinstance(n, bool) or int(n) < 1 for n in sizes):
        raise ValueError(f"participants must be positive whole numbers; got {participants!r}")
    if isinstance(months, bool) or not 1 <= int(months) <= 600:
        raise ValueError(f"months must be a whole number of months from 1 to 600; got {months!r}")
    if control is not None and (isinstance(control, bool) or int(control) < 1):
        raise ValueError(f"control must be a positive whole number; got {control!r}")
    res, where, destination = _pilot_target(comparison, path)
    hr = _parameter_values(comparison, where)
    p0 = _baseline_probability(res, destination)
    h0 = -np.log1p(-np.clip(p0, 0.0, 1 - 1e-12)) / 12.0
    p_control = -np.expm1(-h0 * months)
    p_treated = -np.expm1(-h0 * hr * months)
    inc = _incremental(comparison, do_nothing)
    ceiling = evppi(comparison, [where], do_nothing=do_nothing, samples=samples, seed=0)
    study_seed = res.seed if seed is None else int(seed)
    rows = []
    for n in sizes:
        n_t = int(n)
        n_c = n_t if control is None else int(control)
        treated, ctrl = _core.pilot_counts(
            study_seed, f"pilot:{where}", n_t, n_c, p_treated, p_control
        )
        # Hazard estimates with a half-event continuity correction.
        h_t = -np.log1p(-(treated + 0.5) / (n_t + 1.0)) / months
        h_c = -np.log1p(-(ctrl + 0.5) / (n_c + 1.0)) / months
        stats = np.column_stack([np.log(h_t / h_c), np.log(h_c)])
        basis, penalty = _gam.design(stats)
        fits = [_gam.fit(basis, penalty, inc[:, d]) for d in range(inc.shape[1])]
        value, se = _gam.value_of_information(fits, samples=samples, seed=0)
        rows.append(
            {"participants": n_t, "control": n_c, "months": int(months), "evsi": value, "se": se}
        )
    return EVSI(
        where,
        _label(comparison, where, lang),
        float(ceiling.table["evppi"].iloc[0]),
        float(ceiling.table["se"].iloc[0]),
        pd.DataFrame(rows),
    )
