//! The real `concord` binary: it serves the demo with no configuration at all, prints
//! the address it listens on (also when the port was 0), and runs on PostgreSQL too.
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use crate::helpers::{
    Backend, FreshDatabase, alone, run_concord, shared, shared_blocking, temp_dir,
};
use serde_json::{Value, json};

/// A running `concord` process, killed when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `concord` with `args` in `dir`, and waits for the line that says where it serves.
fn start(dir: &std::path::Path, args: &[&str], database_url: Option<&str>) -> Server {
    let mut command = Command::new(env!("CARGO_BIN_EXE_concord"));
    command
        .args(args)
        .current_dir(dir)
        .env("CONCORD_LISTEN", "127.0.0.1:0")
        .env_remove("DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(url) = database_url {
        command.env("DATABASE_URL", url);
    }
    let mut child = command.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
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
    assert!(!base.ends_with(":0"), "the real port is printed: {base}");
    Server { child, base }
}

async fn check_serves_demo(server: &Server) {
    let client = reqwest::Client::new();
    let health: Value = client
        .get(format!("{}/health", server.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health, json!({ "status": "ok" }));
    let page = client
        .get(format!("{}/", server.base))
        .send()
        .await
        .unwrap();
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        page.text()
            .await
            .unwrap()
            .to_lowercase()
            .contains("graphiql")
    );
    let by_get: Value = client
        .get(format!("{}/graphql", server.base))
        .query(&[("query", "{ events { totalCount } }")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(by_get["data"]["events"]["totalCount"], 5);
    let by_post: Value = client
        .post(format!("{}/graphql", server.base))
        .json(&json!({ "query": "{ agreements(filter: { kinds: [MOU] }) { totalCount } }" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(by_post["data"]["agreements"]["totalCount"], 2);
}

/// `cargo run` on a bare machine: no arguments, no DATABASE_URL.
#[tokio::test]
async fn with_no_configuration_it_serves_the_demo_from_an_sqlite_file() {
    let _gate = shared().await;
    let dir = temp_dir("bare");
    let server = start(&dir, &[], None);
    check_serves_demo(&server).await;
    assert!(dir.join("concord.db").exists());
    drop(server);
    // A second start on the same file finds the demo there and changes nothing.
    let again = start(&dir, &[], None);
    check_serves_demo(&again).await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn on_postgres_it_migrates_seeds_and_serves() {
    let _gate = shared().await;
    let database = FreshDatabase::create(Backend::Postgres).await;
    let dir = temp_dir("pg");
    run_concord(&database.url, &["migrate"]);
    run_concord(&database.url, &["seed", "--demo"]);
    // On a configured database the demo is not loaded unasked; it is there from `seed`.
    let server = start(&dir, &["serve"], Some(&database.url));
    check_serves_demo(&server).await;
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_configuration_fails_with_a_clear_message() {
    let _gate = shared_blocking();
    let out = Command::new(env!("CARGO_BIN_EXE_concord"))
        .args(["migrate"])
        .env("DATABASE_URL", "nosuchdatabase://example")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot open database"), "{stderr}");
    let out = Command::new(env!("CARGO_BIN_EXE_concord"))
        .args(["seed"])
        .output()
        .unwrap();
    assert!(!out.status.success());
}

/// `concord token create` prints a token once; the server accepts it; `revoke` ends it.
#[tokio::test]
async fn the_first_token_comes_from_the_command_line() {
    let _gate = shared().await;
    let dir = temp_dir("token");
    let url = format!("sqlite://{}?mode=rwc", dir.join("concord.db").display());
    let concord = |args: &[&str]| run_concord(&url, args);
    concord(&["seed", "--demo"]);
    let coordinator = concord(&["token", "create", "--coordinator", "--label", "first"]);
    assert!(coordinator.starts_with("concord_"), "{coordinator}");
    let server = start(&dir, &["serve"], Some(&url));
    let client = reqwest::Client::new();
    let ask = |token: String| {
        let client = client.clone();
        let base = server.base.clone();
        async move {
            let response = client.post(format!("{base}/graphql")).bearer_auth(token)
                .json(&json!({ "query": "{ viewer { role organisation { abbreviation } } organisations(filter: { search: \"SZPT\" }) { nodes { id } } }" }))
                .send().await.unwrap();
            (response.status(), response.json::<Value>().await.unwrap())
        }
    };
    let (status, body) = ask(coordinator.clone()).await;
    assert_eq!(status, reqwest::StatusCode::OK);
    assert_eq!(body["data"]["viewer"]["role"], "COORDINATOR");
    let szpt = body["data"]["organisations"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let editor = concord(&["token", "create", "--org", &szpt, "--role", "editor"]);
    let (_, body) = ask(editor.clone()).await;
    assert_eq!(
        body["data"]["viewer"],
        json!({ "role": "EDITOR", "organisation": { "abbreviation": "SZPT" } })
    );
    let public_id = editor.split('_').nth(1).unwrap().to_owned();
    concord(&["token", "revoke", &public_id]);
    let (status, _) = ask(editor).await;
    assert_eq!(status, reqwest::StatusCode::UNAUTHORIZED);
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

/// SIGTERM: the server stops accepting, finishes what is in flight, and exits 0.
/// Alone: the signal goes 30 ms after the requests, which must be in flight by then.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_drains_requests_in_flight_and_exits_cleanly() {
    let _alone = alone().await;
    let dir = temp_dir("sigterm");
    let mut server = start(&dir, &[], None);
    let client = reqwest::Client::new();
    // The binary prints its address before it handles SIGTERM (the handler comes with
    // the serving loop), and a signal in between kills it; once it answers, it handles it.
    client
        .get(format!("{}/health", server.base))
        .send()
        .await
        .unwrap();
    let url = format!("{}/graphql", server.base);
    let query = json!({ "query": "{ organisations(first: 100) { totalCount nodes { nameEn events { totalCount } agreements { totalCount } } } }" });
    let mut load = Vec::new();
    for _ in 0..40 {
        let (client, url, query) = (client.clone(), url.clone(), query.clone());
        load.push(tokio::spawn(async move {
            client
                .post(url)
                .json(&query)
                .send()
                .await
                .map(|r| r.status().as_u16())
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    let pid = server.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let mut answered = 0;
    for request in load {
        match request.await.unwrap() {
            Ok(status) => {
                assert_eq!(status, 200, "a request in flight was cut off");
                answered += 1;
            }
            // Refused at the door after the signal: never started, so nothing is lost.
            Err(e) => assert!(e.is_connect() || e.is_request(), "{e}"),
        }
    }
    assert!(answered > 0);
    let status = tokio::task::spawn_blocking(move || {
        let status = server.child.wait().unwrap();
        (status, server)
    })
    .await
    .unwrap()
    .0;
    assert!(status.success(), "exit status {status:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
