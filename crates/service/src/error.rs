//! The service's one error type. Each variant maps to one client-facing outcome.
//!
//! It implements neither `Display` nor `std::error::Error`, on purpose: async-graphql
//! turns any `Display` value into a GraphQL error (`impl<T: Display> From<T> for
//! async_graphql::Error`), so a plain `?` on a service result in a resolver would compile
//! and reach the client without its code. Without `Display` that `?` does not compile;
//! the API's `error::to_gql` (or its `svc` and `ServiceError`) is the only way out, and
//! it gives every variant its code. Logs and the command line read [`Error::message`].
use sea_orm::DbErr;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug)]
pub enum Error {
    /// The record does not exist or the caller may not read it. The two are
    /// deliberately indistinguishable, so a caller never learns a hidden record exists.
    NotFound,
    /// The input breaks a rule; `field` is the input path at fault (e.g. `after`,
    /// `filter.startDate.from`) so a frontend can point at it.
    BadInput { field: String, message: String },
    /// No valid credentials: a bearer token was sent but is malformed, unknown,
    /// expired or revoked. (No token at all is not an error: it means anonymous.)
    Unauthenticated(String),
    /// The caller may read the record but not do this to it.
    Forbidden(String),
    /// The record changed since the caller read it: `expectedVersion` is stale.
    Conflict { expected: i32, current: i32 },
    /// A new registry entry names an identifier that `existing` (an `organisation` or
    /// `person`, per `record`) already has: it would be a duplicate. `field` is the input
    /// path of the identifier.
    Duplicate {
        field: String,
        record: &'static str,
        existing: i64,
    },
    /// The database failed in a way the caller cannot fix. Logged with its cause;
    /// callers see only that something went wrong.
    Database(DbErr),
    /// A change-feed cursor older than the oldest entry kept: the client must re-read
    /// in full and take a new cursor.
    ChangesExpired,
}

impl From<DbErr> for Error {
    fn from(cause: DbErr) -> Self {
        Error::Database(cause)
    }
}

/// What a client with an expired change cursor is told.
const CHANGES_EXPIRED_MESSAGE: &str = "the cursor is older than the oldest change kept; \
     re-read the records in full and continue from a new cursor";

impl Error {
    pub fn forbidden(message: impl Into<String>) -> Self {
        Error::Forbidden(message.into())
    }

    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::BadInput {
            field: field.into(),
            message: message.into(),
        }
    }

    /// What went wrong, for whoever runs the server: the command line prints it and logs
    /// carry it. A database failure includes its cause, which clients never see.
    pub fn message(&self) -> String {
        match self {
            Error::NotFound => "no such record".to_owned(),
            Error::BadInput { message, .. }
            | Error::Unauthenticated(message)
            | Error::Forbidden(message) => message.clone(),
            Error::Conflict { expected, current } => format!(
                "the record has changed since version {expected}; it is now at version {current}"
            ),
            Error::Duplicate {
                record, existing, ..
            } => {
                format!("{record} {existing} already has this identifier")
            }
            Error::Database(cause) => format!("database error: {cause}"),
            Error::ChangesExpired => CHANGES_EXPIRED_MESSAGE.to_owned(),
        }
    }
}
