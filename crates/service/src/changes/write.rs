//! Writing the feed: one entry in the write's own transaction, and pruning.
use chrono::{Duration, Utc};
use entity::change_entry;
use entity::enums::{ChangeOperation, Visibility};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set, Statement,
};

use crate::Result;

/// The tables whose records are in the feed, with the column that names each one's
/// owner (or maintainer) and whether it has a visibility of its own. Registry records
/// have none: they are public.
const FEED_TABLES: [(&str, &str, bool); 10] = [
    ("event", "owner_id", true),
    ("partnership", "owner_id", true),
    ("agreement", "owner_id", true),
    ("curriculum_standard", "owner_id", true),
    ("training_centre", "owner_id", true),
    ("indicator", "owner_id", true),
    ("organisation", "maintainer_id", false),
    ("person", "maintainer_id", false),
    ("source", "maintainer_id", false),
    ("consortium", "CAST(NULL AS BIGINT)", false),
];

/// What the audit log records that is not a record anyone reads through the feed:
/// tokens, webhooks and an import's own entry are administration, not shared records.
const OUTSIDE_FEED: [&str; 4] = ["token", "webhook_endpoint", "webhook_delivery", "import"];

/// Whether the feed reports records of `table` (webhook filters name tables).
pub fn is_feed_table(table: &str) -> bool {
    FEED_TABLES.iter().any(|(t, _, _)| *t == table)
}

/// Any fixed number ("concord" in ASCII): the advisory lock that puts feed ids in commit
/// order.
const FEED_LOCK: i64 = 0x0063_6f6e_636f_7264;

/// What an audit operation name (`createEvent`, `archiveAgreement`, `mergePeople`, ...)
/// did, for the feed.
fn operation_of(audit_operation: &str) -> ChangeOperation {
    let starts = |p: &str| audit_operation.starts_with(p);
    if starts("create") {
        ChangeOperation::Create
    } else if starts("archive") {
        ChangeOperation::Archive
    } else if starts("restore") {
        ChangeOperation::Restore
    } else if starts("merge") {
        ChangeOperation::Merge
    } else if starts("delete") {
        ChangeOperation::Delete
    } else {
        ChangeOperation::Update
    }
}

/// Writes the feed entry for a write to `record_type` #`record_id` (named as the audit
/// log names it), with the record's version, owner and visibility as they now are in
/// `txn`. Tables outside the feed (tokens) leave none; any other table the feed does
/// not know is a bug that would silently leave a write out of the feed, so it fails the
/// write instead.
pub(crate) async fn record_change(
    txn: &impl ConnectionTrait,
    record_type: &str,
    record_id: i64,
    audit_operation: &str,
) -> Result<()> {
    let Some(&(table, owner, has_visibility)) =
        FEED_TABLES.iter().find(|(t, _, _)| *t == record_type)
    else {
        if OUTSIDE_FEED.contains(&record_type) {
            return Ok(());
        }
        tracing::error!(
            record_type,
            "a write to a table the change feed does not know"
        );
        return Err(crate::Error::Database(sea_orm::DbErr::Custom(format!(
            "table {record_type} is missing from the change feed"
        ))));
    };
    let backend = txn.get_database_backend();
    let visibility = if has_visibility {
        "visibility"
    } else {
        "'public'"
    };
    // `table` and `owner` come from the list above; the id is a number.
    let now = txn
        .query_one_raw(Statement::from_string(
            backend,
            format!(
                "SELECT version, {owner} AS owner_id, {visibility} AS visibility \
                 FROM {table} WHERE id = {record_id}"
            ),
        ))
        .await?;
    let Some(now) = now else {
        return Ok(());
    };
    let version: i32 = now.try_get("", "version")?;
    let owner_id: Option<i64> = now.try_get("", "owner_id")?;
    let visibility: String = now.try_get("", "visibility")?;
    let visibility = match visibility.as_str() {
        "private" => Visibility::Private,
        "consortium" => Visibility::Consortium,
        _ => Visibility::Public,
    };
    // The record's last entry says who could read it before this write, so that a
    // reader who loses access here is told (the write holds the record's row, so no
    // other write of it comes between).
    // A record being created has no earlier entry (ids are not reused): one statement
    // fewer for each record an import creates.
    let operation = operation_of(audit_operation);
    let previous = if operation == ChangeOperation::Create {
        None
    } else {
        change_entry::Entity::find()
            .filter(change_entry::Column::RecordType.eq(table))
            .filter(change_entry::Column::RecordId.eq(record_id))
            .order_by_desc(change_entry::Column::Id)
            .limit(1)
            .one(txn)
            .await?
    };
    if backend == DatabaseBackend::Postgres {
        // Ids come from a sequence when the row is inserted, but transactions commit in
        // their own order: a reader past id N could miss an N-1 that commits later. One
        // lock, held from here to commit, makes taking an id and committing one step, so
        // ids follow commit order. It is taken last, after every row lock the write
        // needs (only this insert follows), so it cannot deadlock and is held briefly.
        // SQLite runs one write transaction at a time already.
        txn.execute_raw(Statement::from_string(
            backend,
            format!("SELECT pg_advisory_xact_lock({FEED_LOCK})"),
        ))
        .await?;
    }
    let entry = change_entry::ActiveModel {
        record_type: Set(table.to_owned()),
        record_id: Set(record_id),
        operation: Set(operation),
        version: Set(version),
        committed_at: Set(Utc::now()),
        owner_id: Set(owner_id),
        visibility: Set(visibility),
        previous_owner_id: Set(previous.as_ref().and_then(|p| p.owner_id)),
        previous_visibility: Set(previous.map(|p| p.visibility)),
        ..Default::default()
    };
    if backend == DatabaseBackend::Postgres {
        // The entry's id goes to every instance's listener when the write commits
        // (`live`), in the insert's own statement, so a write costs no extra round trip.
        let insert = change_entry::Entity::insert(entry).build(backend);
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "WITH entry AS ({} RETURNING id) \
                 SELECT pg_notify('{}', CAST(id AS TEXT)) FROM entry",
                insert.sql,
                super::live::CHANNEL
            ),
            insert.values.map(|v| v.0).unwrap_or_default(),
        ))
        .await?;
    } else {
        entry.insert(txn).await?;
    }
    Ok(())
}

