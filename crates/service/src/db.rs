//! Connecting to SQLite or PostgreSQL, migrating, and counting statements.
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, DatabaseConnection, DbErr, Statement};

/// A connection pool that counts the SQL statements it runs, so tests and benchmarks
/// can check that a request's statement count does not grow with its page size.
#[derive(Clone)]
pub struct Database {
    pub connection: DatabaseConnection,
    pub(crate) tally: Arc<Tally>,
    /// Where the consortium is: the date there decides which memberships count today.
    time_zone: chrono_tz::Tz,
    /// What this process knows of the change feed's newest entry, for subscriptions.
    hub: crate::changes::Hub,
    /// Statistics answers kept until the change feed moves.
    pub(crate) kept_figures: Arc<crate::statistics::KeptFigures>,
}

/// A pool opened elsewhere (tests, tools): its statements are not counted.
impl From<DatabaseConnection> for Database {
    fn from(connection: DatabaseConnection) -> Self {
        Database {
            connection,
            tally: Arc::default(),
            time_zone: chrono_tz::UTC,
            // No URL: such a pool serves no subscriptions, so its hub never listens.
            hub: crate::changes::Hub::new(""),
            kept_figures: Arc::default(),
        }
    }
}

/// What a pool has sent to the database, counted in two kinds: statements that read or
/// write, and transaction control (`BEGIN`, `COMMIT`, `ROLLBACK`), which SeaORM's
/// statement callback never sees. Each is a message the database parses and answers, so
/// both are what a request costs it.
#[derive(Default)]
pub(crate) struct Tally {
    statements: AtomicU64,
    transaction_control: AtomicU64,
    trace: Trace,
}

impl Tally {
    /// One statement, kept with its values while tracing is on.
    pub(crate) fn statement(&self, statement: &Statement) {
        self.statements.fetch_add(1, Ordering::Relaxed);
        if self.trace.on.load(Ordering::Relaxed) {
            self.trace
                .kept
                .lock()
                .expect("trace lock")
                .push(statement.clone());
        }
    }

    /// A transaction begun: its `BEGIN` and the one `COMMIT` or `ROLLBACK` that will end
    /// it, counted together when it begins.
    pub(crate) fn transaction(&self) {
        self.transaction_control.fetch_add(2, Ordering::Relaxed);
    }
}

/// Statements kept while tracing is on, so the benchmark can show their query plans.
/// Off, it costs one relaxed load per statement.
#[derive(Default)]
struct Trace {
    on: AtomicBool,
    kept: Mutex<Vec<Statement>>,
}

impl Database {
    /// The same pool, with memberships dated in `time_zone`.
    pub fn with_time_zone(mut self, time_zone: chrono_tz::Tz) -> Self {
        self.time_zone = time_zone;
        self
    }

    /// The same pool, keeping at most `answers` statistics answers until the change feed
    /// moves (0: none, every figure is counted afresh).
    pub fn with_kept_figures(mut self, answers: usize) -> Self {
        self.kept_figures = Arc::new(crate::statistics::KeptFigures::new(answers));
        self
    }

    /// Drops the statistics answers kept, so the next requests count afresh (for
    /// measurements of what counting costs).
    pub fn forget_kept_figures(&self) {
        self.kept_figures.forget();
    }

    /// Today's date where the consortium is.
    pub fn today(&self) -> chrono::NaiveDate {
        chrono::Utc::now()
            .with_timezone(&self.time_zone)
            .date_naive()
    }

    /// The pool's size and idle connections, for metrics.
    pub fn pool_state(&self) -> (u32, usize) {
        match self.connection.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => {
                let pool = self.connection.get_postgres_connection_pool();
                (pool.size(), pool.num_idle())
            }
            _ => {
                let pool = self.connection.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle())
            }
        }
    }

    /// The change feed's hub: wakes subscriptions when new entries are committed.
    pub fn hub(&self) -> &crate::changes::Hub {
        &self.hub
    }

    /// Statements run on this pool since it was opened, transaction control apart.
    pub fn statements(&self) -> u64 {
        self.tally.statements.load(Ordering::Relaxed)
    }

    /// Transaction control statements (`BEGIN …`, `COMMIT`, `ROLLBACK`) sent by this
    /// pool's scopes since it was opened.
    pub fn transaction_statements(&self) -> u64 {
        self.tally.transaction_control.load(Ordering::Relaxed)
    }

    /// Starts keeping every statement run on this pool (with its values).
    pub fn start_trace(&self) {
        let trace = &self.tally.trace;
        trace.kept.lock().expect("trace lock").clear();
        trace.on.store(true, Ordering::Relaxed);
    }

    /// Stops keeping statements and returns those kept since `start_trace`.
    pub fn take_trace(&self) -> Vec<Statement> {
        let trace = &self.tally.trace;
        trace.on.store(false, Ordering::Relaxed);
        std::mem::take(&mut *trace.kept.lock().expect("trace lock"))
    }
}

/// How much of a SQLite file is memory-mapped (SQLite caps it just below 2 GiB): address
/// space, not memory; the kernel's page cache holds what is read, shared by every
/// connection.
const MMAP_BYTES: u64 = 2 << 30;

/// How long a request waits for one of SQLite's pooled connections: the default request
/// timeout (`Settings::request_timeout`, 30 s) less the rest of the request's work.
const SQLITE_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(25);

