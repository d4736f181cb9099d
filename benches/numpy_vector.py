"""The indsats model in NumPy, vectorised across draws and tuned for speed.

The benchmark's strongest NumPy baselines: what a competent NumPy user would
write to run MODEL.md (sections 2-7, 11) fast. Parameters are compiled and
sampled by the tests' oracle (``tests/oracle/numpy_model.py``), so with the same
seed the mean-field results equal ``simulate_numpy(..., mode="mean_field")``
to rounding. The state of each draw, arm and segment is one row of ``13 + K``
numbers (duration cells, then destinations), so the monthly step is a handful
of whole-array operations on ``(draws, 2, segments, 13 + K)``.

Three ways to draw the counts, chosen with ``counts``:

* ``"mean_field"``: expected flows (``mode="mean_field"``).
* ``"icdf"``: inverse-CDF binomials on shared uniforms, the engine's method
  (MODEL.md 11.12): one uniform per draw, segment, month and stage, the same
  in both arms, turned into a count by walking the binomial CDF from 0. The
  walk runs on all counts at once and keeps only the counts still being
  searched (compaction), so each step costs what is left to do.
* ``"generator"``: NumPy's own ``Generator.binomial`` / ``Generator.multinomial``
  for each arm from the same generator state. NumPy's samplers consume a
  varying number of random values per count, so the arms lose their coupling
  after the first count that differs between them: a speed baseline only (its
  savings are noisier than the engine's).

Draws are processed in chunks of ``chunk`` so that the arrays stay in cache.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from numpy_matrix import StateSpace, measured_outputs, take_draws
from oracle.numpy_model import (
    LAST_CELL,
    N_CELLS,
    Parameters,
    compile_scenario,
    exit_probabilities,
    intervention_month,
)

COUNTS = ("mean_field", "icdf", "generator")
DEFAULT_CHUNK = {"mean_field": 2048, "icdf": 2048, "generator": 2048}

# A walk from 0 starts at P(X = 0) = (1 - p)^n; below this it underflows.
SMALLEST_START = 1e-300


# --------------------------------------------------------------------------- counts


def binomial_icdf(n: np.ndarray, p: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Inverse-CDF binomial counts: the smallest ``x`` with ``P(X ≤ x) ≥ u``, elementwise.

    ``n`` holds whole numbers (as float64), ``p`` probabilities in [0, 1] and
    ``u`` uniforms in [0, 1); the three broadcast together. Where ``p > 1/2``
    the walk runs on the complement ``Y = n - X`` (``x = n - min{y: P(Y ≤ y) > 1 - u}``),
    so it is never longer than about ``n · min(p, 1 - p)`` steps and the count
    still grows with ``u``. Exact up to the rounding of the summed CDF, which
    matters only for uniforms within about 1e-15 of 0 or 1. Raises
    ``ValueError`` if a walk's start ``P(X = 0)`` would underflow (about
    ``n · min(p, 1 - p) > 690``): such counts are beyond a walk from 0.
    """
    n, p, u = np.broadcast_arrays(n, p, u)
    shape = n.shape
    n, p, u = n.ravel(), p.ravel(), u.ravel()
    y = np.zeros(n.size)
    flip = p > 0.5
    flipped = bool(flip.any())
    if flipped:
        small = np.where(flip, 1.0 - p, p)
        # P(Y ≤ y) > 1 - u is P(Y ≤ y) ≥ the next float above 1 - u.
        goal = np.where(flip, np.nextafter(1.0 - u, 2.0), u)
    else:
        small, goal = p, u
    idx = np.flatnonzero((n > 0) & (small > 0))
    size, small, goal = n[idx], small[idx], goal[idx]
    pmf = np.exp(size * np.log1p(-small))  # P(X = 0)
    if pmf.size and pmf.min() < SMALLEST_START:
        worst = int(np.argmin(pmf))
        raise ValueError(
            f"binomial count n={size[worst]:g}, p={small[worst]:g} is beyond a CDF walk from 0"
        )
    # Most counts are 0: only the others walk.
    walking = pmf < goal
    idx, size, small, goal, pmf = (a[walking] for a in (idx, size, small, goal, pmf))
    odds = small / (1.0 - small)
    cdf = pmf.copy()
    x = np.zeros(idx.size)
    # A finished count stops moving (x += searching) and leaves the arrays once
    # half of them have finished, so each step costs about what is left to do.
    searching = np.ones(idx.size, dtype=bool)
    while idx.size:
        x += searching
        pmf *= (size - x + 1.0) / x * odds
        cdf += pmf
        np.less(cdf, goal, out=searching)
        searching &= x < size
        if 2 * np.count_nonzero(searching) <= idx.size:
            found = ~searching
            y[idx[found]] = x[found]
            idx, x, pmf, cdf, size, odds, goal = (
                a[searching] for a in (idx, x, pmf, cdf, size, odds, goal)
            )
            searching = np.ones(idx.size, dtype=bool)
    if flipped:
        y = np.where(flip, n - y, y)
    return y.reshape(shape)


