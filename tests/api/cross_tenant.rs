//! A hostile consortium: Alpha owns records of every kind in every visibility, live and
//! archived; its consortium peer Gamma, Delta from another consortium, Epsilon (who
//! joins only in 2099), Zeta (who left in 2001), anonymous callers and Alpha's own
//! tokens read and write them through every path: node, nodes, root lists and their
//! counts, archived lists, search, nested lists, filters that name other records, the
//! audit log, and writes. What each may see is computed from one rule (`reads`), never
//! written out case by case; a hidden record must answer exactly as a missing one.
use std::collections::BTreeSet;

use serde_json::{Value, json};
use service::entity::enums::Role;

use crate::helpers::{Backend, CATALOGUE, TestApp, Vis, gid, nodes, on_both, vis_name};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    ViewerA,
    EditorA,
    AdminA,
    /// Alpha's consortium peer.
    PeerC,
    /// A member of another consortium.
    OutsiderB,
    /// Joins Alpha's consortium on 2099-01-01.
    FutureE,
    /// Left Alpha's consortium on 2001-12-31.
    FormerF,
    Coordinator,
}

const EVERYONE: [Who; 9] = [
    Who::Anonymous,
    Who::ViewerA,
    Who::EditorA,
    Who::AdminA,
    Who::PeerC,
    Who::OutsiderB,
    Who::FutureE,
    Who::FormerF,
    Who::Coordinator,
];

const VISIBILITIES: [Vis; 3] = [Vis::Private, Vis::Consortium, Vis::Public];

/// The one rule: who may read a record of Alpha's with this visibility, live or archived.
fn reads(who: Who, vis: Vis, archived: bool) -> bool {
    match who {
        Who::Coordinator | Who::ViewerA | Who::EditorA | Who::AdminA => true,
        Who::PeerC => !archived && vis != Vis::Private,
        _ => !archived && vis == Vis::Public,
    }
}

/// Lists show live records; `archived: true` lists the archived ones a caller may read.
fn listed(who: Who, vis: Vis, archived: bool, asking_for_archived: bool) -> bool {
    reads(who, vis, archived) && archived == asking_for_archived
}

/// What changing a record answers: hidden is missing; then the right to write.
fn change(who: Who, vis: Vis, archived: bool) -> &'static str {
    if who == Who::Anonymous {
        "UNAUTHENTICATED"
    } else if !reads(who, vis, archived) {
        "NOT_FOUND"
    } else if matches!(who, Who::EditorA | Who::AdminA | Who::Coordinator) {
        "OK"
    } else {
        "FORBIDDEN"
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Event,
    Agreement,
    CurriculumStandard,
    TrainingCentre,
    Indicator,
}

const KINDS: [Kind; 5] = [
    Kind::Event,
    Kind::Agreement,
    Kind::CurriculumStandard,
    Kind::TrainingCentre,
    Kind::Indicator,
];

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Event => "Event",
            Kind::Agreement => "Agreement",
            Kind::CurriculumStandard => "CurriculumStandard",
            Kind::TrainingCentre => "TrainingCentre",
            Kind::Indicator => "Indicator",
        }
    }

    fn list(self) -> &'static str {
        match self {
            Kind::Event => "events",
            Kind::Agreement => "agreements",
            Kind::CurriculumStandard => "curriculumStandards",
            Kind::TrainingCentre => "trainingCentres",
            Kind::Indicator => "indicators",
        }
    }

    /// The organisation's nested list that holds Alpha's records of this kind.
    fn nested(self) -> &'static str {
        match self {
            Kind::Event => "events",
            Kind::Agreement => "agreements",
            Kind::CurriculumStandard => "curriculumStandards",
            Kind::TrainingCentre => "operatedCentres",
            Kind::Indicator => "indicators",
        }
    }

    /// An update that changes nothing that matters, for the write probes.
    fn update(self) -> (&'static str, &'static str) {
        match self {
            Kind::Event => ("updateEvent", "title"),
            Kind::Agreement => ("updateAgreement", "title"),
            Kind::CurriculumStandard => ("updateCurriculumStandard", "title"),
            Kind::TrainingCentre => ("updateTrainingCentre", "name"),
            Kind::Indicator => ("updateIndicator", "note"),
        }
    }
}

