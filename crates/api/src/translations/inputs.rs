//! A text in another language, as create and update inputs take it.
use async_graphql::InputObject;
use service::translations::Translation;

/// A field's text in a language other than English (English is the field itself).
#[derive(InputObject, Clone, Debug)]
pub struct TranslationInput {
    /// The field (`title`, `theme`, `description`, `name`: the record's translatable fields).
    pub field: String,
    /// A BCP 47 language tag other than `en`: `zh`, `zh-Hant`, `fr`, ...
    pub lang: String,
    /// The text (not empty; as long as the field itself may be).
    pub text: String,
}

/// Texts from input, for the service to check (`service::translations::parse_translations`).
pub fn texts(list: &[TranslationInput]) -> Vec<Translation> {
    list.iter()
        .map(|t| Translation {
            field: t.field.clone(),
            lang: t.lang.clone(),
            text: t.text.clone(),
        })
        .collect()
}
