//! Relay connections. Every list is a `XConnection` with `edges`, `nodes`, `pageInfo`
//! and `totalCount`; the count runs only when a client asks for it.
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use async_graphql::{Context, Object, SimpleObject};
use service::query::RootList;
use service::{PageArgs, Record, Relation, Scope, Slice};

use crate::agreements::Agreement;
use crate::agreements::Signature;
use crate::audit::AuditEntry;
use crate::centres::TrainingCentre;
use crate::consortia::Consortium;
use crate::countries::Country;
use crate::error::{Result, svc};
use crate::events::{Event, Participation, Presentation};
use crate::indicators::Indicator;
use crate::loader;
use crate::organisations::Organisation;
use crate::partnerships::Partnership;
use crate::people::{Affiliation, Person};
use crate::sources::Source;
use crate::standards::{Adoption, CurriculumStandard};
use crate::statistics::StatisticsRecord;
use crate::tokens::Token;
use crate::webhooks::{WebhookDelivery, WebhookEndpoint};

type CountFuture = Pin<Box<dyn Future<Output = Result<u64>> + Send>>;

/// The deferred `totalCount` of a connection: it runs only when a client asks.
pub struct Total(Arc<dyn Fn() -> CountFuture + Send + Sync>);

/// A page of `T` with its cursors; the named connection types below wrap it.
pub struct Page<T> {
    items: Vec<(String, T)>,
    has_next: bool,
    has_previous: bool,
    total: Total,
}

impl<T> Page<T> {
    fn page_info(&self) -> PageInfo {
        PageInfo {
            has_previous_page: self.has_previous,
            has_next_page: self.has_next,
            start_cursor: self.items.first().map(|(c, _)| c.clone()),
            end_cursor: self.items.last().map(|(c, _)| c.clone()),
        }
    }

    async fn total_count(&self) -> Result<u64> {
        (self.total.0)().await
    }
}

/// Where a page sits in its list.
#[derive(SimpleObject)]
pub struct PageInfo {
    /// Whether items come before this page (pass `startCursor` as `before` to get them).
    pub has_previous_page: bool,
    /// Whether items come after this page (pass `endCursor` as `after` to get them).
    pub has_next_page: bool,
    /// The cursor of the first item of the page.
    pub start_cursor: Option<String>,
    /// The cursor of the last item of the page.
    pub end_cursor: Option<String>,
}

/// Declares `XConnection` and `XEdge` for a node type.
macro_rules! connection {
    ($($node:ident: $conn:ident, $edge:ident, $what:literal;)*) => {$(
        #[doc = concat!("A page of ", $what, " with cursors and the total count.")]
        pub struct $conn(pub Page<$node>);

        #[doc = concat!("A page of ", $what, " with cursors and the total count.")]
        #[Object]
        impl $conn {
            /// The items of this page, each with its cursor.
            async fn edges(&self) -> Vec<$edge<'_>> {
                self.0.items.iter().map(|(cursor, node)| $edge { cursor, node }).collect()
            }
            /// The items of this page, without cursors.
            async fn nodes(&self) -> Vec<&$node> {
                self.0.items.iter().map(|(_, node)| node).collect()
            }
            /// Where this page sits in the list.
            async fn page_info(&self) -> PageInfo {
                self.0.page_info()
            }
            /// How many items the whole list has, across all pages (only those the caller may read).
            async fn total_count(&self) -> Result<u64> {
                self.0.total_count().await
            }
        }

        #[doc = concat!("One of ", $what, " in a page, with its cursor.")]
        pub struct $edge<'a> {
            cursor: &'a str,
            node: &'a $node,
        }

        #[doc = concat!("One of ", $what, " in a page, with its cursor.")]
        #[Object]
        impl<'a> $edge<'a> {
            /// Pass as `after` (or `before`) to page on from this item.
            async fn cursor(&self) -> &str {
                self.cursor
            }
            /// The item.
            async fn node(&self) -> &$node {
                self.node
            }
        }

        impl From<Page<$node>> for $conn {
            fn from(page: Page<$node>) -> Self {
                $conn(page)
            }
        }
    )*};
}

