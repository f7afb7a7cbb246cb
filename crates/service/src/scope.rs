//! A scope is a connection plus the principal it reads for. Every query is built from
//! `Scope::find`, which applies the visibility rule before anything else.
mod reader;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

use sea_orm::sea_query::{
    Expr, ExprTrait, Frame, FrameType, Func, IntoIden, Order, OverStatement, Query,
    SelectStatement, WindowStatement,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, FromQueryResult,
    IdenStatic, Iterable, PaginatorTrait, PrimaryKeyToColumn, QueryFilter, QueryResult, QueryTrait,
    Select, Statement, Value,
};

use reader::{Reader, Reads};

use crate::page::{Keyset, Page, RANK};
use crate::query::RootList;
use crate::relation::{self, ChildModel, Joined, JoinedModel, Link, Relation, keyset_of};
use crate::{Database, PageArgs, Principal, Record, Result, Slice};

/// The prefix of a link's own columns in a statement that joins the record it names.
const LINK: &str = "link_";

/// The column that carries a list's length beside each row of its page (a window count).
const TOTAL: &str = "window_total";

/// The recursive query of a parent organisation's units (see `Scope::run_linked`).
const UNIT_TREE: &str = "unit_tree";

/// The name of a counted page's keys, and of their column (see `Scope::counted_page`).
const PAGE: &str = "page";
const PAGE_KEY: &str = "page_key";

/// A connection and the principal every query through it is made for.
#[derive(Clone)]
pub struct Scope {
    db: Database,
    reads: Reads,
    principal: Arc<Principal>,
    /// The date in the server's time zone when the request began (`Database::today`).
    today: chrono::NaiveDate,
    /// The change feed's head in this request's snapshot, once read (statistics).
    feed_head: Arc<tokio::sync::OnceCell<i64>>,
}

/// A model's primary key, for batch loading by key.
pub trait Keyed {
    type Key: Clone + Eq + Hash + Into<Value> + Send + Sync;
    fn key(&self) -> Self::Key;
}

macro_rules! keyed {
    ($($m:ident),*) => {$(
        impl Keyed for entity::$m::Model {
            type Key = i64;
            fn key(&self) -> i64 { self.id }
        }
    )*};
}
keyed!(
    source,
    organisation,
    organisation_name,
    organisation_identifier,
    consortium,
    consortium_member,
    person,
    affiliation,
    event,
    event_organisation,
    event_participant,
    presentation,
    presentation_presenter,
    event_outcome,
    agreement,
    agreement_party,
    agreement_person,
    agreement_field,
    curriculum_standard,
    adoption,
    training_centre,
    training_centre_field,
    indicator,
    partnership,
    api_token,
    audit_entry,
    confirmation,
    webhook_endpoint,
    webhook_delivery,
    webhook_attempt
);
impl Keyed for entity::country::Model {
    type Key = String;
    fn key(&self) -> String {
        self.code.clone()
    }
}
impl Keyed for entity::indicator_definition::Model {
    type Key = String;
    fn key(&self) -> String {
        self.code.clone()
    }
}
impl Keyed for entity::world_region::Model {
    type Key = String;
    fn key(&self) -> String {
        self.code.clone()
    }
}
impl Keyed for entity::isced_field::Model {
    type Key = String;
    fn key(&self) -> String {
        self.code.clone()
    }
}

pub(crate) fn primary_column<E: EntityTrait>() -> E::Column {
    E::PrimaryKey::iter()
        .next()
        .expect("every table has a primary key")
        .into_column()
}

impl Scope {
    /// A scope whose every statement takes a connection from the pool and gives it back:
    /// for mutations, whose writes begin their own transactions and whose answers must
    /// read what they wrote.
    pub fn new(db: impl Into<Database>, principal: Principal) -> Self {
        Scope {
            db: db.into(),
            reads: Reads::Pooled,
            principal: Arc::new(principal),
            today: chrono::Utc::now().date_naive(),
            feed_head: Arc::default(),
        }
    }

