"""The regression behind EVPPI and EVSI: a generalised additive model (GAM) of
one net benefit on one to four inputs, after Strong, Oakley & Brennan (2014),
"Estimating multiparameter partial expected value of perfect information from
a probabilistic sensitivity analysis sample: a nonparametric regression
approach", Medical Decision Making 34(3):311–326.

The smooth is a penalised regression spline (P-spline, Eilers & Marx 1996):
cubic B-splines from :meth:`scipy.interpolate.BSpline.design_matrix` on the
inputs' ranks (so a skewed parameter is smoothed where its draws lie), a
second-order difference penalty, a tensor product of the margins for a group
(mgcv's ``te()``: 5 basis functions per margin, 10 for a single input as
mgcv's ``s()``), and the penalty chosen by generalised cross-validation on a
grid. The standard error of an EVPPI follows the paper's recipe: coefficient
vectors drawn from their approximate posterior ``N(β̂, σ² (BᵀB + λS)⁻¹)``,
the EVPPI computed for each.

Why not pygam or statsmodels' GLMGam: the same estimator takes them 0.3–0.4 s
per fit at 10,000 draws, and 4 s with pygam's smoothing search (measured on
this project's 2-core machine), about 80 s for ten parameters against a 5-s
budget; GLMGam's GCV selection fails on statsmodels 0.15. The normal equations
below cost one pass over the draws per fit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

try:
    from scipy.interpolate import BSpline
    from scipy.linalg import cho_factor, cho_solve, cholesky, eigh, solve_triangular
    from scipy.stats import rankdata
except ImportError as e:  # pragma: no cover - depends on the installation
    raise ImportError(
        "indsats' decision tools need scipy, SALib and emcee: pip install 'indsats[decisions]'"
    ) from e

MAX_INPUTS = 4
_LAMBDAS = np.logspace(-6, 6, 49)


def _margin(
    x: NDArray[np.float64], n_basis: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Cubic B-spline basis (draws × n_basis) on the ranks of ``x`` in (0, 1),
    and its second-order difference penalty (n_basis × n_basis)."""
    u = (rankdata(x) - 0.5) / len(x)
    inner = np.linspace(0.0, 1.0, n_basis - 2)
    knots = np.concatenate([[0.0] * 3, inner, [1.0] * 3])
    basis = BSpline.design_matrix(u, knots, 3).toarray()
    diff = np.diff(np.eye(n_basis), n=2, axis=0)
    return basis, diff.T @ diff


