//! The end-to-end test harness: spawns the real axum app on a random port over a fresh
//! database (an SQLite file, or a new PostgreSQL database) and speaks HTTP to it.

use std::sync::atomic::{AtomicU32, Ordering};

use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use service::Database;
use service::entity::enums::Role;
use tokio::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

/// Which database a test runs on.
#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The fixture most tests load (demo format): members Alpha and Beta, which share a
/// consortium, with records of every kind and visibility, and a few others.
pub const CATALOGUE: &str = include_str!("../fixtures/catalogue.json");

/// Where the PostgreSQL server for tests is (a server URL without a database name).
fn postgres_server() -> String {
    std::env::var("CONCORD_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

static NEXT: AtomicU32 = AtomicU32::new(0);

fn unique_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "concord_t_{}_{}_{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// A new empty directory under the system's temporary one, its name unique to this
/// test (tests share one process, so the process id alone does not tell them apart).
pub fn temp_dir(label: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("{}_{label}", unique_name()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the `concord` binary with `args` on the database at `url`; it must succeed.
/// Returns what it printed, trimmed.
pub fn run_concord(url: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_concord"))
        .args(args)
        .env("DATABASE_URL", url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// A fresh, empty database; dropped again when the test ends.
pub struct FreshDatabase {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Postgres(String),
}

impl FreshDatabase {
    pub async fn create(backend: Backend) -> FreshDatabase {
        let name = unique_name();
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(&name);
                std::fs::create_dir_all(&dir).unwrap();
                FreshDatabase {
                    url: format!("sqlite://{}?mode=rwc", dir.join("concord.db").display()),
                    cleanup: Cleanup::File(dir),
                }
            }
            Backend::Postgres => {
                let admin = sea_orm::Database::connect(format!("{}/postgres", postgres_server()))
                    .await
                    .expect("PostgreSQL must be running for the tests (see .ci/run)");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .unwrap();
                admin.close().await.unwrap();
                FreshDatabase {
                    url: format!("{}/{name}", postgres_server()),
                    cleanup: Cleanup::Postgres(name),
                }
            }
        }
    }
}

impl Drop for FreshDatabase {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres(name) => {
                let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                let url = format!("{}/postgres", postgres_server());
                // Drop runs inside the test's runtime; a thread with its own runtime may block.
                let _ = std::thread::spawn(move || {
                    tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap()
                        .block_on(async move {
                            if let Ok(admin) = sea_orm::Database::connect(url).await {
                                let _ = admin.execute_unprepared(&sql).await;
                            }
                        })
                })
                .join();
            }
        }
    }
}

/// The app running on a random port, and a client for it.
pub struct TestApp {
    pub base: String,
    pub db: Database,
    pub client: reqwest::Client,
    database: Option<FreshDatabase>,
}

impl TestApp {
    /// The app over a fresh, migrated, empty database.
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, concord::Settings::default()).await
    }

    /// The same, with the settings a test needs.
    pub async fn spawn_with(backend: Backend, settings: concord::Settings) -> TestApp {
        let database = FreshDatabase::create(backend).await;
        let mut app = Self::spawn_on(&database.url, settings).await;
        app.database = Some(database);
        app
    }

    /// The app over the database at `url`, migrated.
    pub async fn spawn_on(url: &str, settings: concord::Settings) -> TestApp {
        Self::spawn_in_zone(url, settings, chrono_tz::UTC).await
    }

    /// The same, dating memberships in `zone` (`concord --time-zone`).
    pub async fn spawn_in_zone(
        url: &str,
        settings: concord::Settings,
        zone: chrono_tz::Tz,
    ) -> TestApp {
        let db = service::connect(url).await.unwrap().with_time_zone(zone);
        service::migrate(&db).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = concord::app(db.clone(), &settings);
        tokio::spawn(async move { concord::serve(listener, app, &settings).await });
        TestApp {
            base: format!("http://{addr}"),
            db,
            client: reqwest::Client::new(),
            database: None,
        }
    }

    /// The app with the articles loaded.
    pub async fn with_demo(backend: Backend) -> TestApp {
        let app = Self::spawn(backend).await;
        assert!(
            service::demo::load_articles(&app.db.connection)
                .await
                .unwrap()
        );
        app
    }

    /// The app with a fixture document (demo format) loaded.
    pub async fn with_fixture(backend: Backend, json: &str) -> TestApp {
        Self::with_fixture_in(backend, json, chrono_tz::UTC).await
    }

    /// The same, dating memberships in `zone`.
    pub async fn with_fixture_in(backend: Backend, json: &str, zone: chrono_tz::Tz) -> TestApp {
        Self::with_fixture_and(backend, json, zone, Default::default()).await
    }

    /// The same, with the settings a test needs.
    pub async fn with_fixture_and(
        backend: Backend,
        json: &str,
        zone: chrono_tz::Tz,
        settings: concord::Settings,
    ) -> TestApp {
        let database = FreshDatabase::create(backend).await;
        let mut app = Self::spawn_in_zone(&database.url, settings, zone).await;
        app.database = Some(database);
        let document = service::demo::parse(json).unwrap();
        service::demo::load(&app.db.connection, &document)
            .await
            .unwrap();
        app
    }

    /// The database's URL, for a second pool that shares nothing with the app's.
    pub fn url(&self) -> &str {
        &self.database.as_ref().expect("a fresh database").url
    }

    /// POSTs a GraphQL request; returns the whole response body.
    pub async fn post(&self, query: &str, variables: Value) -> Value {
        let (status, body) = self.post_as(None, query, variables).await;
        assert!(status.is_success(), "status {status}: {body}");
        body
    }

    /// POSTs a GraphQL request with a bearer token (or none); returns status and body.
    pub async fn post_as(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> (reqwest::StatusCode, Value) {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.base))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap())
    }

    /// The `data` of a request as `token` that must succeed.
    pub async fn data_as(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let (status, body) = self.post_as(token, query, variables).await;
        assert!(
            status.is_success() && body.get("errors").is_none(),
            "unexpected errors ({status}): {body:#}"
        );
        body["data"].clone()
    }

    /// The first error's `extensions.code` of a request as `token`; "OK" when it succeeded.
    pub async fn outcome_as(&self, token: Option<&str>, query: &str, variables: Value) -> String {
        let (_, body) = self.post_as(token, query, variables).await;
        match body["errors"][0]["extensions"]["code"].as_str() {
            Some(code) => code.to_owned(),
            None if body.get("errors").is_some() => panic!("an error without a code: {body}"),
            None => "OK".to_owned(),
        }
    }

    /// Issues a token directly (as the command line does) and returns its secret.
    pub async fn token(&self, role: Role, organisation: Option<i64>) -> String {
        let cli = service::Principal::Coordinator {
            token_id: None,
            label: "test".into(),
        };
        let new = service::tokens::NewToken {
            label: format!("{role:?} token"),
            role,
            organisation_id: organisation,
            expires_at: None,
        };
        service::Scope::new(self.db.connection.clone(), cli)
            .on(self.db.today())
            .issue_token(new)
            .await
            .unwrap()
            .secret
    }

    /// Makes `organisation` the one member of a consortium of its own, so that it may
    /// hold tokens without sharing anything with anyone.
    pub async fn consortium_of_its_own(&self, organisation: i64) {
        let cli = service::Principal::Coordinator {
            token_id: None,
            label: "test".into(),
        };
        let scope = service::Scope::new(self.db.connection.clone(), cli).on(self.db.today());
        let consortium = scope
            .create_consortium(service::consortia::ConsortiumInput {
                name_en: format!("Consortium of organisation {organisation}"),
                name_zh: None,
                coordinator: None,
            })
            .await
            .unwrap();
        let member = service::consortia::MemberInput {
            organisation,
            joined_on: None,
            left_on: None,
        };
        scope
            .add_consortium_member(consortium.id, consortium.version, member)
            .await
            .unwrap();
    }

    /// The id of the organisation named `name_en`.
    pub async fn organisation(&self, name_en: &str) -> i64 {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        service::entity::organisation::Entity::find()
            .filter(service::entity::organisation::Column::NameEn.eq(name_en))
            .one(&self.db.connection)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no organisation {name_en}"))
            .id
    }

    /// The `data` of a request that must succeed.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let body = self.post(query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        body["data"].clone()
    }

    /// The first error of a request that must fail: (code, field).
    pub async fn error(&self, query: &str, variables: Value) -> (String, Option<String>) {
        let body = self.post(query, variables).await;
        assert!(body["errors"][0].is_object(), "expected an error: {body:#}");
        error(&body)
    }

    /// SQL statements the app ran while answering this request.
    /// The fewest statements `query` took in three runs. A busy machine can delay one
    /// resolver past the moment a level's batch goes out and so split it in two; the
    /// fewest is the cost the query's shape sets, which is what the tests compare.
    pub async fn statements(&self, query: &str, variables: Value) -> u64 {
        let mut fewest = u64::MAX;
        for _ in 0..3 {
            // Statistics count afresh: this measures what counting costs.
            self.db.forget_kept_figures();
            let before = self.db.statements();
            self.data(query, variables.clone()).await;
            fewest = fewest.min(self.db.statements() - before);
        }
        fewest
    }
}

