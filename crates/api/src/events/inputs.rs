//! The event inputs: the list's filter and order, and the mutations' inputs, each with
//! its conversion to the service's form.
use async_graphql::{ID, InputObject, MaybeUndefined};
use service::entity::enums::*;
use service::events as ev;

use super::Event;
use crate::error::Result;
use crate::ids::{Kind, decode_all};
use crate::input::{
    Change, DateRangeInput, Part, country_codes, date, key, keys, opt_key, order_input, parts,
    patch, patch_date, patch_key, payload, range, versioned_input,
};
use crate::scalars::Date;
use crate::translations::{TranslationInput, texts};

order_input!(
    /// How to sort events (default: by start date, earliest first).
    EventOrder, EventOrderField, "service::events::EventOrderField", service::events::EventOrderField, StartDate,
    { /// By title.
      Title, /// By when the record was created.
      CreatedAt , /// By when the record last changed (with `filter.updatedSince`, to catch up).
      UpdatedAt });

/// Which events to list. Conditions combine with AND; list values with OR.
#[derive(InputObject, Clone, Default)]
pub struct EventFilter {
    /// Only records changed at or after this time (inclusive), to catch up.
    pub updated_since: Option<crate::scalars::DateTime>,
    /// Case-insensitive substring of the title or theme.
    pub search: Option<String>,
    /// Owned by any of these member organisations.
    pub owners: Option<Vec<ID>>,
    /// Of any of these kinds.
    pub kinds: Option<Vec<EventKind>>,
    /// In any of these states.
    pub statuses: Option<Vec<EventStatus>>,
    /// Held in any of these countries or regions (ISO codes).
    pub countries: Option<Vec<String>>,
    /// Starting within this range.
    pub start_date: Option<DateRangeInput>,
    /// With any of these organisations taking part (in `roles`, if given).
    pub organisations: Option<Vec<ID>>,
    /// With an organisation in any of these roles.
    pub roles: Option<Vec<EventOrganisationRole>>,
    /// With any of these people taking part.
    pub people: Option<Vec<ID>>,
    /// `true`: only archived records (which only their owner and the coordinator can read); otherwise only live ones.
    pub archived: Option<bool>,
}

impl EventFilter {
    pub fn parse(f: Option<Self>) -> Result<ev::EventFilter> {
        let f = f.unwrap_or_default();
        Ok(ev::EventFilter {
            archived: f.archived,
            search: f.search,
            owners: decode_all("filter.owners", Kind::Organisation, &f.owners)?,
            kinds: f.kinds,
            statuses: f.statuses,
            countries: country_codes("filter.countries", &f.countries)?,
            start_date: range("filter.startDate", &f.start_date)?,
            organisations: decode_all(
                "filter.organisations",
                Kind::Organisation,
                &f.organisations,
            )?,
            roles: f.roles,
            people: decode_all("filter.people", Kind::Person, &f.people)?,
        })
    }
}

/// An organisation in a role at an event.
#[derive(InputObject, Clone)]
pub struct EventOrganisationInput {
    /// The organisation's global id.
    pub organisation: ID,
    /// Its role.
    pub role: EventOrganisationRole,
}

/// A person in a role at an event.
#[derive(InputObject, Clone)]
pub struct ParticipantInput {
    /// The person's global id.
    pub person: ID,
    /// Their role.
    pub role: ParticipantRole,
    /// The title they held at the time.
    pub title: Option<String>,
    /// The organisation they represented.
    pub organisation: Option<ID>,
    /// The title in other languages (`{ field: "title", lang: "zh", text: "副校长" }`).
    #[graphql(default)]
    pub translations: Vec<TranslationInput>,
}

/// A presentation with its presenters, in order.
#[derive(InputObject, Clone)]
pub struct PresentationInput {
    /// Its title.
    pub title: String,
    /// The presenters' global ids.
    #[graphql(default)]
    pub presenters: Vec<ID>,
    /// The title in other languages (`{ field: "title", lang: "zh", text: "…" }`).
    #[graphql(default)]
    pub translations: Vec<TranslationInput>,
}

/// An outcome of an event other than an agreement.
#[derive(InputObject, Clone)]
pub struct OutcomeInput {
    /// What came of the event.
    pub description: String,
    /// The description in other languages (`{ field: "description", lang: "zh", text: "…" }`).
    #[graphql(default)]
    pub translations: Vec<TranslationInput>,
}

