//! The audit log's filter.
use async_graphql::{ID, InputObject};

use super::AUDITED;
use crate::error::{Result, bad_input};
use crate::ids::{Kind, decode_all};

/// Which audit entries to list.
#[derive(InputObject, Clone, Default)]
pub struct AuditFilter {
    /// Entries about this record (its global id).
    pub record: Option<ID>,
    /// Entries written with any of these tokens.
    pub tokens: Option<Vec<ID>>,
    /// Entries by callers acting for any of these organisations.
    pub actor_organisations: Option<Vec<ID>>,
    /// Entries of any of these operations, e.g. `updateEvent`.
    pub operations: Option<Vec<String>>,
    /// At or after this time.
    pub from: Option<crate::scalars::DateTime>,
    /// At or before this time.
    pub to: Option<crate::scalars::DateTime>,
}

impl AuditFilter {
    pub fn parse(f: Option<Self>) -> Result<service::audit::AuditFilter> {
        let f = f.unwrap_or_default();
        let record = match &f.record {
            None => None,
            Some(id) => {
                let (kind, key) = crate::ids::decode("filter.record", id)?;
                let Some((_, table)) = AUDITED.iter().find(|(k, _)| *k == kind) else {
                    return Err(bad_input(
                        "filter.record",
                        "that kind of record has no audit entries",
                    ));
                };
                let key = key
                    .parse()
                    .map_err(|_| bad_input("filter.record", "not an id this API issued"))?;
                Some(((*table).to_owned(), key))
            }
        };
        Ok(service::audit::AuditFilter {
            record,
            tokens: decode_all("filter.tokens", Kind::Token, &f.tokens)?,
            actor_organisations: decode_all(
                "filter.actorOrganisations",
                Kind::Organisation,
                &f.actor_organisations,
            )?,
            operations: f.operations,
            from: f.from.map(|at| at.0),
            to: f.to.map(|at| at.0),
        })
    }
}
