//! Consortia: a coordinating organisation and member universities with membership dates.
mod inputs;
mod mutation;
mod query;
mod types;

pub use inputs::*;
pub use mutation::ConsortiumMutation;
pub use query::ConsortiumQuery;
pub use types::*;
