//! The registry's organisations: universities and their units, companies, government
//! bodies, international organisations; names, identifiers and merges.
mod inputs;
mod mutation;
mod query;
mod types;

pub use inputs::*;
pub use mutation::OrganisationMutation;
pub use query::OrganisationQuery;
pub use types::*;
