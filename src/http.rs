//! GraphQL over HTTP, as the GraphQL-over-HTTP specification has it: `GET` for queries
//! only, `POST` with an `application/json` body, `application/graphql-response+json` or
//! `application/json` answers as the `Accept` header asks, and status codes that tell a
//! request error (400) from an execution error (200).
//!
//! `POST` bodies of any other type are refused (415): `text/plain`, form and multipart
//! bodies are what a browser sends cross-site without a preflight, so refusing them keeps
//! mutations out of reach of cross-site request forgery.
//!
//! Why by hand, not async-graphql-axum's `GraphQLRequest` and `GraphQLResponse` (which
//! this replaced in 2846240): those read any body that is not multipart as JSON
//! (`text/plain` and forms included, so CSRF), take multipart uploads and batches, run
//! mutations from `GET`, and answer `application/json` with 200 whatever happened, so
//! the graphql-http audits failed. The steps before execution need the request too:
//! a body is refused from its declared length, a document's tokens are counted before
//! it is parsed and its aliases and fields after (`checked`), a parsed document is kept
//! by its text (`Documents`), reads are told from writes before the scope is made (a
//! query reads through one connection, `api::Operation`), credentials are checked
//! first, with a 401 of their own (`limit::guard`, which hands the principal on), and a
//! request past its time ends with a coded `TIMEOUT`. And every error leaves with an `extensions.code` (`answer`, `uncoded`), which async-graphql does
//! not give its own errors.
use std::collections::HashMap;

use api::code;
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet,
};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Extension, RawQuery, State};
use axum::http::header::{
    ACCEPT, ACCEPT_LANGUAGE, ALLOW, AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, VARY,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::limit::Authenticated;

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// The media type of the answer.
#[derive(Clone, Copy, PartialEq)]
enum Media {
    GraphqlResponse,
    Json,
}

impl Media {
    fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Media::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Media::Json => "application/json; charset=utf-8",
        })
    }
}

/// Picks the answer's media type from `Accept`; `None` when nothing we serve is acceptable.
fn negotiate(headers: &HeaderMap) -> Option<Media> {
    let Some(accept) = headers.get(ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(Media::Json);
    };
    let mut best: Option<(f32, Media)> = None;
    for part in accept.split(',') {
        let mut pieces = part.split(';');
        let media = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = pieces
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        let kind = match media.as_str() {
            GRAPHQL_RESPONSE => Media::GraphqlResponse,
            JSON | "application/*" | "*/*" => Media::Json,
            _ => continue,
        };
        if q > 0.0
            && best.is_none_or(|(bq, bk)| {
                q > bq
                    || (q == bq
                        && kind == Media::GraphqlResponse
                        && bk == Media::Json
                        && media == GRAPHQL_RESPONSE)
            })
        {
            best = Some((q, kind));
        }
    }
    best.map(|(_, kind)| kind)
}

/// A request's parameters, from the query string or the JSON body.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Params {
    query: Option<Value>,
    #[serde(default)]
    variables: Option<Value>,
    #[serde(default)]
    operation_name: Option<Value>,
    #[serde(default)]
    extensions: Option<Value>,
    /// A persisted document's id (see [`crate::persisted`]).
    #[serde(default)]
    document_id: Option<Value>,
}

/// The body of a request refused before execution: one error, with its code.
fn refusal_body(code: &'static str, message: &str) -> String {
    json!({ "errors": [{ "message": message, "extensions": { "code": code } }] }).to_string()
}

/// A request refused before it reached GraphQL (by [`crate::limit`]), answered in the
/// media type its `Accept` asks for.
pub(crate) fn refusal(
    headers: &HeaderMap,
    status: StatusCode,
    code: &'static str,
    message: &str,
) -> Response {
    refuse(
        negotiate(headers).unwrap_or(Media::Json),
        status,
        code,
        message,
    )
}

/// A request refused before execution.
fn refuse(media: Media, status: StatusCode, code: &'static str, message: &str) -> Response {
    let response = (
        status,
        [(CONTENT_TYPE, media.content_type())],
        refusal_body(code, message),
    )
        .into_response();
    with_outcome(response, Some(code))
}

/// What the metrics count of a request, handed from where it is known to [`graphql`]
/// in the response's extensions, which stay in the server (headers would have to be
/// taken off again before the response left). The outcome is the first error's code;
/// a response without one is `ok`.
#[derive(Clone)]
struct Outcome(String);

/// The operation name the client gave, for the metrics (see [`Outcome`]).
#[derive(Clone)]
struct OperationName(String);

fn with_outcome(mut response: Response, code: Option<&str>) -> Response {
    if let Some(code) = code {
        response.extensions_mut().insert(Outcome(code.to_owned()));
    }
    response
}

