//! Partnerships: a member's standing relationship with a partner organisation (kind,
//! since/until, status), beyond any one agreement.
mod query;
mod write;

pub use query::*;
pub use write::*;