/// What one request sent to the database: statements that read or write, and
/// transaction control (`BEGIN …`, `COMMIT`, `ROLLBACK`) apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    pub statements: u64,
    pub transaction: u64,
}

impl TestApp {
    /// What one request as `token` sent to the database; it must succeed.
    pub async fn cost_as(&self, token: Option<&str>, query: &str, variables: Value) -> Cost {
        let (statements, transaction) = (self.db.statements(), self.db.transaction_statements());
        self.data_as(token, query, variables).await;
        Cost {
            statements: self.db.statements() - statements,
            transaction: self.db.transaction_statements() - transaction,
        }
    }

    /// The cheapest of five runs of a read (see `statements`: a loaded machine can split
    /// a level's batch in two).
    pub async fn read_cost(&self, query: &str, variables: Value) -> Cost {
        let mut fewest = Cost {
            statements: u64::MAX,
            transaction: u64::MAX,
        };
        for _ in 0..5 {
            let cost = self.cost_as(None, query, variables.clone()).await;
            if (cost.statements, cost.transaction) < (fewest.statements, fewest.transaction) {
                fewest = cost;
            }
        }
        fewest
    }
}

/// The first error of a response body: (code, field), an empty code when there is none.
pub fn error(body: &Value) -> (String, Option<String>) {
    let e = &body["errors"][0];
    (
        e["extensions"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        e["extensions"]["field"].as_str().map(str::to_owned),
    )
}

/// The catalogue with a token for each principal the write tests act as: Alpha's
/// editor, viewer and admin, an editor of Beta (Alpha's consortium peer), the coordinator.
pub struct World {
    pub app: TestApp,
    pub alpha: i64,
    pub beta: i64,
    pub editor_a: String,
    pub viewer_a: String,
    pub admin_a: String,
    pub editor_b: String,
    pub coordinator: String,
}

pub async fn world(backend: Backend) -> World {
    let app = TestApp::with_fixture(backend, CATALOGUE).await;
    let alpha = app.organisation("Alpha Polytechnic").await;
    let beta = app.organisation("Beta University").await;
    World {
        editor_a: app.token(Role::Editor, Some(alpha)).await,
        viewer_a: app.token(Role::Viewer, Some(alpha)).await,
        admin_a: app.token(Role::Admin, Some(alpha)).await,
        editor_b: app.token(Role::Editor, Some(beta)).await,
        coordinator: app.token(Role::Coordinator, None).await,
        app,
        alpha,
        beta,
    }
}

/// A record's visibility, as the rule models of `tenancy` and `model` name it; in this
/// order, which their tables index by.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Vis {
    Private,
    Consortium,
    Public,
}

