//! How service errors reach clients: each has a stable `extensions.code`.
use async_graphql::ErrorExtensions;

use crate::code;

/// Turns a service error into a GraphQL error with its `extensions.code`
/// (and `extensions.field` for bad input). Database failures are logged here, with
/// their cause, and reach the client only as INTERNAL.
pub fn to_gql(error: &service::Error) -> async_graphql::Error {
    match error {
        service::Error::NotFound => async_graphql::Error::new("No such record.")
            .extend_with(|_, e| e.set("code", code::NOT_FOUND)),
        service::Error::BadInput { field, message } => async_graphql::Error::new(message.clone())
            .extend_with(|_, e| {
                e.set("code", code::BAD_USER_INPUT);
                e.set("field", field.clone());
            }),
        service::Error::Unauthenticated(message) => async_graphql::Error::new(message.clone())
            .extend_with(|_, e| e.set("code", code::UNAUTHENTICATED)),
        service::Error::Forbidden(message) => async_graphql::Error::new(message.clone())
            .extend_with(|_, e| e.set("code", code::FORBIDDEN)),
        service::Error::Conflict { expected, current } => async_graphql::Error::new(format!(
            "the record has changed since version {expected}; it is now at version {current}"
        ))
        .extend_with(|_, e| {
            e.set("code", code::CONFLICT);
            e.set("currentVersion", *current);
        }),
        service::Error::Database(cause) => {
            tracing::error!(%cause, "database error");
            async_graphql::Error::new("Internal error.")
                .extend_with(|_, e| e.set("code", code::INTERNAL))
        }
    }
}

impl From<ServiceError> for async_graphql::Error {
    fn from(e: ServiceError) -> Self {
        to_gql(&e.0)
    }
}

/// A service error on its way to the client (`?` converts it).
pub struct ServiceError(pub service::Error);

impl From<service::Error> for ServiceError {
    fn from(e: service::Error) -> Self {
        ServiceError(e)
    }
}

impl From<std::sync::Arc<service::Error>> for ServiceError {
    fn from(e: std::sync::Arc<service::Error>) -> Self {
        // Loader errors are shared between the fields that asked; clone what we show.
        ServiceError(match &*e {
            service::Error::NotFound => service::Error::NotFound,
            service::Error::BadInput { field, message } => {
                service::Error::bad_input(field.clone(), message.clone())
            }
            service::Error::Unauthenticated(m) => service::Error::Unauthenticated(m.clone()),
            service::Error::Forbidden(m) => service::Error::Forbidden(m.clone()),
            service::Error::Conflict { expected, current } => service::Error::Conflict {
                expected: *expected,
                current: *current,
            },
            service::Error::Database(cause) => service::Error::Database(cause.clone()),
        })
    }
}

/// Shorthand for resolver results.
pub type Result<T> = std::result::Result<T, async_graphql::Error>;

/// A BAD_USER_INPUT error about `field`.
pub fn bad_input(field: &str, message: impl Into<String>) -> async_graphql::Error {
    to_gql(&service::Error::bad_input(field, message))
}

/// Maps a service result into a resolver result.
pub fn svc<T>(r: service::Result<T>) -> Result<T> {
    r.map_err(|e| to_gql(&e))
}
