//! Batch loading for nested fields: the keys a page's resolvers ask for before the
//! request next stalls are loaded in one statement (`crate::batch`), so the statements
//! of a request do not grow with page size.
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::sync::Arc;

use async_graphql::Context;
use async_graphql::dataloader::Loader;
use service::translations::Translation;
use service::{ChildModel, Joined, JoinedModel, Keyed, Page, Record, Relation, Scope, Slice};

use crate::error::{Result, ServiceError};

/// The request's loaders, all reading through the caller's scope.
pub struct Loaders {
    scope: Scope,
}

impl Loaders {
    pub fn new(scope: Scope) -> Self {
        Loaders { scope }
    }
}

type LoadError = Arc<service::Error>;

/// The loader a request carries; its cache lives as long as the request.
pub type RequestLoader = crate::batch::Batcher<Loaders>;

/// A record of `E` by primary key.
pub struct ByKey<E: Record>(pub <E::Model as Keyed>::Key, PhantomData<fn() -> E>)
where
    E::Model: Keyed;

/// Children of a parent through `R`: a page of them, or all (`None`).
pub struct Children<R: Relation>(pub R::Key, pub Option<Page>, PhantomData<fn() -> R>);

/// All children of a parent through `R`, each with the record it points at.
pub struct JoinedChildren<R: Joined>(pub R::Key, PhantomData<fn() -> R>);

/// How many children a parent has through `R`.
pub struct Count<R: Relation>(pub R::Key, PhantomData<fn() -> R>);

macro_rules! key_traits {
    ($name:ident < $p:ident : $bound:ident > $(where $w:ty : $wb:ident)?, $($field:tt),*) => {
        impl<$p: $bound> Clone for $name<$p> $(where $w: $wb)? {
            fn clone(&self) -> Self {
                $name($(self.$field.clone()),*, PhantomData)
            }
        }
        impl<$p: $bound> PartialEq for $name<$p> $(where $w: $wb)? {
            fn eq(&self, other: &Self) -> bool {
                true $(&& self.$field == other.$field)*
            }
        }
        impl<$p: $bound> Eq for $name<$p> $(where $w: $wb)? {}
        impl<$p: $bound> Hash for $name<$p> $(where $w: $wb)? {
            fn hash<H: Hasher>(&self, state: &mut H) {
                $(self.$field.hash(state);)*
            }
        }
    };
}
key_traits!(ByKey<E: Record> where E::Model: Keyed, 0);
key_traits!(Children<R: Relation>, 0, 1);
key_traits!(Count<R: Relation>, 0);
key_traits!(JoinedChildren<R: Joined>, 0);

impl<E> Loader<ByKey<E>> for Loaders
where
    E: Record,
    E::Model: Keyed + Clone,
    <E::Model as Keyed>::Key: 'static,
{
    type Value = E::Model;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[ByKey<E>],
    ) -> std::result::Result<HashMap<ByKey<E>, E::Model>, LoadError> {
        let raw: Vec<_> = keys.iter().map(|k| k.0.clone()).collect();
        let found = self.scope.by_keys::<E>(&raw).await.map_err(Arc::new)?;
        Ok(found
            .into_iter()
            .map(|(k, v)| (ByKey(k, PhantomData), v))
            .collect())
    }
}

impl<R: Relation> Loader<Children<R>> for Loaders {
    type Value = Slice<ChildModel<R>>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[Children<R>],
    ) -> std::result::Result<HashMap<Children<R>, Self::Value>, LoadError> {
        // Keys asking for the same page are answered together.
        let mut by_page: HashMap<Option<Page>, Vec<R::Key>> = HashMap::new();
        for k in keys {
            by_page.entry(k.1.clone()).or_default().push(k.0.clone());
        }
        let mut out = HashMap::new();
        for (page, parents) in by_page {
            let pages = self
                .scope
                .children::<R>(&parents, page.as_ref())
                .await
                .map_err(Arc::new)?;
            out.extend(
                pages
                    .into_iter()
                    .map(|(p, s)| (Children(p, page.clone(), PhantomData), s)),
            );
        }
        Ok(out)
    }
}

impl<R: Joined> Loader<JoinedChildren<R>> for Loaders {
    type Value = Vec<(ChildModel<R>, Option<JoinedModel<R>>)>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[JoinedChildren<R>],
    ) -> std::result::Result<HashMap<JoinedChildren<R>, Self::Value>, LoadError> {
        let parents: Vec<_> = keys.iter().map(|k| k.0.clone()).collect();
        let pages = self
            .scope
            .children_joined::<R>(&parents)
            .await
            .map_err(Arc::new)?;
        Ok(pages
            .into_iter()
            .map(|(p, s)| (JoinedChildren(p, PhantomData), s.items))
            .collect())
    }
}

