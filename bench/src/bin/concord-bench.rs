//! `concord-bench`: drives Concord and the hand-written baseline over HTTP with the
//! reference operations, and prints what they sustain. See `bench/README.md`.
//!
//! The servers run as their own release processes (`concord serve`, `concord-baseline`)
//! next to this one, on a copy of a generated database that is kept between runs.
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};
use concord_bench::operations::{self as ops, Operation, body};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum, Debug)]
enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Parser)]
#[command(
    name = "concord-bench",
    about = "Measure Concord against a hand-written baseline"
)]
struct Args {
    /// The database both servers run on.
    #[arg(long, value_enum, default_value = "sqlite")]
    db: Backend,
    /// Size of the generated consortium (1: 50,000 events).
    #[arg(long, default_value_t = 1.0)]
    scale: f64,
    /// Random seed of the generated consortium.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// Seconds of measured load per operation and server.
    #[arg(long, default_value_t = 10)]
    duration: u64,
    /// Seconds of unmeasured load first.
    #[arg(long, default_value_t = 2)]
    warmup: u64,
    /// Operations to run: home, profile, search, deep, writes.
    #[arg(long, value_delimiter = ',', default_value = "home,profile,search,deep,writes")]
    ops: Vec<String>,
    /// Measure Concord only.
    #[arg(long)]
    no_baseline: bool,
    /// The PostgreSQL server, without a database name.
    #[arg(
        long,
        env = "CONCORD_BENCH_POSTGRES",
        default_value = "postgres://postgres@127.0.0.1:5432"
    )]
    postgres: String,
    /// Where generated SQLite databases are kept between runs.
    #[arg(long, default_value = "bench/data")]
    data_dir: PathBuf,
    /// Where result tables are written.
    #[arg(long, default_value = "bench/results")]
    results_dir: PathBuf,
    /// Instead of the table: run the write mix this many seconds against Concord and
    /// sample its memory every 10 s.
    #[arg(long)]
    soak: Option<u64>,
    /// Instead of the table: write the query plans of Concord's statements for each read.
    #[arg(long)]
    plans: bool,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("concord-bench: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

type Fallible<T> = Result<T, String>;

fn err<E: std::fmt::Display>(context: &str) -> impl Fn(E) -> String + '_ {
    move |e| format!("{context}: {e}")
}

/// The release binaries sit next to this one.
fn sibling(name: &str) -> Fallible<PathBuf> {
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let path = me.with_file_name(name);
    if path.exists() {
        Ok(path)
    } else {
        Err(format!(
            "{} not found: build it first (`cargo build --release --bins`)",
            path.display()
        ))
    }
}

async fn run(args: Args) -> Fallible<()> {
    let operations: Vec<Operation> = args
        .ops
        .iter()
        .map(|name| Operation::parse(name).ok_or_else(|| format!("no operation `{name}`")))
        .collect::<Fallible<_>>()?;
    let concord = sibling("concord")?;
    let baseline = sibling("concord-baseline")?;
    std::fs::create_dir_all(&args.results_dir).map_err(|e| e.to_string())?;

    let url = prepare(&args, &concord).await?;
    if args.plans {
        return plans(&args, &url).await;
    }
    let token = issue_token(&concord, &url).await?;

    let mut server = Server::start(
        &concord,
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--rate-limit",
            "0",
            "--demo",
            "false",
        ],
        &url,
    )
    .await?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency * 2)
        .build()
        .map_err(|e| e.to_string())?;
    let targets = Arc::new(Targets::find(&client, &server.url, token).await?);

    if let Some(seconds) = args.soak {
        let report = soak(&args, &client, &server, &targets, seconds).await?;
        let path = args.results_dir.join(format!(
            "soak-{}-scale{}.md",
            args.db.name(),
            args.scale
        ));
        std::fs::write(&path, &report).map_err(|e| e.to_string())?;
        println!("{report}\nwritten to {}", path.display());
        server.stop().await;
        return Ok(());
    }

    let mut base = if args.no_baseline {
        None
    } else {
        Some(Server::start(&baseline, &["--listen", "127.0.0.1:0"], &url).await?)
    };

    let mut rows = Vec::new();
    for op in operations {
        let same = match (&base, op) {
            (Some(b), op) if op != Operation::Writes => {
                Some(same_json(&client, &server.url, &b.url, &targets, op).await?)
            }
            _ => None,
        };
        let ours = measure(&args, &client, &server, &targets, op).await?;
        println!("{}", ours.line(op, "concord"));
        let theirs = match &base {
            Some(b) => {
                let r = measure(&args, &client, b, &targets, op).await?;
                println!("{}", r.line(op, "baseline"));
                Some(r)
            }
            None => None,
        };
        rows.push((op, ours, theirs, same));
    }
    server.stop().await;
    if let Some(b) = base.as_mut() {
        b.stop().await;
    }
    let table = report(&args, &rows);
    let path = args
        .results_dir
        .join(format!("{}-scale{}.md", args.db.name(), args.scale));
    std::fs::write(&path, &table).map_err(|e| e.to_string())?;
    println!("\n{table}\nwritten to {}", path.display());
    Ok(())
}

