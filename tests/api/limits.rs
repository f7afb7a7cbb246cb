//! Rate limits that cannot lock anyone out, and connections that cannot be held open:
//! budgets are taken after authentication, by the principal proved; failed
//! authentication has a budget of its own per client address, past which bad tokens are
//! refused without asking the database; the client's address is the socket's, or a
//! trusted proxy's header only when one is configured; idle and slow connections close.
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::helpers::{Backend, CATALOGUE, TestApp, on_both};
use serde_json::{Value, json};
use service::entity::enums::Role;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const WHO: &str = "{ viewer { role isCoordinator organisation { nameEn } } }";
/// Forged requests in flight at once.
const IN_FLIGHT: usize = 64;

/// The app with `settings` over the catalogue.
async fn app_with(backend: Backend, settings: concord::Settings) -> TestApp {
    let app = TestApp::spawn_with(backend, settings).await;
    let document = service::demo::parse(CATALOGUE).unwrap();
    service::demo::load(&app.db.connection, &document)
        .await
        .unwrap();
    app
}

/// A client whose connections come from `address` (any of 127/8 reaches the app).
fn client_from(address: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::from(address))
        .build()
        .unwrap()
}

/// POSTs `query` with `authorization` (if any) and `headers`: status, `Retry-After`, body.
async fn send(
    client: &reqwest::Client,
    app: &TestApp,
    authorization: Option<&str>,
    headers: &[(&str, &str)],
    query: &str,
) -> (u16, Option<String>, Value) {
    let mut request = client
        .post(format!("{}/graphql", app.base))
        .json(&json!({ "query": query }));
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let retry = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, retry, response.json().await.unwrap())
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("OK")
}

/// `n` forged tokens naming `public_id`, sent from `client` with `IN_FLIGHT` at once:
/// how many were answered 401 and 429. Every answer must be one of the two, coded.
async fn flood(
    client: &reqwest::Client,
    app: &Arc<TestApp>,
    public_id: &str,
    n: usize,
) -> (usize, usize) {
    let gate = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
    let mut sent = tokio::task::JoinSet::new();
    for i in 0..n {
        let permit = gate.clone().acquire_owned().await.unwrap();
        let (client, app) = (client.clone(), app.clone());
        let forged = format!("Bearer concord_{public_id}_garbage{i}");
        sent.spawn(async move {
            let answer = send(&client, &app, Some(&forged), &[], WHO).await;
            drop(permit);
            answer
        });
    }
    let (mut unauthenticated, mut limited) = (0, 0);
    while let Some(answer) = sent.join_next().await {
        let (status, retry, body) = answer.unwrap();
        match (status, code(&body)) {
            (401, "UNAUTHENTICATED") => unauthenticated += 1,
            (429, "RATE_LIMITED") => {
                assert!(retry.is_some(), "a 429 says when to retry");
                limited += 1;
            }
            other => panic!("a forged token got {other:?}: {body}"),
        }
    }
    (unauthenticated, limited)
}

/// `token`'s request from `client` answered, with its organisation's data.
async fn answers(client: &reqwest::Client, app: &TestApp, token: &str) {
    let (status, _, body) = send(client, app, Some(&format!("Bearer {token}")), &[], WHO).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["viewer"]["role"], "EDITOR", "{body}");
    assert_eq!(
        body["data"]["viewer"]["organisation"]["nameEn"], "Alpha Polytechnic",
        "{body}"
    );
}

