//! Poisson counts (the monthly inflow of a segment).

use super::cornish_fisher::{cornish_fisher_count, Cumulants, CF_VARIANCE};
use super::saddle::{certified_quantile, guard, saddle_deviate, FAST_VARIANCE, FAST_Z};
use super::{binomial_depth, walk_start, NEAR_ONE, TAIL_EXPONENT};
use crate::special::{count_deviate, poisson_pmf_positive};

/// A Poisson mean with `e^−λ` precomputed; one per segment and draw.
#[derive(Debug, Clone, Copy)]
pub struct Poisson {
    lambda: f64,
    p0: f64,
}

impl Poisson {
    pub fn new(lambda: f64) -> Self {
        let lambda = lambda.max(0.0);
        Poisson {
            lambda,
            p0: (-lambda).exp(),
        }
    }

    /// The smallest `x` with `P(X ≤ x) ≥ u` for `X ~ Poisson(lambda)`.
    pub fn quantile(&self, u: f64) -> f64 {
        let lambda = self.lambda;
        if lambda <= 0.0 {
            return 0.0;
        }
        if lambda >= CF_VARIANCE {
            let z = count_deviate(u);
            let cumulants = Cumulants::poisson(lambda);
            if let Some(k) = cornish_fisher_count(z, lambda, cumulants, f64::INFINITY) {
                return k;
            }
            if lambda >= FAST_VARIANCE && z.abs() <= FAST_Z {
                let sd = lambda.sqrt();
                let skew = 1.0 / sd;
                let deviate =
                    |k: f64| saddle_deviate(k + 0.5 - lambda, lambda, f64::INFINITY, lambda);
                let g = guard(lambda, lambda);
                if let Some(k) = certified_quantile(z, lambda, sd, skew, f64::INFINITY, g, deviate)
                {
                    return k;
                }
            }
        }
        self.walk(u)
    }

    /// The exact CDF walk (see the module documentation).
    pub(super) fn walk(&self, u: f64) -> f64 {
        let lambda = self.lambda;
        if u <= 0.0 {
            return 0.0;
        }
        let start = walk_start(lambda, (2.0 * TAIL_EXPONENT * lambda).sqrt());
        if (start > 0.0 && u > 0.5) || u > 1.0 - NEAR_ONE {
            // Upper half: sum the upper tail down from `λ + a`, with `a` from
            // Bennett's inequality `P(X ≥ λ + a) ≤ exp(−a²/(2(λ + a/3)))`.
            let top = (lambda + binomial_depth(lambda)).ceil();
            let mut pmf = poisson_pmf_positive(top, lambda);
            let (mut x, mut above, v) = (top, 0.0, 1.0 - u);
            while x > 0.0 && above + pmf <= v {
                above += pmf;
                pmf *= x / lambda;
                x -= 1.0;
            }
            return x;
        }
        let (mut x, mut pmf) = if start <= 0.0 {
            (0.0, self.p0)
        } else {
            (start, poisson_pmf_positive(start, lambda))
        };
        let mut cdf = pmf;
        // 1 − u ≥ NEAR_ONE here, far above the rounding of the sum; the cap,
        // far beyond `λ + a`, only guards against the unforeseen.
        let cap = lambda + 40.0 * lambda.sqrt() + 40.0;
        while cdf < u && x < cap {
            pmf *= lambda / (x + 1.0);
            x += 1.0;
            cdf += pmf;
        }
        x
    }
}
