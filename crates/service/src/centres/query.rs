//! The training centres list.
use entity::enums::CentreStatus;
use entity::training_centre;
use sea_orm::QueryFilter;

use crate::Scope;
use crate::query::{DateRange, Direction, RootList, all_of, archived, one_of, text_match};

#[derive(Debug, Clone, Default)]
pub struct CentreFilter {
    /// Substring of the name or city.
    pub search: Option<String>,
    pub owners: Option<Vec<i64>>,
    pub operators: Option<Vec<i64>>,
    pub partners: Option<Vec<i64>>,
    pub countries: Option<Vec<String>>,
    pub statuses: Option<Vec<CentreStatus>>,
    pub opened_on: DateRange,
    /// Archived records instead of live ones.
    pub archived: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CentreOrderField {
    #[default]
    Name,
    OpenedOn,
    CreatedAt,
    /// When the record last changed.
    UpdatedAt,
}

pub fn select(
    scope: &Scope,
    filter: &CentreFilter,
    field: CentreOrderField,
    direction: Direction,
) -> RootList<training_centre::Entity> {
    use training_centre::Column as C;
    let condition = all_of([
        archived(C::ArchivedAt, filter.archived),
        filter
            .search
            .as_deref()
            .map(|s| text_match(s, [C::Name, C::City])),
        one_of(C::OwnerId, &filter.owners),
        one_of(C::OperatorId, &filter.operators),
        one_of(C::PartnerId, &filter.partners),
        one_of(C::CountryCode, &filter.countries),
        one_of(C::Status, &filter.statuses),
        Some(filter.opened_on.condition(C::OpenedOn)),
    ]);
    let column = match field {
        CentreOrderField::Name => C::Name,
        CentreOrderField::OpenedOn => C::OpenedOn,
        CentreOrderField::CreatedAt => C::CreatedAt,
        CentreOrderField::UpdatedAt => C::UpdatedAt,
    };
    RootList::new(scope.find::<training_centre::Entity>().filter(condition))
        .by(column, direction)
        .by(C::Id, direction)
}
