//! The root query: `node`, `nodes` and a connection for every record kind.
// Each list field takes the Relay arguments plus a filter and an order: the arguments
// are the schema, so their number is not a smell here.
#![allow(clippy::too_many_arguments)]

use async_graphql::{Context, ID, Object};
use service::entity::*;
use service::query::{
    agreements, audit, events, indicators, organisations, people, registry, standards,
};
use service::{MAX_PAGE_SIZE, Scope};

use crate::connection::*;
use crate::error::Result;
use crate::ids::{self, Kind};
use crate::inputs::*;
use crate::loader;
use crate::types::*;

/// Read access to Concord. Lists are Relay connections: pass `first`/`after` (or
/// `last`/`before`); pages hold at most 100 items (20 when no size is given).
pub struct Query;

fn scope<'a>(ctx: &Context<'a>) -> &'a Scope {
    ctx.data_unchecked::<Scope>()
}

/// Read access to Concord. Lists are Relay connections: pass `first`/`after` (or
/// `last`/`before`); pages hold at most 100 items (20 when no size is given).
#[Object]
impl Query {
    /// Any record by its global id; null when there is none the caller may read.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Node>> {
        node(ctx, "id", &id).await
    }

    /// Several records by global id, in the order given; null where there is none the
    /// caller may read. At most 100 ids.
    async fn nodes(&self, ctx: &Context<'_>, ids: Vec<ID>) -> Result<Vec<Option<Node>>> {
        if ids.len() as u64 > MAX_PAGE_SIZE {
            return Err(crate::error::bad_input(
                "ids",
                format!("at most {MAX_PAGE_SIZE} ids"),
            ));
        }
        let lookups = ids.iter().map(|id| node(ctx, "ids", id));
        futures_util::future::try_join_all(lookups).await
    }

    /// Who the caller is: role and organisation, from the bearer token.
    async fn viewer(&self) -> Viewer {
        Viewer
    }

    /// Bearer tokens the caller manages: a member admin its organisation's, the
    /// coordinator all. Newest first; revoked ones only with `includeRevoked`.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn tokens(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] include_revoked: bool,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<TokenConnection> {
        let select = audit::select_tokens(scope(ctx), include_revoked);
        root(ctx, select, args(first, after, last, before), Token).await
    }

    /// The audit log: the coordinator sees every entry, a member the entries on records
    /// its organisation owns or maintains. Newest first unless `orderBy: ASC`.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        filter: Option<AuditFilter>,
        order_by: Option<OrderDirection>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<AuditEntryConnection> {
        let direction = order_by
            .map(Into::into)
            .unwrap_or(service::query::Direction::Desc);
        let select = audit::select_audit(scope(ctx), &AuditFilter::parse(filter)?, direction);
        root(ctx, select, args(first, after, last, before), AuditEntry).await
    }

    /// The largest page size a list accepts.
    async fn max_page_size(&self) -> u64 {
        MAX_PAGE_SIZE
    }

    /// Countries and regions (ISO 3166-1), with English and Chinese names.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn countries(
        &self,
        ctx: &Context<'_>,
        filter: Option<CountryFilter>,
        order_by: Option<CountryOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<CountryConnection> {
        let (field, dir) = CountryOrder::parts(order_by);
        let select =
            registry::select_countries(scope(ctx), &CountryFilter::parse(filter)?, field, dir);
        root(ctx, select, args(first, after, last, before), Country::new).await
    }

    /// Consortia of member universities.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn consortia(
        &self,
        ctx: &Context<'_>,
        filter: Option<ConsortiumFilter>,
        order_by: Option<OrderDirection>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<ConsortiumConnection> {
        let select = registry::select_consortia(
            scope(ctx),
            &ConsortiumFilter::parse(filter)?,
            order_by.unwrap_or_default().into(),
        );
        root(ctx, select, args(first, after, last, before), Consortium).await
    }

    /// Organisations in the shared registry.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn organisations(
        &self,
        ctx: &Context<'_>,
        filter: Option<OrganisationFilter>,
        order_by: Option<OrganisationOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<OrganisationConnection> {
        let (field, dir) = OrganisationOrder::parts(order_by);
        let select =
            organisations::select(scope(ctx), &OrganisationFilter::parse(filter)?, field, dir);
        root(ctx, select, args(first, after, last, before), Organisation).await
    }

    /// People in the shared registry.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn people(
        &self,
        ctx: &Context<'_>,
        filter: Option<PersonFilter>,
        order_by: Option<PersonOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<PersonConnection> {
        let (field, dir) = PersonOrder::parts(order_by);
        let select = people::select(scope(ctx), &PersonFilter::parse(filter)?, field, dir);
        root(ctx, select, args(first, after, last, before), Person).await
    }

    /// Events the caller may read.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn events(
        &self,
        ctx: &Context<'_>,
        filter: Option<EventFilter>,
        order_by: Option<EventOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<EventConnection> {
        let (field, dir) = EventOrder::parts(order_by);
        let select = events::select(scope(ctx), &EventFilter::parse(filter)?, field, dir);
        root(ctx, select, args(first, after, last, before), Event).await
    }

    /// Agreements and joint programmes the caller may read.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn agreements(
        &self,
        ctx: &Context<'_>,
        filter: Option<AgreementFilter>,
        order_by: Option<AgreementOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<AgreementConnection> {
        let (field, dir) = AgreementOrder::parts(order_by);
        let select = agreements::select(scope(ctx), &AgreementFilter::parse(filter)?, field, dir);
        root(ctx, select, args(first, after, last, before), Agreement).await
    }

    /// Curriculum standards the caller may read.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn curriculum_standards(
        &self,
        ctx: &Context<'_>,
        filter: Option<CurriculumStandardFilter>,
        order_by: Option<CurriculumStandardOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<CurriculumStandardConnection> {
        let (field, dir) = CurriculumStandardOrder::parts(order_by);
        let select = standards::select_standards(
            scope(ctx),
            &CurriculumStandardFilter::parse(filter)?,
            field,
            dir,
        );
        root(
            ctx,
            select,
            args(first, after, last, before),
            CurriculumStandard,
        )
        .await
    }

    /// Adoptions of curriculum standards the caller may read.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn adoptions(
        &self,
        ctx: &Context<'_>,
        filter: Option<AdoptionFilter>,
        order_by: Option<AdoptionOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<AdoptionConnection> {
        let (field, dir) = AdoptionOrder::parts(order_by);
        let select =
            standards::select_adoptions(scope(ctx), &AdoptionFilter::parse(filter)?, field, dir);
        root(ctx, select, args(first, after, last, before), Adoption).await
    }

    /// Training centres abroad the caller may read.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn training_centres(
        &self,
        ctx: &Context<'_>,
        filter: Option<TrainingCentreFilter>,
        order_by: Option<TrainingCentreOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<TrainingCentreConnection> {
        let (field, dir) = TrainingCentreOrder::parts(order_by);
        let select = standards::select_centres(
            scope(ctx),
            &TrainingCentreFilter::parse(filter)?,
            field,
            dir,
        );
        root(
            ctx,
            select,
            args(first, after, last, before),
            TrainingCentre,
        )
        .await
    }

    /// Reported indicators the caller may read.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn indicators(
        &self,
        ctx: &Context<'_>,
        filter: Option<IndicatorFilter>,
        order_by: Option<IndicatorOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<IndicatorConnection> {
        let (field, dir) = IndicatorOrder::parts(order_by);
        let select = indicators::select(scope(ctx), &IndicatorFilter::parse(filter)?, field, dir);
        root(ctx, select, args(first, after, last, before), Indicator).await
    }

    /// Source articles and documents.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn sources(
        &self,
        ctx: &Context<'_>,
        filter: Option<SourceFilter>,
        order_by: Option<SourceOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<SourceConnection> {
        let (field, dir) = SourceOrder::parts(order_by);
        let select =
            registry::select_sources(scope(ctx), &SourceFilter::parse(filter)?, field, dir);
        root(ctx, select, args(first, after, last, before), Source).await
    }
}

