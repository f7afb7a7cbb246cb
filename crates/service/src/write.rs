//! The steps every write shares, so that each resource's writes say only what is theirs.
//! (One file past 600 lines on purpose: the steps are read together, in the order a
//! mutation takes them, and each is short.)
//!
//! A mutation runs in one transaction: it loads the record as the caller may read it
//! (absent means NOT_FOUND), asks `access` whether the caller may change it (FORBIDDEN),
//! parses its input with the `domain` types (BAD_USER_INPUT, naming the field), moves the
//! version on only if it is still the one the caller expected (CONFLICT), and writes an
//! audit entry. All of it commits, or none of it.
//!
//! A create reads: `begin_write`, `replay` (an idempotent repeat returns the first
//! result), `owner_for_create`, parse, `insert`, parts, `created`. An update reads:
//! `begin_change`, parse, `save`, `changed`. Parts of a record are written with
//! `replace` (a link table's rows for one parent, in order) inside `change_parts`.
use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use entity::{country, idempotency_key, isced_field};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend,
    DatabaseTransaction, DbErr, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QuerySelect, Set, SqlErr, Statement, TransactionTrait,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::access::Changeable;
use crate::audit::Audit;
use crate::domain::{CountryCode, IscedCode, Text, Version};
use crate::scope::Keyed;
use crate::{Error, Record, Result, Scope};

/// What `update*` inputs carry for a field that may be cleared: absent leaves it,
/// `Some(None)` clears it, `Some(Some(v))` sets it.
pub type Patch<T> = Option<Option<T>>;

/// A table of versioned records: created, changed, archived and restored through the
/// steps of this module. Who may change one is `access::Changeable`.
pub trait Writable:
    Record
    + Changeable
    + EntityTrait<
        Model: Keyed<Key = i64> + Serialize + Sync + IntoActiveModel<Self::ActiveModel>,
        ActiveModel: Send + Stamped,
    >
{
    /// The table, as the audit log names it.
    const TABLE: &'static str;
    /// The type's GraphQL name, for the audit log's operation names.
    const NAME: &'static str;
    /// The input field a uniqueness violation of the record's own row is reported at.
    const UNIQUE_FIELD: &'static str = "input";
    fn is_archived(model: &Self::Model) -> bool;
    /// The owner (or maintainer), for the audit log.
    fn owner(model: &Self::Model) -> Option<i64>;
}

/// A row that carries a version and the marks of who created and last changed it when.
pub trait Stamped {
    /// Sets the version and the marks; version 1 is a new row, which is also created now.
    fn stamp(&mut self, version: i32, by: String, now: DateTime<Utc>);
}

macro_rules! stamped {
    ($($m:ident),*) => {$(
        impl Stamped for entity::$m::ActiveModel {
            fn stamp(&mut self, version: i32, by: String, now: DateTime<Utc>) {
                if version == 1 {
                    self.created_at = Set(now);
                    self.created_by = Set(Some(by.clone()));
                }
                self.version = Set(version);
                self.updated_at = Set(now);
                self.updated_by = Set(Some(by));
            }
        }
    )*};
}
stamped!(
    event,
    agreement,
    curriculum_standard,
    adoption,
    training_centre,
    indicator,
    partnership,
    organisation,
    person,
    source,
    consortium
);

macro_rules! writable {
    ($($m:ident: $name:literal, owner $owner:expr $(, unique $unique:literal)?;)*) => {$(
        impl Writable for entity::$m::Entity {
            const TABLE: &'static str = stringify!($m);
            const NAME: &'static str = $name;
            $(const UNIQUE_FIELD: &'static str = $unique;)?
            fn is_archived(m: &Self::Model) -> bool {
                m.archived_at.is_some()
            }
            fn owner(m: &Self::Model) -> Option<i64> {
                let owner: fn(&Self::Model) -> Option<i64> = $owner;
                owner(m)
            }
        }
    )*
        /// Every writable table, so the change feed's test can check it knows each one.
        #[cfg(test)]
        pub(crate) const WRITABLE_TABLES: &[&str] = &[$(stringify!($m)),*];
    };
}
writable! {
    event: "Event", owner |m| Some(m.owner_id);
    agreement: "Agreement", owner |m| Some(m.owner_id);
    curriculum_standard: "CurriculumStandard", owner |m| Some(m.owner_id), unique "input.code";
    training_centre: "TrainingCentre", owner |m| Some(m.owner_id);
    indicator: "Indicator", owner |m| Some(m.owner_id);
    partnership: "Partnership", owner |m| Some(m.owner_id);
    organisation: "Organisation", owner |m| m.maintainer_id, unique "input.rorId";
    person: "Person", owner |m| m.maintainer_id;
    source: "Source", owner |m| m.maintainer_id, unique "input.url";
    consortium: "Consortium", owner |_| None, unique "input.nameEn";
}

/// A future borrowed from a scope and a transaction.
pub(crate) type TxnFuture<'a, T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<T>> + Send + 'a>>;

/// A record with parts (organisations in roles, parties, ...) that change as a whole.
pub(crate) trait Composite: Writable {
    /// The parts, as the audit log records them.
    fn parts<'a>(
        scope: &'a Scope,
        txn: &'a DatabaseTransaction,
        id: i64,
    ) -> TxnFuture<'a, serde_json::Value>;
}

