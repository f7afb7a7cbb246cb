//! Where a scope's reads go. sqlx gives a pooled connection back after every statement
//! and checks it on the way (a `ping`, on SQLite a second hand-off to its thread), so a
//! read-only request that runs eight statements paid for sixteen hand-offs. A pinned
//! scope keeps one connection for the whole request instead.
use std::sync::Arc;

use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    ExecResult, IsolationLevel, QueryResult, Statement, TransactionTrait,
};
use tokio::sync::OnceCell;

/// How a scope reaches the database.
#[derive(Clone)]
pub(crate) enum Reads {
    /// Each statement takes a connection from the pool.
    Pooled,
    /// Every statement on one connection, taken at the first read. SeaORM lends one
    /// connection for several statements only as a transaction, so this is one, and the
    /// request reads one snapshot: SQLite's deferred transaction takes it at the first
    /// read; on PostgreSQL it is `REPEATABLE READ`, and `READ ONLY` as well, so a read
    /// path that wrote would fail there. It is never committed: dropping the last clone
    /// of the scope rolls it back (nothing was written) and returns the connection
    /// without the request waiting for either.
    Pinned(Arc<OnceCell<DatabaseTransaction>>),
}

impl Reads {
    pub(crate) async fn reader<'a>(
        &'a self,
        pool: &'a DatabaseConnection,
    ) -> Result<Reader<'a>, DbErr> {
        match self {
            Reads::Pooled => Ok(Reader::Pool(pool)),
            Reads::Pinned(cell) => Ok(Reader::Pinned(
                cell.get_or_try_init(|| begin_read(pool)).await?,
            )),
        }
    }
}

async fn begin_read(pool: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    match pool.get_database_backend() {
        // SQLite knows neither setting (SeaORM warns); its default is what is wanted.
        DbBackend::Sqlite => pool.begin().await,
        _ => {
            pool.begin_with_config(
                Some(IsolationLevel::RepeatableRead),
                Some(AccessMode::ReadOnly),
            )
            .await
        }
    }
}

/// The connection one read goes through.
pub(crate) enum Reader<'a> {
    Pool(&'a DatabaseConnection),
    Pinned(&'a DatabaseTransaction),
}

#[async_trait::async_trait]
impl ConnectionTrait for Reader<'_> {
    fn get_database_backend(&self) -> DbBackend {
        match self {
            Reader::Pool(c) => c.get_database_backend(),
            Reader::Pinned(c) => c.get_database_backend(),
        }
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        match self {
            Reader::Pool(c) => c.execute_raw(stmt).await,
            Reader::Pinned(c) => c.execute_raw(stmt).await,
        }
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        match self {
            Reader::Pool(c) => c.execute_unprepared(sql).await,
            Reader::Pinned(c) => c.execute_unprepared(sql).await,
        }
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        match self {
            Reader::Pool(c) => c.query_one_raw(stmt).await,
            Reader::Pinned(c) => c.query_one_raw(stmt).await,
        }
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        match self {
            Reader::Pool(c) => c.query_all_raw(stmt).await,
            Reader::Pinned(c) => c.query_all_raw(stmt).await,
        }
    }
}
