//! The person inputs, each with its conversion to the service's form.
use async_graphql::{ID, InputObject, MaybeUndefined};
use service::people as ppl;

use super::Person;
use crate::error::Result;
use crate::ids::{Kind, decode_all};
use crate::input::{Change, Part, date, key, opt_key, order_input, patch, patch_key, payload};
use crate::scalars::Date;
use crate::translations::{TranslationInput, texts};

order_input!(
    /// How to sort people (default: by family name, then given name).
    PersonOrder, PersonOrderField, "service::people::PersonOrderField", service::people::PersonOrderField, FamilyName,
    { /// By when the record was created.
      CreatedAt , /// By when the record last changed (with `filter.updatedSince`, to catch up).
      UpdatedAt });

/// Which people to list.
#[derive(InputObject, Clone, Default)]
pub struct PersonFilter {
    /// Only records changed at or after this time (inclusive), to catch up.
    pub updated_since: Option<crate::scalars::DateTime>,
    /// What a user typed, matched against the family, given and Chinese names (either
    /// order, and the names of duplicates merged in) with case, accents, punctuation and
    /// width folded; ranked as `OrganisationFilter.search` is.
    pub search: Option<String>,
    /// Affiliated (at any time) with any of these organisations.
    pub organisations: Option<Vec<ID>>,
    /// `true`: only archived records (which only their owner and the coordinator can read); otherwise only live ones.
    pub archived: Option<bool>,
}

impl PersonFilter {
    pub fn parse(f: Option<Self>) -> Result<ppl::PersonFilter> {
        let f = f.unwrap_or_default();
        Ok(ppl::PersonFilter {
            archived: f.archived,
            search: f.search,
            organisations: decode_all(
                "filter.organisations",
                Kind::Organisation,
                &f.organisations,
            )?,
        })
    }
}

/// A position held.
#[derive(InputObject, Clone)]
pub struct AffiliationInput {
    /// The organisation's global id.
    pub organisation: ID,
    /// Title.
    pub title: Option<String>,
    /// Start.
    pub started_on: Option<Date>,
    /// End.
    pub ended_on: Option<Date>,
    /// The title in other languages (`{ field: "title", lang: "zh", text: "副校长" }`).
    #[graphql(default)]
    pub translations: Vec<TranslationInput>,
}

/// A new person in the registry.
#[derive(InputObject)]
pub struct CreatePersonInput {
    /// Family name (e.g. `JIANG`).
    pub family_name: String,
    /// Given name (e.g. `Hong`).
    pub given_name: Option<String>,
    /// Name in Chinese characters.
    pub name_zh: Option<String>,
    /// The source's global id.
    pub source: Option<ID>,
    /// Positions held.
    #[graphql(default)]
    pub affiliations: Vec<AffiliationInput>,
    /// Repeating a create with the same key and input returns the first result.
    pub idempotency_key: Option<String>,
}

/// Changes to a person.
#[derive(InputObject)]
pub struct UpdatePersonInput {
    /// The person's global id.
    pub id: ID,
    /// The version the caller last read; a stale one is CONFLICT.
    pub expected_version: i32,
    /// Family name.
    pub family_name: Option<String>,
    /// Given name.
    pub given_name: MaybeUndefined<String>,
    /// Name in Chinese characters.
    pub name_zh: MaybeUndefined<String>,
    /// The source's global id.
    pub source: MaybeUndefined<ID>,
}

/// A person's positions, replacing the current list.
#[derive(InputObject)]
pub struct SetAffiliationsInput {
    /// The person's global id.
    pub id: ID,
    /// The version the caller last read.
    pub expected_version: i32,
    /// The positions, in order.
    pub affiliations: Vec<AffiliationInput>,
}

/// Which duplicate person to fold into which survivor.
#[derive(InputObject)]
pub struct MergePeopleInput {
    /// The person who stays.
    pub survivor: ID,
    /// The duplicate: their references move to the survivor and they are archived.
    pub duplicate: ID,
}

/// The person created, and those they may duplicate.
#[derive(async_graphql::SimpleObject)]
pub struct CreatePersonPayload {
    /// The record as it is after the mutation.
    pub person: Person,
    /// Live people with the same full name (folded: case, accents, punctuation, width;
    /// either order), who may be the same person.
    pub possible_duplicates: Vec<Person>,
}

payload! {
    UpdatePersonPayload { person: Person } "The person updated.";
    SetAffiliationsPayload { person: Person } "The person with the new affiliations.";
    MergePeoplePayload { person: Person } "The surviving person.";
}

impl Part for AffiliationInput {
    type Parsed = ppl::AffiliationInput;
    fn parse(&self, field: &str) -> Result<Self::Parsed> {
        Ok(ppl::AffiliationInput {
            organisation: key(
                &format!("{field}.organisation"),
                Kind::Organisation,
                &self.organisation,
            )?,
            title: self.title.clone(),
            started_on: date(self.started_on),
            ended_on: date(self.ended_on),
            translations: texts(&self.translations),
        })
    }
}

impl TryFrom<CreatePersonInput> for ppl::PersonInput {
    type Error = async_graphql::Error;
    fn try_from(input: CreatePersonInput) -> Result<Self> {
        Ok(ppl::PersonInput {
            family_name: input.family_name,
            given_name: input.given_name,
            name_zh: input.name_zh,
            source: opt_key("input.source", Kind::Source, &input.source)?,
            affiliations: crate::input::parts("input.affiliations", &input.affiliations)?,
            idempotency_key: input.idempotency_key,
        })
    }
}

impl TryFrom<UpdatePersonInput> for Change<ppl::PersonPatch> {
    type Error = async_graphql::Error;
    fn try_from(input: UpdatePersonInput) -> Result<Self> {
        Ok(Change {
            id: key("input.id", Kind::Person, &input.id)?,
            expected_version: input.expected_version,
            patch: ppl::PersonPatch {
                family_name: input.family_name,
                given_name: patch(input.given_name),
                name_zh: patch(input.name_zh),
                source: patch_key("input.source", Kind::Source, input.source)?,
            },
        })
    }
}
