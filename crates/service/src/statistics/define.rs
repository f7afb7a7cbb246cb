//! What each indicator counts, as SQL: the condition its records meet (on the table its
//! records come from) and, for each breakdown, the (record, key) pairs it groups by.
//! Subqueries reach other tables only through their own read rule (`readable_by`), so
//! a figure never counts what the caller may not read.
use entity::enums::{
    AgreementKind, CentreStatus, EventOrganisationRole, EventStatus, IndicatorCode,
    PartnershipStatus,
};
use entity::{
    adoption, agreement, agreement_party, country, curriculum_standard, event, event_organisation,
    event_participant, organisation, partnership, person, training_centre,
};
use std::collections::HashMap;

use sea_orm::sea_query::{
    Alias, Expr, ExprTrait, OverStatement, Query, SelectStatement, WindowStatement,
};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, FromQueryResult, JoinType, QueryFilter, QueryTrait,
};

use super::{Dimension, Frame};
use crate::agreements::in_effect_on;
use crate::query::{Direction, RootList};
use crate::scope::primary_column;
use crate::{PageArgs, Principal, Record, Scope, Slice};

/// The records behind a figure: a root list of the table they come from.
#[derive(Clone)]
pub enum Records {
    Organisations(RootList<organisation::Entity>),
    Countries(RootList<country::Entity>),
    Agreements(RootList<agreement::Entity>),
    Events(RootList<event::Entity>),
    People(RootList<person::Entity>),
    Standards(RootList<curriculum_standard::Entity>),
    Centres(RootList<training_centre::Entity>),
}

/// How a breakdown keys an indicator's records.
pub(super) enum Mapping {
    /// A key computed from the record's own row.
    Own(Expr),
    /// Distinct (rid, key) pairs from other tables (a record may have several keys).
    Pairs(Box<SelectStatement>),
}

/// Which of an indicator's records a drill-down keeps.
#[derive(Clone)]
pub(super) enum Narrow {
    /// Those whose key the select lists.
    Keys(Box<SelectStatement>),
    /// Those that meet a condition on their own row.
    Where(Expr),
}

/// Runs `$body` with `$list` bound to whichever list `$records` holds.
macro_rules! each {
    ($records:expr, $list:ident => $body:expr) => {
        match $records {
            Records::Organisations($list) => $body,
            Records::Countries($list) => $body,
            Records::Agreements($list) => $body,
            Records::Events($list) => $body,
            Records::People($list) => $body,
            Records::Standards($list) => $body,
            Records::Centres($list) => $body,
        }
    };
}

impl Records {
    /// `SELECT COUNT(*) AS value` of the records.
    pub(super) fn count_query(&self) -> SelectStatement {
        each!(self, list => counted(list))
    }

    /// `SELECT key, COUNT(*) AS value ... GROUP BY key` over the records joined to
    /// `mapping`'s distinct (rid, key) pairs, with each key's names from `names`.
    pub(super) fn grouped_query(&self, mapping: Mapping, names: KeyNames) -> SelectStatement {
        each!(self, list => grouped(list, mapping, names))
    }
}

fn counted<E: Record>(list: &RootList<E>) -> SelectStatement {
    let mut query = list.select.clone().into_query();
    query
        .clear_selects()
        .expr_as(Expr::cust("COUNT(*)"), "value");
    query
}

/// Where a breakdown's keys are named (`name_en`, `name_zh` beside each key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum KeyNames {
    /// The keys name themselves (years) or are labelled in Rust (kinds, statuses).
    None,
    /// Country codes: the country table.
    Countries,
    /// M49 codes: the world region table.
    WorldRegions,
}

fn grouped<E: Record>(list: &RootList<E>, mapping: Mapping, names: KeyNames) -> SelectStatement {
    let mut keyed = list.select.clone().into_query();
    keyed.clear_selects();
    match mapping {
        Mapping::Own(key) => {
            keyed.expr_as(key, "key");
        }
        Mapping::Pairs(pairs) => {
            keyed
                .expr_as(Expr::col(("keys", "key")), "key")
                .join_subquery(
                    JoinType::InnerJoin,
                    *pairs,
                    "keys",
                    Expr::col(("keys", "rid")).equals((E::default(), primary_column::<E>())),
                );
        }
    }
    let counted = Query::select()
        .expr_as(Expr::col(("keyed", "key")), "key")
        .expr_as(Expr::cust("COUNT(*)"), "value")
        .from_subquery(keyed, "keyed")
        .group_by_col(("keyed", "key"))
        .to_owned();
    let table = match names {
        KeyNames::None => return counted,
        KeyNames::Countries => Alias::new("country"),
        KeyNames::WorldRegions => Alias::new("world_region"),
    };
    Query::select()
        .column(("counted", "key"))
        .column(("counted", "value"))
        .column((table.clone(), Alias::new("name_en")))
        .column((table.clone(), Alias::new("name_zh")))
        .from_subquery(counted, "counted")
        .join(
            JoinType::LeftJoin,
            table.clone(),
            Expr::col((table, Alias::new("code"))).equals(("counted", "key")),
        )
        .to_owned()
}