/// Feed entries written per statement by [`record_created`]: 10 values each, well under
/// SQLite's and PostgreSQL's limits of bound values.
const ENTRIES_PER_INSERT: usize = 1_000;

/// A record just created, as its feed entry names it: what [`record_change`] would read
/// back from the table, given by the writer that holds it already.
pub(crate) struct Created {
    pub record_type: String,
    pub record_id: i64,
    pub owner_id: Option<i64>,
    /// `None` for a registry table (public).
    pub visibility: Option<Visibility>,
}

/// The feed entries of many records created in `txn` (an import's batch): what
/// [`record_change`] writes for each, in a few statements whatever their number. A
/// created record has no earlier entry and is at version 1, so nothing is read back.
pub(crate) async fn record_created(txn: &impl ConnectionTrait, created: &[Created]) -> Result<()> {
    let mut entries = Vec::with_capacity(created.len());
    let now = Utc::now();
    for c in created {
        let Some(&(table, _, has_visibility)) =
            FEED_TABLES.iter().find(|(t, _, _)| *t == c.record_type)
        else {
            if OUTSIDE_FEED.contains(&c.record_type.as_str()) {
                continue;
            }
            return Err(crate::Error::Database(sea_orm::DbErr::Custom(format!(
                "table {} is missing from the change feed",
                c.record_type
            ))));
        };
        entries.push(change_entry::ActiveModel {
            record_type: Set(table.to_owned()),
            record_id: Set(c.record_id),
            operation: Set(ChangeOperation::Create),
            version: Set(1),
            committed_at: Set(now),
            owner_id: Set(c.owner_id),
            visibility: Set(match (has_visibility, c.visibility) {
                (true, Some(v)) => v,
                _ => Visibility::Public,
            }),
            previous_owner_id: Set(None),
            previous_visibility: Set(None),
            ..Default::default()
        });
    }
    if entries.is_empty() {
        return Ok(());
    }
    let backend = txn.get_database_backend();
    if backend == DatabaseBackend::Postgres {
        // As in `record_change`: ids in commit order.
        txn.execute_raw(Statement::from_string(
            backend,
            format!("SELECT pg_advisory_xact_lock({FEED_LOCK})"),
        ))
        .await?;
    }
    let mut entries = entries.into_iter().peekable();
    while entries.peek().is_some() {
        let chunk: Vec<change_entry::ActiveModel> =
            entries.by_ref().take(ENTRIES_PER_INSERT).collect();
        let insert = change_entry::Entity::insert_many(chunk).build(backend);
        if backend == DatabaseBackend::Postgres {
            // One notification per statement: a listener only needs the newest id.
            txn.execute_raw(Statement::from_sql_and_values(
                backend,
                format!(
                    "WITH entry AS ({} RETURNING id) \
                     SELECT pg_notify('{}', CAST(MAX(id) AS TEXT)) FROM entry",
                    insert.sql,
                    super::live::CHANNEL
                ),
                insert.values.map(|v| v.0).unwrap_or_default(),
            ))
            .await?;
        } else {
            txn.execute_raw(insert).await?;
        }
    }
    Ok(())
}

/// Deletes the entries older than `retention`, oldest first and by id, so that what is
/// kept is always every entry after some id: a cursor whose entry is gone is expired.
pub async fn prune(db: &DatabaseConnection, retention: Duration) -> Result<u64> {
    let horizon = Utc::now() - retention;
    let newest_old = change_entry::Entity::find()
        .filter(change_entry::Column::CommittedAt.lt(horizon))
        .order_by_desc(change_entry::Column::Id)
        .limit(1)
        .one(db)
        .await?;
    let Some(newest_old) = newest_old else {
        return Ok(0);
    };
    let gone = change_entry::Entity::delete_many()
        .filter(change_entry::Column::Id.lte(newest_old.id))
        .exec(db)
        .await?;
    Ok(gone.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_operations_name_what_happened() {
        assert_eq!(operation_of("createEvent"), ChangeOperation::Create);
        assert_eq!(operation_of("archiveAgreement"), ChangeOperation::Archive);
        assert_eq!(operation_of("restorePerson"), ChangeOperation::Restore);
        assert_eq!(operation_of("mergeOrganisations"), ChangeOperation::Merge);
        assert_eq!(operation_of("addAdoption"), ChangeOperation::Update);
        assert_eq!(operation_of("confirmAgreement"), ChangeOperation::Update);
    }

    /// A writable table missing here would leave its writes out of every live channel.
    #[test]
    fn every_writable_table_is_in_the_feed() {
        for table in crate::write::WRITABLE_TABLES {
            assert!(
                FEED_TABLES.iter().any(|(t, _, _)| t == table),
                "{table} is writable but not in FEED_TABLES"
            );
        }
    }
}
