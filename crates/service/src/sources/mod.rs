//! Sources: the articles and documents records come from.
mod query;
mod write;

pub use query::*;
pub use write::*;
