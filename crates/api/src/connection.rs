//! Relay connections. Every list is a `XConnection` with `edges`, `nodes`, `pageInfo`
//! and `totalCount`; the count runs only when a client asks for it.
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Object, OutputType};
use service::{PageArgs, Record, Relation, Scope, Select, Slice};

use crate::error::{Result, svc};
use crate::loader;

type CountFuture = Pin<Box<dyn Future<Output = Result<u64>> + Send>>;

/// The deferred `totalCount` of a connection.
pub struct Total(Arc<dyn Fn() -> CountFuture + Send + Sync>);

#[Object]
impl Total {
    /// How many items the whole list has, across all pages (only those the caller may read).
    async fn total_count(&self) -> Result<u64> {
        (self.0)().await
    }
}

/// A page of `T`.
pub type Conn<T> = Connection<String, T, Total>;

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

fn build<M, T: OutputType>(slice: Slice<M>, wrap: impl Fn(M) -> T, total: Total) -> Conn<T> {
    let cursors: Vec<String> = (0..slice.items.len()).map(|i| slice.cursor(i)).collect();
    let mut conn = Connection::with_additional_fields(slice.has_previous, slice.has_next, total);
    conn.edges.extend(
        slice
            .items
            .into_iter()
            .zip(cursors)
            .map(|(m, c)| Edge::new(c, wrap(m))),
    );
    conn
}

/// A page of a root list: the select carries the filter and order.
pub async fn root<E, T>(
    ctx: &Context<'_>,
    select: Select<E>,
    args: PageArgs,
    wrap: impl Fn(E::Model) -> T,
) -> Result<Conn<T>>
where
    E: Record,
    T: OutputType,
{
    let scope = ctx.data_unchecked::<Scope>().clone();
    let slice = svc(scope.list(select.clone(), &args).await)?;
    let total = Total(Arc::new(move || {
        let scope = scope.clone();
        let select = select.clone();
        Box::pin(async move { svc(scope.count(select).await) })
    }));
    Ok(build(slice, wrap, total))
}

/// A page of the children of `parent` through `R`, batched with its siblings' pages.
pub async fn nested<R, T>(
    ctx: &Context<'_>,
    parent: R::Key,
    args: PageArgs,
    wrap: impl Fn(service::ChildModel<R>) -> T,
) -> Result<Conn<T>>
where
    R: Relation,
    T: OutputType,
{
    let window = svc(args.window())?;
    let slice = loader::window::<R>(ctx, parent.clone(), window).await?;
    let shared = loader::shared(ctx);
    let total = Total(Arc::new(move || {
        let shared = shared.clone();
        let parent = parent.clone();
        Box::pin(async move { loader::count::<R>(&shared, parent).await })
    }));
    Ok(build(slice, wrap, total))
}
