//! Which language a request wants, and the text it gets.
use async_graphql::Context;
use service::domain::LanguageTag;
use service::translations::{Translatable, Translation};

use super::LocalizedText;
use crate::error::{Result, ServiceError};
use crate::loader;

/// The languages of a request's `Accept-Language` header, most wanted first. The
/// server adds it to every request (`src/http.rs`); without it, English.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AcceptLanguage(Vec<LanguageTag>);

/// At most this many languages of a header are considered: a longer list is a mistake
/// or an attack, and only its first entries ever decide anything.
const MOST_LANGUAGES: usize = 16;

impl AcceptLanguage {
    /// Parses a header value as RFC 9110 says (`zh-CN,zh;q=0.9,en;q=0.8`): entries by
    /// their quality, highest first and in header order among equals; `q=0`, `*` and
    /// malformed entries are left out.
    pub fn parse(header: &str) -> Self {
        let mut entries: Vec<(u16, usize, LanguageTag)> = header
            .split(',')
            .take(MOST_LANGUAGES)
            .enumerate()
            .filter_map(|(i, entry)| {
                let mut parts = entry.split(';');
                let tag = parts.next()?.trim();
                let mut quality = 1000;
                for param in parts {
                    let (name, value) = param.split_once('=')?;
                    if name.trim().eq_ignore_ascii_case("q") {
                        let q: f32 = value.trim().parse().ok()?;
                        if !(0.0..=1.0).contains(&q) {
                            return None;
                        }
                        quality = (q * 1000.0).round() as u16;
                    }
                }
                if quality == 0 || tag == "*" {
                    return None;
                }
                let tag = LanguageTag::parse("Accept-Language", tag).ok()?.canonical();
                Some((quality, i, tag))
            })
            .collect();
        entries.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        AcceptLanguage(entries.into_iter().map(|(_, _, tag)| tag).collect())
    }

    pub fn tags(&self) -> &[LanguageTag] {
        &self.0
    }
}

/// The languages a field is wanted in: its `lang` argument, else the request's header.
fn wanted(ctx: &Context<'_>, lang: Option<&str>) -> Result<Vec<LanguageTag>> {
    match lang {
        Some(lang) => Ok(vec![
            LanguageTag::parse("lang", lang)
                .map_err(ServiceError)?
                .canonical(),
        ]),
        None => Ok(ctx
            .data_opt::<AcceptLanguage>()
            .map(|a| a.0.clone())
            .unwrap_or_default()),
    }
}

/// Whether labels are wanted in Chinese: the first of the wanted languages that has
/// labels (English or Chinese) decides; English when none has.
pub(crate) fn label_language(ctx: &Context<'_>, lang: Option<&str>) -> Result<bool> {
    Ok(wanted(ctx, lang)?
        .iter()
        .find_map(|tag| match tag.primary() {
            "zh" => Some(true),
            "en" => Some(false),
            _ => None,
        })
        .unwrap_or(false))
}

/// A name kept in an English and an optional Chinese column (organisations, countries,
/// consortia), in the language wanted: the first wanted language it has, else English.
pub(crate) fn name_in(
    ctx: &Context<'_>,
    lang: Option<String>,
    english: &str,
    chinese: Option<&str>,
) -> Result<String> {
    for tag in wanted(ctx, lang.as_deref())? {
        match (tag.primary(), chinese) {
            ("en", _) => break,
            ("zh", Some(chinese)) => return Ok(chinese.to_owned()),
            _ => {}
        }
    }
    Ok(english.to_owned())
}

/// A name with its own English and Chinese columns that also has further names by
/// language (`others`, best first): the columns answer when English or Chinese comes
/// first, so `others` is only awaited (a statement per level) for another language.
pub(crate) async fn name_among<F>(
    ctx: &Context<'_>,
    lang: Option<String>,
    english: &str,
    chinese: Option<&str>,
    others: F,
) -> Result<String>
where
    F: std::future::Future<Output = Result<Vec<Translation>>>,
{
    let wanted = wanted(ctx, lang.as_deref())?;
    match (wanted.first().map(|tag| tag.primary()), chinese) {
        (None | Some("en"), _) => return Ok(english.to_owned()),
        (Some("zh"), Some(chinese)) => return Ok(chinese.to_owned()),
        _ => {}
    }
    let mut texts = others.await?;
    if let Some(chinese) = chinese {
        texts.insert(
            0,
            Translation {
                field: "name".into(),
                lang: "zh".into(),
                text: chinese.to_owned(),
            },
        );
    }
    let texts: Vec<&Translation> = texts.iter().collect();
    Ok(choose(&wanted, Some(english), &texts).unwrap_or_else(|| english.to_owned()))
}

/// Whether English comes first: then the record's own column answers.
fn english_first(wanted: &[LanguageTag]) -> bool {
    wanted.first().is_none_or(|tag| tag.primary() == "en")
}

