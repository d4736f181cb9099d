//! What the sampling tests share: exact deviates from summed pmfs, variance
//! grids and a stream of uniforms.

use crate::special::{binomial_pmf_interior, normal_deviate};

/// `Φ⁻¹(P(X ≤ k))` for every `k` in `lo..=hi`, from pmfs summed tail-first
/// (lower tail for the lower half, upper tail for the upper half), so that
/// far-tail deviates keep their precision.
pub(super) fn exact_deviates(
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

pub(super) fn binomial_pmf(k: f64, n: f64, p: f64) -> f64 {
    if k <= 0.0 {
        return (n * (-p).ln_1p()).exp();
    }
    if k >= n {
        return (n * p.ln()).exp();
    }
    binomial_pmf_interior(k, n, p, 1.0 - p)
}

/// Variances from `lowest` up in steps of 15 %, then 10⁶ and 10⁷, each
/// with the success probabilities `ps` and `None`, the Poisson count.
pub(super) fn variance_grid(
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

/// A stream of uniforms in (0, 1) from a linear congruential generator.
pub(super) fn uniforms(mut state: u64) -> impl FnMut() -> f64 {
    move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        crate::rng::open_unit(state)
    }
}
