//! Writing agreements and their parts; confirming them by their parties.
use chrono::NaiveDate;
use entity::enums::{AgreementKind, AgreementPersonRole, AgreementStatus, PartyRole, Visibility};
use entity::{
    agreement, agreement_field, agreement_party, agreement_person, event, organisation, person,
    source,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::Serialize;

use crate::domain::{self, DateSpan, LONG_TEXT_MAX, NAME_MAX, TITLE_MAX};
use crate::translations::{Translation, parse_translations};
use crate::write::{
    Composite, Patch, TxnFuture, insert_at, on_constraint, patch_text, patched, replace,
    required_text, snapshot, text,
};
use crate::{Error, Result, Scope};

/// A new agreement, with its parts.
#[derive(Debug, Clone, Serialize)]
pub struct AgreementInput {
    pub owner: Option<i64>,
    pub visibility: Option<Visibility>,
    pub kind: AgreementKind,
    pub status: AgreementStatus,
    pub title: String,
    pub description: Option<String>,
    pub signed_on: Option<NaiveDate>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub signed_at: Option<i64>,
    pub renewal_of: Option<i64>,
    pub source: Option<i64>,
    pub fields: Vec<String>,
    pub parties: Vec<PartyInput>,
    pub people: Vec<AgreementPersonInput>,
    /// Title and description in other languages.
    pub translations: Vec<Translation>,
    #[serde(skip)]
    pub idempotency_key: Option<String>,
}

/// Changes to an agreement; absent fields stay as they are.
#[derive(Debug, Clone, Default)]
pub struct AgreementPatch {
    pub visibility: Option<Visibility>,
    pub kind: Option<AgreementKind>,
    pub status: Option<AgreementStatus>,
    pub title: Option<String>,
    pub description: Patch<String>,
    pub signed_on: Patch<NaiveDate>,
    pub valid_from: Patch<NaiveDate>,
    pub valid_to: Patch<NaiveDate>,
    pub signed_at: Patch<i64>,
    pub renewal_of: Patch<i64>,
    pub source: Patch<i64>,
    pub fields: Option<Vec<String>>,
    /// When given, replaces every text in other languages.
    pub translations: Option<Vec<Translation>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartyInput {
    pub organisation: i64,
    pub role: PartyRole,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgreementPersonInput {
    pub person: i64,
    pub role: AgreementPersonRole,
    pub title: Option<String>,
    pub organisation: Option<i64>,
    /// The title in other languages.
    pub translations: Vec<Translation>,
}

#[derive(Serialize)]
struct Parts {
    parties: Vec<agreement_party::Model>,
    people: Vec<agreement_person::Model>,
    /// The people's titles in other languages, in the order of `people`.
    people_translations: Vec<Vec<Translation>>,
    fields: Vec<String>,
    translations: Vec<Translation>,
}

impl Composite for agreement::Entity {
    fn parts<'a>(
        scope: &'a Scope,
        txn: &'a DatabaseTransaction,
        id: i64,
    ) -> TxnFuture<'a, serde_json::Value> {
        Box::pin(async move { scope.agreement_parts(txn, id).await })
    }
}

impl Scope {
    pub async fn create_agreement(&self, input: AgreementInput) -> Result<agreement::Model> {
        const CREATE: &str = "createAgreement";
        let txn = self.begin_write().await?;
        let key = &input.idempotency_key;
        if let Some(found) = self
            .replay::<agreement::Entity>(&txn, key, CREATE, &input)
            .await?
        {
            return Ok(found);
        }
        let (row, parts) = self.insert_agreement(&txn, &input).await?;
        self.created::<agreement::Entity>(txn, key, CREATE, &input, &row, &(&row, &parts))
            .await?;
        Ok(row)
    }

    /// `createAgreement` inside a transaction the caller commits (an import writes many
    /// records in one), with its audit and change entries.
    pub(crate) async fn create_agreement_in(
        &self,
        txn: &DatabaseTransaction,
        input: &AgreementInput,
    ) -> Result<agreement::Model> {
        let (row, parts) = self.insert_agreement(txn, input).await?;
        self.audit::<agreement::Entity>("createAgreement", &row)
            .after(&(&row, &parts))
            .write(txn)
            .await?;
        Ok(row)
    }

    async fn insert_agreement(
        &self,
        txn: &DatabaseTransaction,
        input: &AgreementInput,
    ) -> Result<(agreement::Model, serde_json::Value)> {
        let owner = self.owner_for_create(txn, input.owner).await?;
        let validity = DateSpan::parse("input.validTo", input.valid_from, input.valid_to)?
            .check_in_effect("input.validTo", input.status, self.today())?;
        self.require::<event::Entity>(txn, "input.signedAt", "event", input.signed_at)
            .await?;
        self.require::<agreement::Entity>(txn, "input.renewalOf", "agreement", input.renewal_of)
            .await?;
        self.require::<source::Entity>(txn, "input.source", "source", input.source)
            .await?;
        let row = agreement::ActiveModel {
            owner_id: Set(owner),
            visibility: Set(input.visibility.unwrap_or(Visibility::Private)),
            kind: Set(input.kind),
            status: Set(input.status),
            title: Set(required_text("input.title", &input.title, TITLE_MAX)?),
            description: Set(text(
                "input.description",
                &input.description,
                LONG_TEXT_MAX,
            )?),
            signed_on: Set(input.signed_on),
            valid_from: Set(validity.from),
            valid_to: Set(validity.to),
            signed_at_event_id: Set(input.signed_at),
            renewal_of_id: Set(input.renewal_of),
            source_id: Set(input.source),
            ..Default::default()
        };
        let texts =
            parse_translations::<agreement::Entity>(&input.translations, "input.translations")?;
        let row = self.insert::<agreement::Entity>(txn, row).await?;
        self.write_translations::<agreement::Entity>(txn, row.id, &texts, "input.translations")
            .await?;
        self.write_fields(txn, row.id, &input.fields, "input.fields")
            .await?;
        self.write_parties(txn, row.id, &input.parties, "input.parties")
            .await?;
        self.write_agreement_people(txn, row.id, &input.people, "input.people")
            .await?;
        let parts = self.agreement_parts(txn, row.id).await?;
        Ok((row, parts))
    }

    pub async fn update_agreement(
        &self,
        id: i64,
        expected_version: i32,
        patch: AgreementPatch,
    ) -> Result<agreement::Model> {
        let txn = self.begin_write().await?;
        let after = self
            .update_agreement_in(&txn, id, expected_version, patch, None, None)
            .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// `updateAgreement` inside a transaction the caller commits, with its audit and
    /// change entries; `parties` and `people`, when given, replace the parties and the
    /// signatories and witnesses in the same change (an import row names them beside
    /// the fields).
    pub(crate) async fn update_agreement_in(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
        expected_version: i32,
        patch: AgreementPatch,
        parties: Option<&[PartyInput]>,
        people: Option<&[AgreementPersonInput]>,
    ) -> Result<agreement::Model> {
        let before = self
            .check_change::<agreement::Entity>(txn, id, expected_version)
            .await?;
        let status = patched(&before.status, &patch.status);
        domain::agreement_transition("input.status", before.status, status)?;
        let from = patched(&before.valid_from, &patch.valid_from);
        let to = patched(&before.valid_to, &patch.valid_to);
        DateSpan::parse("input.validTo", from, to)?.check_in_effect(
            "input.validTo",
            status,
            self.today(),
        )?;
        if let Some(Some(event)) = patch.signed_at {
            self.require::<event::Entity>(txn, "input.signedAt", "event", [event])
                .await?;
        }
        if let Some(Some(earlier)) = patch.renewal_of {
            if earlier == id {
                return Err(Error::bad_input(
                    "input.renewalOf",
                    "an agreement cannot renew itself",
                ));
            }
            self.require::<agreement::Entity>(txn, "input.renewalOf", "agreement", [earlier])
                .await?;
        }
        if let Some(Some(s)) = patch.source {
            self.require::<source::Entity>(txn, "input.source", "source", [s])
                .await?;
        }
        let before_parts = self.agreement_parts(txn, id).await?;
        let mut row: agreement::ActiveModel = before.clone().into();
        if let Some(title) = &patch.title {
            row.title = Set(required_text("input.title", title, TITLE_MAX)?);
        }
        if let Some(description) =
            patch_text("input.description", &patch.description, LONG_TEXT_MAX)?
        {
            row.description = Set(description);
        }
        if let Some(v) = patch.visibility {
            row.visibility = Set(v);
        }
        if let Some(k) = patch.kind {
            row.kind = Set(k);
        }
        if let Some(d) = patch.signed_on {
            row.signed_on = Set(d);
        }
        if let Some(e) = patch.signed_at {
            row.signed_at_event_id = Set(e);
        }
        if let Some(r) = patch.renewal_of {
            row.renewal_of_id = Set(r);
        }
        if let Some(s) = patch.source {
            row.source_id = Set(s);
        }
        row.status = Set(status);
        row.valid_from = Set(from);
        row.valid_to = Set(to);
        if let Some(fields) = &patch.fields {
            self.write_fields(txn, id, fields, "input.fields").await?;
        }
        if let Some(list) = parties {
            self.write_parties(txn, id, list, "input.parties").await?;
        }
        if let Some(list) = people {
            self.write_agreement_people(txn, id, list, "input.people")
                .await?;
        }
        if let Some(list) = &patch.translations {
            let texts = parse_translations::<agreement::Entity>(list, "input.translations")?;
            self.write_translations::<agreement::Entity>(txn, id, &texts, "input.translations")
                .await?;
        }
        let after = self
            .save::<agreement::Entity>(txn, row, expected_version)
            .await?;
        let after_parts = self.agreement_parts(txn, id).await?;
        self.audit::<agreement::Entity>("updateAgreement", &after)
            .before(&(&before, &before_parts))
            .after(&(&after, &after_parts))
            .write(txn)
            .await?;
        Ok(after)
    }

    /// Replaces the parties (add, remove and reorder in one).
    pub async fn set_agreement_parties(
        &self,
        id: i64,
        expected_version: i32,
        list: Vec<PartyInput>,
    ) -> Result<agreement::Model> {
        self.change_agreement(id, expected_version, "setAgreementParties", |scope, txn| {
            Box::pin(async move { scope.write_parties(txn, id, &list, "input.parties").await })
        })
        .await
    }

    /// Adds a party at `position` (at the end when absent).
    pub async fn add_agreement_party(
        &self,
        id: i64,
        expected_version: i32,
        item: PartyInput,
        position: Option<i32>,
    ) -> Result<agreement::Model> {
        self.change_agreement(id, expected_version, "setAgreementParties", |scope, txn| {
            Box::pin(async move {
                let mut list = scope.party_inputs(txn, id).await?;
                insert_at(&mut list, item, position);
                scope.write_parties(txn, id, &list, "input.parties").await
            })
        })
        .await
    }

    /// Removes an organisation from the parties (nothing, if it is not one).
    pub async fn remove_agreement_party(
        &self,
        id: i64,
        expected_version: i32,
        organisation: i64,
    ) -> Result<agreement::Model> {
        self.change_agreement(id, expected_version, "setAgreementParties", |scope, txn| {
            Box::pin(async move {
                let mut list = scope.party_inputs(txn, id).await?;
                list.retain(|p| p.organisation != organisation);
                scope.write_parties(txn, id, &list, "input.parties").await
            })
        })
        .await
    }

    /// Replaces the signatories and witnesses.
    pub async fn set_agreement_people(
        &self,
        id: i64,
        expected_version: i32,
        list: Vec<AgreementPersonInput>,
    ) -> Result<agreement::Model> {
        self.change_agreement(id, expected_version, "setAgreementPeople", |scope, txn| {
            Box::pin(async move {
                scope
                    .write_agreement_people(txn, id, &list, "input.people")
                    .await
            })
        })
        .await
    }

    /// Adds a signatory or witness at `position` (at the end when absent).
    pub async fn add_agreement_person(
        &self,
        id: i64,
        expected_version: i32,
        item: AgreementPersonInput,
        position: Option<i32>,
    ) -> Result<agreement::Model> {
        self.change_agreement(id, expected_version, "setAgreementPeople", |scope, txn| {
            Box::pin(async move {
                let mut list = scope.agreement_person_inputs(txn, id).await?;
                insert_at(&mut list, item, position);
                scope
                    .write_agreement_people(txn, id, &list, "input.people")
                    .await
            })
        })
        .await
    }

    /// Removes a person's role from an agreement (nothing, if they have none).
    pub async fn remove_agreement_person(
        &self,
        id: i64,
        expected_version: i32,
        person: i64,
        role: AgreementPersonRole,
    ) -> Result<agreement::Model> {
        self.change_agreement(id, expected_version, "setAgreementPeople", |scope, txn| {
            Box::pin(async move {
                let mut list = scope.agreement_person_inputs(txn, id).await?;
                list.retain(|p| !(p.person == person && p.role == role));
                scope
                    .write_agreement_people(txn, id, &list, "input.people")
                    .await
            })
        })
        .await
    }

    async fn change_agreement<F>(
        &self,
        id: i64,
        expected_version: i32,
        operation: &str,
        write: F,
    ) -> Result<agreement::Model>
    where
        F: for<'a> FnOnce(&'a Scope, &'a DatabaseTransaction) -> TxnFuture<'a, ()>,
    {
        self.change_parts::<agreement::Entity, _>(id, expected_version, operation, write)
            .await
    }

    /// The current parties, for add and remove.
    async fn party_inputs(&self, txn: &DatabaseTransaction, id: i64) -> Result<Vec<PartyInput>> {
        Ok(agreement_party::Entity::find()
            .filter(agreement_party::Column::AgreementId.eq(id))
            .order_by_asc(agreement_party::Column::Position)
            .all(txn)
            .await?
            .into_iter()
            .map(|p| PartyInput {
                organisation: p.organisation_id,
                role: p.role,
            })
            .collect())
    }

    /// The current signatories and witnesses, for add and remove (and an import's changes).
    pub(crate) async fn agreement_person_inputs(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
    ) -> Result<Vec<AgreementPersonInput>> {
        let rows = agreement_person::Entity::find()
            .filter(agreement_person::Column::AgreementId.eq(id))
            .order_by_asc(agreement_person::Column::Position)
            .all(txn)
            .await?;
        let ids: Vec<i64> = rows.iter().map(|p| p.id).collect();
        let mut texts = self
            .translations_of_many::<agreement_person::Entity>(txn, &ids)
            .await?;
        Ok(rows
            .into_iter()
            .map(|p| AgreementPersonInput {
                person: p.person_id,
                role: p.role,
                title: p.title,
                organisation: p.organisation_id,
                translations: texts.remove(&p.id).unwrap_or_default(),
            })
            .collect())
    }

    /// Records that the caller's organisation, a party, confirms the agreement as it is
    /// at `expected_version` (EWP-style: each partner approves an exact version).
    pub async fn confirm_agreement(
        &self,
        id: i64,
        expected_version: i32,
    ) -> Result<agreement::Model> {
        let txn = self.begin_write().await?;
        let record = self.load_for_write::<agreement::Entity>(&txn, id).await?;
        let parties: Vec<i64> = agreement_party::Entity::find()
            .filter(agreement_party::Column::AgreementId.eq(id))
            .all(&txn)
            .await?
            .into_iter()
            .map(|p| p.organisation_id)
            .collect();
        self.confirm(
            &txn,
            "agreement",
            id,
            record.version,
            expected_version,
            &parties,
            Some(record.owner_id),
            "confirmAgreement",
        )
        .await?;
        txn.commit().await?;
        Ok(record)
    }

    pub(crate) async fn agreement_parts(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
    ) -> Result<serde_json::Value> {
        let people = agreement_person::Entity::find()
            .filter(agreement_person::Column::AgreementId.eq(id))
            .order_by_asc(agreement_person::Column::Position)
            .all(txn)
            .await?;
        let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
        let mut texts = self
            .translations_of_many::<agreement_person::Entity>(txn, &ids)
            .await?;
        Ok(snapshot(&Parts {
            parties: agreement_party::Entity::find()
                .filter(agreement_party::Column::AgreementId.eq(id))
                .order_by_asc(agreement_party::Column::Position)
                .all(txn)
                .await?,
            people_translations: ids
                .iter()
                .map(|id| texts.remove(id).unwrap_or_default())
                .collect(),
            people,
            fields: agreement_field::Entity::find()
                .filter(agreement_field::Column::AgreementId.eq(id))
                .order_by_asc(agreement_field::Column::IscedCode)
                .all(txn)
                .await?
                .into_iter()
                .map(|f| f.isced_code)
                .collect(),
            translations: self.translations_in::<agreement::Entity>(txn, id).await?,
        }))
    }

    async fn write_parties(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
        list: &[PartyInput],
        field: &str,
    ) -> Result<()> {
        self.require::<organisation::Entity>(
            txn,
            field,
            "organisation",
            list.iter().map(|p| p.organisation),
        )
        .await?;
        let rows = list
            .iter()
            .enumerate()
            .map(|(i, p)| agreement_party::ActiveModel {
                agreement_id: Set(id),
                organisation_id: Set(p.organisation),
                role: Set(p.role),
                position: Set(i as i32),
                ..Default::default()
            })
            .collect();
        replace(txn, agreement_party::Column::AgreementId, id, rows, field).await
    }

    async fn write_agreement_people(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
        list: &[AgreementPersonInput],
        field: &str,
    ) -> Result<()> {
        self.require::<person::Entity>(txn, field, "person", list.iter().map(|p| p.person))
            .await?;
        self.require::<organisation::Entity>(
            txn,
            field,
            "organisation",
            list.iter().filter_map(|p| p.organisation),
        )
        .await?;
        // Replaced row by row, as `replace` would, keeping each new row's key for its texts;
        // the old rows' texts go with them.
        let old = agreement_person::Entity::find()
            .filter(agreement_person::Column::AgreementId.eq(id))
            .all(txn)
            .await?;
        self.forget_translations::<agreement_person::Entity>(txn, old.iter().map(|p| p.id))
            .await?;
        agreement_person::Entity::delete_many()
            .filter(agreement_person::Column::AgreementId.eq(id))
            .exec(txn)
            .await?;
        for (i, p) in list.iter().enumerate() {
            let row = agreement_person::ActiveModel {
                agreement_id: Set(id),
                person_id: Set(p.person),
                role: Set(p.role),
                title: Set(text(&format!("{field}.{i}.title"), &p.title, NAME_MAX)?),
                organisation_id: Set(p.organisation),
                position: Set(i as i32),
                ..Default::default()
            }
            .insert(txn)
            .await
            .map_err(|e| on_constraint(e, &format!("{field}.{i}")))?;
            let at = format!("{field}.{i}.translations");
            let texts = parse_translations::<agreement_person::Entity>(&p.translations, &at)?;
            self.write_translations::<agreement_person::Entity>(txn, row.id, &texts, &at)
                .await?;
        }
        Ok(())
    }

    async fn write_fields(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
        codes: &[String],
        field: &str,
    ) -> Result<()> {
        let codes = self.isced_codes(txn, codes, field).await?;
        let rows = codes
            .into_iter()
            .map(|code| agreement_field::ActiveModel {
                agreement_id: Set(id),
                isced_code: Set(code),
                ..Default::default()
            })
            .collect();
        replace(txn, agreement_field::Column::AgreementId, id, rows, field).await
    }
}
