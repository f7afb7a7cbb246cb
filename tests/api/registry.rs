//! The registry finds what users type (issue 19, §2): searches folded for case, accents,
//! punctuation and width, in English and Chinese, by abbreviation and alias, ranked;
//! `partnersOf`; `possibleDuplicates` and the identifier CONFLICT on create; merges that
//! keep the duplicate's names, move its references and resolve its id; and the plan
//! that shows the search reads the search key index.
use sea_orm::{ConnectionTrait, Statement, TransactionTrait};
use serde_json::{Value, json};
use service::entity::enums::Role;

use crate::helpers::{Backend, TestApp, error, gid, key, nodes, on_both, shared};

const FIXTURE: &str = r#"{
  "sources": [],
  "organisations": [
    { "key": "sustech", "kind": "UNIVERSITY", "nameEn": "Southern University of Science and Technology",
      "nameZh": "南方科技大学", "abbreviation": "SUSTech", "country": "CN", "city": "Shenzhen" },
    { "key": "szpt", "kind": "UNIVERSITY", "nameEn": "Shenzhen Polytechnic University",
      "nameZh": "深圳职业技术大学", "abbreviation": "SZPT", "country": "CN", "city": "Shenzhen" },
    { "key": "medicine", "kind": "SCHOOL", "parent": "sustech", "nameEn": "SUSTech-KCL School of Medicine", "country": "CN" },
    { "key": "park", "kind": "COMPANY", "nameEn": "Shenzhen SUSTech Innovation Park", "country": "CN" },
    { "key": "incubator", "kind": "COMPANY", "nameEn": "InnoSUSTech Incubator", "country": "CN" },
    { "key": "kcl", "kind": "UNIVERSITY", "nameEn": "King's College London", "nameZh": "伦敦国王学院",
      "abbreviation": "KCL", "country": "GB", "city": "London", "rorId": "https://ror.org/0220mzb33",
      "identifiers": [{ "scheme": "SCHAC", "value": "kcl.ac.uk" }] },
    { "key": "kingston", "kind": "UNIVERSITY", "nameEn": "Kingston University", "country": "GB" },
    { "key": "usp", "kind": "UNIVERSITY", "nameEn": "Universidade de São Paulo", "nameZh": "圣保罗大学",
      "abbreviation": "USP", "country": "BR", "city": "São Paulo",
      "aliases": [{ "lang": "en", "kind": "ALIAS", "value": "University of Sao Paulo" }] },
    { "key": "hku", "kind": "UNIVERSITY", "nameEn": "The University of Hong Kong", "nameZh": "香港大学",
      "abbreviation": "HKU", "country": "HK" },
    { "key": "cuhk", "kind": "UNIVERSITY", "nameEn": "The Chinese University of Hong Kong", "nameZh": "香港中文大学",
      "abbreviation": "CUHK", "country": "HK" },
    { "key": "tum", "kind": "UNIVERSITY", "nameEn": "Technische Universität München", "abbreviation": "TUM", "country": "DE" }
  ],
  "consortia": [
    { "key": "sz", "nameEn": "Shenzhen Consortium", "coordinator": null,
      "members": [{ "org": "sustech" }, { "org": "szpt" }] }
  ],
  "people": [
    { "key": "jiang", "familyName": "JIANG", "givenName": "Hong", "nameZh": "江红", "affiliations": [] },
    { "key": "muller", "familyName": "Müller", "givenName": "José", "affiliations": [] }
  ],
  "events": [],
  "agreements": [
    { "key": "kcl-mou", "owner": "sustech", "kind": "JOINT_SCHOOL", "status": "IN_EFFECT", "title": "SUSTech-KCL School of Medicine",
      "signedOn": "2023-01-10", "fields": [], "visibility": "PUBLIC",
      "parties": [{ "org": "sustech", "role": "PARTY" }, { "org": "kcl", "role": "PARTY" }], "people": [] },
    { "key": "usp-mou", "owner": "sustech", "kind": "MOU", "status": "DRAFT", "title": "MoU with USP",
      "fields": [], "visibility": "PRIVATE",
      "parties": [{ "org": "sustech", "role": "PARTY" }, { "org": "usp", "role": "PARTY" }], "people": [] },
    { "key": "hku-mou", "owner": "szpt", "kind": "MOU", "status": "IN_EFFECT", "title": "SZPT and HKU",
      "signedOn": "2024-02-01", "fields": [], "visibility": "PUBLIC",
      "parties": [{ "org": "szpt", "role": "PARTY" }, { "org": "hku", "role": "PARTY" }], "people": [] }
  ],
  "curriculumStandards": [],
  "adoptions": [],
  "trainingCentres": [],
  "indicators": []
}"#;

