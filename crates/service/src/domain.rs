//! Domain values that are parsed once at the edge, so the rest of the service can rely on
//! them ("parse, don't validate"). Each parser takes the GraphQL input path of the value
//! (`field`, e.g. `input.title`) and rejects bad input with [`Error::BadInput`] carrying
//! that path and a sentence a frontend can show as it is.
//!
//! The lifecycle rules for agreements, events and training centres live here too, one
//! table of allowed next statuses per lifecycle.
use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;

use crate::entity::enums::{AgreementStatus, CentreStatus, EventStatus};
use crate::{Error, Result};

mod search_key;
pub use search_key::SearchKey;

/// Titles of events, agreements, standards, presentations.
pub const TITLE_MAX: usize = 300;
/// Names of organisations, people, places, programmes.
pub const NAME_MAX: usize = 200;
/// Descriptions, notes, themes and other free text.
pub const LONG_TEXT_MAX: usize = 10_000;
/// Web addresses longer than this are almost certainly pasted by mistake.
pub const WEB_URL_MAX: usize = 2000;

/// How many characters of a rejected value an error message repeats.
const SHOWN_MAX: usize = 40;

/// The last segment of an input path, for messages: `input.title` → `title`.
fn label(field: &str) -> &str {
    match field.rsplit('.').next() {
        Some(last) if !last.is_empty() => last,
        _ => "value",
    }
}

/// A rejected value as an error message repeats it: cut short, control characters escaped.
fn shown(value: &str) -> String {
    let mut out = String::new();
    for c in value.chars().take(SHOWN_MAX) {
        if c.is_control() {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    if value.chars().nth(SHOWN_MAX).is_some() {
        out.push('…');
    }
    out
}

/// Trims `value` and rejects it when nothing is left.
fn required<'a>(field: &str, value: &'a str) -> Result<&'a str> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(Error::bad_input(
            field,
            format!("{} must not be empty", label(field)),
        ));
    }
    Ok(trimmed)
}

macro_rules! string_value {
    ($($ty:ident),*) => {$(
        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )*};
}

string_value!(Text, CountryCode, IscedCode, WebUrl, RorId, LanguageTag);

/// Human-written text: trimmed, not empty, at most a given number of characters, and free
/// of control characters other than newline and tab (they corrupt display and exports).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Text(String);

impl Text {
    /// Trims `value` and accepts it if it is non-empty, at most `max_chars` characters
    /// (characters, not bytes: "南方科技大学" is 6) and has no control characters but `\n`, `\t`.
    pub fn parse(field: &str, value: &str, max_chars: usize) -> Result<Text> {
        let text = required(field, value)?;
        let chars = text.chars().count();
        if chars > max_chars {
            return Err(Error::bad_input(
                field,
                format!(
                    "{} must be at most {max_chars} characters (it has {chars})",
                    label(field)
                ),
            ));
        }
        if let Some(c) = text
            .chars()
            .find(|&c| c.is_control() && c != '\n' && c != '\t')
        {
            return Err(Error::bad_input(
                field,
                format!(
                    "{} must not contain control characters (found U+{:04X})",
                    label(field),
                    c as u32
                ),
            ));
        }
        Ok(Text(text.to_owned()))
    }

    /// An optional text: absent or blank means none; anything else must pass [`Text::parse`].
    pub fn optional(field: &str, value: Option<&str>, max_chars: usize) -> Result<Option<Text>> {
        match value {
            Some(v) if !v.trim().is_empty() => Text::parse(field, v, max_chars).map(Some),
            _ => Ok(None),
        }
    }

    /// The normalised value.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The trimmed text, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

/// An ISO 3166-1 alpha-2 country code in upper case ("CN"); only the shape is checked
/// here, whether the country exists is the reference table's business.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CountryCode(String);

impl CountryCode {
    /// Accepts exactly two ASCII letters (after trimming), in any case.
    pub fn parse(field: &str, value: &str) -> Result<CountryCode> {
        let code = required(field, value)?;
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(Error::bad_input(
                field,
                format!(
                    "`{}` is not an ISO 3166-1 alpha-2 code (two letters, e.g. CN)",
                    shown(code)
                ),
            ));
        }
        Ok(CountryCode(code.to_ascii_uppercase()))
    }

    /// The normalised value.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An ISCED-F 2013 field code: 2 digits (broad), 3 (narrow) or 4 (detailed), e.g. "0714".
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IscedCode(String);

impl IscedCode {
    /// Accepts 2, 3 or 4 ASCII digits (after trimming); leading zeros are significant.
    pub fn parse(field: &str, value: &str) -> Result<IscedCode> {
        let code = required(field, value)?;
        if !(2..=4).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::bad_input(
                field,
                format!(
                    "`{}` is not an ISCED-F 2013 field code (2, 3 or 4 digits, e.g. 0714)",
                    shown(code)
                ),
            ));
        }
        Ok(IscedCode(code.to_owned()))
    }

    /// The normalised value.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A web page address a reader can open: absolute, http or https, with a host, at most
/// [`WEB_URL_MAX`] characters; kept in the `url` crate's normalised form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WebUrl(String);

