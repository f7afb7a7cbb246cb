//! Relay pagination by keyset. A cursor names its row by the row's sort keys and primary
//! key, so the next page starts right after that row whatever was inserted or archived
//! since (an offset counted from the start moved with every such change), and the
//! database seeks to it through an index instead of counting its way there.
//!
//! A cursor is `cc2:<tag>:<keys>` in base64url: the tag is a hash of the list and its
//! ordering (and, for a nested list, its parent), so a cursor of another list or
//! ordering is refused rather than read as a position in this one; the keys are the
//! row's sort values, last of all its primary key, which makes every order total.
use std::hash::{Hash, Hasher};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{
    ColumnType, Expr, ExprTrait, NullOrdering, Order, SelectStatement, WindowStatement,
};
use sea_orm::{ColumnTrait, Condition, EntityTrait, IdenStatic, ModelTrait, Value};
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The largest page a client may ask for; larger `first`/`last` are rejected, not cut.
pub const MAX_PAGE_SIZE: u64 = 100;
/// The page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE_SIZE: u64 = 20;

const CURSOR_PREFIX: &str = "cc2:";
const OFFSET_PREFIX: &str = "cc1:";

/// The Relay arguments as a client sent them.
#[derive(Debug, Clone, Default)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

impl PageArgs {
    pub fn forward(first: u64) -> Self {
        PageArgs {
            first: Some(first as i32),
            ..Default::default()
        }
    }
}

/// One sort value of a row, as a cursor carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) enum Key {
    #[serde(rename = "n")]
    Null,
    #[serde(rename = "i")]
    Int(i64),
    #[serde(rename = "f")]
    Float(f64),
    #[serde(rename = "s")]
    Text(String),
    #[serde(rename = "d")]
    Date(NaiveDate),
    #[serde(rename = "t")]
    Time(DateTime<Utc>),
}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        std::mem::discriminant(self).hash(state);
        match self {
            Key::Null => {}
            Key::Int(n) => n.hash(state),
            Key::Float(f) => f.to_bits().hash(state),
            Key::Text(s) => s.hash(state),
            Key::Date(d) => d.hash(state),
            Key::Time(t) => t.hash(state),
        }
    }
}

// A cursor's keys only come back equal if they were equal: NaN is never a sort value.
impl Eq for Key {}

impl Key {
    fn of(value: Value) -> Key {
        match value {
            Value::TinyInt(Some(n)) => Key::Int(n.into()),
            Value::SmallInt(Some(n)) => Key::Int(n.into()),
            Value::Int(Some(n)) => Key::Int(n.into()),
            Value::BigInt(Some(n)) => Key::Int(n),
            Value::Float(Some(f)) => Key::Float(f.into()),
            Value::Double(Some(f)) => Key::Float(f),
            Value::String(Some(s)) => Key::Text(s),
            Value::ChronoDate(Some(d)) => Key::Date(d),
            Value::ChronoDateTimeUtc(Some(t)) => Key::Time(t),
            _ => Key::Null,
        }
    }

    /// The value to compare a column of type `column` with: `Ok(None)` for null, `Err`
    /// when the key cannot be a value of that column (a cursor made up by hand).
    fn value(&self, column: &ColumnType, nullable: bool) -> std::result::Result<Option<Value>, ()> {
        use ColumnType as T;
        Ok(Some(match (self, column) {
            (Key::Null, _) if nullable => return Ok(None),
            (Key::Int(n), T::Integer | T::SmallInteger | T::TinyInteger) => {
                Value::Int(Some(i32::try_from(*n).map_err(|_| ())?))
            }
            (Key::Int(n), T::BigInteger) => Value::BigInt(Some(*n)),
            (Key::Float(f), T::Double | T::Float) if f.is_finite() => Value::Double(Some(*f)),
            (Key::Text(s), T::String(_) | T::Text | T::Char(_) | T::Enum { .. } | T::Custom(_)) => {
                Value::String(Some(s.clone()))
            }
            (Key::Date(d), T::Date) => Value::ChronoDate(Some(*d)),
            (Key::Time(t), T::TimestampWithTimeZone | T::Timestamp | T::DateTime) => {
                Value::ChronoDateTimeUtc(Some(*t))
            }
            _ => return Err(()),
        }))
    }
}

