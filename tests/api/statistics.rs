//! Statistics: the indicator definitions, each indicator computed with its breakdowns
//! and drill-downs, reported figures beside computed ones, and the consortium overview.
//! The demo's figures are counted by hand from `crates/service/demo/articles.json`; the
//! generated consortium's from the records the test builds (its own model of who may
//! read what and what is in effect when).
use std::collections::BTreeMap;

use crate::helpers::{Backend, TestApp, gid, on_both};
use serde_json::{Value, json};
use service::entity::enums::Role;

const STATISTICS: &str = "query($s: ID, $a: Date, $p: DateRangeInput) {
  statistics(subject: $s, asOf: $a, period: $p) {
    asOf
    indicators { code value records(first: 100) { totalCount nodes { __typename } } }
  }
}";

/// Each indicator's value, checked against the length of its drill-down.
async fn values(
    app: &TestApp,
    token: Option<&str>,
    subject: Option<&str>,
    as_of: Option<&str>,
) -> BTreeMap<String, u64> {
    let data = app
        .data_as(token, STATISTICS, json!({ "s": subject, "a": as_of }))
        .await;
    let mut out = BTreeMap::new();
    for i in data["statistics"]["indicators"].as_array().unwrap() {
        let value = i["value"].as_u64().unwrap();
        assert_eq!(i["records"]["totalCount"].as_u64().unwrap(), value, "{i}");
        assert_eq!(
            i["records"]["nodes"].as_array().unwrap().len() as u64,
            value.min(100),
            "{i}"
        );
        out.insert(i["code"].as_str().unwrap().to_owned(), value);
    }
    out
}

const BREAKDOWN: &str = "query($s: ID, $a: Date, $c: IndicatorCode!, $by: BreakdownDimension!) {
  statistics(subject: $s, asOf: $a) {
    indicator(code: $c) {
      value
      breakdown(by: $by) { key labelEn labelZh value records(first: 100) { totalCount nodes { __typename } } }
    }
  }
}";

/// A breakdown as key -> value (`-` for no key), each row checked against its drill-down.
async fn breakdown(
    app: &TestApp,
    token: Option<&str>,
    subject: Option<&str>,
    as_of: Option<&str>,
    code: &str,
    by: &str,
) -> BTreeMap<String, u64> {
    let data = app
        .data_as(
            token,
            BREAKDOWN,
            json!({ "s": subject, "a": as_of, "c": code, "by": by }),
        )
        .await;
    let mut out = BTreeMap::new();
    for row in data["statistics"]["indicator"]["breakdown"]
        .as_array()
        .unwrap()
    {
        let value = row["value"].as_u64().unwrap();
        assert_eq!(
            row["records"]["totalCount"].as_u64().unwrap(),
            value,
            "{row}"
        );
        assert_eq!(
            row["records"]["nodes"].as_array().unwrap().len() as u64,
            value,
            "{row}"
        );
        assert!(!row["labelEn"].as_str().unwrap().is_empty());
        let key = row["key"].as_str().unwrap_or("-").to_owned();
        assert!(out.insert(key, value).is_none(), "one row per key: {row}");
    }
    out
}

