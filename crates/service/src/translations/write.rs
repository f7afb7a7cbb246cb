//! Writing a record's texts in other languages: parsed, then replacing the record's set
//! in the write's own transaction.
use std::collections::HashSet;

use entity::translation;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, Set};

use super::{Translatable, Translation};
use crate::domain::{LanguageTag, Text};
use crate::scope::Keyed;
use crate::write::{Writable, insert_all};
use crate::{Error, Result, Scope};

/// Parses a record's texts from input at `field` (`input.translations`): each names a
/// translatable field of `E`, a well-formed language tag other than plain `en` (English is
/// the record's own field) and a non-empty text; one text per field and language. Tags
/// are stored in their conventional case, so `zh-cn` and `zh-CN` are one language.
pub fn parse_translations<E: Translatable>(
    list: &[Translation],
    field: &str,
) -> Result<Vec<Translation>> {
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(list.len());
    for (i, t) in list.iter().enumerate() {
        let at = format!("{field}.{i}");
        let Some((name, max)) = E::FIELDS.iter().find(|(name, _)| *name == t.field) else {
            let known: Vec<&str> = E::FIELDS.iter().map(|(name, _)| *name).collect();
            return Err(Error::bad_input(
                format!("{at}.field"),
                format!(
                    "`{}` has no translations here; one of: {}",
                    t.field,
                    known.join(", ")
                ),
            ));
        };
        let lang = LanguageTag::parse(&format!("{at}.lang"), &t.lang)?.canonical();
        if lang.as_str() == "en" {
            return Err(Error::bad_input(
                format!("{at}.lang"),
                format!("the English {name} is the record's own `{name}`"),
            ));
        }
        let text = Text::parse(&format!("{at}.text"), &t.text, *max)?.into_string();
        if !seen.insert((*name, lang.clone())) {
            return Err(Error::bad_input(
                at,
                format!("a second `{name}` in `{}`", lang.as_str()),
            ));
        }
        out.push(Translation {
            field: (*name).to_owned(),
            lang: lang.as_str().to_owned(),
            text,
        });
    }
    // In the order they are read back, so an audit entry compares like with like.
    out.sort_by(|a, b| (&a.field, &a.lang).cmp(&(&b.field, &b.lang)));
    Ok(out)
}

impl Scope {
    /// Replaces the texts of `E` #`id` with `list` (parsed by [`parse_translations`]).
    pub(crate) async fn write_translations<E: Translatable>(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
        list: &[Translation],
        field: &str,
    ) -> Result<()> {
        translation::Entity::delete_many()
            .filter(translation::Column::RecordType.eq(E::KIND))
            .filter(translation::Column::RecordId.eq(id.to_string()))
            .exec(txn)
            .await?;
        let rows = list
            .iter()
            .map(|t| translation::ActiveModel {
                record_type: Set(E::KIND.to_owned()),
                record_id: Set(id.to_string()),
                field: Set(t.field.clone()),
                lang: Set(t.lang.clone()),
                value: Set(t.text.clone()),
                ..Default::default()
            })
            .collect();
        insert_all(txn, rows, field).await
    }

    /// Ends an update of `record` whose texts the update may give: writes them when
    /// given, and the audit entry with the states `before` and `after` (objects), each
    /// with the record's texts under `translations` when they were given.
    pub(crate) async fn changed_with_texts<E>(
        &self,
        txn: DatabaseTransaction,
        operation: &str,
        record: &E::Model,
        before: serde_json::Value,
        after: serde_json::Value,
        texts: Option<Vec<Translation>>,
    ) -> Result<()>
    where
        E: Writable + Translatable,
    {
        self.audit_with_texts::<E>(&txn, operation, record, before, after, texts)
            .await?;
        Ok(txn.commit().await?)
    }

    /// `changed_with_texts` inside a transaction the caller commits.
    pub(crate) async fn audit_with_texts<E>(
        &self,
        txn: &DatabaseTransaction,
        operation: &str,
        record: &E::Model,
        mut before: serde_json::Value,
        mut after: serde_json::Value,
        texts: Option<Vec<Translation>>,
    ) -> Result<()>
    where
        E: Writable + Translatable,
    {
        if let Some(texts) = texts {
            let id = record.key();
            let was = self.translations_in::<E>(txn, id).await?;
            self.write_translations::<E>(txn, id, &texts, "input.translations")
                .await?;
            with_translations(&mut before, &was);
            with_translations(&mut after, &texts);
        }
        self.audit::<E>(operation, record)
            .before(&before)
            .after(&after)
            .write(txn)
            .await
    }

