//! The baseline: the reference operations answered by one axum handler with hand-written
//! SQL, returning the same JSON as Concord. No GraphQL parsing, no generic loaders: the
//! practical limit of this stack (axum, SeaORM's pool over sqlx), against which
//! Concord's throughput is reported. Reads are anonymous, so only public, live records.
use std::collections::HashMap;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::{get as route_get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, QueryResult, Statement, TransactionTrait,
    TryGetable, Value,
};
use serde_json::{Value as JsonValue, json};

use crate::operations::{global_id, key_of};

type Outcome = Result<JsonValue, String>;

/// The baseline's router: `POST /graphql` (by operation name) and `/metrics` (the SQL
/// statement counter, in Concord's format).
pub fn app(db: service::Database) -> Router {
    Router::new()
        .route("/graphql", post(graphql))
        .route("/metrics", route_get(metrics))
        .with_state(db)
}

async fn metrics(State(db): State<service::Database>) -> String {
    format!("concord_sql_statements_total {}\n", db.statements())
}

#[derive(serde::Deserialize)]
struct Request {
    #[serde(rename = "operationName")]
    operation_name: Option<String>,
    #[serde(default)]
    variables: JsonValue,
}

async fn graphql(
    State(database): State<service::Database>,
    headers: HeaderMap,
    Json(request): Json<Request>,
) -> Json<JsonValue> {
    let db = &database.connection;
    let vars = &request.variables;
    let outcome = match request.operation_name.as_deref() {
        Some("Home") => home(db).await,
        Some("Profile") => match id_var(vars, "id", "Organisation") {
            Some(id) => profile(db, id).await,
            None => Ok(json!({ "node": null })),
        },
        Some("Search") => search(db, vars["after"].as_str()).await,
        Some("Events") => events_page(db, vars["after"].as_str()).await,
        Some("Deep") => match id_var(vars, "id", "Event") {
            Some(id) => deep(db, id).await,
            None => Ok(json!({ "node": null })),
        },
        Some("Overview") => overview(db, vars["asOf"].as_str()).await,
        Some("DrillDown") => drill_down(db, vars["asOf"].as_str()).await,
        Some("Create") => {
            let token = headers.get("authorization").and_then(|h| h.to_str().ok());
            create(&database, token, &vars["input"]).await
        }
        Some("Update") => {
            let token = headers.get("authorization").and_then(|h| h.to_str().ok());
            update(&database, token, &vars["input"]).await
        }
        _ => Err("the baseline answers only the reference operations".into()),
    };
    Json(match outcome {
        Ok(data) => json!({ "data": data }),
        Err(message) => json!({ "errors": [{ "message": message }] }),
    })
}

fn id_var(vars: &JsonValue, name: &str, kind: &str) -> Option<i64> {
    match key_of(vars[name].as_str()?)? {
        (k, key) if k == kind => Some(key),
        _ => None,
    }
}

/// Runs `sql` written with `$1` placeholders (SQLite reads them as `?1`).
async fn rows(
    db: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<Vec<QueryResult>, String> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => sql.to_owned(),
        _ => sql.replace('$', "?"),
    };
    db.query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await
        .map_err(|e| e.to_string())
}

/// `$from, $from+1, …` for an IN list of `n` values.
fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn get<T: TryGetable>(row: &QueryResult, column: &str) -> Result<T, String> {
    row.try_get("", column).map_err(|e| e.to_string())
}

/// A database enum value as GraphQL spells it.
fn upper(row: &QueryResult, column: &str) -> Result<JsonValue, String> {
    Ok(JsonValue::String(
        get::<String>(row, column)?.to_ascii_uppercase(),
    ))
}

fn date(row: &QueryResult, column: &str) -> Result<JsonValue, String> {
    Ok(match get::<Option<NaiveDate>>(row, column)? {
        Some(d) => JsonValue::String(d.format("%Y-%m-%d").to_string()),
        None => JsonValue::Null,
    })
}

fn text(row: &QueryResult, column: &str) -> Result<JsonValue, String> {
    Ok(match get::<Option<String>>(row, column)? {
        Some(s) => JsonValue::String(s),
        None => JsonValue::Null,
    })
}

fn id(kind: &str, row: &QueryResult, column: &str) -> Result<JsonValue, String> {
    Ok(JsonValue::String(global_id(kind, get::<i64>(row, column)?)))
}

/// `{ code }` or `{ code nameEn }` of a country column pair, or null.
fn country(row: &QueryResult, code: &str, name: Option<&str>) -> Result<JsonValue, String> {
    Ok(match get::<Option<String>>(row, code)? {
        None => JsonValue::Null,
        Some(c) => match name {
            Some(name) => json!({ "code": c, "nameEn": get::<String>(row, name)? }),
            None => json!({ "code": c }),
        },
    })
}

fn person(row: &QueryResult, key: &str) -> Result<JsonValue, String> {
    Ok(json!({
        "id": id("Person", row, key)?,
        "familyName": get::<String>(row, "family_name")?,
        "givenName": text(row, "given_name")?,
    }))
}

/// The condition that an owned record (under `alias`) is public and live: what an
/// anonymous caller may read.
fn public(alias: &str) -> String {
    format!("{alias}.visibility = 'public' AND {alias}.archived_at IS NULL")
}