/// A root list of the live, readable rows of `E` that meet `condition` (and `only`),
/// in `order` and then by key.
fn list<E: Record>(
    scope: &Scope,
    condition: Condition,
    only: Option<Narrow>,
    order: Vec<(E::Column, Direction)>,
) -> RootList<E> {
    let mut select = scope.find::<E>().filter(E::live()).filter(condition);
    match only {
        Some(Narrow::Keys(keys)) => {
            select = select.filter(primary_column::<E>().in_subquery(*keys))
        }
        Some(Narrow::Where(condition)) => select = select.filter(condition),
        None => {}
    }
    let first = order.first().map_or(Direction::Asc, |(_, d)| *d);
    let list = order
        .into_iter()
        .fold(RootList::new(select), |list, (c, d)| list.by(c, d));
    list.by(primary_column::<E>(), first)
}

/// `column` on or before `day`, or undated.
fn by(column: impl ColumnTrait, day: chrono::NaiveDate) -> Condition {
    Condition::any().add(column.is_null()).add(column.lte(day))
}

/// Agreements any of `organisations` is a party to.
fn parties_in(organisations: &[i64]) -> SelectStatement {
    Query::select()
        .column(agreement_party::Column::AgreementId)
        .from(agreement_party::Entity)
        .and_where(agreement_party::Column::OrganisationId.is_in(organisations.iter().copied()))
        .to_owned()
}

/// Readable, live agreements in effect on the frame's day that `organisations` are a
/// party to.
pub(super) fn agreements_of(
    p: &Principal,
    frame: &Frame,
    organisations: &[i64],
) -> SelectStatement {
    Query::select()
        .column((agreement::Entity, agreement::Column::Id))
        .from(agreement::Entity)
        .cond_where(agreement::Entity::readable_by(p))
        .cond_where(agreement::Entity::live())
        .cond_where(in_effect_on(frame.as_of))
        .and_where(agreement::Column::Id.in_subquery(parties_in(organisations)))
        .to_owned()
}

/// The partners of `organisations`: the other parties of their agreements in effect,
/// and the partners of their live, readable partnerships active on the frame's day.
fn partners(p: &Principal, frame: &Frame, organisations: &[i64]) -> SelectStatement {
    let by_partnership = live_partnerships(p, frame, organisations)
        .column(partnership::Column::PartnerId)
        .to_owned();
    Query::select()
        .column(agreement_party::Column::OrganisationId)
        .from(agreement_party::Entity)
        .and_where(
            agreement_party::Column::AgreementId.in_subquery(agreements_of(
                p,
                frame,
                organisations,
            )),
        )
        .and_where(agreement_party::Column::OrganisationId.is_not_in(organisations.iter().copied()))
        .union(sea_orm::sea_query::UnionType::Distinct, by_partnership)
        .to_owned()
}

/// Readable, live, active partnerships of `organisations` on the frame's day with a
/// partner outside them (no columns selected yet): the partnership arm of `partners`.
pub(super) fn live_partnerships(
    p: &Principal,
    frame: &Frame,
    organisations: &[i64],
) -> SelectStatement {
    let day = frame.as_of;
    Query::select()
        .from(partnership::Entity)
        .cond_where(partnership::Entity::readable_by(p))
        .cond_where(partnership::Entity::live())
        .and_where(partnership::Column::Status.eq(PartnershipStatus::Active))
        .cond_where(by(partnership::Column::Since, day))
        .cond_where(
            Condition::any()
                .add(partnership::Column::Until.is_null())
                .add(partnership::Column::Until.gte(day)),
        )
        .and_where(partnership::Column::MemberId.is_in(organisations.iter().copied()))
        .and_where(partnership::Column::PartnerId.is_not_in(organisations.iter().copied()))
        .to_owned()
}

/// The kinds of agreement that run a joint programme.
const JOINT: [AgreementKind; 4] = [
    AgreementKind::JointSchool,
    AgreementKind::JointDegree,
    AgreementKind::DoubleDegree,
    AgreementKind::JointTraining,
];

/// Events `organisations` hosted or co-hosted.
fn hosted_by(organisations: &[i64]) -> SelectStatement {
    Query::select()
        .column(event_organisation::Column::EventId)
        .from(event_organisation::Entity)
        .and_where(
            event_organisation::Column::Role
                .is_in([EventOrganisationRole::Host, EventOrganisationRole::CoHost]),
        )
        .and_where(event_organisation::Column::OrganisationId.is_in(organisations.iter().copied()))
        .to_owned()
}

/// The hosted events that count: not cancelled, starting in the period.
fn counted_events(frame: &Frame, organisations: &[i64]) -> Condition {
    Condition::all()
        .add(event::Column::Status.ne(EventStatus::Cancelled))
        .add(frame.period.condition(event::Column::StartDate))
        .add(event::Column::Id.in_subquery(hosted_by(organisations)))
}

