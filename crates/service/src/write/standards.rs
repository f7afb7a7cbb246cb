//! Writing curriculum standards and their adoptions, training centres and reported
//! indicators.
use chrono::{NaiveDate, Utc};
use entity::enums::{AdoptionKind, CentreStatus, IndicatorMetric, Visibility};
use entity::{
    adoption, curriculum_standard, event, indicator, organisation, source, training_centre,
    training_centre_field,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set};
use serde::Serialize;

use super::{Patch, on_constraint, patch_text, patched, required_text, text};
use crate::access::may_write;
use crate::audit::Audit;
use crate::domain::{self, CountryCode, DateSpan, IscedCode, LONG_TEXT_MAX, NAME_MAX, TITLE_MAX};
use crate::{Error, Result, Scope};

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
}

#[derive(Debug, Clone, Serialize)]
pub struct IndicatorInput {
    pub owner: Option<i64>,
    pub visibility: Option<Visibility>,
    /// Defaults to the owner.
    pub organisation: Option<i64>,
    pub event: Option<i64>,
    pub metric: IndicatorMetric,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    pub value: f64,
    pub unit: Option<String>,
    pub note: Option<String>,
    pub source: Option<i64>,
    #[serde(skip)]
    pub idempotency_key: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct IndicatorPatch {
    pub visibility: Option<Visibility>,
    pub organisation: Option<i64>,
    pub event: Patch<i64>,
    pub metric: Option<IndicatorMetric>,
    pub period_start: Patch<NaiveDate>,
    pub period_end: Patch<NaiveDate>,
    pub value: Option<f64>,
    pub unit: Patch<String>,
    pub note: Patch<String>,
    pub source: Patch<i64>,
}

fn isced(field: &str, code: &Option<String>) -> Result<Option<String>> {
    code.as_deref()
        .map(|c| IscedCode::parse(field, c).map(|c| c.as_str().to_owned()))
        .transpose()
}

fn finite(field: &str, value: f64) -> Result<f64> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(Error::bad_input(field, "value must be a finite number"))
    }
}

