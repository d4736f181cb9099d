//! Exact inverse-CDF sampling of binomial and Poisson counts from one uniform.
//!
//! MODEL.md 11.12 asks for a monotone coupling: each count is `F⁻¹(u)` for a
//! uniform shared by both arms, so two arms with slightly different
//! probabilities get counts as close as chance allows. Library samplers
//! (BTPE, rand_distr) consume a variable number of uniforms and are not
//! monotone in one uniform, so this is written by hand; it is also the hot
//! path of a stochastic run.
//!
//! Three ways to the same count:
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
//! * **The Cornish–Fisher count**, for variances of at least 8 and
//!   `|z| ≤ 3` with `z = Φ⁻¹(u)`, costs `O(1)` and no transcendental
//!   function but `Φ⁻¹`: the third-order Cornish–Fisher quantile `x(z)` of
//!   the continuity-corrected count is within a measured envelope of the
//!   exact boundaries between counts (tested against exact sums), so when
//!   `x(z)` is five times that clear of `k ± ½` the count is `k`. 99.7 % of
//!   the Ballerup counts on this path are settled so.
//! * **The certified guess** decides what the Cornish–Fisher count leaves
//!   open, for variances of at least 50: from the Cornish–Fisher guess, the
//!   saddle-point deviates `R(k−1) < z ≤ R(k)` of the CDF at the two
//!   neighbouring points settle the count. Each comparison must clear a
//!   guard five times the largest error of `R` measured against exact sums
//!   (tested), plus the rounding of the mean; a uniform that falls inside the
//!   guard — 7 % at variance 50, 2 % at 100, 0.05 % at 1,000 — goes to the
//!   walk.
//!
//! The guarded paths therefore return the walk's count, exactly; a test
//! compares them on 200,000 random counts (and 40 million once, by hand).
//!
//! Most counts of a small cohort are 0: Bernoulli's inequality `q^n ≥ 1 − np`
//! settles them with one comparison, made for a month's cells together
//! ([`Binomial::quantiles`]) so that its unpredictable outcome costs no
//! branch; the Cornish–Fisher counts of those cells are then computed
//! together too, in vector registers (256-bit where the processor has AVX2,
//! chosen at run time; the counts are the same either way). Counts that the
//! caller knows to be large (it prepared their deviates) try the
//! Cornish–Fisher count inline. Walks from 0 take `q^n` from stored
//! repeated squares of `q` for fewer than 256 persons, and run their first
//! three steps without a branch.

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

/// `Φ⁻¹(u)` by Wichura's algorithm AS 241 (PPND16, Applied Statistics 37,
/// 1988): a rational function in each of three regions, with relative error
/// about 1e−16. It agrees with [`normal_deviate`] to a few ulps (tested) and,
/// unlike statrs' `erfc_inv`, evaluates the central region, where most counts
/// fall, without a logarithm: 2.8 ns per deviate against 6.7 ns when many
/// are computed together. Counts use it only to choose a certified path, so
/// its last bits never change a count.
#[inline]
#[allow(clippy::excessive_precision)] // Wichura's coefficients as published
pub(crate) fn count_deviate(u: f64) -> f64 {
    #[rustfmt::skip]
    const C: [f64; 8] = [
        1.423_437_110_749_683_577_34, 4.630_337_846_156_545_295_9, 5.769_497_221_460_691_405_5,
        3.647_848_324_763_204_605_04, 1.270_458_252_452_368_382_58, 0.241_780_725_177_450_611_77,
        0.022_723_844_989_269_184_583_3, 7.745_450_142_783_414_076_4e-4,
    ];
    #[rustfmt::skip]
    const D: [f64; 8] = [
        1.0, 2.053_191_626_637_758_821_87, 1.676_384_830_183_803_849_4, 0.689_767_334_985_100_004_55,
        0.148_103_976_427_480_074_59, 0.015_198_666_563_616_457_196_6, 5.475_938_084_995_344_946e-4,
        1.050_750_071_644_416_843_24e-9,
    ];
    #[rustfmt::skip]
    const E: [f64; 8] = [
        6.657_904_643_501_103_777_2, 5.463_784_911_164_114_369_9, 1.784_826_539_917_291_335_8,
        0.296_560_571_828_504_891_23, 0.026_532_189_526_576_123_093, 1.242_660_947_388_078_438_6e-3,
        2.711_555_568_743_487_578_15e-5, 2.010_334_399_292_288_132_65e-7,
    ];
    #[rustfmt::skip]
    const F: [f64; 8] = [
        1.0, 0.599_832_206_555_887_937_69, 0.136_929_880_922_735_805_31, 0.014_875_361_290_850_614_852_5,
        7.868_691_311_456_132_591e-4, 1.846_318_317_510_054_681_8e-5, 1.421_511_758_316_445_888_7e-7,
        2.044_263_103_389_939_785_64e-15,
    ];
    let q = u - 0.5;
    if q.abs() <= CENTRAL {
        return central_deviate(u);
    }
    if !(u > 0.0 && u < 1.0) {
        return if u >= 1.0 {
            f64::INFINITY
        } else {
            f64::NEG_INFINITY
        };
    }
    let r = (-(if q < 0.0 { u } else { 1.0 - u }).ln()).sqrt();
    let z = if r <= 5.0 {
        ratio(&C, &D, r - 1.6)
    } else {
        ratio(&E, &F, r - 5.0)
    };
    if q < 0.0 {
        -z
    } else {
        z
    }
}

