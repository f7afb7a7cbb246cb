//! `GET /export/{list}.csv` and `GET /export/{list}.xlsx`: a root list as a file, with the
//! list's `filter` and `orderBy` as JSON query parameters (`?filter={...}&orderBy={...}`),
//! read for the caller's bearer token like the GraphQL list (`api::export` parses the
//! arguments, `service::export` reads the rows).
//!
//! CSV streams: the header and first page are read before the answer starts (so a
//! failure still gets a proper status), then each page is read as the client takes the
//! last, with keyset cursors, so memory stays flat however long the list. XLSX is a
//! zip written whole before it is sent: its rows go to a temporary file as they come
//! (constant-memory mode), and it is capped at [`XLSX_MAX_ROWS`] so that it is built
//! well within the request timeout.
use std::collections::HashMap;

use axum::Extension;
use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use service::Scope;
use service::export::{Cell, Rows};

use crate::AppState;
use crate::limit::Authenticated;

/// The most rows an XLSX export holds; past it the export is refused (CSV has no cap).
pub const XLSX_MAX_ROWS: usize = 100_000;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// UTF-8's byte-order mark: Excel reads a CSV file as UTF-8 only when it starts with one.
const BOM: &str = "\u{feff}";

pub async fn export(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(raw): RawQuery,
    Extension(Authenticated(principal)): Extension<Authenticated>,
) -> Response {
    let Some((list, format)) = file
        .rsplit_once('.')
        .filter(|(_, f)| matches!(*f, "csv" | "xlsx"))
    else {
        return refused(not_found(&format!(
            "`{file}` is not an export: ask for `<list>.csv` or `<list>.xlsx`"
        )));
    };
    let params: HashMap<String, String> =
        match serde_urlencoded::from_str(raw.as_deref().unwrap_or_default()) {
            Ok(params) => params,
            Err(e) => return refused(bad_input("query", format!("unreadable parameters: {e}"))),
        };
    if let Some(other) = params
        .keys()
        .find(|k| !matches!(k.as_str(), "filter" | "orderBy"))
    {
        return refused(bad_input(
            other,
            format!("`{other}` is not a parameter of an export (`filter`, `orderBy`)"),
        ));
    }
    // Pooled, not pinned: a long download must not hold one of the pool's few
    // connections between its pages.
    let scope = Scope::new(state.db.clone(), principal).on(state.db.today());
    let mut rows = match api::export::rows(
        scope,
        list,
        params.get("filter").map(String::as_str),
        params.get("orderBy").map(String::as_str),
    ) {
        Ok(rows) => rows,
        Err(error) => return refused(error),
    };
    let first = match rows.next_page().await {
        Ok(page) => page,
        Err(error) => return refused(api::export::service_error(&error)),
    };
    let name = format!("{list}.{format}");
    match format {
        "csv" => csv(rows, first, &name),
        _ => xlsx(rows, first, &name).await,
    }
}

/// `GET /export/statistics/{code}/{by}.csv` (or `.xlsx`): one breakdown of a computed
/// indicator (`PARTNER_INSTITUTIONS`, `COUNTRY`) for `?subject=<id>&period=<json>&asOf=<date>`,
/// as the GraphQL `breakdown` gives it to the same caller: key, labels, value.
pub async fn breakdown(
    State(state): State<AppState>,
    Path((code, file)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    Extension(Authenticated(principal)): Extension<Authenticated>,
) -> Response {
    let Some((by, format)) = file
        .rsplit_once('.')
        .filter(|(_, f)| matches!(*f, "csv" | "xlsx"))
    else {
        return refused(not_found(&format!(
            "`{file}` is not an export: ask for `<by>.csv` or `<by>.xlsx`"
        )));
    };
    let params: HashMap<String, String> =
        match serde_urlencoded::from_str(raw.as_deref().unwrap_or_default()) {
            Ok(params) => params,
            Err(e) => return refused(bad_input("query", format!("unreadable parameters: {e}"))),
        };
    let known = api::export::BREAKDOWN_PARAMETERS;
    if let Some(other) = params.keys().find(|k| !known.contains(&k.as_str())) {
        return refused(bad_input(
            other,
            format!(
                "`{other}` is not a parameter of a breakdown export ({})",
                known.join(", ")
            ),
        ));
    }
    let scope = Scope::new(state.db.connection.clone(), principal).on(state.db.today());
    let mut rows = match api::export::breakdown(
        scope,
        &code,
        by,
        params.get("subject").map(String::as_str),
        params.get("period").map(String::as_str),
        params.get("asOf").map(String::as_str),
    )
    .await
    {
        Ok(rows) => rows,
        Err(error) => return refused(error),
    };
    let first = match rows.next_page().await {
        Ok(page) => page,
        Err(error) => return refused(api::export::service_error(&error)),
    };
    let name = format!("{}-{}.{format}", code.to_lowercase(), by.to_lowercase());
    match format {
        "csv" => csv(rows, first, &name),
        _ => xlsx(rows, first, &name).await,
    }
}

fn csv(rows: Box<dyn Rows>, first: Option<Vec<Vec<Cell>>>, name: &str) -> Response {
    let mut head = String::from(BOM);
    line(&mut head, rows.columns().into_iter().map(str::to_owned));
    // The pages to come are read one at a time, as the client takes the last.
    let rest =
        futures_util::stream::unfold((rows, first, false), |(mut rows, next, done)| async move {
            if done {
                return None;
            }
            let page = match next {
                Some(page) => Ok(Some(page)),
                None => rows.next_page().await,
            };
            match page {
                Ok(Some(page)) => {
                    let mut text = String::new();
                    for row in &page {
                        line(&mut text, row.iter().map(api::export::csv_field));
                    }
                    Some((Ok(Bytes::from(text)), (rows, None, false)))
                }
                Ok(None) => None,
                // The status is sent; breaking the body off is how the client learns.
                Err(error) => {
                    // Logs a database failure with its cause; the client sees none.
                    let _ = api::export::service_error(&error);
                    Some((
                        Err(std::io::Error::other("the export failed")),
                        (rows, None, true),
                    ))
                }
            }
        });
    let body = futures_util::StreamExt::chain(
        futures_util::stream::once(async move { Ok::<_, std::io::Error>(Bytes::from(head)) }),
        rest,
    );
    (
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        Body::from_stream(body),
    )
        .into_response()
}

/// One CSV line (RFC 4180): a field with a comma, quote or line break is quoted, its
/// quotes doubled.
fn line(out: &mut String, fields: impl Iterator<Item = String>) {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        if field.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&field);
        }
    }
    out.push_str("\r\n");
}

