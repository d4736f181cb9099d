"""How long the decision tools take on the Ballerup scenario, against their targets.

* a 20-design grid (5 caseload targets × 4 mentor levels) at 10,000 draws, in
  mean-field (target 10 s) and stochastic mode (target 30 s);
* Sobol indices of 10 parameters with n = 1,024 (12,288 runs; target 10 s);
* EVPPI of 10 parameters, one at a time, from 10,000 draws of two designs
  (target 5 s; the runs themselves are not counted).

A benchmark, never a timed test: on a machine shared with other work the
figures are slower than the machine is. Each is the best of ``--repeat`` runs.

    .venv/bin/python benches/bench_decisions.py
    .venv/bin/python benches/bench_decisions.py --quick   # tiny sizes, a smoke run
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path

import indsats
from indsats import design, sensitivity, voi

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "ballerup.toml"
SEED = 2017
TARGETS = [30, 36, 42, 48, 54]
MENTORS = [0, 20, 40, 80]


def best_of(repeat: int, job: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        job()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    parser.add_argument("--repeat", type=int, default=2, help="runs per figure (best taken)")
    args = parser.parse_args()
    draws = 200 if args.quick else 10_000
    n_sobol = 16 if args.quick else 1024
    repeat = 1 if args.quick else args.repeat
    sc = indsats.Scenario.from_toml(SCENARIO)
    axes = {
        "intervention.caseload.target": TARGETS,
        "intervention.components[1].participants": MENTORS,
    }
    uncertain = [p["path"] for p in sc.uncertain()][:10]
    print(f"indsats decision tools, Ballerup, {os.cpu_count()} cores, best of {repeat}")
    print(f"load average at the start: {os.getloadavg()[0]:.2f}")
    rows: list[tuple[str, float, float]] = []

    for mode, target in (("mean_field", 10.0), ("stochastic", 30.0)):

        def run_grid(mode: str = mode) -> object:
            return design.grid(sc, axes, draws=draws, seed=SEED, mode=mode)

        seconds = best_of(repeat, run_grid)
        rows.append((f"grid, 20 designs × {draws:,} draws, {mode}", seconds, target))

    seconds = best_of(
        repeat,
        lambda: sensitivity.sobol(sc, n=n_sobol, params=uncertain, seed=SEED),
    )
    rows.append((f"Sobol, {len(uncertain)} parameters, n = {n_sobol:,}, stochastic", seconds, 10.0))

    cmp = indsats.compare(
        {"plan": sc, "target 40": sc.replace({"intervention.caseload.target": 40})},
        draws=draws,
        seed=SEED,
        mode="mean_field",
        progress=False,
    )
    voi.parameters(cmp)  # the parameter draws, computed once, as in any analysis
    seconds = best_of(repeat, lambda: voi.evppi(cmp, uncertain))
    rows.append((f"EVPPI, {len(uncertain)} parameters, {draws:,} draws, 2 designs", seconds, 5.0))

    width = max(len(r[0]) for r in rows)
    print(f"{'':<{width}}  {'seconds':>8}  {'target':>7}")
    for name, seconds, target in rows:
        flag = "" if seconds <= target else "  over the target"
        print(f"{name:<{width}}  {seconds:8.2f}  {target:7.0f}{flag}")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
