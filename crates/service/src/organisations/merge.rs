//! Merging duplicate registry entries: every reference to the duplicate moves to the
//! survivor, and the duplicate is archived, in one audited transaction.
use entity::enums::NameKind;
use entity::{organisation, organisation_name, person, registry_merge};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    Set,
};

use crate::access::coordinator_only;
use crate::search::{self, Registry};
use crate::write::Writable;
use crate::{Error, Result, Scope};

/// A column that refers to a registry entry. Where the row must stay unique with other
/// columns (`unique_with`), a row the survivor already has is dropped instead of moved.
pub(crate) struct Reference {
    pub table: &'static str,
    pub column: &'static str,
    pub unique_with: &'static [&'static str],
}

const fn to(
    table: &'static str,
    column: &'static str,
    unique_with: &'static [&'static str],
) -> Reference {
    Reference {
        table,
        column,
        unique_with,
    }
}

/// Every column that refers to an organisation. A test holds it against the foreign
/// keys of the schema, so a new table cannot be forgotten here. (`organisation.parent_id`
/// is moved separately: the survivor must not become its own parent.)
pub(crate) const ORGANISATION_REFERENCES: &[Reference] = &[
    to(
        "organisation_name",
        "organisation_id",
        &["lang", "kind", "value"],
    ),
    to("consortium_member", "organisation_id", &["consortium_id"]),
    to(
        "event_organisation",
        "organisation_id",
        &["event_id", "role"],
    ),
    to("agreement_party", "organisation_id", &["agreement_id"]),
    to(
        "confirmation",
        "organisation_id",
        &["record_type", "record_id"],
    ),
    to(
        "adoption",
        "institution_id",
        &["standard_id", "country_code"],
    ),
    to("organisation", "maintainer_id", &[]),
    to("person", "maintainer_id", &[]),
    to("source", "maintainer_id", &[]),
    to("organisation_identifier", "organisation_id", &[]),
    to("consortium", "coordinator_id", &[]),
    to("affiliation", "organisation_id", &[]),
    to("event", "owner_id", &[]),
    to("event_participant", "organisation_id", &[]),
    to("agreement", "owner_id", &[]),
    to("agreement_person", "organisation_id", &[]),
    to("curriculum_standard", "owner_id", &[]),
    to("curriculum_standard", "developer_id", &[]),
    to("training_centre", "owner_id", &[]),
    to("training_centre", "operator_id", &[]),
    to("training_centre", "partner_id", &[]),
    to("indicator", "owner_id", &[]),
    to("indicator", "organisation_id", &[]),
    to("partnership", "owner_id", &[]),
    to("partnership", "member_id", &[]),
    to("partnership", "partner_id", &[]),
    to("api_token", "organisation_id", &[]),
    to("webhook_endpoint", "owner_id", &[]),
    // Entries on records the survivor now owns are its to read.
    to("audit_entry", "owner_id", &[]),
];

/// References a merge leaves on the duplicate on purpose: who acted is history, and the
/// duplicate stays in the registry (archived) for such references to name.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) const ORGANISATION_HISTORY: &[(&str, &str)] =
    &[("audit_entry", "actor_organisation_id")];

/// Every column that refers to a person (held against the schema as above).
pub(crate) const PERSON_REFERENCES: &[Reference] = &[
    to("event_participant", "person_id", &["event_id", "role"]),
    to("presentation_presenter", "person_id", &["presentation_id"]),
    to("agreement_person", "person_id", &["agreement_id", "role"]),
    to("affiliation", "person_id", &[]),
];

/// The statements that move every reference from `d` to `s`: first the duplicates a
/// move would create are dropped, then the rest moved. Ids are numbers of ours.
fn moves(references: &[Reference], s: i64, d: i64) -> Vec<String> {
    let drops = references.iter().filter(|r| !r.unique_with.is_empty()).map(|r| {
        let same: String = r
            .unique_with
            .iter()
            .map(|c| format!(" AND o.{c} = {t}.{c}", t = r.table))
            .collect();
        format!(
            "DELETE FROM {t} WHERE {c} = {d} AND EXISTS (SELECT 1 FROM {t} o WHERE o.{c} = {s}{same})",
            t = r.table,
            c = r.column,
        )
    });
    let updates = references.iter().map(|r| {
        format!(
            "UPDATE {t} SET {c} = {s} WHERE {c} = {d}",
            t = r.table,
            c = r.column
        )
    });
    drops.chain(updates).collect()
}

