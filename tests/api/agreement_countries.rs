//! The search by partner country reads `agreement_country`, which database triggers
//! keep. Every write that moves an agreement in or out of a country's results (its
//! parties, its own read columns, a party's country, a merge) is made over HTTP; after
//! each, the table must equal what the parties say, and the search must answer from it.
use crate::helpers::{Backend, CATALOGUE, TestApp, assert_in_step, gid, nodes, on_both};
use serde_json::{Value, json};
use service::entity::enums::Role;

/// Titles of the agreements `token` finds with a party in `country`.
async fn search(app: &TestApp, token: Option<&str>, country: &str, extra: Value) -> Vec<String> {
    let mut filter = json!({ "partyCountries": [country] });
    filter
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let data = app
        .data_as(
            token,
            "query($f: AgreementFilter) { agreements(filter: $f, first: 50) { totalCount nodes { title } } }",
            json!({ "f": filter }),
        )
        .await;
    let titles = nodes(&data["agreements"], "title");
    assert_eq!(data["agreements"]["totalCount"], titles.len());
    titles
}

async fn version(app: &TestApp, token: &str, id: &str) -> i64 {
    let data = app
        .data_as(
            Some(token),
            "query($id: ID!) { node(id: $id) { ... on Agreement { version } ... on Organisation { version } } }",
            json!({ "id": id }),
        )
        .await;
    data["node"]["version"].as_i64().unwrap()
}

on_both! {
    async fn every_write_keeps_the_country_search_in_step(backend: Backend) {
        let app = TestApp::with_fixture(backend, CATALOGUE).await;
        assert_in_step(&app, "loading the fixture").await;
        let alpha = app.organisation("Alpha Polytechnic").await;
        let editor = app.token(Role::Editor, Some(alpha)).await;
        let coordinator = app.token(Role::Coordinator, None).await;
        let org = |name: &str| {
            let app = &app;
            let name = name.to_owned();
            async move { gid("Organisation", app.organisation(&name).await) }
        };
        let (addis, harbour, werkstatt) = (org("Addis Polytechnic").await, org("Harbour Institute").await, org("Werkstatt GmbH").await);
        assert_eq!(search(&app, None, "TH", json!({ "statuses": ["IN_EFFECT"] })).await, ["Alpha and Bangkok MoU (renewed)"]);
        assert!(search(&app, None, "ET", json!({})).await.is_empty());

        let title = "Addis dual training";
        let created = app.data_as(Some(&editor), "mutation($i: CreateAgreementInput!) { createAgreement(input: $i) { agreement { id } } }",
            json!({ "i": { "kind": "JOINT_TRAINING", "status": "IN_EFFECT", "visibility": "PUBLIC", "title": title,
                "parties": [{ "organisation": gid("Organisation", alpha) }, { "organisation": addis }] } })).await;
        let id = created["createAgreement"]["agreement"]["id"].as_str().unwrap().to_owned();
        assert_in_step(&app, "createAgreement").await;
        assert_eq!(search(&app, None, "ET", json!({ "statuses": ["IN_EFFECT"] })).await, [title]);
        assert!(search(&app, None, "ET", json!({ "statuses": ["EXPIRED"] })).await.is_empty());

        // Its own read columns: private to Alpha.
        let update = "mutation($i: UpdateAgreementInput!) { updateAgreement(input: $i) { agreement { version } } }";
        app.data_as(Some(&editor), update, json!({ "i": { "id": id, "expectedVersion": version(&app, &editor, &id).await, "visibility": "PRIVATE" } })).await;
        assert_in_step(&app, "updateAgreement").await;
        assert!(search(&app, None, "ET", json!({})).await.is_empty(), "no longer public");
        assert_eq!(search(&app, Some(&editor), "ET", json!({})).await, [title], "its owner still finds it");

        // Parties added and removed.
        app.data_as(Some(&editor), "mutation($i: AddAgreementPartyInput!) { addAgreementParty(input: $i) { agreement { version } } }",
            json!({ "i": { "id": id, "expectedVersion": version(&app, &editor, &id).await, "party": { "organisation": harbour } } })).await;
        assert_in_step(&app, "addAgreementParty").await;
        assert_eq!(search(&app, Some(&editor), "HK", json!({})).await, [title]);
        app.data_as(Some(&editor), "mutation($i: RemoveAgreementPartyInput!) { removeAgreementParty(input: $i) { agreement { version } } }",
            json!({ "i": { "id": id, "expectedVersion": version(&app, &editor, &id).await, "organisation": addis } })).await;
        assert_in_step(&app, "removeAgreementParty").await;
        assert!(search(&app, Some(&editor), "ET", json!({})).await.is_empty());

        // A party moves country.
        app.data_as(Some(&coordinator), "mutation($i: UpdateOrganisationInput!) { updateOrganisation(input: $i) { organisation { version } } }",
            json!({ "i": { "id": harbour, "expectedVersion": version(&app, &coordinator, &harbour).await, "country": "SG" } })).await;
        assert_in_step(&app, "updateOrganisation").await;
        assert!(search(&app, Some(&editor), "HK", json!({})).await.is_empty());
        assert_eq!(search(&app, Some(&editor), "SG", json!({})).await, [title]);

        // Archived: out of the live search, in the archived one.
        app.data_as(Some(&editor), "mutation($i: ArchiveAgreementInput!) { archiveAgreement(input: $i) { agreement { version } } }",
            json!({ "i": { "id": id, "expectedVersion": version(&app, &editor, &id).await } })).await;
        assert_in_step(&app, "archiveAgreement").await;
        assert!(search(&app, Some(&editor), "SG", json!({})).await.is_empty());
        assert_eq!(search(&app, Some(&editor), "SG", json!({ "archived": true })).await, [title]);
        assert!(search(&app, None, "SG", json!({ "archived": true })).await.is_empty(), "anonymous never reads archived records");

        // A merge repoints the parties: the duplicate's agreements are found by the survivor's country.
        let before = search(&app, Some(&coordinator), "DE", json!({ "archived": true })).await;
        assert!(!before.contains(&title.to_owned()));
        app.data_as(Some(&coordinator), "mutation($i: MergeOrganisationsInput!) { mergeOrganisations(input: $i) { organisation { id } } }",
            json!({ "i": { "survivor": werkstatt, "duplicate": harbour } })).await;
        assert_in_step(&app, "mergeOrganisations").await;
        assert!(search(&app, Some(&coordinator), "DE", json!({ "archived": true })).await.contains(&title.to_owned()));
        assert!(search(&app, Some(&coordinator), "SG", json!({ "archived": true })).await.is_empty());
    }
}

