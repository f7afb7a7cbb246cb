//! Global ids: opaque strings that name a record's type and key, so `node(id:)` can
//! find any record. Inside they are base64url of `Type:key`.
use async_graphql::ID;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::{Result, bad_input};

/// The record types a global id can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Country,
    FieldOfEducation,
    Source,
    Organisation,
    Consortium,
    Person,
    Event,
    Presentation,
    Agreement,
    CurriculumStandard,
    Adoption,
    TrainingCentre,
    Indicator,
    Partnership,
    Token,
    AuditEntry,
    WebhookEndpoint,
    WebhookDelivery,
}

const KINDS: [Kind; 18] = [
    Kind::Country,
    Kind::FieldOfEducation,
    Kind::Source,
    Kind::Organisation,
    Kind::Consortium,
    Kind::Person,
    Kind::Event,
    Kind::Presentation,
    Kind::Agreement,
    Kind::CurriculumStandard,
    Kind::Adoption,
    Kind::TrainingCentre,
    Kind::Indicator,
    Kind::Partnership,
    Kind::Token,
    Kind::AuditEntry,
    Kind::WebhookEndpoint,
    Kind::WebhookDelivery,
];

impl Kind {
    /// The GraphQL type of records of this kind.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Country => "Country",
            Kind::FieldOfEducation => "FieldOfEducation",
            Kind::Source => "Source",
            Kind::Organisation => "Organisation",
            Kind::Consortium => "Consortium",
            Kind::Person => "Person",
            Kind::Event => "Event",
            Kind::Presentation => "Presentation",
            Kind::Agreement => "Agreement",
            Kind::CurriculumStandard => "CurriculumStandard",
            Kind::Adoption => "Adoption",
            Kind::TrainingCentre => "TrainingCentre",
            Kind::Indicator => "Indicator",
            Kind::Partnership => "Partnership",
            Kind::Token => "Token",
            Kind::AuditEntry => "AuditEntry",
            Kind::WebhookEndpoint => "WebhookEndpoint",
            Kind::WebhookDelivery => "WebhookDelivery",
        }
    }
}

impl Kind {
    /// The kind whose GraphQL type is `name`.
    pub fn named(name: &str) -> Option<Kind> {
        KINDS.into_iter().find(|k| k.name() == name)
    }
}

/// The global id of a record.
pub fn encode(kind: Kind, key: impl std::fmt::Display) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{key}", kind.name())))
}

/// The type and key inside a global id; `field` names the argument for errors.
pub fn decode(field: &str, id: &ID) -> Result<(Kind, String)> {
    let bad = || {
        bad_input(
            field,
            format!("`{}` is not an id this API issued", id.as_str()),
        )
    };
    let text = URL_SAFE_NO_PAD
        .decode(id.as_str())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(bad)?;
    let (name, key) = text.split_once(':').ok_or_else(bad)?;
    let kind = KINDS
        .into_iter()
        .find(|k| k.name() == name)
        .ok_or_else(bad)?;
    if key.is_empty() {
        return Err(bad());
    }
    Ok((kind, key.to_owned()))
}

/// The numeric key of an id that must name a record of `kind`.
pub fn decode_as(field: &str, kind: Kind, id: &ID) -> Result<i64> {
    let (found, key) = decode(field, id)?;
    if found != kind {
        return Err(bad_input(
            field,
            format!(
                "expected an id of a {}, got one of a {}",
                kind.name(),
                found.name()
            ),
        ));
    }
    key.parse().map_err(|_| {
        bad_input(
            field,
            format!("`{}` is not an id this API issued", id.as_str()),
        )
    })
}

/// Decodes an optional list of ids of one kind (a filter argument).
pub fn decode_all(field: &str, kind: Kind, ids: &Option<Vec<ID>>) -> Result<Option<Vec<i64>>> {
    ids.as_ref()
        .map(|ids| ids.iter().map(|id| decode_as(field, kind, id)).collect())
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_keep_their_kind() {
        for kind in KINDS {
            let id = encode(kind, 42);
            assert_eq!(decode("id", &id).unwrap(), (kind, "42".to_owned()));
        }
        assert!(decode_as("id", Kind::Event, &encode(Kind::Agreement, 1)).is_err());
        assert!(decode("id", &ID("%%%".into())).is_err());
        assert!(decode("id", &ID(URL_SAFE_NO_PAD.encode("Nope:1"))).is_err());
    }
}
