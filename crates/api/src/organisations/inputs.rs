//! The organisation inputs, each with its conversion to the service's form.
use async_graphql::{ID, InputObject, MaybeUndefined};
use service::entity::enums::*;
use service::organisations as org;

use super::Organisation;
use crate::error::Result;
use crate::ids::{Kind, decode_all};
use crate::input::{
    Change, Part, country_codes, key, opt_key, order_input, parts, patch, patch_key, payload,
};

order_input!(
    /// How to sort organisations (default: by English name).
    OrganisationOrder, OrganisationOrderField, "service::organisations::OrganisationOrderField", service::organisations::OrganisationOrderField, Name,
    { /// By when the record was created.
      CreatedAt , /// By when the record last changed (with `filter.updatedSince`, to catch up).
      UpdatedAt });

/// Which organisations to list.
#[derive(InputObject, Clone, Default)]
pub struct OrganisationFilter {
    /// Only records changed at or after this time (inclusive), to catch up.
    pub updated_since: Option<crate::scalars::DateTime>,
    /// What a user typed, matched against every name, abbreviation and alias (and the
    /// names of duplicates merged in) with case, accents, punctuation and full/half
    /// width folded; results are ranked (a whole name equal to it, then names starting
    /// with it, then a later word starting with it, then names containing it), each rank
    /// in the chosen order.
    pub search: Option<String>,
    /// Partners of this organisation: the other parties of the agreements it or one of
    /// its units is a party to, and the partners of their partnerships, that the caller
    /// may read (live records only).
    pub partners_of: Option<ID>,
    /// Of any of these kinds.
    pub kinds: Option<Vec<OrganisationKind>>,
    /// Based in any of these countries or regions (ISO codes).
    pub countries: Option<Vec<String>>,
    /// Units of any of these organisations.
    pub parents: Option<Vec<ID>>,
    /// `true`: only organisations without a parent; `false`: only units.
    pub top_level: Option<bool>,
    /// Members of any of these consortia.
    pub consortia: Option<Vec<ID>>,
    /// With this ROR id.
    pub ror_id: Option<String>,
    /// `true`: only archived records (which only their owner and the coordinator can read); otherwise only live ones.
    pub archived: Option<bool>,
}

impl OrganisationFilter {
    pub fn parse(f: Option<Self>) -> Result<org::OrganisationFilter> {
        let f = f.unwrap_or_default();
        Ok(org::OrganisationFilter {
            archived: f.archived,
            search: f.search,
            partners_of: crate::input::opt_key(
                "filter.partnersOf",
                Kind::Organisation,
                &f.partners_of,
            )?,
            kinds: f.kinds,
            countries: country_codes("filter.countries", &f.countries)?,
            parents: decode_all("filter.parents", Kind::Organisation, &f.parents)?,
            top_level: f.top_level,
            consortia: decode_all("filter.consortia", Kind::Consortium, &f.consortia)?,
            ror_id: f.ror_id,
        })
    }
}

/// A further name of an organisation.
#[derive(InputObject, Clone)]
pub struct NameInput {
    /// BCP 47 language tag.
    pub lang: String,
    /// How the name is used.
    pub kind: NameKind,
    /// The name.
    pub value: String,
}

/// An identifier in another register.
#[derive(InputObject, Clone)]
pub struct IdentifierInput {
    /// The register (e.g. SCHAC, ERASMUS).
    pub scheme: String,
    /// The identifier there.
    pub value: String,
}

/// A new organisation in the registry (members maintain what they add; a member's units are its admins').
#[derive(InputObject)]
pub struct CreateOrganisationInput {
    /// What sort of body.
    pub kind: OrganisationKind,
    /// The parent, for a unit.
    pub parent: Option<ID>,
    /// Name in English.
    pub name_en: String,
    /// Name in Chinese.
    pub name_zh: Option<String>,
    /// Abbreviation.
    pub abbreviation: Option<String>,
    /// ISO 3166-1 alpha-2 code.
    pub country: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// Website (http or https).
    pub website: Option<String>,
    /// ROR id, bare or as a URL.
    pub ror_id: Option<String>,
    /// The source's global id.
    pub source: Option<ID>,
    /// Further names.
    #[graphql(default)]
    pub names: Vec<NameInput>,
    /// External identifiers.
    #[graphql(default)]
    pub identifiers: Vec<IdentifierInput>,
    /// Repeating a create with the same key and input returns the first result.
    pub idempotency_key: Option<String>,
}

