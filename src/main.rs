//! `concord`: serve, migrate, seed, import, token, export-schema.
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use concord::DEFAULT_DATABASE_URL;
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    name = "concord",
    version,
    about = "The shared record of a university consortium's international cooperation"
)]
struct Cli {
    /// Database URL: `sqlite://file.db?mode=rwc` or `postgres://user@host/db`.
    /// Without it, Concord uses ./concord.db and loads the demo data.
    #[arg(long, env = "DATABASE_URL", global = true)]
    database_url: Option<String>,

    /// The consortium's time zone (IANA name, e.g. `Asia/Shanghai`): a membership counts
    /// from its `joinedOn` to its `leftOn`, both included, on the date there.
    #[arg(long, env = "CONCORD_TIME_ZONE", default_value = "UTC", global = true)]
    time_zone: chrono_tz::Tz,

    #[command(subcommand)]
    command: Option<Command>,
}

/// Parsed once at start-up, so its variants' sizes do not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum Command {
    /// Run pending migrations, then serve GraphQL over HTTP (the default).
    Serve {
        /// Address to listen on; port 0 picks a free port.
        #[arg(long, env = "CONCORD_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        /// Load the demo data before serving (default: only on the embedded SQLite default).
        #[arg(long, env = "CONCORD_DEMO")]
        demo: Option<bool>,
        /// How many days the change feed (`changes`) keeps its entries; pruned at start
        /// and daily. A client whose cursor is older gets `CHANGES_EXPIRED`.
        #[arg(long, env = "CONCORD_CHANGE_RETENTION_DAYS", default_value_t = 90,
              value_parser = clap::value_parser!(u32).range(1..))]
        change_retention_days: u32,
        /// Statistics answers kept in memory until the change feed moves (every write
        /// moves it); 0 counts every figure afresh for every request.
        #[arg(long, env = "CONCORD_KEPT_FIGURES", default_value_t = 256)]
        kept_figures: usize,
        #[command(flatten)]
        exposure: Exposure,
        #[command(flatten)]
        webhooks: WebhookFlags,
    },
    /// Run pending migrations and exit.
    Migrate,
    /// Load data: `--demo` loads the five source articles (idempotent); `--synthetic`
    /// a generated consortium for measurements.
    Seed {
        /// Load the demo data from the source articles.
        #[arg(long)]
        demo: bool,
        /// Load a generated consortium (deterministic for a given scale and seed).
        #[arg(long)]
        synthetic: bool,
        /// Size of the generated consortium: 1 is 50,000 events; fractions are allowed.
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// Random seed of the generated consortium.
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Manage bearer tokens from the server's own machine (acts as the coordinator).
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// Import a spreadsheet (CSV or XLSX) of organisations, partnerships, agreements or
    /// events, through the same rules as the API; prints the report (JSON, or CSV with
    /// `--format csv`). Acts as the coordinator unless `--as` gives a token. Exits with 1 when the import is
    /// refused (rows not NEW or MATCHED, unknown or missing columns): nothing is written.
    Import {
        /// The file: CSV (UTF-8 or GB18030) or XLSX.
        file: PathBuf,
        /// organisations, partnerships, agreements or events.
        #[arg(long)]
        kind: String,
        /// Report only; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Act as this bearer token's principal (as over HTTP) instead of the coordinator.
        #[arg(long = "as", env = "CONCORD_IMPORT_TOKEN")]
        as_token: Option<String>,
        /// The CSV file's encoding: auto (UTF-8, else GB18030), utf-8, gb18030.
        #[arg(long, default_value = "auto")]
        encoding: String,
        /// The report's format: json or csv.
        #[arg(long, default_value = "json")]
        format: String,
    },
    /// Compare importing 10,000 generated partner rows on this database: builds the file,
    /// imports it (partners and partnerships, one transaction), then again (nothing to
    /// change), printing seconds and the process's peak memory.
    BenchImport {
        /// How many rows.
        #[arg(long, default_value_t = 10_000)]
        rows: usize,
    },
    /// Print the GraphQL schema (SDL), or write it to a file.
    ExportSchema {
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

/// What the server exposes and how much it accepts.
#[derive(clap::Args, Default)]
struct Exposure {
    /// Allow schema introspection (switch off in production: also turns off "did you mean").
    #[arg(long, env = "CONCORD_INTROSPECTION", default_value_t = true, action = clap::ArgAction::Set)]
    introspection: bool,
    /// Serve GraphiQL at `/`.
    #[arg(long, env = "CONCORD_GRAPHIQL", default_value_t = true, action = clap::ArgAction::Set)]
    graphiql: bool,
    /// Browser origins allowed to call the API (CORS), comma-separated; default: same origin only.
    #[arg(long, env = "CONCORD_CORS_ORIGINS", value_delimiter = ',')]
    cors_origins: Vec<String>,
    /// Request headers browsers may send cross-origin (CORS), comma-separated.
    #[arg(long, env = "CONCORD_CORS_HEADERS", value_delimiter = ',',
          default_values_t = concord::DEFAULT_CORS_HEADERS.map(str::to_owned))]
    cors_headers: Vec<String>,
    /// How long browsers may reuse a CORS preflight's answer, in seconds.
    #[arg(long, env = "CONCORD_CORS_MAX_AGE", default_value_t = 600)]
    cors_max_age: u64,
    /// How long CDNs and browsers may keep an anonymous GET answer, in seconds.
    #[arg(long, env = "CONCORD_PUBLIC_MAX_AGE", default_value_t = 60)]
    public_max_age: u64,
    /// Automatic persisted queries kept in memory (least recently used go first).
    #[arg(long, env = "CONCORD_PERSISTED_QUERIES", default_value_t = 1_000,
          value_parser = clap::value_parser!(u64).range(1..))]
    persisted_queries: u64,
    /// Run only the documents in this manifest (JSON: hash to document, or Apollo's
    /// persisted-query manifest); anything else is refused.
    #[arg(long, env = "CONCORD_TRUSTED_DOCUMENTS")]
    trusted_documents: Option<PathBuf>,
    /// Deepest query nesting.
    #[arg(long, env = "CONCORD_MAX_DEPTH", default_value_t = 15)]
    max_depth: usize,
    /// Most query complexity (a page costs its size times its items).
    #[arg(long, env = "CONCORD_MAX_COMPLEXITY", default_value_t = 200_000)]
    max_complexity: usize,
    /// Most aliases in one document.
    #[arg(long, env = "CONCORD_MAX_ALIASES", default_value_t = 30)]
    max_aliases: usize,
    /// Most selected fields in one document.
    #[arg(long, env = "CONCORD_MAX_FIELDS", default_value_t = 1_000)]
    max_fields: usize,
    /// Most lexical tokens in one document.
    #[arg(long, env = "CONCORD_MAX_TOKENS", default_value_t = 10_000)]
    max_tokens: usize,
    /// Longest a request may run, in seconds.
    #[arg(long, env = "CONCORD_REQUEST_TIMEOUT", default_value_t = 30)]
    request_timeout: u64,
    /// Requests per minute per authenticated token, or per client address without one
    /// (0: no limit).
    #[arg(long, env = "CONCORD_RATE_LIMIT", default_value_t = 600)]
    rate_limit: u32,
    /// Checks of unfamiliar tokens per minute per client address, refused (429) before
    /// the database past it; a token that authenticated passes without for ten minutes.
    /// In effect, failed authentications per minute per address (0: no limit).
    #[arg(long, env = "CONCORD_AUTH_FAILURE_LIMIT", default_value_t = 30)]
    auth_failure_limit: u32,
    /// Header in which a trusted reverse proxy appends the client's address, such as
    /// `x-forwarded-for` (its right-most entry counts); default: the socket's peer.
    /// Set it only behind a proxy that appends to it: clients can write it themselves.
    #[arg(long, env = "CONCORD_TRUSTED_PROXY_HEADER")]
    trusted_proxy_header: Option<axum::http::HeaderName>,
    /// Seconds a connection may sit idle (no request in progress) before it is closed.
    #[arg(long, env = "CONCORD_IDLE_TIMEOUT", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    idle_timeout: u64,
    /// Seconds a client may take to send a request's headers before its connection is closed.
    #[arg(long, env = "CONCORD_HEADER_READ_TIMEOUT", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    header_read_timeout: u64,
    /// On SIGTERM, how long requests in flight may take to finish, in seconds.
    #[arg(long, env = "CONCORD_DRAIN", default_value_t = 20)]
    drain: u64,
    /// WebSocket connections (subscriptions) open at once per token, or per client
    /// address without one, on this instance; more are closed with 4430.
    #[arg(long, env = "CONCORD_SUBSCRIPTION_CONNECTIONS", default_value_t = 20,
          value_parser = clap::value_parser!(u64).range(1..))]
    subscription_connections: u64,
    /// Subscriptions at once on one WebSocket connection; more are refused (LIMIT_EXCEEDED).
    #[arg(long, env = "CONCORD_SUBSCRIPTIONS_PER_CONNECTION", default_value_t = 100,
          value_parser = clap::value_parser!(u64).range(1..))]
    subscriptions_per_connection: u64,
    /// Messages waiting to be sent on one WebSocket connection; a client that lets more
    /// pile up is closed with 4413 (it resumes from its last cursor).
    #[arg(long, env = "CONCORD_SUBSCRIPTION_BUFFER", default_value_t = 256,
          value_parser = clap::value_parser!(u64).range(1..))]
    subscription_buffer: u64,
    /// Seconds a WebSocket client may take to send `connection_init` (then 4408).
    #[arg(long, env = "CONCORD_SUBSCRIPTION_INIT_TIMEOUT", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..))]
    subscription_init_timeout: u64,
}

