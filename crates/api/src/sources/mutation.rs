//! The source mutations.
use async_graphql::{Context, MergedObject, Object};

use super::*;
use crate::error::{Result, svc};
use crate::input::{Change, archiving};
use crate::record::scope;

/// Source writes, in the order the schema lists them.
#[derive(MergedObject, Default)]
pub struct SourceMutation(SourceEdits, SourceArchiving);

#[derive(Default)]
pub struct SourceEdits;

#[Object]
impl SourceEdits {
    /// Adds a source (an article or document) that records can cite.
    async fn create_source(
        &self,
        ctx: &Context<'_>,
        input: CreateSourceInput,
    ) -> Result<CreateSourcePayload> {
        let source = svc(scope(ctx).create_source(input.into()).await)?;
        Ok(CreateSourcePayload {
            source: Source(source),
        })
    }

    /// Changes a source (its maintainer or the coordinator).
    async fn update_source(
        &self,
        ctx: &Context<'_>,
        input: UpdateSourceInput,
    ) -> Result<UpdateSourcePayload> {
        let change: Change<service::sources::SourcePatch> = input.try_into()?;
        let source = svc(scope(ctx)
            .update_source(change.id, change.expected_version, change.patch)
            .await)?;
        Ok(UpdateSourcePayload {
            source: Source(source),
        })
    }
}

archiving! {
    SourceArchiving for service::entity::source::Entity, Source, Source, source;
    archive_source(ArchiveSourceInput "Which source to archive (take out of lists; citations stay).")
        -> ArchiveSourcePayload "The source archived.",
        "Archives a source.";
    restore_source(RestoreSourceInput "Which archived source to restore.")
        -> RestoreSourcePayload "The source restored.",
        "Restores an archived source.";
}