    /// Removes the texts of the records `ids` of `E`: parts replaced by new rows.
    pub(crate) async fn forget_translations<E: Translatable>(
        &self,
        txn: &DatabaseTransaction,
        ids: impl IntoIterator<Item = i64>,
    ) -> Result<()> {
        let ids: Vec<String> = ids.into_iter().map(|id| id.to_string()).collect();
        if ids.is_empty() {
            return Ok(());
        }
        translation::Entity::delete_many()
            .filter(translation::Column::RecordType.eq(E::KIND))
            .filter(translation::Column::RecordId.is_in(ids))
            .exec(txn)
            .await?;
        Ok(())
    }

    /// The texts of the records `ids` of `E` in `txn`, by record, for rewriting parts.
    pub(crate) async fn translations_of_many<E: Translatable>(
        &self,
        txn: &DatabaseTransaction,
        ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, Vec<Translation>>> {
        let mut out: std::collections::HashMap<i64, Vec<Translation>> = Default::default();
        if ids.is_empty() {
            return Ok(out);
        }
        let rows = translation::Entity::find()
            .filter(translation::Column::RecordType.eq(E::KIND))
            .filter(translation::Column::RecordId.is_in(ids.iter().map(|id| id.to_string())))
            .order_by_asc(translation::Column::Field)
            .order_by_asc(translation::Column::Lang)
            .all(txn)
            .await?;
        for row in rows {
            if let Ok(id) = row.record_id.parse() {
                out.entry(id).or_default().push(Translation {
                    field: row.field,
                    lang: row.lang,
                    text: row.value,
                });
            }
        }
        Ok(out)
    }

    /// The texts of `E` #`id` as they are in `txn`, for the audit log.
    pub(crate) async fn translations_in<E: Translatable>(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
    ) -> Result<Vec<Translation>> {
        Ok(translation::Entity::find()
            .filter(translation::Column::RecordType.eq(E::KIND))
            .filter(translation::Column::RecordId.eq(id.to_string()))
            .order_by_asc(translation::Column::Field)
            .order_by_asc(translation::Column::Lang)
            .all(txn)
            .await?
            .into_iter()
            .map(|row| Translation {
                field: row.field,
                lang: row.lang,
                text: row.value,
            })
            .collect())
    }
}

/// A record's state for the audit log with its texts under `translations`, so an entry
/// shows a changed Chinese title as a change of that field.
fn with_translations(state: &mut serde_json::Value, texts: &[Translation]) {
    if let serde_json::Value::Object(fields) = state {
        fields.insert("translations".into(), crate::write::snapshot(&texts));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use entity::event;

    fn t(field: &str, lang: &str, text: &str) -> Translation {
        Translation {
            field: field.into(),
            lang: lang.into(),
            text: text.into(),
        }
    }

    fn field_of(result: Result<Vec<Translation>>) -> String {
        match result {
            Err(Error::BadInput { field, .. }) => field,
            other => panic!("expected bad input, got {other:?}"),
        }
    }

    #[test]
    fn texts_are_checked_and_tags_put_in_their_case() {
        let parsed = parse_translations::<event::Entity>(
            &[
                t("title", "ZH-cn", " 研讨会 "),
                t("theme", "zh-hant", "主題"),
            ],
            "input.translations",
        )
        .unwrap();
        assert_eq!(
            parsed,
            [t("theme", "zh-Hant", "主題"), t("title", "zh-CN", "研讨会")]
        );
        let at = |list: &[Translation]| {
            field_of(parse_translations::<event::Entity>(
                list,
                "input.translations",
            ))
        };
        assert_eq!(
            at(&[t("venue", "zh", "礼堂")]),
            "input.translations.0.field"
        );
        assert_eq!(
            at(&[t("title", "zh", "a"), t("title", "chinese!", "b")]),
            "input.translations.1.lang"
        );
        assert_eq!(
            at(&[t("title", "en", "Forum")]),
            "input.translations.0.lang"
        );
        assert_eq!(at(&[t("title", "zh", "  ")]), "input.translations.0.text");
        assert_eq!(
            at(&[t("title", "zh", "a"), t("title", "ZH", "b")]),
            "input.translations.1"
        );
    }
}
