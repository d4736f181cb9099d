"""Speed of indsats against a plain-NumPy baseline, on the Ballerup scenario.

Prints, in one run: draws per second of indsats (stochastic and mean-field, 1
and 2 threads) and of the NumPy baselines (``numpy_model.py`` for stochastic,
the batched matrix-vector cohort ``numpy_matrix.py`` for mean-field), the
ratios against the targets, time per draw against cohort size and against the
number of draws, and the peak memory of a 1,000,000-draw run.

    .venv/bin/python benches/bench.py          # the full run (a few minutes)
    .venv/bin/python benches/bench.py --quick  # a smoke run with tiny sizes
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

import indsats

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "oracle"))
from numpy_matrix import simulate_matrix
from numpy_model import simulate_numpy

HERE = Path(__file__).resolve().parent
SCENARIO = HERE.parent / "scenarios" / "ballerup.toml"
MEMORY_LIMIT = 2_000_000_000  # bytes
SEED = 2017


@dataclass(frozen=True)
class Sizes:
    """How much work each measurement does."""

    stochastic: int  # indsats draws per timed run
    mean_field: int
    numpy_stochastic: int  # one vectorised call of the baseline
    numpy_mean_field: int
    run_seconds: float  # aim of one timed run in the cohort scaling
    cohorts: tuple[int, ...]
    draw_counts: tuple[int, ...]
    memory_draws: int


FULL = Sizes(
    stochastic=20_000,
    mean_field=60_000,
    numpy_stochastic=1_000,
    numpy_mean_field=4_096,
    run_seconds=0.6,
    cohorts=(100, 1_000, 10_000, 100_000, 1_000_000),
    draw_counts=(1_000, 10_000, 100_000),
    memory_draws=1_000_000,
)
QUICK = Sizes(
    stochastic=400,
    mean_field=1_000,
    numpy_stochastic=50,
    numpy_mean_field=100,
    run_seconds=0.02,
    cohorts=(100, 1_000, 10_000, 100_000),
    draw_counts=(100, 1_000),
    memory_draws=5_000,
)


# --------------------------------------------------------------------------- timing


def best_time(run: Callable[[], object], repeats: int = 3) -> float:
    """Best wall time of ``repeats`` runs (seconds), after one untimed warm-up run."""
    run()
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def indsats_run(
    scenario: indsats.Scenario, draws: int, mode: str, threads: int
) -> Callable[[], object]:
    def run() -> object:
        return indsats.simulate(
            scenario, draws, seed=SEED, mode=mode, threads=threads, progress=False, keep_paths=0
        )

    return run


def indsats_seconds_per_draw(
    scenario: indsats.Scenario, mode: str, threads: int, aim: float
) -> tuple[float, int]:
    """Seconds per draw with a run sized to take about ``aim`` seconds."""
    probe = 64
    per_draw = best_time(indsats_run(scenario, probe, mode, threads), repeats=1) / probe
    draws = int(min(200_000, max(probe, aim / per_draw)))
    return best_time(indsats_run(scenario, draws, mode, threads)) / draws, draws


# --------------------------------------------------------------------------- reporting


@dataclass
class Target:
    name: str
    value: float
    goal: float
    unit: str = "×"
    at_most: bool = False

    @property
    def met(self) -> bool:
        return self.value <= self.goal if self.at_most else self.value >= self.goal

    def line(self) -> str:
        sign = "≤" if self.at_most else "≥"
        verdict = "PASS" if self.met else "MISS"
        measured = f"{self.value:,.2f}{self.unit}"
        goal = f"(target {sign} {self.goal:g}{self.unit})"
        return f"  {verdict}  {self.name:<52} {measured:>12}  {goal}"


def load_average() -> str:
    """Other work on the machine makes every figure below slower; this shows how much."""
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def heading(text: str) -> None:
    print(f"\n{text}\n{'-' * len(text)}")


def rate(draws: int, seconds: float) -> str:
    return f"{draws / seconds:>12,.0f}"


# --------------------------------------------------------------------------- sections


def check_baselines(scenario: dict[str, Any]) -> None:
    """The two NumPy implementations compute the same mean-field model."""
    reference = simulate_numpy(scenario, 6, seed=SEED, mode="mean_field")
    matrix = simulate_matrix(scenario, 6, seed=SEED, chunk=4)
    for name, value in reference.items():
        np.testing.assert_allclose(matrix[name], value, rtol=1e-6, atol=1e-6, err_msg=name)
    print("numpy_matrix.py agrees with numpy_model.py (mean-field, 6 draws, rtol 1e-6)")


def throughput(sc: indsats.Scenario, sizes: Sizes) -> dict[str, float]:
    """Draws per second of every engine; best of 3 after a warm-up."""
    scenario = sc.to_dict()
    rows: list[tuple[str, str, int, int, float]] = []
    for mode, draws in (("stochastic", sizes.stochastic), ("mean_field", sizes.mean_field)):
        for threads in (1, 2):
            seconds = best_time(indsats_run(sc, draws, mode, threads))
            rows.append(("indsats", mode, threads, draws, seconds))
    draws = sizes.numpy_stochastic
    seconds = best_time(lambda: simulate_numpy(scenario, draws, seed=SEED))
    rows.append(("NumPy numpy_model.py", "stochastic", 1, draws, seconds))
    draws = sizes.numpy_mean_field
    seconds = best_time(lambda: simulate_matrix(scenario, draws, seed=SEED))
    rows.append(("NumPy numpy_matrix.py", "mean_field", 1, draws, seconds))
    seconds = best_time(lambda: simulate_numpy(scenario, draws, seed=SEED, mode="mean_field"))
    rows.append(("NumPy numpy_model.py (info)", "mean_field", 1, draws, seconds))

    heading("Throughput, Ballerup (best of 3 after a warm-up)")
    print(f"  {'engine':<28} {'mode':<11} {'threads':>7} {'draws':>8} {'draws/s':>12}")
    rates: dict[str, float] = {}
    for engine, mode, threads, draws, seconds in rows:
        print(f"  {engine:<28} {mode:<11} {threads:>7} {draws:>8,} {rate(draws, seconds)}")
        rates[f"{engine}/{mode}/{threads}"] = draws / seconds
    return rates


# Keys of a distribution that scale with the quantity (all but shape parameters).
SCALE_KEYS = frozenset({"value", "mean", "sd", "median", "p5", "p95", "low", "high"})
SCALE_KEYS |= {"min", "mode", "max"}


def times(value: Any, factor: float) -> Any:
    """A number, or a distribution table, multiplied by ``factor``."""
    if isinstance(value, dict):
        return {k: v * factor if k in SCALE_KEYS else v for k, v in value.items()}
    return value * factor


def central(value: Any) -> float:
    """A number, or a distribution table's central value."""
    if not isinstance(value, dict):
        return float(value)
    for key in ("value", "mode", "mean", "median"):
        if key in value:
            return float(value[key])
    if "p5" in value:
        return float(np.sqrt(value["p5"] * value["p95"]))
    return (float(value["low"]) + float(value["high"])) / 2


