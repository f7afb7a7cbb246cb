//! Writing reported indicators.
use chrono::NaiveDate;
use entity::enums::{IndicatorMetric, Visibility};
use entity::{event, indicator, organisation, source};
use sea_orm::Set;
use serde::Serialize;

use crate::domain::{DateSpan, LONG_TEXT_MAX, NAME_MAX};
use crate::write::{Patch, patch_text, patched, text};
use crate::{Error, Result, Scope};

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

fn finite(field: &str, value: f64) -> Result<f64> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(Error::bad_input(field, "value must be a finite number"))
    }
}

impl Scope {
    pub async fn create_indicator(&self, input: IndicatorInput) -> Result<indicator::Model> {
        const CREATE: &str = "createIndicator";
        let txn = self.begin_write().await?;
        let key = &input.idempotency_key;
        if let Some(found) = self
            .replay::<indicator::Entity>(&txn, key, CREATE, &input)
            .await?
        {
            return Ok(found);
        }
        let owner = self.owner_for_create(&txn, input.owner).await?;
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
        let row = indicator::ActiveModel {
            owner_id: Set(owner),
            visibility: Set(input.visibility.unwrap_or(Visibility::Private)),
            organisation_id: Set(organisation),
            event_id: Set(input.event),
            metric: Set(input.metric),
            definition_code: Set(input.metric.definition()),
            period_start: Set(period.from),
            period_end: Set(period.to),
            value: Set(finite("input.value", input.value)?),
            unit: Set(text("input.unit", &input.unit, NAME_MAX)?),
            note: Set(text("input.note", &input.note, LONG_TEXT_MAX)?),
            source_id: Set(input.source),
            ..Default::default()
        };
        let row = self.insert::<indicator::Entity>(&txn, row).await?;
        self.created::<indicator::Entity>(txn, key, CREATE, &input, &row, &row)
            .await?;
        Ok(row)
    }

    pub async fn update_indicator(
        &self,
        id: i64,
        expected_version: i32,
        patch: IndicatorPatch,
    ) -> Result<indicator::Model> {
        let (txn, before) = self
            .begin_change::<indicator::Entity>(id, expected_version)
            .await?;
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
            row.definition_code = Set(m.definition());
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
        let after = self
            .save::<indicator::Entity>(&txn, row, expected_version)
            .await?;
        self.changed::<indicator::Entity>(txn, "updateIndicator", &after, &before, &after)
            .await?;
        Ok(after)
    }
}
