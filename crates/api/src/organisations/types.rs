//! The organisation object types.
use crate::scalars::DateTime;
use async_graphql::{Context, ID, Object};
use service::entity::enums::{NameKind, OrganisationKind};
use service::entity::{organisation, organisation_identifier, organisation_name};
use service::rel;

use crate::agreements::Agreement;
use crate::centres::TrainingCentre;
use crate::connection::*;
use crate::consortia::Membership;
use crate::countries::{Country, country_opt};
use crate::error::Result;
use crate::events::Event;
use crate::ids::{Kind, encode};
use crate::indicators::Indicator;
use crate::loader;
use crate::partnerships::Partnership;
use crate::people::Affiliation;
use crate::record::{organisation_opt, source_opt};
use crate::sources::Source;
use crate::standards::{Adoption, CurriculumStandard};
use crate::translations::name_among;
use service::translations::Translation;

pub struct Organisation(pub organisation::Model);

/// An organisation in the shared registry: a university, one of its units (school,
/// department, lab, office), a company, a government body, an international organisation
/// or an association.
#[Object]
impl Organisation {
    /// The organisation's global id.
    pub async fn id(&self) -> ID {
        encode(Kind::Organisation, self.0.id)
    }
    /// What sort of body it is.
    async fn kind(&self) -> OrganisationKind {
        self.0.kind
    }
    /// Name in English.
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }
    /// Name in Chinese, where known.
    async fn name_zh(&self) -> Option<&str> {
        self.0.name_zh.as_deref()
    }
    /// Name in the language `lang` or the request's `Accept-Language`: Chinese for a
    /// `zh` tag when known, a further name (`names`) in another wanted language,
    /// otherwise English.
    async fn name(&self, ctx: &Context<'_>, lang: Option<String>) -> Result<String> {
        let o = &self.0;
        // Official names in other languages first, then other names (not acronyms).
        let others = async {
            let mut names = loader::all::<rel::OrganisationNames>(ctx, o.id).await?;
            names.retain(|n| n.kind != NameKind::Acronym);
            names.sort_by_key(|n| n.kind != NameKind::Label);
            Ok(names
                .into_iter()
                .map(|n| Translation {
                    field: "name".into(),
                    lang: n.lang,
                    text: n.value,
                })
                .collect())
        };
        name_among(ctx, lang, &o.name_en, o.name_zh.as_deref(), others).await
    }
    /// Usual abbreviation, e.g. `SUSTech`.
    async fn abbreviation(&self) -> Option<&str> {
        self.0.abbreviation.as_deref()
    }
    /// Further names by language and kind (former names, aliases, acronyms).
    async fn names(&self, ctx: &Context<'_>) -> Result<Vec<OrganisationName>> {
        Ok(loader::all::<rel::OrganisationNames>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(OrganisationName)
            .collect())
    }
    /// External identifiers other than the ROR id.
    async fn identifiers(&self, ctx: &Context<'_>) -> Result<Vec<ExternalIdentifier>> {
        Ok(loader::all::<rel::OrganisationIdentifiers>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(ExternalIdentifier)
            .collect())
    }
    /// The country or region it is based in.
    async fn country(&self, ctx: &Context<'_>) -> Result<Option<Country>> {
        country_opt(ctx, &self.0.country_code).await
    }
    /// City.
    async fn city(&self) -> Option<&str> {
        self.0.city.as_deref()
    }
    /// Postal address.
    async fn address(&self) -> Option<&str> {
        self.0.address.as_deref()
    }
    /// Website.
    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }
    /// ROR identifier (https://ror.org), where known.
    async fn ror_id(&self) -> Option<&str> {
        self.0.ror_id.as_deref()
    }
    /// The organisation this unit belongs to; null for a top-level organisation.
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        organisation_opt(ctx, self.0.parent_id).await
    }
    /// Units (schools, departments, labs, offices), by name.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn units(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<OrganisationConnection> {
        nested::<rel::OrganisationUnits, _, _>(
            ctx,
            self.0.id,
            args(first, after, last, before),
            Organisation,
        )
        .await
    }
    /// Consortia it belongs to.
    async fn memberships(&self, ctx: &Context<'_>) -> Result<Vec<Membership>> {
        Ok(loader::all::<rel::OrganisationMemberships>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(Membership)
            .collect())
    }
    /// Events it took part in, in any role, latest first.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn events(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default = true,
            desc = "Whether its units (schools, centres, offices, at any depth) count as its own."
        )]
        include_units: bool,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<EventConnection> {
        let args = args(first, after, last, before);
        nested_with_units::<rel::OrganisationEvents, _, _>(
            ctx,
            self.0.id,
            include_units,
            args,
            Event,
        )
        .await
    }
    /// Agreements it is a party to, latest first.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn agreements(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default = true,
            desc = "Whether its units (schools, centres, offices, at any depth) count as its own."
        )]
        include_units: bool,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<AgreementConnection> {
        let args = args(first, after, last, before);
        nested_with_units::<rel::OrganisationAgreements, _, _>(
            ctx,
            self.0.id,
            include_units,
            args,
            Agreement,
        )
        .await
    }
    /// Curriculum standards it developed, by title.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn curriculum_standards(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default = true,
            desc = "Whether its units (schools, centres, offices, at any depth) count as its own."
        )]
        include_units: bool,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<CurriculumStandardConnection> {
        let args = args(first, after, last, before);
        nested_with_units::<rel::OrganisationStandards, _, _>(
            ctx,
            self.0.id,
            include_units,
            args,
            CurriculumStandard,
        )
        .await
    }
    /// Adoptions of standards by this organisation as the adopting institution.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn adoptions(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default = true,
            desc = "Whether its units (schools, centres, offices, at any depth) count as its own."
        )]
        include_units: bool,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<AdoptionConnection> {
        let args = args(first, after, last, before);
        nested_with_units::<rel::OrganisationAdoptions, _, _>(
            ctx,
            self.0.id,
            include_units,
            args,
            Adoption,
        )
        .await
    }
    /// Training centres abroad it operates, by name.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn operated_centres(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default = true,
            desc = "Whether its units (schools, centres, offices, at any depth) count as its own."
        )]
        include_units: bool,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<TrainingCentreConnection> {
        let args = args(first, after, last, before);
        nested_with_units::<rel::OrganisationOperatedCentres, _, _>(
            ctx,
            self.0.id,
            include_units,
            args,
            TrainingCentre,
        )
        .await
    }
    /// Training centres it hosts as the local partner institution, by name.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn partner_centres(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default = true,
            desc = "Whether its units (schools, centres, offices, at any depth) count as its own."
        )]
        include_units: bool,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<TrainingCentreConnection> {
        let args = args(first, after, last, before);
        nested_with_units::<rel::OrganisationPartnerCentres, _, _>(
            ctx,
            self.0.id,
            include_units,
            args,
            TrainingCentre,
        )
        .await
    }
    /// Its partners: the partnerships it (or a unit) is the member of, latest first.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn partners(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default = true,
            desc = "Whether its units (schools, centres, offices, at any depth) count as its own."
        )]
        include_units: bool,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<PartnershipConnection> {
        let args = args(first, after, last, before);
        nested_with_units::<rel::OrganisationPartners, _, _>(
            ctx,
            self.0.id,
            include_units,
            args,
            Partnership,
        )
        .await
    }
    /// The partnerships it (or a unit) is the partner in, latest first.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn partner_of(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default = true,
            desc = "Whether its units (schools, centres, offices, at any depth) count as its own."
        )]
        include_units: bool,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<PartnershipConnection> {
        let args = args(first, after, last, before);
        nested_with_units::<rel::OrganisationPartnerOf, _, _>(
            ctx,
            self.0.id,
            include_units,
            args,
            Partnership,
        )
        .await
    }
    /// People affiliated with it, with their titles.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn affiliations(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<AffiliationConnection> {
        nested::<rel::OrganisationAffiliations, _, _>(
            ctx,
            self.0.id,
            args(first, after, last, before),
            Affiliation,
        )
        .await
    }
    /// Figures it reported, latest period first.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn indicators(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default = true,
            desc = "Whether its units (schools, centres, offices, at any depth) count as its own."
        )]
        include_units: bool,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<IndicatorConnection> {
        let args = args(first, after, last, before);
        nested_with_units::<rel::OrganisationIndicators, _, _>(
            ctx,
            self.0.id,
            include_units,
            args,
            Indicator,
        )
        .await
    }
    /// The article it was first named in.
    async fn source(&self, ctx: &Context<'_>) -> Result<Option<Source>> {
        source_opt(ctx, self.0.source_id).await
    }
    /// The ids of duplicates merged into this organisation; `node(id:)` with any of
    /// them returns this organisation.
    async fn merged_from(&self, ctx: &Context<'_>) -> Result<Vec<ID>> {
        Ok(loader::all::<rel::OrganisationMergedFrom>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(|m| encode(Kind::Organisation, m.duplicate_id))
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
    /// When the record was created.
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }
    /// When the record last changed.
    async fn updated_at(&self) -> DateTime {
        self.0.updated_at.into()
    }
}

pub struct OrganisationName(pub organisation_name::Model);

/// A further name of an organisation.
#[Object]
impl OrganisationName {
    /// BCP 47 language tag, e.g. `en`, `zh`.
    async fn lang(&self) -> &str {
        &self.0.lang
    }
    /// How the name is used.
    async fn kind(&self) -> NameKind {
        self.0.kind
    }
    /// The name.
    async fn value(&self) -> &str {
        &self.0.value
    }
}

pub struct ExternalIdentifier(pub organisation_identifier::Model);

/// An identifier of an organisation in another register.
#[Object]
impl ExternalIdentifier {
    /// The register, e.g. `SCHAC`, `ERASMUS`, `WIKIDATA`.
    async fn scheme(&self) -> &str {
        &self.0.scheme
    }
    /// The identifier in that register.
    async fn value(&self) -> &str {
        &self.0.value
    }
}