impl Exposure {
    fn settings(&self) -> Result<concord::Settings, String> {
        let trusted_documents = match &self.trusted_documents {
            Some(path) => {
                let documents = concord::TrustedDocuments::load(path)?;
                tracing::info!(documents = documents.len(), "only trusted documents run");
                Some(documents)
            }
            None => None,
        };
        Ok(concord::Settings {
            limits: api::Limits {
                depth: self.max_depth,
                complexity: self.max_complexity,
                introspection: self.introspection,
                webhook_urls: Default::default(),
            },
            graphiql: self.graphiql,
            cors_origins: self.cors_origins.clone(),
            request_timeout: std::time::Duration::from_secs(self.request_timeout),
            rate_limit_per_minute: (self.rate_limit > 0).then_some(self.rate_limit),
            auth_failures_per_minute: (self.auth_failure_limit > 0)
                .then_some(self.auth_failure_limit),
            trusted_proxy_header: self.trusted_proxy_header.clone(),
            connections: concord::ConnectionTimeouts {
                idle: std::time::Duration::from_secs(self.idle_timeout),
                header_read: std::time::Duration::from_secs(self.header_read_timeout),
            },
            document_limits: concord::DocumentLimits {
                aliases: self.max_aliases,
                fields: self.max_fields,
                tokens: self.max_tokens,
            },
            cors_headers: self.cors_headers.clone(),
            cors_max_age: std::time::Duration::from_secs(self.cors_max_age),
            public_max_age: std::time::Duration::from_secs(self.public_max_age),
            persisted_queries: std::num::NonZeroUsize::new(self.persisted_queries as usize)
                .unwrap_or(std::num::NonZeroUsize::MIN),
            trusted_documents,
            subscriptions: concord::SubscriptionLimits {
                connections_per_token: self.subscription_connections as usize,
                per_connection: self.subscriptions_per_connection as usize,
                buffer: self.subscription_buffer as usize,
                init_timeout: std::time::Duration::from_secs(self.subscription_init_timeout),
            },
            going_away: concord::GoingAway::default(),
        })
    }
}