// ---------------------------------------------------------------- data

/// A working copy of the generated database for this run; the generated original is
/// kept (a file for SQLite, a template database for PostgreSQL) so reruns skip seeding.
async fn prepare(args: &Args, concord: &Path) -> Fallible<String> {
    let label = format!("s{}_seed{}", args.scale, args.seed).replace('.', "_");
    match args.db {
        Backend::Sqlite => {
            std::fs::create_dir_all(&args.data_dir).map_err(|e| e.to_string())?;
            let original = args.data_dir.join(format!("concord-{label}.db"));
            if !original.exists() {
                let partial = args.data_dir.join(format!("concord-{label}.partial.db"));
                remove_sqlite(&partial);
                let url = format!("sqlite://{}?mode=rwc", partial.display());
                seed(concord, &url, args).await?;
                // Fold the write-ahead log into the file so one file is the whole database.
                let db = service::connect(&url).await.map_err(|e| e.to_string())?;
                use sea_orm::ConnectionTrait;
                db.connection
                    .execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
                    .await
                    .map_err(|e| e.to_string())?;
                db.connection.close().await.map_err(|e| e.to_string())?;
                std::fs::rename(&partial, &original).map_err(|e| e.to_string())?;
                remove_sqlite(&partial);
            }
            let run = args.data_dir.join("concord-run.db");
            remove_sqlite(&run);
            std::fs::copy(&original, &run).map_err(|e| e.to_string())?;
            Ok(format!("sqlite://{}?mode=rwc", run.display()))
        }
        Backend::Postgres => {
            use sea_orm::ConnectionTrait;
            let admin = sea_orm::Database::connect(format!("{}/postgres", args.postgres))
                .await
                .map_err(err("connecting to PostgreSQL"))?;
            let original = format!("concord_bench_{label}");
            let exists = admin
                .query_one_raw(sea_orm::Statement::from_string(
                    sea_orm::DatabaseBackend::Postgres,
                    format!("SELECT 1 AS one FROM pg_database WHERE datname = '{original}'"),
                ))
                .await
                .map_err(|e| e.to_string())?
                .is_some();
            let exec = |sql: String| {
                let admin = &admin;
                async move {
                    admin
                        .execute_unprepared(&sql)
                        .await
                        .map_err(|e| format!("{sql}: {e}"))
                }
            };
            if !exists {
                let partial = format!("{original}_partial");
                exec(format!("DROP DATABASE IF EXISTS {partial}")).await?;
                exec(format!("CREATE DATABASE {partial}")).await?;
                let url = format!("{}/{partial}", args.postgres);
                seed(concord, &url, args).await?;
                let db = sea_orm::Database::connect(&url)
                    .await
                    .map_err(|e| e.to_string())?;
                // Statistics for the planner, carried into every copy.
                db.execute_unprepared("VACUUM ANALYZE")
                    .await
                    .map_err(|e| e.to_string())?;
                db.close().await.map_err(|e| e.to_string())?;
                exec(format!("ALTER DATABASE {partial} RENAME TO {original}")).await?;
            }
            exec("DROP DATABASE IF EXISTS concord_bench_run WITH (FORCE)".into()).await?;
            exec(format!(
                "CREATE DATABASE concord_bench_run TEMPLATE {original}"
            ))
            .await?;
            admin.close().await.map_err(|e| e.to_string())?;
            Ok(format!("{}/concord_bench_run", args.postgres))
        }
    }
}

