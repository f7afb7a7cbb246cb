//! Figures backed by records, the remaining parts: statistics breakdowns exported as
//! CSV/XLSX (the GraphQL breakdown's rows for the same caller), the consortium overview
//! counting partnerships as partners, MEMBER rows' drill-downs batched, and breakdowns
//! by world region (UN M49). A small consortium whose answers are known by construction.
use std::collections::BTreeMap;

use crate::helpers::{Backend, TestApp, gid, on_both};
use serde_json::{Value, json};
use service::entity::enums::Role;

/// Members A (with a lab) and B; partners in Germany, France, Hong Kong, the United
/// States and Kenya. A and B share the German partner (B by agreement and by
/// partnership); A's US partner is a partnership only; B's Hong Kong partner is private
/// to B; the Kenyan partnership ended.
const FIXTURE: &str = r#"{
  "sources": [],
  "organisations": [
    { "key": "coord", "kind": "INTERNATIONAL_ORGANISATION", "nameEn": "Fig Coordinator", "country": "CN" },
    { "key": "a", "kind": "UNIVERSITY", "nameEn": "Fig A", "nameZh": "甲大学", "country": "CN" },
    { "key": "a-lab", "kind": "LABORATORY", "nameEn": "Fig A Lab", "country": "CN", "parent": "a" },
    { "key": "b", "kind": "UNIVERSITY", "nameEn": "Fig B", "nameZh": "乙大学", "country": "CN" },
    { "key": "de", "kind": "UNIVERSITY", "nameEn": "Partner DE", "country": "DE" },
    { "key": "fr", "kind": "UNIVERSITY", "nameEn": "Partner FR", "country": "FR" },
    { "key": "hk", "kind": "UNIVERSITY", "nameEn": "Partner HK", "country": "HK" },
    { "key": "us", "kind": "COMPANY", "nameEn": "Partner US", "country": "US" },
    { "key": "ke", "kind": "UNIVERSITY", "nameEn": "Partner KE", "country": "KE" }
  ],
  "consortia": [{ "key": "fig", "nameEn": "Figures", "coordinator": "coord", "members": [{ "org": "a" }, { "org": "b" }] }],
  "people": [],
  "events": [],
  "agreements": [
    { "key": "a-de", "owner": "a", "kind": "MOU", "status": "IN_EFFECT", "title": "A and DE", "signedOn": "2021-03-01",
      "parties": [{ "org": "a", "role": "PARTY" }, { "org": "de", "role": "PARTY" }] },
    { "key": "lab-fr", "owner": "a", "visibility": "CONSORTIUM", "kind": "RESEARCH", "status": "IN_EFFECT", "title": "Lab and FR",
      "signedOn": "2022-05-01", "parties": [{ "org": "a-lab", "role": "PARTY" }, { "org": "fr", "role": "PARTY" }] },
    { "key": "b-hk", "owner": "b", "visibility": "PRIVATE", "kind": "EXCHANGE", "status": "IN_EFFECT", "title": "B and HK",
      "signedOn": "2023-01-10", "parties": [{ "org": "b", "role": "PARTY" }, { "org": "hk", "role": "PARTY" }] },
    { "key": "b-de", "owner": "b", "kind": "MOU", "status": "IN_EFFECT", "title": "B and DE", "signedOn": "2023-06-01",
      "parties": [{ "org": "b", "role": "PARTY" }, { "org": "de", "role": "PARTY" }] }
  ],
  "curriculumStandards": [],
  "adoptions": [],
  "trainingCentres": [],
  "indicators": [],
  "partnerships": [
    { "owner": "a", "member": "a", "partner": "us", "kind": "INDUSTRY", "since": "2020-01-01", "status": "ACTIVE" },
    { "owner": "b", "member": "b", "partner": "de", "kind": "ACADEMIC", "since": "2020-01-01", "status": "ACTIVE" },
    { "owner": "b", "member": "b", "partner": "ke", "kind": "ACADEMIC", "since": "2019-01-01", "until": "2020-12-31", "status": "ENDED" }
  ]
}"#;

