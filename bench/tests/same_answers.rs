//! The baseline is only a fair yardstick if it does the same work: over HTTP, on both
//! databases, it must give Concord's answer to every reference read, byte for byte in
//! JSON terms, on a generated consortium.
use concord_bench::operations::{Operation, SEARCH, body};
use concord_bench::targets::{Targets, difference, post};

/// Serves `app` on a free port and returns its GraphQL URL.
async fn spawn(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
    });
    format!("http://{address}/graphql")
}

async fn same_answers(url: &str) {
    let db = service::connect(url).await.unwrap();
    service::migrate(&db).await.unwrap();
    service::synthetic::load(&db.connection, 0.05, 7)
        .await
        .unwrap();
    let concord = spawn(concord::app(db.clone(), &concord::Settings::default())).await;
    let baseline = spawn(concord_bench::baseline::app(db.clone())).await;
    let client = reqwest::Client::new();
    let targets = Targets::find(&client, &concord, String::new())
        .await
        .unwrap();
    for op in [
        Operation::Home,
        Operation::Profile,
        Operation::Search,
        Operation::Deep,
        Operation::FirstPage,
        Operation::DeepPage,
        Operation::Overview,
        Operation::DrillDown,
    ] {
        let mut requests: Vec<_> = (0..3).map(|i| targets.read(op, i).0).collect();
        if op == Operation::Search {
            // Page 3 is empty at this small scale: compare page 1 as well.
            requests.push(body(SEARCH, "Search", serde_json::json!({ "after": null })));
        }
        for (i, request) in requests.iter().enumerate() {
            let ours = post(&client, &concord, request, None).await.unwrap();
            let theirs = post(&client, &baseline, request, None).await.unwrap();
            assert_eq!(
                difference(&ours["data"], &theirs["data"], String::new()),
                None,
                "{} #{i}: concord {} baseline {}",
                op.name(),
                ours["data"],
                theirs["data"]
            );
            // Answers with nothing in them would agree trivially.
            let text = ours["data"].to_string();
            let page3 = op == Operation::Search && i < 3;
            assert!(
                page3 || text.len() > 200,
                "{} #{i} is nearly empty: {text}",
                op.name()
            );
        }
    }
    db.connection.close().await.unwrap();
}

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{prefix}_{}_{nanos}", std::process::id())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_baseline_answers_as_concord_does_on_sqlite() {
    let dir = std::env::temp_dir().join(unique("concord_bench"));
    std::fs::create_dir_all(&dir).unwrap();
    same_answers(&format!(
        "sqlite://{}?mode=rwc",
        dir.join("bench.db").display()
    ))
    .await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_baseline_answers_as_concord_does_on_postgres() {
    use sea_orm::ConnectionTrait;
    let server = std::env::var("CONCORD_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
    let name = unique("concord_bench_t");
    let admin = sea_orm::Database::connect(format!("{server}/postgres"))
        .await
        .expect("PostgreSQL must be running for the tests (see .ci/run)");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    same_answers(&format!("{server}/{name}")).await;
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await
        .unwrap();
}