/// Which rows of an ordered list a request asks for: those strictly between the
/// cursors, the first `limit` of them, or the last `limit` when `backward`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Page {
    after: Option<Vec<Key>>,
    before: Option<Vec<Key>>,
    pub(crate) limit: u64,
    pub(crate) backward: bool,
}

impl Page {
    pub(crate) fn bounded(&self) -> bool {
        self.after.is_some() || self.before.is_some()
    }
}

/// A page of rows, each with its cursor.
#[derive(Debug, Clone)]
pub struct Slice<T> {
    pub items: Vec<T>,
    /// The cursor of each item, when the slice is a page (not a whole list).
    pub cursors: Vec<String>,
    pub has_next: bool,
    pub has_previous: bool,
    /// The length of the whole list, when the page's own statement could tell it (a
    /// window count beside the rows), so `totalCount` needs no statement of its own.
    pub total: Option<u64>,
}

impl<T> Slice<T> {
    /// A page with no rows.
    pub fn empty(page: &Page) -> Self {
        Slice {
            items: Vec::new(),
            cursors: Vec::new(),
            has_next: page.backward && page.before.is_some(),
            has_previous: !page.backward && page.after.is_some(),
            total: None,
        }
    }

    /// A whole list, as one page.
    pub(crate) fn whole(items: Vec<T>) -> Self {
        Slice {
            total: Some(items.len() as u64),
            items,
            cursors: Vec::new(),
            has_next: false,
            has_previous: false,
        }
    }

    /// Builds a page from up to `limit + 1` rows fetched in the page's direction (the
    /// extra row only tells whether more lie beyond it), put back in the list's order.
    /// Beyond a cursor lies at least the row it came from.
    pub(crate) fn from_fetched(mut rows: Vec<T>, page: &Page) -> Self {
        let more = rows.len() as u64 > page.limit;
        rows.truncate(page.limit as usize);
        if page.backward {
            rows.reverse();
        }
        Slice {
            items: rows,
            cursors: Vec::new(),
            has_next: if page.backward {
                page.before.is_some()
            } else {
                more
            },
            has_previous: if page.backward {
                more
            } else {
                page.after.is_some()
            },
            total: None,
        }
    }

    /// The cursor of the item at `index` in this slice.
    pub fn cursor(&self, index: usize) -> String {
        self.cursors.get(index).cloned().unwrap_or_default()
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Slice<U> {
        Slice {
            items: self.items.into_iter().map(f).collect(),
            cursors: self.cursors,
            has_next: self.has_next,
            total: self.total,
            has_previous: self.has_previous,
        }
    }
}

fn size(field: &str, value: Option<i32>) -> Result<Option<u64>> {
    match value {
        None => Ok(None),
        Some(n) if n < 0 => Err(Error::bad_input(
            field,
            format!("`{field}` must not be negative"),
        )),
        Some(n) if n as u64 > MAX_PAGE_SIZE => Err(Error::bad_input(
            field,
            format!("`{field}` must be at most {MAX_PAGE_SIZE}"),
        )),
        Some(n) => Ok(Some(n as u64)),
    }
}

/// FNV-1a: a hash that stays the same across builds and Rust versions, so cursors
/// outlive a deployment.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The column a ranked list's statement carries each row's rank in (see
/// [`crate::query::RootList::ranked`]).
pub(crate) const RANK: &str = "search_rank";

/// One sort key of a list: a column of its rows, or the rank of a search match, which
/// the list's statement computes beside each row (a number, never null).
pub(crate) enum Sort<E: EntityTrait> {
    Column(E::Column),
    Rank,
}

impl<E: EntityTrait> Clone for Sort<E> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<E: EntityTrait> Copy for Sort<E> {}

impl<E: EntityTrait> Sort<E> {
    fn name(&self) -> &str {
        match self {
            Sort::Column(c) => c.as_str(),
            Sort::Rank => RANK,
        }
    }

    fn nullable(&self) -> bool {
        match self {
            Sort::Column(c) => c.def().is_null(),
            Sort::Rank => false,
        }
    }