/// A new event, with its parts.
#[derive(InputObject)]
pub struct CreateEventInput {
    /// The owning member; defaults to the caller's organisation (the coordinator must give it).
    pub owner: Option<ID>,
    /// Who may read it (default PRIVATE).
    pub visibility: Option<Visibility>,
    /// What sort of gathering.
    pub kind: EventKind,
    /// Where it stands.
    pub status: EventStatus,
    /// In person, online or both.
    pub format: EventFormat,
    /// Title (at most 300 characters).
    pub title: String,
    /// Theme or motto.
    pub theme: Option<String>,
    /// Summary.
    pub description: Option<String>,
    /// First day.
    pub start_date: Date,
    /// Last day, on or after the first.
    pub end_date: Option<Date>,
    /// Venue.
    pub venue: Option<String>,
    /// City.
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2 code.
    pub country: Option<String>,
    /// The source's global id.
    pub source: Option<ID>,
    /// Organisations in roles, in order.
    #[graphql(default)]
    pub organisations: Vec<EventOrganisationInput>,
    /// People in roles, in order.
    #[graphql(default)]
    pub participants: Vec<ParticipantInput>,
    /// Presentations in programme order.
    #[graphql(default)]
    pub presentations: Vec<PresentationInput>,
    /// Outcomes other than agreements.
    #[graphql(default)]
    pub outcomes: Vec<OutcomeInput>,
    /// The title, theme and description in other languages (e.g. `{ field: "title", lang: "zh", text: "…" }`).
    #[graphql(default)]
    pub translations: Vec<TranslationInput>,
    /// Repeating a create with the same key and input returns the first result.
    pub idempotency_key: Option<String>,
}

/// Changes to an event: omitted fields stay, `null` clears an optional one.
#[derive(InputObject)]
pub struct UpdateEventInput {
    /// The event's global id.
    pub id: ID,
    /// The version the caller last read; a stale one is CONFLICT.
    pub expected_version: i32,
    /// Who may read it.
    pub visibility: Option<Visibility>,
    /// What sort of gathering.
    pub kind: Option<EventKind>,
    /// A new status, along the lifecycle (PLANNED → HELD, CANCELLED, POSTPONED; POSTPONED → PLANNED, HELD, CANCELLED).
    pub status: Option<EventStatus>,
    /// In person, online or both.
    pub format: Option<EventFormat>,
    /// Title.
    pub title: Option<String>,
    /// Theme.
    pub theme: MaybeUndefined<String>,
    /// Summary.
    pub description: MaybeUndefined<String>,
    /// First day.
    pub start_date: Option<Date>,
    /// Last day.
    pub end_date: MaybeUndefined<Date>,
    /// Venue.
    pub venue: MaybeUndefined<String>,
    /// City.
    pub city: MaybeUndefined<String>,
    /// ISO 3166-1 alpha-2 code.
    pub country: MaybeUndefined<String>,
    /// The source's global id.
    pub source: MaybeUndefined<ID>,
    /// The title, theme and description in other languages, replacing every text there is (`[]` removes them all).
    pub translations: Option<Vec<TranslationInput>>,
}

/// The event's organisations in roles, replacing the current list (add, remove and reorder at once).
#[derive(InputObject)]
pub struct SetEventOrganisationsInput {
    /// The event's global id.
    pub id: ID,
    /// The version the caller last read.
    pub expected_version: i32,
    /// The new list, in order.
    pub organisations: Vec<EventOrganisationInput>,
}

/// One organisation in a role to add to an event.
#[derive(InputObject)]
pub struct AddEventOrganisationInput {
    /// The event's global id.
    pub id: ID,
    /// The version the caller last read.
    pub expected_version: i32,
    /// The organisation and role.
    pub organisation: EventOrganisationInput,
    /// Where in the list (from 0); at the end when omitted.
    pub position: Option<i32>,
}

/// One organisation's role to remove from an event.
#[derive(InputObject)]
pub struct RemoveEventOrganisationInput {
    /// The event's global id.
    pub id: ID,
    /// The version the caller last read.
    pub expected_version: i32,
    /// The organisation and role to remove.
    pub organisation: EventOrganisationInput,
}

/// The event's participants, replacing the current list.
#[derive(InputObject)]
pub struct SetEventParticipantsInput {
    /// The event's global id.
    pub id: ID,
    /// The version the caller last read.
    pub expected_version: i32,
    /// The new list, in order.
    pub participants: Vec<ParticipantInput>,
}

/// One participant to add to an event.
#[derive(InputObject)]
pub struct AddEventParticipantInput {
    /// The event's global id.
    pub id: ID,
    /// The version the caller last read.
    pub expected_version: i32,
    /// The person and role.
    pub participant: ParticipantInput,
    /// Where in the list (from 0); at the end when omitted.
    pub position: Option<i32>,
}

