//! Bearer tokens: issuing, authenticating, revoking.
//!
//! A token reads `concord_<public id>_<secret>`. The public id finds the row; only a
//! SHA-256 hash of the secret is stored, and it is compared in constant time. A secret
//! has 256 random bits, so a fast hash is enough (a password hash would only add cost).
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use entity::api_token;
use entity::enums::Role;
use rand::RngCore;
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, Set,
};
use sha2::{Digest, Sha256};

use crate::access::{coordinator_only, unauthenticated};
use crate::audit::Audit;
use crate::{Error, Principal, Result};

const PREFIX: &str = "concord_";

/// A token as issued: the secret is shown once, here, and never again.
pub struct IssuedToken {
    pub token: api_token::Model,
    pub secret: String,
}

fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn random(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
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

/// Issues a token, if `issuer` may: the coordinator any; a member admin viewer,
/// editor or admin tokens for its own organisation.
pub async fn issue(
    db: &DatabaseConnection,
    issuer: &Principal,
    new: NewToken,
) -> Result<IssuedToken> {
    let label = crate::domain::Text::parse("input.label", &new.label, crate::domain::NAME_MAX)?;
    match (new.role, new.organisation_id) {
        (Role::Coordinator, None) => coordinator_only(issuer, "issue coordinator tokens")?,
        (Role::Coordinator, Some(_)) => {
            return Err(Error::bad_input(
                "input.organisation",
                "a coordinator token acts for no organisation",
            ));
        }
        (_, None) => {
            return Err(Error::bad_input(
                "input.organisation",
                "a member token needs an organisation",
            ));
        }
        (_, Some(org)) => match issuer {
            Principal::Coordinator { .. } => {}
            Principal::Member {
                organisation_id,
                role: Role::Admin,
                ..
            } if *organisation_id == org => {}
            Principal::Anonymous => return Err(unauthenticated()),
            Principal::Member { .. } => {
                return Err(Error::forbidden(
                    "only the coordinator and the organisation's admins may issue its tokens",
                ));
            }
        },
    }
    if let Some(expires) = new.expires_at
        && expires <= Utc::now()
    {
        return Err(Error::bad_input(
            "input.expiresAt",
            "the expiry is in the past",
        ));
    }
    let txn = crate::write::begin_write(db).await?;
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

/// Revokes a token the caller may manage. Revoking twice changes nothing.
pub async fn revoke(
    db: &DatabaseConnection,
    caller: &Principal,
    token_id: i64,
) -> Result<api_token::Model> {
    use crate::Record;
    let txn = crate::write::begin_write(db).await?;
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

/// Revokes a token found by its public id.
pub async fn revoke_public(
    db: &DatabaseConnection,
    caller: &Principal,
    public_id: &str,
) -> Result<api_token::Model> {
    let token = api_token::Entity::find()
        .filter(api_token::Column::PublicId.eq(public_id))
        .one(db)
        .await?
        .ok_or(Error::NotFound)?;
    revoke(db, caller, token.id).await
}

/// The principal for a request's `Authorization` header. No header is anonymous; a
/// header that is not a valid, live bearer token is an error, never anonymous.
pub async fn authenticate(db: &DatabaseConnection, header: Option<&str>) -> Result<Principal> {
    let Some(header) = header else {
        return Ok(Principal::Anonymous);
    };
    let invalid = || Error::Unauthenticated("the bearer token is not valid".into());
    let token = header
        .strip_prefix("Bearer ")
        .ok_or_else(|| Error::Unauthenticated("use `Authorization: Bearer <token>`".into()))?
        .trim();
    let (public_id, secret) = token
        .strip_prefix(PREFIX)
        .and_then(|rest| rest.split_once('_'))
        .ok_or_else(invalid)?;
    let row = api_token::Entity::find()
        .filter(api_token::Column::PublicId.eq(public_id))
        .one(db)
        .await?
        .ok_or_else(invalid)?;
    if !constant_time_eq(hash(secret).as_bytes(), row.secret_hash.as_bytes()) {
        return Err(invalid());
    }
    let now = Utc::now();
    if row.revoked_at.is_some() {
        return Err(Error::Unauthenticated(
            "the bearer token has been revoked".into(),
        ));
    }
    if row.expires_at.is_some_and(|e| e <= now) {
        return Err(Error::Unauthenticated(
            "the bearer token has expired".into(),
        ));
    }
    // Recording every use would write on every read; once a minute is enough to tell
    // which tokens are in use.
    if row
        .last_used_at
        .is_none_or(|t| now - t > Duration::minutes(1))
    {
        api_token::Entity::update_many()
            .col_expr(
                api_token::Column::LastUsedAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(api_token::Column::Id.eq(row.id))
            .exec(db)
            .await?;
    }
    let label = format!("{} ({})", row.label, row.public_id);
    Ok(match (row.role, row.organisation_id) {
        (Role::Coordinator, _) | (_, None) => Principal::Coordinator {
            token_id: Some(row.id),
            label,
        },
        (role, Some(organisation_id)) => Principal::Member {
            token_id: row.id,
            label,
            organisation_id,
            role,
            consortium_peers: consortium_peers(db, organisation_id).await?,
        },
    })
}

/// Every organisation that shares a current consortium membership with `org`, itself
/// included.
pub async fn consortium_peers(db: &impl sea_orm::ConnectionTrait, org: i64) -> Result<Vec<i64>> {
    use entity::consortium_member as cm;
    let today = Utc::now().date_naive();
    let current = || {
        Condition::all().add(
            Condition::any()
                .add(cm::Column::LeftOn.is_null())
                .add(cm::Column::LeftOn.gt(today)),
        )
    };
    let mine = Query::select()
        .column(cm::Column::ConsortiumId)
        .from(cm::Entity)
        .and_where(cm::Column::OrganisationId.eq(org))
        .cond_where(current())
        .to_owned();
    let mut peers: Vec<i64> = cm::Entity::find()
        .filter(cm::Column::ConsortiumId.in_subquery(mine))
        .filter(current())
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.organisation_id)
        .collect();
    peers.push(org);
    peers.sort_unstable();
    peers.dedup();
    Ok(peers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_compare_in_constant_time_and_exactly() {
        let h = hash("secret");
        assert!(constant_time_eq(h.as_bytes(), hash("secret").as_bytes()));
        assert!(!constant_time_eq(h.as_bytes(), hash("secreT").as_bytes()));
        assert!(!constant_time_eq(b"ab", b"abc"));
    }

    #[test]
    fn secrets_have_at_least_128_random_bits() {
        let a = random(32);
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).unwrap().len(), 32);
        assert_ne!(a, random(32));
    }
}