/// Starts a write transaction. On SQLite it takes the write lock at once (`BEGIN
/// IMMEDIATE`): a transaction that read first and upgraded later could fail with
/// "database is locked" instead of waiting its turn.
pub(crate) async fn begin_write(db: &sea_orm::DatabaseConnection) -> Result<DatabaseTransaction> {
    let options = sea_orm::TransactionOptions {
        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
        ..Default::default()
    };
    Ok(db.begin_with_options(options).await?)
}

/// Turns a constraint the database enforced into bad input about `field`; anything
/// else stays an internal error. The one place where SQL errors meet users.
pub(crate) fn on_constraint(error: DbErr, field: &str) -> Error {
    match error.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => {
            Error::bad_input(field, "a record with these values already exists")
        }
        Some(SqlErr::ForeignKeyConstraintViolation(_)) => {
            Error::bad_input(field, "refers to a record that does not exist")
        }
        _ => Error::Database(error),
    }
}

impl Scope {
    pub(crate) async fn begin_write(&self) -> Result<DatabaseTransaction> {
        let txn = begin_write(self.db()).await?;
        self.tally().transaction();
        Ok(txn)
    }

    /// For a create with an idempotency key: the record an earlier request with the same
    /// key and input created, if any. The same key with other input is bad input.
    pub(crate) async fn replay<E: Writable>(
        &self,
        txn: &DatabaseTransaction,
        key: &Option<String>,
        operation: &str,
        input: &impl Serialize,
    ) -> Result<Option<E::Model>> {
        let (Some(key), Some(token)) = (key, self.principal().token()) else {
            return Ok(None);
        };
        // Requests with one key, sent at once, must not all miss it and each create a
        // record. PostgreSQL: the lookup waits on the key's lock, held by the first until
        // it commits, and (READ COMMITTED) then sees its row. SQLite's `BEGIN IMMEDIATE`
        // already runs write transactions one at a time.
        if txn.get_database_backend() == DatabaseBackend::Postgres {
            txn.execute_raw(Statement::from_sql_and_values(
                DatabaseBackend::Postgres,
                "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                [format!("idempotency {token} {key}").into()],
            ))
            .await?;
        }
        let found = idempotency_key::Entity::find()
            .filter(idempotency_key::Column::TokenId.eq(token))
            .filter(idempotency_key::Column::Key.eq(key.as_str()))
            .one(txn)
            .await?;
        match found {
            None => Ok(None),
            Some(k) if k.operation == operation && k.input_hash == input_hash(input) => {
                Ok(Some(self.load_for_write::<E>(txn, k.record_id).await?))
            }
            Some(_) => Err(Error::bad_input(
                "input.idempotencyKey",
                "this key was used for a different request",
            )),
        }
    }

    /// The owner of a new record (the rule is `access::owner_of_new`), which must also
    /// be one the caller may write for; a named owner must exist.
    pub(crate) async fn owner_for_create(
        &self,
        txn: &DatabaseTransaction,
        named: Option<i64>,
    ) -> Result<i64> {
        let owner = crate::access::owner_of_new(self.principal(), named)?;
        if named.is_some() && self.principal().is_coordinator() {
            self.require::<entity::organisation::Entity>(
                txn,
                "input.owner",
                "organisation",
                [owner],
            )
            .await?;
        }
        crate::access::may_write(self.principal(), owner)?;
        Ok(owner)
    }

