//! What a delivery POSTs: the change, in the change feed's terms, and the record as the
//! endpoint's owner could read it when the change was queued (as an export row shows
//! it: fields by their API names, references as global ids), or null for a removal.
use serde_json::{Map, Value, json};
use service::changes::change_cursor;
use service::entity::webhook_delivery;
use service::export::Cell;

use crate::changes::RecordType;
use crate::ids::{Kind, encode};

/// A record's row as JSON: each export column with its cell, ids as global ids, dates
/// and times in ISO 8601. Given to the service's queue, which stores it.
pub fn record_json(kind: &'static str, columns: &[&'static str], cells: &[Cell]) -> Value {
    let mut out = Map::new();
    out.insert("__typename".into(), json!(kind));
    for (column, cell) in columns.iter().zip(cells) {
        let value = match cell {
            Cell::Empty => Value::Null,
            Cell::Integer(n) => json!(n),
            Cell::Number(n) => json!(n),
            Cell::Flag(b) => json!(b),
            other => json!(crate::export::text(other)),
        };
        out.insert((*column).to_owned(), value);
    }
    Value::Object(out)
}

/// The global id of delivery `id`, as the `Concord-Delivery` header carries it.
pub fn delivery_id(id: i64) -> String {
    encode(Kind::WebhookDelivery, id).0
}

/// The JSON body of `delivery` (the same on every attempt, so a receiver can compare).
pub fn body(delivery: &webhook_delivery::Model) -> Value {
    let record: Value = delivery
        .record
        .as_deref()
        .and_then(|r| serde_json::from_str(r).ok())
        .unwrap_or(Value::Null);
    let (record_type, record_id) = match RecordType::of_table(&delivery.record_type) {
        Some((t, kind)) => (
            match async_graphql::resolver_utils::enum_value(t) {
                async_graphql::Value::Enum(name) => json!(name.as_str()),
                _ => Value::Null,
            },
            json!(encode(kind, delivery.record_id).0),
        ),
        None => (Value::Null, Value::Null),
    };
    json!({
        "id": delivery_id(delivery.id),
        "endpointId": encode(Kind::WebhookEndpoint, delivery.endpoint_id).0,
        "change": {
            "cursor": change_cursor(delivery.change_id),
            "type": record_type,
            "recordId": record_id,
            "operation": delivery.operation,
            "version": delivery.version,
            "committedAt": delivery.committed_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "removed": record.is_null(),
        },
        "record": record,
    })
}
