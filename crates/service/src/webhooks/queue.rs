//! The delivery queue, in the database so that it survives restarts and is shared by
//! every instance:
//!
//! - `enqueue`: for each enabled endpoint, the feed entries after its cursor that its
//!   owner may hear of (the change feed's rule), each with the record as the owner may
//!   read it now (none: a removal), become deliveries; the cursor moves on in the same
//!   transaction, by compare-and-set, and (endpoint, change) is unique, so two instances
//!   doing this at once queue each change once.
//! - `claim`: a sender takes due deliveries by setting a lease on them in one statement
//!   (on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so instances do not wait on each
//!   other); a lease that runs out (a sender that died) frees them again.
//! - `record_attempt`: the attempt's row, and the delivery delivered, retried later
//!   (exponential backoff with jitter) or failed for good after the last attempt.
use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::enums::{Role, WebhookDeliveryStatus};
use entity::*;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection,
    EntityTrait, FromQueryResult, QueryFilter, Set, Statement, Value,
};

use crate::export::{Cell, Exported, rows_of};
use crate::{Database, Keyed, Principal, Result, Scope};

/// Entries read per endpoint and statement while queueing.
const ENQUEUE_PAGE: u64 = 100;

/// Pages queued per endpoint in one pass, so one busy endpoint cannot hold up the rest.
const ENQUEUE_PAGES: usize = 10;

/// Turns a record's row (its API type, the export's column names and cells) into the
/// JSON a delivery carries. The API layer supplies it: global ids are its to make.
pub type RecordJson = fn(&'static str, &[&'static str], &[Cell]) -> serde_json::Value;

/// When to try a failed delivery again, and when to give up.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// The wait after the first failure; it doubles with each further one.
    pub base: Duration,
    /// The longest wait.
    pub max: Duration,
    /// Attempts before a delivery is failed for good.
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base: Duration::from_secs(10),
            max: Duration::from_secs(6 * 60 * 60),
            max_attempts: 12,
        }
    }
}

impl RetryPolicy {
    /// The wait before the attempt after the `failures`-th failure in a row: the
    /// exponential step capped at `max`, of which a random half is taken away ("equal
    /// jitter"), so receivers that failed together are not all retried together.
    /// `unit` is a random number in [0, 1).
    pub fn backoff(&self, failures: u32, unit: f64) -> Duration {
        let step = self
            .base
            .saturating_mul(2u32.saturating_pow(failures.saturating_sub(1)))
            .min(self.max);
        step / 2 + step.mul_f64(unit.clamp(0.0, 1.0) / 2.0)
    }
}

/// A claimed delivery and its endpoint (with the secret that signs it).
#[derive(Debug, Clone)]
pub struct Claimed {
    pub delivery: webhook_delivery::Model,
    pub endpoint: webhook_endpoint::Model,
}

/// How one attempt went.
#[derive(Debug, Clone)]
pub struct AttemptOutcome {
    pub started_at: DateTime<Utc>,
    pub duration: Duration,
    /// The endpoint's HTTP status, when it answered.
    pub status_code: Option<u16>,
    /// What went wrong; `None` when the endpoint answered 2xx.
    pub error: Option<String>,
}

impl AttemptOutcome {
    pub fn succeeded(&self) -> bool {
        self.error.is_none()
    }
}

/// The endpoint's owner as a reader: what it may read is what it is sent.
async fn owner_principal(db: &Database, endpoint: &webhook_endpoint::Model) -> Result<Principal> {
    Ok(Principal::Member {
        token_id: 0,
        label: format!("webhook endpoint {}", endpoint.id),
        organisation_id: endpoint.owner_id,
        role: Role::Viewer,
        consortium_peers: crate::auth::consortium_peers(
            &db.connection,
            endpoint.owner_id,
            db.today(),
        )
        .await?,
    })
}

