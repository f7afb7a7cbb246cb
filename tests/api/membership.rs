//! Membership as it really changes: one member joins or leaves without resending the
//! list, the coordinating organisation shares with the members, and tokens go only to
//! organisations inside a consortium.
use serde_json::{Value, json};
use service::entity::enums::Role;

use crate::helpers::{Backend, CATALOGUE, TestApp, gid, on_both};

const MEMBERS: &str = "query($id: ID!) { node(id: $id) { ... on Consortium { version members { organisation { nameEn } joinedOn leftOn } } } }";
const ADD: &str = "mutation($i: AddConsortiumMemberInput!) { addConsortiumMember(input: $i) { consortium { version } } }";
const REMOVE: &str = "mutation($i: RemoveConsortiumMemberInput!) { removeConsortiumMember(input: $i) { consortium { version } } }";
const CREATE_TOKEN: &str =
    "mutation($i: CreateTokenInput!) { createToken(input: $i) { token { id } } }";

struct Setting {
    app: TestApp,
    coordinator: String,
    consortium: String,
}

impl Setting {
    async fn new(backend: Backend) -> Setting {
        let app = TestApp::with_fixture(backend, CATALOGUE).await;
        let coordinator = app.token(Role::Coordinator, None).await;
        let consortium = app
            .data_as(
                Some(&coordinator),
                "{ consortia(filter: { search: \"Fixture Consortium\" }) { nodes { id } } }",
                json!({}),
            )
            .await["consortia"]["nodes"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        Setting {
            app,
            coordinator,
            consortium,
        }
    }

    async fn org(&self, name: &str) -> String {
        gid("Organisation", self.app.organisation(name).await)
    }

    /// The members as (name, joinedOn, leftOn), and the consortium's version.
    async fn members(&self) -> (Vec<(String, Value, Value)>, i64) {
        let data = self
            .app
            .data_as(
                Some(&self.coordinator),
                MEMBERS,
                json!({ "id": self.consortium }),
            )
            .await;
        let mut members: Vec<_> = data["node"]["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["organisation"]["nameEn"].as_str().unwrap().to_owned(),
                    m["joinedOn"].clone(),
                    m["leftOn"].clone(),
                )
            })
            .collect();
        members.sort_by(|a, b| a.0.cmp(&b.0));
        (members, data["node"]["version"].as_i64().unwrap())
    }

    async fn outcome(&self, token: &str, query: &str, input: Value) -> String {
        self.app
            .outcome_as(Some(token), query, json!({ "i": input }))
            .await
    }
}

