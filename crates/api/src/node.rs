//! Any record by its global id (`node`, `nodes`), who the caller is (`viewer`), and the
//! page size limit: the root fields no single resource owns.
use async_graphql::{Context, ID, Interface, Object};
use service::MAX_PAGE_SIZE;
use service::entity::*;
use service::rel;

use crate::agreements::Agreement;
use crate::audit::AuditEntry;
use crate::centres::TrainingCentre;
use crate::consortia::Consortium;
use crate::countries::{Country, FieldOfEducation};
use crate::error::{Result, bad_input};
use crate::events::{Event, Presentation};
use crate::ids::{self, Kind};
use crate::indicators::Indicator;
use crate::loader;
use crate::organisations::Organisation;
use crate::partnerships::Partnership;
use crate::people::Person;
use crate::sources::Source;
use crate::standards::{Adoption, CurriculumStandard};
use crate::tokens::{Token, Viewer};
use crate::webhooks::{WebhookDelivery, WebhookEndpoint};

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
    Partnership(Partnership),
    Token(Token),
    AuditEntry(AuditEntry),
    WebhookEndpoint(WebhookEndpoint),
    WebhookDelivery(WebhookDelivery),
}

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Any record by its global id; null when there is none the caller may read.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Node>> {
        node(ctx, "id", &id).await
    }

    /// Several records by global id, in the order given; null where there is none the
    /// caller may read. At most 100 ids.
    async fn nodes(&self, ctx: &Context<'_>, ids: Vec<ID>) -> Result<Vec<Option<Node>>> {
        if ids.len() as u64 > MAX_PAGE_SIZE {
            return Err(bad_input("ids", format!("at most {MAX_PAGE_SIZE} ids")));
        }
        let lookups = ids.iter().map(|id| node(ctx, "ids", id));
        futures_util::future::try_join_all(lookups).await
    }

    /// Who the caller is: role and organisation, from the bearer token.
    async fn viewer(&self) -> Viewer {
        Viewer
    }
}

#[derive(Default)]
pub struct PageSizeQuery;

#[Object]
impl PageSizeQuery {
    /// The largest page size a list accepts.
    async fn max_page_size(&self) -> u64 {
        MAX_PAGE_SIZE
    }
}

/// Resolves one global id through the loaders (so `nodes` batches by type).
pub(crate) async fn node(ctx: &Context<'_>, field: &str, id: &ID) -> Result<Option<Node>> {
    let (kind, key) = ids::decode(field, id)?;
    let number = || {
        key.parse::<i64>().map_err(|_| {
            bad_input(
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
        // A merged duplicate's id resolves to its survivor, so links to it keep working.
        // Duplicates are archived: only an archived record costs the look-up.
        Kind::Organisation => match loader::one::<organisation::Entity>(ctx, number()?).await? {
            Some(m) if m.archived_at.is_some() => {
                match loader::all::<rel::OrganisationMergedInto>(ctx, m.id)
                    .await?
                    .first()
                {
                    Some(merge) => {
                        loader::one::<organisation::Entity>(ctx, merge.survivor_id).await?
                    }
                    None => Some(m),
                }
            }
            found => found,
        }
        .map(|m| Node::Organisation(Organisation(m))),
        Kind::Consortium => loader::one::<consortium::Entity>(ctx, number()?)
            .await?
            .map(|m| Node::Consortium(Consortium(m))),
        Kind::Person => match loader::one::<person::Entity>(ctx, number()?).await? {
            Some(m) if m.archived_at.is_some() => {
                match loader::all::<rel::PersonMergedInto>(ctx, m.id)
                    .await?
                    .first()
                {
                    Some(merge) => loader::one::<person::Entity>(ctx, merge.survivor_id).await?,
                    None => Some(m),
                }
            }
            found => found,
        }
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
        Kind::Partnership => loader::one::<partnership::Entity>(ctx, number()?)
            .await?
            .map(|m| Node::Partnership(Partnership(m))),
        Kind::Token => loader::one::<api_token::Entity>(ctx, number()?)
            .await?
            .map(|m| Node::Token(Token(m))),
        Kind::AuditEntry => loader::one::<audit_entry::Entity>(ctx, number()?)
            .await?
            .map(|m| Node::AuditEntry(AuditEntry(m))),
        Kind::WebhookEndpoint => loader::one::<webhook_endpoint::Entity>(ctx, number()?)
            .await?
            .map(|m| Node::WebhookEndpoint(WebhookEndpoint(m))),
        Kind::WebhookDelivery => loader::one::<webhook_delivery::Entity>(ctx, number()?)
            .await?
            .map(|m| Node::WebhookDelivery(WebhookDelivery(m))),
    })
}
