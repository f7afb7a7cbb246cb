//! The curriculum standard and adoption inputs, each with its conversion to the
//! service's form.
use async_graphql::{ID, InputObject, MaybeUndefined};
use service::entity::enums::*;
use service::standards as st;

use super::{Adoption, CurriculumStandard};
use crate::error::Result;
use crate::ids::{Kind, decode_all};
use crate::input::{
    Change, DateRangeInput, country_codes, date, field_codes, key, opt_key, order_input, patch,
    patch_date, patch_key, payload, range,
};
use crate::scalars::Date;
use crate::translations::{TranslationInput, texts};

order_input!(
    /// How to sort curriculum standards (default: by title).
    CurriculumStandardOrder, CurriculumStandardOrderField, "service::standards::StandardOrderField", service::standards::StandardOrderField, Title,
    { /// By issue date.
      IssuedOn, /// By when the record was created.
      CreatedAt , /// By when the record last changed (with `filter.updatedSince`, to catch up).
      UpdatedAt });
order_input!(
    /// How to sort adoptions (default: by adoption date).
    AdoptionOrder, AdoptionOrderField, "service::standards::AdoptionOrderField", service::standards::AdoptionOrderField, AdoptedOn,
    { /// By country code.
      Country, /// By when the record was created.
      CreatedAt , /// By when the record last changed (with `filter.updatedSince`, to catch up).
      UpdatedAt });

/// Which curriculum standards to list.
#[derive(InputObject, Clone, Default)]
pub struct CurriculumStandardFilter {
    /// Only records changed at or after this time (inclusive), to catch up.
    pub updated_since: Option<crate::scalars::DateTime>,
    /// Case-insensitive substring of the title or code.
    pub search: Option<String>,
    /// Owned by any of these member organisations.
    pub owners: Option<Vec<ID>>,
    /// Developed by any of these organisations.
    pub developers: Option<Vec<ID>>,
    /// In any of these ISCED-F fields (a broad code matches its narrower fields).
    pub fields: Option<Vec<String>>,
    /// `true`: only archived records (which only their owner and the coordinator can read); otherwise only live ones.
    pub archived: Option<bool>,
}

impl CurriculumStandardFilter {
    pub fn parse(f: Option<Self>) -> Result<st::StandardFilter> {
        let f = f.unwrap_or_default();
        Ok(st::StandardFilter {
            archived: f.archived,
            search: f.search,
            owners: decode_all("filter.owners", Kind::Organisation, &f.owners)?,
            developers: decode_all("filter.developers", Kind::Organisation, &f.developers)?,
            fields: field_codes("filter.fields", &f.fields)?,
        })
    }
}

/// Which adoptions to list.
#[derive(InputObject, Clone, Default)]
pub struct AdoptionFilter {
    /// Only records changed at or after this time (inclusive), to catch up.
    pub updated_since: Option<crate::scalars::DateTime>,
    /// Of any of these standards.
    pub standards: Option<Vec<ID>>,
    /// In any of these countries or regions (ISO codes).
    pub countries: Option<Vec<String>>,
    /// By any of these institutions.
    pub institutions: Option<Vec<ID>>,
    /// Of any of these kinds.
    pub kinds: Option<Vec<AdoptionKind>>,
    /// Adopted within this range.
    pub adopted_on: Option<DateRangeInput>,
}

impl AdoptionFilter {
    pub fn parse(f: Option<Self>) -> Result<st::AdoptionFilter> {
        let f = f.unwrap_or_default();
        Ok(st::AdoptionFilter {
            standards: decode_all("filter.standards", Kind::CurriculumStandard, &f.standards)?,
            countries: country_codes("filter.countries", &f.countries)?,
            institutions: decode_all("filter.institutions", Kind::Organisation, &f.institutions)?,
            kinds: f.kinds,
            adopted_on: range("filter.adoptedOn", &f.adopted_on)?,
        })
    }
}

/// A new curriculum standard.
#[derive(InputObject)]
pub struct CreateCurriculumStandardInput {
    /// The owning member; defaults to the caller's organisation.
    pub owner: Option<ID>,
    /// Who may read it (default PRIVATE).
    pub visibility: Option<Visibility>,
    /// The developing organisation; defaults to the owner.
    pub developer: Option<ID>,
    /// Title.
    pub title: String,
    /// The developer's code for it, unique per developer.
    pub code: Option<String>,
    /// ISCED-F code.
    pub field: Option<String>,
    /// Level.
    pub level: Option<String>,
    /// Edition or version label.
    pub edition: Option<String>,
    /// Issue date.
    pub issued_on: Option<Date>,
    /// The source's global id.
    pub source: Option<ID>,
    /// The title in other languages (e.g. `{ field: "title", lang: "zh", text: "…" }`).
    #[graphql(default)]
    pub translations: Vec<TranslationInput>,
    /// Repeating a create with the same key and input returns the first result.
    pub idempotency_key: Option<String>,
}

