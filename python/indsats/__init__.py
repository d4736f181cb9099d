"""indsats — does investing in aktivitetsparate social-assistance recipients pay off?

A Monte Carlo model of a municipality's recipients moving monthly between
benefit, job, education, flexjob, ressourceforløb, førtidspension and other
exits, with and without an investment (lower caseload, mentors, job brokers),
under the Danish refusion ladder. It answers with the business-case table
(Investering / Besparelse / I alt per year) *and* how sure it is.

>>> import indsats
>>> sc = indsats.Scenario.from_toml("scenarios/ballerup.toml")
>>> res = indsats.simulate(sc, draws=10_000, seed=1)
>>> res.table(lang="da")          # mio. kr., mean and 5/50/95 percentiles
>>> res.summary()                 # NPV, break-even, P(payback), extra persons in job
>>> res.plot("net")               # fan chart

The model is specified in MODEL.md; the engine is written in Rust.
"""

from __future__ import annotations

from . import dk
from ._core import __version__
from ._simulate import simulate
from ._warn import ScenarioWarning
from .compare import Comparison, compare
from .result import Result
from .scenario import Scenario

__all__ = [
    "Comparison",
    "Result",
    "Scenario",
    "ScenarioWarning",
    "__version__",
    "compare",
    "dk",
    "simulate",
]