on_both! {
    async fn one_member_joins_and_leaves_without_resending_the_list(backend: Backend) {
        let s = Setting::new(backend).await;
        let (before, v) = s.members().await;
        assert_eq!(before.len(), 2, "{before:?}");
        let bangkok = s.org("Bangkok Technical College").await;
        let join = json!({ "id": s.consortium, "expectedVersion": v, "organisation": bangkok, "joinedOn": "2024-09-01" });
        assert_eq!(s.outcome(&s.coordinator, ADD, join).await, "OK");
        let (after, v) = s.members().await;
        assert_eq!(after.len(), 3);
        assert!(after.contains(&("Bangkok Technical College".into(), json!("2024-09-01"), Value::Null)));
        assert!(before.iter().all(|m| after.contains(m)), "the others stay as they were");

        // Joining twice, or leaving a consortium one is not in, is bad input.
        let again = json!({ "id": s.consortium, "expectedVersion": v, "organisation": bangkok });
        assert_eq!(s.outcome(&s.coordinator, ADD, again).await, "BAD_USER_INPUT");
        let addis = s.org("Addis Polytechnic").await;
        let stranger = json!({ "id": s.consortium, "expectedVersion": v, "organisation": addis });
        assert_eq!(s.outcome(&s.coordinator, REMOVE, stranger).await, "BAD_USER_INPUT");
        // A stale version is a conflict, as for every other change.
        let stale = json!({ "id": s.consortium, "expectedVersion": v - 1, "organisation": addis });
        assert_eq!(s.outcome(&s.coordinator, ADD, stale).await, "CONFLICT");

        // Leaving with a date keeps the membership in the history, ended.
        let leave = json!({ "id": s.consortium, "expectedVersion": v, "organisation": bangkok, "leftOn": "2026-06-30" });
        assert_eq!(s.outcome(&s.coordinator, REMOVE, leave).await, "OK");
        let (after, v) = s.members().await;
        assert!(after.contains(&("Bangkok Technical College".into(), json!("2024-09-01"), json!("2026-06-30"))));
        // A left date before the joined date is bad input.
        let backwards = json!({ "id": s.consortium, "expectedVersion": v, "organisation": bangkok, "leftOn": "2020-01-01" });
        assert_eq!(s.outcome(&s.coordinator, REMOVE, backwards).await, "BAD_USER_INPUT");
        // Without a date it is removed as if it had never been.
        let undo = json!({ "id": s.consortium, "expectedVersion": v, "organisation": bangkok });
        assert_eq!(s.outcome(&s.coordinator, REMOVE, undo).await, "OK");
        let (after, v) = s.members().await;
        assert_eq!(after, before);

        // Only the coordinator manages membership.
        let alpha = s.app.token(Role::Admin, Some(s.app.organisation("Alpha Polytechnic").await)).await;
        let join = json!({ "id": s.consortium, "expectedVersion": v, "organisation": bangkok });
        assert_eq!(s.outcome(&alpha, ADD, join).await, "FORBIDDEN");
    }

    async fn the_coordinating_organisation_shares_with_the_members(backend: Backend) {
        let s = Setting::new(backend).await;
        let coord = s.app.organisation("Coordinating Centre").await;
        let shared = s
            .app
            .data_as(
                Some(&s.coordinator),
                "mutation($i: CreateTrainingCentreInput!) { createTrainingCentre(input: $i) { trainingCentre { id } } }",
                json!({ "i": { "owner": gid("Organisation", coord), "visibility": "CONSORTIUM",
                               "name": "The centre's shared centre", "country": "KZ", "status": "OPERATING" } }),
            )
            .await["createTrainingCentre"]["trainingCentre"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let read = |token: Option<String>| {
            let app = &s.app;
            let shared = shared.clone();
            async move {
                !app.data_as(token.as_deref(), "query($id: ID!) { node(id: $id) { id } }", json!({ "id": shared }))
                    .await["node"]
                    .is_null()
            }
        };
        let alpha = s.app.organisation("Alpha Polytechnic").await;
        let bangkok = s.app.organisation("Bangkok Technical College").await;
        s.app.consortium_of_its_own(bangkok).await;
        assert!(read(Some(s.app.token(Role::Viewer, Some(alpha)).await)).await, "a member reads it");
        assert!(!read(Some(s.app.token(Role::Viewer, Some(bangkok)).await)).await, "an outsider does not");
        assert!(!read(None).await, "nor does an anonymous caller");
        // And the coordinating organisation reads the members' shared records.
        let alphas = s
            .app
            .data_as(
                Some(&s.coordinator),
                "mutation($i: CreateTrainingCentreInput!) { createTrainingCentre(input: $i) { trainingCentre { id } } }",
                json!({ "i": { "owner": gid("Organisation", alpha), "visibility": "CONSORTIUM",
                               "name": "Alpha's shared centre", "country": "KZ", "status": "OPERATING" } }),
            )
            .await["createTrainingCentre"]["trainingCentre"]["id"]
            .clone();
        let coord_token = s.app.token(Role::Viewer, Some(coord)).await;
        let seen = s
            .app
            .data_as(Some(&coord_token), "query($id: ID!) { node(id: $id) { id } }", json!({ "id": alphas }))
            .await;
        assert_eq!(seen["node"]["id"], alphas, "the coordinating organisation reads a member's shared record");
    }

    async fn tokens_go_only_to_organisations_inside_a_consortium(backend: Backend) {
        let s = Setting::new(backend).await;
        let token = |org: String| json!({ "label": "t", "role": "VIEWER", "organisation": org });
        for (name, expected) in [
            ("Alpha Polytechnic", "OK"),
            ("Alpha International Office", "OK"), // a unit of a member
            ("Coordinating Centre", "OK"),
            ("Bangkok Technical College", "BAD_USER_INPUT"), // a partner in the registry
            ("Werkstatt GmbH", "BAD_USER_INPUT"),
        ] {
            let outcome = s.outcome(&s.coordinator, CREATE_TOKEN, token(s.org(name).await)).await;
            assert_eq!(outcome, expected, "{name}");
        }
        let (_, body) = s
            .app
            .post_as(Some(&s.coordinator), CREATE_TOKEN, json!({ "i": token(s.org("Werkstatt GmbH").await) }))
            .await;
        assert_eq!(crate::helpers::error(&body).1.as_deref(), Some("input.organisation"));
        // A former member: Beta leaves, and gets no new token.
        let (_, v) = s.members().await;
        let beta = s.org("Beta University").await;
        let leave = json!({ "id": s.consortium, "expectedVersion": v, "organisation": beta, "leftOn": "2022-12-31" });
        assert_eq!(s.outcome(&s.coordinator, REMOVE, leave).await, "OK");
        assert_eq!(s.outcome(&s.coordinator, CREATE_TOKEN, token(beta)).await, "BAD_USER_INPUT");
    }
}