/// Participations in counted, readable events for an organisation based outside the
/// event's country (no columns selected yet).
fn foreign_participations(p: &Principal, frame: &Frame, organisations: &[i64]) -> SelectStatement {
    Query::select()
        .from(event_participant::Entity)
        .join(
            JoinType::InnerJoin,
            event::Entity,
            Expr::col((event::Entity, event::Column::Id)).equals((
                event_participant::Entity,
                event_participant::Column::EventId,
            )),
        )
        .join(
            JoinType::InnerJoin,
            organisation::Entity,
            Expr::col((organisation::Entity, organisation::Column::Id)).equals((
                event_participant::Entity,
                event_participant::Column::OrganisationId,
            )),
        )
        .cond_where(event::Entity::readable_by(p))
        .cond_where(event::Entity::live())
        .cond_where(counted_events(frame, organisations))
        .and_where(
            Expr::col((organisation::Entity, organisation::Column::CountryCode))
                .ne(Expr::col((event::Entity, event::Column::CountryCode))),
        )
        .to_owned()
}

/// The standards `organisations` developed that count on the frame's day.
fn developed(frame: &Frame, organisations: &[i64]) -> Condition {
    Condition::all()
        .add(curriculum_standard::Column::DeveloperId.is_in(organisations.iter().copied()))
        .add(by(curriculum_standard::Column::IssuedOn, frame.as_of))
}

/// Adoptions, by the frame's day, of readable standards `organisations` developed, in
/// a country other than the developer's (no columns selected yet).
fn adoptions_abroad(p: &Principal, frame: &Frame, organisations: &[i64]) -> SelectStatement {
    Query::select()
        .from(adoption::Entity)
        .join(
            JoinType::InnerJoin,
            curriculum_standard::Entity,
            Expr::col((curriculum_standard::Entity, curriculum_standard::Column::Id))
                .equals((adoption::Entity, adoption::Column::StandardId)),
        )
        .join(
            JoinType::InnerJoin,
            organisation::Entity,
            Expr::col((organisation::Entity, organisation::Column::Id)).equals((
                curriculum_standard::Entity,
                curriculum_standard::Column::DeveloperId,
            )),
        )
        .cond_where(curriculum_standard::Entity::readable_by(p))
        .cond_where(curriculum_standard::Entity::live())
        .cond_where(developed(frame, organisations))
        .cond_where(by(adoption::Column::AdoptedOn, frame.as_of))
        .and_where(
            Expr::col((adoption::Entity, adoption::Column::CountryCode)).ne(Expr::col((
                organisation::Entity,
                organisation::Column::CountryCode,
            ))),
        )
        .to_owned()
}

/// Readable, live centres `organisations` operate, operating and opened by the frame's
/// day, in a country other than the operator's (no columns selected yet).
fn centres_abroad(p: &Principal, frame: &Frame, organisations: &[i64]) -> SelectStatement {
    Query::select()
        .from(training_centre::Entity)
        .join(
            JoinType::InnerJoin,
            organisation::Entity,
            Expr::col((organisation::Entity, organisation::Column::Id))
                .equals((training_centre::Entity, training_centre::Column::OperatorId)),
        )
        .cond_where(training_centre::Entity::readable_by(p))
        .cond_where(training_centre::Entity::live())
        .and_where(training_centre::Column::OperatorId.is_in(organisations.iter().copied()))
        .and_where(training_centre::Column::Status.eq(CentreStatus::Operating))
        .cond_where(by(training_centre::Column::OpenedOn, frame.as_of))
        .and_where(
            Expr::col((
                training_centre::Entity,
                training_centre::Column::CountryCode,
            ))
            .ne(Expr::col((
                organisation::Entity,
                organisation::Column::CountryCode,
            ))),
        )
        .to_owned()
}

/// `query` selecting `column` (a subquery of keys).
fn selecting(mut query: SelectStatement, column: Expr) -> SelectStatement {
    query.expr(column);
    query
}

fn col<E: EntityTrait>(entity: E, column: E::Column) -> Expr {
    Expr::col((entity, column))
}