async fn xlsx(mut rows: Box<dyn Rows>, first: Option<Vec<Vec<Cell>>>, name: &str) -> Response {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    // Constant-memory mode: rows go to a temporary file as written (in order, as here),
    // so a large export holds the compressed file in memory, not every cell.
    let Ok(sheet) = workbook.add_worksheet_with_constant_memory() else {
        return internal();
    };
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let day = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    let moment = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd hh:mm:ss.000");
    for (col, title) in rows.columns().into_iter().enumerate() {
        if sheet
            .write_string_with_format(0, col as u16, title, &bold)
            .is_err()
        {
            return internal();
        }
    }
    let mut row_number: u32 = 0;
    let mut next = first;
    loop {
        let page = match next.take() {
            Some(page) => page,
            None => match rows.next_page().await {
                Ok(Some(page)) => page,
                Ok(None) => break,
                Err(error) => return refused(api::export::service_error(&error)),
            },
        };
        if row_number as usize + page.len() > XLSX_MAX_ROWS {
            return refused(bad_input(
                "filter",
                format!(
                    "an XLSX export holds at most {XLSX_MAX_ROWS} rows: narrow the filter, or export CSV"
                ),
            ));
        }
        for row in page {
            row_number += 1;
            for (col, cell) in row.iter().enumerate() {
                let col = col as u16;
                let written = match cell {
                    Cell::Empty => continue,
                    Cell::Integer(n) => sheet.write_number(row_number, col, *n as f64),
                    Cell::Number(n) => sheet.write_number(row_number, col, *n),
                    Cell::Flag(b) => sheet.write_boolean(row_number, col, *b),
                    // Real dates, which a spreadsheet sorts and filters as dates; one
                    // outside Excel's calendar (before 1900) stays text.
                    Cell::Date(d) => match excel_date(*d) {
                        Some(date) => sheet.write_datetime_with_format(row_number, col, date, &day),
                        None => sheet.write_string(row_number, col, api::export::text(cell)),
                    },
                    Cell::Time(t) => match excel_time(*t) {
                        Some(time) => {
                            sheet.write_datetime_with_format(row_number, col, time, &moment)
                        }
                        None => sheet.write_string(row_number, col, api::export::text(cell)),
                    },
                    other => sheet.write_string(row_number, col, api::export::text(other)),
                }
                .map(|_| ());
                if written.is_err() {
                    return internal();
                }
            }
        }
    }
    // Compressing the workbook is CPU work: off the request's thread.
    let built = tokio::task::spawn_blocking(move || workbook.save_to_buffer()).await;
    match built {
        Ok(Ok(bytes)) => (
            [
                (CONTENT_TYPE, XLSX.to_owned()),
                (
                    CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
            ],
            bytes,
        )
            .into_response(),
        _ => internal(),
    }
}

use api::export::{bad_input, not_found};

/// A day as Excel's date (years 1900 to 9999), or `None` outside them.
fn excel_date(day: chrono::NaiveDate) -> Option<rust_xlsxwriter::ExcelDateTime> {
    use chrono::Datelike;
    let year = u16::try_from(day.year()).ok()?;
    rust_xlsxwriter::ExcelDateTime::from_ymd(year, day.month() as u8, day.day() as u8).ok()
}

/// A UTC instant as Excel's date and time (Excel has no time zones: the column is UTC,
/// to the millisecond, as the CSV's `Z` times are).
fn excel_time(at: chrono::DateTime<chrono::Utc>) -> Option<rust_xlsxwriter::ExcelDateTime> {
    use chrono::Timelike;
    let milli = (at.timestamp_subsec_millis()).min(999) as u16;
    excel_date(at.date_naive())?
        .and_hms_milli(
            at.hour() as u16,
            at.minute() as u8,
            at.second() as u8,
            milli,
        )
        .ok()
}

fn internal() -> Response {
    tracing::error!("an XLSX export could not be written");
    refused(api::export::internal())
}

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
