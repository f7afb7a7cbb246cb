//! The reported indicator object type.
use async_graphql::{Context, ID, Object};
use service::entity::enums::IndicatorMetric;
use service::entity::indicator;

use crate::error::Result;
use crate::events::Event;
use crate::ids::{Kind, encode};
use crate::organisations::Organisation;
use crate::record::{OwnedFields, event_opt, organisation};
use crate::scalars::{Date, date};
use crate::statistics::{IndicatorDefinition, definition};

pub struct Indicator(pub indicator::Model);

impl Indicator {
    async fn computed_value(&self, ctx: &Context<'_>) -> Result<Option<u64>> {
        let Some(code) = self.0.definition_code else {
            return Ok(None);
        };
        let reported = service::statistics::Reported {
            code,
            organisation: self.0.organisation_id,
            period_start: self.0.period_start,
            period_end: self.0.period_end,
        };
        Ok(Some(crate::loader::computed(ctx, reported).await?))
    }
}

/// A figure an organisation reported for a period ("171 partner institutions"), with
/// its source.
#[Object]
impl Indicator {
    /// The indicator's global id.
    pub async fn id(&self) -> ID {
        encode(Kind::Indicator, self.0.id)
    }
    /// What the figure counts.
    async fn metric(&self) -> IndicatorMetric {
        self.0.metric
    }
    /// The figure.
    async fn value(&self) -> f64 {
        self.0.value
    }
    /// Unit, e.g. `institutions`.
    async fn unit(&self) -> Option<&str> {
        self.0.unit.as_deref()
    }
    /// Start of the period it covers, where given.
    async fn period_start(&self) -> Option<Date> {
        date(self.0.period_start)
    }
    /// End of the period, or the date it was reported.
    async fn period_end(&self) -> Option<Date> {
        date(self.0.period_end)
    }
    /// The sentence or context it was reported in.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// The definition the figure is measured by, where its metric has one; otherwise
    /// `metric` and `note` say what it counts.
    async fn definition(&self, ctx: &Context<'_>) -> Result<Option<IndicatorDefinition>> {
        match self.0.definition_code {
            Some(code) => Ok(Some(definition(ctx, code).await?)),
            None => Ok(None),
        }
    }
    /// The same figure computed from the records the caller may read (same definition,
    /// organisation with its units, and period; stocks counted on `periodEnd`), where
    /// the figure has a definition.
    async fn computed(&self, ctx: &Context<'_>) -> Result<Option<u64>> {
        self.computed_value(ctx).await
    }
    /// `computed` minus the reported value.
    async fn difference(&self, ctx: &Context<'_>) -> Result<Option<f64>> {
        Ok(self
            .computed_value(ctx)
            .await?
            .map(|c| c as f64 - self.0.value))
    }
    /// `computed` divided by the reported value (null when nothing was reported).
    async fn coverage(&self, ctx: &Context<'_>) -> Result<Option<f64>> {
        Ok(self
            .computed_value(ctx)
            .await?
            .filter(|_| self.0.value != 0.0)
            .map(|c| c as f64 / self.0.value))
    }
    /// The organisation or unit the figure is about.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        organisation(ctx, self.0.organisation_id).await
    }
    /// The event the figure is about, if any and if the caller may see it.
    async fn event(&self, ctx: &Context<'_>) -> Result<Option<Event>> {
        event_opt(ctx, self.0.event_id).await
    }
    /// Owner, visibility, source, version and times, as every owned record has them.
    #[graphql(flatten)]
    async fn record(&self) -> OwnedFields {
        OwnedFields::of(&self.0)
    }
}
