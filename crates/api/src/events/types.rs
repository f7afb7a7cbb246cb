//! The event object types.
use async_graphql::{Context, ID, Object};
use service::entity::enums::{
    EventFormat, EventKind, EventOrganisationRole, EventStatus, ParticipantRole,
};
use service::entity::{
    event, event_organisation, event_outcome, event_participant, person, presentation,
    presentation_presenter,
};
use service::rel;

use crate::agreements::Agreement;
use crate::connection::*;
use crate::countries::{Country, country_opt};
use crate::error::Result;
use crate::ids::{Kind, encode};
use crate::indicators::Indicator;
use crate::loader;
use crate::organisations::Organisation;
use crate::people::Person;
use crate::record::{
    Confirmation, OwnedFields, confirmations, organisation, organisation_opt,
    person as person_by_key,
};
use crate::scalars::{Date, date};
use crate::translations::{LocalizedText, all_forms, localized};

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
    /// Title, in the language `lang` or the request's `Accept-Language` (see `translations`).
    async fn title(&self, ctx: &Context<'_>, lang: Option<String>) -> Result<String> {
        let e = &self.0;
        let title = localized::<event::Entity>(ctx, e.id, "title", Some(&e.title), lang).await?;
        Ok(title.unwrap_or_else(|| e.title.clone()))
    }
    /// Theme or motto, where one was given, in the language `lang` or the request's.
    async fn theme(&self, ctx: &Context<'_>, lang: Option<String>) -> Result<Option<String>> {
        localized::<event::Entity>(ctx, self.0.id, "theme", self.0.theme.as_deref(), lang).await
    }
    /// A short summary, in the language `lang` or the request's.
    async fn description(&self, ctx: &Context<'_>, lang: Option<String>) -> Result<Option<String>> {
        let english = self.0.description.as_deref();
        localized::<event::Entity>(ctx, self.0.id, "description", english, lang).await
    }
    /// Every language's text of the title, theme and description (or of `field` only):
    /// English (`en`, the fields themselves) first, then the others.
    async fn translations(
        &self,
        ctx: &Context<'_>,
        field: Option<String>,
    ) -> Result<Vec<LocalizedText>> {
        let e = &self.0;
        let fields = [
            ("title", Some(e.title.as_str())),
            ("theme", e.theme.as_deref()),
            ("description", e.description.as_deref()),
        ];
        all_forms::<event::Entity>(ctx, e.id, &fields, field).await
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
    /// Figures reported about this event (e.g. how many institutions attended), latest
    /// period first: a connection, as `Organisation.indicators` is.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn indicators(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<IndicatorConnection> {
        nested::<rel::EventIndicators, _, _>(
            ctx,
            self.0.id,
            args(first, after, last, before),
            Indicator,
        )
        .await
    }
    /// Parties' sign-offs: which organisation confirmed which version. A sign-off of an
    /// older version is out of date (`current: false`): the record changed since.
    async fn confirmations(&self, ctx: &Context<'_>) -> Result<Vec<Confirmation>> {
        let rows = loader::all::<rel::EventConfirmations>(ctx, self.0.id).await?;
        Ok(confirmations(rows, self.0.version))
    }
    /// Owner, visibility, source, version and times, as every owned record has them.
    #[graphql(flatten)]
    async fn record(&self) -> OwnedFields {
        OwnedFields::of(&self.0)
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
    /// Title as announced, in the language `lang` or the request's `Accept-Language`.
    async fn title(&self, ctx: &Context<'_>, lang: Option<String>) -> Result<String> {
        let p = &self.0;
        let title =
            localized::<presentation::Entity>(ctx, p.id, "title", Some(&p.title), lang).await?;
        Ok(title.unwrap_or_else(|| p.title.clone()))
    }
    /// Every language's title: English (`en`, the field itself) first, then the others.
    async fn translations(
        &self,
        ctx: &Context<'_>,
        field: Option<String>,
    ) -> Result<Vec<LocalizedText>> {
        let fields = [("title", Some(self.0.title.as_str()))];
        all_forms::<presentation::Entity>(ctx, self.0.id, &fields, field).await
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
    /// What came of the event, in the language `lang` or the request's `Accept-Language`.
    async fn description(&self, ctx: &Context<'_>, lang: Option<String>) -> Result<String> {
        let o = &self.0;
        let text = localized::<event_outcome::Entity>(
            ctx,
            o.id,
            "description",
            Some(&o.description),
            lang,
        )
        .await?;
        Ok(text.unwrap_or_else(|| o.description.clone()))
    }
    /// Every language's description: English (`en`, the field itself) first, then the others.
    async fn translations(
        &self,
        ctx: &Context<'_>,
        field: Option<String>,
    ) -> Result<Vec<LocalizedText>> {
        let fields = [("description", Some(self.0.description.as_str()))];
        all_forms::<event_outcome::Entity>(ctx, self.0.id, &fields, field).await
    }
}

pub struct Participation(pub event_participant::Model);

/// A person in a role at an event, with the title they held then.
#[Object]
impl Participation {
    /// The event.
    async fn event(&self, ctx: &Context<'_>) -> Result<Event> {
        Ok(Event(
            loader::required::<event::Entity>(ctx, self.0.event_id).await?,
        ))
    }
    /// The person.
    async fn person(&self, ctx: &Context<'_>) -> Result<Person> {
        person_by_key(ctx, self.0.person_id).await
    }
    /// The part they played.
    async fn role(&self) -> ParticipantRole {
        self.0.role
    }
    /// The title they held at the time of the event, in the language `lang` or the
    /// request's `Accept-Language`.
    async fn title(&self, ctx: &Context<'_>, lang: Option<String>) -> Result<Option<String>> {
        let english = self.0.title.as_deref();
        localized::<event_participant::Entity>(ctx, self.0.id, "title", english, lang).await
    }
    /// Every language's title: English (`en`, the field itself) first, then the others.
    async fn translations(
        &self,
        ctx: &Context<'_>,
        field: Option<String>,
    ) -> Result<Vec<LocalizedText>> {
        let fields = [("title", self.0.title.as_deref())];
        all_forms::<event_participant::Entity>(ctx, self.0.id, &fields, field).await
    }
    /// The organisation they represented at the time.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        organisation_opt(ctx, self.0.organisation_id).await
    }
}
