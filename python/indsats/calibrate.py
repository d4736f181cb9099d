"""Do the baseline rates match the kommune's own numbers: calibration to an
observed monthly series (benefit stock, exits by destination, inflow).

The fit is Bayesian: priors on the chosen parameters, a likelihood of the
observed series given the model's mean-field path, and MCMC by emcee's affine-
invariant ensemble sampler. Why this and not ABC-SMC (pyabc): the mean-field
path is the model's expected monthly stock and yearly flows, computed by the
engine in microseconds per walker, so the likelihood is exact to compute and
the posterior is sampled without the tolerance schedule of ABC (whose
posterior is only approximate for a tolerance above 0); emcee is one small
pure-Python package, pyabc brings a database and a cluster scheduler.

The observation model (documented in :func:`calibrate`) counts events as
Poisson and takes from the stock what the counts do not tell: its starting
level and the flows the series does not count. The posterior draws
feed the engine directly: ``indsats.simulate(sc, parameters=cal.posterior)``.

>>> observed = calibrate.read_series("jobindsats.csv")
>>> cal = calibrate.calibrate(sc, observed, {"segments[0].exit.job": stats.beta(8, 80),
...                                           "segments[0].inflow_per_year": (50, 400)})
>>> cal.summary(); cal.plot()
>>> indsats.simulate(sc, parameters=cal.posterior)
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ._decide import find_path, param_label, quantiles, uncertain_paths
from ._labels import label
from ._options import check_lang
from ._simulate import ScenarioLike, as_scenario, simulate
from ._warn import quiet_runs
from .result import Result
from .scenario import Scenario

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["Calibration", "calibrate", "read_series", "synthetic_series"]

ARMS = ("baseline", "intervention")
_DESTINATIONS_DA = {
    "job": "job",
    "beskæftigelse": "job",
    "selvforsørgelse": "job",
    "uddannelse": "education",
    "fleksjob": "flexjob",
    "ressourceforløb": "resource",
    "førtidspension": "pension",
    "andet": "other",
    "øvrige": "other",
}
_MONTH = re.compile(r"^\s*(\d{4})\s*(?:M|-|/)\s*(\d{1,2})\s*$", re.IGNORECASE)


class Prior(Protocol):
    """A frozen scipy.stats distribution, or anything with ``logpdf`` and ``rvs``."""

    def logpdf(self, x: Any) -> Any: ...
    def rvs(self, size: Any = ..., random_state: Any = ...) -> Any: ...


def _month(value: object, row: int) -> str:
    m = _MONTH.match(str(value))
    if not m or not 1 <= int(m[2]) <= 12:
        raise ValueError(
            f"row {row}: cannot read the month {value!r}; write it as 2019M01 (jobindsats) "
            "or 2019-01"
        )
    return f"{int(m[1]):04d}-{int(m[2]):02d}"


def read_series(
    source: str | os.PathLike[str] | IO[str], *, sep: str | None = None
) -> pd.DataFrame:
    """A kommune's monthly series from a CSV with Danish headers, as one saves
    a jobindsats.dk table (one row per month): ``Måned`` (2019M01 or
    2019-01), ``Bestand`` (persons on the benefit), and optionally ``Tilgang``
    (new spells) and ``Afgang til job``, ``Afgang til uddannelse``, ``Afgang
    til fleksjob``, … (exits by destination; ``beskæftigelse`` and
    ``selvforsørgelse`` are read as job). Numbers may use Danish formatting
    (1.234,5); the separator is sniffed (``;`` or ``,``) unless given.

    Returns a DataFrame indexed by month ("YYYY-MM") with columns ``stock``,
    ``inflow`` and ``exits.<destination>`` (those present).
    """
    raw = pd.read_csv(
        source, sep=sep, engine="python", dtype=str, skipinitialspace=True, encoding="utf-8-sig"
    )
    columns: dict[str, str] = {}
    for col in raw.columns:
        key = str(col).strip().lower()
        if key in ("måned", "maaned", "periode", "month"):
            columns[col] = "month"
        elif key in ("bestand", "antal personer", "personer", "stock"):
            columns[col] = "stock"
        elif key in ("tilgang", "inflow"):
            columns[col] = "inflow"
        elif key.startswith("afgang"):
            dest = re.sub(r"^afgang( til)?\s*", "", key).strip()
            if dest not in _DESTINATIONS_DA:
                known = ", ".join(sorted(_DESTINATIONS_DA))
                raise ValueError(f"column {col!r}: unknown destination {dest!r}; known: {known}")
            columns[col] = f"exits.{_DESTINATIONS_DA[dest]}"
        else:
            raise ValueError(
                f"column {col!r}: not a column of the series (Måned, Bestand, Tilgang, "
                "Afgang til <destination>)"
            )
    if "month" not in columns.values() or "stock" not in columns.values():
        raise ValueError("the series needs the columns Måned and Bestand")
    if len(set(columns.values())) != len(columns):
        raise ValueError(f"two columns mean the same: {list(raw.columns)}")
    frame = raw.rename(columns=columns)
    frame["month"] = [_month(v, i + 2) for i, v in enumerate(frame["month"])]
    for col in frame.columns.drop("month"):
        text = frame[col].str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        values = pd.to_numeric(text.str.strip(), errors="coerce")
        bad = values.isna() | (values < 0)
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise ValueError(
                f"row {i + 2}, column {col}: expected a count ≥ 0, got {frame[col].iloc[i]!r}"
            )
        frame[col] = values.astype(float)
    return _checked_series(frame.set_index("month"))


def synthetic_series(
    scenario: ScenarioLike,
    values: Mapping[str, float],
    *,
    seed: int = 0,
    arm: str = "baseline",
    destinations: list[str] | None = None,
) -> pd.DataFrame:
    """A kommune's series as the model would produce it: one stochastic draw
    of ``scenario`` with the parameters in ``values`` (path → value), in the
    shape of :func:`read_series` — the monthly benefit stock, and each year's
    exits to ``destinations`` (default all) and inflow spread over its months
    (a calibration uses their yearly sums). For trying a calibration on data
    whose truth is known."""
    sc = as_scenario(scenario)
    if arm not in ARMS:
        raise ValueError(f"arm must be 'baseline' or 'intervention'; got {arm!r}")
    with quiet_runs():
        res = simulate(
            sc, 1, seed=seed, progress=False, parameters={p: [v] for p, v in values.items()}
        )
    start_month = int(sc.start[5:7])
    year_of = np.array([(start_month - 1 + t) // 12 for t in range(sc.months)])
    per_year = np.bincount(year_of).astype(float)
    frame = pd.DataFrame(
        {"stock": res.stock_paths[0, ARMS.index(arm), :, 0]},
        index=[label_month(sc.start, t) for t in range(sc.months)],
    )
    frame["inflow"] = (np.asarray(res.draws("inflow"))[0] / per_year)[year_of]
    for d in destinations if destinations is not None else sc.destinations:
        frame[f"exits.{d}"] = (np.asarray(res.draws(f"flow.{d}", arm))[0] / per_year)[year_of]
    return frame


def label_month(start: str, t: int) -> str:
    """The month ``t`` months after ``start`` ("YYYY-MM")."""
    m0 = int(start[5:7]) - 1 + t
    return f"{int(start[:4]) + m0 // 12:04d}-{m0 % 12 + 1:02d}"


def _checked_series(observed: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(observed, pd.DataFrame):
        raise TypeError(
            f"observed must be a DataFrame (see read_series); got {type(observed).__name__}"
        )
    frame = observed.copy()
    if "month" in frame.columns:
        frame = frame.set_index("month")
    frame.index = [_month(v, i) for i, v in enumerate(frame.index)]
    if frame.index.duplicated().any():
        raise ValueError(f"month {frame.index[frame.index.duplicated()][0]} appears twice")
    frame = frame.sort_index()
    if "stock" not in frame.columns:
        raise ValueError("observed needs a column 'stock' (persons on the benefit each month)")
    for col in frame.columns:
        if col not in ("stock", "inflow") and not col.startswith("exits."):
            raise ValueError(
                f"observed: unknown column {col!r} (stock, inflow, exits.<destination>)"
            )
        values = frame[col].to_numpy(dtype=float)
        if not np.all(np.isfinite(values)) or np.any(values < 0):
            raise ValueError(f"observed[{col!r}]: counts must be finite and ≥ 0")
    return frame


@dataclass
class _Observation:
    months: NDArray[np.int64]  # horizon month of each observed row
    stock: NDArray[np.float64]
    years: list[int]  # calendar-year indices fully observed
    counts: dict[str, NDArray[np.float64]]  # "inflow" / destination → per fully observed year
    count_in_year: dict[str, dict[int, float]]  # the same by year index
    stock_at: dict[int, float]  # horizon month → observed stock
    year_starts: list[tuple[int, int]]  # (year index, its first horizon month), both observed
    mean_stock: NDArray[np.float64]  # per fully observed year: the mean of its monthly stock


def _observation(sc: Scenario, observed: pd.DataFrame) -> _Observation:
    start = sc.start
    y0, m0 = int(start[:4]), int(start[5:7])
    months = np.array([(int(s[:4]) - y0) * 12 + int(s[5:7]) - m0 for s in observed.index])
    if months.min() < 0 or months.max() >= sc.months:
        raise ValueError(
            f"observed: months from {observed.index[0]} to {observed.index[-1]} must lie within "
            f"the scenario's horizon ({start}, {sc.months} months)"
        )
    if np.any(np.diff(months) != 1):
        raise ValueError("observed: the months must follow each other without gaps")
    year_of = [(m0 - 1 + t) // 12 for t in range(sc.months)]
    full = [
        y
        for y in range(len(sc.calendar_years))
        if all(t in set(months.tolist()) for t in range(sc.months) if year_of[t] == y)
    ]
    counts = {}
    for col in observed.columns:
        if col == "stock":
            continue
        key = col.removeprefix("exits.")
        if col.startswith("exits.") and key not in sc.destinations:
            raise ValueError(f"observed[{col!r}]: the scenario has no destination {key!r}")
        per_month = observed[col].to_numpy(dtype=float)
        counts[key] = np.array(
            [
                sum(v for t, v in zip(months, per_month, strict=True) if year_of[t] == y)
                for y in full
            ]
        )
    stock = observed["stock"].to_numpy(dtype=float)
    stock_at = dict(zip(months.tolist(), stock.tolist(), strict=True))
    year_starts = [
        (y, t)
        for t, y in enumerate(year_of)
        if (t == 0 or year_of[t - 1] != y) and t in stock_at and (y in full or y == year_of[-1])
    ]
    # A year's change needs the year counted in full and the next year's first month.
    year_starts = [
        ys
        for i, ys in enumerate(year_starts)
        if ys[0] in full or (i > 0 and year_starts[i - 1][0] in full)
    ]
    by_year = {key: dict(zip(full, v.tolist(), strict=True)) for key, v in counts.items()}
    mean_stock = np.array(
        [np.mean([stock_at[t] for t in range(sc.months) if year_of[t] == y]) for y in full]
    )
    return _Observation(months, stock, full, counts, by_year, stock_at, year_starts, mean_stock)


def _poisson(k: NDArray[np.float64], mu: NDArray[np.float64]) -> NDArray[np.float64]:
    from scipy.special import gammaln

    mu = np.maximum(mu, 1e-12)
    return np.asarray((k * np.log(mu) - mu - gammaln(k + 1)).sum(axis=-1))


def _log_likelihood(res: Result, obs: _Observation, arm: str) -> NDArray[np.float64]:
    """Per draw (walker): log-likelihood of the observation given the draw's
    mean-field run (see :func:`calibrate`)."""
    a = ARMS.index(arm)
    ll = np.zeros(res.n_draws)
    years = obs.years
    flows = {d: np.asarray(res.draws(f"flow.{d}", arm)) for d in res.destinations}
    inflow = np.asarray(res.draws("inflow"))
    # Exits happen to the stock there was: the run's flow, scaled by the
    # observed over the run's mean stock of the year.
    exposure = obs.mean_stock[None, :] / np.maximum(
        np.asarray(res.draws("stock.benefit", arm))[:, years], 1e-9
    )
    for key, k in obs.counts.items():
        mu = inflow[:, years] if key == "inflow" else flows[key][:, years] * exposure
        ll += _poisson(k[None, :], mu)
    # The stock's change over each year (first month to the next year's
    # first month) less the observed counts leaves the flows not observed:
    # relapses, and the inflow and the exits to destinations not in the series.
    firsts = obs.year_starts
    if len(firsts) >= 2:
        relapse = np.asarray(res.draws("relapse", arm))
        mean = relapse.copy()
        if "inflow" not in obs.counts:
            mean = mean + inflow
        var = mean.copy()
        for d, f in flows.items():
            if d not in obs.counts:
                mean = mean - f
                var = var + f
        for (y, t0), (_, t1) in itertools.pairwise(firsts):
            change = obs.stock_at[t1] - obs.stock_at[t0]
            known = sum(
                (-obs.count_in_year[key][y] if key == "inflow" else obs.count_in_year[key][y])
                for key in obs.counts
            )
            resid = change + known - mean[:, y]
            v = np.maximum(var[:, y], 1.0)
            ll += -0.5 * (resid**2 / v + np.log(2 * np.pi * v))
    # The level at the first observed month, around the run's stock.
    m = res.stock_paths[:, a, obs.months[0], 0]
    v = np.maximum(m, 1.0)
    ll += -0.5 * ((obs.stock[0] - m) ** 2 / v + np.log(2 * np.pi * v))
    return ll


@dataclass
class Calibration:
    """Posterior draws of a calibration, and how well they fit (:func:`calibrate`)."""

    scenario: Scenario
    observed: pd.DataFrame
    arm: str
    posterior: pd.DataFrame
    """Posterior draws, one column per calibrated path: ``simulate(sc,
    parameters=posterior)`` runs the scenario on them (``draws`` = rows)."""
    acceptance: float
    """Mean acceptance fraction of the walkers (0.2–0.5 is healthy)."""
    priors: dict[str, Any]

    def summary(self, *, lang: str = "en", interval: tuple[float, float] = (5, 95)) -> pd.DataFrame:
        """Posterior mean and interval of each calibrated parameter."""
        check_lang(lang)
        lo, hi = interval
        rows = {}
        for path in self.posterior.columns:
            x = self.posterior[path].to_numpy()
            rows[param_label(self.scenario, path, lang)] = {
                "path": path,
                label("mean", lang): float(x.mean()),
                f"p{lo:g}": float(np.percentile(x, lo)),
                f"p{hi:g}": float(np.percentile(x, hi)),
            }
        return pd.DataFrame.from_dict(rows, orient="index")

    def plot(
        self,
        *,
        lang: str = "da",
        draws: int = 500,
        seed: int = 0,
        percentiles: tuple[float, float] = (5, 95),
    ) -> Figure:
        """Observed against the posterior band: the monthly stock and each
        observed yearly count, with the 5–95 % band of stochastic runs on
        ``draws`` posterior draws (parameter and chance uncertainty)."""
        import matplotlib.pyplot as plt

        check_lang(lang)
        post = self.posterior
        take = post.iloc[np.linspace(0, len(post) - 1, min(draws, len(post))).astype(int)]
        with quiet_runs():
            res = simulate(self.scenario, len(take), seed=seed, progress=False, parameters=take)
        a = ARMS.index(self.arm)
        obs = _observation(self.scenario, self.observed)
        counts = list(obs.counts)
        n = 1 + len(counts)
        ncols = min(3, n)
        nrows = -(-n // ncols)
        fig, grid = plt.subplots(nrows, ncols, figsize=(5 * ncols, 3.6 * nrows), squeeze=False)
        axes = grid.ravel()
        for extra in axes[n:]:
            extra.set_visible(False)
        ax = axes[0]
        band = np.percentile(
            res.stock_paths[:, a, :, 0], [percentiles[0], 50, percentiles[1]], axis=0
        )
        t = np.arange(self.scenario.months)
        ax.fill_between(
            t,
            band[0],
            band[2],
            alpha=0.25,
            color="#4c72b0",
            label=f"{percentiles[0]:g}–{percentiles[1]:g} %",
        )
        ax.plot(t, band[1], color="#4c72b0", label="median")
        ax.plot(
            obs.months,
            obs.stock,
            "o",
            ms=3,
            color="black",
            label="observed" if lang == "en" else "observeret",
        )
        ax.set_xlabel(label("month", lang))
        ax.set_ylabel(label("persons", lang))
        ax.set_title(label("benefit", lang))
        ax.legend()
        years = [self.scenario.calendar_years[y] for y in obs.years]
        for j, key in enumerate(counts, start=1):
            ax = axes[j]
            sim = res.draws("inflow") if key == "inflow" else res.draws(f"flow.{key}", self.arm)
            sim = np.asarray(sim)[:, obs.years]
            lo, mid, hi = np.percentile(sim, [percentiles[0], 50, percentiles[1]], axis=0)
            ax.fill_between(years, lo, hi, alpha=0.25, color="#4c72b0")
            ax.plot(years, mid, color="#4c72b0")
            ax.plot(years, obs.counts[key], "o", color="black")
            name = (
                ("Inflow" if lang == "en" else "Tilgang")
                if key == "inflow"
                else (f"{'Exits to' if lang == 'en' else 'Afgang til'} {label(key, lang).lower()}")
            )
            ax.set_title(name)
            ax.set_xticks(years)
            ax.set_xlabel(label("year", lang))
        fig.tight_layout()
        return fig


def _prior(path: str, prior: object) -> Any:
    if isinstance(prior, tuple) and len(prior) == 2:
        from scipy import stats

        lo, hi = (float(b) for b in prior)
        if not lo < hi:
            raise ValueError(f"{path}: a (low, high) prior needs low < high; got {prior!r}")
        return stats.uniform(lo, hi - lo)
    if not (hasattr(prior, "logpdf") and hasattr(prior, "rvs")):
        raise TypeError(
            f"{path}: a prior is a frozen scipy.stats distribution (e.g. stats.beta(8, 80)) "
            f"or a (low, high) range; got {prior!r}"
        )
    return prior


def calibrate(
    scenario: ScenarioLike,
    observed: pd.DataFrame | str | os.PathLike[str],
    params: Mapping[str, Any],
    *,
    arm: str = "baseline",
    walkers: int = 32,
    steps: int = 1500,
    burn: int = 500,
    thin: int = 5,
    seed: int = 0,
    progress: bool = False,
) -> Calibration:
    """Fit the parameters in ``params`` (path → prior: a frozen scipy.stats
    distribution or a ``(low, high)`` uniform range) to a kommune's observed
    monthly series (:func:`read_series`, or a path to its CSV), for the
    ``arm`` the series was observed under (the baseline, or the intervention
    arm to fit effect sizes).

    Likelihood, given the parameters, of the mean-field run of the scenario
    (every other uncertain parameter at its median):

    * each observed count over a calendar year the series covers in full is
      Poisson: the inflow around the run's inflow in that year, the exits to
      each destination (``exits.<destination>``) around the run's flow scaled
      by the observed over the run's mean benefit stock of the year (exits
      happen to the persons there were);
    * the monthly benefit stock (measured as the engine measures it: after
      inflow, before exits) enters twice: its level in the first observed
      month, Gaussian around the run's with the run's stock as variance; and
      its change over each counted year (from the year's first month to the
      next year's) less the observed counts, which leaves the flows the
      series does not count (relapses, and the inflow and exits to
      destinations not observed): Gaussian around the run's sum of those
      flows, their sum as variance (Poisson-like). So no count enters twice.

    Sampled by emcee (``walkers`` walkers, ``steps`` steps, the first ``burn``
    dropped, every ``thin``-th kept); walkers start from the priors.
    """
    import emcee

    sc = as_scenario(scenario)
    if arm not in ARMS:
        raise ValueError(f"arm must be 'baseline' or 'intervention'; got {arm!r}")
    if isinstance(observed, str | os.PathLike):
        observed = read_series(Path(observed))
    observed = _checked_series(observed)
    obs = _observation(sc, observed)
    if not isinstance(params, Mapping) or not params:
        raise ValueError("params must map at least one field path to its prior")
    for name, v, lo in (
        ("walkers", walkers, 4),
        ("steps", steps, 1),
        ("thin", thin, 1),
        ("burn", burn, 0),
    ):
        if isinstance(v, bool) or not isinstance(v, int) or v < lo:
            raise ValueError(f"{name} must be an integer ≥ {lo}; got {v!r}")
    if burn >= steps:
        raise ValueError(f"burn ({burn}) must be below steps ({steps})")
    paths = [find_path(sc, p) for p in params]
    priors = {path: _prior(p, params[p]) for p, path in zip(params, paths, strict=True)}
    k = len(paths)
    if walkers < 2 * k:
        raise ValueError(f"walkers must be at least twice the number of parameters ({2 * k})")
    others = [p for p in (uncertain_paths(sc) if sc.uncertain() else []) if p not in paths]
    medians = (
        dict(zip(others, quantiles(sc, others, np.full((1, len(others)), 0.5))[0], strict=True))
        if others
        else {}
    )

    def run(theta: NDArray[np.float64]) -> Result:
        frame = pd.DataFrame(theta, columns=paths)
        for p, v in medians.items():
            frame[p] = v
        with quiet_runs():
            return simulate(sc, len(frame), mode="mean_field", progress=False, parameters=frame)

    def log_prob(theta: NDArray[np.float64]) -> NDArray[np.float64]:
        lp = np.sum(
            [np.asarray(priors[p].logpdf(theta[:, j]), dtype=float) for j, p in enumerate(paths)],
            axis=0,
        )
        out = np.full(len(theta), -np.inf)
        ok = np.isfinite(lp)
        if ok.any():
            rows = theta[ok]
            try:
                ll = _log_likelihood(run(rows), obs, arm)
            except ValueError:
                # A value outside its parameter's domain (a prior wider than
                # the domain): judge the rows one by one.
                ll = np.array([_one(rows[i : i + 1]) for i in range(len(rows))])
            out[ok] = lp[ok] + ll
        return out

    def _one(theta: NDArray[np.float64]) -> float:
        try:
            return float(_log_likelihood(run(theta), obs, arm)[0])
        except ValueError:
            return -np.inf

    rng = np.random.default_rng(seed)
    start = np.column_stack(
        [np.asarray(priors[p].rvs(size=walkers, random_state=rng), dtype=float) for p in paths]
    )
    sampler = emcee.EnsembleSampler(walkers, k, log_prob, vectorize=True)
    sampler.random_state = np.random.RandomState(seed).get_state()
    sampler.run_mcmc(start, steps, progress=progress)
    chain = sampler.get_chain(discard=burn, thin=thin, flat=True)
    posterior = pd.DataFrame(chain, columns=paths)
    posterior.index.name = "draw"
    return Calibration(
        sc, observed, arm, posterior, float(np.mean(sampler.acceptance_fraction)), priors
    )
