//! Exact inverse-CDF sampling of binomial and Poisson counts from one uniform.
//!
//! MODEL.md 11.12 asks for a monotone coupling: each count is `F⁻¹(u)` for a
//! uniform shared by both arms, so two arms with slightly different
//! probabilities get counts as close as chance allows. Library samplers
//! (BTPE, rand_distr) consume a variable number of uniforms and are not
//! monotone in one uniform, so this is written by hand; it is also the hot
//! path of a stochastic run.
//!
//! Small means walk the CDF up from 0. Large means start the walk at
//! `μ − √(2·L·μ)`: by the Chernoff bound `P(X ≤ μ − a) ≤ exp(−a²/2μ)`, which holds
//! for binomial and Poisson counts alike, the mass left out is below `e^−L`
//! (about 5e−17), under the resolution of `u`; the starting pmf comes from
//! Loader's saddle-point formula, which stays accurate where `q^n` underflows.

use std::f64::consts::PI;

/// `2·L` with `L = 37.5`: the Chernoff exponent of the left-out tail.
const TWO_L: f64 = 75.0;

/// Where the CDF walk starts for a count with mean `mean` (0 for small means).
#[inline]
fn walk_start(mean: f64) -> f64 {
    if mean <= TWO_L {
        0.0
    } else {
        (mean - (TWO_L * mean).sqrt()).floor()
    }
}

