//! Webhooks: endpoints a member admin registers, the deliveries queued for them with
//! their attempts, and the JSON each delivery carries (`body`), which the server's
//! sender signs and POSTs.
mod body;
mod inputs;
mod mutation;
mod query;
mod types;

pub use body::{body, delivery_id, record_json};
pub use inputs::*;
pub use mutation::WebhookMutation;
pub use query::WebhookQuery;
pub use types::*;