impl<R: Relation> Loader<Count<R>> for Loaders {
    type Value = u64;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[Count<R>],
    ) -> std::result::Result<HashMap<Count<R>, u64>, LoadError> {
        let parents: Vec<_> = keys.iter().map(|k| k.0.clone()).collect();
        let counts = self
            .scope
            .child_counts::<R>(&parents)
            .await
            .map_err(Arc::new)?;
        Ok(counts
            .into_iter()
            .map(|(p, n)| (Count(p, PhantomData), n))
            .collect())
    }
}

/// A record's texts in other languages: its type (`Translatable::KIND`) and key as text.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct TextsOf(pub &'static str, pub String);

impl Loader<TextsOf> for Loaders {
    type Value = Vec<Translation>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[TextsOf],
    ) -> std::result::Result<HashMap<TextsOf, Vec<Translation>>, LoadError> {
        let records: Vec<_> = keys.iter().map(|k| (k.0, k.1.clone())).collect();
        let found = self.scope.translations(&records).await.map_err(Arc::new)?;
        Ok(found
            .into_iter()
            .map(|((kind, key), texts)| (TextsOf(kind, key), texts))
            .collect())
    }
}

/// The computed value of a reported figure (its definition, organisation and period).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Computed(pub service::statistics::Reported);

impl Loader<Computed> for Loaders {
    type Value = u64;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[Computed],
    ) -> std::result::Result<HashMap<Computed, u64>, LoadError> {
        let reported: Vec<_> = keys.iter().map(|k| k.0.clone()).collect();
        let values = self.scope.computed_for(&reported).await.map_err(Arc::new)?;
        Ok(values.into_iter().map(|(k, v)| (Computed(k), v)).collect())
    }
}

/// The computed value of a reported figure, batched with the page's other figures.
pub async fn computed(ctx: &Context<'_>, reported: service::statistics::Reported) -> Result<u64> {
    Ok(loader(ctx)
        .load_one(Computed(reported))
        .await
        .map_err(ServiceError::from)?
        .unwrap_or(0))
}

/// The first page of a breakdown row's records: rows of one breakdown (one frame, code
/// and dimension) asking for the same page size are loaded together.
#[derive(Clone)]
pub struct RowRecords {
    pub frame: Arc<service::statistics::Frame>,
    pub code: service::entity::enums::IndicatorCode,
    pub dimension: service::statistics::Dimension,
    pub key: Option<String>,
    pub first: Option<i32>,
}

impl RowRecords {
    fn batch(
        &self,
    ) -> (
        usize,
        service::entity::enums::IndicatorCode,
        service::statistics::Dimension,
        Option<i32>,
    ) {
        (
            Arc::as_ptr(&self.frame) as usize,
            self.code,
            self.dimension,
            self.first,
        )
    }
}

impl PartialEq for RowRecords {
    fn eq(&self, other: &Self) -> bool {
        self.batch() == other.batch() && self.key == other.key
    }
}
impl Eq for RowRecords {}
impl Hash for RowRecords {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.batch().hash(state);
        self.key.hash(state);
    }
}

impl Loader<RowRecords> for Loaders {
    type Value = service::statistics::RecordSlice;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[RowRecords],
    ) -> std::result::Result<HashMap<RowRecords, Self::Value>, LoadError> {
        let mut batches: HashMap<_, Vec<&RowRecords>> = HashMap::new();
        for k in keys {
            batches.entry(k.batch()).or_default().push(k);
        }
        let mut out = HashMap::new();
        for rows in batches.into_values() {
            let first = rows[0];
            let wanted: Vec<Option<String>> = rows.iter().map(|r| r.key.clone()).collect();
            let args = service::PageArgs {
                first: first.first,
                ..Default::default()
            };
            let pages = self
                .scope
                .first_pages(&first.frame, first.code, first.dimension, &wanted, &args)
                .await
                .map_err(Arc::new)?;
            for row in rows {
                if let Some(page) = pages.get(&row.key) {
                    out.insert(row.clone(), page.clone());
                }
            }
        }
        Ok(out)
    }
}

/// The first page of a breakdown row's records, batched with the other rows'.
pub async fn row_records(
    ctx: &Context<'_>,
    key: RowRecords,
) -> Result<Option<service::statistics::RecordSlice>> {
    Ok(loader(ctx)
        .load_one(key)
        .await
        .map_err(ServiceError::from)?)
}

