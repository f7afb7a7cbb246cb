//! Exports of the root lists: the list named in the URL, its `filter` and `orderBy`
//! given as JSON exactly as the GraphQL arguments would be, parsed by the same input
//! types and answered by the same service `select`, so an export and a query agree on
//! every rule. The service turns the records into rows (`service::export`).
use async_graphql::{ErrorExtensions, InputType};
use service::Scope;
use service::export::{Cell, Rows};

use crate::code;
pub use crate::error::bad_input;
use crate::error::{Result, svc, to_gql};
use crate::ids::{Kind, encode};
use crate::statistics::BreakdownDimension;
use service::entity::enums::IndicatorCode;

/// The text of a JSON query parameter as the GraphQL argument `name` of type `T`.
fn argument<T: InputType>(name: &str, text: Option<&str>) -> Result<Option<T>> {
    let Some(text) = text else {
        return Ok(None);
    };
    let json: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| bad_input(name, format!("`{name}` is not JSON: {e}")))?;
    let value =
        async_graphql::Value::from_json(json).map_err(|e| bad_input(name, e.to_string()))?;
    <Option<T>>::parse(Some(value))
        .map_err(|e| bad_input(name, e.into_server_error(Default::default()).message))
}

macro_rules! lists {
    ($($name:literal => $filter:ty, $order:ty, $select:path;)*) => {
        /// The root lists that can be exported, by their GraphQL field names.
        pub const LISTS: &[&str] = &[$($name,)* "consortia"];

        /// The rows of root list `list` for `scope`'s caller, with `filter` and `order`
        /// as JSON text. An unknown list is NOT_FOUND; bad arguments are BAD_USER_INPUT
        /// naming `filter` or `orderBy` (or the field inside them, as the query would).
        pub fn rows(
            scope: Scope,
            list: &str,
            filter: Option<&str>,
            order: Option<&str>,
        ) -> Result<Box<dyn Rows>> {
            match list {
                $($name => {
                    let filter = <$filter>::parse(argument::<$filter>("filter", filter)?)?;
                    let (field, direction) = <$order>::parts(argument::<$order>("orderBy", order)?);
                    let list = $select(&scope, &filter, field, direction);
                    Ok(service::export::rows(scope, list))
                })*
                // Consortia are ordered by name only: `orderBy` is a direction.
                "consortia" => {
                    let filter = crate::consortia::ConsortiumFilter::parse(argument("filter", filter)?)?;
                    let direction: crate::input::OrderDirection =
                        argument("orderBy", order)?.unwrap_or_default();
                    let list = service::consortia::select(&scope, &filter, direction.into());
                    Ok(service::export::rows(scope, list))
                }
                _ => Err(not_found(&format!(
                    "there is no list `{list}` to export; these are: {}",
                    LISTS.join(", ")
                ))),
            }
        }
    };
}

lists! {
    "countries" => crate::countries::CountryFilter, crate::countries::CountryOrder, service::countries::select;
    "organisations" => crate::organisations::OrganisationFilter, crate::organisations::OrganisationOrder, service::organisations::select;
    "people" => crate::people::PersonFilter, crate::people::PersonOrder, service::people::select;
    "events" => crate::events::EventFilter, crate::events::EventOrder, service::events::select;
    "agreements" => crate::agreements::AgreementFilter, crate::agreements::AgreementOrder, service::agreements::select;
    "curriculumStandards" => crate::standards::CurriculumStandardFilter, crate::standards::CurriculumStandardOrder, service::standards::select;
    "adoptions" => crate::standards::AdoptionFilter, crate::standards::AdoptionOrder, service::standards::select_adoptions;
    "trainingCentres" => crate::centres::TrainingCentreFilter, crate::centres::TrainingCentreOrder, service::centres::select;
    "indicators" => crate::indicators::IndicatorFilter, crate::indicators::IndicatorOrder, service::indicators::select;
    "partnerships" => crate::partnerships::PartnershipFilter, crate::partnerships::PartnershipOrder, service::partnerships::select;
    "sources" => crate::sources::SourceFilter, crate::sources::SourceOrder, service::sources::select;
}

/// The parameters a breakdown export takes, as `statistics(subject, period, asOf)`.
pub const BREAKDOWN_PARAMETERS: &[&str] = &["subject", "period", "asOf"];

/// A GraphQL enum value named in the export's path (`PARTNER_INSTITUTIONS`, `COUNTRY`),
/// parsed as the argument `name` would be.
fn enum_value<T: InputType>(name: &str, text: &str) -> Result<T> {
    let refuse = || bad_input(name, format!("`{text}` is not a value of `{name}`"));
    let value = async_graphql::Name::new(text);
    if text.is_empty() || !text.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
        return Err(refuse());
    }
    T::parse(Some(async_graphql::Value::Enum(value))).map_err(|_| refuse())
}

