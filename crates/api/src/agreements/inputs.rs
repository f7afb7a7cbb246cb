//! The agreement inputs: the list's filter and order, and the mutations' inputs, each
//! with its conversion to the service's form.
use async_graphql::{ID, InputObject, MaybeUndefined};
use service::agreements as ag;
use service::entity::enums::*;

use super::Agreement;
use crate::error::Result;
use crate::ids::{Kind, decode_all};
use crate::input::{
    Change, DateRangeInput, Part, country_codes, date, field_codes, key, opt_key, order_input,
    parts, patch, patch_date, patch_key, payload, range, versioned_input,
};
use crate::scalars::Date;
use crate::translations::{TranslationInput, texts};

order_input!(
    /// How to sort agreements (default: by signing date; unknown dates last).
    AgreementOrder, AgreementOrderField, "service::agreements::AgreementOrderField", service::agreements::AgreementOrderField, SignedOn,
    { /// By title.
      Title, /// By when the record was created.
      CreatedAt, /// By start of validity (unknown dates last).
      ValidFrom, /// By end of validity (open-ended last).
      ValidTo , /// By when the record last changed (with `filter.updatedSince`, to catch up).
      UpdatedAt });

/// Which agreements to list. Conditions combine with AND; list values with OR.
#[derive(InputObject, Clone, Default)]
pub struct AgreementFilter {
    /// Only records changed at or after this time (inclusive), to catch up.
    pub updated_since: Option<crate::scalars::DateTime>,
    /// Case-insensitive substring of the title or description.
    pub search: Option<String>,
    /// Owned by any of these member organisations.
    pub owners: Option<Vec<ID>>,
    /// Of any of these kinds.
    pub kinds: Option<Vec<AgreementKind>>,
    /// In any of these lifecycle stages.
    pub statuses: Option<Vec<AgreementStatus>>,
    /// Signed within this range.
    pub signed_on: Option<DateRangeInput>,
    /// In effect on this date: IN_EFFECT, EXPIRED or RENEWED (it took effect and was not
    /// ended early) with the date inside its validity (an open end is unbounded).
    pub valid_on: Option<Date>,
    /// Validity starting within this range.
    pub valid_from: Option<DateRangeInput>,
    /// Validity ending within this range.
    pub valid_to: Option<DateRangeInput>,
    /// With any of these organisations as a party.
    pub parties: Option<Vec<ID>>,
    /// With a party based in any of these countries or regions (ISO codes).
    pub party_countries: Option<Vec<String>>,
    /// Signed or witnessed by any of these people.
    pub people: Option<Vec<ID>>,
    /// Signed at any of these events.
    pub signed_at: Option<Vec<ID>>,
    /// Covering any of these ISCED-F fields (a broad code matches its narrower fields).
    pub fields: Option<Vec<String>>,
    /// `true`: only archived records (which only their owner and the coordinator can read); otherwise only live ones.
    pub archived: Option<bool>,
}

impl AgreementFilter {
    pub fn parse(f: Option<Self>) -> Result<ag::AgreementFilter> {
        let f = f.unwrap_or_default();
        Ok(ag::AgreementFilter {
            archived: f.archived,
            search: f.search,
            owners: decode_all("filter.owners", Kind::Organisation, &f.owners)?,
            kinds: f.kinds,
            statuses: f.statuses,
            signed_on: range("filter.signedOn", &f.signed_on)?,
            valid_on: date(f.valid_on),
            valid_from: range("filter.validFrom", &f.valid_from)?,
            valid_to: range("filter.validTo", &f.valid_to)?,
            parties: decode_all("filter.parties", Kind::Organisation, &f.parties)?,
            party_countries: country_codes("filter.partyCountries", &f.party_countries)?,
            people: decode_all("filter.people", Kind::Person, &f.people)?,
            signed_at_events: decode_all("filter.signedAt", Kind::Event, &f.signed_at)?,
            fields: field_codes("filter.fields", &f.fields)?,
        })
    }
}

/// An organisation party to an agreement.
#[derive(InputObject, Clone)]
pub struct PartyInput {
    /// The organisation's global id.
    pub organisation: ID,
    /// Its role (default PARTY).
    #[graphql(default_with = "PartyRole::Party")]
    pub role: PartyRole,
}

