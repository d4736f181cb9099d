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
//!
//! Where each part lives: `binomial` (the walk, the batched counts of a
//! month's cells), `poisson` (inflow), `hypergeometric` (which relapsers
//! were claimed, MODEL.md 12.9), `cornish_fisher` (the `O(1)` count and
//! its vectorized blocks, with the crate's one `unsafe` block), `saddle` (the
//! certified guess); the pmfs and `Φ⁻¹` are in [`crate::special`], which
//! parameter quantiles use too. What is here is shared by both counts: the
//! depth of the walk's start and the deviates prepared ahead.

mod binomial;
mod cornish_fisher;
mod hypergeometric;
mod poisson;
mod saddle;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;

pub use binomial::Binomial;
pub use hypergeometric::hypergeometric_quantile;
pub use poisson::Poisson;

use crate::special::count_deviate;

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

/// Fills an empty (NaN) deviate slot with `Φ⁻¹(u)` of its uniform: for
/// counts known to be large before they are drawn one after another, so
/// that the processor overlaps their deviates.
#[inline]
pub fn prepare_deviate(u: f64, deviate: &mut f64) {
    if deviate.is_nan() {
        *deviate = count_deviate(u);
    }
}
