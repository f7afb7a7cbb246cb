//! Bearer tokens: issuing, listing and revoking them, and who the caller is.
mod inputs;
mod mutation;
mod query;
mod types;

pub use inputs::*;
pub use mutation::TokenMutation;
pub use query::TokenQuery;
pub use types::*;