impl Scope {
    /// The records of `code` for the subject's `organisations` (the whole subject, or
    /// one member's), narrowed to the keys `only` selects.
    pub(super) fn statistics_records(
        &self,
        frame: &Frame,
        code: IndicatorCode,
        organisations: &[i64],
        only: Option<Narrow>,
    ) -> Records {
        use IndicatorCode as I;
        let p = self.principal();
        let orgs = organisations;
        let countries = |codes: SelectStatement| {
            Records::Countries(list(
                self,
                Condition::all().add(country::Column::Code.in_subquery(codes)),
                only.clone(),
                vec![(country::Column::Code, Direction::Asc)],
            ))
        };
        let agreements = |kinds: Option<&[AgreementKind]>| {
            let mut condition = Condition::all()
                .add(in_effect_on(frame.as_of))
                .add(agreement::Column::Id.in_subquery(parties_in(orgs)));
            if let Some(kinds) = kinds {
                condition = condition.add(agreement::Column::Kind.is_in(kinds.iter().copied()));
            }
            Records::Agreements(list(
                self,
                condition,
                only.clone(),
                vec![(agreement::Column::SignedOn, Direction::Desc)],
            ))
        };
        let standards = |condition: Condition| {
            Records::Standards(list(
                self,
                condition,
                only.clone(),
                vec![(curriculum_standard::Column::Title, Direction::Asc)],
            ))
        };
        match code {
            I::PartnerInstitutions => Records::Organisations(list(
                self,
                Condition::all()
                    .add(organisation::Column::Id.in_subquery(partners(p, frame, orgs))),
                only,
                vec![(organisation::Column::NameEn, Direction::Asc)],
            )),
            I::PartnerCountriesAndRegions => countries(
                Query::select()
                    .column((organisation::Entity, organisation::Column::CountryCode))
                    .from(organisation::Entity)
                    .and_where(organisation::Column::Id.in_subquery(partners(p, frame, orgs)))
                    .cond_where(organisation::Entity::live())
                    .to_owned(),
            ),
            I::AgreementsInEffect => agreements(None),
            I::JointProgrammesRunning => agreements(Some(&JOINT)),
            I::InternationalEventsHosted => Records::Events(list(
                self,
                counted_events(frame, orgs),
                only,
                vec![(event::Column::StartDate, Direction::Desc)],
            )),
            I::ForeignParticipants => Records::People(list(
                self,
                Condition::all().add(person::Column::Id.in_subquery(selecting(
                    foreign_participations(p, frame, orgs),
                    col(
                        event_participant::Entity,
                        event_participant::Column::PersonId,
                    ),
                ))),
                only,
                vec![
                    (person::Column::FamilyName, Direction::Asc),
                    (person::Column::GivenName, Direction::Asc),
                ],
            )),
            I::CurriculumStandardsDeveloped => standards(developed(frame, orgs)),
            I::StandardsAdoptedAbroad => standards(Condition::all().add(
                curriculum_standard::Column::Id.in_subquery(selecting(
                    adoptions_abroad(p, frame, orgs),
                    col(adoption::Entity, adoption::Column::StandardId),
                )),
            )),
            I::StandardAdoptingCountriesAndRegions => countries(selecting(
                adoptions_abroad(p, frame, orgs),
                col(adoption::Entity, adoption::Column::CountryCode),
            )),
            I::TrainingCentresAbroad => Records::Centres(list(
                self,
                Condition::all().add(training_centre::Column::Id.in_subquery(selecting(
                    centres_abroad(p, frame, orgs),
                    col(training_centre::Entity, training_centre::Column::Id),
                ))),
                only,
                vec![(training_centre::Column::Name, Direction::Asc)],
            )),
            I::TrainingCentreCountries => countries(selecting(
                centres_abroad(p, frame, orgs),
                col(
                    training_centre::Entity,
                    training_centre::Column::CountryCode,
                ),
            )),
        }
    }
}

/// `SUBSTR(CAST(column AS TEXT), 1, 4)`: a date's year as text, on both databases (a
/// date is ISO text in SQLite and casts to ISO text in PostgreSQL).
fn year_of<E: EntityTrait>(entity: E, column: E::Column) -> Expr {
    use sea_orm::Iden;
    Expr::cust(format!(
        "SUBSTR(CAST(\"{}\".\"{}\" AS TEXT), 1, 4)",
        entity.to_string(),
        column.to_string()
    ))
}

/// The world region (UN M49 continent or sub-region code) of the country code in
/// `column` (null for none, and for Antarctica). Hong Kong, Macao and Taiwan are in
/// Asia, Eastern Asia, like the mainland.
fn region_of<E: EntityTrait>(entity: E, column: E::Column, level: Level) -> Expr {
    use sea_orm::Iden;
    Expr::cust(format!(
        "(SELECT \"place\".\"{}\" FROM \"country\" AS \"place\" \
         WHERE \"place\".\"code\" = \"{}\".\"{}\")",
        level.column().to_string(),
        entity.to_string(),
        column.to_string()
    ))
}

/// Which level of the world regions a breakdown groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Continent,
    Subregion,
}

impl Level {
    fn column(self) -> country::Column {
        match self {
            Level::Continent => country::Column::RegionCode,
            Level::Subregion => country::Column::SubregionCode,
        }
    }
}

/// `SELECT DISTINCT rid, key` from `query` (which has its FROM and WHERE).
fn pairs(mut query: SelectStatement, rid: Expr, key: Expr) -> Box<SelectStatement> {
    query
        .distinct()
        .expr_as(rid, Alias::new("rid"))
        .expr_as(key, Alias::new("key"));
    Box::new(query)
}

/// A key of the record's own row (`entity` says which table the key is of).
fn own<E: EntityTrait>(_entity: E, key: Expr) -> Mapping {
    Mapping::Own(key)
}

