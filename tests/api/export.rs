//! Exports: `GET /export/{list}.csv` and `.xlsx` hold exactly what the GraphQL list holds
//! for the same filter, order and caller (ids, order, fields), across many pages; CSV
//! starts with a byte-order mark and keeps Chinese names; XLSX reads back (calamine) with
//! the same rows; bad parameters are refused with GraphQL's codes.
use crate::helpers::{Backend, CATALOGUE, TestApp, nodes, on_both, world};
use serde_json::{Value, json};
use service::entity::enums::Role;

/// The answer to an export request: status, content type and body.
async fn get(
    app: &TestApp,
    token: Option<&str>,
    file: &str,
    params: &[(&str, String)],
) -> (u16, String, Vec<u8>) {
    let mut request = app
        .client
        .get(format!("{}/export/{file}", app.base))
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

/// A CSV text's records (RFC 4180: quoted fields may hold commas, quotes, line breaks).
pub(crate) fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let (mut record, mut field) = (Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(
        field.is_empty() && record.is_empty(),
        "the last line ends with CRLF"
    );
    records
}

/// The CSV export's rows as maps from column to value, after checking the mark.
async fn csv_rows(
    app: &TestApp,
    token: Option<&str>,
    list: &str,
    params: &[(&str, String)],
) -> Vec<std::collections::HashMap<String, String>> {
    let (status, kind, body) = get(app, token, &format!("{list}.csv"), params).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(kind, "text/csv; charset=utf-8");
    assert_eq!(&body[..3], b"\xEF\xBB\xBF", "UTF-8 byte-order mark");
    let text = String::from_utf8(body[3..].to_vec()).unwrap();
    let mut records = parse_csv(&text).into_iter();
    let header = records.next().unwrap();
    assert_eq!(header[0], "id");
    records
        .map(|r| {
            assert_eq!(r.len(), header.len());
            header.iter().cloned().zip(r).collect()
        })
        .collect()
}

/// Every node of a root list for `token`, paged through with cursors; `list` is the
/// field with its filter and order types.
async fn all_nodes(
    app: &TestApp,
    token: Option<&str>,
    (list, filter_type, order_type): (&str, &str, &str),
    (filter, order): (&Value, &Value),
    fields: &str,
) -> Vec<Value> {
    let query = format!("query($f: {filter_type}, $o: {order_type}, $after: String) {{ {list}(filter: $f, orderBy: $o, first: 100, after: $after) {{
        pageInfo {{ hasNextPage endCursor }} nodes {{ {fields} }} }} }}");
    let (mut out, mut after) = (Vec::new(), Value::Null);
    loop {
        let data = app
            .data_as(
                token,
                &query,
                json!({ "f": filter, "o": order, "after": after }),
            )
            .await;
        out.extend(data[list]["nodes"].as_array().unwrap().iter().cloned());
        if data[list]["pageInfo"]["hasNextPage"] != true {
            return out;
        }
        after = data[list]["pageInfo"]["endCursor"].clone();
    }
}

/// An XLSX cell as the CSV writes it: whole numbers without a fraction, dates as ISO
/// 8601 days, times (which have a time of day) as UTC instants to the millisecond.
fn xlsx_text(cell: &calamine::Data) -> String {
    match cell {
        calamine::Data::Empty => String::new(),
        calamine::Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        calamine::Data::DateTime(at) => {
            // Excel's serial days count from 1899-12-30 (for dates after February 1900).
            let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap();
            let millis = (at.as_f64() * 86_400_000.0).round() as i64;
            let moment = epoch + chrono::Duration::milliseconds(millis);
            if millis % 86_400_000 == 0 {
                moment.date().to_string()
            } else {
                moment
                    .and_utc()
                    .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
            }
        }
        other => other.to_string(),
    }
}

