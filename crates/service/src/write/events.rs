//! Writing events and their parts; confirming co-hosted events.
use chrono::{NaiveDate, Utc};
use entity::enums::{
    EventFormat, EventKind, EventOrganisationRole, EventStatus, ParticipantRole, Visibility,
};
use entity::{
    event, event_organisation, event_outcome, event_participant, organisation, person,
    presentation, presentation_presenter, source,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::Serialize;

use super::{Patch, on_constraint, patch_text, patched, required_text, text};
use crate::access::may_write;
use crate::audit::Audit;
use crate::domain::{self, CountryCode, DateSpan, LONG_TEXT_MAX, NAME_MAX, TITLE_MAX};
use crate::{Result, Scope};

/// A new event, with its parts.
#[derive(Debug, Clone, Serialize)]
pub struct EventInput {
    pub owner: Option<i64>,
    pub visibility: Option<Visibility>,
    pub kind: EventKind,
    pub status: EventStatus,
    pub format: EventFormat,
    pub title: String,
    pub theme: Option<String>,
    pub description: Option<String>,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub venue: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub source: Option<i64>,
    pub organisations: Vec<EventOrganisationInput>,
    pub participants: Vec<ParticipantInput>,
    pub presentations: Vec<PresentationInput>,
    pub outcomes: Vec<String>,
    #[serde(skip)]
    pub idempotency_key: Option<String>,
}

/// Changes to an event; absent fields stay as they are.
#[derive(Debug, Clone, Default)]
pub struct EventPatch {
    pub visibility: Option<Visibility>,
    pub kind: Option<EventKind>,
    pub status: Option<EventStatus>,
    pub format: Option<EventFormat>,
    pub title: Option<String>,
    pub theme: Patch<String>,
    pub description: Patch<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Patch<NaiveDate>,
    pub venue: Patch<String>,
    pub city: Patch<String>,
    pub country: Patch<String>,
    pub source: Patch<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventOrganisationInput {
    pub organisation: i64,
    pub role: EventOrganisationRole,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParticipantInput {
    pub person: i64,
    pub role: ParticipantRole,
    pub title: Option<String>,
    pub organisation: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PresentationInput {
    pub title: String,
    pub presenters: Vec<i64>,
}

/// An event's parts, as the audit log records them.
#[derive(Serialize)]
struct Parts {
    organisations: Vec<event_organisation::Model>,
    participants: Vec<event_participant::Model>,
    presentations: Vec<(presentation::Model, Vec<presentation_presenter::Model>)>,
    outcomes: Vec<event_outcome::Model>,
}

const TABLE: &str = "event";

impl Scope {
    pub async fn create_event(&self, input: EventInput) -> Result<event::Model> {
        let txn = self.begin_write().await?;
        if let Some(id) = self
            .replay(&txn, &input.idempotency_key, "createEvent", &input)
            .await?
        {
            return self.load_for_write::<event::Entity>(&txn, id).await;
        }
        let owner = self.owner_for_create(&txn, input.owner).await?;
        may_write(self.principal(), owner)?;
        let span = DateSpan::parse("input.endDate", Some(input.start_date), input.end_date)?;
        let country = self.country(&txn, "input.country", &input.country).await?;
        self.require::<source::Entity>(&txn, "input.source", "source", input.source)
            .await?;
        let now = Utc::now();
        let row = event::ActiveModel {
            owner_id: Set(owner),
            visibility: Set(input.visibility.unwrap_or(Visibility::Private)),
            kind: Set(input.kind),
            status: Set(input.status),
            format: Set(input.format),
            title: Set(required_text("input.title", &input.title, TITLE_MAX)?),
            theme: Set(text("input.theme", &input.theme, TITLE_MAX)?),
            description: Set(text(
                "input.description",
                &input.description,
                LONG_TEXT_MAX,
            )?),
            start_date: Set(input.start_date),
            end_date: Set(span.to),
            venue: Set(text("input.venue", &input.venue, NAME_MAX)?),
            city: Set(text("input.city", &input.city, NAME_MAX)?),
            country_code: Set(country),
            source_id: Set(input.source),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            created_by: Set(Some(self.principal().label())),
            updated_by: Set(Some(self.principal().label())),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        self.write_event_organisations(&txn, row.id, &input.organisations, "input.organisations")
            .await?;
        self.write_participants(&txn, row.id, &input.participants, "input.participants")
            .await?;
        self.write_presentations(&txn, row.id, &input.presentations, "input.presentations")
            .await?;
        self.write_outcomes(&txn, row.id, &input.outcomes, "input.outcomes")
            .await?;
        self.remember(&txn, &input.idempotency_key, "createEvent", &input, row.id)
            .await?;
        let parts = self.event_parts(&txn, row.id).await?;
        Audit::new(self.principal(), "createEvent", TABLE, row.id, Some(owner))
            .after(&(&row, &parts))
            .write(&txn)
            .await?;
        txn.commit().await?;
        Ok(row)
    }

    pub async fn update_event(
        &self,
        id: i64,
        expected_version: i32,
        patch: EventPatch,
    ) -> Result<event::Model> {
        let txn = self.begin_write().await?;
        let before = self.load_for_write::<event::Entity>(&txn, id).await?;
        may_write(self.principal(), before.owner_id)?;
        domain::Version::parse("input.expectedVersion", expected_version)?;
        let status = patched(&before.status, &patch.status);
        domain::event_transition("input.status", before.status, status)?;
        let start = patched(&before.start_date, &patch.start_date);
        let end = patched(&before.end_date, &patch.end_date);
        DateSpan::parse("input.endDate", Some(start), end)?;
        let mut row: event::ActiveModel = before.clone().into();
        if let Some(title) = &patch.title {
            row.title = Set(required_text("input.title", title, TITLE_MAX)?);
        }
        if let Some(theme) = patch_text("input.theme", &patch.theme, TITLE_MAX)? {
            row.theme = Set(theme);
        }
        if let Some(description) =
            patch_text("input.description", &patch.description, LONG_TEXT_MAX)?
        {
            row.description = Set(description);
        }
        if let Some(venue) = patch_text("input.venue", &patch.venue, NAME_MAX)? {
            row.venue = Set(venue);
        }
        if let Some(city) = patch_text("input.city", &patch.city, NAME_MAX)? {
            row.city = Set(city);
        }
        if let Some(country) = &patch.country {
            row.country_code = Set(self.country(&txn, "input.country", country).await?);
        }
        if let Some(source) = patch.source {
            self.require::<source::Entity>(&txn, "input.source", "source", source)
                .await?;
            row.source_id = Set(source);
        }
        if let Some(v) = patch.visibility {
            row.visibility = Set(v);
        }
        if let Some(k) = patch.kind {
            row.kind = Set(k);
        }
        if let Some(f) = patch.format {
            row.format = Set(f);
        }
        row.status = Set(status);
        row.start_date = Set(start);
        row.end_date = Set(end);
        self.bump_version(&txn, TABLE, id, expected_version).await?;
        row.version = Set(before.version + 1);
        row.updated_at = Set(Utc::now());
        row.updated_by = Set(Some(self.principal().label()));
        let after = row.update(&txn).await?;
        Audit::new(
            self.principal(),
            "updateEvent",
            TABLE,
            id,
            Some(after.owner_id),
        )
        .before(&before)
        .after(&after)
        .write(&txn)
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Replaces the organisations in roles (add, remove and reorder in one).
    pub async fn set_event_organisations(
        &self,
        id: i64,
        expected_version: i32,
        list: Vec<EventOrganisationInput>,
    ) -> Result<event::Model> {
        self.change_parts::<event::Entity, _>(
            id,
            expected_version,
            "setEventOrganisations",
            |scope, txn| {
                Box::pin(async move {
                    scope
                        .write_event_organisations(txn, id, &list, "input.organisations")
                        .await
                })
            },
        )
        .await
    }

    pub async fn set_event_participants(
        &self,
        id: i64,
        expected_version: i32,
        list: Vec<ParticipantInput>,
    ) -> Result<event::Model> {
        self.change_parts::<event::Entity, _>(
            id,
            expected_version,
            "setEventParticipants",
            |scope, txn| {
                Box::pin(async move {
                    scope
                        .write_participants(txn, id, &list, "input.participants")
                        .await
                })
            },
        )
        .await
    }

    pub async fn set_event_presentations(
        &self,
        id: i64,
        expected_version: i32,
        list: Vec<PresentationInput>,
    ) -> Result<event::Model> {
        self.change_parts::<event::Entity, _>(
            id,
            expected_version,
            "setEventPresentations",
            |scope, txn| {
                Box::pin(async move {
                    scope
                        .write_presentations(txn, id, &list, "input.presentations")
                        .await
                })
            },
        )
        .await
    }

    pub async fn set_event_outcomes(
        &self,
        id: i64,
        expected_version: i32,
        list: Vec<String>,
    ) -> Result<event::Model> {
        self.change_parts::<event::Entity, _>(
            id,
            expected_version,
            "setEventOutcomes",
            |scope, txn| {
                Box::pin(
                    async move { scope.write_outcomes(txn, id, &list, "input.outcomes").await },
                )
            },
        )
        .await
    }

    /// The current organisations in roles, for add/remove built on `set`.
    pub async fn event_organisation_inputs(&self, id: i64) -> Result<Vec<EventOrganisationInput>> {
        let rows = self
            .find::<event_organisation::Entity>()
            .filter(event_organisation::Column::EventId.eq(id))
            .order_by_asc(event_organisation::Column::Position)
            .all(self.db())
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| EventOrganisationInput {
                organisation: r.organisation_id,
                role: r.role,
            })
            .collect())
    }

    /// The current participants, for add/remove built on `set`.
    pub async fn participant_inputs(&self, id: i64) -> Result<Vec<ParticipantInput>> {
        let rows = self
            .find::<event_participant::Entity>()
            .filter(event_participant::Column::EventId.eq(id))
            .order_by_asc(event_participant::Column::Position)
            .all(self.db())
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| ParticipantInput {
                person: r.person_id,
                role: r.role,
                title: r.title,
                organisation: r.organisation_id,
            })
            .collect())
    }

    /// Records that the caller's organisation, a host or co-host, confirms the event as
    /// it is at `expected_version`.
    pub async fn confirm_event(&self, id: i64, expected_version: i32) -> Result<event::Model> {
        let txn = self.begin_write().await?;
        let record = self.load_for_write::<event::Entity>(&txn, id).await?;
        let hosts: Vec<i64> = event_organisation::Entity::find()
            .filter(event_organisation::Column::EventId.eq(id))
            .filter(
                event_organisation::Column::Role
                    .is_in([EventOrganisationRole::Host, EventOrganisationRole::CoHost]),
            )
            .all(&txn)
            .await?
            .into_iter()
            .map(|r| r.organisation_id)
            .collect();
        self.confirm(
            &txn,
            "event",
            id,
            record.version,
            expected_version,
            &hosts,
            Some(record.owner_id),
            "confirmEvent",
        )
        .await?;
        txn.commit().await?;
        Ok(record)
    }

    pub(crate) async fn event_parts(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
    ) -> Result<serde_json::Value> {
        let presentations = presentation::Entity::find()
            .filter(presentation::Column::EventId.eq(id))
            .order_by_asc(presentation::Column::Position)
            .all(txn)
            .await?;
        let mut with_presenters = Vec::new();
        for p in presentations {
            let presenters = presentation_presenter::Entity::find()
                .filter(presentation_presenter::Column::PresentationId.eq(p.id))
                .order_by_asc(presentation_presenter::Column::Position)
                .all(txn)
                .await?;
            with_presenters.push((p, presenters));
        }
        Ok(super::snapshot(&Parts {
            organisations: event_organisation::Entity::find()
                .filter(event_organisation::Column::EventId.eq(id))
                .order_by_asc(event_organisation::Column::Position)
                .all(txn)
                .await?,
            participants: event_participant::Entity::find()
                .filter(event_participant::Column::EventId.eq(id))
                .order_by_asc(event_participant::Column::Position)
                .all(txn)
                .await?,
            presentations: with_presenters,
            outcomes: event_outcome::Entity::find()
                .filter(event_outcome::Column::EventId.eq(id))
                .order_by_asc(event_outcome::Column::Position)
                .all(txn)
                .await?,
        }))
    }

    async fn write_event_organisations(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
        list: &[EventOrganisationInput],
        field: &str,
    ) -> Result<()> {
        self.require::<organisation::Entity>(
            txn,
            field,
            "organisation",
            list.iter().map(|o| o.organisation),
        )
        .await?;
        event_organisation::Entity::delete_many()
            .filter(event_organisation::Column::EventId.eq(id))
            .exec(txn)
            .await?;
        for (i, o) in list.iter().enumerate() {
            event_organisation::ActiveModel {
                event_id: Set(id),
                organisation_id: Set(o.organisation),
                role: Set(o.role),
                position: Set(i as i32),
                ..Default::default()
            }
            .insert(txn)
            .await
            .map_err(|e| on_constraint(e, &format!("{field}.{i}")))?;
        }
        Ok(())
    }

    async fn write_participants(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
        list: &[ParticipantInput],
        field: &str,
    ) -> Result<()> {
        self.require::<person::Entity>(txn, field, "person", list.iter().map(|p| p.person))
            .await?;
        self.require::<organisation::Entity>(
            txn,
            field,
            "organisation",
            list.iter().filter_map(|p| p.organisation),
        )
        .await?;
        event_participant::Entity::delete_many()
            .filter(event_participant::Column::EventId.eq(id))
            .exec(txn)
            .await?;
        for (i, p) in list.iter().enumerate() {
            event_participant::ActiveModel {
                event_id: Set(id),
                person_id: Set(p.person),
                role: Set(p.role),
                title: Set(text(&format!("{field}.{i}.title"), &p.title, NAME_MAX)?),
                organisation_id: Set(p.organisation),
                position: Set(i as i32),
                ..Default::default()
            }
            .insert(txn)
            .await
            .map_err(|e| on_constraint(e, &format!("{field}.{i}")))?;
        }
        Ok(())
    }

    async fn write_presentations(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
        list: &[PresentationInput],
        field: &str,
    ) -> Result<()> {
        self.require::<person::Entity>(
            txn,
            field,
            "person",
            list.iter().flat_map(|p| p.presenters.iter().copied()),
        )
        .await?;
        presentation::Entity::delete_many()
            .filter(presentation::Column::EventId.eq(id))
            .exec(txn)
            .await?;
        for (i, p) in list.iter().enumerate() {
            let row = presentation::ActiveModel {
                event_id: Set(id),
                title: Set(required_text(
                    &format!("{field}.{i}.title"),
                    &p.title,
                    TITLE_MAX,
                )?),
                position: Set(i as i32),
                ..Default::default()
            }
            .insert(txn)
            .await?;
            for (j, person) in p.presenters.iter().enumerate() {
                presentation_presenter::ActiveModel {
                    presentation_id: Set(row.id),
                    person_id: Set(*person),
                    position: Set(j as i32),
                    ..Default::default()
                }
                .insert(txn)
                .await
                .map_err(|e| on_constraint(e, &format!("{field}.{i}.presenters.{j}")))?;
            }
        }
        Ok(())
    }

    async fn write_outcomes(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
        list: &[String],
        field: &str,
    ) -> Result<()> {
        event_outcome::Entity::delete_many()
            .filter(event_outcome::Column::EventId.eq(id))
            .exec(txn)
            .await?;
        for (i, description) in list.iter().enumerate() {
            event_outcome::ActiveModel {
                event_id: Set(id),
                description: Set(required_text(
                    &format!("{field}.{i}"),
                    description,
                    LONG_TEXT_MAX,
                )?),
                position: Set(i as i32),
                ..Default::default()
            }
            .insert(txn)
            .await?;
        }
        Ok(())
    }

    /// Parses and checks an optional country code.
    pub(crate) async fn country(
        &self,
        txn: &DatabaseTransaction,
        field: &str,
        code: &Option<String>,
    ) -> Result<Option<String>> {
        match code {
            None => Ok(None),
            Some(code) => {
                let code = CountryCode::parse(field, code)?.as_str().to_owned();
                self.require_countries(txn, field, [code.clone()]).await?;
                Ok(Some(code))
            }
        }
    }
}
