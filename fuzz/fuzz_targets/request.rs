//! Feeds arbitrary documents and variables through parse -> validate -> execute against
//! an in-memory database with the demo data, as the anonymous public and as the
//! coordinator. Any panic is a bug; errors are expected.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

struct World {
    runtime: tokio::runtime::Runtime,
    schema: api::ConcordSchema,
    db: service::Database,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let db = runtime.block_on(async {
            let db = service::connect("sqlite::memory:").await.unwrap();
            service::migrate(&db).await.unwrap();
            service::demo::load_articles(&db.connection).await.unwrap();
            db
        });
        World {
            runtime,
            schema: api::schema(),
            db,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The first line, if it is JSON, is the variables; the rest is the document.
    let (variables, query) = match text.split_once('\n') {
        Some((first, rest)) if first.starts_with('{') => (first, rest),
        _ => ("{}", text),
    };
    let world = world();
    for principal in [
        service::Principal::Anonymous,
        service::Principal::Coordinator {
            token_id: None,
            label: "fuzz".into(),
        },
    ] {
        let mut request = async_graphql::Request::new(query);
        if let Ok(vars) = serde_json_value(variables) {
            request = request.variables(async_graphql::Variables::from_json(vars));
        }
        let _ = world.runtime.block_on(api::execute(
            &world.schema,
            request,
            &world.db.connection,
            principal,
        ));
    }
});

fn serde_json_value(text: &str) -> Result<serde_json::Value, ()> {
    text.parse().map_err(|_| ())
}
