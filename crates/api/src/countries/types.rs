//! The country and field-of-education object types (reference data).
use async_graphql::{Context, ID, Object};
use service::entity::{country, isced_field, world_region};
use service::rel;

use crate::centres::TrainingCentre;
use crate::connection::*;
use crate::error::Result;
use crate::ids::{Kind, encode};
use crate::loader;
use crate::organisations::Organisation;
use crate::standards::Adoption;
use crate::translations::{LocalizedText, all_forms, localized, name_in};

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
    /// Name in the language `lang` or the request's `Accept-Language`: Chinese for a
    /// `zh` tag, otherwise English.
    async fn name(&self, ctx: &Context<'_>, lang: Option<String>) -> Result<String> {
        name_in(ctx, lang, &self.0.name_en, Some(&self.0.name_zh))
    }
    /// Whether reports count it as a region rather than a country (Hong Kong, Macao, Taiwan, territories).
    async fn is_region(&self) -> bool {
        self.0.is_region
    }
    /// The world region (UN M49 continent) it lies in; Hong Kong, Macao and Taiwan in
    /// Asia. None for Antarctica.
    async fn world_region(&self, ctx: &Context<'_>) -> Result<Option<WorldRegion>> {
        world_region_opt(ctx, &self.0.region_code).await
    }
    /// Its world sub-region (UN M49's finest level, e.g. Eastern Asia).
    async fn world_subregion(&self, ctx: &Context<'_>) -> Result<Option<WorldRegion>> {
        world_region_opt(ctx, &self.0.subregion_code).await
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

/// A world region (UN M49): a continent or a sub-region of one (reference data).
pub struct WorldRegion(pub world_region::Model);

/// A world region (UN M49): a continent, or a sub-region of one.
#[Object]
impl WorldRegion {
    /// M49 code, e.g. `142` (Asia), `030` (Eastern Asia).
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
    /// Name in the language `lang` or the request's `Accept-Language`: Chinese for a
    /// `zh` tag, otherwise English.
    async fn name(&self, ctx: &Context<'_>, lang: Option<String>) -> Result<String> {
        name_in(ctx, lang, &self.0.name_en, Some(&self.0.name_zh))
    }
    /// The larger region it belongs to (none for a continent).
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<WorldRegion>> {
        world_region_opt(ctx, &self.0.parent_code).await
    }
}

pub(crate) async fn world_region_opt(
    ctx: &Context<'_>,
    code: &Option<String>,
) -> Result<Option<WorldRegion>> {
    match code {
        Some(code) => Ok(loader::one::<world_region::Entity>(ctx, code.clone())
            .await?
            .map(WorldRegion)),
        None => Ok(None),
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
    /// Name in the language `lang` or the request's `Accept-Language` (Chinese names
    /// for every field; English when a language has none).
    async fn name(&self, ctx: &Context<'_>, lang: Option<String>) -> Result<String> {
        let f = &self.0;
        let name =
            localized::<isced_field::Entity>(ctx, &f.code, "name", Some(&f.name_en), lang).await?;
        Ok(name.unwrap_or_else(|| f.name_en.clone()))
    }
    /// Every language's name: English (`en`) first, then the others.
    async fn translations(
        &self,
        ctx: &Context<'_>,
        field: Option<String>,
    ) -> Result<Vec<LocalizedText>> {
        let fields = [("name", Some(self.0.name_en.as_str()))];
        all_forms::<isced_field::Entity>(ctx, &self.0.code, &fields, field).await
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

/// The countries and regions, read once per server: they are reference data that only
/// migrations change, and nearly every record names one, so looking them up in memory
/// saves a statement per level of most queries. (`node(id)` and `countries` still read
/// the table.)
#[derive(Default, Clone)]
pub(crate) struct CountryTable(
    std::sync::Arc<
        tokio::sync::OnceCell<std::collections::HashMap<String, std::sync::Arc<country::Model>>>,
    >,
);

pub(crate) async fn country_opt(
    ctx: &Context<'_>,
    code: &Option<String>,
) -> Result<Option<Country>> {
    let Some(code) = code else {
        return Ok(None);
    };
    // `schema_with` always installs the table.
    let table = ctx.data_unchecked::<CountryTable>();
    let scope = ctx.data_unchecked::<service::Scope>();
    let all = table
        .0
        .get_or_try_init(|| async {
            let rows = scope.all::<country::Entity>().await?;
            Ok::<_, service::Error>(
                rows.into_iter()
                    .map(|c| (c.code.clone(), std::sync::Arc::new(c)))
                    .collect(),
            )
        })
        .await
        .map_err(|e| crate::error::to_gql(&e))?;
    Ok(all.get(code).cloned().map(Country))
}