/// The parameters with the document a persisted-query hash names put in `query`
/// (see [`crate::persisted`]), or why the request may not run.
fn persisted_document(
    state: &AppState,
    mut params: Params,
) -> Result<Params, crate::persisted::Refusal> {
    let query = match &params.query {
        Some(Value::String(q)) => Some(q.as_str()),
        // Not a string: `request` says so.
        Some(_) => return Ok(params),
        None => None,
    };
    if let Some(document) = state.persisted.document(
        query,
        params.document_id.as_ref(),
        params.extensions.as_ref(),
    )? {
        params.query = Some(Value::String(document));
    }
    Ok(params)
}

/// The parameters as an `async_graphql::Request`, or why they are not one.
fn request(params: Params) -> Result<(async_graphql::Request, String), &'static str> {
    let query = match params.query {
        Some(Value::String(q)) => q,
        Some(_) => return Err("`query` must be a string"),
        None => return Err("a GraphQL request needs a `query`"),
    };
    let mut request = async_graphql::Request::new(query.clone());
    match params.variables {
        None | Some(Value::Null) => {}
        Some(v @ Value::Object(_)) => {
            request = request.variables(async_graphql::Variables::from_json(v));
        }
        Some(_) => return Err("`variables` must be an object"),
    }
    match params.operation_name {
        None | Some(Value::Null) => {}
        Some(Value::String(name)) => request = request.operation_name(name),
        Some(_) => return Err("`operationName` must be a string"),
    }
    match params.extensions {
        None | Some(Value::Null) | Some(Value::Object(_)) => {}
        Some(_) => return Err("`extensions` must be an object"),
    }
    Ok((request, query))
}

/// Limits on a document's size, checked before it runs. Aliases let one request repeat
/// an expensive field many times over, which depth and complexity price per field;
/// tokens are counted before parsing, so a huge document costs little to refuse.
#[derive(Debug, Clone, Copy)]
pub struct DocumentLimits {
    pub aliases: usize,
    pub fields: usize,
    pub tokens: usize,
}

impl Default for DocumentLimits {
    fn default() -> Self {
        DocumentLimits {
            aliases: 30,
            fields: 1_000,
            tokens: 10_000,
        }
    }
}

/// The number of GraphQL lexical tokens in `source` (names, numbers, strings and
/// punctuators; whitespace, commas and comments are not tokens).
fn tokens(source: &str) -> usize {
    let mut chars = source.chars().peekable();
    let mut n = 0;
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() || c == ',' || c == '\u{feff}' => {}
            '#' => {
                for c in chars.by_ref() {
                    if c == '\n' || c == '\r' {
                        break;
                    }
                }
            }
            '"' => {
                n += 1;
                let mut escaped = false;
                for c in chars.by_ref() {
                    match (escaped, c) {
                        (false, '\\') => escaped = true,
                        (false, '"') => break,
                        _ => escaped = false,
                    }
                }
            }
            c if c.is_alphanumeric() || c == '_' || c == '-' => {
                n += 1;
                while chars
                    .peek()
                    .is_some_and(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
                {
                    chars.next();
                }
            }
            '.' => {
                n += 1;
                while chars.peek() == Some(&'.') {
                    chars.next();
                }
            }
            _ => n += 1,
        }
    }
    n
}

/// Counts the aliases and fields a selection set holds, fragments' own sets counted once.
fn count(set: &SelectionSet, aliases: &mut usize, fields: &mut usize) {
    for item in &set.items {
        match &item.node {
            Selection::Field(f) => {
                *fields += 1;
                if f.node.alias.is_some() {
                    *aliases += 1;
                }
                count(&f.node.selection_set.node, aliases, fields);
            }
            Selection::InlineFragment(f) => count(&f.node.selection_set.node, aliases, fields),
            Selection::FragmentSpread(_) => {}
        }
    }
}

/// Documents that parsed within the limits, by their text. A frontend sends the same
/// few documents again and again, and counting, parsing and checking one was 2% of the
/// home page's time. Bounded in entries and in the length of the texts it keeps; when
/// full it starts again empty.
#[derive(Default)]
pub(crate) struct Documents(std::sync::Mutex<HashMap<String, ExecutableDocument>>);

impl Documents {
    const ENTRIES: usize = 128;
    /// Longer texts are checked every time: what a frontend sends is far shorter.
    const LONGEST: usize = 8 * 1024;

    /// Parses `query` within the size limits (or finds it, when the same text passed
    /// before): whether the operation `name` picks (or the only one) is a mutation or
    /// subscription, and the document (handed on to execution, so it is parsed once);
    /// `Err` when it does not parse or is over a limit.
    fn parse_checked(
        &self,
        query: &str,
        name: Option<&str>,
        limits: DocumentLimits,
    ) -> Result<(bool, ExecutableDocument), (&'static str, String)> {
        let known = self.0.lock().expect("documents lock").get(query).cloned();
        let document = match known {
            Some(document) => document,
            None => {
                let document = checked(query, limits)?;
                if query.len() <= Self::LONGEST {
                    let mut kept = self.0.lock().expect("documents lock");
                    if kept.len() >= Self::ENTRIES {
                        kept.clear();
                    }
                    kept.insert(query.to_owned(), document.clone());
                }
                document
            }
        };
        Ok((writes(&document, name), document))
    }
}