/// The API's name for `vis`.
pub fn vis_name(vis: Vis) -> &'static str {
    match vis {
        Vis::Private => "PRIVATE",
        Vis::Consortium => "CONSORTIUM",
        Vis::Public => "PUBLIC",
    }
}

/// `agreement_country`, which triggers keep, holds exactly the rows the agreements'
/// parties imply (compared as text, so that both databases read alike).
pub async fn assert_in_step(app: &TestApp, after: &str) {
    let rows = |sql: &str| {
        let db = &app.db.connection;
        let statement = sea_orm::Statement::from_string(db.get_database_backend(), sql.to_owned());
        async move {
            db.query_all_raw(statement)
                .await
                .unwrap()
                .iter()
                .map(|r| r.try_get_by_index::<String>(0).unwrap())
                .collect::<Vec<_>>()
        }
    };
    let line = |a: &str, c: &str| {
        format!(
            "CAST({a}.agreement_id AS TEXT) || ' ' || CAST({c} AS TEXT) || ' ' || CAST({a}.owner_id AS TEXT) || ' ' \
             || {a}.visibility || ' ' || {a}.status || ' ' || COALESCE(CAST({a}.archived_at AS TEXT), 'live')"
        )
    };
    let kept = rows(&format!(
        "SELECT {} FROM agreement_country t ORDER BY 1",
        line("t", "t.country_code")
    ))
    .await;
    let implied = rows(&format!(
        "SELECT DISTINCT {} FROM (SELECT a.id AS agreement_id, a.owner_id, a.visibility, a.status, a.archived_at, o.country_code \
         FROM agreement a JOIN agreement_party p ON p.agreement_id = a.id \
         JOIN organisation o ON o.id = p.organisation_id WHERE o.country_code IS NOT NULL) i ORDER BY 1",
        line("i", "i.country_code")
    ))
    .await;
    assert!(!kept.is_empty());
    assert_eq!(kept, implied, "after {after}");
}

