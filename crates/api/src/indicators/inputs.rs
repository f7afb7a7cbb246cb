//! The reported indicator inputs, each with its conversion to the service's form.
use async_graphql::{ID, InputObject, MaybeUndefined};
use service::entity::enums::*;
use service::indicators as ind;

use super::Indicator;
use crate::error::Result;
use crate::ids::{Kind, decode_all};
use crate::input::{
    Change, DateRangeInput, date, key, opt_key, order_input, patch, patch_date, patch_key, payload,
    range,
};
use crate::scalars::Date;

order_input!(
    /// How to sort indicators (default: by period end).
    IndicatorOrder, IndicatorOrderField, "service::indicators::IndicatorOrderField", service::indicators::IndicatorOrderField, PeriodEnd,
    { /// By value.
      Value, /// By when the record was created.
      CreatedAt , /// By when the record last changed (with `filter.updatedSince`, to catch up).
      UpdatedAt });

/// Which reported indicators to list.
#[derive(InputObject, Clone, Default)]
pub struct IndicatorFilter {
    /// Only records changed at or after this time (inclusive), to catch up.
    pub updated_since: Option<crate::scalars::DateTime>,
    /// Owned by any of these member organisations.
    pub owners: Option<Vec<ID>>,
    /// About any of these organisations.
    pub organisations: Option<Vec<ID>>,
    /// About any of these events.
    pub events: Option<Vec<ID>>,
    /// Counting any of these things.
    pub metrics: Option<Vec<IndicatorMetric>>,
    /// With the period ending within this range.
    pub period_end: Option<DateRangeInput>,
    /// `true`: only archived records (which only their owner and the coordinator can read); otherwise only live ones.
    pub archived: Option<bool>,
}

impl IndicatorFilter {
    pub fn parse(f: Option<Self>) -> Result<ind::IndicatorFilter> {
        let f = f.unwrap_or_default();
        Ok(ind::IndicatorFilter {
            archived: f.archived,
            owners: decode_all("filter.owners", Kind::Organisation, &f.owners)?,
            organisations: decode_all(
                "filter.organisations",
                Kind::Organisation,
                &f.organisations,
            )?,
            events: decode_all("filter.events", Kind::Event, &f.events)?,
            metrics: f.metrics,
            period_end: range("filter.periodEnd", &f.period_end)?,
        })
    }
}

/// A new reported indicator.
#[derive(InputObject)]
pub struct CreateIndicatorInput {
    /// The owning member; defaults to the caller's organisation.
    pub owner: Option<ID>,
    /// Who may read it (default PRIVATE).
    pub visibility: Option<Visibility>,
    /// The organisation or unit it is about; defaults to the owner.
    pub organisation: Option<ID>,
    /// The event it is about.
    pub event: Option<ID>,
    /// What it counts.
    pub metric: IndicatorMetric,
    /// Start of the period.
    pub period_start: Option<Date>,
    /// End of the period, or the reporting date.
    pub period_end: Option<Date>,
    /// The figure.
    pub value: f64,
    /// Unit.
    pub unit: Option<String>,
    /// Context.
    pub note: Option<String>,
    /// The source's global id.
    pub source: Option<ID>,
    /// Repeating a create with the same key and input returns the first result.
    pub idempotency_key: Option<String>,
}

/// Changes to an indicator.
#[derive(InputObject)]
pub struct UpdateIndicatorInput {
    /// The indicator's global id.
    pub id: ID,
    /// The version the caller last read; a stale one is CONFLICT.
    pub expected_version: i32,
    /// Who may read it.
    pub visibility: Option<Visibility>,
    /// The organisation it is about.
    pub organisation: Option<ID>,
    /// The event it is about.
    pub event: MaybeUndefined<ID>,
    /// What it counts.
    pub metric: Option<IndicatorMetric>,
    /// Start of the period.
    pub period_start: MaybeUndefined<Date>,
    /// End of the period.
    pub period_end: MaybeUndefined<Date>,
    /// The figure.
    pub value: Option<f64>,
    /// Unit.
    pub unit: MaybeUndefined<String>,
    /// Context.
    pub note: MaybeUndefined<String>,
    /// The source's global id.
    pub source: MaybeUndefined<ID>,
}

payload! {
    CreateIndicatorPayload { indicator: Indicator } "The indicator created.";
    UpdateIndicatorPayload { indicator: Indicator } "The indicator updated.";
}

impl TryFrom<CreateIndicatorInput> for ind::IndicatorInput {
    type Error = async_graphql::Error;
    fn try_from(input: CreateIndicatorInput) -> Result<Self> {
        Ok(ind::IndicatorInput {
            owner: opt_key("input.owner", Kind::Organisation, &input.owner)?,
            visibility: input.visibility,
            organisation: opt_key(
                "input.organisation",
                Kind::Organisation,
                &input.organisation,
            )?,
            event: opt_key("input.event", Kind::Event, &input.event)?,
            metric: input.metric,
            period_start: date(input.period_start),
            period_end: date(input.period_end),
            value: input.value,
            unit: input.unit,
            note: input.note,
            source: opt_key("input.source", Kind::Source, &input.source)?,
            idempotency_key: input.idempotency_key,
        })
    }
}

impl TryFrom<UpdateIndicatorInput> for Change<ind::IndicatorPatch> {
    type Error = async_graphql::Error;
    fn try_from(input: UpdateIndicatorInput) -> Result<Self> {
        Ok(Change {
            id: key("input.id", Kind::Indicator, &input.id)?,
            expected_version: input.expected_version,
            patch: ind::IndicatorPatch {
                visibility: input.visibility,
                organisation: opt_key(
                    "input.organisation",
                    Kind::Organisation,
                    &input.organisation,
                )?,
                event: patch_key("input.event", Kind::Event, input.event)?,
                metric: input.metric,
                period_start: patch_date(input.period_start),
                period_end: patch_date(input.period_end),
                value: input.value,
                unit: patch(input.unit),
                note: patch(input.note),
                source: patch_key("input.source", Kind::Source, input.source)?,
            },
        })
    }
}
