//! The scenario's parameters: every number of the file, fixed or uncertain,
//! with its path, the key of its draws and the domain it must lie in, and
//! their values in one draw (MODEL.md 8).

use crate::dist::{Dist, Domain, MAX_COUNT};
use crate::error::Error;
use crate::resolve::{ParamId, Resolve};
use crate::rng::{parameter_uniform, path_hash};
use std::ops::Deref;

/// One number of the scenario: fixed or uncertain. `path` names it in messages;
/// `hash` keys its draws (from the same path, with segments and components
/// named rather than numbered).
#[derive(Debug, Clone)]
pub struct Param {
    pub path: String,
    pub hash: u64,
    pub dist: Dist,
    pub domain: Domain,
}

/// Every parameter of a scenario, in the order read; a [`ParamId`] indexes it.
#[derive(Debug, Clone, Default)]
pub struct Parameters(Vec<Param>);

impl Deref for Parameters {
    type Target = [Param];
    fn deref(&self) -> &[Param] {
        &self.0
    }
}

/// A draw's scenario has its values in place of parameters.
impl Resolve for Parameters {
    type Out = ();
    fn resolve(&self, _values: &[f64]) {}
}

/// The largest `f64` below 1.
const BELOW_ONE: f64 = 1.0 - f64::EPSILON / 2.0;

impl Parameters {
    /// Adds a parameter keyed by its path.
    pub(crate) fn push(&mut self, path: String, dist: Dist, domain: Domain) -> ParamId {
        let hash = path_hash(&path);
        self.0.push(Param {
            path,
            hash,
            dist,
            domain,
        });
        ParamId::new(self.0.len() - 1)
    }

    /// Keys the draws of the parameters from index `first` on by the entry's
    /// name instead of its position (`segments[over 30].exit.job` rather than
    /// `segments[0].exit.job`), so two scenarios that list segments or
    /// components in another order still share their draws. Error messages keep
    /// the positional path.
    pub(crate) fn key_by_name(&mut self, first: usize, positional: &str, named: &str) {
        for p in &mut self.0[first..] {
            if let Some(rest) = p.path.strip_prefix(positional) {
                p.hash = path_hash(&format!("{named}{rest}"));
            }
        }
    }

    /// The indices of the uncertain parameters (those that are not fixed).
    pub fn uncertain(&self) -> Vec<usize> {
        (0..self.len())
            .filter(|&i| !self.0[i].dist.is_fixed())
            .collect()
    }

    /// Samples every parameter for draw `draw`: the value depends only on
    /// `(seed, draw, path)`. A value no scenario can use (not finite, or more
    /// persons than [`MAX_COUNT`]) is an error naming the field and the draw;
    /// a probability whose distribution is open at 1 but rounds to 1 is kept
    /// just below it, where it belongs.
    pub fn sample(&self, seed: u64, draw: u64) -> Result<Vec<f64>, Error> {
        self.0
            .iter()
            .map(|p| {
                if p.dist.is_fixed() {
                    return Ok(p.dist.quantile(0.5));
                }
                let x = p.dist.quantile(parameter_uniform(seed, draw, p.hash));
                if !x.is_finite() {
                    return Err(Error::invalid(
                        &p.path,
                        format!(
                            "draw {draw} sampled {x}; narrow the `{}` distribution",
                            p.dist.name()
                        ),
                    ));
                }
                if p.domain == Domain::Count && x > MAX_COUNT {
                    return Err(Error::invalid(
                        &p.path,
                        format!(
                            "draw {draw} sampled {x:.3e}, more than {MAX_COUNT:e} persons; \
                             narrow the `{}` distribution",
                            p.dist.name()
                        ),
                    ));
                }
                if p.domain == Domain::Probability && x >= 1.0 {
                    return Ok(BELOW_ONE);
                }
                Ok(x)
            })
            .collect()
    }
}