fn remove_sqlite(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

async fn seed(concord: &Path, url: &str, args: &Args) -> Fallible<()> {
    println!(
        "generating scale {} (seed {}) on {}: once, kept for later runs",
        args.scale,
        args.seed,
        args.db.name()
    );
    let status = Command::new(concord)
        .args([
            "--database-url",
            url,
            "seed",
            "--synthetic",
            "--scale",
            &args.scale.to_string(),
            "--seed",
            &args.seed.to_string(),
        ])
        .status()
        .await
        .map_err(|e| e.to_string())?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("seeding failed: {status}"))
    }
}

/// An editor token of the first member university, for the write mix.
async fn issue_token(concord: &Path, url: &str) -> Fallible<String> {
    let db = service::connect(url).await.map_err(|e| e.to_string())?;
    use sea_orm::ConnectionTrait;
    let row = db
        .connection
        .query_one_raw(sea_orm::Statement::from_string(
            db.connection.get_database_backend(),
            "SELECT MIN(id) AS id FROM organisation WHERE country_code = 'CN' AND parent_id IS NULL",
        ))
        .await
        .map_err(|e| e.to_string())?
        .ok_or("no member university in the database")?;
    let member: i64 = row.try_get("", "id").map_err(|e| e.to_string())?;
    db.connection.close().await.map_err(|e| e.to_string())?;
    let out = Command::new(concord)
        .args([
            "--database-url",
            url,
            "token",
            "create",
            "--org",
            &member.to_string(),
            "--role",
            "editor",
            "--label",
            "concord-bench",
        ])
        .stderr(Stdio::null())
        .output()
        .await
        .map_err(|e| e.to_string())?;
    let token = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    if out.status.success() && token.starts_with("concord_") {
        Ok(token)
    } else {
        Err("could not issue a token".into())
    }
}

// ---------------------------------------------------------------- servers

/// A server process the harness started, with its address.
struct Server {
    child: Child,
    url: String,
    metrics: String,
    pid: u32,
}

impl Server {
    async fn start(binary: &Path, args: &[&str], database: &str) -> Fallible<Server> {
        let mut child = Command::new(binary)
            .args(args)
            .env("DATABASE_URL", database)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("starting {}: {e}", binary.display()))?;
        let pid = child.id().ok_or("the server exited at once")?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let url = tokio::time::timeout(Duration::from_secs(120), async {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(start) = line.find("http://") {
                    let rest = &line[start..];
                    let end = rest.find("/graphql").map_or(rest.len(), |i| i + 8);
                    return Some(rest[..end].to_owned());
                }
            }
            None
        })
        .await
        .ok()
        .flatten()
        .ok_or_else(|| format!("{} did not say where it listens", binary.display()))?;
        // Keep draining its output so it never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let metrics = url.replace("/graphql", "/metrics");
        Ok(Server {
            child,
            url,
            metrics,
            pid,
        })
    }

    async fn statements(&self, client: &reqwest::Client) -> Fallible<u64> {
        let text = client
            .get(&self.metrics)
            .send()
            .await
            .map_err(|e| e.to_string())?
            .text()
            .await
            .map_err(|e| e.to_string())?;
        text.lines()
            .find_map(|l| l.strip_prefix("concord_sql_statements_total "))
            .and_then(|n| n.trim().parse().ok())
            .ok_or_else(|| "no statement counter in /metrics".into())
    }

    /// Resets the kernel's peak-memory mark of the process (`VmHWM`).
    fn reset_peak(&self) {
        let _ = std::fs::write(format!("/proc/{}/clear_refs", self.pid), "5");
    }

    /// (resident, peak resident) in KiB.
    fn memory(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid)).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        (field("VmRSS:"), field("VmHWM:"))
    }

    async fn stop(&mut self) {
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
    }
}

