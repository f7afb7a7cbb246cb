//! The change feed: every committed write leaves one entry, written by the audit step
//! that every write already takes (`write`), and clients catch up from a cursor
//! (`query`). An entry names the record, not its content: readers re-read the record
//! with their own principal.
mod live;
mod query;
mod write;

pub use live::{Hub, POLL};

pub use query::*;
pub(crate) use write::{Created, record_change, record_created};
pub use write::{is_feed_table, prune};