def scaled(sc: indsats.Scenario, cohort: int) -> indsats.Scenario:
    """The scenario with every segment's initial stock and inflow scaled to ``cohort`` persons.

    The cohort counts every person who is ever in the model: the initial stock
    plus the inflow over the horizon (central values of any distributions).
    """
    data = sc.to_dict()
    years = data["years"]
    segments = data["segments"]
    persons = sum(
        central(s.get("initial", 0)) + years * central(s.get("inflow_per_year", 0))
        for s in segments
    )
    factor = cohort / persons
    changes: dict[str, Any] = {}
    for i, segment in enumerate(segments):
        for key in ("initial", "inflow_per_year"):
            if key in segment:
                changes[f"segments[{i}].{key}"] = times(segment[key], factor)
    return sc.replace(changes)


def cohort_scaling(sc: indsats.Scenario, sizes: Sizes) -> dict[str, dict[int, float]]:
    """Seconds per draw on 1 thread for each mode and cohort size."""
    heading("Time per draw vs cohort size (indsats, 1 thread, best of 3)")
    print("  cohort = initial stock + inflow over the 4-year horizon, all segments scaled")
    print(f"  {'cohort':>9} {'mode':<11} {'draws':>8} {'µs/draw':>10} {'vs 100':>8}")
    per_draw: dict[str, dict[int, float]] = {}
    for mode in ("stochastic", "mean_field"):
        per_draw[mode] = {}
        for cohort in sizes.cohorts:
            seconds, draws = indsats_seconds_per_draw(
                scaled(sc, cohort), mode, 1, sizes.run_seconds
            )
            per_draw[mode][cohort] = seconds
            first = per_draw[mode][sizes.cohorts[0]]
            print(
                f"  {cohort:>9,} {mode:<11} {draws:>8,} {seconds * 1e6:>10.1f} "
                f"{seconds / first:>7.2f}×"
            )
    return per_draw