impl Scope {
    /// Merges `duplicate` into `survivor`: every reference moves to the survivor, the
    /// duplicate is archived; one transaction, audited.
    pub async fn merge_organisations(
        &self,
        survivor: i64,
        duplicate: i64,
    ) -> Result<organisation::Model> {
        coordinator_only(self.principal(), "merge duplicates")?;
        if survivor == duplicate {
            return Err(Error::bad_input(
                "input.duplicate",
                "an organisation cannot be merged into itself",
            ));
        }
        let txn = self.begin_write().await?;
        let kept = self
            .load_for_write::<organisation::Entity>(&txn, survivor)
            .await?;
        let gone = self
            .load_for_write::<organisation::Entity>(&txn, duplicate)
            .await?;
        let (s, d) = (survivor, duplicate);
        let mut statements = moves(ORGANISATION_REFERENCES, s, d);
        statements.push(format!(
            "UPDATE organisation SET parent_id = {s} WHERE parent_id = {d} AND id <> {s}"
        ));
        run(&txn, statements).await?;
        record_merge(&txn, "organisation", s, d).await?;
        keep_names_as_aliases(&txn, &kept, &gone).await?;
        self.bump_version(&txn, "organisation", s, kept.version)
            .await?;
        if gone.archived_at.is_none() {
            self.set_archived(&txn, "organisation", duplicate, false, gone.version, true)
                .await?;
        }
        if kept.ror_id.is_none() && gone.ror_id.is_some() {
            // The survivor takes over the duplicate's ROR id (unique, so cleared first).
            txn.execute_unprepared(&format!(
                "UPDATE organisation SET ror_id = NULL WHERE id = {d}"
            ))
            .await?;
            txn.execute(
                &Query::update()
                    .table(organisation::Entity)
                    .value(organisation::Column::RorId, gone.ror_id.clone())
                    .and_where(organisation::Column::Id.eq(s))
                    .to_owned(),
            )
            .await?;
        }
        search::index(&txn, Registry::Organisation, &[s, d]).await?;
        self.merged::<organisation::Entity>(txn, "mergeOrganisations", kept, gone)
            .await
    }

    /// Merges person `duplicate` into `survivor`, as for organisations.
    pub async fn merge_people(&self, survivor: i64, duplicate: i64) -> Result<person::Model> {
        coordinator_only(self.principal(), "merge duplicates")?;
        if survivor == duplicate {
            return Err(Error::bad_input(
                "input.duplicate",
                "a person cannot be merged into themself",
            ));
        }
        let txn = self.begin_write().await?;
        let kept = self
            .load_for_write::<person::Entity>(&txn, survivor)
            .await?;
        let gone = self
            .load_for_write::<person::Entity>(&txn, duplicate)
            .await?;
        let (s, d) = (survivor, duplicate);
        run(&txn, moves(PERSON_REFERENCES, s, d)).await?;
        record_merge(&txn, "person", s, d).await?;
        self.bump_version(&txn, "person", s, kept.version).await?;
        // The survivor is found by the duplicate's names too (`search::names_of`).
        search::index(&txn, Registry::Person, &[s, d]).await?;
        if gone.archived_at.is_none() {
            self.set_archived(&txn, "person", duplicate, false, gone.version, true)
                .await?;
        }
        self.merged::<person::Entity>(txn, "mergePeople", kept, gone)
            .await
    }

    /// Ends a merge: the audit entry on the survivor, and commit.
    async fn merged<E: Writable>(
        &self,
        txn: DatabaseTransaction,
        operation: &str,
        kept: E::Model,
        gone: E::Model,
    ) -> Result<E::Model> {
        use crate::Keyed;
        let after = serde_json::json!({ "survivor": kept.key(), "merged": gone.key() });
        let survivor = self.reload::<E>(&txn, &kept).await?;
        self.audit::<E>(operation, &kept)
            .before(&(&kept, &gone))
            .after(&after)
            .write(&txn)
            .await?;
        // The duplicate, merged away and archived, has its own feed entry, so mirrors
        // drop it; the audit log holds both in the survivor's entry.
        crate::changes::record_change(&txn, E::TABLE, gone.key(), operation).await?;
        txn.commit().await?;
        Ok(survivor)
    }
}

