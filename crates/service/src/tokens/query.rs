//! The tokens list.
use entity::api_token;
use sea_orm::{ColumnTrait, QueryFilter};

use crate::Scope;
use crate::query::{Direction, RootList};

/// Tokens the caller may manage, newest first; revoked ones only when asked.
pub fn select(scope: &Scope, include_revoked: bool) -> RootList<api_token::Entity> {
    let mut select = scope.find::<api_token::Entity>();
    if !include_revoked {
        select = select.filter(api_token::Column::RevokedAt.is_null());
    }
    RootList::new(select)
        .by(api_token::Column::CreatedAt, Direction::Desc)
        .by(api_token::Column::Id, Direction::Desc)
}