def design(x: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Basis and penalty for inputs ``x`` (draws × 1..4): ``s()`` for one,
    a tensor product ``te()`` of 5-function margins for several."""
    if x.ndim == 1:
        x = x[:, None]
    k = x.shape[1]
    if not 1 <= k <= MAX_INPUTS:
        raise ValueError(
            f"a group may hold 1 to {MAX_INPUTS} parameters (a tensor-product GAM); got {k}"
        )
    n_basis = 10 if k == 1 else 5
    margins = [_margin(x[:, j], n_basis) for j in range(k)]
    basis = margins[0][0]
    for b, _ in margins[1:]:
        basis = np.asarray(
            (basis[:, :, None] * b[:, None, :]).reshape(len(x), -1), dtype=np.float64
        )
    penalty = np.zeros((basis.shape[1],) * 2)
    for j, (_, s) in enumerate(margins):
        term: NDArray[np.float64] = np.ones((1, 1))
        for i in range(k):
            term = np.asarray(np.kron(term, s if i == j else np.eye(n_basis)), dtype=np.float64)
        penalty += term
    return basis, penalty


@dataclass
class Fit:
    """A fitted GAM: its fitted values and how to draw plausible ones."""

    basis: NDArray[np.float64]
    coef: NDArray[np.float64]
    cov_factor: NDArray[np.float64]
    """Lower Cholesky factor of the coefficients' posterior covariance."""
    edf: float
    lam: float

    @property
    def fitted(self) -> NDArray[np.float64]:
        return np.asarray(self.basis @ self.coef)

    def sample_fitted(self, rng: np.random.Generator, samples: int) -> NDArray[np.float64]:
        """Fitted values under ``samples`` coefficient draws: draws × samples."""
        z = rng.standard_normal((len(self.coef), samples))
        return np.asarray(self.basis @ (self.coef[:, None] + self.cov_factor @ z))


def fit(basis: NDArray[np.float64], penalty: NDArray[np.float64], y: NDArray[np.float64]) -> Fit:
    """Penalised least squares of ``y`` on ``basis``, the penalty weight chosen
    by generalised cross-validation (Demmler–Reinsch form: one Cholesky and one
    eigendecomposition, then each weight costs O(p))."""
    n, p = basis.shape
    gram = basis.T @ basis
    rhs = basis.T @ y
    yy = float(y @ y)
    # A tiny ridge keeps the factorisation defined when a basis function has
    # (almost) no draws under it.
    ridge = 1e-9 * np.trace(gram) / p
    r = cholesky(gram + ridge * np.eye(p), lower=False)
    r_inv_t_s = solve_triangular(r, solve_triangular(r, penalty, trans="T").T, trans="T")
    s_eig, u = eigh((r_inv_t_s + r_inv_t_s.T) / 2)
    s_eig = np.clip(s_eig, 0.0, None)
    w = u.T @ solve_triangular(r, rhs, trans="T")  # Uᵀ R⁻ᵀ Bᵀy
    best: tuple[float, float, float] | None = None
    for lam in _LAMBDAS * np.trace(gram) / max(np.trace(penalty), 1e-300):
        shrink = 1.0 / (1.0 + lam * s_eig)
        edf = float(shrink.sum())
        # RSS = yᵀy − 2 βᵀBᵀy + βᵀBᵀBβ, with Rβ = U diag(shrink) w.
        fitted_coords = shrink * w
        rss = yy - 2 * float(fitted_coords @ w) + float(fitted_coords @ fitted_coords)
        rss = max(rss, 0.0)
        gcv = n * rss / max(n - edf, 1.0) ** 2
        if best is None or gcv < best[0]:
            best = (gcv, float(lam), edf)
    assert best is not None
    _, lam, edf = best
    shrink = 1.0 / (1.0 + lam * s_eig)
    coef = solve_triangular(r, u @ (shrink * w))
    resid = y - basis @ coef
    sigma2 = float(resid @ resid) / max(n - edf, 1.0)
    precision = gram + lam * penalty + ridge * np.eye(p)
    factor = cho_factor(precision)
    cov = sigma2 * cho_solve(factor, np.eye(p))
    cov_factor = cholesky((cov + cov.T) / 2 + 1e-300 * np.eye(p), lower=True, check_finite=False)
    return Fit(basis, coef, cov_factor, edf, lam)


def value_of_information(
    fits: list[Fit], *, samples: int = 300, seed: int = 0
) -> tuple[float, float]:
    """``mean(max(0, g_1, …, g_D)) − max(0, mean g_1, …, mean g_D)`` for the
    fitted incremental net benefits ``g_d`` of each design against a
    reference (0), and its standard error from coefficient draws."""
    fitted = np.column_stack([f.fitted for f in fits])
    value = _voi(fitted)
    rng = np.random.default_rng(seed)
    draws = np.empty(samples)
    chunk = max(1, min(samples, 20_000_000 // max(1, fits[0].basis.size)))
    done = 0
    while done < samples:
        m = min(chunk, samples - done)
        sampled = np.stack([f.sample_fitted(rng, m) for f in fits], axis=1)  # n × D × m
        for j in range(m):
            draws[done + j] = _voi(sampled[:, :, j])
        done += m
    return value, float(draws.std(ddof=1)) if samples > 1 else float("nan")


def _voi(incremental: NDArray[np.float64]) -> float:
    """Expected value of deciding per draw minus deciding on the means, the
    reference design (0) included: the mean of a non-negative gain per draw,
    so never negative and exactly 0 when one choice is best in every draw."""
    return decision_value(np.column_stack([np.zeros(len(incremental)), incremental]))


def decision_value(values: NDArray[np.float64]) -> float:
    """``mean(max_d v_d) − max_d mean(v_d)`` for values draws × choices,
    computed as the mean of ``max_d v_d − v_best`` (best on average), which
    is non-negative draw by draw."""
    best = int(np.argmax(values.mean(axis=0)))
    return float((values.max(axis=1) - values[:, best]).mean())