/// Records that `d` now resolves to `s`, as does whatever was merged into `d` before
/// (one step, however many merges led here). A record already merged away is neither
/// merged again nor merged into.
async fn record_merge(txn: &DatabaseTransaction, kind: &str, s: i64, d: i64) -> Result<()> {
    let earlier = registry_merge::Entity::find()
        .filter(registry_merge::Column::Kind.eq(kind))
        .filter(registry_merge::Column::DuplicateId.is_in([s, d]))
        .all(txn)
        .await?;
    if let Some(m) = earlier.first() {
        let field = if m.duplicate_id == d {
            "input.duplicate"
        } else {
            "input.survivor"
        };
        return Err(Error::bad_input(
            field,
            "this record was merged into another already; use that one",
        ));
    }
    txn.execute(
        &Query::update()
            .table(registry_merge::Entity)
            .value(registry_merge::Column::SurvivorId, s)
            .and_where(registry_merge::Column::Kind.eq(kind))
            .and_where(registry_merge::Column::SurvivorId.eq(d))
            .to_owned(),
    )
    .await?;
    registry_merge::ActiveModel {
        kind: Set(kind.to_owned()),
        duplicate_id: Set(d),
        survivor_id: Set(s),
        merged_at: Set(chrono::Utc::now()),
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// The duplicate's own names (English, Chinese, abbreviation) become further names of
/// the survivor, unless it has them already: users keep finding it by them.
async fn keep_names_as_aliases(
    txn: &DatabaseTransaction,
    kept: &organisation::Model,
    gone: &organisation::Model,
) -> Result<()> {
    let existing = organisation_name::Entity::find()
        .filter(organisation_name::Column::OrganisationId.eq(kept.id))
        .all(txn)
        .await?;
    let own = [
        Some(&kept.name_en),
        kept.name_zh.as_ref(),
        kept.abbreviation.as_ref(),
    ];
    let names = [
        ("en", NameKind::Alias, Some(&gone.name_en)),
        ("zh", NameKind::Alias, gone.name_zh.as_ref()),
        ("en", NameKind::Acronym, gone.abbreviation.as_ref()),
    ];
    for (lang, kind, value) in names {
        let Some(value) = value else { continue };
        let known = own.contains(&Some(value))
            || existing
                .iter()
                .any(|n| n.lang == lang && n.kind == kind && &n.value == value);
        if known {
            continue;
        }
        organisation_name::ActiveModel {
            organisation_id: Set(kept.id),
            lang: Set(lang.to_owned()),
            kind: Set(kind),
            value: Set(value.clone()),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

async fn run(txn: &DatabaseTransaction, statements: Vec<String>) -> Result<()> {
    for sql in statements {
        txn.execute_unprepared(&sql).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use sea_orm::{ConnectionTrait, Statement};

    use super::*;

    /// Every foreign key in the schema that points at `organisation` or `person` is in
    /// the merge's lists, so a new table that refers to them cannot be forgotten.
    #[tokio::test]
    async fn merges_move_every_foreign_key_of_the_schema() {
        let dir = std::env::temp_dir().join(format!("concord-merge-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.join("schema.db").display());
        let database = crate::connect(&url).await.unwrap();
        crate::migrate(&database).await.unwrap();
        let db = database.connection.clone();
        let tables = db
            .query_all_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT name FROM sqlite_master WHERE type = 'table'",
            ))
            .await
            .unwrap();
        let mut found: BTreeSet<(String, String, String)> = BTreeSet::new();
        for row in tables {
            let table: String = row.try_get("", "name").unwrap();
            let keys = db
                .query_all_raw(Statement::from_string(
                    db.get_database_backend(),
                    format!("SELECT \"table\" AS target, \"from\" AS col FROM pragma_foreign_key_list('{table}')"),
                ))
                .await
                .unwrap();
            for key in keys {
                let target: String = key.try_get("", "target").unwrap();
                let column: String = key.try_get("", "col").unwrap();
                found.insert((target, table.clone(), column));
            }
        }
        let listed = |references: &[Reference]| -> BTreeSet<(String, String)> {
            references
                .iter()
                .map(|r| (r.table.to_owned(), r.column.to_owned()))
                .collect()
        };
        let organisations = listed(ORGANISATION_REFERENCES);
        let people = listed(PERSON_REFERENCES);
        let mut missing = Vec::new();
        for (target, table, column) in &found {
            let key = (table.clone(), column.clone());
            let covered = match target.as_str() {
                "organisation" => {
                    organisations.contains(&key)
                        || (table == "organisation" && column == "parent_id")
                        || ORGANISATION_HISTORY.contains(&(table.as_str(), column.as_str()))
                }
                "person" => people.contains(&key),
                _ => true,
            };
            if !covered {
                missing.push(format!("{table}.{column} -> {target}"));
            }
        }
        assert!(
            found.iter().any(|(t, _, _)| t == "organisation"),
            "the schema read no foreign keys: {found:?}"
        );
        let _ = std::fs::remove_dir_all(&dir);
        assert!(missing.is_empty(), "merges forget {missing:?}");
    }
}
