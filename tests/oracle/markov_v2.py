"""The version-2 model (MODEL.md 1–12) as a product of monthly transition matrices.

Each arm is one state vector. Per segment it holds the 13 benefit duration cells and, per
destination, two plain sub-stocks (persons gross_savings does not count, and those it
does) and, per component following the destination, one sub-stock per follow-up cell.
Behind the persons come counters (cumulative flows into each destination, relapses and
inflow, per segment) and a constant 1 that carries the inflow, so a month is the linear
map

    x(t + 1) = R(t) · X(t) · I(t) · x(t)

with I the inflow, X the exits (with the assignment of leavers to followed stocks) and R
the relapses followed by the end of following. Costs, enrolment and the claimed
person-months are linear functionals of the measured vector I(t) · x(t) (MODEL.md 11.9).

When no hazard ratio depends on the state (a caseload in target mode, components with
`coverage`: `is_linear`), every matrix is built from the scenario alone before the run,
so the path is a fixed product of matrices. Otherwise (`participants`, `extra_fte`) the
matrix of month t is built from the chain's own measured vector of that month.

The outputs go through `model_v2.outputs`, so the two implementations share the scenario
reader, the per-month formulas of the specification (hazards, ramps, the followed
shares) and the yearly aggregation, and differ in how persons are moved and counted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .model_v2 import (
    LAST_CELL,
    N_CELLS,
    FloatArray,
    Inputs,
    Monthly,
    empty_record,
    enrolled_share,
    followed_shares,
    leaving_probabilities,
    monthly_hazards,
    monthly_relapse,
    outputs,
    parse,
    perspective_weights,
    ramp,
)

IntArray = np.ndarray[Any, np.dtype[np.int64]]


class Layout:
    """Positions of the states and counters in an arm's vector."""

    def __init__(self, inputs: Inputs) -> None:
        n_g, n_k = len(inputs.segments), len(inputs.destinations)
        size = 0

        def take(count: int) -> IntArray:
            nonlocal size
            out = np.arange(size, size + count, dtype=np.int64)
            size += count
            return out

        self.benefit = take(n_g * N_CELLS).reshape(n_g, N_CELLS)
        self.untagged = take(n_g * n_k).reshape(n_g, n_k)
        self.tagged = take(n_g * n_k).reshape(n_g, n_k)
        self.followed: dict[tuple[int, int, int], IntArray] = {}
        for c, k in inputs.followers():
            comp = inputs.components[c]
            for g in comp.segments:
                self.followed[(c, k, g)] = take(comp.follow_cells())
        self.n_persons = size
        self.flow_counter = take(n_g * n_k).reshape(n_g, n_k)
        self.relapse_counter = take(n_g)
        self.inflow_counter = take(n_g)
        self.one = int(take(1)[0])
        self.size = size

    def destination(self, g: int, k: int) -> list[int]:
        """Every position of segment g's persons in destination k."""
        out = [int(self.untagged[g, k]), int(self.tagged[g, k])]
        for (_, kk, gg), cells in self.followed.items():
            if (kk, gg) == (k, g):
                out.extend(int(i) for i in cells)
        return out

    def claimed(self, g: int, k: int) -> list[int]:
        """Positions of the persons gross_savings counts (tagged plain and followed)."""
        return [i for i in self.destination(g, k) if i != self.untagged[g, k]]


def is_linear(inputs: Inputs) -> bool:
    """No ratio depends on the state: caseload (if any) in target mode, coverage only."""
    iv = inputs.intervention
    if iv is None:
        return True
    if iv.caseload is not None and iv.caseload.extra_fte is not None:
        return False
    return all(c.participants is None for c in iv.components)


# --------------------------------------------------------------------------- effects


class Ratios:
    """Hazard ratios, followed shares s_c and ramped relapse ratios of one month."""

    def __init__(self, inputs: Inputs) -> None:
        self.hazard = np.ones((len(inputs.segments), len(inputs.destinations)))
        self.share: dict[tuple[int, int], FloatArray] = {}
        self.relapse: dict[tuple[int, int], float] = {}


