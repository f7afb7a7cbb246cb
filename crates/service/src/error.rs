//! The service's one error type. Each variant maps to one client-facing outcome.
use sea_orm::DbErr;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The record does not exist or the caller may not read it. The two are
    /// deliberately indistinguishable, so a caller never learns a hidden record exists.
    #[error("no such record")]
    NotFound,
    /// The input breaks a rule; `field` is the input path at fault (e.g. `after`,
    /// `filter.startDate.from`) so a frontend can point at it.
    #[error("{message}")]
    BadInput { field: String, message: String },
    /// No valid credentials: a bearer token was sent but is malformed, unknown,
    /// expired or revoked. (No token at all is not an error: it means anonymous.)
    #[error("{0}")]
    Unauthenticated(String),
    /// The caller may read the record but not do this to it.
    #[error("{0}")]
    Forbidden(String),
    /// The record changed since the caller read it: `expectedVersion` is stale.
    #[error("the record has changed since version {expected}; it is now at version {current}")]
    Conflict { expected: i32, current: i32 },
    /// The database failed in a way the caller cannot fix. Logged with its cause;
    /// callers see only that something went wrong.
    #[error("internal error")]
    Database(#[from] DbErr),
}

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
}
