//! Parameter distributions (MODEL.md section 8).
//!
//! A value is drawn by pushing one keyed uniform through the distribution's
//! inverse CDF (statrs; for beta, PERT and gamma, [`crate::inverse`]).
//! Inverse-CDF sampling keeps two scenarios that give the same parameter
//! slightly different distributions on the same quantile, which is what makes
//! comparisons on common random numbers sharp.

use crate::inverse::{BetaQuantile, GammaQuantile};
use statrs::distribution::{Beta, ContinuousCDF, Gamma, LogNormal, Normal, Triangular, Uniform};

/// The largest number of persons or staff a count may hold: far above any
/// municipality, and far below where `f64` stops counting whole persons.
pub const MAX_COUNT: f64 = 1e9;

/// z such that Φ(z) = 0.95; turns a (p5, p95) pair into a lognormal σ.
const Z95: f64 = 1.644_853_626_951_472_2;

/// A parsed distribution, ready to sample.
#[derive(Debug, Clone)]
pub enum Dist {
    Fixed(f64),
    Normal(Normal),
    LogNormal(LogNormal),
    /// A gamma, with its quantile function (see [`crate::inverse`]).
    Gamma(Gamma, GammaQuantile),
    /// A beta, with its quantile function (see [`crate::inverse`]).
    Beta(Beta, BetaQuantile),
    Uniform(Uniform),
    Triangular(Triangular),
    /// PERT: a beta on [min, max] with shapes from the mode.
    Pert {
        min: f64,
        max: f64,
        beta: Beta,
        quantile: BetaQuantile,
    },
}

/// The set of values a distribution can produce: `lo`/`hi` with openness.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Support {
    pub lo: f64,
    pub lo_open: bool,
    pub hi: f64,
    pub hi_open: bool,
}

impl Support {
    fn closed(lo: f64, hi: f64) -> Self {
        Support {
            lo,
            lo_open: false,
            hi,
            hi_open: false,
        }
    }
    fn open(lo: f64, hi: f64) -> Self {
        Support {
            lo,
            lo_open: true,
            hi,
            hi_open: true,
        }
    }
    pub fn describe(&self) -> String {
        if self.lo == self.hi {
            return format!("{}", self.lo);
        }
        let lo = if self.lo == f64::NEG_INFINITY {
            "−∞".to_string()
        } else {
            fmt(self.lo)
        };
        let hi = if self.hi == f64::INFINITY {
            "∞".to_string()
        } else {
            fmt(self.hi)
        };
        format!(
            "{}{lo}, {hi}{}",
            if self.lo_open { "(" } else { "[" },
            if self.hi_open { ")" } else { "]" }
        )
    }
}

fn fmt(x: f64) -> String {
    format!("{x}")
}

/// The largest money amount per month (benefit, effort, destination and
/// component costs), in kroner: far above any real one, far below where sums
/// over a million person-months overflow.
pub const MAX_MONEY_MONTH: f64 = 1e9;
/// The largest money amount per year or at once (caseworker cost, fixed
/// costs, one-off costs, funding), in kroner.
pub const MAX_MONEY_YEAR: f64 = 1e12;
/// The largest hazard ratio, elasticity or number of months of a ramp.
pub const MAX_RATIO: f64 = 1e6;
/// The largest annual rate (discount, indexation, price index): 1,000 %.
pub const MAX_RATE: f64 = 10.0;

/// What a field's values must lie in (MODEL.md sections 8 and 11.5), with a
/// bound on their size so that no run overflows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    /// Any real number.
    Real,
    /// Money per month of any sign, at most [`MAX_MONEY_MONTH`] in size
    /// (benefit, effort and destination costs).
    MoneyMonth,
    /// `[0, MAX_RATIO]`: hazard ratios, elasticities, ramps.
    NonNegative,
    /// `[0, MAX_MONEY_MONTH]`: the investment's prices per month.
    PriceMonth,
    /// `[0, MAX_MONEY_YEAR]`: the investment's prices per year or at once, funding.
    PriceYear,
    /// `[0, MAX_COUNT]`: persons and staff (stock, inflow, participants, FTEs).
    Count,
    /// `(0, MAX_COUNT]`: caseloads `base` and `target`.
    Positive,
    /// `[0, 1)`: annual probabilities (a beta is accepted).
    Probability,
    /// `[0, 1]`: refusion shares, coverage.
    Share,
    /// `(−1, MAX_RATE]`: discount rate, indexation, price index.
    AboveMinusOne,
}