// ---------------------------------------------------------------- requests

/// Records each operation asks about, found once over Concord's API.
struct Targets {
    /// Member universities, for profiles.
    members: Vec<String>,
    /// Public events at which public agreements were signed, for deep reads.
    events: Vec<String>,
    /// The cursor that opens page 3 of the search.
    page3: String,
    token: String,
}

async fn post(
    client: &reqwest::Client,
    url: &str,
    body: &Value,
    token: Option<&str>,
) -> Fallible<Value> {
    let mut request = client.post(url).json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let value: Value = response.json().await.map_err(|e| e.to_string())?;
    if !status.is_success() || value.get("errors").is_some() || value["data"].is_null() {
        return Err(format!("{status}: {value}"));
    }
    Ok(value)
}

impl Targets {
    async fn find(client: &reqwest::Client, url: &str, token: String) -> Fallible<Targets> {
        let members = post(
            client,
            url,
            &json!({ "query": "{ organisations(filter: {countries: [\"CN\"], topLevel: true}, first: 20) { edges { node { id } } } }" }),
            None,
        )
        .await?;
        let members: Vec<String> = members["data"]["organisations"]["edges"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["node"]["id"].as_str().map(str::to_owned))
            .collect();
        let signed = post(
            client,
            url,
            &json!({ "query": "{ agreements(first: 100, orderBy: {field: SIGNED_ON, direction: DESC}) { edges { node { signedAt { id } } } } }" }),
            None,
        )
        .await?;
        let mut events: Vec<String> = signed["data"]["agreements"]["edges"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["node"]["signedAt"]["id"].as_str().map(str::to_owned))
            .collect();
        events.dedup();
        if members.is_empty() || events.is_empty() {
            return Err("the generated data has no members or no events with agreements".into());
        }
        let page3 = ops::cursor(2 * ops::SEARCH_PAGE - 1);
        let targets = Targets {
            members,
            events,
            page3,
            token,
        };
        let (search, _) = targets.read(Operation::Search, 0);
        let page = post(client, url, &search, None).await?;
        if page["data"]["agreements"]["edges"]
            .as_array()
            .is_none_or(|e| e.is_empty())
        {
            eprintln!("note: page 3 of the search is empty at this scale");
        }
        Ok(targets)
    }

    /// The `i`th request of a read operation, and whether the answer must hold a node.
    fn read(&self, op: Operation, i: usize) -> (Value, bool) {
        match op {
            Operation::Home => (body(ops::HOME, "Home", json!({})), false),
            Operation::Profile => (
                body(
                    ops::PROFILE,
                    "Profile",
                    json!({ "id": self.members[i % self.members.len()] }),
                ),
                true,
            ),
            Operation::Search => (
                body(ops::SEARCH, "Search", json!({ "after": self.page3 })),
                false,
            ),
            Operation::Deep | Operation::Writes => (
                body(
                    ops::DEEP,
                    "Deep",
                    json!({ "id": self.events[i % self.events.len()] }),
                ),
                true,
            ),
        }
    }
}

/// Whether a response is a success: 200, no errors, data (and the node asked for).
fn failure(status: reqwest::StatusCode, body: &[u8], node: bool) -> Option<String> {
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(_) => return Some(format!("{status}: not JSON")),
    };
    if !status.is_success() || value.get("errors").is_some() || value["data"].is_null() {
        return Some(format!("{status}: {}", truncate(&value.to_string())));
    }
    if node && value["data"]["node"].is_null() {
        return Some("node not found".into());
    }
    None
}

