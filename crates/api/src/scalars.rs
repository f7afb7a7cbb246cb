//! Scalars with domain names.
use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{NaiveDate, Utc};

/// The description of the `DateTime` scalar (chrono's, whose own is a placeholder).
pub const DATE_TIME: &str = "An instant, as an RFC 3339 date and time with its offset, e.g. \
`2024-03-27T08:30:00Z` or `2024-03-27T16:30:00+08:00`. The server answers in UTC, written \
with the offset `+00:00` and a fraction of a second where it has one \
(`2024-03-27T08:30:00.250+00:00`); as input any offset is accepted and the instant kept.";

/// An instant, exactly as RFC 3339 writes one (`DATE_TIME` says how). Our own scalar,
/// not chrono's, so that a malformed input is refused when the document is validated
/// (HTTP 400 with the field, as a bad `Date` or `Int` is) and chrono's looser forms
/// (`2024-03-27 08:30:00Z`, no offset) are not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime(pub chrono::DateTime<Utc>);

#[Scalar(
    name = "DateTime",
    specified_by_url = "https://datatracker.ietf.org/doc/html/rfc3339"
)]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => parse_date_time(s)
                .map(DateTime)
                .map_err(InputValueError::custom),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn is_valid(value: &Value) -> bool {
        matches!(value, Value::String(s) if parse_date_time(s).is_ok())
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_rfc3339())
    }
}

impl From<chrono::DateTime<Utc>> for DateTime {
    fn from(at: chrono::DateTime<Utc>) -> Self {
        DateTime(at)
    }
}

/// `text` as an instant if it is an RFC 3339 date-time: the date exactly as `Date`
/// takes it, `T`, a time with seconds, an optional fraction, and `Z` or `±hh:mm`.
pub fn parse_date_time(text: &str) -> Result<chrono::DateTime<Utc>, String> {
    let refuse =
        || format!("`{text}` is not an RFC 3339 date and time (e.g. 2024-03-27T08:30:00Z)");
    let (date, rest) = text.split_at_checked(10).ok_or_else(refuse)?;
    parse_date(date).map_err(|_| refuse())?;
    let time = rest.strip_prefix('T').ok_or_else(refuse)?;
    let shape = time.len() >= 9
        && time.as_bytes()[2] == b':'
        && time.as_bytes()[5] == b':'
        && [0, 1, 3, 4, 6, 7]
            .iter()
            .all(|&i| time.as_bytes()[i].is_ascii_digit());
    let tail = time.get(8..).ok_or_else(refuse)?;
    let tail = match tail.strip_prefix('.') {
        Some(fraction) => {
            let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 || digits > 9 {
                return Err(refuse());
            }
            &fraction[digits..]
        }
        None => tail,
    };
    let offset = tail == "Z"
        || (tail.len() == 6
            && matches!(tail.as_bytes()[0], b'+' | b'-')
            && tail.as_bytes()[3] == b':'
            && [1, 2, 4, 5]
                .iter()
                .all(|&i| tail.as_bytes()[i].is_ascii_digit()));
    if !shape || !offset {
        return Err(refuse());
    }
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|at| at.with_timezone(&Utc))
        .map_err(|_| refuse())
}

/// The description of the `JSON` scalar, which the audit log's states are.
pub const JSON: &str = "Any JSON value: an object, a list, a string, a number, a boolean or null.";

/// A calendar date in ISO 8601 form, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date(pub NaiveDate);

/// A calendar date, exactly `YYYY-MM-DD` (ISO 8601 calendar date, four-digit year,
/// two-digit month and day, no sign, spaces or time). A date that does not exist
/// (`2023-02-30`) is refused.
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => parse_date(s).map(Date).map_err(InputValueError::custom),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    // Checked when the document is validated, so a bad date (a literal or a variable)
    // is a request error, refused before anything runs, like a bad Int.
    fn is_valid(value: &Value) -> bool {
        matches!(value, Value::String(s) if parse_date(s).is_ok())
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

/// `text` as a date if it is exactly `YYYY-MM-DD` and such a day exists. chrono's
/// `%Y-%m-%d` alone also takes `2023-5-5`, `+2023-05-05` and leading spaces.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let refuse = || format!("`{text}` is not a date (YYYY-MM-DD)");
    let bytes = text.as_bytes();
    let shape = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && [0, 1, 2, 3, 5, 6, 8, 9]
            .iter()
            .all(|&i| bytes[i].is_ascii_digit());
    if !shape {
        return Err(refuse());
    }
    let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().map_err(|_| refuse());
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    NaiveDate::from_ymd_opt(year as i32, month, day)
        .ok_or_else(|| format!("`{text}` is not a day of the calendar"))
}