const AS_OF: &str = "2025-06-30";

const BREAKDOWN: &str = "query($s: ID, $a: Date, $c: IndicatorCode!, $by: BreakdownDimension!) {
  statistics(subject: $s, asOf: $a) { indicator(code: $c) {
    value breakdown(by: $by) { key labelEn labelZh value worldRegion { code nameZh }
      records(first: 50) { totalCount nodes { ... on Organisation { id nameEn } ... on Country { code } ... on Agreement { id } } } } } }
}";

struct Fixture {
    app: TestApp,
    a: String,
    b: String,
    member_a: String,
    member_b: String,
    coordinator: String,
}

async fn fixture(backend: Backend) -> Fixture {
    let app = TestApp::with_fixture(backend, FIXTURE).await;
    let a = app.organisation("Fig A").await;
    let b = app.organisation("Fig B").await;
    Fixture {
        member_a: app.token(Role::Viewer, Some(a)).await,
        member_b: app.token(Role::Viewer, Some(b)).await,
        coordinator: app.token(Role::Coordinator, None).await,
        a: gid("Organisation", a),
        b: gid("Organisation", b),
        app,
    }
}

/// The breakdown's rows as GraphQL gives them, each checked against its drill-down.
async fn rows(
    app: &TestApp,
    token: Option<&str>,
    subject: Option<&str>,
    code: &str,
    by: &str,
) -> Vec<Value> {
    let data = app
        .data_as(
            token,
            BREAKDOWN,
            json!({ "s": subject, "a": AS_OF, "c": code, "by": by }),
        )
        .await;
    let rows = data["statistics"]["indicator"]["breakdown"]
        .as_array()
        .unwrap()
        .clone();
    for row in &rows {
        assert_eq!(row["records"]["totalCount"], row["value"], "{row}");
        assert_eq!(
            row["records"]["nodes"].as_array().unwrap().len() as u64,
            row["value"].as_u64().unwrap(),
            "{row}"
        );
    }
    rows
}

