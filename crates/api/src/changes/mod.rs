//! The change feed: every committed write, in commit order, for clients that keep a
//! mirror current (`changes`).
mod inputs;
mod query;
mod subscription;
mod types;

pub use inputs::*;
pub use query::ChangeQuery;
pub use subscription::{ChangeSubscription, Subscriber};
pub use types::*;
