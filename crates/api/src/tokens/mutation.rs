//! The token mutations.
use async_graphql::{Context, Object};

use super::*;
use crate::error::{Result, svc};
use crate::ids::Kind;
use crate::input::key;
use crate::record::scope;

#[derive(Default)]
pub struct TokenMutation;

#[Object]
impl TokenMutation {
    /// Issues a bearer token: the coordinator any; a member admin for its organisation.
    async fn create_token(
        &self,
        ctx: &Context<'_>,
        input: CreateTokenInput,
    ) -> Result<CreateTokenPayload> {
        let issued = svc(scope(ctx).issue_token(input.try_into()?).await)?;
        Ok(CreateTokenPayload {
            token: Token(issued.token),
            secret: issued.secret,
        })
    }

    /// Revokes a token: it stops working at once.
    async fn revoke_token(
        &self,
        ctx: &Context<'_>,
        input: RevokeTokenInput,
    ) -> Result<RevokeTokenPayload> {
        let id = key("input.id", Kind::Token, &input.id)?;
        let token = svc(scope(ctx).revoke_token(id).await)?;
        Ok(RevokeTokenPayload {
            token: Token(token),
        })
    }
}