/// `query` parsed, or why it was refused: it does not parse or is over a limit.
fn checked(
    query: &str,
    limits: DocumentLimits,
) -> Result<ExecutableDocument, (&'static str, String)> {
    let token_count = tokens(query);
    if token_count > limits.tokens {
        return Err((
            code::LIMIT_EXCEEDED,
            format!(
                "the document has {token_count} tokens; at most {} are allowed",
                limits.tokens
            ),
        ));
    }
    let document = async_graphql::parser::parse_query(query)
        .map_err(|e| (code::GRAPHQL_PARSE_FAILED, e.to_string()))?;
    let (mut aliases, mut fields) = (0, 0);
    for (_, op) in document.operations.iter() {
        count(&op.node.selection_set.node, &mut aliases, &mut fields);
    }
    for fragment in document.fragments.values() {
        count(&fragment.node.selection_set.node, &mut aliases, &mut fields);
    }
    if aliases > limits.aliases {
        return Err((
            code::LIMIT_EXCEEDED,
            format!(
                "the document uses {aliases} aliases; at most {} are allowed",
                limits.aliases
            ),
        ));
    }
    if fields > limits.fields {
        return Err((
            code::LIMIT_EXCEEDED,
            format!(
                "the document selects {fields} fields; at most {} are allowed",
                limits.fields
            ),
        ));
    }
    Ok(document)
}

/// Whether the operation `name` picks (or the only one) is a mutation or subscription.
fn writes(document: &ExecutableDocument, name: Option<&str>) -> bool {
    operation_type(document, name) != OperationType::Query
}

/// The type of the operation `name` picks (or the only one); a query when none fits
/// (validation then says why).
pub(crate) fn operation_type(document: &ExecutableDocument, name: Option<&str>) -> OperationType {
    match (&document.operations, name) {
        (DocumentOperations::Single(op), _) => op.node.ty,
        (DocumentOperations::Multiple(ops), Some(name)) => {
            match ops.iter().find(|(n, _)| n.as_str() == name) {
                Some((_, op)) => op.node.ty,
                None => OperationType::Query,
            }
        }
        (DocumentOperations::Multiple(_), None) => OperationType::Query,
    }
}

/// A WebSocket `subscribe` payload (`query`, `variables`, `operationName`,
/// `extensions`, as a POST body) made a request through the same steps as HTTP:
/// persisted and trusted documents, the document limits. With it, the document's text
/// and the operation's type; or the code and message of a refusal.
pub(crate) fn prepared(
    state: &AppState,
    payload: Value,
) -> Result<(async_graphql::Request, String, OperationType), (&'static str, String)> {
    let bad = || {
        (
            code::BAD_REQUEST,
            "the payload is not a GraphQL request".to_owned(),
        )
    };
    let params: Params = match payload {
        Value::Object(map) => serde_json::from_value(Value::Object(map)).map_err(|_| bad())?,
        _ => return Err(bad()),
    };
    let name = match &params.operation_name {
        Some(Value::String(n)) => Some(n.clone()),
        _ => None,
    };
    let params = persisted_document(state, params)?;
    let (mut request, query) =
        request(params).map_err(|message| (code::BAD_REQUEST, message.to_owned()))?;
    let (_, document) =
        state
            .documents
            .parse_checked(&query, name.as_deref(), state.document_limits)?;
    let kind = operation_type(&document, name.as_deref());
    request.set_parsed_query(document);
    Ok((request, query, kind))
}

