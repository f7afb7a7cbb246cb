//! Units roll up: an organisation's lists include what its units (at any depth) did,
//! unless `includeUnits: false`; a record of both the parent and a unit is listed once;
//! the hierarchy costs no statement of its own (it is a recursive query in the list's).
use crate::helpers::{Backend, CATALOGUE, TestApp, gid, nodes, on_both};
use serde_json::json;
use service::entity::enums::Role;

const LISTS: &str = r#"query($ids: [ID!]!, $units: Boolean!) { nodes(ids: $ids) { ... on Organisation { nameEn
    events(includeUnits: $units, first: 50) { totalCount nodes { title } }
    agreements(includeUnits: $units, first: 50) { totalCount nodes { title } }
    indicators(includeUnits: $units, first: 50) { totalCount nodes { note } } } } }"#;

on_both! {
    async fn an_organisation_lists_what_its_units_did(backend: Backend) {
        let app = TestApp::with_fixture(backend, CATALOGUE).await;
        let coordinator = app.token(Role::Coordinator, None).await;
        let alpha = app.organisation("Alpha Polytechnic").await;
        let editor = app.token(Role::Editor, Some(alpha)).await;
        let office = gid("Organisation", app.organisation("Alpha International Office").await);
        let alpha = gid("Organisation", alpha);
        let lab = app.data_as(Some(&coordinator),
            "mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { organisation { id } } }",
            json!({ "i": { "kind": "LABORATORY", "nameEn": "Alpha Exchange Lab", "parent": office, "country": "CN" } })).await;
        let lab = lab["createOrganisation"]["organisation"]["id"].as_str().unwrap().to_owned();
        let addis = gid("Organisation", app.organisation("Addis Polytechnic").await);

        let event = |title: &str, orgs: &[&str], vis: &str| json!({ "i": { "kind": "MEETING", "status": "HELD", "format": "ONSITE",
            "title": title, "startDate": "2025-05-01", "visibility": vis,
            "organisations": orgs.iter().map(|o| json!({ "organisation": o, "role": "HOST" })).collect::<Vec<_>>() } });
        let create_event = "mutation($i: CreateEventInput!) { createEvent(input: $i) { event { id } } }";
        app.data_as(Some(&editor), create_event, event("Lab seminar", &[&lab], "PUBLIC")).await;
        app.data_as(Some(&editor), create_event, event("Office and university forum", &[&office, &alpha], "PUBLIC")).await;
        app.data_as(Some(&editor), create_event, event("Office private briefing", &[&office], "PRIVATE")).await;
        app.data_as(Some(&editor), "mutation($i: CreateAgreementInput!) { createAgreement(input: $i) { agreement { id } } }",
            json!({ "i": { "kind": "MOU", "status": "DRAFT", "visibility": "PUBLIC", "title": "Lab and Addis MoU",
                "parties": [{ "organisation": lab }, { "organisation": addis }] } })).await;
        app.data_as(Some(&editor), "mutation($i: CreateIndicatorInput!) { createIndicator(input: $i) { indicator { id } } }",
            json!({ "i": { "visibility": "PUBLIC", "organisation": office, "metric": "PARTNER_INSTITUTIONS", "value": 3.0, "note": "office partners" } })).await;

        let lists = |token: Option<String>, units: bool| {
            let (app, ids) = (&app, json!([alpha, office, lab]));
            async move {
                let data = app.data_as(token.as_deref(), LISTS, json!({ "ids": ids, "units": units })).await;
                data["nodes"].as_array().unwrap().iter().map(|org| {
                    let list = |field: &str, item: &str| {
                        let mut titles = nodes(&org[field], item);
                        assert_eq!(org[field]["totalCount"], titles.len(), "{field}");
                        titles.sort();
                        titles
                    };
                    (list("events", "title"), list("agreements", "title"), list("indicators", "note"))
                }).collect::<Vec<_>>()
            }
        };
        let s = |v: &[&str]| v.iter().map(|t| t.to_string()).collect::<Vec<_>>();
        let plus = |mut list: Vec<String>, extra: &str| {
            list.push(extra.to_owned());
            list.sort();
            list
        };

        // Without units: only each organisation's own.
        let own = lists(None, false).await;
        assert!(own[0].0.contains(&"Office and university forum".to_owned()));
        assert!(!own[0].0.contains(&"Lab seminar".to_owned()));
        assert!(!own[0].1.contains(&"Lab and Addis MoU".to_owned()));
        assert_eq!(own[1], (s(&["Office and university forum"]), vec![], s(&["office partners"])));
        assert_eq!(own[2], (s(&["Lab seminar"]), s(&["Lab and Addis MoU"]), vec![]));

        // Rolled up (the default): public records of every unit below, each listed once.
        let rolled = lists(None, true).await;
        assert_eq!(rolled[0], (plus(own[0].0.clone(), "Lab seminar"), plus(own[0].1.clone(), "Lab and Addis MoU"),
            plus(own[0].2.clone(), "office partners")), "the university, two levels down");
        assert_eq!(rolled[1], (s(&["Lab seminar", "Office and university forum"]), s(&["Lab and Addis MoU"]), s(&["office partners"])));
        assert_eq!(rolled[2], own[2], "a leaf has only its own");

        // The owner also sees its private record, rolled up the same way.
        let as_owner = lists(Some(editor.clone()), true).await;
        assert!(as_owner[0].0.contains(&"Office private briefing".to_owned()));
        assert_eq!(as_owner[1].0, s(&["Lab seminar", "Office and university forum", "Office private briefing"]));

        // Counts asked for alone (one grouped statement) agree with the lists.
        let counts = app.data(r#"query($ids: [ID!]!) { nodes(ids: $ids) { ... on Organisation {
            events { totalCount } agreements { totalCount } indicators { totalCount } } } }"#,
            json!({ "ids": [alpha, office, lab] })).await;
        for (org, lists) in counts["nodes"].as_array().unwrap().iter().zip(&rolled) {
            assert_eq!(org["events"]["totalCount"], lists.0.len());
            assert_eq!(org["agreements"]["totalCount"], lists.1.len());
            assert_eq!(org["indicators"]["totalCount"], lists.2.len());
        }

        // The hierarchy is read inside each list's statement.
        let with = app.statements(LISTS, json!({ "ids": [alpha, office, lab], "units": true })).await;
        let without = app.statements(LISTS, json!({ "ids": [alpha, office, lab], "units": false })).await;
        assert_eq!(with, without);
    }
}
