"""Ctrl-C stops the sampling of parameters as it stops a run: within a
second, with KeyboardInterrupt, and the interpreter stays usable."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path
from types import FrameType

import pytest

import indsats
from indsats import _core


def test_ctrl_c_stops_parameter_draws_promptly(ballerup_path: Path) -> None:
    scenario = indsats.Scenario.from_toml(ballerup_path).to_json()
    sent: list[float] = []
    sampling = threading.Event()

    def on_sigint(signum: int, frame: FrameType | None) -> None:
        # Only while sampling: a machine fast enough to finish first fails the
        # test (it did not raise) instead of interrupting the session.
        if sampling.is_set():
            raise KeyboardInterrupt

    def interrupt() -> None:
        sent.append(time.perf_counter())
        os.kill(os.getpid(), signal.SIGINT)

    previous = signal.signal(signal.SIGINT, on_sigint)
    timer = threading.Timer(0.3, interrupt)
    try:
        sampling.set()
        timer.start()
        # Two million draws of Ballerup's parameters take many seconds.
        with pytest.raises(KeyboardInterrupt):
            _core.parameter_draws(scenario, 2_000_000, 1)
        stopped = time.perf_counter()
    finally:
        sampling.clear()
        timer.cancel()
        timer.join()
        signal.signal(signal.SIGINT, previous)
    assert sent and stopped - sent[0] < 2.0
    paths, values = _core.parameter_draws(scenario, 10, 1)
    assert values.shape == (10, len(paths))
