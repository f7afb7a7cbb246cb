//! Consortia: a coordinating organisation and member organisations with membership dates.
mod query;
mod write;

pub use query::*;
pub use write::*;
