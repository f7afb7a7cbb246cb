//! Agreement validity: the `validOn`, `validFrom` and `validTo` filters and orders, the
//! expiry watch, `effectiveStatus`/`lapsed` for an IN_EFFECT agreement past its end,
//! and the refusal to write such an agreement. Every agreement here has Addis
//! Polytechnic as a party (no fixture agreement does), so lists can be compared whole.
use crate::helpers::{Backend, CATALOGUE, TestApp, error, gid, key, nodes, on_both};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use service::entity::agreement;
use service::entity::enums::Role;

const CREATE: &str =
    "mutation($i: CreateAgreementInput!) { createAgreement(input: $i) { agreement { id } } }";
const UPDATE: &str = "mutation($i: UpdateAgreementInput!) { updateAgreement(input: $i) { agreement { version status } } }";

fn day(offset: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(offset)).to_string()
}

/// Titles of the agreements with Addis as a party that `token` lists with `filter`.
async fn titles(
    app: &TestApp,
    token: Option<&str>,
    addis: &str,
    filter: Value,
    order: Value,
) -> Vec<String> {
    let mut f = json!({ "parties": [addis] });
    f.as_object_mut()
        .unwrap()
        .extend(filter.as_object().unwrap().clone());
    let data = app
        .data_as(
            token,
            "query($f: AgreementFilter, $o: AgreementOrder) { agreements(filter: $f, orderBy: $o, first: 50) { totalCount nodes { title } } }",
            json!({ "f": f, "o": order }),
        )
        .await;
    let titles = nodes(&data["agreements"], "title");
    assert_eq!(data["agreements"]["totalCount"], titles.len());
    titles
}

async fn expiring(
    app: &TestApp,
    token: Option<&str>,
    days: i64,
    organisation: &str,
) -> Vec<String> {
    let data = app
        .data_as(
            token,
            "query($d: Int!, $o: ID) { expiringAgreements(withinDays: $d, organisation: $o) { totalCount nodes { title parties { organisation { nameEn } } signatories { title } } } }",
            json!({ "d": days, "o": organisation }),
        )
        .await;
    let titles = nodes(&data["expiringAgreements"], "title");
    assert_eq!(data["expiringAgreements"]["totalCount"], titles.len());
    titles
}