/// One participant's role to remove from an event.
#[derive(InputObject)]
pub struct RemoveEventParticipantInput {
    /// The event's global id.
    pub id: ID,
    /// The version the caller last read.
    pub expected_version: i32,
    /// The person's global id.
    pub person: ID,
    /// The role to remove.
    pub role: ParticipantRole,
}

/// The event's presentations, replacing the current programme.
#[derive(InputObject)]
pub struct SetEventPresentationsInput {
    /// The event's global id.
    pub id: ID,
    /// The version the caller last read.
    pub expected_version: i32,
    /// The new programme, in order.
    pub presentations: Vec<PresentationInput>,
}

/// The event's outcomes, replacing the current list.
#[derive(InputObject)]
pub struct SetEventOutcomesInput {
    /// The event's global id.
    pub id: ID,
    /// The version the caller last read.
    pub expected_version: i32,
    /// The new list, in order.
    pub outcomes: Vec<OutcomeInput>,
}

versioned_input! {
    ConfirmEventInput: "Which event the caller's organisation (a host or co-host) confirms, at which version.";
}

payload! {
    CreateEventPayload { event: Event } "The event created.";
    UpdateEventPayload { event: Event } "The event updated.";
    SetEventPartsPayload { event: Event } "The event with its changed parts.";
    ConfirmEventPayload { event: Event } "The event confirmed.";
}

impl Part for EventOrganisationInput {
    type Parsed = ev::EventOrganisationInput;
    fn parse(&self, field: &str) -> Result<Self::Parsed> {
        Ok(ev::EventOrganisationInput {
            organisation: key(
                &format!("{field}.organisation"),
                Kind::Organisation,
                &self.organisation,
            )?,
            role: self.role,
        })
    }
}

impl Part for ParticipantInput {
    type Parsed = ev::ParticipantInput;
    fn parse(&self, field: &str) -> Result<Self::Parsed> {
        Ok(ev::ParticipantInput {
            person: key(&format!("{field}.person"), Kind::Person, &self.person)?,
            role: self.role,
            title: self.title.clone(),
            organisation: opt_key(
                &format!("{field}.organisation"),
                Kind::Organisation,
                &self.organisation,
            )?,
            translations: texts(&self.translations),
        })
    }
}

impl Part for PresentationInput {
    type Parsed = ev::PresentationInput;
    fn parse(&self, field: &str) -> Result<Self::Parsed> {
        Ok(ev::PresentationInput {
            title: self.title.clone(),
            presenters: keys(
                &format!("{field}.presenters"),
                Kind::Person,
                &self.presenters,
            )?,
            translations: texts(&self.translations),
        })
    }
}

impl Part for OutcomeInput {
    type Parsed = ev::OutcomeInput;
    fn parse(&self, _field: &str) -> Result<Self::Parsed> {
        Ok(ev::OutcomeInput {
            description: self.description.clone(),
            translations: texts(&self.translations),
        })
    }
}

impl TryFrom<CreateEventInput> for ev::EventInput {
    type Error = async_graphql::Error;
    fn try_from(input: CreateEventInput) -> Result<Self> {
        Ok(ev::EventInput {
            owner: opt_key("input.owner", Kind::Organisation, &input.owner)?,
            visibility: input.visibility,
            kind: input.kind,
            status: input.status,
            format: input.format,
            title: input.title,
            theme: input.theme,
            description: input.description,
            start_date: input.start_date.0,
            end_date: date(input.end_date),
            venue: input.venue,
            city: input.city,
            country: input.country,
            source: opt_key("input.source", Kind::Source, &input.source)?,
            organisations: parts("input.organisations", &input.organisations)?,
            participants: parts("input.participants", &input.participants)?,
            presentations: parts("input.presentations", &input.presentations)?,
            outcomes: parts("input.outcomes", &input.outcomes)?,
            translations: texts(&input.translations),
            idempotency_key: input.idempotency_key,
        })
    }
}

impl TryFrom<UpdateEventInput> for Change<ev::EventPatch> {
    type Error = async_graphql::Error;
    fn try_from(input: UpdateEventInput) -> Result<Self> {
        Ok(Change {
            id: key("input.id", Kind::Event, &input.id)?,
            expected_version: input.expected_version,
            patch: ev::EventPatch {
                visibility: input.visibility,
                kind: input.kind,
                status: input.status,
                format: input.format,
                title: input.title,
                theme: patch(input.theme),
                description: patch(input.description),
                start_date: input.start_date.map(|d| d.0),
                end_date: patch_date(input.end_date),
                venue: patch(input.venue),
                city: patch(input.city),
                country: patch(input.country),
                source: patch_key("input.source", Kind::Source, input.source)?,
                translations: input.translations.as_deref().map(texts),
            },
        })
    }
}