fn group(
    rows: &[QueryResult],
    parent: &str,
    mut item: impl FnMut(&QueryResult) -> Result<JsonValue, String>,
) -> Result<HashMap<i64, Vec<JsonValue>>, String> {
    let mut out: HashMap<i64, Vec<JsonValue>> = HashMap::new();
    for row in rows {
        out.entry(get::<i64>(row, parent)?)
            .or_default()
            .push(item(row)?);
    }
    Ok(out)
}

/// Organisations in their roles on each parent, in the order reported: an event's
/// organisations (`event_organisation`, `event_id`) or an agreement's parties
/// (`agreement_party`, `agreement_id`).
async fn organisations_in_roles(
    db: &DatabaseConnection,
    table: &str,
    parent: &str,
    parents: &[i64],
    country_names: bool,
) -> Result<HashMap<i64, Vec<JsonValue>>, String> {
    if parents.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT r.{parent} AS parent, r.role, o.id AS org_id, o.name_en, o.country_code, c.name_en AS country_name \
         FROM {table} r JOIN organisation o ON o.id = r.organisation_id \
         LEFT JOIN country c ON c.code = o.country_code \
         WHERE r.{parent} IN ({}) ORDER BY r.{parent}, r.position, r.id",
        placeholders(1, parents.len())
    );
    let found = rows(db, &sql, parents.iter().map(|&p| p.into()).collect()).await?;
    group(&found, "parent", |r| {
        Ok(json!({
            "role": upper(r, "role")?,
            "organisation": {
                "id": id("Organisation", r, "org_id")?,
                "nameEn": get::<String>(r, "name_en")?,
                "country": country(r, "country_code", country_names.then_some("country_name"))?,
            }
        }))
    })
}

async fn event_organisations(
    db: &DatabaseConnection,
    events: &[i64],
    country_names: bool,
) -> Result<HashMap<i64, Vec<JsonValue>>, String> {
    organisations_in_roles(db, "event_organisation", "event_id", events, country_names).await
}

async fn parties(
    db: &DatabaseConnection,
    agreements: &[i64],
    country_names: bool,
) -> Result<HashMap<i64, Vec<JsonValue>>, String> {
    organisations_in_roles(
        db,
        "agreement_party",
        "agreement_id",
        agreements,
        country_names,
    )
    .await
}

/// Each event's presentations in programme order, with their presenters.
async fn presentations(
    db: &DatabaseConnection,
    events: &[i64],
) -> Result<HashMap<i64, Vec<JsonValue>>, String> {
    if events.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT p.event_id, p.id, p.title, pe.id AS person_id, pe.family_name, pe.given_name \
         FROM presentation p \
         LEFT JOIN presentation_presenter pp ON pp.presentation_id = p.id \
         LEFT JOIN person pe ON pe.id = pp.person_id \
         WHERE p.event_id IN ({}) ORDER BY p.event_id, p.position, p.id, pp.position, pp.id",
        placeholders(1, events.len())
    );
    let found = rows(db, &sql, events.iter().map(|&e| e.into()).collect()).await?;
    let mut out: HashMap<i64, Vec<JsonValue>> = HashMap::new();
    let mut last: Option<i64> = None;
    for r in &found {
        let event = get::<i64>(r, "event_id")?;
        let pid = get::<i64>(r, "id")?;
        let list = out.entry(event).or_default();
        if last != Some(pid) {
            list.push(json!({ "title": get::<String>(r, "title")?, "presenters": [] }));
            last = Some(pid);
        }
        if get::<Option<i64>>(r, "person_id")?.is_some() {
            let presenter = person(r, "person_id")?;
            if let Some(JsonValue::Array(presenters)) =
                list.last_mut().and_then(|p| p.get_mut("presenters"))
            {
                presenters.push(presenter);
            }
        }
    }
    Ok(out)
}

fn edges(nodes: Vec<JsonValue>) -> JsonValue {
    JsonValue::Array(nodes.into_iter().map(|n| json!({ "node": n })).collect())
}

fn total(rows: &[QueryResult]) -> Result<i64, String> {
    rows.first().map_or(Ok(0), |r| get::<i64>(r, "total"))
}

async fn home(db: &DatabaseConnection) -> Outcome {
    let events = rows(
        db,
        &format!(
            "SELECT e.id, e.title, e.kind, e.start_date, e.city, e.country_code, c.name_en AS country_name \
             FROM event e LEFT JOIN country c ON c.code = e.country_code \
             WHERE {} ORDER BY e.start_date DESC, e.id DESC LIMIT 20",
            public("e")
        ),
        vec![],
    )
    .await?;
    let ids: Vec<i64> = events
        .iter()
        .map(|r| get(r, "id"))
        .collect::<Result<_, _>>()?;
    let mut orgs = event_organisations(db, &ids, false).await?;
    let mut talks = presentations(db, &ids).await?;
    let mut nodes = Vec::new();
    for r in &events {
        let key: i64 = get(r, "id")?;
        nodes.push(json!({
            "id": id("Event", r, "id")?,
            "title": get::<String>(r, "title")?,
            "kind": upper(r, "kind")?,
            "startDate": date(r, "start_date")?,
            "city": text(r, "city")?,
            "country": country(r, "country_code", Some("country_name"))?,
            "organisations": orgs.remove(&key).unwrap_or_default(),
            "presentations": talks.remove(&key).unwrap_or_default(),
        }));
    }
    Ok(json!({ "events": { "edges": edges(nodes) } }))
}

