//! What the inputs share: decoding global ids into keys (a bad one names its field),
//! patches, dates, sort orders, and the declarations that every resource repeats (an
//! order input, archive and restore, a root list), written once as macros.
//!
//! Values are parsed by the service's domain types (`service::domain`); this module only
//! turns GraphQL's shapes into the service's.
use async_graphql::{Enum, ID, InputObject, MaybeUndefined};
use chrono::NaiveDate;
use service::domain::{CountryCode, IscedCode};
use service::query::DateRange;
use service::write::Patch;

use crate::error::{Result, svc};
use crate::ids::{Kind, decode_as};
use crate::scalars::Date;

/// The key of a record of `kind` named by a global id; `field` names it for errors.
pub(crate) fn key(field: &str, kind: Kind, id: &ID) -> Result<i64> {
    decode_as(field, kind, id)
}

pub(crate) fn opt_key(field: &str, kind: Kind, id: &Option<ID>) -> Result<Option<i64>> {
    id.as_ref().map(|id| key(field, kind, id)).transpose()
}

/// Keys of a list of ids, each named `field.<index>` for errors.
pub(crate) fn keys(field: &str, kind: Kind, ids: &[ID]) -> Result<Vec<i64>> {
    ids.iter()
        .enumerate()
        .map(|(i, id)| key(&format!("{field}.{i}"), kind, id))
        .collect()
}

/// An update's field that may be cleared: absent leaves it, null clears it.
pub(crate) fn patch<T>(value: MaybeUndefined<T>) -> Patch<T> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(v)),
    }
}

pub(crate) fn patch_key(field: &str, kind: Kind, value: MaybeUndefined<ID>) -> Result<Patch<i64>> {
    Ok(match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(id) => Some(Some(key(field, kind, &id)?)),
    })
}

pub(crate) fn patch_date(value: MaybeUndefined<Date>) -> Patch<NaiveDate> {
    patch(value).map(|d| d.map(|d| d.0))
}

pub(crate) fn date(d: Option<Date>) -> Option<NaiveDate> {
    d.map(|d| d.0)
}

/// An update: which record, the version the caller last read, and what changes.
pub struct Change<P> {
    pub id: i64,
    pub expected_version: i32,
    pub patch: P,
}

/// Sort direction.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Default)]
#[graphql(remote = "service::query::Direction")]
pub enum OrderDirection {
    /// Smallest or earliest first.
    #[default]
    Asc,
    /// Largest or latest first.
    Desc,
}

/// An inclusive range of dates; either end may be left open.
#[derive(InputObject, Clone, Copy, Default)]
pub struct DateRangeInput {
    /// On or after this date.
    pub from: Option<Date>,
    /// On or before this date.
    pub to: Option<Date>,
}

/// A filter's date range, checked to be in order.
pub(crate) fn range(field: &str, r: &Option<DateRangeInput>) -> Result<DateRange> {
    let r = r.unwrap_or_default();
    svc(DateRange::parse(
        field,
        r.from.map(|d| d.0),
        r.to.map(|d| d.0),
    ))
}

/// A filter's country codes, each parsed as the domain parses them.
pub(crate) fn country_codes(
    field: &str,
    codes: &Option<Vec<String>>,
) -> Result<Option<Vec<String>>> {
    codes
        .as_ref()
        .map(|codes| {
            codes
                .iter()
                .map(|c| svc(CountryCode::parse(field, c)).map(|c| c.as_str().to_owned()))
                .collect()
        })
        .transpose()
}

/// A filter's ISCED-F codes, each parsed as the domain parses them.
pub(crate) fn field_codes(field: &str, codes: &Option<Vec<String>>) -> Result<Option<Vec<String>>> {
    codes
        .as_ref()
        .map(|codes| {
            codes
                .iter()
                .map(|c| svc(IscedCode::parse(field, c)).map(|c| c.as_str().to_owned()))
                .collect()
        })
        .transpose()
}