/// How webhooks are sent.
#[derive(clap::Args)]
struct WebhookFlags {
    /// Send webhook deliveries from this instance (every instance may: each delivery is
    /// sent by one).
    #[arg(long, env = "CONCORD_WEBHOOKS", default_value_t = true, action = clap::ArgAction::Set)]
    webhooks: bool,
    /// Accept `http://` endpoint URLs to loopback (127.0.0.1, ::1, localhost), for
    /// development. Without it every endpoint must be `https://` to a public address.
    #[arg(long, env = "CONCORD_WEBHOOKS_ALLOW_HTTP_LOOPBACK")]
    webhooks_allow_http_loopback: bool,
    /// How often the queue is looked at, in milliseconds.
    #[arg(long, env = "CONCORD_WEBHOOKS_POLL_MS", default_value_t = 1000,
          value_parser = clap::value_parser!(u64).range(10..))]
    webhooks_poll_ms: u64,
    /// The wait after a first failed attempt, in milliseconds; it doubles with each
    /// further failure (half of it random).
    #[arg(long, env = "CONCORD_WEBHOOKS_RETRY_BASE_MS", default_value_t = 10_000,
          value_parser = clap::value_parser!(u64).range(1..))]
    webhooks_retry_base_ms: u64,
    /// The longest wait between attempts, in milliseconds.
    #[arg(long, env = "CONCORD_WEBHOOKS_RETRY_MAX_MS", default_value_t = 6 * 60 * 60 * 1000,
          value_parser = clap::value_parser!(u64).range(1..))]
    webhooks_retry_max_ms: u64,
    /// Attempts before a delivery is marked failed (it can still be replayed).
    #[arg(long, env = "CONCORD_WEBHOOKS_MAX_ATTEMPTS", default_value_t = 12,
          value_parser = clap::value_parser!(u32).range(1..))]
    webhooks_max_attempts: u32,
    /// How long one POST may take, in milliseconds.
    #[arg(long, env = "CONCORD_WEBHOOKS_TIMEOUT_MS", default_value_t = 10_000,
          value_parser = clap::value_parser!(u64).range(1..))]
    webhooks_timeout_ms: u64,
}

