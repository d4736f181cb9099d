//! Saddle-point certification: the count the Cornish–Fisher guess leaves
//! open, settled by saddle-point deviates of the CDF at neighbouring counts,
//! each comparison clear of a guard measured against exact sums.

/// Below this variance the CDF walk is cheaper than the certified guess.
pub(super) const FAST_VARIANCE: f64 = 50.0;
/// Beyond this normal deviate (|z|, about 1e−15 in either tail) the walk decides.
pub(super) const FAST_Z: f64 = 8.0;

/// `h(t) = 2((1+t) ln(1+t) − t)/t²` and `g(t) = (h(t) − 1)/t` for `t > −1`.
/// Near 0, where the closed forms cancel, by the Taylor series
/// `g(t) = Σ_{j≥1} 2(−1)^j t^(j−1) / ((j+1)(j+2))`, whose eight terms leave
/// `0.02^8 ≈ 3e−14`; beyond, the closed form loses at most `6e−16/t²` ≈ 2e−12
/// of `g` to cancellation. Either is far inside the guard.
#[inline]
fn deviance_shape(t: f64) -> (f64, f64) {
    const G: [f64; 8] = [
        -2.0 / 6.0,
        2.0 / 12.0,
        -2.0 / 20.0,
        2.0 / 30.0,
        -2.0 / 42.0,
        2.0 / 56.0,
        -2.0 / 72.0,
        2.0 / 90.0,
    ];
    if t.abs() <= 0.02 {
        let g = G.iter().rev().fold(0.0, |acc, &c| c + t * acc);
        (1.0 + t * g, g)
    } else {
        let h = 2.0 * ((1.0 + t) * t.ln_1p() - t) / (t * t);
        (h, (h - 1.0) / t)
    }
}

/// `ln(1 + x)`, by five terms of its series for `|x| < 0.01` (error below
/// `x⁶/6`: 2e−13 absolute, 2e−11 relative), else by `ln_1p`. In
/// [`saddle_deviate`] it is divided by `2w`, where `|x|` is of the order of
/// `|w|·skew`, so the deviate's error stays far below the guard.
#[inline]
fn ln_1p_near_zero(x: f64) -> f64 {
    if x.abs() < 0.01 {
        x * (1.0 + x * (-0.5 + x * (1.0 / 3.0 + x * (-0.25 + x * 0.2))))
    } else {
        x.ln_1p()
    }
}

/// The saddle-point normal deviate `r*` of a binomial or Poisson CDF at the
/// continuity-corrected point `x = k + ½`, so that `P(X ≤ k) ≈ Φ(r*)`:
/// Barndorff-Nielsen's `r* = w + ln(v/w)/w` with Daniels' second continuity
/// correction, where `w = sign(δ)√(2(ŝx − K(ŝ)))` and `v = 2 sinh(ŝ/2)√K''(ŝ)`,
/// which for these counts is `δ/σ` with `δ = x − μ`.
///
/// `ŝx − K(ŝ)` is `μ φ(δ/μ) + ρ φ(−δ/ρ)` with `φ(t) = (1+t)ln(1+t) − t` and
/// `ρ = n − μ` (no second term for a Poisson count, `ρ = ∞`). Written through
/// `h` and `g` of [`deviance_shape`], `w = δ√S` and `σ²S = 1 + δE`, so
/// `r* = w − ln(1 + δE)/(2w)` has no cancellation at the mean, where it tends
/// to `w + skew/6`.
#[inline]
pub(super) fn saddle_deviate(delta: f64, mean: f64, rest: f64, var: f64) -> f64 {
    let (h1, g1) = deviance_shape(delta / mean);
    let (mut s, mut e) = (h1 / mean, g1 / (mean * mean));
    if rest.is_finite() {
        let (h2, g2) = deviance_shape(-delta / rest);
        s += h2 / rest;
        e -= g2 / (rest * rest);
    }
    e *= var;
    let root = s.sqrt();
    if delta == 0.0 {
        return -e / (2.0 * root);
    }
    let w = delta * root;
    w - ln_1p_near_zero(delta * e) / (2.0 * w)
}

/// How far the saddle-point deviate may be from the exact `Φ⁻¹(F)` for a count
/// of mean `mean` and variance `var ≥ FAST_VARIANCE`: five times
/// [`error_envelope`], with a floor for rounding at very large variances,
/// plus the rounding of the mean (`n·p` in doubles is off by up to
/// `1.1·10⁻¹⁶·mean`, which moves the deviate by that over `σ`: 10⁻⁸ for
/// 3·10¹¹ persons with `q = 2·10⁻⁵`). A uniform falls inside the guard of one
/// of its two neighbouring boundaries, and goes to the walk, with
/// probability about `2·guard·σ`: 7 % at variance 50, 2 % at 100, 0.05 % at
/// 1,000.
#[inline]
pub(super) fn guard(mean: f64, var: f64) -> f64 {
    (GUARD_MARGIN * error_envelope(var)).max(1e-9) + 2e-15 * mean / var.sqrt()
}
const GUARD_MARGIN: f64 = 5.0;