/// A signatory or witness.
#[derive(InputObject, Clone)]
pub struct AgreementPersonInput {
    /// The person's global id.
    pub person: ID,
    /// Signatory or witness.
    pub role: AgreementPersonRole,
    /// The title they held when signing.
    pub title: Option<String>,
    /// The organisation they signed for.
    pub organisation: Option<ID>,
    /// The title in other languages (`{ field: "title", lang: "zh", text: "校长" }`).
    #[graphql(default)]
    pub translations: Vec<TranslationInput>,
}

/// A new agreement, with its parts.
#[derive(InputObject)]
pub struct CreateAgreementInput {
    /// The owning member; defaults to the caller's organisation (the coordinator must give it).
    pub owner: Option<ID>,
    /// Who may read it (default PRIVATE).
    pub visibility: Option<Visibility>,
    /// What sort of agreement.
    pub kind: AgreementKind,
    /// Lifecycle stage.
    pub status: AgreementStatus,
    /// Title.
    pub title: String,
    /// Summary.
    pub description: Option<String>,
    /// Date of signature.
    pub signed_on: Option<Date>,
    /// Start of validity.
    pub valid_from: Option<Date>,
    /// End of validity, on or after the start.
    pub valid_to: Option<Date>,
    /// The event it was signed at.
    pub signed_at: Option<ID>,
    /// The agreement it renews.
    pub renewal_of: Option<ID>,
    /// The source's global id.
    pub source: Option<ID>,
    /// ISCED-F codes.
    #[graphql(default)]
    pub fields: Vec<String>,
    /// Parties, in order.
    #[graphql(default)]
    pub parties: Vec<PartyInput>,
    /// Signatories and witnesses, in order.
    #[graphql(default)]
    pub people: Vec<AgreementPersonInput>,
    /// The title and description in other languages (e.g. `{ field: "title", lang: "zh", text: "…" }`).
    #[graphql(default)]
    pub translations: Vec<TranslationInput>,
    /// Repeating a create with the same key and input returns the first result.
    pub idempotency_key: Option<String>,
}

/// Changes to an agreement: omitted fields stay, `null` clears an optional one.
#[derive(InputObject)]
pub struct UpdateAgreementInput {
    /// The agreement's global id.
    pub id: ID,
    /// The version the caller last read; a stale one is CONFLICT.
    pub expected_version: i32,
    /// Who may read it.
    pub visibility: Option<Visibility>,
    /// What sort of agreement.
    pub kind: Option<AgreementKind>,
    /// A new status, along the lifecycle (see README).
    pub status: Option<AgreementStatus>,
    /// Title.
    pub title: Option<String>,
    /// Summary.
    pub description: MaybeUndefined<String>,
    /// Date of signature.
    pub signed_on: MaybeUndefined<Date>,
    /// Start of validity.
    pub valid_from: MaybeUndefined<Date>,
    /// End of validity.
    pub valid_to: MaybeUndefined<Date>,
    /// The event it was signed at.
    pub signed_at: MaybeUndefined<ID>,
    /// The agreement it renews.
    pub renewal_of: MaybeUndefined<ID>,
    /// The source's global id.
    pub source: MaybeUndefined<ID>,
    /// ISCED-F codes, replacing the current ones.
    pub fields: Option<Vec<String>>,
    /// The title and description in other languages, replacing every text there is (`[]` removes them all).
    pub translations: Option<Vec<TranslationInput>>,
}

/// The agreement's parties, replacing the current list.
#[derive(InputObject)]
pub struct SetAgreementPartiesInput {
    /// The agreement's global id.
    pub id: ID,
    /// The version the caller last read.
    pub expected_version: i32,
    /// The new list, in order.
    pub parties: Vec<PartyInput>,
}

/// One party to add to an agreement.
#[derive(InputObject)]
pub struct AddAgreementPartyInput {
    /// The agreement's global id.
    pub id: ID,
    /// The version the caller last read.
    pub expected_version: i32,
    /// The party.
    pub party: PartyInput,
    /// Where in the list (from 0); at the end when omitted.
    pub position: Option<i32>,
}

/// One party to remove from an agreement.
#[derive(InputObject)]
pub struct RemoveAgreementPartyInput {
    /// The agreement's global id.
    pub id: ID,
    /// The version the caller last read.
    pub expected_version: i32,
    /// The organisation's global id.
    pub organisation: ID,
}