def paired_binomial(rng: np.random.Generator, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """``Generator.binomial`` for each arm (axis 1) from the same generator state."""
    return _paired(rng, rng.binomial, n.astype(np.int64), p)


def paired_multinomial(rng: np.random.Generator, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """``Generator.multinomial`` for each arm (axis 1) from the same generator state."""
    return _paired(rng, rng.multinomial, n.astype(np.int64), p)


def _paired(
    rng: np.random.Generator,
    sampler: Callable[[np.ndarray, np.ndarray], np.ndarray],
    n: np.ndarray,
    p: np.ndarray,
) -> np.ndarray:
    state = rng.bit_generator.state
    baseline = sampler(n[:, 0], p[:, 0])
    rng.bit_generator.state = state
    return np.stack([baseline, sampler(n[:, 1], p[:, 1])], axis=1)


# --------------------------------------------------------------------------- the run


def simulate_vector(
    scenario: dict[str, Any],
    draws: int,
    seed: int = 0,
    counts: str = "icdf",
    chunk: int | None = None,
) -> dict[str, np.ndarray]:
    """Both arms of ``scenario`` for ``draws`` draws; outputs as ``simulate_numpy``."""
    if counts not in COUNTS:
        raise ValueError(f"counts must be one of {', '.join(COUNTS)}; got {counts!r}")
    rng = np.random.default_rng(seed)
    par = compile_scenario(scenario, draws, rng)
    size = chunk or DEFAULT_CHUNK[counts]
    parts = [
        _simulate_chunk(take_draws(par, slice(lo, min(lo + size, draws))), rng, counts)
        for lo in range(0, draws, size)
    ]
    return {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}


def _last_destination(probs: np.ndarray) -> np.ndarray:
    """Index of the last destination with a positive exit probability (0 if none)."""
    k = probs.shape[-1]
    return np.asarray(k - 1 - np.argmax(probs[..., ::-1] > 0, axis=-1))


def _simulate_chunk(
    par: Parameters, rng: np.random.Generator, counts: str
) -> dict[str, np.ndarray]:
    tl = par.timeline
    draws, n_seg = par.initial.shape
    space = StateSpace(n_seg, len(par.destinations))
    n_dest, n_months, n_years = space.n_dest, tl.months, len(tl.years)
    year_of_month, months_per_year = tl.year_of_month, tl.months_per_year
    iv = par.intervention
    targeted = iv.targeted if iv is not None else np.zeros(n_seg, dtype=bool)
    stochastic = counts != "mean_field"

    # x[draw, arm, segment, state]: 13 duration cells, then the destinations.
    x = np.zeros((draws, 2, n_seg, space.per_segment))
    cells, dest = x[..., :N_CELLS], x[..., N_CELLS:]
    initial = np.rint(par.initial) if stochastic else par.initial
    for s in range(n_seg):
        cells[:, :, s, par.initial_cell[s]] = initial[:, s, None]
    relapse_log = np.log1p(-par.relapse) / 12.0  # (D, K)
    probs = np.empty((draws, 2, n_seg, n_dest))
    probs[:, 0] = exit_probabilities(par.exit_hazard)
    probs[:, 1] = probs[:, 0]
    relapse_p = np.empty((draws, 2, n_seg, n_dest))
    relapse_p[:] = -np.expm1(relapse_log)[:, None, None, :]
    ratios = (np.ones((draws, n_dest)), np.ones((draws, n_dest)))  # of the rates above
    arrivals = np.empty((draws, 2, n_seg, n_dest))
    aged = np.empty((draws, 2, n_seg, N_CELLS))

    history = np.empty((draws, 2, n_months, n_seg, space.per_segment))
    investment = np.zeros((draws, n_months))
    flows = np.zeros((draws, 2, n_years, n_dest))

    for t in range(n_months):
        year = int(year_of_month[t])
        # 1. inflow, the same in both arms
        inflow = rng.poisson(par.inflow_month) if stochastic else par.inflow_month
        cells[:, :, :, 0] += inflow[:, None, :]
        # 2. the state on which the month's costs accrue (costed after the loop)
        history[:, :, t] = x

        # 3. hazards of the intervention arm
        if iv is not None:
            targeted_stock = cells[:, 1, targeted].sum(axis=(1, 2))
            effect = intervention_month(
                iv, t, year, int(months_per_year[year]), targeted_stock, n_dest
            )
            investment[:, t] = effect.investment
            # The rates change only when the ratios do.
            if not (
                np.array_equal(effect.hazard_ratio, ratios[0])
                and np.array_equal(effect.relapse_ratio, ratios[1])
            ):
                ratios = (effect.hazard_ratio, effect.relapse_ratio)
                hazard = par.exit_hazard[:, targeted] * effect.hazard_ratio[:, None, :]
                probs[:, 1, targeted] = exit_probabilities(hazard)
                relapse = relapse_log[:, None, :] * effect.relapse_ratio[:, None, :]
                relapse_p[:, 1, targeted] = -np.expm1(relapse)

        # 4. exits; stayers age one cell
        leave = probs.sum(axis=-1)  # (D, 2, S)
        if counts == "mean_field":
            np.multiply(cells, (1.0 - leave)[..., None], out=aged)
            np.multiply(cells.sum(axis=-1)[..., None], probs, out=arrivals)
        elif counts == "icdf":
            uniforms = rng.random((draws, 1, n_seg, N_CELLS + 2 * n_dest))
            out = binomial_icdf(cells, leave[..., None], uniforms[..., :N_CELLS])
            np.subtract(cells, out, out=aged)
            _split_icdf(out.sum(axis=-1), probs, leave, uniforms[..., N_CELLS:], arrivals)
        else:
            out = paired_binomial(rng, cells, np.broadcast_to(leave[..., None], cells.shape))
            np.subtract(cells, out, out=aged)
            shares = probs / np.where(leave > 0, leave, 1.0)[..., None]
            arrivals[:] = paired_multinomial(rng, out.sum(axis=-1), shares)
        cells[..., 1:] = aged[..., :-1]
        cells[..., LAST_CELL] += aged[..., LAST_CELL]
        cells[..., 0] = 0.0

        # 5. relapse from the destination stocks including this month's arrivals
        dest += arrivals
        if counts == "mean_field":
            relapses = dest * relapse_p
        elif counts == "icdf":
            relapses = binomial_icdf(dest, relapse_p, uniforms[..., N_CELLS + n_dest :])
        else:
            relapses = paired_binomial(rng, dest, relapse_p)
        dest -= relapses
        cells[..., par.reentry_cell] += relapses.sum(axis=-1)

        # 6. flows
        flows[:, :, year] += arrivals.sum(axis=2)

    return measured_outputs(par, space, history, investment, flows)


def _split_icdf(
    leavers: np.ndarray,
    probs: np.ndarray,
    leave: np.ndarray,
    uniforms: np.ndarray,
    arrivals: np.ndarray,
) -> None:
    """The month's leavers of each segment split among destinations by conditional
    binomials, destination ``k`` from uniform ``k``; the last possible destination
    takes the rest, so persons are conserved exactly."""
    last = _last_destination(probs)
    rest = leave.copy()
    for k in range(probs.shape[-1]):
        share = np.where(rest > 0, probs[..., k] / np.where(rest > 0, rest, 1.0), 0.0)
        share = np.where(last == k, 1.0, np.minimum(share, 1.0))
        arrivals[..., k] = binomial_icdf(leavers, share, uniforms[..., k])
        leavers = leavers - arrivals[..., k]
        rest -= probs[..., k]


if __name__ == "__main__":
    from oracle.numpy_model import EXAMPLE, simulate_numpy

    reference = simulate_numpy(EXAMPLE, 7, seed=5, mode="mean_field")
    vector = simulate_vector(EXAMPLE, 7, seed=5, counts="mean_field", chunk=3)
    for name, value in reference.items():
        np.testing.assert_allclose(vector[name], value, rtol=1e-9, atol=1e-6, err_msg=name)
    print("numpy_vector agrees with numpy_model (mean-field)")
