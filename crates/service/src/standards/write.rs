//! Writing curriculum standards and their adoptions.
use chrono::NaiveDate;
use entity::enums::{AdoptionKind, Visibility};
use entity::{adoption, curriculum_standard, organisation, source};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde::Serialize;

use crate::domain::{CountryCode, IscedCode, LONG_TEXT_MAX, NAME_MAX, TITLE_MAX};
use crate::translations::{Translation, parse_translations};
use crate::write::{Patch, Stamped, on_constraint, patch_text, required_text, snapshot, text};
use crate::{Result, Scope};

#[derive(Debug, Clone, Serialize)]
pub struct StandardInput {
    pub owner: Option<i64>,
    pub visibility: Option<Visibility>,
    /// Defaults to the owner.
    pub developer: Option<i64>,
    pub title: String,
    pub code: Option<String>,
    pub field: Option<String>,
    pub level: Option<String>,
    pub edition: Option<String>,
    pub issued_on: Option<NaiveDate>,
    pub source: Option<i64>,
    /// The title in other languages.
    pub translations: Vec<Translation>,
    #[serde(skip)]
    pub idempotency_key: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct StandardPatch {
    pub visibility: Option<Visibility>,
    pub developer: Option<i64>,
    pub title: Option<String>,
    pub code: Patch<String>,
    pub field: Patch<String>,
    pub level: Patch<String>,
    pub edition: Patch<String>,
    pub issued_on: Patch<NaiveDate>,
    pub source: Patch<i64>,
    /// When given, replaces every text in other languages.
    pub translations: Option<Vec<Translation>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AdoptionInput {
    pub country: String,
    pub institution: Option<i64>,
    pub kind: AdoptionKind,
    pub adopted_on: Option<NaiveDate>,
    pub evidence: Option<String>,
    pub source: Option<i64>,
}

fn isced(field: &str, code: &Option<String>) -> Result<Option<String>> {
    code.as_deref()
        .map(|c| IscedCode::parse(field, c).map(|c| c.as_str().to_owned()))
        .transpose()
}

impl Scope {
    pub async fn create_standard(
        &self,
        input: StandardInput,
    ) -> Result<curriculum_standard::Model> {
        const CREATE: &str = "createCurriculumStandard";
        let txn = self.begin_write().await?;
        let key = &input.idempotency_key;
        if let Some(found) = self
            .replay::<curriculum_standard::Entity>(&txn, key, CREATE, &input)
            .await?
        {
            return Ok(found);
        }
        let owner = self.owner_for_create(&txn, input.owner).await?;
        let developer = input.developer.unwrap_or(owner);
        self.require::<organisation::Entity>(&txn, "input.developer", "organisation", [developer])
            .await?;
        self.require::<source::Entity>(&txn, "input.source", "source", input.source)
            .await?;
        let field = isced("input.field", &input.field)?;
        self.require_fields(&txn, "input.field", field.clone())
            .await?;
        let row = curriculum_standard::ActiveModel {
            owner_id: Set(owner),
            visibility: Set(input.visibility.unwrap_or(Visibility::Private)),
            developer_id: Set(developer),
            title: Set(required_text("input.title", &input.title, TITLE_MAX)?),
            code: Set(text("input.code", &input.code, NAME_MAX)?),
            isced_code: Set(field),
            level: Set(text("input.level", &input.level, NAME_MAX)?),
            edition: Set(text("input.edition", &input.edition, NAME_MAX)?),
            issued_on: Set(input.issued_on),
            source_id: Set(input.source),
            ..Default::default()
        };
        let texts = parse_translations::<curriculum_standard::Entity>(
            &input.translations,
            "input.translations",
        )?;
        let row = self
            .insert::<curriculum_standard::Entity>(&txn, row)
            .await?;
        self.write_translations::<curriculum_standard::Entity>(
            &txn,
            row.id,
            &texts,
            "input.translations",
        )
        .await?;
        let state = (&row, serde_json::json!({ "translations": texts }));
        self.created::<curriculum_standard::Entity>(txn, key, CREATE, &input, &row, &state)
            .await?;
        Ok(row)
    }

    pub async fn update_standard(
        &self,
        id: i64,
        expected_version: i32,
        patch: StandardPatch,
    ) -> Result<curriculum_standard::Model> {
        let (txn, before) = self
            .begin_change::<curriculum_standard::Entity>(id, expected_version)
            .await?;
        let mut row: curriculum_standard::ActiveModel = before.clone().into();
        if let Some(d) = patch.developer {
            self.require::<organisation::Entity>(&txn, "input.developer", "organisation", [d])
                .await?;
            row.developer_id = Set(d);
        }
        if let Some(t) = &patch.title {
            row.title = Set(required_text("input.title", t, TITLE_MAX)?);
        }
        if let Some(c) = patch_text("input.code", &patch.code, NAME_MAX)? {
            row.code = Set(c);
        }
        if let Some(f) = &patch.field {
            let f = isced("input.field", f)?;
            self.require_fields(&txn, "input.field", f.clone()).await?;
            row.isced_code = Set(f);
        }
        if let Some(l) = patch_text("input.level", &patch.level, NAME_MAX)? {
            row.level = Set(l);
        }
        if let Some(e) = patch_text("input.edition", &patch.edition, NAME_MAX)? {
            row.edition = Set(e);
        }
        if let Some(d) = patch.issued_on {
            row.issued_on = Set(d);
        }
        if let Some(s) = patch.source {
            self.require::<source::Entity>(&txn, "input.source", "source", s)
                .await?;
            row.source_id = Set(s);
        }
        if let Some(v) = patch.visibility {
            row.visibility = Set(v);
        }
        let texts = patch
            .translations
            .as_deref()
            .map(|list| {
                parse_translations::<curriculum_standard::Entity>(list, "input.translations")
            })
            .transpose()?;
        let after = self
            .save::<curriculum_standard::Entity>(&txn, row, expected_version)
            .await?;
        self.changed_with_texts::<curriculum_standard::Entity>(
            txn,
            "updateCurriculumStandard",
            &after,
            snapshot(&before),
            snapshot(&after),
            texts,
        )
        .await?;
        Ok(after)
    }

    /// Adds an adoption to a standard (a part of it: the standard's version moves on).
    pub async fn add_adoption(
        &self,
        standard: i64,
        expected_version: i32,
        input: AdoptionInput,
    ) -> Result<adoption::Model> {
        let (txn, record) = self
            .begin_change::<curriculum_standard::Entity>(standard, expected_version)
            .await?;
        let country = CountryCode::parse("input.adoption.country", &input.country)?
            .as_str()
            .to_owned();
        self.require_countries(&txn, "input.adoption.country", [country.clone()])
            .await?;
        self.require::<organisation::Entity>(
            &txn,
            "input.adoption.institution",
            "organisation",
            input.institution,
        )
        .await?;
        self.require::<source::Entity>(&txn, "input.adoption.source", "source", input.source)
            .await?;
        self.bump_version(&txn, "curriculum_standard", standard, expected_version)
            .await?;
        let mut row = adoption::ActiveModel {
            standard_id: Set(standard),
            country_code: Set(country),
            institution_id: Set(input.institution),
            kind: Set(input.kind),
            adopted_on: Set(input.adopted_on),
            evidence: Set(text(
                "input.adoption.evidence",
                &input.evidence,
                LONG_TEXT_MAX,
            )?),
            source_id: Set(input.source),
            ..Default::default()
        };
        row.stamp(1, self.principal().label(), chrono::Utc::now());
        let row = row
            .insert(&txn)
            .await
            .map_err(|e| on_constraint(e, "input.adoption"))?;
        self.audit::<curriculum_standard::Entity>("addAdoption", &record)
            .after(&row)
            .write(&txn)
            .await?;
        txn.commit().await?;
        Ok(row)
    }

    /// Removes an adoption from its standard.
    pub async fn remove_adoption(
        &self,
        adoption_id: i64,
        expected_version: i32,
    ) -> Result<curriculum_standard::Model> {
        let txn = self.begin_write().await?;
        let row = self
            .load_for_write::<adoption::Entity>(&txn, adoption_id)
            .await?;
        let record = self
            .check_change::<curriculum_standard::Entity>(&txn, row.standard_id, expected_version)
            .await?;
        self.bump_version(&txn, "curriculum_standard", record.id, expected_version)
            .await?;
        adoption::Entity::delete_by_id(adoption_id)
            .exec(&txn)
            .await?;
        let record = self
            .reload::<curriculum_standard::Entity>(&txn, &record)
            .await?;
        self.audit::<curriculum_standard::Entity>("removeAdoption", &record)
            .before(&row)
            .write(&txn)
            .await?;
        txn.commit().await?;
        Ok(record)
    }
}
