//! Texts in other languages than English: titles, themes, descriptions and names of
//! records and reference data.
//!
//! The record's own column holds the English text, the canonical one that lists search
//! and sort by; every other language is a row of one `translation` table keyed by record
//! type, record key, field and language (m0009), so a new language or a new translatable
//! field needs no migration. A record's texts are written with it, by the same mutation
//! (`translations` in its create and update input), in its transaction, and audited
//! under the record's `translations` field.
//!
//! Reads (`query.rs`) go by the keys of records the caller has already read through its
//! scope (a translation is a part of its record, visible exactly when the record is), so
//! they need no rule of their own; which text a reader gets is the api's choice.
mod query;
mod write;

pub use write::*;

use entity::{
    affiliation, agreement, agreement_person, curriculum_standard, event, event_outcome,
    event_participant, isced_field, presentation, training_centre,
};
use serde::{Deserialize, Serialize};

use crate::domain::{LONG_TEXT_MAX, NAME_MAX, TITLE_MAX};

/// One field's text in one language.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Translation {
    /// The field as the API names it (`title`).
    pub field: String,
    /// A BCP 47 language tag (`zh`, `zh-Hant`).
    pub lang: String,
    pub text: String,
}

/// A table whose texts may be given in other languages.
pub trait Translatable {
    /// The record type the `translation` table names: the table's own name.
    const KIND: &'static str;
    /// The translatable fields, as the API names them, each with its longest text.
    const FIELDS: &'static [(&'static str, usize)];
}

macro_rules! translatable {
    ($($m:ident: [$($field:literal $max:expr),*];)*) => {$(
        impl Translatable for $m::Entity {
            const KIND: &'static str = stringify!($m);
            const FIELDS: &'static [(&'static str, usize)] = &[$(($field, $max)),*];
        }
    )*};
}
translatable! {
    event: ["title" TITLE_MAX, "theme" TITLE_MAX, "description" LONG_TEXT_MAX];
    agreement: ["title" TITLE_MAX, "description" LONG_TEXT_MAX];
    curriculum_standard: ["title" TITLE_MAX];
    training_centre: ["name" TITLE_MAX];
    isced_field: ["name" TITLE_MAX];
    presentation: ["title" TITLE_MAX];
    event_outcome: ["description" LONG_TEXT_MAX];
    event_participant: ["title" NAME_MAX];
    affiliation: ["title" NAME_MAX];
    agreement_person: ["title" NAME_MAX];
}

/// Which record a text belongs to: its type (`Translatable::KIND`) and key as text.
pub type RecordKey = (&'static str, String);