/// `GET` and `POST /graphql`, counted in the metrics.
pub async fn graphql(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    Extension(Authenticated(principal)): Extension<Authenticated>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let started = std::time::Instant::now();
    let media = negotiate(&headers).unwrap_or(Media::Json);
    let anonymous = !headers.contains_key(AUTHORIZATION);
    let get = method == Method::GET;
    let mut response = match body {
        // Refused from its declared length, before it is read.
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => refuse(
            media,
            StatusCode::PAYLOAD_TOO_LARGE,
            code::PAYLOAD_TOO_LARGE,
            "the request body is too large",
        ),
        Err(_) => refuse(
            media,
            StatusCode::BAD_REQUEST,
            code::BAD_REQUEST,
            "the request body could not be read",
        ),
        Ok(body) => match tokio::time::timeout(
            state.request_timeout,
            handle(&state, method, headers, raw, principal, body),
        )
        .await
        {
            Ok(response) => response,
            // The work is dropped with the future: its connection goes back to the pool.
            Err(_) => refuse(
                media,
                StatusCode::SERVICE_UNAVAILABLE,
                code::TIMEOUT,
                "the request took too long",
            ),
        },
    };
    let outcome = response
        .extensions_mut()
        .remove::<Outcome>()
        .map_or_else(|| "ok".to_owned(), |o| o.0);
    let operation = response.extensions_mut().remove::<OperationName>();
    if get {
        cache_control(
            &mut response,
            anonymous && outcome == "ok",
            state.public_max_age,
        );
    }
    // Refusals are also counted by the limit that refused them: the code in lower case.
    if matches!(
        outcome.as_str(),
        code::LIMIT_EXCEEDED
            | code::PAYLOAD_TOO_LARGE
            | code::TIMEOUT
            | code::UNSUPPORTED_MEDIA_TYPE
            | code::METHOD_NOT_ALLOWED
            | code::NOT_ACCEPTABLE
            | code::BAD_REQUEST
    ) {
        state.metrics.refusal(&outcome.to_ascii_lowercase());
    }
    state.metrics.request(
        operation.as_ref().map(|o| o.0.as_str()),
        &outcome,
        started.elapsed(),
    );
    response
}

/// Caching of a `GET` answer: an anonymous read that succeeded is the same for every
/// anonymous caller, so a CDN may keep it for `max_age`; anything else (an answer for a
/// token, an error) is kept by no one.
fn cache_control(response: &mut Response, public: bool, max_age: std::time::Duration) {
    let value = if public && response.status() == StatusCode::OK {
        HeaderValue::from_str(&format!("public, max-age={}", max_age.as_secs()))
            .expect("a number is a header value")
    } else {
        HeaderValue::from_static("private, no-store")
    };
    let headers = response.headers_mut();
    headers.insert(CACHE_CONTROL, value);
    // The same URL answers differently with a token, in another media type and for
    // another language.
    headers.insert(
        VARY,
        HeaderValue::from_static("authorization, accept, accept-language"),
    );
}

async fn handle(
    state: &AppState,
    method: Method,
    headers: HeaderMap,
    raw: Option<String>,
    principal: service::Principal,
    body: Bytes,
) -> Response {
    let Some(media) = negotiate(&headers) else {
        return refuse(
            Media::Json,
            StatusCode::NOT_ACCEPTABLE,
            code::NOT_ACCEPTABLE,
            "accept application/graphql-response+json or application/json",
        );
    };
    let params = if method == Method::GET {
        let pairs: HashMap<String, String> =
            serde_urlencoded::from_str(raw.as_deref().unwrap_or("")).unwrap_or_default();
        let json_param = |key: &str| -> Result<Option<Value>, ()> {
            match pairs.get(key) {
                None => Ok(None),
                Some(text) => serde_json::from_str(text).map(Some).map_err(|_| ()),
            }
        };
        let (Ok(variables), Ok(extensions)) = (json_param("variables"), json_param("extensions"))
        else {
            return refuse(
                media,
                StatusCode::BAD_REQUEST,
                code::BAD_REQUEST,
                "`variables` and `extensions` must be JSON",
            );
        };
        Params {
            query: pairs.get("query").cloned().map(Value::String),
            variables,
            operation_name: pairs.get("operationName").cloned().map(Value::String),
            extensions,
            document_id: pairs.get("documentId").cloned().map(Value::String),
        }
    } else {
        let content_type = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if essence != JSON {
            return refuse(
                media,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                code::UNSUPPORTED_MEDIA_TYPE,
                "send the request as application/json",
            );
        }
        match serde_json::from_slice::<Value>(&body) {
            Ok(Value::Object(map)) => match serde_json::from_value(Value::Object(map)) {
                Ok(params) => params,
                Err(_) => {
                    return refuse(
                        media,
                        StatusCode::BAD_REQUEST,
                        code::BAD_REQUEST,
                        "the body is not a GraphQL request",
                    );
                }
            },
            Ok(Value::Array(_)) => {
                return refuse(
                    media,
                    StatusCode::BAD_REQUEST,
                    code::BAD_REQUEST,
                    "batched requests are not supported",
                );
            }
            _ => {
                return refuse(
                    media,
                    StatusCode::BAD_REQUEST,
                    code::BAD_REQUEST,
                    "the body is not a JSON object",
                );
            }
        }
    };
    let operation_name = match &params.operation_name {
        Some(Value::String(n)) => Some(n.clone()),
        _ => None,
    };
    let params = match persisted_document(state, params) {
        Ok(params) => params,
        Err((code, message)) => {
            return refuse(media, StatusCode::BAD_REQUEST, code, &message);
        }
    };
    let (mut request, query) = match request(params) {
        Ok(r) => r,
        Err(message) => return refuse(media, StatusCode::BAD_REQUEST, code::BAD_REQUEST, message),
    };
    let checked =
        state
            .documents
            .parse_checked(&query, operation_name.as_deref(), state.document_limits);
    let writes = match checked {
        // With plain JSON the request itself was well-formed HTTP: 200, as the spec asks.
        Err((code, message)) => {
            let status = if media == Media::GraphqlResponse {
                StatusCode::BAD_REQUEST
            } else {
                StatusCode::OK
            };
            return refuse(media, status, code, &message);
        }
        Ok((true, ref document))
            if operation_type(document, operation_name.as_deref())
                == OperationType::Subscription =>
        {
            return refuse(
                media,
                StatusCode::BAD_REQUEST,
                code::BAD_REQUEST,
                "subscriptions are served over WebSocket (graphql-transport-ws) at /graphql",
            );
        }
        Ok((true, _)) if method == Method::GET => {
            let mut response = refuse(
                media,
                StatusCode::METHOD_NOT_ALLOWED,
                code::METHOD_NOT_ALLOWED,
                "mutations are sent by POST",
            );
            response
                .headers_mut()
                .insert(ALLOW, HeaderValue::from_static("POST"));
            return response;
        }
        Ok((writes, document)) => {
            request.set_parsed_query(document);
            writes
        }
    };

    if writes && matches!(principal, service::Principal::Anonymous) {
        // Before variables are coerced, so an anonymous caller learns nothing of the
        // input rules, nor whether an id names a record.
        return refuse(
            media,
            StatusCode::UNAUTHORIZED,
            code::UNAUTHENTICATED,
            "mutations need a bearer token",
        );
    }
    // The languages a translatable field answers in when it is given no `lang`.
    if let Some(languages) = headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()) {
        request = request.data(api::AcceptLanguage::parse(languages));
    }
    let operation = if writes {
        api::Operation::Write
    } else {
        api::Operation::Read
    };
    let response = api::execute(&state.schema, request, &state.db, principal, operation).await;
    let request_id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mut response = answer(media, response, request_id, &query);
    if let Some(name) = operation_name {
        response.extensions_mut().insert(OperationName(name));
    }
    response
}