    /// Inserts a new record at version 1, stamped with the caller and the time.
    pub(crate) async fn insert<E: Writable>(
        &self,
        txn: &DatabaseTransaction,
        mut row: E::ActiveModel,
    ) -> Result<E::Model> {
        row.stamp(1, self.principal().label(), Utc::now());
        row.insert(txn)
            .await
            .map_err(|e| on_constraint(e, E::UNIQUE_FIELD))
    }

    /// Ends a create: remembers the result under its idempotency key, writes the audit
    /// entry (`after`: the record and its parts) and commits.
    pub(crate) async fn created<E: Writable>(
        &self,
        txn: DatabaseTransaction,
        key: &Option<String>,
        operation: &str,
        input: &impl Serialize,
        row: &E::Model,
        after: &impl Serialize,
    ) -> Result<()> {
        self.remember(&txn, key, operation, input, row.key())
            .await?;
        self.audit::<E>(operation, row)
            .after(after)
            .write(&txn)
            .await?;
        Ok(txn.commit().await?)
    }

    /// An audit entry for `operation` on `record`.
    pub(crate) fn audit<E: Writable>(&self, operation: &str, record: &E::Model) -> Audit {
        Audit::new(
            self.principal(),
            operation,
            E::TABLE,
            record.key(),
            E::owner(record),
        )
    }

    /// Starts a change of record `id`: a write transaction, the record as the caller may
    /// read it (or NOT_FOUND), the caller's right to change it, and the version it
    /// expects, checked for form (whether it is current is `save`'s to find out).
    pub(crate) async fn begin_change<E: Writable>(
        &self,
        id: i64,
        expected_version: i32,
    ) -> Result<(DatabaseTransaction, E::Model)> {
        let txn = self.begin_write().await?;
        let record = self.check_change::<E>(&txn, id, expected_version).await?;
        Ok((txn, record))
    }

    /// The checks of `begin_change`, in a transaction already begun.
    pub(crate) async fn check_change<E: Writable>(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
        expected_version: i32,
    ) -> Result<E::Model> {
        let record = self.load_for_write::<E>(txn, id).await?;
        E::may_change(self.principal(), &record)?;
        Version::parse("input.expectedVersion", expected_version)?;
        Ok(record)
    }

    /// Saves a changed record: its version moves from `expected_version` on (or
    /// CONFLICT), stamped with the caller and the time.
    pub(crate) async fn save<E: Writable>(
        &self,
        txn: &DatabaseTransaction,
        mut row: E::ActiveModel,
        expected_version: i32,
    ) -> Result<E::Model> {
        let id = match row.get_primary_key_value() {
            Some(sea_orm::sea_query::ValueTuple::One(sea_orm::Value::BigInt(Some(id)))) => id,
            _ => return Err(Error::NotFound),
        };
        self.bump_version(txn, E::TABLE, id, expected_version)
            .await?;
        row.stamp(expected_version + 1, self.principal().label(), Utc::now());
        row.update(txn)
            .await
            .map_err(|e| on_constraint(e, E::UNIQUE_FIELD))
    }

    /// Ends a change: the audit entry with the states `before` and `after`, and commit.
    pub(crate) async fn changed<E: Writable>(
        &self,
        txn: DatabaseTransaction,
        operation: &str,
        record: &E::Model,
        before: &impl Serialize,
        after: &impl Serialize,
    ) -> Result<()> {
        self.audit::<E>(operation, record)
            .before(before)
            .after(after)
            .write(&txn)
            .await?;
        Ok(txn.commit().await?)
    }

    /// Changes a record's parts with `write`: the record's version moves on (or CONFLICT),
    /// and the audit entry holds the parts before and after.
    pub(crate) async fn change_parts<E, F>(
        &self,
        id: i64,
        expected_version: i32,
        operation: &str,
        write: F,
    ) -> Result<E::Model>
    where
        E: Composite,
        F: for<'a> FnOnce(&'a Scope, &'a DatabaseTransaction) -> TxnFuture<'a, ()>,
    {
        let (txn, record) = self.begin_change::<E>(id, expected_version).await?;
        let before = E::parts(self, &txn, id).await?;
        self.bump_version(&txn, E::TABLE, id, expected_version)
            .await?;
        write(self, &txn).await?;
        let after = E::parts(self, &txn, id).await?;
        let record = self.reload::<E>(&txn, &record).await?;
        self.changed::<E>(txn, operation, &record, &before, &after)
            .await?;
        Ok(record)
    }