/// key -> value of GraphQL breakdown rows (`-` for no key).
fn values(rows: &[Value]) -> BTreeMap<String, u64> {
    rows.iter()
        .map(|r| {
            (
                r["key"].as_str().unwrap_or("-").to_owned(),
                r["value"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn map(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

/// A CSV body's records, after checking the byte-order mark.
fn csv_records(body: &[u8]) -> Vec<Vec<String>> {
    assert_eq!(&body[..3], b"\xEF\xBB\xBF", "UTF-8 byte-order mark");
    crate::export::parse_csv(std::str::from_utf8(&body[3..]).unwrap())
}

async fn export(
    app: &TestApp,
    token: Option<&str>,
    path: &str,
    params: &[(&str, &str)],
) -> (u16, String, Vec<u8>) {
    let mut request = app
        .client
        .get(format!("{}/export/statistics/{path}", app.base))
        .query(params);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, kind, response.bytes().await.unwrap().to_vec())
}

on_both! {
    async fn a_breakdown_exports_what_graphql_answers_for_the_caller(backend: Backend) {
        let f = fixture(backend).await;
        let app = &f.app;
        let consortium = app.data("{ consortia(first: 5) { nodes { id } } }", json!({})).await["consortia"]["nodes"][0]["id"]
            .as_str().unwrap().to_owned();
        let mut seen = Vec::new();
        for token in [None, Some(f.member_a.as_str()), Some(f.member_b.as_str()), Some(f.coordinator.as_str())] {
            for (code, by) in [("PARTNER_INSTITUTIONS", "COUNTRY"), ("PARTNER_INSTITUTIONS", "MEMBER"),
                ("AGREEMENTS_IN_EFFECT", "KIND"), ("PARTNER_INSTITUTIONS", "REGION")] {
                let listed = rows(app, token, Some(&consortium), code, by).await;
                let (status, kind, body) = export(app, token, &format!("{code}/{by}.csv"),
                    &[("subject", &consortium), ("asOf", AS_OF)]).await;
                assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
                assert_eq!(kind, "text/csv; charset=utf-8");
                let records = csv_records(&body);
                assert_eq!(records[0], ["key", "labelEn", "labelZh", "value"]);
                let exported: Vec<Vec<String>> = records[1..].to_vec();
                let expected: Vec<Vec<String>> = listed.iter().map(|r| vec![
                    r["key"].as_str().unwrap_or_default().to_owned(),
                    r["labelEn"].as_str().unwrap().to_owned(),
                    r["labelZh"].as_str().unwrap().to_owned(),
                    r["value"].to_string(),
                ]).collect();
                assert_eq!(exported, expected, "{token:?} {code} by {by}");
                if by == "COUNTRY" {
                    seen.push(values(&listed));
                }
            }
        }
        // Anonymous: DE (A and B, public) and US (A's public partnership); member A also
        // its lab's consortium agreement with FR; member B its private HK one; the
        // coordinator all four.
        assert_eq!(seen, [
            map(&[("DE", 1), ("US", 1)]),
            map(&[("DE", 1), ("FR", 1), ("US", 1)]),
            map(&[("DE", 1), ("FR", 1), ("HK", 1), ("US", 1)]),
            map(&[("DE", 1), ("FR", 1), ("HK", 1), ("US", 1)]),
        ]);

        // Without a subject: the caller's consortium, as GraphQL's default; Chinese labels
        // intact; XLSX reads back the same rows, values as numbers.
        let (status, _, body) = export(app, Some(&f.coordinator), "PARTNER_INSTITUTIONS/COUNTRY.csv", &[("asOf", AS_OF)]).await;
        assert_eq!(status, 200);
        let records = csv_records(&body);
        assert!(records.iter().any(|r| r[0] == "DE" && r[1] == "Germany" && r[2] == "德国" && r[3] == "1"), "{records:?}");
        let (status, kind, body) = export(app, Some(&f.coordinator), "PARTNER_INSTITUTIONS/COUNTRY.xlsx", &[("asOf", AS_OF)]).await;
        assert_eq!(status, 200);
        assert_eq!(kind, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        use calamine::Reader;
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(body)).unwrap();
        let sheet = book.worksheet_range_at(0).unwrap().unwrap();
        let cells: Vec<Vec<calamine::Data>> = sheet.rows().map(|r| r.to_vec()).collect();
        assert_eq!(cells.len(), records.len());
        for (row, csv) in cells[1..].iter().zip(&records[1..]) {
            assert_eq!(row[0].to_string(), csv[0]);
            assert_eq!(row[2].to_string(), csv[2]);
            assert_eq!(row[3], calamine::Data::Float(csv[3].parse().unwrap()));
        }

        // A period narrows flows: events hosted within 2019 (there are none).
        let (status, _, body) = export(app, None, "INTERNATIONAL_EVENTS_HOSTED/YEAR.csv",
            &[("period", r#"{"from": "2019-01-01", "to": "2019-12-31"}"#)]).await;
        assert_eq!(status, 200);
        assert_eq!(csv_records(&body), [["key", "labelEn", "labelZh", "value"]]);
    }

    async fn bad_breakdown_exports_are_refused_with_graphql_codes(backend: Backend) {
        let f = fixture(backend).await;
        let app = &f.app;
        let refused = |path: &'static str, params: Vec<(&'static str, String)>| async move {
            let params: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let (status, _, body) = export(app, None, path, &params).await;
            let body: Value = serde_json::from_slice(&body).unwrap();
            let error = &body["errors"][0]["extensions"];
            (status, error["code"].as_str().unwrap_or_default().to_owned(), error["field"].as_str().map(str::to_owned))
        };
        let bad = |field: &str| (400, "BAD_USER_INPUT".to_owned(), Some(field.to_owned()));
        assert_eq!(refused("NO_SUCH_FIGURE/COUNTRY.csv", vec![]).await, bad("code"));
        assert_eq!(refused("partner_institutions/COUNTRY.csv", vec![]).await, bad("code"));
        assert_eq!(refused("PARTNER_INSTITUTIONS/PLANET.csv", vec![]).await, bad("by"));
        // A breakdown the indicator does not have, as GraphQL refuses it.
        assert_eq!(refused("PARTNER_COUNTRIES_AND_REGIONS/YEAR.csv", vec![]).await, bad("by"));
        assert_eq!(refused("PARTNER_INSTITUTIONS/COUNTRY.csv", vec![("asOf", "2025-02-30".into())]).await, bad("asOf"));
        assert_eq!(refused("PARTNER_INSTITUTIONS/COUNTRY.csv", vec![("period", "{not json".into())]).await, bad("period"));
        assert_eq!(refused("PARTNER_INSTITUTIONS/COUNTRY.xlsx", vec![("period", r#"{"from": "2024-02-01", "to": "2024-01-01"}"#.into())]).await, bad("period"));
        assert_eq!(refused("PARTNER_INSTITUTIONS/COUNTRY.csv", vec![("subject", gid("Event", 1))]).await, bad("subject"));
        assert_eq!(refused("PARTNER_INSTITUTIONS/COUNTRY.csv", vec![("subject", "not an id".into())]).await, bad("subject"));
        assert_eq!(refused("PARTNER_INSTITUTIONS/COUNTRY.csv", vec![("filter", "{}".into())]).await, bad("filter"));
        assert_eq!(refused("PARTNER_INSTITUTIONS/COUNTRY.csv", vec![("subject", gid("Organisation", 999_999))]).await,
            (404, "NOT_FOUND".to_owned(), None));
        assert_eq!(refused("PARTNER_INSTITUTIONS/COUNTRY.pdf", vec![]).await, (404, "NOT_FOUND".to_owned(), None));
        // The same refusals GraphQL gives for the same arguments.
        assert_eq!(app.error(BREAKDOWN, json!({ "a": AS_OF, "c": "PARTNER_COUNTRIES_AND_REGIONS", "by": "YEAR" })).await,
            ("BAD_USER_INPUT".to_owned(), Some("by".to_owned())));
        let (status, _, _) = {
            let mut request = app.client.get(format!("{}/export/statistics/PARTNER_INSTITUTIONS/COUNTRY.csv", app.base));
            request = request.bearer_auth("cct_not_a_token");
            let response = request.send().await.unwrap();
            (response.status().as_u16(), (), ())
        };
        assert_eq!(status, 401);
    }

    async fn the_overview_counts_partnerships_as_partners(backend: Backend) {
        let f = fixture(backend).await;
        let app = &f.app;
        const OVERVIEW: &str = "query($a: Date) { consortiumOverview(asOf: $a, partners: 10) {
            countriesReached
            partnersByCountry { key value }
            members { organisation { id } indicators { code value records(first: 10) { totalCount nodes { ... on Organisation { nameEn } } } } }
            topPartners { organisation { nameEn } members agreements partnerships }
        } }";
        const FIGURE: &str = "query($a: Date) { statistics(asOf: $a) { indicator(code: PARTNER_COUNTRIES_AND_REGIONS) { value } } }";
        for (token, reached, top) in [
            // DE (A's agreement; B's agreement and partnership) and A's partnership-only US.
            (None, 2, vec![("Partner DE", 2, 2, 1), ("Partner US", 1, 0, 1)]),
            (Some(f.coordinator.as_str()), 4, vec![("Partner DE", 2, 2, 1), ("Partner FR", 1, 1, 0), ("Partner HK", 1, 1, 0), ("Partner US", 1, 0, 1)]),
        ] {
            let data = app.data_as(token, OVERVIEW, json!({ "a": AS_OF })).await;
            let overview = &data["consortiumOverview"];
            // The overview's countries reached is the indicator's value for the same caller.
            let figure = app.data_as(token, FIGURE, json!({ "a": AS_OF })).await;
            assert_eq!(overview["countriesReached"], reached);
            assert_eq!(figure["statistics"]["indicator"]["value"], reached);
            // A shared partner is counted once.
            let by_country: u64 = overview["partnersByCountry"].as_array().unwrap().iter().map(|r| r["value"].as_u64().unwrap()).sum();
            assert_eq!(by_country, top.len() as u64);
            let got: Vec<(String, u64, u64, u64)> = overview["topPartners"].as_array().unwrap().iter().map(|p| (
                p["organisation"]["nameEn"].as_str().unwrap().to_owned(), p["members"].as_u64().unwrap(),
                p["agreements"].as_u64().unwrap(), p["partnerships"].as_u64().unwrap())).collect();
            let want: Vec<(String, u64, u64, u64)> = top.iter().map(|(n, m, a, p)| (n.to_string(), *m, *a, *p)).collect();
            assert_eq!(got, want, "{token:?}");
            // Each member's partners: A has US by partnership only; the ended KE does not count.
            let member = |id: &str| overview["members"].as_array().unwrap().iter().find(|m| m["organisation"]["id"] == id).unwrap().clone();
            let a = member(&f.a);
            let partners = &a["indicators"][0];
            assert_eq!(partners["code"], "PARTNER_INSTITUTIONS");
            let names: Vec<&str> = partners["records"]["nodes"].as_array().unwrap().iter().map(|n| n["nameEn"].as_str().unwrap()).collect();
            assert_eq!(partners["value"], partners["records"]["totalCount"]);
            assert!(names.contains(&"Partner US") && !names.contains(&"Partner KE"), "{names:?}");
            let b = member(&f.b);
            assert_eq!(b["indicators"][0]["value"], if token.is_none() { 1 } else { 2 });
        }
    }

    async fn member_rows_read_their_records_together(backend: Backend) {
        let f = fixture(backend).await;
        let app = &f.app;
        const BY_MEMBER: &str = "query($a: Date, $s: ID) { statistics(subject: $s, asOf: $a) { indicator(code: PARTNER_INSTITUTIONS) {
            breakdown(by: MEMBER) { key value records(first: 1) { totalCount pageInfo { hasNextPage endCursor } nodes { ... on Organisation { id nameEn } } } } } } }";
        let data = app.data_as(Some(&f.coordinator), BY_MEMBER, json!({ "a": AS_OF })).await;
        let rows = data["statistics"]["indicator"]["breakdown"].as_array().unwrap().clone();
        assert_eq!(values(&rows), map(&[(f.a.as_str(), 3), (f.b.as_str(), 2)]));
        // The first page of a row is the member's own list's first page: its cursor goes on
        // through the member's list, and the two pages make up the row.
        const MEMBER_LIST: &str = "query($a: Date, $s: ID, $after: String) { statistics(subject: $s, asOf: $a) { indicator(code: PARTNER_INSTITUTIONS) {
            records(first: 10, after: $after) { nodes { ... on Organisation { id nameEn } } } } } }";
        for row in &rows {
            let member = row["key"].as_str().unwrap();
            let whole = app.data_as(Some(&f.coordinator), MEMBER_LIST, json!({ "a": AS_OF, "s": member })).await;
            let whole: Vec<Value> = whole["statistics"]["indicator"]["records"]["nodes"].as_array().unwrap().clone();
            assert_eq!(row["records"]["nodes"][0], whole[0], "{row}");
            assert_eq!(row["records"]["pageInfo"]["hasNextPage"], true);
            let rest = app.data_as(Some(&f.coordinator), MEMBER_LIST,
                json!({ "a": AS_OF, "s": member, "after": row["records"]["pageInfo"]["endCursor"] })).await;
            assert_eq!(rest["statistics"]["indicator"]["records"]["nodes"].as_array().unwrap()[..], whole[1..]);
        }
        // The statements do not grow with the rows: a subject of one member (one row)
        // costs what the consortium (two rows) does.
        let one = app.statements(BY_MEMBER, json!({ "a": AS_OF, "s": f.a })).await;
        let two = app.statements(BY_MEMBER, json!({ "a": AS_OF })).await;
        assert_eq!(one, two, "one member row: {one} statements, two: {two}");
        // Nor do the overview's members' drill-downs.
        const OVERVIEW: &str = "query($a: Date) { consortiumOverview(asOf: $a) { members { indicators { value records(first: 2) { totalCount nodes { __typename } } } } } }";
        let data = app.data_as(Some(&f.coordinator), OVERVIEW, json!({ "a": AS_OF })).await;
        for member in data["consortiumOverview"]["members"].as_array().unwrap() {
            for figure in member["indicators"].as_array().unwrap() {
                assert_eq!(figure["value"], figure["records"]["totalCount"], "{figure}");
            }
        }
        let overview = app.statements(OVERVIEW, json!({ "a": AS_OF })).await;
        // The frame, the figures, the countries, the partners, the adoptions, then one
        // statement per headline figure for all members' records.
        assert!(overview <= 11, "{overview} statements");
    }

    async fn region_breakdowns_group_by_world_region(backend: Backend) {
        let f = fixture(backend).await;
        let app = &f.app;
        let coord = Some(f.coordinator.as_str());
        // DE, FR: Europe (150); HK: Asia (142), counted with the mainland's continent;
        // US: Americas (019).
        let rows = rows(app, coord, None, "PARTNER_INSTITUTIONS", "REGION").await;
        assert_eq!(values(&rows), map(&[("150", 2), ("142", 1), ("019", 1)]));
        let europe = rows.iter().find(|r| r["key"] == "150").unwrap();
        assert_eq!((europe["labelEn"].as_str(), europe["labelZh"].as_str()), (Some("Europe"), Some("欧洲")));
        assert_eq!(europe["worldRegion"]["nameZh"], "欧洲");
        let asia = rows.iter().find(|r| r["key"] == "142").unwrap();
        assert_eq!(asia["records"]["nodes"][0]["nameEn"], "Partner HK");
        // Sub-regions: Western Europe (DE, FR), Eastern Asia (HK), Northern America (US).
        let sub = crate::figures::rows(app, coord, None, "PARTNER_INSTITUTIONS", "SUBREGION").await;
        assert_eq!(values(&sub), map(&[("155", 2), ("030", 1), ("021", 1)]));
        // The countries and regions of partners by region: HK still counts as one of the
        // four "countries and regions" (a region, in Asia).
        let places = crate::figures::rows(app, coord, None, "PARTNER_COUNTRIES_AND_REGIONS", "REGION").await;
        assert_eq!(values(&places), map(&[("150", 2), ("142", 1), ("019", 1)]));
        // Agreements by their partners' regions.
        let agreements = crate::figures::rows(app, coord, None, "AGREEMENTS_IN_EFFECT", "REGION").await;
        assert_eq!(values(&agreements), map(&[("150", 3), ("142", 1)]));
        // Countries know their regions.
        let data = app.data("{ countries(filter: { codes: [\"HK\", \"TW\", \"KE\", \"AQ\"] }, first: 10) { nodes { code isRegion
            worldRegion { code nameEn } worldSubregion { code nameEn nameZh parent { code parent { code } } } } } }", json!({})).await;
        let by_code: BTreeMap<String, Value> = data["countries"]["nodes"].as_array().unwrap().iter()
            .map(|c| (c["code"].as_str().unwrap().to_owned(), c.clone())).collect();
        assert_eq!(by_code["HK"]["isRegion"], true);
        assert_eq!(by_code["HK"]["worldRegion"]["nameEn"], "Asia");
        assert_eq!(by_code["TW"]["worldSubregion"]["nameZh"], "东亚");
        assert_eq!(by_code["KE"]["worldSubregion"]["code"], "014");
        assert_eq!(by_code["KE"]["worldSubregion"]["parent"]["code"], "202");
        assert_eq!(by_code["KE"]["worldSubregion"]["parent"]["parent"]["code"], "002");
        assert_eq!(by_code["AQ"]["worldRegion"], Value::Null);
    }
}