/// A GraphQL response body, in the spec's key order.
#[derive(serde::Serialize)]
struct Body<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a async_graphql::Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    extensions: Option<&'a std::collections::BTreeMap<String, async_graphql::Value>>,
}

/// The execution result as the response body. A request that never started executing
/// (it did not validate, or its variables did not fit) has no `data` and, for
/// `application/graphql-response+json`, status 400. `query` is the document's text: an
/// error without a code is placed by it (see [`uncoded`]).
fn answer(
    media: Media,
    response: async_graphql::Response,
    request_id: &str,
    query: &str,
) -> Response {
    let request_error = request_error(&response);
    let errors = coded_errors(&response, request_error, request_id, query);
    let status = if request_error && media == Media::GraphqlResponse {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let outcome = errors
        .first()
        .and_then(|e| e.pointer("/extensions/code"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    // The data is written straight from the executor's tree: going through
    // `serde_json::Value` first copied every field of the answer once more.
    let body = Body {
        data: (!request_error).then_some(&response.data),
        errors,
        extensions: (!response.extensions.is_empty()).then_some(&response.extensions),
    };
    let text = serde_json::to_string(&body).unwrap_or_else(|_| {
        json!({ "errors": [{ "message": "the answer could not be written", "extensions": { "code": code::INTERNAL, "requestId": request_id } }] }).to_string()
    });
    let response = (status, [(CONTENT_TYPE, media.content_type())], text).into_response();
    with_outcome(response, outcome.as_deref())
}

/// Whether `response` is of a request that never started executing: the executor sets
/// a path on every error a field raises; errors without one, and no data, come from
/// before execution.
pub(crate) fn request_error(response: &async_graphql::Response) -> bool {
    response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty())
}

/// The response's errors as sent, each with its `extensions.code` (see [`uncoded`]);
/// an INTERNAL one carries the request id and none of its message.
pub(crate) fn coded_errors(
    response: &async_graphql::Response,
    request_error: bool,
    request_id: &str,
    query: &str,
) -> Vec<Value> {
    let arguments = std::cell::OnceCell::new();
    response
        .errors
        .iter()
        .map(|e| {
            let mut error = serde_json::to_value(e).unwrap_or(Value::Null);
            if error.pointer("/extensions/code").is_none() {
                let at_argument = || {
                    let positions = arguments.get_or_init(|| argument_positions(query));
                    e.locations.iter().any(|pos| positions.contains_key(pos))
                };
                let code = uncoded(e, request_error, at_argument);
                if code == code::BAD_USER_INPUT
                    && let Some(field) = coerced_field(e, query, request_error, || {
                        arguments.get_or_init(|| argument_positions(query))
                    })
                {
                    error["extensions"]["field"] = json!(field);
                }
                if code == code::INTERNAL {
                    // Its message may be anything (a database error's text, a file
                    // name): it is in the log, and the client gets what to_gql sends.
                    error["message"] = json!("Internal error.");
                    error["extensions"] = json!({});
                }
                error["extensions"]["code"] = json!(code);
            }
            if error.pointer("/extensions/code") == Some(&json!(code::INTERNAL)) {
                error["extensions"]["requestId"] = json!(request_id);
            }
            error
        })
        .collect()
}

/// The code of an error that reached the HTTP layer without one. The schema codes every
/// error it raises itself (`api::code`, through `error::to_gql`); what is left came from
/// async-graphql, or is a bug. Fails closed: an error from execution that is not
/// async-graphql refusing an argument is INTERNAL, logged with its message, never
/// BAD_USER_INPUT.
fn uncoded(
    error: &async_graphql::ServerError,
    request_error: bool,
    at_argument: impl FnOnce() -> bool,
) -> &'static str {
    if request_error {
        // Parse errors and our own limits are coded in `checked`; async-graphql's
        // validation, variable coercion, operation choice and limits are not.
        if async_graphql_limit(&error.message) {
            code::LIMIT_EXCEEDED
        } else if refused_argument(&error.message).is_some()
            || error.message.starts_with("Failed to parse \"")
        {
            // A value (literal or variable) that its input type refused: the client's
            // input, refused before anything ran.
            code::BAD_USER_INPUT
        } else {
            code::GRAPHQL_VALIDATION_FAILED
        }
    } else if at_argument() {
        // async-graphql coerces a field's arguments as the field runs, and places a
        // failure at the argument's value; a resolver's own errors are placed at the
        // field. A Date that is not a date lands here, or an Int past 32 bits in an
        // input (on a paged field's `first`, the complexity count refuses it earlier).
        code::BAD_USER_INPUT
    } else {
        tracing::error!(
            message = %error.message,
            path = ?error.path,
            "an error without a code reached the client; sent as INTERNAL"
        );
        code::INTERNAL
    }
}

/// Whether `message` is one of async-graphql's own limit refusals: depth, complexity, or
/// directives on a field. async-graphql gives them no code and no type of their own, and
/// the one place that tells them apart by structure (an extension's `validation` hook)
/// would also put every field of every request through an extension's `resolve` hook.
/// So their text is matched here, and only here; the unit tests produce each message
/// from the real schema, so an async-graphql that rewords one fails a test.
fn async_graphql_limit(message: &str) -> bool {
    message.starts_with("Query is too complex")
        || message.starts_with("Query is nested too deep")
        || message.starts_with("The number of directives on the field")
}

/// The argument path in async-graphql's refusal of an input value at validation
/// (`Invalid value for argument "filter.startDate.from", expected type "Date"`): scalars
/// with a check (`is_valid`: Int, Float, Boolean, our Date...), enums, input objects.
/// Matched here only; a unit test produces the message from the real schema.
fn refused_argument(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("Invalid value for argument \"")?;
    rest.split_once('"').map(|(path, _)| path)
}

/// The `extensions.field` of a coercion error: the argument path async-graphql names,
/// or, for a value refused as the field ran, the argument at the error's position.
fn coerced_field<'a>(
    error: &'a async_graphql::ServerError,
    query: &str,
    request_error: bool,
    arguments: impl FnOnce() -> &'a HashMap<async_graphql::Pos, String>,
) -> Option<String> {
    if request_error {
        return refused_argument(&error.message)
            .map(str::to_owned)
            .or_else(|| page_argument(query, &error.locations));
    }
    let arguments = arguments();
    error
        .locations
        .iter()
        .find_map(|pos| arguments.get(pos).cloned())
}