    /// A scope for one read-only request: its reads share one connection, taken at the
    /// first read and given back when the last clone of the scope is dropped (see
    /// [`Reads::Pinned`]). Never for a request that writes: a write through the pool
    /// while this scope holds a connection could wait for one this request holds.
    pub fn pinned(db: impl Into<Database>, principal: Principal) -> Self {
        Scope {
            db: db.into(),
            reads: Reads::Pinned(Arc::default()),
            principal: Arc::new(principal),
            today: chrono::Utc::now().date_naive(),
            feed_head: Arc::default(),
        }
    }

    /// The same scope, dating what depends on the day (memberships) on `today`, the
    /// date in the server's time zone; without it, the date in UTC.
    pub fn on(mut self, today: chrono::NaiveDate) -> Self {
        self.today = today;
        self
    }

    /// Today's date where the consortium is, as the request began.
    pub fn today(&self) -> chrono::NaiveDate {
        self.today
    }

    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    pub(crate) fn db(&self) -> &DatabaseConnection {
        &self.db.connection
    }

    /// Whether every read of this scope sees one snapshot (a read-only request).
    pub(crate) fn is_snapshot(&self) -> bool {
        matches!(self.reads, Reads::Pinned(_))
    }

    pub(crate) fn kept_figures(&self) -> &crate::statistics::KeptFigures {
        &self.db.kept_figures
    }

    pub(crate) fn feed_head_cell(&self) -> &tokio::sync::OnceCell<i64> {
        &self.feed_head
    }

    /// What this scope's database work is counted in.
    pub(crate) fn tally(&self) -> &crate::db::Tally {
        &self.db.tally
    }

