//! Authenticating a request's bearer token. Issuing and revoking tokens is `tokens`.
//!
//! A token reads `concord_<public id>_<secret>`. The public id finds the row; only a
//! SHA-256 hash of the secret is stored, and it is compared in constant time. A secret
//! has 256 random bits, so a fast hash is enough (a password hash would only add cost).
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, NaiveDate, Utc};
use entity::api_token;
use entity::enums::Role;
use rand::RngCore;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

use crate::{Database, Error, Principal, Result};

/// What every token starts with, so that a leaked one is easy to recognise.
pub(crate) const PREFIX: &str = "concord_";

pub(crate) fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `bytes` random bytes from the OS generator, URL-safe base64.
pub(crate) fn random(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// The token in an `Authorization` header: the `Bearer` scheme, whose name is
/// case-insensitive (RFC 9110, 11.1), then the token.
pub fn bearer(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// The public id a well-formed token names, or `None` for a malformed one. Malformed
/// tokens are refused without asking the database.
pub fn public_id(token: &str) -> Option<&str> {
    let (public_id, secret) = token.strip_prefix(PREFIX)?.split_once('_')?;
    let well_formed = public_id.len() == 16
        && public_id.bytes().all(|b| b.is_ascii_hexdigit())
        && !secret.is_empty()
        && secret.len() <= 64;
    well_formed.then_some(public_id)
}

/// The principal for a request's `Authorization` header. No header is anonymous; a
/// header that is not a valid, live bearer token is an error, never anonymous.
pub async fn authenticate(db: &Database, header: Option<&str>) -> Result<Principal> {
    let Some(header) = header else {
        return Ok(Principal::Anonymous);
    };
    let invalid = || Error::Unauthenticated("the bearer token is not valid".into());
    let token = bearer(header)
        .ok_or_else(|| Error::Unauthenticated("use `Authorization: Bearer <token>`".into()))?;
    let public_id = public_id(token).ok_or_else(invalid)?;
    let secret = &token[PREFIX.len() + public_id.len() + 1..];
    let today = db.today();
    let db = &db.connection;
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
            consortium_peers: consortium_peers(db, organisation_id, today).await?,
        },
    })
}

/// Every organisation that shares a consortium with `org` on `today`, itself included:
/// the consortia it is a current member of or coordinates, and their current members
/// and coordinating organisations. A membership counts from its `joinedOn` to its
/// `leftOn`, both days included; an open end counts as always. A coordinating
/// organisation belongs to its consortium for as long as it coordinates it.
pub async fn consortium_peers(
    db: &impl sea_orm::ConnectionTrait,
    org: i64,
    today: NaiveDate,
) -> Result<Vec<i64>> {
    use entity::{consortium as c, consortium_member as cm};
    use sea_orm::sea_query::{Alias, Expr, UnionType};
    let current = || {
        Condition::all()
            .add(
                Condition::any()
                    .add(cm::Column::JoinedOn.is_null())
                    .add(cm::Column::JoinedOn.lte(today)),
            )
            .add(
                Condition::any()
                    .add(cm::Column::LeftOn.is_null())
                    .add(cm::Column::LeftOn.gte(today)),
            )
    };
    // The consortia `org` belongs to, then everyone in them: one statement, as the
    // request's authentication should be.
    let mine = Query::select()
        .column(cm::Column::ConsortiumId)
        .from(cm::Entity)
        .and_where(cm::Column::OrganisationId.eq(org))
        .cond_where(current())
        .union(
            UnionType::All,
            Query::select()
                .column(c::Column::Id)
                .from(c::Entity)
                .and_where(c::Column::CoordinatorId.eq(org))
                .to_owned(),
        )
        .to_owned();
    let everyone = Query::select()
        .expr_as(Expr::col(cm::Column::OrganisationId), Alias::new("peer"))
        .from(cm::Entity)
        .and_where(cm::Column::ConsortiumId.in_subquery(mine.clone()))
        .cond_where(current())
        .union(
            UnionType::All,
            Query::select()
                .expr_as(Expr::col(c::Column::CoordinatorId), Alias::new("peer"))
                .from(c::Entity)
                .and_where(c::Column::Id.in_subquery(mine))
                .and_where(c::Column::CoordinatorId.is_not_null())
                .to_owned(),
        )
        .to_owned();
    let rows = db.query_all(&everyone).await?;
    let mut peers = rows
        .iter()
        .map(|row| row.try_get::<i64>("", "peer"))
        .collect::<std::result::Result<Vec<_>, _>>()?;
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
    fn the_bearer_scheme_is_case_insensitive() {
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer abc"), Some("abc"));
        assert_eq!(bearer("BEARER   abc "), Some("abc"));
        assert_eq!(bearer("Basic abc"), None);
        assert_eq!(bearer("Bearer"), None);
        assert_eq!(bearer("Bearer "), None);
    }

    #[test]
    fn malformed_tokens_are_told_apart_without_the_database() {
        let good = format!("{PREFIX}0123456789abcdef_{}", random(32));
        assert_eq!(public_id(&good), Some("0123456789abcdef"));
        assert_eq!(public_id("concord_0123456789abcdef_"), None);
        assert_eq!(public_id("concord_xyz_secret"), None);
        assert_eq!(public_id("other_0123456789abcdef_secret"), None);
        let long = format!("{PREFIX}0123456789abcdef_{}", "a".repeat(65));
        assert_eq!(public_id(&long), None);
    }

    #[test]
    fn secrets_have_at_least_128_random_bits() {
        let a = random(32);
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).unwrap().len(), 32);
        assert_ne!(a, random(32));
    }
}
