//! A text in one language, and an enum value's label.
use async_graphql::SimpleObject;

/// One field's text in one language.
#[derive(SimpleObject, Clone, Debug, PartialEq, Eq)]
pub struct LocalizedText {
    /// The field it is the text of (`title`, `description`, ...).
    pub field: String,
    /// A BCP 47 language tag: `en` for the record's own (English) text, `zh`, `zh-Hant`, ...
    pub lang: String,
    /// The text.
    pub text: String,
}

/// An enum value with its label in one language.
#[derive(SimpleObject, Clone, Debug, PartialEq, Eq)]
pub struct EnumLabel {
    /// The value as the schema names it (`IN_EFFECT`).
    pub value: String,
    /// What to show for it (`In effect`, `生效中`).
    pub label: String,
    /// The language of the label: `en` or `zh`.
    pub lang: String,
}