const ORGANISATIONS: &str = "query($f: OrganisationFilter) { organisations(filter: $f, first: 50) { totalCount nodes { nameEn } } }";
const PEOPLE: &str =
    "query($f: PersonFilter) { people(filter: $f, first: 50) { totalCount nodes { familyName } } }";
const CREATE: &str = "mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) {
    organisation { id } possibleDuplicates { id nameEn } } }";
const MERGE: &str = "mutation($i: MergeOrganisationsInput!) { mergeOrganisations(input: $i) {
    organisation { id version mergedFrom names { lang kind value } identifiers { scheme value } } } }";

/// The English names `token` finds for `filter`, in the order listed (the count checked).
async fn found(app: &TestApp, token: Option<&str>, filter: Value) -> Vec<String> {
    let data = app
        .data_as(token, ORGANISATIONS, json!({ "f": filter }))
        .await;
    let names = nodes(&data["organisations"], "nameEn");
    assert_eq!(data["organisations"]["totalCount"], names.len(), "{filter}");
    names
}

on_both! {
    async fn searches_find_what_users_type_ranked(backend: Backend) {
        let app = TestApp::with_fixture(backend, FIXTURE).await;
        // (typed, the first result)
        for (typed, first) in [
            ("Sao Paulo", "Universidade de São Paulo"),
            ("universidade de sao paulo", "Universidade de São Paulo"),
            ("University of São Paulo", "Universidade de São Paulo"),
            ("Kings College", "King's College London"),
            ("kings college london", "King's College London"),
            ("hku", "The University of Hong Kong"),
            ("HKU", "The University of Hong Kong"),
            ("ＨＫＵ", "The University of Hong Kong"),
            ("Ｋｉｎｇ’ｓ　Ｃｏｌｌｅｇｅ", "King's College London"),
            ("香港大学", "The University of Hong Kong"),
            ("香港中文大学", "The Chinese University of Hong Kong"),
            ("南方科技", "Southern University of Science and Technology"),
            ("圣保罗", "Universidade de São Paulo"),
            ("technische universitat munchen", "Technische Universität München"),
            ("kcl", "King's College London"),
            ("szpt", "Shenzhen Polytechnic University"),
        ] {
            let names = found(&app, None, json!({ "search": typed })).await;
            assert_eq!(names.first().map(String::as_str), Some(first), "{typed:?} found {names:?}");
        }

        // Exact (the abbreviation), then prefix, then a later word, then inside a word.
        assert_eq!(
            found(&app, None, json!({ "search": "SUSTech" })).await,
            [
                "Southern University of Science and Technology",
                "SUSTech-KCL School of Medicine",
                "Shenzhen SUSTech Innovation Park",
                "InnoSUSTech Incubator",
            ]
        );
        // Equal ranks keep the list's order (by English name, or as asked).
        assert_eq!(
            found(&app, None, json!({ "search": "Hong Kong" })).await,
            ["The Chinese University of Hong Kong", "The University of Hong Kong"]
        );
        assert_eq!(
            found(&app, None, json!({ "search": "香港" })).await,
            ["The Chinese University of Hong Kong", "The University of Hong Kong"]
        );
        let data = app
            .data(
                "{ organisations(filter: { search: \"hong kong\" }, orderBy: { field: NAME, direction: DESC }) { nodes { nameEn } } }",
                json!({}),
            )
            .await;
        assert_eq!(
            nodes(&data["organisations"], "nameEn"),
            ["The University of Hong Kong", "The Chinese University of Hong Kong"]
        );
        // Not a near miss: "Kings College" is no prefix of Kingston University.
        assert_eq!(found(&app, None, json!({ "search": "Kings College" })).await, ["King's College London"]);
        assert!(found(&app, None, json!({ "search": "Oxford" })).await.is_empty());
        // Combined with the other filters.
        assert_eq!(
            found(&app, None, json!({ "search": "university", "countries": ["HK"] })).await,
            ["The Chinese University of Hong Kong", "The University of Hong Kong"]
        );

        // Pages of a ranked list follow each other by cursor, in rank order.
        let page = |after: Value| {
            app.data(
                "query($a: String) { organisations(filter: { search: \"sustech\" }, first: 3, after: $a) {
                    pageInfo { hasNextPage endCursor } nodes { nameEn } } }",
                json!({ "a": after }),
            )
        };
        let first = page(Value::Null).await;
        assert_eq!(first["organisations"]["pageInfo"]["hasNextPage"], true);
        let second = page(first["organisations"]["pageInfo"]["endCursor"].clone()).await;
        let mut all = nodes(&first["organisations"], "nameEn");
        all.extend(nodes(&second["organisations"], "nameEn"));
        assert_eq!(all.len(), 4);
        assert_eq!(all[3], "InnoSUSTech Incubator");
        assert_eq!(second["organisations"]["pageInfo"]["hasNextPage"], false);

        // People: accents, either order of the name, Chinese.
        for (typed, first) in [("Jose Muller", "Müller"), ("hong jiang", "JIANG"), ("JIANG Hong", "JIANG"), ("江红", "JIANG")] {
            let data = app.data(PEOPLE, json!({ "f": { "search": typed } })).await;
            assert_eq!(nodes(&data["people"], "familyName").first().map(String::as_str), Some(first), "{typed:?}");
        }
    }
}