/// The rows of one statistics breakdown for `scope`'s caller, exactly as
/// `statistics(subject, period, asOf) { indicator(code) { breakdown(by) } }` answers
/// it: key (as the GraphQL field gives it), English and Chinese labels, value. `code`
/// and `by` are the GraphQL enum values; `subject` a global id, `period` a
/// `DateRangeInput` as JSON, `asOf` a date. Bad ones are BAD_USER_INPUT naming them,
/// as the query's would be; an unreadable subject is NOT_FOUND.
pub async fn breakdown(
    scope: Scope,
    code: &str,
    by: &str,
    subject: Option<&str>,
    period: Option<&str>,
    as_of: Option<&str>,
) -> Result<Box<dyn Rows>> {
    let code: IndicatorCode = enum_value("code", code)?;
    let by: BreakdownDimension = enum_value("by", by)?;
    let subject = crate::statistics::subject("subject", &subject.map(async_graphql::ID::from))?;
    let period = argument::<crate::input::DateRangeInput>("period", period)?;
    let period = crate::input::range("period", &period)?;
    let as_of = match as_of {
        None => None,
        Some(text) => {
            Some(crate::scalars::parse_date(text).map_err(|message| bad_input("asOf", message))?)
        }
    };
    let frame = svc(scope.statistics_frame(subject, period, as_of).await)?;
    let rows = svc(scope.breakdown(&frame, code, by.into()).await)?;
    let rows = rows
        .into_iter()
        .map(|row| {
            vec![
                crate::statistics::row_key(&row).map_or(Cell::Empty, Cell::Text),
                Cell::Text(row.label_en),
                Cell::Text(row.label_zh),
                Cell::Integer(row.value as i64),
            ]
        })
        .collect();
    Ok(service::export::fixed(
        vec!["key", "labelEn", "labelZh", "value"],
        rows,
    ))
}

/// A cell as text (CSV): ids as the API's global ids, dates as ISO 8601.
pub fn text(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(s) => s.clone(),
        Cell::Integer(n) => n.to_string(),
        Cell::Number(n) => n.to_string(),
        Cell::Date(d) => d.to_string(),
        Cell::Time(t) => t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        Cell::Flag(b) => b.to_string(),
        Cell::Id(kind, key) => global_id(kind, key),
    }
}

/// A cell as a CSV field. A text a spreadsheet would run as a formula (it begins with
/// `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`, which Excel and
/// LibreOffice show as text: an export must not carry a member's formula to a reader.
/// XLSX cells need none of this: they are written as strings.
pub fn csv_field(cell: &Cell) -> String {
    match cell {
        Cell::Text(s) if s.starts_with(['=', '+', '-', '@', '\t', '\r']) => format!("'{s}"),
        other => text(other),
    }
}

/// The global id of the record of API type `kind` with `key`, as `node(id:)` takes it.
pub fn global_id(kind: &str, key: &str) -> String {
    match Kind::named(kind) {
        Some(kind) => encode(kind, key).0,
        // Every type the service exports is one the API names; a new one shows as it is.
        None => format!("{kind}:{key}"),
    }
}

/// A NOT_FOUND error.
pub fn not_found(message: &str) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, e| e.set("code", code::NOT_FOUND))
}

/// An INTERNAL error, which says nothing of its cause (the caller logs it).
pub fn internal() -> async_graphql::Error {
    async_graphql::Error::new("Internal error.").extend_with(|_, e| e.set("code", code::INTERNAL))
}

/// A service error as the client sees it (a database failure is logged and INTERNAL).
pub fn service_error(error: &service::Error) -> async_graphql::Error {
    to_gql(error)
}

/// The error as the body of a refused request: `{"errors": [...]}` as GraphQL sends it.
pub fn error_body(error: async_graphql::Error) -> serde_json::Value {
    let error = error.into_server_error(Default::default());
    serde_json::json!({ "errors": [error] })
}

/// The error's `extensions.code`.
pub fn error_code(error: &async_graphql::Error) -> Option<String> {
    let extensions = serde_json::to_value(error.extensions.as_ref()?).ok()?;
    extensions["code"].as_str().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_never_start_a_formula() {
        for (text, field) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+1", "'+1"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("King's College London", "King's College London"),
            ("南方科技大学", "南方科技大学"),
        ] {
            assert_eq!(csv_field(&Cell::Text(text.into())), field);
        }
        // Numbers are numbers, not texts: a negative one stays as it is.
        assert_eq!(csv_field(&Cell::Integer(-3)), "-3");
    }
}