impl Scope {
    pub async fn create_standard(
        &self,
        input: StandardInput,
    ) -> Result<curriculum_standard::Model> {
        let txn = self.begin_write().await?;
        if let Some(id) = self
            .replay(
                &txn,
                &input.idempotency_key,
                "createCurriculumStandard",
                &input,
            )
            .await?
        {
            return self
                .load_for_write::<curriculum_standard::Entity>(&txn, id)
                .await;
        }
        let owner = self.owner_for_create(&txn, input.owner).await?;
        may_write(self.principal(), owner)?;
        let developer = input.developer.unwrap_or(owner);
        self.require::<organisation::Entity>(&txn, "input.developer", "organisation", [developer])
            .await?;
        self.require::<source::Entity>(&txn, "input.source", "source", input.source)
            .await?;
        let field = isced("input.field", &input.field)?;
        self.require_fields(&txn, "input.field", field.clone())
            .await?;
        let now = Utc::now();
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
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            created_by: Set(Some(self.principal().label())),
            updated_by: Set(Some(self.principal().label())),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| on_constraint(e, "input.code"))?;
        self.remember(
            &txn,
            &input.idempotency_key,
            "createCurriculumStandard",
            &input,
            row.id,
        )
        .await?;
        Audit::new(
            self.principal(),
            "createCurriculumStandard",
            "curriculum_standard",
            row.id,
            Some(owner),
        )
        .after(&row)
        .write(&txn)
        .await?;
        txn.commit().await?;
        Ok(row)
    }

    pub async fn update_standard(
        &self,
        id: i64,
        expected_version: i32,
        patch: StandardPatch,
    ) -> Result<curriculum_standard::Model> {
        let txn = self.begin_write().await?;
        let before = self
            .load_for_write::<curriculum_standard::Entity>(&txn, id)
            .await?;
        may_write(self.principal(), before.owner_id)?;
        domain::Version::parse("input.expectedVersion", expected_version)?;
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
        self.bump_version(&txn, "curriculum_standard", id, expected_version)
            .await?;
        row.version = Set(before.version + 1);
        row.updated_at = Set(Utc::now());
        row.updated_by = Set(Some(self.principal().label()));
        let after = row
            .update(&txn)
            .await
            .map_err(|e| on_constraint(e, "input.code"))?;
        Audit::new(
            self.principal(),
            "updateCurriculumStandard",
            "curriculum_standard",
            id,
            Some(after.owner_id),
        )
        .before(&before)
        .after(&after)
        .write(&txn)
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Adds an adoption to a standard (a part of it: the standard's version moves on).
    pub async fn add_adoption(
        &self,
        standard: i64,
        expected_version: i32,
        input: AdoptionInput,
    ) -> Result<adoption::Model> {
        let txn = self.begin_write().await?;
        let record = self
            .load_for_write::<curriculum_standard::Entity>(&txn, standard)
            .await?;
        may_write(self.principal(), record.owner_id)?;
        domain::Version::parse("input.expectedVersion", expected_version)?;
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
        let now = Utc::now();
        let row = adoption::ActiveModel {
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
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            created_by: Set(Some(self.principal().label())),
            updated_by: Set(Some(self.principal().label())),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| on_constraint(e, "input.adoption"))?;
        Audit::new(
            self.principal(),
            "addAdoption",
            "curriculum_standard",
            standard,
            Some(record.owner_id),
        )
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
            .load_for_write::<curriculum_standard::Entity>(&txn, row.standard_id)
            .await?;
        may_write(self.principal(), record.owner_id)?;
        domain::Version::parse("input.expectedVersion", expected_version)?;
        self.bump_version(&txn, "curriculum_standard", record.id, expected_version)
            .await?;
        adoption::Entity::delete_by_id(adoption_id)
            .exec(&txn)
            .await?;
        Audit::new(
            self.principal(),
            "removeAdoption",
            "curriculum_standard",
            record.id,
            Some(record.owner_id),
        )
        .before(&row)
        .write(&txn)
        .await?;
        let record = curriculum_standard::Entity::find_by_id(record.id)
            .one(&txn)
            .await?
            .ok_or(Error::NotFound)?;
        txn.commit().await?;
        Ok(record)
    }

    pub async fn create_centre(&self, input: CentreInput) -> Result<training_centre::Model> {
        let txn = self.begin_write().await?;
        if let Some(id) = self
            .replay(&txn, &input.idempotency_key, "createTrainingCentre", &input)
            .await?
        {
            return self
                .load_for_write::<training_centre::Entity>(&txn, id)
                .await;
        }
        let owner = self.owner_for_create(&txn, input.owner).await?;
        may_write(self.principal(), owner)?;
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
        let now = Utc::now();
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
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            created_by: Set(Some(self.principal().label())),
            updated_by: Set(Some(self.principal().label())),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        self.write_centre_fields(&txn, row.id, &input.fields)
            .await?;
        self.remember(
            &txn,
            &input.idempotency_key,
            "createTrainingCentre",
            &input,
            row.id,
        )
        .await?;
        Audit::new(
            self.principal(),
            "createTrainingCentre",
            "training_centre",
            row.id,
            Some(owner),
        )
        .after(&(&row, &input.fields))
        .write(&txn)
        .await?;
        txn.commit().await?;
        Ok(row)
    }

    pub async fn update_centre(
        &self,
        id: i64,
        expected_version: i32,
        patch: CentrePatch,
    ) -> Result<training_centre::Model> {
        let txn = self.begin_write().await?;
        let before = self
            .load_for_write::<training_centre::Entity>(&txn, id)
            .await?;
        may_write(self.principal(), before.owner_id)?;
        domain::Version::parse("input.expectedVersion", expected_version)?;
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
        self.bump_version(&txn, "training_centre", id, expected_version)
            .await?;
        if let Some(fields) = &patch.fields {
            self.write_centre_fields(&txn, id, fields).await?;
        }
        row.version = Set(before.version + 1);
        row.updated_at = Set(Utc::now());
        row.updated_by = Set(Some(self.principal().label()));
        let after = row.update(&txn).await?;
        Audit::new(
            self.principal(),
            "updateTrainingCentre",
            "training_centre",
            id,
            Some(after.owner_id),
        )
        .before(&before)
        .after(&(&after, &patch.fields))
        .write(&txn)
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    async fn write_centre_fields(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
        codes: &[String],
    ) -> Result<()> {
        let mut parsed = Vec::new();
        for (i, code) in codes.iter().enumerate() {
            parsed.push(
                IscedCode::parse(&format!("input.fields.{i}"), code)?
                    .as_str()
                    .to_owned(),
            );
        }
        parsed.sort();
        parsed.dedup();
        self.require_fields(txn, "input.fields", parsed.clone())
            .await?;
        training_centre_field::Entity::delete_many()
            .filter(training_centre_field::Column::CentreId.eq(id))
            .exec(txn)
            .await?;
        for code in parsed {
            training_centre_field::ActiveModel {
                centre_id: Set(id),
                isced_code: Set(code),
                ..Default::default()
            }
            .insert(txn)
            .await?;
        }
        Ok(())
    }

    pub async fn create_indicator(&self, input: IndicatorInput) -> Result<indicator::Model> {
        let txn = self.begin_write().await?;
        if let Some(id) = self
            .replay(&txn, &input.idempotency_key, "createIndicator", &input)
            .await?
        {
            return self.load_for_write::<indicator::Entity>(&txn, id).await;
        }
        let owner = self.owner_for_create(&txn, input.owner).await?;
        may_write(self.principal(), owner)?;
        let organisation = input.organisation.unwrap_or(owner);
        self.require::<organisation::Entity>(
            &txn,
            "input.organisation",
            "organisation",
            [organisation],
        )
        .await?;
        self.require::<event::Entity>(&txn, "input.event", "event", input.event)
            .await?;
        self.require::<source::Entity>(&txn, "input.source", "source", input.source)
            .await?;
        let period = DateSpan::parse("input.periodEnd", input.period_start, input.period_end)?;
        let now = Utc::now();
        let row = indicator::ActiveModel {
            owner_id: Set(owner),
            visibility: Set(input.visibility.unwrap_or(Visibility::Private)),
            organisation_id: Set(organisation),
            event_id: Set(input.event),
            metric: Set(input.metric),
            period_start: Set(period.from),
            period_end: Set(period.to),
            value: Set(finite("input.value", input.value)?),
            unit: Set(text("input.unit", &input.unit, NAME_MAX)?),
            note: Set(text("input.note", &input.note, LONG_TEXT_MAX)?),
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
        self.remember(
            &txn,
            &input.idempotency_key,
            "createIndicator",
            &input,
            row.id,
        )
        .await?;
        Audit::new(
            self.principal(),
            "createIndicator",
            "indicator",
            row.id,
            Some(owner),
        )
        .after(&row)
        .write(&txn)
        .await?;
        txn.commit().await?;
        Ok(row)
    }

    pub async fn update_indicator(
        &self,
        id: i64,
        expected_version: i32,
        patch: IndicatorPatch,
    ) -> Result<indicator::Model> {
        let txn = self.begin_write().await?;
        let before = self.load_for_write::<indicator::Entity>(&txn, id).await?;
        may_write(self.principal(), before.owner_id)?;
        domain::Version::parse("input.expectedVersion", expected_version)?;
        let start = patched(&before.period_start, &patch.period_start);
        let end = patched(&before.period_end, &patch.period_end);
        DateSpan::parse("input.periodEnd", start, end)?;
        let mut row: indicator::ActiveModel = before.clone().into();
        if let Some(o) = patch.organisation {
            self.require::<organisation::Entity>(&txn, "input.organisation", "organisation", [o])
                .await?;
            row.organisation_id = Set(o);
        }
        if let Some(e) = patch.event {
            self.require::<event::Entity>(&txn, "input.event", "event", e)
                .await?;
            row.event_id = Set(e);
        }
        if let Some(m) = patch.metric {
            row.metric = Set(m);
        }
        if let Some(v) = patch.value {
            row.value = Set(finite("input.value", v)?);
        }
        if let Some(u) = patch_text("input.unit", &patch.unit, NAME_MAX)? {
            row.unit = Set(u);
        }
        if let Some(n) = patch_text("input.note", &patch.note, LONG_TEXT_MAX)? {
            row.note = Set(n);
        }
        if let Some(s) = patch.source {
            self.require::<source::Entity>(&txn, "input.source", "source", s)
                .await?;
            row.source_id = Set(s);
        }
        if let Some(v) = patch.visibility {
            row.visibility = Set(v);
        }
        row.period_start = Set(start);
        row.period_end = Set(end);
        self.bump_version(&txn, "indicator", id, expected_version)
            .await?;
        row.version = Set(before.version + 1);
        row.updated_at = Set(Utc::now());
        row.updated_by = Set(Some(self.principal().label()));
        let after = row.update(&txn).await?;
        Audit::new(
            self.principal(),
            "updateIndicator",
            "indicator",
            id,
            Some(after.owner_id),
        )
        .before(&before)
        .after(&after)
        .write(&txn)
        .await?;
        txn.commit().await?;
        Ok(after)
    }
}