on_both! {
    async fn partners_of_a_member_are_the_parties_of_agreements_the_caller_may_read(backend: Backend) {
        let app = TestApp::with_fixture(backend, FIXTURE).await;
        let sustech = app.organisation("Southern University of Science and Technology").await;
        let szpt = app.organisation("Shenzhen Polytechnic University").await;
        let own = app.token(Role::Viewer, Some(sustech)).await;
        let peer = app.token(Role::Viewer, Some(szpt)).await;
        let coordinator = app.token(Role::Coordinator, None).await;
        let of = json!({ "partnersOf": gid("Organisation", sustech) });
        // The MoU with USP is private to SUSTech: only it (and the coordinator) see USP.
        assert_eq!(found(&app, None, of.clone()).await, ["King's College London"]);
        assert_eq!(found(&app, Some(&peer), of.clone()).await, ["King's College London"]);
        assert_eq!(
            found(&app, Some(&own), of.clone()).await,
            ["King's College London", "Universidade de São Paulo"]
        );
        assert_eq!(
            found(&app, Some(&coordinator), of.clone()).await,
            ["King's College London", "Universidade de São Paulo"]
        );
        assert_eq!(
            found(&app, None, json!({ "partnersOf": gid("Organisation", szpt) })).await,
            ["The University of Hong Kong"]
        );
        // With a search.
        assert_eq!(
            found(&app, Some(&own), json!({ "partnersOf": gid("Organisation", sustech), "search": "sao paulo" })).await,
            ["Universidade de São Paulo"]
        );
        assert!(found(&app, None, json!({ "partnersOf": gid("Organisation", sustech), "search": "sao paulo" })).await.is_empty());
        let (status, body) = app
            .post_as(None, ORGANISATIONS, json!({ "f": { "partnersOf": gid("Person", 1) } }))
            .await;
        assert!(status.is_success());
        assert_eq!(error(&body), ("BAD_USER_INPUT".to_owned(), Some("filter.partnersOf".to_owned())));
    }
}

