//! The tenancy matrix: for every record kind × principal × visibility × operation, the
//! outcome the rules give. The rules are the three small tables below; every expected
//! outcome is computed from them, none is written out case by case.
use crate::helpers::{Backend, TestApp, Vis, gid, nodes, on_both, vis_name, world};
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Anonymous,
    ViewerA,
    EditorA,
    EditorB,
    AdminA,
    Coordinator,
}

const EVERYONE: [Who; 6] = [
    Who::Anonymous,
    Who::ViewerA,
    Who::EditorA,
    Who::EditorB,
    Who::AdminA,
    Who::Coordinator,
];
const VISIBILITIES: [Vis; 3] = [Vis::Private, Vis::Consortium, Vis::Public];

// --- The rules, for records owned by A (B shares a consortium with A). -------------

/// Who reads a record of each visibility: [private, consortium, public].
const READS: [(Who, [bool; 3]); 6] = [
    (Who::Anonymous, [false, false, true]),
    (Who::ViewerA, [true, true, true]),
    (Who::EditorA, [true, true, true]),
    (Who::EditorB, [false, true, true]),
    (Who::AdminA, [true, true, true]),
    (Who::Coordinator, [true, true, true]),
];

/// Who writes A's records.
const WRITES: [(Who, bool); 6] = [
    (Who::Anonymous, false),
    (Who::ViewerA, false),
    (Who::EditorA, true),
    (Who::EditorB, false),
    (Who::AdminA, true),
    (Who::Coordinator, true),
];

/// Who confirms a record whose parties (or hosts) are A and B: their editors and admins.
const CONFIRMS: [(Who, bool); 6] = [
    (Who::Anonymous, false),
    (Who::ViewerA, false),
    (Who::EditorA, true),
    (Who::EditorB, true),
    (Who::AdminA, true),
    (Who::Coordinator, false),
];

fn reads(who: Who, vis: Vis) -> bool {
    READS.iter().find(|(w, _)| *w == who).unwrap().1[vis as usize]
}

fn writes(who: Who) -> bool {
    WRITES.iter().find(|(w, _)| *w == who).unwrap().1
}

fn confirms(who: Who) -> bool {
    CONFIRMS.iter().find(|(w, _)| *w == who).unwrap().1
}

/// The outcome of changing an existing record: a token is needed before anything is
/// read; then hidden records do not exist; then the right to write.
fn change(who: Who, vis: Vis, allowed: bool) -> &'static str {
    if who == Who::Anonymous {
        "UNAUTHENTICATED"
    } else if !reads(who, vis) {
        "NOT_FOUND"
    } else if allowed {
        "OK"
    } else {
        "FORBIDDEN"
    }
}

fn create(who: Who) -> &'static str {
    match who {
        Who::Anonymous => "UNAUTHENTICATED",
        w if writes(w) => "OK",
        _ => "FORBIDDEN",
    }
}

// --- The record kinds. ---------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Event,
    Agreement,
    CurriculumStandard,
    TrainingCentre,
    Indicator,
    Adoption,
}

const KINDS: [Kind; 6] = [
    Kind::Event,
    Kind::Agreement,
    Kind::CurriculumStandard,
    Kind::TrainingCentre,
    Kind::Indicator,
    Kind::Adoption,
];

struct Matrix {
    app: TestApp,
    a: String,
    b: String,
    tokens: Vec<(Who, Option<String>)>,
    serial: std::cell::Cell<u32>,
}

impl Matrix {
    fn token(&self, who: Who) -> Option<&str> {
        self.tokens
            .iter()
            .find(|(w, _)| *w == who)
            .unwrap()
            .1
            .as_deref()
    }

    fn coordinator(&self) -> Option<&str> {
        self.token(Who::Coordinator)
    }

    fn unique(&self, what: &str) -> String {
        self.serial.set(self.serial.get() + 1);
        format!("{what} {}", self.serial.get())
    }

