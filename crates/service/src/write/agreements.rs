//! Writing agreements and their parts; confirming them by their parties.
use chrono::{NaiveDate, Utc};
use entity::enums::{AgreementKind, AgreementPersonRole, AgreementStatus, PartyRole, Visibility};
use entity::{
    agreement, agreement_field, agreement_party, agreement_person, event, organisation, person,
    source,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::Serialize;

use super::{Patch, on_constraint, patch_text, patched, required_text, text};
use crate::access::may_write;
use crate::audit::Audit;
use crate::domain::{self, DateSpan, IscedCode, LONG_TEXT_MAX, NAME_MAX, TITLE_MAX};
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
}

#[derive(Serialize)]
struct Parts {
    parties: Vec<agreement_party::Model>,
    people: Vec<agreement_person::Model>,
    fields: Vec<String>,
}

const TABLE: &str = "agreement";

impl Scope {
    pub async fn create_agreement(&self, input: AgreementInput) -> Result<agreement::Model> {
        let txn = self.begin_write().await?;
        if let Some(id) = self
            .replay(&txn, &input.idempotency_key, "createAgreement", &input)
            .await?
        {
            return self.load_for_write::<agreement::Entity>(&txn, id).await;
        }
        let owner = self.owner_for_create(&txn, input.owner).await?;
        may_write(self.principal(), owner)?;
        let validity = DateSpan::parse("input.validTo", input.valid_from, input.valid_to)?;
        self.require::<event::Entity>(&txn, "input.signedAt", "event", input.signed_at)
            .await?;
        self.require::<agreement::Entity>(&txn, "input.renewalOf", "agreement", input.renewal_of)
            .await?;
        self.require::<source::Entity>(&txn, "input.source", "source", input.source)
            .await?;
        let now = Utc::now();
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
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            created_by: Set(Some(self.principal().label())),
            updated_by: Set(Some(self.principal().label())),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        self.write_fields(&txn, row.id, &input.fields, "input.fields")
            .await?;
        self.write_parties(&txn, row.id, &input.parties, "input.parties")
            .await?;
        self.write_agreement_people(&txn, row.id, &input.people, "input.people")
            .await?;
        self.remember(
            &txn,
            &input.idempotency_key,
            "createAgreement",
            &input,
            row.id,
        )
        .await?;
        let parts = self.agreement_parts(&txn, row.id).await?;
        Audit::new(
            self.principal(),
            "createAgreement",
            TABLE,
            row.id,
            Some(owner),
        )
        .after(&(&row, &parts))
        .write(&txn)
        .await?;
        txn.commit().await?;
        Ok(row)
    }

