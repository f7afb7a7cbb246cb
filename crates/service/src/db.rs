//! Connecting to SQLite or PostgreSQL, migrating, and counting statements.
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, DatabaseConnection, DbErr};

/// A connection pool that counts the SQL statements it runs, so tests and benchmarks
/// can check that a request's statement count does not grow with its page size.
#[derive(Clone)]
pub struct Database {
    pub connection: DatabaseConnection,
    statements: Arc<AtomicU64>,
}

impl Database {
    /// Statements run on this pool since it was opened.
    pub fn statements(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }
}

/// Opens a pool for `url` (`sqlite://…` or `postgres://…`).
pub async fn connect(url: &str) -> Result<Database, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    if url.starts_with("sqlite:") {
        // One writer at a time is SQLite's model; a small pool avoids lock churn.
        options.max_connections(4);
    }
    let mut connection = sea_orm::Database::connect(options).await?;
    let statements = Arc::new(AtomicU64::new(0));
    let counter = statements.clone();
    connection.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::Relaxed);
    });
    Ok(Database {
        connection,
        statements,
    })
}

/// Applies every pending migration.
pub async fn migrate(db: &Database) -> Result<(), DbErr> {
    Migrator::up(&db.connection, None).await
}