async fn profile(db: &DatabaseConnection, org: i64) -> Outcome {
    let found = rows(
        db,
        "SELECT o.id, o.name_en, o.country_code, c.name_en AS country_name \
         FROM organisation o LEFT JOIN country c ON c.code = o.country_code WHERE o.id = $1",
        vec![org.into()],
    )
    .await?;
    let Some(o) = found.first() else {
        return Ok(json!({ "node": null }));
    };

    let agreements = rows(
        db,
        &format!(
            "SELECT a.id, a.title, a.kind, a.status, a.signed_on, COUNT(*) OVER () AS total \
             FROM agreement a \
             WHERE a.id IN (SELECT agreement_id FROM agreement_party WHERE organisation_id = $1) \
             AND {} ORDER BY (a.signed_on IS NULL), a.signed_on DESC, a.id LIMIT 10",
            public("a")
        ),
        vec![org.into()],
    )
    .await?;
    let agreement_ids: Vec<i64> = agreements
        .iter()
        .map(|r| get(r, "id"))
        .collect::<Result<_, _>>()?;
    let mut agreement_parties = parties(db, &agreement_ids, true).await?;
    let mut agreement_nodes = Vec::new();
    for r in &agreements {
        let key: i64 = get(r, "id")?;
        agreement_nodes.push(json!({
            "id": id("Agreement", r, "id")?,
            "title": get::<String>(r, "title")?,
            "kind": upper(r, "kind")?,
            "status": upper(r, "status")?,
            "signedOn": date(r, "signed_on")?,
            "parties": agreement_parties.remove(&key).unwrap_or_default(),
        }));
    }

    let standards = rows(
        db,
        &format!(
            "SELECT s.id, s.title, s.code, COUNT(*) OVER () AS total FROM curriculum_standard s \
             WHERE s.developer_id = $1 AND {} ORDER BY s.title, s.id LIMIT 10",
            public("s")
        ),
        vec![org.into()],
    )
    .await?;
    let standard_ids: Vec<i64> = standards
        .iter()
        .map(|r| get(r, "id"))
        .collect::<Result<_, _>>()?;
    let mut adoptions: HashMap<i64, (i64, Vec<JsonValue>)> = HashMap::new();
    if !standard_ids.is_empty() {
        let sql = format!(
            "SELECT * FROM (SELECT a.standard_id, a.kind, a.adopted_on, a.country_code, c.name_en AS country_name, \
             ROW_NUMBER() OVER (PARTITION BY a.standard_id ORDER BY a.country_code, a.id) AS rn, \
             COUNT(*) OVER (PARTITION BY a.standard_id) AS total \
             FROM adoption a LEFT JOIN country c ON c.code = a.country_code \
             WHERE a.standard_id IN ({})) numbered WHERE rn <= 10 ORDER BY standard_id, rn",
            placeholders(1, standard_ids.len())
        );
        for r in rows(db, &sql, standard_ids.iter().map(|&s| s.into()).collect()).await? {
            let entry = adoptions
                .entry(get(&r, "standard_id")?)
                .or_insert_with(|| (0, Vec::new()));
            entry.0 = get(&r, "total")?;
            entry.1.push(json!({
                "kind": upper(&r, "kind")?,
                "adoptedOn": date(&r, "adopted_on")?,
                "country": country(&r, "country_code", Some("country_name"))?,
            }));
        }
    }
    let mut standard_nodes = Vec::new();
    for r in &standards {
        let key: i64 = get(r, "id")?;
        let (count, list) = adoptions.remove(&key).unwrap_or_default();
        standard_nodes.push(json!({
            "id": id("CurriculumStandard", r, "id")?,
            "title": get::<String>(r, "title")?,
            "code": text(r, "code")?,
            "adoptions": { "totalCount": count, "edges": edges(list) },
        }));
    }

    let centres = rows(
        db,
        "SELECT t.id, t.name, t.city, t.status, t.country_code, t.partner_id, p.name_en AS partner_name, \
         COUNT(*) OVER () AS total \
         FROM training_centre t LEFT JOIN organisation p ON p.id = t.partner_id \
         WHERE t.operator_id = $1 AND t.visibility = 'public' AND t.archived_at IS NULL \
         ORDER BY t.name, t.id LIMIT 10",
        vec![org.into()],
    )
    .await?;
    let mut centre_nodes = Vec::new();
    for r in &centres {
        let partner = match get::<Option<i64>>(r, "partner_id")? {
            Some(p) => {
                json!({ "id": global_id("Organisation", p), "nameEn": get::<String>(r, "partner_name")? })
            }
            None => JsonValue::Null,
        };
        centre_nodes.push(json!({
            "id": id("TrainingCentre", r, "id")?,
            "name": get::<String>(r, "name")?,
            "city": text(r, "city")?,
            "status": upper(r, "status")?,
            "country": country(r, "country_code", None)?,
            "partner": partner,
        }));
    }

    Ok(json!({ "node": {
        "id": id("Organisation", o, "id")?,
        "nameEn": get::<String>(o, "name_en")?,
        "country": country(o, "country_code", Some("country_name"))?,
        "agreements": { "totalCount": total(&agreements)?, "edges": edges(agreement_nodes) },
        "curriculumStandards": { "totalCount": total(&standards)?, "edges": edges(standard_nodes) },
        "operatedCentres": { "totalCount": total(&centres)?, "edges": edges(centre_nodes) },
    }}))
}