on_both! {
    async fn a_csv_export_holds_what_the_list_holds_for_the_caller(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let filter = json!({ "startDate": { "from": "2000-01-01" } });
        let order = json!({ "field": "TITLE", "direction": "DESC" });
        let params = [("filter", filter.to_string()), ("orderBy", order.to_string())];
        let outsider = {
            let bangkok = app.organisation("Bangkok Technical College").await;
            app.consortium_of_its_own(bangkok).await;
            app.token(Role::Viewer, Some(bangkok)).await
        };
        let mut seen = Vec::new();
        for token in [None, Some(outsider.as_str()), Some(w.editor_b.as_str()), Some(w.coordinator.as_str())] {
            let listed = all_nodes(app, token, ("events", "EventFilter", "EventOrder"), (&filter, &order),
                "id title kind startDate visibility owner { id nameEn }").await;
            let rows = csv_rows(app, token, "events", &params).await;
            let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str()).collect();
            assert_eq!(ids, listed.iter().map(|n| n["id"].as_str().unwrap()).collect::<Vec<_>>());
            for (row, node) in rows.iter().zip(&listed) {
                assert_eq!(row["title"], node["title"].as_str().unwrap());
                assert_eq!(row["kind"], node["kind"].as_str().unwrap());
                assert_eq!(row["startDate"], node["startDate"].as_str().unwrap());
                assert_eq!(row["visibility"], node["visibility"].as_str().unwrap());
                assert_eq!(row["owner"], node["owner"]["nameEn"].as_str().unwrap());
                assert_eq!(row["ownerId"], node["owner"]["id"].as_str().unwrap());
            }
            seen.push(rows.len());
        }
        // Anonymous and another consortium's member see the public events; Beta also its
        // consortium's and its own private one; the coordinator everything.
        assert_eq!(seen, [2, 2, 4, 4]);
        let titles: Vec<String> = csv_rows(app, Some(&w.editor_b), "events", &params).await.into_iter().map(|r| r["title"].clone()).collect();
        assert!(titles.contains(&"Private planning meeting".to_owned()));
        assert!(!csv_rows(app, None, "events", &params).await.iter().any(|r| r["title"] == "Private planning meeting"));
    }

    async fn exports_page_through_long_lists(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        service::synthetic::load(&app.db.connection, 0.02, 7).await.unwrap();
        let member = app.organisation("Member University 000").await;
        let editor = app.token(Role::Editor, Some(member)).await;
        for token in [None, Some(editor.as_str())] {
            let listed = all_nodes(&app, token, ("events", "EventFilter", "EventOrder"), (&json!(null),
                &json!({ "field": "START_DATE", "direction": "DESC" })), "id").await;
            assert!(listed.len() > 250, "several export pages: {}", listed.len());
            let rows = csv_rows(&app, token, "events", &[("orderBy", json!({ "field": "START_DATE", "direction": "DESC" }).to_string())]).await;
            let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str()).collect();
            assert_eq!(ids, nodes(&json!({ "nodes": listed }), "id"));
        }
    }

    async fn csv_and_xlsx_keep_chinese_names_and_the_same_rows(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let filter = json!({ "countries": ["CN"] });
        let params = [("filter", filter.to_string())];
        let rows = csv_rows(&app, None, "organisations", &params).await;
        let sustech = rows.iter().find(|r| r["abbreviation"] == "SUSTech").unwrap();
        assert_eq!(sustech["nameZh"], "南方科技大学");
        let listed = all_nodes(&app, None, ("organisations", "OrganisationFilter", "OrganisationOrder"), (&filter, &json!(null)), "id nameEn nameZh").await;
        assert_eq!(rows.iter().map(|r| r["id"].clone()).collect::<Vec<_>>(), nodes(&json!({ "nodes": listed }), "id"));

        let (status, kind, body) = get(&app, None, "organisations.xlsx", &params).await;
        assert_eq!(status, 200);
        assert_eq!(kind, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        use calamine::Reader;
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(body)).unwrap();
        let sheet = book.worksheet_range_at(0).unwrap().unwrap();
        let cells: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(xlsx_text).collect()).collect();
        // Times are real dates (Excel serial numbers with a date format), not text.
        let created = cells[0].iter().position(|c| c == "createdAt").unwrap();
        assert!(matches!(sheet.rows().nth(1).unwrap()[created], calamine::Data::DateTime(_)));
        let header: Vec<String> = cells[0].clone();
        assert_eq!(header[..4], ["id", "kind", "nameEn", "nameZh"]);
        assert_eq!(cells.len() - 1, rows.len());
        for (row, csv) in cells[1..].iter().zip(&rows) {
            for (column, value) in header.iter().zip(row) {
                assert_eq!(value, &csv[column], "{column}");
            }
        }

        // Consortia, ordered by a direction only, keep their Chinese names too.
        let consortia = csv_rows(&app, None, "consortia", &[("orderBy", "\"DESC\"".to_owned())]).await;
        let listed = app.data("{ consortia(orderBy: DESC) { nodes { id nameZh coordinator { nameEn } } } }", json!({})).await;
        assert_eq!(consortia.iter().map(|r| r["id"].clone()).collect::<Vec<_>>(), nodes(&listed["consortia"], "id"));
        assert_eq!(consortia.iter().map(|r| r["nameZh"].clone()).collect::<Vec<_>>(), nodes(&listed["consortia"], "nameZh"));
        assert!(consortia.iter().any(|r| r["nameZh"].chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))));

        // The demo's partnerships export with their partners' names.
        let partners = csv_rows(&app, None, "partnerships", &[("filter", json!({ "partnerCountries": ["DE"] }).to_string())]).await;
        assert_eq!(partners.len(), 1);
        assert_eq!((partners[0]["member"].as_str(), partners[0]["partner"].as_str(), partners[0]["kind"].as_str()),
            ("Shanghai Polytechnic University", "TechProtect GmbH", "INDUSTRY"));
    }

    async fn bad_export_requests_are_refused_with_graphql_codes(backend: Backend) {
        let app = TestApp::with_fixture(backend, CATALOGUE).await;
        let refused = |file: &'static str, params: Vec<(&'static str, String)>| {
            let app = &app;
            async move {
                let (status, _, body) = get(app, None, file, &params).await;
                let body: Value = serde_json::from_slice(&body).unwrap();
                let error = &body["errors"][0]["extensions"];
                (status, error["code"].as_str().unwrap_or_default().to_owned(), error["field"].as_str().map(str::to_owned))
            }
        };
        let bad = |field: &str| (400, "BAD_USER_INPUT".to_owned(), Some(field.to_owned()));
        assert_eq!(refused("events.csv", vec![("filter", "{not json".into())]).await, bad("filter"));
        assert_eq!(refused("events.csv", vec![("filter", r#"{"kinds": ["PICNIC"]}"#.into())]).await, bad("filter"));
        assert_eq!(refused("events.xlsx", vec![("filter", r#"{"startDate": {"from": "2024-02-01", "to": "2024-01-01"}}"#.into())]).await, bad("filter.startDate"));
        assert_eq!(refused("partnerships.csv", vec![("filter", r#"{"partnerCountries": ["XYZ"]}"#.into())]).await, bad("filter.partnerCountries"));
        assert_eq!(refused("events.csv", vec![("orderBy", r#"{"field": "NOPE"}"#.into())]).await, bad("orderBy"));
        assert_eq!(refused("events.csv", vec![("orderby", "{}".into())]).await, bad("orderby"));
        assert_eq!(refused("tokens.csv", vec![]).await, (404, "NOT_FOUND".to_owned(), None));
        assert_eq!(refused("events.pdf", vec![]).await, (404, "NOT_FOUND".to_owned(), None));
        // A bad token is refused before anything is read, as for GraphQL.
        let (status, _, _) = get(&app, Some("cct_not_a_token"), "events.csv", &[]).await;
        assert_eq!(status, 401);
    }
}