    /// Archives (`archive`) or restores a record under optimistic concurrency.
    pub async fn archive<E: Writable>(
        &self,
        id: i64,
        expected_version: i32,
        archive: bool,
    ) -> Result<E::Model> {
        let txn = self.begin_write().await?;
        let before = self.load_for_write::<E>(&txn, id).await?;
        E::may_change(self.principal(), &before)?;
        self.set_archived(
            &txn,
            E::TABLE,
            id,
            E::is_archived(&before),
            expected_version,
            archive,
        )
        .await?;
        let after = self.load_for_write::<E>(&txn, id).await?;
        let operation = format!("{}{}", if archive { "archive" } else { "restore" }, E::NAME);
        self.changed::<E>(txn, &operation, &after, &before, &after)
            .await?;
        Ok(after)
    }

    /// Archives or restores `table` #`id` under optimistic concurrency.
    pub(crate) async fn set_archived(
        &self,
        txn: &DatabaseTransaction,
        table: &'static str,
        id: i64,
        archived: bool,
        expected_version: i32,
        archive: bool,
    ) -> Result<()> {
        Version::parse("input.expectedVersion", expected_version)?;
        if archived == archive {
            let state = if archived {
                "already archived"
            } else {
                "not archived"
            };
            return Err(Error::bad_input(
                "input.id",
                format!("the record is {state}"),
            ));
        }
        self.bump_version(txn, table, id, expected_version).await?;
        let at: Option<DateTime<Utc>> = archive.then(Utc::now);
        let update = Query::update()
            .table(table)
            .value("archived_at", at)
            .and_where(Expr::col("id").eq(id))
            .to_owned();
        txn.execute(&update).await?;
        Ok(())
    }

