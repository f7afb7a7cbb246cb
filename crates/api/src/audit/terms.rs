//! An audit entry's states in the API's terms. The service stores the rows it wrote as
//! they are in the database (snake_case columns, numeric keys); a client knows records by
//! their GraphQL fields and global ids, so the rows are translated here, on the way out.
use serde_json::{Map, Value};

use crate::ids::{Kind, encode};

/// A stored state (JSON text) of a record of `kind` in API terms: an object keyed by
/// GraphQL field names, references as global ids. A row of one of the record's parts
/// (an adoption, a sign-off) is placed under the part's field; a merge's pair of rows
/// is a list.
pub fn state(kind: Kind, stored: Option<&str>) -> Value {
    let Some(value) = stored.and_then(|text| serde_json::from_str::<Value>(text).ok()) else {
        return Value::Null;
    };
    match value {
        Value::Object(row) => in_terms(kind, row),
        // A creation stores the record's row and its parts: one state, the parts as fields.
        Value::Array(pair)
            if pair.len() == 2 && pair[1].as_object().is_some_and(|p| !p.contains_key("id")) =>
        {
            let mut pair = pair.into_iter();
            let (row, parts) = (pair.next(), pair.next());
            let mut state = match row {
                Some(Value::Object(row)) => fields(kind, row),
                _ => Value::Object(Map::new()),
            };
            if let (Value::Object(state), Some(Value::Object(parts))) = (&mut state, parts)
                && let Value::Object(parts) = fields(kind, parts)
            {
                state.extend(parts);
            }
            state
        }
        Value::Array(rows) => Value::Array(
            rows.into_iter()
                .map(|row| match row {
                    Value::Object(row) => in_terms(kind, row),
                    other => other,
                })
                .collect(),
        ),
        other => other,
    }
}

fn in_terms(kind: Kind, row: Map<String, Value>) -> Value {
    // A part's row is told by a column only it has.
    if row.contains_key("standard_id") {
        let mut part = Map::new();
        part.insert("adoptions".into(), fields(Kind::Adoption, row));
        return Value::Object(part);
    }
    if row.contains_key("confirmed_at") {
        let mut part = Map::new();
        part.insert("confirmations".into(), fields(kind, row));
        return Value::Object(part);
    }
    fields(kind, row)
}

/// The row's columns as GraphQL fields.
fn fields(kind: Kind, row: Map<String, Value>) -> Value {
    let mut out = Map::new();
    let is_confirmation = row.contains_key("confirmed_at");
    for (column, value) in row {
        let (field, reference) = match column.as_str() {
            // Never shown, not even as a hash.
            "secret_hash" => continue,
            // A sign-off's own key and the record it is on (the entry's record) say
            // nothing a client can use.
            "id" | "record_type" | "record_id" if is_confirmation => continue,
            "id" => ("id".to_owned(), Some(kind)),
            // A merge's record of what it did.
            "survivor" | "merged" => (column.clone(), Some(kind)),
            "country_code" => ("country".to_owned(), Some(Kind::Country)),
            "isced_code" => ("field".to_owned(), Some(Kind::FieldOfEducation)),
            "signed_at_event_id" => ("signedAt".to_owned(), Some(Kind::Event)),
            "renewal_of_id" => ("renewalOf".to_owned(), Some(Kind::Agreement)),
            // A reported figure's definition, by its code (`Indicator.definition.code`).
            "definition_code" => ("definition".to_owned(), None),
            _ => match column.strip_suffix("_id") {
                Some(name) => (camel(name), referenced(name)),
                None => (camel(&column), None),
            },
        };
        let value = match (reference, value) {
            (Some(kind), Value::Number(n)) => Value::String(encode(kind, n).0),
            (Some(kind), Value::String(code)) => Value::String(encode(kind, code).0),
            // A part list (an event's organisations in roles...) holds rows of its own.
            (_, value @ (Value::Array(_) | Value::Object(_))) => part(value),
            (_, value) => value,
        };
        out.insert(field, value);
    }
    Value::Object(out)
}

/// A part's rows in the same terms; their own numeric keys are not ids the API issues,
/// so they are left out.
fn part(value: Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.into_iter().map(part).collect()),
        Value::Object(mut row) => {
            row.remove("id");
            match fields(Kind::Token, row) {
                Value::Object(row) => {
                    Value::Object(row.into_iter().map(|(k, v)| (k, part(v))).collect())
                }
                other => other,
            }
        }
        other => other,
    }
}

/// The kind of record a `<name>_id` column refers to.
fn referenced(name: &str) -> Option<Kind> {
    Some(match name {
        "owner" | "organisation" | "developer" | "operator" | "partner" | "parent" | "member"
        | "maintainer" | "coordinator" | "institution" => Kind::Organisation,
        "source" => Kind::Source,
        "event" => Kind::Event,
        "standard" => Kind::CurriculumStandard,
        "person" => Kind::Person,
        "token" => Kind::Token,
        "endpoint" => Kind::WebhookEndpoint,
        _ => return None,
    })
}