    /// The mutation that creates a `kind` record owned by A, and the path to its id.
    fn create_request(
        &self,
        kind: Kind,
        vis: Vis,
        parent: Option<(&str, i32)>,
    ) -> (String, Value, &'static str) {
        let v = vis_name(vis);
        let a = &self.a;
        let b = &self.b;
        match kind {
            Kind::Event => (
                "mutation($i: CreateEventInput!) { createEvent(input: $i) { event { id } } }".into(),
                json!({ "owner": a, "visibility": v, "kind": "MEETING", "status": "PLANNED", "format": "ONLINE", "title": self.unique("Matrix event"), "startDate": "2025-06-01",
                        "organisations": [{ "organisation": a, "role": "HOST" }, { "organisation": b, "role": "CO_HOST" }] }),
                "/createEvent/event/id",
            ),
            Kind::Agreement => (
                "mutation($i: CreateAgreementInput!) { createAgreement(input: $i) { agreement { id } } }".into(),
                json!({ "owner": a, "visibility": v, "kind": "MOU", "status": "DRAFT", "title": self.unique("Matrix agreement"),
                        "parties": [{ "organisation": a }, { "organisation": b }] }),
                "/createAgreement/agreement/id",
            ),
            Kind::CurriculumStandard => (
                "mutation($i: CreateCurriculumStandardInput!) { createCurriculumStandard(input: $i) { curriculumStandard { id } } }".into(),
                json!({ "owner": a, "visibility": v, "title": self.unique("Matrix standard") }),
                "/createCurriculumStandard/curriculumStandard/id",
            ),
            Kind::TrainingCentre => (
                "mutation($i: CreateTrainingCentreInput!) { createTrainingCentre(input: $i) { trainingCentre { id } } }".into(),
                json!({ "owner": a, "visibility": v, "name": self.unique("Matrix centre"), "country": "KZ", "status": "PLANNED" }),
                "/createTrainingCentre/trainingCentre/id",
            ),
            Kind::Indicator => (
                "mutation($i: CreateIndicatorInput!) { createIndicator(input: $i) { indicator { id } } }".into(),
                json!({ "owner": a, "visibility": v, "metric": "OTHER", "value": 1.0, "note": self.unique("Matrix indicator") }),
                "/createIndicator/indicator/id",
            ),
            Kind::Adoption => {
                let (standard, version) = parent.expect("an adoption needs its standard");
                (
                    "mutation($i: AddAdoptionInput!) { addAdoption(input: $i) { adoption { id } } }".into(),
                    json!({ "standard": standard, "expectedVersion": version, "country": "KZ", "kind": "PILOTED", "evidence": self.unique("Matrix adoption") }),
                    "/addAdoption/adoption/id",
                )
            }
        }
    }

    /// Creates a record as the coordinator; for an adoption, under a new standard of the
    /// same visibility. Returns (id, version, the standard's id and version for adoptions).
    async fn make(&self, kind: Kind, vis: Vis) -> (String, i32, Option<(String, i32)>) {
        let parent = if kind == Kind::Adoption {
            let (standard, _, _) = Box::pin(self.make(Kind::CurriculumStandard, vis)).await;
            Some(standard)
        } else {
            None
        };
        let (query, input, path) =
            self.create_request(kind, vis, parent.as_deref().map(|s| (s, 1)));
        let data = self
            .app
            .data_as(self.coordinator(), &query, json!({ "i": input }))
            .await;
        let id = data.pointer(path).unwrap().as_str().unwrap().to_owned();
        match parent {
            Some(standard) => (id, 2, Some((standard, 2))),
            None => (id, 1, None),
        }
    }