def flatness(per_draw: dict[str, dict[int, float]], mode: str) -> Target:
    """The slowest cohort of 1,000 to 100,000 persons against 100 persons, so that a
    bump at a middle size counts as much as the end of the range."""
    times = per_draw[mode]
    slowest = max((c for c in times if 100 < c <= 100_000), key=lambda c: times[c])
    label = mode.replace("_", "-")
    return Target(
        f"{label} per draw, slowest cohort {slowest:,} ÷ 100",
        times[slowest] / times[100],
        2,
        at_most=True,
    )


def draw_scaling(sc: indsats.Scenario, sizes: Sizes) -> None:
    heading("Time per draw vs draws (indsats, 2 threads)")
    print(f"  {'draws':>8} {'mode':<11} {'seconds':>9} {'µs/draw':>10} {'draws/s':>12}")
    for mode in ("stochastic", "mean_field"):
        for draws in sizes.draw_counts:
            repeats = 3 if draws <= 10_000 else 1
            seconds = best_time(indsats_run(sc, draws, mode, 2), repeats=repeats)
            print(
                f"  {draws:>8,} {mode:<11} {seconds:>9.3f} {seconds / draws * 1e6:>10.1f} "
                f"{rate(draws, seconds)}"
            )


MEMORY_CHILD = """
import resource, sys, time
import indsats
started = time.perf_counter()
result = indsats.simulate(sys.argv[1], int(sys.argv[2]))
seconds = time.perf_counter() - started
assert result.n_draws == int(sys.argv[2])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, seconds)
"""


def peak_memory(sizes: Sizes) -> tuple[int, float]:
    """Max RSS (bytes) and seconds of a child running stochastic Ballerup with defaults."""
    draws = sizes.memory_draws
    heading(f"Peak memory: {draws:,} stochastic draws, default options, in a child process")
    child = subprocess.run(
        [sys.executable, "-c", MEMORY_CHILD, str(SCENARIO), str(draws)],
        capture_output=True,
        text=True,
        check=True,
    )
    max_rss, seconds = child.stdout.split()
    print(f"  max RSS {int(max_rss) / 1e6:,.0f} MB in {float(seconds):.1f} s (limit 2,000 MB)")
    return int(max_rss), float(seconds)


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run for CI")
    quick = parser.parse_args().quick
    sizes = QUICK if quick else FULL
    started = time.perf_counter()
    sc = indsats.Scenario.from_toml(SCENARIO)
    print(f"indsats benchmark — {sc.name}; {os.cpu_count()} cores" + (" (quick)" if quick else ""))
    print(f"NumPy {np.__version__}; Python {sys.version.split()[0]}; {load_average()}")
    check_baselines(sc.to_dict())

    rates = throughput(sc, sizes)
    per_draw = cohort_scaling(sc, sizes)
    draw_scaling(sc, sizes)
    max_rss, _ = peak_memory(sizes)

    heading("Targets")
    targets = [
        Target(
            "stochastic, 2 threads ÷ NumPy stochastic",
            rates["indsats/stochastic/2"] / rates["NumPy numpy_model.py/stochastic/1"],
            20,
        ),
        Target(
            "mean-field, 2 threads ÷ NumPy matrix cohort",
            rates["indsats/mean_field/2"] / rates["NumPy numpy_matrix.py/mean_field/1"],
            5,
        ),
        Target(
            "stochastic, 2 threads ÷ 1 thread",
            rates["indsats/stochastic/2"] / rates["indsats/stochastic/1"],
            1.8,
        ),
        Target(
            "mean-field, 2 threads ÷ 1 thread",
            rates["indsats/mean_field/2"] / rates["indsats/mean_field/1"],
            1.8,
        ),
        flatness(per_draw, "stochastic"),
        flatness(per_draw, "mean_field"),
    ]
    memory = Target(
        f"max RSS of {sizes.memory_draws:,} stochastic draws",
        max_rss / 1e6,
        MEMORY_LIMIT / 1e6,
        unit=" MB",
        at_most=True,
    )
    for target in targets:
        print(target.line())
    if quick:
        print(f"  ----  {memory.name:<52} {memory.value:>9,.0f} MB  (quick: 1,000,000 not run)")
    else:
        print(memory.line())
    print("  flat: time per draw grows at most 2× at any cohort size up to 1,000× the smallest")
    largest = sizes.cohorts[-1]
    if largest > 100_000:
        ratio = per_draw["stochastic"][largest] / per_draw["stochastic"][100_000]
        print(f"  (stochastic, cohort {largest:,} ÷ 100,000: {ratio:.2f}×; not a target)")
    print(f"\nbench finished in {time.perf_counter() - started:.0f} s; {load_average()}")


if __name__ == "__main__":
    main()
