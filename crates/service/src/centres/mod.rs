//! Training centres abroad: operating member, local partner, country, fields, status.
mod query;
mod write;

pub use query::*;
pub use write::*;
