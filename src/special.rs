//! Special functions shared by parameter quantiles ([`crate::inverse`]) and
//! transition sampling ([`crate::sampling`]): Loader's Stirling error and
//! deviance term with the saddle-point pmfs built on them, and `Φ⁻¹`, the
//! standard normal quantile (statrs' `erfc_inv`, and Wichura's AS 241 for
//! the many deviates of counts).

use std::f64::consts::PI;

/// `ln Γ(n+1) − (n + ½) ln n + n − ln √(2π)`, the Stirling error (Loader 2000).
pub fn stirlerr(n: f64) -> f64 {
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
pub fn binomial_pmf_interior(x: f64, n: f64, p: f64, q: f64) -> f64 {
    let lc = stirlerr(n) - stirlerr(x) - stirlerr(n - x) - bd0(x, n * p) - bd0(n - x, n * q);
    lc.exp() * (n / (2.0 * PI * x * (n - x))).sqrt()
}

/// Poisson pmf at `x > 0`, by the saddle-point formula.
pub fn poisson_pmf_positive(x: f64, lambda: f64) -> f64 {
    (-stirlerr(x) - bd0(x, lambda)).exp() / (2.0 * PI * x).sqrt()
}

/// `Φ⁻¹(u)`, the standard normal deviate of `u`.
#[inline]
pub fn normal_deviate(u: f64) -> f64 {
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
pub fn count_deviate(u: f64) -> f64 {
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

#[cfg(test)]
mod tests {
    use super::*;
    use statrs::distribution::{Binomial as SBinomial, Discrete};

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
}