/// `ln Γ(n+1) − (n + ½) ln n + n − ln √(2π)`, the Stirling error (Loader 2000).
fn stirlerr(n: f64) -> f64 {
    const S0: f64 = 1.0 / 12.0;
    const S1: f64 = 1.0 / 360.0;
    const S2: f64 = 1.0 / 1260.0;
    const S3: f64 = 1.0 / 1680.0;
    const S4: f64 = 1.0 / 1188.0;
    if n <= 15.0 {
        return statrs::function::gamma::ln_gamma(n + 1.0) - (n + 0.5) * n.ln() + n
            - 0.5 * (2.0 * PI).ln();
    }
    let nn = n * n;
    if n > 500.0 {
        (S0 - S1 / nn) / n
    } else if n > 80.0 {
        (S0 - (S1 - S2 / nn) / nn) / n
    } else if n > 35.0 {
        (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n
    } else {
        (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n
    }
}

/// `x ln(x / m) + m − x`, computed without cancellation (Loader 2000).
fn bd0(x: f64, m: f64) -> f64 {
    if (x - m).abs() < 0.1 * (x + m) {
        let mut v = (x - m) / (x + m);
        let mut s = (x - m) * v;
        let mut ej = 2.0 * x * v;
        v *= v;
        for j in 1..1000 {
            ej *= v;
            let s1 = s + ej / f64::from(2 * j + 1);
            if s1 == s {
                return s1;
            }
            s = s1;
        }
        s
    } else {
        x * (x / m).ln() + m - x
    }
}

/// Binomial pmf at `0 < x < n`, by the saddle-point formula.
fn binomial_pmf_interior(x: f64, n: f64, p: f64, q: f64) -> f64 {
    let lc = stirlerr(n) - stirlerr(x) - stirlerr(n - x) - bd0(x, n * p) - bd0(n - x, n * q);
    lc.exp() * (n / (2.0 * PI * x * (n - x))).sqrt()
}

/// Poisson pmf at `x > 0`, by the saddle-point formula.
fn poisson_pmf_positive(x: f64, lambda: f64) -> f64 {
    (-stirlerr(x) - bd0(x, lambda)).exp() / (2.0 * PI * x).sqrt()
}

/// A binomial success probability with what the CDF walk needs precomputed;
/// one per (segment, month, arm, stage), reused for every duration cell.
#[derive(Debug, Clone, Copy)]
pub struct Binomial {
    p: f64,
    q: f64,
    ln_q: f64,
    /// p / q, the pmf ratio factor.
    odds: f64,
}

impl Binomial {
    pub fn new(p: f64) -> Self {
        let p = p.clamp(0.0, 1.0);
        let q = 1.0 - p;
        Binomial {
            p,
            q,
            ln_q: (-p).ln_1p(),
            odds: if q > 0.0 { p / q } else { f64::INFINITY },
        }
    }

    /// The smallest `x` with `P(X ≤ x) ≥ u` for `X ~ Binomial(n, p)`; `n` is a
    /// non-negative integer held in an `f64`.
    pub fn quantile(&self, n: f64, u: f64) -> f64 {
        if n <= 0.0 || self.p <= 0.0 {
            return 0.0;
        }
        if self.q <= 0.0 {
            return n;
        }
        let mean = n * self.p;
        // Bernoulli's inequality, q^n ≥ 1 − n·p: most small cells see nobody
        // leave, and this settles it without a transcendental function.
        if u <= 1.0 - mean {
            return 0.0;
        }
        let start = walk_start(mean);
        let (mut x, mut pmf) = if start <= 0.0 {
            (0.0, (n * self.ln_q).exp())
        } else {
            (start, binomial_pmf_interior(start, n, self.p, self.q))
        };
        let mut cdf = pmf;
        while cdf < u && x < n {
            pmf *= (n - x) / (x + 1.0) * self.odds;
            x += 1.0;
            cdf += pmf;
        }
        x
    }
}

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
        let start = walk_start(lambda);
        let (mut x, mut pmf) = if start <= 0.0 {
            (0.0, self.p0)
        } else {
            (start, poisson_pmf_positive(start, lambda))
        };
        let mut cdf = pmf;
        // Rounding can leave the summed CDF a hair below a `u` near 1; the cap ends
        // the walk far in the right tail, where no real draw lands.
        let cap = lambda + 40.0 * lambda.sqrt() + 40.0;
        while cdf < u && x < cap {
            pmf *= lambda / (x + 1.0);
            x += 1.0;
            cdf += pmf;
        }
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use statrs::distribution::{Binomial as SBinomial, Discrete, DiscreteCDF, Poisson};

    #[test]
    fn saddle_point_pmf_matches_statrs() {
        for &(n, p) in &[(50.0, 0.3), (1000.0, 0.01), (100_000.0, 0.004)] {
            let reference = SBinomial::new(p, n as u64).unwrap();
            let mean = n * p;
            for x in [mean.floor() - 3.0, mean.floor(), mean.floor() + 5.0] {
                let ours = binomial_pmf_interior(x, n, p, 1.0 - p);
                let theirs = reference.pmf(x as u64);
                assert!(
                    (ours / theirs - 1.0).abs() < 1e-9,
                    "n={n} p={p} x={x}: {ours} vs {theirs}"
                );
            }
        }
    }

    #[test]
    fn quantiles_invert_the_cdf() {
        // statrs' binomial CDF is only trusted for moderate n (its incomplete
        // beta stops after 140 terms); larger n is checked against the normal.
        for &(n, p) in &[(7.0, 0.2), (300.0, 0.05), (100_000.0, 0.005)] {
            let reference = SBinomial::new(p, n as u64).unwrap();
            let b = Binomial::new(p);
            for &u in &[1e-6, 0.01, 0.3, 0.5, 0.77, 0.999, 1.0 - 1e-9] {
                let x = b.quantile(n, u);
                assert!(
                    reference.cdf(x as u64) >= u - 1e-9,
                    "n={n} p={p} u={u} x={x}"
                );
                if x > 0.0 {
                    assert!(
                        reference.cdf(x as u64 - 1) < u + 1e-9,
                        "n={n} p={p} u={u} x={x}"
                    );
                }
            }
        }
        let big = Binomial::new(0.3);
        let (mean, sd) = (600_000.0, (2e6f64 * 0.3 * 0.7).sqrt());
        for &(u, z) in &[(0.5, 0.0), (0.975, 1.959_964), (0.001, -3.090_232)] {
            let x = big.quantile(2e6, u);
            assert!((x - (mean + z * sd)).abs() < 3.0, "u={u}: {x}");
        }
        for &lambda in &[0.5, 12.5, 900.0, 50_000.0] {
            let reference = Poisson::new(lambda).unwrap();
            for &u in &[1e-6, 0.2, 0.5, 0.9, 1.0 - 1e-9] {
                let x = super::Poisson::new(lambda).quantile(u);
                assert!(
                    reference.cdf(x as u64) >= u - 1e-9,
                    "λ={lambda} u={u} x={x}"
                );
                if x > 0.0 {
                    assert!(
                        reference.cdf(x as u64 - 1) < u + 1e-9,
                        "λ={lambda} u={u} x={x}"
                    );
                }
            }
        }
    }

    #[test]
    fn coupling_is_monotone_in_p_and_u() {
        let (lo, hi) = (Binomial::new(0.010), Binomial::new(0.013));
        let mut last = 0.0;
        for i in 1..1000 {
            let u = f64::from(i) / 1000.0;
            let (a, b) = (lo.quantile(5000.0, u), hi.quantile(5000.0, u));
            assert!(a <= b, "u={u}: {a} > {b}");
            assert!(a >= last);
            last = a;
        }
    }

    #[test]
    fn edge_cases() {
        let b = Binomial::new(0.0);
        assert_eq!(b.quantile(10.0, 0.9), 0.0);
        assert_eq!(Binomial::new(1.0).quantile(10.0, 0.1), 10.0);
        assert_eq!(Binomial::new(0.5).quantile(0.0, 0.9), 0.0);
        assert!(Binomial::new(0.5).quantile(10.0, 1.0 - 1e-17) <= 10.0);
        assert_eq!(super::Poisson::new(0.0).quantile(0.5), 0.0);
    }
}
