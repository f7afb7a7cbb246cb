//! The read API over HTTP: node round trips, relations both ways, filters, ordering,
//! pagination edges and input errors, as an anonymous caller, on both databases.
use crate::helpers::{Backend, CATALOGUE, TestApp, gid, nodes, on_both};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use service::entity::*;

async fn catalogue(backend: Backend) -> TestApp {
    TestApp::with_fixture(backend, CATALOGUE).await
}

async fn event_id(app: &TestApp, title: &str) -> i64 {
    event::Entity::find()
        .filter(event::Column::Title.eq(title))
        .one(&app.db.connection)
        .await
        .unwrap()
        .unwrap()
        .id
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

on_both! {
    async fn every_type_round_trips_through_node(backend: Backend) {
        let app = catalogue(backend).await;
        let data = app
            .data(
                r#"{
                  countries(first: 2) { nodes { id } }
                  sources { nodes { id } }
                  organisations(first: 100) { nodes { id } }
                  consortia { nodes { id } }
                  people { nodes { id } }
                  events { nodes { id presentations { id } } }
                  agreements { nodes { id fields { id } } }
                  curriculumStandards { nodes { id } }
                  adoptions { nodes { id } }
                  trainingCentres { nodes { id } }
                  indicators { nodes { id } }
                }"#,
                json!({}),
            )
            .await;
        let mut ids: Vec<(String, String)> = Vec::new();
        let lists = [
            ("countries", "Country"),
            ("sources", "Source"),
            ("organisations", "Organisation"),
            ("consortia", "Consortium"),
            ("people", "Person"),
            ("events", "Event"),
            ("agreements", "Agreement"),
            ("curriculumStandards", "CurriculumStandard"),
            ("adoptions", "Adoption"),
            ("trainingCentres", "TrainingCentre"),
            ("indicators", "Indicator"),
        ];
        for (list, typename) in lists {
            let found = data[list]["nodes"].as_array().unwrap();
            assert!(!found.is_empty(), "{list} is empty");
            for n in found {
                ids.push((n["id"].as_str().unwrap().to_owned(), typename.to_owned()));
            }
        }
        let presentation = data["events"]["nodes"][0]["presentations"][0]["id"].as_str().unwrap();
        ids.push((presentation.to_owned(), "Presentation".into()));
        let field = data["agreements"]["nodes"][0]["fields"][0]["id"].as_str().unwrap();
        ids.push((field.to_owned(), "FieldOfEducation".into()));

        for (id, typename) in &ids {
            let got = app.data("query($id: ID!) { node(id: $id) { __typename id } }", json!({ "id": id })).await;
            assert_eq!(got["node"]["__typename"], typename.as_str());
            assert_eq!(got["node"]["id"], id.as_str());
        }
        // `nodes` keeps the order asked for and answers null for an unknown record.
        let unknown = gid("Event", 999_999);
        let asked: Vec<&str> = vec![ids[3].0.as_str(), unknown.as_str(), ids[0].0.as_str()];
        let got = app.data("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", json!({ "ids": asked })).await;
        assert_eq!(got["nodes"], json!([{ "id": asked[0] }, null, { "id": asked[2] }]));
    }

    async fn hidden_records_are_absent_on_every_path(backend: Backend) {
        let app = catalogue(backend).await;
        let secret = event_id(&app, "Private planning meeting").await;
        let shared = event_id(&app, "Consortium workshop").await;
        for id in [secret, shared] {
            let got = app.data("query($id: ID!) { node(id: $id) { id } }", json!({ "id": gid("Event", id) })).await;
            assert_eq!(got["node"], Value::Null, "an anonymous caller must not read a non-public event");
        }
        let data = app
            .data(
                r#"{
                  events { totalCount nodes { title } }
                  agreements { totalCount nodes { title signedAt { title } } }
                  curriculumStandards { totalCount }
                  adoptions { totalCount }
                  trainingCentres { totalCount }
                  indicators { totalCount }
                  organisations(filter: { search: "Alpha Polytechnic" }) { nodes {
                    events { totalCount nodes { title } }
                    agreements { totalCount }
                    curriculumStandards { totalCount }
                    operatedCentres { totalCount }
                    indicators { totalCount } } }
                  people(filter: { search: "WANG" }) { nodes {
                    participations { totalCount nodes { event { title } } }
                    presentations { totalCount nodes { title } }
                    signatures { totalCount nodes { role agreement { title } } } } }
                  countries(filter: { codes: ["ET", "DE"] }) { nodes { code adoptions { totalCount } trainingCentres { totalCount } } }
                }"#,
                json!({}),
            )
            .await;
        assert_eq!(data["events"]["totalCount"], 2);
        assert_eq!(sorted(nodes(&data["events"], "title")), ["Delegation visit to Addis Ababa", "Vocational Education Forum"]);
        assert_eq!(data["agreements"]["totalCount"], 3);
        // The apprenticeship was signed at the private meeting: the link reads as null.
        let training = data["agreements"]["nodes"].as_array().unwrap().iter().find(|a| a["title"] == "Werkstatt apprenticeship programme").unwrap();
        assert_eq!(training["signedAt"], Value::Null);
        assert_eq!(data["curriculumStandards"]["totalCount"], 2);
        assert_eq!(data["adoptions"]["totalCount"], 4, "the private standard's adoption is hidden with it");
        assert_eq!(data["trainingCentres"]["totalCount"], 2);
        assert_eq!(data["indicators"]["totalCount"], 2);
        let alpha = &data["organisations"]["nodes"][0];
        assert_eq!(alpha["events"]["totalCount"], 2);
        assert_eq!(alpha["agreements"]["totalCount"], 3);
        assert_eq!(alpha["curriculumStandards"]["totalCount"], 2);
        assert_eq!(alpha["operatedCentres"]["totalCount"], 2);
        assert_eq!(alpha["indicators"]["totalCount"], 2);
        let wang = &data["people"]["nodes"][0];
        assert_eq!(wang["participations"]["totalCount"], 2);
        assert_eq!(wang["presentations"]["totalCount"], 2);
        assert_eq!(wang["signatures"]["totalCount"], 1);
        assert_eq!(wang["signatures"]["nodes"][0]["agreement"]["title"], "Alpha and Bangkok MoU");
        let countries = data["countries"]["nodes"].as_array().unwrap();
        assert_eq!(countries[0]["code"], "DE");
        assert_eq!(countries[0]["trainingCentres"]["totalCount"], 0);
        assert_eq!(countries[1]["adoptions"]["totalCount"], 1);
        assert_eq!(countries[1]["trainingCentres"]["totalCount"], 1);
    }

    async fn relations_navigate_both_ways(backend: Backend) {
        let app = catalogue(backend).await;
        let data = app
            .data(
                r#"{ organisations(filter: { search: "Alpha Polytechnic" }) { nodes {
                    nameZh rorId website abbreviation city kind
                    names { lang kind value } identifiers { scheme value }
                    country { code nameZh isRegion }
                    source { title url publisher author publishedOn }
                    units { nodes { nameEn kind parent { nameEn } } }
                    memberships { joinedOn consortium { nameEn nameZh coordinator { abbreviation } members { organisation { nameEn } joinedOn leftOn } } }
                    affiliations { totalCount nodes { title startedOn person { displayName nameZh } } }
                    curriculumStandards { nodes { title code level edition issuedOn field { code nameEn parent { code } } developer { abbreviation }
                        adoptions { totalCount nodes { kind adoptedOn evidence country { code isRegion } institution { nameEn } standard { code } } } } }
                    operatedCentres { nodes { name city status openedOn partner { nameEn } country { code } operator { abbreviation } fields { code } } } } }
                  events(filter: { kinds: [FORUM] }) { nodes { format status venue theme endDate
                    owner { abbreviation } visibility source { title }
                    participants { role title person { displayName } organisation { nameEn } event { title } }
                    presentations { position title presenters { displayName } event { title } }
                    outcomes { description }
                    agreementsSigned { nodes { title renewals { nodes { title renewalOf { title } } } fields { code } } }
                    indicators { nodes { metric value event { title } organisation { abbreviation } } } } }
                  countries(filter: { codes: ["TH"] }) { nodes { nameEn organisations { nodes { nameEn } } adoptions { nodes { standard { code } } } trainingCentres { nodes { name } } } }
                  people(filter: { search: "Somchai" }) { nodes { displayName affiliations { title organisation { nameEn } } presentations { nodes { title } } } }
                }"#,
                json!({}),
            )
            .await;
        let alpha = &data["organisations"]["nodes"][0];
        assert_eq!(alpha["nameZh"], "阿尔法职业技术大学");
        assert_eq!(alpha["rorId"], "https://ror.org/000alpha0");
        assert_eq!(alpha["names"], json!([{ "lang": "en", "kind": "ALIAS", "value": "Alpha Vocational College" }]));
        assert_eq!(alpha["identifiers"], json!([{ "scheme": "SCHAC", "value": "alpha.edu.cn" }]));
        assert_eq!(alpha["country"], json!({ "code": "CN", "nameZh": "中国", "isRegion": false }));
        assert_eq!(alpha["source"]["publishedOn"], "2024-01-02");
        assert_eq!(alpha["units"]["nodes"], json!([{ "nameEn": "Alpha International Office", "kind": "OFFICE", "parent": { "nameEn": "Alpha Polytechnic" } }]));
        let consortium = &alpha["memberships"][0]["consortium"];
        assert_eq!(alpha["memberships"][0]["joinedOn"], "2020-01-01");
        assert_eq!(consortium["coordinator"]["abbreviation"], "CC");
        assert_eq!(consortium["members"].as_array().unwrap().len(), 2);
        assert_eq!(alpha["affiliations"]["totalCount"], 1);
        assert_eq!(alpha["affiliations"]["nodes"][0]["person"]["nameZh"], "王芳");
        let mech = &alpha["curriculumStandards"]["nodes"][1];
        assert_eq!(mech["code"], "APT-M-01");
        assert_eq!(mech["edition"], "2.0");
        assert_eq!(mech["field"]["parent"]["code"], "071");
        assert_eq!(mech["adoptions"]["totalCount"], 3);
        let regions: Vec<_> = mech["adoptions"]["nodes"].as_array().unwrap().iter().map(|a| (a["country"]["code"].as_str().unwrap(), a["country"]["isRegion"].as_bool().unwrap())).collect();
        assert_eq!(regions, [("ET", false), ("HK", true), ("TH", false)]);
        let centre = &alpha["operatedCentres"]["nodes"][0];
        assert_eq!(centre["name"], "Addis Digital Skills Centre");
        assert_eq!(alpha["operatedCentres"]["nodes"][1]["fields"], json!([{ "code": "0714" }, { "code": "0716" }]));

        let forum = &data["events"]["nodes"][0];
        assert_eq!(forum["format"], "HYBRID");
        assert_eq!(forum["participants"][1]["organisation"]["nameEn"], "Bangkok Technical College");
        assert_eq!(forum["presentations"][0]["presenters"], json!([{ "displayName": "Niran Somchai" }, { "displayName": "WANG Fang" }]));
        let mou = &forum["agreementsSigned"]["nodes"][0];
        assert_eq!(mou["renewals"]["nodes"][0]["renewalOf"]["title"], "Alpha and Bangkok MoU");
        assert_eq!(forum["indicators"]["nodes"][0]["value"], 30.0);

        let thailand = &data["countries"]["nodes"][0];
        assert_eq!(nodes(&thailand["organisations"], "nameEn"), ["Bangkok Technical College"]);
        assert_eq!(thailand["adoptions"]["nodes"].as_array().unwrap().len(), 2);
        assert_eq!(nodes(&thailand["trainingCentres"], "name"), ["Alpha-Bangkok Rail Training Centre"]);
        let somchai = &data["people"]["nodes"][0];
        assert_eq!(somchai["affiliations"][0]["title"], "Rector");
        assert_eq!(nodes(&somchai["presentations"], "title"), ["Dual training in Thailand"]);
    }

    async fn every_filter_selects_what_it_names(backend: Backend) {
        let app = catalogue(backend).await;
        let ids = app
            .data(
                r#"{ alpha: organisations(filter: { search: "Alpha Polytechnic" }) { nodes { id } }
                    bangkok: organisations(filter: { search: "bangkok technical" }) { nodes { id } }
                    gmbh: organisations(filter: { countries: ["de"] }) { nodes { id } }
                    c: consortia { nodes { id } }
                    weber: people(filter: { search: "weber" }) { nodes { id } }
                    forum: events(filter: { kinds: [FORUM] }) { nodes { id } }
                    mech: curriculumStandards(filter: { search: "mechatronics" }) { nodes { id } } }"#,
                json!({}),
            )
            .await;
        let id = |k: &str| data_id(&ids, k);
        // (root field, filter, the node field to compare, expected values in order)
        let cases: Vec<(&str, Value, &str, Vec<&str>)> = vec![
            ("events", json!({ "search": "FORUM" }), "title", vec!["Vocational Education Forum"]),
            ("events", json!({ "search": "digital world" }), "title", vec!["Vocational Education Forum"]),
            ("events", json!({ "owners": [id("alpha")] }), "title", vec!["Vocational Education Forum", "Delegation visit to Addis Ababa"]),
            ("events", json!({ "kinds": ["VISIT"] }), "title", vec!["Delegation visit to Addis Ababa"]),
            ("events", json!({ "statuses": ["HELD"] }), "title", vec!["Vocational Education Forum"]),
            ("events", json!({ "countries": ["ET"] }), "title", vec!["Delegation visit to Addis Ababa"]),
            ("events", json!({ "startDate": { "from": "2024-06-01" } }), "title", vec!["Delegation visit to Addis Ababa"]),
            ("events", json!({ "startDate": { "to": "2024-01-10" } }), "title", vec!["Vocational Education Forum"]),
            ("events", json!({ "organisations": [id("bangkok")] }), "title", vec!["Vocational Education Forum"]),
            ("events", json!({ "organisations": [id("alpha")], "roles": ["HOST"] }), "title", vec!["Vocational Education Forum", "Delegation visit to Addis Ababa"]),
            ("events", json!({ "roles": ["CO_HOST"] }), "title", vec!["Delegation visit to Addis Ababa"]),
            ("events", json!({ "people": [id("weber")] }), "title", vec![]),
            ("agreements", json!({ "search": "dual training" }), "title", vec!["Alpha and Bangkok MoU"]),
            ("agreements", json!({ "kinds": ["JOINT_TRAINING"] }), "title", vec!["Werkstatt apprenticeship programme"]),
            ("agreements", json!({ "statuses": ["IN_EFFECT"] }), "title", vec!["Werkstatt apprenticeship programme", "Alpha and Bangkok MoU (renewed)"]),
            ("agreements", json!({ "signedOn": { "from": "2024-01-01", "to": "2024-12-31" } }), "title", vec!["Alpha and Bangkok MoU"]),
            ("agreements", json!({ "parties": [id("gmbh")] }), "title", vec!["Werkstatt apprenticeship programme"]),
            ("agreements", json!({ "partyCountries": ["TH"], "statuses": ["IN_EFFECT"] }), "title", vec!["Alpha and Bangkok MoU (renewed)"]),
            ("agreements", json!({ "people": [id("weber")] }), "title", vec!["Werkstatt apprenticeship programme", "Alpha and Bangkok MoU"]),
            ("agreements", json!({ "signedAt": [id("forum")] }), "title", vec!["Alpha and Bangkok MoU"]),
            ("agreements", json!({ "fields": ["071"] }), "title", vec!["Werkstatt apprenticeship programme", "Alpha and Bangkok MoU"]),
            ("agreements", json!({ "owners": [id("alpha")], "fields": ["07"] }), "title", vec!["Werkstatt apprenticeship programme", "Alpha and Bangkok MoU", "Alpha and Bangkok MoU (renewed)"]),
            ("organisations", json!({ "search": "vocational college" }), "nameEn", vec!["Alpha Polytechnic"]),
            ("organisations", json!({ "search": "阿尔法" }), "nameEn", vec!["Alpha Polytechnic"]),
            ("organisations", json!({ "kinds": ["COMPANY"] }), "nameEn", vec!["Werkstatt GmbH"]),
            ("organisations", json!({ "parents": [id("alpha")] }), "nameEn", vec!["Alpha International Office"]),
            ("organisations", json!({ "topLevel": false }), "nameEn", vec!["Alpha International Office"]),
            ("organisations", json!({ "consortia": [id("c")] }), "nameEn", vec!["Alpha Polytechnic", "Beta University"]),
            ("organisations", json!({ "rorId": "https://ror.org/000alpha0" }), "nameEn", vec!["Alpha Polytechnic"]),
            ("people", json!({ "search": "王" }), "familyName", vec!["WANG"]),
            ("people", json!({ "organisations": [id("bangkok")] }), "familyName", vec!["Somchai"]),
            ("curriculumStandards", json!({ "search": "apt-ai" }), "title", vec!["Applied AI curriculum standard"]),
            ("curriculumStandards", json!({ "developers": [id("alpha")], "fields": ["06"] }), "title", vec!["Applied AI curriculum standard"]),
            ("curriculumStandards", json!({ "owners": [id("bangkok")] }), "title", vec![]),
            ("adoptions", json!({ "standards": [id("mech")], "kinds": ["ADOPTED"] }), "evidence", vec!["Ministry letter"]),
            ("adoptions", json!({ "countries": ["HK"] }), "adoptedOn", vec!["2023-08-01"]),
            ("adoptions", json!({ "institutions": [id("bangkok")] }), "adoptedOn", vec!["2022-06-01"]),
            ("adoptions", json!({ "adoptedOn": { "from": "2023-01-01", "to": "2023-12-31" } }), "adoptedOn", vec!["2023-02-01", "2023-08-01"]),
            ("trainingCentres", json!({ "search": "rail" }), "name", vec!["Alpha-Bangkok Rail Training Centre"]),
            ("trainingCentres", json!({ "partners": [id("bangkok")], "operators": [id("alpha")], "owners": [id("alpha")] }), "name", vec!["Alpha-Bangkok Rail Training Centre"]),
            ("trainingCentres", json!({ "countries": ["ET"], "statuses": ["SUSPENDED"] }), "name", vec!["Addis Digital Skills Centre"]),
            ("trainingCentres", json!({ "openedOn": { "from": "2023-01-01" } }), "name", vec!["Addis Digital Skills Centre"]),
            ("indicators", json!({ "metrics": ["ATTENDING_INSTITUTIONS"], "events": [id("forum")] }), "unit", vec!["institutions"]),
            ("indicators", json!({ "organisations": [id("alpha")], "owners": [id("alpha")], "periodEnd": { "to": "2024-01-10" } }), "unit", vec!["centres", "institutions"]),
            ("countries", json!({ "search": "埃塞俄比亚" }), "code", vec!["ET"]),
            ("countries", json!({ "isRegion": true, "codes": ["HK", "MO", "TW", "DE"] }), "code", vec!["HK", "MO", "TW"]),
            ("consortia", json!({ "members": [id("alpha")], "search": "fixture" }), "nameEn", vec!["Fixture Consortium"]),
            ("sources", json!({ "search": "press", "publishedOn": { "from": "2024-01-01" } }), "title", vec!["Fixture source"]),
        ];
        for (root, filter, field, expected) in cases {
            let query = format!("query($f: {}) {{ {root}(filter: $f, first: 100) {{ totalCount edges {{ node {{ {field} }} }} }} }}", filter_type(root));
            let data = app.data(&query, json!({ "f": filter })).await;
            let got = nodes(&data[root], field);
            let expected: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
            if root == "indicators" || root == "adoptions" || root == "agreements" {
                assert_eq!(sorted(got.clone()), sorted(expected.clone()), "{root} {filter}");
            } else {
                assert_eq!(got, expected, "{root} {filter}");
            }
            assert_eq!(data[root]["totalCount"], expected.len(), "{root} {filter}: totalCount");
        }
    }

    async fn ordering_follows_order_by(backend: Backend) {
        let app = catalogue(backend).await;
        let data = app
            .data(
                r#"{ byTitle: events(orderBy: { field: TITLE }) { nodes { title } }
                    byDateDesc: events(orderBy: { field: START_DATE, direction: DESC }) { nodes { title } }
                    agreements(orderBy: { field: SIGNED_ON, direction: ASC }) { nodes { title } }
                    countries(orderBy: { field: NAME_EN }, first: 1) { nodes { nameEn } }
                    people(orderBy: { field: FAMILY_NAME }) { nodes { familyName } }
                    trainingCentres(orderBy: { field: OPENED_ON, direction: DESC }) { nodes { name } }
                    indicators(orderBy: { field: VALUE, direction: DESC }) { nodes { value } }
                    consortia(orderBy: DESC) { nodes { nameEn } } }"#,
                json!({}),
            )
            .await;
        assert_eq!(nodes(&data["byTitle"], "title"), ["Delegation visit to Addis Ababa", "Vocational Education Forum"]);
        assert_eq!(nodes(&data["byDateDesc"], "title"), ["Delegation visit to Addis Ababa", "Vocational Education Forum"]);
        assert_eq!(nodes(&data["agreements"], "title"), ["Werkstatt apprenticeship programme", "Alpha and Bangkok MoU", "Alpha and Bangkok MoU (renewed)"]);
        assert_eq!(nodes(&data["countries"], "nameEn"), ["Afghanistan"]);
        assert_eq!(nodes(&data["people"], "familyName"), ["Somchai", "WANG", "Weber"]);
        assert_eq!(nodes(&data["trainingCentres"], "name"), ["Addis Digital Skills Centre", "Alpha-Bangkok Rail Training Centre"]);
        let values: Vec<f64> = data["indicators"]["nodes"].as_array().unwrap().iter().map(|n| n["value"].as_f64().unwrap()).collect();
        assert_eq!(values, [30.0, 9.0]);
    }

    async fn pagination_edges(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let page = |args: &str| format!("{{ countries({args}) {{ totalCount pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }} edges {{ cursor node {{ code }} }} }} }}");
        // First page.
        let first = app.data(&page("first: 100"), json!({})).await;
        let c = &first["countries"];
        assert_eq!(c["totalCount"], 249);
        assert_eq!(c["edges"].as_array().unwrap().len(), 100);
        assert_eq!(c["pageInfo"]["hasNextPage"], true);
        assert_eq!(c["pageInfo"]["hasPreviousPage"], false);
        assert_eq!(c["edges"][0]["node"]["code"], "AD");
        // Following pages chain through endCursor to the end without gaps or repeats.
        let mut seen: Vec<String> = nodes(c, "code");
        let mut cursor = c["pageInfo"]["endCursor"].as_str().unwrap().to_owned();
        loop {
            let next = app.data(&page(&format!("first: 100, after: \"{cursor}\"")), json!({})).await;
            let n = &next["countries"];
            assert_eq!(n["pageInfo"]["hasPreviousPage"], true);
            seen.extend(nodes(n, "code"));
            if n["pageInfo"]["hasNextPage"] == false {
                assert_eq!(n["edges"].as_array().unwrap().len(), 49, "the last page");
                break;
            }
            cursor = n["pageInfo"]["endCursor"].as_str().unwrap().to_owned();
        }
        assert_eq!(seen.len(), 249);
        let mut unique = seen.clone();
        unique.dedup();
        assert_eq!(unique.len(), 249);
        // Past the end: after the last item there is nothing.
        let last_cursor = app.data(&page("last: 1"), json!({})).await["countries"]["edges"][0]["cursor"].as_str().unwrap().to_owned();
        let past = app.data(&page(&format!("first: 10, after: \"{last_cursor}\"")), json!({})).await;
        assert_eq!(past["countries"]["edges"], json!([]));
        assert_eq!(past["countries"]["pageInfo"]["hasNextPage"], false);
        // The last page, from the end.
        let tail = app.data(&page("last: 3"), json!({})).await;
        assert_eq!(nodes(&tail["countries"], "code"), ["ZA", "ZM", "ZW"]);
        assert_eq!(tail["countries"]["pageInfo"]["hasPreviousPage"], true);
        assert_eq!(tail["countries"]["pageInfo"]["hasNextPage"], false);
        // Backwards from a cursor.
        let before = tail["countries"]["edges"][0]["cursor"].as_str().unwrap().to_owned();
        let back = app.data(&page(&format!("last: 2, before: \"{before}\"")), json!({})).await;
        assert_eq!(nodes(&back["countries"], "code"), ["YE", "YT"]);
        // An empty result.
        let empty = app.data(&page("filter: { search: \"no such country\" }"), json!({})).await;
        assert_eq!(empty["countries"]["totalCount"], 0);
        assert_eq!(empty["countries"]["edges"], json!([]));
        assert_eq!(empty["countries"]["pageInfo"], json!({ "hasNextPage": false, "hasPreviousPage": false, "startCursor": null, "endCursor": null }));
        // Without a size, pages hold the default 20.
        let default = app.data(&page("orderBy: { field: CODE }"), json!({})).await;
        assert_eq!(default["countries"]["edges"].as_array().unwrap().len(), 20);
        // Limits and malformed cursors are bad input, naming the argument.
        assert_eq!(app.error(&page("first: 101"), json!({})).await, ("BAD_USER_INPUT".into(), Some("first".into())));
        assert_eq!(app.error(&page("first: -1"), json!({})).await, ("BAD_USER_INPUT".into(), Some("first".into())));
        assert_eq!(app.error(&page("last: 500"), json!({})).await, ("BAD_USER_INPUT".into(), Some("last".into())));
        assert_eq!(app.error(&page("after: \"garbage\""), json!({})).await, ("BAD_USER_INPUT".into(), Some("after".into())));
        assert_eq!(app.error(&page("before: \"Y2MxOnh4\""), json!({})).await, ("BAD_USER_INPUT".into(), Some("before".into())));
        assert_eq!(app.error(&page("first: 1, last: 1"), json!({})).await.0, "BAD_USER_INPUT");
    }

    async fn nested_lists_paginate_too(backend: Backend) {
        let app = catalogue(backend).await;
        let q = r#"query($after: String) { countries(filter: { codes: ["TH"] }) { nodes {
            adoptions(first: 1, after: $after) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { adoptedOn } } } } }"#;
        let first = app.data(q, json!({ "after": null })).await;
        let a = &first["countries"]["nodes"][0]["adoptions"];
        assert_eq!(a["totalCount"], 2);
        assert_eq!(a["pageInfo"]["hasNextPage"], true);
        assert_eq!(nodes(a, "adoptedOn"), ["2024-02-01"]);
        let second = app.data(q, json!({ "after": a["pageInfo"]["endCursor"] })).await;
        let b = &second["countries"]["nodes"][0]["adoptions"];
        assert_eq!(nodes(b, "adoptedOn"), ["2022-06-01"]);
        assert_eq!(b["pageInfo"], json!({ "hasNextPage": false, "hasPreviousPage": true, "endCursor": b["pageInfo"]["endCursor"] }));
        let (code, field) = app.error(r#"{ organisations { nodes { events(first: 1000) { totalCount } } } }"#, json!({})).await;
        assert_eq!((code.as_str(), field.as_deref()), ("BAD_USER_INPUT", Some("first")));
    }

    async fn bad_ids_and_filter_values_are_bad_input(backend: Backend) {
        let app = catalogue(backend).await;
        let cases = [
            (r#"{ node(id: "not-an-id") { id } }"#, "id"),
            (r#"{ node(id: "RXZlbnQ6YWJj") { id } }"#, "id"),
            (r#"{ nodes(ids: ["Tm9wZToz"]) { id } }"#, "ids"),
            (r#"{ events(filter: { countries: ["China"] }) { totalCount } }"#, "filter.countries"),
            (r#"{ events(filter: { startDate: { from: "2024-02-01", to: "2024-01-01" } }) { totalCount } }"#, "filter.startDate"),
            (r#"{ agreements(filter: { fields: ["medicine"] }) { totalCount } }"#, "filter.fields"),
        ];
        for (query, field) in cases {
            assert_eq!(app.error(query, json!({})).await, ("BAD_USER_INPUT".into(), Some(field.into())), "{query}");
        }
        // An id of the wrong kind in a filter says which kind it wanted.
        let person = app.data(r#"{ people(first: 1) { nodes { id } } }"#, json!({})).await["people"]["nodes"][0]["id"].clone();
        let body = app.post("query($p: [ID!]) { events(filter: { owners: $p }) { totalCount } }", json!({ "p": [person] })).await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("Organisation"));
        // A date that is not a date is rejected by the scalar, before anything runs.
        let body = app.post(r#"{ events(filter: { startDate: { from: "5 May" } }) { totalCount } }"#, json!({})).await;
        assert_eq!(crate::helpers::error(&body), ("BAD_USER_INPUT".into(), Some("filter.startDate.from".into())));
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("\"Date\""));
    }
}

fn filter_type(root: &str) -> &'static str {
    match root {
        "events" => "EventFilter",
        "agreements" => "AgreementFilter",
        "organisations" => "OrganisationFilter",
        "people" => "PersonFilter",
        "curriculumStandards" => "CurriculumStandardFilter",
        "adoptions" => "AdoptionFilter",
        "trainingCentres" => "TrainingCentreFilter",
        "indicators" => "IndicatorFilter",
        "countries" => "CountryFilter",
        "consortia" => "ConsortiumFilter",
        "sources" => "SourceFilter",
        other => panic!("no filter type for {other}"),
    }
}

fn data_id(data: &Value, key: &str) -> String {
    data[key]["nodes"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no {key}"))
        .to_owned()
}
