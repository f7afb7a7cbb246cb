//! The reported indicator mutations.
use async_graphql::{Context, MergedObject, Object};

use super::*;
use crate::error::{Result, svc};
use crate::input::{Change, archiving};
use crate::record::scope;

/// Indicator writes, in the order the schema lists them.
#[derive(MergedObject, Default)]
pub struct IndicatorMutation(IndicatorEdits, IndicatorArchiving);

#[derive(Default)]
pub struct IndicatorEdits;

#[Object]
impl IndicatorEdits {
    /// Records a figure an organisation reported.
    async fn create_indicator(
        &self,
        ctx: &Context<'_>,
        input: CreateIndicatorInput,
    ) -> Result<CreateIndicatorPayload> {
        let indicator = svc(scope(ctx).create_indicator(input.try_into()?).await)?;
        Ok(CreateIndicatorPayload {
            indicator: Indicator(indicator),
        })
    }

    /// Changes a reported indicator.
    async fn update_indicator(
        &self,
        ctx: &Context<'_>,
        input: UpdateIndicatorInput,
    ) -> Result<UpdateIndicatorPayload> {
        let change: Change<service::indicators::IndicatorPatch> = input.try_into()?;
        let indicator = svc(scope(ctx)
            .update_indicator(change.id, change.expected_version, change.patch)
            .await)?;
        Ok(UpdateIndicatorPayload {
            indicator: Indicator(indicator),
        })
    }
}

archiving! {
    IndicatorArchiving for service::entity::indicator::Entity, Indicator, Indicator, indicator;
    archive_indicator(ArchiveIndicatorInput "Which indicator to archive.")
        -> ArchiveIndicatorPayload "The indicator archived.",
        "Archives an indicator.";
    restore_indicator(RestoreIndicatorInput "Which archived indicator to restore.")
        -> RestoreIndicatorPayload "The indicator restored.",
        "Restores an archived indicator.";
}