/// Rows of every table naming organisation `id` through one of the columns a merge moves.
async fn references(app: &TestApp, ids: &[i64]) -> Vec<(String, i64)> {
    let db = &app.db.connection;
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let mut out = Vec::new();
    for (table, column) in [
        ("agreement_party", "organisation_id"),
        ("organisation_identifier", "organisation_id"),
        ("event_organisation", "organisation_id"),
        ("affiliation", "organisation_id"),
        ("agreement", "owner_id"),
        ("organisation", "parent_id"),
    ] {
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM {table} WHERE {column} IN ({list})"),
            ))
            .await
            .unwrap()
            .unwrap();
        out.push((
            format!("{table}.{column}"),
            row.try_get::<i64>("", "n").unwrap(),
        ));
    }
    out
}

on_both! {
    async fn creates_warn_of_duplicates_refuse_known_identifiers_and_merges_keep_names(backend: Backend) {
        let app = TestApp::with_fixture(backend, FIXTURE).await;
        let sustech = app.organisation("Southern University of Science and Technology").await;
        let kcl = app.organisation("King's College London").await;
        let editor = app.token(Role::Editor, Some(sustech)).await;
        let coordinator = app.token(Role::Coordinator, None).await;
        let create = |input: Value| {
            let editor = editor.clone();
            let app = &app;
            async move { app.post_as(Some(&editor), CREATE, json!({ "i": input })).await.1 }
        };

        // The same ROR id (as a bare id), or the same identifier: CONFLICT naming KCL.
        let body = create(json!({ "kind": "UNIVERSITY", "nameEn": "KCL", "rorId": "0220MZB33" })).await;
        assert_eq!(error(&body), ("CONFLICT".to_owned(), Some("input.rorId".to_owned())), "{body}");
        assert_eq!(body["errors"][0]["extensions"]["existingId"], gid("Organisation", kcl));
        let body = create(json!({ "kind": "UNIVERSITY", "nameEn": "KCL",
            "identifiers": [{ "scheme": "WIKIDATA", "value": "Q245247" }, { "scheme": "schac", "value": "kcl.ac.uk" }] })).await;
        assert_eq!(error(&body), ("CONFLICT".to_owned(), Some("input.identifiers.1.value".to_owned())), "{body}");
        assert_eq!(body["errors"][0]["extensions"]["existingId"], gid("Organisation", kcl));
        assert_eq!(found(&app, None, json!({ "search": "kcl" })).await.len(), 2, "nothing written");

        // The same name folded, in the same country: a possible duplicate, still created.
        let body = create(json!({ "kind": "UNIVERSITY", "nameEn": "Kings College London", "nameZh": "伦敦大学国王学院",
            "country": "GB", "abbreviation": "KCL-L", "identifiers": [{ "scheme": "WIKIDATA", "value": "Q245247" }] })).await;
        assert!(body.get("errors").is_none(), "{body}");
        let created = &body["data"]["createOrganisation"];
        let duplicate = created["organisation"]["id"].as_str().unwrap().to_owned();
        assert_eq!(created["possibleDuplicates"], json!([{ "id": gid("Organisation", kcl), "nameEn": "King's College London" }]));
        // In another country it is another body; without a country it may be either.
        let body = create(json!({ "kind": "UNIVERSITY", "nameEn": "KING'S COLLEGE LONDON", "country": "CA" })).await;
        assert_eq!(body["data"]["createOrganisation"]["possibleDuplicates"], json!([]), "{body}");
        let body = create(json!({ "kind": "UNIVERSITY", "nameEn": "伦敦国王学院" })).await;
        let ids: Vec<&str> = body["data"]["createOrganisation"]["possibleDuplicates"]
            .as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap()).collect();
        assert_eq!(ids, [gid("Organisation", kcl)], "{body}");

        // The duplicate is party to an agreement and has a unit.
        let agreement = app.data_as(Some(&editor),
            "mutation($i: CreateAgreementInput!) { createAgreement(input: $i) { agreement { id } } }",
            json!({ "i": { "kind": "EXCHANGE", "status": "DRAFT", "visibility": "PUBLIC", "title": "Exchange with KCL",
                "parties": [{ "organisation": gid("Organisation", sustech) }, { "organisation": duplicate }] } })).await;
        let agreement = agreement["createAgreement"]["agreement"]["id"].as_str().unwrap().to_owned();
        let unit = app.data_as(Some(&coordinator), CREATE, json!({ "i": { "kind": "DEPARTMENT",
            "nameEn": "Department of War Studies", "parent": duplicate, "country": "GB" } })).await;
        let unit = unit["createOrganisation"]["organisation"]["id"].as_str().unwrap().to_owned();
        assert_eq!(found(&app, None, json!({ "search": "伦敦大学国王学院" })).await, ["Kings College London"]);

        let dup = key(&duplicate);
        let before = references(&app, &[kcl, dup]).await;
        let version = app.data(&format!("{{ node(id: \"{}\") {{ ... on Organisation {{ version }} }} }}", gid("Organisation", kcl)), json!({})).await;
        let version = version["node"]["version"].as_i64().unwrap();
        let merged = app.data_as(Some(&coordinator), MERGE,
            json!({ "i": { "survivor": gid("Organisation", kcl), "duplicate": duplicate } })).await;
        let survivor = &merged["mergeOrganisations"]["organisation"];
        assert_eq!(survivor["version"].as_i64().unwrap(), version + 1, "{survivor}");
        assert_eq!(survivor["mergedFrom"], json!([duplicate]));
        let names = survivor["names"].as_array().unwrap();
        for (lang, kind, value) in [("en", "ALIAS", "Kings College London"), ("zh", "ALIAS", "伦敦大学国王学院"), ("en", "ACRONYM", "KCL-L")] {
            assert!(names.contains(&json!({ "lang": lang, "kind": kind, "value": value })), "{lang} {value}: {names:?}");
        }
        let mut schemes: Vec<&str> = survivor["identifiers"].as_array().unwrap().iter().map(|i| i["scheme"].as_str().unwrap()).collect();
        schemes.sort();
        assert_eq!(schemes, ["SCHAC", "WIKIDATA"]);

        // Nothing lost: every reference to either is now to the survivor.
        let after = references(&app, &[kcl]).await;
        assert_eq!(after, before);
        assert!(references(&app, &[dup]).await.iter().all(|(_, n)| *n == 0));

        // The duplicate's names find the survivor; the duplicate itself is out of lists.
        assert_eq!(found(&app, None, json!({ "search": "伦敦大学国王学院" })).await, ["King's College London"]);
        assert_eq!(found(&app, None, json!({ "search": "kcl-l" })).await.first().map(String::as_str), Some("King's College London"));
        assert!(!found(&app, None, json!({ "search": "kings college london" })).await.contains(&"Kings College London".to_owned()));

        // Old links keep working: the duplicate's id resolves to the survivor, for anyone.
        let query = "query($id: ID!) { node(id: $id) { id ... on Organisation { nameEn mergedFrom } } }";
        for token in [None, Some(editor.as_str())] {
            let data = app.data_as(token, query, json!({ "id": duplicate })).await;
            assert_eq!(data["node"], json!({ "id": gid("Organisation", kcl), "nameEn": "King's College London", "mergedFrom": [duplicate] }));
        }
        let data = app.data(
            "query($a: ID!, $u: ID!) { node(id: $a) { ... on Agreement { parties { organisation { nameEn } } } }
                unit: node(id: $u) { ... on Organisation { parent { nameEn } } } }",
            json!({ "a": agreement, "u": unit })).await;
        let parties: Vec<&str> = data["node"]["parties"].as_array().unwrap().iter()
            .map(|p| p["organisation"]["nameEn"].as_str().unwrap()).collect();
        assert!(parties.contains(&"King's College London"), "{parties:?}");
        assert_eq!(data["unit"]["parent"]["nameEn"], "King's College London");

        // A second merge into a third record carries the first duplicate along.
        let third = app.data_as(Some(&coordinator), CREATE, json!({ "i": { "kind": "UNIVERSITY", "nameEn": "King’s College London (new record)", "country": "GB" } })).await;
        let third = third["createOrganisation"]["organisation"]["id"].as_str().unwrap().to_owned();
        app.data_as(Some(&coordinator), MERGE, json!({ "i": { "survivor": third, "duplicate": gid("Organisation", kcl) } })).await;
        let data = app.data(query, json!({ "id": duplicate })).await;
        assert_eq!(data["node"]["id"], third.as_str());
        let mut from: Vec<String> = data["node"]["mergedFrom"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect();
        from.sort();
        let mut expect = vec![duplicate.clone(), gid("Organisation", kcl)];
        expect.sort();
        assert_eq!(from, expect);
    }
}

