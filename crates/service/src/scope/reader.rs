//! Where a scope's reads go. sqlx gives a pooled connection back after every statement
//! and checks it on the way (a `ping`, on SQLite a second hand-off to its thread), so a
//! read-only request that runs eight statements paid for sixteen hand-offs. A pinned
//! scope keeps one connection for the whole request instead.
use std::sync::Arc;

use sea_orm::sea_query::Values;
use sea_orm::sqlx::{self, Postgres};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ExecResult,
    QueryResult, RuntimeErr, Statement, TransactionTrait,
};
use sea_query_sqlx::SqlxValues;
use tokio::sync::{Mutex, OnceCell};

use crate::Database;
use crate::db::Tally;

/// How a scope reaches the database.
#[derive(Clone)]
pub(crate) enum Reads {
    /// Each statement takes a connection from the pool.
    Pooled,
    /// Every statement on one connection, taken at the first read, in one read-only
    /// transaction, so the request reads one snapshot (see [`Snapshot`]).
    Pinned(Arc<OnceCell<Snapshot>>),
}

/// A request's read transaction. It is never committed: dropping the last clone of the
/// scope queues its `ROLLBACK` (nothing was written) and gives the connection back
/// without the request waiting. sqlx checks a connection it takes back with a `Sync`
/// round trip, which carries the queued `ROLLBACK` with it, so ending the transaction
/// costs no round trip of its own.
pub(crate) enum Snapshot {
    /// SQLite's deferred transaction takes its snapshot at the first read.
    Sqlite(DatabaseTransaction),
    /// PostgreSQL: `REPEATABLE READ`, so every statement sees the first one's snapshot,
    /// and `READ ONLY`, so a read path that wrote would fail. SeaORM would send
    /// `BEGIN` and then `SET TRANSACTION …`, two round trips before the first read;
    /// this sends both settings in the one `BEGIN`, and runs SeaORM's statements on the
    /// connection itself, counting them as SeaORM's callback does for the pool.
    Postgres(Mutex<sqlx::Transaction<'static, Postgres>>),
}

/// The one statement that opens a PostgreSQL read snapshot.
const BEGIN_POSTGRES_READ: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

impl Reads {
    pub(crate) async fn reader<'a>(&'a self, db: &'a Database) -> Result<Reader<'a>, DbErr> {
        match self {
            Reads::Pooled => Ok(Reader::Pool(&db.connection)),
            Reads::Pinned(cell) => Ok(match cell.get_or_try_init(|| begin_read(db)).await? {
                Snapshot::Sqlite(txn) => Reader::Sqlite(txn),
                Snapshot::Postgres(txn) => Reader::Postgres(txn, &db.tally),
            }),
        }
    }
}

async fn begin_read(db: &Database) -> Result<Snapshot, DbErr> {
    let snapshot = match db.connection.get_database_backend() {
        // SQLite's default deferred transaction is what is wanted.
        DbBackend::Sqlite => Snapshot::Sqlite(db.connection.begin().await?),
        // On a task of its own, so that a request cut off while `BEGIN` is on its way
        // cannot leave it half done: sqlx's guard for a cancelled `BEGIN` queues no
        // `ROLLBACK` (the connection's depth is still 0), so the connection went back to
        // the pool inside a read-only transaction and the next write on it failed
        // (`tests/api/connections.rs`). Run to its end, the transaction is dropped
        // like any other and rolled back.
        _ => {
            let pool = db.connection.get_postgres_connection_pool().clone();
            let begun = tokio::spawn(async move { pool.begin_with(BEGIN_POSTGRES_READ).await })
                .await
                .map_err(|e| DbErr::Custom(format!("beginning a read: {e}")))?;
            Snapshot::Postgres(Mutex::new(
                begun.map_err(|e| DbErr::Conn(RuntimeErr::SqlxError(Arc::new(e))))?,
            ))
        }
    };
    db.tally.transaction();
    Ok(snapshot)
}

/// The connection one read goes through.
pub(crate) enum Reader<'a> {
    Pool(&'a DatabaseConnection),
    Sqlite(&'a DatabaseTransaction),
    Postgres(&'a Mutex<sqlx::Transaction<'static, Postgres>>, &'a Tally),
}

/// SeaORM's statement as sqlx's query, with its values bound as SeaORM binds them.
fn pg_query(stmt: &Statement) -> sqlx::query::Query<'_, Postgres, SqlxValues> {
    let values = stmt.values.clone().unwrap_or(Values(Vec::new()));
    sqlx::query_with(sqlx::AssertSqlSafe(stmt.sql.as_str()), SqlxValues(values))
}

fn query_err(e: sqlx::Error) -> DbErr {
    DbErr::Query(RuntimeErr::SqlxError(Arc::new(e)))
}

fn exec_err(e: sqlx::Error) -> DbErr {
    DbErr::Exec(RuntimeErr::SqlxError(Arc::new(e)))
}

#[async_trait::async_trait]
impl ConnectionTrait for Reader<'_> {
    fn get_database_backend(&self) -> DbBackend {
        match self {
            Reader::Pool(c) => c.get_database_backend(),
            Reader::Sqlite(c) => c.get_database_backend(),
            Reader::Postgres(..) => DbBackend::Postgres,
        }
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        match self {
            Reader::Pool(c) => c.execute_raw(stmt).await,
            Reader::Sqlite(c) => c.execute_raw(stmt).await,
            Reader::Postgres(txn, tally) => {
                tally.statement(&stmt);
                let mut txn = txn.lock().await;
                let done = pg_query(&stmt)
                    .execute(&mut **txn)
                    .await
                    .map_err(exec_err)?;
                Ok(done.into())
            }
        }
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        match self {
            Reader::Pool(c) => c.execute_unprepared(sql).await,
            Reader::Sqlite(c) => c.execute_unprepared(sql).await,
            Reader::Postgres(txn, tally) => {
                tally.statement(&Statement::from_string(DbBackend::Postgres, sql));
                let mut txn = txn.lock().await;
                let done = sqlx::Executor::execute(&mut **txn, sqlx::AssertSqlSafe(sql))
                    .await
                    .map_err(exec_err)?;
                Ok(done.into())
            }
        }
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        match self {
            Reader::Pool(c) => c.query_one_raw(stmt).await,
            Reader::Sqlite(c) => c.query_one_raw(stmt).await,
            Reader::Postgres(txn, tally) => {
                tally.statement(&stmt);
                let mut txn = txn.lock().await;
                let row = pg_query(&stmt)
                    .fetch_optional(&mut **txn)
                    .await
                    .map_err(query_err)?;
                Ok(row.map(QueryResult::from))
            }
        }
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        match self {
            Reader::Pool(c) => c.query_all_raw(stmt).await,
            Reader::Sqlite(c) => c.query_all_raw(stmt).await,
            Reader::Postgres(txn, tally) => {
                tally.statement(&stmt);
                let mut txn = txn.lock().await;
                let rows = pg_query(&stmt)
                    .fetch_all(&mut **txn)
                    .await
                    .map_err(query_err)?;
                Ok(rows.into_iter().map(QueryResult::from).collect())
            }
        }
    }
}
