//! Event rows: an event matched by its id, else by (owner, title, start date), with
//! its host organisations matched in the registry (or created, once per file) and
//! written as the event's organisations in the `HOST` role.
use std::collections::HashMap;

use chrono::NaiveDate;
use entity::enums::{EventFormat, EventKind, EventOrganisationRole, EventStatus, ParticipantRole};
use entity::{event, event_organisation, event_participant};
use sea_orm::{
    ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};

use super::agreements::{PartnerRef, outcomes};
use super::matching::NameKey;
use super::people::{PARTICIPANT_ROLES, PersonLink, participant_role, same_people};
use super::{
    Candidate, Cells, Checked, Context, Invalid, RecordKind, RowReport, RowStatus, VISIBILITIES,
    choice, date, text,
};
use crate::access::{Changeable, may_write, owner_of_new};
use crate::domain::{self, DateSpan, NAME_MAX, TITLE_MAX};
use crate::events::{EventInput, EventOrganisationInput, EventPatch};
use crate::organisations::OrganisationInput;
use crate::people::PersonInput;
use crate::{Result, Scope};

pub(super) const EVENT_KINDS: &[(EventKind, &[&str])] = &[
    (EventKind::Symposium, &["SYMPOSIUM", "研讨会"]),
    (EventKind::Conference, &["CONFERENCE", "会议", "大会"]),
    (EventKind::Forum, &["FORUM", "论坛"]),
    (EventKind::Meeting, &["MEETING", "会谈", "座谈会"]),
    (EventKind::Workshop, &["WORKSHOP", "工作坊", "培训"]),
    (EventKind::Ceremony, &["CEREMONY", "仪式", "典礼"]),
    (EventKind::Visit, &["VISIT", "来访", "访问"]),
    (EventKind::PartnershipWeek, &["PARTNERSHIP_WEEK", "合作周"]),
    (EventKind::Other, &["OTHER", "其他"]),
];

pub(super) const EVENT_STATUSES: &[(EventStatus, &[&str])] = &[
    (EventStatus::Planned, &["PLANNED", "计划中", "筹备中"]),
    (EventStatus::Held, &["HELD", "已举办", "已举行"]),
    (EventStatus::Cancelled, &["CANCELLED", "CANCELED", "已取消"]),
    (EventStatus::Postponed, &["POSTPONED", "已延期", "延期"]),
];

pub(super) const EVENT_FORMATS: &[(EventFormat, &[&str])] = &[
    (EventFormat::Onsite, &["ONSITE", "线下", "现场"]),
    (EventFormat::Online, &["ONLINE", "线上"]),
    (EventFormat::Hybrid, &["HYBRID", "线上线下", "混合"]),
];

pub(super) enum EventWrite {
    Create(Box<EventInput>),
    /// The event, its version, the patch, its organisations when the hosts change, and
    /// its participants when they change (the row names them all).
    Update(
        i64,
        i32,
        Box<EventPatch>,
        Option<Vec<(PartnerRef, EventOrganisationRole)>>,
        Option<Vec<PersonLink<ParticipantRole>>>,
    ),
    Nothing,
}

/// What an event row writes: the organisations it is the first to name, then the event.
pub(super) struct EventPlan {
    pub create: Vec<(usize, Box<OrganisationInput>)>,
    pub create_people: Vec<(usize, Box<PersonInput>)>,
    pub hosts: Vec<PartnerRef>,
    pub participants: Vec<PersonLink<ParticipantRole>>,
    pub write: EventWrite,
}

/// The events the caller may read, live, by id and by (owner, title, start date), with
/// their organisations in order.
pub(super) struct Events {
    by_id: HashMap<i64, event::Model>,
    by_key: HashMap<(i64, NameKey, NaiveDate), Vec<i64>>,
    organisations: HashMap<i64, Vec<event_organisation::Model>>,
    /// Each event's participants: (person, role, organisation).
    participants: HashMap<i64, Vec<(i64, ParticipantRole, Option<i64>)>>,
}

impl Scope {
    /// Three statements whatever the number of events: the events, their organisations
    /// and their participants.
    pub(super) async fn readable_events(&self, txn: &DatabaseTransaction) -> Result<Events> {
        let rows = self
            .find::<event::Entity>()
            .filter(event::Column::ArchivedAt.is_null())
            .order_by_asc(event::Column::Id)
            .all(txn)
            .await?;
        let mut out = Events {
            by_id: HashMap::new(),
            by_key: HashMap::new(),
            organisations: HashMap::new(),
            participants: HashMap::new(),
        };
        for e in rows {
            out.by_key
                .entry((e.owner_id, NameKey::of(&e.title), e.start_date))
                .or_default()
                .push(e.id);
            out.by_id.insert(e.id, e);
        }
        if !out.by_id.is_empty() {
            let rows = event_organisation::Entity::find()
                .filter(
                    event_organisation::Column::EventId.in_subquery(
                        self.find::<event::Entity>()
                            .select_only()
                            .column(event::Column::Id)
                            .filter(event::Column::ArchivedAt.is_null())
                            .into_query(),
                    ),
                )
                .order_by_asc(event_organisation::Column::EventId)
                .order_by_asc(event_organisation::Column::Position)
                .all(txn)
                .await?;
            for o in rows {
                out.organisations.entry(o.event_id).or_default().push(o);
            }
            let rows = event_participant::Entity::find()
                .filter(
                    event_participant::Column::EventId.in_subquery(
                        self.find::<event::Entity>()
                            .select_only()
                            .column(event::Column::Id)
                            .filter(event::Column::ArchivedAt.is_null())
                            .into_query(),
                    ),
                )
                .order_by_asc(event_participant::Column::EventId)
                .order_by_asc(event_participant::Column::Position)
                .all(txn)
                .await?;
            for p in rows {
                out.participants.entry(p.event_id).or_default().push((
                    p.person_id,
                    p.role,
                    p.organisation_id,
                ));
            }
        }
        Ok(out)
    }
}

