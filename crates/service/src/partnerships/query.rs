//! The partnerships list.
use chrono::NaiveDate;
use entity::enums::{PartnershipKind, PartnershipStatus};
use entity::{organisation, partnership};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, QueryFilter};

use crate::Scope;
use crate::query::{DateRange, Direction, RootList, all_of, archived, one_of, text_match};

#[derive(Debug, Clone, Default)]
pub struct PartnershipFilter {
    /// Substring of the notes.
    pub search: Option<String>,
    pub owners: Option<Vec<i64>>,
    pub members: Option<Vec<i64>>,
    pub partners: Option<Vec<i64>>,
    pub kinds: Option<Vec<PartnershipKind>>,
    pub statuses: Option<Vec<PartnershipStatus>>,
    /// Partners based in any of these countries or regions.
    pub partner_countries: Option<Vec<String>>,
    /// Partnerships going on that day (see [`active_on`]).
    pub active_on: Option<NaiveDate>,
    pub since: DateRange,
    /// Archived records instead of live ones.
    pub archived: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PartnershipOrderField {
    #[default]
    Since,
    Until,
    CreatedAt,
    /// When the record last changed.
    UpdatedAt,
}

/// Partnerships going on on `day`: begun by then (or of unknown start) and not ended
/// before it. An `ACTIVE` one counts until its `until`; an `ENDED` one only up to a known
/// `until` (ended on an unknown date, it cannot be placed on any day).
pub fn active_on(day: NaiveDate) -> Condition {
    use partnership::Column as C;
    Condition::all()
        .add(
            Condition::any()
                .add(C::Since.is_null())
                .add(C::Since.lte(day)),
        )
        .add(
            Condition::any()
                .add(
                    Condition::all()
                        .add(C::Status.eq(PartnershipStatus::Active))
                        .add(C::Until.is_null()),
                )
                .add(C::Until.gte(day)),
        )
}

/// What a partnership's status is on `day`: an `ACTIVE` one whose `until` has passed
/// has lapsed and counts as `ENDED`; the stored status is left as written.
pub fn effective_status(row: &partnership::Model, day: NaiveDate) -> PartnershipStatus {
    if lapsed(row, day) {
        PartnershipStatus::Ended
    } else {
        row.status
    }
}

/// Whether `row` is stored as `ACTIVE` though its `until` is before `day`.
pub fn lapsed(row: &partnership::Model, day: NaiveDate) -> bool {
    row.status == PartnershipStatus::Active && row.until.is_some_and(|until| until < day)
}

pub fn select(
    scope: &Scope,
    filter: &PartnershipFilter,
    field: PartnershipOrderField,
    direction: Direction,
) -> RootList<partnership::Entity> {
    use partnership::Column as C;
    // Organisations are registry entries, readable by everyone: no read rule to apply.
    let by_partner_country = filter.partner_countries.as_ref().map(|countries| {
        Condition::all().add(
            C::PartnerId.in_subquery(
                Query::select()
                    .column(organisation::Column::Id)
                    .from(organisation::Entity)
                    .and_where(organisation::Column::CountryCode.is_in(countries.iter().cloned()))
                    .to_owned(),
            ),
        )
    });
    let condition = all_of([
        archived(C::ArchivedAt, filter.archived),
        filter.search.as_deref().map(|s| text_match(s, [C::Notes])),
        one_of(C::OwnerId, &filter.owners),
        one_of(C::MemberId, &filter.members),
        one_of(C::PartnerId, &filter.partners),
        one_of(C::Kind, &filter.kinds),
        one_of(C::Status, &filter.statuses),
        Some(filter.since.condition(C::Since)),
        filter.active_on.map(active_on),
        by_partner_country,
    ]);
    let column = match field {
        PartnershipOrderField::Since => C::Since,
        PartnershipOrderField::Until => C::Until,
        PartnershipOrderField::CreatedAt => C::CreatedAt,
        PartnershipOrderField::UpdatedAt => C::UpdatedAt,
    };
    RootList::new(scope.find::<partnership::Entity>().filter(condition))
        .by(column, direction)
        .by(C::Id, direction)
}
