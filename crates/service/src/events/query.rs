//! The events list.
use entity::enums::{EventKind, EventOrganisationRole, EventStatus};
use entity::{event, event_organisation, event_participant};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, QueryFilter};

use crate::Scope;
use crate::query::{DateRange, Direction, RootList, all_of, archived, one_of, text_match};

#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// Substring of the title or theme.
    pub search: Option<String>,
    pub owners: Option<Vec<i64>>,
    pub kinds: Option<Vec<EventKind>>,
    pub statuses: Option<Vec<EventStatus>>,
    pub countries: Option<Vec<String>>,
    pub start_date: DateRange,
    /// Events any of these organisations took part in (in `roles`, if given).
    pub organisations: Option<Vec<i64>>,
    pub roles: Option<Vec<EventOrganisationRole>>,
    /// Events any of these people took part in.
    pub people: Option<Vec<i64>>,
    /// Archived records instead of live ones.
    pub archived: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EventOrderField {
    #[default]
    StartDate,
    Title,
    CreatedAt,
    /// When the record last changed.
    UpdatedAt,
}

pub fn select(
    scope: &Scope,
    filter: &EventFilter,
    field: EventOrderField,
    direction: Direction,
) -> RootList<event::Entity> {
    let by_organisation = (filter.organisations.is_some() || filter.roles.is_some()).then(|| {
        let mut link = Query::select();
        link.column(event_organisation::Column::EventId)
            .from(event_organisation::Entity);
        if let Some(orgs) = &filter.organisations {
            link.and_where(event_organisation::Column::OrganisationId.is_in(orgs.iter().copied()));
        }
        if let Some(roles) = &filter.roles {
            link.and_where(event_organisation::Column::Role.is_in(roles.iter().copied()));
        }
        Condition::all().add(event::Column::Id.in_subquery(link.to_owned()))
    });
    let by_person = filter.people.as_ref().map(|people| {
        Condition::all().add(
            event::Column::Id.in_subquery(
                Query::select()
                    .column(event_participant::Column::EventId)
                    .from(event_participant::Entity)
                    .and_where(event_participant::Column::PersonId.is_in(people.iter().copied()))
                    .to_owned(),
            ),
        )
    });
    let condition = all_of([
        archived(event::Column::ArchivedAt, filter.archived),
        filter
            .search
            .as_deref()
            .map(|s| text_match(s, [event::Column::Title, event::Column::Theme])),
        one_of(event::Column::OwnerId, &filter.owners),
        one_of(event::Column::Kind, &filter.kinds),
        one_of(event::Column::Status, &filter.statuses),
        one_of(event::Column::CountryCode, &filter.countries),
        Some(filter.start_date.condition(event::Column::StartDate)),
        by_organisation,
        by_person,
    ]);
    let column = match field {
        EventOrderField::StartDate => event::Column::StartDate,
        EventOrderField::Title => event::Column::Title,
        EventOrderField::CreatedAt => event::Column::CreatedAt,
        EventOrderField::UpdatedAt => event::Column::UpdatedAt,
    };
    RootList::new(scope.find::<event::Entity>().filter(condition))
        .by(column, direction)
        .by(event::Column::Id, direction)
}
