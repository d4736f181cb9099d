"""The mean-field indsats model as a batched matrix-vector NumPy cohort.

The benchmark's mean-field baseline: what a cohort Markov model (hesim, heemod)
computes, written the way a NumPy user would write one. Each arm of each draw
is a state vector over ``S = segments × (13 duration cells + K destinations)``
states. Every month builds the transition matrix of every draw and arm, shape
``(draws, 2, S, S)``, that takes the stock after inflow to the stock after
exits, ageing and relapse, and advances all of them with one batched
vector-matrix product. Costs, measured stocks, flows and the targeted stock are
dot products with fixed vectors.

Parameters are compiled and sampled by :mod:`numpy_model` (``tests/oracle/``), so with the same
seed the results equal ``simulate_numpy(..., mode="mean_field")`` to rounding.
Draws are processed in chunks so that the matrices stay small in memory.
"""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

# The oracle of the tests samples the parameters: one copy of the model's inputs.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from oracle.numpy_model import (
    N_CELLS,
    Caseload,
    Component,
    Intervention,
    Parameters,
    compile_scenario,
    exit_probabilities,
    intervention_month,
)
from oracle.numpy_model import _outputs as model_outputs

DEFAULT_CHUNK = 512


@dataclass(frozen=True)
class StateSpace:
    """Indices of the flat state vector: per segment its 13 cells, then its destinations."""

    n_seg: int
    n_dest: int

    @property
    def per_segment(self) -> int:
        return N_CELLS + self.n_dest

    @property
    def size(self) -> int:
        return self.n_seg * self.per_segment

    def cell(self, segment: int, cell: int) -> int:
        return segment * self.per_segment + cell

    def dest(self, segment: int, k: int) -> int:
        return segment * self.per_segment + N_CELLS + k

    def benefit_cells(self) -> np.ndarray:
        """``(S, 13)`` indices, one row per segment."""
        return np.array([[self.cell(s, d) for d in range(N_CELLS)] for s in range(self.n_seg)])

    def dest_cells(self) -> np.ndarray:
        """``(S, K)`` indices, one row per segment."""
        return np.array([[self.dest(s, k) for k in range(self.n_dest)] for s in range(self.n_seg)])

    def measured(self) -> np.ndarray:
        """``(S_flat, 1 + K)``: sums the state vector into benefit and each destination."""
        out = np.zeros((self.size, 1 + self.n_dest))
        out[self.benefit_cells().ravel(), 0] = 1.0
        for k in range(self.n_dest):
            out[self.dest_cells()[:, k], 1 + k] = 1.0
        return out


# --------------------------------------------------------------------------- chunks


def take_draws(par: Parameters, rows: slice) -> Parameters:
    """The parameters of the draws in ``rows``."""

    def take_component(c: Component) -> Component:
        return Component(
            participants=None if c.participants is None else c.participants[rows],
            coverage=None if c.coverage is None else c.coverage[rows],
            cost_month=c.cost_month[rows],
            fixed_year=c.fixed_year[rows],
            one_off=c.one_off[rows],
            hr=c.hr[rows],
            relapse_hr=c.relapse_hr[rows],
        )

    def take_caseload(cl: Caseload | None) -> Caseload | None:
        if cl is None:
            return None
        return dataclasses.replace(
            cl,
            base=cl.base[rows],
            target=None if cl.target is None else cl.target[rows],
            extra_fte=None if cl.extra_fte is None else cl.extra_fte[rows],
            fte_cost_year=cl.fte_cost_year[rows],
            elasticity=cl.elasticity[rows],
            max_hr=cl.max_hr[rows],
        )

    iv = par.intervention
    intervention: Intervention | None = None
    if iv is not None:
        intervention = dataclasses.replace(
            iv,
            ramp_months=iv.ramp_months[rows],
            funding=iv.funding[rows],
            caseload=take_caseload(iv.caseload),
            components=[take_component(c) for c in iv.components],
        )
    per_draw = [
        "initial",
        "inflow_month",
        "benefit_month",
        "exit_hazard",
        "relapse",
        "cost_month",
        "state_month",
        "refusion",
        "indsats_month",
        "indexation",
        "discount_rate",
    ]
    changes = {name: getattr(par, name)[rows] for name in per_draw}
    return dataclasses.replace(par, intervention=intervention, **changes)


# --------------------------------------------------------------------------- costs


