//! indsats: Monte Carlo business cases for investments in aktivitetsparate
//! social-assistance recipients (the model of MODEL.md).
//!
//! How data flows: a scenario file (JSON value) has its references to Danish
//! figures and rates (`{ dk = .. }`, `{ rate = .. }`) replaced by [`resolve`]
//! from the reference data of [`dk`] (`data/*.toml`), then is read and
//! validated by [`scenario`], which collects every number into a flat list of parameters
//! ([`dist`] distributions keyed by field path). [`run`](mod@run) spreads the draws over
//! threads; for each draw, [`model`] samples the parameters (from [`rng`]
//! streams keyed by seed, draw and path) and compiles hazards and cost rates;
//! [`engine`] steps both arms month by month on shared random numbers (exact
//! inverse-CDF counts from [`sampling`]); [`outputs`] defines the per-draw row
//! of yearly results, NPV and break-even. `python.rs` is the only file that
//! knows pyo3.
#![deny(unsafe_code)]

pub mod dist;
pub mod dk;
pub mod engine;
pub mod error;
pub mod inverse;
pub mod model;
pub mod outputs;
pub mod resolve;
pub mod rng;
pub mod run;
pub mod sampling;
pub mod scenario;

#[cfg(feature = "python")]
mod python;

pub use engine::Mode;
pub use error::Error;
pub use run::{run, run_simple, RunOptions, RunOutput};
pub use scenario::Scenario;
