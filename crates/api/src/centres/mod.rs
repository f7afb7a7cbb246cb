//! Training centres abroad: operating member, local partner, country, fields, status.
mod inputs;
mod mutation;
mod query;
mod types;

pub use inputs::*;
pub use mutation::CentreMutation;
pub use query::CentreQuery;
pub use types::*;
