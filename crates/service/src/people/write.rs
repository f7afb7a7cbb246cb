//! Writing people in the registry and their affiliations.
use chrono::{NaiveDate, Utc};
use entity::{affiliation, organisation, person, source};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::Serialize;

use crate::access::may_add_to_registry;
use crate::audit::Audit;
use crate::domain::{DateSpan, NAME_MAX};
use crate::search::{self, Registry};
use crate::translations::{Translation, parse_translations};
use crate::write::{Patch, Stamped, on_constraint, patch_text, required_text, text};
use crate::{Error, Result, Scope};

/// Rows per multi-row insert of a batch: a handful of values each, well under SQLite's
/// limit of bound values.
const ROWS_PER_INSERT: usize = 1_000;

#[derive(Debug, Clone, Serialize)]
pub struct PersonInput {
    pub family_name: String,
    pub given_name: Option<String>,
    pub name_zh: Option<String>,
    pub source: Option<i64>,
    pub affiliations: Vec<AffiliationInput>,
    #[serde(skip)]
    pub idempotency_key: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct PersonPatch {
    pub family_name: Option<String>,
    pub given_name: Patch<String>,
    pub name_zh: Patch<String>,
    pub source: Patch<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AffiliationInput {
    pub organisation: i64,
    pub title: Option<String>,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    /// The title in other languages.
    pub translations: Vec<Translation>,
}

impl Scope {
    pub async fn create_person(&self, input: PersonInput) -> Result<person::Model> {
        const CREATE: &str = "createPerson";
        let txn = self.begin_write().await?;
        let key = &input.idempotency_key;
        if let Some(found) = self
            .replay::<person::Entity>(&txn, key, CREATE, &input)
            .await?
        {
            return Ok(found);
        }
        may_add_to_registry(self.principal())?;
        self.require::<source::Entity>(&txn, "input.source", "source", input.source)
            .await?;
        let row = person::ActiveModel {
            family_name: Set(required_text(
                "input.familyName",
                &input.family_name,
                NAME_MAX,
            )?),
            given_name: Set(text("input.givenName", &input.given_name, NAME_MAX)?),
            name_zh: Set(text("input.nameZh", &input.name_zh, NAME_MAX)?),
            source_id: Set(input.source),
            maintainer_id: Set(self.principal().organisation()),
            ..Default::default()
        };
        let row = self.insert::<person::Entity>(&txn, row).await?;
        self.write_affiliations(&txn, row.id, &input.affiliations)
            .await?;
        search::index(&txn, Registry::Person, &[row.id]).await?;
        // The row and its parts, as the audit reads a creation.
        let after = (
            &row,
            Affiliations {
                affiliations: &input.affiliations,
            },
        );
        self.created::<person::Entity>(txn, key, CREATE, &input, &row, &after)
            .await?;
        Ok(row)
    }

    /// `createPerson` for many inputs at once, inside a transaction the caller commits
    /// (an import's new signatories, witnesses and participants): the same checks, rows,
    /// search terms, audit and change entries, in statements that grow with the number
    /// of chunks, not of people. The records come back in the order of `inputs`; a
    /// failure names the index of the input at fault.
    pub(crate) async fn create_people_in(
        &self,
        txn: &DatabaseTransaction,
        inputs: &[PersonInput],
    ) -> std::result::Result<Vec<person::Model>, (usize, Error)> {
        if inputs.is_empty() {
            return Ok(Vec::new());
        }
        may_add_to_registry(self.principal()).map_err(|e| (0, e))?;
        let sources = self
            .readable_ids::<source::Entity>(txn, inputs.iter().filter_map(|i| i.source))
            .await
            .map_err(|e| (0, e))?;
        let now = Utc::now();
        let by = self.principal().label();
        let mut rows = Vec::with_capacity(inputs.len());
        for (i, input) in inputs.iter().enumerate() {
            let at = |e| (i, e);
            if input.source.is_some_and(|s| !sources.contains(&s)) {
                return Err((i, Error::bad_input("input.source", "no such source")));
            }
            let mut row = person::ActiveModel {
                family_name: Set(
                    required_text("input.familyName", &input.family_name, NAME_MAX).map_err(at)?,
                ),
                given_name: Set(text("input.givenName", &input.given_name, NAME_MAX).map_err(at)?),
                name_zh: Set(text("input.nameZh", &input.name_zh, NAME_MAX).map_err(at)?),
                source_id: Set(input.source),
                maintainer_id: Set(self.principal().organisation()),
                ..Default::default()
            };
            row.stamp(1, by.clone(), now);
            rows.push(row);
        }
        let mut created = Vec::with_capacity(rows.len());
        for (n, chunk) in rows.chunks(ROWS_PER_INSERT).enumerate() {
            let mut models = person::Entity::insert_many(chunk.to_vec())
                .exec_with_returning(txn)
                .await
                .map_err(|e| (n * ROWS_PER_INSERT, on_constraint(e, "input")))?;
            // Ids are taken in the order of the rows.
            models.sort_by_key(|m| m.id);
            created.extend(models);
        }
        for (i, (input, row)) in inputs.iter().zip(&created).enumerate() {
            if !input.affiliations.is_empty() {
                self.write_affiliations(txn, row.id, &input.affiliations)
                    .await
                    .map_err(|e| (i, e))?;
            }
        }
        let ids: Vec<i64> = created.iter().map(|p| p.id).collect();
        for batch in ids.chunks(ROWS_PER_INSERT) {
            search::index_new(txn, Registry::Person, batch)
                .await
                .map_err(|e| (0, e))?;
        }
        let audits = inputs
            .iter()
            .zip(&created)
            .map(|(input, row)| {
                let after = (
                    row,
                    Affiliations {
                        affiliations: &input.affiliations,
                    },
                );
                let audit = self
                    .audit::<person::Entity>("createPerson", row)
                    .after(&after);
                (audit, None)
            })
            .collect();
        Audit::write_created(txn, audits)
            .await
            .map_err(|e| (0, e))?;
        Ok(created)
    }

    pub async fn update_person(
        &self,
        id: i64,
        expected_version: i32,
        patch: PersonPatch,
    ) -> Result<person::Model> {
        let (txn, before) = self
            .begin_change::<person::Entity>(id, expected_version)
            .await?;
        let mut row: person::ActiveModel = before.clone().into();
        if let Some(f) = &patch.family_name {
            row.family_name = Set(required_text("input.familyName", f, NAME_MAX)?);
        }
        if let Some(g) = patch_text("input.givenName", &patch.given_name, NAME_MAX)? {
            row.given_name = Set(g);
        }
        if let Some(z) = patch_text("input.nameZh", &patch.name_zh, NAME_MAX)? {
            row.name_zh = Set(z);
        }
        if let Some(s) = patch.source {
            self.require::<source::Entity>(&txn, "input.source", "source", s)
                .await?;
            row.source_id = Set(s);
        }
        let after = self
            .save::<person::Entity>(&txn, row, expected_version)
            .await?;
        search::index(&txn, Registry::Person, &[id]).await?;
        self.changed::<person::Entity>(txn, "updatePerson", &after, &before, &after)
            .await?;
        Ok(after)
    }

    /// Live people who may be the same person as `of`: another with the same full name
    /// (folded, in either order).
    pub async fn possible_duplicate_people(
        &self,
        of: &person::Model,
    ) -> Result<Vec<person::Model>> {
        let name = match &of.given_name {
            Some(given) => format!("{} {given}", of.family_name),
            None => of.family_name.clone(),
        };
        Ok(self
            .find::<person::Entity>()
            .filter(person::Column::Id.ne(of.id))
            .filter(person::Column::ArchivedAt.is_null())
            .filter(person::Column::Id.in_subquery(search::named(Registry::Person, &[&name])))
            .order_by_asc(person::Column::Id)
            .all(&self.reader().await?)
            .await?)
    }

    /// Replaces a person's positions (add, remove and reorder in one).
    pub async fn set_affiliations(
        &self,
        id: i64,
        expected_version: i32,
        list: Vec<AffiliationInput>,
    ) -> Result<person::Model> {
        let (txn, record) = self
            .begin_change::<person::Entity>(id, expected_version)
            .await?;
        // In the shape of the input, texts included, so the entry compares like with like.
        let rows = affiliation::Entity::find()
            .filter(affiliation::Column::PersonId.eq(id))
            .order_by_asc(affiliation::Column::Position)
            .all(&txn)
            .await?;
        let ids: Vec<i64> = rows.iter().map(|a| a.id).collect();
        let mut texts = self
            .translations_of_many::<affiliation::Entity>(&txn, &ids)
            .await?;
        let before: Vec<AffiliationInput> = rows
            .into_iter()
            .map(|a| AffiliationInput {
                organisation: a.organisation_id,
                title: a.title,
                started_on: a.started_on,
                ended_on: a.ended_on,
                translations: texts.remove(&a.id).unwrap_or_default(),
            })
            .collect();
        self.bump_version(&txn, "person", id, expected_version)
            .await?;
        self.write_affiliations(&txn, id, &list).await?;
        let record = self.reload::<person::Entity>(&txn, &record).await?;
        let (before, after) = (
            Affiliations {
                affiliations: &before,
            },
            Affiliations {
                affiliations: &list,
            },
        );
        self.changed::<person::Entity>(txn, "setAffiliations", &record, &before, &after)
            .await?;
        Ok(record)
    }

    async fn write_affiliations(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
        list: &[AffiliationInput],
    ) -> Result<()> {
        self.require::<organisation::Entity>(
            txn,
            "input.affiliations",
            "organisation",
            list.iter().map(|a| a.organisation),
        )
        .await?;
        // Replaced row by row, keeping each new row's key for its texts; the old rows'
        // texts go with them.
        let old = affiliation::Entity::find()
            .filter(affiliation::Column::PersonId.eq(id))
            .all(txn)
            .await?;
        self.forget_translations::<affiliation::Entity>(txn, old.iter().map(|a| a.id))
            .await?;
        affiliation::Entity::delete_many()
            .filter(affiliation::Column::PersonId.eq(id))
            .exec(txn)
            .await?;
        for (i, a) in list.iter().enumerate() {
            let span = DateSpan::parse(
                &format!("input.affiliations.{i}.endedOn"),
                a.started_on,
                a.ended_on,
            )?;
            let row = affiliation::ActiveModel {
                person_id: Set(id),
                organisation_id: Set(a.organisation),
                title: Set(text(
                    &format!("input.affiliations.{i}.title"),
                    &a.title,
                    NAME_MAX,
                )?),
                started_on: Set(span.from),
                ended_on: Set(span.to),
                position: Set(i as i32),
                ..Default::default()
            }
            .insert(txn)
            .await
            .map_err(|e| on_constraint(e, &format!("input.affiliations.{i}")))?;
            let at = format!("input.affiliations.{i}.translations");
            let texts = parse_translations::<affiliation::Entity>(&a.translations, &at)?;
            self.write_translations::<affiliation::Entity>(txn, row.id, &texts, &at)
                .await?;
        }
        Ok(())
    }
}

/// A person's affiliations as the audit log records them: the part under its field, so
/// an entry names `affiliations` as the field changed.
#[derive(Serialize)]
struct Affiliations<'a> {
    affiliations: &'a [AffiliationInput],
}