/// The search's order, as its cursors name it.
const SEARCH_LIST: &str = "agreement/list/signed_on.d/id.d";
/// The events' order, latest first.
const EVENTS_LIST: &str = "event/list/start_date.d/id.d";

/// A cursor's (date or null, id) keys.
fn date_and_id(list: &str, cursor: &str) -> Result<(Option<NaiveDate>, i64), String> {
    let keys = crate::operations::cursor_keys(list, cursor).ok_or("bad cursor")?;
    let date = match &keys[..] {
        [JsonValue::String(n), _] if n == "n" => None,
        [d, _] => Some(
            d["d"]
                .as_str()
                .and_then(|d| d.parse().ok())
                .ok_or("bad cursor")?,
        ),
        _ => return Err("bad cursor".into()),
    };
    let id = keys[1]["i"].as_i64().ok_or("bad cursor")?;
    Ok((date, id))
}

/// The cursor of a row with `date` (or null) and `id`.
fn date_cursor(list: &str, row: &QueryResult, column: &str) -> Result<String, String> {
    let date = match get::<Option<NaiveDate>>(row, column)? {
        Some(d) => json!({ "d": d.format("%Y-%m-%d").to_string() }),
        None => json!("n"),
    };
    let id: i64 = get(row, "id")?;
    Ok(crate::operations::cursor(list, &json!([date, { "i": id }])))
}

async fn search(db: &DatabaseConnection, after: Option<&str>) -> Outcome {
    let after = after.map(|c| date_and_id(SEARCH_LIST, c)).transpose()?;
    let size = crate::operations::SEARCH_PAGE;
    // Past the cursor in `signed_on DESC NULLS LAST, id DESC`.
    let (seek, mut values): (&str, Vec<sea_orm::Value>) = match after {
        None => ("", vec![]),
        Some((Some(date), id)) => (
            "AND (a.signed_on < $3 OR a.signed_on IS NULL OR (a.signed_on = $3 AND a.id < $4))",
            vec![date.into(), id.into()],
        ),
        Some((None, id)) => ("AND a.signed_on IS NULL AND a.id < $3", vec![id.into()]),
    };
    let matching = "FROM agreement a WHERE a.visibility = 'public' AND a.archived_at IS NULL \
         AND a.status = 'in_effect' AND a.id IN (SELECT ap.agreement_id FROM agreement_party ap \
         JOIN organisation o ON o.id = ap.organisation_id WHERE o.country_code = $1)";
    let page = rows(
        db,
        &format!(
            "SELECT a.id, a.title, a.kind, a.status, a.signed_on, a.valid_from {matching} {seek} \
             ORDER BY (a.signed_on IS NULL), a.signed_on DESC, a.id DESC LIMIT $2"
        ),
        {
            let mut all = vec![
                crate::operations::SEARCH_COUNTRY.into(),
                (size as i64 + 1).into(),
            ];
            all.append(&mut values);
            all
        },
    )
    .await?;
    let count = rows(
        db,
        &format!("SELECT COUNT(*) AS total {matching}"),
        vec![crate::operations::SEARCH_COUNTRY.into()],
    )
    .await?;
    let has_next = page.len() as u64 > size;
    let page = &page[..page.len().min(size as usize)];
    let ids: Vec<i64> = page
        .iter()
        .map(|r| get(r, "id"))
        .collect::<Result<_, _>>()?;
    let mut agreement_parties = parties(db, &ids, false).await?;
    let mut nodes = Vec::new();
    for r in page {
        let key: i64 = get(r, "id")?;
        nodes.push(json!({
            "id": id("Agreement", r, "id")?,
            "title": get::<String>(r, "title")?,
            "kind": upper(r, "kind")?,
            "status": upper(r, "status")?,
            "signedOn": date(r, "signed_on")?,
            "validFrom": date(r, "valid_from")?,
            "parties": agreement_parties.remove(&key).unwrap_or_default(),
        }));
    }
    let end = page
        .last()
        .map(|r| date_cursor(SEARCH_LIST, r, "signed_on"))
        .transpose()?;
    Ok(json!({ "agreements": {
        "totalCount": total(&count)?,
        "pageInfo": { "hasNextPage": has_next, "endCursor": end },
        "edges": edges(nodes),
    }}))
}

/// A page of public events, latest first, after a cursor.
async fn events_page(db: &DatabaseConnection, after: Option<&str>) -> Outcome {
    let after = after.map(|c| date_and_id(EVENTS_LIST, c)).transpose()?;
    let (seek, values): (&str, Vec<sea_orm::Value>) = match after {
        None => ("", vec![]),
        Some((date, id)) => (
            "AND (e.start_date, e.id) < ($1, $2)",
            vec![date.ok_or("bad cursor")?.into(), id.into()],
        ),
    };
    let size = 20;
    let events = rows(
        db,
        &format!(
            "SELECT e.id, e.title, e.kind, e.start_date, e.city, e.country_code, c.name_en AS country_name \
             FROM event e LEFT JOIN country c ON c.code = e.country_code \
             WHERE {} {seek} ORDER BY e.start_date DESC, e.id DESC LIMIT {}",
            public("e"),
            size + 1
        ),
        values,
    )
    .await?;
    let has_next = events.len() > size;
    let mut edges = Vec::new();
    for r in events.iter().take(size) {
        edges.push(json!({
            "cursor": date_cursor(EVENTS_LIST, r, "start_date")?,
            "node": {
                "id": id("Event", r, "id")?,
                "title": get::<String>(r, "title")?,
                "kind": upper(r, "kind")?,
                "startDate": date(r, "start_date")?,
                "city": text(r, "city")?,
                "country": country(r, "country_code", Some("country_name"))?,
            }
        }));
    }
    let end = edges.last().map(|e| e["cursor"].clone());
    Ok(json!({ "events": {
        "pageInfo": { "hasNextPage": has_next, "endCursor": end },
        "edges": edges,
    }}))
}