/// The page argument a list field's complexity could not read: async-graphql reads
/// `first` and `last` (as `Int`) to price a page before anything runs, and refuses an
/// integer past 32 bits there with `Failed to parse "Int"`, placed at the field. The
/// argument is the one holding such a number, else the only one given.
fn page_argument(query: &str, locations: &[async_graphql::Pos]) -> Option<String> {
    fn visit(set: &SelectionSet, at: &[async_graphql::Pos], out: &mut Option<String>) {
        for item in &set.items {
            match &item.node {
                Selection::Field(f) => {
                    if at.contains(&f.pos) {
                        let pages: Vec<_> = f
                            .node
                            .arguments
                            .iter()
                            .filter(|(name, _)| matches!(name.node.as_str(), "first" | "last"))
                            .collect();
                        let past_32_bits = pages.iter().find(|(_, value)| {
                            matches!(value.node.clone().into_const(), Some(async_graphql::Value::Number(n))
                                if n.as_i64().is_none_or(|n| i32::try_from(n).is_err()))
                        });
                        if let Some((name, _)) = past_32_bits.or(pages.first()) {
                            *out = Some(name.node.to_string());
                        }
                    }
                    visit(&f.node.selection_set.node, at, out);
                }
                Selection::InlineFragment(f) => visit(&f.node.selection_set.node, at, out),
                Selection::FragmentSpread(_) => {}
            }
        }
    }
    let document = async_graphql::parser::parse_query(query).ok()?;
    let mut out = None;
    for (_, op) in document.operations.iter() {
        visit(&op.node.selection_set.node, locations, &mut out);
    }
    for fragment in document.fragments.values() {
        visit(&fragment.node.selection_set.node, locations, &mut out);
    }
    out
}

