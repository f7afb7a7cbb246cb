//! The partnership object type.
use async_graphql::{Context, ID, Object};
use service::entity::enums::{PartnershipKind, PartnershipStatus};
use service::entity::partnership;

use crate::error::Result;
use crate::ids::{Kind, encode};
use crate::organisations::Organisation;
use crate::record::{OwnedFields, organisation, scope};
use crate::scalars::{Date, date};

pub struct Partnership(pub partnership::Model);

/// A member's standing relationship with a partner organisation (a university, a
/// company, a government body), beyond any one agreement.
#[Object]
impl Partnership {
    /// The partnership's global id.
    pub async fn id(&self) -> ID {
        encode(Kind::Partnership, self.0.id)
    }
    /// The member (or a unit of one) whose partner this is.
    async fn member(&self, ctx: &Context<'_>) -> Result<Organisation> {
        organisation(ctx, self.0.member_id).await
    }
    /// The partner organisation.
    async fn partner(&self, ctx: &Context<'_>) -> Result<Organisation> {
        organisation(ctx, self.0.partner_id).await
    }
    /// What sort of partner it is.
    async fn kind(&self) -> PartnershipKind {
        self.0.kind
    }
    /// Since when.
    async fn since(&self) -> Option<Date> {
        date(self.0.since)
    }
    /// Until when (ended, or set to end).
    async fn until(&self) -> Option<Date> {
        date(self.0.until)
    }
    /// The status as stored.
    async fn status(&self) -> PartnershipStatus {
        self.0.status
    }
    /// The status on `asOf` (default: today in the consortium's time zone): ENDED for an
    /// ACTIVE partnership whose `until` is before then, otherwise the stored one.
    async fn effective_status(&self, ctx: &Context<'_>, as_of: Option<Date>) -> PartnershipStatus {
        let day = as_of.map_or_else(|| scope(ctx).today(), |d| d.0);
        service::partnerships::effective_status(&self.0, day)
    }
    /// Whether it is stored as ACTIVE though its `until` is before today.
    async fn lapsed(&self, ctx: &Context<'_>) -> bool {
        service::partnerships::lapsed(&self.0, scope(ctx).today())
    }
    /// Notes.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
    /// Owner, visibility, source, version and times, as every owned record has them.
    #[graphql(flatten)]
    async fn record(&self) -> OwnedFields {
        OwnedFields::of(&self.0)
    }
}