impl From<NaiveDate> for Date {
    fn from(d: NaiveDate) -> Self {
        Date(d)
    }
}

/// Wraps an optional date for output.
pub fn date(d: Option<NaiveDate>) -> Option<Date> {
    d.map(Date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_exactly_year_month_day() {
        for (text, expected) in [
            ("2023-05-05", Some((2023, 5, 5))),
            ("0001-01-01", Some((1, 1, 1))),
            ("2024-02-29", Some((2024, 2, 29))),
            ("9999-12-31", Some((9999, 12, 31))),
            ("2023-5-5", None),
            ("2023-05-5", None),
            ("+2023-05-05", None),
            ("-2023-05-05", None),
            (" 2023-05-05", None),
            ("2023-05-05 ", None),
            ("2023-05-05T00:00:00", None),
            ("2023/05/05", None),
            ("20230505", None),
            ("2023-00-10", None),
            ("2023-13-01", None),
            ("2023-01-00", None),
            ("2023-01-32", None),
            ("2023-02-29", None),
            ("2023-04-31", None),
            ("२०२३-05-05", None),
            ("", None),
        ] {
            let parsed = parse_date(text).ok();
            let expected = expected.map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap());
            assert_eq!(parsed, expected, "{text:?}");
            let value = Value::String(text.to_owned());
            assert_eq!(<Date as ScalarType>::is_valid(&value), expected.is_some());
        }
        assert!(!<Date as ScalarType>::is_valid(&Value::Number(
            20230505.into()
        )));
    }

    #[test]
    fn date_times_are_exactly_rfc_3339() {
        for (text, ok) in [
            ("2024-03-27T08:30:00Z", true),
            ("2024-03-27T16:30:00+08:00", true),
            ("2024-03-27T08:30:00.250Z", true),
            ("2024-03-27T08:30:00.123456789-05:30", true),
            ("2024-03-27 08:30:00Z", false),
            ("2024-03-27t08:30:00Z", false),
            ("2024-03-27T08:30:00", false),
            ("2024-03-27T08:30Z", false),
            ("2024-03-27T08:30:00.Z", false),
            ("2024-03-27T08:30:00+0800", false),
            ("2024-03-27T25:30:00Z", false),
            ("2024-3-27T08:30:00Z", false),
            (" 2024-03-27T08:30:00Z", false),
            ("2024-03-27T08:30:00Z ", false),
            ("2024-02-30T08:30:00Z", false),
            ("2024-03-27", false),
            ("", false),
        ] {
            assert_eq!(parse_date_time(text).is_ok(), ok, "{text:?}");
            let value = Value::String(text.to_owned());
            assert_eq!(<DateTime as ScalarType>::is_valid(&value), ok, "{text:?}");
        }
        let at = parse_date_time("2024-03-27T16:30:00+08:00").unwrap();
        assert_eq!(
            DateTime(at).to_value(),
            Value::String("2024-03-27T08:30:00+00:00".into())
        );
    }

    /// Every date of four centuries (leap years included) goes out and comes back as it
    /// was, and nothing but the text it is written as is read as that date.
    #[test]
    fn every_date_round_trips() {
        let mut day = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
        let end = NaiveDate::from_ymd_opt(2300, 1, 1).unwrap();
        while day < end {
            let Value::String(text) = Date(day).to_value() else {
                panic!("a date is written as a string")
            };
            assert_eq!(parse_date(&text), Ok(day));
            day = day.succ_opt().unwrap();
        }
    }
}
