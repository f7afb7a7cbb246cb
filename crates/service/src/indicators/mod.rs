//! Reported indicators: a figure an organisation reported for a period, with its source.
mod query;
mod write;

pub use query::*;
pub use write::*;
