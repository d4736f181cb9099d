"""Speed of indsats against the strongest plain-NumPy baselines.

Prints, in one run:

* throughput on two cases, Ballerup as first calibrated (``ballerup_2017.toml``:
  the keys on which MODEL.md versions 1 and 2 agree, which the NumPy baselines
  implement) and a one-segment model
  (``one_segment.toml``: 13 duration cells, six destinations, 48 months, one
  uncertain hazard ratio), each mode: indsats on 1 and 2 threads against every
  NumPy baseline, measured interleaved in this process (each round runs every
  contender once, in a rotating order) so that other work on the machine slows
  them alike; the median draws per second, the spread over rounds, and the
  ratio to the fastest baseline, which is named;
* the baselines (all checked against the tests' oracle before timing):
  ``numpy_vector.py`` with inverse-CDF counts on shared uniforms (``icdf``),
  with NumPy's ``Generator.binomial`` on both arms (``generator``) and with
  expected flows (``mean_field``); the batched matrix-vector cohort
  ``numpy_matrix.py`` (mean-field); the oracle ``tests/oracle/numpy_model.py``
  itself. The chunk size of each is tuned first;
* time per draw against cohort size and against the number of draws, and the
  peak memory of a 1,000,000-draw run; the targets.

    .venv/bin/python benches/bench.py          # the full run (a few minutes)
    .venv/bin/python benches/bench.py --quick  # a smoke run with tiny sizes

OpenBLAS reads ``OPENBLAS_CORETYPE`` and ``OPENBLAS_L2_SIZE`` when NumPy loads;
some machines set them to work around old OpenBLAS builds, which slows a current
one. The bench restarts itself without them (in its own process only) and
prints which BLAS kernel runs.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

import indsats

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from numpy_matrix import simulate_matrix
from numpy_vector import simulate_vector
from oracle.numpy_model import coinciding, simulate_numpy, version_2_keys

HERE = Path(__file__).resolve().parent
SCENARIO = HERE / "ballerup_2017.toml"
SMALL = HERE / "one_segment.toml"
MEMORY_LIMIT = 2_000_000_000  # bytes
SEED = 2017
OPENBLAS_OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
UNSET_MARK = "INDSATS_BENCH_UNSET"  # which overrides the restart removed


@dataclass(frozen=True)
class Sizes:
    """How much work each measurement does."""

    rounds: int  # interleaved rounds of every contender
    aim: float  # seconds of one timed throughput run
    chunks_mean_field: tuple[int, ...]  # chunk sizes tried for the NumPy baselines
    chunks_stochastic: tuple[int, ...]
    tune_draws: int  # draws of one tuning run (at least the chunk)
    run_seconds: float  # aim of one timed run in the cohort scaling
    cohorts: tuple[int, ...]
    draw_counts: tuple[int, ...]
    memory_draws: int


FULL = Sizes(
    rounds=5,
    aim=0.4,
    chunks_mean_field=(256, 1024, 4096),
    chunks_stochastic=(512, 2048),
    tune_draws=4096,
    run_seconds=0.6,
    cohorts=(100, 1_000, 10_000, 100_000, 1_000_000),
    draw_counts=(1_000, 10_000, 100_000),
    memory_draws=1_000_000,
)
QUICK = Sizes(
    rounds=2,
    aim=0.01,
    chunks_mean_field=(64,),
    chunks_stochastic=(64,),
    tune_draws=64,
    run_seconds=0.02,
    cohorts=(100, 1_000, 10_000, 100_000),
    draw_counts=(100, 1_000),
    memory_draws=5_000,
)


# --------------------------------------------------------------------------- environment


def without_openblas_overrides() -> None:
    """Restart this process without the OpenBLAS overrides, if any are set."""
    found = [name for name in OPENBLAS_OVERRIDES if name in os.environ]
    if not found:
        return
    env = {k: v for k, v in os.environ.items() if k not in OPENBLAS_OVERRIDES}
    env[UNSET_MARK] = ", ".join(f"{name}={os.environ[name]}" for name in found)
    os.execve(sys.executable, [sys.executable, str(Path(__file__).resolve()), *sys.argv[1:]], env)


def blas_description() -> str:
    unset = os.environ.get(UNSET_MARK)
    note = f"; unset for this run: {unset}" if unset else ""
    try:
        from threadpoolctl import threadpool_info  # type: ignore[import-untyped]
    except ImportError:
        return f"BLAS kernel unknown (threadpoolctl not installed){note}"
    pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
    if not pools:
        return f"no BLAS loaded{note}"
    return (
        "; ".join(
            f"{p['internal_api']} {p['version']}, kernel {p.get('architecture', '?')}, "
            f"{p['num_threads']} threads"
            for p in pools
        )
        + note
    )


@contextlib.contextmanager
def blas_threads(limit: int | None) -> Iterator[None]:
    """NumPy's BLAS limited to ``limit`` threads (None: its default)."""
    if limit is None:
        yield
        return
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=limit, user_api="blas"):
        yield