/// All tests run in this one process, as many at a time as there are cores. A test whose
/// assertions hold only if it gets the machine within milliseconds runs alone: it holds
/// `GATE` to write, and every other test holds it to read, as its first statement. The
/// lock is fair, so a test waiting to run alone holds back those that start after it.
static GATE: RwLock<()> = RwLock::const_new(());

/// Every test's share of the machine, held while it runs.
pub async fn shared() -> RwLockReadGuard<'static, ()> {
    GATE.read().await
}

/// The same, for a test outside a runtime.
pub fn shared_blocking() -> RwLockReadGuard<'static, ()> {
    GATE.blocking_read()
}

/// The machine to itself, once the tests running now have finished.
pub async fn alone() -> RwLockWriteGuard<'static, ()> {
    GATE.write().await
}

/// Runs each test body once on SQLite and once on PostgreSQL, holding its share of the
/// machine; `#[alone]` before a body runs it alone instead.
macro_rules! on_both {
    ($($(#[$gate:ident])? async fn $name:ident($backend:ident: Backend) $body:block)*) => {$(
        mod $name {
            use super::*;
            async fn run($backend: Backend) $body
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let _gate = crate::helpers::gate!($($gate)?);
                run(Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let _gate = crate::helpers::gate!($($gate)?);
                run(Backend::Postgres).await
            }
        }
    )*};
}
pub(crate) use on_both;

/// `on_both!`'s hold on `GATE`.
macro_rules! gate {
    () => {
        crate::helpers::shared().await
    };
    (alone) => {
        crate::helpers::alone().await
    };
}
pub(crate) use gate;

/// The strings at `field` of each node of a connection (queried as `nodes` or `edges`).
pub fn nodes(connection: &Value, field: &str) -> Vec<String> {
    let items: Vec<&Value> = match connection["nodes"].as_array() {
        Some(nodes) => nodes.iter().collect(),
        None => connection["edges"]
            .as_array()
            .unwrap_or_else(|| panic!("not a connection: {connection}"))
            .iter()
            .map(|e| &e["node"])
            .collect(),
    };
    items
        .into_iter()
        .map(|n| n[field].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The global id the API gives a `kind` row with key `id`.
pub fn gid(kind: &str, id: i64) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{kind}:{id}"))
}

/// The numeric key inside a global id.
pub fn key(gid: &str) -> i64 {
    use base64::Engine;
    let text = String::from_utf8(
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(gid)
            .unwrap(),
    )
    .unwrap();
    text.split_once(':').unwrap().1.parse().unwrap()
}

/// A running `concord serve` of the real binary on `DATABASE_URL` = a test's database
/// (no demo data, no rate limit), killed when dropped.
pub struct ServeProcess {
    child: std::process::Child,
    /// `http://127.0.0.1:<port>`, as the server printed it.
    pub base: String,
}

impl ServeProcess {
    /// Starts the binary and waits until it says where it serves.
    pub fn start(url: &str) -> ServeProcess {
        ServeProcess::with_args(url, &[])
    }

    /// The same, with `extra` arguments after `serve`'s own.
    pub fn with_args(url: &str, extra: &[String]) -> ServeProcess {
        use std::io::{BufRead, BufReader};
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_concord"))
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--demo",
                "false",
                "--rate-limit",
                "0",
            ])
            .args(extra)
            .env("DATABASE_URL", url)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let base = loop {
            let line = lines
                .next()
                .expect("concord exited before serving")
                .unwrap();
            if let Some(rest) = line.strip_prefix("Concord serving GraphQL at ") {
                let url = rest.split_whitespace().next().unwrap();
                break url.trim_end_matches("/graphql").to_owned();
            }
        };
        ServeProcess { child, base }
    }

    /// SIGTERM, and wait for a graceful exit (work in flight finishes).
    pub fn stop(mut self) {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let exit = self.child.wait().unwrap();
        assert!(exit.success(), "a graceful stop: {exit:?}");
    }

    /// `kill -9`: no drain, no shutdown hook, whatever was in flight stays unanswered.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
