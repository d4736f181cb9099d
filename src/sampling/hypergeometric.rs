//! Hypergeometric counts: how many of the `draws` persons taken from a
//! stock of `population` belong to a sub-stock of `successes` (which of a
//! destination's relapsers were counted as claimed, MODEL.md 12.9), by
//! inverse CDF from one uniform. Only scenarios whose claimed and unclaimed
//! persons share a stock need it (persons in destinations before the
//! intervention starts), and its counts are small: a walk up the CDF from
//! the smallest possible count.

use statrs::function::factorial::ln_binomial;

/// The smallest `x` with `P(X ≤ x) ≥ u` for `X` hypergeometric: `draws` of
/// `population` persons of whom `successes` are marked. The counts are whole
/// numbers held in `f64` (as every count of the engine).
pub fn hypergeometric_quantile(population: f64, successes: f64, draws: f64, u: f64) -> f64 {
    let (n_pop, n_succ, n_draw) = (population as u64, successes as u64, draws as u64);
    let lo = n_draw.saturating_sub(n_pop - n_succ);
    let hi = n_draw.min(n_succ);
    if lo == hi {
        return lo as f64;
    }
    let ln_pmf = |x: u64| {
        ln_binomial(n_succ, x) + ln_binomial(n_pop - n_succ, n_draw - x)
            - ln_binomial(n_pop, n_draw)
    };
    let mut x = lo;
    let mut pmf = ln_pmf(lo).exp();
    let mut cdf = pmf;
    while cdf < u && x < hi {
        // pmf(x + 1) / pmf(x) = (K − x)(n − x) / ((x + 1)(N − K − n + x + 1))
        let xf = x as f64;
        pmf *= (successes - xf) * (draws - xf)
            / ((xf + 1.0) * (population - successes - draws + xf + 1.0));
        x += 1;
        cdf += pmf;
    }
    x as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use statrs::distribution::{Discrete, Hypergeometric};

    #[test]
    fn counts_follow_the_cdf_and_the_uniform() {
        for (population, successes, draws) in [(40u64, 12u64, 9u64), (300, 280, 25), (7, 3, 7)] {
            let law = Hypergeometric::new(population, successes, draws).unwrap();
            let mut previous = 0.0;
            for i in 1..1000 {
                let u = i as f64 / 1000.0;
                let x =
                    hypergeometric_quantile(population as f64, successes as f64, draws as f64, u);
                // Monotone in u, and the smallest count whose CDF reaches u.
                assert!(x >= previous);
                previous = x;
                let cdf = |k: f64| -> f64 { (0..=k as u64).map(|j| law.pmf(j)).sum() };
                assert!(cdf(x) >= u - 1e-12, "{population} {successes} {draws} {u}");
                assert!(x == 0.0 || cdf(x - 1.0) < u + 1e-12);
            }
        }
        // Everyone drawn, or no one marked: no chance left.
        assert_eq!(hypergeometric_quantile(10.0, 4.0, 10.0, 0.3), 4.0);
        assert_eq!(hypergeometric_quantile(10.0, 0.0, 6.0, 0.9), 0.0);
    }
}