impl WebhookFlags {
    fn settings(&self) -> concord::webhooks::WebhookSettings {
        use std::time::Duration;
        concord::webhooks::WebhookSettings {
            urls: service::webhooks::UrlPolicy {
                allow_http_loopback: self.webhooks_allow_http_loopback,
            },
            poll: Duration::from_millis(self.webhooks_poll_ms),
            retry: service::webhooks::RetryPolicy {
                base: Duration::from_millis(self.webhooks_retry_base_ms),
                max: Duration::from_millis(self.webhooks_retry_max_ms),
                max_attempts: self.webhooks_max_attempts,
            },
            timeout: Duration::from_millis(self.webhooks_timeout_ms),
            ..Default::default()
        }
    }
}

#[derive(Subcommand)]
enum TokenAction {
    /// Issue a token and print it (the only time it is shown).
    Create {
        /// A coordinator token (reads and writes everything).
        #[arg(long, conflicts_with_all = ["org", "role"])]
        coordinator: bool,
        /// The member organisation the token acts for: its global id or numeric id.
        #[arg(long, required_unless_present = "coordinator")]
        org: Option<String>,
        /// viewer, editor or admin.
        #[arg(long, required_unless_present = "coordinator")]
        role: Option<String>,
        /// What the token is for.
        #[arg(long, default_value = "issued on the command line")]
        label: String,
        /// Days until it expires (default: never).
        #[arg(long)]
        expires_in_days: Option<i64>,
    },
    /// Revoke a token by its public id.
    Revoke {
        /// The public id (the part after `concord_` and before the next `_`).
        public_id: String,
    },
}

