//! The reported indicators list.
use entity::enums::IndicatorMetric;
use entity::{event, indicator};
use sea_orm::QueryFilter;

use crate::Scope;
use crate::query::{DateRange, Direction, RootList, all_of, archived, one_of, one_of_readable};

#[derive(Debug, Clone, Default)]
pub struct IndicatorFilter {
    pub owners: Option<Vec<i64>>,
    pub organisations: Option<Vec<i64>>,
    pub events: Option<Vec<i64>>,
    pub metrics: Option<Vec<IndicatorMetric>>,
    pub period_end: DateRange,
    /// Archived records instead of live ones.
    pub archived: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IndicatorOrderField {
    #[default]
    PeriodEnd,
    Value,
    CreatedAt,
    /// When the record last changed.
    UpdatedAt,
}

pub fn select(
    scope: &Scope,
    filter: &IndicatorFilter,
    field: IndicatorOrderField,
    direction: Direction,
) -> RootList<indicator::Entity> {
    use indicator::Column as C;
    let condition = all_of([
        archived(C::ArchivedAt, filter.archived),
        one_of(C::OwnerId, &filter.owners),
        one_of(C::OrganisationId, &filter.organisations),
        one_of_readable::<event::Entity>(scope.principal(), C::EventId, &filter.events),
        one_of(C::Metric, &filter.metrics),
        Some(filter.period_end.condition(C::PeriodEnd)),
    ]);
    let column = match field {
        IndicatorOrderField::PeriodEnd => C::PeriodEnd,
        IndicatorOrderField::Value => C::Value,
        IndicatorOrderField::CreatedAt => C::CreatedAt,
        IndicatorOrderField::UpdatedAt => C::UpdatedAt,
    };
    RootList::new(scope.find::<indicator::Entity>().filter(condition))
        .by(column, direction)
        .by(C::Id, direction)
}