/// Changes to an organisation.
#[derive(InputObject)]
pub struct UpdateOrganisationInput {
    /// The organisation's global id.
    pub id: ID,
    /// The version the caller last read; a stale one is CONFLICT.
    pub expected_version: i32,
    /// What sort of body.
    pub kind: Option<OrganisationKind>,
    /// The parent.
    pub parent: MaybeUndefined<ID>,
    /// Name in English.
    pub name_en: Option<String>,
    /// Name in Chinese.
    pub name_zh: MaybeUndefined<String>,
    /// Abbreviation.
    pub abbreviation: MaybeUndefined<String>,
    /// ISO 3166-1 alpha-2 code.
    pub country: MaybeUndefined<String>,
    /// City.
    pub city: MaybeUndefined<String>,
    /// Address.
    pub address: MaybeUndefined<String>,
    /// Website.
    pub website: MaybeUndefined<String>,
    /// ROR id.
    pub ror_id: MaybeUndefined<String>,
    /// The source's global id.
    pub source: MaybeUndefined<ID>,
    /// Further names, replacing the current ones.
    pub names: Option<Vec<NameInput>>,
    /// External identifiers, replacing the current ones.
    pub identifiers: Option<Vec<IdentifierInput>>,
}

/// Which duplicate to fold into which survivor.
#[derive(InputObject)]
pub struct MergeOrganisationsInput {
    /// The organisation that stays.
    pub survivor: ID,
    /// The duplicate: its references move to the survivor and it is archived.
    pub duplicate: ID,
}

/// The organisation created, and those it may duplicate.
#[derive(async_graphql::SimpleObject)]
pub struct CreateOrganisationPayload {
    /// The record as it is after the mutation.
    pub organisation: Organisation,
    /// Live organisations that may be the same body: the same name (folded: case,
    /// accents, punctuation, width) in the same country, or one of its identifiers'
    /// values under another scheme. The same ROR id or identifier is CONFLICT instead.
    pub possible_duplicates: Vec<Organisation>,
}

payload! {
    UpdateOrganisationPayload { organisation: Organisation } "The organisation updated.";
    MergeOrganisationsPayload { organisation: Organisation } "The surviving organisation.";
}

impl Part for NameInput {
    type Parsed = org::NameInput;
    fn parse(&self, _: &str) -> Result<Self::Parsed> {
        Ok(org::NameInput {
            lang: self.lang.clone(),
            kind: self.kind,
            value: self.value.clone(),
        })
    }
}

impl Part for IdentifierInput {
    type Parsed = org::IdentifierInput;
    fn parse(&self, _: &str) -> Result<Self::Parsed> {
        Ok(org::IdentifierInput {
            scheme: self.scheme.clone(),
            value: self.value.clone(),
        })
    }
}

impl TryFrom<CreateOrganisationInput> for org::OrganisationInput {
    type Error = async_graphql::Error;
    fn try_from(input: CreateOrganisationInput) -> Result<Self> {
        Ok(org::OrganisationInput {
            kind: input.kind,
            parent: opt_key("input.parent", Kind::Organisation, &input.parent)?,
            name_en: input.name_en,
            name_zh: input.name_zh,
            abbreviation: input.abbreviation,
            country: input.country,
            city: input.city,
            address: input.address,
            website: input.website,
            ror_id: input.ror_id,
            source: opt_key("input.source", Kind::Source, &input.source)?,
            names: parts("input.names", &input.names)?,
            identifiers: parts("input.identifiers", &input.identifiers)?,
            idempotency_key: input.idempotency_key,
        })
    }
}

impl TryFrom<UpdateOrganisationInput> for Change<org::OrganisationPatch> {
    type Error = async_graphql::Error;
    fn try_from(input: UpdateOrganisationInput) -> Result<Self> {
        Ok(Change {
            id: key("input.id", Kind::Organisation, &input.id)?,
            expected_version: input.expected_version,
            patch: org::OrganisationPatch {
                kind: input.kind,
                parent: patch_key("input.parent", Kind::Organisation, input.parent)?,
                name_en: input.name_en,
                name_zh: patch(input.name_zh),
                abbreviation: patch(input.abbreviation),
                country: patch(input.country),
                city: patch(input.city),
                address: patch(input.address),
                website: patch(input.website),
                ror_id: patch(input.ror_id),
                source: patch_key("input.source", Kind::Source, input.source)?,
                names: input.names.map(|n| parts("input.names", &n)).transpose()?,
                identifiers: input
                    .identifiers
                    .map(|i| parts("input.identifiers", &i))
                    .transpose()?,
            },
        })
    }
}