    /// Reads: node, the root list, the nested list from the owner (or country) and its count.
    async fn reads_as(&self, who: Who, kind: Kind, id: &str) -> [bool; 4] {
        let token = self.token(who);
        let node = self
            .app
            .data_as(
                token,
                "query($id: ID!) { node(id: $id) { id } }",
                json!({ "id": id }),
            )
            .await["node"]
            .is_object();
        let (root, filter, nested) = match kind {
            Kind::Event => ("events", json!({ "owners": [self.a] }), "events"),
            Kind::Agreement => ("agreements", json!({ "owners": [self.a] }), "agreements"),
            Kind::CurriculumStandard => (
                "curriculumStandards",
                json!({ "owners": [self.a] }),
                "curriculumStandards",
            ),
            Kind::TrainingCentre => (
                "trainingCentres",
                json!({ "owners": [self.a] }),
                "operatedCentres",
            ),
            Kind::Indicator => ("indicators", json!({ "owners": [self.a] }), "indicators"),
            Kind::Adoption => ("adoptions", json!({ "countries": ["KZ"] }), "adoptions"),
        };
        let filter_type = match kind {
            Kind::Event => "EventFilter",
            Kind::Agreement => "AgreementFilter",
            Kind::CurriculumStandard => "CurriculumStandardFilter",
            Kind::TrainingCentre => "TrainingCentreFilter",
            Kind::Indicator => "IndicatorFilter",
            Kind::Adoption => "AdoptionFilter",
        };
        let nested_parent = if kind == Kind::Adoption {
            r#"countries(filter: { codes: ["KZ"] })"#.to_owned()
        } else {
            r#"organisations(filter: { search: "Alpha Polytechnic" })"#.to_owned()
        };
        let query = format!(
            "query($f: {filter_type}) {{ list: {root}(filter: $f, first: 100) {{ nodes {{ id }} }} parent: {nested_parent} {{ nodes {{ nested: {nested}(first: 100) {{ totalCount nodes {{ id }} }} }} }} }}"
        );
        let data = self
            .app
            .data_as(token, &query, json!({ "f": filter }))
            .await;
        let in_list = nodes(&data["list"], "id").contains(&id.to_owned());
        let nested = &data["parent"]["nodes"][0]["nested"];
        let in_nested = nodes(nested, "id").contains(&id.to_owned());
        let counted = nested["totalCount"].as_u64().unwrap() as usize
            == nested["nodes"].as_array().unwrap().len();
        [node, in_list, in_nested, counted]
    }

    async fn update_as(&self, who: Who, kind: Kind, id: &str, version: i32) -> String {
        let (query, input) = match kind {
            Kind::Event => (
                "mutation($i: UpdateEventInput!) { updateEvent(input: $i) { event { id } } }",
                json!({ "id": id, "expectedVersion": version, "title": "Changed" }),
            ),
            Kind::Agreement => (
                "mutation($i: UpdateAgreementInput!) { updateAgreement(input: $i) { agreement { id } } }",
                json!({ "id": id, "expectedVersion": version, "title": "Changed" }),
            ),
            Kind::CurriculumStandard => (
                "mutation($i: UpdateCurriculumStandardInput!) { updateCurriculumStandard(input: $i) { curriculumStandard { id } } }",
                json!({ "id": id, "expectedVersion": version, "title": "Changed" }),
            ),
            Kind::TrainingCentre => (
                "mutation($i: UpdateTrainingCentreInput!) { updateTrainingCentre(input: $i) { trainingCentre { id } } }",
                json!({ "id": id, "expectedVersion": version, "name": "Changed" }),
            ),
            Kind::Indicator => (
                "mutation($i: UpdateIndicatorInput!) { updateIndicator(input: $i) { indicator { id } } }",
                json!({ "id": id, "expectedVersion": version, "value": 2.0 }),
            ),
            // An adoption changes by being removed from its standard (whose version is given).
            Kind::Adoption => (
                "mutation($i: RemoveAdoptionInput!) { removeAdoption(input: $i) { curriculumStandard { id } } }",
                json!({ "id": id, "expectedVersion": version }),
            ),
        };
        self.app
            .outcome_as(self.token(who), query, json!({ "i": input }))
            .await
    }

    async fn archive_as(&self, who: Who, kind: Kind, id: &str, version: i32) -> String {
        let name = match kind {
            Kind::Event => "Event",
            Kind::Agreement => "Agreement",
            Kind::CurriculumStandard => "CurriculumStandard",
            Kind::TrainingCentre => "TrainingCentre",
            Kind::Indicator => "Indicator",
            Kind::Adoption => unreachable!("adoptions are removed, not archived"),
        };
        let query = format!(
            "mutation($i: Archive{name}Input!) {{ archive{name}(input: $i) {{ __typename }} }}"
        );
        self.app
            .outcome_as(
                self.token(who),
                &query,
                json!({ "i": { "id": id, "expectedVersion": version } }),
            )
            .await
    }

