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


def _work_in_child(ballerup_path: Path, conn: Connection) -> None:
    sc = indsats.Scenario.from_toml(ballerup_path)
    res = indsats.simulate(sc, 40, seed=5, progress=False)
    parameters = res.parameters()
    drivers = res.drivers()
    conn.send((res.n_draws, parameters.shape, len(drivers)))
    conn.close()


# Forking a process with threads is exactly what is tested here.
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_forked_child_simulates_and_samples_parameters(ballerup_path: Path) -> None:
    sc = indsats.Scenario.from_toml(ballerup_path)
    res = indsats.simulate(sc, 200, seed=1, progress=False)
    n_uncertain = res.parameters().shape[1]
    assert n_uncertain > 0
    res.drivers()

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_work_in_child, args=(ballerup_path, send))
    child.start()
    send.close()
    child.join(CHILD_TIMEOUT)
    if child.is_alive():
        child.kill()
        child.join()
        pytest.fail(f"the forked child did not finish within {CHILD_TIMEOUT:.0f} s")
    assert child.exitcode == 0
    assert receive.poll(5)
    assert receive.recv() == (40, (40, n_uncertain), n_uncertain)
