//! Imports in API terms: ids in files and reports are global ids (`node(id:)` takes
//! them), outcomes are the report's JSON or CSV. The HTTP route and the command line
//! both answer with these.
use async_graphql::ID;
use serde_json::{Value, json};
use service::import::{RecordKind, Report, RowReport};

use crate::ids::{Kind, decode_as, encode};

fn kind_of(kind: RecordKind) -> Kind {
    match kind {
        RecordKind::Organisation => Kind::Organisation,
        RecordKind::Partnership => Kind::Partnership,
        RecordKind::Agreement => Kind::Agreement,
        RecordKind::Event => Kind::Event,
        RecordKind::Person => Kind::Person,
    }
}

/// A record id written in a file (a global id, as exports write them) as its key.
pub fn decode_id(kind: RecordKind, text: &str) -> Option<i64> {
    decode_as("id", kind_of(kind), &ID(text.trim().to_owned())).ok()
}

fn gid(kind: RecordKind, id: i64) -> String {
    encode(kind_of(kind), id).0
}

/// `partners`: what the row's organisations are called (`hosts` for events).
fn row_json(r: &RowReport, partners: &str) -> Value {
    let mut row = json!({
        "line": r.line,
        "status": r.status,
        "id": r.record.map(|(k, id)| gid(k, id)),
    });
    if !r.changes.is_empty() {
        row["changes"] = json!(r.changes);
    }
    if !r.candidates.is_empty() {
        row["candidates"] = r
            .candidates
            .iter()
            .map(|c| json!({ "id": gid(c.kind, c.id), "name": c.name, "country": c.country }))
            .collect();
    }
    if let Some(column) = &r.column {
        row["column"] = json!(column);
    }
    if let Some(reason) = &r.reason {
        row["reason"] = json!(reason);
    }
    if let Some(p) = &r.partner {
        row["partner"] = json!({
            "status": p.status,
            "id": p.id.map(|id| gid(RecordKind::Organisation, id)),
        });
    }
    if !r.partners.is_empty() {
        row[partners] = r
            .partners
            .iter()
            .map(|p| json!({ "status": p.status, "id": p.id.map(|id| gid(RecordKind::Organisation, id)) }))
            .collect();
    }
    if !r.people.is_empty() {
        row["people"] = r
            .people
            .iter()
            .map(
                |p| json!({ "status": p.status, "id": p.id.map(|id| gid(RecordKind::Person, id)) }),
            )
            .collect();
    }
    row
}

/// The report as JSON: `kind`, `fileName`, `dryRun`, `committed`, `unknownColumns`,
/// `missingColumns`, `totals` and one entry per row.
pub fn report_json(report: &Report) -> Value {
    json!({
        "kind": report.kind,
        "fileName": report.file_name,
        "dryRun": report.dry_run,
        "committed": report.committed,
        "unknownColumns": report.unknown_columns,
        "missingColumns": report.missing_columns,
        "totals": report.totals(),
        "rows": report.rows.iter().map(|r| row_json(r, if report.kind == "events" { "hosts" } else { "partners" })).collect::<Vec<_>>(),
    })
}

/// The report as CSV, for the user to fix the file in their spreadsheet: the outcome
/// columns (`importStatus`, `importId`, `importCandidates`, `importColumn`,
/// `importReason`) before the file's own columns and cells, so that the report, fixed,
/// can be imported as it is (the import reads past the outcome columns). UTF-8 with a
/// byte-order mark and CRLF lines, as the exports.
pub fn report_csv(report: &Report) -> String {
    use service::import::REPORT_COLUMNS;
    let own: Vec<usize> = (0..report.headers.len())
        .filter(|&i| {
            !REPORT_COLUMNS
                .iter()
                .any(|c| c.eq_ignore_ascii_case(report.headers[i].trim()))
        })
        .collect();
    let mut out = String::from("\u{feff}");
    let header = REPORT_COLUMNS
        .iter()
        .map(|c| (*c).to_owned())
        .chain(own.iter().map(|&i| report.headers[i].clone()));
    line(&mut out, header);
    for r in &report.rows {
        let candidates = r
            .candidates
            .iter()
            .map(|c| format!("{} {}", gid(c.kind, c.id), c.name))
            .collect::<Vec<_>>()
            .join("; ");
        let reason = match (&r.reason, r.changes.is_empty()) {
            (Some(reason), _) => reason.clone(),
            (None, false) => format!("changes {}", r.changes.join(", ")),
            (None, true) => String::new(),
        };
        let status = serde_json::to_value(r.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let fields = [
            status,
            r.record.map(|(k, id)| gid(k, id)).unwrap_or_default(),
            candidates,
            r.column.clone().unwrap_or_default(),
            reason,
        ]
        .into_iter()
        .chain(
            own.iter()
                .map(|&i| r.cells.get(i).cloned().unwrap_or_default()),
        );
        line(&mut out, fields);
    }
    out
}

/// One CSV line: a field with a comma, quote or line break quoted; a text a spreadsheet
/// would run as a formula gets a leading `'`, as in exports.
fn line(out: &mut String, fields: impl Iterator<Item = String>) {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        let field = if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{field}")
        } else {
            field
        };
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

/// An organisation's global id (for tools that write files to import).
pub fn organisation_gid(id: i64) -> String {
    gid(RecordKind::Organisation, id)
}
