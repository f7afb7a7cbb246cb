//! A property test: random sequences of writes and reads by random principals, checked
//! step by step against a small reference model of the rules. Whatever the sequence, no
//! principal reads or changes what the rules forbid, and every list shows exactly what
//! the model says the caller may read.
use crate::helpers::{Backend, CATALOGUE, TestApp, Vis, gid, shared_blocking, vis_name};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};
use service::entity::enums::Role;

/// Organisations: A and B share a consortium; C is outside it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Org {
    A,
    B,
    C,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Anonymous,
    Viewer(Org),
    Editor(Org),
    Admin(Org),
    Coordinator,
}

#[derive(Debug, Clone)]
enum Op {
    Create {
        who: Who,
        owner: Org,
        vis: Vis,
    },
    Update {
        who: Who,
        record: usize,
        stale: bool,
        vis: Option<Vis>,
    },
    Archive {
        who: Who,
        record: usize,
    },
    Restore {
        who: Who,
        record: usize,
    },
    Read {
        who: Who,
        record: usize,
    },
}

/// The model's record.
#[derive(Debug, Clone)]
struct Record {
    id: String,
    owner: Org,
    vis: Vis,
    version: i32,
    archived: bool,
}

// --- The reference model of the rules. ----------------------------------------------

fn org_of(who: Who) -> Option<Org> {
    match who {
        Who::Viewer(o) | Who::Editor(o) | Who::Admin(o) => Some(o),
        _ => None,
    }
}

fn peers(a: Org, b: Org) -> bool {
    a == b || (a != Org::C && b != Org::C)
}

fn may_read(who: Who, r: &Record) -> bool {
    match who {
        Who::Coordinator => true,
        Who::Anonymous => r.vis == Vis::Public && !r.archived,
        _ => {
            let me = org_of(who).unwrap();
            me == r.owner
                || (!r.archived
                    && (r.vis == Vis::Public || (r.vis == Vis::Consortium && peers(me, r.owner))))
        }
    }
}

fn may_write(who: Who, owner: Org) -> bool {
    match who {
        Who::Coordinator => true,
        Who::Editor(o) | Who::Admin(o) => o == owner,
        _ => false,
    }
}

/// The outcome of changing `r`, before the change-specific checks.
fn gate(who: Who, r: &Record) -> Option<&'static str> {
    if who == Who::Anonymous {
        // Refused before the input is read, so it learns nothing of the record.
        Some("UNAUTHENTICATED")
    } else if !may_read(who, r) {
        Some("NOT_FOUND")
    } else if !may_write(who, r.owner) {
        Some("FORBIDDEN")
    } else {
        None
    }
}

// --- Strategies. ----------------------------------------------------------------------

fn org() -> impl Strategy<Value = Org> {
    prop_oneof![Just(Org::A), Just(Org::B), Just(Org::C)]
}

fn who() -> impl Strategy<Value = Who> {
    prop_oneof![
        Just(Who::Anonymous),
        org().prop_map(Who::Viewer),
        org().prop_map(Who::Editor),
        org().prop_map(Who::Admin),
        Just(Who::Coordinator),
    ]
}

fn vis() -> impl Strategy<Value = Vis> {
    prop_oneof![Just(Vis::Private), Just(Vis::Consortium), Just(Vis::Public)]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (who(), org(), vis()).prop_map(|(who, owner, vis)| Op::Create { who, owner, vis }),
        3 => (who(), 0..8usize, any::<bool>(), proptest::option::of(vis())).prop_map(|(who, record, stale, vis)| Op::Update { who, record, stale, vis }),
        1 => (who(), 0..8usize).prop_map(|(who, record)| Op::Archive { who, record }),
        1 => (who(), 0..8usize).prop_map(|(who, record)| Op::Restore { who, record }),
        2 => (who(), 0..8usize).prop_map(|(who, record)| Op::Read { who, record }),
    ]
}

// --- Running a sequence against the real server. -----------------------------------------

struct World {
    app: TestApp,
    orgs: [(Org, i64); 3],
    tokens: Vec<(Who, String)>,
}

