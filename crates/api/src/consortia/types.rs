//! The consortium object types.
use async_graphql::{Context, ID, Object};
use service::entity::{consortium, consortium_member};
use service::rel;

use crate::error::Result;
use crate::ids::{Kind, encode};
use crate::loader;
use crate::organisations::Organisation;
use crate::record::{organisation, organisation_opt};
use crate::scalars::{Date, date};
use crate::translations::name_in;

pub struct Consortium(pub consortium::Model);

/// A consortium: a coordinating organisation and its member universities.
#[Object]
impl Consortium {
    /// The consortium's global id.
    pub async fn id(&self) -> ID {
        encode(Kind::Consortium, self.0.id)
    }
    /// Name in English.
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }
    /// Name in Chinese.
    async fn name_zh(&self) -> Option<&str> {
        self.0.name_zh.as_deref()
    }
    /// Name in the language `lang` or the request's `Accept-Language`: Chinese for a
    /// `zh` tag when known, otherwise English.
    async fn name(&self, ctx: &Context<'_>, lang: Option<String>) -> Result<String> {
        name_in(ctx, lang, &self.0.name_en, self.0.name_zh.as_deref())
    }
    /// The coordinating organisation (e.g. UNESCO-ICHEI for Shenzhen), if designated.
    async fn coordinator(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        organisation_opt(ctx, self.0.coordinator_id).await
    }
    /// Incremented by every change.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When it was archived; archived entries are left out of lists.
    async fn archived_at(&self) -> Option<crate::scalars::DateTime> {
        self.0.archived_at.map(crate::scalars::DateTime)
    }
    /// The members, with their membership dates.
    async fn members(&self, ctx: &Context<'_>) -> Result<Vec<Membership>> {
        Ok(loader::all::<rel::ConsortiumMembers>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(Membership)
            .collect())
    }
}

pub struct Membership(pub consortium_member::Model);

/// An organisation's membership of a consortium.
#[Object]
impl Membership {
    /// The consortium.
    async fn consortium(&self, ctx: &Context<'_>) -> Result<Consortium> {
        Ok(Consortium(
            loader::required::<consortium::Entity>(ctx, self.0.consortium_id).await?,
        ))
    }
    /// The member organisation.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        organisation(ctx, self.0.organisation_id).await
    }
    /// When it joined, where known.
    async fn joined_on(&self) -> Option<Date> {
        date(self.0.joined_on)
    }
    /// When it left, if it has.
    async fn left_on(&self) -> Option<Date> {
        date(self.0.left_on)
    }
}
