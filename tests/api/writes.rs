//! Members write their own records: mutations, validation, versions, idempotency,
//! confirmations, merges, the audit log and tokens, over HTTP on both databases.
use crate::helpers::{Backend, TestApp, error, gid, key, nodes, on_both, world};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use service::entity::enums::Role;

const CREATE_EVENT: &str = r#"mutation($input: CreateEventInput!) { createEvent(input: $input) {
    event { id version title owner { nameEn } visibility country { code }
            organisations { role organisation { nameEn } } participants { role title person { displayName } }
            presentations { title presenters { displayName } } outcomes { description } } } }"#;

const UPDATE_EVENT: &str = r#"mutation($input: UpdateEventInput!) { updateEvent(input: $input) { event { id version title status endDate theme } } }"#;

async fn person_id(app: &TestApp, family: &str) -> String {
    let data = app
        .data(
            "query($s: String) { people(filter: { search: $s }) { nodes { id } } }",
            json!({ "s": family }),
        )
        .await;
    data["people"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn count_events(app: &TestApp) -> u64 {
    service::entity::event::Entity::find()
        .count(&app.db.connection)
        .await
        .unwrap()
}

fn token_id_of(issued: &Value) -> Value {
    issued["createToken"]["token"]["id"].clone()
}

on_both! {
    async fn an_editor_writes_its_own_event_through_its_whole_life(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let wang = person_id(app, "WANG").await;
        let input = json!({
            "kind": "CONFERENCE", "status": "PLANNED", "format": "HYBRID", "title": "  Dual Training Conference ",
            "startDate": "2025-10-01", "endDate": "2025-10-02", "country": "th", "visibility": "CONSORTIUM",
            "organisations": [{ "organisation": gid("Organisation", w.alpha), "role": "HOST" }, { "organisation": gid("Organisation", w.beta), "role": "CO_HOST" }],
            "participants": [{ "person": wang, "role": "SPEAKER", "title": "President" }],
            "presentations": [{ "title": "Keynote", "presenters": [wang] }],
            "outcomes": [{ "description": "A joint statement" }]
        });
        let created = app.data_as(Some(&w.editor_a), CREATE_EVENT, json!({ "input": input })).await["createEvent"]["event"].clone();
        assert_eq!(created["title"], "Dual Training Conference", "titles are trimmed");
        assert_eq!(created["owner"]["nameEn"], "Alpha Polytechnic", "a member creates for its own organisation");
        assert_eq!(created["country"]["code"], "TH");
        assert_eq!(created["version"], 1);
        assert_eq!(created["presentations"][0]["presenters"][0]["displayName"], "WANG Fang");
        let id = created["id"].as_str().unwrap().to_owned();

        // The consortium peer reads it; the anonymous public does not.
        let read = "query($id: ID!) { node(id: $id) { ... on Event { title archivedAt } } }";
        assert_eq!(app.data_as(Some(&w.editor_b), read, json!({ "id": id })).await["node"]["title"], "Dual Training Conference");
        assert_eq!(app.data(read, json!({ "id": id })).await["node"], Value::Null);

        // Update with the version read; a clear by null; a lifecycle step.
        let updated = app
            .data_as(Some(&w.editor_a), UPDATE_EVENT, json!({ "input": { "id": id, "expectedVersion": 1, "title": "Dual Training Conference 2025", "endDate": null, "status": "HELD", "theme": "Skills" } }))
            .await["updateEvent"]["event"].clone();
        assert_eq!(updated["version"], 2);
        assert_eq!(updated["endDate"], Value::Null);
        assert_eq!(updated["status"], "HELD");

        // A stale version is CONFLICT and changes nothing.
        let (_, body) = app.post_as(Some(&w.editor_a), UPDATE_EVENT, json!({ "input": { "id": id, "expectedVersion": 1, "title": "Lost update" } })).await;
        assert_eq!(error(&body).0, "CONFLICT");
        assert_eq!(body["errors"][0]["extensions"]["currentVersion"], 2);
        assert_eq!(app.data_as(Some(&w.editor_a), read, json!({ "id": id })).await["node"]["title"], "Dual Training Conference 2025");

        // HELD is final: it cannot become PLANNED again.
        let (_, body) = app.post_as(Some(&w.editor_a), UPDATE_EVENT, json!({ "input": { "id": id, "expectedVersion": 2, "status": "PLANNED" } })).await;
        assert_eq!(error(&body), ("BAD_USER_INPUT".into(), Some("input.status".into())));

        // Parts: add, remove, reorder.
        let add = r#"mutation($input: AddEventOrganisationInput!) { addEventOrganisation(input: $input) { event { version organisations { role organisation { nameEn } } } } }"#;
        let bangkok = gid("Organisation", app.organisation("Bangkok Technical College").await);
        let after_add = app
            .data_as(Some(&w.editor_a), add, json!({ "input": { "id": id, "expectedVersion": 2, "organisation": { "organisation": bangkok, "role": "ATTENDING_INSTITUTION" }, "position": 0 } }))
            .await["addEventOrganisation"]["event"].clone();
        assert_eq!(after_add["version"], 3);
        assert_eq!(after_add["organisations"][0]["organisation"]["nameEn"], "Bangkok Technical College");
        let remove = r#"mutation($input: RemoveEventOrganisationInput!) { removeEventOrganisation(input: $input) { event { organisations { role } } } }"#;
        let after_remove = app
            .data_as(Some(&w.editor_a), remove, json!({ "input": { "id": id, "expectedVersion": 3, "organisation": { "organisation": gid("Organisation", w.beta), "role": "CO_HOST" } } }))
            .await;
        assert_eq!(after_remove["removeEventOrganisation"]["event"]["organisations"], json!([{ "role": "ATTENDING_INSTITUTION" }, { "role": "HOST" }]));
        let set = r#"mutation($input: SetEventOrganisationsInput!) { setEventOrganisations(input: $input) { event { organisations { role } } } }"#;
        let reordered = app
            .data_as(Some(&w.editor_a), set, json!({ "input": { "id": id, "expectedVersion": 4, "organisations": [
                { "organisation": gid("Organisation", w.alpha), "role": "HOST" }, { "organisation": bangkok, "role": "ATTENDING_INSTITUTION" }] } }))
            .await;
        assert_eq!(reordered["setEventOrganisations"]["event"]["organisations"], json!([{ "role": "HOST" }, { "role": "ATTENDING_INSTITUTION" }]));

        // Archive: gone from lists, even for the owner; the owner can still open and restore it.
        let archive = r#"mutation($input: ArchiveEventInput!) { archiveEvent(input: $input) { event { version archivedAt } } }"#;
        let archived = app.data_as(Some(&w.editor_a), archive, json!({ "input": { "id": id, "expectedVersion": 5 } })).await;
        assert!(archived["archiveEvent"]["event"]["archivedAt"].is_string());
        let list = "{ events(first: 100) { nodes { title } } }";
        for token in [&w.editor_a, &w.editor_b] {
            let titles = nodes(&app.data_as(Some(token), list, json!({})).await["events"], "title");
            assert!(!titles.contains(&"Dual Training Conference 2025".to_owned()));
        }
        assert_eq!(app.data_as(Some(&w.editor_b), read, json!({ "id": id })).await["node"], Value::Null, "a peer no longer reads it");
        assert!(app.data_as(Some(&w.editor_a), read, json!({ "id": id })).await["node"]["archivedAt"].is_string());
        let archived_list = app.data_as(Some(&w.editor_a), "{ events(filter: { archived: true }) { totalCount } }", json!({})).await;
        assert_eq!(archived_list["events"]["totalCount"], 1);
        let restore = r#"mutation($input: RestoreEventInput!) { restoreEvent(input: $input) { event { version archivedAt } } }"#;
        let restored = app.data_as(Some(&w.editor_a), restore, json!({ "input": { "id": id, "expectedVersion": 6 } })).await;
        assert_eq!(restored["restoreEvent"]["event"], json!({ "version": 7, "archivedAt": null }));
    }

    async fn bad_input_names_its_field_and_writes_nothing(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let before = count_events(app).await;
        let base = json!({ "kind": "MEETING", "status": "PLANNED", "format": "ONSITE", "title": "A meeting", "startDate": "2025-05-05" });
        let with = |patch: Value| {
            let mut input = base.clone();
            for (k, v) in patch.as_object().unwrap() {
                input[k] = v.clone();
            }
            json!({ "input": input })
        };
        let cases = [
            (json!({ "title": "   " }), "input.title"),
            (json!({ "title": "x".repeat(301) }), "input.title"),
            (json!({ "endDate": "2025-05-04" }), "input.endDate"),
            (json!({ "country": "China" }), "input.country"),
            (json!({ "country": "QQ" }), "input.country"),
            (json!({ "source": gid("Source", 999_999) }), "input.source"),
            (json!({ "participants": [{ "person": gid("Person", 999_999), "role": "SPEAKER" }] }), "input.participants"),
            (json!({ "participants": [{ "person": gid("Organisation", 1), "role": "SPEAKER" }] }), "input.participants.0.person"),
            (json!({ "presentations": [{ "title": "" }] }), "input.presentations.0.title"),
            (json!({ "outcomes": [{ "description": "ok" }, { "description": " " }] }), "input.outcomes.1.description"),
        ];
        for (patch, field) in cases {
            let (_, body) = app.post_as(Some(&w.editor_a), CREATE_EVENT, with(patch.clone())).await;
            assert_eq!(error(&body), ("BAD_USER_INPUT".into(), Some(field.into())), "{patch}");
        }
        // The event row would have been written before the failing part: nothing was.
        assert_eq!(count_events(app).await, before);
        // Agreements: unknown field of education, validity out of order, illegal transition.
        let create = r#"mutation($input: CreateAgreementInput!) { createAgreement(input: $input) { agreement { id version status } } }"#;
        let agreement = json!({ "kind": "MOU", "status": "IN_EFFECT", "title": "An MoU" });
        let mut bad_field = agreement.clone();
        bad_field["fields"] = json!(["0777"]);
        assert_eq!(error(&app.post_as(Some(&w.editor_a), create, json!({ "input": bad_field })).await.1), ("BAD_USER_INPUT".into(), Some("input.fields".into())));
        let mut bad_span = agreement.clone();
        bad_span["validFrom"] = json!("2025-01-01");
        bad_span["validTo"] = json!("2024-01-01");
        assert_eq!(error(&app.post_as(Some(&w.editor_a), create, json!({ "input": bad_span })).await.1), ("BAD_USER_INPUT".into(), Some("input.validTo".into())));
        let made = app.data_as(Some(&w.editor_a), create, json!({ "input": agreement })).await["createAgreement"]["agreement"].clone();
        let update = r#"mutation($input: UpdateAgreementInput!) { updateAgreement(input: $input) { agreement { status } } }"#;
        let (_, body) = app.post_as(Some(&w.editor_a), update, json!({ "input": { "id": made["id"], "expectedVersion": 1, "status": "DRAFT" } })).await;
        assert_eq!(error(&body), ("BAD_USER_INPUT".into(), Some("input.status".into())));
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("IN_EFFECT"));
        let ok = app.data_as(Some(&w.editor_a), update, json!({ "input": { "id": made["id"], "expectedVersion": 1, "status": "TERMINATED" } })).await;
        assert_eq!(ok["updateAgreement"]["agreement"]["status"], "TERMINATED");
        // A bad expectedVersion is bad input too.
        let (_, body) = app.post_as(Some(&w.editor_a), update, json!({ "input": { "id": made["id"], "expectedVersion": 0, "title": "x" } })).await;
        assert_eq!(error(&body), ("BAD_USER_INPUT".into(), Some("input.expectedVersion".into())));
    }

    async fn creates_with_the_same_idempotency_key_return_the_first_result(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let input = json!({ "kind": "MEETING", "status": "PLANNED", "format": "ONLINE", "title": "Retried meeting", "startDate": "2025-02-02", "idempotencyKey": "req-42" });
        let first = app.data_as(Some(&w.editor_a), CREATE_EVENT, json!({ "input": input.clone() })).await["createEvent"]["event"]["id"].clone();
        let before = count_events(app).await;
        let again = app.data_as(Some(&w.editor_a), CREATE_EVENT, json!({ "input": input.clone() })).await["createEvent"]["event"]["id"].clone();
        assert_eq!(first, again);
        assert_eq!(count_events(app).await, before);
        let mut other = input.clone();
        other["title"] = json!("A different meeting");
        let (_, body) = app.post_as(Some(&w.editor_a), CREATE_EVENT, json!({ "input": other })).await;
        assert_eq!(error(&body), ("BAD_USER_INPUT".into(), Some("input.idempotencyKey".into())));
        // Keys belong to a token: another token may use the same key for its own create.
        let theirs = app.data_as(Some(&w.admin_a), CREATE_EVENT, json!({ "input": input })).await["createEvent"]["event"]["id"].clone();
        assert_ne!(theirs, first);
    }

    async fn parties_confirm_versions_and_an_edit_unconfirms(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let create = r#"mutation($input: CreateAgreementInput!) { createAgreement(input: $input) { agreement { id } } }"#;
        let input = json!({ "kind": "EXCHANGE", "status": "DRAFT", "title": "Alpha-Beta exchange", "visibility": "CONSORTIUM",
            "parties": [{ "organisation": gid("Organisation", w.alpha) }, { "organisation": gid("Organisation", w.beta) }] });
        let id = app.data_as(Some(&w.editor_a), create, json!({ "input": input })).await["createAgreement"]["agreement"]["id"].as_str().unwrap().to_owned();
        let confirm = r#"mutation($input: ConfirmAgreementInput!) { confirmAgreement(input: $input) { agreement { version } } }"#;
        let confirmations = r#"query($id: ID!) { node(id: $id) { ... on Agreement { version confirmations { version current organisation { nameEn } } } } }"#;
        assert_eq!(app.outcome_as(Some(&w.editor_a), confirm, json!({ "input": { "id": id, "expectedVersion": 1 } })).await, "OK");
        assert_eq!(app.outcome_as(Some(&w.editor_b), confirm, json!({ "input": { "id": id, "expectedVersion": 1 } })).await, "OK");
        assert_eq!(app.outcome_as(Some(&w.viewer_a), confirm, json!({ "input": { "id": id, "expectedVersion": 1 } })).await, "FORBIDDEN");
        assert_eq!(app.outcome_as(Some(&w.coordinator), confirm, json!({ "input": { "id": id, "expectedVersion": 1 } })).await, "FORBIDDEN", "only parties confirm");
        assert_eq!(app.outcome_as(Some(&w.editor_b), confirm, json!({ "input": { "id": id, "expectedVersion": 7 } })).await, "CONFLICT");
        let both = app.data_as(Some(&w.editor_a), confirmations, json!({ "id": id })).await;
        assert_eq!(both["node"]["confirmations"].as_array().unwrap().iter().filter(|c| c["current"] == true).count(), 2);
        // Alpha edits: Beta's confirmation (of version 1) is out of date; Alpha confirms again.
        app.data_as(Some(&w.editor_a), "mutation($input: UpdateAgreementInput!) { updateAgreement(input: $input) { agreement { version } } }",
            json!({ "input": { "id": id, "expectedVersion": 1, "description": "Now with a clause on credits" } })).await;
        app.data_as(Some(&w.editor_a), confirm, json!({ "input": { "id": id, "expectedVersion": 2 } })).await;
        let after = app.data_as(Some(&w.editor_b), confirmations, json!({ "id": id })).await["node"].clone();
        assert_eq!(after["version"], 2);
        let state: Vec<(String, bool)> = after["confirmations"].as_array().unwrap().iter()
            .map(|c| (c["organisation"]["nameEn"].as_str().unwrap().to_owned(), c["current"].as_bool().unwrap())).collect();
        assert!(state.contains(&("Beta University".into(), false)));
        assert!(state.contains(&("Alpha Polytechnic".into(), true)));
        // A party editor may confirm but not edit the other party's record.
        assert_eq!(app.outcome_as(Some(&w.editor_b), "mutation($input: UpdateAgreementInput!) { updateAgreement(input: $input) { agreement { version } } }",
            json!({ "input": { "id": id, "expectedVersion": 2, "title": "Hijacked" } })).await, "FORBIDDEN");
    }

    async fn every_write_is_audited_and_members_see_their_own(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let input = json!({ "kind": "MEETING", "status": "PLANNED", "format": "ONLINE", "title": "Audited meeting", "startDate": "2025-03-03" });
        let id = app.data_as(Some(&w.editor_a), CREATE_EVENT, json!({ "input": input })).await["createEvent"]["event"]["id"].as_str().unwrap().to_owned();
        app.data_as(Some(&w.editor_a), UPDATE_EVENT, json!({ "input": { "id": id, "expectedVersion": 1, "title": "Audited meeting, renamed" } })).await;
        let log = r#"query($f: AuditFilter) { auditLog(filter: $f) { totalCount nodes { operation actor recordId recordType before after actorOrganisation { nameEn } } } }"#;
        let mine = app.data_as(Some(&w.viewer_a), log, json!({ "f": { "record": id } })).await["auditLog"].clone();
        assert_eq!(mine["totalCount"], 2);
        let update = &mine["nodes"][0];
        assert_eq!(update["operation"], "updateEvent");
        assert_eq!(update["recordId"], id.as_str());
        assert_eq!(update["actorOrganisation"]["nameEn"], "Alpha Polytechnic");
        assert_eq!(update["before"]["title"], "Audited meeting");
        assert_eq!(update["after"]["title"], "Audited meeting, renamed");
        assert!(update["actor"].as_str().unwrap().contains("Editor token"));
        // Beta sees nothing of Alpha's; the anonymous public nothing at all; the coordinator all.
        assert_eq!(app.data_as(Some(&w.editor_b), log, json!({ "f": { "record": id } })).await["auditLog"]["totalCount"], 0);
        assert_eq!(app.data(log, json!({ "f": null })).await["auditLog"]["totalCount"], 0);
        let all = app.data_as(Some(&w.coordinator), log, json!({ "f": { "operations": ["createEvent", "updateEvent"] } })).await;
        assert_eq!(all["auditLog"]["totalCount"], 2);
        // A failed write leaves no entry.
        app.post_as(Some(&w.editor_a), UPDATE_EVENT, json!({ "input": { "id": id, "expectedVersion": 1, "title": "stale" } })).await;
        assert_eq!(app.data_as(Some(&w.coordinator), log, json!({ "f": { "record": id } })).await["auditLog"]["totalCount"], 2);
    }

    async fn tokens_are_checked_issued_scoped_and_revoked(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let viewer = "{ viewer { role isCoordinator organisation { nameEn } } }";
        // No token: anonymous. Any bad token: 401 UNAUTHENTICATED, never anonymous.
        assert_eq!(app.data(viewer, json!({})).await["viewer"]["role"], Value::Null);
        let good_shape = w.editor_a.clone();
        let (prefix, _) = good_shape.rsplit_once('_').unwrap();
        for bad in ["garbage", "concord_", "concord_nope_nope", &format!("{prefix}_wrongsecret")] {
            let (status, body) = app.post_as(Some(bad), viewer, json!({})).await;
            assert_eq!(status, reqwest::StatusCode::UNAUTHORIZED, "{bad}");
            assert_eq!(error(&body).0, "UNAUTHENTICATED");
        }
        let basic = app.client.post(format!("{}/graphql", app.base)).header("authorization", "Basic abc").json(&json!({ "query": viewer })).send().await.unwrap();
        assert_eq!(basic.status(), reqwest::StatusCode::UNAUTHORIZED);
        assert_eq!(app.data_as(Some(&w.admin_a), viewer, json!({})).await["viewer"], json!({ "role": "ADMIN", "isCoordinator": false, "organisation": { "nameEn": "Alpha Polytechnic" } }));

        // An admin issues tokens for its own organisation, not for others, and not coordinator ones.
        let create = r#"mutation($input: CreateTokenInput!) { createToken(input: $input) { secret token { id publicId role organisation { nameEn } } } }"#;
        let issued = app.data_as(Some(&w.admin_a), create, json!({ "input": { "label": "frontend", "role": "VIEWER", "organisation": gid("Organisation", w.alpha) } })).await;
        let secret = issued["createToken"]["secret"].as_str().unwrap().to_owned();
        assert!(secret.starts_with("concord_"));
        assert_eq!(app.data_as(Some(&secret), viewer, json!({})).await["viewer"]["role"], "VIEWER");
        assert_eq!(app.outcome_as(Some(&w.admin_a), create, json!({ "input": { "label": "x", "role": "EDITOR", "organisation": gid("Organisation", w.beta) } })).await, "FORBIDDEN");
        assert_eq!(app.outcome_as(Some(&w.admin_a), create, json!({ "input": { "label": "x", "role": "COORDINATOR" } })).await, "FORBIDDEN");
        assert_eq!(app.outcome_as(Some(&w.editor_a), create, json!({ "input": { "label": "x", "role": "VIEWER", "organisation": gid("Organisation", w.alpha) } })).await, "FORBIDDEN");
        assert_eq!(app.outcome_as(None, create, json!({ "input": { "label": "x", "role": "VIEWER", "organisation": gid("Organisation", w.alpha) } })).await, "UNAUTHENTICATED");
        let past = app.post_as(Some(&w.coordinator), create, json!({ "input": { "label": "x", "role": "VIEWER", "organisation": gid("Organisation", w.alpha), "expiresAt": "2001-01-01T00:00:00Z" } })).await.1;
        assert_eq!(error(&past), ("BAD_USER_INPUT".into(), Some("input.expiresAt".into())));

        // Token lists: an admin sees its organisation's, an editor none, the coordinator all.
        let list = "{ tokens(first: 100) { totalCount nodes { role organisation { nameEn } } } }";
        let admins = app.data_as(Some(&w.admin_a), list, json!({})).await["tokens"].clone();
        assert!(admins["nodes"].as_array().unwrap().iter().all(|t| t["organisation"]["nameEn"] == "Alpha Polytechnic"));
        assert_eq!(admins["totalCount"], 4);
        assert_eq!(app.data_as(Some(&w.editor_a), list, json!({})).await["tokens"]["totalCount"], 0);
        assert_eq!(app.data_as(Some(&w.coordinator), list, json!({})).await["tokens"]["totalCount"], 6);

        // Tokens and audit entries are nodes too, for those who may see them.
        let node = "query($id: ID!) { node(id: $id) { __typename id } }";
        assert_eq!(app.data_as(Some(&w.admin_a), node, json!({ "id": token_id_of(&issued) })).await["node"]["__typename"], "Token");
        assert_eq!(app.data_as(Some(&w.editor_a), node, json!({ "id": token_id_of(&issued) })).await["node"], Value::Null);
        let entry = app.data_as(Some(&w.coordinator), "{ auditLog(first: 1) { nodes { id } } }", json!({})).await["auditLog"]["nodes"][0]["id"].clone();
        assert_eq!(app.data_as(Some(&w.coordinator), node, json!({ "id": entry })).await["node"]["__typename"], "AuditEntry");
        assert_eq!(app.data(node, json!({ "id": entry })).await["node"], Value::Null);

        // Use is recorded (to the minute).
        let used = app.data_as(Some(&w.admin_a), "{ tokens(first: 100) { nodes { label lastUsedAt } } }", json!({})).await;
        assert!(used["tokens"]["nodes"].as_array().unwrap().iter().any(|t| t["label"] == "frontend" && t["lastUsedAt"].is_string()));

        // Revoked: it stops working at once; another admin's token is not theirs to revoke.
        let revoke = r#"mutation($input: RevokeTokenInput!) { revokeToken(input: $input) { token { revokedAt } } }"#;
        let token_id = issued["createToken"]["token"]["id"].clone();
        assert_eq!(app.outcome_as(Some(&w.editor_b), revoke, json!({ "input": { "id": token_id } })).await, "NOT_FOUND");
        assert!(app.data_as(Some(&w.admin_a), revoke, json!({ "input": { "id": token_id } })).await["revokeToken"]["token"]["revokedAt"].is_string());
        assert_eq!(app.post_as(Some(&secret), viewer, json!({})).await.0, reqwest::StatusCode::UNAUTHORIZED);

        // Expired tokens fail the same way.
        let cli = service::Principal::Coordinator { token_id: None, label: "test".into() };
        let soon = service::Scope::new(app.db.connection.clone(), cli).issue_token(service::tokens::NewToken {
            label: "short".into(), role: Role::Viewer, organisation_id: Some(w.alpha),
            expires_at: Some(chrono::Utc::now() + chrono::Duration::milliseconds(300)),
        }).await.unwrap().secret;
        assert_eq!(app.post_as(Some(&soon), viewer, json!({})).await.0, reqwest::StatusCode::OK);
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        let (status, body) = app.post_as(Some(&soon), viewer, json!({})).await;
        assert_eq!(status, reqwest::StatusCode::UNAUTHORIZED);
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("expired"));
    }

    async fn the_registry_is_maintained_by_who_added_it_and_merged_by_the_coordinator(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let create = r#"mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) { organisation { id version parent { nameEn } } } }"#;
        let made = app.data_as(Some(&w.editor_a), create, json!({ "input": { "kind": "UNIVERSITY", "nameEn": "Nairobi Polytechnic", "country": "KE", "rorId": "05t99sp05", "website": "https://np.ac.ke" } })).await;
        let nairobi = made["createOrganisation"]["organisation"]["id"].as_str().unwrap().to_owned();
        let update = r#"mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { organisation { nameEn rorId } } }"#;
        assert_eq!(app.outcome_as(Some(&w.editor_b), update, json!({ "input": { "id": nairobi, "expectedVersion": 1, "nameEn": "Mine now" } })).await, "FORBIDDEN");
        let renamed = app.data_as(Some(&w.editor_a), update, json!({ "input": { "id": nairobi, "expectedVersion": 1, "nameEn": "Nairobi National Polytechnic" } })).await;
        assert_eq!(renamed["updateOrganisation"]["organisation"]["rorId"], "https://ror.org/05t99sp05");
        // Bad registry input.
        for (input, field) in [
            (json!({ "kind": "COMPANY", "nameEn": "X", "website": "ftp://x" }), "input.website"),
            (json!({ "kind": "COMPANY", "nameEn": "X", "rorId": "not-a-ror" }), "input.rorId"),
            (json!({ "kind": "COMPANY", "nameEn": "X", "names": [{ "lang": "e", "kind": "ALIAS", "value": "Y" }] }), "input.names.0.lang"),
        ] {
            let (_, body) = app.post_as(Some(&w.editor_a), create, json!({ "input": input })).await;
            assert_eq!(error(&body), ("BAD_USER_INPUT".into(), Some(field.into())));
        }
        // A ROR id already in the registry is a duplicate entry: CONFLICT naming it.
        let (_, body) = app.post_as(Some(&w.editor_a), create, json!({ "input": { "kind": "COMPANY", "nameEn": "X", "rorId": "https://ror.org/05t99sp05" } })).await;
        assert_eq!(error(&body), ("CONFLICT".into(), Some("input.rorId".into())));
        assert_eq!(body["errors"][0]["extensions"]["existingId"], nairobi.as_str());
        // Units: an admin manages its own organisation's units; an editor of another member cannot.
        let unit = json!({ "kind": "SCHOOL", "nameEn": "School of Rail", "parent": gid("Organisation", w.alpha) });
        assert_eq!(app.outcome_as(Some(&w.editor_b), create, json!({ "input": unit.clone() })).await, "FORBIDDEN");
        assert_eq!(app.outcome_as(Some(&w.editor_a), create, json!({ "input": unit.clone() })).await, "FORBIDDEN");
        let school = app.data_as(Some(&w.admin_a), create, json!({ "input": unit })).await;
        assert_eq!(school["createOrganisation"]["organisation"]["parent"]["nameEn"], "Alpha Polytechnic");
        // A viewer adds nothing.
        assert_eq!(app.outcome_as(Some(&w.viewer_a), create, json!({ "input": { "kind": "COMPANY", "nameEn": "Z" } })).await, "FORBIDDEN");

        // The coordinator merges Bangkok Technical College into Nairobi: every reference moves.
        let bangkok = gid("Organisation", app.organisation("Bangkok Technical College").await);
        let merge = r#"mutation($input: MergeOrganisationsInput!) { mergeOrganisations(input: $input) { organisation { nameEn
            events { totalCount } agreements { totalCount } partnerCentres { totalCount } adoptions { totalCount } affiliations { totalCount } } } }"#;
        assert_eq!(app.outcome_as(Some(&w.editor_a), merge, json!({ "input": { "survivor": nairobi, "duplicate": bangkok } })).await, "FORBIDDEN");
        let merged = app.data_as(Some(&w.coordinator), merge, json!({ "input": { "survivor": nairobi, "duplicate": bangkok } })).await;
        let survivor = &merged["mergeOrganisations"]["organisation"];
        assert_eq!(survivor["events"]["totalCount"], 1);
        assert_eq!(survivor["agreements"]["totalCount"], 2);
        assert_eq!(survivor["partnerCentres"]["totalCount"], 1);
        assert_eq!(survivor["adoptions"]["totalCount"], 1);
        assert_eq!(survivor["affiliations"]["totalCount"], 1);
        // The duplicate's id now names the survivor; the duplicate itself is archived.
        let gone = app.data("query($id: ID!) { node(id: $id) { id ... on Organisation { archivedAt mergedFrom events { totalCount } } } }", json!({ "id": bangkok })).await;
        assert_eq!(gone["node"], json!({ "id": nairobi, "archivedAt": null, "mergedFrom": [bangkok], "events": { "totalCount": 1 } }));
        let archived = app.data_as(Some(&w.coordinator), "{ organisations(filter: { search: \"Bangkok\", archived: true }) { nodes { id } } }", json!({})).await;
        assert_eq!(archived["organisations"]["nodes"], json!([{ "id": bangkok }]));
        // The merged duplicate leaves the lists; its name finds the survivor.
        let searched = app.data("{ organisations(filter: { search: \"Bangkok\" }) { nodes { id nameEn } } }", json!({})).await;
        assert_eq!(searched["organisations"]["nodes"], json!([{ "id": nairobi, "nameEn": "Nairobi National Polytechnic" }]));

        // People merge the same way.
        let wang = person_id(app, "WANG").await;
        let weber = person_id(app, "Weber").await;
        let merge_people = r#"mutation($input: MergePeopleInput!) { mergePeople(input: $input) { person { familyName signatures { totalCount } affiliations { title } } } }"#;
        let merged = app.data_as(Some(&w.coordinator), merge_people, json!({ "input": { "survivor": wang, "duplicate": weber } })).await;
        assert_eq!(merged["mergePeople"]["person"]["signatures"]["totalCount"], 4, "the coordinator also reads the private agreement");
        assert_eq!(merged["mergePeople"]["person"]["affiliations"].as_array().unwrap().len(), 3);
        let _ = key(&wang);
    }

    async fn sources_and_consortia_are_kept_by_their_maintainers(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let made = app.data_as(Some(&w.editor_a), "mutation($i: CreateSourceInput!) { createSource(input: $i) { source { id version } } }",
            json!({ "i": { "title": "Alpha news", "url": "https://alpha.example/news/1", "publishedOn": "2025-01-01" } })).await;
        let id = made["createSource"]["source"]["id"].clone();
        let update = "mutation($i: UpdateSourceInput!) { updateSource(input: $i) { source { title version url } } }";
        assert_eq!(app.outcome_as(Some(&w.editor_b), update, json!({ "i": { "id": id, "expectedVersion": 1, "title": "Beta's now" } })).await, "FORBIDDEN");
        let changed = app.data_as(Some(&w.editor_a), update, json!({ "i": { "id": id, "expectedVersion": 1, "title": "Alpha news, corrected", "url": null } })).await;
        assert_eq!(changed["updateSource"]["source"], json!({ "title": "Alpha news, corrected", "version": 2, "url": null }));
        let archive = "mutation($i: ArchiveSourceInput!) { archiveSource(input: $i) { source { archivedAt } } }";
        assert!(app.data_as(Some(&w.editor_a), archive, json!({ "i": { "id": id, "expectedVersion": 2 } })).await["archiveSource"]["source"]["archivedAt"].is_string());
        assert_eq!(app.data(r#"{ sources(filter: { search: "Alpha news" }) { totalCount } }"#, json!({})).await["sources"]["totalCount"], 0);

        let consortium = app.data("{ consortia { nodes { id version } } }", json!({})).await["consortia"]["nodes"][0].clone();
        let update = "mutation($i: UpdateConsortiumInput!) { updateConsortium(input: $i) { consortium { nameEn version } } }";
        let input = json!({ "i": { "id": consortium["id"], "expectedVersion": consortium["version"], "nameEn": "Renamed Consortium" } });
        assert_eq!(app.outcome_as(Some(&w.admin_a), update, input.clone()).await, "FORBIDDEN");
        assert_eq!(app.data_as(Some(&w.coordinator), update, input).await["updateConsortium"]["consortium"]["nameEn"], "Renamed Consortium");
        // Membership drives consortium visibility: once Beta leaves, it no longer reads Alpha's shared records.
        let members = "mutation($i: SetConsortiumMembersInput!) { setConsortiumMembers(input: $i) { consortium { version members { organisation { nameEn } } } } }";
        let shared = app.data_as(Some(&w.editor_a), CREATE_EVENT, json!({ "input": { "kind": "MEETING", "status": "PLANNED", "format": "ONLINE", "title": "Shared with the consortium", "startDate": "2025-04-04", "visibility": "CONSORTIUM" } })).await;
        let event = shared["createEvent"]["event"]["id"].clone();
        let read = "query($id: ID!) { node(id: $id) { id } }";
        assert!(app.data_as(Some(&w.editor_b), read, json!({ "id": event })).await["node"].is_object());
        app.data_as(Some(&w.coordinator), members, json!({ "i": { "id": consortium["id"], "expectedVersion": 2, "members": [{ "organisation": gid("Organisation", w.alpha) }] } })).await;
        assert!(app.data_as(Some(&w.editor_b), read, json!({ "id": event })).await["node"].is_null());
    }
}