    fn expr(&self) -> Expr {
        match self {
            Sort::Column(c) => Expr::col((E::default(), *c)),
            Sort::Rank => Expr::col(RANK),
        }
    }
}

/// The total order a list is paged in: its sort columns, the primary key last.
/// Nullable columns sort their nulls last in either direction, on every database.
pub(crate) struct Keyset<E: EntityTrait> {
    tag: String,
    keys: Vec<(Sort<E>, bool)>,
}

impl<E: EntityTrait> Keyset<E> {
    /// The order of `keys` (`true` ascending), then the primary key (in `tiebreak`'s
    /// direction) unless it is already last. `name` tells lists apart in the tag.
    pub(crate) fn new(name: &str, keys: Vec<(E::Column, bool)>, tiebreak: bool) -> Self {
        let keys = keys
            .into_iter()
            .map(|(c, a)| (Sort::Column(c), a))
            .collect();
        Self::of_sorts(name, keys, tiebreak)
    }

    /// The order of a search's matches: best rank first, then `keys`.
    pub(crate) fn ranked(name: &str, keys: Vec<(E::Column, bool)>, tiebreak: bool) -> Self {
        let keys = std::iter::once((Sort::Rank, true))
            .chain(keys.into_iter().map(|(c, a)| (Sort::Column(c), a)))
            .collect();
        Self::of_sorts(name, keys, tiebreak)
    }

    fn of_sorts(name: &str, mut keys: Vec<(Sort<E>, bool)>, tiebreak: bool) -> Self {
        let primary = crate::scope::primary_column::<E>();
        if keys.last().map(|(c, _)| c.name()) != Some(primary.as_str()) {
            keys.push((Sort::Column(primary), tiebreak));
        }
        let mut text = format!("{}/{name}", E::default().table_name());
        for (column, asc) in &keys {
            text.push_str(&format!(
                "/{}.{}",
                column.name(),
                if *asc { "a" } else { "d" }
            ));
        }
        Keyset {
            tag: format!("{:016x}", fnv1a(text.as_bytes())),
            keys,
        }
    }

    /// The same order, tagged for another list of the same rows (a nested list's parent).
    pub(crate) fn for_list(&self, name: &str) -> Self {
        Keyset {
            tag: format!("{:016x}", fnv1a(format!("{}/{name}", self.tag).as_bytes())),
            keys: self.keys.clone(),
        }
    }

    /// The cursor of `row`.
    pub(crate) fn cursor(&self, row: &E::Model) -> String
    where
        E::Model: ModelTrait<Entity = E>,
    {
        self.ranked_cursor(row, None)
    }

    /// The cursor of `row`, which a ranked list's statement ranked `rank`.
    pub(crate) fn ranked_cursor(&self, row: &E::Model, rank: Option<i32>) -> String
    where
        E::Model: ModelTrait<Entity = E>,
    {
        let keys: Vec<Key> = self
            .keys
            .iter()
            .map(|(c, _)| match c {
                Sort::Column(c) => Key::of(row.get(*c)),
                Sort::Rank => rank.map_or(Key::Null, |r| Key::Int(r.into())),
            })
            .collect();
        let keys = serde_json::to_string(&keys).expect("sort keys serialise");
        URL_SAFE_NO_PAD.encode(format!("{CURSOR_PREFIX}{}:{keys}", self.tag))
    }

    /// The sort keys a cursor of this list carries; anything else is bad input naming
    /// `field`.
    fn decode(&self, field: &str, cursor: &str) -> Result<Vec<Key>> {
        let bad = |why: &str| Error::bad_input(field, format!("`{field}` {why}"));
        let not_ours = || bad("is not a cursor this API issued");
        let text = URL_SAFE_NO_PAD
            .decode(cursor)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(not_ours)?;
        if text.starts_with(OFFSET_PREFIX) {
            return Err(bad(
                "is an offset cursor of an earlier version of this API; start again from the first page",
            ));
        }
        let (tag, keys) = text
            .strip_prefix(CURSOR_PREFIX)
            .and_then(|t| t.split_once(':'))
            .ok_or_else(not_ours)?;
        if tag != self.tag {
            return Err(bad(
                "is a cursor of another list or ordering; a cursor only pages the list and order it came from",
            ));
        }
        let keys: Vec<Key> = serde_json::from_str(keys).map_err(|_| not_ours())?;
        let fits = keys.len() == self.keys.len()
            && keys
                .iter()
                .zip(&self.keys)
                .all(|(k, (c, _))| self.value(k, *c).is_ok());
        if !fits {
            return Err(not_ours());
        }
        Ok(keys)
    }

    fn value(&self, key: &Key, sort: Sort<E>) -> std::result::Result<Option<Value>, ()> {
        match sort {
            Sort::Column(column) => {
                let def = column.def();
                key.value(def.get_column_type(), def.is_null())
            }
            Sort::Rank => key.value(&ColumnType::Integer, false),
        }
    }

