//! Texts in English and other languages, and the labels of enum values.
//!
//! A translatable field takes `lang` (a BCP 47 tag: `zh`, `zh-CN`, `en`); without it,
//! the request's `Accept-Language` decides (q-values honoured). The answer is the first
//! text found in this order: each wanted language, then its shorter forms (`zh-Hant-TW`,
//! `zh-Hant`, `zh`), then any text of the same primary language (`zh-CN` for `zh`);
//! then English, the record's own column; then any other language there is. A request
//! that wants English first reads the column and costs no statement; any other loads the
//! texts of every record its resolvers reach in one statement per level (`loader`).
mod inputs;
mod labels;
mod lang;
mod query;
mod types;

pub use inputs::{TranslationInput, texts};
pub use lang::AcceptLanguage;
pub(crate) use lang::{all_forms, localized, name_among, name_in};
pub use query::LabelQuery;
pub use types::{EnumLabel, LocalizedText};
