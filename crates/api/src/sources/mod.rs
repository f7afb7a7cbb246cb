//! Sources: the articles and documents records come from.
mod inputs;
mod mutation;
mod query;
mod types;

pub use inputs::*;
pub use mutation::SourceMutation;
pub use query::SourceQuery;
pub use types::*;