on_both! {
    async fn people_warn_of_namesakes_and_merged_people_keep_being_found(backend: Backend) {
        let app = TestApp::with_fixture(backend, FIXTURE).await;
        let sustech = app.organisation("Southern University of Science and Technology").await;
        let editor = app.token(Role::Editor, Some(sustech)).await;
        let coordinator = app.token(Role::Coordinator, None).await;
        let jiang = app.data(PEOPLE, json!({ "f": { "search": "JIANG" } })).await;
        assert_eq!(nodes(&jiang["people"], "familyName"), ["JIANG"]);
        let ids = app.data("{ people(filter: { search: \"jiang\" }) { nodes { id } } }", json!({})).await;
        let jiang = ids["people"]["nodes"][0]["id"].as_str().unwrap().to_owned();

        // The same name in the other order, in other case: a possible duplicate.
        let create = "mutation($i: CreatePersonInput!) { createPerson(input: $i) { person { id } possibleDuplicates { id } } }";
        let made = app.data_as(Some(&editor), create, json!({ "i": { "familyName": "Jiang", "givenName": "Hong", "nameZh": "蒋红" } })).await;
        assert_eq!(made["createPerson"]["possibleDuplicates"], json!([{ "id": jiang }]));
        let duplicate = made["createPerson"]["person"]["id"].as_str().unwrap().to_owned();
        let other = app.data_as(Some(&editor), create, json!({ "i": { "familyName": "LI", "givenName": "Hong" } })).await;
        assert_eq!(other["createPerson"]["possibleDuplicates"], json!([]));

        let merge = "mutation($i: MergePeopleInput!) { mergePeople(input: $i) { person { id version mergedFrom } } }";
        let merged = app.data_as(Some(&coordinator), merge, json!({ "i": { "survivor": jiang, "duplicate": duplicate } })).await;
        assert_eq!(merged["mergePeople"]["person"], json!({ "id": jiang, "version": 2, "mergedFrom": [duplicate] }));
        // The duplicate's Chinese name finds the survivor; its id resolves to them.
        let data = app.data("{ people(filter: { search: \"蒋红\" }) { nodes { id } } }", json!({})).await;
        assert_eq!(data["people"]["nodes"], json!([{ "id": jiang }]));
        let data = app.data("query($id: ID!) { node(id: $id) { id } }", json!({ "id": duplicate })).await;
        assert_eq!(data["node"]["id"], jiang.as_str());
        // A record merged away is neither merged again nor merged into.
        let li = other["createPerson"]["person"]["id"].as_str().unwrap().to_owned();
        for (survivor, gone, field) in [(&li, &duplicate, "input.duplicate"), (&duplicate, &li, "input.survivor")] {
            let (_, body) = app.post_as(Some(&coordinator), merge, json!({ "i": { "survivor": survivor, "duplicate": gone } })).await;
            assert_eq!(error(&body), ("BAD_USER_INPUT".to_owned(), Some(field.to_owned())), "{body}");
        }
    }
}

