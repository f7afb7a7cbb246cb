//! The people list.
use entity::{affiliation, person};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, QueryFilter};

use crate::Scope;
use crate::query::{Direction, RootList, all_of, archived};
use crate::search::{self, Registry};

#[derive(Debug, Clone, Default)]
pub struct PersonFilter {
    /// What a user typed: matched against the family, given and Chinese names (and
    /// those of duplicates merged in) folded by `SearchKey`, ranked.
    pub search: Option<String>,
    /// People affiliated (at any time) with any of these organisations.
    pub organisations: Option<Vec<i64>>,
    /// Archived records instead of live ones.
    pub archived: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PersonOrderField {
    #[default]
    FamilyName,
    CreatedAt,
    /// When the record last changed.
    UpdatedAt,
}

pub fn select(
    scope: &Scope,
    filter: &PersonFilter,
    field: PersonOrderField,
    direction: Direction,
) -> RootList<person::Entity> {
    let by_organisation = filter.organisations.as_ref().map(|orgs| {
        Condition::all().add(
            person::Column::Id.in_subquery(
                Query::select()
                    .column(affiliation::Column::PersonId)
                    .from(affiliation::Entity)
                    .and_where(affiliation::Column::OrganisationId.is_in(orgs.iter().copied()))
                    .to_owned(),
            ),
        )
    });
    let condition = all_of([
        archived(person::Column::ArchivedAt, filter.archived),
        by_organisation,
    ]);
    let rows = scope.find::<person::Entity>().filter(condition);
    let searched = filter.search.as_deref().and_then(|text| {
        search::matching(Registry::Person, rows.clone(), person::Column::Id, text)
    });
    let list = match searched {
        Some(rows) => RootList::new(rows).ranked(),
        None => RootList::new(rows),
    };
    let list = match field {
        PersonOrderField::FamilyName => list
            .by(person::Column::FamilyName, direction)
            .by(person::Column::GivenName, direction),
        PersonOrderField::CreatedAt => list.by(person::Column::CreatedAt, direction),
        PersonOrderField::UpdatedAt => list.by(person::Column::UpdatedAt, direction),
    };
    list.by(person::Column::Id, direction)
}