/// The central region of [`count_deviate`]: `|u − ½| ≤ 0.425`.
const CENTRAL: f64 = 0.425;

/// `P(x)/Q(x)` for polynomials of degree 7 by their coefficients, lowest first.
#[inline(always)]
fn ratio(num: &[f64; 8], den: &[f64; 8], x: f64) -> f64 {
    let horner = |c: &[f64; 8]| c[..7].iter().rev().fold(c[7], |acc, &c| acc * x + c);
    horner(num) / horner(den)
}

/// [`count_deviate`] in its central region, `|u − ½| ≤ 0.425`, where it has
/// neither a logarithm nor a branch (a batch of them vectorizes).
#[inline(always)]
#[allow(clippy::excessive_precision)] // Wichura's coefficients as published
fn central_deviate(u: f64) -> f64 {
    #[rustfmt::skip]
    const A: [f64; 8] = [
        3.387_132_872_796_366_608, 133.141_667_891_784_377_45, 1_971.590_950_306_551_442_7,
        13_731.693_765_509_461_125, 45_921.953_931_549_871_457, 67_265.770_927_008_700_853,
        33_430.575_583_588_128_105, 2_509.080_928_730_122_672_7,
    ];
    #[rustfmt::skip]
    const B: [f64; 8] = [
        1.0, 42.313_330_701_600_911_252, 687.187_007_492_057_908_3, 5_394.196_021_424_751_107_7,
        21_213.794_301_586_595_867, 39_307.895_800_092_710_61, 28_729.085_735_721_942_674,
        5_226.495_278_852_545_561,
    ];
    let q = u - 0.5;
    q * ratio(&A, &B, 0.180_625 - q * q)
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
/// of mean `mean` and variance `var ≥ FAST_VARIANCE`: five times
/// [`error_envelope`], with a floor for rounding at very large variances,
/// plus the rounding of the mean (`n·p` in doubles is off by up to
/// `1.1·10⁻¹⁶·mean`, which moves the deviate by that over `σ`: 10⁻⁸ for
/// 3·10¹¹ persons with `q = 2·10⁻⁵`). A uniform falls inside the guard of one
/// of its two neighbouring boundaries, and goes to the walk, with
/// probability about `2·guard·σ`: 7 % at variance 50, 2 % at 100, 0.05 % at
/// 1,000.
#[inline]
fn guard(mean: f64, var: f64) -> f64 {
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

/// Below this variance a count is walked. Thresholds from 5 to 12 measure
/// alike on the Ballerup scenario at 10,000 and 100,000 persons (16 is 4 %
/// slower); the envelope of the Cornish–Fisher error is tested from here up.
const CF_VARIANCE: f64 = 8.0;
/// The Cornish–Fisher count is used for `|z|` up to this; beyond, its error
/// grows as `z⁶` and the saddle-point deviates decide.
const CF_Z: f64 = 3.0;
/// The Cornish–Fisher count must be this many times its measured error clear
/// of a boundary between counts.
const CF_MARGIN: f64 = 5.0;

/// A count's cumulants `κ₂ … κ₅` (κ₂ the variance).
#[derive(Debug, Clone, Copy)]
struct Cumulants {
    k2: f64,
    k3: f64,
    k4: f64,
    k5: f64,
}

impl Cumulants {
    /// Of a binomial count with variance `var = npq`.
    #[inline]
    fn binomial(var: f64, p: f64, q: f64) -> Self {
        let (skew, pq) = (q - p, p * q);
        Cumulants {
            k2: var,
            k3: var * skew,
            k4: var * (1.0 - 6.0 * pq),
            k5: var * skew * (1.0 - 12.0 * pq),
        }
    }

    /// Of a Poisson count, all equal to its mean.
    #[inline]
    fn poisson(lambda: f64) -> Self {
        Cumulants {
            k2: lambda,
            k3: lambda,
            k4: lambda,
            k5: lambda,
        }
    }
}

/// The count `k` whose continuity-corrected interval `(k − ½, k + ½]` holds
/// the Cornish–Fisher quantile `x(z)` of a count with mean `mean` and
/// cumulants `c`, when `x(z)` is clear of the interval's ends by more than
/// its error; `None` otherwise (and for `|z| > CF_Z`).
///
/// `x(z)` is the Cornish–Fisher expansion to third order (terms in
/// `κ₃ … κ₅` and their products up to `σ⁻³`) of the continuous
/// approximation of the lattice count, whose cumulants are Sheppard's:
/// `κ₂ − 1/12` and `κ₄ + 1/120` (the midpoint rule's correction, which
/// makes `x(z) = k + ½` where `P(X ≤ k) = Φ(z)`). Its error at those points,
/// measured against exact sums over variances from [`CF_VARIANCE`] to 10⁷,
/// success probabilities across (0, 1) and Poisson counts, is below
/// [`cornish_fisher_error`]; a count is returned only when `x(z)` is
/// [`CF_MARGIN`] times that clear of `k ± ½`. As `x(z)` increases with `z`,
/// `x(z) < k + ½ − e` gives `z < Φ⁻¹(P(X ≤ k))`, that is `u ≤ P(X ≤ k)`, and
/// likewise below: the count is the walk's count.
#[inline]
fn cornish_fisher_count(z: f64, mean: f64, c: Cumulants, upper: f64) -> Option<f64> {
    let (k, clear) = cornish_fisher_try(z, mean, c, upper);
    clear.then_some(k)
}

/// [`cornish_fisher_count`] without a branch: the count, and whether it is
/// settled (a batch of them vectorizes).
#[inline(always)]
fn cornish_fisher_try(z: f64, mean: f64, c: Cumulants, upper: f64) -> (f64, bool) {
    /// Adding and subtracting 1.5·2⁵² rounds to the nearest integer for
    /// `|x| < 2⁵¹`; `floor` is a library call on the baseline x86-64.
    const ROUND: f64 = 6_755_399_441_055_744.0;
    let point = cornish_fisher_point(z, mean, c);
    let x = point.x;
    // The nearest integer: `⌈x − ½⌉` but for `x` exactly half-way, where the
    // gap is 0. An `x` of 2⁵¹ or more is rejected by the rounding floor of
    // the guard (10⁻¹⁵x > ½).
    let k = (x + ROUND) - ROUND;
    let gap = 0.5 - (x - k).abs();
    // The error at the boundary nearest `z`, which lies within `1/s` of it.
    let guard = CF_MARGIN * cornish_fisher_error(point.inv_s3, z.abs() + point.inv_s, x);
    (k, gap > guard && z.abs() <= CF_Z && k <= upper && k >= 0.0)
}

/// `x(z)` of [`cornish_fisher_count`], with `1/s` and `1/s³` for `s²` the
/// variance of the continuous approximation.
#[derive(Debug, Clone, Copy)]
struct CornishFisher {
    x: f64,
    inv_s: f64,
    inv_s3: f64,
}

#[inline]
fn cornish_fisher_point(z: f64, mean: f64, c: Cumulants) -> CornishFisher {
    let v = c.k2 - 1.0 / 12.0;
    // The square root and the reciprocal run side by side: `1/s = s/v`.
    let s = v.sqrt();
    let inv_v = 1.0 / v;
    let inv_s = s * inv_v;
    let inv_s3 = inv_v * inv_s;
    let g1 = c.k3 * inv_s3;
    let g2 = (c.k4 + 1.0 / 120.0) * (inv_v * inv_v);
    let g3 = c.k5 * (inv_v * inv_s3);
    let z2 = z * z;
    // Constant reciprocals, as a division is not turned into a product.
    const SIXTH: f64 = 1.0 / 6.0;
    const TWENTY_FOURTH: f64 = 1.0 / 24.0;
    const THIRTY_SIXTH: f64 = 1.0 / 36.0;
    const HUNDRED_TWENTIETH: f64 = 1.0 / 120.0;
    const THREE_HUNDRED_TWENTY_FOURTH: f64 = 1.0 / 324.0;
    let w = z
        + g1 * (z2 - 1.0) * SIXTH
        + z * (g2 * (z2 - 3.0) * TWENTY_FOURTH - g1 * g1 * (2.0 * z2 - 5.0) * THIRTY_SIXTH)
        + g3 * (z2 * (z2 - 6.0) + 3.0) * HUNDRED_TWENTIETH
        - g1 * g2 * (z2 * (z2 - 5.0) + 2.0) * TWENTY_FOURTH
        + g1 * g1 * g1 * (z2 * (12.0 * z2 - 53.0) + 17.0) * THREE_HUNDRED_TWENTY_FOURTH;
    CornishFisher {
        x: mean + s * w,
        inv_s,
        inv_s3,
    }
}

/// An upper envelope of the error of [`cornish_fisher_count`]'s `x(z)`, in
/// counts, at deviate `|z|` for a count whose continuous approximation has
/// standard deviation `s` (`inv_s3 = s⁻³`): `(0.02 + 0.0007 z⁶)·s⁻³`, plus
/// `10⁻⁹ + 10⁻¹⁵x` for rounding (the spacing of doubles near `x` is
/// `2.2·10⁻¹⁶x`). The measured error is 0.015·s⁻³ for `|z| ≤ 1.5`, 0.02·s⁻³
/// at 2 and 0.31·s⁻³ at 3.
#[inline]
fn cornish_fisher_error(inv_s3: f64, z: f64, x: f64) -> f64 {
    let z3 = z * z * z;
    (0.02 + 0.0007 * z3 * z3) * inv_s3 + 1e-9 + 1e-15 * x.abs()
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

/// The Cornish–Fisher counts of a block of cells with one probability:
/// `k[i]` is the count of `n[i]` persons at deviate `z[i]`, or −1 where
/// `x(z)` is not clear of a boundary (see [`cornish_fisher_count`]). Every
/// cell is computed, whatever its size or deviate (NaN gives −1); the
/// caller takes `k[i]` only for cells with a variance of at least
/// [`CF_VARIANCE`] and the deviate of their uniform. At most 16 cells.
///
/// On a processor with AVX2 the cells go four at a time in 256-bit
/// registers, read where they lie; elsewhere they are copied into 16 lanes
/// for a loop that the compiler vectorizes at the baseline width. Both
/// return the same counts (tested): each lane is the same arithmetic in the
/// same order, and Rust does not fuse or reorder floating-point operations.
#[inline(always)]
fn cornish_fisher_block(p: f64, q: f64, n: &[f64], z: &[f64], k: &mut [f64]) {
    debug_assert!(n.len() <= 16 && z.len() == n.len() && k.len() == n.len());
    #[cfg(target_arch = "x86_64")]
    if n.len() >= 4 && std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor has AVX2 (checked just above, cached by std).
        #[allow(unsafe_code)]
        unsafe {
            cornish_fisher_block_avx2(p, q, n, z, k)
        };
        return;
    }
    cornish_fisher_block_portable(p, q, n, z, k);
}

/// The Cornish–Fisher count of `n` persons with probability `p` (`q = 1 − p`)
/// at deviate `z`, or −1 where [`cornish_fisher_count`] leaves it open;
/// without a branch, so that a block of them vectorizes.
#[inline(always)]
fn cornish_fisher_lane(p: f64, q: f64, n: f64, z: f64) -> f64 {
    let mean = n * p;
    let c = Cumulants::binomial(mean * q, p, q);
    let (count, clear) = cornish_fisher_try(z, mean, c, n);
    if clear {
        count
    } else {
        -1.0
    }
}

/// [`cornish_fisher_block`] at the baseline width: 16 lanes, those past
/// the block computed on zeros and ignored.
#[inline(always)]
fn cornish_fisher_block_portable(p: f64, q: f64, n: &[f64], z: &[f64], k: &mut [f64]) {
    let len = n.len();
    let (mut sizes, mut deviates, mut counts) = ([0.0; 16], [0.0; 16], [0.0; 16]);
    sizes[..len].copy_from_slice(n);
    deviates[..len].copy_from_slice(z);
    for j in 0..16 {
        counts[j] = cornish_fisher_lane(p, q, sizes[j], deviates[j]);
    }
    k.copy_from_slice(&counts[..len]);
}

/// [`cornish_fisher_block`] four cells at a time, for at least four cells:
/// the last four end at the block's end (cells counted twice get the same
/// count twice). Reading the cells in place, without a copy, matters: a
/// 256-bit load of lanes just written one by one waits for the stores.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn cornish_fisher_block_avx2(p: f64, q: f64, n: &[f64], z: &[f64], k: &mut [f64]) {
    let len = n.len();
    let mut start = 0;
    while start < len {
        let first = start.min(len - 4);
        let lanes = first..first + 4;
        let n: &[f64; 4] = n[lanes.clone()].try_into().expect("four lanes");
        let z: &[f64; 4] = z[lanes.clone()].try_into().expect("four lanes");
        let k: &mut [f64; 4] = (&mut k[lanes]).try_into().expect("four lanes");
        for j in 0..4 {
            k[j] = cornish_fisher_lane(p, q, n[j], z[j]);
        }
        start += 4;
    }
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

    /// Whether a count of this probability is random (`0 < p < 1`), so
    /// that it may need the normal deviate of its uniform.
    #[inline]
    pub fn is_random(&self) -> bool {
        self.p > 0.0 && self.q > 0.0
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
        // A count whose deviate the caller prepared (it knew the count to be
        // large) tries the Cornish–Fisher count here, without a call.
        if mean * self.q >= CF_VARIANCE && !deviate.is_nan() {
            let k = cornish_fisher_lane(self.p, self.q, n, *deviate);
            if k >= 0.0 {
                return k;
            }
        }
        self.quantile_above_zero(n, u, mean, deviate)
    }

    /// [`Binomial::quantile_with`] for many counts with this probability:
    /// `out[i]` for `n[i]` persons and uniform `u[i]`, with `deviates[i]` the
    /// slot of `u[i]`'s normal deviate (NaN until a count needs it; another
    /// arm reading the same uniforms passes the same slots). Each count
    /// equals `quantile_with`'s; only the order of work differs.
    ///
    /// The counts go in blocks of 16. First the test that settles most small
    /// counts at 0 runs for the block without a branch, so the processor does
    /// not mispredict the outcome of every small count (this made a
    /// stochastic Ballerup draw about 7 % faster). Then the counts for the
    /// Cornish–Fisher guess get their normal deviates, and the block its
    /// guesses together, in vector registers without a branch
    /// ([`cornish_fisher_block`]; a guess alone is a chain of some 40 ns);
    /// only the counts left open after that take a branch and a call.
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
            let end = len.min(first + BLOCK);
            let (n, u) = (&n[first..end], &u[first..end]);
            let (deviates, out) = (&mut deviates[first..end], &mut out[first..end]);
            let (mut open, mut n_open) = ([0usize; BLOCK], 0);
            for i in 0..n.len() {
                // As in `quantile_with`: nobody, a zero probability (then
                // u < 1 = 1 − n·p) or Bernoulli's inequality settle it at 0.
                out[i] = 0.0;
                open[n_open] = i;
                n_open += usize::from(n[i] > 0.0 && u[i] > 1.0 - n[i] * self.p);
            }
            if n_open == 0 {
                continue;
            }
            // The open counts for Cornish–Fisher get their deviates; then
            // the whole block gets its Cornish–Fisher counts at once.
            let for_cf = |i: usize| n[i] * self.p * self.q >= CF_VARIANCE;
            let mut n_cf = 0;
            for &i in &open[..n_open] {
                if for_cf(i) {
                    n_cf += 1;
                    prepare_deviate(u[i], &mut deviates[i]);
                }
            }
            // Four or more go through the block; fewer (a mid-sized cohort,
            // where only the long-term cell is large) one by one below.
            let mut block = [-1.0; BLOCK];
            if n_cf >= 4 {
                cornish_fisher_block(self.p, self.q, n, deviates, &mut block[..n.len()]);
            }
            for &i in &open[..n_open] {
                let k = match (for_cf(i), n_cf >= 4) {
                    (false, _) => -1.0,
                    (true, true) => block[i],
                    (true, false) => cornish_fisher_lane(self.p, self.q, n[i], deviates[i]),
                };
                out[i] = if k >= 0.0 {
                    k
                } else {
                    self.quantile_above_zero(n[i], u[i], n[i] * self.p, &mut deviates[i])
                };
            }
        }
    }

    /// [`Binomial::quantile_with`] past the tests of its first lines.
    #[inline(never)]
    fn quantile_above_zero(&self, n: f64, u: f64, mean: f64, deviate: &mut f64) -> f64 {
        // Most counts left open are small: their walk starts at 0 (and their
        // variance is below CF_VARIANCE), in a function small enough to need
        // no stack frame; the rest is a call.
        if mean <= MIN_DEPTH && mean * self.q < CF_VARIANCE && u <= 1.0 - NEAR_ONE {
            return self.walk_from_zero(n, u);
        }
        self.quantile_large(n, u, mean, deviate)
    }

    /// [`Binomial::quantile_above_zero`] for a large mean or a `u` near 1.
    #[inline(never)]
    fn quantile_large(&self, n: f64, u: f64, mean: f64, deviate: &mut f64) -> f64 {
        let var = mean * self.q;
        if var >= CF_VARIANCE {
            prepare_deviate(u, deviate);
            let z = *deviate;
            let k = cornish_fisher_lane(self.p, self.q, n, z);
            if k >= 0.0 {
                return k;
            }
            if var >= FAST_VARIANCE && z.abs() <= FAST_Z {
                let sd = var.sqrt();
                let skew = (self.q - self.p) / sd;
                let rest = n - mean;
                let deviate = |k: f64| saddle_deviate(k + 0.5 - mean, mean, rest, var);
                if let Some(k) = certified_quantile(z, mean, sd, skew, n, guard(mean, var), deviate)
                {
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

/// Fills an empty (NaN) deviate slot with `Φ⁻¹(u)` of its uniform: for
/// counts known to be large before they are drawn one after another, so
/// that the processor overlaps their deviates.
#[inline]
pub fn prepare_deviate(u: f64, deviate: &mut f64) {
    if deviate.is_nan() {
        *deviate = count_deviate(u);
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
            worst = worst.max((deviate(k) - e).abs() / (guard(mean, var) / GUARD_MARGIN));
        }
        worst
    }

    /// Variances from `lowest` up in steps of 15 %, then 10⁶ and 10⁷, each
    /// with the success probabilities `ps` and `None`, the Poisson count.
    fn variance_grid(
        lowest: f64,
        steps: i32,
        ps: &'static [f64],
    ) -> impl Iterator<Item = (f64, Option<f64>)> {
        let vars = (0..steps)
            .map(move |i| lowest * 1.15f64.powi(i))
            .chain([1e6, 1e7]);
        vars.flat_map(move |var| {
            ps.iter()
                .copied()
                .map(Some)
                .chain([None])
                .map(move |p| (var, p))
        })
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

    /// AS 241 against statrs' `erfc_inv` over both tails and the centre.
    #[test]
    fn count_deviate_agrees_with_statrs() {
        let mut worst: f64 = 0.0;
        for i in 1..20_000 {
            let t = f64::from(i) / 20_000.0;
            for u in [t, 1e-300f64.powf(t), 1.0 - 1e-16f64.powf(t)] {
                let (fast, slow) = (count_deviate(u), normal_deviate(u));
                let err = (fast - slow).abs() / slow.abs().max(1.0);
                assert!(err < 1e-14, "u={u}: {fast} against {slow}");
                worst = worst.max(err);
            }
        }
        assert!(worst > 0.0);
        assert_eq!(count_deviate(0.5), 0.0);
        assert_eq!(count_deviate(0.0), f64::NEG_INFINITY);
        assert_eq!(count_deviate(1.0), f64::INFINITY);
    }

    /// Variances from `CF_VARIANCE` up to 10⁷ and success probabilities
    /// across (0, 1), near both ends too; `None` is the Poisson count.
    fn cornish_fisher_grid() -> impl Iterator<Item = (f64, Option<f64>)> {
        const PS: [f64; 20] = [
            1e-9, 1e-5, 1e-3, 0.01, 0.03, 0.1, 0.2, 0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9,
            0.97, 0.99, 0.999, 0.99999,
        ];
        variance_grid(CF_VARIANCE, 77, &PS)
    }

    /// `x(Φ⁻¹(P(X ≤ k)))` of the Cornish–Fisher expansion is within
    /// `cornish_fisher_error` of `k + ½` wherever the count may use it, and
    /// `x(z)` increases with `z` there.
    #[test]
    fn cornish_fisher_error_is_within_the_envelope() {
        let mut worst: f64 = 0.0;
        for (var, p) in cornish_fisher_grid() {
            let (n, mean, c) = match p {
                Some(p) => {
                    let n = (var / (p * (1.0 - p))).round();
                    let mean = n * p;
                    let var = mean * (1.0 - p);
                    (n, mean, Cumulants::binomial(var, p, 1.0 - p))
                }
                None => (f64::INFINITY, var, Cumulants::poisson(var)),
            };
            let pmf = |k: f64| match p {
                Some(p) => binomial_pmf(k, n, p),
                None if k <= 0.0 => (-var).exp(),
                None => poisson_pmf_positive(k, var),
            };
            let sd = c.k2.sqrt();
            let reach = CF_Z + 1.0;
            let lo = (mean - reach * 1.5 * sd).floor().max(0.0);
            let hi = (mean + reach * 1.5 * sd).ceil().min(n - 1.0);
            let far_lo = (mean - 40.0 * sd).floor().max(0.0);
            let far_hi = (mean + 40.0 * sd).ceil().min(n);
            let exact = exact_deviates(pmf, lo, hi, far_lo, far_hi);
            for (i, &z) in exact.iter().enumerate() {
                if z.abs() > reach {
                    continue;
                }
                let k = lo + i as f64;
                let point = cornish_fisher_point(z, mean, c);
                let (x, inv_s3) = (point.x, point.inv_s3);
                let scaled = (x - (k + 0.5)).abs() / cornish_fisher_error(inv_s3, z.abs(), x);
                assert!(
                    scaled <= 1.0,
                    "var={var} p={p:?} k={k} z={z}: error {scaled:.3} of the envelope"
                );
                worst = worst.max(scaled);
            }
            let mut last = f64::NEG_INFINITY;
            for j in -400..=400 {
                let x = cornish_fisher_point(f64::from(j) * reach / 400.0, mean, c).x;
                assert!(x > last, "var={var} p={p:?}: x(z) falls at z index {j}");
                last = x;
            }
        }
        assert!(worst > 0.2, "the envelope is loose: worst {worst}");
    }

    /// The certified paths (Cornish–Fisher and saddle point) must return exactly
    /// what the CDF walk returns.
    #[test]
    fn certified_quantiles_equal_the_walk() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(11);
        let mut fast = 0;
        for i in 0..200_000 {
            let var = CF_VARIANCE * (1e6f64).powf(rng.random::<f64>());
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
                fast += usize::from(n * p * (1.0 - p) >= CF_VARIANCE);
            } else {
                let d = super::Poisson::new(var);
                assert_eq!(d.quantile(u), d.walk(u), "λ={var} u={u}");
            }
        }
        assert!(fast > 50_000);
    }

    /// Counts of 10¹¹ to 10¹³ persons with `q` near 10⁻⁶, whose mean `n·p`
    /// rounds by more than the saddle-point guard once allowed: the exact
    /// counts (from sums in 40-digit arithmetic) for uniforms within 10⁻⁵ of
    /// a pmf from a boundary between counts.
    #[test]
    fn huge_cohorts_keep_exact_counts() {
        let cases = [
            (
                287353766157.0,
                0.9999773891140006,
                0.9999888436331493,
                287347279640.0,
            ),
            (
                4214583447884.0,
                0.9999981551201061,
                0.27076543144005616,
                4214575670782.0,
            ),
            (
                9916345982561.0,
                0.9999986152291123,
                0.008405762644835058,
                9916332241833.0,
            ),
        ];
        for (n, p, u, exact) in cases {
            assert_eq!(Binomial::new(p).quantile(n, u), exact, "n={n} p={p} u={u}");
        }
    }

    /// Uniforms placed exactly on (and a hair around) the walk's own CDF
    /// values: the guard must send every one of them to the walk.
    #[test]
    fn uniforms_on_cdf_boundaries_are_left_to_the_walk() {
        let cases = [
            (80.0, 0.25),
            (2000.0, 0.01),
            (400.0, 0.3),
            (2e5, 0.01),
            (1e7, 0.5),
            (3e6, 0.9999),
        ];
        for &(n, p) in &cases {
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

    /// A stream of uniforms in (0, 1) from a linear congruential generator.
    fn uniforms(mut state: u64) -> impl FnMut() -> f64 {
        move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            crate::rng::open_unit(state)
        }
    }

    #[test]
    fn many_counts_at_once_equal_one_by_one() {
        let mut uniform = uniforms(12_345);
        for &p in &[0.0, 1e-4, 0.03, 0.4, 0.999, 1.0] {
            let b = Binomial::new(p);
            for len in [0, 1, 3, 5, 6, 13, 16, 17, 40] {
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

    /// Two arms' counts sharing each uniform and its deviate slot, with
    /// different probabilities, as the engine lays them out: the first arm
    /// fills the slots, the second reads them.
    /// Both ways of computing a block's Cornish–Fisher counts give each
    /// lane's own count, for every block length, sizes from 0 to 10⁹ and
    /// deviates in and beyond the range used, NaN included.
    #[test]
    fn cornish_fisher_blocks_equal_lane_by_lane() {
        let mut uniform = uniforms(4_242);
        for &p in &[1e-6, 0.01, 0.2, 0.5, 0.93] {
            let q = 1.0 - p;
            for len in 0..=16 {
                for _ in 0..200 {
                    let n: Vec<f64> = (0..len)
                        .map(|_| (10f64.powf(9.0 * uniform())).floor() * f64::from(uniform() > 0.1))
                        .collect();
                    let z: Vec<f64> = (0..len)
                        .map(|_| {
                            if uniform() < 0.05 {
                                f64::NAN
                            } else {
                                8.0 * uniform() - 4.0
                            }
                        })
                        .collect();
                    let lanes: Vec<f64> = (0..len)
                        .map(|i| cornish_fisher_lane(p, q, n[i], z[i]))
                        .collect();
                    let mut k = vec![-2.0; len];
                    cornish_fisher_block_portable(p, q, &n, &z, &mut k);
                    assert_eq!(k, lanes, "portable p={p} n={n:?} z={z:?}");
                    #[cfg(target_arch = "x86_64")]
                    if len >= 4 && std::arch::is_x86_feature_detected!("avx2") {
                        let mut k = vec![-2.0; len];
                        // SAFETY: the processor has AVX2.
                        #[allow(unsafe_code)]
                        unsafe {
                            cornish_fisher_block_avx2(p, q, &n, &z, &mut k)
                        };
                        assert_eq!(k, lanes, "AVX2 p={p} n={n:?} z={z:?}");
                    }
                    for i in 0..len {
                        let expected = if z[i].is_nan() {
                            None
                        } else {
                            let mean = n[i] * p;
                            let c = Cumulants::binomial(mean * q, p, q);
                            cornish_fisher_count(z[i], mean, c, n[i])
                        };
                        assert_eq!(
                            lanes[i],
                            expected.unwrap_or(-1.0),
                            "p={p} n={} z={}",
                            n[i],
                            z[i]
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn shared_uniforms_of_two_distributions_at_once() {
        let mut uniform = uniforms(99);
        let arms = [Binomial::new(0.02), Binomial::new(0.031)];
        for len in [1, 4, 6, 13, 20] {
            let u: Vec<f64> = (0..len).map(|_| uniform()).collect();
            let mut deviates = vec![f64::NAN; len];
            for (a, b) in arms.iter().enumerate() {
                let n: Vec<f64> = (0..len)
                    .map(|i| [0.0, 40.0, 900.0, 2e4, 3e6][i % 5] + a as f64)
                    .collect();
                let mut out = vec![-1.0; len];
                b.quantiles(&n, &u, &mut deviates, &mut out);
                for i in 0..len {
                    assert_eq!(
                        out[i],
                        b.walk(n[i], u[i], n[i] * b.p),
                        "len={len} arm={a} i={i}"
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