impl World {
    async fn new(backend: Backend) -> World {
        let app = TestApp::with_fixture(backend, CATALOGUE).await;
        let orgs = [
            (Org::A, app.organisation("Alpha Polytechnic").await),
            (Org::B, app.organisation("Beta University").await),
            (Org::C, app.organisation("Bangkok Technical College").await),
        ];
        // C shares no consortium with A and B, but is in one, so it may hold tokens.
        app.consortium_of_its_own(orgs[2].1).await;
        let mut tokens = vec![(Who::Coordinator, app.token(Role::Coordinator, None).await)];
        for (org, id) in orgs {
            tokens.push((Who::Viewer(org), app.token(Role::Viewer, Some(id)).await));
            tokens.push((Who::Editor(org), app.token(Role::Editor, Some(id)).await));
            tokens.push((Who::Admin(org), app.token(Role::Admin, Some(id)).await));
        }
        World { app, orgs, tokens }
    }

    fn token(&self, who: Who) -> Option<&str> {
        self.tokens
            .iter()
            .find(|(w, _)| *w == who)
            .map(|(_, t)| t.as_str())
    }

    fn org(&self, org: Org) -> String {
        gid(
            "Organisation",
            self.orgs.iter().find(|(o, _)| *o == org).unwrap().1,
        )
    }

    /// Runs `ops`, checking every outcome and, after each step, every principal's list.
    async fn run(&self, ops: &[Op]) -> Result<(), String> {
        let mut records: Vec<Record> = Vec::new();
        for (step, op) in ops.iter().enumerate() {
            let at = |what: String| format!("step {step} {op:?}: {what}");
            match op.clone() {
                Op::Create { who, owner, vis } => {
                    let input = json!({ "owner": self.org(owner), "visibility": vis_name(vis), "kind": "MEETING", "status": "PLANNED",
                                        "format": "ONLINE", "title": format!("Model event {step}"), "startDate": "2025-01-01" });
                    let (_, body) = self.app.post_as(self.token(who), "mutation($i: CreateEventInput!) { createEvent(input: $i) { event { id } } }", json!({ "i": input })).await;
                    let want = match who {
                        Who::Anonymous => "UNAUTHENTICATED",
                        w if may_write(w, owner) => "OK",
                        _ => "FORBIDDEN",
                    };
                    check(&body, want).map_err(at)?;
                    if want == "OK" {
                        let id = body["data"]["createEvent"]["event"]["id"]
                            .as_str()
                            .unwrap()
                            .to_owned();
                        records.push(Record {
                            id,
                            owner,
                            vis,
                            version: 1,
                            archived: false,
                        });
                    }
                }
                Op::Update {
                    who,
                    record,
                    stale,
                    vis,
                } => {
                    let index = pick(record, records.len());
                    let Some(r) = records.get_mut(index) else {
                        continue;
                    };
                    let version = if stale { r.version - 1 } else { r.version };
                    let mut input = json!({ "id": r.id, "expectedVersion": version, "title": format!("Model event, updated at step {step}") });
                    if let Some(v) = vis {
                        input["visibility"] = json!(vis_name(v));
                    }
                    let (_, body) = self.app.post_as(self.token(who), "mutation($i: UpdateEventInput!) { updateEvent(input: $i) { event { version } } }", json!({ "i": input })).await;
                    let want = gate(who, r).unwrap_or(if stale && version < 1 {
                        "BAD_USER_INPUT"
                    } else if stale {
                        "CONFLICT"
                    } else {
                        "OK"
                    });
                    check(&body, want).map_err(at)?;
                    if want == "OK" {
                        r.version += 1;
                        if let Some(v) = vis {
                            r.vis = v;
                        }
                    }
                }
                Op::Archive { who, record } | Op::Restore { who, record } => {
                    let archive = matches!(op, Op::Archive { .. });
                    let index = pick(record, records.len());
                    let Some(r) = records.get_mut(index) else {
                        continue;
                    };
                    let name = if archive {
                        "archiveEvent(input: $i)"
                    } else {
                        "restoreEvent(input: $i)"
                    };
                    let input_type = if archive {
                        "ArchiveEventInput"
                    } else {
                        "RestoreEventInput"
                    };
                    let query = format!(
                        "mutation($i: {input_type}!) {{ {name} {{ event {{ version }} }} }}"
                    );
                    let (_, body) = self
                        .app
                        .post_as(
                            self.token(who),
                            &query,
                            json!({ "i": { "id": r.id, "expectedVersion": r.version } }),
                        )
                        .await;
                    let want = gate(who, r).unwrap_or(if r.archived == archive {
                        "BAD_USER_INPUT"
                    } else {
                        "OK"
                    });
                    check(&body, want).map_err(at)?;
                    if want == "OK" {
                        r.archived = archive;
                        r.version += 1;
                    }
                }
                Op::Read { who, record } => {
                    let Some(r) = records.get(pick(record, records.len())) else {
                        continue;
                    };
                    let data = self
                        .app
                        .data_as(
                            self.token(who),
                            "query($id: ID!) { node(id: $id) { ... on Event { version } } }",
                            json!({ "id": r.id }),
                        )
                        .await;
                    let seen = data["node"].is_object();
                    if seen != may_read(who, r) {
                        return Err(at(format!(
                            "node visible: {seen}, model says {}",
                            may_read(who, r)
                        )));
                    }
                    if seen && data["node"]["version"] != r.version {
                        return Err(at(format!(
                            "version {} but model has {}",
                            data["node"]["version"], r.version
                        )));
                    }
                }
            }
            self.check_lists(&records)
                .await
                .map_err(|e| format!("after step {step} {op:?}: {e}"))?;
        }
        Ok(())
    }

