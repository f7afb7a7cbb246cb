//! The registry's people, with their positions (affiliations) over time.
mod inputs;
mod mutation;
mod query;
mod types;

pub use inputs::*;
pub use mutation::PersonMutation;
pub use query::PersonQuery;
pub use types::*;
