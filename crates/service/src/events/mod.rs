//! Events: symposia, meetings and forums, with the organisations and people that took
//! part in their roles, presentations and outcomes; confirmed by their hosts.
mod query;
mod write;

pub use query::*;
pub use write::*;