def month_ratios(inputs: Inputs, t: int, stock: FloatArray | None) -> Ratios:
    """The intervention arm's ratios in month t. `stock` is the benefit stock per
    segment after inflow; None for a linear scenario, whose ratios do not need it."""
    out = Ratios(inputs)
    iv = inputs.intervention
    if iv is None:
        return out
    y = int(inputs.year_of_month[t])
    cl = iv.caseload
    if cl is not None and iv.runs(t):
        b = None if stock is None else float(stock[list(cl.segments)].sum())
        if b == 0.0:
            lifted = 1.0
        elif cl.target is not None:
            lifted = cl.base / min(cl.target, cl.base)
        else:
            assert cl.extra_fte is not None and b is not None, "extra_fte needs the stock"
            lifted = 1.0 + float(cl.extra_fte[y]) * cl.base / b
        ratio = min(cl.max_hr, lifted**cl.elasticity)
        rho = ramp(t, iv.start, iv.ramp_months)
        for g in cl.segments:
            out.hazard[g, list(cl.affects)] *= ratio**rho
    for c, comp in enumerate(iv.components):
        if not comp.runs(t):
            continue
        phi = _enrolled_share(inputs, c, y, stock)
        rho = ramp(t, comp.start, comp.ramp_months)
        average = (1.0 + phi * (comp.hr[y] - 1.0)) ** rho
        for g in comp.segments:
            out.hazard[g] *= average
        for k, ratio in comp.relapse_hr.items():
            share = np.zeros(len(inputs.segments))
            share[list(comp.segments)] = enrolled_share(phi, float(average[k]))
            out.share[(c, k)] = share
            out.relapse[(c, k)] = float(ratio[y]) ** rho
    return out


def _enrolled_share(inputs: Inputs, c: int, y: int, stock: FloatArray | None) -> float:
    comp = inputs.components[c]
    if comp.coverage is not None:
        return float(comp.coverage[y])
    assert comp.participants is not None and stock is not None, "participants need the stock"
    b = float(stock[list(comp.segments)].sum())
    return 0.0 if b == 0 else min(float(comp.participants[y]), b) / b


# --------------------------------------------------------------------------- matrices


def inflow_matrix(inputs: Inputs, lay: Layout, y: int) -> FloatArray:
    m = np.eye(lay.size)
    for g, seg in enumerate(inputs.segments):
        m[lay.benefit[g, seg.inflow_cell], lay.one] += seg.inflow[y] / 12.0
        m[lay.inflow_counter[g], lay.one] += seg.inflow[y] / 12.0
    return m


def exit_matrix(inputs: Inputs, lay: Layout, y: int, ratios: Ratios, counted: bool) -> FloatArray:
    """Exits from every benefit cell (columns) into the next cell or a destination's
    sub-stocks; `counted`: plain arrivals to job and education of targeted segments are
    counted by gross_savings this month."""
    m = np.eye(lay.size)
    m[:, lay.benefit.ravel()] = 0.0
    je = set(inputs.job_education())
    followers = inputs.followers()
    for g, seg in enumerate(inputs.segments):
        hazards = monthly_hazards(seg.exit[y]) * ratios.hazard[g]
        for d in range(N_CELLS):
            col = lay.benefit[g, d]
            p = leaving_probabilities(hazards * seg.duration_hr[d])
            m[lay.benefit[g, min(d + 1, LAST_CELL)], col] += 1.0 - p.sum()
            for k in range(len(inputs.destinations)):
                m[lay.flow_counter[g, k], col] += p[k]
                mine = [(c, kk) for c, kk in followers if kk == k]
                shares = [
                    float(ratios.share[key][g]) if key in ratios.share else 0.0 for key in mine
                ]
                left = 1.0
                for (c, _), fraction in zip(mine, followed_shares(shares), strict=True):
                    if fraction:
                        m[lay.followed[(c, k, g)][0], col] += p[k] * fraction
                        left -= fraction
                tagged = counted and k in je and g in inputs.targeted()
                plain = lay.tagged[g, k] if tagged else lay.untagged[g, k]
                m[plain, col] += p[k] * left
    return m