impl WebUrl {
    /// Accepts an absolute http(s) URL with a host and returns it normalised
    /// (`HTTPS://Example.COM` → `https://example.com/`).
    pub fn parse(field: &str, value: &str) -> Result<WebUrl> {
        let raw = required(field, value)?;
        let too_long = |chars: usize| {
            Error::bad_input(
                field,
                format!(
                    "{} must be at most {WEB_URL_MAX} characters (it has {chars})",
                    label(field)
                ),
            )
        };
        let chars = raw.chars().count();
        if chars > WEB_URL_MAX {
            return Err(too_long(chars));
        }
        let url = url::Url::parse(raw).map_err(|e| {
            let message = match e {
                url::ParseError::RelativeUrlWithoutBase => format!(
                    "`{}` is not a full web address; {} must start with http:// or https://",
                    shown(raw),
                    label(field)
                ),
                e => format!("`{}` is not a valid web address ({e})", shown(raw)),
            };
            Error::bad_input(field, message)
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Error::bad_input(
                field,
                format!(
                    "{} must be an http:// or https:// address, not a `{}:` one",
                    label(field),
                    shown(url.scheme())
                ),
            ));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(Error::bad_input(
                field,
                format!(
                    "{} must name a host, e.g. https://example.org/",
                    label(field)
                ),
            ));
        }
        let normalised = String::from(url);
        let chars = normalised.chars().count();
        if chars > WEB_URL_MAX {
            return Err(too_long(chars));
        }
        Ok(WebUrl(normalised))
    }

    /// The normalised value.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A Research Organization Registry identifier, kept as its canonical URL
/// (`https://ror.org/05t99sp05`); the checksum digits are not verified.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RorId(String);

impl RorId {
    const PREFIX: &'static str = "https://ror.org/";

    /// Accepts a bare id (`05t99sp05`) or its URL (`https://ror.org/05t99sp05`), in any
    /// case: `0`, six Crockford base32 characters (no i, l, o, u), two digits.
    pub fn parse(field: &str, value: &str) -> Result<RorId> {
        let raw = required(field, value)?;
        let lower = raw.to_ascii_lowercase();
        let id = lower.strip_prefix(Self::PREFIX).unwrap_or(&lower);
        if !Self::is_id(id) {
            return Err(Error::bad_input(
                field,
                format!(
                    "`{}` is not a ROR id (expected e.g. 05t99sp05 or https://ror.org/05t99sp05)",
                    shown(raw)
                ),
            ));
        }
        Ok(RorId(format!("{}{id}", Self::PREFIX)))
    }

    fn is_id(id: &str) -> bool {
        let b = id.as_bytes();
        b.len() == 9
            && b[0] == b'0'
            && b[1..7].iter().all(|&c| {
                c.is_ascii_digit()
                    || (c.is_ascii_lowercase() && !matches!(c, b'i' | b'l' | b'o' | b'u'))
            })
            && b[7..].iter().all(u8::is_ascii_digit)
    }

    /// The canonical URL, `https://ror.org/<id>`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The bare id, e.g. `05t99sp05`.
    pub fn id(&self) -> &str {
        &self.0[Self::PREFIX.len()..]
    }
}

/// A simple BCP 47 language tag (`en`, `zh-Hans`, `de-DE`): a 2–3 letter primary subtag,
/// then subtags of 2–8 letters or digits; the primary subtag is kept in lower case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LanguageTag(String);

impl LanguageTag {
    /// Accepts `xx(-yyyy)*` as above and lower-cases the primary subtag (`EN` → `en`).
    pub fn parse(field: &str, value: &str) -> Result<LanguageTag> {
        let raw = required(field, value)?;
        let mut subtags = raw.split('-');
        let primary = subtags.next().unwrap_or_default();
        let primary_ok =
            (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_alphabetic());
        let rest_ok = subtags
            .all(|s| (2..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()));
        if !primary_ok || !rest_ok {
            return Err(Error::bad_input(
                field,
                format!(
                    "`{}` is not a language tag (expected e.g. en, zh or zh-Hans)",
                    shown(raw)
                ),
            ));
        }
        Ok(LanguageTag(format!(
            "{}{}",
            primary.to_ascii_lowercase(),
            &raw[primary.len()..]
        )))
    }

    /// The normalised value.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The tag in BCP 47's conventional case (`zh-hant-tw` → `zh-Hant-TW`): script
    /// subtags title case, two-letter regions upper case, the rest lower case. Tags
    /// that differ only in case name the same language, so texts are stored this way.
    pub fn canonical(&self) -> LanguageTag {
        let mut out = String::with_capacity(self.0.len());
        for (i, subtag) in self.0.split('-').enumerate() {
            if i > 0 {
                out.push('-');
            }
            let lower = subtag.to_ascii_lowercase();
            match subtag.len() {
                4 if i > 0 && subtag.bytes().all(|b| b.is_ascii_alphabetic()) => {
                    out.push_str(&lower[..1].to_ascii_uppercase());
                    out.push_str(&lower[1..]);
                }
                2 if i > 0 => out.push_str(&subtag.to_ascii_uppercase()),
                _ => out.push_str(&lower),
            }
        }
        LanguageTag(out)
    }