impl Domain {
    pub fn describe(self) -> &'static str {
        match self {
            Domain::Real => "any real number",
            Domain::MoneyMonth => "an amount per month of at most 1e9 kr. in size",
            Domain::NonNegative => "a non-negative value of at most 1e6, support in [0, 1e6]",
            Domain::PriceMonth => "a non-negative amount per month of at most 1e9 kr.",
            Domain::PriceYear => "a non-negative amount per year of at most 1e12 kr.",
            Domain::Count => "a non-negative count of at most 1e9",
            Domain::Positive => "a positive value of at most 1e9, support in (0, 1e9]",
            Domain::Probability => "a probability, support in [0, 1)",
            Domain::Share => "a share, support in [0, 1]",
            Domain::AboveMinusOne => "a rate above −1 of at most 10 (1,000 %), support in (−1, 10]",
        }
    }

    /// Whether one value lies in the domain (finite, of the right sign and
    /// within the size limit), for values a caller supplies in place of a draw.
    pub fn contains(self, x: f64) -> bool {
        let sign_ok = match self {
            Domain::Real | Domain::MoneyMonth => true,
            Domain::NonNegative | Domain::PriceMonth | Domain::PriceYear | Domain::Count => {
                x >= 0.0
            }
            Domain::Positive => x > 0.0,
            Domain::Probability => (0.0..1.0).contains(&x),
            Domain::Share => (0.0..=1.0).contains(&x),
            Domain::AboveMinusOne => x > -1.0,
        };
        x.is_finite() && sign_ok && self.within_limit(x)
    }

    /// The largest size a value may have, if the domain bounds it.
    pub fn limit(self) -> Option<f64> {
        match self {
            Domain::Real | Domain::Probability | Domain::Share => None,
            Domain::MoneyMonth | Domain::PriceMonth => Some(MAX_MONEY_MONTH),
            Domain::PriceYear => Some(MAX_MONEY_YEAR),
            Domain::NonNegative => Some(MAX_RATIO),
            Domain::Count | Domain::Positive => Some(MAX_COUNT),
            Domain::AboveMinusOne => Some(MAX_RATE),
        }
    }

    /// Whether a sampled value lies within the domain's size limit (the
    /// support, checked when the scenario is read, settles the rest).
    pub fn within_limit(self, x: f64) -> bool {
        self.limit().is_none_or(|limit| x.abs() <= limit)
    }

    /// Whether a distribution with support `s` may give this field's values.
    /// An unbounded support is allowed where the size is limited: a sampled
    /// value beyond the limit is reported when it is drawn. A support
    /// entirely beyond it (a fixed value among them) is refused.
    pub fn admits(self, s: Support) -> bool {
        let lo_ok = |bound: f64, open_allowed: bool| {
            s.lo > bound || (s.lo == bound && (open_allowed || s.lo_open))
        };
        let sign_ok = match self {
            Domain::Real | Domain::MoneyMonth => true,
            Domain::NonNegative | Domain::PriceMonth | Domain::PriceYear | Domain::Count => {
                s.lo >= 0.0
            }
            Domain::Positive => lo_ok(0.0, false),
            Domain::Probability => s.lo >= 0.0 && (s.hi < 1.0 || (s.hi == 1.0 && s.hi_open)),
            Domain::Share => s.lo >= 0.0 && s.hi <= 1.0,
            Domain::AboveMinusOne => lo_ok(-1.0, false),
        };
        let size_ok = self
            .limit()
            .is_none_or(|limit| s.lo <= limit && s.hi >= -limit);
        sign_ok && size_ok
    }
}