def relapse_matrix(
    inputs: Inputs, lay: Layout, t: int | None, ratios: Ratios, counted: bool
) -> FloatArray:
    """Relapses from every destination sub-stock into the re-entry cell, then the end of
    following: survivors of the last follow-up cell, or of every cell in the component's
    last month, move to the plain stock, the others one cell on."""
    m = np.eye(lay.size)
    je = set(inputs.job_education())
    reentry = lay.benefit[:, inputs.reentry_cell]
    for g in range(len(inputs.segments)):
        for k, dest in enumerate(inputs.destinations):
            r = monthly_relapse(dest.relapse, 1.0)
            for col in (lay.untagged[g, k], lay.tagged[g, k]):
                m[col, col] = 1.0 - r
                m[reentry[g], col] += r
                m[lay.relapse_counter[g], col] += r
    for (c, k, g), cells in lay.followed.items():
        comp = inputs.components[c]
        r = monthly_relapse(inputs.destinations[k].relapse, ratios.relapse.get((c, k), 1.0))
        ends = t is not None and t == comp.end - 1
        joins = lay.tagged[g, k] if counted and k in je and g in inputs.targeted() else None
        for j, col in enumerate(cells):
            m[col, col] = 0.0
            m[reentry[g], col] += r
            m[lay.relapse_counter[g], col] += r
            last = j == len(cells) - 1 and comp.follow_up_months is not None
            if ends or last:
                m[lay.untagged[g, k] if joins is None else joins, col] += 1.0 - r
            else:
                m[cells[min(j + 1, len(cells) - 1)], col] += 1.0 - r
    return m


# --------------------------------------------------------------------------- functionals


def _indicator(lay: Layout, positions: Any) -> FloatArray:
    v = np.zeros(lay.size)
    v[np.asarray(positions, dtype=np.int64).ravel()] = 1.0
    return v


def record_month(
    inputs: Inputs, lay: Layout, rec: Monthly, arm: int, t: int, vectors: tuple[FloatArray, ...]
) -> None:
    """Stocks, costs and flows of month t from the vectors before the month, after
    inflow (measured) and after the month."""
    before, measured, after = vectors
    y = int(inputs.year_of_month[t])
    wm, ws = perspective_weights(inputs.perspective)
    ref, ind = inputs.refusion, inputs.indexation[y]
    je = inputs.job_education()
    rec.inflow[t] = float((measured - before)[lay.inflow_counter].sum())
    rec.flows[arm, t] = (after - measured)[lay.flow_counter]
    rec.relapses[arm, t] = (after - measured)[lay.relapse_counter]
    rec.job_education_end[arm, t] = sum(
        float(after @ _indicator(lay, lay.destination(g, k)))
        for g in range(len(inputs.segments))
        for k in je
    )
    for g, seg in enumerate(inputs.segments):
        level = seg.benefit_month * ind
        cells = measured[lay.benefit[g]]
        rec.stocks[arm, t, g, 0] = cells.sum()
        for k in range(len(inputs.destinations)):
            rec.stocks[arm, t, g, 1 + k] = measured @ _indicator(lay, lay.destination(g, k))
        benefit_rate = np.zeros(lay.size)
        benefit_rate[lay.benefit[g]] = level * (wm * (1.0 - ref) + ws * ref)
        effort_rate = _indicator(lay, lay.benefit[g]) * wm * inputs.indsats_month * inputs.price[y]
        dest_rate = np.zeros(lay.size)
        for k, d in enumerate(inputs.destinations):
            own = ind * (wm * d.cost_month + ws * d.state_month)
            kept = d.benefit_share * level * (wm * (1 - ref[LAST_CELL]) + ws * ref[LAST_CELL])
            dest_rate += _indicator(lay, lay.destination(g, k)) * (own + kept)
        rec.cost_parts[arm, t, g] = [
            measured @ benefit_rate,
            measured @ effort_rate,
            measured @ dest_rate,
        ]
        rec.municipal_benefit[arm, t] += float(cells @ (level * (1.0 - ref)))
        if arm == 1 and g in inputs.targeted():
            claim = level * (1.0 - ref[LAST_CELL])
            for k in je:
                rec.claimed[t] += claim * float(measured @ _indicator(lay, lay.claimed(g, k)))


