//! The organisations list.
use entity::enums::OrganisationKind;
use entity::{consortium_member, organisation, organisation_name};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, QueryFilter};

use crate::Scope;
use crate::query::{Direction, RootList, all_of, archived, one_of, text_match};

#[derive(Debug, Clone, Default)]
pub struct OrganisationFilter {
    /// Substring of any name (English, Chinese, abbreviation, further names).
    pub search: Option<String>,
    pub kinds: Option<Vec<OrganisationKind>>,
    pub countries: Option<Vec<String>>,
    /// Units of any of these organisations.
    pub parents: Option<Vec<i64>>,
    /// Only organisations with no parent (`true`) or only units (`false`).
    pub top_level: Option<bool>,
    /// Members of any of these consortia.
    pub consortia: Option<Vec<i64>>,
    pub ror_id: Option<String>,
    /// Archived records instead of live ones.
    pub archived: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrganisationOrderField {
    #[default]
    Name,
    CreatedAt,
    /// When the record last changed.
    UpdatedAt,
}

pub fn select(
    scope: &Scope,
    filter: &OrganisationFilter,
    field: OrganisationOrderField,
    direction: Direction,
) -> RootList<organisation::Entity> {
    let search = filter.search.as_deref().map(|s| {
        let other_names = Query::select()
            .column(organisation_name::Column::OrganisationId)
            .from(organisation_name::Entity)
            .cond_where(text_match(s, [organisation_name::Column::Value]))
            .to_owned();
        text_match(
            s,
            [
                organisation::Column::NameEn,
                organisation::Column::NameZh,
                organisation::Column::Abbreviation,
            ],
        )
        .add(organisation::Column::Id.in_subquery(other_names))
    });
    let by_consortium = filter.consortia.as_ref().map(|ids| {
        Condition::all().add(
            organisation::Column::Id.in_subquery(
                Query::select()
                    .column(consortium_member::Column::OrganisationId)
                    .from(consortium_member::Entity)
                    .and_where(consortium_member::Column::ConsortiumId.is_in(ids.iter().copied()))
                    .to_owned(),
            ),
        )
    });
    let top_level = filter.top_level.map(|top| {
        Condition::all().add(if top {
            organisation::Column::ParentId.is_null()
        } else {
            organisation::Column::ParentId.is_not_null()
        })
    });
    let condition = all_of([
        archived(organisation::Column::ArchivedAt, filter.archived),
        search,
        one_of(organisation::Column::Kind, &filter.kinds),
        one_of(organisation::Column::CountryCode, &filter.countries),
        one_of(organisation::Column::ParentId, &filter.parents),
        top_level,
        by_consortium,
        filter
            .ror_id
            .as_ref()
            .map(|r| Condition::all().add(organisation::Column::RorId.eq(r.clone()))),
    ]);
    let column = match field {
        OrganisationOrderField::Name => organisation::Column::NameEn,
        OrganisationOrderField::CreatedAt => organisation::Column::CreatedAt,
        OrganisationOrderField::UpdatedAt => organisation::Column::UpdatedAt,
    };
    RootList::new(scope.find::<organisation::Entity>().filter(condition))
        .by(column, direction)
        .by(organisation::Column::Id, direction)
}
