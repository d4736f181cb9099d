"""Every API works in a child forked from a parent that has run the core's
parallel sections (Python's multiprocessing forks by default on Linux)."""

from __future__ import annotations

import multiprocessing
from multiprocessing.connection import Connection
from pathlib import Path

import pytest

import indsats

# A fork must never leave the suite waiting: the child gets this long.
CHILD_TIMEOUT = 60.0


def _work_in_child(ballerup_path: Path, out: Path, conn: Connection) -> None:
    sc = indsats.Scenario.from_toml(ballerup_path)
    res = indsats.simulate(sc, 40, seed=5, progress=False)
    parameters = res.parameters()
    drivers = res.drivers()
    # The workbook samples parameters and draws the fan chart in the child too.
    written = res.to_excel(out)
    both = indsats.compare({"a": sc, "b": sc}, 20, seed=5, progress=False)
    same = bool((both.results["a"].npv == both.results["b"].npv).all())
    conn.send((res.n_draws, parameters.shape, len(drivers), written.stat().st_size > 0, same))
    conn.close()


# Forking a process with threads is exactly what is tested here.
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_forked_child_simulates_samples_and_writes(ballerup_path: Path, tmp_path: Path) -> None:
    sc = indsats.Scenario.from_toml(ballerup_path)
    res = indsats.simulate(sc, 200, seed=1, progress=False)
    n_uncertain = res.parameters().shape[1]
    assert n_uncertain > 0
    res.drivers()
    res.to_excel(tmp_path / "parent.xlsx")

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(
        target=_work_in_child, args=(ballerup_path, tmp_path / "child.xlsx", send)
    )
    child.start()
    send.close()
    child.join(CHILD_TIMEOUT)
    if child.is_alive():
        child.kill()
        child.join()
        pytest.fail(f"the forked child did not finish within {CHILD_TIMEOUT:.0f} s")
    assert child.exitcode == 0
    assert receive.poll(5)
    assert receive.recv() == (40, (40, n_uncertain), n_uncertain, True, True)
