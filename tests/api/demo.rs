//! The demo data answers questions about the five source articles.
use crate::helpers::{Backend, TestApp, gid, on_both, run_concord, shared, temp_dir};
use serde_json::json;

on_both! {
    async fn the_symposium_has_its_sponsors_guidance_and_attending_institutions(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let data = app
            .data(
                r#"{ events(filter: { search: "Symposium on International Cooperation" }) {
                    totalCount
                    nodes { startDate theme venue kind
                        organisations { role organisation { nameEn abbreviation } }
                        indicators { nodes { metric value } }
                        participants { role title person { displayName } }
                        source { publisher publishedOn } } } }"#,
                json!({}),
            )
            .await;
        assert_eq!(data["events"]["totalCount"], 1);
        let event = &data["events"]["nodes"][0];
        assert_eq!(event["startDate"], "2023-05-05");
        assert_eq!(event["kind"], "SYMPOSIUM");
        let in_role = |role: &str| -> Vec<String> {
            event["organisations"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|o| o["role"] == role)
                .map(|o| o["organisation"]["nameEn"].as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(
            in_role("SPONSOR"),
            ["International Centre for Higher Education Innovation under the Auspices of UNESCO", "Southern University of Science and Technology"]
        );
        assert_eq!(
            in_role("GUIDANCE"),
            ["Shenzhen Municipal Education Bureau", "Foreign Affairs Office of Shenzhen Municipal People's Government"]
        );
        assert_eq!(in_role("HOST"), ["Southern University of Science and Technology"]);
        let attending = in_role("ATTENDING_INSTITUTION");
        // The article names eight of the thirteen; the thirteen is kept as the reported figure.
        assert_eq!(attending.len(), 8);
        assert!(attending.contains(&"Shenzhen Polytechnic University".to_owned()));
        assert!(attending.contains(&"Chinese University of Hong Kong (Shenzhen)".to_owned()));
        assert_eq!(event["indicators"]["nodes"], json!([{ "metric": "ATTENDING_INSTITUTIONS", "value": 13.0 }]));
        assert_eq!(event["participants"][0]["person"]["displayName"], "LI Yue");
        assert_eq!(event["participants"][0]["title"], "Vice President");
    }

    async fn the_sspu_mous_name_their_signatories_witnesses_and_event(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let data = app
            .data(
                r#"{ agreements(filter: { kinds: [MOU] }, orderBy: { field: TITLE }) {
                    nodes { title status signedOn
                        parties { role organisation { nameEn country { code nameEn } } }
                        signatories { title person { displayName } organisation { abbreviation } }
                        witnesses { title person { displayName } }
                        signedAt { title startDate } } } }"#,
                json!({}),
            )
            .await;
        let mous = data["agreements"]["nodes"].as_array().unwrap();
        assert_eq!(mous.len(), 2);
        let partners: Vec<_> = mous.iter().map(|m| m["parties"][1]["organisation"]["country"]["code"].as_str().unwrap()).collect();
        assert_eq!(partners, ["DE", "BG"]);
        for mou in mous {
            assert_eq!(mou["signedOn"], "2024-03-27");
            assert_eq!(mou["signedAt"]["title"], "2024 SSPU Global Partnership Week");
            let witnesses: Vec<_> = mou["witnesses"].as_array().unwrap().iter().map(|w| w["person"]["displayName"].as_str().unwrap()).collect();
            assert_eq!(witnesses, ["LI Weiping", "LU Min"]);
            assert_eq!(mou["signatories"][0]["person"]["displayName"], "XIE Huaqing");
            assert_eq!(mou["signatories"][0]["title"], "President");
        }
        assert_eq!(mous[0]["signatories"][1]["person"]["displayName"], "Armin Kienle");
        assert_eq!(mous[1]["signatories"][1]["person"]["displayName"], "Galina Ivanova");
    }

    async fn the_partnership_week_lists_the_agreements_signed_there(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let data = app
            .data(
                r#"{ events(filter: { kinds: [PARTNERSHIP_WEEK] }) { nodes {
                    agreementsSigned(first: 10) { totalCount nodes { title } }
                    indicators { totalCount nodes { metric value } } } } }"#,
                json!({}),
            )
            .await;
        let week = &data["events"]["nodes"][0];
        assert_eq!(week["agreementsSigned"]["totalCount"], 2);
        assert_eq!(week["indicators"]["totalCount"], 2);
        let figures: Vec<_> = week["indicators"]["nodes"].as_array().unwrap().iter().map(|i| (i["metric"].as_str().unwrap(), i["value"].as_f64().unwrap())).collect();
        assert!(figures.contains(&("ATTENDING_INSTITUTIONS", 19.0)));
        assert!(figures.contains(&("ATTENDING_COUNTRIES_AND_REGIONS", 12.0)));
    }

    async fn the_year_end_review_keeps_its_five_presentations_in_order(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let data = app
            .data(
                r#"{ events(filter: { search: "Year-end Review" }) { nodes {
                    endDate presentations { position title presenters { displayName } } outcomes { description } } } }"#,
                json!({}),
            )
            .await;
        let event = &data["events"]["nodes"][0];
        assert_eq!(event["endDate"], "2023-12-26");
        let presentations = event["presentations"].as_array().unwrap();
        assert_eq!(presentations.len(), 5);
        assert_eq!(presentations[0]["title"], "Expanding Cooperation between SUSTech and Brazil");
        assert_eq!(presentations[0]["presenters"][0]["displayName"], "Vyacheslav Futorny");
        assert_eq!(presentations[4]["presenters"][0]["displayName"], "YU Shiqi");
        assert!(!event["outcomes"].as_array().unwrap().is_empty());
    }

    async fn the_count_only_figures_are_reported_indicators_with_sources(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let data = app
            .data(
                r#"{ indicators(first: 50) { totalCount nodes { metric value organisation { abbreviation nameEn } source { title } } } }"#,
                json!({}),
            )
            .await;
        let figures: Vec<(String, f64, String)> = data["indicators"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                let org = i["organisation"]["abbreviation"].as_str().or(i["organisation"]["nameEn"].as_str()).unwrap();
                assert!(i["source"]["title"].is_string(), "every figure cites its article");
                (i["metric"].as_str().unwrap().to_owned(), i["value"].as_f64().unwrap(), org.to_owned())
            })
            .collect();
        for (metric, value, org) in [
            ("CURRICULUM_STANDARDS", 23.0, "SZPT"),
            ("STANDARD_ADOPTING_COUNTRIES_AND_REGIONS", 15.0, "SZPT"),
            ("TRAINING_CENTRES", 9.0, "SZPT"),
            ("TRAINING_CENTRE_COUNTRIES", 7.0, "SZPT"),
            ("PARTNER_INSTITUTIONS", 171.0, "SSPU"),
            ("PARTNER_COUNTRIES_AND_REGIONS", 38.0, "SSPU"),
            ("FRIENDLY_CITIES", 90.0, "Shenzhen Municipal People's Government"),
            ("FRIENDLY_CITY_COUNTRIES", 57.0, "Shenzhen Municipal People's Government"),
            ("ATTENDING_INSTITUTIONS", 19.0, "SSPU"),
            ("ATTENDING_COUNTRIES_AND_REGIONS", 12.0, "SSPU"),
            ("ATTENDING_INSTITUTIONS", 13.0, "SUSTech"),
        ] {
            assert!(
                figures.contains(&(metric.to_owned(), value, org.to_owned())),
                "missing {metric} {value} {org} in {figures:?}"
            );
        }
    }

    async fn szpt_holds_its_chair_and_committee_and_people_keep_their_titles(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let data = app
            .data(
                r#"{ organisations(filter: { search: "SZPT" }) { nodes { nameEn nameZh names { value }
                        agreements(first: 10) { nodes { kind title parties { role organisation { abbreviation } } } } } }
                     people(filter: { search: "JIANG" }) { nodes { displayName affiliations { title organisation { abbreviation } } } } }"#,
                json!({}),
            )
            .await;
        let szpt = &data["organisations"]["nodes"][0];
        assert_eq!(szpt["nameEn"], "Shenzhen Polytechnic University");
        let kinds: Vec<_> = szpt["agreements"]["nodes"].as_array().unwrap().iter().map(|a| a["kind"].as_str().unwrap()).collect();
        assert!(kinds.contains(&"CHAIR_HOSTING") && kinds.contains(&"COMMITTEE_HOSTING"), "{kinds:?}");
        let names = szpt["names"].to_string();
        assert!(names.contains("Shenzhen Polytechnic"), "the former name is kept: {names}");
        let jiang = &data["people"]["nodes"][0];
        assert_eq!(jiang["displayName"], "JIANG Hong");
        assert_eq!(jiang["affiliations"][0]["title"], "Chairperson of the University Council");
        assert_eq!(jiang["affiliations"][0]["organisation"]["abbreviation"], "SUSTech");
    }
}