on_both! {
    async fn an_empty_search_table_is_filled_when_the_server_starts(backend: Backend) {
        let app = TestApp::with_fixture(backend, FIXTURE).await;
        let db = &app.db.connection;
        db.execute_unprepared("DELETE FROM search_key").await.unwrap();
        assert!(found(&app, None, json!({ "search": "hku" })).await.is_empty());
        // As after the migration that made the table, on a database with records.
        service::migrate(&app.db).await.unwrap();
        assert_eq!(found(&app, None, json!({ "search": "hku" })).await, ["The University of Hong Kong"]);
        let data = app.data(PEOPLE, json!({ "f": { "search": "jiang hong" } })).await;
        assert_eq!(nodes(&data["people"], "familyName"), ["JIANG"]);
    }
}

/// The statement of a search for `text`, as the app ran it.
async fn search_statement(app: &TestApp, text: &str) -> Statement {
    app.db.start_trace();
    app.data(
        "query($s: String) { organisations(filter: { search: $s }, first: 10) { nodes { id } } }",
        json!({ "s": text }),
    )
    .await;
    let trace = app.db.take_trace();
    trace
        .into_iter()
        .find(|s| s.sql.contains("search_key"))
        .expect("the search reads search_key")
}

/// The search reads its exact, prefix and word matches from a range of
/// `search_key_term_idx` (SQLite's `EXPLAIN QUERY PLAN`; PostgreSQL's `EXPLAIN` with
/// sequential scans priced out, since a test's tables are small enough to scan).
#[tokio::test]
async fn search_reads_the_search_key_index_sqlite() {
    let _gate = shared().await;
    let app = TestApp::spawn(Backend::Sqlite).await;
    service::synthetic::load(&app.db.connection, 0.02, 3)
        .await
        .unwrap();
    let statement = search_statement(&app, "partner institution 0001").await;
    let plan: Vec<String> = app
        .db
        .connection
        .query_all_raw(Statement {
            sql: format!("EXPLAIN QUERY PLAN {}", statement.sql),
            ..statement.clone()
        })
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get::<String>("", "detail").unwrap())
        .collect();
    assert!(
        plan.iter()
            .any(|l| l.contains("search_key_term_idx") && l.contains("term>")),
        "{}\n{plan:#?}",
        statement.sql
    );
    let data = app
        .data(
            ORGANISATIONS,
            json!({ "f": { "search": "partner institution 0001" } }),
        )
        .await;
    assert_eq!(
        nodes(&data["organisations"], "nameEn").len(),
        10,
        "00010 to 00019"
    );
}

#[tokio::test]
async fn search_reads_the_search_key_index_postgres() {
    let _gate = shared().await;
    let app = TestApp::spawn(Backend::Postgres).await;
    service::synthetic::load(&app.db.connection, 0.02, 3)
        .await
        .unwrap();
    let statement = search_statement(&app, "partner institution 0001").await;
    let txn = app.db.connection.begin().await.unwrap();
    txn.execute_unprepared("SET LOCAL enable_seqscan = off")
        .await
        .unwrap();
    let plan: Vec<String> = txn
        .query_all_raw(Statement {
            sql: format!("EXPLAIN {}", statement.sql),
            ..statement.clone()
        })
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get::<String>("", "QUERY PLAN").unwrap())
        .collect();
    txn.rollback().await.unwrap();
    assert!(
        plan.iter().any(|l| l.contains("search_key_term_idx")),
        "{}\n{plan:#?}",
        statement.sql
    );
    assert!(plan.iter().any(|l| l.contains("term >=")), "{plan:#?}");
}
