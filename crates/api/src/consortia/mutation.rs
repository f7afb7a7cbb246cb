//! The consortium mutations (the coordinator's alone).
use async_graphql::{Context, MergedObject, Object};

use super::*;
use crate::error::{Result, svc};
use crate::ids::Kind;
use crate::input::{Change, archiving, key, parts};
use crate::record::scope;

/// Consortium writes, in the order the schema lists them.
#[derive(MergedObject, Default)]
pub struct ConsortiumMutation(ConsortiumUpdate, ConsortiumArchiving, ConsortiumEdits);

#[derive(Default)]
pub struct ConsortiumUpdate;

#[Object]
impl ConsortiumUpdate {
    /// Changes a consortium (coordinator only).
    async fn update_consortium(
        &self,
        ctx: &Context<'_>,
        input: UpdateConsortiumInput,
    ) -> Result<UpdateConsortiumPayload> {
        let change: Change<service::consortia::ConsortiumPatch> = input.try_into()?;
        let consortium = svc(scope(ctx)
            .update_consortium(change.id, change.expected_version, change.patch)
            .await)?;
        Ok(UpdateConsortiumPayload {
            consortium: Consortium(consortium),
        })
    }
}

archiving! {
    ConsortiumArchiving for service::entity::consortium::Entity, Consortium, Consortium, consortium;
    archive_consortium(ArchiveConsortiumInput "Which consortium to archive (coordinator only).")
        -> ArchiveConsortiumPayload "The consortium archived.",
        "Archives a consortium (coordinator only).";
    restore_consortium(RestoreConsortiumInput "Which archived consortium to restore (coordinator only).")
        -> RestoreConsortiumPayload "The consortium restored.",
        "Restores an archived consortium (coordinator only).";
}

#[derive(Default)]
pub struct ConsortiumEdits;

#[Object]
impl ConsortiumEdits {
    /// Creates a consortium (coordinator only).
    async fn create_consortium(
        &self,
        ctx: &Context<'_>,
        input: CreateConsortiumInput,
    ) -> Result<CreateConsortiumPayload> {
        let consortium = svc(scope(ctx).create_consortium(input.try_into()?).await)?;
        Ok(CreateConsortiumPayload {
            consortium: Consortium(consortium),
        })
    }

    /// Replaces a consortium's members (coordinator only).
    async fn set_consortium_members(
        &self,
        ctx: &Context<'_>,
        input: SetConsortiumMembersInput,
    ) -> Result<SetConsortiumMembersPayload> {
        let id = key("input.id", Kind::Consortium, &input.id)?;
        let members = parts("input.members", &input.members)?;
        let consortium = svc(scope(ctx)
            .set_consortium_members(id, input.expected_version, members)
            .await)?;
        Ok(SetConsortiumMembersPayload {
            consortium: Consortium(consortium),
        })
    }

    /// Adds one member to a consortium, leaving the others as they are (coordinator only).
    async fn add_consortium_member(
        &self,
        ctx: &Context<'_>,
        input: AddConsortiumMemberInput,
    ) -> Result<AddConsortiumMemberPayload> {
        let (id, version, member) = input.parse()?;
        let consortium = svc(scope(ctx).add_consortium_member(id, version, member).await)?;
        Ok(AddConsortiumMemberPayload {
            consortium: Consortium(consortium),
        })
    }

    /// Ends a membership on `leftOn`, or deletes it when no date is given (coordinator
    /// only).
    async fn remove_consortium_member(
        &self,
        ctx: &Context<'_>,
        input: RemoveConsortiumMemberInput,
    ) -> Result<RemoveConsortiumMemberPayload> {
        let id = key("input.id", Kind::Consortium, &input.id)?;
        let organisation = key(
            "input.organisation",
            Kind::Organisation,
            &input.organisation,
        )?;
        let consortium = svc(scope(ctx)
            .remove_consortium_member(
                id,
                input.expected_version,
                organisation,
                crate::input::date(input.left_on),
            )
            .await)?;
        Ok(RemoveConsortiumMemberPayload {
            consortium: Consortium(consortium),
        })
    }
}