/// Opens a pool for `url` (`sqlite://…` or `postgres://…`).
pub async fn connect(url: &str) -> Result<Database, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        // While the database is down, requests fail within seconds instead of piling up;
        // the pool reconnects by itself when it is back.
        .connect_timeout(Duration::from_secs(3))
        .acquire_timeout(Duration::from_secs(3))
        .sqlx_logging(false);
    if url.starts_with("sqlite:") {
        // One writer at a time is SQLite's model; a small pool avoids lock churn. WAL lets
        // readers run beside the writer. FULL syncs the log at every commit, so an
        // acknowledged write survives a power loss too; NORMAL would survive a killed
        // process (what `tests/api/crash.rs` measures) but may lose the last commits when
        // the machine itself goes down.
        // Reads go through a memory map: with SQLite's default 2 MiB page cache per
        // connection, a search touching 1,700 agreements at scale 10 made as many `pread`
        // calls, and its time grew with the file instead of with the rows.
        // A query request holds one of the four connections for its whole run (its
        // snapshot), so under load requests queue for one: a heavy read (the statistics)
        // takes seconds, and the 3 s wait failed the requests behind it as INTERNAL.
        // The file is always there (nothing to detect as down), so a request waits for a
        // connection as long as the request itself may run; its timeout cuts it off.
        options
            .acquire_timeout(SQLITE_ACQUIRE_TIMEOUT)
            .max_connections(4)
            .map_sqlx_sqlite_opts(|o| {
                o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
                    .pragma("mmap_size", MMAP_BYTES.to_string())
            });
    } else {
        // A statement that runs away is cut off instead of holding a connection.
        options.map_sqlx_postgres_opts(|o| {
            o.options([("statement_timeout", "15s"), ("lock_timeout", "10s")])
        });
    }
    let mut connection = sea_orm::Database::connect(options).await?;
    let tally = Arc::new(Tally::default());
    let counter = tally.clone();
    connection.set_metric_callback(move |info| counter.statement(info.statement));
    Ok(Database {
        connection,
        tally,
        time_zone: chrono_tz::UTC,
        hub: crate::changes::Hub::new(url),
        kept_figures: Arc::default(),
    })
}

/// Whether the database answers and every migration has run; why not, when not.
pub async fn readiness(db: &Database) -> Result<(), String> {
    use sea_orm::ConnectionTrait;
    db.connection
        .execute_unprepared("SELECT 1")
        .await
        .map_err(|_| "the database does not answer".to_owned())?;
    let pending = Migrator::get_pending_migrations(&db.connection)
        .await
        .map_err(|_| "the migration state cannot be read".to_owned())?;
    if pending.is_empty() {
        Ok(())
    } else {
        Err(format!("{} migration(s) pending", pending.len()))
    }
}

/// Applies every pending migration, then makes sure SQLite's planner has statistics.
pub async fn migrate(db: &Database) -> Result<(), DbErr> {
    Migrator::up(&db.connection, None).await?;
    crate::search::fill_if_empty(&db.connection)
        .await
        .map_err(|e| DbErr::Custom(e.message()))?;
    refresh_statistics(&db.connection).await
}

/// SQLite plans without statistics until `ANALYZE` has run: it then walks a low-value
/// index in order (every in-effect agreement, say) instead of starting from the few
/// matching rows, so a search's cost grows with the table. Statistics are gathered once
/// (sampled, so this stays fast at any size) and refreshed by `PRAGMA optimize` when the
/// tables have grown. PostgreSQL's autovacuum keeps its own.
async fn refresh_statistics(db: &DatabaseConnection) -> Result<(), DbErr> {
    use sea_orm::ConnectionTrait;
    if db.get_database_backend() != sea_orm::DatabaseBackend::Sqlite {
        return Ok(());
    }
    // One connection for all of it: the limit is a setting of the connection it is set on.
    // Immediate: `ANALYZE` writes after reading, and a deferred transaction that must
    // upgrade while another process writes fails at once ("database is locked") instead
    // of waiting (two servers started on one file).
    let options = sea_orm::TransactionOptions {
        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
        ..Default::default()
    };
    let txn = sea_orm::TransactionTrait::begin_with_options(db, options).await?;
    let db = &txn;
    db.execute_unprepared("PRAGMA analysis_limit = 1000")
        .await?;
    let analysed = has_table(db, "sqlite_stat1").await?;
    db.execute_unprepared(if analysed {
        "PRAGMA optimize"
    } else {
        "ANALYZE"
    })
    .await?;
    // The per-value samples (sqlite_stat4) make SQLite re-plan a statement each time a
    // parameter it sampled is bound anew: every `id IN (?, …)` of a batch load. That
    // re-planning took a seventh of the home page's time; the per-index averages
    // (sqlite_stat1) already give the plans the reference operations need.
    if has_table(db, "sqlite_stat4").await? {
        db.execute_unprepared("DELETE FROM sqlite_stat4").await?;
        db.execute_unprepared("ANALYZE sqlite_schema").await?;
    }
    txn.commit().await
}

/// Whether a SQLite database has a table of that name.
async fn has_table(db: &impl sea_orm::ConnectionTrait, name: &str) -> Result<bool, DbErr> {
    Ok(db
        .query_one_raw(Statement::from_sql_and_values(
            sea_orm::DatabaseBackend::Sqlite,
            "SELECT 1 AS one FROM sqlite_master WHERE name = ?",
            [name.into()],
        ))
        .await?
        .is_some())
}
