//! The event mutations.
use async_graphql::{Context, MergedObject, Object};

use super::*;
use crate::error::{Result, svc};
use crate::ids::Kind;
use crate::input::{Part, archiving, key, parts};
use crate::record::scope;

/// Event writes, in the order the schema lists them.
#[derive(MergedObject, Default)]
pub struct EventMutation(EventEdits, EventArchiving, EventParts);

#[derive(Default)]
pub struct EventEdits;

#[Object]
impl EventEdits {
    /// Creates an event, with its organisations, participants, presentations and outcomes.
    async fn create_event(
        &self,
        ctx: &Context<'_>,
        input: CreateEventInput,
    ) -> Result<CreateEventPayload> {
        let event = svc(scope(ctx).create_event(input.try_into()?).await)?;
        Ok(CreateEventPayload {
            event: Event(event),
        })
    }

    /// Changes an event's own fields.
    async fn update_event(
        &self,
        ctx: &Context<'_>,
        input: UpdateEventInput,
    ) -> Result<UpdateEventPayload> {
        let change: crate::input::Change<service::events::EventPatch> = input.try_into()?;
        let event = svc(scope(ctx)
            .update_event(change.id, change.expected_version, change.patch)
            .await)?;
        Ok(UpdateEventPayload {
            event: Event(event),
        })
    }
}

archiving! {
    EventArchiving for service::entity::event::Entity, Event, Event, event;
    archive_event(ArchiveEventInput "Which event to archive (take out of lists).")
        -> ArchiveEventPayload "The event archived.",
        "Archives an event: it leaves every list; its owner and the coordinator can still read and restore it.";
    restore_event(RestoreEventInput "Which archived event to restore.")
        -> RestoreEventPayload "The event restored.",
        "Restores an archived event.";
}

#[derive(Default)]
pub struct EventParts;

fn parts_payload(
    event: service::Result<service::entity::event::Model>,
) -> Result<SetEventPartsPayload> {
    Ok(SetEventPartsPayload {
        event: Event(svc(event)?),
    })
}

#[Object]
impl EventParts {
    /// Replaces an event's organisations in roles (add, remove and reorder in one step).
    async fn set_event_organisations(
        &self,
        ctx: &Context<'_>,
        input: SetEventOrganisationsInput,
    ) -> Result<SetEventPartsPayload> {
        let id = key("input.id", Kind::Event, &input.id)?;
        let list = parts("input.organisations", &input.organisations)?;
        parts_payload(
            scope(ctx)
                .set_event_organisations(id, input.expected_version, list)
                .await,
        )
    }

    /// Adds an organisation in a role to an event.
    async fn add_event_organisation(
        &self,
        ctx: &Context<'_>,
        input: AddEventOrganisationInput,
    ) -> Result<SetEventPartsPayload> {
        let id = key("input.id", Kind::Event, &input.id)?;
        let item = input.organisation.parse("input.organisation")?;
        parts_payload(
            scope(ctx)
                .add_event_organisation(id, input.expected_version, item, input.position)
                .await,
        )
    }

    /// Removes an organisation's role from an event.
    async fn remove_event_organisation(
        &self,
        ctx: &Context<'_>,
        input: RemoveEventOrganisationInput,
    ) -> Result<SetEventPartsPayload> {
        let id = key("input.id", Kind::Event, &input.id)?;
        let item = input.organisation.parse("input.organisation")?;
        parts_payload(
            scope(ctx)
                .remove_event_organisation(id, input.expected_version, item)
                .await,
        )
    }

    /// Replaces an event's participants.
    async fn set_event_participants(
        &self,
        ctx: &Context<'_>,
        input: SetEventParticipantsInput,
    ) -> Result<SetEventPartsPayload> {
        let id = key("input.id", Kind::Event, &input.id)?;
        let list = parts("input.participants", &input.participants)?;
        parts_payload(
            scope(ctx)
                .set_event_participants(id, input.expected_version, list)
                .await,
        )
    }

    /// Adds a participant to an event.
    async fn add_event_participant(
        &self,
        ctx: &Context<'_>,
        input: AddEventParticipantInput,
    ) -> Result<SetEventPartsPayload> {
        let id = key("input.id", Kind::Event, &input.id)?;
        let item = input.participant.parse("input.participant")?;
        parts_payload(
            scope(ctx)
                .add_event_participant(id, input.expected_version, item, input.position)
                .await,
        )
    }

    /// Removes a participant's role from an event.
    async fn remove_event_participant(
        &self,
        ctx: &Context<'_>,
        input: RemoveEventParticipantInput,
    ) -> Result<SetEventPartsPayload> {
        let id = key("input.id", Kind::Event, &input.id)?;
        let person = key("input.person", Kind::Person, &input.person)?;
        parts_payload(
            scope(ctx)
                .remove_event_participant(id, input.expected_version, person, input.role)
                .await,
        )
    }

    /// Replaces an event's programme of presentations.
    async fn set_event_presentations(
        &self,
        ctx: &Context<'_>,
        input: SetEventPresentationsInput,
    ) -> Result<SetEventPartsPayload> {
        let id = key("input.id", Kind::Event, &input.id)?;
        let list = parts("input.presentations", &input.presentations)?;
        parts_payload(
            scope(ctx)
                .set_event_presentations(id, input.expected_version, list)
                .await,
        )
    }

    /// Replaces an event's outcomes.
    async fn set_event_outcomes(
        &self,
        ctx: &Context<'_>,
        input: SetEventOutcomesInput,
    ) -> Result<SetEventPartsPayload> {
        let id = key("input.id", Kind::Event, &input.id)?;
        let list = parts("input.outcomes", &input.outcomes)?;
        parts_payload(
            scope(ctx)
                .set_event_outcomes(id, input.expected_version, list)
                .await,
        )
    }

    /// Confirms an event for the caller's organisation (a host or co-host) at a version.
    async fn confirm_event(
        &self,
        ctx: &Context<'_>,
        input: ConfirmEventInput,
    ) -> Result<ConfirmEventPayload> {
        let id = key("input.id", Kind::Event, &input.id)?;
        let event = svc(scope(ctx).confirm_event(id, input.expected_version).await)?;
        Ok(ConfirmEventPayload {
            event: Event(event),
        })
    }
}
