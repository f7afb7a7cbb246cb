//! Events: symposia, meetings and forums, with the organisations and people in their
//! roles, presentations, outcomes, and the agreements signed there.
mod inputs;
mod mutation;
mod query;
mod types;

pub use inputs::*;
pub use mutation::EventMutation;
pub use query::EventQuery;
pub use types::*;
