//! The curriculum standard mutations.
use async_graphql::{Context, MergedObject, Object};

use super::*;
use crate::error::{Result, svc};
use crate::ids::Kind;
use crate::input::{Change, archiving, key};
use crate::record::scope;

/// Standard writes, in the order the schema lists them.
#[derive(MergedObject, Default)]
pub struct StandardMutation(StandardEdits, StandardArchiving, AdoptionEdits);

#[derive(Default)]
pub struct StandardEdits;

#[Object]
impl StandardEdits {
    /// Creates a curriculum standard.
    async fn create_curriculum_standard(
        &self,
        ctx: &Context<'_>,
        input: CreateCurriculumStandardInput,
    ) -> Result<CreateCurriculumStandardPayload> {
        let standard = svc(scope(ctx).create_standard(input.try_into()?).await)?;
        Ok(CreateCurriculumStandardPayload {
            curriculum_standard: CurriculumStandard(standard),
        })
    }

    /// Changes a curriculum standard.
    async fn update_curriculum_standard(
        &self,
        ctx: &Context<'_>,
        input: UpdateCurriculumStandardInput,
    ) -> Result<UpdateCurriculumStandardPayload> {
        let change: Change<service::standards::StandardPatch> = input.try_into()?;
        let standard = svc(scope(ctx)
            .update_standard(change.id, change.expected_version, change.patch)
            .await)?;
        Ok(UpdateCurriculumStandardPayload {
            curriculum_standard: CurriculumStandard(standard),
        })
    }
}

archiving! {
    StandardArchiving for service::entity::curriculum_standard::Entity, CurriculumStandard, CurriculumStandard, curriculum_standard;
    archive_curriculum_standard(ArchiveCurriculumStandardInput "Which curriculum standard to archive.")
        -> ArchiveCurriculumStandardPayload "The standard archived.",
        "Archives a curriculum standard (and so its adoptions).";
    restore_curriculum_standard(RestoreCurriculumStandardInput "Which archived curriculum standard to restore.")
        -> RestoreCurriculumStandardPayload "The standard restored.",
        "Restores an archived curriculum standard.";
}

#[derive(Default)]
pub struct AdoptionEdits;

#[Object]
impl AdoptionEdits {
    /// Records that a country or region (and optionally an institution) took up a standard.
    async fn add_adoption(
        &self,
        ctx: &Context<'_>,
        input: AddAdoptionInput,
    ) -> Result<AddAdoptionPayload> {
        let change: Change<service::standards::AdoptionInput> = input.try_into()?;
        let adoption = svc(scope(ctx)
            .add_adoption(change.id, change.expected_version, change.patch)
            .await)?;
        Ok(AddAdoptionPayload {
            adoption: Adoption(adoption),
        })
    }

    /// Removes an adoption from its standard.
    async fn remove_adoption(
        &self,
        ctx: &Context<'_>,
        input: RemoveAdoptionInput,
    ) -> Result<RemoveAdoptionPayload> {
        let id = key("input.id", Kind::Adoption, &input.id)?;
        let standard = svc(scope(ctx).remove_adoption(id, input.expected_version).await)?;
        Ok(RemoveAdoptionPayload {
            curriculum_standard: CurriculumStandard(standard),
        })
    }
}
