//! The Cornish–Fisher count: `O(1)` for variances of at least
//! [`CF_VARIANCE`], accepted only where its measured error cannot change the
//! count; a month's cells together in vector registers.

/// Below this variance a count is walked. Thresholds from 5 to 12 measure
/// alike on the Ballerup scenario at 10,000 and 100,000 persons (16 is 4 %
/// slower); the envelope of the Cornish–Fisher error is tested from here up.
pub(super) const CF_VARIANCE: f64 = 8.0;
/// The Cornish–Fisher count is used for `|z|` up to this; beyond, its error
/// grows as `z⁶` and the saddle-point deviates decide.
const CF_Z: f64 = 3.0;
/// The Cornish–Fisher count must be this many times its measured error clear
/// of a boundary between counts.
const CF_MARGIN: f64 = 5.0;

/// A count's cumulants `κ₂ … κ₅` (κ₂ the variance).
#[derive(Debug, Clone, Copy)]
pub(super) struct Cumulants {
    k2: f64,
    k3: f64,
    k4: f64,
    k5: f64,
}

impl Cumulants {
    /// Of a binomial count with variance `var = npq`.
    #[inline]
    pub(super) fn binomial(var: f64, p: f64, q: f64) -> Self {
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
    pub(super) fn poisson(lambda: f64) -> Self {
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
pub(super) fn cornish_fisher_count(z: f64, mean: f64, c: Cumulants, upper: f64) -> Option<f64> {
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
pub(super) fn cornish_fisher_block(p: f64, q: f64, n: &[f64], z: &[f64], k: &mut [f64]) {
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
pub(super) fn cornish_fisher_lane(p: f64, q: f64, n: f64, z: f64) -> f64 {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sampling::test_support::{binomial_pmf, exact_deviates, uniforms, variance_grid};
    use crate::special::poisson_pmf_positive;

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
}
