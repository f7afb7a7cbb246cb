//! The organisations list.
use entity::enums::OrganisationKind;
use entity::{agreement, agreement_party, consortium_member, organisation, partnership};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, Condition, QueryFilter};

use crate::query::{Direction, RootList, all_of, archived, one_of};
use crate::search::{self, Registry};
use crate::{Record, Scope};

#[derive(Debug, Clone, Default)]
pub struct OrganisationFilter {
    /// What a user typed: matched against every name (English, Chinese, abbreviation,
    /// aliases, and the names of duplicates merged in) folded by `SearchKey`, ranked.
    pub search: Option<String>,
    /// Partners of this organisation: the other parties of the agreements it or one of
    /// its units is a party to, and the partners of their partnerships, that the caller
    /// may read (live records only).
    pub partners_of: Option<i64>,
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

/// The ids of `member` and its units at any depth, as a subquery. (`member` is a
/// number, so it is written into the text.)
fn unit_tree(member: i64) -> String {
    format!(
        "WITH RECURSIVE \"partner_tree\" (\"id\") AS (SELECT CAST({member} AS BIGINT) UNION \
         SELECT \"o\".\"id\" FROM \"organisation\" \"o\" JOIN \"partner_tree\" \"t\" \
         ON \"o\".\"parent_id\" = \"t\".\"id\") SELECT \"id\" FROM \"partner_tree\""
    )
}

pub fn select(
    scope: &Scope,
    filter: &OrganisationFilter,
    field: OrganisationOrderField,
    direction: Direction,
) -> RootList<organisation::Entity> {
    // Partners of a member: the other parties of the agreements it or any of its units
    // (at any depth) is a party to, and the partners of their partnerships, each read
    // only if the caller may read it and live.
    let partners = filter.partners_of.map(|member| {
        let tree = unit_tree(member);
        let in_tree = |column: &str| Expr::cust(format!("{column} IN ({tree})"));
        let outside = |column: &str| Expr::cust(format!("{column} NOT IN ({tree})"));
        let theirs = Query::select()
            .column(agreement_party::Column::AgreementId)
            .from(agreement_party::Entity)
            .and_where(in_tree("\"agreement_party\".\"organisation_id\""))
            .to_owned();
        let readable = Query::select()
            .column(agreement::Column::Id)
            .from(agreement::Entity)
            .and_where(agreement::Column::Id.in_subquery(theirs))
            .cond_where(agreement::Entity::readable_by(scope.principal()))
            .cond_where(agreement::Entity::live())
            .to_owned();
        let others = Query::select()
            .column(agreement_party::Column::OrganisationId)
            .from(agreement_party::Entity)
            .and_where(agreement_party::Column::AgreementId.in_subquery(readable))
            .and_where(outside("\"agreement_party\".\"organisation_id\""))
            .to_owned();
        let partnered = Query::select()
            .column(partnership::Column::PartnerId)
            .from(partnership::Entity)
            .and_where(in_tree("\"partnership\".\"member_id\""))
            .and_where(outside("\"partnership\".\"partner_id\""))
            .cond_where(partnership::Entity::readable_by(scope.principal()))
            .cond_where(partnership::Entity::live())
            .to_owned();
        Condition::any()
            .add(organisation::Column::Id.in_subquery(others))
            .add(organisation::Column::Id.in_subquery(partnered))
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
        partners,
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
    let rows = scope.find::<organisation::Entity>().filter(condition);
    let searched = filter.search.as_deref().and_then(|text| {
        search::matching(
            Registry::Organisation,
            rows.clone(),
            organisation::Column::Id,
            text,
        )
    });
    let list = match searched {
        Some(rows) => RootList::new(rows).ranked(),
        None => RootList::new(rows),
    };
    list.by(column, direction)
        .by(organisation::Column::Id, direction)
}
