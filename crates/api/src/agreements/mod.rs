//! Agreements and joint programmes: parties, signatories and witnesses, fields of
//! education, the event they were signed at, renewals, and each party's sign-off.
mod inputs;
mod mutation;
mod query;
mod types;

pub use inputs::*;
pub use mutation::AgreementMutation;
pub use query::{AgreementQuery, ExpiringQuery};
pub use types::*;