    /// Records that the caller's organisation, one of `parties` (the rule is
    /// `access::may_confirm`), signs off `record_type` #`id` as it is at `version`. An
    /// edit later raises the version, so the sign-off then reads as out of date for
    /// everyone who has not confirmed again.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn confirm(
        &self,
        txn: &DatabaseTransaction,
        record_type: &str,
        id: i64,
        version: i32,
        expected_version: i32,
        parties: &[i64],
        owner: Option<i64>,
        operation: &str,
    ) -> Result<()> {
        let organisation = crate::access::may_confirm(self.principal(), parties)?;
        if version != expected_version {
            return Err(Error::Conflict {
                expected: expected_version,
                current: version,
            });
        }
        use entity::confirmation;
        let before = confirmation::Entity::find()
            .filter(confirmation::Column::RecordType.eq(record_type))
            .filter(confirmation::Column::RecordId.eq(id))
            .filter(confirmation::Column::OrganisationId.eq(organisation))
            .one(txn)
            .await?;
        if let Some(old) = &before {
            confirmation::Entity::delete_by_id(old.id).exec(txn).await?;
        }
        let after = confirmation::ActiveModel {
            record_type: Set(record_type.to_owned()),
            record_id: Set(id),
            organisation_id: Set(organisation),
            version: Set(version),
            confirmed_at: Set(Utc::now()),
            confirmed_by: Set(Some(self.principal().label())),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        Audit::new(self.principal(), operation, record_type, id, owner)
            .before(&before)
            .after(&after)
            .write(txn)
            .await
    }

    /// A record the caller may read, for changing; `NotFound` otherwise.
    pub(crate) async fn load_for_write<E>(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
    ) -> Result<E::Model>
    where
        E: Record,
        E::Model: Keyed<Key = i64>,
    {
        let pk = crate::scope::primary_column::<E>();
        self.find::<E>()
            .filter(pk.eq(id))
            .one(txn)
            .await?
            .ok_or(Error::NotFound)
    }

    /// `record` as it is now in `txn` (after its parts moved its version on).
    pub(crate) async fn reload<E: Writable>(
        &self,
        txn: &DatabaseTransaction,
        record: &E::Model,
    ) -> Result<E::Model> {
        E::find()
            .filter(crate::scope::primary_column::<E>().eq(record.key()))
            .one(txn)
            .await?
            .ok_or(Error::NotFound)
    }

    /// Moves `table` #`id` from version `expected` to the next, atomically: of several
    /// writers holding the same version, exactly one succeeds and the rest get CONFLICT.
    pub(crate) async fn bump_version(
        &self,
        txn: &DatabaseTransaction,
        table: &'static str,
        id: i64,
        expected: i32,
    ) -> Result<()> {
        let update = Query::update()
            .table(table)
            .value("version", Expr::col("version").add(1))
            .value("updated_at", Utc::now())
            .value("updated_by", self.principal().label())
            .and_where(Expr::col("id").eq(id))
            .and_where(Expr::col("version").eq(expected))
            .to_owned();
        let done = txn.execute(&update).await?;
        if done.rows_affected() == 1 {
            return Ok(());
        }
        let current = Query::select()
            .column("version")
            .from(table)
            .and_where(Expr::col("id").eq(id))
            .to_owned();
        let row = txn.query_one(&current).await?.ok_or(Error::NotFound)?;
        let current: i32 = row.try_get("", "version")?;
        Err(Error::Conflict { expected, current })
    }

    /// Checks that every id names a record of `E` the caller may read.
    pub(crate) async fn require<E>(
        &self,
        txn: &DatabaseTransaction,
        field: &str,
        what: &str,
        ids: impl IntoIterator<Item = i64>,
    ) -> Result<()>
    where
        E: Record,
    {
        let ids: BTreeSet<i64> = ids.into_iter().collect();
        if ids.is_empty() {
            return Ok(());
        }
        let pk = crate::scope::primary_column::<E>();
        let found = self
            .find::<E>()
            .filter(pk.is_in(ids.iter().copied()))
            .count(txn)
            .await?;
        if found as usize != ids.len() {
            return Err(Error::bad_input(field, format!("no such {what}")));
        }
        Ok(())
    }

    /// Which of `ids` name records of `E` the caller may read: one statement per chunk
    /// of ids, for checking a batch's references at once.
    pub(crate) async fn readable_ids<E>(
        &self,
        txn: &DatabaseTransaction,
        ids: impl IntoIterator<Item = i64>,
    ) -> Result<BTreeSet<i64>>
    where
        E: Record,
    {
        let ids: Vec<i64> = ids
            .into_iter()
            .collect::<BTreeSet<i64>>()
            .into_iter()
            .collect();
        let pk = crate::scope::primary_column::<E>();
        let mut found = BTreeSet::new();
        for chunk in ids.chunks(5_000) {
            let rows = self
                .find::<E>()
                .select_only()
                .column(pk)
                .filter(pk.is_in(chunk.iter().copied()))
                .into_tuple::<i64>()
                .all(txn)
                .await?;
            found.extend(rows);
        }
        Ok(found)
    }

    /// A country code from input: an ISO 3166-1 code that the reference table lists.
    pub(crate) async fn country(
        &self,
        txn: &DatabaseTransaction,
        field: &str,
        code: &Option<String>,
    ) -> Result<Option<String>> {
        match code {
            None => Ok(None),
            Some(code) => {
                let code = CountryCode::parse(field, code)?.as_str().to_owned();
                self.require_countries(txn, field, [code.clone()]).await?;
                Ok(Some(code))
            }
        }
    }

    /// Checks that country codes are in the ISO list.
    pub(crate) async fn require_countries(
        &self,
        txn: &DatabaseTransaction,
        field: &str,
        codes: impl IntoIterator<Item = String>,
    ) -> Result<()> {
        let codes: BTreeSet<String> = codes.into_iter().collect();
        if codes.is_empty() {
            return Ok(());
        }
        let found = country::Entity::find()
            .filter(country::Column::Code.is_in(codes.iter().cloned()))
            .count(txn)
            .await?;
        if found as usize != codes.len() {
            return Err(Error::bad_input(
                field,
                "not an ISO 3166-1 country or region",
            ));
        }
        Ok(())
    }

    /// Checks that ISCED-F codes are in the classification.
    pub(crate) async fn require_fields(
        &self,
        txn: &DatabaseTransaction,
        field: &str,
        codes: impl IntoIterator<Item = String>,
    ) -> Result<()> {
        let codes: BTreeSet<String> = codes.into_iter().collect();
        if codes.is_empty() {
            return Ok(());
        }
        let found = isced_field::Entity::find()
            .filter(isced_field::Column::Code.is_in(codes.iter().cloned()))
            .count(txn)
            .await?;
        if found as usize != codes.len() {
            return Err(Error::bad_input(field, "not an ISCED-F 2013 field code"));
        }
        Ok(())
    }

    /// A set of ISCED-F codes from input: each parsed (`field.<index>`), sorted, without
    /// repeats, and all in the classification.
    pub(crate) async fn isced_codes(
        &self,
        txn: &DatabaseTransaction,
        codes: &[String],
        field: &str,
    ) -> Result<Vec<String>> {
        let mut parsed = Vec::with_capacity(codes.len());
        for (i, code) in codes.iter().enumerate() {
            parsed.push(
                IscedCode::parse(&format!("{field}.{i}"), code)?
                    .as_str()
                    .to_owned(),
            );
        }
        parsed.sort();
        parsed.dedup();
        self.require_fields(txn, field, parsed.clone()).await?;
        Ok(parsed)
    }

    /// Records the result of a create under its idempotency key.
    pub(crate) async fn remember(
        &self,
        txn: &DatabaseTransaction,
        key: &Option<String>,
        operation: &str,
        input: &impl Serialize,
        record_id: i64,
    ) -> Result<()> {
        let (Some(key), Some(token)) = (key, self.principal().token()) else {
            return Ok(());
        };
        Text::parse("input.idempotencyKey", key, 200)?;
        idempotency_key::ActiveModel {
            token_id: Set(token),
            key: Set(key.clone()),
            operation: Set(operation.to_owned()),
            input_hash: Set(input_hash(input)),
            record_id: Set(record_id),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(txn)
        .await
        .map_err(|e| on_constraint(e, "input.idempotencyKey"))?;
        Ok(())
    }
}

/// Replaces the rows of a link table that belong to one parent (`column = parent`) with
/// `rows`, in their order. A row the database refuses (a duplicate, a missing
/// reference) is bad input at `field.<its index>`.
pub(crate) async fn replace<A>(
    txn: &DatabaseTransaction,
    column: <A::Entity as EntityTrait>::Column,
    parent: i64,
    rows: Vec<A>,
    field: &str,
) -> Result<()>
where
    A: ActiveModelTrait + ActiveModelBehavior + Send,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
{
    A::Entity::delete_many()
        .filter(column.eq(parent))
        .exec(txn)
        .await?;
    insert_all(txn, rows, field).await
}

/// Inserts `rows` in order; a row the database refuses is bad input at `field.<index>`.
pub(crate) async fn insert_all<A>(
    txn: &DatabaseTransaction,
    rows: Vec<A>,
    field: &str,
) -> Result<()>
where
    A: ActiveModelTrait + ActiveModelBehavior + Send,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
{
    for (i, row) in rows.into_iter().enumerate() {
        row.insert(txn)
            .await
            .map_err(|e| on_constraint(e, &format!("{field}.{i}")))?;
    }
    Ok(())
}

fn input_hash(input: &impl Serialize) -> String {
    let json = serde_json::to_string(input).unwrap_or_default();
    hex::encode(Sha256::digest(json.as_bytes()))
}

/// A value as JSON, for the audit log.
pub(crate) fn snapshot(value: &impl Serialize) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

/// Parses an optional text input.
pub(crate) fn text(field: &str, value: &Option<String>, max: usize) -> Result<Option<String>> {
    Ok(Text::optional(field, value.as_deref(), max)?.map(|t| t.into_string()))
}

/// Parses a required text input.
pub(crate) fn required_text(field: &str, value: &str, max: usize) -> Result<String> {
    Ok(Text::parse(field, value, max)?.into_string())
}

/// Parses a patch of an optional text field.
pub(crate) fn patch_text(field: &str, value: &Patch<String>, max: usize) -> Result<Patch<String>> {
    match value {
        None => Ok(None),
        Some(v) => Ok(Some(text(field, v, max)?)),
    }
}

/// Inserts `item` at `position` (at the end when absent or past it): how a part is
/// added to an ordered list of parts.
pub(crate) fn insert_at<T>(list: &mut Vec<T>, item: T, position: Option<i32>) {
    let at = position.map_or(list.len(), |p| (Ord::max(p, 0) as usize).min(list.len()));
    list.insert(at, item);
}

/// Applies a patch to a current value.
pub(crate) fn patched<T: Clone>(current: &T, patch: &Option<T>) -> T {
    patch.clone().unwrap_or_else(|| current.clone())
}