/// Queues the changes every enabled endpoint has not seen yet; returns how many
/// deliveries were queued. Safe to run in several instances at once.
pub async fn enqueue(db: &Database, record_json: RecordJson) -> Result<u64> {
    let endpoints = webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::Enabled.eq(true))
        .all(&db.connection)
        .await?;
    let mut queued = 0;
    for endpoint in endpoints {
        let scope =
            Scope::new(db.connection.clone(), owner_principal(db, &endpoint).await?).on(db.today());
        let filter = super::endpoint_filter(&endpoint);
        let mut cursor = endpoint.feed_cursor;
        for _ in 0..ENQUEUE_PAGES {
            match enqueue_page(&scope, &endpoint, cursor, &filter, record_json).await? {
                Page::Moved {
                    to,
                    queued: n,
                    more,
                } => {
                    queued += n;
                    cursor = to;
                    if !more {
                        break;
                    }
                }
                Page::Unchanged => break,
            }
        }
    }
    Ok(queued)
}

enum Page {
    Moved {
        to: i64,
        queued: u64,
        more: bool,
    },
    /// Nothing new, or another instance moved the cursor first.
    Unchanged,
}

async fn enqueue_page(
    scope: &Scope,
    endpoint: &webhook_endpoint::Model,
    cursor: i64,
    filter: &crate::changes::ChangeFilter,
    record_json: RecordJson,
) -> Result<Page> {
    let db = scope.db();
    // The newest entry first: every entry up to it has committed (the feed's ids follow
    // commit order), so the cursor may move to it even past entries the owner may not
    // hear of.
    let head: Option<i64> = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT MAX(id) AS head FROM change_entry",
        ))
        .await?
        .and_then(|row| row.try_get::<Option<i64>>("", "head").ok().flatten());
    let Some(head) = head.filter(|h| *h > cursor) else {
        return Ok(Page::Unchanged);
    };
    let page = scope
        .changes_within(db, Some(cursor), Some(head), ENQUEUE_PAGE, filter)
        .await?;
    let to = match (page.has_next_page, page.entries.last()) {
        (true, Some(last)) => last.id,
        _ => head,
    };
    let records = records(scope, &page.entries, record_json).await?;
    let now = Utc::now();
    let deliveries: Vec<webhook_delivery::ActiveModel> = page
        .entries
        .iter()
        .map(|entry| webhook_delivery::ActiveModel {
            endpoint_id: Set(endpoint.id),
            change_id: Set(entry.id),
            record_type: Set(entry.record_type.clone()),
            record_id: Set(entry.record_id),
            operation: Set(entry.operation),
            version: Set(entry.version),
            committed_at: Set(entry.committed_at),
            record: Set(records
                .get(&(entry.record_type.clone(), entry.record_id))
                .map(|r| r.to_string())),
            status: Set(WebhookDeliveryStatus::Pending),
            attempts: Set(0),
            failures: Set(0),
            next_attempt_at: Set(Some(now)),
            created_at: Set(now),
            ..Default::default()
        })
        .collect();
    let count = deliveries.len() as u64;
    let txn = crate::write::begin_write(db).await?;
    // The cursor moves only from where this pass found it: if another instance moved it
    // first, this pass's work is dropped (its deliveries would be the same rows).
    let moved = webhook_endpoint::Entity::update_many()
        .col_expr(
            webhook_endpoint::Column::FeedCursor,
            sea_orm::sea_query::Expr::value(to),
        )
        .filter(webhook_endpoint::Column::Id.eq(endpoint.id))
        .filter(webhook_endpoint::Column::FeedCursor.eq(cursor))
        .filter(webhook_endpoint::Column::Enabled.eq(true))
        .exec(&txn)
        .await?;
    if moved.rows_affected == 0 {
        txn.rollback().await?;
        return Ok(Page::Unchanged);
    }
    if !deliveries.is_empty() {
        webhook_delivery::Entity::insert_many(deliveries)
            .on_conflict(
                OnConflict::columns([
                    webhook_delivery::Column::EndpointId,
                    webhook_delivery::Column::ChangeId,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(Page::Moved {
        to,
        queued: count,
        more: page.has_next_page,
    })
}

/// The records of `entries` the scope's reader may read now, as delivery JSON, by
/// (table, id): a statement per kind of record (and one for the organisations' names).
async fn records(
    scope: &Scope,
    entries: &[change_entry::Model],
    record_json: RecordJson,
) -> Result<HashMap<(String, i64), serde_json::Value>> {
    let mut by_table: HashMap<&str, Vec<i64>> = HashMap::new();
    for entry in entries {
        by_table
            .entry(entry.record_type.as_str())
            .or_default()
            .push(entry.record_id);
    }
    let mut out = HashMap::new();
    for (table, ids) in by_table {
        let rows = match table {
            "event" => rows::<event::Entity>(scope, &ids, record_json).await?,
            "agreement" => rows::<agreement::Entity>(scope, &ids, record_json).await?,
            "curriculum_standard" => {
                rows::<curriculum_standard::Entity>(scope, &ids, record_json).await?
            }
            "training_centre" => rows::<training_centre::Entity>(scope, &ids, record_json).await?,
            "indicator" => rows::<indicator::Entity>(scope, &ids, record_json).await?,
            "partnership" => rows::<partnership::Entity>(scope, &ids, record_json).await?,
            "organisation" => rows::<organisation::Entity>(scope, &ids, record_json).await?,
            "person" => rows::<person::Entity>(scope, &ids, record_json).await?,
            "source" => rows::<source::Entity>(scope, &ids, record_json).await?,
            "consortium" => rows::<consortium::Entity>(scope, &ids, record_json).await?,
            _ => Vec::new(),
        };
        out.extend(
            rows.into_iter()
                .map(|(id, json)| ((table.to_owned(), id), json)),
        );
    }
    Ok(out)
}

async fn rows<E>(
    scope: &Scope,
    ids: &[i64],
    record_json: RecordJson,
) -> Result<Vec<(i64, serde_json::Value)>>
where
    E: Exported,
    E::Model: Keyed<Key = i64>,
{
    let models: Vec<E::Model> = scope.by_keys::<E>(ids).await?.into_values().collect();
    let rows = rows_of::<E>(scope, &models).await?;
    let columns = E::columns();
    Ok(models
        .iter()
        .zip(rows)
        .map(|(m, row)| (m.key(), record_json(E::TYPE, &columns, &row)))
        .collect())
}

/// Takes up to `limit` due deliveries of enabled endpoints for `sender` until `lease`
/// from now: no other sender takes them meanwhile. The lease must outlast an attempt.
pub async fn claim(
    db: &DatabaseConnection,
    sender: &str,
    lease: Duration,
    limit: u64,
) -> Result<Vec<Claimed>> {
    let backend = db.get_database_backend();
    let now = Utc::now();
    let until = now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::minutes(5));
    let (p1, p2, p3, lock) = match backend {
        DatabaseBackend::Postgres => ("$1", "$2", "$3", "FOR UPDATE OF d SKIP LOCKED"),
        _ => ("?", "?", "?", ""),
    };
    // `limit` is ours, a number; the rest is bound.
    let sql = format!(
        "UPDATE webhook_delivery SET locked_until = {p1}, locked_by = {p2} WHERE id IN ( \
           SELECT d.id FROM webhook_delivery d JOIN webhook_endpoint e ON e.id = d.endpoint_id \
           WHERE d.status = 'pending' AND e.enabled AND d.next_attempt_at <= {p3} \
             AND (d.locked_until IS NULL OR d.locked_until < {p3}) \
           ORDER BY d.next_attempt_at, d.id LIMIT {limit} {lock}) \
         RETURNING *"
    );
    let values: Vec<Value> = match backend {
        DatabaseBackend::Postgres => vec![until.into(), sender.into(), now.into()],
        _ => vec![until.into(), sender.into(), now.into(), now.into()],
    };
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    let deliveries = rows
        .iter()
        .map(|row| webhook_delivery::Model::from_query_result(row, ""))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    if deliveries.is_empty() {
        return Ok(Vec::new());
    }
    let mut ids: Vec<i64> = deliveries.iter().map(|d| d.endpoint_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let endpoints: HashMap<i64, webhook_endpoint::Model> = webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    Ok(deliveries
        .into_iter()
        .filter_map(|delivery| {
            let endpoint = endpoints.get(&delivery.endpoint_id)?.clone();
            Some(Claimed { delivery, endpoint })
        })
        .collect())
}

/// Records an attempt `sender` made at `delivery`, and what follows: delivered; tried
/// again after a backoff; or, after `retry.max_attempts` failures, failed. A sender
/// whose lease was lost (it outlived it) records the attempt and leaves the delivery to
/// its new holder. A delivery deleted meanwhile (with its endpoint) is left alone.
pub async fn record_attempt(
    db: &DatabaseConnection,
    delivery: i64,
    sender: &str,
    outcome: &AttemptOutcome,
    retry: &RetryPolicy,
) -> Result<()> {
    let txn = crate::write::begin_write(db).await?;
    let Some(current) = webhook_delivery::Entity::find_by_id(delivery)
        .one(&txn)
        .await?
    else {
        return Ok(());
    };
    let number = current.attempts + 1;
    webhook_attempt::ActiveModel {
        delivery_id: Set(delivery),
        number: Set(number),
        started_at: Set(outcome.started_at),
        duration_ms: Set(outcome.duration.as_millis().min(i32::MAX as u128) as i32),
        status_code: Set(outcome.status_code.map(i32::from)),
        error: Set(outcome.error.clone()),
        succeeded: Set(outcome.succeeded()),
        sent_by: Set(sender.to_owned()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut next: webhook_delivery::ActiveModel = current.clone().into();
    next.attempts = Set(number);
    next.last_status_code = Set(outcome.status_code.map(i32::from));
    next.last_error = Set(outcome.error.clone());
    if current.locked_by.as_deref() == Some(sender) {
        next.locked_by = Set(None);
        next.locked_until = Set(None);
        let now = Utc::now();
        if outcome.succeeded() {
            next.status = Set(WebhookDeliveryStatus::Delivered);
            next.delivered_at = Set(Some(now));
            next.next_attempt_at = Set(None);
        } else {
            let failures = current.failures + 1;
            next.failures = Set(failures);
            if failures as u32 >= retry.max_attempts {
                next.status = Set(WebhookDeliveryStatus::Failed);
                next.next_attempt_at = Set(None);
            } else {
                let wait = retry.backoff(failures as u32, rand::random::<f64>());
                next.next_attempt_at = Set(Some(
                    now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1)),
                ));
            }
        }
    }
    next.update(&txn).await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_with_half_of_it_random() {
        let retry = RetryPolicy {
            base: Duration::from_secs(10),
            max: Duration::from_secs(60),
            max_attempts: 5,
        };
        assert_eq!(retry.backoff(1, 0.0), Duration::from_secs(5));
        assert_eq!(retry.backoff(1, 0.999_999).as_secs(), 9);
        assert_eq!(retry.backoff(2, 0.0), Duration::from_secs(10));
        assert_eq!(retry.backoff(3, 0.0), Duration::from_secs(20));
        // Capped: 80 s would be next, 60 s is the most.
        assert_eq!(retry.backoff(4, 0.0), Duration::from_secs(30));
        assert_eq!(retry.backoff(40, 1.0), Duration::from_secs(60));
        for unit in [0.0, 0.3, 0.7, 0.99] {
            let wait = retry.backoff(2, unit);
            assert!(wait >= Duration::from_secs(10) && wait <= Duration::from_secs(20));
        }
    }
}
