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
        assert_eq!(definitions["indicatorDefinitions"][0]["breakdowns"], json!(["COUNTRY", "REGION", "KIND", "MEMBER"]));

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

        // Bad arguments name themselves.
        assert_eq!(app.error(STATISTICS, json!({ "s": gid("Event", 1) })).await, ("BAD_USER_INPUT".to_owned(), Some("subject".to_owned())));
        assert_eq!(app.error(STATISTICS, json!({ "s": gid("Organisation", 999_999) })).await.0, "NOT_FOUND");
        assert_eq!(app.error(BREAKDOWN, json!({ "c": "PARTNER_COUNTRIES_AND_REGIONS", "by": "YEAR" })).await, ("BAD_USER_INPUT".to_owned(), Some("by".to_owned())));
    }
}