fn loader<'a>(ctx: &Context<'a>) -> &'a RequestLoader {
    ctx.data_unchecked::<Arc<RequestLoader>>()
}

/// A readable record by key, or `None`.
pub async fn one<E>(ctx: &Context<'_>, key: <E::Model as Keyed>::Key) -> Result<Option<E::Model>>
where
    E: Record,
    E::Model: Keyed + Clone,
    <E::Model as Keyed>::Key: 'static,
{
    Ok(loader(ctx)
        .load_one(ByKey::<E>(key, PhantomData))
        .await
        .map_err(ServiceError::from)?)
}

/// A record that must exist and be readable because a readable record points at it
/// (a foreign key). Missing means the rule and the data disagree: an internal error.
pub async fn required<E>(ctx: &Context<'_>, key: <E::Model as Keyed>::Key) -> Result<E::Model>
where
    E: Record,
    E::Model: Keyed + Clone,
    <E::Model as Keyed>::Key: 'static + std::fmt::Debug,
{
    match one::<E>(ctx, key.clone()).await? {
        Some(m) => Ok(m),
        None => {
            tracing::error!(?key, "a required related record is missing");
            Err(ServiceError(service::Error::NotFound).into())
        }
    }
}

/// Every child of `parent` through `R`.
pub async fn all<R: Relation>(ctx: &Context<'_>, parent: R::Key) -> Result<Vec<ChildModel<R>>> {
    Ok(loader(ctx)
        .load_one(Children::<R>(parent, None, PhantomData))
        .await
        .map_err(ServiceError::from)?
        .map(|s| s.items)
        .unwrap_or_default())
}

/// Every child of `parent` through `R`. The records they point at come in the same
/// statement and go into the request's cache, where their resolvers find them.
pub async fn all_joined<R: Joined>(
    ctx: &Context<'_>,
    parent: R::Key,
) -> Result<Vec<ChildModel<R>>> {
    let loader = loader(ctx);
    let rows = loader
        .load_one(JoinedChildren::<R>(parent, PhantomData))
        .await
        .map_err(ServiceError::from)?
        .unwrap_or_default();
    Ok(rows
        .into_iter()
        .map(|(child, target)| {
            if let Some(target) = target {
                loader.prime(ByKey::<R::Target>(target.key(), PhantomData), target);
            }
            child
        })
        .collect())
}

/// One page of the children of `parent` through `R`.
pub async fn page<R: Relation>(
    ctx: &Context<'_>,
    parent: R::Key,
    page: Page,
) -> Result<Slice<ChildModel<R>>> {
    Ok(loader(ctx)
        .load_one(Children::<R>(parent, Some(page.clone()), PhantomData))
        .await
        .map_err(ServiceError::from)?
        .unwrap_or_else(|| Slice::empty(&page)))
}

/// How many children `parent` has through `R`.
pub async fn count<R: Relation>(loader: &RequestLoader, parent: R::Key) -> Result<u64> {
    Ok(loader
        .load_one(Count::<R>(parent, PhantomData))
        .await
        .map_err(ServiceError::from)?
        .unwrap_or(0))
}

/// The request's loader, for a resolver that defers work (such as `totalCount`).
pub fn shared(ctx: &Context<'_>) -> Arc<RequestLoader> {
    ctx.data_unchecked::<Arc<RequestLoader>>().clone()
}

/// Several records by key, in the order of `keys`, loaded in one batch; unreadable ones
/// are left out.
pub async fn many<E>(
    ctx: &Context<'_>,
    keys: Vec<<E::Model as Keyed>::Key>,
) -> Result<Vec<E::Model>>
where
    E: Record,
    E::Model: Keyed + Clone,
    <E::Model as Keyed>::Key: 'static,
{
    let found = loader(ctx)
        .load_many(
            keys.iter()
                .cloned()
                .map(|k| ByKey::<E>(k, PhantomData))
                .collect(),
        )
        .await
        .map_err(ServiceError::from)?;
    Ok(keys
        .into_iter()
        .filter_map(|k| found.get(&ByKey::<E>(k, PhantomData)).cloned())
        .collect())
}

/// The texts in other languages of record `key` of type `kind` (one the caller has
/// read), loaded with those of every other record the request's resolvers ask about.
pub async fn texts(ctx: &Context<'_>, kind: &'static str, key: String) -> Result<Vec<Translation>> {
    Ok(loader(ctx)
        .load_one(TextsOf(kind, key))
        .await
        .map_err(ServiceError::from)?
        .unwrap_or_default())
}