fn truncate(s: &str) -> String {
    s.chars().take(300).collect()
}

/// What one worker saw.
#[derive(Default)]
struct Tally {
    latencies: Vec<u32>,
    failures: u64,
    first_failure: Option<String>,
}

/// One worker: requests back to back until `until`. In the write mix, every tenth
/// request is a mutation, alternately creating an event and renaming the last one this
/// worker created (with the version it holds, so workers never conflict).
async fn worker(
    client: reqwest::Client,
    url: String,
    targets: Arc<Targets>,
    op: Operation,
    worker: usize,
    until: Instant,
) -> Tally {
    let mut tally = Tally::default();
    let mut mine: Option<(String, i64)> = None;
    let mut i = worker * 7919;
    while Instant::now() < until {
        i += 1;
        let mutation = op == Operation::Writes && i % 10 == 0;
        let (request, node) = if mutation {
            match &mine {
                Some((id, version)) if (i / 10) % 2 == 1 => (
                    body(
                        ops::UPDATE,
                        "Update",
                        json!({ "input": { "id": id, "expectedVersion": version, "title": format!("Bench workshop {worker}-{i} (renamed)") } }),
                    ),
                    false,
                ),
                _ => (
                    body(
                        ops::CREATE,
                        "Create",
                        json!({ "input": {
                            "visibility": "PUBLIC", "kind": "WORKSHOP", "status": "HELD", "format": "ONLINE",
                            "title": format!("Bench workshop {worker}-{i}"), "startDate": "2026-06-01",
                            "organisations": [{ "organisation": targets.members[0], "role": "HOST" }],
                        } }),
                    ),
                    false,
                ),
            }
        } else if op == Operation::Writes {
            let read = [
                Operation::Home,
                Operation::Profile,
                Operation::Search,
                Operation::Deep,
            ][i % 4];
            targets.read(read, i / 4)
        } else {
            targets.read(op, i)
        };
        let started = Instant::now();
        let mut call = client.post(&url).json(&request);
        if mutation {
            call = call.bearer_auth(&targets.token);
        }
        let outcome = match call.send().await {
            Ok(response) => {
                let status = response.status();
                match response.bytes().await {
                    Ok(bytes) => match failure(status, &bytes, node) {
                        None => {
                            if mutation {
                                let value: Value = serde_json::from_slice(&bytes).unwrap_or_default();
                                let event = value["data"]
                                    .as_object()
                                    .and_then(|d| d.values().next())
                                    .map(|p| p["event"].clone())
                                    .unwrap_or_default();
                                if let (Some(id), Some(v)) =
                                    (event["id"].as_str(), event["version"].as_i64())
                                {
                                    mine = Some((id.to_owned(), v));
                                }
                            }
                            Ok(())
                        }
                        Some(f) => Err(f),
                    },
                    Err(e) => Err(e.to_string()),
                }
            }
            Err(e) => Err(e.to_string()),
        };
        let elapsed = started.elapsed().as_micros().min(u32::MAX as u128) as u32;
        match outcome {
            Ok(()) => tally.latencies.push(elapsed),
            Err(f) => {
                tally.failures += 1;
                tally.first_failure.get_or_insert(f);
            }
        }
    }
    tally
}

/// What one operation sustained on one server.
struct Measurement {
    requests: u64,
    failures: u64,
    first_failure: Option<String>,
    throughput: f64,
    p50: f64,
    p95: f64,
    p99: f64,
    statements: f64,
    peak_mib: f64,
}

impl Measurement {
    fn line(&self, op: Operation, server: &str) -> String {
        let mut line = format!(
            "{:<8} {:<8} {:>8.1} req/s  p50 {:>6.2} ms  p95 {:>6.2} ms  p99 {:>6.2} ms  {:>5.1} SQL/req  {:>6.1} MiB peak  {} errors",
            op.name(),
            server,
            self.throughput,
            self.p50,
            self.p95,
            self.p99,
            self.statements,
            self.peak_mib,
            self.failures
        );
        if let Some(f) = &self.first_failure {
            line.push_str(&format!(" (first: {f})"));
        }
        line
    }
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1] as f64 / 1000.0
}

