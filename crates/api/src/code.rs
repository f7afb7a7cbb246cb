//! Every `extensions.code` a client can receive, in one place. The schema, the HTTP
//! layer and the rate limiter all write their codes from here, so a code is spelled
//! once and the list below is the whole contract (README, "HTTP", lists the same).
//!
//! An error that reaches the client without one of these is a bug somewhere; the HTTP
//! layer then sends [`INTERNAL`], never [`BAD_USER_INPUT`], and logs what it was.

// Outcomes of the schema's own rules (`service::Error`, through `crate::error::to_gql`).

/// A bearer token was sent but is malformed, unknown, expired or revoked (HTTP 401).
pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
/// The caller may read the record but not do this to it.
pub const FORBIDDEN: &str = "FORBIDDEN";
/// No such record, or one the caller may not read: the two look the same on purpose.
pub const NOT_FOUND: &str = "NOT_FOUND";
/// An argument or input breaks a rule; `extensions.field` names the input path.
pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
/// `expectedVersion` is stale; `extensions.currentVersion` says where the record is now.
pub const CONFLICT: &str = "CONFLICT";
/// Something failed that the caller cannot fix; `extensions.requestId` joins it to the
/// log, which holds the cause. Also what an error without a code becomes.
pub const INTERNAL: &str = "INTERNAL";
/// A `changes` cursor older than the oldest change kept (`--change-retention-days`):
/// re-read the records in full, then follow the feed from a new cursor.
pub const CHANGES_EXPIRED: &str = "CHANGES_EXPIRED";

// A document that cannot run (no `data`; 400 under graphql-response+json).

/// The document is not GraphQL.
pub const GRAPHQL_PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";
/// The document does not fit the schema, or its variables do not fit the document.
pub const GRAPHQL_VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";
/// The document is over a size limit: tokens, aliases, fields, directives, depth or
/// complexity.
pub const LIMIT_EXCEEDED: &str = "LIMIT_EXCEEDED";

// Requests refused by the HTTP layer before any GraphQL runs.

/// The caller's requests-per-minute bucket is empty (429, with `Retry-After`).
pub const RATE_LIMITED: &str = "RATE_LIMITED";
/// The request ran past its time (503); its work was dropped.
pub const TIMEOUT: &str = "TIMEOUT";
/// The body is over the size limit (413), refused from its declared length.
pub const PAYLOAD_TOO_LARGE: &str = "PAYLOAD_TOO_LARGE";
/// The body or query string is not a GraphQL request (400).
pub const BAD_REQUEST: &str = "BAD_REQUEST";
/// A `POST` body that is not `application/json` (415).
pub const UNSUPPORTED_MEDIA_TYPE: &str = "UNSUPPORTED_MEDIA_TYPE";
/// A mutation sent by `GET` (405).
pub const METHOD_NOT_ALLOWED: &str = "METHOD_NOT_ALLOWED";
/// `Accept` allows neither media type the server answers in (406).
pub const NOT_ACCEPTABLE: &str = "NOT_ACCEPTABLE";
/// The credentials could not be checked because the database did not answer (503).
pub const UNAVAILABLE: &str = "UNAVAILABLE";
/// An automatic persisted query's hash the server does not know: send the query with it
/// (400 under `graphql-response+json`; the message is Apollo's `PersistedQueryNotFound`).
pub const PERSISTED_QUERY_NOT_FOUND: &str = "PERSISTED_QUERY_NOT_FOUND";
/// With trusted documents on, a document that is not on the list (400).
pub const PERSISTED_QUERY_NOT_ALLOWED: &str = "PERSISTED_QUERY_NOT_ALLOWED";

/// Every code above.
pub const ALL: [&str; 20] = [
    UNAUTHENTICATED,
    FORBIDDEN,
    NOT_FOUND,
    BAD_USER_INPUT,
    CONFLICT,
    INTERNAL,
    CHANGES_EXPIRED,
    GRAPHQL_PARSE_FAILED,
    GRAPHQL_VALIDATION_FAILED,
    LIMIT_EXCEEDED,
    RATE_LIMITED,
    TIMEOUT,
    PAYLOAD_TOO_LARGE,
    BAD_REQUEST,
    UNSUPPORTED_MEDIA_TYPE,
    METHOD_NOT_ALLOWED,
    NOT_ACCEPTABLE,
    UNAVAILABLE,
    PERSISTED_QUERY_NOT_FOUND,
    PERSISTED_QUERY_NOT_ALLOWED,
];
