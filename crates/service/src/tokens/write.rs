//! Issuing and revoking bearer tokens.
use chrono::{DateTime, Utc};
use entity::api_token;
use entity::enums::Role;
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use crate::access::{may_hold_token, may_issue_token};
use crate::audit::Audit;
use crate::auth::{PREFIX, hash, random};
use crate::domain::{NAME_MAX, Text};
use crate::{Error, Record, Result, Scope};

/// A token as issued: the secret is shown once, here, and never again.
pub struct IssuedToken {
    pub token: api_token::Model,
    pub secret: String,
}

/// What a new token is for.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub label: String,
    pub role: Role,
    /// Required for member roles; must be absent for the coordinator.
    pub organisation_id: Option<i64>,
    pub expires_at: Option<DateTime<Utc>>,
}

impl Scope {
    /// Issues a token, if the caller may (`access::may_issue_token`).
    pub async fn issue_token(&self, new: NewToken) -> Result<IssuedToken> {
        let issuer = self.principal();
        let label = Text::parse("input.label", &new.label, NAME_MAX)?;
        may_issue_token(issuer, new.role, new.organisation_id)?;
        if let Some(expires) = new.expires_at
            && expires <= Utc::now()
        {
            return Err(Error::bad_input(
                "input.expiresAt",
                "the expiry is in the past",
            ));
        }
        let txn = self.begin_write().await?;
        if let Some(org) = new.organisation_id {
            let exists = entity::organisation::Entity::find_by_id(org)
                .one(&txn)
                .await?
                .is_some();
            if !exists {
                return Err(Error::bad_input(
                    "input.organisation",
                    "no such organisation",
                ));
            }
            may_hold_token(&txn, org, self.today()).await?;
        }
        let public_id = {
            let mut id = [0u8; 8];
            rand::rng().fill_bytes(&mut id);
            hex::encode(id)
        };
        let secret = random(32);
        let token = api_token::ActiveModel {
            public_id: Set(public_id.clone()),
            secret_hash: Set(hash(&secret)),
            label: Set(label.into_string()),
            role: Set(new.role),
            organisation_id: Set(new.organisation_id),
            created_at: Set(Utc::now()),
            created_by: Set(Some(issuer.label())),
            expires_at: Set(new.expires_at),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        Audit::new(
            issuer,
            "createToken",
            "token",
            token.id,
            token.organisation_id,
        )
        .after(&token)
        .write(&txn)
        .await?;
        txn.commit().await?;
        Ok(IssuedToken {
            secret: format!("{PREFIX}{public_id}_{secret}"),
            token,
        })
    }

    /// Revokes a token the caller manages: one it may read (the rule is `access`'s).
    /// Revoking twice changes nothing.
    pub async fn revoke_token(&self, token_id: i64) -> Result<api_token::Model> {
        let caller = self.principal();
        let txn = self.begin_write().await?;
        let before = api_token::Entity::find_by_id(token_id)
            .filter(api_token::Entity::readable_by(caller))
            .one(&txn)
            .await?
            .ok_or(Error::NotFound)?;
        if before.revoked_at.is_some() {
            return Ok(before);
        }
        let mut token: api_token::ActiveModel = before.clone().into();
        token.revoked_at = Set(Some(Utc::now()));
        let after = token.update(&txn).await?;
        Audit::new(
            caller,
            "revokeToken",
            "token",
            after.id,
            after.organisation_id,
        )
        .before(&before)
        .after(&after)
        .write(&txn)
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Revokes a token found by its public id (the command line's way to name one).
    pub async fn revoke_token_by_public_id(&self, public_id: &str) -> Result<api_token::Model> {
        let token = api_token::Entity::find()
            .filter(api_token::Column::PublicId.eq(public_id))
            .one(self.db())
            .await?
            .ok_or(Error::NotFound)?;
        self.revoke_token(token.id).await
    }
}
