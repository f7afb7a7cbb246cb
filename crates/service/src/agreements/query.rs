//! The agreements list.
use chrono::NaiveDate;
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
    /// Agreements in effect on this date (see [`in_effect_on`]).
    pub valid_on: Option<NaiveDate>,
    pub valid_from: DateRange,
    pub valid_to: DateRange,
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
    ValidFrom,
    ValidTo,
    /// When the record last changed.
    UpdatedAt,
}

/// The statuses of an agreement that took effect and was not ended early: whether it
/// was in effect on a date is then a matter of its validity dates.
pub const TOOK_EFFECT: [AgreementStatus; 3] = [
    AgreementStatus::InEffect,
    AgreementStatus::Expired,
    AgreementStatus::Renewed,
];

/// Agreements in effect on `day`: they took effect (see [`TOOK_EFFECT`]) and `day` lies
/// within their validity, an open end counting as unbounded.
pub fn in_effect_on(day: NaiveDate) -> Condition {
    Condition::all()
        .add(agreement::Column::Status.is_in(TOOK_EFFECT))
        .add(
            Condition::any()
                .add(agreement::Column::ValidFrom.is_null())
                .add(agreement::Column::ValidFrom.lte(day)),
        )
        .add(
            Condition::any()
                .add(agreement::Column::ValidTo.is_null())
                .add(agreement::Column::ValidTo.gte(day)),
        )
}

/// What an agreement's status is on `day`: an `IN_EFFECT` agreement whose validity ended
/// before `day` has lapsed and counts as `EXPIRED`; the stored status is left as written.
pub fn effective_status(row: &agreement::Model, day: NaiveDate) -> AgreementStatus {
    if lapsed(row, day) {
        AgreementStatus::Expired
    } else {
        row.status
    }
}

/// Whether `row` is stored as `IN_EFFECT` though its validity ended before `day`.
pub fn lapsed(row: &agreement::Model, day: NaiveDate) -> bool {
    row.status == AgreementStatus::InEffect && row.valid_to.is_some_and(|to| to < day)
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
        Some(filter.valid_from.condition(agreement::Column::ValidFrom)),
        Some(filter.valid_to.condition(agreement::Column::ValidTo)),
        filter.valid_on.map(in_effect_on),
        by_party,
        by_party_country,
        by_person,
        by_field,
    ]);
    let column = match field {
        AgreementOrderField::SignedOn => agreement::Column::SignedOn,
        AgreementOrderField::Title => agreement::Column::Title,
        AgreementOrderField::CreatedAt => agreement::Column::CreatedAt,
        AgreementOrderField::ValidFrom => agreement::Column::ValidFrom,
        AgreementOrderField::ValidTo => agreement::Column::ValidTo,
        AgreementOrderField::UpdatedAt => agreement::Column::UpdatedAt,
    };
    RootList::new(scope.find::<agreement::Entity>().filter(condition))
        .by(column, direction)
        .by(agreement::Column::Id, direction)
}

/// Agreements in effect today whose validity ends within `within_days` from today,
/// soonest first; with `organisation`, only those it is a party to.
pub fn expiring(
    scope: &Scope,
    within_days: i32,
    organisation: Option<i64>,
) -> crate::Result<RootList<agreement::Entity>> {
    if !(0..=36_600).contains(&within_days) {
        return Err(crate::Error::bad_input(
            "withinDays",
            "`withinDays` must be between 0 and 36600",
        ));
    }
    let today = scope.today();
    let filter = AgreementFilter {
        valid_on: Some(today),
        valid_to: DateRange {
            from: Some(today),
            to: Some(today + chrono::Days::new(within_days as u64)),
        },
        statuses: Some(vec![AgreementStatus::InEffect]),
        parties: organisation.map(|o| vec![o]),
        ..Default::default()
    };
    Ok(select(
        scope,
        &filter,
        AgreementOrderField::ValidTo,
        Direction::Asc,
    ))
}
