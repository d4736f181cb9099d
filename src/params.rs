//! The scenario's parameters: every number of the file, fixed or uncertain,
//! with its path, the key of its draws and the domain it must lie in, and
//! their values in one draw (MODEL.md 8).

use crate::dist::{Dist, Domain};
use crate::error::Error;
use crate::resolve::{ParamId, Resolve};
use crate::rng::{open_unit, parameter_uniform, path_hash};
use crate::special::normal_deviate;
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
pub struct Parameters(Vec<Param>, Vec<Correlation>);

/// A group of parameters that share a normal factor (MODEL.md 12.6).
#[derive(Debug, Clone)]
pub struct Correlation {
    /// Keys the group's shared factor: `"corr:" + name`.
    pub hash: u64,
    pub rho: f64,
    /// The uncertain parameters of the group.
    pub members: Vec<usize>,
}

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

    /// Makes the uncertain parameters among `members` share a normal factor
    /// with weight `rho` (MODEL.md 12.6); fixed ones are left as they are.
    pub(crate) fn correlate(&mut self, name: &str, rho: f64, members: Vec<usize>) {
        self.1.push(Correlation {
            hash: path_hash(&format!("corr:{name}")),
            rho,
            members,
        });
    }

    /// The correlation groups.
    pub fn correlations(&self) -> &[Correlation] {
        &self.1
    }

    /// The uniform behind each uncertain parameter's value in draw `draw`:
    /// its own keyed uniform, or, in a correlation group,
    /// `Φ(√ρ z₀ + √(1 − ρ) zᵢ)` with `z₀` keyed by the group's name and `zᵢ`
    /// the deviate of the parameter's own uniform. The result stays in the
    /// open interval of [`open_unit`], where every quantile is finite.
    fn uniforms(&self, seed: u64, draw: u64) -> Vec<f64> {
        let mut u: Vec<f64> = self
            .0
            .iter()
            .map(|p| {
                if p.dist.is_fixed() {
                    0.5
                } else {
                    parameter_uniform(seed, draw, p.hash)
                }
            })
            .collect();
        for group in &self.1 {
            let z0 = normal_deviate(parameter_uniform(seed, draw, group.hash));
            let (a, b) = (group.rho.sqrt(), (1.0 - group.rho).sqrt());
            for &i in &group.members {
                let x = a * z0 + b * normal_deviate(u[i]);
                let phi = 0.5 * statrs::function::erf::erfc(-x / std::f64::consts::SQRT_2);
                u[i] = phi.clamp(open_unit(0), open_unit(u64::MAX));
            }
        }
        u
    }

    /// The indices of the uncertain parameters (those that are not fixed).
    pub fn uncertain(&self) -> Vec<usize> {
        (0..self.len())
            .filter(|&i| !self.0[i].dist.is_fixed())
            .collect()
    }

    /// Samples every parameter for draw `draw`: the value depends only on
    /// `(seed, draw, path)` (and the correlation groups it is in). A value no
    /// scenario can use (not finite, or beyond the size its kind of number
    /// may have, [`Domain::limit`]) is an error naming the field and the
    /// draw; a probability whose distribution is open at 1 but rounds to 1 is
    /// kept just below it, where it belongs.
    pub fn sample(&self, seed: u64, draw: u64) -> Result<Vec<f64>, Error> {
        // Without correlation groups each parameter's uniform is its own.
        let correlated = (!self.1.is_empty()).then(|| self.uniforms(seed, draw));
        self.0
            .iter()
            .enumerate()
            .map(|(i, p)| {
                if p.dist.is_fixed() {
                    return Ok(p.dist.quantile(0.5));
                }
                let u = match &correlated {
                    Some(u) => u[i],
                    None => parameter_uniform(seed, draw, p.hash),
                };
                let x = p.dist.quantile(u);
                if !x.is_finite() {
                    return Err(Error::invalid(
                        &p.path,
                        format!(
                            "draw {draw} sampled {x}; narrow the `{}` distribution",
                            p.dist.name()
                        ),
                    ));
                }
                if !p.domain.within_limit(x) {
                    return Err(Error::invalid(
                        &p.path,
                        format!(
                            "draw {draw} sampled {x:.3e}; it must be {}: narrow the `{}` \
                             distribution",
                            p.domain.describe(),
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
