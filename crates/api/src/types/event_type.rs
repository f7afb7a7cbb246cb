use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use service::entity::enums::{
    EventFormat, EventKind, EventOrganisationRole, EventStatus, Visibility,
};
use service::entity::{
    event, event_organisation, event_outcome, person, presentation, presentation_presenter,
};
use service::rel;

use super::{
    Agreement, Confirmation, Country, Indicator, Organisation, Participation, Person, Source,
    country_opt, organisation, source_opt,
};
use crate::connection::*;
use crate::error::Result;
use crate::ids::{Kind, encode};
use crate::loader;
use crate::scalars::{Date, date};

pub struct Event(pub event::Model);

/// A symposium, meeting, forum or other gathering, with the organisations and people
/// that took part, its presentations and outcomes, and the agreements signed there.
#[Object]
impl Event {
    /// The event's global id.
    pub async fn id(&self) -> ID {
        encode(Kind::Event, self.0.id)
    }
    /// What sort of gathering it was.
    async fn kind(&self) -> EventKind {
        self.0.kind
    }
    /// Whether it took place.
    async fn status(&self) -> EventStatus {
        self.0.status
    }
    /// In person, online or both.
    async fn format(&self) -> EventFormat {
        self.0.format
    }
    /// Title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Theme or motto, where one was given.
    async fn theme(&self) -> Option<&str> {
        self.0.theme.as_deref()
    }
    /// A short summary.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// First day.
    async fn start_date(&self) -> Date {
        Date(self.0.start_date)
    }
    /// Last day, where known.
    async fn end_date(&self) -> Option<Date> {
        date(self.0.end_date)
    }
    /// Venue, e.g. a conference room or campus.
    async fn venue(&self) -> Option<&str> {
        self.0.venue.as_deref()
    }
    /// City.
    async fn city(&self) -> Option<&str> {
        self.0.city.as_deref()
    }
    /// Country or region.
    async fn country(&self, ctx: &Context<'_>) -> Result<Option<Country>> {
        country_opt(ctx, &self.0.country_code).await
    }
    /// Organisations in their roles (host, sponsor, guidance, attending institution, ...), in the order reported.
    async fn organisations(&self, ctx: &Context<'_>) -> Result<Vec<EventOrganisation>> {
        Ok(
            loader::all_joined::<rel::EventOrganisations>(ctx, self.0.id)
                .await?
                .into_iter()
                .map(EventOrganisation)
                .collect(),
        )
    }
    /// People in their roles, with the titles they held then, in the order reported.
    async fn participants(&self, ctx: &Context<'_>) -> Result<Vec<Participation>> {
        Ok(loader::all_joined::<rel::EventParticipants>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(Participation)
            .collect())
    }
    /// Presentations in programme order.
    async fn presentations(&self, ctx: &Context<'_>) -> Result<Vec<Presentation>> {
        Ok(loader::all::<rel::EventPresentations>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(Presentation)
            .collect())
    }
    /// Outcomes other than agreements (those are in `agreementsSigned`).
    async fn outcomes(&self, ctx: &Context<'_>) -> Result<Vec<Outcome>> {
        Ok(loader::all::<rel::EventOutcomes>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(Outcome)
            .collect())
    }
    /// Agreements signed at this event.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn agreements_signed(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<AgreementConnection> {
        nested::<rel::EventAgreements, _, _>(
            ctx,
            self.0.id,
            args(first, after, last, before),
            Agreement,
        )
        .await
    }
    /// Figures reported about this event (e.g. how many institutions attended).
    async fn indicators(&self, ctx: &Context<'_>) -> Result<Vec<Indicator>> {
        Ok(loader::all::<rel::EventIndicators>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(Indicator)
            .collect())
    }
    /// Parties' sign-offs: which organisation confirmed which version. A sign-off of an
    /// older version is out of date (`current: false`): the record changed since.
    async fn confirmations(&self, ctx: &Context<'_>) -> Result<Vec<Confirmation>> {
        Ok(loader::all::<rel::EventConfirmations>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(|c| Confirmation {
                current: c.version == self.0.version,
                model: c,
            })
            .collect())
    }
    /// The member organisation that owns this record.
    async fn owner(&self, ctx: &Context<'_>) -> Result<Organisation> {
        organisation(ctx, self.0.owner_id).await
    }
    /// Who may read this record.
    async fn visibility(&self) -> Visibility {
        self.0.visibility
    }
    /// The article it comes from.
    async fn source(&self, ctx: &Context<'_>) -> Result<Option<Source>> {
        source_opt(ctx, self.0.source_id).await
    }
    /// Incremented by every change.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When it was archived; archived records are left out of lists.
    async fn archived_at(&self) -> Option<DateTime<Utc>> {
        self.0.archived_at
    }
    /// When the record was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the record last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

pub struct EventOrganisation(pub event_organisation::Model);

/// An organisation in a role at an event.
#[Object]
impl EventOrganisation {
    /// The organisation.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        organisation(ctx, self.0.organisation_id).await
    }
    /// The part it played.
    async fn role(&self) -> EventOrganisationRole {
        self.0.role
    }
}

pub struct Presentation(pub presentation::Model);

/// A presentation at an event.
#[Object]
impl Presentation {
    /// The presentation's global id.
    pub async fn id(&self) -> ID {
        encode(Kind::Presentation, self.0.id)
    }
    /// Title as announced.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Place in the programme, from 0.
    async fn position(&self) -> i32 {
        self.0.position
    }
    /// The event it was given at.
    async fn event(&self, ctx: &Context<'_>) -> Result<Event> {
        Ok(Event(
            loader::required::<event::Entity>(ctx, self.0.event_id).await?,
        ))
    }
    /// The presenters, in order.
    async fn presenters(&self, ctx: &Context<'_>) -> Result<Vec<Person>> {
        let links: Vec<presentation_presenter::Model> =
            loader::all_joined::<rel::PresentationPresenters>(ctx, self.0.id).await?;
        let ids = links.into_iter().map(|l| l.person_id).collect();
        Ok(loader::many::<person::Entity>(ctx, ids)
            .await?
            .into_iter()
            .map(Person)
            .collect())
    }
}

pub struct Outcome(pub event_outcome::Model);

/// An outcome of an event, such as certificates awarded.
#[Object]
impl Outcome {
    /// What came of the event.
    async fn description(&self) -> &str {
        &self.0.description
    }
}
