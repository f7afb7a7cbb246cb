//! The endpoints list; deliveries and attempts are read through `rel`.
use entity::webhook_endpoint;

use crate::Scope;
use crate::changes::ChangeFilter;
use crate::query::{Direction, RootList};

/// Endpoints the caller manages (a member admin its organisation's, the coordinator
/// all), newest first.
pub fn select(scope: &Scope) -> RootList<webhook_endpoint::Entity> {
    RootList::new(scope.find::<webhook_endpoint::Entity>())
        .by(webhook_endpoint::Column::CreatedAt, Direction::Desc)
        .by(webhook_endpoint::Column::Id, Direction::Desc)
}

/// The feed tables an endpoint takes, `None` for all.
pub fn endpoint_types(endpoint: &webhook_endpoint::Model) -> Option<Vec<String>> {
    endpoint.record_types.as_deref().map(|t| {
        t.split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    })
}

/// The owners an endpoint takes records of, `None` for all.
pub fn endpoint_owners(endpoint: &webhook_endpoint::Model) -> Option<Vec<i64>> {
    endpoint
        .owner_filter
        .as_deref()
        .map(|t| t.split(',').filter_map(|s| s.parse().ok()).collect())
}

/// An endpoint's filter, as the change feed takes it.
pub fn endpoint_filter(endpoint: &webhook_endpoint::Model) -> ChangeFilter {
    ChangeFilter {
        types: endpoint_types(endpoint),
        owners: endpoint_owners(endpoint),
        ..Default::default()
    }
}