    /// The tag and its shorter forms, most specific first: `zh-Hant-TW`, `zh-Hant`, `zh`.
    pub fn truncations(&self) -> Vec<LanguageTag> {
        let mut out = vec![self.clone()];
        let mut tag = self.0.as_str();
        while let Some(at) = tag.rfind('-') {
            tag = &tag[..at];
            out.push(LanguageTag(tag.to_owned()));
        }
        out
    }

    /// The primary language subtag (`zh` of `zh-Hant-TW`).
    pub fn primary(&self) -> &str {
        self.0.split('-').next().unwrap_or_default()
    }
}

/// A period that may be open at either end but never ends before it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateSpan {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl DateSpan {
    /// Accepts any pair except one whose end is before its start (same day is fine).
    pub fn parse(field: &str, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<DateSpan> {
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            return Err(Error::bad_input(
                field,
                format!("`{field}` ends before it starts"),
            ));
        }
        Ok(DateSpan { from, to })
    }

    /// Refuses an agreement stored as `IN_EFFECT` whose validity already ended before
    /// `today`: its status must say it expired (or was renewed, or terminated).
    pub fn check_in_effect(
        self,
        field: &str,
        status: AgreementStatus,
        today: NaiveDate,
    ) -> Result<Self> {
        if status == AgreementStatus::InEffect
            && let Some(to) = self.to
            && to < today
        {
            return Err(Error::bad_input(
                field,
                format!(
                    "`{field}` ({to}) has passed, so the agreement cannot be IN_EFFECT; give its status as EXPIRED, RENEWED or TERMINATED"
                ),
            ));
        }
        Ok(self)
    }
}

/// The version a client last read, for optimistic concurrency (`expectedVersion`);
/// records start at version 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Version(i32);

impl Version {
    /// Accepts 1 or more.
    pub fn parse(field: &str, value: i32) -> Result<Version> {
        if value < 1 {
            return Err(Error::bad_input(
                field,
                format!("{} must be at least 1 (it is {value})", label(field)),
            ));
        }
        Ok(Version(value))
    }

    /// The version number (1 or more).
    pub fn get(self) -> i32 {
        self.0
    }
}

/// The GraphQL name of a status (`IN_EFFECT`): the entity enums serialise in that form.
fn status_name<S: Serialize + fmt::Debug>(status: S) -> String {
    match serde_json::to_value(&status) {
        Ok(serde_json::Value::String(name)) => name,
        _ => format!("{status:?}"),
    }
}

/// `A`, `A or B`, `A, B or C`.
fn either<S: Serialize + fmt::Debug + Copy>(statuses: &[S]) -> String {
    let names: Vec<String> = statuses.iter().map(|&s| status_name(s)).collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, init)) => format!("{} or {last}", init.join(", ")),
    }
}

/// Allows staying put or moving to a status `next` lists; `what` names the record
/// ("an agreement") in the message.
fn transition<S: Serialize + fmt::Debug + Copy + Eq>(
    field: &str,
    what: &str,
    next: fn(S) -> &'static [S],
    from: S,
    to: S,
) -> Result<()> {
    let allowed = next(from);
    if from == to || allowed.contains(&to) {
        return Ok(());
    }
    let (f, t) = (status_name(from), status_name(to));
    let why = if allowed.is_empty() {
        format!("{f} is final")
    } else {
        format!("from {f} it can only go to {}", either(allowed))
    };
    Err(Error::bad_input(
        field,
        format!("{what} cannot go from {f} to {t}: {why}"),
    ))
}

/// The statuses an agreement may move to from `from` (empty: `from` is final).
pub fn agreement_next(from: AgreementStatus) -> &'static [AgreementStatus] {
    use AgreementStatus::*;
    match from {
        Proposed => &[Draft, Withdrawn],
        Draft => &[Proposed, InEffect, Withdrawn],
        InEffect => &[Expired, Renewed, Terminated],
        Expired => &[Renewed],
        Renewed | Terminated | Withdrawn => &[],
    }
}

/// The statuses an event may move to from `from` (empty: `from` is final).
pub fn event_next(from: EventStatus) -> &'static [EventStatus] {
    use EventStatus::*;
    match from {
        Planned => &[Held, Cancelled, Postponed],
        Postponed => &[Planned, Held, Cancelled],
        Held | Cancelled => &[],
    }
}

/// The statuses a training centre may move to from `from` (empty: `from` is final).
pub fn centre_next(from: CentreStatus) -> &'static [CentreStatus] {
    use CentreStatus::*;
    match from {
        Planned => &[Operating, Closed],
        Operating => &[Suspended, Closed],
        Suspended => &[Operating, Closed],
        Closed => &[],
    }
}

/// Checks an agreement status change against [`agreement_next`].
pub fn agreement_transition(field: &str, from: AgreementStatus, to: AgreementStatus) -> Result<()> {
    transition(field, "an agreement", agreement_next, from, to)
}