    /// Every principal's event list (and its count) holds exactly the model's live, readable records.
    async fn check_lists(&self, records: &[Record]) -> Result<(), String> {
        let everyone = [Who::Anonymous]
            .into_iter()
            .chain(self.tokens.iter().map(|(w, _)| *w));
        for who in everyone {
            let data = self.app.data_as(self.token(who), r#"{ events(filter: { search: "Model event" }, first: 100) { totalCount nodes { id } } }"#, json!({})).await;
            let mut seen: Vec<String> = data["events"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["id"].as_str().unwrap().to_owned())
                .collect();
            let mut want: Vec<String> = records
                .iter()
                .filter(|r| !r.archived && may_read(who, r))
                .map(|r| r.id.clone())
                .collect();
            seen.sort();
            want.sort();
            if seen != want {
                return Err(format!("{who:?} lists {seen:?}, model says {want:?}"));
            }
            if data["events"]["totalCount"].as_u64() != Some(want.len() as u64) {
                return Err(format!(
                    "{who:?} totalCount {} but {} readable",
                    data["events"]["totalCount"],
                    want.len()
                ));
            }
        }
        Ok(())
    }
}

fn pick(index: usize, len: usize) -> usize {
    if len == 0 { usize::MAX } else { index % len }
}

fn check(body: &Value, want: &str) -> Result<(), String> {
    let got = body["errors"][0]["extensions"]["code"].as_str().unwrap_or(
        if body.get("errors").is_some() {
            "NO CODE"
        } else {
            "OK"
        },
    );
    if got == want {
        Ok(())
    } else {
        Err(format!("got {got}, model says {want}: {body}"))
    }
}

fn run_model(backend: Backend, cases: u32) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&proptest::collection::vec(op(), 1..24), |ops| {
        let outcome = runtime.block_on(async {
            let world = World::new(backend).await;
            world.run(&ops).await
        });
        outcome.map_err(TestCaseError::fail)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn random_writes_and_reads_follow_the_rules_on_sqlite() {
    let _gate = shared_blocking();
    run_model(Backend::Sqlite, 24);
}

#[test]
fn random_writes_and_reads_follow_the_rules_on_postgres() {
    let _gate = shared_blocking();
    run_model(Backend::Postgres, 12);
}