async fn deep(db: &DatabaseConnection, event: i64) -> Outcome {
    let found = rows(
        db,
        "SELECT e.id, e.title, e.kind, e.status, e.start_date, e.end_date, e.city, e.country_code, \
         c.name_en AS country_name FROM event e LEFT JOIN country c ON c.code = e.country_code \
         WHERE e.id = $1 AND e.visibility = 'public' AND e.archived_at IS NULL",
        vec![event.into()],
    )
    .await?;
    let Some(e) = found.first() else {
        return Ok(json!({ "node": null }));
    };
    let mut orgs = event_organisations(db, &[event], true).await?;
    let people = rows(
        db,
        "SELECT ep.role, ep.title, p.id AS person_id, p.family_name, p.given_name, \
         o.id AS org_id, o.name_en FROM event_participant ep JOIN person p ON p.id = ep.person_id \
         LEFT JOIN organisation o ON o.id = ep.organisation_id \
         WHERE ep.event_id = $1 ORDER BY ep.position, ep.id",
        vec![event.into()],
    )
    .await?;
    let mut participants = Vec::new();
    for r in &people {
        let organisation = match get::<Option<i64>>(r, "org_id")? {
            Some(o) => {
                json!({ "id": global_id("Organisation", o), "nameEn": get::<String>(r, "name_en")? })
            }
            None => JsonValue::Null,
        };
        participants.push(json!({
            "role": upper(r, "role")?,
            "title": text(r, "title")?,
            "person": person(r, "person_id")?,
            "organisation": organisation,
        }));
    }
    let mut talks = presentations(db, &[event]).await?;
    let signed = rows(
        db,
        "SELECT a.id, a.title, a.status, a.signed_on, COUNT(*) OVER () AS total FROM agreement a \
         WHERE a.signed_at_event_id = $1 AND a.visibility = 'public' AND a.archived_at IS NULL \
         ORDER BY (a.signed_on IS NULL), a.signed_on DESC, a.id LIMIT 10",
        vec![event.into()],
    )
    .await?;
    let ids: Vec<i64> = signed
        .iter()
        .map(|r| get(r, "id"))
        .collect::<Result<_, _>>()?;
    let mut agreement_parties = parties(db, &ids, false).await?;
    let mut signatories: HashMap<i64, Vec<JsonValue>> = HashMap::new();
    if !ids.is_empty() {
        let sql = format!(
            "SELECT ap.agreement_id, ap.title, p.id AS person_id, p.family_name, p.given_name \
             FROM agreement_person ap JOIN person p ON p.id = ap.person_id \
             WHERE ap.agreement_id IN ({}) AND ap.role = 'signatory' \
             ORDER BY ap.agreement_id, ap.position, ap.id",
            placeholders(1, ids.len())
        );
        let found = rows(db, &sql, ids.iter().map(|&a| a.into()).collect()).await?;
        signatories = group(&found, "agreement_id", |r| {
            Ok(json!({ "title": text(r, "title")?, "person": person(r, "person_id")? }))
        })?;
    }
    let mut agreement_nodes = Vec::new();
    for r in &signed {
        let key: i64 = get(r, "id")?;
        agreement_nodes.push(json!({
            "id": id("Agreement", r, "id")?,
            "title": get::<String>(r, "title")?,
            "status": upper(r, "status")?,
            "signedOn": date(r, "signed_on")?,
            "parties": agreement_parties.remove(&key).unwrap_or_default(),
            "signatories": signatories.remove(&key).unwrap_or_default(),
        }));
    }
    Ok(json!({ "node": {
        "id": id("Event", e, "id")?,
        "title": get::<String>(e, "title")?,
        "kind": upper(e, "kind")?,
        "status": upper(e, "status")?,
        "startDate": date(e, "start_date")?,
        "endDate": date(e, "end_date")?,
        "city": text(e, "city")?,
        "country": country(e, "country_code", Some("country_name"))?,
        "organisations": orgs.remove(&event).unwrap_or_default(),
        "participants": participants,
        "presentations": talks.remove(&event).unwrap_or_default(),
        "agreementsSigned": { "totalCount": total(&signed)?, "edges": edges(agreement_nodes) },
    }}))
}

/// The member an editor token acts for, through Concord's own token check (the same
/// cost on both sides: a lookup and a hash).
async fn editor(db: &service::Database, token: Option<&str>) -> Result<i64, String> {
    match service::auth::authenticate(db, token).await {
        Ok(service::Principal::Member {
            organisation_id, ..
        }) => Ok(organisation_id),
        _ => Err("an editor token is required".into()),
    }
}