/// Checks an event status change against [`event_next`].
pub fn event_transition(field: &str, from: EventStatus, to: EventStatus) -> Result<()> {
    transition(field, "an event", event_next, from, to)
}

/// Checks a training centre status change against [`centre_next`].
pub fn centre_transition(field: &str, from: CentreStatus, to: CentreStatus) -> Result<()> {
    transition(field, "a training centre", centre_next, from, to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use sea_orm::Iterable;

    /// The field and message of a `BadInput` error; panics on anything else.
    fn rejected<T: fmt::Debug>(result: Result<T>) -> (String, String) {
        match result {
            Err(Error::BadInput { field, message }) => (field, message),
            other => panic!("expected BadInput, got {other:?}"),
        }
    }

    fn message<T: fmt::Debug>(result: Result<T>) -> String {
        rejected(result).1
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    // ---- Text ----

    #[test]
    fn text_trims_and_keeps_inner_whitespace() {
        let t = Text::parse("input.title", "  Sino-German symposium\n", TITLE_MAX).unwrap();
        assert_eq!(t.as_str(), "Sino-German symposium");
        assert_eq!(t.to_string(), "Sino-German symposium");
        assert_eq!(t.as_ref(), "Sino-German symposium");
        let t = Text::parse("input.note", "line one\n\tline two", LONG_TEXT_MAX).unwrap();
        assert_eq!(t.into_string(), "line one\n\tline two");
    }

    #[test]
    fn text_counts_characters_not_bytes() {
        let name = "南方科技大学";
        assert_eq!(name.len(), 18);
        assert_eq!(Text::parse("input.nameZh", name, 6).unwrap().as_str(), name);
        assert_eq!(
            message(Text::parse("input.nameZh", name, 5)),
            "nameZh must be at most 5 characters (it has 6)"
        );
    }

    #[test]
    fn text_rejects_empty_and_blank() {
        for blank in ["", "   ", "\n\t ", "\u{3000}"] {
            let (field, msg) = rejected(Text::parse("input.title", blank, TITLE_MAX));
            assert_eq!(field, "input.title");
            assert_eq!(msg, "title must not be empty");
        }
    }

    #[test]
    fn text_rejects_too_long() {
        let long = "a".repeat(TITLE_MAX + 1);
        assert_eq!(
            message(Text::parse("input.title", &long, TITLE_MAX)),
            "title must be at most 300 characters (it has 301)"
        );
        assert!(Text::parse("input.title", &long[1..], TITLE_MAX).is_ok());
    }

    #[test]
    fn text_rejects_control_characters() {
        for bad in ["a\u{7}b", "a\rb", "a\u{0}b", "a\u{1b}[31mb", "a\u{85}b"] {
            let msg = message(Text::parse("input.title", bad, TITLE_MAX));
            assert!(
                msg.starts_with("title must not contain control characters"),
                "{msg}"
            );
        }
        assert_eq!(
            message(Text::parse("title", "bell\u{7}", TITLE_MAX)),
            "title must not contain control characters (found U+0007)"
        );
    }

    #[test]
    fn text_optional_treats_blank_as_absent() {
        assert_eq!(Text::optional("input.note", None, 10).unwrap(), None);
        assert_eq!(Text::optional("input.note", Some("  "), 10).unwrap(), None);
        assert_eq!(
            Text::optional("input.note", Some(" hi "), 10).unwrap(),
            Some(Text::parse("x", "hi", 10).unwrap())
        );
        assert_eq!(
            message(Text::optional("input.note", Some("too long"), 3)),
            "note must be at most 3 characters (it has 8)"
        );
    }

    fn text_ok(value: &str, max: usize) -> bool {
        let t = value.trim();
        !t.is_empty()
            && t.chars().count() <= max
            && !t.chars().any(|c| c.is_control() && c != '\n' && c != '\t')
    }

    proptest! {
        #[test]
        fn text_accepts_exactly_the_rule(value in any::<String>(), max in 0usize..40) {
            let result = Text::parse("input.title", &value, max);
            prop_assert_eq!(result.is_ok(), text_ok(&value, max));
            match result {
                Ok(t) => {
                    let s = t.as_str();
                    prop_assert_eq!(s, s.trim());
                    prop_assert!(!s.is_empty());
                    prop_assert!(s.chars().count() <= max);
                    prop_assert_eq!(Text::parse("input.title", s, max).unwrap(), t.clone());
                }
                Err(e) => {
                    let field_ok =
                        matches!(e, Error::BadInput { ref field, .. } if field == "input.title");
                    prop_assert!(field_ok);
                }
            }
        }

        #[test]
        fn text_accepts_padded_chinese(
            core in "[\u{4e00}-\u{9fa5}]([\u{4e00}-\u{9fa5} ]{0,18}[\u{4e00}-\u{9fa5}])?",
            pad in "[ \t\n]{0,3}",
        ) {
            let padded = format!("{pad}{core}{pad}");
            let max = core.chars().count();
            let parsed = Text::parse("f", &padded, max).unwrap();
            prop_assert_eq!(parsed.as_str(), core.as_str());
            prop_assert!(Text::parse("f", &padded, max - 1).is_err());
        }

        #[test]
        fn text_optional_agrees_with_parse(value in any::<String>(), max in 0usize..40) {
            let optional = Text::optional("f", Some(&value), max);
            if value.trim().is_empty() {
                prop_assert_eq!(optional.unwrap(), None);
            } else {
                let parsed = Text::parse("f", &value, max);
                prop_assert_eq!(optional.is_ok(), parsed.is_ok());
                prop_assert_eq!(optional.ok().flatten(), parsed.ok());
            }
        }
    }

    // ---- CountryCode ----

    #[test]
    fn country_code_normalises_to_upper_case() {
        for (input, code) in [("cn", "CN"), (" De ", "DE"), ("BG", "BG")] {
            assert_eq!(
                CountryCode::parse("input.country", input).unwrap().as_str(),
                code
            );
        }
    }

    #[test]
    fn country_code_rejects_other_shapes() {
        assert_eq!(
            message(CountryCode::parse("input.country", "China")),
            "`China` is not an ISO 3166-1 alpha-2 code (two letters, e.g. CN)"
        );
        for bad in ["C", "CHN", "C1", "中国", "é1", "c n"] {
            assert!(CountryCode::parse("input.country", bad).is_err(), "{bad}");
        }
        assert_eq!(
            message(CountryCode::parse("input.country", " ")),
            "country must not be empty"
        );
    }

    proptest! {
        #[test]
        fn country_code_accepts_any_two_letters(code in "[a-zA-Z]{2}", pad in " {0,2}") {
            let parsed = CountryCode::parse("f", &format!("{pad}{code}{pad}")).unwrap();
            prop_assert_eq!(parsed.as_str(), code.to_ascii_uppercase());
        }

        #[test]
        fn country_code_accepts_only_two_letters(value in any::<String>()) {
            let t = value.trim();
            let expected = t.len() == 2 && t.bytes().all(|b| b.is_ascii_alphabetic());
            match CountryCode::parse("f", &value) {
                Ok(c) => {
                    prop_assert!(expected);
                    prop_assert!(c.as_str().bytes().all(|b| b.is_ascii_uppercase()));
                    prop_assert_eq!(CountryCode::parse("f", c.as_str()).unwrap(), c.clone());
                }
                Err(_) => prop_assert!(!expected),
            }
        }
    }

    // ---- IscedCode ----

    #[test]
    fn isced_code_accepts_broad_narrow_detailed() {
        for code in ["07", "071", "0714", " 0011 "] {
            assert_eq!(
                IscedCode::parse("input.field", code).unwrap().as_str(),
                code.trim()
            );
        }
    }

    #[test]
    fn isced_code_rejects_other_shapes() {
        assert_eq!(
            message(IscedCode::parse("input.field", "7")),
            "`7` is not an ISCED-F 2013 field code (2, 3 or 4 digits, e.g. 0714)"
        );
        for bad in ["07141", "07a", "0 7", "٠٧", "+07", "-07"] {
            assert!(IscedCode::parse("input.field", bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn isced_code_accepts_two_to_four_digits(code in "[0-9]{2,4}") {
            let parsed = IscedCode::parse("f", &code).unwrap();
            prop_assert_eq!(parsed.as_str(), code.as_str());
        }

        #[test]
        fn isced_code_rejects_other_digit_counts(code in "[0-9]{0,1}|[0-9]{5,10}") {
            prop_assert!(IscedCode::parse("f", &code).is_err());
        }

        #[test]
        fn isced_code_accepts_exactly_the_pattern(value in any::<String>()) {
            let t = value.trim();
            let expected = (2..=4).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit());
            prop_assert_eq!(IscedCode::parse("f", &value).is_ok(), expected);
        }
    }

    // ---- WebUrl ----

    #[test]
    fn web_url_normalises() {
        let cases = [
            ("https://www.sspu.edu.cn", "https://www.sspu.edu.cn/"),
            (
                "HTTP://Example.COM/a/../b?q=1#x",
                "http://example.com/b?q=1#x",
            ),
            (" https://example.org/a b ", "https://example.org/a%20b"),
        ];
        for (input, expected) in cases {
            assert_eq!(
                WebUrl::parse("input.website", input).unwrap().as_str(),
                expected
            );
        }
    }

    #[test]
    fn web_url_rejects_relative_other_schemes_and_hostless() {
        assert_eq!(
            message(WebUrl::parse("input.website", "www.sspu.edu.cn")),
            "`www.sspu.edu.cn` is not a full web address; website must start with http:// or https://"
        );
        assert_eq!(
            message(WebUrl::parse("input.website", "ftp://example.org/file")),
            "website must be an http:// or https:// address, not a `ftp:` one"
        );
        for bad in [
            "mailto:a@example.org",
            "javascript:alert(1)",
            "file:///etc/passwd",
        ] {
            assert!(WebUrl::parse("input.website", bad).is_err(), "{bad}");
        }
        for bad in ["http://", "https://exa mple.org/", "http://[::1"] {
            let msg = message(WebUrl::parse("input.website", bad));
            assert!(msg.contains("is not a valid web address"), "{bad}: {msg}");
        }
        assert_eq!(
            message(WebUrl::parse("input.website", "")),
            "website must not be empty"
        );
    }

    #[test]
    fn web_url_rejects_too_long() {
        let url = format!("https://example.org/{}", "a".repeat(WEB_URL_MAX));
        assert!(
            message(WebUrl::parse("input.website", &url))
                .starts_with("website must be at most 2000 characters")
        );
        let fits = format!("https://example.org/{}", "a".repeat(WEB_URL_MAX - 20));
        assert_eq!(fits.len(), WEB_URL_MAX);
        assert!(WebUrl::parse("input.website", &fits).is_ok());
    }

    proptest! {
        #[test]
        fn web_url_accepts_plain_http_addresses(
            url in "https?://[a-z0-9]{1,12}(\\.[a-z]{2,6}){1,3}(/[a-zA-Z0-9_-]{0,8}){0,4}",
        ) {
            let parsed = WebUrl::parse("f", &url).unwrap();
            prop_assert!(parsed.as_str().starts_with(&url));
        }

        #[test]
        fn web_url_never_panics_and_is_idempotent(value in any::<String>()) {
            if let Ok(u) = WebUrl::parse("f", &value) {
                prop_assert!(u.as_str().starts_with("http://") || u.as_str().starts_with("https://"));
                prop_assert!(u.as_str().chars().count() <= WEB_URL_MAX);
                prop_assert_eq!(WebUrl::parse("f", u.as_str()).unwrap(), u.clone());
            }
        }

        #[test]
        fn web_url_idempotent_on_url_like_input(
            value in "(https?|HTTP|ftp)://[a-zA-Z0-9.:@%/?#&= -]{0,30}",
        ) {
            if let Ok(u) = WebUrl::parse("f", &value) {
                prop_assert_eq!(WebUrl::parse("f", u.as_str()).unwrap(), u.clone());
            }
        }
    }

    // ---- RorId ----

    #[test]
    fn ror_id_accepts_bare_and_url_forms() {
        for input in [
            "05t99sp05",
            "https://ror.org/05t99sp05",
            " 05T99SP05 ",
            "HTTPS://ROR.ORG/05t99sp05",
        ] {
            let ror = RorId::parse("input.ror", input).unwrap();
            assert_eq!(ror.as_str(), "https://ror.org/05t99sp05");
            assert_eq!(ror.id(), "05t99sp05");
            assert_eq!(ror.to_string(), "https://ror.org/05t99sp05");
        }
    }

    #[test]
    fn ror_id_rejects_other_shapes() {
        assert_eq!(
            message(RorId::parse("input.ror", "15t99sp05")),
            "`15t99sp05` is not a ROR id (expected e.g. 05t99sp05 or https://ror.org/05t99sp05)"
        );
        for bad in [
            "05t99sp0",   // too short
            "05t99sp055", // too long
            "05t99sp0a",  // letter among the check digits
            "05i99sp05",  // i is not Crockford base32
            "05l99sp05",  // nor l
            "05o99sp05",  // nor o
            "05u99sp05",  // nor u
            "http://ror.org/05t99sp05x",
            "https://example.org/05t99sp05",
            "https://ror.org/",
        ] {
            assert!(RorId::parse("input.ror", bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn ror_id_accepts_every_well_formed_id(id in "0[0-9a-hjkmnp-tv-z]{6}[0-9]{2}") {
            let bare = RorId::parse("f", &id).unwrap();
            let url = RorId::parse("f", &format!("https://ror.org/{id}")).unwrap();
            prop_assert_eq!(&bare, &url);
            prop_assert_eq!(bare.as_str(), format!("https://ror.org/{id}"));
            prop_assert_eq!(bare.id(), id.as_str());
        }

        #[test]
        fn ror_id_accepted_values_are_canonical(value in any::<String>()) {
            if let Ok(r) = RorId::parse("f", &value) {
                prop_assert!(RorId::is_id(r.id()));
                prop_assert_eq!(RorId::parse("f", r.as_str()).unwrap(), r.clone());
                prop_assert_eq!(RorId::parse("f", r.id()).unwrap(), r.clone());
            }
        }
    }

    // ---- LanguageTag ----

    #[test]
    fn language_tag_lower_cases_the_primary_subtag() {
        for (input, tag) in [
            ("en", "en"),
            ("EN", "en"),
            ("zh-Hans", "zh-Hans"),
            ("ZH-Hans-CN", "zh-Hans-CN"),
            (" de-DE ", "de-DE"),
            ("yue", "yue"),
            ("es-419", "es-419"),
        ] {
            assert_eq!(
                LanguageTag::parse("input.language", input)
                    .unwrap()
                    .as_str(),
                tag
            );
        }
    }

    #[test]
    fn language_tag_canonical_case_and_truncations() {
        let tag = LanguageTag::parse("f", "ZH-hant-tw").unwrap().canonical();
        assert_eq!(tag.as_str(), "zh-Hant-TW");
        assert_eq!(tag.primary(), "zh");
        let shorter: Vec<String> = tag
            .truncations()
            .iter()
            .map(|t| t.as_str().to_owned())
            .collect();
        assert_eq!(shorter, ["zh-Hant-TW", "zh-Hant", "zh"]);
        assert_eq!(
            LanguageTag::parse("f", "es-419")
                .unwrap()
                .canonical()
                .as_str(),
            "es-419"
        );
        assert_eq!(
            LanguageTag::parse("f", "en-gb")
                .unwrap()
                .canonical()
                .as_str(),
            "en-GB"
        );
    }

    #[test]
    fn language_tag_rejects_other_shapes() {
        assert_eq!(
            message(LanguageTag::parse("input.language", "Chinese")),
            "`Chinese` is not a language tag (expected e.g. en, zh or zh-Hans)"
        );
        for bad in [
            "e",
            "e1",
            "en-",
            "en--US",
            "en_US",
            "en-a",
            "en-toolongsubtag",
            "中文",
            "-en",
        ] {
            assert!(LanguageTag::parse("input.language", bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn language_tag_accepts_well_formed_tags(
            primary in "[a-zA-Z]{2,3}",
            rest in "(-[a-zA-Z0-9]{2,8}){0,3}",
        ) {
            let tag = LanguageTag::parse("f", &format!("{primary}{rest}")).unwrap();
            prop_assert_eq!(tag.as_str(), format!("{}{rest}", primary.to_ascii_lowercase()));
        }

        #[test]
        fn language_tag_never_panics_and_is_idempotent(value in any::<String>()) {
            if let Ok(t) = LanguageTag::parse("f", &value) {
                prop_assert!(t.as_str().is_ascii());
                prop_assert_eq!(LanguageTag::parse("f", t.as_str()).unwrap(), t.clone());
            }
        }
    }

    // ---- DateSpan ----

    #[test]
    fn date_span_accepts_ordered_and_open_spans() {
        let (a, b) = (date(2023, 5, 5), date(2023, 5, 6));
        for (from, to) in [
            (Some(a), Some(b)),
            (Some(a), Some(a)),
            (Some(b), None),
            (None, Some(a)),
            (None, None),
        ] {
            assert_eq!(
                DateSpan::parse("input.dates", from, to).unwrap(),
                DateSpan { from, to }
            );
        }
    }

    #[test]
    fn date_span_rejects_end_before_start() {
        let (field, msg) = rejected(DateSpan::parse(
            "filter.startDate",
            Some(date(2023, 5, 6)),
            Some(date(2023, 5, 5)),
        ));
        assert_eq!(field, "filter.startDate");
        assert_eq!(msg, "`filter.startDate` ends before it starts");
    }

    #[test]
    fn in_effect_needs_an_end_not_yet_past() {
        use AgreementStatus::*;
        let today = date(2026, 3, 1);
        let span = |to| DateSpan::parse("input.validTo", Some(date(2020, 1, 1)), to).unwrap();
        for (status, to) in [
            (InEffect, None),
            (InEffect, Some(today)),
            (InEffect, Some(date(2027, 1, 1))),
            (Expired, Some(date(2021, 1, 1))),
            (Terminated, Some(date(2021, 1, 1))),
        ] {
            assert!(
                span(to)
                    .check_in_effect("input.validTo", status, today)
                    .is_ok()
            );
        }
        let (field, msg) = rejected(span(Some(date(2026, 2, 28))).check_in_effect(
            "input.validTo",
            InEffect,
            today,
        ));
        assert_eq!(field, "input.validTo");
        assert!(msg.contains("2026-02-28"), "{msg}");
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (-100_000i32..1_000_000).prop_map(|d| NaiveDate::from_num_days_from_ce_opt(d).unwrap())
    }

    proptest! {
        #[test]
        fn date_span_accepts_iff_ordered(
            from in prop::option::of(any_date()),
            to in prop::option::of(any_date()),
        ) {
            let ordered = match (from, to) {
                (Some(f), Some(t)) => f <= t,
                _ => true,
            };
            let result = DateSpan::parse("f", from, to);
            prop_assert_eq!(result.is_ok(), ordered);
            if let Ok(span) = result {
                prop_assert_eq!(span, DateSpan { from, to });
            }
        }
    }

    // ---- Version ----

    #[test]
    fn version_must_be_positive() {
        assert_eq!(Version::parse("input.expectedVersion", 1).unwrap().get(), 1);
        assert_eq!(
            message(Version::parse("input.expectedVersion", 0)),
            "expectedVersion must be at least 1 (it is 0)"
        );
        assert!(Version::parse("input.expectedVersion", i32::MIN).is_err());
    }

    proptest! {
        #[test]
        fn version_accepts_iff_at_least_one(value in any::<i32>()) {
            let result = Version::parse("f", value);
            prop_assert_eq!(result.is_ok(), value >= 1);
            if let Ok(v) = result {
                prop_assert_eq!(v.get(), value);
            }
        }
    }

    // ---- Lifecycles ----

    #[test]
    fn agreement_transitions() {
        use AgreementStatus::*;
        assert!(agreement_transition("input.status", Draft, InEffect).is_ok());
        assert!(agreement_transition("input.status", InEffect, InEffect).is_ok());
        assert!(agreement_transition("input.status", Expired, Renewed).is_ok());
        let (field, msg) = rejected(agreement_transition("input.status", Expired, Draft));
        assert_eq!(field, "input.status");
        assert_eq!(
            msg,
            "an agreement cannot go from EXPIRED to DRAFT: from EXPIRED it can only go to RENEWED"
        );
        assert_eq!(
            message(agreement_transition("input.status", Proposed, InEffect)),
            "an agreement cannot go from PROPOSED to IN_EFFECT: \
             from PROPOSED it can only go to DRAFT or WITHDRAWN"
        );
        assert_eq!(
            message(agreement_transition("input.status", Draft, Expired)),
            "an agreement cannot go from DRAFT to EXPIRED: \
             from DRAFT it can only go to PROPOSED, IN_EFFECT or WITHDRAWN"
        );
        assert_eq!(
            message(agreement_transition("input.status", Terminated, InEffect)),
            "an agreement cannot go from TERMINATED to IN_EFFECT: TERMINATED is final"
        );
    }

    #[test]
    fn event_transitions() {
        use EventStatus::*;
        assert!(event_transition("input.status", Planned, Postponed).is_ok());
        assert!(event_transition("input.status", Postponed, Planned).is_ok());
        assert_eq!(
            message(event_transition("input.status", Held, Planned)),
            "an event cannot go from HELD to PLANNED: HELD is final"
        );
    }

    #[test]
    fn centre_transitions() {
        use CentreStatus::*;
        assert!(centre_transition("input.status", Operating, Suspended).is_ok());
        assert!(centre_transition("input.status", Suspended, Operating).is_ok());
        assert_eq!(
            message(centre_transition("input.status", Planned, Suspended)),
            "a training centre cannot go from PLANNED to SUSPENDED: \
             from PLANNED it can only go to OPERATING or CLOSED"
        );
        assert_eq!(
            message(centre_transition("input.status", Closed, Operating)),
            "a training centre cannot go from CLOSED to OPERATING: CLOSED is final"
        );
    }

    /// The properties every lifecycle table must have, checked over all pairs of statuses.
    fn check_lifecycle<S>(
        next: fn(S) -> &'static [S],
        check: fn(&str, S, S) -> Result<()>,
        finals: &[S],
    ) where
        S: Iterable + Copy + Eq + fmt::Debug,
    {
        for from in S::iter() {
            assert!(check("f", from, from).is_ok(), "{from:?} may stay");
            assert!(!next(from).contains(&from), "{from:?} lists itself");
            assert_eq!(
                next(from).is_empty(),
                finals.contains(&from),
                "{from:?} final?"
            );
            for to in S::iter() {
                let allowed = from == to || next(from).contains(&to);
                let result = check("input.status", from, to);
                assert_eq!(result.is_ok(), allowed, "{from:?} → {to:?}");
                if let Err(e) = result {
                    assert!(
                        matches!(e, Error::BadInput { ref field, .. } if field == "input.status")
                    );
                }
            }
            // Every status can reach a final one, so no record gets stuck in a loop.
            let mut seen = vec![from];
            let mut i = 0;
            while i < seen.len() {
                for &n in next(seen[i]) {
                    if !seen.contains(&n) {
                        seen.push(n);
                    }
                }
                i += 1;
            }
            assert!(
                seen.iter().any(|s| finals.contains(s)),
                "{from:?} reaches no end"
            );
        }
    }

    #[test]
    fn agreement_lifecycle_table() {
        use AgreementStatus::*;
        check_lifecycle(
            agreement_next,
            agreement_transition,
            &[Renewed, Terminated, Withdrawn],
        );
    }

    #[test]
    fn event_lifecycle_table() {
        use EventStatus::*;
        check_lifecycle(event_next, event_transition, &[Held, Cancelled]);
    }

    #[test]
    fn centre_lifecycle_table() {
        use CentreStatus::*;
        check_lifecycle(centre_next, centre_transition, &[Closed]);
    }

    proptest! {
        #[test]
        fn agreement_transition_agrees_with_table(
            from in prop::sample::select(AgreementStatus::iter().collect::<Vec<_>>()),
            to in prop::sample::select(AgreementStatus::iter().collect::<Vec<_>>()),
        ) {
            let allowed = from == to || agreement_next(from).contains(&to);
            prop_assert_eq!(agreement_transition("f", from, to).is_ok(), allowed);
        }
    }

    #[test]
    fn messages_name_the_last_path_segment_and_cut_long_values() {
        assert_eq!(label("input.parties.nameEn"), "nameEn");
        assert_eq!(label("title"), "title");
        assert_eq!(label(""), "value");
        let long = "x".repeat(100);
        let msg = message(CountryCode::parse("country", &long));
        assert!(
            msg.starts_with(&format!("`{}…`", "x".repeat(SHOWN_MAX))),
            "{msg}"
        );
        assert_eq!(shown("a\u{7}"), "a\\u{7}");
    }
}