impl Dist {
    pub fn name(&self) -> &'static str {
        match self {
            Dist::Fixed(_) => "fixed",
            Dist::Normal(_) => "normal",
            Dist::LogNormal(_) => "lognormal",
            Dist::Gamma(..) => "gamma",
            Dist::Beta(..) => "beta",
            Dist::Uniform(_) => "uniform",
            Dist::Triangular(_) => "triangular",
            Dist::Pert { .. } => "pert",
        }
    }

    pub fn is_fixed(&self) -> bool {
        matches!(self, Dist::Fixed(_))
    }

    pub fn support(&self) -> Support {
        match self {
            Dist::Fixed(v) => Support::closed(*v, *v),
            Dist::Normal(_) => Support::open(f64::NEG_INFINITY, f64::INFINITY),
            Dist::LogNormal(_) | Dist::Gamma(..) => Support::open(0.0, f64::INFINITY),
            Dist::Beta(..) => Support::open(0.0, 1.0),
            Dist::Uniform(d) => Support::closed(d.min(), d.max()),
            Dist::Triangular(d) => Support::closed(d.min(), d.max()),
            Dist::Pert { min, max, .. } => Support::closed(*min, *max),
        }
    }

    /// The value at quantile `u` ∈ (0, 1).
    pub fn quantile(&self, u: f64) -> f64 {
        match self {
            Dist::Fixed(v) => *v,
            Dist::Normal(d) => d.inverse_cdf(u),
            Dist::LogNormal(d) => d.inverse_cdf(u),
            Dist::Gamma(_, q) => q.quantile(u),
            Dist::Beta(_, q) => q.quantile(u),
            Dist::Uniform(d) => d.inverse_cdf(u),
            Dist::Triangular(d) => d.inverse_cdf(u),
            Dist::Pert {
                min, max, quantile, ..
            } => min + (max - min) * quantile.quantile(u),
        }
    }

    /// The mean, for describing a parameter (`Scenario.parameters()`); runs
    /// always sample.
    pub fn mean(&self) -> f64 {
        use statrs::statistics::Distribution;
        match self {
            Dist::Fixed(v) => *v,
            Dist::Normal(d) => d.mean().unwrap_or(f64::NAN),
            Dist::LogNormal(d) => d.mean().unwrap_or(f64::NAN),
            Dist::Gamma(d, _) => d.mean().unwrap_or(f64::NAN),
            Dist::Beta(d, _) => d.mean().unwrap_or(f64::NAN),
            Dist::Uniform(d) => d.mean().unwrap_or(f64::NAN),
            Dist::Triangular(d) => d.mean().unwrap_or(f64::NAN),
            Dist::Pert { min, max, beta, .. } => {
                min + (max - min) * beta.mean().unwrap_or(f64::NAN)
            }
        }
    }
}

/// Named numeric arguments of a distribution table, already checked to be finite.
pub trait Args {
    fn get(&self, key: &str) -> Option<f64>;
}

/// Why a distribution table was refused: the argument at fault, if one is.
#[derive(Debug, Clone, PartialEq)]
pub struct DistError {
    pub arg: Option<&'static str>,
    pub message: String,
}

fn at(arg: &'static str, message: impl Into<String>) -> DistError {
    DistError {
        arg: Some(arg),
        message: message.into(),
    }
}

fn whole(message: impl Into<String>) -> DistError {
    DistError {
        arg: None,
        message: message.into(),
    }
}

