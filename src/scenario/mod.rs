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

/// Where each entry of the scenario's lists was in the file. The model keeps
/// destinations, segments and components in a canonical order, by name, so
/// that the order of keys in a file changes nothing (MODEL.md 11.13);
/// outputs follow the file's order. Entry `i` is the file position of the
/// `i`-th in canonical order.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Order {
    pub destinations: Vec<usize>,
    pub segments: Vec<usize>,
    pub components: Vec<usize>,
}

impl Clone for Order {
    fn clone(&self) -> Self {
        Order {
            destinations: self.destinations.clone(),
            segments: self.segments.clone(),
            components: self.components.clone(),
        }
    }

    /// Into the lists `self` has (a draw's scenario is resolved into the last one's).
    fn clone_from(&mut self, source: &Self) {
        self.destinations.clone_from(&source.destinations);
        self.segments.clone_from(&source.segments);
        self.components.clone_from(&source.components);
    }
}

plain!(Order);

impl Order {
    /// The names of `items` (in canonical order) in the file's order.
    pub fn as_given<'a, T>(
        positions: &[usize],
        items: &'a [T],
        name: impl Fn(&'a T) -> &'a str,
    ) -> Vec<&'a str> {
        let mut out = vec![""; items.len()];
        for (item, &p) in items.iter().zip(positions) {
            out[p] = name(item);
        }
        out
    }
}

scenario_types! {
    /// Where a person leaving benefit goes (MODEL.md 3), and back from.
    pub struct Destination<N> {
        pub name: String,
        /// Annual relapse probability back to benefit.
        pub relapse: N,
        /// Municipal and state cost of a person-month in the destination.
        pub cost_month: N,
        pub state_month: N,
        /// The share of the segment's benefit its persons keep (MODEL.md 12.5).
        pub benefit_share: N,
    }

    /// A group of recipients with its own stock, inflow, benefit and exits.
    pub struct Segment<N> {
        pub name: String,
        /// Keys the segment's random transitions (a hash of its name).
        pub key: u64,
        pub initial: N,
        pub inflow_per_year: PerYear<N>,
        pub benefit_month: N,
        /// Per destination, an annual exit probability per calendar year.
        pub exit: Vec<PerYear<N>>,
        pub initial_cell: usize,
        /// The cell new spells start in (MODEL.md 12.3).
        pub inflow_cell: usize,
        /// Ratio of every exit hazard by spell month (MODEL.md 12.3); empty: 1.
        pub duration_hr: Vec<LadderStep<N>>,
        /// Persons in each destination at the start (MODEL.md 12.4).
        pub initial_destinations: Vec<N>,
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
        /// Per segment: does it reach it (MODEL.md 12.1).
        pub segments: Vec<bool>,
    }

    /// Who a component reaches.
    pub enum Enrolment<N> {
        None,
        /// Average number enrolled in a month, per calendar year.
        Participants(PerYear<N>),
        /// Share of the component's benefit stock, per calendar year.
        Coverage(PerYear<N>),
    }

    /// A part of the intervention: mentor, job broker, internship… (MODEL.md 5, 12.1).
    pub struct Component<N> {
        pub name: String,
        pub enrolment: Enrolment<N>,
        /// Per destination, a hazard ratio per year (None = 1).
        pub hr: Vec<Option<PerYear<N>>>,
        /// Per destination, a relapse hazard ratio per year for the persons
        /// it placed there (None: it does not follow them, MODEL.md 12.2).
        pub relapse_hr: Vec<Option<PerYear<N>>>,
        pub cost_month: N,
        pub fixed_year: N,
        pub one_off: N,
        /// Per segment: does it reach it.
        pub segments: Vec<bool>,
        /// Month indices relative to the horizon start, end exclusive; may
        /// lie outside the horizon.
        pub start: i64,
        pub end: i64,
        pub ramp_months: N,
        /// The share of its cost the state refunds, per calendar year (12.7).
        pub state_share: PerYear<N>,
        /// How long a placed person is followed (None: while it runs).
        pub follow_up_months: Option<usize>,
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

    /// A step of a ladder by spell month (refusion, duration ratios): up to
    /// and including spell month `up_to_month`, `value`.
    pub struct LadderStep<N> {
        pub up_to_month: u32,
        pub value: N,
    }

    /// A whole scenario.
    pub struct Scenario<N> {
        pub name: String,
        pub calendar: Calendar,
        /// Annual discount rate per calendar year of the horizon (MODEL.md 7).
        pub discount_rate: PerYear<N>,
        pub perspective: Perspective,
        /// The state's share of benefit by spell month.
        pub refusion: Vec<LadderStep<N>>,
        pub reentry_cell: usize,
        pub indsats_month: N,
        /// Satsregulering: the rise into each calendar year (entry 0 unused).
        pub indexation: PerYear<N>,
        /// The rise of the investment's prices into each calendar year (12.8).
        pub price_index: PerYear<N>,
        /// Years of baseline run before the horizon (MODEL.md 12.4).
        pub burn_in_years: usize,
        /// In canonical order (by name); see [`Order`].
        pub destinations: Vec<Destination<N>>,
        pub segments: Vec<Segment<N>>,
        pub intervention: Option<Intervention<N>>,
        /// The file's order of the canonically ordered lists.
        pub order: Order,
        /// The parameters the numbers refer to (none in a draw's scenario).
        pub params: N::Params,
    }
}

impl<N: Number> Scenario<N> {
    pub fn destination_index(&self, name: &str) -> Option<usize> {
        self.destinations.iter().position(|d| d.name == name)
    }

    /// The destinations' names in the file's order (the order of outputs).
    pub fn destination_names(&self) -> Vec<&str> {
        Order::as_given(&self.order.destinations, &self.destinations, |d| &d.name)
    }

    /// The segments' names in the file's order.
    pub fn segment_names(&self) -> Vec<&str> {
        Order::as_given(&self.order.segments, &self.segments, |s| &s.name)
    }

    /// The components' names in the file's order (empty without an intervention).
    pub fn component_names(&self) -> Vec<&str> {
        match &self.intervention {
            None => Vec::new(),
            Some(iv) => Order::as_given(&self.order.components, &iv.components, |c| &c.name),
        }
    }
}

impl Scenario {
    pub fn from_json_str(text: &str) -> Result<Self, Error> {
        let table::StrictValue(value) = serde_json::from_str(text)
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