def have_threadpoolctl() -> bool:
    return importlib.util.find_spec("threadpoolctl") is not None


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


def timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def indsats_run(
    scenario: indsats.Scenario, draws: int, mode: str, threads: int
) -> Callable[[], object]:
    def run() -> object:
        # A cohort scaled down to 100 persons caps the components' participants at the
        # stock: expected here, and the warning would bury the figures.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", indsats.ScenarioWarning)
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
        far = ""
        if not self.met:
            far = f"  {self.value / self.goal:.0%} of it" if not self.at_most else ""
        return f"  {verdict}  {self.name:<52} {measured:>12}  {goal}{far}"


def load_average() -> str:
    """Other work on the machine makes every figure below slower; this shows how much."""
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def busy_cores(seconds: float = 1.0) -> float | None:
    """Cores kept busy by other work while this process waits ``seconds`` (Linux only)."""

    def times() -> tuple[int, int]:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        return sum(fields), fields[3] + fields[4]  # all, idle + iowait

    try:
        total_0, idle_0 = times()
        time.sleep(seconds)
        total_1, idle_1 = times()
    except (OSError, ValueError, IndexError):
        return None
    total = total_1 - total_0
    busy = 1.0 - (idle_1 - idle_0) / total if total > 0 else 0.0
    return busy * (os.cpu_count() or 1)


def busy_warning() -> str | None:
    """A warning when other work holds a core: the second thread's figures suffer most."""
    busy = busy_cores()
    if busy is None or busy < 0.25:
        return None
    return (
        f"warning: other work keeps {busy:.1f} of {os.cpu_count()} cores busy: "
        "2-thread figures and the ratios to them are low; prefer a quiet machine"
    )


def heading(text: str) -> None:
    print(f"\n{text}\n{'-' * len(text)}")


def rate(draws: int, seconds: float) -> str:
    return f"{draws / seconds:>12,.0f}"


# --------------------------------------------------------------------------- baselines

Runner = Callable[[dict[str, Any], int, int], object]  # (scenario, draws, chunk)


@dataclass(frozen=True)
class Baseline:
    """A NumPy implementation of one mode, with the chunk sizes worth trying."""

    name: str
    mode: str
    run: Runner
    chunked: bool = True


BASELINES = (
    Baseline(
        "numpy_vector icdf (inverse-CDF, shared uniforms)",
        "stochastic",
        lambda sc, n, c: simulate_vector(sc, n, seed=SEED, counts="icdf", chunk=c),
    ),
    Baseline(
        "numpy_vector generator (Generator.binomial)",
        "stochastic",
        lambda sc, n, c: simulate_vector(sc, n, seed=SEED, counts="generator", chunk=c),
    ),
    Baseline(
        "numpy_model (oracle, per-cell multinomial)",
        "stochastic",
        lambda sc, n, c: simulate_numpy(sc, n, seed=SEED),
        chunked=False,
    ),
    Baseline(
        "numpy_vector mean_field (expected flows)",
        "mean_field",
        lambda sc, n, c: simulate_vector(sc, n, seed=SEED, counts="mean_field", chunk=c),
    ),
    Baseline(
        "numpy_matrix (batched matrix-vector cohort)",
        "mean_field",
        lambda sc, n, c: simulate_matrix(sc, n, seed=SEED, chunk=c),
    ),
    Baseline(
        "numpy_model (oracle)",
        "mean_field",
        lambda sc, n, c: simulate_numpy(sc, n, seed=SEED, mode="mean_field"),
        chunked=False,
    ),
)