/// One of two ways to give a distribution's parameters; giving arguments of
/// both is an error rather than a silent choice.
fn one_form(
    name: &str,
    args: &dyn Args,
    first: [&'static str; 2],
    second: [&'static str; 2],
) -> Result<bool, DistError> {
    let has = |k: &str| args.get(k).is_some();
    let in_first = first.iter().any(|k| has(k));
    let in_second = second.iter().any(|k| has(k));
    if in_first && in_second {
        let extra = second.iter().copied().find(|k| has(k)).unwrap_or(second[0]);
        return Err(at(
            extra,
            format!(
                "`{name}` takes either `{}` and `{}`, or `{}` and `{}`, not a mix",
                first[0], first[1], second[0], second[1]
            ),
        ));
    }
    if !in_first && !in_second {
        return Err(whole(format!(
            "`{name}` needs either `{}` and `{}`, or `{}` and `{}`",
            first[0], first[1], second[0], second[1]
        )));
    }
    Ok(in_first)
}

/// The largest shape a gamma may have. Beyond it the distribution is
/// practically fixed (an sd below 1e−4 of the mean), and statrs' incomplete
/// gamma function, which the quantile is found from, loses accuracy (3e−6
/// at shape 1e9) and costs milliseconds to seconds.
const MAX_GAMMA_SHAPE: f64 = 1e8;

/// The largest shape a beta may have (an sd below about 1e−4 for a mean of
/// 0.3). Beyond it the continued fraction of its CDF needs more than 10⁵
/// terms where one shape is small.
const MAX_BETA_SHAPE: f64 = 1e7;

fn too_certain(sd: f64, mean: f64, shape: f64, limit: f64) -> String {
    format!(
        "`sd` ({sd}) is too small for `mean` {mean}: the shape would be {shape:.3e}, \
         above {limit:e}, and the distribution practically fixed; use `fixed` or `normal`"
    )
}

/// Builds a distribution from its name and arguments.
pub fn build(name: &str, args: &dyn Args) -> Result<Dist, DistError> {
    let need = |k: &'static str| {
        args.get(k)
            .ok_or_else(|| at(k, format!("`{name}` needs `{k}`")))
    };
    let positive = |k: &'static str, v: f64| {
        if v > 0.0 {
            Ok(v)
        } else {
            Err(at(k, format!("`{k}` must be > 0, got {v}")))
        }
    };
    match name {
        "fixed" => Ok(Dist::Fixed(need("value")?)),
        "normal" => {
            let mean = need("mean")?;
            let sd = positive("sd", need("sd")?)?;
            Normal::new(mean, sd)
                .map(Dist::Normal)
                .map_err(|e| whole(e.to_string()))
        }
        "lognormal" => {
            let (mu, sigma) = if one_form(name, args, ["median", "sd_log"], ["p5", "p95"])? {
                let median = positive("median", need("median")?)?;
                (median.ln(), positive("sd_log", need("sd_log")?)?)
            } else {
                let p5 = positive("p5", need("p5")?)?;
                let p95 = positive("p95", need("p95")?)?;
                if p95 <= p5 {
                    return Err(at(
                        "p95",
                        format!("`p95` ({p95}) must be greater than `p5` ({p5})"),
                    ));
                }
                (
                    (p5.ln() + p95.ln()) / 2.0,
                    (p95.ln() - p5.ln()) / (2.0 * Z95),
                )
            };
            LogNormal::new(mu, sigma)
                .map(Dist::LogNormal)
                .map_err(|e| whole(e.to_string()))
        }
        "gamma" => {
            let mean = positive("mean", need("mean")?)?;
            let sd = positive("sd", need("sd")?)?;
            let shape = (mean / sd).powi(2);
            if shape > MAX_GAMMA_SHAPE {
                return Err(at("sd", too_certain(sd, mean, shape, MAX_GAMMA_SHAPE)));
            }
            let rate = mean / (sd * sd);
            Gamma::new(shape, rate)
                .map(|d| Dist::Gamma(d, GammaQuantile::new(shape, 1.0 / rate)))
                .map_err(|e| whole(e.to_string()))
        }
        "beta" => {
            let (a, b) = if one_form(name, args, ["mean", "sd"], ["a", "b"])? {
                let mean = need("mean")?;
                let sd = positive("sd", need("sd")?)?;
                if !(mean > 0.0 && mean < 1.0) {
                    return Err(at("mean", format!("`mean` must be in (0, 1), got {mean}")));
                }
                let var = sd * sd;
                if var >= mean * (1.0 - mean) {
                    return Err(at(
                        "sd",
                        format!("`sd` ({sd}) is too large for `mean` {mean}: sd² must be below mean·(1 − mean)"),
                    ));
                }
                let common = mean * (1.0 - mean) / var - 1.0;
                (mean * common, (1.0 - mean) * common)
            } else {
                (positive("a", need("a")?)?, positive("b", need("b")?)?)
            };
            if a.max(b) > MAX_BETA_SHAPE {
                return Err(match (args.get("mean"), args.get("sd")) {
                    (Some(mean), Some(sd)) => {
                        at("sd", too_certain(sd, mean, a.max(b), MAX_BETA_SHAPE))
                    }
                    _ => {
                        let field = if a > MAX_BETA_SHAPE { "a" } else { "b" };
                        at(
                            field,
                            format!(
                                "shape `{field}` ({}) exceeds {MAX_BETA_SHAPE:e}: the \
                                 distribution is practically fixed; use `fixed` or `normal`",
                                a.max(b)
                            ),
                        )
                    }
                });
            }
            Beta::new(a, b)
                .map(|d| Dist::Beta(d, BetaQuantile::new(a, b)))
                .map_err(|e| whole(e.to_string()))
        }
        "uniform" => {
            let (low, high) = (need("low")?, need("high")?);
            if high <= low {
                return Err(at(
                    "high",
                    format!("`high` ({high}) must be greater than `low` ({low})"),
                ));
            }
            Uniform::new(low, high)
                .map(Dist::Uniform)
                .map_err(|e| whole(e.to_string()))
        }
        "triangular" | "pert" => {
            let (min, mode, max) = (need("min")?, need("mode")?, need("max")?);
            if min >= max || min.is_nan() || max.is_nan() {
                return Err(at(
                    "max",
                    format!("`max` ({max}) must be greater than `min` ({min})"),
                ));
            }
            if !(min <= mode && mode <= max) {
                return Err(at(
                    "mode",
                    format!("`mode` ({mode}) must lie in [min, max] = [{min}, {max}]"),
                ));
            }
            if name == "triangular" {
                Triangular::new(min, max, mode)
                    .map(Dist::Triangular)
                    .map_err(|e| whole(e.to_string()))
            } else {
                let a = 1.0 + 4.0 * (mode - min) / (max - min);
                let b = 1.0 + 4.0 * (max - mode) / (max - min);
                let beta = Beta::new(a, b).map_err(|e| whole(e.to_string()))?;
                let quantile = BetaQuantile::new(a, b);
                Ok(Dist::Pert {
                    min,
                    max,
                    beta,
                    quantile,
                })
            }
        }
        other => Err(whole(format!("unknown distribution `{other}`"))),
    }
}

