//! The partnership inputs, each with its conversion to the service's form.
use async_graphql::{ID, InputObject, MaybeUndefined};
use service::entity::enums::*;
use service::partnerships as pa;

use super::Partnership;
use crate::error::Result;
use crate::ids::{Kind, decode_all};
use crate::input::{
    Change, DateRangeInput, country_codes, date, key, opt_key, order_input, patch, patch_date,
    patch_key, payload, range,
};
use crate::scalars::Date;

order_input!(
    /// How to sort partnerships (default: by `since`, open starts last).
    PartnershipOrder, PartnershipOrderField, "service::partnerships::PartnershipOrderField", service::partnerships::PartnershipOrderField, Since,
    { /// By `until` (open ends last).
      Until, /// By when the record was created.
      CreatedAt , /// By when the record last changed (with `filter.updatedSince`, to catch up).
      UpdatedAt });

/// Which partnerships to list.
#[derive(InputObject, Clone, Default)]
pub struct PartnershipFilter {
    /// Only records changed at or after this time (inclusive), to catch up.
    pub updated_since: Option<crate::scalars::DateTime>,
    /// Case-insensitive substring of the notes.
    pub search: Option<String>,
    /// Owned by any of these member organisations.
    pub owners: Option<Vec<ID>>,
    /// Of any of these members (or units).
    pub members: Option<Vec<ID>>,
    /// With any of these partner organisations.
    pub partners: Option<Vec<ID>>,
    /// Of any of these kinds.
    pub kinds: Option<Vec<PartnershipKind>>,
    /// In any of these states (as stored).
    pub statuses: Option<Vec<PartnershipStatus>>,
    /// With a partner based in any of these countries or regions (ISO codes).
    pub partner_countries: Option<Vec<String>>,
    /// Going on that day: begun by then (or of unknown start) and not ended before it.
    pub active_on: Option<Date>,
    /// Begun within this range.
    pub since: Option<DateRangeInput>,
    /// `true`: only archived records (which only their owner and the coordinator can read); otherwise only live ones.
    pub archived: Option<bool>,
}

impl PartnershipFilter {
    pub fn parse(f: Option<Self>) -> Result<pa::PartnershipFilter> {
        let f = f.unwrap_or_default();
        Ok(pa::PartnershipFilter {
            search: f.search,
            owners: decode_all("filter.owners", Kind::Organisation, &f.owners)?,
            members: decode_all("filter.members", Kind::Organisation, &f.members)?,
            partners: decode_all("filter.partners", Kind::Organisation, &f.partners)?,
            kinds: f.kinds,
            statuses: f.statuses,
            partner_countries: country_codes("filter.partnerCountries", &f.partner_countries)?,
            active_on: date(f.active_on),
            since: range("filter.since", &f.since)?,
            archived: f.archived,
        })
    }
}

/// A new partnership.
#[derive(InputObject)]
pub struct CreatePartnershipInput {
    /// The owning member; defaults to the caller's organisation.
    pub owner: Option<ID>,
    /// Who may read it (default PRIVATE).
    pub visibility: Option<Visibility>,
    /// The member (or unit) whose partner this is; defaults to the owner.
    pub member: Option<ID>,
    /// The partner organisation.
    pub partner: ID,
    /// What sort of partner it is.
    pub kind: PartnershipKind,
    /// Since when.
    pub since: Option<Date>,
    /// Until when; an ACTIVE partnership cannot have ended already.
    pub until: Option<Date>,
    /// Status (default ACTIVE).
    #[graphql(default_with = "PartnershipStatus::Active")]
    pub status: PartnershipStatus,
    /// Notes.
    pub notes: Option<String>,
    /// The source's global id.
    pub source: Option<ID>,
    /// Repeating a create with the same key and input returns the first result.
    pub idempotency_key: Option<String>,
}

/// Changes to a partnership.
#[derive(InputObject)]
pub struct UpdatePartnershipInput {
    /// The partnership's global id.
    pub id: ID,
    /// The version the caller last read; a stale one is CONFLICT.
    pub expected_version: i32,
    /// Who may read it.
    pub visibility: Option<Visibility>,
    /// The member (or unit) whose partner this is.
    pub member: Option<ID>,
    /// The partner organisation.
    pub partner: Option<ID>,
    /// What sort of partner it is.
    pub kind: Option<PartnershipKind>,
    /// Since when.
    pub since: MaybeUndefined<Date>,
    /// Until when.
    pub until: MaybeUndefined<Date>,
    /// Status.
    pub status: Option<PartnershipStatus>,
    /// Notes.
    pub notes: MaybeUndefined<String>,
    /// The source's global id.
    pub source: MaybeUndefined<ID>,
}

payload! {
    CreatePartnershipPayload { partnership: Partnership } "The partnership created.";
    UpdatePartnershipPayload { partnership: Partnership } "The partnership updated.";
}

impl TryFrom<CreatePartnershipInput> for pa::PartnershipInput {
    type Error = async_graphql::Error;
    fn try_from(input: CreatePartnershipInput) -> Result<Self> {
        Ok(pa::PartnershipInput {
            owner: opt_key("input.owner", Kind::Organisation, &input.owner)?,
            visibility: input.visibility,
            member: opt_key("input.member", Kind::Organisation, &input.member)?,
            partner: key("input.partner", Kind::Organisation, &input.partner)?,
            kind: input.kind,
            since: date(input.since),
            until: date(input.until),
            status: input.status,
            notes: input.notes,
            source: opt_key("input.source", Kind::Source, &input.source)?,
            idempotency_key: input.idempotency_key,
        })
    }
}

impl TryFrom<UpdatePartnershipInput> for Change<pa::PartnershipPatch> {
    type Error = async_graphql::Error;
    fn try_from(input: UpdatePartnershipInput) -> Result<Self> {
        Ok(Change {
            id: key("input.id", Kind::Partnership, &input.id)?,
            expected_version: input.expected_version,
            patch: pa::PartnershipPatch {
                visibility: input.visibility,
                member: opt_key("input.member", Kind::Organisation, &input.member)?,
                partner: opt_key("input.partner", Kind::Organisation, &input.partner)?,
                kind: input.kind,
                since: patch_date(input.since),
                until: patch_date(input.until),
                status: input.status,
                notes: patch(input.notes),
                source: patch_key("input.source", Kind::Source, input.source)?,
            },
        })
    }
}
