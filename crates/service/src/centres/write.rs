//! Writing training centres abroad.
use chrono::NaiveDate;
use entity::enums::{CentreStatus, Visibility};
use entity::{organisation, source, training_centre, training_centre_field};
use sea_orm::{DatabaseTransaction, Set};
use serde::Serialize;

use crate::domain::{self, NAME_MAX, TITLE_MAX};
use crate::translations::{Translation, parse_translations};
use crate::write::{Patch, patch_text, patched, replace, required_text, snapshot, text};
use crate::{Result, Scope};

#[derive(Debug, Clone, Serialize)]
pub struct CentreInput {
    pub owner: Option<i64>,
    pub visibility: Option<Visibility>,
    pub name: String,
    /// Defaults to the owner.
    pub operator: Option<i64>,
    pub partner: Option<i64>,
    pub country: String,
    pub city: Option<String>,
    pub opened_on: Option<NaiveDate>,
    pub status: CentreStatus,
    pub fields: Vec<String>,
    pub source: Option<i64>,
    /// The name in other languages.
    pub translations: Vec<Translation>,
    #[serde(skip)]
    pub idempotency_key: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct CentrePatch {
    pub visibility: Option<Visibility>,
    pub name: Option<String>,
    pub operator: Option<i64>,
    pub partner: Patch<i64>,
    pub country: Option<String>,
    pub city: Patch<String>,
    pub opened_on: Patch<NaiveDate>,
    pub status: Option<CentreStatus>,
    pub fields: Option<Vec<String>>,
    pub source: Patch<i64>,
    /// When given, replaces every text in other languages.
    pub translations: Option<Vec<Translation>>,
}

impl Scope {
    pub async fn create_centre(&self, input: CentreInput) -> Result<training_centre::Model> {
        const CREATE: &str = "createTrainingCentre";
        let txn = self.begin_write().await?;
        let key = &input.idempotency_key;
        if let Some(found) = self
            .replay::<training_centre::Entity>(&txn, key, CREATE, &input)
            .await?
        {
            return Ok(found);
        }
        let owner = self.owner_for_create(&txn, input.owner).await?;
        let operator = input.operator.unwrap_or(owner);
        self.require::<organisation::Entity>(&txn, "input.operator", "organisation", [operator])
            .await?;
        self.require::<organisation::Entity>(&txn, "input.partner", "organisation", input.partner)
            .await?;
        self.require::<source::Entity>(&txn, "input.source", "source", input.source)
            .await?;
        let country = self
            .country(&txn, "input.country", &Some(input.country.clone()))
            .await?;
        let row = training_centre::ActiveModel {
            owner_id: Set(owner),
            visibility: Set(input.visibility.unwrap_or(Visibility::Private)),
            name: Set(required_text("input.name", &input.name, TITLE_MAX)?),
            operator_id: Set(operator),
            partner_id: Set(input.partner),
            country_code: Set(country.unwrap_or_default()),
            city: Set(text("input.city", &input.city, NAME_MAX)?),
            opened_on: Set(input.opened_on),
            status: Set(input.status),
            source_id: Set(input.source),
            ..Default::default()
        };
        let texts = parse_translations::<training_centre::Entity>(
            &input.translations,
            "input.translations",
        )?;
        let row = self.insert::<training_centre::Entity>(&txn, row).await?;
        self.write_centre_fields(&txn, row.id, &input.fields)
            .await?;
        self.write_translations::<training_centre::Entity>(
            &txn,
            row.id,
            &texts,
            "input.translations",
        )
        .await?;
        let parts = serde_json::json!({ "fields": input.fields, "translations": texts });
        self.created::<training_centre::Entity>(txn, key, CREATE, &input, &row, &(&row, &parts))
            .await?;
        Ok(row)
    }

    pub async fn update_centre(
        &self,
        id: i64,
        expected_version: i32,
        patch: CentrePatch,
    ) -> Result<training_centre::Model> {
        let (txn, before) = self
            .begin_change::<training_centre::Entity>(id, expected_version)
            .await?;
        let status = patched(&before.status, &patch.status);
        domain::centre_transition("input.status", before.status, status)?;
        let mut row: training_centre::ActiveModel = before.clone().into();
        if let Some(n) = &patch.name {
            row.name = Set(required_text("input.name", n, TITLE_MAX)?);
        }
        if let Some(o) = patch.operator {
            self.require::<organisation::Entity>(&txn, "input.operator", "organisation", [o])
                .await?;
            row.operator_id = Set(o);
        }
        if let Some(p) = patch.partner {
            self.require::<organisation::Entity>(&txn, "input.partner", "organisation", p)
                .await?;
            row.partner_id = Set(p);
        }
        if let Some(c) = &patch.country {
            row.country_code = Set(self
                .country(&txn, "input.country", &Some(c.clone()))
                .await?
                .unwrap_or_default());
        }
        if let Some(c) = patch_text("input.city", &patch.city, NAME_MAX)? {
            row.city = Set(c);
        }
        if let Some(d) = patch.opened_on {
            row.opened_on = Set(d);
        }
        if let Some(s) = patch.source {
            self.require::<source::Entity>(&txn, "input.source", "source", s)
                .await?;
            row.source_id = Set(s);
        }
        if let Some(v) = patch.visibility {
            row.visibility = Set(v);
        }
        row.status = Set(status);
        if let Some(fields) = &patch.fields {
            self.write_centre_fields(&txn, id, fields).await?;
        }
        let texts = patch
            .translations
            .as_deref()
            .map(|list| parse_translations::<training_centre::Entity>(list, "input.translations"))
            .transpose()?;
        let after = self
            .save::<training_centre::Entity>(&txn, row, expected_version)
            .await?;
        // The fields, when changed, sit beside the row's columns as the record's `fields`.
        let mut after_state = snapshot(&after);
        if let (Some(fields), serde_json::Value::Object(state)) = (&patch.fields, &mut after_state)
        {
            state.insert("fields".into(), snapshot(fields));
        }
        self.changed_with_texts::<training_centre::Entity>(
            txn,
            "updateTrainingCentre",
            &after,
            snapshot(&before),
            after_state,
            texts,
        )
        .await?;
        Ok(after)
    }

    async fn write_centre_fields(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
        codes: &[String],
    ) -> Result<()> {
        let codes = self.isced_codes(txn, codes, "input.fields").await?;
        let rows = codes
            .into_iter()
            .map(|code| training_centre_field::ActiveModel {
                centre_id: Set(id),
                isced_code: Set(code),
                ..Default::default()
            })
            .collect();
        replace(
            txn,
            training_centre_field::Column::CentreId,
            id,
            rows,
            "input.fields",
        )
        .await
    }
}