async fn begin(db: &DatabaseConnection) -> Result<sea_orm::DatabaseTransaction, String> {
    db.begin_with_options(sea_orm::TransactionOptions {
        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
    .map_err(|e| e.to_string())
}

async fn create(database: &service::Database, token: Option<&str>, input: &JsonValue) -> Outcome {
    let owner = editor(database, token).await?;
    let db = &database.connection;
    let field = |name: &str| input[name].as_str().map(str::to_owned);
    let title = field("title").ok_or("title is required")?;
    let start = field("startDate")
        .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
        .ok_or("startDate must be a date")?;
    let lower = |name: &str| field(name).map(|v| v.to_ascii_lowercase());
    let txn = begin(db).await?;
    let now = chrono::Utc::now();
    let created = rows(
        &txn,
        "INSERT INTO event (owner_id, visibility, kind, status, format, title, start_date, version, \
         created_at, updated_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8, 'baseline') \
         RETURNING id",
        vec![
            owner.into(),
            lower("visibility").unwrap_or_else(|| "private".into()).into(),
            lower("kind").ok_or("kind is required")?.into(),
            lower("status").ok_or("status is required")?.into(),
            lower("format").ok_or("format is required")?.into(),
            title.into(),
            start.into(),
            now.into(),
        ],
    )
    .await?;
    let event: i64 = get(created.first().ok_or("no id returned")?, "id")?;
    for (position, part) in input["organisations"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let org = part["organisation"]
            .as_str()
            .and_then(key_of)
            .ok_or("organisation must be an id")?
            .1;
        let role = part["role"].as_str().unwrap_or("host").to_ascii_lowercase();
        rows(
            &txn,
            "INSERT INTO event_organisation (event_id, organisation_id, role, position) VALUES ($1, $2, $3, $4)",
            vec![event.into(), org.into(), role.into(), (position as i32).into()],
        )
        .await?;
    }
    txn.commit().await.map_err(|e| e.to_string())?;
    Ok(json!({ "createEvent": { "event": { "id": global_id("Event", event), "version": 1 } } }))
}

async fn update(database: &service::Database, token: Option<&str>, input: &JsonValue) -> Outcome {
    let owner = editor(database, token).await?;
    let db = &database.connection;
    let event = input["id"]
        .as_str()
        .and_then(key_of)
        .ok_or("id must be an event id")?
        .1;
    let expected = input["expectedVersion"].as_i64().ok_or("expectedVersion")?;
    let title = input["title"]
        .as_str()
        .ok_or("title is required")?
        .to_owned();
    let txn = begin(db).await?;
    let changed = txn
        .execute_raw(Statement::from_sql_and_values(
            txn.get_database_backend(),
            match txn.get_database_backend() {
                DatabaseBackend::Postgres => {
                    "UPDATE event SET title = $1, version = version + 1, updated_at = $2 \
                     WHERE id = $3 AND version = $4 AND owner_id = $5"
                }
                _ => {
                    "UPDATE event SET title = ?1, version = version + 1, updated_at = ?2 \
                     WHERE id = ?3 AND version = ?4 AND owner_id = ?5"
                }
            },
            vec![
                title.into(),
                chrono::Utc::now().into(),
                event.into(),
                (expected as i32).into(),
                owner.into(),
            ],
        ))
        .await
        .map_err(|e| e.to_string())?;
    if changed.rows_affected() != 1 {
        return Err("CONFLICT: the event changed since it was read".into());
    }
    txn.commit().await.map_err(|e| e.to_string())?;
    Ok(
        json!({ "updateEvent": { "event": { "id": global_id("Event", event), "version": expected + 1 } } }),
    )
}

// ---------------------------------------------------------------- statistics

/// The `asOf` variable as a date.
fn as_of(text: Option<&str>) -> Result<NaiveDate, String> {
    let text = text.ok_or("the statistics operations take `asOf`")?;
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|e| e.to_string())
}

/// The members of every consortium on `$1` (an anonymous caller's default subject)
/// with their units at any depth, as `tree (root, org)`.
const TREE: &str = "WITH RECURSIVE tree (root, org) AS (
    SELECT o.id, o.id FROM organisation o WHERE o.id IN (
        SELECT cm.organisation_id FROM consortium_member cm
        WHERE (cm.joined_on IS NULL OR cm.joined_on <= $1) AND (cm.left_on IS NULL OR cm.left_on >= $1))
    UNION SELECT tree.root, o.id FROM organisation o JOIN tree ON o.parent_id = tree.org)";

/// Public, live agreements (alias `a`) in effect on `$1`.
fn in_effect(a: &str) -> String {
    format!(
        "{} AND {a}.status IN ('in_effect', 'expired', 'renewed') \
         AND ({a}.valid_from IS NULL OR {a}.valid_from <= $1) AND ({a}.valid_to IS NULL OR {a}.valid_to >= $1)",
        public(a)
    )
}

/// Public, live, active partnerships (alias `ps`) on `$1`.
fn partnership_live() -> String {
    format!(
        "{} AND ps.status = 'active' AND (ps.\"since\" IS NULL OR ps.\"since\" <= $1) \
         AND (ps.\"until\" IS NULL OR ps.\"until\" >= $1)",
        public("ps")
    )
}

