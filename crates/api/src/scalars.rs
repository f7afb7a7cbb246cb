//! Scalars with domain names.
use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;

/// The description of the `DateTime` scalar (chrono's, whose own is a placeholder).
pub const DATE_TIME: &str = "An instant, as an RFC 3339 date and time with its offset, e.g. \
`2024-03-27T08:30:00Z` or `2024-03-27T16:30:00+08:00`. The server answers in UTC, written \
with the offset `+00:00` and a fraction of a second where it has one \
(`2024-03-27T08:30:00.250+00:00`); as input any offset is accepted and the instant kept.";

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