def check_baselines(cases: dict[str, dict[str, Any]]) -> None:
    """Every mean-field baseline equals the oracle; every stochastic one conserves persons.

    The thorough checks are tests (``tests/test_numpy_baselines.py``); this one
    keeps a broken baseline from being timed.
    """
    for case, scenario in cases.items():
        # The baselines implement MODEL.md version 1: a case must keep to the keys on
        # which it agrees with version 2, or indsats and NumPy would time different models.
        differ = version_2_keys(scenario) + ([] if coinciding(scenario) == scenario else ["…"])
        assert not differ, f"{case}: uses keys the baselines do not model: {differ}"
        reference = simulate_numpy(scenario, 6, seed=SEED, mode="mean_field")
        for b in BASELINES:
            out: Any = b.run(scenario, 6, 4)
            if b.mode == "mean_field":
                for name, value in reference.items():
                    scale = max(1.0, float(np.abs(value).max()))
                    np.testing.assert_allclose(
                        out[name], value, rtol=1e-9, atol=1e-9 * scale, err_msg=f"{b.name}: {name}"
                    )
            else:
                totals = out["stocks"].sum(axis=-1)
                assert np.array_equal(totals[:, 0], totals[:, 1]), f"{b.name}: arms differ"
                assert (np.diff(totals[:, 0], axis=1) >= 0).all(), f"{b.name}: persons lost"
        print(f"{case}: mean-field baselines equal the oracle (6 draws, rtol 1e-9); ", end="")
        print("stochastic ones conserve persons")


def tune_chunks(scenario: dict[str, Any], sizes: Sizes) -> dict[str, int]:
    """The fastest chunk size of each chunked baseline (one timed run each, after a warm-up)."""
    best: dict[str, int] = {}
    for b in BASELINES:
        if not b.chunked:
            continue
        chunks = sizes.chunks_mean_field if b.mode == "mean_field" else sizes.chunks_stochastic
        draws = max(sizes.tune_draws // (1 if b.mode == "mean_field" else 2), max(chunks))
        b.run(scenario, min(draws, 64), min(chunks))
        rates = {c: draws / timed(partial(b.run, scenario, draws, c)) for c in chunks}
        best[b.name] = max(rates, key=lambda c: rates[c])
        tried = ", ".join(f"{c:,}: {r:,.0f}" for c, r in rates.items())
        print(f"  {b.name:<48} chunk {best[b.name]:>5,}  (draws/s by chunk: {tried})")
    return best


@dataclass
class Contender:
    engine: str
    mode: str
    threads: str
    run: Callable[[int], object]  # run(draws)
    numpy: bool
    step: int = 1  # draws are a multiple of this
    draws: int = 0
    rates: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.rates)


def run_indsats(sc: indsats.Scenario, mode: str, threads: int, draws: int) -> object:
    return indsats_run(sc, draws, mode, threads)()


def run_baseline(
    b: Baseline, scenario: dict[str, Any], chunk: int, limit: int | None, draws: int
) -> object:
    with blas_threads(limit):
        return b.run(scenario, draws, chunk)


def contenders(sc: indsats.Scenario, chunks: dict[str, int], one_thread: bool) -> list[Contender]:
    scenario = sc.to_dict()
    out: list[Contender] = []
    for mode in ("stochastic", "mean_field"):
        for threads in (1, 2):
            out.append(
                Contender(
                    "indsats",
                    mode,
                    str(threads),
                    partial(run_indsats, sc, mode, threads),
                    numpy=False,
                )
            )
        for b in BASELINES:
            if b.mode != mode:
                continue
            chunk = chunks.get(b.name, 1)
            for limit in (None, 1) if one_thread else (None,):
                run = partial(run_baseline, b, scenario, chunk, limit)
                label = "default" if limit is None else "1"
                out.append(Contender(b.name, mode, label, run, numpy=True, step=chunk))
    return out