def cost_vectors(par: Parameters, space: StateSpace) -> np.ndarray:
    """Cost of one person-month in each state, ``(draws, years, S)``, in the perspective."""
    draws, n_years = par.initial.shape[0], len(par.timeline.years)
    growth = (1.0 + par.indexation[:, None]) ** np.arange(n_years)  # (D, years)
    gross = par.benefit_month[:, None, :] * growth[:, :, None]  # (D, years, segments)
    municipal_benefit = gross[..., None] * (1.0 - par.refusion)[:, None, None, :]
    municipal_benefit += par.indsats_month[:, None, None, None]
    state_benefit = gross[..., None] * par.refusion[:, None, None, :]
    municipal_dest = np.broadcast_to(par.cost_month[:, None, None, :], (*gross.shape, space.n_dest))
    state_dest = np.broadcast_to(par.state_month[:, None, None, :], (*gross.shape, space.n_dest))
    if par.perspective == "municipal":
        benefit, dest = municipal_benefit, municipal_dest
    elif par.perspective == "state":
        benefit, dest = state_benefit, state_dest
    elif par.perspective == "public":
        benefit, dest = municipal_benefit + state_benefit, municipal_dest + state_dest
    else:
        raise ValueError(f"unknown perspective {par.perspective!r}")
    out = np.empty((draws, n_years, space.size))
    out[..., space.benefit_cells()] = benefit
    out[..., space.dest_cells()] = dest
    return out


# --------------------------------------------------------------------------- transitions


@dataclass(frozen=True)
class Pattern:
    """Where the non-zero entries of the flattened ``S × S`` transition matrix sit.

    Entry ``from * S + to``. Stayers age one cell; leavers arrive in a destination
    and may relapse into the re-entry cell in the same month (relapse acts on the
    destination stock including this month's arrivals). Where ageing and
    re-entry land in the same cell, the ``age`` entry carries both.
    """

    age: np.ndarray  # (segments, 13)
    reenters_by_ageing: np.ndarray  # (13,) bool: cell d ages into the re-entry cell
    exit: np.ndarray  # (segments, 13, K)
    reenter: np.ndarray  # (segments, cells that do not age into the re-entry cell)
    dest_stay: np.ndarray  # (segments, K)
    dest_relapse: np.ndarray  # (segments, K)

    @classmethod
    def build(cls, space: StateSpace, reentry_cell: int) -> Pattern:
        size = space.size
        cells = space.benefit_cells()
        dests = space.dest_cells()
        aged = np.minimum(np.arange(N_CELLS) + 1, N_CELLS - 1)
        reentry = cells[:, [reentry_cell]]
        coincide = aged == reentry_cell
        return cls(
            age=cells * size + cells[:, aged],
            reenters_by_ageing=coincide,
            exit=cells[:, :, None] * size + dests[:, None, :],
            reenter=(cells * size + reentry)[:, ~coincide],
            dest_stay=dests * size + dests,
            dest_relapse=dests * size + reentry,
        )


def fill_transitions(
    m: np.ndarray, pattern: Pattern, probs: np.ndarray, relapse_p: np.ndarray
) -> None:
    """Write this month's entries into ``m``, ``(draws, 2, S * S)``: ``x_next = x @ M``.

    ``probs`` are the exit probabilities ``(draws, 2, segments, K)`` and
    ``relapse_p`` the monthly relapse probabilities of the same shape. Every
    non-zero entry is overwritten, so the buffer is reused across months.
    """
    stay = 1.0 - probs.sum(axis=-1)  # (D, 2, segments)
    bounce = (probs * relapse_p).sum(axis=-1)  # (D, 2, segments)
    m[:, :, pattern.age] = stay[..., None] + bounce[..., None] * pattern.reenters_by_ageing
    m[:, :, pattern.reenter] = bounce[..., None]
    m[:, :, pattern.exit] = (probs * (1.0 - relapse_p))[:, :, :, None, :]
    m[:, :, pattern.dest_stay] = 1.0 - relapse_p
    m[:, :, pattern.dest_relapse] = relapse_p


# --------------------------------------------------------------------------- the run


def simulate_matrix(
    scenario: dict[str, Any], draws: int, seed: int = 0, chunk: int = DEFAULT_CHUNK
) -> dict[str, np.ndarray]:
    """The mean-field outputs of ``simulate_numpy(scenario, draws, seed, "mean_field")``."""
    rng = np.random.default_rng(seed)
    par = compile_scenario(scenario, draws, rng)
    parts = [
        _simulate_chunk(take_draws(par, slice(lo, min(lo + chunk, draws))))
        for lo in range(0, draws, chunk)
    ]
    return {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}


