//! Webhooks: a member admin registers endpoints; every change the endpoint's owner may
//! read (the change feed's rule, `access::change_readable`, then the record read as that
//! member) is queued for it in the database (`queue`), and senders claim due deliveries
//! with a lease, so that with several instances each delivery is sent by one. Sending
//! itself (HTTP, signatures) is the server's (`src/webhooks.rs`); this module keeps the
//! queue and its rules.
mod query;
mod queue;
mod url;
mod write;

pub use query::*;
pub use queue::*;
pub use url::{EndpointUrl, UrlPolicy, address_allowed};
pub use write::*;
