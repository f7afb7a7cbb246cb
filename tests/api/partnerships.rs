//! Partnerships: an owned record like the others. Create, update with its version,
//! archive and restore, audited; who reads which (the root list, `node(id)` and both
//! nested lists); filters; units rolled up; `effectiveStatus` past `until`; the demo's
//! SSPU partners; statements that do not grow with the page.
use crate::helpers::{Backend, TestApp, error, gid, nodes, on_both, world};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use service::entity::enums::Role;
use service::entity::partnership;

const CREATE: &str = "mutation($i: CreatePartnershipInput!) { createPartnership(input: $i) { partnership { id version } } }";
const UPDATE: &str = "mutation($i: UpdatePartnershipInput!) { updatePartnership(input: $i) { partnership { id version kind notes status } } }";
const ARCHIVE: &str = "mutation($i: ArchivePartnershipInput!) { archivePartnership(input: $i) { partnership { version archivedAt } } }";
const RESTORE: &str = "mutation($i: RestorePartnershipInput!) { restorePartnership(input: $i) { partnership { version archivedAt } } }";
const READ: &str = "query($id: ID!) { node(id: $id) { ... on Partnership { id kind since until status effectiveStatus lapsed notes visibility version
    member { nameEn } partner { nameEn country { code } } owner { nameEn } source { title } } } }";

fn day(offset: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(offset)).to_string()
}

