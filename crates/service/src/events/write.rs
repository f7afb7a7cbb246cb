//! Writing events and their parts; confirming co-hosted events. (Past 600 lines: an
//! event has four kinds of part (organisations, participants, presentations, outcomes),
//! each with its own writes.)
use chrono::NaiveDate;
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

use crate::domain::{self, DateSpan, LONG_TEXT_MAX, NAME_MAX, TITLE_MAX};
use crate::translations::{Translation, parse_translations};
use crate::write::{
    Composite, Patch, TxnFuture, insert_all, insert_at, on_constraint, patch_text, patched,
    replace, required_text, snapshot, text,
};
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
    pub outcomes: Vec<OutcomeInput>,
    /// Title, theme and description in other languages.
    pub translations: Vec<Translation>,
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
    /// When given, replaces every text in other languages.
    pub translations: Option<Vec<Translation>>,
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
    /// The title in other languages.
    pub translations: Vec<Translation>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PresentationInput {
    pub title: String,
    pub presenters: Vec<i64>,
    /// The title in other languages.
    pub translations: Vec<Translation>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomeInput {
    pub description: String,
    /// The description in other languages.
    pub translations: Vec<Translation>,
}

/// An event's parts, as the audit log records them.
#[derive(Serialize)]
struct Parts {
    organisations: Vec<event_organisation::Model>,
    participants: Vec<event_participant::Model>,
    /// The participants' titles in other languages, in the order of `participants`.
    participants_translations: Vec<Vec<Translation>>,
    presentations: Vec<(
        presentation::Model,
        Vec<presentation_presenter::Model>,
        Vec<Translation>,
    )>,
    outcomes: Vec<(event_outcome::Model, Vec<Translation>)>,
    translations: Vec<Translation>,
}

impl Composite for event::Entity {
    fn parts<'a>(
        scope: &'a Scope,
        txn: &'a DatabaseTransaction,
        id: i64,
    ) -> TxnFuture<'a, serde_json::Value> {
        Box::pin(async move { scope.event_parts(txn, id).await })
    }
}

impl Scope {
    pub async fn create_event(&self, input: EventInput) -> Result<event::Model> {
        const CREATE: &str = "createEvent";
        let txn = self.begin_write().await?;
        let key = &input.idempotency_key;
        if let Some(found) = self
            .replay::<event::Entity>(&txn, key, CREATE, &input)
            .await?
        {
            return Ok(found);
        }
        let (row, parts) = self.insert_event(&txn, &input).await?;
        self.created::<event::Entity>(txn, key, CREATE, &input, &row, &(&row, &parts))
            .await?;
        Ok(row)
    }

    /// `createEvent` inside a transaction the caller commits (an import writes many
    /// records in one), with its audit and change entries.
    pub(crate) async fn create_event_in(
        &self,
        txn: &DatabaseTransaction,
        input: &EventInput,
    ) -> Result<event::Model> {
        let (row, parts) = self.insert_event(txn, input).await?;
        self.audit::<event::Entity>("createEvent", &row)
            .after(&(&row, &parts))
            .write(txn)
            .await?;
        Ok(row)
    }

