//! The consortium inputs, each with its conversion to the service's form.
use async_graphql::{ID, InputObject, MaybeUndefined};
use service::consortia as con;

use super::Consortium;
use crate::error::Result;
use crate::ids::{Kind, decode_all};
use crate::input::{Change, Part, date, key, opt_key, patch, patch_key, payload};
use crate::scalars::Date;

/// Which consortia to list.
#[derive(InputObject, Clone, Default)]
pub struct ConsortiumFilter {
    /// Only records changed at or after this time (inclusive), to catch up.
    pub updated_since: Option<crate::scalars::DateTime>,
    /// Case-insensitive substring of the name.
    pub search: Option<String>,
    /// With any of these organisations as members.
    pub members: Option<Vec<ID>>,
    /// `true`: only archived records (which only their owner and the coordinator can read); otherwise only live ones.
    pub archived: Option<bool>,
}

impl ConsortiumFilter {
    pub fn parse(f: Option<Self>) -> Result<con::ConsortiumFilter> {
        let f = f.unwrap_or_default();
        Ok(con::ConsortiumFilter {
            archived: f.archived,
            search: f.search,
            members: decode_all("filter.members", Kind::Organisation, &f.members)?,
        })
    }
}

/// Changes to a consortium (coordinator only).
#[derive(InputObject)]
pub struct UpdateConsortiumInput {
    /// The consortium's global id.
    pub id: ID,
    /// The version the caller last read; a stale one is CONFLICT.
    pub expected_version: i32,
    /// Name in English.
    pub name_en: Option<String>,
    /// Name in Chinese.
    pub name_zh: MaybeUndefined<String>,
    /// The coordinating organisation's global id.
    pub coordinator: MaybeUndefined<ID>,
}

/// A new consortium (coordinator only).
#[derive(InputObject)]
pub struct CreateConsortiumInput {
    /// Name in English.
    pub name_en: String,
    /// Name in Chinese.
    pub name_zh: Option<String>,
    /// The coordinating organisation's global id.
    pub coordinator: Option<ID>,
}

/// A membership.
#[derive(InputObject, Clone)]
pub struct MemberInput {
    /// The member organisation's global id.
    pub organisation: ID,
    /// When it joined.
    pub joined_on: Option<Date>,
    /// When it left.
    pub left_on: Option<Date>,
}

/// A consortium's members, replacing the current list (coordinator only).
#[derive(InputObject)]
pub struct SetConsortiumMembersInput {
    /// The consortium's global id.
    pub id: ID,
    /// The version the caller last read.
    pub expected_version: i32,
    /// The members.
    pub members: Vec<MemberInput>,
}

/// One new member of a consortium; the others stay as they are (coordinator only).
#[derive(InputObject)]
pub struct AddConsortiumMemberInput {
    /// The consortium's global id.
    pub id: ID,
    /// The version the caller last read.
    pub expected_version: i32,
    /// The organisation joining.
    pub organisation: ID,
    /// When it joined (membership counts from this day).
    pub joined_on: Option<Date>,
    /// When it left, if it has (membership counts up to this day).
    pub left_on: Option<Date>,
}

impl AddConsortiumMemberInput {
    /// The consortium, its version and the membership in the service's form.
    pub fn parse(&self) -> Result<(i64, i32, con::MemberInput)> {
        let id = key("input.id", Kind::Consortium, &self.id)?;
        let organisation = key("input.organisation", Kind::Organisation, &self.organisation)?;
        Ok((
            id,
            self.expected_version,
            con::MemberInput {
                organisation,
                joined_on: date(self.joined_on),
                left_on: date(self.left_on),
            },
        ))
    }
}

/// A member leaving a consortium (coordinator only).
#[derive(InputObject)]
pub struct RemoveConsortiumMemberInput {
    /// The consortium's global id.
    pub id: ID,
    /// The version the caller last read.
    pub expected_version: i32,
    /// The member organisation.
    pub organisation: ID,
    /// The last day of its membership, kept in the consortium's history; without it the
    /// membership is deleted as if it had never been (for one entered by mistake).
    pub left_on: Option<Date>,
}

payload! {
    AddConsortiumMemberPayload { consortium: Consortium } "The consortium with its new member.";
    RemoveConsortiumMemberPayload { consortium: Consortium } "The consortium without the member, or with its membership ended.";
    UpdateConsortiumPayload { consortium: Consortium } "The consortium updated.";
    CreateConsortiumPayload { consortium: Consortium } "The consortium created.";
    SetConsortiumMembersPayload { consortium: Consortium } "The consortium with its new members.";
}

impl Part for MemberInput {
    type Parsed = con::MemberInput;
    fn parse(&self, field: &str) -> Result<Self::Parsed> {
        Ok(con::MemberInput {
            organisation: key(
                &format!("{field}.organisation"),
                Kind::Organisation,
                &self.organisation,
            )?,
            joined_on: date(self.joined_on),
            left_on: date(self.left_on),
        })
    }
}

impl TryFrom<CreateConsortiumInput> for con::ConsortiumInput {
    type Error = async_graphql::Error;
    fn try_from(input: CreateConsortiumInput) -> Result<Self> {
        Ok(con::ConsortiumInput {
            name_en: input.name_en,
            name_zh: input.name_zh,
            coordinator: opt_key("input.coordinator", Kind::Organisation, &input.coordinator)?,
        })
    }
}

impl TryFrom<UpdateConsortiumInput> for Change<con::ConsortiumPatch> {
    type Error = async_graphql::Error;
    fn try_from(input: UpdateConsortiumInput) -> Result<Self> {
        Ok(Change {
            id: key("input.id", Kind::Consortium, &input.id)?,
            expected_version: input.expected_version,
            patch: con::ConsortiumPatch {
                name_en: input.name_en,
                name_zh: patch(input.name_zh),
                coordinator: patch_key("input.coordinator", Kind::Organisation, input.coordinator)?,
            },
        })
    }
}