async fn create(app: &TestApp, token: &str, input: Value) -> String {
    let data = app
        .data_as(Some(token), CREATE, json!({ "i": input }))
        .await;
    data["createPartnership"]["partnership"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The error (code, field) of a mutation that must fail.
async fn rejected(
    app: &TestApp,
    token: &str,
    mutation: &str,
    input: Value,
) -> (String, Option<String>) {
    let (_, body) = app
        .post_as(Some(token), mutation, json!({ "i": input }))
        .await;
    error(&body)
}

/// The notes of the partnerships `token` lists with `filter`, in order; the total count
/// is checked against them.
async fn listed(app: &TestApp, token: Option<&str>, filter: Value, order: Value) -> Vec<String> {
    let data = app
        .data_as(
            token,
            "query($f: PartnershipFilter, $o: PartnershipOrder) { partnerships(filter: $f, orderBy: $o, first: 50) { totalCount nodes { notes } } }",
            json!({ "f": filter, "o": order }),
        )
        .await;
    let notes = nodes(&data["partnerships"], "notes");
    assert_eq!(data["partnerships"]["totalCount"], notes.len());
    notes
}

on_both! {
    async fn partnerships_are_written_versioned_archived_and_audited(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let addis = gid("Organisation", app.organisation("Addis Polytechnic").await);
        let alpha = gid("Organisation", w.alpha);
        let source = app.data("{ sources(first: 1) { nodes { id title } } }", json!({})).await;
        let (source, title) = (source["sources"]["nodes"][0]["id"].clone(), source["sources"]["nodes"][0]["title"].clone());

        let id = create(app, &w.editor_a, json!({ "partner": addis, "kind": "ACADEMIC", "since": "2022-01-01",
            "visibility": "PUBLIC", "notes": "joint labs", "source": source })).await;
        let read = app.data(READ, json!({ "id": id })).await["node"].clone();
        assert_eq!(read, json!({ "id": id, "kind": "ACADEMIC", "since": "2022-01-01", "until": null, "status": "ACTIVE",
            "effectiveStatus": "ACTIVE", "lapsed": false, "notes": "joint labs", "visibility": "PUBLIC", "version": 1,
            "member": { "nameEn": "Alpha Polytechnic" }, "partner": { "nameEn": "Addis Polytechnic", "country": { "code": "ET" } },
            "owner": { "nameEn": "Alpha Polytechnic" }, "source": { "title": title } }));

        // Input that breaks a rule names its field.
        let bad = |input: Value| rejected(app, &w.editor_a, CREATE, input);
        assert_eq!(bad(json!({ "partner": addis, "kind": "ACADEMIC", "until": day(-1) })).await,
            ("BAD_USER_INPUT".into(), Some("input.until".into())), "ACTIVE but already ended");
        assert_eq!(bad(json!({ "partner": addis, "kind": "ACADEMIC", "status": "ENDED", "since": "2024-02-01", "until": "2024-01-01" })).await,
            ("BAD_USER_INPUT".into(), Some("input.until".into())), "ends before it starts");
        assert_eq!(bad(json!({ "partner": alpha, "kind": "ACADEMIC" })).await,
            ("BAD_USER_INPUT".into(), Some("input.partner".into())), "its own partner");
        assert_eq!(bad(json!({ "partner": gid("Organisation", 999_999), "kind": "ACADEMIC" })).await,
            ("BAD_USER_INPUT".into(), Some("input.partner".into())));
        let ended = create(app, &w.editor_a, json!({ "partner": addis, "kind": "OTHER", "status": "ENDED", "since": "2019-01-01",
            "until": "2020-01-01", "notes": "ended" })).await;
        assert_eq!(app.data_as(Some(&w.editor_a), READ, json!({ "id": ended })).await["node"]["status"], "ENDED");

        // Who may write: the owner's editors and the coordinator, with the current version.
        let change = |version: i64, notes: &str| json!({ "i": { "id": id, "expectedVersion": version, "notes": notes, "kind": "INDUSTRY" } });
        assert_eq!(app.outcome_as(None, UPDATE, change(1, "x")).await, "UNAUTHENTICATED");
        assert_eq!(app.outcome_as(Some(&w.viewer_a), UPDATE, change(1, "x")).await, "FORBIDDEN");
        assert_eq!(app.outcome_as(Some(&w.editor_b), UPDATE, change(1, "x")).await, "FORBIDDEN");
        assert_eq!(app.outcome_as(Some(&w.editor_b), CREATE, json!({ "i": { "owner": alpha, "partner": addis, "kind": "ACADEMIC" } })).await, "FORBIDDEN");
        let updated = app.data_as(Some(&w.editor_a), UPDATE, change(1, "joint labs and exchange")).await;
        assert_eq!(updated["updatePartnership"]["partnership"], json!({ "id": id, "version": 2, "kind": "INDUSTRY",
            "notes": "joint labs and exchange", "status": "ACTIVE" }));
        assert_eq!(app.outcome_as(Some(&w.editor_a), UPDATE, change(1, "stale")).await, "CONFLICT");
        let cleared = app.data_as(Some(&w.coordinator), UPDATE,
            json!({ "i": { "id": id, "expectedVersion": 2, "notes": null, "until": day(30) } })).await;
        assert_eq!(cleared["updatePartnership"]["partnership"]["notes"], Value::Null);
        let (_, body) = app.post_as(Some(&w.editor_a), UPDATE,
            json!({ "i": { "id": id, "expectedVersion": 3, "until": day(-2) } })).await;
        assert_eq!(error(&body), ("BAD_USER_INPUT".into(), Some("input.until".into())));

        // Archived: out of lists and hidden from others; the owner still reads it, and restores it.
        let archived = app.data_as(Some(&w.editor_a), ARCHIVE, json!({ "i": { "id": id, "expectedVersion": 3 } })).await;
        assert_eq!(archived["archivePartnership"]["partnership"]["version"], 4);
        assert_eq!(app.data(READ, json!({ "id": id })).await["node"], Value::Null);
        assert_eq!(listed(app, Some(&w.editor_b), json!({}), json!(null)).await, Vec::<String>::new());
        assert_eq!(listed(app, Some(&w.editor_a), json!({ "archived": true }), json!(null)).await, [""]);
        assert_eq!(app.outcome_as(Some(&w.editor_a), ARCHIVE, json!({ "i": { "id": id, "expectedVersion": 4 } })).await, "BAD_USER_INPUT", "already archived");
        assert_eq!(app.outcome_as(Some(&w.editor_a), RESTORE, json!({ "i": { "id": id, "expectedVersion": 3 } })).await, "CONFLICT");
        let restored = app.data_as(Some(&w.editor_a), RESTORE, json!({ "i": { "id": id, "expectedVersion": 4 } })).await;
        assert_eq!(restored["restorePartnership"]["partnership"], json!({ "version": 5, "archivedAt": null }));
        assert_eq!(app.data(READ, json!({ "id": id })).await["node"]["version"], 5);

        // Every write is in the audit log, in the API's terms.
        let log = app.data_as(Some(&w.coordinator),
            "query($f: AuditFilter) { auditLog(filter: $f, first: 20) { nodes { operation recordType recordId after changes { field } } } }",
            json!({ "f": { "record": id } })).await;
        let entries = log["auditLog"]["nodes"].as_array().unwrap();
        let mut operations: Vec<&str> = entries.iter().map(|e| e["operation"].as_str().unwrap()).collect();
        operations.sort();
        assert_eq!(operations, ["archivePartnership", "createPartnership", "restorePartnership", "updatePartnership", "updatePartnership"]);
        assert!(entries.iter().all(|e| e["recordType"] == "Partnership" && e["recordId"] == id.as_str()));
        let created = entries.iter().find(|e| e["operation"] == "createPartnership").unwrap();
        assert_eq!(created["after"]["member"], alpha.as_str());
        assert_eq!(created["after"]["partner"], addis.as_str());
        assert_eq!(created["after"]["kind"], "ACADEMIC");
    }

    async fn who_reads_which_partnership(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let addis = gid("Organisation", app.organisation("Addis Polytechnic").await);
        let alpha = gid("Organisation", w.alpha);
        // Bangkok is a member of a consortium of its own: it shares nothing with Alpha.
        let bangkok = app.organisation("Bangkok Technical College").await;
        app.consortium_of_its_own(bangkok).await;
        let outsider = app.token(Role::Editor, Some(bangkok)).await;
        let viewer_b = app.token(Role::Viewer, Some(w.beta)).await;
        let mut ids = Vec::new();
        for (vis, since) in [("PRIVATE", "2021-01-01"), ("CONSORTIUM", "2022-01-01"), ("PUBLIC", "2023-01-01")] {
            ids.push(create(app, &w.editor_a, json!({ "partner": addis, "kind": "ACADEMIC", "visibility": vis,
                "since": since, "notes": vis })).await);
        }
        let lists = "query($ids: [ID!]!, $alpha: ID!, $addis: ID!) {
            partnerships(first: 50) { totalCount nodes { notes } }
            nodes(ids: $ids) { ... on Partnership { notes } }
            alpha: node(id: $alpha) { ... on Organisation { partners(first: 50) { totalCount nodes { notes } } } }
            addis: node(id: $addis) { ... on Organisation { partnerOf(first: 50) { totalCount nodes { notes } } } } }";
        let cases: [(&str, Option<&str>, &[&str]); 6] = [
            ("anonymous", None, &["PUBLIC"]),
            ("a member of another consortium", Some(&outsider), &["PUBLIC"]),
            ("a consortium peer", Some(&w.editor_b), &["PUBLIC", "CONSORTIUM"]),
            ("a peer's viewer", Some(&viewer_b), &["PUBLIC", "CONSORTIUM"]),
            ("the owner", Some(&w.viewer_a), &["PUBLIC", "CONSORTIUM", "PRIVATE"]),
            ("the coordinator", Some(&w.coordinator), &["PUBLIC", "CONSORTIUM", "PRIVATE"]),
        ];
        for (who, token, expected) in cases {
            let data = app.data_as(token, lists, json!({ "ids": ids, "alpha": alpha, "addis": addis })).await;
            // Latest `since` first in the nested lists; the root list by `since` ascending.
            let mut root = nodes(&data["partnerships"], "notes");
            root.reverse();
            assert_eq!(root, expected, "{who}: partnerships");
            assert_eq!(data["partnerships"]["totalCount"], expected.len(), "{who}");
            assert_eq!(nodes(&data["alpha"]["partners"], "notes"), expected, "{who}: partners");
            assert_eq!(data["alpha"]["partners"]["totalCount"], expected.len(), "{who}");
            assert_eq!(nodes(&data["addis"]["partnerOf"], "notes"), expected, "{who}: partnerOf");
            assert_eq!(data["addis"]["partnerOf"]["totalCount"], expected.len(), "{who}");
            let by_id: Vec<bool> = data["nodes"].as_array().unwrap().iter().map(|n| !n.is_null()).collect();
            let visible: Vec<bool> = ["PRIVATE", "CONSORTIUM", "PUBLIC"].iter().map(|v| expected.contains(v)).collect();
            assert_eq!(by_id, visible, "{who}: node(id)");
            // A hidden partnership is exactly a missing one to write to.
            if let Some(token) = token && !expected.contains(&"PRIVATE") {
                let outcome = app.outcome_as(Some(token), UPDATE,
                    json!({ "i": { "id": ids[0], "expectedVersion": 1, "notes": "x" } })).await;
                assert_eq!(outcome, "NOT_FOUND", "{who}");
            }
        }
        // Filtering by a partner does not reveal hidden records either.
        assert_eq!(listed(app, None, json!({ "partners": [addis], "members": [alpha] }), json!(null)).await, ["PUBLIC"]);
    }

    async fn partnerships_filter_roll_up_units_and_lapse(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let org = |name: &'static str| async move { gid("Organisation", app.organisation(name).await) };
        let (alpha, office, addis, gmbh, hk) = (gid("Organisation", w.alpha), org("Alpha International Office").await,
            org("Addis Polytechnic").await, org("Werkstatt GmbH").await, org("Harbour Institute").await);
        let new = |member: &str, partner: &str, kind: &str, status: &str, since: &str, until: Option<&str>, notes: &str| json!({
            "member": member, "partner": partner, "kind": kind, "status": status, "since": since, "until": until,
            "notes": notes, "visibility": "PUBLIC" });
        create(app, &w.editor_a, new(&alpha, &addis, "ACADEMIC", "ACTIVE", "2020-01-01", None, "alpha-addis")).await;
        create(app, &w.editor_a, new(&alpha, &gmbh, "INDUSTRY", "ENDED", "2018-05-01", Some("2021-04-30"), "alpha-gmbh")).await;
        create(app, &w.editor_a, new(&office, &hk, "GOVERNMENT", "ACTIVE", "2023-03-01", Some(&day(400)), "office-hk")).await;
        let lapsing = create(app, &w.editor_a, new(&office, &gmbh, "OTHER", "ACTIVE", "2024-01-01", None, "office-gmbh")).await;
        let f = |filter: Value| async move { listed(app, None, filter, json!({ "field": "SINCE" })).await };

        assert_eq!(f(json!({})).await, ["alpha-gmbh", "alpha-addis", "office-hk", "office-gmbh"]);
        assert_eq!(f(json!({ "members": [alpha] })).await, ["alpha-gmbh", "alpha-addis"]);
        assert_eq!(f(json!({ "partners": [gmbh] })).await, ["alpha-gmbh", "office-gmbh"]);
        assert_eq!(f(json!({ "kinds": ["INDUSTRY", "GOVERNMENT"] })).await, ["alpha-gmbh", "office-hk"]);
        assert_eq!(f(json!({ "statuses": ["ENDED"] })).await, ["alpha-gmbh"]);
        assert_eq!(f(json!({ "partnerCountries": ["DE"] })).await, ["alpha-gmbh", "office-gmbh"]);
        assert_eq!(f(json!({ "partnerCountries": ["HK", "ET"], "members": [office] })).await, ["office-hk"]);
        assert_eq!(f(json!({ "activeOn": "2019-01-01" })).await, ["alpha-gmbh"]);
        assert_eq!(f(json!({ "activeOn": "2021-04-30" })).await, ["alpha-gmbh", "alpha-addis"]);
        assert_eq!(f(json!({ "activeOn": "2023-06-01" })).await, ["alpha-addis", "office-hk"]);
        assert_eq!(f(json!({ "since": { "from": "2020-01-01", "to": "2023-12-31" } })).await, ["alpha-addis", "office-hk"]);
        assert_eq!(f(json!({ "search": "HK" })).await, ["office-hk"]);
        assert_eq!(listed(app, None, json!({}), json!({ "field": "UNTIL", "direction": "DESC" })).await,
            ["office-hk", "alpha-gmbh", "office-gmbh", "alpha-addis"], "open ends last, then the later record first");
        let (_, body) = app.post_as(None, "{ partnerships(filter: { partnerCountries: [\"XYZ\"] }) { totalCount } }", json!(null)).await;
        assert_eq!(error(&body), ("BAD_USER_INPUT".into(), Some("filter.partnerCountries".into())));

        // The university's partners include its office's; `includeUnits: false` only its own.
        let partners = "query($id: ID!, $units: Boolean!) { node(id: $id) { ... on Organisation {
            partners(includeUnits: $units, first: 50) { totalCount nodes { notes } } } } }";
        let rolled = app.data(partners, json!({ "id": alpha, "units": true })).await;
        assert_eq!(nodes(&rolled["node"]["partners"], "notes"), ["office-gmbh", "office-hk", "alpha-addis", "alpha-gmbh"]);
        assert_eq!(rolled["node"]["partners"]["totalCount"], 4);
        let own = app.data(partners, json!({ "id": alpha, "units": false })).await;
        assert_eq!(nodes(&own["node"]["partners"], "notes"), ["alpha-addis", "alpha-gmbh"]);
        assert_eq!(own["node"]["partners"]["totalCount"], 2);
        let with = app.statements(partners, json!({ "id": alpha, "units": true })).await;
        let without = app.statements(partners, json!({ "id": alpha, "units": false })).await;
        assert_eq!(with, without, "the hierarchy is read inside the list's statement");

        // An ACTIVE partnership whose `until` has passed (written before the rule, say)
        // counts as ENDED from then on, and is not active after it; its status stays.
        let key = crate::helpers::key(&lapsing);
        partnership::Entity::update_many()
            .col_expr(partnership::Column::Until, Expr::value(chrono::NaiveDate::from_ymd_opt(2024, 6, 30).unwrap()))
            .filter(partnership::Column::Id.eq(key))
            .exec(&app.db.connection)
            .await
            .unwrap();
        let read = app.data("query($id: ID!) { node(id: $id) { ... on Partnership { status lapsed now: effectiveStatus
            before: effectiveStatus(asOf: \"2024-06-30\") after: effectiveStatus(asOf: \"2024-07-01\") } } }",
            json!({ "id": lapsing })).await;
        assert_eq!(read["node"], json!({ "status": "ACTIVE", "lapsed": true, "now": "ENDED", "before": "ACTIVE", "after": "ENDED" }));
        assert_eq!(f(json!({ "activeOn": "2024-06-30", "members": [office] })).await, ["office-hk", "office-gmbh"]);
        assert_eq!(f(json!({ "activeOn": "2024-07-01", "members": [office] })).await, ["office-hk"]);
    }

    async fn the_demo_lists_sspu_partners(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let sspu = gid("Organisation", app.organisation("Shanghai Polytechnic University").await);
        let data = app.data("query($id: ID!) { node(id: $id) { ... on Organisation {
            partners { totalCount nodes { kind since status partner { nameEn country { code } } source { title } } } } } }",
            json!({ "id": sspu })).await;
        let partners = &data["node"]["partners"];
        assert_eq!(partners["totalCount"], 2);
        let mut found: Vec<(String, String, String)> = partners["nodes"].as_array().unwrap().iter().map(|p| (
            p["partner"]["nameEn"].as_str().unwrap().to_owned(),
            p["partner"]["country"]["code"].as_str().unwrap().to_owned(),
            p["kind"].as_str().unwrap().to_owned())).collect();
        found.sort();
        assert_eq!(found, [("TechProtect GmbH".to_owned(), "DE".to_owned(), "INDUSTRY".to_owned()),
            ("University of Ruse".to_owned(), "BG".to_owned(), "ACADEMIC".to_owned())]);
        for p in partners["nodes"].as_array().unwrap() {
            assert_eq!(p["since"], "2024-03-27");
            assert_eq!(p["status"], "ACTIVE");
            assert_eq!(p["source"]["title"], "2024 SSPU Global Partnership Week Opens");
        }
    }

    // The partner-institutions figure counts a partner by partnership alone (no
    // agreement), once however many ways it is a partner, and only for callers who may
    // read the partnership; its drill-down lists exactly what it counts.
    async fn a_partnership_makes_a_partner_in_the_statistics(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let sspu_id = app.organisation("Shanghai Polytechnic University").await;
        let sspu = gid("Organisation", sspu_id);
        let kcl = gid("Organisation", app.organisation("King's College London").await);
        let ruse = gid("Organisation", app.organisation("University of Ruse").await);
        let q = "query($s: ID!) { statistics(subject: $s) { indicator(code: PARTNER_INSTITUTIONS) {
            value records(first: 50) { totalCount nodes { ... on Organisation { id } } } } } }";
        let figure = |token: Option<String>| {
            let app = &app;
            let sspu = sspu.clone();
            async move {
                let data = app.data_as(token.as_deref(), q, json!({ "s": sspu })).await;
                let f = data["statistics"]["indicator"].clone();
                let mut ids: Vec<String> = f["records"]["nodes"].as_array().unwrap().iter()
                    .map(|n| n["id"].as_str().unwrap().to_owned()).collect();
                ids.sort();
                assert_eq!(f["value"], f["records"]["totalCount"], "{f}");
                assert_eq!(f["value"].as_u64().unwrap() as usize, ids.len(), "{f}");
                ids
            }
        };
        let before = figure(None).await;
        assert!(before.contains(&ruse) && !before.contains(&kcl), "{before:?}");

        let editor = app.token(Role::Editor, Some(sspu_id)).await;
        // Ruse again, by partnership too: still one partner.
        create(&app, &editor, json!({ "member": sspu, "partner": ruse, "kind": "ACADEMIC", "status": "ACTIVE", "visibility": "PUBLIC" })).await;
        // King's College by a private partnership only.
        create(&app, &editor, json!({ "member": sspu, "partner": kcl, "kind": "ACADEMIC", "status": "ACTIVE", "visibility": "PRIVATE", "since": day(-10) })).await;
        // One that has not started yet counts for no one.
        let later = gid("Organisation", app.organisation("Tsinghua University").await);
        create(&app, &editor, json!({ "member": sspu, "partner": later, "kind": "ACADEMIC", "status": "ACTIVE", "visibility": "PUBLIC", "since": day(30) })).await;

        assert_eq!(figure(None).await, before, "anonymous: the private partnership is not counted");
        let mut with_kcl = before.clone();
        with_kcl.push(kcl.clone());
        with_kcl.sort();
        assert_eq!(figure(Some(editor.clone())).await, with_kcl, "the owner counts it");
        let coordinator = app.token(Role::Coordinator, None).await;
        assert_eq!(figure(Some(coordinator)).await, with_kcl);
    }

    async fn partnership_statements_do_not_grow_with_the_page(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let partners = ["Addis Polytechnic", "Werkstatt GmbH", "Harbour Institute", "Bangkok Technical College", "Beta University"];
        let mut ids = Vec::new();
        for name in partners {
            ids.push(gid("Organisation", app.organisation(name).await));
        }
        let source = app.data("{ sources(first: 1) { nodes { id } } }", json!({})).await["sources"]["nodes"][0]["id"].clone();
        for i in 0..30 {
            create(app, &w.editor_a, json!({ "partner": ids[i % ids.len()], "kind": "ACADEMIC", "visibility": "PUBLIC",
                "since": format!("20{:02}-01-01", i % 25), "source": source, "notes": format!("p{i}") })).await;
        }
        let root = "query($n: Int!) { partnerships(first: $n) { totalCount nodes { id kind member { nameEn } partner { nameEn country { nameEn } }
            owner { nameEn } source { title } } } }";
        let small = app.statements(root, json!({ "n": 2 })).await;
        let large = app.statements(root, json!({ "n": 30 })).await;
        assert_eq!(small, large, "root list");
        let nested = "query($n: Int!) { organisations(first: $n) { nodes { nameEn partners(first: $n) { totalCount nodes { partner { nameEn } } }
            partnerOf(first: $n) { totalCount nodes { member { nameEn } } } } } }";
        let small = app.statements(nested, json!({ "n": 2 })).await;
        let large = app.statements(nested, json!({ "n": 30 })).await;
        assert_eq!(small, large, "nested lists");
    }
}
