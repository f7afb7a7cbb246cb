//! Partnerships: a member's standing relationship with a partner organisation.
mod inputs;
mod mutation;
mod query;
mod types;

pub use inputs::*;
pub use mutation::PartnershipMutation;
pub use query::PartnershipQuery;
pub use types::*;
