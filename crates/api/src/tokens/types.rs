//! The token and viewer object types.
use crate::scalars::DateTime;
use async_graphql::{Context, ID, Object};
use service::Principal;
use service::entity::api_token;
use service::entity::enums::Role;

use crate::error::Result;
use crate::ids::{Kind, encode};
use crate::organisations::Organisation;
use crate::record::{organisation_opt, scope};

pub struct Token(pub api_token::Model);

/// A bearer token. Its secret was shown once, when it was issued, and is not stored.
#[Object]
impl Token {
    /// The token's global id.
    pub async fn id(&self) -> ID {
        encode(Kind::Token, self.0.id)
    }
    /// The visible part of the token (`concord_<publicId>_…`), to recognise it.
    async fn public_id(&self) -> &str {
        &self.0.public_id
    }
    /// What it is for.
    async fn label(&self) -> &str {
        &self.0.label
    }
    /// What it may do.
    async fn role(&self) -> Role {
        self.0.role
    }
    /// The member organisation it acts for; null for a coordinator token.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        organisation_opt(ctx, self.0.organisation_id).await
    }
    /// When it was issued.
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }
    /// When it stops working, if ever.
    async fn expires_at(&self) -> Option<DateTime> {
        self.0.expires_at.map(DateTime)
    }
    /// When it was revoked, if it was.
    async fn revoked_at(&self) -> Option<DateTime> {
        self.0.revoked_at.map(DateTime)
    }
    /// When it was last used (to the minute).
    async fn last_used_at(&self) -> Option<DateTime> {
        self.0.last_used_at.map(DateTime)
    }
}

/// Who the caller is.
pub struct Viewer;

/// The caller, as the bearer token (or its absence) makes it.
#[Object]
impl Viewer {
    /// ANONYMOUS without a token; otherwise the token's role.
    async fn role(&self, ctx: &Context<'_>) -> Option<Role> {
        scope(ctx).principal().role()
    }
    /// The organisation the caller acts for; null for anonymous callers and the coordinator.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        organisation_opt(ctx, scope(ctx).principal().organisation()).await
    }
    /// Whether the caller is the coordinating centre.
    async fn is_coordinator(&self, ctx: &Context<'_>) -> bool {
        matches!(scope(ctx).principal(), Principal::Coordinator { .. })
    }
}
