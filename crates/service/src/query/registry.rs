//! The countries, consortia and sources lists.
use entity::{consortium, consortium_member, country, source};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, QueryFilter};

use super::{DateRange, Direction, RootList, all_of, archived, one_of, text_match};
use crate::Scope;

#[derive(Debug, Clone, Default)]
pub struct CountryFilter {
    /// Substring of the English or Chinese name, or the code.
    pub search: Option<String>,
    pub codes: Option<Vec<String>>,
    /// Only regions (Hong Kong, Macao, Taiwan, territories) or only sovereign states.
    pub is_region: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CountryOrderField {
    #[default]
    Code,
    NameEn,
}

pub fn select_countries(
    scope: &Scope,
    filter: &CountryFilter,
    field: CountryOrderField,
    direction: Direction,
) -> RootList<country::Entity> {
    use country::Column as C;
    let condition = all_of([
        filter
            .search
            .as_deref()
            .map(|s| text_match(s, [C::NameEn, C::NameZh, C::Code])),
        one_of(C::Code, &filter.codes),
        filter
            .is_region
            .map(|r| Condition::all().add(C::IsRegion.eq(r))),
    ]);
    let column = match field {
        CountryOrderField::Code => C::Code,
        CountryOrderField::NameEn => C::NameEn,
    };
    RootList::new(scope.find::<country::Entity>().filter(condition))
        .by(column, direction)
        .by(C::Code, direction)
}

#[derive(Debug, Clone, Default)]
pub struct ConsortiumFilter {
    pub search: Option<String>,
    /// Consortia any of these organisations belongs to.
    pub members: Option<Vec<i64>>,
    /// Archived records instead of live ones.
    pub archived: Option<bool>,
}

pub fn select_consortia(
    scope: &Scope,
    filter: &ConsortiumFilter,
    direction: Direction,
) -> RootList<consortium::Entity> {
    use consortium::Column as C;
    let by_member = filter.members.as_ref().map(|orgs| {
        Condition::all().add(
            C::Id.in_subquery(
                Query::select()
                    .column(consortium_member::Column::ConsortiumId)
                    .from(consortium_member::Entity)
                    .and_where(
                        consortium_member::Column::OrganisationId.is_in(orgs.iter().copied()),
                    )
                    .to_owned(),
            ),
        )
    });
    let condition = all_of([
        archived(C::ArchivedAt, filter.archived),
        filter
            .search
            .as_deref()
            .map(|s| text_match(s, [C::NameEn, C::NameZh])),
        by_member,
    ]);
    RootList::new(scope.find::<consortium::Entity>().filter(condition))
        .by(C::NameEn, direction)
        .by(C::Id, direction)
}

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
}

pub fn select_sources(
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
    };
    RootList::new(scope.find::<source::Entity>().filter(condition))
        .by_nulls_last(column, direction)
        .by(C::Id, direction)
}