fn map(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

async fn consortium(app: &TestApp, name: &str) -> String {
    let data = app
        .data(
            "{ consortia(first: 10) { nodes { id nameEn } } }",
            json!({}),
        )
        .await;
    data["consortia"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["nameEn"] == name)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

on_both! {
    async fn statistics_demo_figures_counted_by_hand(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let definitions = app.data("{ indicatorDefinitions { code nameEn nameZh unit description breakdowns } }", json!({})).await;
        let codes: Vec<&str> = definitions["indicatorDefinitions"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
        assert_eq!(codes, [
            "PARTNER_INSTITUTIONS", "PARTNER_COUNTRIES_AND_REGIONS", "AGREEMENTS_IN_EFFECT",
            "JOINT_PROGRAMMES_RUNNING", "INTERNATIONAL_EVENTS_HOSTED", "FOREIGN_PARTICIPANTS",
            "CURRICULUM_STANDARDS_DEVELOPED", "STANDARDS_ADOPTED_ABROAD",
            "STANDARD_ADOPTING_COUNTRIES_AND_REGIONS", "TRAINING_CENTRES_ABROAD", "TRAINING_CENTRE_COUNTRIES",
        ]);
        assert_eq!(definitions["indicatorDefinitions"][0]["nameZh"], "合作院校及机构");
        assert_eq!(definitions["indicatorDefinitions"][0]["breakdowns"], json!(["COUNTRY", "REGION", "SUBREGION", "KIND", "MEMBER"]));

        // Shenzhen: agreements in effect today are SUSTech-KCL (joint school), SZPT's
        // UNESCO Chair (from 2022-05-01) and its WFCP committee: partners KCL (GB),
        // UNESCO (FR), WFCP (no country). Events hosted: SUSTech's year-end review and
        // the symposium it hosted (owned by SZPT). No participant came from abroad; no
        // standards or centres are itemised.
        let shenzhen = consortium(&app, "Shenzhen").await;
        let sz = values(&app, None, Some(&shenzhen), None).await;
        assert_eq!(sz, map(&[
            ("PARTNER_INSTITUTIONS", 3), ("PARTNER_COUNTRIES_AND_REGIONS", 2), ("AGREEMENTS_IN_EFFECT", 3),
            ("JOINT_PROGRAMMES_RUNNING", 1), ("INTERNATIONAL_EVENTS_HOSTED", 2), ("FOREIGN_PARTICIPANTS", 0),
            ("CURRICULUM_STANDARDS_DEVELOPED", 0), ("STANDARDS_ADOPTED_ABROAD", 0),
            ("STANDARD_ADOPTING_COUNTRIES_AND_REGIONS", 0), ("TRAINING_CENTRES_ABROAD", 0), ("TRAINING_CENTRE_COUNTRIES", 0),
        ]));
        assert_eq!(breakdown(&app, None, Some(&shenzhen), None, "PARTNER_INSTITUTIONS", "COUNTRY").await,
            map(&[("GB", 1), ("FR", 1), ("-", 1)]));
        assert_eq!(breakdown(&app, None, Some(&shenzhen), None, "PARTNER_INSTITUTIONS", "KIND").await,
            map(&[("UNIVERSITY", 1), ("INTERNATIONAL_ORGANISATION", 1), ("ASSOCIATION", 1)]));
        let sustech = gid("Organisation", app.organisation("Southern University of Science and Technology").await);
        let szpt = gid("Organisation", app.organisation("Shenzhen Polytechnic University").await);
        assert_eq!(breakdown(&app, None, Some(&shenzhen), None, "PARTNER_INSTITUTIONS", "MEMBER").await,
            map(&[(sustech.as_str(), 1), (szpt.as_str(), 2)]));
        assert_eq!(breakdown(&app, None, Some(&shenzhen), None, "INTERNATIONAL_EVENTS_HOSTED", "YEAR").await,
            map(&[("2023", 2)]));
        assert_eq!(breakdown(&app, None, Some(&shenzhen), None, "AGREEMENTS_IN_EFFECT", "KIND").await,
            map(&[("JOINT_SCHOOL", 1), ("CHAIR_HOSTING", 1), ("COMMITTEE_HOSTING", 1)]));

        // SZPT on the day before its UNESCO Chair took effect, and on the day.
        assert_eq!(values(&app, None, Some(&szpt), Some("2022-04-30")).await["PARTNER_INSTITUTIONS"], 1);
        assert_eq!(values(&app, None, Some(&szpt), Some("2022-05-01")).await["PARTNER_INSTITUTIONS"], 2);

        // SSPU: two MoUs of 27 March 2024 (TechProtect, DE; Ruse, BG), and its
        // partnership week, where the two partners' signatories took part.
        let sspu = gid("Organisation", app.organisation("Shanghai Polytechnic University").await);
        let s = values(&app, None, Some(&sspu), None).await;
        assert_eq!((s["PARTNER_INSTITUTIONS"], s["PARTNER_COUNTRIES_AND_REGIONS"], s["AGREEMENTS_IN_EFFECT"]), (2, 2, 2));
        assert_eq!((s["INTERNATIONAL_EVENTS_HOSTED"], s["FOREIGN_PARTICIPANTS"]), (1, 2));
        assert_eq!(breakdown(&app, None, Some(&sspu), None, "FOREIGN_PARTICIPANTS", "COUNTRY").await,
            map(&[("DE", 1), ("BG", 1)]));
        // Before the MoUs were signed... they have no dates of validity, so they count
        // whenever asked; the event counts only within a period that holds it.
        let data = app.data_as(None, STATISTICS, json!({ "s": sspu, "p": { "from": "2023-01-01", "to": "2023-12-31" } })).await;
        let hosted = data["statistics"]["indicators"].as_array().unwrap().iter().find(|i| i["code"] == "INTERNATIONAL_EVENTS_HOSTED").unwrap().clone();
        assert_eq!(hosted["value"], 0);
        assert_eq!(data["statistics"]["asOf"], "2023-12-31", "stocks are counted at the period's end");

        // Every consortium (the default for an anonymous caller): Beijing and Shanghai
        // add SSPU's two partners and the USTB and CUMTB meetings.
        let all = values(&app, None, None, None).await;
        assert_eq!((all["PARTNER_INSTITUTIONS"], all["PARTNER_COUNTRIES_AND_REGIONS"], all["AGREEMENTS_IN_EFFECT"], all["INTERNATIONAL_EVENTS_HOSTED"]), (5, 4, 5, 5));

        // Reported beside computed: SZPT reported 23 standards, none is itemised; SSPU
        // 171 partners, two are recorded; friendly cities have no definition.
        let data = app.data("{ indicators(first: 20) { nodes { metric value organisation { abbreviation } definition { code } computed difference coverage } } }", json!({})).await;
        let reported: Vec<&Value> = data["indicators"]["nodes"].as_array().unwrap().iter().collect();
        let find = |metric: &str, org: &str| *reported.iter().find(|i| i["metric"] == metric && i["organisation"]["abbreviation"] == org).unwrap();
        let standards = find("CURRICULUM_STANDARDS", "SZPT");
        assert_eq!((standards["value"].as_f64(), standards["definition"]["code"].as_str()), (Some(23.0), Some("CURRICULUM_STANDARDS_DEVELOPED")));
        assert_eq!((standards["computed"].as_u64(), standards["difference"].as_f64(), standards["coverage"].as_f64()), (Some(0), Some(-23.0), Some(0.0)));
        let partners = find("PARTNER_INSTITUTIONS", "SSPU");
        assert_eq!((partners["computed"].as_u64(), partners["difference"].as_f64()), (Some(2), Some(-169.0)));
        assert!((partners["coverage"].as_f64().unwrap() - 2.0 / 171.0).abs() < 1e-12);
        let countries = find("PARTNER_COUNTRIES_AND_REGIONS", "SSPU");
        assert_eq!(countries["computed"].as_u64(), Some(2));
        let cities = *reported.iter().find(|i| i["metric"] == "FRIENDLY_CITIES").unwrap();
        assert_eq!((&cities["definition"], &cities["computed"], &cities["coverage"]), (&Value::Null, &Value::Null, &Value::Null));

        // Computing reported figures is batched: the statements do not grow with the page.
        const REPORTED: &str = "query($n: Int) { indicators(first: $n) { nodes { id computed difference coverage definition { nameEn } } } }";
        let few = app.statements(REPORTED, json!({ "n": 2 })).await;
        let all = app.statements(REPORTED, json!({ "n": 11 })).await;
        assert!(all <= few + 1, "{few} statements for 2 reported figures, {all} for 11");

        // Bad arguments name themselves.
        assert_eq!(app.error(STATISTICS, json!({ "s": gid("Event", 1) })).await, ("BAD_USER_INPUT".to_owned(), Some("subject".to_owned())));
        assert_eq!(app.error(STATISTICS, json!({ "s": gid("Organisation", 999_999) })).await.0, "NOT_FOUND");
        assert_eq!(app.error(BREAKDOWN, json!({ "c": "PARTNER_COUNTRIES_AND_REGIONS", "by": "YEAR" })).await, ("BAD_USER_INPUT".to_owned(), Some("by".to_owned())));
    }
}

/// Who asks, for the generated consortium's model of who reads what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Anonymous,
    /// A member's viewer: its own records, and its peer's shared and public ones.
    Member(&'static str),
    Coordinator,
}

impl Caller {
    fn reads(self, owner: &str, visibility: &str) -> bool {
        match self {
            Caller::Coordinator => true,
            Caller::Anonymous => visibility == "PUBLIC",
            // Every owner here is a member of the one consortium.
            Caller::Member(me) => owner == me || visibility != "PRIVATE",
        }
    }
}

const PARTNER_COUNTRIES: [Option<&str>; 6] = [
    Some("DE"),
    Some("FR"),
    Some("GB"),
    Some("HK"),
    Some("TH"),
    None,
];
const VISIBILITIES: [&str; 3] = ["PRIVATE", "CONSORTIUM", "PUBLIC"];

struct GenAgreement {
    owner: &'static str,
    party: String,
    partner: usize,
    visibility: &'static str,
    /// (validFrom, validTo)
    window: (Option<&'static str>, Option<&'static str>),
    in_effect: bool,
    joint: bool,
}

struct GenStandard {
    owner: &'static str,
    developer: &'static str,
    visibility: &'static str,
    adoptions: Vec<&'static str>,
}

struct GenCentre {
    owner: &'static str,
    operator: &'static str,
    visibility: &'static str,
    country: &'static str,
    operating: bool,
}

struct GenEvent {
    owner: &'static str,
    host: &'static str,
    visibility: &'static str,
    /// (person, the partner they came for; None: a colleague from the host)
    participants: Vec<(usize, Option<usize>)>,
}

struct Generated {
    document: Value,
    agreements: Vec<GenAgreement>,
    standards: Vec<GenStandard>,
    centres: Vec<GenCentre>,
    events: Vec<GenEvent>,
}

fn owner_of(org: &str) -> &'static str {
    if org == "b" { "b" } else { "a" }
}

/// The generated consortium: members A (with a lab, and a desk in the lab) and B, plus
/// `extra` further members with one agreement each; twelve partners in six places (one
/// unrecorded), `n` agreements cycling through parties, partners, visibilities,
/// validity windows, statuses and kinds; standards, adoptions, centres and events.
fn generate(extra: usize, n: usize) -> Generated {
    let mut organisations = vec![
        json!({ "key": "coord", "kind": "INTERNATIONAL_ORGANISATION", "nameEn": "Gen Coordinator", "country": "CN" }),
        json!({ "key": "a", "kind": "UNIVERSITY", "nameEn": "Gen A", "nameZh": "甲大学", "country": "CN" }),
        json!({ "key": "a-lab", "kind": "LABORATORY", "nameEn": "Gen A Lab", "country": "CN", "parent": "a" }),
        json!({ "key": "a-desk", "kind": "OFFICE", "nameEn": "Gen A Lab Desk", "country": "CN", "parent": "a-lab" }),
        json!({ "key": "b", "kind": "UNIVERSITY", "nameEn": "Gen B", "country": "CN" }),
    ];
    let mut members = vec![json!({ "org": "a" }), json!({ "org": "b" })];
    for k in 0..extra {
        organisations.push(json!({ "key": format!("m{k}"), "kind": "UNIVERSITY", "nameEn": format!("Gen M{k}"), "country": "CN" }));
        members.push(json!({ "org": format!("m{k}") }));
    }
    for j in 0..12 {
        organisations.push(json!({ "key": format!("p{j}"), "kind": if j % 2 == 0 { "UNIVERSITY" } else { "COMPANY" },
            "nameEn": format!("Partner {j:02}"), "country": PARTNER_COUNTRIES[j % 6] }));
    }
    let windows = [
        (None, None),
        (Some("2020-01-01"), Some("2022-12-31")),
        (Some("2030-01-01"), None),
    ];
    let agreements: Vec<GenAgreement> = (0..n)
        .map(|i| {
            let owner = if i % 2 == 0 { "a" } else { "b" };
            GenAgreement {
                owner,
                party: if owner == "a" {
                    ["a", "a-lab", "a-desk"][i % 3].to_owned()
                } else {
                    "b".to_owned()
                },
                partner: (i / 2) % 12,
                visibility: VISIBILITIES[(i / 2) % 3],
                window: windows[(i / 6) % 3],
                in_effect: i % 7 != 3,
                joint: i % 5 == 0,
            }
        })
        .collect();
    let mut agreement_docs: Vec<Value> = agreements
        .iter()
        .enumerate()
        .map(|(i, a)| json!({ "key": format!("ag{i}"), "owner": a.owner, "visibility": a.visibility,
            "kind": if a.joint { "JOINT_DEGREE" } else { "MOU" }, "status": if a.in_effect { "IN_EFFECT" } else { "TERMINATED" },
            "title": format!("Agreement {i}"), "validFrom": a.window.0, "validTo": a.window.1,
            "parties": [{ "org": a.party, "role": "PARTY" }, { "org": format!("p{}", a.partner), "role": "PARTY" }] }))
        .collect();
    for k in 0..extra {
        agreement_docs.push(json!({ "key": format!("mag{k}"), "owner": format!("m{k}"), "visibility": "PUBLIC", "kind": "MOU",
            "status": "IN_EFFECT", "title": format!("Member agreement {k}"),
            "parties": [{ "org": format!("m{k}"), "role": "PARTY" }, { "org": format!("p{}", k % 12), "role": "PARTY" }] }));
    }
    let places = ["TH", "DE", "CN", "HK"];
    let standards: Vec<GenStandard> = (0..9)
        .map(|s| {
            let developer = ["a", "a-lab", "b"][s % 3];
            GenStandard {
                owner: owner_of(developer),
                developer,
                visibility: VISIBILITIES[(s / 3) % 3],
                adoptions: places
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| (s + i) % 3 != 0)
                    .map(|(_, c)| *c)
                    .collect(),
            }
        })
        .collect();
    let centres: Vec<GenCentre> = (0..6)
        .map(|c| {
            let operator = ["a", "b", "a-desk"][c % 3];
            GenCentre {
                owner: owner_of(operator),
                operator,
                visibility: VISIBILITIES[(c / 3 + c) % 3],
                country: ["TH", "DE", "CN", "FR", "HK", "TH"][c],
                operating: c != 4,
            }
        })
        .collect();
    let events: Vec<GenEvent> = (0..4)
        .map(|e| {
            let host = ["a", "b", "a-lab", "b"][e];
            let mut participants = vec![(e, Some(e)), (9, None)];
            if e == 3 {
                participants.push((0, Some(0)));
            }
            GenEvent {
                owner: owner_of(host),
                host,
                visibility: ["PUBLIC", "CONSORTIUM", "PRIVATE", "PUBLIC"][e],
                participants,
            }
        })
        .collect();
    let mut people: Vec<Value> = (0..4)
        .map(|q| json!({ "key": format!("q{q}"), "familyName": format!("GUEST{q}") }))
        .collect();
    people.push(json!({ "key": "q9", "familyName": "COLLEAGUE" }));
    let document = json!({
        "sources": [],
        "organisations": organisations,
        "consortia": [{ "key": "gen", "nameEn": "Generated", "coordinator": "coord", "members": members }],
        "people": people,
        "events": events.iter().enumerate().map(|(e, ev)| json!({ "key": format!("ev{e}"), "owner": ev.owner, "visibility": ev.visibility,
            "kind": "FORUM", "status": "HELD", "format": "ONSITE", "title": format!("Forum {e}"),
            "startDate": format!("2021-0{}-10", e + 1), "country": "CN",
            "organisations": [{ "org": ev.host, "role": "HOST" }],
            "participants": ev.participants.iter().map(|(q, p)| json!({ "person": format!("q{q}"), "role": "SPEAKER",
                "org": p.map_or(ev.host.to_owned(), |p| format!("p{p}")) })).collect::<Vec<_>>() })).collect::<Vec<_>>(),
        "agreements": agreement_docs,
        "curriculumStandards": standards.iter().enumerate().map(|(s, st)| json!({ "key": format!("st{s}"), "owner": st.owner,
            "visibility": st.visibility, "developer": st.developer, "title": format!("Standard {s}"), "issuedOn": "2021-01-01" })).collect::<Vec<_>>(),
        "adoptions": standards.iter().enumerate().flat_map(|(s, st)| st.adoptions.iter().map(move |c| json!({ "standard": format!("st{s}"),
            "country": c, "adoptedOn": "2022-01-01", "kind": "ADOPTED" }))).collect::<Vec<_>>(),
        "trainingCentres": centres.iter().enumerate().map(|(c, ce)| json!({ "owner": ce.owner, "visibility": ce.visibility,
            "name": format!("Centre {c}"), "operator": ce.operator, "country": ce.country, "openedOn": "2021-01-01",
            "status": if ce.operating { "OPERATING" } else { "CLOSED" } })).collect::<Vec<_>>(),
        "indicators": [],
    });
    Generated {
        document,
        agreements,
        standards,
        centres,
        events,
    }
}

fn within(window: (Option<&str>, Option<&str>), day: &str) -> bool {
    window.0.is_none_or(|from| from <= day) && window.1.is_none_or(|to| day <= to)
}

/// What each indicator should be, from the generated records: for `caller`, on `day`,
/// for the subject's organisations `orgs`.
fn expected(g: &Generated, caller: Caller, day: &str, orgs: &[&str]) -> BTreeMap<String, u64> {
    use std::collections::BTreeSet;
    let agreements: Vec<&GenAgreement> = g
        .agreements
        .iter()
        .filter(|a| {
            caller.reads(a.owner, a.visibility)
                && a.in_effect
                && within(a.window, day)
                && orgs.contains(&a.party.as_str())
        })
        .collect();
    let partners: BTreeSet<usize> = agreements.iter().map(|a| a.partner).collect();
    let partner_places: BTreeSet<&str> = partners
        .iter()
        .filter_map(|p| PARTNER_COUNTRIES[p % 6])
        .collect();
    let events: Vec<&GenEvent> = g
        .events
        .iter()
        .filter(|e| caller.reads(e.owner, e.visibility) && orgs.contains(&e.host))
        .collect();
    let guests: BTreeSet<usize> = events
        .iter()
        .flat_map(|e| {
            e.participants
                .iter()
                .filter(|(_, p)| p.is_some_and(|p| PARTNER_COUNTRIES[p % 6].is_some()))
                .map(|(q, _)| *q)
        })
        .collect();
    let issued = "2021-01-01" <= day;
    let standards: Vec<&GenStandard> = g
        .standards
        .iter()
        .filter(|s| issued && caller.reads(s.owner, s.visibility) && orgs.contains(&s.developer))
        .collect();
    let adopted = "2022-01-01" <= day;
    let abroad: Vec<&GenStandard> = standards
        .iter()
        .copied()
        .filter(|s| adopted && s.adoptions.iter().any(|c| *c != "CN"))
        .collect();
    let adopting: BTreeSet<&str> = abroad
        .iter()
        .flat_map(|s| s.adoptions.iter().copied().filter(|c| *c != "CN"))
        .collect();
    let centres: Vec<&GenCentre> = g
        .centres
        .iter()
        .filter(|c| {
            issued
                && caller.reads(c.owner, c.visibility)
                && orgs.contains(&c.operator)
                && c.operating
                && c.country != "CN"
        })
        .collect();
    let centre_places: BTreeSet<&str> = centres.iter().map(|c| c.country).collect();
    map(&[
        ("PARTNER_INSTITUTIONS", partners.len() as u64),
        ("PARTNER_COUNTRIES_AND_REGIONS", partner_places.len() as u64),
        ("AGREEMENTS_IN_EFFECT", agreements.len() as u64),
        (
            "JOINT_PROGRAMMES_RUNNING",
            agreements.iter().filter(|a| a.joint).count() as u64,
        ),
        ("INTERNATIONAL_EVENTS_HOSTED", events.len() as u64),
        ("FOREIGN_PARTICIPANTS", guests.len() as u64),
        ("CURRICULUM_STANDARDS_DEVELOPED", standards.len() as u64),
        ("STANDARDS_ADOPTED_ABROAD", abroad.len() as u64),
        (
            "STANDARD_ADOPTING_COUNTRIES_AND_REGIONS",
            adopting.len() as u64,
        ),
        ("TRAINING_CENTRES_ABROAD", centres.len() as u64),
        ("TRAINING_CENTRE_COUNTRIES", centre_places.len() as u64),
    ])
}

/// Partners by country (`-` for none) as the model has them.
fn expected_partner_countries(
    g: &Generated,
    caller: Caller,
    day: &str,
    orgs: &[&str],
) -> BTreeMap<String, u64> {
    let mut partners: Vec<usize> = g
        .agreements
        .iter()
        .filter(|a| {
            caller.reads(a.owner, a.visibility)
                && a.in_effect
                && within(a.window, day)
                && orgs.contains(&a.party.as_str())
        })
        .map(|a| a.partner)
        .collect();
    partners.sort_unstable();
    partners.dedup();
    let mut out = BTreeMap::new();
    for p in partners {
        *out.entry(PARTNER_COUNTRIES[p % 6].unwrap_or("-").to_owned())
            .or_insert(0) += 1;
    }
    out
}

const MEMBER_FIGURES: &str = "query($a: Date) { consortiumOverview(asOf: $a) {
    members { organisation { id } indicators { code value } } } }";