/// Where the document's field arguments' values start: async-graphql places an
/// argument it could not coerce there. Found only when an uncoded error needs them.
fn argument_positions(query: &str) -> HashMap<async_graphql::Pos, String> {
    fn visit(set: &SelectionSet, out: &mut HashMap<async_graphql::Pos, String>) {
        for item in &set.items {
            match &item.node {
                Selection::Field(f) => {
                    out.extend(
                        f.node
                            .arguments
                            .iter()
                            .map(|(name, value)| (value.pos, name.node.to_string())),
                    );
                    visit(&f.node.selection_set.node, out);
                }
                Selection::InlineFragment(f) => visit(&f.node.selection_set.node, out),
                Selection::FragmentSpread(_) => {}
            }
        }
    }
    let mut out = HashMap::new();
    // The text already parsed once to run; the same text gives the same positions.
    if let Ok(document) = async_graphql::parser::parse_query(query) {
        for (_, op) in document.operations.iter() {
            visit(&op.node.selection_set.node, &mut out);
        }
        for fragment in document.fragments.values() {
            visit(&fragment.node.selection_set.node, &mut out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> Option<Media> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_str(value).unwrap());
        negotiate(&headers)
    }

    /// `query` run on the schema with `limits` (no scope: these documents fail before
    /// any resolver reads), answered as graphql-response+json: the status and the body.
    async fn run(limits: api::Limits, query: &str) -> (StatusCode, Value) {
        let response = api::schema_with(&limits).execute(query).await;
        answered(response, query).await
    }

    async fn answered(response: async_graphql::Response, query: &str) -> (StatusCode, Value) {
        let response = answer(Media::GraphqlResponse, response, "req-1", query);
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, serde_json::from_slice(&body).unwrap())
    }

    fn first_code(body: &Value) -> &str {
        body["errors"][0]["extensions"]["code"].as_str().unwrap()
    }

    /// Each of async-graphql's limit messages that `async_graphql_limit` matches, as the
    /// real schema words it: if an upgrade rewords one, this fails.
    #[tokio::test]
    async fn async_graphql_limits_are_told_by_their_messages() {
        let deep = api::Limits {
            depth: 1,
            ..Default::default()
        };
        let complex = api::Limits {
            complexity: 1,
            ..Default::default()
        };
        let directives = format!("{{ viewer {} {{ role }} }}", "@skip(if: false) ".repeat(9));
        for (limits, query) in [
            (deep, "{ viewer { role } }"),
            (complex, "{ viewer { role } }"),
            (api::Limits::default(), directives.as_str()),
        ] {
            let response = api::schema_with(&limits).execute(query).await;
            let message = response.errors[0].message.clone();
            assert!(
                async_graphql_limit(&message),
                "not known as a limit: {message}"
            );
            let (status, body) = answered(response, query).await;
            assert_eq!(status, StatusCode::BAD_REQUEST);
            assert_eq!(first_code(&body), code::LIMIT_EXCEEDED, "{body}");
            assert!(body.get("data").is_none());
        }
    }

    /// What async-graphql refuses before execution that is not a limit: validation,
    /// variables, the choice of operation.
    #[tokio::test]
    async fn requests_that_cannot_run_fail_validation() {
        for query in [
            "{ nope }",
            "query A { viewer { role } } query B { viewer { role } }",
            "fragment A on Query { ...B } fragment B on Query { ...A } { ...A }",
        ] {
            let (status, body) = run(api::Limits::default(), query).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
            assert_eq!(first_code(&body), code::GRAPHQL_VALIDATION_FAILED, "{body}");
            assert!(!async_graphql_limit(
                body["errors"][0]["message"].as_str().unwrap()
            ));
        }
    }

    /// Input values their types refuse (literals or variables; a Date, an Int, an enum)
    /// are the client's mistake, refused before anything runs: 400, BAD_USER_INPUT, the
    /// argument path in `extensions.field`, no `data`.
    #[tokio::test]
    async fn input_values_that_do_not_coerce_are_bad_input() {
        let variables = json!({ "d": "2023-5-5", "n": "ten", "k": "PARTY" });
        for (query, field) in [
            (
                r#"{ events(filter: { startDate: { from: "5 May" } }) { totalCount } }"#,
                "filter.startDate.from",
            ),
            (
                "query($d: Date) { events(filter: { startDate: { from: $d } }) { totalCount } }",
                "filter.startDate.from",
            ),
            (
                "query($n: Int) { events(first: $n) { totalCount } }",
                "first",
            ),
            ("{ events(last: 3000000000) { totalCount } }", "last"),
            (
                r#"{ events(filter: { startDate: { to: " 2023-05-05" } }) { totalCount } }"#,
                "filter.startDate.to",
            ),
        ] {
            let request = async_graphql::Request::new(query)
                .variables(async_graphql::Variables::from_json(variables.clone()));
            let response = api::schema().execute(request).await;
            let (status, body) = answered(response, query).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
            assert_eq!(first_code(&body), code::BAD_USER_INPUT, "{body}");
            assert_eq!(body["errors"][0]["extensions"]["field"], json!(field));
            assert!(body.get("data").is_none());
        }
    }

    /// Fail closed: an error from execution without a code (a resolver that dropped it)
    /// reaches the client as INTERNAL, with the request id and none of its message.
    #[tokio::test]
    async fn an_error_without_a_code_is_internal() {
        let query = "{ indicators { totalCount } }";
        let mut error =
            async_graphql::ServerError::new("no such table: indicator", Some(Default::default()));
        error.locations = vec![async_graphql::Pos { line: 1, column: 3 }];
        error.path = vec![async_graphql::PathSegment::Field("indicators".into())];
        let mut response = async_graphql::Response::new(
            async_graphql::Value::from_json(json!({ "indicators": null })).unwrap(),
        );
        response.errors.push(error);
        let (status, body) = answered(response, query).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            body["errors"][0],
            json!({
                "message": "Internal error.",
                "locations": [{ "line": 1, "column": 3 }],
                "path": ["indicators"],
                "extensions": { "code": code::INTERNAL, "requestId": "req-1" },
            })
        );
        assert_eq!(body["data"], json!({ "indicators": null }));
    }

    #[test]
    fn accept_picks_the_media_type() {
        assert!(accept("application/graphql-response+json") == Some(Media::GraphqlResponse));
        assert!(accept("application/json") == Some(Media::Json));
        assert!(accept("*/*") == Some(Media::Json));
        assert!(
            accept("application/graphql-response+json, application/json;q=0.9")
                == Some(Media::GraphqlResponse)
        );
        assert!(
            accept("application/json, application/graphql-response+json;q=0.5")
                == Some(Media::Json)
        );
        assert!(accept("text/html").is_none());
        assert!(negotiate(&HeaderMap::new()) == Some(Media::Json));
    }

    #[test]
    fn tokens_are_counted_as_the_lexer_would() {
        assert_eq!(tokens("{ a }"), 3);
        assert_eq!(
            tokens("query($n: Int = 10) { b(x: \"a, b\") @skip(if: true) }  # comment"),
            24
        );
        assert_eq!(tokens("{ ...F } fragment F on T { id }"), 11);
        assert_eq!(tokens(""), 0);
    }

    #[test]
    fn writes_are_told_from_reads() {
        let limits = DocumentLimits::default();
        let documents = super::Documents::default();
        let is_write =
            |q: &str, n: Option<&str>| documents.parse_checked(q, n, limits).map(|(w, _)| w);
        let both = "query A { a } mutation B { b }";
        let cases = [
            ("{ a }", None, false),
            ("mutation { a }", None, true),
            (both, Some("B"), true),
            (both, Some("A"), false),
        ];
        // Twice: parsed the first time, from the cache the second, with the same verdicts.
        for _ in 0..2 {
            for (query, name, writes) in cases {
                assert_eq!(is_write(query, name), Ok(writes), "{query} {name:?}");
            }
            assert!(is_write("{", None).is_err());
        }
        let many = format!(
            "{{ {} }}",
            (0..31)
                .map(|i| format!("a{i}: viewer {{ role }}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        assert_eq!(is_write(&many, None).unwrap_err().0, code::LIMIT_EXCEEDED);
    }

    #[test]
    fn the_documents_kept_are_bounded() {
        let (documents, limits) = (super::Documents::default(), DocumentLimits::default());
        for n in 0..3 * super::Documents::ENTRIES {
            documents
                .parse_checked(&format!("{{ a{n} }}"), None, limits)
                .unwrap();
            assert!(documents.0.lock().unwrap().len() <= super::Documents::ENTRIES);
        }
        let long = format!("{{ a }} #{}", "x".repeat(super::Documents::LONGEST));
        documents.0.lock().unwrap().clear();
        documents.parse_checked(&long, None, limits).unwrap();
        assert!(
            documents.0.lock().unwrap().is_empty(),
            "long texts are not kept"
        );
    }
}
