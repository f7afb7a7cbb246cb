//! Curriculum standards developed by members, and their adoptions abroad (parts of the
//! standard: readable exactly when it is).
mod inputs;
mod mutation;
mod query;
mod types;

pub use inputs::*;
pub use mutation::StandardMutation;
pub use query::StandardQuery;
pub use types::*;