    /// What the arguments ask for.
    pub(crate) fn page(&self, args: &PageArgs) -> Result<Page> {
        let first = size("first", args.first)?;
        let last = size("last", args.last)?;
        if first.is_some() && last.is_some() {
            return Err(Error::bad_input(
                "last",
                "pass either `first` or `last`, not both",
            ));
        }
        let after = args
            .after
            .as_deref()
            .map(|c| self.decode("after", c))
            .transpose()?;
        let before = args
            .before
            .as_deref()
            .map(|c| self.decode("before", c))
            .transpose()?;
        Ok(Page {
            after,
            before,
            limit: last.or(first).unwrap_or(DEFAULT_PAGE_SIZE),
            backward: last.is_some(),
        })
    }

    /// The rows strictly between the page's cursors, exactly as the order sorts them,
    /// or `None` when the page has no cursor.
    pub(crate) fn bounds(&self, page: &Page) -> Option<Condition> {
        if !page.bounded() {
            return None;
        }
        let mut c = Condition::all();
        if let Some(after) = &page.after {
            c = c.add(self.beyond(after, true));
        }
        if let Some(before) = &page.before {
            c = c.add(self.beyond(before, false));
        }
        Some(c)
    }

    /// The rows after (`later`) or before a row with `keys`: `(a > x) OR (a = x AND
    /// id > y)`, with a null sorting after every value.
    fn beyond(&self, keys: &[Key], later: bool) -> Condition {
        let values: Vec<Option<Value>> = keys
            .iter()
            .zip(&self.keys)
            .map(|(k, (c, _))| self.value(k, *c).unwrap_or(None))
            .collect();
        let nullable = |c: &Sort<E>| c.nullable();
        let one_direction = self.keys.iter().all(|(_, asc)| *asc == self.keys[0].1);
        // One direction and no nulls: a row value, which both databases read as a range
        // of an index on the sort columns.
        if one_direction
            && !self.keys.iter().any(|(c, _)| nullable(c))
            && values.iter().all(Option::is_some)
        {
            let columns = Expr::tuple(self.keys.iter().map(|(c, _)| c.expr()));
            let values = Expr::tuple(values.into_iter().flatten().map(Expr::val));
            let greater = later == self.keys[0].1;
            return Condition::all().add(if greater {
                columns.gt(values)
            } else {
                columns.lt(values)
            });
        }
        let mut any = Condition::any();
        for (i, ((column, asc), value)) in self.keys.iter().zip(&values).enumerate() {
            let col = column.expr();
            let strictly = match value {
                // Nothing sorts after a null but other nulls; every value before one.
                None if later => None,
                None => Some(Condition::all().add(col.is_not_null())),
                Some(v) => {
                    let cmp = if later == *asc {
                        col.clone().gt(v.clone())
                    } else {
                        col.clone().lt(v.clone())
                    };
                    Some(if later && nullable(column) {
                        Condition::any().add(cmp).add(col.is_null())
                    } else {
                        Condition::all().add(cmp)
                    })
                }
            };
            let Some(strictly) = strictly else { continue };
            let mut all = Condition::all();
            for ((column, _), value) in self.keys.iter().zip(&values).take(i) {
                let col = column.expr();
                all = all.add(match value {
                    None => col.is_null(),
                    Some(v) => col.eq(v.clone()),
                });
            }
            any = any.add(all.add(strictly));
        }
        any
    }

    /// The order's terms, reversed for a page read from its end.
    fn terms(
        &self,
        backward: bool,
    ) -> impl Iterator<Item = (Expr, Order, Option<NullOrdering>)> + '_ {
        self.keys.iter().map(move |(column, asc)| {
            let order = if *asc != backward {
                Order::Asc
            } else {
                Order::Desc
            };
            // Spelled out only on a nullable column: on a NOT NULL one it changes no
            // order but keeps the database from reading an index in order.
            let nulls = column.nullable().then_some(if backward {
                NullOrdering::First
            } else {
                NullOrdering::Last
            });
            (column.expr(), order, nulls)
        })
    }

    pub(crate) fn order(&self, query: &mut SelectStatement, backward: bool) {
        for (expr, order, nulls) in self.terms(backward) {
            match nulls {
                Some(nulls) => query.order_by_expr_with_nulls(expr, order, nulls),
                None => query.order_by_expr(expr, order),
            };
        }
    }