/// `snake_case` as `camelCase`.
fn camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// One field a write changed.
pub struct Change {
    pub field: String,
    pub before: Value,
    pub after: Value,
}

/// The fields whose values differ between two states, in the order the later state (then
/// the earlier) names them. A state that is not an object (none, or a merge's pair)
/// counts as having no fields.
pub fn changes(before: &Value, after: &Value) -> Vec<Change> {
    let empty = Map::new();
    let before = before.as_object().unwrap_or(&empty);
    let after = after.as_object().unwrap_or(&empty);
    let mut out = Vec::new();
    let names = after
        .keys()
        .chain(before.keys().filter(|k| !after.contains_key(*k)));
    for name in names {
        let (was, is) = (before.get(name), after.get(name));
        if was != is {
            out.push(Change {
                field: name.clone(),
                before: was.cloned().unwrap_or(Value::Null),
                after: is.cloned().unwrap_or(Value::Null),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn gid(kind: Kind, key: impl std::fmt::Display) -> Value {
        Value::String(encode(kind, key).0)
    }

    #[test]
    fn a_row_is_read_in_fields_and_global_ids() {
        let row = json!({ "id": 7, "owner_id": 2, "title": "MoU", "signed_at_event_id": 3,
            "renewal_of_id": null, "country_code": "BG", "start_date": "2024-03-27", "kind": "MOU" });
        let state = state(Kind::Agreement, Some(&row.to_string()));
        assert_eq!(
            state,
            json!({ "id": gid(Kind::Agreement, 7), "owner": gid(Kind::Organisation, 2), "title": "MoU",
                "signedAt": gid(Kind::Event, 3), "renewalOf": null, "country": gid(Kind::Country, "BG"),
                "startDate": "2024-03-27", "kind": "MOU" })
        );
    }

    #[test]
    fn secrets_are_left_out_and_parts_sit_under_their_field() {
        let token = json!({ "id": 1, "secret_hash": "abc", "label": "x", "organisation_id": 4 });
        assert_eq!(
            state(Kind::Token, Some(&token.to_string())),
            json!({ "id": gid(Kind::Token, 1), "label": "x", "organisation": gid(Kind::Organisation, 4) })
        );
        let adoption =
            json!({ "id": 9, "standard_id": 5, "institution_id": 6, "country_code": "TH" });
        assert_eq!(
            state(Kind::CurriculumStandard, Some(&adoption.to_string())),
            json!({ "adoptions": { "id": gid(Kind::Adoption, 9), "standard": gid(Kind::CurriculumStandard, 5),
                "institution": gid(Kind::Organisation, 6), "country": gid(Kind::Country, "TH") } })
        );
        assert_eq!(state(Kind::Event, None), Value::Null);
        assert_eq!(state(Kind::Event, Some("not json")), Value::Null);
    }

    #[test]
    fn a_creation_is_one_state_with_its_parts() {
        let stored = json!([{ "id": 3, "title": "Forum" },
            { "organisations": [{ "id": 8, "event_id": 3, "organisation_id": 4, "role": "HOST" }], "outcomes": [] }]);
        assert_eq!(
            state(Kind::Event, Some(&stored.to_string())),
            json!({ "id": gid(Kind::Event, 3), "title": "Forum",
                "organisations": [{ "event": gid(Kind::Event, 3), "organisation": gid(Kind::Organisation, 4), "role": "HOST" }],
                "outcomes": [] })
        );
        // A merge's pair of rows stays a pair.
        let merged = json!([{ "id": 1 }, { "id": 2 }]);
        assert_eq!(
            state(Kind::Person, Some(&merged.to_string())),
            json!([{ "id": gid(Kind::Person, 1) }, { "id": gid(Kind::Person, 2) }])
        );
    }

    #[test]
    fn changes_are_the_fields_that_differ() {
        let before = json!({ "title": "A", "version": 1, "venue": null });
        let after = json!({ "title": "B", "version": 2, "venue": null });
        let found: Vec<(String, Value, Value)> = changes(&before, &after)
            .into_iter()
            .map(|c| (c.field, c.before, c.after))
            .collect();
        assert_eq!(
            found,
            [
                ("title".into(), json!("A"), json!("B")),
                ("version".into(), json!(1), json!(2))
            ]
        );
        // A creation changes every field from null.
        assert_eq!(changes(&Value::Null, &after).len(), 3);
        assert!(changes(&after, &after).is_empty());
    }

    #[test]
    fn snake_is_camel() {
        assert_eq!(camel("start_date"), "startDate");
        assert_eq!(camel("last_used_at"), "lastUsedAt");
        assert_eq!(camel("id"), "id");
    }
}