/// Declares a list's order input (`XOrder { field, direction }`) and its field enum,
/// mirroring the service's order field.
macro_rules! order_input {
    ($(#[$doc:meta])* $input:ident, $field:ident, $remote_name:literal, $remote:path, $default:ident, { $($(#[$vdoc:meta])* $variant:ident),* }) => {
        /// The field to sort by.
        #[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq, Default)]
        #[graphql(remote = $remote_name)]
        pub enum $field {
            /// The default sort field.
            #[default]
            $default,
            $($(#[$vdoc])* $variant),*
        }

        $(#[$doc])*
        #[derive(async_graphql::InputObject, Clone, Copy, Default)]
        pub struct $input {
            /// The field to sort by.
            #[graphql(default)]
            pub field: $field,
            /// The direction.
            #[graphql(default)]
            pub direction: $crate::input::OrderDirection,
        }

        impl $input {
            pub fn parts(order: Option<Self>) -> ($remote, service::query::Direction) {
                let o = order.unwrap_or_default();
                (o.field.into(), o.direction.into())
            }
        }
    };
}
pub(crate) use order_input;

/// Declares a payload carrying one record.
macro_rules! payload {
    ($($name:ident { $field:ident: $ty:ty } $doc:literal;)*) => {$(
        #[doc = $doc]
        #[derive(async_graphql::SimpleObject)]
        pub struct $name {
            /// The record as it is after the mutation.
            pub $field: $ty,
        }
    )*};
}
pub(crate) use payload;

/// Declares an input of just an id and the version the caller last read.
macro_rules! versioned_input {
    ($($name:ident: $doc:literal;)*) => {$(
        #[doc = $doc]
        #[derive(async_graphql::InputObject)]
        pub struct $name {
            /// The record's global id.
            pub id: async_graphql::ID,
            /// The version the caller last read; a stale one is CONFLICT and nothing changes.
            pub expected_version: i32,
        }
    )*};
}
pub(crate) use versioned_input;

/// Declares a record's `archiveX` and `restoreX` mutations, with their inputs and
/// payloads: every archivable record has the same pair.
macro_rules! archiving {
    (
        $mutations:ident for $entity:ty, $node:ident, $kind:ident, $field:ident;
        $archive:ident($archive_input:ident $archive_input_doc:literal) -> $archive_payload:ident $archive_payload_doc:literal, $archive_doc:literal;
        $restore:ident($restore_input:ident $restore_input_doc:literal) -> $restore_payload:ident $restore_payload_doc:literal, $restore_doc:literal;
    ) => {
        $crate::input::versioned_input! {
            $archive_input: $archive_input_doc;
            $restore_input: $restore_input_doc;
        }
        $crate::input::payload! {
            $archive_payload { $field: $node } $archive_payload_doc;
            $restore_payload { $field: $node } $restore_payload_doc;
        }

        #[derive(Default)]
        pub struct $mutations;

        #[async_graphql::Object]
        impl $mutations {
            #[doc = $archive_doc]
            async fn $archive(
                &self,
                ctx: &async_graphql::Context<'_>,
                input: $archive_input,
            ) -> $crate::error::Result<$archive_payload> {
                let id = $crate::input::key("input.id", $crate::ids::Kind::$kind, &input.id)?;
                let record = $crate::error::svc(
                    $crate::record::scope(ctx)
                        .archive::<$entity>(id, input.expected_version, true)
                        .await,
                )?;
                Ok($archive_payload {
                    $field: $node(record),
                })
            }

            #[doc = $restore_doc]
            async fn $restore(
                &self,
                ctx: &async_graphql::Context<'_>,
                input: $restore_input,
            ) -> $crate::error::Result<$restore_payload> {
                let id = $crate::input::key("input.id", $crate::ids::Kind::$kind, &input.id)?;
                let record = $crate::error::svc(
                    $crate::record::scope(ctx)
                        .archive::<$entity>(id, input.expected_version, false)
                        .await,
                )?;
                Ok($restore_payload {
                    $field: $node(record),
                })
            }
        }
    };
}
pub(crate) use archiving;

/// Declares a resource's root list: a connection field with a typed filter, an order and
/// the Relay arguments, answered by the service's `select` for that resource. The
/// filter's `updatedSince` is applied here, once for every list (`RootList::updated_since`).
macro_rules! root_list {
    // Reference data (countries) has no `updated_at`, so no `updatedSince`.
    (reference $(#[$doc:meta])* $query:ident . $name:ident($filter:ty, $order:ty) -> $connection:ty = $select:path, $node:expr) => {
        $crate::input::root_list!(@list $(#[$doc])* $query.$name($filter, $order) -> $connection = $select, $node,
            |_: &Option<$filter>| None::<chrono::DateTime<chrono::Utc>>, |list, _| list);
    };
    ($(#[$doc:meta])* $query:ident . $name:ident($filter:ty, $order:ty) -> $connection:ty = $select:path, $node:expr) => {
        $crate::input::root_list!(@list $(#[$doc])* $query.$name($filter, $order) -> $connection = $select, $node,
            |f: &Option<$filter>| f.as_ref().and_then(|f| f.updated_since).map(|at| at.0),
            |list: service::query::RootList<_>, since| list.updated_since(since));
    };
    (@list $(#[$doc:meta])* $query:ident . $name:ident($filter:ty, $order:ty) -> $connection:ty = $select:path, $node:expr, $since_of:expr, $since:expr) => {
        #[derive(Default)]
        pub struct $query;

        #[async_graphql::Object]
        impl $query {
            $(#[$doc])*
            #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
            async fn $name(
                &self,
                ctx: &async_graphql::Context<'_>,
                filter: Option<$filter>,
                order_by: Option<$order>,
                first: Option<i32>,
                after: Option<String>,
                last: Option<i32>,
                before: Option<String>,
            ) -> $crate::error::Result<$connection> {
                let (field, direction) = <$order>::parts(order_by);
                let since = ($since_of)(&filter);
                let filter = <$filter>::parse(filter)?;
                let list = ($since)($select($crate::record::scope(ctx), &filter, field, direction), since);
                let args = $crate::connection::args(first, after, last, before);
                $crate::connection::root(ctx, list, args, $node).await
            }
        }
    };
}
pub(crate) use root_list;

/// A part of an input (an organisation in a role, a participant) that converts to the
/// service's form; `field` is the input path where it stands, for errors.
pub(crate) trait Part {
    type Parsed;
    fn parse(&self, field: &str) -> Result<Self::Parsed>;
}

/// A list of parts, each at `field.<index>`.
pub(crate) fn parts<P: Part>(field: &str, list: &[P]) -> Result<Vec<P::Parsed>> {
    list.iter()
        .enumerate()
        .map(|(i, p)| p.parse(&format!("{field}.{i}")))
        .collect()
}
