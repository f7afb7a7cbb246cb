//! The token inputs.
use crate::scalars::DateTime;
use async_graphql::{ID, InputObject, SimpleObject};
use service::entity::enums::Role;
use service::tokens::NewToken;

use super::Token;
use crate::error::Result;
use crate::ids::Kind;
use crate::input::{opt_key, payload};

/// A new bearer token.
#[derive(InputObject)]
pub struct CreateTokenInput {
    /// What the token is for (shown in the audit log).
    pub label: String,
    /// Its role.
    pub role: Role,
    /// The member organisation it acts for; none for a coordinator token.
    pub organisation: Option<ID>,
    /// When it stops working.
    pub expires_at: Option<DateTime>,
}

/// Which token to revoke.
#[derive(InputObject)]
pub struct RevokeTokenInput {
    /// The token's global id.
    pub id: ID,
}

/// A new token: `secret` is shown here once and never again.
#[derive(SimpleObject)]
pub struct CreateTokenPayload {
    /// The token.
    pub token: Token,
    /// The bearer secret to send as `Authorization: Bearer <secret>`. Store it now.
    pub secret: String,
}

payload! {
    RevokeTokenPayload { token: Token } "The revoked token.";
}

impl TryFrom<CreateTokenInput> for NewToken {
    type Error = async_graphql::Error;
    fn try_from(input: CreateTokenInput) -> Result<Self> {
        Ok(NewToken {
            label: input.label,
            role: input.role,
            organisation_id: opt_key(
                "input.organisation",
                Kind::Organisation,
                &input.organisation,
            )?,
            expires_at: input.expires_at.map(|at| at.0),
        })
    }
}