    pub async fn update_agreement(
        &self,
        id: i64,
        expected_version: i32,
        patch: AgreementPatch,
    ) -> Result<agreement::Model> {
        let txn = self.begin_write().await?;
        let before = self.load_for_write::<agreement::Entity>(&txn, id).await?;
        may_write(self.principal(), before.owner_id)?;
        domain::Version::parse("input.expectedVersion", expected_version)?;
        let status = patched(&before.status, &patch.status);
        domain::agreement_transition("input.status", before.status, status)?;
        let from = patched(&before.valid_from, &patch.valid_from);
        let to = patched(&before.valid_to, &patch.valid_to);
        DateSpan::parse("input.validTo", from, to)?;
        if let Some(Some(event)) = patch.signed_at {
            self.require::<event::Entity>(&txn, "input.signedAt", "event", [event])
                .await?;
        }
        if let Some(Some(earlier)) = patch.renewal_of {
            if earlier == id {
                return Err(Error::bad_input(
                    "input.renewalOf",
                    "an agreement cannot renew itself",
                ));
            }
            self.require::<agreement::Entity>(&txn, "input.renewalOf", "agreement", [earlier])
                .await?;
        }
        if let Some(Some(s)) = patch.source {
            self.require::<source::Entity>(&txn, "input.source", "source", [s])
                .await?;
        }
        let before_parts = self.agreement_parts(&txn, id).await?;
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
        self.bump_version(&txn, TABLE, id, expected_version).await?;
        if let Some(fields) = &patch.fields {
            self.write_fields(&txn, id, fields, "input.fields").await?;
        }
        row.version = Set(before.version + 1);
        row.updated_at = Set(Utc::now());
        row.updated_by = Set(Some(self.principal().label()));
        let after = row.update(&txn).await?;
        let after_parts = self.agreement_parts(&txn, id).await?;
        Audit::new(
            self.principal(),
            "updateAgreement",
            TABLE,
            id,
            Some(after.owner_id),
        )
        .before(&(&before, &before_parts))
        .after(&(&after, &after_parts))
        .write(&txn)
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Replaces the parties (add, remove and reorder in one).
    pub async fn set_agreement_parties(
        &self,
        id: i64,
        expected_version: i32,
        list: Vec<PartyInput>,
    ) -> Result<agreement::Model> {
        self.change_parts::<agreement::Entity, _>(
            id,
            expected_version,
            "setAgreementParties",
            |scope, txn| {
                Box::pin(async move { scope.write_parties(txn, id, &list, "input.parties").await })
            },
        )
        .await
    }

    /// Replaces the signatories and witnesses.
    pub async fn set_agreement_people(
        &self,
        id: i64,
        expected_version: i32,
        list: Vec<AgreementPersonInput>,
    ) -> Result<agreement::Model> {
        self.change_parts::<agreement::Entity, _>(
            id,
            expected_version,
            "setAgreementPeople",
            |scope, txn| {
                Box::pin(async move {
                    scope
                        .write_agreement_people(txn, id, &list, "input.people")
                        .await
                })
            },
        )
        .await
    }

    /// The current parties, for add/remove built on `set`.
    pub async fn party_inputs(&self, id: i64) -> Result<Vec<PartyInput>> {
        Ok(self
            .find::<agreement_party::Entity>()
            .filter(agreement_party::Column::AgreementId.eq(id))
            .order_by_asc(agreement_party::Column::Position)
            .all(self.db())
            .await?
            .into_iter()
            .map(|p| PartyInput {
                organisation: p.organisation_id,
                role: p.role,
            })
            .collect())
    }

    /// The current signatories and witnesses, for add/remove built on `set`.
    pub async fn agreement_person_inputs(&self, id: i64) -> Result<Vec<AgreementPersonInput>> {
        Ok(self
            .find::<agreement_person::Entity>()
            .filter(agreement_person::Column::AgreementId.eq(id))
            .order_by_asc(agreement_person::Column::Position)
            .all(self.db())
            .await?
            .into_iter()
            .map(|p| AgreementPersonInput {
                person: p.person_id,
                role: p.role,
                title: p.title,
                organisation: p.organisation_id,
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
        Ok(super::snapshot(&Parts {
            parties: agreement_party::Entity::find()
                .filter(agreement_party::Column::AgreementId.eq(id))
                .order_by_asc(agreement_party::Column::Position)
                .all(txn)
                .await?,
            people: agreement_person::Entity::find()
                .filter(agreement_person::Column::AgreementId.eq(id))
                .order_by_asc(agreement_person::Column::Position)
                .all(txn)
                .await?,
            fields: agreement_field::Entity::find()
                .filter(agreement_field::Column::AgreementId.eq(id))
                .order_by_asc(agreement_field::Column::IscedCode)
                .all(txn)
                .await?
                .into_iter()
                .map(|f| f.isced_code)
                .collect(),
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
        agreement_party::Entity::delete_many()
            .filter(agreement_party::Column::AgreementId.eq(id))
            .exec(txn)
            .await?;
        for (i, p) in list.iter().enumerate() {
            agreement_party::ActiveModel {
                agreement_id: Set(id),
                organisation_id: Set(p.organisation),
                role: Set(p.role),
                position: Set(i as i32),
                ..Default::default()
            }
            .insert(txn)
            .await
            .map_err(|e| on_constraint(e, &format!("{field}.{i}")))?;
        }
        Ok(())
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
        agreement_person::Entity::delete_many()
            .filter(agreement_person::Column::AgreementId.eq(id))
            .exec(txn)
            .await?;
        for (i, p) in list.iter().enumerate() {
            agreement_person::ActiveModel {
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
        let mut parsed = Vec::new();
        for (i, code) in codes.iter().enumerate() {
            parsed.push(
                IscedCode::parse(&format!("{field}.{i}"), code)?
                    .as_str()
                    .to_owned(),
            );
        }
        parsed.sort();
        parsed.dedup();
        self.require_fields(txn, field, parsed.clone()).await?;
        agreement_field::Entity::delete_many()
            .filter(agreement_field::Column::AgreementId.eq(id))
            .exec(txn)
            .await?;
        for code in parsed {
            agreement_field::ActiveModel {
                agreement_id: Set(id),
                isced_code: Set(code),
                ..Default::default()
            }
            .insert(txn)
            .await?;
        }
        Ok(())
    }
}