/// The (rid, key) pairs `code`'s records are broken down by along `dimension`.
pub(super) fn mapping(
    scope: &Scope,
    frame: &Frame,
    code: IndicatorCode,
    dimension: Dimension,
    organisations: &[i64],
) -> Mapping {
    use Dimension as D;
    use IndicatorCode as I;
    let p = scope.principal();
    let orgs = organisations;
    let o = organisation::Entity;
    let a = agreement::Entity;
    let e = event::Entity;
    let s = curriculum_standard::Entity;
    let t = training_centre::Entity;
    // Agreements by the places of their other parties.
    let party_places = |key: Expr| {
        Mapping::Pairs(pairs(
            Query::select()
                .from(agreement_party::Entity)
                .join(
                    JoinType::InnerJoin,
                    o,
                    col(o, organisation::Column::Id).equals((
                        agreement_party::Entity,
                        agreement_party::Column::OrganisationId,
                    )),
                )
                .and_where(agreement_party::Column::OrganisationId.is_not_in(orgs.iter().copied()))
                .to_owned(),
            col(
                agreement_party::Entity,
                agreement_party::Column::AgreementId,
            ),
            key,
        ))
    };
    // Standards by the places of their adoptions by the frame's day.
    let adoption_places = |base: SelectStatement, key: Expr| {
        Mapping::Pairs(pairs(
            base,
            col(adoption::Entity, adoption::Column::StandardId),
            key,
        ))
    };
    let all_adoptions = || {
        Query::select()
            .from(adoption::Entity)
            .cond_where(by(adoption::Column::AdoptedOn, frame.as_of))
            .to_owned()
    };
    let participations = || foreign_participations(p, frame, orgs);
    let level = match dimension {
        D::Subregion => Level::Subregion,
        _ => Level::Continent,
    };
    let person_id = || {
        col(
            event_participant::Entity,
            event_participant::Column::PersonId,
        )
    };
    match (code, dimension) {
        (I::PartnerInstitutions, D::Country) => own(o, col(o, organisation::Column::CountryCode)),
        (I::PartnerInstitutions, D::Region | D::Subregion) => {
            own(o, region_of(o, organisation::Column::CountryCode, level))
        }
        (I::PartnerInstitutions, D::Kind) => own(o, col(o, organisation::Column::Kind)),
        (
            I::PartnerCountriesAndRegions
            | I::StandardAdoptingCountriesAndRegions
            | I::TrainingCentreCountries,
            D::Region | D::Subregion,
        ) => own(country::Entity, col(country::Entity, level.column())),
        (I::AgreementsInEffect | I::JointProgrammesRunning, D::Country) => {
            party_places(col(o, organisation::Column::CountryCode))
        }
        (I::AgreementsInEffect | I::JointProgrammesRunning, D::Region | D::Subregion) => {
            party_places(region_of(o, organisation::Column::CountryCode, level))
        }
        (I::AgreementsInEffect | I::JointProgrammesRunning, D::Year) => {
            own(a, year_of(a, agreement::Column::SignedOn))
        }
        (I::AgreementsInEffect | I::JointProgrammesRunning, D::Kind) => {
            own(a, col(a, agreement::Column::Kind))
        }
        (I::AgreementsInEffect | I::JointProgrammesRunning, D::Status) => {
            own(a, col(a, agreement::Column::Status))
        }
        (I::InternationalEventsHosted, D::Country) => own(e, col(e, event::Column::CountryCode)),
        (I::InternationalEventsHosted, D::Region | D::Subregion) => {
            own(e, region_of(e, event::Column::CountryCode, level))
        }
        (I::InternationalEventsHosted, D::Year) => own(e, year_of(e, event::Column::StartDate)),
        (I::InternationalEventsHosted, D::Kind) => own(e, col(e, event::Column::Kind)),
        (I::InternationalEventsHosted, D::Status) => own(e, col(e, event::Column::Status)),
        (I::ForeignParticipants, D::Country) => Mapping::Pairs(pairs(
            participations(),
            person_id(),
            col(o, organisation::Column::CountryCode),
        )),
        (I::ForeignParticipants, D::Region | D::Subregion) => Mapping::Pairs(pairs(
            participations(),
            person_id(),
            region_of(o, organisation::Column::CountryCode, level),
        )),
        (I::ForeignParticipants, D::Year) => Mapping::Pairs(pairs(
            participations(),
            person_id(),
            year_of(e, event::Column::StartDate),
        )),
        (I::CurriculumStandardsDeveloped, D::Country) => adoption_places(
            all_adoptions(),
            col(adoption::Entity, adoption::Column::CountryCode),
        ),
        (I::CurriculumStandardsDeveloped, D::Region | D::Subregion) => adoption_places(
            all_adoptions(),
            region_of(adoption::Entity, adoption::Column::CountryCode, level),
        ),
        (I::StandardsAdoptedAbroad, D::Country) => adoption_places(
            adoptions_abroad(p, frame, orgs),
            col(adoption::Entity, adoption::Column::CountryCode),
        ),
        (I::StandardsAdoptedAbroad, D::Region | D::Subregion) => adoption_places(
            adoptions_abroad(p, frame, orgs),
            region_of(adoption::Entity, adoption::Column::CountryCode, level),
        ),
        (I::CurriculumStandardsDeveloped | I::StandardsAdoptedAbroad, D::Year) => {
            own(s, year_of(s, curriculum_standard::Column::IssuedOn))
        }
        (I::TrainingCentresAbroad, D::Country) => {
            own(t, col(t, training_centre::Column::CountryCode))
        }
        (I::TrainingCentresAbroad, D::Region | D::Subregion) => {
            own(t, region_of(t, training_centre::Column::CountryCode, level))
        }
        (I::TrainingCentresAbroad, D::Year) => {
            own(t, year_of(t, training_centre::Column::OpenedOn))
        }
        // No such breakdown (refused before this is asked): no pairs.
        _ => Mapping::Own(Expr::cust("NULL")),
    }
}

