//! The sources list.
use entity::source;
use sea_orm::QueryFilter;

use crate::Scope;
use crate::query::{DateRange, Direction, RootList, all_of, archived, text_match};

#[derive(Debug, Clone, Default)]
pub struct SourceFilter {
    /// Substring of the title, publisher or author.
    pub search: Option<String>,
    pub published_on: DateRange,
    /// Archived records instead of live ones.
    pub archived: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SourceOrderField {
    #[default]
    PublishedOn,
    Title,
    /// When the record last changed.
    UpdatedAt,
}

pub fn select(
    scope: &Scope,
    filter: &SourceFilter,
    field: SourceOrderField,
    direction: Direction,
) -> RootList<source::Entity> {
    use source::Column as C;
    let condition = all_of([
        archived(C::ArchivedAt, filter.archived),
        filter
            .search
            .as_deref()
            .map(|s| text_match(s, [C::Title, C::Publisher, C::Author])),
        Some(filter.published_on.condition(C::PublishedOn)),
    ]);
    let column = match field {
        SourceOrderField::PublishedOn => C::PublishedOn,
        SourceOrderField::Title => C::Title,
        SourceOrderField::UpdatedAt => C::UpdatedAt,
    };
    RootList::new(scope.find::<source::Entity>().filter(condition))
        .by(column, direction)
        .by(C::Id, direction)
}
