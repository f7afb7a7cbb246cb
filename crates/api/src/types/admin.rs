use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use service::entity::enums::Role;
use service::entity::{api_token, audit_entry, confirmation};
use service::{Principal, Scope};

use super::{Organisation, organisation, organisation_opt};
use crate::error::Result;
use crate::ids::{Kind, encode};

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
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it stops working, if ever.
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at
    }
    /// When it was revoked, if it was.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
    /// When it was last used (to the minute).
    async fn last_used_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_used_at
    }
}

pub struct AuditEntry(pub audit_entry::Model);

/// One successful write: who, when, which record, before and after.
#[Object]
impl AuditEntry {
    /// The entry's global id.
    pub async fn id(&self) -> ID {
        encode(Kind::AuditEntry, self.0.id)
    }
    /// When.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    /// The mutation, e.g. `updateEvent`.
    async fn operation(&self) -> &str {
        &self.0.operation
    }
    /// Who: the token's label and public id.
    async fn actor(&self) -> &str {
        &self.0.actor
    }
    /// The organisation the actor acted for; null for the coordinator.
    async fn actor_organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        organisation_opt(ctx, self.0.actor_organisation_id).await
    }
    /// The record's type, e.g. `event`.
    async fn record_type(&self) -> &str {
        &self.0.record_type
    }
    /// The record's global id.
    async fn record_id(&self) -> ID {
        let kind = match self.0.record_type.as_str() {
            "event" => Kind::Event,
            "agreement" => Kind::Agreement,
            "curriculum_standard" => Kind::CurriculumStandard,
            "training_centre" => Kind::TrainingCentre,
            "indicator" => Kind::Indicator,
            "organisation" => Kind::Organisation,
            "person" => Kind::Person,
            "source" => Kind::Source,
            "consortium" => Kind::Consortium,
            _ => Kind::Token,
        };
        encode(kind, self.0.record_id)
    }
    /// The record as it was before (JSON), if it existed.
    async fn before(&self) -> Option<&str> {
        self.0.before.as_deref()
    }
    /// The record as it was after (JSON).
    async fn after(&self) -> Option<&str> {
        self.0.after.as_deref()
    }
}

/// A party's sign-off of a version of a co-owned record.
pub struct Confirmation {
    pub model: confirmation::Model,
    pub current: bool,
}

/// A party's sign-off of one version of a co-owned record.
#[Object]
impl Confirmation {
    /// The confirming organisation.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        organisation(ctx, self.model.organisation_id).await
    }
    /// The version it confirmed.
    async fn version(&self) -> i32 {
        self.model.version
    }
    /// Whether that is still the record's version (false: it changed since).
    async fn current(&self) -> bool {
        self.current
    }
    /// When.
    async fn confirmed_at(&self) -> DateTime<Utc> {
        self.model.confirmed_at
    }
}

/// Who the caller is.
pub struct Viewer;

/// The caller, as the bearer token (or its absence) makes it.
#[Object]
impl Viewer {
    /// ANONYMOUS without a token; otherwise the token's role.
    async fn role(&self, ctx: &Context<'_>) -> Option<Role> {
        ctx.data_unchecked::<Scope>().principal().role()
    }
    /// The organisation the caller acts for; null for anonymous callers and the coordinator.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        organisation_opt(
            ctx,
            ctx.data_unchecked::<Scope>().principal().organisation(),
        )
        .await
    }
    /// Whether the caller is the coordinating centre.
    async fn is_coordinator(&self, ctx: &Context<'_>) -> bool {
        matches!(
            ctx.data_unchecked::<Scope>().principal(),
            Principal::Coordinator { .. }
        )
    }
}