/// English and Chinese names of a stored kind or status.
pub(super) fn label(key: &str) -> (String, String) {
    let zh = match key {
        "mou" => return ("MoU".into(), "合作备忘录".into()),
        "university" => "大学",
        "school" => "学院",
        "department" => "系",
        "laboratory" => "实验室",
        "office" => "办公室",
        "centre" => "中心",
        "company" => "企业",
        "government_body" => "政府机构",
        "international_organisation" => "国际组织",
        "association" => "协会",
        "other" => "其他",
        "framework" => "框架协议",
        "exchange" => "交流协议",
        "joint_school" => "合作办学机构",
        "joint_degree" => "联合学位",
        "double_degree" => "双学位",
        "joint_training" => "联合培养",
        "research" => "科研合作",
        "chair_hosting" => "教席",
        "committee_hosting" => "委员会",
        "proposed" => "提议中",
        "draft" => "草案",
        "in_effect" => "生效中",
        "expired" => "已到期",
        "renewed" => "已续签",
        "terminated" => "已终止",
        "withdrawn" => "已撤回",
        "symposium" => "研讨会",
        "conference" => "大会",
        "forum" => "论坛",
        "meeting" => "会议",
        "workshop" => "工作坊",
        "ceremony" => "仪式",
        "visit" => "访问",
        "partnership_week" => "合作伙伴周",
        "planned" => "计划中",
        "held" => "已举办",
        "cancelled" => "已取消",
        "postponed" => "已延期",
        other => other,
    };
    let words = key.replace('_', " ");
    let mut chars = words.chars();
    let en = chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default();
    (en, zh.to_owned())
}

/// One list's rows read so far, each with its number in the list, and the list's length.
type Numbered<M> = (Vec<(i64, M)>, u64);

/// A page of one breakdown row's records, whichever table they come from.
#[derive(Clone)]
pub enum RecordSlice {
    Organisations(Slice<organisation::Model>),
    Countries(Slice<country::Model>),
    Agreements(Slice<agreement::Model>),
    Events(Slice<event::Model>),
    People(Slice<person::Model>),
    Standards(Slice<curriculum_standard::Model>),
    Centres(Slice<training_centre::Model>),
}