/// `concord seed --demo` run twice (as the real binary) loads once and then changes nothing.
#[tokio::test]
async fn seeding_twice_changes_nothing() {
    let _gate = shared().await;
    let dir = temp_dir("seed");
    let url = format!("sqlite://{}?mode=rwc", dir.join("seed.db").display());
    let seed = || run_concord(&url, &["seed", "--demo"]);
    assert!(seed().contains("demo data loaded"));
    let db = service::connect(&url).await.unwrap();
    let counts = |db: service::Database| async move {
        use sea_orm::{EntityTrait, PaginatorTrait};
        use service::entity::*;
        (
            event::Entity::find().count(&db.connection).await.unwrap(),
            organisation::Entity::find()
                .count(&db.connection)
                .await
                .unwrap(),
            person::Entity::find().count(&db.connection).await.unwrap(),
            agreement::Entity::find()
                .count(&db.connection)
                .await
                .unwrap(),
            indicator::Entity::find()
                .count(&db.connection)
                .await
                .unwrap(),
        )
    };
    let first = counts(db.clone()).await;
    assert_eq!(first.0, 5);
    assert!(seed().contains("nothing changed"));
    assert_eq!(counts(db).await, first);
    let _ = std::fs::remove_dir_all(&dir);
}

on_both! {
    async fn the_readme_queries_run_against_the_demo(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let readme = include_str!("../../README.md");
        let blocks: Vec<&str> = readme.split("```graphql\n").skip(1).map(|block| block.split("```").next().unwrap()).collect();
        // Subscriptions need a WebSocket (`subscriptions::` speaks to them); here their
        // shape is checked like the others'.
        let (subscriptions, blocks): (Vec<&str>, Vec<&str>) = blocks.into_iter().partition(|b| b.lines().any(|l| l.trim_start().starts_with("subscription")));
        let (mutations, queries): (Vec<&str>, Vec<&str>) = blocks.into_iter().partition(|b| b.trim_start().starts_with("mutation"));
        assert_eq!(queries.len(), 6);
        assert_eq!(mutations.len(), 1);
        assert_eq!(subscriptions.len(), 1);
        // The example mutation, as an editor of SSPU, with the placeholders filled in.
        let sspu = app.organisation("Shanghai Polytechnic University").await;
        let ruse = app.organisation("University of Ruse").await;
        let editor = app.token(service::entity::enums::Role::Editor, Some(sspu)).await;
        let mutation = mutations[0]
            .replace("<your organisation id>", &gid("Organisation", sspu))
            .replace("<partner id>", &gid("Organisation", ruse));
        let created = app.data_as(Some(&editor), &mutation, json!({})).await;
        assert_eq!(created["createAgreement"]["agreement"]["version"], 1);
        let shapes = Shapes::of(&app).await;
        for block in queries.iter().chain(&mutations).chain(&subscriptions) {
            shapes.assert_ids_selected(block);
        }
        for query in queries {
            // The registry example's member: SSPU, whose agreement partners include Ruse.
            let query = query.replace("<member id>", &gid("Organisation", sspu));
            // As the editor, after its mutation: the change feed example then has an entry
            // (the demo loader writes records, not changes).
            let data = app.data_as(Some(&editor), &query, json!({})).await;
            let first_list = data.as_object().unwrap().values().next().unwrap();
            let items = first_list.get("nodes").or(first_list.get("edges")).and_then(|v| v.as_array()).unwrap();
            assert!(!items.is_empty(), "README query returned nothing: {query}");
        }
    }
}

