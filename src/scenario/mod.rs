//! The scenario (MODEL.md sections 9–11): its types, once for both uses.
//!
//! Each type is generic over what a number is ([`crate::resolve`]): as read
//! from the file (`Scenario`, numbers are [`ParamId`]s into
//! [`Scenario::params`]) and in one draw (`Scenario<f64>`, from
//! [`Resolve::resolve`] with the draw's sampled values). `reader` reads and
//! validates the file (`reader/intervention.rs` the intervention), with the
//! JSON kit of `table` (checked keys, field paths, did-you-mean hints);
//! [`calendar`] maps months to calendar years.
//!
//! A new key is one edit per idea: its field here, its line in the reader,
//! and its use in the model or engine.

pub mod calendar;
mod reader;
mod table;

pub use crate::params::{Param, Parameters};
pub use crate::resolve::{Number, ParamId, Resolve};
pub use calendar::Calendar;

use crate::error::Error;
use crate::resolve::{plain, scenario_types};
use serde_json::Value;

/// Whose costs count (MODEL.md 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Perspective {
    Municipal,
    State,
    Public,
}

plain!(Perspective);

impl Perspective {
    pub fn name(self) -> &'static str {
        match self {
            Perspective::Municipal => "municipal",
            Perspective::State => "state",
            Perspective::Public => "public",
        }
    }
}

/// A value per calendar year of the horizon: one parameter repeated, or a list.
pub type PerYear<N> = Vec<N>;

scenario_types! {
    /// Where a person leaving benefit goes (MODEL.md 3), and back from.
    pub struct Destination<N> {
        pub name: String,
        /// Annual relapse probability back to benefit.
        pub relapse: N,
        /// Municipal and state cost of a person-month in the destination.
        pub cost_month: N,
        pub state_month: N,
    }

    /// A group of recipients with its own stock, inflow, benefit and exits.
    pub struct Segment<N> {
        pub name: String,
        /// Keys the segment's random transitions (a hash of its name).
        pub key: u64,
        pub initial: N,
        pub inflow_per_year: N,
        pub benefit_month: N,
        /// One annual exit probability per destination, in destination order.
        pub exit: Vec<N>,
        pub initial_cell: usize,
    }

    /// How the caseload investment is given (MODEL.md 5).
    pub enum CaseloadMode<N> {
        /// A target caseload (cases per caseworker).
        Target(N),
        /// Extra caseworkers (FTE) per calendar year.
        ExtraFte(PerYear<N>),
    }

    /// Fewer cases per caseworker (MODEL.md 5).
    pub struct Caseload<N> {
        pub base: N,
        pub mode: CaseloadMode<N>,
        pub fte_cost_year: N,
        pub elasticity: N,
        pub max_hr: Option<N>,
        /// Per destination: does the caseload ratio act on it.
        pub affects: Vec<bool>,
    }

    /// Who a component reaches.
    pub enum Enrolment<N> {
        None,
        /// Average number enrolled in a month, per calendar year.
        Participants(PerYear<N>),
        /// Share of the targeted benefit stock, per calendar year.
        Coverage(PerYear<N>),
    }

    /// A part of the intervention: mentor, job broker, internship… (MODEL.md 5).
    pub struct Component<N> {
        pub name: String,
        pub enrolment: Enrolment<N>,
        /// Per destination, a hazard ratio per year (None = 1).
        pub hr: Vec<Option<PerYear<N>>>,
        /// Per destination, a relapse hazard ratio per year (None = 1).
        pub relapse_hr: Vec<Option<PerYear<N>>>,
        pub cost_month: N,
        pub fixed_year: N,
        pub one_off: N,
    }

    /// The investment, compared with the baseline arm (MODEL.md 5).
    pub struct Intervention<N> {
        /// Month index relative to the horizon start (may lie outside the horizon).
        pub start: i64,
        /// Exclusive end, month index relative to the horizon start.
        pub end: i64,
        /// Per segment: is it targeted.
        pub targeted: Vec<bool>,
        pub ramp_months: N,
        pub caseload: Option<Caseload<N>>,
        pub components: Vec<Component<N>>,
        pub funding: PerYear<N>,
    }

    /// A refusion step: up to and including spell month `up_to_month`, the
    /// state refunds `share`.
    pub struct RefusionStep<N> {
        pub up_to_month: u32,
        pub share: N,
    }

    /// A whole scenario.
    pub struct Scenario<N> {
        pub name: String,
        pub calendar: Calendar,
        /// Annual discount rate per calendar year of the horizon (MODEL.md 7).
        pub discount_rate: PerYear<N>,
        pub perspective: Perspective,
        pub refusion: Vec<RefusionStep<N>>,
        pub reentry_cell: usize,
        pub indsats_month: N,
        pub indexation: N,
        pub destinations: Vec<Destination<N>>,
        pub segments: Vec<Segment<N>>,
        pub intervention: Option<Intervention<N>>,
        /// The parameters the numbers refer to (none in a draw's scenario).
        pub params: N::Params,
    }
}

impl<N: Number> Scenario<N> {
    pub fn destination_index(&self, name: &str) -> Option<usize> {
        self.destinations.iter().position(|d| d.name == name)
    }
}

impl Scenario {
    pub fn from_json_str(text: &str) -> Result<Self, Error> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| Error::invalid("", format!("not valid JSON: {e}")))?;
        Self::from_value(&value)
    }

    pub fn from_toml_str(text: &str) -> Result<Self, Error> {
        let value: toml::Value =
            toml::from_str(text).map_err(|e| Error::invalid("", format!("not valid TOML: {e}")))?;
        Self::from_value(&table::toml_to_json(value))
    }

    pub fn from_value(value: &Value) -> Result<Self, Error> {
        reader::read(&crate::references::resolve(value)?)
    }
}