    pub(crate) fn order_window(&self, window: &mut WindowStatement, backward: bool) {
        for (expr, order, nulls) in self.terms(backward) {
            match nulls {
                Some(nulls) => window.order_by_expr_with_nulls(expr, order, nulls),
                None => window.order_by_expr(expr, order),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use entity::event;

    fn keyset() -> Keyset<event::Entity> {
        Keyset::new("events", vec![(event::Column::StartDate, false)], false)
    }

    fn args(
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

    fn cursor_of(keys: &Keyset<event::Entity>, date: &str, id: i64) -> String {
        let keys_json =
            serde_json::to_string(&[Key::Date(date.parse().unwrap()), Key::Int(id)]).unwrap();
        URL_SAFE_NO_PAD.encode(format!("{CURSOR_PREFIX}{}:{keys_json}", keys.tag))
    }

    #[test]
    fn cursors_carry_the_sort_keys_and_the_primary_key() {
        let k = keyset();
        let c = cursor_of(&k, "2023-05-05", 7);
        let page = k.page(&args(Some(5), Some(c), None, None)).unwrap();
        assert_eq!(
            page.after,
            Some(vec![Key::Date("2023-05-05".parse().unwrap()), Key::Int(7)])
        );
        assert_eq!((page.limit, page.backward), (5, false));
        let back = k.page(&args(None, None, Some(3), None)).unwrap();
        assert_eq!((back.limit, back.backward), (3, true));
    }

    #[test]
    fn foreign_old_and_forged_cursors_are_bad_input() {
        let k = keyset();
        let other =
            Keyset::<event::Entity>::new("events", vec![(event::Column::Title, false)], false);
        let asc =
            Keyset::<event::Entity>::new("events", vec![(event::Column::StartDate, true)], true);
        let nested = k.for_list("organisation 1");
        let theirs = cursor_of(&other, "2023-05-05", 7);
        let old = URL_SAFE_NO_PAD.encode("cc1:40");
        let wrong_type = URL_SAFE_NO_PAD.encode(format!(
            "{CURSOR_PREFIX}{}:[{{\"s\":\"x\"}},{{\"i\":1}}]",
            k.tag
        ));
        let short = URL_SAFE_NO_PAD.encode(format!("{CURSOR_PREFIX}{}:[{{\"i\":1}}]", k.tag));
        for (field, cursor) in [
            ("after", theirs.clone()),
            ("after", cursor_of(&asc, "2023-05-05", 7)),
            ("after", cursor_of(&nested, "2023-05-05", 7)),
            ("before", old),
            ("before", wrong_type),
            ("after", short),
            ("after", "garbage".into()),
        ] {
            let a = if field == "after" {
                args(Some(1), Some(cursor.clone()), None, None)
            } else {
                args(None, None, Some(1), Some(cursor.clone()))
            };
            assert!(
                matches!(k.page(&a), Err(Error::BadInput { field: f, .. }) if f == field),
                "{cursor}"
            );
        }
        let keys = serde_json::to_string(&[Key::Text("Forum".into()), Key::Int(7)]).unwrap();
        let theirs = URL_SAFE_NO_PAD.encode(format!("{CURSOR_PREFIX}{}:{keys}", other.tag));
        assert!(
            other
                .page(&args(Some(1), Some(theirs.clone()), None, None))
                .is_ok()
        );
        assert!(k.page(&args(Some(1), Some(theirs), None, None)).is_err());
    }

    #[test]
    fn sizes_are_checked() {
        let k = keyset();
        let too_big = k.page(&args(Some(MAX_PAGE_SIZE as i32 + 1), None, None, None));
        assert!(matches!(too_big, Err(Error::BadInput { field, .. }) if field == "first"));
        let negative = k.page(&args(None, None, Some(-1), None));
        assert!(matches!(negative, Err(Error::BadInput { field, .. }) if field == "last"));
        let both = k.page(&args(Some(1), None, Some(1), None));
        assert!(matches!(both, Err(Error::BadInput { field, .. }) if field == "last"));
    }

    #[test]
    fn pages_read_backward_come_back_in_order() {
        let page = Page {
            after: None,
            before: Some(vec![]),
            limit: 2,
            backward: true,
        };
        let s = Slice::from_fetched(vec![5, 4, 3], &page);
        assert_eq!(s.items, [4, 5]);
        assert!(s.has_previous && s.has_next);
    }
}