async fn load(
    args: &Args,
    client: &reqwest::Client,
    server: &Server,
    targets: &Arc<Targets>,
    op: Operation,
    seconds: u64,
) -> Vec<Tally> {
    let until = Instant::now() + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..args.concurrency)
        .map(|w| {
            tokio::spawn(worker(
                client.clone(),
                server.url.clone(),
                targets.clone(),
                op,
                w,
                until,
            ))
        })
        .collect();
    let mut tallies = Vec::new();
    for task in tasks {
        if let Ok(t) = task.await {
            tallies.push(t);
        }
    }
    tallies
}

async fn measure(
    args: &Args,
    client: &reqwest::Client,
    server: &Server,
    targets: &Arc<Targets>,
    op: Operation,
) -> Fallible<Measurement> {
    load(args, client, server, targets, op, args.warmup).await;
    let before = server.statements(client).await?;
    server.reset_peak();
    let started = Instant::now();
    let tallies = load(args, client, server, targets, op, args.duration).await;
    let elapsed = started.elapsed().as_secs_f64();
    let after = server.statements(client).await?;
    let (_, peak) = server.memory();
    let mut latencies: Vec<u32> = tallies.iter().flat_map(|t| t.latencies.iter().copied()).collect();
    latencies.sort_unstable();
    let failures: u64 = tallies.iter().map(|t| t.failures).sum();
    let requests = latencies.len() as u64 + failures;
    Ok(Measurement {
        requests,
        failures,
        first_failure: tallies.into_iter().find_map(|t| t.first_failure),
        throughput: latencies.len() as f64 / elapsed,
        p50: percentile(&latencies, 50.0),
        p95: percentile(&latencies, 95.0),
        p99: percentile(&latencies, 99.0),
        statements: (after - before) as f64 / requests.max(1) as f64,
        peak_mib: peak as f64 / 1024.0,
    })
}

/// Asks both servers the same question and says whether the answers agree.
async fn same_json(
    client: &reqwest::Client,
    ours: &str,
    theirs: &str,
    targets: &Targets,
    op: Operation,
) -> Fallible<bool> {
    for i in 0..3 {
        let (request, _) = targets.read(op, i);
        let a = post(client, ours, &request, None).await?;
        let b = post(client, theirs, &request, None)
            .await
            .map_err(err("the baseline"))?;
        if let Some(path) = difference(&a["data"], &b["data"], String::new()) {
            eprintln!(
                "note: {} answers differ at {path}\n  concord:  {}\n  baseline: {}",
                op.name(),
                truncate(&pointer(&a["data"], &path).to_string()),
                truncate(&pointer(&b["data"], &path).to_string())
            );
            return Ok(false);
        }
    }
    Ok(true)
}

fn pointer<'a>(value: &'a Value, path: &str) -> &'a Value {
    value.pointer(path).unwrap_or(&Value::Null)
}

/// The first JSON pointer at which `a` and `b` differ.
fn difference(a: &Value, b: &Value, at: String) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for key in x.keys().chain(y.keys()) {
                let (p, q) = (x.get(key).unwrap_or(&Value::Null), y.get(key).unwrap_or(&Value::Null));
                if let Some(d) = difference(p, q, format!("{at}/{key}")) {
                    return Some(d);
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return Some(at);
            }
            x.iter()
                .zip(y)
                .enumerate()
                .find_map(|(i, (p, q))| difference(p, q, format!("{at}/{i}")))
        }
        _ => (a != b).then_some(at),
    }
}

// ---------------------------------------------------------------- reports

fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|m| m.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    format!("{cores} cores ({cpu})")
}