/// The text of one field for languages `wanted`, from the English text and the field's
/// texts in other languages, in the order the module describes.
pub fn choose(
    wanted: &[LanguageTag],
    english: Option<&str>,
    texts: &[&Translation],
) -> Option<String> {
    let exact = |tag: &str| {
        texts
            .iter()
            .find(|t| t.lang.eq_ignore_ascii_case(tag))
            .map(|t| t.text.clone())
    };
    for tag in wanted {
        if tag.primary() == "en" {
            if let Some(english) = english {
                return Some(english.to_owned());
            }
            continue;
        }
        for shorter in tag.truncations() {
            if let Some(text) = exact(shorter.as_str()) {
                return Some(text);
            }
        }
        let same_language = texts.iter().find(|t| {
            t.lang
                .split('-')
                .next()
                .is_some_and(|p| p.eq_ignore_ascii_case(tag.primary()))
        });
        if let Some(t) = same_language {
            return Some(t.text.clone());
        }
    }
    english
        .map(str::to_owned)
        .or_else(|| texts.first().map(|t| t.text.clone()))
}

/// Field `field` of record `key` of `E`, whose English text is `english`, in the
/// language the caller wants (its `lang` argument or the request's header).
pub(crate) async fn localized<E: Translatable>(
    ctx: &Context<'_>,
    key: impl ToString,
    field: &str,
    english: Option<&str>,
    lang: Option<String>,
) -> Result<Option<String>> {
    let wanted = wanted(ctx, lang.as_deref())?;
    if english_first(&wanted) {
        return Ok(english.map(str::to_owned));
    }
    let texts = loader::texts(ctx, E::KIND, key.to_string()).await?;
    let of_field: Vec<&Translation> = texts.iter().filter(|t| t.field == field).collect();
    Ok(choose(&wanted, english, &of_field))
}

/// Every form of a record's translatable fields (`fields`: each with its English text),
/// English first, or of the one named `field`.
pub(crate) async fn all_forms<E: Translatable>(
    ctx: &Context<'_>,
    key: impl ToString,
    fields: &[(&str, Option<&str>)],
    field: Option<String>,
) -> Result<Vec<LocalizedText>> {
    if let Some(name) = &field
        && !fields.iter().any(|(f, _)| f == name)
    {
        let known: Vec<&str> = fields.iter().map(|(f, _)| *f).collect();
        return Err(ServiceError(service::Error::bad_input(
            "field",
            format!(
                "`{name}` has no translations here; one of: {}",
                known.join(", ")
            ),
        ))
        .into());
    }
    let texts = loader::texts(ctx, E::KIND, key.to_string()).await?;
    let mut out = Vec::new();
    for (name, english) in fields {
        if field.as_deref().is_some_and(|f| f != *name) {
            continue;
        }
        if let Some(english) = english {
            out.push(LocalizedText {
                field: (*name).to_owned(),
                lang: "en".to_owned(),
                text: (*english).to_owned(),
            });
        }
        out.extend(
            texts
                .iter()
                .filter(|t| t.field == *name)
                .map(|t| LocalizedText {
                    field: t.field.clone(),
                    lang: t.lang.clone(),
                    text: t.text.clone(),
                }),
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(list: &[&str]) -> Vec<LanguageTag> {
        list.iter()
            .map(|t| LanguageTag::parse("t", t).unwrap().canonical())
            .collect()
    }

    fn text(lang: &str, text: &str) -> Translation {
        Translation {
            field: "title".into(),
            lang: lang.into(),
            text: text.into(),
        }
    }

    #[test]
    fn accept_language_is_ordered_by_quality() {
        let parsed = AcceptLanguage::parse("en;q=0.8, zh-cn, zh;q=0.9, *;q=0.5, fr;q=0, bad_tag");
        assert_eq!(parsed.tags(), tags(&["zh-CN", "zh", "en"]));
        assert_eq!(AcceptLanguage::parse("").tags(), []);
        assert_eq!(
            AcceptLanguage::parse("de;q=2, ja;q=x, ko").tags(),
            tags(&["ko"])
        );
    }

    #[test]
    fn the_fallback_order_is_language_shorter_forms_english_then_any() {
        let zh = text("zh", "研讨会");
        let hant = text("zh-Hant", "研討會");
        let de = text("de", "Symposium (de)");
        let all = [&zh, &hant, &de];
        let pick = |want: &[&str], english: Option<&str>, texts: &[&Translation]| {
            choose(&tags(want), english, texts)
        };
        assert_eq!(
            pick(&["zh-Hant-TW"], Some("Symposium"), &all).unwrap(),
            "研討會"
        );
        assert_eq!(pick(&["zh-CN"], Some("Symposium"), &all).unwrap(), "研讨会");
        assert_eq!(
            pick(&["zh"], Some("Symposium"), &[&hant]).unwrap(),
            "研討會"
        );
        assert_eq!(
            pick(&["fr", "de"], Some("Symposium"), &all).unwrap(),
            "Symposium (de)"
        );
        assert_eq!(pick(&["fr"], Some("Symposium"), &all).unwrap(), "Symposium");
        assert_eq!(
            pick(&["fr", "en", "zh"], Some("Symposium"), &all).unwrap(),
            "Symposium"
        );
        assert_eq!(pick(&["fr"], None, &[&de]).unwrap(), "Symposium (de)");
        assert_eq!(pick(&["fr"], None, &[]), None);
    }
}
