//! The training centre inputs, each with its conversion to the service's form.
use async_graphql::{ID, InputObject, MaybeUndefined};
use service::centres as ce;
use service::entity::enums::*;

use super::TrainingCentre;
use crate::error::Result;
use crate::ids::{Kind, decode_all};
use crate::input::{
    Change, DateRangeInput, country_codes, date, key, opt_key, order_input, patch, patch_date,
    patch_key, payload, range,
};
use crate::scalars::Date;
use crate::translations::{TranslationInput, texts};

order_input!(
    /// How to sort training centres (default: by name).
    TrainingCentreOrder, TrainingCentreOrderField, "service::centres::CentreOrderField", service::centres::CentreOrderField, Name,
    { /// By opening date.
      OpenedOn, /// By when the record was created.
      CreatedAt , /// By when the record last changed (with `filter.updatedSince`, to catch up).
      UpdatedAt });

/// Which training centres to list.
#[derive(InputObject, Clone, Default)]
pub struct TrainingCentreFilter {
    /// Only records changed at or after this time (inclusive), to catch up.
    pub updated_since: Option<crate::scalars::DateTime>,
    /// Case-insensitive substring of the name or city.
    pub search: Option<String>,
    /// Owned by any of these member organisations.
    pub owners: Option<Vec<ID>>,
    /// Operated by any of these organisations.
    pub operators: Option<Vec<ID>>,
    /// With any of these local partners.
    pub partners: Option<Vec<ID>>,
    /// In any of these countries or regions (ISO codes).
    pub countries: Option<Vec<String>>,
    /// In any of these states.
    pub statuses: Option<Vec<CentreStatus>>,
    /// Opened within this range.
    pub opened_on: Option<DateRangeInput>,
    /// `true`: only archived records (which only their owner and the coordinator can read); otherwise only live ones.
    pub archived: Option<bool>,
}

impl TrainingCentreFilter {
    pub fn parse(f: Option<Self>) -> Result<ce::CentreFilter> {
        let f = f.unwrap_or_default();
        Ok(ce::CentreFilter {
            archived: f.archived,
            search: f.search,
            owners: decode_all("filter.owners", Kind::Organisation, &f.owners)?,
            operators: decode_all("filter.operators", Kind::Organisation, &f.operators)?,
            partners: decode_all("filter.partners", Kind::Organisation, &f.partners)?,
            countries: country_codes("filter.countries", &f.countries)?,
            statuses: f.statuses,
            opened_on: range("filter.openedOn", &f.opened_on)?,
        })
    }
}

/// A new training centre.
#[derive(InputObject)]
pub struct CreateTrainingCentreInput {
    /// The owning member; defaults to the caller's organisation.
    pub owner: Option<ID>,
    /// Who may read it (default PRIVATE).
    pub visibility: Option<Visibility>,
    /// Name.
    pub name: String,
    /// The operating member; defaults to the owner.
    pub operator: Option<ID>,
    /// The local partner.
    pub partner: Option<ID>,
    /// ISO 3166-1 alpha-2 code.
    pub country: String,
    /// City.
    pub city: Option<String>,
    /// Opening date.
    pub opened_on: Option<Date>,
    /// Status.
    pub status: CentreStatus,
    /// ISCED-F codes.
    #[graphql(default)]
    pub fields: Vec<String>,
    /// The source's global id.
    pub source: Option<ID>,
    /// The name in other languages (e.g. `{ field: "name", lang: "zh", text: "…" }`).
    #[graphql(default)]
    pub translations: Vec<TranslationInput>,
    /// Repeating a create with the same key and input returns the first result.
    pub idempotency_key: Option<String>,
}

/// Changes to a training centre.
#[derive(InputObject)]
pub struct UpdateTrainingCentreInput {
    /// The centre's global id.
    pub id: ID,
    /// The version the caller last read; a stale one is CONFLICT.
    pub expected_version: i32,
    /// Who may read it.
    pub visibility: Option<Visibility>,
    /// Name.
    pub name: Option<String>,
    /// The operating member.
    pub operator: Option<ID>,
    /// The local partner.
    pub partner: MaybeUndefined<ID>,
    /// ISO 3166-1 alpha-2 code.
    pub country: Option<String>,
    /// City.
    pub city: MaybeUndefined<String>,
    /// Opening date.
    pub opened_on: MaybeUndefined<Date>,
    /// A new status, along its lifecycle.
    pub status: Option<CentreStatus>,
    /// ISCED-F codes, replacing the current ones.
    pub fields: Option<Vec<String>>,
    /// The source's global id.
    pub source: MaybeUndefined<ID>,
    /// The name in other languages, replacing every text there is (`[]` removes them all).
    pub translations: Option<Vec<TranslationInput>>,
}

payload! {
    CreateTrainingCentrePayload { training_centre: TrainingCentre } "The centre created.";
    UpdateTrainingCentrePayload { training_centre: TrainingCentre } "The centre updated.";
}

impl TryFrom<CreateTrainingCentreInput> for ce::CentreInput {
    type Error = async_graphql::Error;
    fn try_from(input: CreateTrainingCentreInput) -> Result<Self> {
        Ok(ce::CentreInput {
            owner: opt_key("input.owner", Kind::Organisation, &input.owner)?,
            visibility: input.visibility,
            name: input.name,
            operator: opt_key("input.operator", Kind::Organisation, &input.operator)?,
            partner: opt_key("input.partner", Kind::Organisation, &input.partner)?,
            country: input.country,
            city: input.city,
            opened_on: date(input.opened_on),
            status: input.status,
            fields: input.fields,
            source: opt_key("input.source", Kind::Source, &input.source)?,
            translations: texts(&input.translations),
            idempotency_key: input.idempotency_key,
        })
    }
}

impl TryFrom<UpdateTrainingCentreInput> for Change<ce::CentrePatch> {
    type Error = async_graphql::Error;
    fn try_from(input: UpdateTrainingCentreInput) -> Result<Self> {
        Ok(Change {
            id: key("input.id", Kind::TrainingCentre, &input.id)?,
            expected_version: input.expected_version,
            patch: ce::CentrePatch {
                visibility: input.visibility,
                name: input.name,
                operator: opt_key("input.operator", Kind::Organisation, &input.operator)?,
                partner: patch_key("input.partner", Kind::Organisation, input.partner)?,
                country: input.country,
                city: patch(input.city),
                opened_on: patch_date(input.opened_on),
                status: input.status,
                fields: input.fields,
                source: patch_key("input.source", Kind::Source, input.source)?,
                translations: input.translations.as_deref().map(texts),
            },
        })
    }
}