on_both! {
    async fn the_search_table_rolls_back_and_is_rebuilt_from_the_parties(backend: Backend) {
        use migration::{Migrator, MigratorTrait};
        use sea_orm::ConnectionTrait;
        let app = TestApp::with_fixture(backend, CATALOGUE).await;
        let db = &app.db.connection;
        // Back to just before the migration that made the table, with those after it.
        let steps = Migrator::migrations()
            .iter()
            .rev()
            .position(|m| m.name() == "m0006_agreement_countries")
            .unwrap()
            + 1;
        Migrator::down(db, Some(steps as u32)).await.unwrap();
        assert!(db.execute_unprepared("SELECT 1 FROM agreement_country").await.is_err(), "the table is gone");
        // Its triggers went with it: parties and organisations are written as before. In
        // plain SQL, which needs only the tables this schema has (the service's writes also
        // need the later migrations' tables: texts, search keys, the change feed).
        let now = "'2024-01-01T00:00:00+00:00'";
        for (name, country) in [("Rollback Owner University", "CN"), ("Rollback Partner University", "ET")] {
            db.execute_unprepared(&format!(
                "INSERT INTO organisation (kind, name_en, country_code, created_at, updated_at) \
                 VALUES ('university', '{name}', '{country}', {now}, {now})"
            ))
            .await
            .unwrap();
        }
        db.execute_unprepared(&format!(
            "INSERT INTO agreement (owner_id, visibility, kind, status, title, created_at, updated_at) \
             SELECT id, 'public', 'mou', 'in_effect', 'Written without the table', {now}, {now} \
             FROM organisation WHERE name_en = 'Rollback Owner University'"
        ))
        .await
        .unwrap();
        db.execute_unprepared(
            "INSERT INTO agreement_party (agreement_id, organisation_id, role) \
             SELECT a.id, o.id, 'party' FROM agreement a, organisation o \
             WHERE a.title = 'Written without the table' \
             AND o.name_en IN ('Rollback Owner University', 'Rollback Partner University')",
        )
        .await
        .unwrap();
        // Forward again: the table is filled from every agreement's parties, that one included.
        Migrator::up(db, None).await.unwrap();
        assert_in_step(&app, "rolling back and forward").await;
        assert_eq!(search(&app, None, "ET", json!({})).await, ["Written without the table"]);
    }
}