    async fn insert_event(
        &self,
        txn: &DatabaseTransaction,
        input: &EventInput,
    ) -> Result<(event::Model, serde_json::Value)> {
        let owner = self.owner_for_create(txn, input.owner).await?;
        let span = DateSpan::parse("input.endDate", Some(input.start_date), input.end_date)?;
        let country = self.country(txn, "input.country", &input.country).await?;
        self.require::<source::Entity>(txn, "input.source", "source", input.source)
            .await?;
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
            ..Default::default()
        };
        let texts = parse_translations::<event::Entity>(&input.translations, "input.translations")?;
        let row = self.insert::<event::Entity>(txn, row).await?;
        self.write_translations::<event::Entity>(txn, row.id, &texts, "input.translations")
            .await?;
        self.write_event_organisations(txn, row.id, &input.organisations, "input.organisations")
            .await?;
        self.write_participants(txn, row.id, &input.participants, "input.participants")
            .await?;
        self.write_presentations(txn, row.id, &input.presentations, "input.presentations")
            .await?;
        self.write_outcomes(txn, row.id, &input.outcomes, "input.outcomes")
            .await?;
        let parts = self.event_parts(txn, row.id).await?;
        Ok((row, parts))
    }

    pub async fn update_event(
        &self,
        id: i64,
        expected_version: i32,
        patch: EventPatch,
    ) -> Result<event::Model> {
        let txn = self.begin_write().await?;
        let after = self
            .update_event_in(&txn, id, expected_version, patch, None, None)
            .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// `updateEvent` inside a transaction the caller commits, with its audit and change
    /// entries; `organisations` and `participants`, when given, replace the organisations
    /// in roles and the participants in the same change (an import row names the hosts
    /// and participants beside the fields).
    pub(crate) async fn update_event_in(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
        expected_version: i32,
        patch: EventPatch,
        organisations: Option<&[EventOrganisationInput]>,
        participants: Option<&[ParticipantInput]>,
    ) -> Result<event::Model> {
        let before = self
            .check_change::<event::Entity>(txn, id, expected_version)
            .await?;
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
            row.country_code = Set(self.country(txn, "input.country", country).await?);
        }
        if let Some(source) = patch.source {
            self.require::<source::Entity>(txn, "input.source", "source", source)
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
        let texts = patch
            .translations
            .as_deref()
            .map(|list| parse_translations::<event::Entity>(list, "input.translations"))
            .transpose()?;
        let after = self
            .save::<event::Entity>(txn, row, expected_version)
            .await?;
        let (mut was, mut now) = (snapshot(&before), snapshot(&after));
        if let Some(list) = organisations {
            let parts = |txn| async move {
                event_organisation::Entity::find()
                    .filter(event_organisation::Column::EventId.eq(id))
                    .order_by_asc(event_organisation::Column::Position)
                    .all(txn)
                    .await
            };
            was["organisations"] = snapshot(&parts(txn).await?);
            self.write_event_organisations(txn, id, list, "input.organisations")
                .await?;
            now["organisations"] = snapshot(&parts(txn).await?);
        }
        if let Some(list) = participants {
            was["participants"] = snapshot(&self.participant_inputs(txn, id).await?);
            self.write_participants(txn, id, list, "input.participants")
                .await?;
            now["participants"] = snapshot(&self.participant_inputs(txn, id).await?);
        }
        self.audit_with_texts::<event::Entity>(txn, "updateEvent", &after, was, now, texts)
            .await?;
        Ok(after)
    }

    /// Replaces the organisations in roles (add, remove and reorder in one).
    pub async fn set_event_organisations(
        &self,
        id: i64,
        expected_version: i32,
        list: Vec<EventOrganisationInput>,
    ) -> Result<event::Model> {
        self.change_event(
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

    /// Adds an organisation in a role at `position` (at the end when absent).
    pub async fn add_event_organisation(
        &self,
        id: i64,
        expected_version: i32,
        item: EventOrganisationInput,
        position: Option<i32>,
    ) -> Result<event::Model> {
        self.change_event(
            id,
            expected_version,
            "setEventOrganisations",
            |scope, txn| {
                Box::pin(async move {
                    let mut list = scope.event_organisation_inputs(txn, id).await?;
                    insert_at(&mut list, item, position);
                    scope
                        .write_event_organisations(txn, id, &list, "input.organisations")
                        .await
                })
            },
        )
        .await
    }

    /// Removes an organisation's role at an event (nothing, if it has none).
    pub async fn remove_event_organisation(
        &self,
        id: i64,
        expected_version: i32,
        item: EventOrganisationInput,
    ) -> Result<event::Model> {
        self.change_event(
            id,
            expected_version,
            "setEventOrganisations",
            |scope, txn| {
                Box::pin(async move {
                    let mut list = scope.event_organisation_inputs(txn, id).await?;
                    list.retain(|o| *o != item);
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
        self.change_event(
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

    /// Adds a participant at `position` (at the end when absent).
    pub async fn add_event_participant(
        &self,
        id: i64,
        expected_version: i32,
        item: ParticipantInput,
        position: Option<i32>,
    ) -> Result<event::Model> {
        self.change_event(
            id,
            expected_version,
            "setEventParticipants",
            |scope, txn| {
                Box::pin(async move {
                    let mut list = scope.participant_inputs(txn, id).await?;
                    insert_at(&mut list, item, position);
                    scope
                        .write_participants(txn, id, &list, "input.participants")
                        .await
                })
            },
        )
        .await
    }

    /// Removes a person's role at an event (nothing, if they have none).
    pub async fn remove_event_participant(
        &self,
        id: i64,
        expected_version: i32,
        person: i64,
        role: ParticipantRole,
    ) -> Result<event::Model> {
        self.change_event(
            id,
            expected_version,
            "setEventParticipants",
            |scope, txn| {
                Box::pin(async move {
                    let mut list = scope.participant_inputs(txn, id).await?;
                    list.retain(|p| !(p.person == person && p.role == role));
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
        self.change_event(
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
        list: Vec<OutcomeInput>,
    ) -> Result<event::Model> {
        self.change_event(id, expected_version, "setEventOutcomes", |scope, txn| {
            Box::pin(async move { scope.write_outcomes(txn, id, &list, "input.outcomes").await })
        })
        .await
    }

    async fn change_event<F>(
        &self,
        id: i64,
        expected_version: i32,
        operation: &str,
        write: F,
    ) -> Result<event::Model>
    where
        F: for<'a> FnOnce(&'a Scope, &'a DatabaseTransaction) -> TxnFuture<'a, ()>,
    {
        self.change_parts::<event::Entity, _>(id, expected_version, operation, write)
            .await
    }

    /// The current organisations in roles, for add and remove.
    async fn event_organisation_inputs(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
    ) -> Result<Vec<EventOrganisationInput>> {
        let rows = event_organisation::Entity::find()
            .filter(event_organisation::Column::EventId.eq(id))
            .order_by_asc(event_organisation::Column::Position)
            .all(txn)
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| EventOrganisationInput {
                organisation: r.organisation_id,
                role: r.role,
            })
            .collect())
    }

    /// The current participants, for add and remove (and an import's changes).
    pub(crate) async fn participant_inputs(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
    ) -> Result<Vec<ParticipantInput>> {
        let rows = event_participant::Entity::find()
            .filter(event_participant::Column::EventId.eq(id))
            .order_by_asc(event_participant::Column::Position)
            .all(txn)
            .await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut texts = self
            .translations_of_many::<event_participant::Entity>(txn, &ids)
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| ParticipantInput {
                person: r.person_id,
                role: r.role,
                title: r.title,
                organisation: r.organisation_id,
                translations: texts.remove(&r.id).unwrap_or_default(),
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
            let texts = self
                .translations_in::<presentation::Entity>(txn, p.id)
                .await?;
            with_presenters.push((p, presenters, texts));
        }
        let participants = event_participant::Entity::find()
            .filter(event_participant::Column::EventId.eq(id))
            .order_by_asc(event_participant::Column::Position)
            .all(txn)
            .await?;
        let participant_ids: Vec<i64> = participants.iter().map(|p| p.id).collect();
        let mut participant_texts = self
            .translations_of_many::<event_participant::Entity>(txn, &participant_ids)
            .await?;
        let outcomes = event_outcome::Entity::find()
            .filter(event_outcome::Column::EventId.eq(id))
            .order_by_asc(event_outcome::Column::Position)
            .all(txn)
            .await?;
        let ids: Vec<i64> = outcomes.iter().map(|o| o.id).collect();
        let mut texts = self
            .translations_of_many::<event_outcome::Entity>(txn, &ids)
            .await?;
        let outcomes = outcomes
            .into_iter()
            .map(|o| {
                let t = texts.remove(&o.id).unwrap_or_default();
                (o, t)
            })
            .collect();
        Ok(snapshot(&Parts {
            organisations: event_organisation::Entity::find()
                .filter(event_organisation::Column::EventId.eq(id))
                .order_by_asc(event_organisation::Column::Position)
                .all(txn)
                .await?,
            participants_translations: participant_ids
                .iter()
                .map(|id| participant_texts.remove(id).unwrap_or_default())
                .collect(),
            participants,
            presentations: with_presenters,
            outcomes,
            translations: self.translations_in::<event::Entity>(txn, id).await?,
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
        let rows = list
            .iter()
            .enumerate()
            .map(|(i, o)| event_organisation::ActiveModel {
                event_id: Set(id),
                organisation_id: Set(o.organisation),
                role: Set(o.role),
                position: Set(i as i32),
                ..Default::default()
            })
            .collect();
        replace(txn, event_organisation::Column::EventId, id, rows, field).await
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
        // Replaced row by row, as `replace` would, keeping each new row's key for its texts;
        // the old rows' texts go with them.
        let old = event_participant::Entity::find()
            .filter(event_participant::Column::EventId.eq(id))
            .all(txn)
            .await?;
        self.forget_translations::<event_participant::Entity>(txn, old.iter().map(|p| p.id))
            .await?;
        event_participant::Entity::delete_many()
            .filter(event_participant::Column::EventId.eq(id))
            .exec(txn)
            .await?;
        for (i, p) in list.iter().enumerate() {
            let row = event_participant::ActiveModel {
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
            let at = format!("{field}.{i}.translations");
            let texts = parse_translations::<event_participant::Entity>(&p.translations, &at)?;
            self.write_translations::<event_participant::Entity>(txn, row.id, &texts, &at)
                .await?;
        }
        Ok(())
    }

    /// Presentations are replaced with their presenters, a list inside each.
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
        // The old rows' texts go with them: the new rows have new keys.
        let old = presentation::Entity::find()
            .filter(presentation::Column::EventId.eq(id))
            .all(txn)
            .await?;
        self.forget_translations::<presentation::Entity>(txn, old.iter().map(|p| p.id))
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
            let texts_at = format!("{field}.{i}.translations");
            let texts = parse_translations::<presentation::Entity>(&p.translations, &texts_at)?;
            self.write_translations::<presentation::Entity>(txn, row.id, &texts, &texts_at)
                .await?;
            let presenters = p
                .presenters
                .iter()
                .enumerate()
                .map(|(j, person)| presentation_presenter::ActiveModel {
                    presentation_id: Set(row.id),
                    person_id: Set(*person),
                    position: Set(j as i32),
                    ..Default::default()
                })
                .collect();
            let field = format!("{field}.{i}.presenters");
            insert_all(txn, presenters, &field).await?;
        }
        Ok(())
    }

    /// Outcomes are replaced with their texts: the new rows have new keys.
    async fn write_outcomes(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
        list: &[OutcomeInput],
        field: &str,
    ) -> Result<()> {
        let old = event_outcome::Entity::find()
            .filter(event_outcome::Column::EventId.eq(id))
            .all(txn)
            .await?;
        self.forget_translations::<event_outcome::Entity>(txn, old.iter().map(|o| o.id))
            .await?;
        event_outcome::Entity::delete_many()
            .filter(event_outcome::Column::EventId.eq(id))
            .exec(txn)
            .await?;
        for (i, o) in list.iter().enumerate() {
            let row = event_outcome::ActiveModel {
                event_id: Set(id),
                description: Set(required_text(
                    &format!("{field}.{i}.description"),
                    &o.description,
                    LONG_TEXT_MAX,
                )?),
                position: Set(i as i32),
                ..Default::default()
            }
            .insert(txn)
            .await?;
            let texts_at = format!("{field}.{i}.translations");
            let texts = parse_translations::<event_outcome::Entity>(&o.translations, &texts_at)?;
            self.write_translations::<event_outcome::Entity>(txn, row.id, &texts, &texts_at)
                .await?;
        }
        Ok(())
    }
}
