//! Agreements and joint programmes: parties, signatories and witnesses, fields of
//! education, validity and lifecycle; confirmed by each party at the version it saw.
mod query;
mod write;

pub use query::*;
pub use write::*;
