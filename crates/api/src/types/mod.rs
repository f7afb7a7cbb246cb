//! The GraphQL object types. Each wraps a service model; relations resolve through the
//! request's loaders, so nested fields cost one statement per field per page.
use async_graphql::{Context, ID, Interface};
use service::entity::{country, event, organisation, person, source};

use crate::error::Result;
use crate::loader;

mod admin;
mod agreement;
mod event_type;
mod indicator;
mod org;
mod people;
mod registry;
mod standard;

pub use admin::*;
pub use agreement::*;
pub use event_type::*;
pub use indicator::*;
pub use org::*;
pub use people::*;
pub use registry::*;
pub use standard::*;

/// Anything with a global id: `node(id:)` fetches it.
#[derive(Interface)]
#[graphql(field(
    name = "id",
    ty = "ID",
    desc = "The record's global id, accepted by `node(id:)`."
))]
pub enum Node {
    Country(Country),
    FieldOfEducation(FieldOfEducation),
    Source(Source),
    Organisation(Organisation),
    Consortium(Consortium),
    Person(Person),
    Event(Event),
    Presentation(Presentation),
    Agreement(Agreement),
    CurriculumStandard(CurriculumStandard),
    Adoption(Adoption),
    TrainingCentre(TrainingCentre),
    Indicator(Indicator),
    Token(Token),
    AuditEntry(AuditEntry),
}

/// The organisation a foreign key names (organisations are readable by everyone).
async fn organisation(ctx: &Context<'_>, id: i64) -> Result<Organisation> {
    Ok(Organisation(
        loader::required::<organisation::Entity>(ctx, id).await?,
    ))
}

async fn organisation_opt(ctx: &Context<'_>, id: Option<i64>) -> Result<Option<Organisation>> {
    match id {
        Some(id) => Ok(Some(organisation(ctx, id).await?)),
        None => Ok(None),
    }
}

async fn person(ctx: &Context<'_>, id: i64) -> Result<Person> {
    Ok(Person(loader::required::<person::Entity>(ctx, id).await?))
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

async fn country_opt(ctx: &Context<'_>, code: &Option<String>) -> Result<Option<Country>> {
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

async fn source_opt(ctx: &Context<'_>, id: Option<i64>) -> Result<Option<Source>> {
    match id {
        Some(id) => Ok(loader::one::<source::Entity>(ctx, id).await?.map(Source)),
        None => Ok(None),
    }
}

/// An event, if the caller may read it: a readable record may point at a hidden one.
async fn event_opt(ctx: &Context<'_>, id: Option<i64>) -> Result<Option<Event>> {
    match id {
        Some(id) => Ok(loader::one::<event::Entity>(ctx, id).await?.map(Event)),
        None => Ok(None),
    }
}