on_both! {
    async fn validity_filters_orders_and_expiry(backend: Backend) {
        let app = TestApp::with_fixture(backend, CATALOGUE).await;
        let alpha = app.organisation("Alpha Polytechnic").await;
        let editor = app.token(Role::Editor, Some(alpha)).await;
        let addis = gid("Organisation", app.organisation("Addis Polytechnic").await);
        let parties = json!([{ "organisation": gid("Organisation", alpha) }, { "organisation": addis }]);
        let create = |title: &str, status: &str, from: Option<String>, to: Option<String>, visibility: &str| {
            json!({ "i": { "kind": "MOU", "status": status, "visibility": visibility, "title": title,
                "validFrom": from, "validTo": to, "parties": parties } })
        };
        let s = |d: &str| Some(d.to_owned());

        // An IN_EFFECT agreement cannot be written with an end already past.
        let (status, body) = app.post_as(Some(&editor), CREATE,
            create("Lapsed on arrival", "IN_EFFECT", s("2000-01-01"), s("2001-12-31"), "PUBLIC")).await;
        assert!(status.is_success());
        assert_eq!(error(&body), ("BAD_USER_INPUT".to_owned(), Some("input.validTo".to_owned())), "{body}");
        assert!(titles(&app, Some(&editor), &addis, json!({}), json!(null)).await.is_empty(), "nothing half-written");

        for (title, status, from, to, vis) in [
            ("A old", "EXPIRED", s("2000-01-01"), s("2001-12-31"), "PUBLIC"),
            ("B ends soon", "IN_EFFECT", s("2020-01-01"), Some(day(10)), "PUBLIC"),
            ("C ends next year", "IN_EFFECT", s("2021-06-01"), Some(day(400)), "PUBLIC"),
            ("D open-ended", "IN_EFFECT", s("2022-01-01"), None, "PUBLIC"),
            ("E draft", "DRAFT", s("2020-01-01"), s("2099-01-01"), "PUBLIC"),
            ("F terminated", "TERMINATED", s("2020-01-01"), s("2099-01-01"), "PUBLIC"),
            ("G private soon", "IN_EFFECT", s("2023-01-01"), Some(day(20)), "PRIVATE"),
        ] {
            app.data_as(Some(&editor), CREATE, create(title, status, from, to, vis)).await;
        }
        let by_valid_to = json!({ "field": "VALID_TO" });

        // In effect on a date: by status (took effect, not ended early) and dates.
        assert_eq!(titles(&app, None, &addis, json!({ "validOn": "2001-06-01" }), json!(null)).await, ["A old"]);
        assert_eq!(titles(&app, None, &addis, json!({ "validOn": "2020-06-01" }), json!(null)).await, ["B ends soon"]);
        assert_eq!(titles(&app, None, &addis, json!({ "validOn": "2021-07-01" }), by_valid_to.clone()).await, ["B ends soon", "C ends next year"]);
        assert_eq!(titles(&app, None, &addis, json!({ "validOn": day(0) }), by_valid_to.clone()).await,
            ["B ends soon", "C ends next year", "D open-ended"], "open-ended last");
        assert_eq!(titles(&app, Some(&editor), &addis, json!({ "validOn": day(0) }), by_valid_to.clone()).await,
            ["B ends soon", "G private soon", "C ends next year", "D open-ended"]);
        assert!(titles(&app, None, &addis, json!({ "validOn": "1999-12-31" }), json!(null)).await.is_empty());

        // Ranges on either end, and the order by start.
        assert_eq!(titles(&app, None, &addis, json!({ "validTo": { "from": "2099-01-01" } }), by_valid_to.clone()).await, ["E draft", "F terminated"]);
        assert_eq!(titles(&app, None, &addis, json!({ "validFrom": { "to": "2019-12-31" } }), json!(null)).await, ["A old"]);
        assert_eq!(titles(&app, None, &addis, json!({ "validFrom": { "from": "2021-01-01", "to": "2022-12-31" } }), json!({ "field": "VALID_FROM" })).await,
            ["C ends next year", "D open-ended"]);
        assert_eq!(titles(&app, None, &addis, json!({}), json!({ "field": "VALID_FROM", "direction": "DESC" })).await,
            ["D open-ended", "C ends next year", "F terminated", "E draft", "B ends soon", "A old"], "ties by id, descending too");
        let (status, body) = app.post_as(None, "{ agreements(filter: { validTo: { from: \"2020-01-02\", to: \"2020-01-01\" } }) { totalCount } }", json!({})).await;
        assert!(status.is_success());
        assert_eq!(error(&body), ("BAD_USER_INPUT".to_owned(), Some("filter.validTo".to_owned())));

        // The expiry watch: in effect, ending within the window, soonest first, readable only.
        assert_eq!(expiring(&app, None, 30, &addis).await, ["B ends soon"]);
        assert_eq!(expiring(&app, Some(&editor), 30, &addis).await, ["B ends soon", "G private soon"]);
        assert_eq!(expiring(&app, Some(&editor), 800, &addis).await, ["B ends soon", "G private soon", "C ends next year"]);
        assert!(expiring(&app, None, 5, &addis).await.is_empty());
        let beta = gid("Organisation", app.organisation("Beta University").await);
        assert!(expiring(&app, Some(&editor), 800, &beta).await.is_empty(), "only the organisation's own");
        let (_, body) = app.post_as(None, "{ expiringAgreements(withinDays: -1) { totalCount } }", json!({})).await;
        assert_eq!(error(&body), ("BAD_USER_INPUT".to_owned(), Some("withinDays".to_owned())));
        let (_, body) = app.post_as(None, "{ expiringAgreements(withinDays: 5, organisation: \"nope\") { totalCount } }", json!({})).await;
        assert_eq!(error(&body).0, "BAD_USER_INPUT");
    }

    async fn a_lapsed_agreement_reads_expired_and_must_be_corrected(backend: Backend) {
        let app = TestApp::with_fixture(backend, CATALOGUE).await;
        let alpha = app.organisation("Alpha Polytechnic").await;
        let editor = app.token(Role::Editor, Some(alpha)).await;
        let addis = gid("Organisation", app.organisation("Addis Polytechnic").await);
        let created = app.data_as(Some(&editor), CREATE, json!({ "i": { "kind": "MOU", "status": "IN_EFFECT", "visibility": "PUBLIC",
            "title": "Lapsing", "validFrom": "2020-01-01", "validTo": day(30),
            "parties": [{ "organisation": gid("Organisation", alpha) }, { "organisation": addis }] } })).await;
        let id = created["createAgreement"]["agreement"]["id"].as_str().unwrap().to_owned();
        let read = |as_of: Option<&str>| {
            let (app, id) = (&app, id.clone());
            let as_of = as_of.map(str::to_owned);
            async move {
                app.data("query($id: ID!, $d: Date) { node(id: $id) { ... on Agreement { status effectiveStatus(asOf: $d) today: effectiveStatus lapsed version } } }",
                    json!({ "id": id, "d": as_of })).await["node"].clone()
            }
        };
        let fresh = read(None).await;
        assert_eq!((fresh["status"].as_str(), fresh["today"].as_str(), fresh["lapsed"].as_bool()), (Some("IN_EFFECT"), Some("IN_EFFECT"), Some(false)));

        // Time passes: the end date is now behind us (written directly, as the passing
        // of time would leave it; the API refuses to write it).
        agreement::Entity::update_many()
            .col_expr(agreement::Column::ValidTo, Expr::value(chrono::NaiveDate::from_ymd_opt(2023, 3, 31).unwrap()))
            .filter(agreement::Column::Id.eq(key(&id)))
            .exec(&app.db.connection)
            .await
            .unwrap();
        let lapsed = read(Some("2023-03-31")).await;
        assert_eq!(lapsed["status"], "IN_EFFECT", "the stored status is left as written");
        assert_eq!(lapsed["effectiveStatus"], "IN_EFFECT", "on its last day it was still in effect");
        assert_eq!(lapsed["today"], "EXPIRED");
        assert_eq!(lapsed["lapsed"], true);
        assert_eq!(read(Some("2023-04-01")).await["effectiveStatus"], "EXPIRED");
        assert!(expiring(&app, None, 3650, &addis).await.is_empty());
        let filter = json!({ "validOn": day(0), "parties": [addis] });
        let data = app.data("query($f: AgreementFilter) { agreements(filter: $f) { totalCount } }", json!({ "f": filter })).await;
        assert_eq!(data["agreements"]["totalCount"], 0, "not in effect today");

        // Any update that leaves it IN_EFFECT is refused on its end date; saying it
        // expired, or extending it, is accepted.
        let version = lapsed["version"].as_i64().unwrap();
        let (_, body) = app.post_as(Some(&editor), UPDATE, json!({ "i": { "id": id, "expectedVersion": version, "title": "Renamed" } })).await;
        assert_eq!(error(&body), ("BAD_USER_INPUT".to_owned(), Some("input.validTo".to_owned())), "{body}");
        let (_, body) = app.post_as(Some(&editor), UPDATE, json!({ "i": { "id": id, "expectedVersion": version, "validTo": "2024-01-01" } })).await;
        assert_eq!(error(&body), ("BAD_USER_INPUT".to_owned(), Some("input.validTo".to_owned())));
        assert_eq!(read(None).await["version"], version, "nothing written");
        let extended = app.data_as(Some(&editor), UPDATE, json!({ "i": { "id": id, "expectedVersion": version, "validTo": day(90) } })).await;
        assert_eq!(extended["updateAgreement"]["agreement"]["status"], "IN_EFFECT");
        let expired = app.data_as(Some(&editor), UPDATE, json!({ "i": { "id": id, "expectedVersion": version + 1, "status": "EXPIRED", "validTo": "2023-03-31" } })).await;
        assert_eq!(expired["updateAgreement"]["agreement"]["status"], "EXPIRED");
        let now = read(None).await;
        assert_eq!((now["today"].as_str(), now["lapsed"].as_bool()), (Some("EXPIRED"), Some(false)));
    }
}