/// An upper envelope of the largest error of [`saddle_deviate`] over the grid
/// of `saddle_deviate_error_is_within_the_guard` (binomial counts of every
/// success probability, Poisson counts): `(0.03 + 16/var)·var^−3/2`. The
/// measured error is 0.31·var^−3/2 at variance 50 and falls to 0.02·var^−3/2.
#[inline]
fn error_envelope(var: f64) -> f64 {
    (0.03 + 16.0 / var) / (var * var.sqrt())
}

/// The certified inversion shared by both counts: starting from the
/// Cornish–Fisher guess, find `k` with `R(k−1) < z ≤ R(k)`, where `R(k)` is the
/// saddle-point deviate of `P(X ≤ k)`, each comparison clear of the guard.
/// `None` when a comparison falls inside the guard (or the guess is far off);
/// the exact walk then decides.
#[inline]
pub(super) fn certified_quantile(
    z: f64,
    mean: f64,
    sd: f64,
    skew: f64,
    upper: f64,
    g: f64,
    deviate: impl Fn(f64) -> f64,
) -> Option<f64> {
    let guess = mean + sd * (z + skew * (z * z - 1.0) / 6.0);
    let mut k = (guess - 0.5).ceil().clamp(0.0, upper);
    // R(k) is compared first, then R(k − 1); a step reuses the one just computed.
    let mut known_hi: Option<f64> = None;
    let mut known_lo: Option<f64> = None;
    for _ in 0..6 {
        let hi = if k >= upper {
            f64::INFINITY
        } else {
            known_hi.unwrap_or_else(|| deviate(k))
        };
        if hi < z + g {
            if hi > z - g {
                return None;
            }
            known_lo = Some(hi);
            known_hi = None;
            k += 1.0;
            continue;
        }
        let lo = if k <= 0.0 {
            f64::NEG_INFINITY
        } else {
            known_lo.unwrap_or_else(|| deviate(k - 1.0))
        };
        if lo >= z - g {
            if lo < z + g {
                return None;
            }
            known_hi = Some(lo);
            known_lo = None;
            k -= 1.0;
            continue;
        }
        return Some(k);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sampling::test_support::{binomial_pmf, exact_deviates, variance_grid};
    use crate::special::poisson_pmf_positive;

    /// The largest `|R(k) − Φ⁻¹(F(k))|` over `|z| ≤ FAST_Z`, as a share of the
    /// guard divided by its margin (the error envelope, or the rounding floor).
    fn worst_scaled_error(
        var: f64,
        mean: f64,
        pmf: impl Fn(f64) -> f64,
        deviate: impl Fn(f64) -> f64,
        upper: f64,
    ) -> f64 {
        let sd = var.sqrt();
        let lo = (mean - 9.0 * sd).floor().max(0.0);
        let hi = (mean + 9.0 * sd).ceil().min(upper - 1.0);
        let far_lo = (mean - 40.0 * sd).floor().max(0.0);
        let far_hi = (mean + 40.0 * sd).ceil().min(upper);
        let exact = exact_deviates(&pmf, lo, hi, far_lo, far_hi);
        let mut worst: f64 = 0.0;
        for (i, &e) in exact.iter().enumerate() {
            if e.abs() > FAST_Z + 0.5 {
                continue;
            }
            let k = lo + i as f64;
            worst = worst.max((deviate(k) - e).abs() / (guard(mean, var) / GUARD_MARGIN));
        }
        worst
    }

    /// Variances from `FAST_VARIANCE` up to 10⁷ and success probabilities
    /// across (0, 1); `None` is the Poisson count.
    fn saddle_grid() -> impl Iterator<Item = (f64, Option<f64>)> {
        const PS: [f64; 13] = [
            1e-7, 1e-3, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 0.95, 0.999,
        ];
        variance_grid(FAST_VARIANCE, 62, &PS)
    }

    #[test]
    fn saddle_deviate_error_is_within_the_guard() {
        let mut worst: f64 = 0.0;
        for (var, p) in saddle_grid() {
            let scaled = match p {
                Some(p) => {
                    let n = (var / (p * (1.0 - p))).round();
                    let mean = n * p;
                    let var = mean * (1.0 - p);
                    let dev = |k: f64| saddle_deviate(k + 0.5 - mean, mean, n - mean, var);
                    worst_scaled_error(var, mean, |k| binomial_pmf(k, n, p), dev, n)
                }
                None => {
                    let pmf = |k: f64| {
                        if k <= 0.0 {
                            (-var).exp()
                        } else {
                            poisson_pmf_positive(k, var)
                        }
                    };
                    let dev = |k: f64| saddle_deviate(k + 0.5 - var, var, f64::INFINITY, var);
                    worst_scaled_error(var, var, pmf, dev, f64::INFINITY)
                }
            };
            assert!(
                scaled <= 1.0,
                "var={var} p={p:?}: error {scaled:.3} of guard / margin"
            );
            worst = worst.max(scaled);
        }
        assert!(worst > 0.0);
    }
}
