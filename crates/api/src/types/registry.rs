use async_graphql::{Context, ID, Object};
use service::entity::{consortium, consortium_member, country, isced_field, source};
use service::rel;

use super::{Adoption, Organisation, TrainingCentre, organisation, organisation_opt};
use crate::connection::*;
use crate::error::Result;
use crate::ids::{Kind, encode};
use crate::loader;
use crate::scalars::{Date, date};

/// Shared: the server's country table holds each once, and a page names a few many times.
pub struct Country(pub std::sync::Arc<country::Model>);

impl Country {
    pub fn new(model: country::Model) -> Self {
        Country(std::sync::Arc::new(model))
    }
}

/// A country or region (ISO 3166-1 alpha-2). Hong Kong, Macao and Taiwan are regions.
#[Object]
impl Country {
    /// The country's global id.
    pub async fn id(&self) -> ID {
        encode(Kind::Country, &self.0.code)
    }
    /// ISO 3166-1 alpha-2 code, e.g. `CN`, `HK`, `DE`.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Name in English.
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }
    /// Name in Chinese.
    async fn name_zh(&self) -> &str {
        &self.0.name_zh
    }
    /// Whether reports count it as a region rather than a country (Hong Kong, Macao, Taiwan, territories).
    async fn is_region(&self) -> bool {
        self.0.is_region
    }
    /// Organisations based here, by name.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn organisations(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<OrganisationConnection> {
        nested::<rel::CountryOrganisations, _, _>(
            ctx,
            self.0.code.clone(),
            args(first, after, last, before),
            Organisation,
        )
        .await
    }
    /// Adoptions of curriculum standards here, latest first.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn adoptions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<AdoptionConnection> {
        nested::<rel::CountryAdoptions, _, _>(
            ctx,
            self.0.code.clone(),
            args(first, after, last, before),
            Adoption,
        )
        .await
    }
    /// Training centres here, by name.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn training_centres(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<TrainingCentreConnection> {
        nested::<rel::CountryCentres, _, _>(
            ctx,
            self.0.code.clone(),
            args(first, after, last, before),
            TrainingCentre,
        )
        .await
    }
}

pub struct FieldOfEducation(pub isced_field::Model);

/// An ISCED-F 2013 field of education and training.
#[Object]
impl FieldOfEducation {
    /// The field's global id.
    pub async fn id(&self) -> ID {
        encode(Kind::FieldOfEducation, &self.0.code)
    }
    /// ISCED-F code: 2 digits (broad), 3 (narrow) or 4 (detailed), e.g. `0912`.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Name in English.
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }
    /// The broader field this one belongs to.
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<FieldOfEducation>> {
        field_opt(ctx, &self.0.parent_code).await
    }
}

pub(crate) async fn field_opt(
    ctx: &Context<'_>,
    code: &Option<String>,
) -> Result<Option<FieldOfEducation>> {
    match code {
        Some(code) => Ok(loader::one::<isced_field::Entity>(ctx, code.clone())
            .await?
            .map(FieldOfEducation)),
        None => Ok(None),
    }
}

pub struct Source(pub source::Model);

/// Where a record's facts come from: a news article or document.
#[Object]
impl Source {
    /// The source's global id.
    pub async fn id(&self) -> ID {
        encode(Kind::Source, self.0.id)
    }
    /// Address of the article, where known.
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }
    /// Headline or title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Who published it.
    async fn publisher(&self) -> Option<&str> {
        self.0.publisher.as_deref()
    }
    /// Byline as given.
    async fn author(&self) -> Option<&str> {
        self.0.author.as_deref()
    }
    /// Incremented by every change.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When it was archived; archived entries are left out of lists.
    async fn archived_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.archived_at
    }
    /// Publication date, where given.
    async fn published_on(&self) -> Option<Date> {
        date(self.0.published_on)
    }
}

pub struct Consortium(pub consortium::Model);

/// A consortium: a coordinating organisation and its member universities.
#[Object]
impl Consortium {
    /// The consortium's global id.
    pub async fn id(&self) -> ID {
        encode(Kind::Consortium, self.0.id)
    }
    /// Name in English.
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }
    /// Name in Chinese.
    async fn name_zh(&self) -> Option<&str> {
        self.0.name_zh.as_deref()
    }
    /// The coordinating organisation (e.g. UNESCO-ICHEI for Shenzhen), if designated.
    async fn coordinator(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        organisation_opt(ctx, self.0.coordinator_id).await
    }
    /// Incremented by every change.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When it was archived; archived entries are left out of lists.
    async fn archived_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.archived_at
    }
    /// The members, with their membership dates.
    async fn members(&self, ctx: &Context<'_>) -> Result<Vec<Membership>> {
        Ok(loader::all::<rel::ConsortiumMembers>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(Membership)
            .collect())
    }
}

pub struct Membership(pub consortium_member::Model);

/// An organisation's membership of a consortium.
#[Object]
impl Membership {
    /// The consortium.
    async fn consortium(&self, ctx: &Context<'_>) -> Result<Consortium> {
        Ok(Consortium(
            loader::required::<consortium::Entity>(ctx, self.0.consortium_id).await?,
        ))
    }
    /// The member organisation.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        organisation(ctx, self.0.organisation_id).await
    }
    /// When it joined, where known.
    async fn joined_on(&self) -> Option<Date> {
        date(self.0.joined_on)
    }
    /// When it left, if it has.
    async fn left_on(&self) -> Option<Date> {
        date(self.0.left_on)
    }
}
