//! The contract a frontend relies on: field errors leave `null` where the GraphQL spec
//! puts it, input values are coerced strictly with coded errors, and nested lists have
//! one shape.
use crate::helpers::{Backend, CATALOGUE, TestApp, gid, on_both, world};
use serde_json::{Value, json};

/// POSTs `query` asking for `application/graphql-response+json`: status and body.
async fn post(app: &TestApp, query: &str, variables: Value) -> (u16, Value) {
    let response = app
        .client
        .post(format!("{}/graphql", app.base))
        .header("accept", "application/graphql-response+json")
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

/// Each error's path, as JSON.
fn paths(body: &Value) -> Vec<Value> {
    body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].clone())
        .collect()
}

on_both! {
    async fn an_errored_nullable_field_is_null_not_missing(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let (status, body) = post(&app, r#"{ maxPageSize node(id: "bogus") { id } }"#, json!({})).await;
        assert_eq!(status, 200);
        assert_eq!(body["data"], json!({ "maxPageSize": 100, "node": null }), "{body}");
        assert_eq!(paths(&body), [json!(["node"])]);
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        // Alone (async-graphql made `data` null), under an alias, and kept by @include.
        let (_, body) = post(
            &app,
            r#"{ a: node(id: "bogus") { id } b: node(id: "bogus") @include(if: true) { id } c: node(id: "bogus") @skip(if: true) { id } }"#,
            json!({}),
        )
        .await;
        assert_eq!(body["data"], json!({ "a": null, "b": null }), "{body}");
        let mut found = paths(&body);
        found.sort_by_key(Value::to_string);
        assert_eq!(found, [json!(["a"]), json!(["b"])]);
    }

    async fn an_errored_non_null_field_nulls_its_nearest_nullable_parent(backend: Backend) {
        let app = TestApp::with_fixture(backend, CATALOGUE).await;
        let alpha = gid("Organisation", app.organisation("Alpha Polytechnic").await);
        // `indicators` is a non-null connection: a page too large nulls the Organisation,
        // which as `node` may be null.
        let query = "query($id: ID!) { maxPageSize node(id: $id) { id ... on Organisation { nameEn indicators(first: 101) { totalCount } } } }";
        let (status, body) = post(&app, query, json!({ "id": alpha })).await;
        assert_eq!(status, 200);
        assert_eq!(body["data"], json!({ "maxPageSize": 100, "node": null }), "{body}");
        assert_eq!(paths(&body), [json!(["node", "indicators"])]);
        assert_eq!(body["errors"][0]["extensions"]["field"], "first");

        // Through a list of non-null items (`units.nodes: [Organisation!]!`) and the
        // non-null connection above it, up to the nullable `node`.
        let query = "query($id: ID!) { node(id: $id) { ... on Organisation { nameEn units { nodes { nameEn indicators(first: 101) { totalCount } } } } } }";
        let (_, body) = post(&app, query, json!({ "id": alpha })).await;
        assert_eq!(body["data"], json!({ "node": null }), "{body}");
        assert_eq!(body["errors"].as_array().unwrap().len(), 1, "{body}");
        assert_eq!(body["errors"][0]["path"][0], "node");

        // `nodes` is `[Node]!`: each item that fails is null alone.
        let query = "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Organisation { indicators(first: 101) { totalCount } } } }";
        let event = app
            .data(r#"{ events(first: 1) { nodes { id } } }"#, json!({}))
            .await["events"]["nodes"][0]["id"]
            .clone();
        let (_, body) = post(&app, query, json!({ "ids": [alpha, event] })).await;
        assert_eq!(body["data"]["nodes"][0], json!(null), "{body}");
        assert_eq!(body["data"]["nodes"][1]["id"], event, "{body}");
        assert_eq!(paths(&body), [json!(["nodes", 0, "indicators"])]);

        // A non-null root field that fails nulls `data` itself; the error keeps its path.
        let (status, body) = post(&app, r#"{ maxPageSize nodes(ids: ["bogus"]) { id } }"#, json!({})).await;
        assert_eq!(status, 200);
        assert_eq!(body["data"], json!(null), "{body}");
        assert_eq!(paths(&body), [json!(["nodes"])]);
    }

    async fn dates_are_exactly_year_month_day(backend: Backend) {
        let app = TestApp::with_fixture(backend, CATALOGUE).await;
        let literal = |date: &str| format!(r#"{{ events(filter: {{ startDate: {{ from: "{date}" }} }}) {{ totalCount }} }}"#);
        let variable = "query($d: Date) { events(filter: { startDate: { from: $d } }) { totalCount } }";
        for bad in ["2023-5-5", "+2023-05-05", " 2023-05-05", "2023-05-05 ", "2023-13-01", "2023-02-30", "2023-04-31", "2023-00-01", "05/05/2023"] {
            for (query, variables) in [(literal(bad), json!({})), (variable.to_owned(), json!({ "d": bad }))] {
                let (status, body) = post(&app, &query, variables).await;
                assert_eq!(status, 400, "{bad:?}: {body}");
                assert!(body.get("data").is_none(), "{body}");
                assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{body}");
                assert_eq!(body["errors"][0]["extensions"]["field"], "filter.startDate.from", "{body}");
            }
        }
        // Plain JSON answers the same error with 200, as GraphQL over HTTP has it.
        let response = app
            .client
            .post(format!("{}/graphql", app.base))
            .header("accept", "application/json")
            .json(&json!({ "query": variable, "variables": { "d": "2023-5-5" } }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        // A real date still filters: everything from the first day of the calendar.
        let all = app.data("{ events { totalCount } }", json!({})).await["events"]["totalCount"].clone();
        let (status, body) = post(&app, variable, json!({ "d": "0001-01-01" })).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["events"]["totalCount"], all);
    }

    async fn every_input_coercion_error_is_bad_user_input_with_its_field(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        for (query, variables, field) in [
            ("query($n: Int) { events(first: $n) { totalCount } }", json!({ "n": "ten" }), "first"),
            ("query($n: Int) { events(first: $n) { totalCount } }", json!({ "n": 1.5 }), "first"),
            ("{ events(first: 3000000000) { totalCount } }", json!({}), "first"),
            ("{ events(filter: { kinds: [NOT_A_KIND] }) { totalCount } }", json!({}), "filter.kinds.0"),
            ("query($k: [EventKind!]) { events(filter: { kinds: $k }) { totalCount } }", json!({ "k": ["NOT_A_KIND"] }), "filter.kinds.0"),
            ("query($id: ID!) { node(id: $id) { id } }", json!({ "id": { "an": "object" } }), "id"),
            // DateTime is RFC 3339 exactly: no space for the `T`, no missing offset.
            ("query($t: DateTime) { auditLog(filter: { from: $t }) { totalCount } }", json!({ "t": "2024-03-27 08:30:00Z" }), "filter.from"),
            ("query($t: DateTime) { auditLog(filter: { from: $t }) { totalCount } }", json!({ "t": "2024-03-27T08:30:00" }), "filter.from"),
            (r#"{ auditLog(filter: { to: "yesterday" }) { totalCount } }"#, json!({}), "filter.to"),
        ] {
            let (status, body) = post(&app, query, variables).await;
            assert_eq!(status, 400, "{query}: {body}");
            assert!(body.get("data").is_none(), "{body}");
            assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{query}: {body}");
            assert_eq!(body["errors"][0]["extensions"]["field"], field, "{query}: {body}");
        }
        // A document that does not fit the schema is still a validation failure.
        let (status, body) = post(&app, "{ events { nope } }", json!({})).await;
        assert_eq!(status, 400);
        assert_eq!(body["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED");
    }

    async fn the_date_time_scalar_says_what_it_is(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let data = app.data(r#"{ __type(name: "DateTime") { description } }"#, json!({})).await;
        let description = data["__type"]["description"].as_str().unwrap();
        assert!(description.contains("RFC 3339"), "{description}");
        assert!(!description.contains("Implement the"), "{description}");
        // What it says the server returns is what it returns.
        let w = world(backend).await;
        let data = w
            .app
            .data_as(Some(&w.coordinator), "{ events(first: 1) { nodes { createdAt } } }", json!({}))
            .await;
        let at = data["events"]["nodes"][0]["createdAt"].as_str().unwrap();
        assert!(chrono::DateTime::parse_from_rfc3339(at).is_ok(), "{at}");
        assert!(at.ends_with('Z') || at.ends_with("+00:00"), "{at}");
    }

    async fn event_indicators_are_a_batched_connection(backend: Backend) {
        let app = TestApp::with_fixture(backend, CATALOGUE).await;
        let query = "query($n: Int) { events(first: $n) { nodes { id indicators(first: 10) { totalCount pageInfo { hasNextPage } nodes { id metric value organisation { id nameEn } } } } } }";
        let data = app.data(query, json!({ "n": 100 })).await;
        let events = data["events"]["nodes"].as_array().unwrap();
        assert!(events.len() > 1);
        let with_figures: Vec<&Value> = events.iter().filter(|e| e["indicators"]["totalCount"].as_i64().unwrap() > 0).collect();
        assert!(!with_figures.is_empty(), "the catalogue has events with figures");
        for event in &events[..] {
            let connection = &event["indicators"];
            assert_eq!(connection["nodes"].as_array().unwrap().len() as i64, connection["totalCount"].as_i64().unwrap());
        }
        let one = app.statements(query, json!({ "n": 1 })).await;
        let all = app.statements(query, json!({ "n": 100 })).await;
        assert!(all <= one + 1, "statements grew with the page size: {one} at 1, {all} at 100");
    }
}

on_both! {
    async fn audit_entries_speak_the_api(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let create = "mutation($input: CreateEventInput!) { createEvent(input: $input) { event { id owner { id } } } }";
        let input = json!({ "kind": "MEETING", "status": "PLANNED", "format": "ONLINE", "title": "Audited", "startDate": "2025-03-03", "country": "DE" });
        let event = app.data_as(Some(&w.editor_a), create, json!({ "input": input })).await["createEvent"]["event"].clone();
        let id = event["id"].as_str().unwrap().to_owned();
        let update = "mutation($input: UpdateEventInput!) { updateEvent(input: $input) { event { version } } }";
        app.data_as(Some(&w.editor_a), update, json!({ "input": { "id": id, "expectedVersion": 1, "title": "Audited, renamed", "startDate": "2025-03-04" } })).await;
        let log = "query($f: AuditFilter) { auditLog(filter: $f) { nodes { operation recordType recordId before after changes { field before after } } } }";
        let entries = app.data_as(Some(&w.editor_a), log, json!({ "f": { "record": id } })).await["auditLog"]["nodes"].clone();
        let (updated, created) = (&entries[0], &entries[1]);
        assert_eq!(updated["operation"], "updateEvent");
        assert_eq!(updated["recordType"], "Event");
        assert_eq!(updated["recordId"], id.as_str());

        // The states: GraphQL field names, global ids that `node` opens.
        let after = &updated["after"];
        assert_eq!(after["id"], id.as_str());
        assert_eq!(after["owner"], event["owner"]["id"]);
        assert_eq!(after["startDate"], "2025-03-04");
        assert!(after.get("owner_id").is_none() && after.get("start_date").is_none(), "{after}");
        let country = after["country"].as_str().unwrap();
        let opened = app.data("query($id: ID!) { node(id: $id) { ... on Country { code } } }", json!({ "id": country })).await;
        assert_eq!(opened["node"]["code"], "DE");
        let owner = app.data("query($id: ID!) { node(id: $id) { id } }", json!({ "id": after["owner"] })).await;
        assert_eq!(owner["node"]["id"], after["owner"]);

        // The changes: exactly the fields that moved.
        let changed: std::collections::HashMap<&str, (&Value, &Value)> = updated["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["field"].as_str().unwrap(), (&c["before"], &c["after"])))
            .collect();
        assert_eq!(changed["title"], (&json!("Audited"), &json!("Audited, renamed")));
        assert_eq!(changed["startDate"], (&json!("2025-03-03"), &json!("2025-03-04")));
        assert_eq!(changed["version"], (&json!(1), &json!(2)));
        assert!(!changed.contains_key("owner") && !changed.contains_key("country"), "{changed:?}");
        assert!(changed.keys().all(|f| !f.contains('_')), "{changed:?}");
        // A creation: no state before, every field from null.
        assert_eq!(created["before"], Value::Null);
        let created_fields: Vec<&str> = created["changes"].as_array().unwrap().iter().map(|c| c["field"].as_str().unwrap()).collect();
        assert!(created_fields.contains(&"title") && created_fields.contains(&"owner"), "{created_fields:?}");
        assert!(created["changes"].as_array().unwrap().iter().all(|c| c["before"].is_null()));

        // The tenancy rule is the log's, unchanged: Beta sees none of Alpha's entries.
        let theirs = app.data_as(Some(&w.editor_b), log, json!({ "f": { "record": id } })).await;
        assert_eq!(theirs["auditLog"]["nodes"], json!([]));
    }

    async fn token_entries_never_show_the_secret(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let log = r#"{ auditLog(filter: { operations: ["createToken", "revokeToken"] }) { nodes { operation recordType before after changes { field } } } }"#;
        let issue = "mutation($input: CreateTokenInput!) { createToken(input: $input) { token { id } } }";
        let body = app.post_as(Some(&w.coordinator), issue, json!({ "input": { "label": "audit test", "role": "VIEWER", "organisation": gid("Organisation", w.alpha) } })).await.1;
        assert!(body.get("errors").is_none(), "{body}");
        let entries = app.data_as(Some(&w.coordinator), log, json!({})).await["auditLog"]["nodes"].clone();
        let issued = entries.as_array().unwrap().iter().find(|e| e["operation"] == "createToken").expect("the token's entry");
        assert_eq!(issued["recordType"], "Token");
        assert_eq!(issued["after"]["label"], "audit test");
        assert_eq!(issued["after"]["organisation"], gid("Organisation", w.alpha));
        let text = entries.to_string();
        assert!(!text.contains("secret") && !text.contains("Hash"), "{text}");
    }
}
