//! The consortia list.
use entity::{consortium, consortium_member};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, QueryFilter};

use crate::Scope;
use crate::query::{Direction, RootList, all_of, archived, text_match};

#[derive(Debug, Clone, Default)]
pub struct ConsortiumFilter {
    pub search: Option<String>,
    /// Consortia any of these organisations belongs to.
    pub members: Option<Vec<i64>>,
    /// Archived records instead of live ones.
    pub archived: Option<bool>,
}

pub fn select(
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
