//! The person object types.
use crate::scalars::DateTime;
use async_graphql::{Context, ID, Object};
use service::entity::{affiliation, person};
use service::rel;

use crate::agreements::Signature;
use crate::connection::*;
use crate::error::Result;
use crate::events::Participation;
use crate::events::Presentation;
use crate::ids::{Kind, encode};
use crate::loader;
use crate::organisations::Organisation;
use crate::record::{organisation, person as person_by_key, source_opt};
use crate::scalars::{Date, date};
use crate::sources::Source;
use crate::translations::{LocalizedText, all_forms, localized};

pub struct Person(pub person::Model);

/// A person in the shared registry. Names keep the family-name-first form the sources use.
#[Object]
impl Person {
    /// The person's global id.
    pub async fn id(&self) -> ID {
        encode(Kind::Person, self.0.id)
    }
    /// Family name, e.g. `JIANG`.
    async fn family_name(&self) -> &str {
        &self.0.family_name
    }
    /// Given name, e.g. `Hong`.
    async fn given_name(&self) -> Option<&str> {
        self.0.given_name.as_deref()
    }
    /// The name as the sources write it: family name first for Chinese names
    /// (`JIANG Hong`), given name first otherwise (`Armin Kienle`).
    async fn display_name(&self) -> String {
        service::people::display_name(&self.0)
    }
    /// Name in Chinese characters, where known.
    async fn name_zh(&self) -> Option<&str> {
        self.0.name_zh.as_deref()
    }
    /// Positions held, with titles and dates.
    async fn affiliations(&self, ctx: &Context<'_>) -> Result<Vec<Affiliation>> {
        Ok(loader::all::<rel::PersonAffiliations>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(Affiliation)
            .collect())
    }
    /// Roles at events, latest event first.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn participations(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<ParticipationConnection> {
        nested::<rel::PersonParticipations, _, _>(
            ctx,
            self.0.id,
            args(first, after, last, before),
            Participation,
        )
        .await
    }
    /// Presentations given, latest event first.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn presentations(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<PresentationConnection> {
        nested::<rel::PersonPresentations, _, _>(
            ctx,
            self.0.id,
            args(first, after, last, before),
            Presentation,
        )
        .await
    }
    /// Agreements signed or witnessed, latest first.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn signatures(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<SignatureConnection> {
        nested::<rel::PersonSignatures, _, _>(
            ctx,
            self.0.id,
            args(first, after, last, before),
            Signature,
        )
        .await
    }
    /// The ids of duplicates merged into this person; `node(id:)` with any of them
    /// returns this person.
    async fn merged_from(&self, ctx: &Context<'_>) -> Result<Vec<ID>> {
        Ok(loader::all::<rel::PersonMergedFrom>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(|m| encode(Kind::Person, m.duplicate_id))
            .collect())
    }
    /// Incremented by every change.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When it was archived; archived records are left out of lists.
    async fn archived_at(&self) -> Option<DateTime> {
        self.0.archived_at.map(DateTime)
    }
    /// The article the person was first named in.
    async fn source(&self, ctx: &Context<'_>) -> Result<Option<Source>> {
        source_opt(ctx, self.0.source_id).await
    }
}

pub struct Affiliation(pub affiliation::Model);

/// A person's position at an organisation over a period.
#[Object]
impl Affiliation {
    /// The person.
    async fn person(&self, ctx: &Context<'_>) -> Result<Person> {
        person_by_key(ctx, self.0.person_id).await
    }
    /// The organisation or unit.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        organisation(ctx, self.0.organisation_id).await
    }
    /// Title, e.g. `Vice President for Global Strategies`, in the language `lang` or the
    /// request's `Accept-Language`.
    async fn title(&self, ctx: &Context<'_>, lang: Option<String>) -> Result<Option<String>> {
        let english = self.0.title.as_deref();
        localized::<affiliation::Entity>(ctx, self.0.id, "title", english, lang).await
    }
    /// Every language's title: English (`en`, the field itself) first, then the others.
    async fn translations(
        &self,
        ctx: &Context<'_>,
        field: Option<String>,
    ) -> Result<Vec<LocalizedText>> {
        let fields = [("title", self.0.title.as_deref())];
        all_forms::<affiliation::Entity>(ctx, self.0.id, &fields, field).await
    }
    /// Start of the position, where known.
    async fn started_on(&self) -> Option<Date> {
        date(self.0.started_on)
    }
    /// End of the position, if it has ended.
    async fn ended_on(&self) -> Option<Date> {
        date(self.0.ended_on)
    }
}
