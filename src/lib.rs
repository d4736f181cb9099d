//! indsats: Monte Carlo business cases for investments in aktivitetsparate
//! social-assistance recipients (the model of MODEL.md).
//!
//! How data flows. A scenario file (a JSON value; TOML and Python dicts are
//! converted to it) has its references to Danish figures and rates
//! (`{ dk = .. }`, `{ rate = .. }`) replaced by [`references`] from the
//! reference data of [`dk`] (`data/*.toml`), then is read and validated by [`scenario`] (its `reader`, with
//! a field path in every error) into a [`Scenario`]: the model's types,
//! declared once in `scenario/mod.rs` and generic over what a number is
//! ([`resolve`]), with destinations, segments and components in a canonical
//! order (by name) that every computation follows and outputs map back to
//! the file's order. As read, every number is a [`ParamId`](resolve::ParamId) into
//! the scenario's [`params`] (each a [`dist`] distribution keyed by its field
//! path; beta, PERT and gamma quantiles from [`inverse`]). [`run`](mod@run)
//! spreads the draws over the threads of a pool of its own; for each draw the
//! parameters are sampled from [`rng`] streams keyed by seed, draw and path,
//! and [`Resolve`](resolve::Resolve) gives the draw's `Scenario<f64>`, from
//! which [`model`] derives the per-draw tables (monthly hazards per year,
//! cost rates per segment, price and indexation factors, discount factors,
//! the components' followed stocks) and the intervention's monthly effect.
//! [`engine`] steps both arms month by month on shared random numbers keyed
//! by segment, month and stage name, drawing exact inverse-CDF counts from
//! [`sampling`] (one module per method; the special functions it shares with
//! [`inverse`] are in [`special`]), and writes the draw's row and detail,
//! laid out and named by [`outputs`] (yearly results, NPV, break-even, per
//! segment and component), and its monthly stocks into `ndarray` arrays that
//! Python receives without a copy. The model's fixed words — duration
//! cells, default destinations and refusion ladder, what counts as job and
//! education — are in [`vocabulary`], the calendar of months and years in
//! [`scenario::calendar`]. `python.rs` is the only file that knows pyo3.
#![deny(unsafe_code)]

pub mod dist;
pub mod dk;
pub mod engine;
pub mod error;
pub mod inverse;
pub mod model;
pub mod outputs;
pub mod params;
pub mod pilot;
pub mod references;
pub mod resolve;
pub mod rng;
pub mod run;
pub mod sampling;
pub mod scenario;
pub mod special;
pub mod vocabulary;

#[cfg(feature = "python")]
mod python;

pub use engine::Mode;
pub use error::Error;
pub use run::{run, run_simple, RunOptions, RunOutput};
pub use scenario::Scenario;
