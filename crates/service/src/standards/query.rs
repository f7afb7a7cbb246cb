//! The curriculum standards and adoptions lists.
use entity::enums::AdoptionKind;
use entity::{adoption, curriculum_standard};
use sea_orm::QueryFilter;

use crate::query::{
    DateRange, Direction, RootList, all_of, archived, field_prefixes, one_of, one_of_readable,
    text_match,
};
use crate::{Record, Scope};

#[derive(Debug, Clone, Default)]
pub struct StandardFilter {
    /// Substring of the title or code.
    pub search: Option<String>,
    pub owners: Option<Vec<i64>>,
    pub developers: Option<Vec<i64>>,
    /// ISCED-F codes; a broad or narrow code also matches the fields beneath it.
    pub fields: Option<Vec<String>>,
    /// Archived records instead of live ones.
    pub archived: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StandardOrderField {
    #[default]
    Title,
    IssuedOn,
    CreatedAt,
    /// When the record last changed.
    UpdatedAt,
}

pub fn select(
    scope: &Scope,
    filter: &StandardFilter,
    field: StandardOrderField,
    direction: Direction,
) -> RootList<curriculum_standard::Entity> {
    use curriculum_standard::Column as C;
    let condition = all_of([
        archived(C::ArchivedAt, filter.archived),
        filter
            .search
            .as_deref()
            .map(|s| text_match(s, [C::Title, C::Code])),
        one_of(C::OwnerId, &filter.owners),
        one_of(C::DeveloperId, &filter.developers),
        field_prefixes(C::IscedCode, &filter.fields),
    ]);
    let column = match field {
        StandardOrderField::Title => C::Title,
        StandardOrderField::IssuedOn => C::IssuedOn,
        StandardOrderField::CreatedAt => C::CreatedAt,
        StandardOrderField::UpdatedAt => C::UpdatedAt,
    };
    RootList::new(
        scope
            .find::<curriculum_standard::Entity>()
            .filter(condition),
    )
    .by(column, direction)
    .by(C::Id, direction)
}

#[derive(Debug, Clone, Default)]
pub struct AdoptionFilter {
    pub standards: Option<Vec<i64>>,
    pub countries: Option<Vec<String>>,
    pub institutions: Option<Vec<i64>>,
    pub kinds: Option<Vec<AdoptionKind>>,
    pub adopted_on: DateRange,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AdoptionOrderField {
    #[default]
    AdoptedOn,
    Country,
    CreatedAt,
    /// When the record last changed.
    UpdatedAt,
}

pub fn select_adoptions(
    scope: &Scope,
    filter: &AdoptionFilter,
    field: AdoptionOrderField,
    direction: Direction,
) -> RootList<adoption::Entity> {
    use adoption::Column as C;
    let condition = all_of([
        one_of_readable::<curriculum_standard::Entity>(
            scope.principal(),
            C::StandardId,
            &filter.standards,
        ),
        one_of(C::CountryCode, &filter.countries),
        one_of(C::InstitutionId, &filter.institutions),
        one_of(C::Kind, &filter.kinds),
        Some(filter.adopted_on.condition(C::AdoptedOn)),
    ]);
    let column = match field {
        AdoptionOrderField::AdoptedOn => C::AdoptedOn,
        AdoptionOrderField::Country => C::CountryCode,
        AdoptionOrderField::CreatedAt => C::CreatedAt,
        AdoptionOrderField::UpdatedAt => C::UpdatedAt,
    };
    // Adoptions of archived standards are listed nowhere but under the standard.
    let live = scope
        .find::<adoption::Entity>()
        .filter(adoption::Entity::live());
    RootList::new(live.filter(condition))
        .by(column, direction)
        .by(C::Id, direction)
}