/// The agreement's signatories and witnesses, replacing the current list.
#[derive(InputObject)]
pub struct SetAgreementPeopleInput {
    /// The agreement's global id.
    pub id: ID,
    /// The version the caller last read.
    pub expected_version: i32,
    /// The new list, in order.
    pub people: Vec<AgreementPersonInput>,
}

/// One signatory or witness to add.
#[derive(InputObject)]
pub struct AddAgreementPersonInput {
    /// The agreement's global id.
    pub id: ID,
    /// The version the caller last read.
    pub expected_version: i32,
    /// The person and role.
    pub person: AgreementPersonInput,
    /// Where in the list (from 0); at the end when omitted.
    pub position: Option<i32>,
}

/// One signatory or witness to remove.
#[derive(InputObject)]
pub struct RemoveAgreementPersonInput {
    /// The agreement's global id.
    pub id: ID,
    /// The version the caller last read.
    pub expected_version: i32,
    /// The person's global id.
    pub person: ID,
    /// The role to remove.
    pub role: AgreementPersonRole,
}

versioned_input! {
    ConfirmAgreementInput: "Which agreement the caller's organisation (a party) confirms, at which version.";
}

payload! {
    CreateAgreementPayload { agreement: Agreement } "The agreement created.";
    UpdateAgreementPayload { agreement: Agreement } "The agreement updated.";
    SetAgreementPartsPayload { agreement: Agreement } "The agreement with its changed parts.";
    ConfirmAgreementPayload { agreement: Agreement } "The agreement confirmed.";
}

impl Part for PartyInput {
    type Parsed = ag::PartyInput;
    fn parse(&self, field: &str) -> Result<Self::Parsed> {
        Ok(ag::PartyInput {
            organisation: key(
                &format!("{field}.organisation"),
                Kind::Organisation,
                &self.organisation,
            )?,
            role: self.role,
        })
    }
}

impl Part for AgreementPersonInput {
    type Parsed = ag::AgreementPersonInput;
    fn parse(&self, field: &str) -> Result<Self::Parsed> {
        Ok(ag::AgreementPersonInput {
            person: key(&format!("{field}.person"), Kind::Person, &self.person)?,
            role: self.role,
            title: self.title.clone(),
            organisation: opt_key(
                &format!("{field}.organisation"),
                Kind::Organisation,
                &self.organisation,
            )?,
            translations: texts(&self.translations),
        })
    }
}

impl TryFrom<CreateAgreementInput> for ag::AgreementInput {
    type Error = async_graphql::Error;
    fn try_from(input: CreateAgreementInput) -> Result<Self> {
        Ok(ag::AgreementInput {
            owner: opt_key("input.owner", Kind::Organisation, &input.owner)?,
            visibility: input.visibility,
            kind: input.kind,
            status: input.status,
            title: input.title,
            description: input.description,
            signed_on: date(input.signed_on),
            valid_from: date(input.valid_from),
            valid_to: date(input.valid_to),
            signed_at: opt_key("input.signedAt", Kind::Event, &input.signed_at)?,
            renewal_of: opt_key("input.renewalOf", Kind::Agreement, &input.renewal_of)?,
            source: opt_key("input.source", Kind::Source, &input.source)?,
            fields: input.fields,
            parties: parts("input.parties", &input.parties)?,
            people: parts("input.people", &input.people)?,
            translations: texts(&input.translations),
            idempotency_key: input.idempotency_key,
        })
    }
}

impl TryFrom<UpdateAgreementInput> for Change<ag::AgreementPatch> {
    type Error = async_graphql::Error;
    fn try_from(input: UpdateAgreementInput) -> Result<Self> {
        Ok(Change {
            id: key("input.id", Kind::Agreement, &input.id)?,
            expected_version: input.expected_version,
            patch: ag::AgreementPatch {
                visibility: input.visibility,
                kind: input.kind,
                status: input.status,
                title: input.title,
                description: patch(input.description),
                signed_on: patch_date(input.signed_on),
                valid_from: patch_date(input.valid_from),
                valid_to: patch_date(input.valid_to),
                signed_at: patch_key("input.signedAt", Kind::Event, input.signed_at)?,
                renewal_of: patch_key("input.renewalOf", Kind::Agreement, input.renewal_of)?,
                source: patch_key("input.source", Kind::Source, input.source)?,
                fields: input.fields,
                translations: input.translations.as_deref().map(texts),
            },
        })
    }
}