def size_run(c: Contender, aim: float) -> None:
    """Draws for one run of about ``aim`` seconds (a multiple of the chunk).

    Sized in two probes, the second a quarter of the aim, so that the fixed cost
    of a call (thread start-up, compiling the scenario) does not shrink the run.
    """
    draws = max(c.step, 64)
    for share in (0.25, 1.0):
        per_draw = timed(partial(c.run, draws)) / draws
        draws = max(c.step, int(share * aim / per_draw))
    c.draws = max(c.step, draws // c.step * c.step)


def throughput(case: str, sc: indsats.Scenario, sizes: Sizes) -> dict[str, dict[str, Any]]:
    """Interleaved rounds of every contender; per mode the fastest NumPy baseline and ratios."""
    scenario = sc.to_dict()
    heading(f"{case}: chunk sizes of the NumPy baselines (one run each)")
    chunks = tune_chunks(scenario, sizes)
    one_thread = have_threadpoolctl()
    field_ = contenders(sc, chunks, one_thread)
    for c in field_:
        size_run(c, sizes.aim)
    for r in range(sizes.rounds):
        order = field_[r % len(field_) :] + field_[: r % len(field_)]
        for c in order:
            c.rates.append(c.draws / timed(partial(c.run, c.draws)))

    heading(
        f"{case}: throughput, {sizes.rounds} interleaved rounds "
        "(median draws/s; min-max over rounds)"
    )
    print("  threads: indsats worker threads; NumPy's BLAS threads (default, or limited to 1)")
    print(f"  {'engine':<48} {'mode':<11} {'threads':>7} {'draws':>7} {'draws/s':>10}  spread")
    summary: dict[str, dict[str, Any]] = {}
    for mode in ("stochastic", "mean_field"):
        rows = [c for c in field_ if c.mode == mode]
        for c in rows:
            spread = f"{min(c.rates):,.0f}-{max(c.rates):,.0f}"
            print(
                f"  {c.engine:<48} {mode:<11} {c.threads:>7} {c.draws:>7,} "
                f"{c.median:>10,.0f}  {spread}"
            )
        by = {(c.engine, c.threads): c for c in rows}
        numpy_default = [c for c in rows if c.numpy and c.threads == "default"]
        fastest = max(numpy_default, key=lambda c: c.median)
        two = by[("indsats", "2")]
        one = by[("indsats", "1")]
        ratios = [a / b for a, b in zip(two.rates, fastest.rates, strict=True)]
        line = (
            f"  fastest NumPy baseline: {fastest.engine}; indsats 2 threads ÷ it: "
            f"{statistics.median(ratios):.1f}× (rounds {min(ratios):.1f}-{max(ratios):.1f}×)"
        )
        print(line)
        fastest_one = by.get((fastest.engine, "1"))
        if fastest_one is not None:
            ratios_one = [a / b for a, b in zip(one.rates, fastest_one.rates, strict=True)]
            print(
                f"  {'':<24}indsats 1 thread ÷ it on 1 BLAS thread: "
                f"{statistics.median(ratios_one):.1f}× "
                f"(rounds {min(ratios_one):.1f}-{max(ratios_one):.1f}×)"
            )
        summary[mode] = {
            "baseline": fastest.engine,
            "ratio": statistics.median(ratios),
            "indsats/1": one.median,
            "indsats/2": two.median,
        }
    return summary


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
    without_openblas_overrides()
    started = time.perf_counter()
    sc = indsats.Scenario.from_toml(SCENARIO)
    small = indsats.Scenario.from_toml(SMALL)
    cases = {"Ballerup": sc, "one segment": small}
    print(
        f"indsats benchmark — {sc.name} and {small.name}; {os.cpu_count()} cores"
        + (" (quick)" if quick else "")
    )
    print(f"NumPy {np.__version__}; Python {sys.version.split()[0]}; {load_average()}")
    print(f"BLAS: {blas_description()}")
    warning = busy_warning()
    if warning:
        print(warning)
    check_baselines({case: s.to_dict() for case, s in cases.items()})

    speed = {case: throughput(case, s, sizes) for case, s in cases.items()}
    rates = speed["Ballerup"]
    per_draw = cohort_scaling(sc, sizes)
    draw_scaling(sc, sizes)
    max_rss, _ = peak_memory(sizes)

    heading("Targets")
    goals = {"stochastic": 20.0, "mean_field": 5.0}
    targets = [
        Target(
            f"{case}, {mode.replace('_', '-')}, 2 threads ÷ fastest NumPy",
            speed[case][mode]["ratio"],
            goals[mode],
        )
        for case in cases
        for mode in goals
    ]
    targets += [
        Target(
            "stochastic, 2 threads ÷ 1 thread",
            rates["stochastic"]["indsats/2"] / rates["stochastic"]["indsats/1"],
            1.8,
        ),
        Target(
            "mean-field, 2 threads ÷ 1 thread",
            rates["mean_field"]["indsats/2"] / rates["mean_field"]["indsats/1"],
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
    for case in cases:
        named = "; ".join(f"{mode}: {speed[case][mode]['baseline']}" for mode in goals)
        print(f"  fastest NumPy baselines, {case}: {named}")
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
    warning = busy_warning()
    if warning:
        print(warning)


if __name__ == "__main__":
    main()