/// Resolves one global id through the loaders (so `nodes` batches by type).
async fn node(ctx: &Context<'_>, field: &str, id: &ID) -> Result<Option<Node>> {
    let (kind, key) = ids::decode(field, id)?;
    let number = || {
        key.parse::<i64>().map_err(|_| {
            crate::error::bad_input(
                field,
                format!("`{}` is not an id this API issued", id.as_str()),
            )
        })
    };
    Ok(match kind {
        Kind::Country => loader::one::<country::Entity>(ctx, key.clone())
            .await?
            .map(|m| Node::Country(Country::new(m))),
        Kind::FieldOfEducation => loader::one::<isced_field::Entity>(ctx, key.clone())
            .await?
            .map(|m| Node::FieldOfEducation(FieldOfEducation(m))),
        Kind::Source => loader::one::<source::Entity>(ctx, number()?)
            .await?
            .map(|m| Node::Source(Source(m))),
        Kind::Organisation => loader::one::<organisation::Entity>(ctx, number()?)
            .await?
            .map(|m| Node::Organisation(Organisation(m))),
        Kind::Consortium => loader::one::<consortium::Entity>(ctx, number()?)
            .await?
            .map(|m| Node::Consortium(Consortium(m))),
        Kind::Person => loader::one::<person::Entity>(ctx, number()?)
            .await?
            .map(|m| Node::Person(Person(m))),
        Kind::Event => loader::one::<event::Entity>(ctx, number()?)
            .await?
            .map(|m| Node::Event(Event(m))),
        Kind::Presentation => loader::one::<presentation::Entity>(ctx, number()?)
            .await?
            .map(|m| Node::Presentation(Presentation(m))),
        Kind::Agreement => loader::one::<agreement::Entity>(ctx, number()?)
            .await?
            .map(|m| Node::Agreement(Agreement(m))),
        Kind::CurriculumStandard => loader::one::<curriculum_standard::Entity>(ctx, number()?)
            .await?
            .map(|m| Node::CurriculumStandard(CurriculumStandard(m))),
        Kind::Adoption => loader::one::<adoption::Entity>(ctx, number()?)
            .await?
            .map(|m| Node::Adoption(Adoption(m))),
        Kind::TrainingCentre => loader::one::<training_centre::Entity>(ctx, number()?)
            .await?
            .map(|m| Node::TrainingCentre(TrainingCentre(m))),
        Kind::Indicator => loader::one::<indicator::Entity>(ctx, number()?)
            .await?
            .map(|m| Node::Indicator(Indicator(m))),
        Kind::Token => loader::one::<api_token::Entity>(ctx, number()?)
            .await?
            .map(|m| Node::Token(Token(m))),
        Kind::AuditEntry => loader::one::<audit_entry::Entity>(ctx, number()?)
            .await?
            .map(|m| Node::AuditEntry(AuditEntry(m))),
    })
}