/// Changes to a curriculum standard.
#[derive(InputObject)]
pub struct UpdateCurriculumStandardInput {
    /// The standard's global id.
    pub id: ID,
    /// The version the caller last read; a stale one is CONFLICT.
    pub expected_version: i32,
    /// Who may read it.
    pub visibility: Option<Visibility>,
    /// The developing organisation.
    pub developer: Option<ID>,
    /// Title.
    pub title: Option<String>,
    /// Code.
    pub code: MaybeUndefined<String>,
    /// ISCED-F code.
    pub field: MaybeUndefined<String>,
    /// Level.
    pub level: MaybeUndefined<String>,
    /// Edition.
    pub edition: MaybeUndefined<String>,
    /// Issue date.
    pub issued_on: MaybeUndefined<Date>,
    /// The source's global id.
    pub source: MaybeUndefined<ID>,
    /// The title in other languages, replacing every text there is (`[]` removes them all).
    pub translations: Option<Vec<TranslationInput>>,
}

/// An adoption to add to a standard.
#[derive(InputObject)]
pub struct AddAdoptionInput {
    /// The standard's global id.
    pub standard: ID,
    /// The standard's version the caller last read.
    pub expected_version: i32,
    /// ISO 3166-1 alpha-2 code.
    pub country: String,
    /// The adopting institution's global id.
    pub institution: Option<ID>,
    /// Recognised, adopted or piloted.
    pub kind: AdoptionKind,
    /// When.
    pub adopted_on: Option<Date>,
    /// What shows it.
    pub evidence: Option<String>,
    /// The source's global id.
    pub source: Option<ID>,
}

/// An adoption to remove from its standard.
#[derive(InputObject)]
pub struct RemoveAdoptionInput {
    /// The adoption's global id.
    pub id: ID,
    /// The standard's version the caller last read.
    pub expected_version: i32,
}

payload! {
    CreateCurriculumStandardPayload { curriculum_standard: CurriculumStandard } "The standard created.";
    UpdateCurriculumStandardPayload { curriculum_standard: CurriculumStandard } "The standard updated.";
    RemoveAdoptionPayload { curriculum_standard: CurriculumStandard } "The standard without the adoption.";
    AddAdoptionPayload { adoption: Adoption } "The adoption added.";
}

impl TryFrom<CreateCurriculumStandardInput> for st::StandardInput {
    type Error = async_graphql::Error;
    fn try_from(input: CreateCurriculumStandardInput) -> Result<Self> {
        Ok(st::StandardInput {
            owner: opt_key("input.owner", Kind::Organisation, &input.owner)?,
            visibility: input.visibility,
            developer: opt_key("input.developer", Kind::Organisation, &input.developer)?,
            title: input.title,
            code: input.code,
            field: input.field,
            level: input.level,
            edition: input.edition,
            issued_on: date(input.issued_on),
            source: opt_key("input.source", Kind::Source, &input.source)?,
            translations: texts(&input.translations),
            idempotency_key: input.idempotency_key,
        })
    }
}

impl TryFrom<UpdateCurriculumStandardInput> for Change<st::StandardPatch> {
    type Error = async_graphql::Error;
    fn try_from(input: UpdateCurriculumStandardInput) -> Result<Self> {
        Ok(Change {
            id: key("input.id", Kind::CurriculumStandard, &input.id)?,
            expected_version: input.expected_version,
            patch: st::StandardPatch {
                visibility: input.visibility,
                developer: opt_key("input.developer", Kind::Organisation, &input.developer)?,
                title: input.title,
                code: patch(input.code),
                field: patch(input.field),
                level: patch(input.level),
                edition: patch(input.edition),
                issued_on: patch_date(input.issued_on),
                source: patch_key("input.source", Kind::Source, input.source)?,
                translations: input.translations.as_deref().map(texts),
            },
        })
    }
}

impl TryFrom<AddAdoptionInput> for Change<st::AdoptionInput> {
    type Error = async_graphql::Error;
    fn try_from(input: AddAdoptionInput) -> Result<Self> {
        Ok(Change {
            id: key("input.standard", Kind::CurriculumStandard, &input.standard)?,
            expected_version: input.expected_version,
            patch: st::AdoptionInput {
                country: input.country,
                institution: opt_key("input.institution", Kind::Organisation, &input.institution)?,
                kind: input.kind,
                adopted_on: date(input.adopted_on),
                evidence: input.evidence,
                source: opt_key("input.source", Kind::Source, &input.source)?,
            },
        })
    }
}
