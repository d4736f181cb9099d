//! Exact inverse-CDF sampling of binomial and Poisson counts from one uniform.
//!
//! MODEL.md 11.12 asks for a monotone coupling: each count is `F⁻¹(u)` for a
//! uniform shared by both arms, so two arms with slightly different
//! probabilities get counts as close as chance allows. Library samplers
//! (BTPE, rand_distr) consume a variable number of uniforms and are not
//! monotone in one uniform, so this is written by hand; it is also the hot
//! path of a stochastic run.
//!
//! Two ways to the same count:
//!
//! * **The CDF walk** sums the pmf up to `u`. Small means walk from 0. Large
//!   means start at `μ − a`, with `a` chosen so that the mass left out is
//!   below `e^−L = e^−75 ≈ 3e−33`, far below any pmf the walk must resolve
//!   even for `u = 2^−53` and a billion persons: for a Poisson count the
//!   Chernoff bound `P(X ≤ λ − a) ≤ exp(−a²/2λ)` gives `a = √(2Lλ)`; for a
//!   binomial count Bernstein's inequality
//!   `P(X ≤ μ − a) ≤ exp(−a²/(2(σ² + a/3)))` gives a depth that follows the
//!   variance, so a success probability near 1 does not start the walk where
//!   every pmf underflows. The starting pmf comes from Loader's saddle-point
//!   formula. A `u` in the upper half (for a large mean), or within 1e−6 of 1,
//!   sums the upper tail down from `μ + a` instead, so that `1 − F` keeps its
//!   precision where it is smaller than the rounding of a sum from the left.
//!   The walk costs `O(σ)` steps.
//! * **The certified guess**, for variances of at least 50, costs `O(1)`: a
//!   Cornish–Fisher guess from `z = Φ⁻¹(u)`, then the saddle-point deviates
//!   `R(k−1) < z ≤ R(k)` of the CDF at the two neighbouring points settle the
//!   count. Each comparison must clear a guard five times the largest error
//!   of `R` measured against exact sums (tested); a uniform that falls inside
//!   the guard — 7 % at variance 50, 2 % at 100, 0.05 % at 1,000 — goes to
//!   the walk. The count is therefore the walk's count, exactly.
//!
//! Most counts of a small cohort are 0: Bernoulli's inequality `q^n ≥ 1 − np`
//! settles them with one comparison, made for a month's cells together
//! ([`Binomial::quantiles`]) so that its unpredictable outcome costs no
//! branch. Walks from 0 take `q^n` from stored repeated squares of `q` for
//! fewer than 256 persons, and run their first three steps without a branch.

use std::f64::consts::PI;

/// `L`: the exponent of the tail mass the walk leaves out.
const TAIL_EXPONENT: f64 = 75.0;

/// A `u` this close to 1 is found from the upper tail (see the module docs).
const NEAR_ONE: f64 = 1e-6;

/// Where the CDF walk starts for a count with mean `mean` whose lower tail
/// beyond `mean − depth` holds less than `e^−L` (0 for small means).
#[inline]
fn walk_start(mean: f64, depth: f64) -> f64 {
    if mean <= depth {
        0.0
    } else {
        (mean - depth).floor()
    }
}

/// The smallest [`binomial_depth`], that of variance 0: `L/3 + √(L²/9)`.
const MIN_DEPTH: f64 = 2.0 * TAIL_EXPONENT / 3.0;

/// Bernstein's depth for a binomial count of variance `var`: the root of
/// `a² = 2L(var + a/3)`.
#[inline]
fn binomial_depth(var: f64) -> f64 {
    const L: f64 = TAIL_EXPONENT;
    L / 3.0 + (L * L / 9.0 + 2.0 * L * var).sqrt()
}

