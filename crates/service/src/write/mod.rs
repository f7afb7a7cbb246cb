//! Writes. Every mutation runs in one transaction: it loads the record as the caller
//! may read it (absent means NOT_FOUND), asks `access` whether the caller may change it
//! (FORBIDDEN), parses its input with the `domain` types (BAD_USER_INPUT, naming the
//! field), bumps the version only if it is still the one the caller expected
//! (CONFLICT), and writes an audit entry. All of it commits, or none of it.
use std::collections::BTreeSet;

use chrono::Utc;
use entity::{country, idempotency_key, isced_field};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, Set, SqlErr, TransactionTrait,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::audit::Audit;
use crate::scope::Keyed;
use crate::{Error, Principal, Record, Result, Scope};

pub mod agreements;
pub mod events;
pub mod registry;
pub mod standards;

/// What `update*` inputs carry for a field that may be cleared: absent leaves it,
/// `Some(None)` clears it, `Some(Some(v))` sets it.
pub type Patch<T> = Option<Option<T>>;

/// A table whose rows can be archived (taken out of lists) and restored.
pub trait Archivable: Record<Model: Keyed<Key = i64> + Serialize> {
    const TABLE: &'static str;
    /// The type's GraphQL name, for the audit log's operation names.
    const NAME: &'static str;
    fn is_archived(model: &Self::Model) -> bool;
    /// The owner (or maintainer), for the audit log.
    fn owner(model: &Self::Model) -> Option<i64>;
    /// Whether `principal` may archive or restore it.
    fn may_change(principal: &Principal, model: &Self::Model) -> Result<()>;
}

macro_rules! archivable_owned {
    ($($m:ident: $name:literal),*) => {$(
        impl Archivable for entity::$m::Entity {
            const TABLE: &'static str = stringify!($m);
            const NAME: &'static str = $name;
            fn is_archived(m: &Self::Model) -> bool {
                m.archived_at.is_some()
            }
            fn owner(m: &Self::Model) -> Option<i64> {
                Some(m.owner_id)
            }
            fn may_change(p: &Principal, m: &Self::Model) -> Result<()> {
                crate::access::may_write(p, m.owner_id)
            }
        }
    )*};
}
archivable_owned!(event: "Event", agreement: "Agreement", curriculum_standard: "CurriculumStandard", training_centre: "TrainingCentre", indicator: "Indicator");

impl Archivable for entity::organisation::Entity {
    const TABLE: &'static str = "organisation";
    const NAME: &'static str = "Organisation";
    fn is_archived(m: &Self::Model) -> bool {
        m.archived_at.is_some()
    }
    fn owner(m: &Self::Model) -> Option<i64> {
        m.maintainer_id
    }
    fn may_change(p: &Principal, m: &Self::Model) -> Result<()> {
        crate::access::may_maintain(p, m.maintainer_id, m.parent_id)
    }
}

impl Archivable for entity::person::Entity {
    const TABLE: &'static str = "person";
    const NAME: &'static str = "Person";
    fn is_archived(m: &Self::Model) -> bool {
        m.archived_at.is_some()
    }
    fn owner(m: &Self::Model) -> Option<i64> {
        m.maintainer_id
    }
    fn may_change(p: &Principal, m: &Self::Model) -> Result<()> {
        crate::access::may_maintain(p, m.maintainer_id, None)
    }
}

impl Archivable for entity::source::Entity {
    const TABLE: &'static str = "source";
    const NAME: &'static str = "Source";
    fn is_archived(m: &Self::Model) -> bool {
        m.archived_at.is_some()
    }
    fn owner(m: &Self::Model) -> Option<i64> {
        m.maintainer_id
    }
    fn may_change(p: &Principal, m: &Self::Model) -> Result<()> {
        crate::access::may_maintain(p, m.maintainer_id, None)
    }
}

impl Archivable for entity::consortium::Entity {
    const TABLE: &'static str = "consortium";
    const NAME: &'static str = "Consortium";
    fn is_archived(m: &Self::Model) -> bool {
        m.archived_at.is_some()
    }
    fn owner(_: &Self::Model) -> Option<i64> {
        None
    }
    fn may_change(p: &Principal, _: &Self::Model) -> Result<()> {
        crate::access::coordinator_only(p, "manage consortia")
    }
}

/// A future borrowed from a scope and a transaction.
pub(crate) type TxnFuture<'a, T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<T>> + Send + 'a>>;

/// A record with parts (organisations in roles, parties, ...) that change as a whole.
pub(crate) trait Composite: Archivable {
    /// The parts, as the audit log records them.
    fn parts<'a>(
        scope: &'a Scope,
        txn: &'a DatabaseTransaction,
        id: i64,
    ) -> TxnFuture<'a, serde_json::Value>;
}

impl Composite for entity::event::Entity {
    fn parts<'a>(
        scope: &'a Scope,
        txn: &'a DatabaseTransaction,
        id: i64,
    ) -> TxnFuture<'a, serde_json::Value> {
        Box::pin(async move { scope.event_parts(txn, id).await })
    }
}

impl Composite for entity::agreement::Entity {
    fn parts<'a>(
        scope: &'a Scope,
        txn: &'a DatabaseTransaction,
        id: i64,
    ) -> TxnFuture<'a, serde_json::Value> {
        Box::pin(async move { scope.agreement_parts(txn, id).await })
    }
}