/// `, partners (id)`: the partners of the whole subject (agreement parties and
/// partnership partners outside it), to follow [`TREE`].
fn subject_partners() -> String {
    format!(
        ", partners (id) AS (
        SELECT p.organisation_id FROM agreement_party own
          JOIN agreement a ON a.id = own.agreement_id AND {}
          JOIN agreement_party p ON p.agreement_id = a.id
          WHERE own.organisation_id IN (SELECT org FROM tree)
            AND p.organisation_id NOT IN (SELECT org FROM tree)
        UNION SELECT ps.partner_id FROM partnership ps
          WHERE {} AND ps.member_id IN (SELECT org FROM tree)
            AND ps.partner_id NOT IN (SELECT org FROM tree))",
        in_effect("a"),
        partnership_live()
    )
}

fn code_text(row: &QueryResult, column: &str) -> Result<Option<String>, String> {
    Ok(get::<Option<String>>(row, column)?.map(|c| c.trim().to_owned()))
}

async fn overview(db: &DatabaseConnection, day: Option<&str>) -> Outcome {
    let day = as_of(day)?;
    let d = || vec![Value::from(day)];
    // Each member's five headline figures, one arm each, grouped by member.
    let figures = rows(
        db,
        &format!(
            "{TREE}, links (root, partner) AS (
                SELECT t.root, p.organisation_id FROM tree t
                  JOIN agreement_party own ON own.organisation_id = t.org
                  JOIN agreement a ON a.id = own.agreement_id AND {effect}
                  JOIN agreement_party p ON p.agreement_id = a.id
                  WHERE p.organisation_id NOT IN (SELECT t2.org FROM tree t2 WHERE t2.root = t.root)
                UNION SELECT t.root, ps.partner_id FROM tree t
                  JOIN partnership ps ON ps.member_id = t.org
                  WHERE {live} AND ps.partner_id NOT IN (SELECT t2.org FROM tree t2 WHERE t2.root = t.root))
            SELECT l.root, CAST(0 AS BIGINT) AS figure, COUNT(*) AS n FROM links l
              JOIN organisation o ON o.id = l.partner AND o.archived_at IS NULL GROUP BY l.root
            UNION ALL SELECT l.root, CAST(1 AS BIGINT), COUNT(DISTINCT o.country_code) FROM links l
              JOIN organisation o ON o.id = l.partner AND o.archived_at IS NULL GROUP BY l.root
            UNION ALL SELECT t.root, CAST(2 AS BIGINT), COUNT(DISTINCT a.id) FROM tree t
              JOIN agreement_party own ON own.organisation_id = t.org
              JOIN agreement a ON a.id = own.agreement_id AND {effect} GROUP BY t.root
            UNION ALL SELECT t.root, CAST(3 AS BIGINT), COUNT(*) FROM tree t
              JOIN curriculum_standard s ON s.developer_id = t.org
              WHERE {standard} AND (s.issued_on IS NULL OR s.issued_on <= $1) GROUP BY t.root
            UNION ALL SELECT t.root, CAST(4 AS BIGINT), COUNT(*) FROM tree t
              JOIN training_centre c ON c.operator_id = t.org
              JOIN organisation op ON op.id = c.operator_id
              WHERE {centre} AND c.status = 'operating' AND (c.opened_on IS NULL OR c.opened_on <= $1)
                AND c.country_code <> op.country_code GROUP BY t.root",
            effect = in_effect("a"),
            live = partnership_live(),
            standard = public("s"),
            centre = public("c"),
        ),
        d(),
    )
    .await?;
    let mut values: HashMap<(i64, i64), i64> = HashMap::new();
    for r in &figures {
        values.insert((get(r, "root")?, get(r, "figure")?), get(r, "n")?);
    }
    let members = rows(
        db,
        &format!("{TREE} SELECT o.id, o.name_en FROM organisation o WHERE o.id IN (SELECT root FROM tree) ORDER BY o.id"),
        d(),
    )
    .await?;
    const HEADLINE: [&str; 5] = [
        "PARTNER_INSTITUTIONS",
        "PARTNER_COUNTRIES_AND_REGIONS",
        "AGREEMENTS_IN_EFFECT",
        "CURRICULUM_STANDARDS_DEVELOPED",
        "TRAINING_CENTRES_ABROAD",
    ];
    let mut member_json = Vec::new();
    for m in &members {
        let key: i64 = get(m, "id")?;
        let indicators: Vec<JsonValue> = HEADLINE
            .iter()
            .enumerate()
            .map(|(i, code)| json!({ "code": code, "value": values.get(&(key, i as i64)).copied().unwrap_or(0) }))
            .collect();
        member_json.push(json!({
            "organisation": { "id": id("Organisation", m, "id")?, "nameEn": get::<String>(m, "name_en")? },
            "indicators": indicators,
        }));
    }

    let reached = rows(
        db,
        &format!(
            "{TREE}{} SELECT COUNT(DISTINCT o.country_code) AS n FROM organisation o \
             WHERE o.id IN (SELECT id FROM partners) AND o.archived_at IS NULL",
            subject_partners()
        ),
        d(),
    )
    .await?;
    let reached: i64 = reached.first().map_or(Ok(0), |r| get(r, "n"))?;

    let top = rows(
        db,
        &format!(
            "{TREE}, links (root, partner, agreement, partnership) AS (
                SELECT t.root, p.organisation_id, a.id, CAST(NULL AS BIGINT) FROM tree t
                  JOIN agreement_party own ON own.organisation_id = t.org
                  JOIN agreement a ON a.id = own.agreement_id AND {effect}
                  JOIN agreement_party p ON p.agreement_id = a.id
                  WHERE p.organisation_id NOT IN (SELECT org FROM tree)
                UNION ALL SELECT t.root, ps.partner_id, CAST(NULL AS BIGINT), ps.id FROM tree t
                  JOIN partnership ps ON ps.member_id = t.org
                  WHERE {live} AND ps.partner_id NOT IN (SELECT org FROM tree))
            SELECT l.partner, o.name_en, COUNT(DISTINCT l.root) AS members,
                   COUNT(DISTINCT l.agreement) AS agreements, COUNT(DISTINCT l.partnership) AS partnerships
            FROM links l JOIN organisation m ON m.id = l.root
              JOIN organisation o ON o.id = l.partner AND o.archived_at IS NULL
            WHERE o.country_code <> m.country_code
            GROUP BY l.partner, o.name_en
            ORDER BY members DESC, agreements DESC, partnerships DESC, l.partner LIMIT {}",
            crate::operations::OVERVIEW_PARTNERS,
            effect = in_effect("a"),
            live = partnership_live(),
        ),
        d(),
    )
    .await?;
    let mut partners = Vec::new();
    for r in &top {
        partners.push(json!({
            "organisation": { "id": id("Organisation", r, "partner")?, "nameEn": get::<String>(r, "name_en")? },
            "members": get::<i64>(r, "members")?,
            "agreements": get::<i64>(r, "agreements")?,
            "partnerships": get::<i64>(r, "partnerships")?,
        }));
    }

    let adopted = format!(
        "FROM adoption ad JOIN curriculum_standard s ON s.id = ad.standard_id \
         WHERE {} AND s.developer_id IN (SELECT org FROM tree) \
           AND (ad.adopted_on IS NULL OR ad.adopted_on <= $1)",
        public("s")
    );
    let adoption = rows(
        db,
        &format!(
            "{TREE} SELECT ad.standard_id, s.title, ad.country_code, COUNT(*) AS adoptions {adopted}
               AND ad.standard_id IN (SELECT top.standard_id FROM (
                 SELECT ad.standard_id {adopted} GROUP BY ad.standard_id
                 ORDER BY COUNT(DISTINCT ad.country_code) DESC, ad.standard_id LIMIT {}) top)
             GROUP BY ad.standard_id, s.title, ad.country_code
             ORDER BY ad.standard_id, ad.country_code",
            crate::operations::OVERVIEW_STANDARDS
        ),
        d(),
    )
    .await?;
    let mut standards: Vec<JsonValue> = Vec::new();
    let mut last = None;
    for r in &adoption {
        let standard: i64 = get(r, "standard_id")?;
        if last != Some(standard) {
            standards.push(json!({
                "standard": { "id": id("CurriculumStandard", r, "standard_id")?, "title": get::<String>(r, "title")? },
                "countries": [],
            }));
            last = Some(standard);
        }
        let country = json!({
            "country": { "code": code_text(r, "country_code")? },
            "adoptions": get::<i64>(r, "adoptions")?,
        });
        if let Some(JsonValue::Array(countries)) =
            standards.last_mut().and_then(|s| s.get_mut("countries"))
        {
            countries.push(country);
        }
    }

    Ok(json!({ "consortiumOverview": {
        "asOf": day.format("%Y-%m-%d").to_string(),
        "countriesReached": reached,
        "members": member_json,
        "topPartners": partners,
        "standardAdoption": standards,
    } }))
}

