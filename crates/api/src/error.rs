//! How service errors reach clients: each has a stable `extensions.code`.
//!
//! [`to_gql`] is the only way from a `service::Error` to a GraphQL error ([`svc`] and
//! [`ServiceError`] go through it). `service::Error` has no `Display` so that
//! async-graphql's blanket `From<T: Display>` cannot take a shortcut past it: a plain
//! `?` on a service result in a resolver does not compile.
//!
//! ```compile_fail
//! fn resolver(found: service::Result<i64>) -> async_graphql::Result<i64> {
//!     Ok(found?) // no conversion: it would lose the code
//! }
//! ```
//!
//! ```
//! fn resolver(found: service::Result<i64>) -> async_graphql::Result<i64> {
//!     Ok(found.map_err(|e| async_graphql::Error::new(e.message()))?) // explicit: compiles
//! }
//! ```
//!
//! (Within this crate the explicit way is `svc`, `?` on a `ServiceError`, or `to_gql`.)
use async_graphql::ErrorExtensions;

use crate::code;

// The build fails if a service error, or the loaders' shared one, ever converts into a
// GraphQL error by itself (say `service::Error` gains `Display` again): the trait below
// is then implemented twice for it, and naming its item is ambiguous.
const _: fn() = || {
    trait AmbiguousIfItConverts<Via> {
        fn check() {}
    }
    impl<T> AmbiguousIfItConverts<()> for T {}
    struct Converts;
    impl<T: Into<async_graphql::Error>> AmbiguousIfItConverts<Converts> for T {}
    let _ = <service::Error as AmbiguousIfItConverts<_>>::check;
    let _ = <std::sync::Arc<service::Error> as AmbiguousIfItConverts<_>>::check;
};

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
        service::Error::Duplicate {
            field,
            record,
            existing,
        } => {
            let kind = match *record {
                "person" => crate::ids::Kind::Person,
                _ => crate::ids::Kind::Organisation,
            };
            let id = crate::ids::encode(kind, *existing);
            async_graphql::Error::new(format!(
                "{} {} already has this identifier",
                kind.name(),
                id.as_str()
            ))
            .extend_with(|_, e| {
                e.set("code", code::CONFLICT);
                e.set("field", field.clone());
                e.set("existingId", id.to_string());
            })
        }
        service::Error::ChangesExpired => async_graphql::Error::new(error.message())
            .extend_with(|_, e| e.set("code", code::CHANGES_EXPIRED)),
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
            service::Error::Duplicate {
                field,
                record,
                existing,
            } => service::Error::Duplicate {
                field: field.clone(),
                record,
                existing: *existing,
            },
            service::Error::Database(cause) => service::Error::Database(cause.clone()),
            service::Error::ChangesExpired => service::Error::ChangesExpired,
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn every_variant() -> Vec<(service::Error, &'static str)> {
        vec![
            (service::Error::NotFound, code::NOT_FOUND),
            (
                service::Error::bad_input("first", "too many"),
                code::BAD_USER_INPUT,
            ),
            (
                service::Error::Unauthenticated("expired".into()),
                code::UNAUTHENTICATED,
            ),
            (service::Error::forbidden("not yours"), code::FORBIDDEN),
            (
                service::Error::Conflict {
                    expected: 1,
                    current: 2,
                },
                code::CONFLICT,
            ),
            (
                service::Error::Duplicate {
                    field: "input.rorId".into(),
                    record: "organisation",
                    existing: 7,
                },
                code::CONFLICT,
            ),
            (service::Error::Database(sea_orm_error()), code::INTERNAL),
            (service::Error::ChangesExpired, code::CHANGES_EXPIRED),
        ]
    }

    fn sea_orm_error() -> sea_orm::DbErr {
        sea_orm::DbErr::Custom("no such table: indicator".into())
    }

    fn code_of(error: async_graphql::Error) -> (String, async_graphql::Value) {
        let extensions = error
            .extensions
            .expect("every service error has extensions");
        (error.message, extensions.get("code").cloned().unwrap())
    }

    /// Every way a service error leaves a resolver carries the variant's code: `to_gql`,
    /// `svc`, `?` on a `ServiceError`, and a loader's shared error.
    #[test]
    fn every_path_out_carries_the_code() {
        for (error, expected) in every_variant() {
            let expected = async_graphql::Value::from(expected);
            let shared = Arc::new(error);
            let via_to_gql = code_of(to_gql(&shared));
            assert_eq!(via_to_gql.1, expected);
            let via_loader = code_of(ServiceError::from(shared.clone()).into());
            assert_eq!(via_loader, via_to_gql);
            let owned = ServiceError::from(shared).0;
            let via_svc = code_of(svc::<()>(Err(owned)).unwrap_err());
            assert_eq!(via_svc, via_to_gql);
        }
    }

    /// A database failure's cause stays in the log.
    #[test]
    fn database_failures_say_nothing_of_their_cause() {
        let (message, _) = code_of(to_gql(&service::Error::Database(sea_orm_error())));
        assert_eq!(message, "Internal error.");
    }
}