connection! {
    Country: CountryConnection, CountryEdge, "countries and regions";
    Source: SourceConnection, SourceEdge, "sources";
    Organisation: OrganisationConnection, OrganisationEdge, "organisations";
    Consortium: ConsortiumConnection, ConsortiumEdge, "consortia";
    Person: PersonConnection, PersonEdge, "people";
    Affiliation: AffiliationConnection, AffiliationEdge, "affiliations";
    Participation: ParticipationConnection, ParticipationEdge, "participations in events";
    Signature: SignatureConnection, SignatureEdge, "signatures and witnesses of agreements";
    Event: EventConnection, EventEdge, "events";
    Presentation: PresentationConnection, PresentationEdge, "presentations";
    Agreement: AgreementConnection, AgreementEdge, "agreements";
    CurriculumStandard: CurriculumStandardConnection, CurriculumStandardEdge, "curriculum standards";
    Adoption: AdoptionConnection, AdoptionEdge, "adoptions of curriculum standards";
    TrainingCentre: TrainingCentreConnection, TrainingCentreEdge, "training centres";
    Indicator: IndicatorConnection, IndicatorEdge, "reported indicators";
    Partnership: PartnershipConnection, PartnershipEdge, "partnerships";
    Token: TokenConnection, TokenEdge, "bearer tokens";
    AuditEntry: AuditEntryConnection, AuditEntryEdge, "audit log entries";
    StatisticsRecord: StatisticsRecordConnection, StatisticsRecordEdge, "records behind a figure";
    WebhookEndpoint: WebhookEndpointConnection, WebhookEndpointEdge, "webhook endpoints";
    WebhookDelivery: WebhookDeliveryConnection, WebhookDeliveryEdge, "webhook deliveries";
}

/// What a page costs against the complexity limit: its size times what each item costs,
/// so `first: 100` inside `first: 100` is priced as the 10,000 items it can return.
pub fn page_cost(first: Option<i32>, last: Option<i32>, child_complexity: usize) -> usize {
    let size = first.or(last).map_or(service::DEFAULT_PAGE_SIZE, |n| {
        n.clamp(0, service::MAX_PAGE_SIZE as i32) as u64
    });
    1 + size as usize * child_complexity
}

/// The Relay arguments of every connection field.
pub fn args(
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> PageArgs {
    PageArgs {
        first,
        after,
        last,
        before,
    }
}

fn build<M, T>(slice: Slice<M>, wrap: impl Fn(M) -> T, total: Total) -> Page<T> {
    let cursors: Vec<String> = (0..slice.items.len()).map(|i| slice.cursor(i)).collect();
    Page {
        items: cursors
            .into_iter()
            .zip(slice.items.into_iter().map(wrap))
            .collect(),
        has_next: slice.has_next,
        has_previous: slice.has_previous,
        total,
    }
}

/// A page of a root list: the list carries the filter and order.
pub async fn root<E, T, C>(
    ctx: &Context<'_>,
    list: RootList<E>,
    args: PageArgs,
    wrap: impl Fn(E::Model) -> T,
) -> Result<C>
where
    E: Record,
    C: From<Page<T>>,
{
    let scope = ctx.data_unchecked::<Scope>().clone();
    let asked = ctx.look_ahead().field("totalCount").exists();
    let slice = svc(scope.list(&list, &args, asked).await)?;
    let known = slice.total;
    let total = Total(Arc::new(move || {
        let scope = scope.clone();
        let list = list.clone();
        Box::pin(async move {
            match known {
                Some(n) => Ok(n),
                None => svc(scope.count(&list).await),
            }
        })
    }));
    Ok(build(slice, wrap, total).into())
}

/// A page read already, with its length known (`totalCount` costs nothing more).
pub fn loaded<M, T, C>(slice: Slice<M>, wrap: impl Fn(M) -> T) -> C
where
    C: From<Page<T>>,
{
    let known = slice.total.unwrap_or(0);
    let total = Total(Arc::new(move || Box::pin(async move { Ok(known) })));
    build(slice, wrap, total).into()
}

/// A page of the children of `parent` through `R`, batched with its siblings' pages.
pub async fn nested<R, T, C>(
    ctx: &Context<'_>,
    parent: R::Key,
    args: PageArgs,
    wrap: impl Fn(service::ChildModel<R>) -> T,
) -> Result<C>
where
    R: Relation,
    C: From<Page<T>>,
{
    let page = svc(service::page_of::<R>(&args, &parent))?;
    let slice = loader::page::<R>(ctx, parent.clone(), page).await?;
    let known = slice.total;
    let shared = loader::shared(ctx);
    let total = Total(Arc::new(move || {
        let shared = shared.clone();
        let parent = parent.clone();
        Box::pin(async move {
            match known {
                Some(n) => Ok(n),
                None => loader::count::<R>(&shared, parent).await,
            }
        })
    }));
    Ok(build(slice, wrap, total).into())
}

/// An organisation's nested list, with its units' records as its own when
/// `include_units` (the recursive read is in [`service::rel::WithUnits`]).
pub async fn nested_with_units<R, T, C>(
    ctx: &Context<'_>,
    organisation: i64,
    include_units: bool,
    args: PageArgs,
    wrap: impl Fn(service::ChildModel<R>) -> T,
) -> Result<C>
where
    R: Relation<Key = i64>,
    C: From<Page<T>>,
{
    if include_units {
        nested::<service::rel::WithUnits<R>, T, C>(ctx, organisation, args, wrap).await
    } else {
        nested::<R, T, C>(ctx, organisation, args, wrap).await
    }
}
