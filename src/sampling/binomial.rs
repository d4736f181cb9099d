//! Binomial counts: the CDF walk, the test that settles most small counts
//! at 0, and the batched counts of a month's duration cells.

use super::cornish_fisher::{cornish_fisher_block, cornish_fisher_lane, CF_VARIANCE};
use super::saddle::{certified_quantile, guard, saddle_deviate, FAST_VARIANCE, FAST_Z};
use super::{binomial_depth, prepare_deviate, walk_start, MIN_DEPTH, NEAR_ONE};
use crate::special::binomial_pmf_interior;

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
    /// (`cornish_fisher_block`; a guess alone is a chain of some 40 ns);
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
    pub(super) fn walk(&self, n: f64, u: f64, mean: f64) -> f64 {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sampling::test_support::{binomial_pmf, uniforms};

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
}
