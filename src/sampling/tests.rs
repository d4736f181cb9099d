//! Binomial and Poisson counts together: against statrs, the walk and exact
//! inverses computed with mpmath.

use super::cornish_fisher::CF_VARIANCE;
use super::*;
use statrs::distribution::{Binomial as SBinomial, DiscreteCDF, Poisson};

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

#[test]
fn edge_cases() {
    let b = Binomial::new(0.0);
    assert_eq!(b.quantile(10.0, 0.9), 0.0);
    assert_eq!(Binomial::new(1.0).quantile(10.0, 0.1), 10.0);
    assert_eq!(Binomial::new(0.5).quantile(0.0, 0.9), 0.0);
    assert!(Binomial::new(0.5).quantile(10.0, 1.0 - 1e-17) <= 10.0);
    assert_eq!(super::Poisson::new(0.0).quantile(0.5), 0.0);
}