/// One of Alpha's records: its kind, visibility, whether archived, its id and its parts'.
#[derive(Debug, Clone)]
struct Made {
    kind: Kind,
    vis: Vis,
    archived: bool,
    id: String,
    /// An event's presentation, a standard's adoption: parts with their own ids.
    part: Option<String>,
    /// For an event: a public live agreement signed there and a public live indicator
    /// about it, owned by Alpha, to probe the filters that name events.
    signed_here: Option<String>,
    reported_here: Option<String>,
}

struct World {
    app: TestApp,
    alpha: String,
    person: String,
    tokens: Vec<(Who, Option<String>)>,
    made: Vec<Made>,
}

impl World {
    fn token(&self, who: Who) -> Option<&str> {
        self.tokens
            .iter()
            .find(|(w, _)| *w == who)
            .unwrap()
            .1
            .as_deref()
    }

    async fn as_coordinator(&self, query: &str, variables: Value) -> Value {
        self.app
            .data_as(self.token(Who::Coordinator), query, variables)
            .await
    }

    async fn data(&self, who: Who, query: &str, variables: Value) -> Value {
        self.app.data_as(self.token(who), query, variables).await
    }
}

const CODE_PREFIX: &str = "XT-";

async fn create(world: &World, kind: Kind, vis: Vis, serial: usize, event: Option<&str>) -> String {
    let v = vis_name(vis);
    let (a, p) = (&world.alpha, &world.person);
    let title = format!("Cross {} {serial}", kind.name());
    let (mutation, input) = match kind {
        Kind::Event => (
            "createEvent(input: $i) { event { id } }",
            json!({ "owner": a, "visibility": v, "kind": "SYMPOSIUM", "status": "HELD", "format": "ONSITE",
                    "title": title, "startDate": "2024-05-05",
                    "organisations": [{ "organisation": a, "role": "HOST" }],
                    "participants": [{ "person": p, "role": "SPEAKER" }],
                    "presentations": [{ "title": format!("Talk {serial}"), "presenters": [p] }],
                    "outcomes": [{ "description": "Certificates" }] }),
        ),
        Kind::Agreement => (
            "createAgreement(input: $i) { agreement { id } }",
            json!({ "owner": a, "visibility": v, "kind": "MOU", "status": "DRAFT", "title": title,
                    "signedAt": event,
                    "parties": [{ "organisation": a }],
                    "people": [{ "person": p, "role": "SIGNATORY" }] }),
        ),
        Kind::CurriculumStandard => (
            "createCurriculumStandard(input: $i) { curriculumStandard { id } }",
            json!({ "owner": a, "visibility": v, "title": title, "developer": a,
                    "code": format!("{CODE_PREFIX}{serial}") }),
        ),
        Kind::TrainingCentre => (
            "createTrainingCentre(input: $i) { trainingCentre { id } }",
            json!({ "owner": a, "visibility": v, "name": title, "country": "KZ", "status": "OPERATING" }),
        ),
        Kind::Indicator => (
            "createIndicator(input: $i) { indicator { id } }",
            json!({ "owner": a, "visibility": v, "metric": "OTHER", "value": 1.0, "note": title, "event": event }),
        ),
    };
    let input_type = format!("Create{}Input", kind.name());
    let data = world
        .as_coordinator(
            &format!("mutation($i: {input_type}!) {{ {mutation} }}"),
            json!({ "i": input }),
        )
        .await;
    let key = match kind {
        Kind::CurriculumStandard => "curriculumStandard",
        Kind::TrainingCentre => "trainingCentre",
        Kind::Event => "event",
        Kind::Agreement => "agreement",
        Kind::Indicator => "indicator",
    };
    data[format!("create{}", kind.name())][key]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn version(world: &World, id: &str) -> i64 {
    let data = world
        .as_coordinator(
            "query($id: ID!) { node(id: $id) { ... on Event { version } ... on Agreement { version } ... on CurriculumStandard { version } ... on TrainingCentre { version } ... on Indicator { version } } }",
            json!({ "id": id }),
        )
        .await;
    data["node"]["version"].as_i64().unwrap()
}

async fn archive(world: &World, kind: Kind, id: &str) {
    let v = version(world, id).await;
    let name = kind.name();
    world
        .as_coordinator(
            &format!(
                "mutation($i: Archive{name}Input!) {{ archive{name}(input: $i) {{ __typename }} }}"
            ),
            json!({ "i": { "id": id, "expectedVersion": v } }),
        )
        .await;
}

/// Creates an organisation and returns its global id.
async fn organisation(world: &World, name: &str) -> String {
    world
        .as_coordinator(
            "mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { organisation { id } } }",
            json!({ "i": { "kind": "UNIVERSITY", "nameEn": name, "country": "CN" } }),
        )
        .await["createOrganisation"]["organisation"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn build(backend: Backend) -> World {
    let app = TestApp::with_fixture(backend, CATALOGUE).await;
    let alpha_key = app.organisation("Alpha Polytechnic").await;
    let beta_key = app.organisation("Beta University").await;
    let coordinator = app.token(Role::Coordinator, None).await;
    let mut world = World {
        alpha: gid("Organisation", alpha_key),
        person: String::new(),
        tokens: vec![
            (Who::Coordinator, Some(coordinator)),
            (Who::Anonymous, None),
        ],
        made: Vec::new(),
        app,
    };
    let gamma = organisation(&world, "Gamma College").await;
    let delta = organisation(&world, "Delta Institute").await;
    let epsilon = organisation(&world, "Epsilon University").await;
    let zeta = organisation(&world, "Zeta Academy").await;
    world.person = world
        .as_coordinator(
            "mutation($i: CreatePersonInput!) { createPerson(input: $i) { person { id } } }",
            json!({ "i": { "familyName": "CROSS", "givenName": "Tenant" } }),
        )
        .await["createPerson"]["person"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Alpha's consortium, with a peer, a future and a former member; Delta elsewhere.
    let consortium = world
        .as_coordinator(
            "{ consortia(filter: { search: \"Fixture Consortium\" }) { nodes { id version } } }",
            json!({}),
        )
        .await["consortia"]["nodes"][0]
        .clone();
    world
        .as_coordinator(
            "mutation($i: SetConsortiumMembersInput!) { setConsortiumMembers(input: $i) { __typename } }",
            json!({ "i": { "id": consortium["id"], "expectedVersion": consortium["version"], "members": [
                { "organisation": world.alpha, "joinedOn": "2020-01-01" },
                { "organisation": gid("Organisation", beta_key), "joinedOn": "2021-06-01" },
                { "organisation": gamma, "joinedOn": "2015-01-01" },
                { "organisation": epsilon, "joinedOn": "2099-01-01" },
                { "organisation": zeta, "joinedOn": "1995-01-01", "leftOn": "2001-12-31" },
            ] } }),
        )
        .await;
    let other = world
        .as_coordinator(
            "mutation { createConsortium(input: { nameEn: \"Other Consortium\" }) { consortium { id version } } }",
            json!({}),
        )
        .await["createConsortium"]["consortium"]
        .clone();
    world
        .as_coordinator(
            "mutation($i: SetConsortiumMembersInput!) { setConsortiumMembers(input: $i) { __typename } }",
            json!({ "i": { "id": other["id"], "expectedVersion": other["version"], "members": [
                { "organisation": delta, "joinedOn": "2010-01-01" },
                // Epsilon and Zeta hold tokens as members here (tokens go to members only).
                { "organisation": epsilon, "joinedOn": "2010-01-01" },
                { "organisation": zeta, "joinedOn": "2010-01-01" },
            ] } }),
        )
        .await;
    let key = |id: &str| crate::helpers::key(id);
    for (who, role, org) in [
        (Who::ViewerA, Role::Viewer, alpha_key),
        (Who::EditorA, Role::Editor, alpha_key),
        (Who::AdminA, Role::Admin, alpha_key),
        (Who::PeerC, Role::Editor, key(&gamma)),
        (Who::OutsiderB, Role::Editor, key(&delta)),
        (Who::FutureE, Role::Editor, key(&epsilon)),
        (Who::FormerF, Role::Editor, key(&zeta)),
    ] {
        let token = world.app.token(role, Some(org)).await;
        world.tokens.push((who, Some(token)));
    }
    // Every kind in every visibility, live and archived.
    let mut serial = 0;
    for kind in KINDS {
        for vis in VISIBILITIES {
            for archived in [false, true] {
                serial += 1;
                let id = create(&world, kind, vis, serial, None).await;
                let mut made = Made {
                    kind,
                    vis,
                    archived,
                    id: id.clone(),
                    part: None,
                    signed_here: None,
                    reported_here: None,
                };
                match kind {
                    Kind::Event => {
                        made.part = world
                            .as_coordinator(
                                "query($id: ID!) { node(id: $id) { ... on Event { presentations { id } } } }",
                                json!({ "id": id }),
                            )
                            .await["node"]["presentations"][0]["id"]
                            .as_str()
                            .map(str::to_owned);
                        serial += 1;
                        made.signed_here = Some(
                            create(&world, Kind::Agreement, Vis::Public, serial, Some(&id)).await,
                        );
                        serial += 1;
                        made.reported_here = Some(
                            create(&world, Kind::Indicator, Vis::Public, serial, Some(&id)).await,
                        );
                    }
                    Kind::CurriculumStandard => {
                        let v = version(&world, &id).await;
                        made.part = world
                            .as_coordinator(
                                "mutation($i: AddAdoptionInput!) { addAdoption(input: $i) { adoption { id } } }",
                                json!({ "i": { "standard": id, "expectedVersion": v, "country": "KZ", "kind": "ADOPTED", "institution": world.alpha } }),
                            )
                            .await["addAdoption"]["adoption"]["id"]
                            .as_str()
                            .map(str::to_owned);
                    }
                    _ => {}
                }
                if archived {
                    archive(&world, kind, &id).await;
                }
                world.made.push(made);
            }
        }
    }
    world
}

fn ids(world: &World, pick: impl Fn(&Made) -> bool) -> BTreeSet<String> {
    world
        .made
        .iter()
        .filter(|m| pick(m))
        .map(|m| m.id.clone())
        .collect()
}

/// Only the matrix's own records of a list (the fixture has others of Alpha's).
fn ours(world: &World, found: Vec<String>) -> BTreeSet<String> {
    let all = ids(world, |_| true);
    found.into_iter().filter(|id| all.contains(id)).collect()
}

/// node, nodes: every record and part opens exactly when its record may be read.
async fn probe_nodes(world: &World, who: Who) {
    let mut all = Vec::new();
    for m in &world.made {
        all.push((m.id.clone(), reads(who, m.vis, m.archived)));
        if let Some(part) = &m.part {
            all.push((part.clone(), reads(who, m.vis, m.archived)));
        }
    }
    let ids: Vec<&str> = all.iter().map(|(id, _)| id.as_str()).collect();
    for chunk in ids.chunks(100).zip(all.chunks(100)) {
        let data = world
            .data(
                who,
                "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
                json!({ "ids": chunk.0 }),
            )
            .await;
        for (i, (id, expected)) in chunk.1.iter().enumerate() {
            assert_eq!(
                data["nodes"][i].is_object(),
                *expected,
                "{who:?} nodes({id})"
            );
        }
    }
    for (id, expected) in &all {
        let node = world
            .data(
                who,
                "query($id: ID!) { node(id: $id) { id } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(node["node"].is_object(), *expected, "{who:?} node({id})");
    }
}

/// Root lists, their counts, archived lists, search, nested lists from Alpha.
async fn probe_lists(world: &World, who: Who) {
    for kind in KINDS {
        for asking_archived in [false, true] {
            let expected: BTreeSet<String> = world
                .made
                .iter()
                .filter(|m| m.kind == kind && listed(who, m.vis, m.archived, asking_archived))
                .map(|m| m.id.clone())
                .collect();
            let list = kind.list();
            let query = format!(
                "query($a: ID!, $archived: Boolean) {{
                   list: {list}(filter: {{ owners: [$a], archived: $archived }}, first: 100) {{ totalCount nodes {{ id }} }}
                   search: {list}(filter: {{ {search}, archived: $archived }}, first: 100) {{ nodes {{ id }} }}
                 }}",
                search = if kind == Kind::TrainingCentre || kind == Kind::Indicator {
                    "owners: [$a]".to_owned()
                } else {
                    "search: \"Cross\"".to_owned()
                }
            );
            let data = world
                .data(
                    who,
                    &query,
                    json!({ "a": world.alpha, "archived": asking_archived }),
                )
                .await;
            let found = ours(world, nodes(&data["list"], "id"));
            let matrix_only: BTreeSet<String> = expected
                .iter()
                .filter(|id| !is_helper(world, id))
                .cloned()
                .collect();
            let found_matrix: BTreeSet<String> = found
                .iter()
                .filter(|id| !is_helper(world, id))
                .cloned()
                .collect();
            assert_eq!(
                found_matrix, matrix_only,
                "{who:?} {list}(archived: {asking_archived})"
            );
            let counted = data["list"]["totalCount"].as_u64().unwrap() as usize;
            assert_eq!(
                counted,
                data["list"]["nodes"].as_array().unwrap().len(),
                "{who:?} {list} totalCount"
            );
            let searched: BTreeSet<String> = ours(world, nodes(&data["search"], "id"))
                .into_iter()
                .filter(|id| !is_helper(world, id))
                .collect();
            assert_eq!(searched, matrix_only, "{who:?} {list} search");
        }
        // Nested under Alpha: live records only, counted as listed.
        let nested = kind.nested();
        let data = world
            .data(
                who,
                &format!(
                    "query($a: ID!) {{ node(id: $a) {{ ... on Organisation {{ {nested}(first: 100) {{ totalCount nodes {{ id }} }} }} }} }}"
                ),
                json!({ "a": world.alpha }),
            )
            .await;
        let connection = &data["node"][nested];
        let found: BTreeSet<String> = ours(world, nodes(connection, "id"))
            .into_iter()
            .filter(|id| !is_helper(world, id))
            .collect();
        let expected: BTreeSet<String> = world
            .made
            .iter()
            .filter(|m| m.kind == kind && listed(who, m.vis, m.archived, false))
            .map(|m| m.id.clone())
            .collect();
        assert_eq!(found, expected, "{who:?} Alpha's {nested}");
        assert_eq!(
            connection["totalCount"].as_u64().unwrap() as usize,
            connection["nodes"].as_array().unwrap().len(),
            "{who:?} Alpha's {nested} totalCount"
        );
    }
}

/// The public agreements and indicators made only to probe the event filters.
fn is_helper(world: &World, id: &str) -> bool {
    world
        .made
        .iter()
        .any(|m| m.signed_here.as_deref() == Some(id) || m.reported_here.as_deref() == Some(id))
}

/// Parts reached other than through their record: the person's participations,
/// presentations and signatures, the adoptions list and Kazakhstan's adoptions. A part
/// of an archived record is listed nowhere but under the record.
async fn probe_parts(world: &World, who: Who) {
    let data = world
        .data(
            who,
            "query($p: ID!) {
               person: node(id: $p) { ... on Person {
                 participations(first: 100) { totalCount nodes { event { id } } }
                 presentations(first: 100) { totalCount nodes { event { id } } }
                 signatures(first: 100) { totalCount nodes { agreement { id } } }
               } }
               adoptions(filter: { countries: [\"KZ\"] }, first: 100) { totalCount nodes { standard { id } } }
               countries(filter: { codes: [\"KZ\"] }) { nodes { adoptions(first: 100) { totalCount nodes { standard { id } } } } }
             }",
            json!({ "p": world.person }),
        )
        .await;
    let live = |kind: Kind| -> BTreeSet<String> {
        world
            .made
            .iter()
            .filter(|m| m.kind == kind && listed(who, m.vis, m.archived, false))
            .map(|m| m.id.clone())
            .collect()
    };
    let parents = |connection: &Value, field: &str| -> BTreeSet<String> {
        let ids: Vec<String> = connection["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n[field]["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            connection["totalCount"].as_u64().unwrap() as usize,
            ids.len(),
            "{who:?} count of {field}s"
        );
        ours(world, ids)
            .into_iter()
            .filter(|id| !is_helper(world, id))
            .collect()
    };
    let person = &data["person"];
    assert_eq!(
        parents(&person["participations"], "event"),
        live(Kind::Event),
        "{who:?} participations"
    );
    assert_eq!(
        parents(&person["presentations"], "event"),
        live(Kind::Event),
        "{who:?} presentations"
    );
    assert_eq!(
        parents(&person["signatures"], "agreement"),
        live(Kind::Agreement),
        "{who:?} signatures"
    );
    let standards = live(Kind::CurriculumStandard);
    assert_eq!(
        parents(&data["adoptions"], "standard"),
        standards,
        "{who:?} adoptions"
    );
    assert_eq!(
        parents(&data["countries"]["nodes"][0]["adoptions"], "standard"),
        standards,
        "{who:?} Kazakhstan's adoptions"
    );
}

/// Filters that name other records: an id the caller may not read matches nothing, as a
/// missing id does.
async fn probe_filters(world: &World, who: Who) {
    for m in world.made.iter().filter(|m| m.kind == Kind::Event) {
        let visible = reads(who, m.vis, m.archived);
        let data = world
            .data(
                who,
                "query($e: [ID!]) {
                   agreements(filter: { signedAt: $e }, first: 100) { totalCount nodes { id } }
                   indicators(filter: { events: $e }, first: 100) { totalCount nodes { id } }
                 }",
                json!({ "e": [m.id] }),
            )
            .await;
        let agreements = nodes(&data["agreements"], "id");
        let indicators = nodes(&data["indicators"], "id");
        assert_eq!(
            agreements.contains(m.signed_here.as_ref().unwrap()),
            visible,
            "{who:?} agreements signed at a {:?} event (archived {})",
            m.vis,
            m.archived
        );
        assert_eq!(
            agreements.len() as u64,
            data["agreements"]["totalCount"].as_u64().unwrap()
        );
        assert_eq!(
            indicators.contains(m.reported_here.as_ref().unwrap()),
            visible,
            "{who:?} indicators about a {:?} event (archived {})",
            m.vis,
            m.archived
        );
        let missing = world
            .data(
                who,
                "query($e: [ID!]) { agreements(filter: { signedAt: $e }) { totalCount } indicators(filter: { events: $e }) { totalCount } }",
                json!({ "e": [gid("Event", 987_654_321)] }),
            )
            .await;
        if !visible {
            assert_eq!(missing["agreements"]["totalCount"], json!(0));
            assert_eq!(data["agreements"]["totalCount"], json!(0), "{who:?}");
            assert_eq!(data["indicators"]["totalCount"], json!(0), "{who:?}");
        }
    }
    for m in world
        .made
        .iter()
        .filter(|m| m.kind == Kind::CurriculumStandard)
    {
        let data = world
            .data(
                who,
                "query($s: [ID!]) { adoptions(filter: { standards: $s }) { totalCount } }",
                json!({ "s": [m.id] }),
            )
            .await;
        let expected = u64::from(listed(who, m.vis, m.archived, false));
        assert_eq!(
            data["adoptions"]["totalCount"].as_u64().unwrap(),
            expected,
            "{who:?} adoptions of a {:?} standard (archived {})",
            m.vis,
            m.archived
        );
    }
}

/// Writes: a hidden record answers exactly as a missing one, byte for byte.
async fn probe_writes(world: &World, who: Who) {
    if matches!(who, Who::EditorA | Who::AdminA | Who::Coordinator) {
        return; // Writers are probed once, below, so versions stay known.
    }
    for m in &world.made {
        let (mutation, field) = m.kind.update();
        let name = m.kind.name();
        let query = format!(
            "mutation($i: Update{name}Input!) {{ {mutation}(input: $i) {{ __typename }} }}"
        );
        let input = |id: &str| json!({ "i": { "id": id, "expectedVersion": 1, field: "Changed" } });
        let (_, body) = world
            .app
            .post_as(world.token(who), &query, input(&m.id))
            .await;
        let outcome = body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or("OK")
            .to_owned();
        assert_eq!(
            outcome,
            change(who, m.vis, m.archived),
            "{who:?} {mutation} of a {:?} record (archived {})",
            m.vis,
            m.archived
        );
        if outcome == "NOT_FOUND" {
            let missing = gid(name, 987_654_321);
            let (_, absent) = world
                .app
                .post_as(world.token(who), &query, input(&missing))
                .await;
            assert_eq!(
                body, absent,
                "{who:?}: a hidden {name} answers as a missing one"
            );
        }
        // Every other write path to the same record answers by the same rule.
        let mut others = vec![
            (
                format!("archive{name}"),
                json!({ "id": m.id, "expectedVersion": 1 }),
            ),
            (
                format!("restore{name}"),
                json!({ "id": m.id, "expectedVersion": 1 }),
            ),
        ];
        match m.kind {
            Kind::Event => others.extend([
                ("confirmEvent".into(), json!({ "id": m.id, "expectedVersion": 1 })),
                (
                    "addEventOrganisation".into(),
                    json!({ "id": m.id, "expectedVersion": 1,
                            "organisation": { "organisation": world.alpha, "role": "HOST" } }),
                ),
            ]),
            Kind::Agreement => others.push((
                "confirmAgreement".into(),
                json!({ "id": m.id, "expectedVersion": 1 }),
            )),
            Kind::CurriculumStandard => others.push((
                "addAdoption".into(),
                json!({ "standard": m.id, "expectedVersion": 1, "country": "KZ", "kind": "ADOPTED" }),
            )),
            _ => {}
        }
        for (mutation, input) in others {
            let input_type = format!("{}{}Input", mutation[..1].to_uppercase(), &mutation[1..]);
            let query =
                format!("mutation($i: {input_type}!) {{ {mutation}(input: $i) {{ __typename }} }}");
            let (_, body) = world
                .app
                .post_as(world.token(who), &query, json!({ "i": input }))
                .await;
            let outcome = body["errors"][0]["extensions"]["code"]
                .as_str()
                .unwrap_or("OK");
            assert_eq!(
                outcome,
                change(who, m.vis, m.archived),
                "{who:?} {mutation} of a {:?} {name} (archived {})",
                m.vis,
                m.archived
            );
        }
    }
}

/// The audit log: a member's entries, without token entries unless it is an admin.
async fn probe_audit(world: &World, who: Who) {
    let data = world
        .app
        .post_as(
            world.token(who),
            "{ auditLog(first: 100, filter: { operations: [\"createToken\", \"updateEvent\", \"archiveEvent\"] }) { nodes { operation recordId } } }",
            json!({}),
        )
        .await
        .1;
    let entries = data["data"]["auditLog"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let operations: BTreeSet<String> = entries
        .iter()
        .map(|e| e["operation"].as_str().unwrap().to_owned())
        .collect();
    let sees_tokens = matches!(who, Who::AdminA | Who::Coordinator);
    assert_eq!(
        operations.contains("createToken"),
        sees_tokens,
        "{who:?} reads token audit entries: {operations:?}"
    );
    let sees_alpha = matches!(
        who,
        Who::ViewerA | Who::EditorA | Who::AdminA | Who::Coordinator
    );
    let archived_events = ids(world, |m| m.kind == Kind::Event && m.archived);
    let seen: BTreeSet<String> = entries
        .iter()
        .filter(|e| e["operation"] == "archiveEvent")
        .map(|e| e["recordId"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        seen == archived_events,
        sees_alpha,
        "{who:?} reads Alpha's archive entries"
    );
    if !sees_alpha {
        assert!(
            seen.is_empty(),
            "{who:?} reads another member's audit entries"
        );
    }
}

on_both! {
    async fn no_principal_reads_or_writes_beyond_the_rules(backend: Backend) {
        let world = build(backend).await;
        for who in EVERYONE {
            probe_nodes(&world, who).await;
            probe_lists(&world, who).await;
            probe_parts(&world, who).await;
            probe_filters(&world, who).await;
            probe_writes(&world, who).await;
            probe_audit(&world, who).await;
        }
        // Writers: Alpha's editor changes each record it may read, the coordinator too.
        for who in [Who::EditorA, Who::Coordinator] {
            for m in &world.made {
                let (mutation, field) = m.kind.update();
                let name = m.kind.name();
                let v = version(&world, &m.id).await;
                let query = format!(
                    "mutation($i: Update{name}Input!) {{ {mutation}(input: $i) {{ __typename }} }}"
                );
                let outcome = world
                    .app
                    .outcome_as(world.token(who), &query, json!({ "i": { "id": m.id, "expectedVersion": v, field: "Changed" } }))
                    .await;
                assert_eq!(outcome, "OK", "{who:?} {mutation}");
            }
        }
    }

    async fn a_code_in_use_by_a_hidden_standard_is_free_to_others(backend: Backend) {
        let world = build(backend).await;
        // Alpha's private standard XT-1 exists; Delta records the same standard under the
        // same developer and code: it must not learn of Alpha's.
        let private = world
            .made
            .iter()
            .find(|m| m.kind == Kind::CurriculumStandard && m.vis == Vis::Private && !m.archived)
            .unwrap();
        let code = world
            .as_coordinator(
                "query($id: ID!) { node(id: $id) { ... on CurriculumStandard { code } } }",
                json!({ "id": private.id }),
            )
            .await["node"]["code"]
            .clone();
        for who in [Who::OutsiderB, Who::PeerC, Who::FutureE] {
            let outcome = world
                .app
                .outcome_as(
                    world.token(who),
                    "mutation($i: CreateCurriculumStandardInput!) { createCurriculumStandard(input: $i) { curriculumStandard { id } } }",
                    json!({ "i": { "title": "Same standard", "developer": world.alpha, "code": code } }),
                )
                .await;
            assert_eq!(outcome, "OK", "{who:?} reuses a code only a hidden record holds");
        }
        // Within one owner the code stays unique.
        let outcome = world
            .app
            .outcome_as(
                world.token(Who::EditorA),
                "mutation($i: CreateCurriculumStandardInput!) { createCurriculumStandard(input: $i) { curriculumStandard { id } } }",
                json!({ "i": { "title": "Again", "developer": world.alpha, "code": code } }),
            )
            .await;
        assert_eq!(outcome, "BAD_USER_INPUT");
    }

    async fn a_membership_counts_from_its_first_to_its_last_day_in_the_servers_time_zone(backend: Backend) {
        // Kiritimati (UTC+14) and Pago Pago (UTC-11) are 25 hours apart: at any moment
        // their dates differ, so the same membership is current in one and not the other.
        use chrono_tz::Pacific::{Kiritimati, Pago_Pago};
        let day_in = |zone: chrono_tz::Tz| chrono::Utc::now().with_timezone(&zone).date_naive();
        let (early, late) = (day_in(Pago_Pago), day_in(Kiritimati));
        assert!(early < late);
        for (zone, joined_counts, left_counts) in [(Kiritimati, true, false), (Pago_Pago, false, true)] {
            let app = TestApp::with_fixture_in(backend, CATALOGUE, zone).await;
            let coordinator = app.token(Role::Coordinator, None).await;
            let alpha = app.organisation("Alpha Polytechnic").await;
            let mut members = vec![json!({ "organisation": gid("Organisation", alpha), "joinedOn": "2020-01-01" })];
            let mut tokens = Vec::new();
            for (name, joined, left) in [
                ("Joins Today Where The Day Is Late", late.to_string(), None),
                ("Leaves Today Where The Day Is Early", "2010-01-01".to_owned(), Some(early.to_string())),
            ] {
                let id = app
                    .data_as(
                        Some(&coordinator),
                        "mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { organisation { id } } }",
                        json!({ "i": { "nameEn": name, "kind": "UNIVERSITY", "country": "CN" } }),
                    )
                    .await["createOrganisation"]["organisation"]["id"]
                    .as_str()
                    .unwrap()
                    .to_owned();
                members.push(json!({ "organisation": id, "joinedOn": joined, "leftOn": left }));
                app.consortium_of_its_own(crate::helpers::key(&id)).await;
                tokens.push(app.token(Role::Viewer, Some(crate::helpers::key(&id))).await);
            }
            let consortium = app
                .data_as(
                    Some(&coordinator),
                    "{ consortia(filter: { search: \"Fixture Consortium\" }) { nodes { id version } } }",
                    json!({}),
                )
                .await["consortia"]["nodes"][0]
                .clone();
            app.data_as(
                Some(&coordinator),
                "mutation($i: SetConsortiumMembersInput!) { setConsortiumMembers(input: $i) { __typename } }",
                json!({ "i": { "id": consortium["id"], "expectedVersion": consortium["version"], "members": members } }),
            )
            .await;
            let shared = app
                .data_as(
                    Some(&coordinator),
                    "mutation($i: CreateTrainingCentreInput!) { createTrainingCentre(input: $i) { trainingCentre { id } } }",
                    json!({ "i": { "owner": gid("Organisation", alpha), "visibility": "CONSORTIUM",
                                   "name": "Shared with members", "country": "KZ", "status": "OPERATING" } }),
                )
                .await["createTrainingCentre"]["trainingCentre"]["id"]
                .as_str()
                .unwrap()
                .to_owned();
            for (token, expected) in tokens.iter().zip([joined_counts, left_counts]) {
                let data = app
                    .data_as(Some(token), "query($id: ID!) { node(id: $id) { id } }", json!({ "id": shared }))
                    .await;
                assert_eq!(!data["node"].is_null(), expected, "{zone}: {data}");
            }
        }
    }
}