impl RecordSlice {
    /// How many records the page holds.
    pub fn len(&self) -> usize {
        match self {
            RecordSlice::Organisations(s) => s.items.len(),
            RecordSlice::Countries(s) => s.items.len(),
            RecordSlice::Agreements(s) => s.items.len(),
            RecordSlice::Events(s) => s.items.len(),
            RecordSlice::People(s) => s.items.len(),
            RecordSlice::Standards(s) => s.items.len(),
            RecordSlice::Centres(s) => s.items.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Scope {
    /// The first page of each row's records, for several rows of one breakdown (`keys`),
    /// in one statement: the records numbered within their key, as a nested list is.
    /// The pages and cursors are those each row's own list gives.
    pub(super) async fn first_pages_of(
        &self,
        records: &Records,
        mapping: Mapping,
        keys: &[Option<String>],
        args: &PageArgs,
    ) -> crate::Result<HashMap<Option<String>, RecordSlice>> {
        macro_rules! pages {
            ($($variant:ident),*) => {
                match records {
                    $(Records::$variant(list) => self
                        .pages_by_key(list, mapping, keys, args)
                        .await?
                        .into_iter()
                        .map(|(k, s)| (k, RecordSlice::$variant(s)))
                        .collect(),)*
                }
            };
        }
        Ok(pages!(
            Organisations,
            Countries,
            Agreements,
            Events,
            People,
            Standards,
            Centres
        ))
    }

    /// The first page of each member's records (`lists`: a member's key and its list,
    /// all of one table), in one statement: each list numbered in its own order and
    /// counted, the lists joined by `UNION ALL`. The pages and cursors are those each
    /// member's own list gives.
    pub(super) async fn first_pages_of_members(
        &self,
        lists: Vec<(String, Records)>,
        args: &PageArgs,
    ) -> crate::Result<HashMap<Option<String>, RecordSlice>> {
        let Some((_, first)) = lists.first() else {
            return Ok(HashMap::new());
        };
        macro_rules! pages {
            ($($variant:ident),*) => {
                match first {
                    $(Records::$variant(_) => {
                        let typed = lists
                            .iter()
                            .filter_map(|(key, records)| match records {
                                Records::$variant(list) => Some((key.clone(), list.clone())),
                                _ => None,
                            })
                            .collect();
                        self.pages_by_list(typed, args)
                            .await?
                            .into_iter()
                            .map(|(k, s)| (k, RecordSlice::$variant(s)))
                            .collect()
                    })*
                }
            };
        }
        Ok(pages!(
            Organisations,
            Countries,
            Agreements,
            Events,
            People,
            Standards,
            Centres
        ))
    }

    async fn pages_by_list<E: Record>(
        &self,
        lists: Vec<(String, RootList<E>)>,
        args: &PageArgs,
    ) -> crate::Result<HashMap<Option<String>, Slice<E::Model>>>
    where
        E::Model: sea_orm::ModelTrait<Entity = E>,
    {
        let Some((_, first)) = lists.first() else {
            return Ok(HashMap::new());
        };
        // Every list is the same table in the same order: one keyset pages them all.
        let keyset = first.keyset();
        let page = &keyset.page(args)?;
        let arms = lists
            .iter()
            .map(|(key, list)| {
                let mut query = list.select.clone().into_query();
                query.expr_as(Expr::val(key.clone()), "row_key");
                let mut over = WindowStatement::new();
                keyset.order_window(&mut over, page.backward);
                query.expr_window_as(Expr::cust("ROW_NUMBER()"), over, "row_number");
                query.expr_window_as(Expr::cust("COUNT(*)"), WindowStatement::new(), "row_total");
                Query::select()
                    .column(sea_orm::sea_query::Asterisk)
                    .from_subquery(query, "numbered")
                    .and_where(Expr::col("row_number").lte((page.limit + 1) as i64))
                    .to_owned()
            })
            .collect();
        let Some(query) = super::union_all(arms) else {
            return Ok(HashMap::new());
        };
        let mut grouped: HashMap<String, Numbered<E::Model>> = HashMap::new();
        for row in self.rows(&query).await? {
            let key: String = row.try_get("", "row_key")?;
            let number: i64 = row.try_get("", "row_number")?;
            let total = row.try_get::<i64>("", "row_total")? as u64;
            let model = E::Model::from_query_result(&row, "")?;
            let entry = grouped.entry(key).or_default();
            entry.0.push((number, model));
            entry.1 = total;
        }
        Ok(lists
            .iter()
            .map(|(k, _)| {
                let (mut rows, total) = grouped.remove(k).unwrap_or_default();
                // A compound select keeps no order: each list's rows by their number.
                rows.sort_by_key(|(number, _)| *number);
                let rows = rows.into_iter().map(|(_, m)| m).collect();
                let mut slice = Slice::from_fetched(rows, page);
                slice.cursors = slice.items.iter().map(|m| keyset.cursor(m)).collect();
                slice.total = Some(total);
                (Some(k.clone()), slice)
            })
            .collect())
    }

    async fn pages_by_key<E: Record>(
        &self,
        list: &RootList<E>,
        mapping: Mapping,
        keys: &[Option<String>],
        args: &PageArgs,
    ) -> crate::Result<HashMap<Option<String>, Slice<E::Model>>>
    where
        E::Model: sea_orm::ModelTrait<Entity = E>,
    {
        let keyset = list.keyset();
        let page = &keyset.page(args)?;
        let (mut query, key) = numbered_within_key(list, &keyset, mapping, page.backward);
        let named: Vec<String> = keys.iter().flatten().cloned().collect();
        let mut wanted = Condition::any().add(key.clone().is_in(named));
        if keys.iter().any(Option::is_none) {
            wanted = wanted.add(key.is_null());
        }
        query.cond_where(wanted);
        let outer = Query::select()
            .column(sea_orm::sea_query::Asterisk)
            .from_subquery(query, "numbered")
            .and_where(Expr::col("row_number").lte((page.limit + 1) as i64))
            .order_by("row_number", sea_orm::sea_query::Order::Asc)
            .to_owned();
        let mut grouped: HashMap<Option<String>, (Vec<E::Model>, u64)> = HashMap::new();
        for row in self.rows(&outer).await? {
            let key: Option<String> = row.try_get("", "row_key")?;
            let total = row.try_get::<i64>("", "row_total")? as u64;
            let model = E::Model::from_query_result(&row, "")?;
            let entry = grouped.entry(key.map(|k| k.trim().to_owned())).or_default();
            entry.0.push(model);
            entry.1 = total;
        }
        Ok(keys
            .iter()
            .map(|k| {
                let (rows, total) = grouped.remove(k).unwrap_or_default();
                let mut slice = Slice::from_fetched(rows, page);
                slice.cursors = slice.items.iter().map(|m| keyset.cursor(m)).collect();
                slice.total = Some(total);
                (k.clone(), slice)
            })
            .collect())
    }
}

/// `list`'s records with the key `mapping` gives each (`row_key`), numbered in the list's
/// order within their key (`row_number`) and counted there (`row_total`); and the key.
fn numbered_within_key<E: Record>(
    list: &RootList<E>,
    keyset: &crate::page::Keyset<E>,
    mapping: Mapping,
    backward: bool,
) -> (SelectStatement, Expr) {
    let mut query = list.select.clone().into_query();
    let key = match mapping {
        Mapping::Own(key) => key,
        Mapping::Pairs(pairs) => {
            query.join_subquery(
                JoinType::InnerJoin,
                *pairs,
                "keys",
                Expr::col(("keys", "rid")).equals((E::default(), primary_column::<E>())),
            );
            Expr::col(("keys", "key"))
        }
    };
    query.expr_as(key.clone(), "row_key");
    let mut over = WindowStatement::new();
    over.add_partition_by(key.clone());
    keyset.order_window(&mut over, backward);
    query.expr_window_as(Expr::cust("ROW_NUMBER()"), over, "row_number");
    let mut all = WindowStatement::new();
    all.add_partition_by(key.clone());
    query.expr_window_as(Expr::cust("COUNT(*)"), all, "row_total");
    (query, key)
}

/// One breakdown row read with its records: its key, how many records it counts, and the
/// key's names where a table names it.
pub(super) type KeyRow = (Option<String>, u64, Option<String>, Option<String>);

impl Records {
    /// Every row of the breakdown `mapping` keys these records by, each with the first
    /// page of its records, in one statement: the records numbered once within their
    /// key and counted there. A row's count and page are those the row's own
    /// `drill_down` list gives (its length and first page), for `args` without a
    /// cursor.
    pub(super) async fn rows_with_pages(
        &self,
        scope: &Scope,
        mapping: Mapping,
        names: KeyNames,
        args: &PageArgs,
    ) -> crate::Result<(Vec<KeyRow>, HashMap<Option<String>, RecordSlice>)> {
        macro_rules! pages {
            ($($variant:ident),*) => {
                match self {
                    $(Records::$variant(list) => {
                        let (rows, pages) = scope.numbered_by_key(list, mapping, names, args).await?;
                        (rows, pages.into_iter().map(|(k, s)| (k, RecordSlice::$variant(s))).collect())
                    })*
                }
            };
        }
        Ok(pages!(
            Organisations,
            Countries,
            Agreements,
            Events,
            People,
            Standards,
            Centres
        ))
    }
}

impl Scope {
    async fn numbered_by_key<E: Record>(
        &self,
        list: &RootList<E>,
        mapping: Mapping,
        names: KeyNames,
        args: &PageArgs,
    ) -> crate::Result<(Vec<KeyRow>, HashMap<Option<String>, Slice<E::Model>>)>
    where
        E::Model: sea_orm::ModelTrait<Entity = E>,
    {
        let keyset = list.keyset();
        let page = &keyset.page(args)?;
        let (query, _) = numbered_within_key(list, &keyset, mapping, page.backward);
        // The page's rows and no more: the key's count tells whether more lie beyond
        // them. Every key keeps its first row (a page of 0 still counts its row).
        let mut outer = Query::select()
            .column((Alias::new("numbered"), sea_orm::sea_query::Asterisk))
            .from_subquery(query, "numbered")
            .and_where(Expr::col(("numbered", "row_number")).lte(Ord::max(page.limit, 1) as i64))
            .order_by(("numbered", "row_number"), sea_orm::sea_query::Order::Asc)
            .to_owned();
        let table = match names {
            KeyNames::None => None,
            KeyNames::Countries => Some(Alias::new("country")),
            KeyNames::WorldRegions => Some(Alias::new("world_region")),
        };
        if let Some(table) = &table {
            // Aliased apart from the records' own columns (an organisation has `name_en`).
            outer
                .expr_as(Expr::col(("names", "name_en")), "row_name_en")
                .expr_as(Expr::col(("names", "name_zh")), "row_name_zh")
                .join_as(
                    JoinType::LeftJoin,
                    table.clone(),
                    Alias::new("names"),
                    Expr::col(("names", "code")).equals(("numbered", "row_key")),
                );
        }
        let mut order: Vec<Option<String>> = Vec::new();
        let mut grouped: HashMap<Option<String>, (Vec<E::Model>, KeyRow)> = HashMap::new();
        for row in self.rows(&outer).await? {
            let key: Option<String> = row.try_get("", "row_key")?;
            let key = key.map(|k| k.trim().to_owned());
            let total = row.try_get::<i64>("", "row_total")? as u64;
            let model = E::Model::from_query_result(&row, "")?;
            let entry = match grouped.entry(key.clone()) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    let (en, zh) = if table.is_some() {
                        (
                            row.try_get::<Option<String>>("", "row_name_en")?,
                            row.try_get::<Option<String>>("", "row_name_zh")?,
                        )
                    } else {
                        (None, None)
                    };
                    order.push(key.clone());
                    e.insert((Vec::new(), (key, total, en, zh)))
                }
            };
            entry.0.push(model);
        }
        let mut rows = Vec::with_capacity(order.len());
        let mut pages = HashMap::with_capacity(order.len());
        for key in order {
            if let Some((models, row)) = grouped.remove(&key) {
                let mut slice = Slice::from_fetched(models, page);
                // Without a cursor, more lie beyond the page exactly when the list is
                // longer than the page.
                let more = row.1 > page.limit;
                if page.backward {
                    slice.has_previous = more;
                } else {
                    slice.has_next = more;
                }
                slice.cursors = slice.items.iter().map(|m| keyset.cursor(m)).collect();
                slice.total = Some(row.1);
                rows.push(row);
                pages.insert(key, slice);
            }
        }
        Ok((rows, pages))
    }
}
