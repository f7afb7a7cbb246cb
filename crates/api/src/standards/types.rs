//! The curriculum standard and adoption object types.
use async_graphql::{Context, ID, Object};
use service::entity::enums::AdoptionKind;
use service::entity::{adoption, curriculum_standard};
use service::rel;

use crate::connection::*;
use crate::countries::{Country, FieldOfEducation, country_opt, field_opt};
use crate::error::Result;
use crate::ids::{Kind, encode};
use crate::loader;
use crate::organisations::Organisation;
use crate::record::{OwnedFields, organisation, organisation_opt, source_opt};
use crate::scalars::{Date, date};
use crate::sources::Source;
use crate::translations::{LocalizedText, all_forms, localized};

pub struct CurriculumStandard(pub curriculum_standard::Model);

/// A professional curriculum standard developed by a member, and where it was taken up.
#[Object]
impl CurriculumStandard {
    /// The standard's global id.
    pub async fn id(&self) -> ID {
        encode(Kind::CurriculumStandard, self.0.id)
    }
    /// Title, in the language `lang` or the request's `Accept-Language` (see `translations`).
    async fn title(&self, ctx: &Context<'_>, lang: Option<String>) -> Result<String> {
        let s = &self.0;
        let title =
            localized::<curriculum_standard::Entity>(ctx, s.id, "title", Some(&s.title), lang)
                .await?;
        Ok(title.unwrap_or_else(|| s.title.clone()))
    }
    /// Every language's text of the title: English (`en`, the field itself) first.
    async fn translations(
        &self,
        ctx: &Context<'_>,
        field: Option<String>,
    ) -> Result<Vec<LocalizedText>> {
        let fields = [("title", Some(self.0.title.as_str()))];
        all_forms::<curriculum_standard::Entity>(ctx, self.0.id, &fields, field).await
    }
    /// The developer's own code for it.
    async fn code(&self) -> Option<&str> {
        self.0.code.as_deref()
    }
    /// Field of education (ISCED-F 2013).
    async fn field(&self, ctx: &Context<'_>) -> Result<Option<FieldOfEducation>> {
        field_opt(ctx, &self.0.isced_code).await
    }
    /// Level, e.g. `higher vocational`.
    async fn level(&self) -> Option<&str> {
        self.0.level.as_deref()
    }
    /// The standard's own edition or version label (not the record's `version`).
    async fn edition(&self) -> Option<&str> {
        self.0.edition.as_deref()
    }
    /// When it was issued.
    async fn issued_on(&self) -> Option<Date> {
        date(self.0.issued_on)
    }
    /// The organisation that developed it.
    async fn developer(&self, ctx: &Context<'_>) -> Result<Organisation> {
        organisation(ctx, self.0.developer_id).await
    }
    /// Where it was recognised, adopted or piloted, by country.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn adoptions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<AdoptionConnection> {
        nested::<rel::StandardAdoptions, _, _>(
            ctx,
            self.0.id,
            args(first, after, last, before),
            Adoption,
        )
        .await
    }
    /// Owner, visibility, source, version and times, as every owned record has them.
    #[graphql(flatten)]
    async fn record(&self) -> OwnedFields {
        OwnedFields::of(&self.0)
    }
}

pub struct Adoption(pub adoption::Model);

/// The recognition, adoption or pilot of a curriculum standard in a country or region,
/// optionally by a named institution. Readable exactly when its standard is.
#[Object]
impl Adoption {
    /// The adoption's global id.
    pub async fn id(&self) -> ID {
        encode(Kind::Adoption, self.0.id)
    }
    /// The standard taken up.
    async fn standard(&self, ctx: &Context<'_>) -> Result<CurriculumStandard> {
        Ok(CurriculumStandard(
            loader::required::<curriculum_standard::Entity>(ctx, self.0.standard_id).await?,
        ))
    }
    /// The country or region.
    async fn country(&self, ctx: &Context<'_>) -> Result<Option<Country>> {
        country_opt(ctx, &Some(self.0.country_code.clone())).await
    }
    /// The adopting institution, where named.
    async fn institution(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        organisation_opt(ctx, self.0.institution_id).await
    }
    /// Recognised, adopted or piloted.
    async fn kind(&self) -> AdoptionKind {
        self.0.kind
    }
    /// When.
    async fn adopted_on(&self) -> Option<Date> {
        date(self.0.adopted_on)
    }
    /// What shows it (a letter, a decree, an article).
    async fn evidence(&self) -> Option<&str> {
        self.0.evidence.as_deref()
    }
    /// The article it comes from.
    async fn source(&self, ctx: &Context<'_>) -> Result<Option<Source>> {
        source_opt(ctx, self.0.source_id).await
    }
}
