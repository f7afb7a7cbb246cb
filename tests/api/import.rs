//! Imports (`POST /import/{kind}`, `concord import`): the fixture of about 200 partner
//! rows (tests/fixtures/import/partners.csv, made by make_partners.py beside it; its
//! `expect` column says what the dry run must report for each row) gives exactly that
//! report, from CSV and from XLSX alike; the real import refuses while bad rows remain,
//! then writes everything in one go with one audit entry per record and one for the
//! import; a second import changes nothing; visibility and tenancy hold. Also: GB18030
//! files, the CSV report, the command line, and `partnersOf` through partnerships and
//! units.
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use service::entity::enums::{
    OrganisationKind, PartnershipKind, PartnershipStatus, Role, Visibility,
};

use crate::helpers::{Backend, gid, on_both, run_concord, temp_dir, world};

const FIXTURE: &str = include_str!("../fixtures/import/partners.csv");

fn coordinator(app: &crate::helpers::TestApp) -> service::Scope {
    let cli = service::Principal::Coordinator {
        token_id: None,
        label: "test".into(),
    };
    service::Scope::new(app.db.connection.clone(), cli).on(app.db.today())
}

async fn org(
    scope: &service::Scope,
    name_en: &str,
    name_zh: Option<&str>,
    abbreviation: Option<&str>,
    country: Option<&str>,
    kind: OrganisationKind,
    ror: Option<&str>,
) -> i64 {
    scope
        .create_organisation(service::organisations::OrganisationInput {
            kind,
            parent: None,
            name_en: name_en.into(),
            name_zh: name_zh.map(Into::into),
            abbreviation: abbreviation.map(Into::into),
            country: country.map(Into::into),
            city: None,
            address: None,
            website: None,
            ror_id: ror.map(Into::into),
            source: None,
            names: Vec::new(),
            identifiers: Vec::new(),
            idempotency_key: None,
        })
        .await
        .unwrap_or_else(|e| panic!("{}", e.message()))
        .id
}

async fn partnership(
    scope: &service::Scope,
    owner: i64,
    partner: i64,
    kind: PartnershipKind,
    since: Option<&str>,
    visibility: Visibility,
    notes: Option<&str>,
) -> i64 {
    scope
        .create_partnership(service::partnerships::PartnershipInput {
            owner: Some(owner),
            visibility: Some(visibility),
            member: None,
            partner,
            kind,
            since: since.map(|s| s.parse().unwrap()),
            until: None,
            status: PartnershipStatus::Active,
            notes: notes.map(Into::into),
            source: None,
            idempotency_key: None,
        })
        .await
        .unwrap_or_else(|e| panic!("{}", e.message()))
        .id
}

/// Records of a CSV text (RFC 4180), without a byte-order mark.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let text = text.trim_start_matches('\u{feff}');
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
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

