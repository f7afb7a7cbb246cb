//! Bearer tokens: issuing, listing and revoking. Authenticating a request is `auth`.
mod query;
mod write;

pub use query::*;
pub use write::*;