    /// Where this scope's reads go: the pool, or the connection pinned to it.
    pub(crate) async fn reader(&self) -> Result<Reader<'_>> {
        Ok(self.reads.reader(&self.db).await?)
    }

    /// Runs a statement built elsewhere in the crate (statistics) through this scope's
    /// reader, so it reads the request's snapshot like every other read.
    pub(crate) async fn rows_of(&self, statement: Statement) -> Result<Vec<QueryResult>> {
        Ok(self.reader().await?.query_all_raw(statement).await?)
    }

    /// The rows of `E` this scope may read: the start of every query.
    pub(crate) fn find<E: Record>(&self) -> Select<E> {
        E::find().filter(E::readable_by(&self.principal))
    }

    /// Every readable row of `E`: for small tables read whole (countries).
    pub async fn all<E: Record>(&self) -> Result<Vec<E::Model>> {
        Ok(self.find::<E>().all(&self.reader().await?).await?)
    }

    /// Readable rows by primary key; keys of unreadable or missing rows are absent.
    pub async fn by_keys<E>(
        &self,
        keys: &[<E::Model as Keyed>::Key],
    ) -> Result<HashMap<<E::Model as Keyed>::Key, E::Model>>
    where
        E: Record,
        E::Model: Keyed,
    {
        if keys.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = self
            .find::<E>()
            .filter(primary_column::<E>().is_in(keys.iter().cloned()))
            .all(&self.reader().await?)
            .await?;
        Ok(rows.into_iter().map(|m| (m.key(), m)).collect())
    }

    /// One readable row by primary key, or `NotFound`.
    pub async fn get<E>(&self, key: <E::Model as Keyed>::Key) -> Result<E::Model>
    where
        E: Record,
        E::Model: Keyed,
    {
        // Not `.one()`: its `LIMIT ?` would make SQLite re-plan the statement on every run
        // (see `Scope::list`); a key matches one row at most anyway.
        self.find::<E>()
            .filter(primary_column::<E>().eq(key))
            .all(&self.reader().await?)
            .await?
            .into_iter()
            .next()
            .ok_or(crate::Error::NotFound)
    }

    /// A page of a root list. With `with_total`, the list's length comes back in the
    /// same statement (a window count), for a client that asks for `totalCount`;
    /// without it the database can stop after the page's rows, which it finds from the
    /// cursor through an index however deep the page.
    pub async fn list<E: Record>(
        &self,
        list: &RootList<E>,
        args: &PageArgs,
        with_total: bool,
    ) -> Result<Slice<E::Model>> {
        let keyset = list.keyset();
        let page = keyset.page(args)?;
        if page.limit == 0 {
            return Ok(Slice::empty(&page));
        }
        let bounds = keyset.bounds(&page);
        let statement = if with_total {
            self.counted_page(list, &keyset, &page, bounds)
        } else {
            let mut select = list.select.clone();
            if let Some(bounds) = bounds {
                select = select.filter(bounds);
            }
            let mut query = select.into_query();
            keyset.order(&mut query, page.backward);
            let mut statement = self.db.connection.get_database_backend().build(&query);
            // The limit goes into the SQL as a literal. SQLite (3.51) plans for the value
            // bound to a `LIMIT ?`, so it prepared the statement again on every run; the
            // number is ours (`u64`), never the client's text.
            statement
                .sql
                .push_str(&format!(" LIMIT {}", page.limit + 1));
            statement
        };
        let mut total = None;
        let mut models = Vec::new();
        for row in self.reader().await?.query_all_raw(statement).await? {
            if with_total {
                total = Some(row.try_get::<i64>("", TOTAL)? as u64);
            }
            let rank = match list.ranked {
                true => Some(row.try_get::<i32>("", RANK)?),
                false => None,
            };
            models.push((E::Model::from_query_result(&row, "")?, rank));
        }
        let slice = Slice::from_fetched(models, &page);
        let cursors = slice
            .items
            .iter()
            .map(|(m, rank)| keyset.ranked_cursor(m, *rank))
            .collect();
        let mut slice = slice.map(|(m, _)| m);
        slice.cursors = cursors;
        // No row from an end of the list: it is empty. Past a cursor, unknown.
        slice.total = total.or((with_total && !page.bounded()).then_some(0));
        Ok(slice)
    }

    /// The statement for a page of `list` with the list's length. Counting carries every
    /// matching row through the window, so it carries only their keys: the page's keys
    /// are chosen first, and only the page's rows are read whole. At scale 10 this took
    /// the partner-country search from 0.8 to 0.4 ms on SQLite.
    ///
    /// Past a cursor the count must still see the whole list, so the cursor's bounds do
    /// not filter: they flag the rows between the cursors, and a running count of the
    /// flagged rows in the list's order numbers the page (they lie together in it).
    fn counted_page<E: Record>(
        &self,
        list: &RootList<E>,
        keyset: &Keyset<E>,
        page: &Page,
        bounds: Option<Condition>,
    ) -> Statement {
        let backend = self.db.connection.get_database_backend();
        let table = E::default();
        let key = primary_column::<E>();
        let mut keys = list.select.clone().into_query();
        keys.clear_selects()
            .expr_as(Expr::col((table, key)), PAGE_KEY)
            .expr_as(Expr::cust("COUNT(*) OVER ()"), TOTAL);
        // A search's rank goes with the page's keys, to order the rows read for them.
        let carried: &[&str] = if list.ranked {
            keys.expr_as(Expr::col(RANK), RANK);
            &[PAGE_KEY, TOTAL, RANK]
        } else {
            &[PAGE_KEY, TOTAL]
        };
        let keys = match bounds {
            None => {
                keyset.order(&mut keys, page.backward);
                let keys = backend.build(&keys);
                (
                    format!("{} LIMIT {}", keys.sql, page.limit + 1),
                    keys.values,
                )
            }
            Some(bounds) => {
                let inside = Expr::case(bounds, 1).finally(0);
                let mut over = WindowStatement::new();
                keyset.order_window(&mut over, page.backward);
                over.frame_start(FrameType::Rows, Frame::UnboundedPreceding);
                keys.expr_window_as(Func::sum(inside.clone()), over, "row_number")
                    .expr_as(inside, "in_page");
                let outer = Query::select()
                    .columns(carried.iter().copied())
                    .from_subquery(keys, "counted")
                    .and_where(Expr::col("in_page").eq(1))
                    .and_where(Expr::col("row_number").lte((page.limit + 1) as i64))
                    .to_owned();
                let keys = backend.build(&outer);
                (keys.sql, keys.values)
            }
        };
        // SeaORM's own select of every column, from the page's keys; it binds no values,
        // so the page's values are the statement's.
        let mut rows = E::find().into_query();
        for column in &carried[1..] {
            rows.column((PAGE, *column));
        }
        rows.join(
            sea_orm::JoinType::InnerJoin,
            PAGE,
            Expr::col((PAGE, PAGE_KEY)).equals((table, key)),
        );
        keyset.order(&mut rows, page.backward);
        let rows = backend.build(&rows);
        debug_assert!(rows.values.as_ref().is_none_or(|v| v.0.is_empty()));
        Statement {
            sql: format!("WITH \"{PAGE}\" AS ({}) {}", keys.0, rows.sql),
            values: keys.1,
            db_backend: backend,
        }
    }

    /// How many rows a root list has.
    pub async fn count<E: Record>(&self, list: &RootList<E>) -> Result<u64> {
        Ok(list.select.clone().count(&self.reader().await?).await?)
    }

    /// Runs a relation's child query; when `R` rolls up units, after the recursive query
    /// that gives each parent organisation's tree (`unit_tree (root, org)`, the parent
    /// itself included). `UNION` rather than `UNION ALL` stops at a cycle.
    async fn run_linked<R: Relation>(
        &self,
        parents: &[R::Key],
        query: &SelectStatement,
        wrap: impl FnOnce(String) -> String,
    ) -> Result<Vec<QueryResult>> {
        let backend = self.db.connection.get_database_backend();
        let mut statement = backend.build(query);
        statement.sql = wrap(statement.sql);
        if R::units() {
            use entity::organisation::{Column, Entity};
            let roots = Query::select()
                .expr_as(Expr::col(Column::Id), "root")
                .expr_as(Expr::col(Column::Id), "org")
                .from(Entity)
                .and_where(Expr::col(Column::Id).is_in(parents.iter().cloned()))
                .to_owned();
            // The roots' keys are written into the text (escaped by the builder), so the
            // numbered placeholders of the statement that follows stay as they are.
            let roots = match backend {
                sea_orm::DatabaseBackend::Postgres => {
                    roots.to_string(sea_orm::sea_query::PostgresQueryBuilder)
                }
                _ => roots.to_string(sea_orm::sea_query::SqliteQueryBuilder),
            };
            statement.sql = format!(
                "WITH RECURSIVE \"{UNIT_TREE}\" (\"root\", \"org\") AS ({roots} UNION \
                 SELECT \"{UNIT_TREE}\".\"root\", \"organisation\".\"id\" FROM \"organisation\" \
                 INNER JOIN \"{UNIT_TREE}\" ON \"organisation\".\"parent_id\" = \"{UNIT_TREE}\".\"org\") {}",
                statement.sql
            );
        }
        Ok(self.reader().await?.query_all_raw(statement).await?)
    }

    /// The child query of a relation: readable children of `parents`, with the parent id
    /// as an expression.
    fn linked<R: Relation>(
        &self,
        parents: &[R::Key],
    ) -> (sea_orm::sea_query::SelectStatement, Expr) {
        let mut select = self.find::<R::Child>().filter(R::filter());
        if !R::parts() {
            select = select.filter(R::Child::live());
        }
        let mut query = select.into_query();
        let parents: Vec<R::Key> = parents.to_vec();
        let postgres = self.db().get_database_backend() == sea_orm::DatabaseBackend::Postgres;
        let tree = || Query::select().column("org").from(UNIT_TREE).to_owned();
        let parent = match R::link() {
            Link::Column(column) => {
                let column = Expr::col((R::Child::default().into_iden(), column));
                if R::units() {
                    if postgres {
                        // As for links below: the tree's organisations as an array are an
                        // index condition (standards developed, centres operated).
                        query.and_where(Expr::cust_with_exprs(
                            "$1 = ANY(ARRAY($2))",
                            [
                                column.clone(),
                                Expr::SubQuery(None, Box::new(tree().into())),
                            ],
                        ));
                    }
                    query.join(
                        sea_orm::JoinType::InnerJoin,
                        UNIT_TREE,
                        Expr::col((UNIT_TREE, "org")).eq(column),
                    );
                    Expr::col((UNIT_TREE, "root"))
                } else {
                    query.and_where(column.clone().is_in(parents));
                    column
                }
            }
            Link::Through {
                table,
                child,
                parent,
            } => {
                let (table_name, child_key, parent_key) =
                    (table.clone(), child.clone(), parent.clone());
                // DISTINCT so that an organisation in two roles at one event counts once.
                let link = if R::units() {
                    Query::select()
                        .distinct()
                        .expr_as(Expr::col((table.clone(), child)), "child")
                        .expr_as(Expr::col((UNIT_TREE, "root")), "parent")
                        .from(table.clone())
                        .join(
                            sea_orm::JoinType::InnerJoin,
                            UNIT_TREE,
                            Expr::col((UNIT_TREE, "org")).equals((table.clone(), parent.clone())),
                        )
                        // Says the same as the join, but gives SQLite a term it answers
                        // from the link table's index on the parent: without it SQLite
                        // scans every link and probes the tree (an organisation profile's
                        // parties, 3.4 ms against 1.2 ms at scale 1).
                        .and_where(
                            Expr::col((table, parent)).in_subquery(
                                Query::select().column("org").from(UNIT_TREE).to_owned(),
                            ),
                        )
                        .to_owned()
                } else {
                    Query::select()
                        .distinct()
                        .expr_as(Expr::col(child), "child")
                        .expr_as(Expr::col(parent.clone()), "parent")
                        .from(table)
                        .and_where(Expr::col(parent).is_in(parents))
                        .to_owned()
                };
                let key = Expr::col((R::Child::default(), primary_column::<R::Child>()));
                if R::units()
                    && self.db().get_database_backend() == sea_orm::DatabaseBackend::Postgres
                {
                    // PostgreSQL guesses the unit tree at hundreds of organisations (a
                    // recursive query's size is a guess) and so the links at thousands,
                    // and joins them to a hash of every readable child: 66,772 public
                    // agreements for a profile's 1,000 links at scale 10, 16 ms of its
                    // 16.5. The children's keys as an array, computed first, are an
                    // index condition on the children it reads them by (5.5 ms).
                    let keys = Query::select()
                        .column(child_key.clone())
                        .from(table_name.clone())
                        .and_where(
                            Expr::col((table_name.clone(), parent_key.clone())).in_subquery(
                                Query::select().column("org").from(UNIT_TREE).to_owned(),
                            ),
                        )
                        .to_owned();
                    query.and_where(Expr::cust_with_exprs(
                        "$1 = ANY(ARRAY($2))",
                        [key.clone(), Expr::SubQuery(None, Box::new(keys.into()))],
                    ));
                }
                query.join_subquery(
                    sea_orm::JoinType::InnerJoin,
                    link,
                    "link",
                    Expr::col(("link", "child")).eq(key),
                );
                Expr::col(("link", "parent"))
            }
        };
        (query, parent)
    }

    /// The children of each parent, one page of each (or all), in one statement.
    pub async fn children<R: Relation>(
        &self,
        parents: &[R::Key],
        page: Option<&Page>,
    ) -> Result<HashMap<R::Key, Slice<<R::Child as EntityTrait>::Model>>> {
        let mut slices = self
            .children_as::<R, _>(
                parents,
                page,
                |_| {},
                |row| {
                    Ok(<R::Child as EntityTrait>::Model::from_query_result(
                        row, "",
                    )?)
                },
            )
            .await?;
        if page.is_some() {
            for (parent, slice) in &mut slices {
                let keyset = keyset_of::<R>(parent);
                slice.cursors = slice.items.iter().map(|m| keyset.cursor(m)).collect();
            }
        }
        Ok(slices)
    }

    /// Like [`Scope::children`], each child with the registry record it points at, read
    /// in the same statement (a left join, under that record's own read rule).
    #[allow(clippy::type_complexity)]
    pub async fn children_joined<R: Joined>(
        &self,
        parents: &[R::Key],
    ) -> Result<HashMap<R::Key, Slice<(ChildModel<R>, Option<JoinedModel<R>>)>>> {
        let child = R::Child::default();
        let target = R::Target::default();
        let key = primary_column::<R::Target>();
        // The link's few columns take the prefix and the record's many keep their names:
        // SeaORM builds the name of each prefixed column it reads, for every row.
        let join = |query: &mut SelectStatement| {
            query.clear_selects();
            for column in <R::Child as EntityTrait>::Column::iter() {
                query.expr_as(
                    Expr::col((child, column)),
                    format!("{LINK}{}", column.as_str()),
                );
            }
            let on = Condition::all()
                .add(Expr::col((target, key)).equals((child, R::pointer())))
                .add(R::Target::readable_by(&self.principal));
            query.join(sea_orm::JoinType::LeftJoin, target, on);
            for column in <R::Target as EntityTrait>::Column::iter() {
                query.column((target, column));
            }
        };
        self.children_as::<R, _>(parents, None, join, |row| {
            let link = <R::Child as EntityTrait>::Model::from_query_result(row, LINK)?;
            // The key is null when the join found no readable record.
            let found: Option<i64> = row.try_get("", key.as_str())?;
            let joined = match found {
                Some(_) => Some(JoinedModel::<R>::from_query_result(row, "")?),
                None => None,
            };
            Ok((link, joined))
        })
        .await
    }

    /// The statement behind [`Scope::children`], with `extend` adding to the children's
    /// query and `decode` reading each row.
    async fn children_as<R: Relation, T>(
        &self,
        parents: &[R::Key],
        page: Option<&Page>,
        extend: impl FnOnce(&mut SelectStatement),
        decode: impl Fn(&QueryResult) -> Result<T>,
    ) -> Result<HashMap<R::Key, Slice<T>>> {
        let mut out: HashMap<R::Key, Slice<_>> = HashMap::new();
        if parents.is_empty() || page.is_some_and(|p| p.limit == 0) {
            for p in parents {
                out.insert(
                    p.clone(),
                    page.map_or_else(|| Slice::whole(Vec::new()), Slice::empty),
                );
            }
            return Ok(out);
        }
        let (mut query, parent) = self.linked::<R>(parents);
        extend(&mut query);
        query.expr_as(parent.clone(), "parent_key");
        let keyset = relation::keyset::<R>();
        let child = R::Child::default();
        let key = primary_column::<R::Child>();
        let statement = match page {
            None => {
                query.order_by_expr(parent, Order::Asc);
                keyset.order(&mut query, false);
                query
            }
            Some(page) => {
                // The page's keys are chosen over narrow rows (the key, the parent and
                // what the order and the read rule need), numbered and counted; whole
                // rows are then read for the page alone (see `wrap` below). `extend` is
                // for unpaged lists only: its columns would not survive this.
                query.clear_selects();
                query.expr_as(Expr::col((child, key)), PAGE_KEY);
                query.expr_as(parent.clone(), "parent_key");
                let mut over = WindowStatement::new();
                over.add_partition_by(parent.clone());
                keyset.order_window(&mut over, page.backward);
                let mut outer = Query::select();
                match keyset.bounds(page) {
                    None => {
                        query.expr_window_as(Expr::cust("ROW_NUMBER()"), over, "row_number");
                    }
                    // The children between the cursors, numbered in order: a running
                    // count of them (they lie together in the order), and a flag that
                    // keeps the rest out. Filtering them in the WHERE instead would
                    // leave the count below with only those.
                    Some(bounds) => {
                        let inside = Expr::case(bounds, 1).finally(0);
                        over.frame_start(FrameType::Rows, Frame::UnboundedPreceding);
                        query.expr_window_as(Func::sum(inside.clone()), over, "row_number");
                        query.expr_as(inside, "in_page");
                        outer.and_where(Expr::col("in_page").eq(1));
                    }
                }
                // Numbering reads every child of the parent anyway; counting them beside
                // it saves `totalCount` a statement.
                let mut all = WindowStatement::new();
                all.add_partition_by(parent);
                query.expr_window_as(Expr::cust("COUNT(*)"), all, TOTAL);
                outer
                    .column(sea_orm::sea_query::Asterisk)
                    .from_subquery(query, "numbered")
                    .and_where(Expr::col("row_number").lte((page.limit + 1) as i64))
                    .to_owned()
            }
        };
        // A page's keys, then its whole rows: `LIMIT` (a literal, never client text: see
        // `Scope::list`) bounds the keys by what the pages can hold, which they never
        // exceed; it is there for PostgreSQL's planner, which otherwise expects a third
        // of the numbered children and reads the whole child table to join them.
        let wrap = |sql: String| match page {
            None => sql,
            Some(page) => {
                let table = sea_orm::EntityName::table_name(&child);
                let columns: Vec<String> = <R::Child as EntityTrait>::Column::iter()
                    .map(|c| format!("\"{table}\".\"{}\"", c.as_str()))
                    .collect();
                format!(
                    "SELECT {}, \"{PAGE}\".\"parent_key\", \"{PAGE}\".\"{TOTAL}\" FROM ({sql} LIMIT {}) AS \"{PAGE}\" \
                     INNER JOIN \"{table}\" ON \"{table}\".\"{}\" = \"{PAGE}\".\"{PAGE_KEY}\" \
                     ORDER BY \"{PAGE}\".\"parent_key\" ASC, \"{PAGE}\".\"row_number\" ASC",
                    columns.join(", "),
                    parents.len() as u64 * (page.limit + 1),
                    key.as_str(),
                )
            }
        };
        let mut grouped: HashMap<R::Key, Vec<_>> = HashMap::new();
        let mut totals: HashMap<R::Key, u64> = HashMap::new();
        for row in self.run_linked::<R>(parents, &statement, wrap).await? {
            let key: R::Key = row.try_get("", "parent_key")?;
            if page.is_some() && !totals.contains_key(&key) {
                totals.insert(key.clone(), row.try_get::<i64>("", TOTAL)? as u64);
            }
            grouped.entry(key).or_default().push(decode(&row)?);
        }
        for p in parents {
            let rows = grouped.remove(p).unwrap_or_default();
            let slice = match page {
                Some(page) => {
                    let mut slice = Slice::from_fetched(rows, page);
                    // No row from an end of the list: it is empty. Past a cursor, unknown.
                    slice.total = totals.remove(p).or((!page.bounded()).then_some(0));
                    slice
                }
                None => Slice::whole(rows),
            };
            out.insert(p.clone(), slice);
        }
        Ok(out)
    }

    /// How many readable children each parent has, in one statement.
    pub async fn child_counts<R: Relation>(
        &self,
        parents: &[R::Key],
    ) -> Result<HashMap<R::Key, u64>> {
        let mut out: HashMap<R::Key, u64> = parents.iter().map(|p| (p.clone(), 0)).collect();
        if parents.is_empty() {
            return Ok(out);
        }
        let (mut query, parent) = self.linked::<R>(parents);
        query
            .clear_selects()
            .expr_as(parent.clone(), "parent_key")
            .expr_as(Expr::cust("COUNT(*)"), "total")
            .add_group_by([parent]);
        for row in self.run_linked::<R>(parents, &query, |sql| sql).await? {
            let key: R::Key = row.try_get("", "parent_key")?;
            let total: i64 = row.try_get("", "total")?;
            out.insert(key, total as u64);
        }
        Ok(out)
    }
}