fn to_csv(rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    for row in rows {
        let fields: Vec<String> = row
            .iter()
            .map(|f| {
                if f.contains([',', '"', '\n']) {
                    format!("\"{}\"", f.replace('"', "\"\""))
                } else {
                    f.clone()
                }
            })
            .collect();
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

fn to_xlsx(rows: &[Vec<String>]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                sheet.write_string(r as u32, c as u16, cell).unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

/// POSTs a file to `/import/{kind}` with `query`; returns status and body (JSON, or
/// the CSV text as a JSON string).
async fn import(
    app: &crate::helpers::TestApp,
    token: Option<&str>,
    kind: &str,
    query: &str,
    body: Vec<u8>,
) -> (u16, Value) {
    let mut request = app
        .client
        .post(format!("{}/import/{kind}?{query}", app.base))
        .body(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, body)
}

async fn count(app: &crate::helpers::TestApp, sql: &str) -> i64 {
    let db = &app.db.connection;
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

/// What the dry run said of a row, in the fixture's `expect` notation.
fn outcome(row: &Value) -> String {
    let status = row["status"].as_str().unwrap();
    match status {
        "INVALID" => format!("INVALID {}", row["column"].as_str().unwrap()),
        "AMBIGUOUS" => "AMBIGUOUS".into(),
        _ => {
            let mut s = format!("{status}/{}", row["partner"]["status"].as_str().unwrap());
            if let Some(changes) = row["changes"].as_array() {
                let names: Vec<&str> = changes.iter().map(|c| c.as_str().unwrap()).collect();
                s.push(' ');
                s.push_str(&names.join(","));
            }
            s
        }
    }
}

on_both! {
    async fn a_partner_list_imports_exactly_as_reported(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let cc = coordinator(app);
        use OrganisationKind::*;
        org(&cc, "King's College London", Some("伦敦国王学院"), Some("KCL"), Some("GB"), University, Some("0220mzb33")).await;
        org(&cc, "Universidade de São Paulo", None, Some("USP"), Some("BR"), University, None).await;
        let hku = org(&cc, "The University of Hong Kong", Some("香港大学"), Some("HKU"), Some("HK"), University, None).await;
        let ruse = org(&cc, "University of Ruse", Some("鲁塞大学"), None, Some("BG"), University, None).await;
        let tech = org(&cc, "TechProtect GmbH", None, None, Some("DE"), Company, None).await;
        org(&cc, "Technische Universität München", None, Some("TUM"), Some("DE"), University, Some("https://ror.org/02kkvpp62")).await;
        let nit1 = org(&cc, "National Institute of Technology", None, None, None, University, None).await;
        let nit2 = org(&cc, "National Institute of Technology", None, None, Some("IN"), University, None).await;
        partnership(&cc, w.alpha, ruse, PartnershipKind::Academic, Some("2019-01-01"), Visibility::Public, None).await;
        let tech_p = partnership(&cc, w.alpha, tech, PartnershipKind::Industry, None, Visibility::Private, Some("Training")).await;

        let fixture = parse_csv(FIXTURE);
        let expected: Vec<String> = fixture[1..].iter().map(|r| r[0].clone()).collect();
        assert_eq!(expected.len(), 200);
        let mut rows: Vec<Vec<String>> = fixture.iter().map(|r| r[1..].to_vec()).collect();
        let csv = to_csv(&rows);
        let editor = Some(w.editor_a.as_str());

        // The dry run: exactly the expected outcome, row by row, and the totals.
        let (status, report) = import(app, editor, "partnerships", "dryRun=true&fileName=partners", csv.clone()).await;
        assert_eq!(status, 200, "{report:#}");
        let got: Vec<String> = report["rows"].as_array().unwrap().iter().map(outcome).collect();
        for (i, (g, e)) in got.iter().zip(&expected).enumerate() {
            assert_eq!(g, e, "line {}: {:#}", i + 2, report["rows"][i]);
        }
        assert_eq!(got.len(), expected.len());
        let lines: Vec<u64> = report["rows"].as_array().unwrap().iter().map(|r| r["line"].as_u64().unwrap()).collect();
        assert_eq!(lines, (2..=201).collect::<Vec<u64>>());
        assert_eq!(report["unknownColumns"], json!([]));
        let t = &report["totals"];
        assert_eq!((t["rows"].as_u64(), t["matched"].as_u64(), t["changed"].as_u64(), t["ambiguous"].as_u64(), t["invalid"].as_u64()),
                   (Some(200), Some(2), Some(1), Some(1), Some(6)));
        assert_eq!(t["new"].as_u64(), Some(191));
        let ambiguous = report["rows"].as_array().unwrap().iter().find(|r| r["status"] == "AMBIGUOUS").unwrap();
        let candidates: Vec<&str> = ambiguous["candidates"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
        assert_eq!(candidates, [gid("Organisation", nit1), gid("Organisation", nit2)]);
        let hku_line = rows[1..].iter().position(|r| r[1] == "香港大学").unwrap();
        let hku_row = &report["rows"][hku_line];
        assert_eq!(hku_row["partner"]["id"], json!(gid("Organisation", hku)));
        let tech_row = report["rows"].as_array().unwrap().iter().find(|r| r["changes"].is_array()).unwrap();
        assert_eq!(tech_row["id"], json!(gid("Partnership", tech_p)));

        // Matching reads the registry once: a dry run of 200 rows takes the statements
        // one of 20 takes.
        let statements = |body: Vec<u8>| async move {
            let before = app.db.statements();
            let (status, _) = import(app, editor, "partnerships", "dryRun=true", body).await;
            assert_eq!(status, 200);
            app.db.statements() - before
        };
        let few = statements(to_csv(&rows[..21])).await;
        assert_eq!(statements(csv.clone()).await, few);

        // XLSX of the same rows: the same report.
        let (status, from_xlsx) = import(app, editor, "partnerships", "dryRun=true&fileName=partners", to_xlsx(&rows)).await;
        assert_eq!(status, 200);
        assert_eq!(from_xlsx, report);

        // The CSV report: outcome columns, then the file's own.
        let (_, csv_report) = import(app, editor, "partnerships", "dryRun=true&format=csv", csv.clone()).await;
        let csv_report = parse_csv(csv_report.as_str().unwrap());
        assert_eq!(csv_report[0][..6], ["importStatus", "importId", "importCandidates", "importColumn", "importReason", "partner"]);
        assert_eq!(csv_report.len(), 201);
        let bad = csv_report.iter().find(|r| r[0] == "INVALID" && r[3] == "country").unwrap();
        assert!(bad[4].contains("Atlantis"), "{bad:?}");

        // A real import with bad rows writes nothing.
        let audit_before = count(app, "SELECT COUNT(*) FROM audit_entry").await;
        let partnerships_before = count(app, "SELECT COUNT(*) FROM partnership").await;
        let organisations_before = count(app, "SELECT COUNT(*) FROM organisation").await;
        let (status, refused) = import(app, editor, "partnerships", "fileName=partners.csv", csv.clone()).await;
        assert_eq!(status, 400);
        assert_eq!(refused["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        assert_eq!(refused["committed"], false);
        assert_eq!(refused["rows"], report["rows"]);
        assert_eq!(count(app, "SELECT COUNT(*) FROM audit_entry").await, audit_before);
        assert_eq!(count(app, "SELECT COUNT(*) FROM partnership").await, partnerships_before);
        assert_eq!(count(app, "SELECT COUNT(*) FROM organisation").await, organisations_before);

        // Fixed in the file (the ambiguous row by a partnerId), it imports.
        let header = rows[0].clone();
        let col = |name: &str| header.iter().position(|h| h == name).unwrap();
        let (partner, zh, country, partner_id, kind, since, status_c) =
            (col("partner"), col("中文名称"), col("国家或地区"), col("partnerId"), col("合作类型"), col("since"), col("status"));
        let mut fixed = vec![rows[0].clone()];
        for (row, e) in rows[1..].iter().zip(&expected) {
            let mut row = row.clone();
            match e.as_str() {
                "AMBIGUOUS" => row[partner_id] = gid("Organisation", nit2),
                "INVALID country" => row[country] = "Greece".into(),
                "INVALID since" => row[since] = "2021-12-01".into(),
                "INVALID kind" => row[kind] = "ACADEMIC".into(),
                "INVALID until" => row[status_c] = "ENDED".into(),
                "INVALID partner" if row[zh].is_empty() => continue, // a second line for HKU
                "INVALID partner" => row[partner] = "Moumou Vocational College".into(),
                _ => {}
            }
            fixed.push(row);
        }
        rows = fixed;
        let fixed_csv = to_csv(&rows);
        let (status, done) = import(app, editor, "partnerships", "fileName=partners.csv", fixed_csv.clone()).await;
        assert_eq!(status, 200, "{done:#}");
        assert_eq!(done["committed"], true);
        let t = &done["totals"];
        assert_eq!((t["rows"].as_u64(), t["new"].as_u64(), t["changed"].as_u64(), t["unchanged"].as_u64()),
                   (Some(199), Some(197), Some(1), Some(1)));
        let new_partners: std::collections::BTreeSet<&str> = done["rows"].as_array().unwrap().iter()
            .filter(|r| r["partner"]["status"] == "NEW").map(|r| r["partner"]["id"].as_str().unwrap()).collect();
        // 197 new partnerships, 7 of them with a partner already in the registry, and
        // one new partner (the Shenzhen–Lyon centre) in two.
        assert_eq!(new_partners.len(), 197 - 7 - 1);
        assert_eq!(count(app, "SELECT COUNT(*) FROM organisation").await, organisations_before + new_partners.len() as i64);
        assert_eq!(count(app, "SELECT COUNT(*) FROM partnership").await, partnerships_before + 197);
        // One entry per record written (partners, partnerships, the changed one) and one
        // for the import.
        let audit_after = count(app, "SELECT COUNT(*) FROM audit_entry").await;
        assert_eq!(audit_after, audit_before + new_partners.len() as i64 + 197 + 1 + 1);
        assert_eq!(count(app, "SELECT COUNT(*) FROM audit_entry WHERE record_type = 'import' AND operation = 'importPartnerships'").await, 1);
        assert_eq!(count(app, &format!("SELECT COUNT(*) FROM change_entry WHERE record_type = 'partnership' AND record_id = {tech_p}")).await, 2);
        // Alpha's editor reads the import's entry in its audit log; Beta's editor does not.
        let q = r#"{ auditLog(filter: { operations: ["importPartnerships"] }) { nodes { recordType actor after } } }"#;
        let entries = app.data_as(editor, q, json!({})).await;
        let entry = &entries["auditLog"]["nodes"][0];
        assert_eq!(entry["recordType"], "Import");
        assert_eq!(entries["auditLog"]["nodes"].as_array().unwrap().len(), 1);
        let theirs = app.data_as(Some(&w.editor_b), q, json!({})).await;
        assert_eq!(theirs["auditLog"]["nodes"], json!([]));
        // Every new partner is found by search, and its Chinese name too.
        let found = app.data_as(editor, r#"{ organisations(filter: { search: "南特大学" }) { nodes { nameEn country { code } } } }"#, json!({})).await;
        assert_eq!(found["organisations"]["nodes"], json!([{ "nameEn": "University of Nantes", "country": { "code": "FR" } }]));

        // The same file again: nothing changes.
        let versions = "SELECT CAST(SUM(version) AS BIGINT) FROM partnership";
        let (v, o) = (count(app, versions).await, count(app, "SELECT CAST(SUM(version) AS BIGINT) FROM organisation").await);
        let (status, again) = import(app, editor, "partnerships", "fileName=partners.csv", fixed_csv.clone()).await;
        assert_eq!(status, 200, "{again:#}");
        let t = &again["totals"];
        assert_eq!((t["new"].as_u64(), t["changed"].as_u64(), t["unchanged"].as_u64()), (Some(0), Some(0), Some(199)));
        assert_eq!(count(app, "SELECT COUNT(*) FROM audit_entry").await, audit_after);
        assert_eq!(count(app, versions).await, v);
        assert_eq!(count(app, "SELECT CAST(SUM(version) AS BIGINT) FROM organisation").await, o);

        // Visibility: what Beta (a consortium peer) and anonymous see is what the rows said.
        let vis = col("visibility");
        let said = |v: &str| rows[1..].iter().filter(|r| r[vis] == v).count() as i64;
        let listed = |token: Option<String>| {
            let q = r#"query($m: ID!) { partnerships(filter: { members: [$m] }) { totalCount } }"#;
            let alpha = gid("Organisation", w.alpha);
            async move { app.data_as(token.as_deref(), q, json!({ "m": alpha })).await["partnerships"]["totalCount"].as_i64().unwrap() }
        };
        // Ruse (public) and TechProtect (private) were there before, and their rows keep them so.
        assert_eq!(listed(None).await, said("PUBLIC"));
        assert_eq!(listed(Some(w.editor_b.clone())).await, said("PUBLIC") + said("CONSORTIUM"));
        assert_eq!(listed(Some(w.editor_a.clone())).await, 2 + 197);

        // Tenancy: Beta cannot name Alpha's private partnership by its id.
        let private = count(app, &format!("SELECT MIN(id) FROM partnership WHERE visibility = 'private' AND owner_id = {}", w.alpha)).await;
        let probe = format!("id,partner\r\n{},Whatever\r\n", gid("Partnership", private));
        let (_, r) = import(app, Some(&w.editor_b), "partnerships", "dryRun=true", probe.into_bytes()).await;
        assert_eq!(r["rows"][0]["status"], "INVALID");
        assert_eq!(r["rows"][0]["column"], "id");
        assert!(r["rows"][0]["reason"].as_str().unwrap().starts_with("no partnership has the id"));

        // Who may import.
        let (status, body) = import(app, None, "partnerships", "dryRun=true", fixed_csv.clone()).await;
        assert_eq!((status, body["errors"][0]["extensions"]["code"].as_str()), (401, Some("UNAUTHENTICATED")));
        let (status, body) = import(app, Some(&w.viewer_a), "partnerships", "dryRun=true", fixed_csv.clone()).await;
        assert_eq!((status, body["errors"][0]["extensions"]["code"].as_str()), (403, Some("FORBIDDEN")));
        let (status, _) = import(app, editor, "treaties", "dryRun=true", fixed_csv).await;
        assert_eq!(status, 404);
    }

    async fn organisations_from_gb18030_and_the_command_line(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        // Chinese headers, GB18030 bytes (as Excel saves "CSV" in a Chinese office), an
        // unknown column.
        let text = "英文名称,中文名称,国家或地区,类型,备注列\r\nShenzhen Polytechnic University,深圳职业技术大学,中国,大学,x\r\nHarbour Institute,海港学院,香港,,y\r\n";
        let (gb, _, _) = encoding_rs::GB18030.encode(text);
        let editor = Some(w.editor_a.as_str());
        let (status, report) = import(app, editor, "organisations", "dryRun=true", gb.to_vec()).await;
        assert_eq!(status, 200, "{report:#}");
        assert_eq!(report["unknownColumns"], json!(["备注列"]));
        assert_eq!(report["rows"][0]["status"], "NEW");
        // Harbour Institute is the coordinator's entry, which a member may not change.
        assert_eq!(report["rows"][1]["status"], "INVALID");
        assert_eq!(report["rows"][1]["column"], "nameZh");
        // Refused while the unknown column is there (its data would be lost).
        let (status, refused) = import(app, editor, "organisations", "", gb.to_vec()).await;
        assert_eq!(status, 400);
        assert_eq!(refused["committed"], false);
        // Without it, named as GB18030.
        let text = "英文名称,中文名称,国家或地区,类型\r\nShenzhen Polytechnic University,深圳职业技术大学,中国,大学\r\nHarbour Institute,海港学院,香港,\r\n";
        let (gb, _, _) = encoding_rs::GB18030.encode(text);
        let (_, report) = import(app, editor, "organisations", "dryRun=true&encoding=gb18030", gb.to_vec()).await;
        assert_eq!(report["unknownColumns"], json!([]));
        assert_eq!(report["rows"][0]["status"], "NEW");

        // The command line acts as the coordinator, who may change it; `--as` acts as a token.
        let dir = temp_dir("import");
        let file = dir.join("orgs.csv");
        std::fs::write(&file, &gb).unwrap();
        let url = app.url().to_owned();
        let path = file.to_str().unwrap().to_owned();
        let out = tokio::task::spawn_blocking(move || run_concord(&url, &["import", &path, "--kind", "organisations"])).await.unwrap();
        let report: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(report["committed"], true);
        assert_eq!(report["totals"]["new"], 1);
        assert_eq!(report["totals"]["changed"], 1);
        let found = app.data(r#"{ organisations(filter: { search: "海港学院" }) { nodes { nameEn } } }"#, json!({})).await;
        assert_eq!(found["organisations"]["nodes"], json!([{ "nameEn": "Harbour Institute" }]));
        let viewer = app.token(Role::Viewer, Some(w.alpha)).await;
        let url = app.url().to_owned();
        let path = file.to_str().unwrap().to_owned();
        let refused = tokio::task::spawn_blocking(move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_concord"))
                .args(["import", &path, "--kind", "organisations", "--as", &viewer])
                .env("DATABASE_URL", &url)
                .output()
                .unwrap()
        })
        .await
        .unwrap();
        assert!(!refused.status.success());
        assert!(String::from_utf8_lossy(&refused.stderr).contains("viewer"));
    }

    async fn partners_of_counts_partnerships_and_units(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let cc = coordinator(app);
        let office = app.organisation("Alpha International Office").await;
        let via_unit = org(&cc, "Unit Partner Ltd", None, None, Some("FR"), OrganisationKind::Company, None).await;
        let archived = org(&cc, "Former Partner", None, None, Some("FR"), OrganisationKind::Company, None).await;
        let private_b = org(&cc, "Beta Private Partner", None, None, Some("FR"), OrganisationKind::Company, None).await;
        // A unit's partnership counts for its parent; an archived one does not.
        let p = scope_partnership(&cc, w.alpha, office, via_unit).await;
        let _ = p;
        let gone = scope_partnership(&cc, w.alpha, w.alpha, archived).await;
        let version = count(app, &format!("SELECT CAST(version AS BIGINT) FROM partnership WHERE id = {gone}")).await as i32;
        cc.archive::<service::entity::partnership::Entity>(gone, version, true).await.unwrap();
        scope_partnership(&cc, w.beta, w.beta, private_b).await;
        let q = r#"query($o: ID!) { organisations(filter: { partnersOf: $o }, first: 100) { nodes { nameEn } } }"#;
        let names = |token: Option<String>, of: i64| async move {
            let data = app.data_as(token.as_deref(), q, json!({ "o": gid("Organisation", of) })).await;
            crate::helpers::nodes(&data["organisations"], "nameEn")
        };
        let alpha = names(Some(w.editor_a.clone()), w.alpha).await;
        assert!(alpha.contains(&"Unit Partner Ltd".to_owned()), "{alpha:?}");
        assert!(!alpha.contains(&"Former Partner".to_owned()));
        assert!(!alpha.contains(&"Alpha International Office".to_owned()));
        // Beta's private partnership: Beta sees its partner, Alpha does not.
        assert!(names(Some(w.editor_b.clone()), w.beta).await.contains(&"Beta Private Partner".to_owned()));
        assert!(!names(Some(w.editor_a.clone()), w.beta).await.contains(&"Beta Private Partner".to_owned()));
    }
}

on_both! {
    async fn an_import_costs_the_same_statements_at_n_and_4n_rows(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let editor = Some(w.editor_a.as_str());
        // New partners and partnerships (the write that was ~13 statements a row), a
        // second import of the same file (nothing to write), and an organisations file.
        let partners = |from: usize, n: usize| {
            let mut csv = String::from("partner,partnerNameZh,country,kind,since,visibility\n");
            for i in from..from + n {
                let kind = if i % 3 == 0 { "INDUSTRY" } else { "ACADEMIC" };
                csv.push_str(&format!("Statement Partner {i},合作机构{i},DE,{kind},2020-01-01,CONSORTIUM\n"));
            }
            csv.into_bytes()
        };
        let organisations = |from: usize, n: usize| {
            let mut csv = String::from("nameEn,nameZh,country,kind,identifiers\n");
            for i in from..from + n {
                csv.push_str(&format!("Statement Institute {i},研究所{i},FR,UNIVERSITY,GRID:grid.{i}.5\n"));
            }
            csv.into_bytes()
        };
        let statements = |kind: &'static str, body: Vec<u8>| async move {
            let before = app.db.statements();
            let (status, report) = import(app, editor, kind, "", body).await;
            assert_eq!(status, 200, "{report:#}");
            assert_eq!(report["committed"], true);
            app.db.statements() - before
        };
        // Warm-up, so that nothing one-off (the token's first check) is counted.
        let (status, _) = import(app, editor, "partnerships", "dryRun=true", partners(0, 1)).await;
        assert_eq!(status, 200);
        const N: usize = 30;
        let small = statements("partnerships", partners(0, N)).await;
        let large = statements("partnerships", partners(N, 4 * N)).await;
        assert_eq!(small, large, "statements for {N} partnership rows: {small}, for {}: {large}", 4 * N);
        let again = statements("partnerships", partners(N, 4 * N)).await;
        assert!(again < large, "a second import ({again}) writes nothing");
        let small = statements("organisations", organisations(0, N)).await;
        let large = statements("organisations", organisations(N, 4 * N)).await;
        assert_eq!(small, large, "statements for {N} organisation rows: {small}, for {}: {large}", 4 * N);
        // Every record has its audit and change entries all the same.
        let partnerships = count(app, "SELECT COUNT(*) FROM partnership").await;
        let audited = count(app, "SELECT COUNT(*) FROM audit_entry WHERE operation = 'createPartnership'").await;
        let fed = count(app, "SELECT COUNT(*) FROM change_entry WHERE record_type = 'partnership' AND operation = 'create'").await;
        assert_eq!((audited, fed), (partnerships, partnerships));
        let created = count(app, "SELECT COUNT(*) FROM organisation WHERE name_en LIKE 'Statement %'").await;
        assert_eq!(created, 10 * N as i64);
        let identified = count(app, "SELECT COUNT(*) FROM organisation_identifier WHERE scheme = 'GRID'").await;
        assert_eq!(identified, 5 * N as i64);
        let audited = count(app, "SELECT COUNT(*) FROM audit_entry WHERE operation = 'createOrganisation' AND after LIKE '%Statement %'").await;
        let fed = count(app, "SELECT COUNT(*) FROM change_entry c JOIN organisation o ON o.id = c.record_id WHERE c.record_type = 'organisation' AND o.name_en LIKE 'Statement %'").await;
        assert_eq!((audited, fed), (created, created));
        // A file that repeats an identifier is refused at the repeating row, naming the
        // record the first one would be.
        let twice = "nameEn,identifiers\nTwin One,GRID:grid.twin\nTwin Two,GRID:grid.twin\n";
        let (status, refused) = import(app, editor, "organisations", "", twice.as_bytes().to_vec()).await;
        assert_eq!(status, 400, "{refused:#}");
        assert_eq!(refused["committed"], false);
        assert_eq!((&refused["rows"][1]["status"], &refused["rows"][1]["column"]), (&json!("INVALID"), &json!("identifiers")), "{refused:#}");
        assert_eq!(count(app, "SELECT COUNT(*) FROM organisation WHERE name_en LIKE 'Twin %'").await, 0);
    }
}

async fn scope_partnership(scope: &service::Scope, owner: i64, member: i64, partner: i64) -> i64 {
    scope
        .create_partnership(service::partnerships::PartnershipInput {
            owner: Some(owner),
            visibility: Some(Visibility::Private),
            member: Some(member),
            partner,
            kind: PartnershipKind::Industry,
            since: None,
            until: None,
            status: PartnershipStatus::Active,
            notes: None,
            source: None,
            idempotency_key: None,
        })
        .await
        .unwrap_or_else(|e| panic!("{}", e.message()))
        .id
}

const AGREEMENTS: &str = include_str!("../fixtures/import/agreements.csv");

/// What the dry run said of an agreement row, in the fixture's `expect` notation.
fn agreement_outcome(row: &Value) -> String {
    let status = row["status"].as_str().unwrap();
    match status {
        "INVALID" => format!("INVALID {}", row["column"].as_str().unwrap()),
        "AMBIGUOUS" => "AMBIGUOUS".into(),
        _ => {
            let partners: Vec<&str> = row["partners"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["status"].as_str().unwrap())
                .collect();
            let mut s = format!("{status}/{}", partners.join(","));
            if let Some(changes) = row["changes"].as_array() {
                let names: Vec<&str> = changes.iter().map(|c| c.as_str().unwrap()).collect();
                s.push(' ');
                s.push_str(&names.join(","));
            }
            s
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn agreement(
    scope: &service::Scope,
    owner: i64,
    partner: i64,
    title: &str,
    kind: service::entity::enums::AgreementKind,
    signed_on: &str,
    valid_to: Option<&str>,
    visibility: Visibility,
) -> i64 {
    use service::entity::enums::{AgreementStatus, PartyRole};
    let party = |organisation| service::agreements::PartyInput {
        organisation,
        role: PartyRole::Party,
    };
    scope
        .create_agreement(service::agreements::AgreementInput {
            owner: Some(owner),
            visibility: Some(visibility),
            kind,
            status: AgreementStatus::InEffect,
            title: title.into(),
            description: None,
            signed_on: Some(signed_on.parse().unwrap()),
            valid_from: None,
            valid_to: valid_to.map(|d| d.parse().unwrap()),
            signed_at: None,
            renewal_of: None,
            source: None,
            fields: Vec::new(),
            parties: vec![party(owner), party(partner)],
            people: Vec::new(),
            translations: Vec::new(),
            idempotency_key: None,
        })
        .await
        .unwrap_or_else(|e| panic!("{}", e.message()))
        .id
}

on_both! {
    async fn an_agreement_list_imports_exactly_as_reported(backend: Backend) {
        use service::entity::enums::AgreementKind;
        let w = world(backend).await;
        let app = &w.app;
        let cc = coordinator(app);
        use OrganisationKind::*;
        let ruse = org(&cc, "University of Ruse", Some("鲁塞大学"), None, Some("BG"), University, None).await;
        let tech = org(&cc, "TechProtect GmbH", None, None, Some("DE"), Company, None).await;
        org(&cc, "National Institute of Technology", None, None, None, University, None).await;
        org(&cc, "National Institute of Technology", None, None, Some("IN"), University, None).await;
        let mou = agreement(&cc, w.alpha, ruse, "MoU with University of Ruse", AgreementKind::Mou, "2023-05-05", Some("2099-12-31"), Visibility::Public).await;
        let exchange = agreement(&cc, w.alpha, ruse, "Exchange agreement with Ruse", AgreementKind::Exchange, "2021-09-01", None, Visibility::Private).await;

        let fixture = parse_csv(AGREEMENTS);
        let expected: Vec<String> = fixture[1..].iter().map(|r| r[0].clone()).collect();
        let rows: Vec<Vec<String>> = fixture.iter().map(|r| r[1..].to_vec()).collect();
        let csv = to_csv(&rows);
        let editor = Some(w.editor_a.as_str());

        // The dry run, row by row: English and Chinese headers and values alike.
        let (status, report) = import(app, editor, "agreements", "dryRun=true", csv.clone()).await;
        assert_eq!(status, 200, "{report:#}");
        assert_eq!(report["unknownColumns"], json!([]));
        let got: Vec<String> = report["rows"].as_array().unwrap().iter().map(agreement_outcome).collect();
        assert_eq!(got, expected, "{report:#}");
        let r = &report["rows"];
        assert_eq!(r[1]["id"], json!(gid("Agreement", mou)));
        assert_eq!(r[2]["id"], json!(gid("Agreement", exchange)));
        assert_eq!(r[0]["partners"][0]["id"], json!(gid("Organisation", tech)));
        assert_eq!(r[5]["candidates"].as_array().unwrap().len(), 2);
        assert!(r[6]["reason"].as_str().unwrap().contains("IN_EFFECT"), "{:#}", r[6]);
        assert!(r[9]["reason"].as_str().unwrap().contains("line 3"), "{:#}", r[9]);

        // A real import with bad rows writes nothing.
        let counts = || async {
            (
                count(app, "SELECT COUNT(*) FROM audit_entry").await,
                count(app, "SELECT COUNT(*) FROM agreement").await,
                count(app, "SELECT COUNT(*) FROM organisation").await,
                count(app, "SELECT COUNT(*) FROM agreement_party").await,
            )
        };
        let before = counts().await;
        let (status, refused) = import(app, editor, "agreements", "", csv.clone()).await;
        assert_eq!(status, 400);
        assert_eq!(refused["committed"], false);
        assert_eq!(counts().await, before);

        // Without them, it imports: 3 agreements, 1 partner organisation, 1 update.
        let good: Vec<Vec<String>> = rows[..6].to_vec();
        let (status, done) = import(app, editor, "agreements", "fileName=agreements.csv", to_csv(&good)).await;
        assert_eq!(status, 200, "{done:#}");
        assert_eq!(done["committed"], true);
        let after = counts().await;
        // audit: 3 creates, 1 organisation, 1 update, 1 import.
        assert_eq!(after.0 - before.0, 6);
        assert_eq!(after.1 - before.1, 3);
        assert_eq!(after.2 - before.2, 1);
        // parties: owner + partner (twice), owner + 2 partners.
        assert_eq!(after.3 - before.3, 7);
        let framework = done["rows"][4]["id"].as_str().unwrap().to_owned();
        let chile = done["rows"][3]["partners"][0]["id"].as_str().unwrap().to_owned();
        assert_eq!(done["rows"][4]["partners"][0]["id"].as_str().unwrap(), chile);
        let (_, read) = app
            .post_as(
                editor,
                "query($id: ID!) { node(id: $id) { ... on Agreement { title kind status parties { organisation { id } } } } }",
                json!({ "id": framework }),
            )
            .await;
        let node = &read["data"]["node"];
        assert_eq!(node["kind"], "FRAMEWORK", "{read:#}");
        assert_eq!(node["status"], "DRAFT");
        let parties: Vec<&str> = node["parties"].as_array().unwrap().iter().map(|p| p["organisation"]["id"].as_str().unwrap()).collect();
        assert_eq!(parties, [gid("Organisation", w.alpha), chile.clone(), gid("Organisation", tech)]);
        let visibility = count(app, &format!("SELECT COUNT(*) FROM agreement WHERE id = {exchange} AND visibility = 'consortium'")).await;
        assert_eq!(visibility, 1);

        // Importing it again changes nothing: every row MATCHED and unchanged.
        let (status, again) = import(app, editor, "agreements", "", to_csv(&good)).await;
        assert_eq!(status, 200, "{again:#}");
        assert_eq!(again["totals"]["matched"], 5);
        assert_eq!(again["totals"]["changed"], 0);
        assert_eq!(counts().await, after);

        // A member cannot import for another owner.
        let mut other = vec![[rows[0].clone(), vec!["owner".into()]].concat()];
        other.push([rows[1].clone(), vec!["Beta University".into()]].concat());
        let (status, refused) = import(app, editor, "agreements", "", to_csv(&other)).await;
        assert_eq!(status, 400, "{refused:#}");
        assert_eq!(refused["rows"][0]["status"], "INVALID");
        assert_eq!(refused["rows"][0]["column"], "owner");
        assert_eq!(counts().await, after);
        // Nor may another member match (or learn of) the first one's private records:
        // its row with the same key is NEW for it, owned by itself.
        let (status, theirs) = import(app, Some(w.editor_b.as_str()), "agreements", "dryRun=true", to_csv(&rows[..4])).await;
        assert_eq!(status, 200);
        assert_eq!(theirs["rows"][2]["status"], "NEW", "{theirs:#}");
        assert_eq!(theirs["rows"][2]["id"], Value::Null);
    }
}

const EVENTS: &str = include_str!("../fixtures/import/events.csv");

async fn event(
    scope: &service::Scope,
    owner: i64,
    host: i64,
    title: &str,
    start: &str,
    city: &str,
    visibility: Visibility,
) -> i64 {
    use service::entity::enums::{EventFormat, EventKind, EventOrganisationRole, EventStatus};
    scope
        .create_event(service::events::EventInput {
            owner: Some(owner),
            visibility: Some(visibility),
            kind: if title.contains("Forum") {
                EventKind::Forum
            } else {
                EventKind::Meeting
            },
            status: EventStatus::Held,
            format: EventFormat::Onsite,
            title: title.into(),
            theme: None,
            description: None,
            start_date: start.parse().unwrap(),
            end_date: None,
            venue: None,
            city: Some(city.into()),
            country: Some("CN".into()),
            source: None,
            organisations: vec![service::events::EventOrganisationInput {
                organisation: host,
                role: EventOrganisationRole::Host,
            }],
            participants: Vec::new(),
            presentations: Vec::new(),
            outcomes: Vec::new(),
            translations: Vec::new(),
            idempotency_key: None,
        })
        .await
        .unwrap_or_else(|e| panic!("{}", e.message()))
        .id
}

on_both! {
    async fn an_event_list_imports_exactly_as_reported(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let cc = coordinator(app);
        use OrganisationKind::*;
        let sustech = org(&cc, "Southern University of Science and Technology", Some("南方科技大学"), Some("SUSTech"), Some("CN"), University, None).await;
        org(&cc, "National Institute of Technology", None, None, None, University, None).await;
        org(&cc, "National Institute of Technology", None, None, Some("IN"), University, None).await;
        let review = event(&cc, w.alpha, sustech, "SUSTech year-end review", "2022-12-20", "Shenzhen", Visibility::Public).await;
        let forum = event(&cc, w.alpha, sustech, "Belt and Road Vocational Education Forum", "2023-11-02", "Guangzhou", Visibility::Private).await;

        let fixture = parse_csv(EVENTS);
        let expected: Vec<String> = fixture[1..].iter().map(|r| r[0].clone()).collect();
        let rows: Vec<Vec<String>> = fixture.iter().map(|r| r[1..].to_vec()).collect();
        let csv = to_csv(&rows);
        let editor = Some(w.editor_a.as_str());
        let outcome = |row: &Value| {
            let mut row = row.clone();
            if let Some(hosts) = row.get("hosts").cloned() {
                row["partners"] = hosts;
            }
            agreement_outcome(&row)
        };

        // The dry run, row by row, from CSV and from XLSX alike.
        let (status, report) = import(app, editor, "events", "dryRun=true", csv.clone()).await;
        assert_eq!(status, 200, "{report:#}");
        assert_eq!(report["unknownColumns"], json!([]));
        let got: Vec<String> = report["rows"].as_array().unwrap().iter().map(outcome).collect();
        assert_eq!(got, expected, "{report:#}");
        let r = &report["rows"];
        assert_eq!(r[1]["id"], json!(gid("Event", review)));
        assert_eq!(r[2]["id"], json!(gid("Event", forum)));
        assert_eq!(r[0]["hosts"][0]["id"], json!(gid("Organisation", sustech)));
        assert_eq!(r[5]["candidates"].as_array().unwrap().len(), 2);
        assert!(r[9]["reason"].as_str().unwrap().contains("line 3"), "{:#}", r[9]);
        let (_, from_xlsx) = import(app, editor, "events", "dryRun=true", to_xlsx(&rows)).await;
        assert_eq!(from_xlsx["rows"], report["rows"]);

        // A real import with bad rows writes nothing.
        let counts = || async {
            (
                count(app, "SELECT COUNT(*) FROM audit_entry").await,
                count(app, "SELECT COUNT(*) FROM event").await,
                count(app, "SELECT COUNT(*) FROM organisation").await,
                count(app, "SELECT COUNT(*) FROM event_organisation").await,
            )
        };
        let before = counts().await;
        let (status, refused) = import(app, editor, "events", "", csv.clone()).await;
        assert_eq!(status, 400);
        assert_eq!(refused["committed"], false);
        assert_eq!(counts().await, before);

        // Without them: 3 events, 1 host organisation, 1 update, and the import's entry.
        let good: Vec<Vec<String>> = rows[..6].to_vec();
        let (status, done) = import(app, editor, "events", "", to_csv(&good)).await;
        assert_eq!(status, 200, "{done:#}");
        let after = counts().await;
        assert_eq!(after.0 - before.0, 6);
        assert_eq!(after.1 - before.1, 3);
        assert_eq!(after.2 - before.2, 1);
        assert_eq!(after.3 - before.3, 4);
        let ruse = done["rows"][3]["hosts"][0]["id"].as_str().unwrap().to_owned();
        assert_eq!(done["rows"][4]["hosts"][0]["id"].as_str().unwrap(), ruse);
        let (_, read) = app
            .post_as(
                editor,
                "query($id: ID!) { node(id: $id) { ... on Event { kind status startDate country { code } organisations { role organisation { id country { code } } } } } }",
                json!({ "id": done["rows"][3]["id"] }),
            )
            .await;
        let node = &read["data"]["node"];
        assert_eq!((&node["kind"], &node["status"], &node["startDate"], &node["country"]["code"]), (&json!("PARTNERSHIP_WEEK"), &json!("PLANNED"), &json!("2099-04-10"), &json!("BG")), "{read:#}");
        assert_eq!(node["organisations"], json!([{ "role": "HOST", "organisation": { "id": ruse, "country": null } }]));
        assert_eq!(count(app, &format!("SELECT COUNT(*) FROM event WHERE id = {forum} AND city = 'Shenzhen'")).await, 1);

        // Importing it again changes nothing.
        let (status, again) = import(app, editor, "events", "", to_csv(&good)).await;
        assert_eq!(status, 200, "{again:#}");
        assert_eq!(again["totals"]["matched"], 5);
        assert_eq!(again["totals"]["changed"], 0);
        assert_eq!(counts().await, after);

        // A member cannot import for another owner.
        let other = vec![[rows[0].clone(), vec!["owner".into()]].concat(), [rows[1].clone(), vec![gid("Organisation", w.beta)]].concat()];
        let (status, refused) = import(app, editor, "events", "", to_csv(&other)).await;
        assert_eq!(status, 400, "{refused:#}");
        assert_eq!((&refused["rows"][0]["status"], &refused["rows"][0]["column"]), (&json!("INVALID"), &json!("owner")));
        assert_eq!(counts().await, after);
    }
}

async fn person(
    scope: &service::Scope,
    family: &str,
    given: Option<&str>,
    zh: Option<&str>,
) -> i64 {
    scope
        .create_person(service::people::PersonInput {
            family_name: family.into(),
            given_name: given.map(Into::into),
            name_zh: zh.map(Into::into),
            source: None,
            affiliations: Vec::new(),
            idempotency_key: None,
        })
        .await
        .unwrap_or_else(|e| panic!("{}", e.message()))
        .id
}

/// Each row's status and its people's, as `NEW/MATCHED,NEW`.
fn people_outcome(row: &Value) -> String {
    let people: Vec<&str> = row["people"]
        .as_array()
        .map(|p| p.iter().map(|p| p["status"].as_str().unwrap()).collect())
        .unwrap_or_default();
    format!("{}/{}", row["status"].as_str().unwrap(), people.join(","))
}

on_both! {
    async fn signatories_witnesses_and_participants_import(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let cc = coordinator(app);
        let editor = Some(w.editor_a.as_str());
        let ruse = org(&cc, "University of Ruse", Some("鲁塞大学"), None, Some("BG"), OrganisationKind::University, None).await;
        let jiang = person(&cc, "JIANG", Some("Hong"), Some("江红")).await;
        let li = [person(&cc, "LI", Some("Wei"), None).await, person(&cc, "LI", Some("Wei"), None).await];

        // Agreements: signatories (with whom they signed for) and witnesses, by name in
        // either order, Chinese name or id; a new name is a new person, created once.
        let agreements = format!(
            "title,kind,signedOn,partner,签署人,witnesses\n\
             MoU with Ruse,MOU,2023-05-05,University of Ruse,JIANG Hong (Alpha Polytechnic); Hristo Beloev (University of Ruse),Petar Petrov\n\
             Exchange with Ruse,EXCHANGE,2023-06-01,University of Ruse,江红,Beloev Hristo\n\
             Visiting scholars,EXCHANGE,2023-07-01,University of Ruse,{},\n\
             Visiting scholars II,EXCHANGE,2023-07-02,University of Ruse,LI Wei,\n\
             Handshake,EXCHANGE,2023-07-03,University of Ruse,JIANG Hong (Atlantis University),\n",
            gid("Person", li[0])
        );
        let (status, report) = import(app, editor, "agreements", "dryRun=true", agreements.clone().into_bytes()).await;
        assert_eq!(status, 200, "{report:#}");
        assert_eq!(report["unknownColumns"], json!([]));
        let got: Vec<String> = report["rows"].as_array().unwrap().iter().map(people_outcome).collect();
        assert_eq!(got, ["NEW/MATCHED,NEW,NEW", "NEW/MATCHED,NEW", "NEW/MATCHED", "AMBIGUOUS/", "INVALID/"], "{report:#}");
        let r = &report["rows"];
        assert_eq!(r[0]["people"][0]["id"], json!(gid("Person", jiang)));
        assert_eq!(r[1]["people"][0]["id"], json!(gid("Person", jiang)));
        assert_eq!(r[2]["people"][0]["id"], json!(gid("Person", li[0])));
        assert_eq!(r[3]["column"], "signatories");
        let candidates: Vec<&str> = r[3]["candidates"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
        assert_eq!(candidates, [gid("Person", li[0]), gid("Person", li[1])]);
        assert_eq!(r[4]["column"], "signatories");

        // The writable rows: two new people (Beloev once), the links, each person's
        // audit and change entries.
        let counts = || async {
            (
                count(app, "SELECT COUNT(*) FROM person").await,
                count(app, "SELECT COUNT(*) FROM agreement_person").await,
                count(app, "SELECT COUNT(*) FROM audit_entry").await,
                count(app, "SELECT COUNT(*) FROM change_entry WHERE record_type = 'person'").await,
            )
        };
        let before = counts().await;
        let good: String = agreements.lines().take(4).map(|l| format!("{l}\n")).collect();
        let (status, done) = import(app, editor, "agreements", "", good.clone().into_bytes()).await;
        assert_eq!(status, 200, "{done:#}");
        let after = counts().await;
        // people: Beloev, Petrov; links: 3 + 2 + 1; audit: 3 agreements, 2 people, the import.
        assert_eq!((after.0 - before.0, after.1 - before.1, after.2 - before.2, after.3 - before.3), (2, 6, 6, 2));
        let beloev = done["rows"][0]["people"][1]["id"].as_str().unwrap().to_owned();
        assert_eq!(done["rows"][1]["people"][1]["id"].as_str().unwrap(), beloev);
        let q = "query($id: ID!) { node(id: $id) { ... on Agreement { signatories { person { id familyName givenName } organisation { id } } witnesses { person { familyName givenName } } } } }";
        let (_, read) = app.post_as(editor, q, json!({ "id": done["rows"][0]["id"] })).await;
        let node = &read["data"]["node"];
        assert_eq!(node["signatories"], json!([
            { "person": { "id": gid("Person", jiang), "familyName": "JIANG", "givenName": "Hong" }, "organisation": { "id": gid("Organisation", w.alpha) } },
            { "person": { "id": beloev, "familyName": "Beloev", "givenName": "Hristo" }, "organisation": { "id": gid("Organisation", ruse) } },
        ]), "{read:#}");
        assert_eq!(node["witnesses"], json!([{ "person": { "familyName": "Petrov", "givenName": "Petar" } }]));
        // The new people are found by search, in either order of their names.
        let found = app.data_as(editor, r#"{ people(filter: { search: "Hristo Beloev" }) { nodes { id } } }"#, json!({})).await;
        assert_eq!(found["people"]["nodes"], json!([{ "id": beloev }]));

        // Again: nothing changes.
        let (status, again) = import(app, editor, "agreements", "", good.clone().into_bytes()).await;
        assert_eq!(status, 200, "{again:#}");
        assert_eq!((&again["totals"]["matched"], &again["totals"]["changed"]), (&json!(3), &json!(0)), "{again:#}");
        assert_eq!(counts().await, after);
        // A new witness replaces the witnesses only; the signatories stay.
        let changed = good.replace("江红,Beloev Hristo", "江红,Petrov Petar");
        let (status, done2) = import(app, editor, "agreements", "", changed.into_bytes()).await;
        assert_eq!(status, 200, "{done2:#}");
        assert_eq!(done2["rows"][1]["changes"], json!(["witnesses"]), "{done2:#}");
        let (_, read) = app.post_as(editor, "query($id: ID!) { node(id: $id) { ... on Agreement { signatories { person { id } } witnesses { person { familyName } } } } }", json!({ "id": done["rows"][1]["id"] })).await;
        assert_eq!(read["data"]["node"], json!({ "signatories": [{ "person": { "id": gid("Person", jiang) } }], "witnesses": [{ "person": { "familyName": "Petrov" } }] }), "{read:#}");

        // Events: participants in their roles (attendee when none is written).
        let events = "title,startDate,host,参会人员\n\
             Signing ceremony,2023-05-05,University of Ruse,主持：江红; speaker: Hristo Beloev (University of Ruse); Ivan Ivanov\n\
             Ruse delegation visit,2023-05-06,University of Ruse,JIANG Hong (Alpha Polytechnic); dancer: Ivan Ivanov\n";
        let (status, report) = import(app, editor, "events", "dryRun=true", events.as_bytes().to_vec()).await;
        assert_eq!(status, 200, "{report:#}");
        let got: Vec<String> = report["rows"].as_array().unwrap().iter().map(people_outcome).collect();
        assert_eq!(got, ["NEW/MATCHED,MATCHED,NEW", "INVALID/"], "{report:#}");
        assert_eq!(report["rows"][1]["column"], "participants");
        let good: String = events.lines().take(2).map(|l| format!("{l}\n")).collect();
        let before = counts().await;
        let (status, done) = import(app, editor, "events", "", good.clone().into_bytes()).await;
        assert_eq!(status, 200, "{done:#}");
        assert_eq!(counts().await.0 - before.0, 1);
        let q = "query($id: ID!) { node(id: $id) { ... on Event { participants { role person { id familyName } organisation { id } } } } }";
        let (_, read) = app.post_as(editor, q, json!({ "id": done["rows"][0]["id"] })).await;
        assert_eq!(read["data"]["node"]["participants"], json!([
            { "role": "PRESIDED", "person": { "id": gid("Person", jiang), "familyName": "JIANG" }, "organisation": null },
            { "role": "SPEAKER", "person": { "id": beloev, "familyName": "Beloev" }, "organisation": { "id": gid("Organisation", ruse) } },
            { "role": "ATTENDEE", "person": { "id": done["rows"][0]["people"][2]["id"], "familyName": "Ivanov" }, "organisation": null },
        ]), "{read:#}");
        let participants = count(app, "SELECT COUNT(*) FROM event_participant").await;
        let (status, again) = import(app, editor, "events", "", good.clone().into_bytes()).await;
        assert_eq!(status, 200, "{again:#}");
        assert_eq!((&again["totals"]["matched"], &again["totals"]["changed"]), (&json!(1), &json!(0)), "{again:#}");
        assert_eq!(count(app, "SELECT COUNT(*) FROM event_participant").await, participants);
    }
}
