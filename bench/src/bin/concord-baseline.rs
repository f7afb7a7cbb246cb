//! `concord-baseline --database-url URL [--listen ADDR]`: serves the reference operations
//! with hand-written SQL, for the harness to measure Concord against.
use clap::Parser;

#[derive(Parser)]
struct Args {
    #[arg(long, env = "DATABASE_URL")]
    database_url: String,
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: String,
}

/// The same allocator as `concord serve`, so the ratio compares the code, not malloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> Result<(), String> {
    let args = Args::parse();
    let db = service::connect(&args.database_url)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("baseline serving at http://{addr}/graphql");
    axum::serve(listener, concord_bench::baseline::app(db))
        .await
        .map_err(|e| e.to_string())
}