fn commit() -> String {
    std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

fn report(args: &Args, rows: &[(Operation, Measurement, Option<Measurement>, Option<bool>)]) -> String {
    let mut out = format!(
        "# Concord on {}, scale {}\n\n{} · commit {} · {} · {} clients · {} s per operation after {} s warm-up · load generator on the same machine\n\n",
        args.db.name(),
        args.scale,
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        commit(),
        machine(),
        args.concurrency,
        args.duration,
        args.warmup
    );
    out.push_str("| operation | server | req/s | p50 ms | p95 ms | p99 ms | errors | SQL/req | peak RSS MiB | vs baseline | same JSON |\n");
    out.push_str("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (op, ours, theirs, same) in rows {
        let ratio = theirs
            .as_ref()
            .map_or("".into(), |t| format!("{:.2}", ours.throughput / t.throughput.max(f64::MIN_POSITIVE)));
        let same = match same {
            Some(true) => "yes",
            Some(false) => "NO",
            None => "",
        };
        let mut push = |server: &str, m: &Measurement, ratio: &str, same: &str| {
            out.push_str(&format!(
                "| {} | {server} | {:.0} | {:.2} | {:.2} | {:.2} | {}/{} | {:.1} | {:.0} | {ratio} | {same} |\n",
                op.name(),
                m.throughput,
                m.p50,
                m.p95,
                m.p99,
                m.failures,
                m.requests,
                m.statements,
                m.peak_mib
            ));
        };
        push("concord", ours, &ratio, same);
        if let Some(t) = theirs {
            push("baseline", t, "1.00", "");
        }
    }
    out.push_str("\nOperations:\n");
    for (op, ..) in rows {
        out.push_str(&format!("- **{}**: {}\n", op.name(), op.describe()));
    }
    out
}

async fn soak(
    args: &Args,
    client: &reqwest::Client,
    server: &Server,
    targets: &Arc<Targets>,
    seconds: u64,
) -> Fallible<String> {
    let mut samples = Vec::new();
    let started = Instant::now();
    let mut requests = 0usize;
    let mut failures = 0u64;
    let mut elapsed = 0;
    while elapsed < seconds {
        let step = 10.min(seconds - elapsed);
        let tallies = load(args, client, server, targets, Operation::Writes, step).await;
        requests += tallies.iter().map(|t| t.latencies.len()).sum::<usize>();
        failures += tallies.iter().map(|t| t.failures).sum::<u64>();
        elapsed += step;
        let (rss, _) = server.memory();
        samples.push((started.elapsed().as_secs(), rss));
        println!("{:>5} s  RSS {:>7.1} MiB  {requests} requests, {failures} errors", started.elapsed().as_secs(), rss as f64 / 1024.0);
    }
    let half = samples.len() / 2;
    let max = |s: &[(u64, u64)]| s.iter().map(|x| x.1).max().unwrap_or(0) as f64 / 1024.0;
    let (first, second) = (max(&samples[..half.max(1)]), max(&samples[half..]));
    let mut out = format!(
        "# Memory under the write mix: {}, scale {}\n\n{} · commit {} · {} · {} clients · {} s\n\n{requests} requests, {failures} errors. Highest resident memory in the first half: {first:.1} MiB; in the second half: {second:.1} MiB ({:+.1}%).\n\n| seconds | RSS MiB |\n|---:|---:|\n",
        args.db.name(),
        args.scale,
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        commit(),
        machine(),
        args.concurrency,
        seconds,
        (second - first) / first.max(f64::MIN_POSITIVE) * 100.0
    );
    for (s, rss) in samples {
        out.push_str(&format!("| {s} | {:.1} |\n", rss as f64 / 1024.0));
    }
    Ok(out)
}

/// Runs each read once in this process with statement tracing on, and writes every
/// statement with the plan the database chose for it.
async fn plans(args: &Args, url: &str) -> Fallible<()> {
    use sea_orm::ConnectionTrait;
    let db = service::connect(url).await.map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let app = concord::app(db.clone(), &concord::Settings::default());
    tokio::spawn(concord::serve(listener, app));
    let graphql = format!("http://{address}/graphql");
    let client = reqwest::Client::new();
    let targets = Targets::find(&client, &graphql, String::new()).await?;
    let backend = db.connection.get_database_backend();
    let mut out = format!(
        "# Query plans on {}, scale {}\n\n{} · commit {}\n\nEvery statement Concord runs for each reference read, with the plan the database chose{}.\n",
        args.db.name(),
        args.scale,
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        commit(),
        if backend == sea_orm::DatabaseBackend::Postgres { " (`EXPLAIN ANALYZE`: real row counts and times)" } else { " (`EXPLAIN QUERY PLAN`)" }
    );
    let mut scans_total = 0;
    for op in [Operation::Home, Operation::Profile, Operation::Search, Operation::Deep] {
        let (request, _) = targets.read(op, 1);
        db.start_trace();
        post(&client, &graphql, &request, None).await?;
        let statements = db.take_trace();
        out.push_str(&format!("\n## {}: {}\n\n{} statements.\n", op.name(), op.describe(), statements.len()));
        let mut scans = Vec::new();
        for (n, statement) in statements.iter().enumerate() {
            let explain = match backend {
                sea_orm::DatabaseBackend::Postgres => format!("EXPLAIN (ANALYZE, COSTS OFF) {}", statement.sql),
                _ => format!("EXPLAIN QUERY PLAN {}", statement.sql),
            };
            let plan = db
                .connection
                .query_all_raw(sea_orm::Statement {
                    sql: explain,
                    values: statement.values.clone(),
                    db_backend: backend,
                })
                .await
                .map_err(|e| format!("explaining {}: {e}", statement.sql))?;
            let lines: Vec<String> = plan
                .iter()
                .filter_map(|row| {
                    row.try_get::<String>("", "QUERY PLAN")
                        .or_else(|_| row.try_get::<String>("", "detail"))
                        .ok()
                })
                .collect();
            for line in &lines {
                if let Some(table) = full_scan(line) {
                    scans.push(table);
                }
            }
            out.push_str(&format!(
                "\n### {}\n\n```sql\n{}\n```\n\n```\n{}\n```\n",
                n + 1,
                statement.sql,
                lines.join("\n")
            ));
        }
        scans_total += scans.len();
        println!(
            "{:<8} {:>2} statements, full scans of large tables: {}",
            op.name(),
            statements.len(),
            if scans.is_empty() { "none".to_owned() } else { scans.join(", ") }
        );
        out.push_str(&format!(
            "\nFull scans of large tables: {}\n",
            if scans.is_empty() { "none".to_owned() } else { scans.join(", ") }
        ));
    }
    let path = args
        .results_dir
        .join(format!("plans-{}-scale{}.md", args.db.name(), args.scale));
    std::fs::write(&path, out).map_err(|e| e.to_string())?;
    println!("{scans_total} full scans of large tables; plans written to {}", path.display());
    db.connection.close().await.map_err(|e| e.to_string())?;
    Ok(())
}

/// Tables that grow with the data; a full scan of one grows the request's cost with it.
const LARGE: [&str; 12] = [
    "event",
    "event_organisation",
    "event_participant",
    "presentation",
    "presentation_presenter",
    "agreement",
    "agreement_party",
    "agreement_person",
    "curriculum_standard",
    "adoption",
    "organisation",
    "person",
];

/// The large table a plan line reads in full, if it does.
fn full_scan(line: &str) -> Option<String> {
    let line = line.trim_start_matches(['-', '>', ' ', '|', '`']);
    let table = if let Some(rest) = line.strip_prefix("SCAN ") {
        // SQLite: `SCAN t` reads every row; `SCAN t USING [COVERING] INDEX` walks an index.
        (!rest.contains(" USING ")).then(|| rest.split_whitespace().next().unwrap_or(""))
    } else if let Some(rest) = line.split("Seq Scan on ").nth(1) {
        Some(rest.split_whitespace().next().unwrap_or(""))
    } else {
        None
    }?;
    LARGE.contains(&table).then(|| table.to_owned())
}
