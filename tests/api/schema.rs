//! The checked-in SDL is the live schema, and the schema documents itself.
use crate::helpers::{Backend, TestApp, shared, shared_blocking};
use serde_json::json;

#[test]
fn schema_graphql_matches_the_live_schema() {
    let _gate = shared_blocking();
    let checked_in =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql")).unwrap();
    assert!(
        checked_in == api::sdl(),
        "schema.graphql is stale: run `cargo run -- export-schema --output schema.graphql`"
    );
}

#[test]
fn export_schema_prints_the_checked_in_sdl() {
    let _gate = shared_blocking();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_concord"))
        .arg("export-schema")
        .output()
        .unwrap();
    assert!(out.status.success());
    let checked_in =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql")).unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), checked_in);
}

/// A frontend developer reads the schema as documentation: every type, field, argument
/// and enum value of ours has a description.
#[tokio::test]
async fn every_type_and_field_is_described() {
    let _gate = shared().await;
    let app = TestApp::spawn(Backend::Sqlite).await;
    let data = app
        .data(
            r#"{ __schema { types { name kind description
                fields { name description args { name description } }
                inputFields { name description }
                enumValues { name description } } } }"#,
            json!({}),
        )
        .await;
    let mut missing = Vec::new();
    for t in data["__schema"]["types"].as_array().unwrap() {
        let name = t["name"].as_str().unwrap();
        if name.starts_with("__")
            || t["kind"] == "SCALAR" && ["String", "Int", "Float", "Boolean", "ID"].contains(&name)
        {
            continue;
        }
        let described = |v: &serde_json::Value| {
            v["description"]
                .as_str()
                .is_some_and(|d| !d.trim().is_empty())
        };
        if !described(t) {
            missing.push(name.to_owned());
        }
        for f in t["fields"].as_array().into_iter().flatten() {
            if !described(f) {
                missing.push(format!("{name}.{}", f["name"].as_str().unwrap()));
            }
        }
        for f in t["inputFields"].as_array().into_iter().flatten() {
            if !described(f) {
                missing.push(format!("{name}.{}", f["name"].as_str().unwrap()));
            }
        }
        for v in t["enumValues"].as_array().into_iter().flatten() {
            if !described(v) {
                missing.push(format!("{name}.{}", v["name"].as_str().unwrap()));
            }
        }
    }
    assert!(missing.is_empty(), "undescribed: {missing:#?}");
}