const A_TREE: [&str; 3] = ["a", "a-lab", "a-desk"];
const WHOLE: [&str; 4] = ["a", "a-lab", "a-desk", "b"];

on_both! {
    async fn statistics_generated_known_answers_and_visibility(backend: Backend) {
        let g = generate(0, 36);
        let app = TestApp::with_fixture(backend, &g.document.to_string()).await;
        let a = app.organisation("Gen A").await;
        let b = app.organisation("Gen B").await;
        let lab = gid("Organisation", app.organisation("Gen A Lab").await);
        let tokens = [
            (Caller::Anonymous, None),
            (Caller::Member("a"), Some(app.token(Role::Viewer, Some(a)).await)),
            (Caller::Member("b"), Some(app.token(Role::Viewer, Some(b)).await)),
            (Caller::Coordinator, Some(app.token(Role::Coordinator, None).await)),
        ];
        let consortium = consortium(&app, "Generated").await;
        let (ga, gb) = (gid("Organisation", a), gid("Organisation", b));
        // Before the first window, inside it, between the windows, inside the last.
        for day in ["2019-06-01", "2021-06-01", "2024-06-01", "2031-01-01"] {
            for (caller, token) in &tokens {
                let token = token.as_deref();
                let whole = values(&app, token, Some(&consortium), Some(day)).await;
                assert_eq!(whole, expected(&g, *caller, day, &WHOLE), "{caller:?} on {day}");
                // Without a subject: the consortium a member belongs to, or every
                // consortium (there is one).
                assert_eq!(values(&app, token, None, Some(day)).await, whole, "{caller:?} on {day}, by default");
                // A unit's figures include its own units (the desk in the lab).
                assert_eq!(values(&app, token, Some(&lab), Some(day)).await, expected(&g, *caller, day, &A_TREE[1..]), "{caller:?} on {day}, the lab");
                // Each row's drill-down has as many records as the row counts (checked
                // in `breakdown`), and the rows are what the model says.
                assert_eq!(breakdown(&app, token, Some(&consortium), Some(day), "PARTNER_INSTITUTIONS", "COUNTRY").await,
                    expected_partner_countries(&g, *caller, day, &WHOLE), "{caller:?} on {day}");
                let mut by_member = BTreeMap::new();
                for (key, orgs) in [(&ga, &A_TREE[..]), (&gb, &["b"][..])] {
                    let n = expected(&g, *caller, day, orgs)["PARTNER_INSTITUTIONS"];
                    if n > 0 {
                        by_member.insert(key.clone(), n);
                    }
                }
                assert_eq!(breakdown(&app, token, Some(&consortium), Some(day), "PARTNER_INSTITUTIONS", "MEMBER").await, by_member, "{caller:?} on {day}");
                // A partner shared by both members is one partner of the consortium.
                assert!(by_member.values().sum::<u64>() >= whole["PARTNER_INSTITUTIONS"]);
                // The overview's member figures (one grouped statement for all members)
                // are each member's own figures.
                let overview = app.data_as(token, MEMBER_FIGURES, json!({ "a": day })).await;
                let members = overview["consortiumOverview"]["members"].as_array().unwrap();
                assert_eq!(members.len(), 2, "{caller:?} on {day}");
                for member in members {
                    let id = member["organisation"]["id"].as_str().unwrap();
                    let own = values(&app, token, Some(id), Some(day)).await;
                    for figure in member["indicators"].as_array().unwrap() {
                        let code = figure["code"].as_str().unwrap();
                        assert_eq!(figure["value"].as_u64().unwrap(), own[code], "{caller:?} on {day}: {id} {code}");
                    }
                }
            }
        }
        // The generated data covers what it is meant to: partners shared by members,
        // hidden records that change the counts, agreements out of effect.
        let coordinator = expected(&g, Caller::Coordinator, "2024-06-01", &WHOLE);
        let anonymous = expected(&g, Caller::Anonymous, "2024-06-01", &WHOLE);
        assert!(coordinator["AGREEMENTS_IN_EFFECT"] > anonymous["AGREEMENTS_IN_EFFECT"]);
        assert!(coordinator["STANDARDS_ADOPTED_ABROAD"] > anonymous["STANDARDS_ADOPTED_ABROAD"]);
        assert!(coordinator["TRAINING_CENTRES_ABROAD"] > anonymous["TRAINING_CENTRES_ABROAD"]);
        assert!(expected(&g, Caller::Coordinator, "2019-06-01", &WHOLE)["AGREEMENTS_IN_EFFECT"]
            < expected(&g, Caller::Coordinator, "2021-06-01", &WHOLE)["AGREEMENTS_IN_EFFECT"]);

        // The other breakdowns agree with their drill-downs for every caller.
        for (_, token) in &tokens {
            for (code, by) in [("AGREEMENTS_IN_EFFECT", "MEMBER"), ("AGREEMENTS_IN_EFFECT", "COUNTRY"), ("AGREEMENTS_IN_EFFECT", "STATUS"),
                ("TRAINING_CENTRES_ABROAD", "COUNTRY"), ("STANDARDS_ADOPTED_ABROAD", "REGION"), ("FOREIGN_PARTICIPANTS", "COUNTRY"),
                ("INTERNATIONAL_EVENTS_HOSTED", "MEMBER"), ("STANDARD_ADOPTING_COUNTRIES_AND_REGIONS", "REGION")] {
                breakdown(&app, token.as_deref(), Some(&consortium), Some("2024-06-01"), code, by).await;
            }
        }
        let coord = tokens[3].1.as_deref();
        // The first pages of all rows are read together; a row's next page follows on
        // from the cursor of its first, through the row's own list.
        const PAGED: &str = "query($s: ID, $a: Date, $after: String) { statistics(subject: $s, asOf: $a) {
            indicator(code: AGREEMENTS_IN_EFFECT) { breakdown(by: COUNTRY) { key value
                first: records(first: 1) { totalCount pageInfo { endCursor hasNextPage } nodes { ... on Agreement { id } } }
                rest: records(first: 100, after: $after) { nodes { ... on Agreement { id } } } } } } }";
        let data = app.data_as(coord, PAGED, json!({ "s": consortium, "a": "2021-06-01" })).await;
        let rows = data["statistics"]["indicator"]["breakdown"].as_array().unwrap().clone();
        let widest = rows.iter().max_by_key(|r| r["value"].as_u64()).unwrap();
        assert!(widest["value"].as_u64().unwrap() > 1, "{widest}");
        assert_eq!(widest["first"]["pageInfo"]["hasNextPage"], true);
        let cursor = widest["first"]["pageInfo"]["endCursor"].as_str().unwrap();
        let data = app.data_as(coord, PAGED, json!({ "s": consortium, "a": "2021-06-01", "after": cursor })).await;
        let same = data["statistics"]["indicator"]["breakdown"].as_array().unwrap().iter().find(|r| r["key"] == widest["key"]).unwrap().clone();
        let mut ids: Vec<&Value> = same["rest"]["nodes"].as_array().unwrap().iter().map(|n| &n["id"]).collect();
        assert!(!ids.contains(&&widest["first"]["nodes"][0]["id"]));
        ids.push(&widest["first"]["nodes"][0]["id"]);
        assert_eq!(ids.len() as u64, widest["value"].as_u64().unwrap());
        // The statements do not grow with the rows.
        const ROWS: &str = "query($s: ID, $by: BreakdownDimension!) { statistics(subject: $s, asOf: \"2021-06-01\") {
            indicator(code: AGREEMENTS_IN_EFFECT) { breakdown(by: $by) { value records(first: 3) { totalCount nodes { __typename } } } } } }";
        let rows = |by: &'static str| {
            let (app, consortium) = (&app, &consortium);
            async move {
                let data = app.data(ROWS, json!({ "s": consortium, "by": by })).await;
                let rows = data["statistics"]["indicator"]["breakdown"].as_array().unwrap().len();
                (rows, app.statements(ROWS, json!({ "s": consortium, "by": by })).await)
            }
        };
        let (one, more) = (rows("STATUS").await, rows("KIND").await);
        assert!(one.0 < more.0, "{one:?} {more:?}");
        assert_eq!(one.1, more.1, "{} rows cost {} statements, {} rows {}", one.0, one.1, more.0, more.1);
        // By country an agreement may count in several rows, so the value is counted
        // apart from them: one statement more, still not one per row.
        let by_country = rows("COUNTRY").await;
        assert!(by_country.0 > one.0, "{by_country:?} {one:?}");
        assert_eq!(by_country.1, one.1 + 1, "{by_country:?} {one:?}");
        assert_eq!(breakdown(&app, coord, Some(&consortium), Some("2024-06-01"), "TRAINING_CENTRES_ABROAD", "COUNTRY").await,
            map(&[("TH", 2), ("DE", 1), ("FR", 1)]));
    }

    async fn statistics_overview_statements_do_not_grow(backend: Backend) {
        const OVERVIEW: &str = "{ consortiumOverview(partners: 5, standards: 5) {
            asOf countriesReached
            members { organisation { id nameEn } indicators { code value } }
            partnersByCountry { key value country { nameEn } }
            topPartners { organisation { id nameEn } members agreements }
            standardAdoption { standard { id title } countries { country { code } adoptions } }
        } }";
        let small = generate(0, 36);
        let app = TestApp::with_fixture(backend, &small.document.to_string()).await;
        let coord = app.token(Role::Coordinator, None).await;
        let data = app.data_as(Some(&coord), OVERVIEW, json!({})).await;
        let overview = &data["consortiumOverview"];
        let today = chrono::Utc::now().date_naive().to_string();
        assert_eq!(overview["countriesReached"].as_u64().unwrap(), expected(&small, Caller::Coordinator, &today, &WHOLE)["PARTNER_COUNTRIES_AND_REGIONS"]);
        assert_eq!(overview["members"].as_array().unwrap().len(), 2);
        let member_a = overview["members"].as_array().unwrap().iter().find(|m| m["organisation"]["nameEn"] == "Gen A").unwrap();
        assert_eq!(member_a["indicators"][0]["value"].as_u64().unwrap(), expected(&small, Caller::Coordinator, &today, &A_TREE)["PARTNER_INSTITUTIONS"]);
        let top = &overview["topPartners"][0];
        assert_eq!(top["members"], 2, "the most connected partner works with both members: {top}");
        let adoption = &overview["standardAdoption"][0]["countries"];
        assert!(adoption.as_array().unwrap().len() >= 2, "{adoption}");
        let fewer = app.statements(OVERVIEW, json!({})).await;
        drop(app);

        // Six more members, twice the agreements: the same statements.
        let large = generate(6, 72);
        let app = TestApp::with_fixture(backend, &large.document.to_string()).await;
        let data = app.data(OVERVIEW, json!({})).await;
        assert_eq!(data["consortiumOverview"]["members"].as_array().unwrap().len(), 8);
        let more = app.statements(OVERVIEW, json!({})).await;
        assert_eq!(fewer, more, "the overview's statements do not grow with members or records");
    }

    // Figures are kept until the change feed moves: a write through another server on
    // the same database shows at once, for each reader as its own rule implies, and a
    // kept answer never goes to a reader of another rule.
    async fn kept_figures_follow_every_write_and_every_reader(backend: Backend) {
        let w = crate::helpers::world(backend).await;
        let other = TestApp::spawn_on(w.app.url(), concord::Settings::default()).await;
        let alpha = gid("Organisation", w.alpha);
        let readers: [(&str, Option<&str>); 4] = [("anonymous", None), ("Alpha's viewer", Some(&w.viewer_a)),
            ("Beta's editor", Some(&w.editor_b)), ("coordinator", Some(&w.coordinator))];
        let in_effect = async |app: &TestApp, token: Option<&str>| {
            values(app, token, Some(&alpha), None).await["AGREEMENTS_IN_EFFECT"]
        };
        let mut before = Vec::new();
        for (name, token) in readers {
            let first = in_effect(&w.app, token).await;
            assert_eq!(in_effect(&w.app, token).await, first, "{name}: asked twice");
            assert_eq!(in_effect(&other, token).await, first, "{name}: the other server");
            before.push(first);
        }

        // A private agreement of Alpha's, in effect, written through the other server.
        let partner = gid("Organisation", w.app.organisation("Addis Polytechnic").await);
        let created = other.data_as(Some(&w.editor_a), "mutation($i: CreateAgreementInput!) { createAgreement(input: $i) { agreement { id version } } }",
            json!({ "i": { "kind": "MOU", "status": "IN_EFFECT", "visibility": "PRIVATE", "title": "Kept figures MoU",
                "parties": [{ "organisation": alpha }, { "organisation": partner }] } })).await;
        let agreement = &created["createAgreement"]["agreement"];
        let sees_it = [false, true, false, true];
        for (i, (name, token)) in readers.into_iter().enumerate() {
            let now = in_effect(&w.app, token).await;
            assert_eq!(now, before[i] + u64::from(sees_it[i]), "{name} after the write");
            assert_eq!(in_effect(&other, token).await, now, "{name}: the other server");
        }

        // Archived through the first server: every figure is what it was.
        let archived = w.app.data_as(Some(&w.editor_a), "mutation($i: ArchiveAgreementInput!) { archiveAgreement(input: $i) { agreement { archivedAt } } }",
            json!({ "i": { "id": agreement["id"], "expectedVersion": agreement["version"] } })).await;
        assert!(archived["archiveAgreement"]["agreement"]["archivedAt"].is_string(), "{archived}");
        for (i, (name, token)) in readers.into_iter().enumerate() {
            assert_eq!(in_effect(&other, token).await, before[i], "{name} after archiving");
            assert_eq!(in_effect(&w.app, token).await, before[i], "{name} after archiving");
        }
    }
}