/// See the workspace manifest for why.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("concord: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let embedded = cli.database_url.is_none();
    let zone = cli.time_zone;
    let url = cli
        .database_url
        .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
    let command = match cli.command {
        Some(command) => command,
        // Bare `concord`: serve, reading the same environment as `concord serve`.
        None => match Cli::parse_from(["concord", "serve"]).command {
            Some(command) => command,
            None => unreachable!("`serve` parses as a command"),
        },
    };
    match command {
        Command::ExportSchema { output } => {
            let sdl = api::sdl();
            match output {
                Some(path) => std::fs::write(&path, sdl)
                    .map_err(|e| format!("writing {}: {e}", path.display()))?,
                None => print!("{sdl}"),
            }
        }
        Command::Import {
            file,
            kind,
            dry_run,
            as_token,
            encoding,
            format,
        } => {
            let db = open(&url, zone).await?;
            import(&db, &file, &kind, dry_run, as_token, &encoding, &format).await?;
        }
        Command::BenchImport { rows } => {
            let db = open(&url, zone).await?;
            bench_import(&db, rows).await?;
        }
        Command::Token { action } => {
            let db = open(&url, zone).await?;
            token(&db, action).await?;
        }
        Command::Migrate => {
            let db = open(&url, zone).await?;
            println!("migrations applied to {}", redact(&url));
            drop(db);
        }
        Command::Seed {
            demo,
            synthetic,
            scale,
            seed,
        } => {
            if !demo && !synthetic {
                return Err("nothing to seed: pass --demo or --synthetic".into());
            }
            if synthetic && !(scale > 0.0 && scale <= 100.0) {
                return Err("--scale must be above 0 and at most 100".into());
            }
            let db = open(&url, zone).await?;
            if demo {
                seed_demo(&db).await?;
            }
            if synthetic {
                let started = std::time::Instant::now();
                let counts = service::synthetic::load(&db.connection, scale, seed)
                    .await
                    .map_err(|e| format!("generating data: {}", e.message()))?;
                println!(
                    "generated in {:.1} s: {counts:?}",
                    started.elapsed().as_secs_f64()
                );
            }
        }
        Command::Serve {
            listen,
            demo,
            change_retention_days,
            kept_figures,
            exposure,
            webhooks,
        } => {
            // Registered before the address is printed: a SIGTERM sent as soon as the
            // server says it is serving must drain it, not kill it.
            let shutdown = shutdown_signal();
            // A manifest that does not load stops the server before it opens anything.
            let mut settings = exposure.settings()?;
            let webhook_settings = webhooks.settings();
            settings.limits.webhook_urls = webhook_settings.urls;
            let db = open(&url, zone).await?.with_kept_figures(kept_figures);
            if demo.unwrap_or(embedded) {
                seed_demo(&db).await?;
            }
            let pruning = tokio::spawn(prune_changes(
                db.connection.clone(),
                chrono::Duration::days(change_retention_days.into()),
            ));
            let dispatcher = match webhooks.webhooks {
                true => Some(concord::webhooks::Dispatcher::spawn(
                    db.clone(),
                    webhook_settings,
                )?),
                false => None,
            };
            // Deliveries leave when a change commits (the hub hears it: NOTIFY on
            // PostgreSQL, this process's writes on SQLite), not at the next poll.
            let waking = dispatcher.as_ref().map(|d| {
                let waker = d.waker();
                db.hub().start(&db.connection);
                let mut newest = db.hub().watch();
                tokio::spawn(async move {
                    while newest.changed().await.is_ok() {
                        waker.wake();
                    }
                })
            });
            let listener = tokio::net::TcpListener::bind(&listen)
                .await
                .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
            let addr = listener.local_addr().map_err(|e| e.to_string())?;
            println!(
                "Concord serving GraphQL at http://{addr}/graphql (GraphiQL at http://{addr}/)"
            );
            tracing::info!(%addr, database = %redact(&url), "listening");
            let drain = std::time::Duration::from_secs(exposure.drain);
            concord::serve_until(
                listener,
                concord::app(db.clone(), &settings),
                &settings,
                shutdown,
                drain,
            )
            .await
            .map_err(|e| e.to_string())?;
            pruning.abort();
            if let Some(waking) = waking {
                waking.abort();
            }
            // The attempts in flight finish and are recorded before the pool closes.
            if let Some(dispatcher) = dispatcher {
                dispatcher.stop().await;
            }
            db.connection.close().await.map_err(|e| e.to_string())?;
            tracing::info!("stopped");
        }
    }
    Ok(())
}

/// Prunes the change feed now and then once a day. A failure is logged and tried again
/// the next day: serving does not depend on it.
async fn prune_changes(db: service::DatabaseConnection, retention: chrono::Duration) {
    let mut daily = tokio::time::interval(std::time::Duration::from_secs(24 * 60 * 60));
    loop {
        daily.tick().await;
        match service::changes::prune(&db, retention).await {
            Ok(pruned) => tracing::info!(pruned, "change feed pruned"),
            Err(e) => tracing::warn!(error = %e.message(), "pruning the change feed failed"),
        }
    }
}