def _simulate_chunk(par: Parameters) -> dict[str, np.ndarray]:
    tl = par.timeline
    draws, n_seg = par.initial.shape
    n_dest = len(par.destinations)
    n_months, n_years = tl.months, len(tl.years)
    year_of_month, months_per_year = tl.year_of_month, tl.months_per_year
    space = StateSpace(n_seg, n_dest)
    pattern = Pattern.build(space, par.reentry_cell)
    iv = par.intervention
    targeted = iv.targeted if iv is not None else np.zeros(n_seg, dtype=bool)

    first_cells = space.benefit_cells()[:, 0]
    x = np.zeros((draws, 2, space.size))
    x[:, :, space.benefit_cells()[np.arange(n_seg), par.initial_cell]] = par.initial[:, None, :]
    targeted_benefit = np.zeros(space.size)
    targeted_benefit[space.benefit_cells()[targeted].ravel()] = 1.0
    benefit_by_segment = np.zeros((space.size, n_seg))
    for s in range(n_seg):
        benefit_by_segment[space.benefit_cells()[s], s] = 1.0
    relapse_log = np.log1p(-par.relapse) / 12.0  # (D, K)
    m = np.zeros((draws, 2, space.size, space.size))
    m_flat = m.reshape(draws, 2, -1)

    history = np.empty((draws, 2, n_months, space.size))
    investment = np.zeros((draws, n_months))
    flows = np.zeros((draws, 2, n_years, n_dest))
    ratios: tuple[np.ndarray, np.ndarray] | None = None  # of the matrices in m
    probs = np.empty((draws, 2, n_seg, n_dest))

    for t in range(n_months):
        year = int(year_of_month[t])
        x[:, :, first_cells] += par.inflow_month[:, None, :]
        history[:, :, t] = x

        hazard_ratio = np.ones((draws, 2, n_seg, n_dest))
        relapse_ratio = np.ones((draws, 2, n_seg, n_dest))
        if iv is not None:
            effect = intervention_month(
                iv, t, year, int(months_per_year[year]), x[:, 1] @ targeted_benefit, n_dest
            )
            investment[:, t] = effect.investment
            hazard_ratio[:, 1, targeted] = effect.hazard_ratio[:, None, :]
            relapse_ratio[:, 1, targeted] = effect.relapse_ratio[:, None, :]
        # The matrices change only when the ratios do (in every month while the
        # effect depends on the targeted stock or ramps in, never otherwise).
        if ratios is None or not (
            np.array_equal(hazard_ratio, ratios[0]) and np.array_equal(relapse_ratio, ratios[1])
        ):
            ratios = (hazard_ratio, relapse_ratio)
            probs = exit_probabilities(par.exit_hazard[:, None] * hazard_ratio)  # (D, 2, seg, K)
            relapse_p = -np.expm1(relapse_log[:, None, None, :] * relapse_ratio)
            fill_transitions(m_flat, pattern, probs, relapse_p)

        on_benefit = x @ benefit_by_segment  # (D, 2, segments)
        flows[:, :, year] += np.einsum("das,dask->dak", on_benefit, probs)
        x = np.matmul(x[:, :, None, :], m)[:, :, 0, :]

    return measured_outputs(par, space, history, investment, flows)


def measured_outputs(
    par: Parameters,
    space: StateSpace,
    history: np.ndarray,
    investment: np.ndarray,
    flows: np.ndarray,
) -> dict[str, np.ndarray]:
    """The outputs from the state of every month on which its costs accrue.

    ``history`` is ``(draws, 2, months, S)`` (or any shape that flattens to it),
    ``investment`` the intervention's cost per month ``(draws, months)``.
    Costs and measured stocks are computed here for all months at once rather
    than month by month inside the loop.
    """
    tl = par.timeline
    draws, n_months = investment.shape
    history = history.reshape(draws, 2, n_months, space.size)
    by_year = np.eye(len(tl.years))[tl.year_of_month]  # (months, years)
    stocks = history @ space.measured()  # (D, 2, months, 1 + K)
    costs = cost_vectors(par, space)[:, tl.year_of_month]  # (D, months, S)
    cost = np.einsum("dats,dts->dat", history, costs)
    savings_month = cost[:, 1] - cost[:, 0]
    return model_outputs(
        par,
        investment @ by_year,
        savings_month @ by_year,
        investment + savings_month,
        stocks,
        stocks[..., 0] @ by_year / 12.0,
        flows,
    )


if __name__ == "__main__":
    from oracle.numpy_model import EXAMPLE, simulate_numpy

    reference = simulate_numpy(EXAMPLE, 7, seed=5, mode="mean_field")
    matrix = simulate_matrix(EXAMPLE, 7, seed=5, chunk=3)
    for name, value in reference.items():
        np.testing.assert_allclose(matrix[name], value, rtol=1e-9, atol=1e-6, err_msg=name)
    print("numpy_matrix agrees with numpy_model (mean-field)")
