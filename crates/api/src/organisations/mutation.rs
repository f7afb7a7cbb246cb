//! The organisation mutations.
use async_graphql::{Context, MergedObject, Object};

use super::*;
use crate::error::{Result, svc};
use crate::ids::Kind;
use crate::input::{Change, archiving, key};
use crate::record::scope;

/// Organisation writes, in the order the schema lists them.
#[derive(MergedObject, Default)]
pub struct OrganisationMutation(OrganisationEdits, OrganisationArchiving, OrganisationMerge);

#[derive(Default)]
pub struct OrganisationEdits;

#[Object]
impl OrganisationEdits {
    /// Adds an organisation to the shared registry.
    async fn create_organisation(
        &self,
        ctx: &Context<'_>,
        input: CreateOrganisationInput,
    ) -> Result<CreateOrganisationPayload> {
        let scope = scope(ctx);
        let organisation = svc(scope.create_organisation(input.try_into()?).await)?;
        let duplicates = svc(scope.possible_duplicate_organisations(&organisation).await)?;
        Ok(CreateOrganisationPayload {
            organisation: Organisation(organisation),
            possible_duplicates: duplicates.into_iter().map(Organisation).collect(),
        })
    }

    /// Changes an organisation (its maintainer, a parent member's admins, or the coordinator).
    async fn update_organisation(
        &self,
        ctx: &Context<'_>,
        input: UpdateOrganisationInput,
    ) -> Result<UpdateOrganisationPayload> {
        let change: Change<service::organisations::OrganisationPatch> = input.try_into()?;
        let organisation = svc(scope(ctx)
            .update_organisation(change.id, change.expected_version, change.patch)
            .await)?;
        Ok(UpdateOrganisationPayload {
            organisation: Organisation(organisation),
        })
    }
}

archiving! {
    OrganisationArchiving for service::entity::organisation::Entity, Organisation, Organisation, organisation;
    archive_organisation(ArchiveOrganisationInput "Which organisation to archive (take out of lists; references stay).")
        -> ArchiveOrganisationPayload "The organisation archived.",
        "Archives an organisation: it leaves lists; records that name it keep it.";
    restore_organisation(RestoreOrganisationInput "Which archived organisation to restore.")
        -> RestoreOrganisationPayload "The organisation restored.",
        "Restores an archived organisation.";
}

#[derive(Default)]
pub struct OrganisationMerge;

#[Object]
impl OrganisationMerge {
    /// Folds a duplicate organisation into a survivor (coordinator only).
    async fn merge_organisations(
        &self,
        ctx: &Context<'_>,
        input: MergeOrganisationsInput,
    ) -> Result<MergeOrganisationsPayload> {
        let survivor = key("input.survivor", Kind::Organisation, &input.survivor)?;
        let duplicate = key("input.duplicate", Kind::Organisation, &input.duplicate)?;
        let organisation = svc(scope(ctx).merge_organisations(survivor, duplicate).await)?;
        Ok(MergeOrganisationsPayload {
            organisation: Organisation(organisation),
        })
    }
}