    async fn confirm_as(&self, who: Who, kind: Kind, id: &str, version: i32) -> String {
        let name = if kind == Kind::Event {
            "Event"
        } else {
            "Agreement"
        };
        let query = format!(
            "mutation($i: Confirm{name}Input!) {{ confirm{name}(input: $i) {{ __typename }} }}"
        );
        self.app
            .outcome_as(
                self.token(who),
                &query,
                json!({ "i": { "id": id, "expectedVersion": version } }),
            )
            .await
    }

    async fn create_as(&self, who: Who, kind: Kind) -> String {
        let parent = if kind == Kind::Adoption {
            // A public standard of A's, so that only the right to write decides.
            let (standard, _, _) = Box::pin(self.make(Kind::CurriculumStandard, Vis::Public)).await;
            Some(standard)
        } else {
            None
        };
        let (query, input, _) =
            self.create_request(kind, Vis::Private, parent.as_deref().map(|s| (s, 1)));
        self.app
            .outcome_as(self.token(who), &query, json!({ "i": input }))
            .await
    }
}

on_both! {
    async fn every_kind_principal_visibility_and_operation(backend: Backend) {
        let w = world(backend).await;
        let tokens = vec![
            (Who::Anonymous, None),
            (Who::ViewerA, Some(w.viewer_a)),
            (Who::EditorA, Some(w.editor_a)),
            (Who::EditorB, Some(w.editor_b)),
            (Who::AdminA, Some(w.admin_a)),
            (Who::Coordinator, Some(w.coordinator)),
        ];
        let m = Matrix { app: w.app, a: gid("Organisation", w.alpha), b: gid("Organisation", w.beta), tokens, serial: Default::default() };
        let mut failures = Vec::new();
        let mut checked = 0;
        for kind in KINDS {
            for vis in VISIBILITIES {
                let (id, _, _) = m.make(kind, vis).await;
                for who in EVERYONE {
                    // Reads: node, list, nested, and a nested totalCount that counts only what is shown.
                    let got = m.reads_as(who, kind, &id).await;
                    let want = reads(who, vis);
                    let expected = [want, want, want, true];
                    checked += 4;
                    if got != expected {
                        failures.push(format!("{kind:?} {vis:?} {who:?} reads: got {got:?}, want {expected:?}"));
                    }
                    // Writes, each on a fresh record so that one outcome does not change the next.
                    let (target, version, parent) = m.make(kind, vis).await;
                    let version = parent.as_ref().map_or(version, |(_, v)| *v);
                    let mut writes_here = vec![("update", m.update_as(who, kind, &target, version).await, change(who, vis, writes(who)))];
                    if kind != Kind::Adoption {
                        let (target, version, _) = m.make(kind, vis).await;
                        writes_here.push(("archive", m.archive_as(who, kind, &target, version).await, change(who, vis, writes(who))));
                    }
                    if matches!(kind, Kind::Event | Kind::Agreement) {
                        let (target, version, _) = m.make(kind, vis).await;
                        writes_here.push(("confirm", m.confirm_as(who, kind, &target, version).await, change(who, vis, confirms(who))));
                    }
                    if vis == Vis::Private {
                        writes_here.push(("create", m.create_as(who, kind).await, create(who)));
                    }
                    for (op, got, want) in writes_here {
                        checked += 1;
                        if got != want {
                            failures.push(format!("{kind:?} {vis:?} {who:?} {op}: got {got}, want {want}"));
                        }
                    }
                }
            }
        }
        assert!(failures.is_empty(), "{} of {checked} outcomes differ from the rules:\n{}", failures.len(), failures.join("\n"));
        assert!(checked > 500, "the matrix checked {checked} outcomes");
    }
}
