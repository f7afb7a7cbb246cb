//! Database outage on PostgreSQL: a private server is stopped in the middle of a load of
//! reads and writes and started again. While it is down, requests fail fast with a clean
//! error and `/ready` says so; afterwards the server recovers by itself, and every write
//! it acknowledged is there.
//!
//! The test runs its own PostgreSQL (initdb into a temporary directory, as the `postgres`
//! user) so that stopping it disturbs no other test.
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::helpers::{TestApp, shared, temp_dir};
use serde_json::{Value, json};
use service::entity::enums::Role;

/// A PostgreSQL server of the test's own.
struct Server {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
}

fn as_postgres(program: &Path, args: &[&str]) -> std::process::Output {
    Command::new("runuser")
        .args(["-u", "postgres", "--"])
        .arg(program)
        .args(args)
        .output()
        .expect("runuser and the PostgreSQL binaries are needed (see .ci/run)")
}

/// A free port below Linux's ephemeral range (32768 and up). The server leaves its port
/// while it is down; the other tests in this process bind `127.0.0.1:0` and connect out
/// all the while, and the kernel hands them ports from that range only, so none can take it.
fn port_outside_the_ephemeral_range() -> u16 {
    let start = 20_000 + (std::process::id() % 12_000) as u16;
    (start..32_768)
        .chain(20_000..start)
        .find(|&port| std::net::TcpListener::bind(("127.0.0.1", port)).is_ok())
        .expect("a free port below 32768")
}

impl Server {
    fn create() -> Server {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .expect("PostgreSQL is installed (see .ci/run)")
            .filter_map(|e| e.ok())
            .map(|e| e.path().join("bin"))
            .filter(|p| p.join("initdb").exists())
            .max()
            .expect("an initdb");
        let port = port_outside_the_ephemeral_range();
        let dir = temp_dir("outage");
        assert!(
            Command::new("chown")
                .args(["postgres", dir.to_str().unwrap()])
                .status()
                .unwrap()
                .success()
        );
        let data = dir.join("data");
        let out = as_postgres(
            &bin.join("initdb"),
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
            ],
        );
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let server = Server { dir, bin, port };
        server.start();
        server
    }

    fn pg_ctl(&self, args: &[&str]) {
        let data = self.dir.join("data");
        let log = self.dir.join("log");
        let mut all = vec![
            "-D",
            data.to_str().unwrap(),
            "-l",
            log.to_str().unwrap(),
            "-w",
        ];
        all.extend_from_slice(args);
        let out = as_postgres(&self.bin.join("pg_ctl"), &all);
        assert!(
            out.status.success(),
            "pg_ctl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn start(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1",
            self.port,
            self.dir.display()
        );
        self.pg_ctl(&["-o", &options, "start"]);
    }

    fn stop(&self) {
        self.pg_ctl(&["-m", "fast", "stop"]);
    }

    fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let _ = as_postgres(
            &self.bin.join("pg_ctl"),
            &["-D", data.to_str().unwrap(), "-m", "immediate", "stop"],
        );
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn ready(app: &TestApp) -> u16 {
    app.client
        .get(format!("{}/ready", app.base))
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_rides_out_a_database_outage_and_loses_no_acknowledged_write() {
    let _gate = shared().await;
    let server = Server::create();
    let app = TestApp::spawn_on(&server.url("postgres"), concord::Settings::default()).await;
    let token = app.token(Role::Coordinator, None).await;
    let create = "mutation($i: CreateSourceInput!) { createSource(input: $i) { source { id } } }";

    let mut acknowledged: Vec<String> = Vec::new();
    let mut failed_fast = 0;
    let mut n = 0;
    let phase = |n: usize| match n {
        0..30 => "before",
        30..35 => "down",
        _ => "after",
    };
    while n < 60 {
        let stage = phase(n);
        if n == 30 {
            server.stop();
            assert_eq!(
                ready(&app).await,
                503,
                "/ready reports the database as down"
            );
        }
        if n == 35 {
            server.start();
            let deadline = Instant::now() + Duration::from_secs(30);
            while ready(&app).await != 200 {
                assert!(
                    Instant::now() < deadline,
                    "the server did not recover by itself"
                );
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
        let started = Instant::now();
        let (status, body) = if n % 3 == 0 {
            app.post_as(
                Some(&token),
                "{ sources(first: 5) { totalCount } }",
                json!({}),
            )
            .await
        } else {
            app.post_as(
                Some(&token),
                create,
                json!({ "i": { "title": format!("Outage source {n}") } }),
            )
            .await
        };
        let id = body
            .pointer("/data/createSource/source/id")
            .and_then(Value::as_str)
            .map(str::to_owned);
        match stage {
            "down" => {
                assert!(
                    body.get("errors").is_some(),
                    "a request succeeded with the database down: {body}"
                );
                let code = body["errors"][0]["extensions"]["code"]
                    .as_str()
                    .unwrap_or_default();
                assert!(
                    ["INTERNAL", "UNAVAILABLE"].contains(&code),
                    "{status}: {body}"
                );
                assert!(
                    !body.to_string().contains("Connection refused"),
                    "no driver messages: {body}"
                );
                assert!(
                    started.elapsed() < Duration::from_secs(8),
                    "failed slowly: {:?}",
                    started.elapsed()
                );
                failed_fast += 1;
            }
            _ => {
                assert!(body.get("errors").is_none(), "{stage}: {body}");
                if let Some(id) = id {
                    acknowledged.push(id);
                }
            }
        }
        n += 1;
    }
    assert_eq!(failed_fast, 5);
    // Every acknowledged write is there.
    for id in &acknowledged {
        let found = app
            .data_as(
                Some(&token),
                "query($id: ID!) { node(id: $id) { id } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(found["node"]["id"], id.as_str());
    }
    assert!(acknowledged.len() > 30);
}