/// A future that resolves on SIGTERM or Ctrl-C. The SIGTERM handler is installed when
/// this is called, not when the future is first polled, so no signal falls in between.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    async move {
        let ctrl_c = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        #[cfg(unix)]
        let term = async {
            match term {
                Some(mut signal) => {
                    signal.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let term = std::future::pending::<()>();
        tokio::select! {
            _ = ctrl_c => {},
            _ = term => {},
        }
        tracing::info!("shutting down: no new connections, finishing requests in flight");
    }
}

/// Connects and migrates.
async fn open(url: &str, zone: chrono_tz::Tz) -> Result<service::Database, String> {
    let db = service::connect(url)
        .await
        .map_err(|e| format!("cannot open database {}: {e}", redact(url)))?
        .with_time_zone(zone);
    service::migrate(&db)
        .await
        .map_err(|e| format!("migration failed: {e}"))?;
    Ok(db)
}

async fn seed_demo(db: &service::Database) -> Result<(), String> {
    let loaded = service::demo::load_articles(&db.connection)
        .await
        .map_err(|e| format!("loading demo data: {}", e.message()))?;
    if loaded {
        println!("demo data loaded");
    } else {
        println!("demo data already present; nothing changed");
    }
    Ok(())
}

/// `concord import`: the report to standard output; an error when refused.
async fn import(
    db: &service::Database,
    file: &std::path::Path,
    kind: &str,
    dry_run: bool,
    as_token: Option<String>,
    encoding: &str,
    format: &str,
) -> Result<(), String> {
    use service::import::{Encoding, ImportKind, ImportRequest};
    let kind = ImportKind::parse(kind).ok_or_else(|| {
        format!("--kind {kind:?}: organisations, partnerships, agreements or events")
    })?;
    let encoding = Encoding::parse(encoding)
        .ok_or_else(|| format!("--encoding {encoding:?}: auto, utf-8 or gb18030"))?;
    if !matches!(format, "json" | "csv") {
        return Err(format!("--format {format:?}: json or csv"));
    }
    let bytes = std::fs::read(file).map_err(|e| format!("reading {}: {e}", file.display()))?;
    let principal = match as_token {
        None => cli_principal(),
        Some(token) => service::auth::authenticate(db, Some(&format!("Bearer {token}")))
            .await
            .map_err(|e| format!("--as: {}", e.message()))?,
    };
    let scope = service::Scope::new(db.connection.clone(), principal).on(db.today());
    let report = scope
        .import(ImportRequest {
            kind,
            file_name: file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            bytes: &bytes,
            encoding,
            dry_run,
            decode_id: api::import::decode_id,
        })
        .await
        .map_err(|e| e.message())?;
    if format == "csv" {
        print!("{}", api::import::report_csv(&report));
    } else {
        println!(
            "{}",
            serde_json::to_string_pretty(&api::import::report_json(&report)).unwrap_or_default()
        );
    }
    let totals = report.totals();
    if !report.dry_run && !report.committed {
        return Err(format!(
            "nothing imported: {} invalid and {} ambiguous rows, {} unknown and {} missing columns",
            totals.invalid,
            totals.ambiguous,
            report.unknown_columns.len(),
            report.missing_columns.len()
        ));
    }
    eprintln!(
        "{}: {} rows, {} new, {} matched ({} changed), {} ambiguous, {} invalid",
        if report.committed {
            "imported"
        } else {
            "dry run"
        },
        totals.rows,
        totals.new,
        totals.matched,
        totals.changed,
        totals.ambiguous,
        totals.invalid
    );
    Ok(())
}

/// `concord bench-import`: generates `rows` partner rows for a member of its own and
/// imports them twice as the coordinator, printing seconds per run and peak memory.
async fn bench_import(db: &service::Database, rows: usize) -> Result<(), String> {
    use service::import::{Encoding, ImportKind, ImportRequest};
    // The pool itself, not its connection: its statements are counted.
    let scope = service::Scope::new(db.clone(), cli_principal()).on(db.today());
    let member = scope
        .create_organisation(service::organisations::OrganisationInput {
            kind: service::entity::enums::OrganisationKind::University,
            parent: None,
            name_en: format!(
                "Benchmark University {}",
                chrono::Utc::now().timestamp_micros()
            ),
            name_zh: None,
            abbreviation: None,
            country: Some("CN".into()),
            city: None,
            address: None,
            website: None,
            ror_id: None,
            source: None,
            names: Vec::new(),
            identifiers: Vec::new(),
            idempotency_key: None,
        })
        .await
        .map_err(|e| e.message())?;
    let member_id = api::import::organisation_gid(member.id);
    let countries = ["DE", "英国", "US", "France", "日本", "HK", "BG", "Korea"];
    let mut csv = String::from("member,partner,partnerNameZh,country,kind,since,visibility\n");
    for i in 0..rows {
        csv.push_str(&format!(
            "{member_id},Partner Institute {i} of {},合作机构{i},{},{},2020-01-01,CONSORTIUM\n",
            member.id,
            countries[i % countries.len()],
            if i % 3 == 0 { "INDUSTRY" } else { "ACADEMIC" }
        ));
    }
    for run in ["first import", "second import"] {
        let started = std::time::Instant::now();
        let statements = db.statements();
        let report = scope
            .import(ImportRequest {
                kind: ImportKind::Partnerships,
                file_name: "bench.csv".into(),
                bytes: csv.as_bytes(),
                encoding: Encoding::Detect,
                dry_run: false,
                decode_id: api::import::decode_id,
            })
            .await
            .map_err(|e| e.message())?;
        let totals = report.totals();
        if !report.committed {
            return Err(format!("the benchmark's import was refused: {totals:?}"));
        }
        println!(
            "{run}: {rows} rows in {:.2} s ({} new, {} unchanged, {} SQL statements); peak RSS {} MB",
            started.elapsed().as_secs_f64(),
            totals.new,
            totals.unchanged,
            db.statements() - statements,
            peak_rss_mb()
        );
    }
    Ok(())
}

/// The process's peak resident memory (Linux), in MB.
fn peak_rss_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

/// The command line acts as the coordinator: whoever runs it can open the database anyway.
fn cli_principal() -> service::Principal {
    service::Principal::Coordinator {
        token_id: None,
        label: "command line".into(),
    }
}

async fn token(db: &service::Database, action: TokenAction) -> Result<(), String> {
    use service::entity::enums::Role;
    match action {
        TokenAction::Create {
            coordinator,
            org,
            role,
            label,
            expires_in_days,
        } => {
            let (role, organisation_id) = if coordinator {
                (Role::Coordinator, None)
            } else {
                let role = match role.as_deref().map(str::to_ascii_lowercase).as_deref() {
                    Some("viewer") => Role::Viewer,
                    Some("editor") => Role::Editor,
                    Some("admin") => Role::Admin,
                    other => {
                        return Err(format!(
                            "--role must be viewer, editor or admin, not {other:?}"
                        ));
                    }
                };
                let org = org.unwrap_or_default();
                let id = api::organisation_key(&org)
                    .ok_or_else(|| format!("--org {org:?} is not an organisation id"))?;
                (role, Some(id))
            };
            let expires_at =
                expires_in_days.map(|d| chrono::Utc::now() + chrono::Duration::days(d));
            let scope = service::Scope::new(db.clone(), cli_principal()).on(db.today());
            let issued = scope
                .issue_token(service::tokens::NewToken {
                    label,
                    role,
                    organisation_id,
                    expires_at,
                })
                .await
                .map_err(|e| e.message())?;
            println!("{}", issued.secret);
            eprintln!(
                "Store this token now: it is shown only once. Send it as `Authorization: Bearer <token>`."
            );
        }
        TokenAction::Revoke { public_id } => {
            let scope = service::Scope::new(db.clone(), cli_principal()).on(db.today());
            let revoked = scope
                .revoke_token_by_public_id(&public_id)
                .await
                .map_err(|e| e.message())?;
            println!("revoked token {} ({})", revoked.public_id, revoked.label);
        }
    }
    Ok(())
}

/// The URL without its password, for logs.
fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}
