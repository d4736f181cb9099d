//! The scenario's parameters: every number of the file, fixed or uncertain,
//! with its path, the key of its draws and the domain it must lie in, and
//! their values in one draw (MODEL.md 8).

use crate::dist::{Dist, Domain};
use crate::error::Error;
use crate::resolve::{ParamId, Resolve};
use crate::rng::{open_unit, parameter_uniform, path_hash};
use crate::special::normal_deviate;
use ndarray::{Array2, ArrayView2};
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

impl Param {
    /// The value at quantile `u` (draw `draw`, for messages). A value no
    /// scenario can use (not finite, or beyond the size its kind of number
    /// may have, [`Domain::limit`]) is an error naming the field and the
    /// draw; a probability whose distribution is open at 1 but rounds to 1 is
    /// kept just below it, where it belongs.
    fn value_at(&self, u: f64, draw: u64) -> Result<f64, Error> {
        let x = self.dist.quantile(u);
        if !x.is_finite() {
            return Err(Error::invalid(
                &self.path,
                format!(
                    "draw {draw} sampled {x}; narrow the `{}` distribution",
                    self.dist.name()
                ),
            ));
        }
        if !self.domain.within_limit(x) {
            return Err(Error::invalid(
                &self.path,
                format!(
                    "draw {draw} sampled {x:.3e}; it must be {}: narrow the `{}` \
                     distribution",
                    self.domain.describe(),
                    self.dist.name()
                ),
            ));
        }
        if self.domain == Domain::Probability && x >= 1.0 {
            return Ok(BELOW_ONE);
        }
        Ok(x)
    }
}

/// Values a caller gives for some parameters in every draw, in place of
/// their sampling (e.g. a design for a sensitivity analysis, or posterior
/// draws of a calibration). Built and checked by [`Parameters::supplied`].
#[derive(Debug, Clone)]
pub struct Supplied {
    /// Per parameter of the scenario: its column in `values`, if supplied.
    column: Vec<Option<usize>>,
    /// `[draw, column]`.
    values: Array2<f64>,
}

impl Supplied {
    /// The number of draws the values are for.
    pub fn draws(&self) -> usize {
        self.values.nrows()
    }

    /// Whether parameter `i` is supplied.
    pub fn covers(&self, i: usize) -> bool {
        self.column.get(i).is_some_and(Option::is_some)
    }
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
        self.sample_with(seed, draw, None)
    }

    /// [`sample`](Self::sample), with the values of `supplied` in place of
    /// the sampling of their parameters.
    pub fn sample_with(
        &self,
        seed: u64,
        draw: u64,
        supplied: Option<&Supplied>,
    ) -> Result<Vec<f64>, Error> {
        // Without correlation groups each parameter's uniform is its own.
        let correlated = (!self.1.is_empty()).then(|| self.uniforms(seed, draw));
        let given = supplied.map(|s| (s.values.row(draw as usize), &s.column));
        self.0
            .iter()
            .enumerate()
            .map(|(i, p)| {
                if let Some((row, columns)) = &given {
                    if let Some(j) = columns[i] {
                        return Ok(row[j]);
                    }
                }
                if p.dist.is_fixed() {
                    return Ok(p.dist.quantile(0.5));
                }
                let u = match &correlated {
                    Some(u) => u[i],
                    None => parameter_uniform(seed, draw, p.hash),
                };
                p.value_at(u, draw)
            })
            .collect()
    }

    /// The index of the parameter at `path`, written as in error messages
    /// (`segments[0].exit.job`) or with the segment's or component's name in
    /// the brackets (`segments[over 30].exit.job`), the key of its draws.
    pub fn find(&self, path: &str) -> Option<usize> {
        self.0.iter().position(|p| p.path == path).or_else(|| {
            let hash = path_hash(path);
            self.0.iter().position(|p| p.hash == hash)
        })
    }

    fn find_or_explain(&self, path: &str, what: &str) -> Result<usize, Error> {
        self.find(path).ok_or_else(|| {
            let close = self
                .0
                .iter()
                .map(|p| (strsim::jaro_winkler(path, &p.path), &p.path))
                .filter(|(score, _)| *score >= 0.85)
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, p)| format!(" (did you mean `{p}`?)"))
                .unwrap_or_default();
            Error::invalid(
                path,
                format!("{what}: the scenario has no number at this path{close}"),
            )
        })
    }

    /// Values for the parameters at `paths` in each draw (`values[[draw, j]]`
    /// for `paths[j]`), checked: every path names a parameter of the scenario
    /// (once), and every value lies in its parameter's domain (a probability
    /// in [0, 1), a count in [0, 1e9], …); an error names the path and the draw.
    pub fn supplied(&self, paths: &[String], values: Array2<f64>) -> Result<Supplied, Error> {
        if values.ncols() != paths.len() {
            return Err(Error::Options(format!(
                "parameters: {} paths for {} columns of values",
                paths.len(),
                values.ncols()
            )));
        }
        let mut column = vec![None; self.len()];
        for (j, path) in paths.iter().enumerate() {
            let i = self.find_or_explain(path, "a supplied parameter")?;
            if let Some(k) = column[i] {
                return Err(Error::invalid(
                    path,
                    format!(
                        "supplied twice (also as `{}`); give each parameter once",
                        paths[k]
                    ),
                ));
            }
            column[i] = Some(j);
            let p = &self.0[i];
            for (draw, &x) in values.column(j).iter().enumerate() {
                if !p.domain.contains(x) {
                    return Err(Error::invalid(
                        &p.path,
                        format!(
                            "the value supplied for draw {draw} must be {}; got {x}",
                            p.domain.describe()
                        ),
                    ));
                }
            }
        }
        Ok(Supplied { column, values })
    }

    /// The values of the parameters at `paths` at quantiles `probs[[row, j]]`
    /// of their distributions (column `j` for `paths[j]`, each probability in
    /// (0, 1)), checked as sampled values are.
    pub fn quantiles(
        &self,
        paths: &[String],
        probs: ArrayView2<f64>,
    ) -> Result<Array2<f64>, Error> {
        if probs.ncols() != paths.len() {
            return Err(Error::Options(format!(
                "quantiles: {} paths for {} columns of probabilities",
                paths.len(),
                probs.ncols()
            )));
        }
        let mut out = Array2::zeros(probs.raw_dim());
        for (j, path) in paths.iter().enumerate() {
            let p = &self.0[self.find_or_explain(path, "quantiles")?];
            for (row, &u) in probs.column(j).iter().enumerate() {
                if !(u > 0.0 && u < 1.0) {
                    return Err(Error::Options(format!(
                        "quantiles: probabilities must lie in (0, 1); got {u} for `{path}`"
                    )));
                }
                out[[row, j]] = p.value_at(u, row as u64)?;
            }
        }
        Ok(out)
    }
}