impl Scope {
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
        let txn = self.begin_write().await?;
        let record = self.load_for_write::<E>(&txn, id).await?;
        E::may_change(self.principal(), &record)?;
        crate::domain::Version::parse("input.expectedVersion", expected_version)?;
        let before = E::parts(self, &txn, id).await?;
        self.bump_version(&txn, E::TABLE, id, expected_version)
            .await?;
        write(self, &txn).await?;
        let after = E::parts(self, &txn, id).await?;
        Audit::new(self.principal(), operation, E::TABLE, id, E::owner(&record))
            .before(&before)
            .after(&after)
            .write(&txn)
            .await?;
        let record = self.load_for_write::<E>(&txn, id).await?;
        txn.commit().await?;
        Ok(record)
    }

    /// Archives (`archive`) or restores a record under optimistic concurrency.
    pub async fn archive<E: Archivable>(
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
        Audit::new(self.principal(), &operation, E::TABLE, id, E::owner(&after))
            .before(&before)
            .after(&after)
            .write(&txn)
            .await?;
        txn.commit().await?;
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
        crate::domain::Version::parse("input.expectedVersion", expected_version)?;
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
        let at: Option<chrono::DateTime<Utc>> = archive.then(Utc::now);
        let update = Query::update()
            .table(table)
            .value("archived_at", at)
            .and_where(Expr::col("id").eq(id))
            .to_owned();
        txn.execute(&update).await?;
        Ok(())
    }

    /// Records that the caller's organisation, one of `parties`, signs off `record_type`
    /// #`id` as it is at `version`. An edit later raises the version, so the sign-off
    /// then reads as out of date for everyone who has not confirmed again.
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
        let organisation = match self.principal() {
            Principal::Member {
                organisation_id,
                role: entity::enums::Role::Editor | entity::enums::Role::Admin,
                ..
            } if parties.contains(organisation_id) => *organisation_id,
            Principal::Anonymous => return Err(crate::access::unauthenticated()),
            _ => {
                return Err(Error::forbidden(
                    "only an editor of a party to the record may confirm it",
                ));
            }
        };
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
        crate::audit::Audit::new(self.principal(), operation, record_type, id, owner)
            .before(&before)
            .after(&after)
            .write(txn)
            .await
    }
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

impl Scope {
    pub(crate) async fn begin_write(&self) -> Result<DatabaseTransaction> {
        begin_write(self.db()).await
    }
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

    /// The owner of a new record: a member's own organisation; for the coordinator,
    /// the organisation it names.
    pub(crate) async fn owner_for_create(
        &self,
        txn: &DatabaseTransaction,
        owner: Option<i64>,
    ) -> Result<i64> {
        match (self.principal(), owner) {
            (
                Principal::Member {
                    organisation_id, ..
                },
                None,
            ) => Ok(*organisation_id),
            (
                Principal::Member {
                    organisation_id, ..
                },
                Some(o),
            ) if o == *organisation_id => Ok(o),
            (Principal::Member { .. }, Some(_)) => Err(Error::forbidden(
                "a member creates records for its own organisation only",
            )),
            (Principal::Coordinator { .. }, Some(o)) => {
                self.require::<entity::organisation::Entity>(
                    txn,
                    "input.owner",
                    "organisation",
                    [o],
                )
                .await?;
                Ok(o)
            }
            (Principal::Coordinator { .. }, None) => Err(Error::bad_input(
                "input.owner",
                "the coordinator must name the owner",
            )),
            (Principal::Anonymous, _) => Err(crate::access::unauthenticated()),
        }
    }

    /// For a create with an idempotency key: the id of the record an earlier request
    /// with the same key and input created, if any. The same key with other input is
    /// bad input.
    pub(crate) async fn replay(
        &self,
        txn: &DatabaseTransaction,
        key: &Option<String>,
        operation: &str,
        input: &impl Serialize,
    ) -> Result<Option<i64>> {
        let (Some(key), Some(token)) = (key, self.principal().token()) else {
            return Ok(None);
        };
        let found = idempotency_key::Entity::find()
            .filter(idempotency_key::Column::TokenId.eq(token))
            .filter(idempotency_key::Column::Key.eq(key.as_str()))
            .one(txn)
            .await?;
        match found {
            None => Ok(None),
            Some(k) if k.operation == operation && k.input_hash == input_hash(input) => {
                Ok(Some(k.record_id))
            }
            Some(_) => Err(Error::bad_input(
                "input.idempotencyKey",
                "this key was used for a different request",
            )),
        }
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
        crate::domain::Text::parse("input.idempotencyKey", key, 200)?;
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
    Ok(crate::domain::Text::optional(field, value.as_deref(), max)?.map(|t| t.into_string()))
}

/// Parses a required text input.
pub(crate) fn required_text(field: &str, value: &str, max: usize) -> Result<String> {
    Ok(crate::domain::Text::parse(field, value, max)?.into_string())
}

/// Parses a patch of an optional text field.
pub(crate) fn patch_text(field: &str, value: &Patch<String>, max: usize) -> Result<Patch<String>> {
    match value {
        None => Ok(None),
        Some(v) => Ok(Some(text(field, v, max)?)),
    }
}

/// Applies a patch to a current value.
pub(crate) fn patched<T: Clone>(current: &T, patch: &Option<T>) -> T {
    patch.clone().unwrap_or_else(|| current.clone())
}
