//! `concord`: serve, migrate, seed, export-schema.
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

    #[command(subcommand)]
    command: Option<Command>,
}

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
    },
    /// Run pending migrations and exit.
    Migrate,
    /// Load data: `--demo` loads the five source articles (idempotent).
    Seed {
        /// Load the demo data from the source articles.
        #[arg(long)]
        demo: bool,
    },
    /// Print the GraphQL schema (SDL), or write it to a file.
    ExportSchema {
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

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
    let url = cli
        .database_url
        .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
    let command = cli.command.unwrap_or(Command::Serve {
        listen: std::env::var("CONCORD_LISTEN").unwrap_or_else(|_| "127.0.0.1:8080".into()),
        demo: None,
    });
    match command {
        Command::ExportSchema { output } => {
            let sdl = api::sdl();
            match output {
                Some(path) => std::fs::write(&path, sdl)
                    .map_err(|e| format!("writing {}: {e}", path.display()))?,
                None => print!("{sdl}"),
            }
        }
        Command::Migrate => {
            let db = open(&url).await?;
            println!("migrations applied to {}", redact(&url));
            drop(db);
        }
        Command::Seed { demo } => {
            if !demo {
                return Err("nothing to seed: pass --demo".into());
            }
            let db = open(&url).await?;
            seed_demo(&db).await?;
        }
        Command::Serve { listen, demo } => {
            let db = open(&url).await?;
            if demo.unwrap_or(embedded) {
                seed_demo(&db).await?;
            }
            let listener = tokio::net::TcpListener::bind(&listen)
                .await
                .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
            let addr = listener.local_addr().map_err(|e| e.to_string())?;
            println!(
                "Concord serving GraphQL at http://{addr}/graphql (GraphiQL at http://{addr}/)"
            );
            tracing::info!(%addr, database = %redact(&url), "listening");
            concord::serve(listener, concord::app(db))
                .await
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// Connects and migrates.
async fn open(url: &str) -> Result<service::Database, String> {
    let db = service::connect(url)
        .await
        .map_err(|e| format!("cannot open database {}: {e}", redact(url)))?;
    service::migrate(&db)
        .await
        .map_err(|e| format!("migration failed: {e}"))?;
    Ok(db)
}

async fn seed_demo(db: &service::Database) -> Result<(), String> {
    let loaded = service::demo::load_articles(&db.connection)
        .await
        .map_err(|e| format!("loading demo data: {e}"))?;
    if loaded {
        println!("demo data loaded");
    } else {
        println!("demo data already present; nothing changed");
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