/// The schema's object fields (type, field: the named type under lists and non-null)
/// and the types with a global id, read by introspection.
struct Shapes {
    fields: std::collections::HashMap<(String, String), String>,
    nodes: std::collections::HashSet<String>,
}

impl Shapes {
    async fn of(app: &TestApp) -> Shapes {
        let data = app
            .data(
                "{ __schema { types { name interfaces { name }
                    fields { name type { name ofType { name ofType { name ofType { name } } } } } } } }",
                json!({}),
            )
            .await;
        let mut shapes = Shapes {
            fields: Default::default(),
            nodes: Default::default(),
        };
        for ty in data["__schema"]["types"].as_array().unwrap() {
            let name = ty["name"].as_str().unwrap().to_owned();
            let interfaces = ty["interfaces"].as_array().into_iter().flatten();
            if name == "Node" || interfaces.into_iter().any(|i| i["name"] == "Node") {
                shapes.nodes.insert(name.clone());
            }
            for field in ty["fields"].as_array().into_iter().flatten() {
                let mut t = &field["type"];
                while t["name"].is_null() {
                    t = &t["ofType"];
                }
                shapes.fields.insert(
                    (name.clone(), field["name"].as_str().unwrap().to_owned()),
                    t["name"].as_str().unwrap().to_owned(),
                );
            }
        }
        shapes
    }

    /// Every selection of a record with a global id in `document` selects `id`, so a
    /// normalising client cache can store what it reads.
    fn assert_ids_selected(&self, document: &str) {
        use async_graphql::parser::types::{OperationType, Selection, SelectionSet};
        fn visit(shapes: &Shapes, set: &SelectionSet, on: &str, document: &str) {
            for item in &set.items {
                let Selection::Field(field) = &item.node else {
                    continue;
                };
                let name = field.node.name.node.to_string();
                let Some(ty) = shapes.fields.get(&(on.to_owned(), name.clone())) else {
                    panic!("no field {on}.{name}");
                };
                let selections = &field.node.selection_set.node;
                if shapes.nodes.contains(ty) {
                    let has_id = selections.items.iter().any(
                        |s| matches!(&s.node, Selection::Field(f) if f.node.name.node == "id"),
                    );
                    assert!(
                        has_id,
                        "`{name}` ({ty}) is selected without `id` in:\n{document}"
                    );
                }
                visit(shapes, selections, ty, document);
            }
        }
        let parsed = async_graphql::parser::parse_query(document).unwrap();
        for (_, op) in parsed.operations.iter() {
            let root = match op.node.ty {
                OperationType::Mutation => "Mutation",
                OperationType::Subscription => "Subscription",
                OperationType::Query => "Query",
            };
            visit(self, &op.node.selection_set.node, root, document);
        }
    }
}