def record_investment(
    inputs: Inputs, lay: Layout, rec: Monthly, t: int, measured: FloatArray
) -> None:
    """Caseload and component costs, enrolment and caps of month t (intervention arm)."""
    iv = inputs.intervention
    if iv is None:
        return
    y = int(inputs.year_of_month[t])
    price = inputs.price[y]

    def stock_of(segments: tuple[int, ...]) -> float:
        return float(measured @ _indicator(lay, lay.benefit[list(segments)]))

    cl = iv.caseload
    if cl is not None and iv.runs(t):
        if cl.target is not None:
            per_case = max(0.0, 1.0 / cl.target - 1.0 / cl.base)
            extra = stock_of(cl.segments) * per_case
        else:
            assert cl.extra_fte is not None
            extra = float(cl.extra_fte[y])
        rec.caseload_cost[t] = extra * cl.fte_cost_year / 12.0 * price
    for c, comp in enumerate(iv.components):
        if not comp.runs(t):
            continue
        b = stock_of(comp.segments)
        if comp.coverage is not None:
            enrolled = float(comp.coverage[y]) * b
        else:
            assert comp.participants is not None
            enrolled = min(float(comp.participants[y]), b)
            rec.capped[c, t] = float(comp.participants[y] > b)
        rec.enrolment[c, t] = enrolled
        one_off = comp.one_off if t == comp.start else 0.0
        rec.component_cost[c, t] = price * (
            enrolled * comp.cost_month + comp.fixed_year / 12.0 + one_off
        )


# --------------------------------------------------------------------------- the chain


def initial_vector(inputs: Inputs, lay: Layout) -> FloatArray:
    x = np.zeros(lay.size)
    for g, seg in enumerate(inputs.segments):
        x[lay.benefit[g, seg.initial_cell]] += seg.initial
        x[lay.untagged[g]] += seg.initial_destinations
    x[lay.one] = 1.0
    return x


def burn_in_operators(inputs: Inputs, lay: Layout) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(I, X, R) of a baseline month with the first year's values, nothing running
    (MODEL.md 12.4)."""
    quiet = Ratios(inputs)
    return (
        inflow_matrix(inputs, lay, 0),
        exit_matrix(inputs, lay, 0, quiet, False),
        relapse_matrix(inputs, lay, None, quiet, False),
    )


def month_operators(
    inputs: Inputs, lay: Layout, t: int, arm: int, stock: FloatArray | None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(I(t), X(t), R(t)) of one arm; `stock` as in `month_ratios`."""
    y = int(inputs.year_of_month[t])
    ratios = month_ratios(inputs, t, stock) if arm == 1 else Ratios(inputs)
    t0 = inputs.first_running_month()
    counted = t0 is not None and t >= t0
    return (
        inflow_matrix(inputs, lay, y),
        exit_matrix(inputs, lay, y, ratios, counted),
        relapse_matrix(inputs, lay, t, ratios, counted),
    )


def start_vector(inputs: Inputs, lay: Layout, rec: Monthly) -> FloatArray:
    """The state after burn-in; records the persons after every burn-in month."""
    x = initial_vector(inputs, lay)
    inflow, exits, relapses = burn_in_operators(inputs, lay)
    for i in range(12 * inputs.burn_in_years):
        x = relapses @ (exits @ (inflow @ x))
        rec.burn_in_persons[i] = x[: lay.n_persons].sum()
    return x


def run_chain(inputs: Inputs) -> tuple[Monthly, Layout, list[list[FloatArray]]]:
    """The monthly record, the layout and each arm's vectors before every month and
    after the last (months + 1 vectors per arm)."""
    lay = Layout(inputs)
    rec = empty_record(inputs)
    start = start_vector(inputs, lay, rec)
    linear = is_linear(inputs)
    fixed = (
        [[month_operators(inputs, lay, t, a, None) for t in range(inputs.months)] for a in (0, 1)]
        if linear
        else None
    )
    paths: list[list[FloatArray]] = [[start.copy()], [start.copy()]]
    for t in range(inputs.months):
        for arm in (0, 1):
            x = paths[arm][-1]
            if fixed is not None:
                inflow, exits, relapses = fixed[arm][t]
            else:
                inflow = inflow_matrix(inputs, lay, int(inputs.year_of_month[t]))
                stock = (inflow @ x)[lay.benefit].sum(axis=1)
                inflow, exits, relapses = month_operators(inputs, lay, t, arm, stock)
            measured = inflow @ x
            after = relapses @ (exits @ measured)
            record_month(inputs, lay, rec, arm, t, (x, measured, after))
            if arm == 1:
                record_investment(inputs, lay, rec, t, measured)
            paths[arm].append(after)
    return rec, lay, paths


def simulate_markov(
    scenario: Mapping[str, Any], values: Mapping[str, float] | None = None
) -> dict[str, Any]:
    """The outputs of `model_v2.simulate_mean_field`, from the matrix product."""
    inputs = parse(scenario, values)
    rec, _, _ = run_chain(inputs)
    return outputs(inputs, rec)