/// The argument names each distribution accepts, for unknown-key checks.
pub fn allowed_args(name: &str) -> &'static [&'static str] {
    match name {
        "fixed" => &["value"],
        "normal" | "gamma" => &["mean", "sd"],
        "lognormal" => &["median", "sd_log", "p5", "p95"],
        "beta" => &["mean", "sd", "a", "b"],
        "uniform" => &["low", "high"],
        "triangular" | "pert" => &["min", "mode", "max"],
        _ => &[],
    }
}

pub const NAMES: &[&str] = &[
    "fixed",
    "normal",
    "lognormal",
    "gamma",
    "beta",
    "uniform",
    "triangular",
    "pert",
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct M(HashMap<&'static str, f64>);
    impl Args for M {
        fn get(&self, key: &str) -> Option<f64> {
            self.0.get(key).copied()
        }
    }
    fn mk(name: &str, kv: &[(&'static str, f64)]) -> Result<Dist, DistError> {
        build(name, &M(kv.iter().copied().collect()))
    }

    #[test]
    fn lognormal_from_p5_p95_hits_quantiles() {
        let d = mk("lognormal", &[("p5", 0.3), ("p95", 0.9)]).unwrap();
        assert!((d.quantile(0.05) - 0.3).abs() < 1e-9);
        assert!((d.quantile(0.95) - 0.9).abs() < 1e-9);
    }

    #[test]
    fn moments_are_matched() {
        let g = mk("gamma", &[("mean", 4.0), ("sd", 2.0)]).unwrap();
        assert!((g.mean() - 4.0).abs() < 1e-12);
        let b = mk("beta", &[("mean", 0.2), ("sd", 0.05)]).unwrap();
        assert!((b.mean() - 0.2).abs() < 1e-12);
        let p = mk("pert", &[("min", 1.0), ("mode", 1.25), ("max", 1.6)]).unwrap();
        assert!((p.mean() - (1.0 + 4.0 * 1.25 + 1.6) / 6.0).abs() < 1e-12);
        assert!(p.quantile(1e-9) >= 1.0 && p.quantile(1.0 - 1e-9) <= 1.6);
    }

    #[test]
    fn bad_arguments_are_errors() {
        assert!(mk("beta", &[("mean", 0.5), ("sd", 0.6)]).is_err());
        assert!(mk("uniform", &[("low", 2.0), ("high", 1.0)]).is_err());
        assert!(mk("pert", &[("min", 1.0), ("mode", 3.0), ("max", 2.0)]).is_err());
        assert!(mk("normal", &[("mean", 1.0)]).is_err());
        assert!(mk("weibull", &[]).is_err());
        let mixed = mk(
            "lognormal",
            &[("median", 1.0), ("sd_log", 0.5), ("p95", 3.0)],
        )
        .unwrap_err();
        assert_eq!(mixed.arg, Some("p95"));
        let mixed = mk("beta", &[("mean", 0.2), ("sd", 0.05), ("b", 3.0)]).unwrap_err();
        assert_eq!(mixed.arg, Some("b"));
        assert_eq!(
            mk("gamma", &[("mean", 1.0), ("sd", -1.0)]).unwrap_err().arg,
            Some("sd")
        );
    }

    #[test]
    fn domains() {
        for (name, args, field) in [
            ("gamma", vec![("mean", 550_000.0), ("sd", 5.0)], "sd"),
            ("beta", vec![("mean", 0.3), ("sd", 1e-7)], "sd"),
            ("beta", vec![("a", 2e7), ("b", 5.0)], "a"),
            ("beta", vec![("a", 2.0), ("b", 5e7)], "b"),
        ] {
            let e = mk(name, &args).unwrap_err();
            assert_eq!(e.arg, Some(field), "{name} {args:?}: {e:?}");
            assert!(e.message.contains("practically fixed"), "{}", e.message);
        }
        assert!(mk("gamma", &[("mean", 550_000.0), ("sd", 100.0)]).is_ok());
        let beta = mk("beta", &[("a", 2.0), ("b", 5.0)]).unwrap();
        assert!(Domain::Probability.admits(beta.support()));
        let normal = mk("normal", &[("mean", 0.1), ("sd", 0.01)]).unwrap();
        assert!(!Domain::Probability.admits(normal.support()));
        assert!(!Domain::NonNegative.admits(normal.support()));
        assert!(Domain::Real.admits(normal.support()));
        assert!(Domain::Positive.admits(
            mk("gamma", &[("mean", 1.0), ("sd", 1.0)])
                .unwrap()
                .support()
        ));
        assert!(!Domain::Positive.admits(Dist::Fixed(0.0).support()));
        assert!(!Domain::Probability.admits(Dist::Fixed(1.0).support()));
        assert!(Domain::Share.admits(Dist::Fixed(1.0).support()));
        assert!(!Domain::AboveMinusOne.admits(Dist::Fixed(-1.0).support()));
        // Sizes: a fixed value beyond the limit is refused, an unbounded
        // support is left to the draws.
        assert!(!Domain::MoneyMonth.admits(Dist::Fixed(1e308).support()));
        assert!(!Domain::MoneyMonth.admits(Dist::Fixed(-2e9).support()));
        assert!(Domain::MoneyMonth.admits(Dist::Fixed(-1e9).support()));
        assert!(Domain::MoneyMonth.admits(normal.support()));
        assert!(!Domain::PriceYear.admits(Dist::Fixed(1e300).support()));
        assert!(!Domain::Count.admits(Dist::Fixed(1e15).support()));
        assert!(!Domain::AboveMinusOne.admits(Dist::Fixed(11.0).support()));
        assert!(Domain::MoneyMonth.within_limit(-1e9) && !Domain::MoneyMonth.within_limit(1.1e9));
        assert!(Domain::Probability.within_limit(0.5));
    }
}
