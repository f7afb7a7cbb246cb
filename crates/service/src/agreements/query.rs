//! The agreements list.
use entity::enums::{AgreementKind, AgreementStatus};
use entity::{
    agreement, agreement_country, agreement_field, agreement_party, agreement_person, event,
};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, QueryFilter};

use crate::query::{
    DateRange, Direction, RootList, all_of, archived, one_of, one_of_readable, text_match,
};
use crate::{Record, Scope};

#[derive(Debug, Clone, Default)]
pub struct AgreementFilter {
    /// Substring of the title or description.
    pub search: Option<String>,
    pub owners: Option<Vec<i64>>,
    pub kinds: Option<Vec<AgreementKind>>,
    pub statuses: Option<Vec<AgreementStatus>>,
    pub signed_on: DateRange,
    /// Agreements any of these organisations is a party to.
    pub parties: Option<Vec<i64>>,
    /// Agreements with a party based in any of these countries or regions.
    pub party_countries: Option<Vec<String>>,
    /// Agreements any of these people signed or witnessed.
    pub people: Option<Vec<i64>>,
    pub signed_at_events: Option<Vec<i64>>,
    /// ISCED-F codes; a broad or narrow code also matches the fields beneath it.
    pub fields: Option<Vec<String>>,
    /// Archived records instead of live ones.
    pub archived: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AgreementOrderField {
    #[default]
    SignedOn,
    Title,
    CreatedAt,
}

pub fn select(
    scope: &Scope,
    filter: &AgreementFilter,
    field: AgreementOrderField,
    direction: Direction,
) -> RootList<agreement::Entity> {
    let in_link = |query: &mut sea_orm::sea_query::SelectStatement| {
        Condition::all().add(agreement::Column::Id.in_subquery(query.to_owned()))
    };
    let by_party = filter.parties.as_ref().map(|orgs| {
        in_link(
            Query::select()
                .column(agreement_party::Column::AgreementId)
                .from(agreement_party::Entity)
                .and_where(agreement_party::Column::OrganisationId.is_in(orgs.iter().copied())),
        )
    });
    // The agreement's own read rule, status and archive filters are applied again in
    // `agreement_country`'s index, so that only agreements that match are looked up.
    let by_party_country = filter.party_countries.as_ref().map(|countries| {
        let matching = all_of([
            Some(agreement_country::Entity::readable_by(scope.principal())),
            archived(agreement_country::Column::ArchivedAt, filter.archived),
            one_of(agreement_country::Column::Status, &filter.statuses),
        ]);
        in_link(
            Query::select()
                .column(agreement_country::Column::AgreementId)
                .from(agreement_country::Entity)
                .and_where(agreement_country::Column::CountryCode.is_in(countries.iter().cloned()))
                .cond_where(matching),
        )
    });
    let by_person = filter.people.as_ref().map(|people| {
        in_link(
            Query::select()
                .column(agreement_person::Column::AgreementId)
                .from(agreement_person::Entity)
                .and_where(agreement_person::Column::PersonId.is_in(people.iter().copied())),
        )
    });
    let by_field = filter.fields.as_ref().map(|codes| {
        let prefixes = codes.iter().fold(Condition::any(), |c, code| {
            c.add(agreement_field::Column::IscedCode.starts_with(code))
        });
        in_link(
            Query::select()
                .column(agreement_field::Column::AgreementId)
                .from(agreement_field::Entity)
                .cond_where(prefixes),
        )
    });
    let condition = all_of([
        archived(agreement::Column::ArchivedAt, filter.archived),
        filter.search.as_deref().map(|s| {
            text_match(
                s,
                [agreement::Column::Title, agreement::Column::Description],
            )
        }),
        one_of(agreement::Column::OwnerId, &filter.owners),
        one_of(agreement::Column::Kind, &filter.kinds),
        one_of(agreement::Column::Status, &filter.statuses),
        one_of_readable::<event::Entity>(
            scope.principal(),
            agreement::Column::SignedAtEventId,
            &filter.signed_at_events,
        ),
        Some(filter.signed_on.condition(agreement::Column::SignedOn)),
        by_party,
        by_party_country,
        by_person,
        by_field,
    ]);
    let column = match field {
        AgreementOrderField::SignedOn => agreement::Column::SignedOn,
        AgreementOrderField::Title => agreement::Column::Title,
        AgreementOrderField::CreatedAt => agreement::Column::CreatedAt,
    };
    RootList::new(scope.find::<agreement::Entity>().filter(condition))
        .by(column, direction)
        .by(agreement::Column::Id, direction)
}
