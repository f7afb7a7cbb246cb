//! Reported indicators: a figure an organisation reported for a period, with its source.
mod inputs;
mod mutation;
mod query;
mod types;

pub use inputs::*;
pub use mutation::IndicatorMutation;
pub use query::IndicatorQuery;
pub use types::*;
