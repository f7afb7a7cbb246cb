//! What every root list shares: the [`RootList`] a resource's `select` builds from
//! `Scope::find` (so visibility is applied before any filter), and the pieces its filters
//! are made of.
use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, Query};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, Select};

use crate::page::Keyset;
use crate::{Error, Principal, Record, Result};

/// Ascending or descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    #[default]
    Asc,
    Desc,
}

impl From<Direction> for sea_orm::Order {
    fn from(d: Direction) -> Self {
        match d {
            Direction::Asc => sea_orm::Order::Asc,
            Direction::Desc => sea_orm::Order::Desc,
        }
    }
}

/// An inclusive date range; either end may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DateRange {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl DateRange {
    /// Checks the range is in order; `field` names the input for the error.
    pub fn parse(field: &str, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<Self> {
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            return Err(Error::bad_input(
                field,
                format!("`{field}.from` is after `{field}.to`"),
            ));
        }
        Ok(DateRange { from, to })
    }

    pub(crate) fn condition(&self, column: impl ColumnTrait) -> Condition {
        let mut c = Condition::all();
        if let Some(from) = self.from {
            c = c.add(column.gte(from));
        }
        if let Some(to) = self.to {
            c = c.add(column.lte(to));
        }
        c
    }
}

/// Case-insensitive substring match on any of `columns`. `%`, `_` and `\` in the
/// search text match themselves.
pub(crate) fn text_match<C: ColumnTrait>(
    search: &str,
    columns: impl IntoIterator<Item = C>,
) -> Condition {
    let escaped = search
        .trim()
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    let pattern = format!("%{escaped}%");
    columns.into_iter().fold(Condition::any(), |c, column| {
        c.add(
            Expr::expr(Func::lower(Expr::col(column)))
                .like(LikeExpr::new(pattern.clone()).escape('\\')),
        )
    })
}

/// `column IN (values)`, when a filter lists values.
pub(crate) fn one_of<C: ColumnTrait, V: Into<sea_orm::Value> + Clone>(
    column: C,
    values: &Option<Vec<V>>,
) -> Option<Condition> {
    values
        .as_ref()
        .map(|v| Condition::all().add(column.is_in(v.iter().cloned())))
}

/// `column IN (values)` for a filter whose values are ids of records of `E` that have a
/// read rule: only the ids the caller may read count, so an id of a hidden record
/// matches exactly what an id of no record matches (nothing), and a filter never tells
/// that a hidden record exists or where it is used.
pub(crate) fn one_of_readable<E: Record>(
    principal: &Principal,
    column: impl ColumnTrait,
    ids: &Option<Vec<i64>>,
) -> Option<Condition> {
    let ids = ids.as_ref()?;
    let key = crate::scope::primary_column::<E>();
    let readable = Query::select()
        .column((E::default(), key))
        .from(E::default())
        .and_where(Expr::col((E::default(), key)).is_in(ids.iter().copied()))
        .cond_where(E::readable_by(principal))
        .to_owned();
    Some(Condition::all().add(column.in_subquery(readable)))
}

/// ISCED-F codes: a broad or narrow code also matches the fields beneath it.
pub(crate) fn field_prefixes(
    column: impl ColumnTrait + Copy,
    codes: &Option<Vec<String>>,
) -> Option<Condition> {
    codes.as_ref().map(|codes| {
        codes
            .iter()
            .fold(Condition::any(), |c, code| c.add(column.starts_with(code)))
    })
}

/// Adds the optional conditions to `all`.
pub(crate) fn all_of(parts: impl IntoIterator<Item = Option<Condition>>) -> Condition {
    parts
        .into_iter()
        .flatten()
        .fold(Condition::all(), |c, p| c.add(p))
}

/// Lists show live records unless asked for archived ones (`Some(true)`), which only
/// their owner and the coordinator can read.
pub(crate) fn archived(column: impl ColumnTrait, archived: Option<bool>) -> Option<Condition> {
    Some(Condition::all().add(if archived == Some(true) {
        column.is_not_null()
    } else {
        column.is_null()
    }))
}

/// A table whose rows carry the time they last changed (`updated_at`), so that its list
/// can be read from a time on (`updatedSince`) and sorted by it.
pub trait Dated: EntityTrait {
    fn updated_at() -> Self::Column;
}

macro_rules! dated {
    ($($m:ident),*) => {$(
        impl Dated for entity::$m::Entity {
            fn updated_at() -> Self::Column {
                entity::$m::Column::UpdatedAt
            }
        }
    )*};
}
dated!(
    event,
    agreement,
    curriculum_standard,
    adoption,
    training_centre,
    indicator,
    organisation,
    person,
    source,
    consortium,
    partnership
);

/// A root list: the readable rows its filter keeps, and the keys they are paged by,
/// the last one always the primary key. The order is kept apart from the select so that
/// `Scope::list` can choose a page by key first and read whole rows for it alone.
#[derive(Clone)]
pub struct RootList<E: EntityTrait> {
    pub(crate) select: Select<E>,
    order: Vec<(E::Column, bool)>,
    /// Whether the select carries a search's rank (`page::RANK`), which sorts first.
    pub(crate) ranked: bool,
}

impl<E: EntityTrait> RootList<E> {
    pub fn new(select: Select<E>) -> Self {
        RootList {
            select,
            order: Vec::new(),
            ranked: false,
        }
    }

    /// The rows of a search (`crate::search::matching`), best match first: the rank
    /// leads the order and the cursors.
    pub(crate) fn ranked(mut self) -> Self {
        self.ranked = true;
        self
    }

    /// Only the rows changed at or after `since` (inclusive: a client that asks from the
    /// latest `updatedAt` it saw misses nothing written in the same instant).
    pub fn updated_since(mut self, since: Option<chrono::DateTime<chrono::Utc>>) -> Self
    where
        E: Dated,
    {
        if let Some(since) = since {
            self.select = self.select.filter(E::updated_at().gte(since));
        }
        self
    }

    /// Then by `column`; a nullable column sorts its nulls last either way.
    pub fn by(mut self, column: E::Column, direction: Direction) -> Self {
        self.order.push((column, direction == Direction::Asc));
        self
    }

    /// The total order the list is paged in (the primary key last, in the direction of
    /// the first key).
    pub(crate) fn keyset(&self) -> Keyset<E> {
        let tiebreak = self.order.first().is_none_or(|(_, asc)| *asc);
        if self.ranked {
            Keyset::ranked("list", self.order.clone(), tiebreak)
        } else {
            Keyset::new("list", self.order.clone(), tiebreak)
        }
    }
}