async fn drill_down(db: &DatabaseConnection, day: Option<&str>) -> Outcome {
    let day = as_of(day)?;
    let found = rows(
        db,
        &format!(
            "{TREE}{}, numbered AS (
                SELECT o.id, o.name_en, o.country_code,
                  ROW_NUMBER() OVER (PARTITION BY o.country_code ORDER BY o.name_en, o.id) AS rn,
                  COUNT(*) OVER (PARTITION BY o.country_code) AS total
                FROM organisation o WHERE o.id IN (SELECT id FROM partners) AND o.archived_at IS NULL)
             SELECT id, name_en, country_code, rn, total FROM numbered WHERE rn <= {} ORDER BY country_code, rn",
            subject_partners(),
            crate::operations::DRILL_FIRST
        ),
        vec![Value::from(day)],
    )
    .await?;
    // Rows by country, largest first, then by code, the unplaced last.
    let mut by_key: Vec<(Option<String>, i64, Vec<JsonValue>)> = Vec::new();
    for r in &found {
        let key = code_text(r, "country_code")?;
        if by_key.last().is_none_or(|(k, _, _)| *k != key) {
            by_key.push((key, get(r, "total")?, Vec::new()));
        }
        if let Some((_, _, nodes)) = by_key.last_mut() {
            nodes.push(json!({ "id": id("Organisation", r, "id")?, "nameEn": get::<String>(r, "name_en")? }));
        }
    }
    by_key.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| a.0.is_none().cmp(&b.0.is_none()))
            .then_with(|| a.0.cmp(&b.0))
    });
    let value: i64 = by_key.iter().map(|(_, total, _)| total).sum();
    let breakdown: Vec<JsonValue> = by_key
        .into_iter()
        .map(|(key, total, nodes)| {
            json!({ "key": key, "value": total, "records": { "totalCount": total, "nodes": nodes } })
        })
        .collect();
    Ok(json!({ "statistics": { "indicator": { "value": value, "breakdown": breakdown } } }))
}