/// `ln Γ(n+1) − (n + ½) ln n + n − ln √(2π)`, the Stirling error (Loader 2000).
pub(crate) fn stirlerr(n: f64) -> f64 {
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

/// How many reciprocals `1/(x+1)` the walk from 0 finds in [`RECIPROCAL`].
const RECIPROCALS: usize = 512;

/// `1/(x+1)` for `x = 0, 1, …`: the walk's steps multiply instead of divide.
static RECIPROCAL: [f64; RECIPROCALS] = {
    let mut t = [0.0; RECIPROCALS];
    let mut i = 0;
    while i < RECIPROCALS {
        t[i] = 1.0 / (i as f64 + 1.0);
        i += 1;
    }
    t
};

/// How many repeated squares `q^(2^j)` a [`Binomial`] keeps: enough for
/// `q^n` with `n < 2^SQUARES` persons.
const SQUARES: usize = 8;

/// `q, q², q⁴, …, q^(2^(SQUARES−1))` by repeated squaring.
#[inline]
fn repeated_squares(q: f64) -> [f64; SQUARES] {
    let mut squares = [q; SQUARES];
    for j in 1..SQUARES {
        squares[j] = squares[j - 1] * squares[j - 1];
    }
    squares
}

/// `q^n` for a whole `n < 2^SQUARES`: the product of the squares of its set
/// bits, formed as a tree without branches. Its relative error is at most
/// about `n/2 + 8` ulps (3e−14 at `n` = 255), far below the pmfs a walk
/// resolves.
#[inline]
fn power_from_squares(squares: &[f64; SQUARES], n: u32) -> f64 {
    let factor = |j: usize| if n >> j & 1 == 1 { squares[j] } else { 1.0 };
    let low = (factor(0) * factor(1)) * (factor(2) * factor(3));
    let high = (factor(4) * factor(5)) * (factor(6) * factor(7));
    low * high
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

/// Below this variance the CDF walk is cheaper than the certified guess.
const FAST_VARIANCE: f64 = 50.0;
/// Beyond this normal deviate (|z|, about 1e−15 in either tail) the walk decides.
const FAST_Z: f64 = 8.0;

/// `Φ⁻¹(u)`, the standard normal deviate of `u`.
#[inline]
pub(crate) fn normal_deviate(u: f64) -> f64 {
    -std::f64::consts::SQRT_2 * statrs::function::erf::erfc_inv(2.0 * u)
}

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
fn saddle_deviate(delta: f64, mean: f64, rest: f64, var: f64) -> f64 {
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
/// of variance `var ≥ FAST_VARIANCE`: five times [`error_envelope`], with a
/// floor for rounding at very large variances. A uniform falls inside the
/// guard of one of its two neighbouring boundaries, and goes to the walk,
/// with probability about `2·guard·σ`: 7 % at variance 50, 2 % at 100,
/// 0.05 % at 1,000.
#[inline]
fn guard(var: f64) -> f64 {
    (GUARD_MARGIN * error_envelope(var)).max(1e-9)
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
fn certified_quantile(
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

/// A binomial success probability with what the CDF walk needs precomputed;
/// one per (segment, month, arm, stage), reused for every duration cell.
#[derive(Debug, Clone, Copy)]
pub struct Binomial {
    p: f64,
    q: f64,
    /// `ln q`, or NaN until a count needs it (see [`Binomial::once`]).
    ln_q: f64,
    /// p / q, the pmf ratio factor.
    odds: f64,
    /// `q^(2^j)`: `q^n` for a small cell in a few multiplications.
    squares: [f64; SQUARES],
}

impl Binomial {
    /// For a probability used on many counts: `ln q`, which `q^n` needs for
    /// 256 persons or more, is computed once.
    #[inline]
    pub fn new(p: f64) -> Self {
        let b = Self::once(p);
        Binomial {
            ln_q: (-b.p).ln_1p(),
            ..b
        }
    }

    /// For a probability used on one count: `ln q` is computed only if the
    /// count needs `q^n` (most small counts are settled without it).
    #[inline]
    pub fn once(p: f64) -> Self {
        let p = p.clamp(0.0, 1.0);
        let q = 1.0 - p;
        Binomial {
            p,
            q,
            ln_q: f64::NAN,
            odds: if q > 0.0 { p / q } else { f64::INFINITY },
            squares: repeated_squares(q),
        }
    }

    /// The smallest `x` with `P(X ≤ x) ≥ u` for `X ~ Binomial(n, p)`; `n` is a
    /// non-negative integer held in an `f64`.
    pub fn quantile(&self, n: f64, u: f64) -> f64 {
        let mut deviate = f64::NAN;
        self.quantile_with(n, u, &mut deviate)
    }

    /// [`Binomial::quantile`] with a slot for `Φ⁻¹(u)`: NaN until a count of
    /// this `u` needs it, then kept for the other arm, which reads the same `u`.
    ///
    /// Inlined into the caller up to the test that settles most small counts;
    /// the rest is a call.
    #[inline(always)]
    pub fn quantile_with(&self, n: f64, u: f64, deviate: &mut f64) -> f64 {
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
        self.quantile_above_zero(n, u, mean, deviate)
    }

    /// [`Binomial::quantile_with`] for many counts with this probability:
    /// `out[i]` for `n[i]` persons and uniform `u[i]`. The test that settles
    /// most small counts runs for a block of them first, without a branch;
    /// only the counts it leaves open take a branch and a call, so the
    /// processor does not mispredict the outcome of every small count (this
    /// made a stochastic Ballerup draw about 7 % faster).
    #[inline(always)]
    pub fn quantiles(&self, n: &[f64], u: &[f64], deviates: &mut [f64], out: &mut [f64]) {
        const BLOCK: usize = 16;
        let len = n.len();
        assert!(u.len() == len && deviates.len() == len && out.len() == len);
        if self.q <= 0.0 {
            out.copy_from_slice(n);
            return;
        }
        for first in (0..len).step_by(BLOCK) {
            let mut open = [0usize; BLOCK];
            let mut n_open = 0;
            for i in first..len.min(first + BLOCK) {
                // As in `quantile_with`: nobody, a zero probability (then
                // u < 1 = 1 − n·p) or Bernoulli's inequality settle it at 0.
                out[i] = 0.0;
                open[n_open] = i;
                n_open += usize::from(n[i] > 0.0 && u[i] > 1.0 - n[i] * self.p);
            }
            for &i in &open[..n_open] {
                out[i] = self.quantile_above_zero(n[i], u[i], n[i] * self.p, &mut deviates[i]);
            }
        }
    }

    /// [`Binomial::quantile_with`] past the tests of its first lines.
    #[inline(never)]
    fn quantile_above_zero(&self, n: f64, u: f64, mean: f64, deviate: &mut f64) -> f64 {
        // Most counts left open are small: their walk starts at 0 (and their
        // variance is below FAST_VARIANCE), in a function small enough to
        // need no stack frame; the rest is a call.
        if mean <= MIN_DEPTH && u <= 1.0 - NEAR_ONE {
            return self.walk_from_zero(n, u);
        }
        self.quantile_large(n, u, mean, deviate)
    }

    /// [`Binomial::quantile_above_zero`] for a large mean or a `u` near 1.
    #[inline(never)]
    fn quantile_large(&self, n: f64, u: f64, mean: f64, deviate: &mut f64) -> f64 {
        let var = mean * self.q;
        if var >= FAST_VARIANCE {
            if deviate.is_nan() {
                *deviate = normal_deviate(u);
            }
            let z = *deviate;
            if z.abs() <= FAST_Z {
                let sd = var.sqrt();
                let skew = (self.q - self.p) / sd;
                let rest = n - mean;
                let deviate = |k: f64| saddle_deviate(k + 0.5 - mean, mean, rest, var);
                if let Some(k) = certified_quantile(z, mean, sd, skew, n, guard(var), deviate) {
                    return k;
                }
            }
        }
        self.walk(n, u, mean)
    }

    /// The exact CDF walk (see the module documentation).
    fn walk(&self, n: f64, u: f64, mean: f64) -> f64 {
        if u <= 0.0 {
            return 0.0;
        }
        // The depth is at least 2L/3, so a smaller mean walks from 0 without
        // the square root.
        let depth = || binomial_depth(mean * self.q);
        let start = if mean <= MIN_DEPTH {
            0.0
        } else {
            walk_start(mean, depth())
        };
        if (start > 0.0 && u > 0.5) || u > 1.0 - NEAR_ONE {
            // Sum the upper tail down from `μ + a`, so that the far right keeps
            // its precision (1 − F is not summed from the left).
            let top = (mean + depth()).ceil().min(n);
            let mut pmf = if top >= n {
                (n * self.p.ln()).exp()
            } else {
                binomial_pmf_interior(top, n, self.p, self.q)
            };
            let (mut x, mut above, v) = (top, 0.0, 1.0 - u);
            // Step down while P(X > x − 1) = above + pmf(x) ≤ 1 − u.
            while x > 0.0 && above + pmf <= v {
                above += pmf;
                pmf *= x / (n - x + 1.0) / self.odds;
                x -= 1.0;
            }
            return x;
        }
        if start <= 0.0 {
            return self.walk_from_zero(n, u);
        }
        let pmf = binomial_pmf_interior(start, n, self.p, self.q);
        self.walk_on(start, pmf, pmf, n, u)
    }

    /// The CDF walk from 0, for `u ≤ 1 − NEAR_ONE`.
    #[inline(always)]
    fn walk_from_zero(&self, n: f64, u: f64) -> f64 {
        let p0 = if n < (1 << SQUARES) as f64 {
            // A few multiplications beat exp (`n` is a whole number).
            power_from_squares(&self.squares, n as u32)
        } else if !self.ln_q.is_nan() {
            (n * self.ln_q).exp()
        } else {
            (n * (-self.p).ln_1p()).exp()
        };
        let ratio = |x: f64| (n - x) / (x + 1.0) * self.odds;
        // The first steps without a branch per step: most walks from 0 end
        // within three steps, and the branch that ends them is the one the
        // processor cannot predict. (Past `n`, the pmf products are 0.)
        let p1 = p0 * ratio(0.0);
        let p2 = p1 * ratio(1.0);
        let p3 = p2 * ratio(2.0);
        let (c1, c2) = (p0 + p1, p0 + p1 + p2);
        let c3 = c2 + p3;
        if c3 >= u || n <= 3.0 {
            let below = f64::from(u8::from(p0 < u) + u8::from(c1 < u) + u8::from(c2 < u));
            return below.min(n);
        }
        // Then four steps at a time while the reciprocals are tabulated.
        // The pmfs and partial sums are formed as a tree, so one block
        // costs two multiplications and two additions of latency instead
        // of four each, and the branch that ends the walk is taken once.
        let (mut x, mut pmf, mut cdf) = (3.0, p3, c3);
        while x + 4.0 <= n && x + 4.0 <= RECIPROCALS as f64 {
            let i = x as usize;
            let ratio = |j: usize| (n - x - j as f64) * RECIPROCAL[i + j] * self.odds;
            let (r0, r1, r2, r3) = (ratio(0), ratio(1), ratio(2), ratio(3));
            let (p1, p2) = (pmf * r0, pmf * (r0 * r1));
            let (p3, p4) = (p2 * r2, p2 * (r2 * r3));
            let c1 = cdf + p1;
            let c2 = cdf + (p1 + p2);
            let c3 = c2 + p3;
            let c4 = c2 + (p3 + p4);
            if c4 >= u {
                let below = u8::from(c1 < u) + u8::from(c2 < u) + u8::from(c3 < u);
                return x + 1.0 + f64::from(below);
            }
            (x, pmf, cdf) = (x + 4.0, p4, c4);
        }
        self.walk_on(x, pmf, cdf, n, u)
    }

    /// The rest of a walk from the left: `pmf` and `cdf` are those of `x`.
    /// 1 − u ≥ NEAR_ONE here, far above the rounding of the sum, so the walk
    /// ends well before `n`.
    #[inline(never)]
    fn walk_on(&self, mut x: f64, mut pmf: f64, mut cdf: f64, n: f64, u: f64) -> f64 {
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
        if lambda >= FAST_VARIANCE {
            let z = normal_deviate(u);
            if z.abs() <= FAST_Z {
                let sd = lambda.sqrt();
                let skew = 1.0 / sd;
                let deviate =
                    |k: f64| saddle_deviate(k + 0.5 - lambda, lambda, f64::INFINITY, lambda);
                let g = guard(lambda);
                if let Some(k) = certified_quantile(z, lambda, sd, skew, f64::INFINITY, g, deviate)
                {
                    return k;
                }
            }
        }
        self.walk(u)
    }

    /// The exact CDF walk (see the module documentation).
    fn walk(&self, u: f64) -> f64 {
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

    /// `Φ⁻¹(P(X ≤ k))` for every `k` in `lo..=hi`, from pmfs summed tail-first
    /// (lower tail for the lower half, upper tail for the upper half), so that
    /// far-tail deviates keep their precision.
    fn exact_deviates(
        pmf: impl Fn(f64) -> f64,
        lo: f64,
        hi: f64,
        far_lo: f64,
        far_hi: f64,
    ) -> Vec<f64> {
        let mut below = Vec::new();
        let mut acc = 0.0;
        let mut k = far_lo;
        while k <= hi {
            acc += pmf(k);
            if k >= lo {
                below.push(acc);
            }
            k += 1.0;
        }
        let mut above = vec![0.0; below.len()];
        let mut acc = 0.0;
        let mut k = far_hi;
        while k > lo {
            if k <= hi + 1.0 {
                above[(k - 1.0 - lo) as usize] = acc + pmf(k);
            }
            acc += pmf(k);
            k -= 1.0;
        }
        below
            .iter()
            .zip(&above)
            .map(|(&l, &a)| {
                if l < 0.5 {
                    normal_deviate(l)
                } else {
                    -normal_deviate(a)
                }
            })
            .collect()
    }

    fn binomial_pmf(k: f64, n: f64, p: f64) -> f64 {
        if k <= 0.0 {
            return (n * (-p).ln_1p()).exp();
        }
        if k >= n {
            return (n * p.ln()).exp();
        }
        binomial_pmf_interior(k, n, p, 1.0 - p)
    }

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
            worst = worst.max((deviate(k) - e).abs() / (guard(var) / GUARD_MARGIN));
        }
        worst
    }

    /// Variances from `FAST_VARIANCE` up to 10⁷ and success probabilities
    /// across (0, 1); `None` is the Poisson count.
    fn saddle_grid() -> impl Iterator<Item = (f64, Option<f64>)> {
        let vars = (0..62)
            .map(|i| FAST_VARIANCE * 1.15f64.powi(i))
            .chain([1e6, 1e7]);
        vars.flat_map(|var| {
            [
                1e-7, 1e-3, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 0.95, 0.999,
            ]
            .into_iter()
            .map(Some)
            .chain([None])
            .map(move |p| (var, p))
        })
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

    /// The certified path must return exactly what the CDF walk returns.
    #[test]
    fn certified_quantiles_equal_the_walk() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(11);
        let mut fast = 0;
        for i in 0..200_000 {
            let var = FAST_VARIANCE * (1e5f64).powf(rng.random::<f64>());
            let u: f64 = match i % 4 {
                0 => rng.random(),
                1 => 1e-12f64.powf(rng.random::<f64>()),
                2 => 1.0 - 1e-12f64.powf(rng.random::<f64>()),
                _ => 0.5 + 0.01 * (rng.random::<f64>() - 0.5),
            };
            if i % 2 == 0 {
                let p = if rng.random::<bool>() {
                    0.5 * rng.random::<f64>()
                } else {
                    1.0 - 1e-6f64.powf(rng.random::<f64>())
                };
                let n = (var / (p * (1.0 - p))).round().max(1.0);
                let b = Binomial::new(p);
                let x = b.quantile(n, u);
                assert_eq!(x, b.walk(n, u, n * p), "n={n} p={p} u={u}");
                fast += usize::from(n * p * (1.0 - p) >= FAST_VARIANCE);
            } else {
                let d = super::Poisson::new(var);
                assert_eq!(d.quantile(u), d.walk(u), "λ={var} u={u}");
            }
        }
        assert!(fast > 50_000);
    }

    /// Uniforms placed exactly on (and a hair around) the walk's own CDF
    /// values: the guard must send every one of them to the walk.
    #[test]
    fn uniforms_on_cdf_boundaries_are_left_to_the_walk() {
        for &(n, p) in &[(400.0, 0.3), (2e5, 0.01), (1e7, 0.5), (3e6, 0.9999)] {
            let b = Binomial::new(p);
            let mean: f64 = n * p;
            let sd = (mean * (1.0 - p)).sqrt();
            let (lo, hi) = ((mean - 4.0 * sd).floor(), (mean + 4.0 * sd).ceil());
            let check = |u: f64| {
                for u in [u.next_down(), u, u.next_up()] {
                    assert_eq!(b.quantile(n, u), b.walk(n, u, mean), "n={n} p={p} u={u}");
                }
            };
            // P(X ≤ k) summed from the left for the lower half, 1 − P(X > k)
            // summed from the right for the upper half, as the walk sums them.
            let mut k = (lo - 40.0 * sd).max(0.0);
            let mut below = 0.0;
            while k <= hi {
                below += binomial_pmf(k, n, p);
                if k >= lo && below < 0.5 {
                    check(below);
                }
                k += 1.0;
            }
            let mut k = (hi + 40.0 * sd).min(n);
            let mut above = 0.0;
            while k > lo {
                if k <= hi && above < 0.5 {
                    check(1.0 - above);
                }
                above += binomial_pmf(k, n, p);
                k -= 1.0;
            }
        }
    }

    /// Far tails, against the exact inverse CDF computed with 60-digit
    /// arithmetic (mpmath): the smallest and largest uniforms of the engine's
    /// grid, `2^−53` and `1 − k·2^−53`, with up to a billion persons. A sum
    /// from the left saturates below such a `u` near 1, and a walk that leaves
    /// out `e^−37.5` of the lower tail misses counts at `u = 2^−53`.
    #[test]
    fn far_tails_match_the_exact_inverse() {
        let e = 2f64.powi(-53);
        let binomial = [
            (1e9, 1e-7, 1.0 - 3.0 * e, 191.0),
            (1e9, 0.3, e, 299_881_037.0),
            (1e9, 0.5, 1.0 - 3.0 * e, 500_127_702.0),
            (1e9, 5.5e-8, 1.0 - 13.0 * e, 123.0),
            (1e9, 5.5e-8, 1.0 - 7.0 * e, 124.0),
            (1e9, 5.5e-8, 1.0 - 5.0 * e, 124.0),
            (1e9, 5.5e-8, 1.0 - e, 126.0),
        ];
        for (n, p, u, exact) in binomial {
            let b = Binomial::new(p);
            assert_eq!(b.quantile(n, u), exact, "n={n} p={p} u={u}");
            assert_eq!(b.walk(n, u, n * p), exact, "walk: n={n} p={p} u={u}");
        }
        let poisson = [
            (50.5, 1.0 - e, 119.0),
            (1e8, e, 99_917_916.0),
            (975.999_165_795_052_7, 0.999_999_999_999_987_7, 1224.0),
        ];
        for (lambda, u, exact) in poisson {
            let d = super::Poisson::new(lambda);
            assert_eq!(d.quantile(u), exact, "λ={lambda} u={u}");
            assert_eq!(d.walk(u), exact, "walk: λ={lambda} u={u}");
        }
        assert_eq!(Binomial::new(0.3).quantile(1e6, 0.0), 0.0);
        assert_eq!(super::Poisson::new(100.5).quantile(0.0), 0.0);
    }

    /// A success probability near 1 with a large `n`: the walk must not start
    /// where every pmf underflows (it used to return `n`).
    #[test]
    fn success_probability_near_one() {
        let (n, p) = (1e6, 1.0 - 1e-5);
        let b = Binomial::new(p);
        for &(u, lo, hi) in &[
            (0.5, n - 12.0, n - 8.0),
            (0.01, n - 19.0, n - 15.0),
            (0.999, n - 4.0, n - 1.0),
        ] {
            let x = b.quantile(n, u);
            assert!((lo..=hi).contains(&x), "u={u}: {x}");
        }
    }

    /// The unrolled first steps and the blocks of four of the walk from 0
    /// give what the plain loop gives.
    #[test]
    fn walk_from_zero_equals_the_plain_loop() {
        let mut blocks = 0;
        for n in (0..40).chain([57, 120, 300, 1000, 4000]) {
            let n = f64::from(n);
            for &p in &[1e-4, 0.01, 0.07, 0.2, 0.5, 0.8, 0.97, 1.0 - 1e-9] {
                let mean = n * p;
                if walk_start(mean, binomial_depth(mean * (1.0 - p))) > 0.0 {
                    continue;
                }
                let b = Binomial::once(p);
                for i in 0..2000 {
                    let u = (f64::from(i) + 0.5) / 2000.0;
                    let (mut x, mut pmf) = (0.0, (n * (-p).ln_1p()).exp());
                    let mut cdf = pmf;
                    while cdf < u && x < n {
                        pmf *= (n - x) / (x + 1.0) * (p / (1.0 - p));
                        x += 1.0;
                        cdf += pmf;
                    }
                    let expected = if u <= 1.0 - n * p { 0.0 } else { x };
                    assert_eq!(b.quantile(n, u), expected, "n={n} p={p} u={u}");
                    blocks += usize::from(expected > 8.0);
                }
            }
        }
        assert!(blocks > 10_000, "{blocks} walks went through the blocks");
    }

    #[test]
    fn powers_from_squares_are_q_to_the_n() {
        // Exact where every product is: powers of ½, 1 and 0.
        for n in 0..256u32 {
            let exact = 0.5f64.powi(-i32::try_from(n).unwrap()).recip();
            assert_eq!(
                power_from_squares(&repeated_squares(0.5), n),
                exact,
                "n={n}"
            );
            assert_eq!(power_from_squares(&repeated_squares(1.0), n), 1.0);
            let zero = power_from_squares(&repeated_squares(0.0), n);
            assert_eq!(zero, if n == 0 { 1.0 } else { 0.0 });
        }
        // Elsewhere within the rounding of about n/2 + 8 products.
        for &q in &[0.999_9, 0.97, 0.8, 0.5 + 1e-9, 0.3, 0.01] {
            let squares = repeated_squares(q);
            for n in 0..256u32 {
                let exact = (f64::from(n) * f64::ln(q)).exp();
                let got = power_from_squares(&squares, n);
                let ulps = f64::from(n) / 2.0 + 8.0 + f64::from(n) * q.ln().abs();
                let tolerance = ulps * f64::EPSILON * exact;
                assert!(
                    (got - exact).abs() <= tolerance,
                    "q={q} n={n}: {got} vs {exact}"
                );
            }
        }
    }

    #[test]
    fn many_counts_at_once_equal_one_by_one() {
        let mut state = 12_345u64;
        let mut uniform = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            crate::rng::open_unit(state)
        };
        for &p in &[0.0, 1e-4, 0.03, 0.4, 0.999, 1.0] {
            let b = Binomial::new(p);
            for len in [0, 1, 13, 16, 17, 40] {
                let n: Vec<f64> = (0..len)
                    .map(|i| [0.0, 1.0, 7.0, 300.0, 5e4][i % 5])
                    .collect();
                let u: Vec<f64> = (0..len).map(|_| uniform()).collect();
                let (mut deviates, mut out) = (vec![f64::NAN; len], vec![-1.0; len]);
                b.quantiles(&n, &u, &mut deviates, &mut out);
                for i in 0..len {
                    assert_eq!(
                        out[i],
                        b.quantile(n[i], u[i]),
                        "p={p} n={} u={}",
                        n[i],
                        u[i]
                    );
                }
            }
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
