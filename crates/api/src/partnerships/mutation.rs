//! The partnership mutations.
use async_graphql::{Context, MergedObject, Object};

use super::*;
use crate::error::{Result, svc};
use crate::input::{Change, archiving};
use crate::record::scope;

/// Partnership writes, in the order the schema lists them.
#[derive(MergedObject, Default)]
pub struct PartnershipMutation(PartnershipEdits, PartnershipArchiving);

#[derive(Default)]
pub struct PartnershipEdits;

#[Object]
impl PartnershipEdits {
    /// Records a partnership of a member with a partner organisation.
    async fn create_partnership(
        &self,
        ctx: &Context<'_>,
        input: CreatePartnershipInput,
    ) -> Result<CreatePartnershipPayload> {
        let row = svc(scope(ctx).create_partnership(input.try_into()?).await)?;
        Ok(CreatePartnershipPayload {
            partnership: Partnership(row),
        })
    }

    /// Changes a partnership.
    async fn update_partnership(
        &self,
        ctx: &Context<'_>,
        input: UpdatePartnershipInput,
    ) -> Result<UpdatePartnershipPayload> {
        let change: Change<service::partnerships::PartnershipPatch> = input.try_into()?;
        let row = svc(scope(ctx)
            .update_partnership(change.id, change.expected_version, change.patch)
            .await)?;
        Ok(UpdatePartnershipPayload {
            partnership: Partnership(row),
        })
    }
}

archiving! {
    PartnershipArchiving for service::entity::partnership::Entity, Partnership, Partnership, partnership;
    archive_partnership(ArchivePartnershipInput "Which partnership to archive.")
        -> ArchivePartnershipPayload "The partnership archived.",
        "Archives a partnership.";
    restore_partnership(RestorePartnershipInput "Which archived partnership to restore.")
        -> RestorePartnershipPayload "The partnership restored.",
        "Restores an archived partnership.";
}
