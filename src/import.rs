//! `POST /import/{kind}`: a spreadsheet (CSV or XLSX, the request's body) imported as the
//! bearer token's principal, through the same service writes and rules as the
//! mutations (`service::import`). Query parameters: `dryRun=true` (report only),
//! `encoding=utf-8|gb18030` (CSV; detected otherwise), `fileName=` (for the report and
//! the audit log), `format=csv` (or `Accept: text/csv`) for the report as CSV.
//!
//! Answers: the report (200) for a dry run and for a committed import; the report with
//! `errors` (BAD_USER_INPUT, 400) for an import refused because of its rows or columns;
//! GraphQL's error body with 400/401/403/404 as everywhere else for a bad request.
use std::collections::HashMap;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::header::{ACCEPT, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use service::Scope;
use service::import::{Encoding, ImportKind, ImportRequest};

use crate::AppState;
use crate::limit::Authenticated;

/// The largest file accepted: 10,000 rows of a wide sheet, with room to spare.
pub const MAX_IMPORT_BYTES: usize = 32 * 1024 * 1024;

pub async fn import(
    State(state): State<AppState>,
    Path(kind): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    Extension(Authenticated(principal)): Extension<Authenticated>,
    body: Bytes,
) -> Response {
    let params: HashMap<String, String> =
        match serde_urlencoded::from_str(raw.as_deref().unwrap_or_default()) {
            Ok(params) => params,
            Err(e) => return refused(bad_input("query", format!("unreadable parameters: {e}"))),
        };
    if let Some(other) = params
        .keys()
        .find(|k| !matches!(k.as_str(), "dryRun" | "encoding" | "fileName" | "format"))
    {
        return refused(bad_input(
            other,
            format!(
                "`{other}` is not a parameter of an import (`dryRun`, `encoding`, `fileName`, `format`)"
            ),
        ));
    }
    let Some(kind) = ImportKind::parse(&kind) else {
        return refused(api::export::not_found(&format!(
            "there is no import of `{kind}`: organisations, partnerships, agreements, events"
        )));
    };
    let dry_run = match params.get("dryRun").map(String::as_str) {
        None | Some("false") => false,
        Some("true" | "") => true,
        Some(other) => {
            return refused(bad_input(
                "dryRun",
                format!("`{other}` is not true or false"),
            ));
        }
    };
    let encoding = match params.get("encoding") {
        None => Encoding::Detect,
        Some(e) => match Encoding::parse(e) {
            Some(e) => e,
            None => {
                return refused(bad_input(
                    "encoding",
                    format!("`{e}` is not utf-8 or gb18030"),
                ));
            }
        },
    };
    let as_csv = match params.get("format").map(String::as_str) {
        Some("csv") => true,
        Some("json") => false,
        Some(other) => {
            return refused(bad_input("format", format!("`{other}` is not json or csv")));
        }
        None => headers
            .get(ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/csv")),
    };
    let file_name = params
        .get("fileName")
        .cloned()
        .unwrap_or_else(|| format!("{}.upload", kind.name()));
    let scope = Scope::new(state.db.connection.clone(), principal).on(state.db.today());
    let request = ImportRequest {
        kind,
        file_name,
        bytes: &body,
        encoding,
        dry_run,
        decode_id: api::import::decode_id,
    };
    let report = match scope.import(request).await {
        Ok(report) => report,
        Err(error) => return refused(api::export::service_error(&error)),
    };
    let refused_rows = !report.dry_run && !report.committed;
    let status = if refused_rows {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    if as_csv {
        return (
            status,
            [(CONTENT_TYPE, "text/csv; charset=utf-8")],
            api::import::report_csv(&report),
        )
            .into_response();
    }
    let mut body = api::import::report_json(&report);
    if refused_rows {
        let error = bad_input(
            "file",
            "nothing was imported: fix the rows that are not NEW or MATCHED, and the columns reported",
        );
        body["errors"] = api::export::error_body(error)["errors"].clone();
    }
    (status, axum::Json(body)).into_response()
}

use api::export::bad_input;

/// A refusal with the GraphQL error body and the status its code calls for.
fn refused(error: async_graphql::Error) -> Response {
    let status = match api::export::error_code(&error).as_deref() {
        Some(code) if code == api::code::BAD_USER_INPUT => StatusCode::BAD_REQUEST,
        Some(code) if code == api::code::NOT_FOUND => StatusCode::NOT_FOUND,
        Some(code) if code == api::code::UNAUTHENTICATED => StatusCode::UNAUTHORIZED,
        Some(code) if code == api::code::FORBIDDEN => StatusCode::FORBIDDEN,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    (status, axum::Json(api::export::error_body(error))).into_response()
}