on_both! {
    // Alone: six thousand requests; beside other tests they would time them out.
    #[alone]
    async fn forged_tokens_naming_a_real_one_do_not_lock_it_out(backend: Backend) {
        let failures_per_minute = 30;
        let app = Arc::new(app_with(backend, concord::Settings {
            rate_limit_per_minute: Some(600),
            auth_failures_per_minute: Some(failures_per_minute),
            ..Default::default()
        }).await);
        let alpha = app.organisation("Alpha Polytechnic").await;
        let victim = app.token(Role::Editor, Some(alpha)).await;
        let public_id = victim.split('_').nth(1).unwrap().to_owned();
        // The attacker shares its address with the victim, who has used its token before.
        let attacker = client_from([127, 0, 0, 2]);
        answers(&attacker, &app, &victim).await;

        // The flood: only the budget reaches the database (one statement a token),
        // however many arrive at once; the rest is refused before it.
        let before = app.db.statements();
        let started = Instant::now();
        let (unauthenticated, limited) = flood(&attacker, &app, &public_id, 3_000).await;
        let statements = app.db.statements() - before;
        // The budget refills by one every two seconds while the flood runs.
        let budget = |started: Instant| failures_per_minute as usize + started.elapsed().as_secs() as usize / 2 + 1;
        assert!(unauthenticated <= budget(started), "{unauthenticated} bad tokens were checked");
        assert_eq!(unauthenticated + limited, 3_000);
        assert_eq!(statements as usize, unauthenticated, "only the tokens checked reached the database");
        eprintln!(
            "{backend:?}: 3,000 forged tokens in {:.1} s: {unauthenticated} checked (401), {limited} refused before the database (429), {statements} statements",
            started.elapsed().as_secs_f64()
        );

        // Again, with the victim at work throughout, from the attacker's address and,
        // with a token it never used before, from another.
        let newcomer = app.token(Role::Editor, Some(alpha)).await;
        let elsewhere = client_from([127, 0, 0, 1]);
        let attacking = {
            let (attacker, app, public_id) = (attacker.clone(), app.clone(), public_id.clone());
            tokio::spawn(async move { flood(&attacker, &app, &public_id, 3_000).await })
        };
        let mut answered = 0;
        while !attacking.is_finished() {
            answers(&attacker, &app, &victim).await;
            answers(&elsewhere, &app, &newcomer).await;
            answered += 2;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let (again, limited) = attacking.await.unwrap();
        assert!(answered >= 2, "the victim was asked during the flood");
        assert!(unauthenticated + again <= budget(started), "{again} more bad tokens were checked");
        assert_eq!(again + limited, 3_000);
        eprintln!("{backend:?}: 3,000 more while the real tokens answered {answered} times: {again} checked, {limited} refused");
        answers(&attacker, &app, &victim).await;
        answers(&elsewhere, &app, &victim).await;

        // A token the address never proved is refused there while it is over budget,
        // and answered from anywhere else.
        let stranger = app.token(Role::Editor, Some(alpha)).await;
        // A budget unit refills every two seconds: spend whatever came back since the
        // flood ended, so the stranger arrives while the address is over budget.
        flood(&attacker, &app, &public_id, 64).await;
        let (status, retry, body) = send(&attacker, &app, Some(&format!("Bearer {stranger}")), &[], WHO).await;
        assert_eq!((status, code(&body)), (429, "RATE_LIMITED"), "{body}");
        assert!(retry.unwrap().parse::<u64>().unwrap() >= 1);
        answers(&elsewhere, &app, &stranger).await;
    }

    async fn anonymous_callers_have_a_budget_per_address(backend: Backend) {
        let app = app_with(backend, concord::Settings {
            rate_limit_per_minute: Some(10),
            ..Default::default()
        }).await;
        let alpha = app.organisation("Alpha Polytechnic").await;
        let token = app.token(Role::Editor, Some(alpha)).await;
        let (first, second) = (client_from([127, 0, 0, 4]), client_from([127, 0, 0, 5]));
        let mut statuses = Vec::new();
        for _ in 0..12 {
            let (status, retry, body) = send(&first, &app, None, &[], WHO).await;
            if status == 429 {
                assert_eq!(code(&body), "RATE_LIMITED");
                assert!(retry.is_some());
            } else {
                assert_eq!(body["data"]["viewer"]["isCoordinator"], false, "{body}");
                assert_eq!(body["data"]["viewer"]["role"], Value::Null, "anonymous: {body}");
            }
            statuses.push(status);
        }
        assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 10, "{statuses:?}");
        assert_eq!(statuses[10..], [429, 429]);
        // Another address has its own budget; so has a token at the same address.
        assert_eq!(send(&second, &app, None, &[], WHO).await.0, 200);
        for _ in 0..10 {
            answers(&first, &app, &token).await;
        }
        let (status, _, body) = send(&first, &app, Some(&format!("Bearer {token}")), &[], WHO).await;
        assert_eq!((status, code(&body)), (429, "RATE_LIMITED"), "the token's own budget is spent");
    }

    async fn a_proxy_header_counts_only_when_configured(backend: Backend) {
        let limited = |proxy: Option<&str>| concord::Settings {
            rate_limit_per_minute: Some(3),
            auth_failures_per_minute: Some(2),
            trusted_proxy_header: proxy.map(|p| p.parse().unwrap()),
            ..Default::default()
        };
        // Not configured: whatever a client writes in it, the socket's address counts.
        let app = app_with(backend, limited(None)).await;
        let client = client_from([127, 0, 0, 6]);
        let mut statuses = Vec::new();
        for i in 0..5 {
            let forwarded = format!("198.51.100.{i}");
            statuses.push(send(&client, &app, None, &[("x-forwarded-for", &forwarded)], WHO).await.0);
        }
        assert_eq!(statuses, [200, 200, 200, 429, 429]);
        drop(app);

        // Configured: the right-most address counts, whatever the client put before it.
        let app = app_with(backend, limited(Some("x-forwarded-for"))).await;
        let via = |chain: &'static str| [("x-forwarded-for", chain)];
        for _ in 0..3 {
            assert_eq!(send(&client, &app, None, &via("203.0.113.1"), WHO).await.0, 200);
        }
        let (status, _, body) = send(&client, &app, None, &via("10.9.9.9, 203.0.113.1"), WHO).await;
        assert_eq!((status, code(&body)), (429, "RATE_LIMITED"), "a spoofed left entry changes nothing");
        assert_eq!(send(&client, &app, None, &via("203.0.113.1, 203.0.113.2"), WHO).await.0, 200);
        // The failure budget is by the proxied address too.
        let bad = "Bearer concord_0123456789abcdef_nope";
        let failed: Vec<u16> = {
            let mut failed = Vec::new();
            for _ in 0..3 {
                failed.push(send(&client, &app, Some(bad), &via("203.0.113.3"), WHO).await.0);
            }
            failed
        };
        assert_eq!(failed, [401, 401, 429]);
        assert_eq!(send(&client, &app, Some(bad), &via("203.0.113.4"), WHO).await.0, 401);
    }

    // Alone: five hundred sockets, and a check that they close in time.
    #[alone]
    async fn idle_and_slow_connections_are_closed(backend: Backend) {
        let app = app_with(backend, concord::Settings {
            connections: concord::ConnectionTimeouts {
                idle: Duration::from_secs(2),
                header_read: Duration::from_secs(2),
            },
            ..Default::default()
        }).await;
        let address = app.base.trim_start_matches("http://").to_owned();
        let mut idle = Vec::new();
        for _ in 0..500 {
            idle.push(tokio::net::TcpStream::connect(&address).await.unwrap());
        }
        // Five clients sending a request's head one byte a second.
        let head = b"POST /graphql HTTP/1.1\r\nHost: concord\r\nContent-Type: application/json\r\n";
        let mut slow = tokio::task::JoinSet::new();
        for _ in 0..5 {
            let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
            slow.spawn(async move {
                let started = Instant::now();
                for byte in head {
                    if stream.write_all(&[*byte]).await.is_err() {
                        return (started.elapsed(), true);
                    }
                    let mut buf = [0u8; 64];
                    // A second's wait for the server to close; a byte would be a response.
                    match tokio::time::timeout(Duration::from_secs(1), stream.read(&mut buf)).await {
                        Err(_) => {}
                        Ok(Ok(0)) | Ok(Err(_)) => return (started.elapsed(), true),
                        Ok(Ok(n)) => panic!("an answer to half a request: {:?}", &buf[..n]),
                    }
                }
                (started.elapsed(), false)
            });
        }
        // Meanwhile, queries are answered (each on a new connection).
        let fresh = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
        for _ in 0..5 {
            let (status, _, body) = send(&fresh, &app, None, &[], "{ organisations(first: 2) { totalCount nodes { nameEn } } }").await;
            assert_eq!(status, 200, "{body}");
            assert!(body["data"]["organisations"]["totalCount"].as_u64().unwrap() > 0, "{body}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        // The slow ones are closed, long before their heads could have arrived.
        while let Some(outcome) = slow.join_next().await {
            let (took, closed) = outcome.unwrap();
            assert!(closed, "a slow request was still open after {took:?}");
            assert!(took < Duration::from_secs(20), "{took:?}");
        }
        // And so is every idle socket: a read ends.
        let mut reads = tokio::task::JoinSet::new();
        for mut stream in idle {
            reads.spawn(async move {
                let mut buf = [0u8; 16];
                tokio::time::timeout(Duration::from_secs(30), stream.read(&mut buf)).await
            });
        }
        let mut closed = 0;
        while let Some(read) = reads.join_next().await {
            match read.unwrap() {
                Ok(Ok(0)) | Ok(Err(_)) => closed += 1,
                Ok(Ok(n)) => panic!("{n} bytes on an idle connection"),
                Err(_) => panic!("an idle connection was still open after 30 s"),
            }
        }
        assert_eq!(closed, 500);
        // The app still answers afterwards.
        let (status, _, _) = send(&fresh, &app, None, &[], WHO).await;
        assert_eq!(status, 200);
    }
}