impl Context<'_> {
    pub(super) fn event_row(
        &mut self,
        cells: &Cells,
        line: &mut RowReport,
        seen: &mut HashMap<String, usize>,
        new_orgs: &mut Vec<String>,
        events: &Events,
    ) -> Checked<Option<EventPlan>> {
        let principal = self.scope.principal();
        let named_owner = self.named_organisation(cells, "owner")?;
        let existing = match cells.get("id") {
            None => None,
            Some(v) => Some(
                (self.decode_id)(RecordKind::Event, v)
                    .and_then(|k| events.by_id.get(&k))
                    .ok_or_else(|| Invalid("id", format!("no event has the id `{v}`")))?,
            ),
        };
        let owner = match (existing, named_owner) {
            (Some(e), None) => e.owner_id,
            _ => owner_of_new(principal, named_owner).map_err(|e| Invalid("owner", e.message()))?,
        };
        may_write(principal, owner).map_err(|e| Invalid("owner", e.message()))?;
        let title = text(cells, "title", TITLE_MAX)?;
        let kind = choice(cells, "kind", EVENT_KINDS)?;
        let status = choice(cells, "status", EVENT_STATUSES)?;
        let format = choice(cells, "format", EVENT_FORMATS)?;
        let start = date(cells, "startDate")?;
        let end = date(cells, "endDate")?;
        let venue = text(cells, "venue", NAME_MAX)?;
        let city = text(cells, "city", NAME_MAX)?;
        let country = match cells.get("country") {
            None => None,
            Some(v) => Some(self.countries.code(v).ok_or_else(|| {
                Invalid(
                    "country",
                    format!("`{v}` is not a country or region Concord knows (write its ISO code, e.g. GB)"),
                )
            })?),
        };
        let visibility = choice(cells, "visibility", VISIBILITIES)?;
        let mut create = Vec::new();
        let hosts = self.organisations_named(
            cells,
            line,
            new_orgs,
            &mut create,
            ["host", "hostCountry", "hostKind"],
        )?;
        if line.status == RowStatus::Ambiguous {
            return Ok(None);
        }
        let mut create_people = Vec::new();
        let participants = self.people_named(
            cells,
            line,
            "participants",
            &mut create_people,
            participant_role("participants"),
        )?;
        if line.status == RowStatus::Ambiguous {
            return Ok(None);
        }
        let matched: Vec<&event::Model> = match existing {
            Some(e) => vec![e],
            None => {
                let Some(t) = &title else {
                    return Err(Invalid("title", "an event needs a title".into()));
                };
                let Some(s) = start else {
                    return Err(Invalid("startDate", "an event needs a start date".into()));
                };
                events
                    .by_key
                    .get(&(owner, NameKey::of(t), s))
                    .map(|ids| ids.iter().map(|id| &events.by_id[id]).collect())
                    .unwrap_or_default()
            }
        };
        let key = match matched.as_slice() {
            [e] => format!("e{}", e.id),
            _ => format!(
                "{owner} {:?} {start:?}",
                NameKey::of(title.as_deref().unwrap_or(""))
            ),
        };
        if let Some(first) = seen.insert(key, line.line) {
            return Err(Invalid("title", format!("the same event as line {first}")));
        }
        let today = self.scope.today();
        let write = match matched.as_slice() {
            [] => {
                let start = start.expect("checked above");
                DateSpan::parse("endDate", Some(start), end)
                    .map_err(|e| Invalid::from(("endDate", e)))?;
                line.status = RowStatus::New;
                EventWrite::Create(Box::new(EventInput {
                    owner: Some(owner),
                    visibility,
                    kind: kind.unwrap_or(EventKind::Other),
                    status: status.unwrap_or(if start <= today {
                        EventStatus::Held
                    } else {
                        EventStatus::Planned
                    }),
                    format: format.unwrap_or(EventFormat::Onsite),
                    title: title.expect("checked above"),
                    theme: None,
                    description: None,
                    start_date: start,
                    end_date: end,
                    venue,
                    city,
                    country,
                    source: None,
                    organisations: Vec::new(),
                    participants: Vec::new(),
                    presentations: Vec::new(),
                    outcomes: Vec::new(),
                    translations: Vec::new(),
                    idempotency_key: None,
                }))
            }
            [e] => {
                line.status = RowStatus::Matched;
                line.record = Some((RecordKind::Event, e.id));
                let mut patch = EventPatch::default();
                if let Some(t) = &title
                    && *t != e.title
                {
                    patch.title = Some(t.clone());
                    line.changes.push("title");
                }
                if let Some(k) = kind
                    && k != e.kind
                {
                    patch.kind = Some(k);
                    line.changes.push("kind");
                }
                if let Some(s) = status
                    && s != e.status
                {
                    domain::event_transition("status", e.status, s)
                        .map_err(|err| Invalid::from(("status", err)))?;
                    patch.status = Some(s);
                    line.changes.push("status");
                }
                if let Some(f) = format
                    && f != e.format
                {
                    patch.format = Some(f);
                    line.changes.push("format");
                }
                if let Some(s) = start
                    && s != e.start_date
                {
                    patch.start_date = Some(s);
                    line.changes.push("startDate");
                }
                if end.is_some() && end != e.end_date {
                    patch.end_date = Some(end);
                    line.changes.push("endDate");
                }
                if venue.is_some() && venue != e.venue {
                    patch.venue = Some(venue);
                    line.changes.push("venue");
                }
                if city.is_some() && city != e.city {
                    patch.city = Some(city);
                    line.changes.push("city");
                }
                if country.is_some() && country != e.country_code {
                    patch.country = Some(country);
                    line.changes.push("country");
                }
                if let Some(v) = visibility
                    && v != e.visibility
                {
                    patch.visibility = Some(v);
                    line.changes.push("visibility");
                }
                let stored = events
                    .organisations
                    .get(&e.id)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                let organisations = hosts.as_ref().and_then(|refs| {
                    let theirs: Vec<PartnerRef> = stored
                        .iter()
                        .filter(|o| o.role == EventOrganisationRole::Host)
                        .map(|o| PartnerRef::Known(o.organisation_id))
                        .collect();
                    if theirs.len() == refs.len() && refs.iter().all(|r| theirs.contains(r)) {
                        return None;
                    }
                    // Organisations in other roles stay; hosts no longer named go.
                    let mut list: Vec<(PartnerRef, EventOrganisationRole)> = stored
                        .iter()
                        .filter(|o| {
                            o.role != EventOrganisationRole::Host
                                || refs.contains(&PartnerRef::Known(o.organisation_id))
                        })
                        .map(|o| (PartnerRef::Known(o.organisation_id), o.role))
                        .collect();
                    for r in refs {
                        if !list
                            .iter()
                            .any(|(x, role)| x == r && *role == EventOrganisationRole::Host)
                        {
                            list.push((*r, EventOrganisationRole::Host));
                        }
                    }
                    Some(list)
                });
                if organisations.is_some() {
                    line.changes.push("host");
                }
                let all: Vec<ParticipantRole> = PARTICIPANT_ROLES.iter().map(|(r, _)| *r).collect();
                let stored = events
                    .participants
                    .get(&e.id)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                let participants_change = participants
                    .as_ref()
                    .filter(|named| !same_people(named, stored, &all))
                    .cloned();
                if participants_change.is_some() {
                    line.changes.push("participants");
                }
                if line.changes.is_empty() {
                    EventWrite::Nothing
                } else {
                    event::Entity::may_change(principal, e)
                        .map_err(|err| Invalid(line.changes[0], err.message()))?;
                    DateSpan::parse(
                        "endDate",
                        Some(start.unwrap_or(e.start_date)),
                        end.or(e.end_date),
                    )
                    .map_err(|err| Invalid::from(("endDate", err)))?;
                    EventWrite::Update(
                        e.id,
                        e.version,
                        Box::new(patch),
                        organisations,
                        participants_change,
                    )
                }
            }
            several => {
                line.status = RowStatus::Ambiguous;
                line.reason = Some(
                    "the owner has several events with this title starting that day: add an id column"
                        .into(),
                );
                line.candidates = several
                    .iter()
                    .map(|e| Candidate {
                        kind: RecordKind::Event,
                        id: e.id,
                        name: e.title.clone(),
                        country: e.country_code.clone(),
                    })
                    .collect();
                return Ok(None);
            }
        };
        let hosts = hosts.unwrap_or_default();
        line.partners = outcomes(&hosts);
        let participants = participants.unwrap_or_default();
        line.people = super::people::outcomes(&participants);
        Ok(Some(EventPlan {
            create,
            create_people,
            hosts,
            participants,
            write,
        }))
    }
}

/// The organisations of a new event: its hosts.
pub(super) fn hosts_of(hosts: &[i64]) -> Vec<EventOrganisationInput> {
    hosts
        .iter()
        .map(|&organisation| EventOrganisationInput {
            organisation,
            role: EventOrganisationRole::Host,
        })
        .collect()
}
