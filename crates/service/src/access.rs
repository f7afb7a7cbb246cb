//! Who may read and write what, in one place.
//!
//! Reads: every query a [`crate::Scope`] builds starts from `Record::readable_by`, so
//! lists, `node(id)`, nested relations and counts agree; lists also leave out archived
//! rows (`Record::live`), which only their owner and the coordinator can still read.
//!
//! Writes: a new owned record asks [`owner_of_new`] and [`may_write`]; a registry entry
//! [`may_add_to_registry`] (and a unit [`may_place_unit`]); a change of an existing
//! record asks its table's [`Changeable::may_change`]; a confirmation [`may_confirm`];
//! consortia and merges [`coordinator_only`]; tokens [`may_issue_token`] and
//! [`may_hold_token`] (revoking is
//! reading: a token the caller may read is one it manages). A record the caller may not
//! read is reported as not found, never forbidden.
use entity::enums::{Role, Visibility};
use entity::*;
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition, EntityTrait};

use crate::{Error, Principal, Result};

/// A table whose rows are subject to the visibility rule.
pub trait Record: EntityTrait<Model: Sync> {
    /// The condition a row must meet to be readable by `principal`.
    fn readable_by(principal: &Principal) -> Condition;

    /// The condition that leaves out archived rows, for tables that have them.
    fn live() -> Condition {
        Condition::all()
    }
}

/// Owned records: public to all; consortium-shared to the owner's consortium peers;
/// private to the owner; everything to the coordinator. Archived records only to their
/// owner and the coordinator.
fn owned(
    principal: &Principal,
    owner: impl ColumnTrait,
    visibility: impl ColumnTrait,
    archived: impl ColumnTrait,
) -> Condition {
    match principal {
        Principal::Coordinator { .. } => Condition::all(),
        Principal::Anonymous => Condition::all()
            .add(visibility.eq(Visibility::Public))
            .add(archived.is_null()),
        Principal::Member {
            organisation_id,
            consortium_peers,
            ..
        } => Condition::any().add(owner.eq(*organisation_id)).add(
            Condition::all().add(archived.is_null()).add(
                Condition::any().add(visibility.eq(Visibility::Public)).add(
                    Condition::all()
                        .add(visibility.eq(Visibility::Consortium))
                        .add(owner.is_in(consortium_peers.iter().copied())),
                ),
            ),
        ),
    }
}

/// Change-feed entries a caller hears of: those about a record it could read before the
/// change or after it, judged by visibility and owner as the entry recorded them. One
/// it could read before and not after tells it to drop the record; one about a record
/// it never could read is left out. (Archiving is a change the owner and the
/// coordinator still read; others learn of it because the record was readable before.)
/// Whether the record is readable now is decided by reading it.
/// What decides which rows a principal reads: two principals with equal rules read
/// exactly the same rows (token and label aside; the role counts: an admin reads its
/// organisation's tokens and audit entries). Subscriptions share their reads by it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ReadRule {
    Public,
    Member {
        organisation_id: i64,
        role: Role,
        /// Sorted, so that order does not split a rule in two.
        consortium_peers: Vec<i64>,
    },
    Everything,
}

impl ReadRule {
    pub fn of(principal: &Principal) -> ReadRule {
        match principal {
            Principal::Anonymous => ReadRule::Public,
            Principal::Coordinator { .. } => ReadRule::Everything,
            Principal::Member {
                organisation_id,
                role,
                consortium_peers,
                ..
            } => {
                let mut peers = consortium_peers.clone();
                peers.sort_unstable();
                peers.dedup();
                ReadRule::Member {
                    organisation_id: *organisation_id,
                    role: *role,
                    consortium_peers: peers,
                }
            }
        }
    }
}

pub(crate) fn change_readable(principal: &Principal) -> Condition {
    use change_entry::Column as C;
    let state = |owner: C, visibility: C| match principal {
        Principal::Coordinator { .. } => Condition::all(),
        Principal::Anonymous => Condition::all().add(visibility.eq(Visibility::Public)),
        Principal::Member {
            organisation_id,
            consortium_peers,
            ..
        } => Condition::any()
            .add(owner.eq(*organisation_id))
            .add(visibility.eq(Visibility::Public))
            .add(
                Condition::all()
                    .add(visibility.eq(Visibility::Consortium))
                    .add(owner.is_in(consortium_peers.iter().copied())),
            ),
    };
    Condition::any()
        .add(state(C::OwnerId, C::Visibility))
        .add(state(C::PreviousOwnerId, C::PreviousVisibility))
}

/// The condition that the parent row `fk` points at is readable: a correlated `EXISTS`,
/// so the database looks the one parent up by its key. (An uncorrelated
/// `fk IN (SELECT id …)` made SQLite list every readable parent first: a cost that grew
/// with the table, not the page.) The coordinator reads everything and skips the check.
fn parent_readable<P: Record>(
    principal: &Principal,
    fk: impl ColumnTrait,
    id: impl ColumnTrait,
) -> Condition {
    if matches!(principal, Principal::Coordinator { .. }) {
        return Condition::all();
    }
    let parent: SelectStatement = Query::select()
        .expr(Expr::val(1))
        .from(P::default())
        .and_where(Expr::col((P::default(), id)).equals((fk.entity_name(), fk)))
        .cond_where(P::readable_by(principal))
        .to_owned();
    Condition::all().add(Expr::exists(parent))
}

/// Reference data and parts of the registry that have no archive of their own.
macro_rules! always_readable {
    ($($m:ident),*) => {$(
        impl Record for $m::Entity {
            fn readable_by(_: &Principal) -> Condition {
                Condition::all()
            }
        }
    )*};
}
always_readable!(
    country,
    world_region,
    isced_field,
    indicator_definition,
    organisation_name,
    organisation_identifier,
    consortium_member,
    registry_merge
);

/// Registry entries are readable by everyone, archived or not: other records point at
/// them. Archiving only takes them out of lists.
macro_rules! registry {
    ($($m:ident),*) => {$(
        impl Record for $m::Entity {
            fn readable_by(_: &Principal) -> Condition {
                Condition::all()
            }
            fn live() -> Condition {
                Condition::all().add($m::Column::ArchivedAt.is_null())
            }
        }
    )*};
}
registry!(organisation, person, source, consortium);

macro_rules! owned {
    ($($m:ident),*) => {$(
        impl Record for $m::Entity {
            fn readable_by(p: &Principal) -> Condition {
                owned(p, $m::Column::OwnerId, $m::Column::Visibility, $m::Column::ArchivedAt)
            }
            fn live() -> Condition {
                Condition::all().add($m::Column::ArchivedAt.is_null())
            }
        }
    )*};
}
// `agreement_country` carries its agreement's owner, visibility and archive mark, so
// the agreement's rule applies to it as it stands.
owned!(
    event,
    agreement,
    agreement_country,
    curriculum_standard,
    training_centre,
    indicator,
    partnership
);

/// The condition that the parent row `fk` points at is live (not archived, nor part of
/// an archived record): a correlated `EXISTS`, as for reading.
fn parent_live<P: Record>(fk: impl ColumnTrait, id: impl ColumnTrait) -> Condition {
    let parent: SelectStatement = Query::select()
        .expr(Expr::val(1))
        .from(P::default())
        .and_where(Expr::col((P::default(), id)).equals((fk.entity_name(), fk)))
        .cond_where(P::live())
        .to_owned();
    Condition::all().add(Expr::exists(parent))
}

/// Parts of a record are readable exactly when the record they belong to is, and live
/// when it is: archiving a record takes its parts out of every list that reaches them
/// other than through the record itself (a person's participations, a country's
/// adoptions, the adoptions list).
macro_rules! part_of {
    ($($m:ident . $fk:ident => $parent:ident),*) => {$(
        impl Record for $m::Entity {
            fn readable_by(p: &Principal) -> Condition {
                parent_readable::<$parent::Entity>(p, $m::Column::$fk, $parent::Column::Id)
            }
            fn live() -> Condition {
                parent_live::<$parent::Entity>($m::Column::$fk, $parent::Column::Id)
            }
        }
    )*};
}
part_of!(
    event_organisation.EventId => event,
    event_participant.EventId => event,
    event_outcome.EventId => event,
    presentation.EventId => event,
    presentation_presenter.PresentationId => presentation,
    agreement_party.AgreementId => agreement,
    agreement_person.AgreementId => agreement,
    agreement_field.AgreementId => agreement,
    adoption.StandardId => curriculum_standard,
    training_centre_field.CentreId => training_centre
);

/// A position exists only through its person: readable always (the registry is), live
/// while the person is.
impl Record for affiliation::Entity {
    fn readable_by(_: &Principal) -> Condition {
        Condition::all()
    }
    fn live() -> Condition {
        parent_live::<person::Entity>(affiliation::Column::PersonId, person::Column::Id)
    }
}

/// Tokens: a member admin sees its organisation's, the coordinator all; nobody else any.
impl Record for api_token::Entity {
    fn readable_by(p: &Principal) -> Condition {
        match p {
            Principal::Coordinator { .. } => Condition::all(),
            Principal::Member {
                organisation_id,
                role: Role::Admin,
                ..
            } => Condition::all().add(api_token::Column::OrganisationId.eq(*organisation_id)),
            _ => Condition::all().add(api_token::Column::Id.is_null()),
        }
    }
}

/// Webhook endpoints: like tokens, a member admin manages its organisation's, the
/// coordinator all; nobody else sees any (an endpoint's URL says where a member's data
/// goes). Deliveries and their attempts are read through their endpoint.
impl Record for webhook_endpoint::Entity {
    fn readable_by(p: &Principal) -> Condition {
        match p {
            Principal::Coordinator { .. } => Condition::all(),
            Principal::Member {
                organisation_id,
                role: Role::Admin,
                ..
            } => Condition::all().add(webhook_endpoint::Column::OwnerId.eq(*organisation_id)),
            _ => Condition::all().add(webhook_endpoint::Column::Id.is_null()),
        }
    }
}

part_of!(
    webhook_delivery.EndpointId => webhook_endpoint,
    webhook_attempt.DeliveryId => webhook_delivery
);

/// The organisation whose webhook endpoint `principal` registers: a member admin its
/// own (naming another is FORBIDDEN); the coordinator must name one.
pub fn webhook_owner(principal: &Principal, named: Option<i64>) -> Result<i64> {
    match principal {
        Principal::Member { role, .. } if *role != Role::Admin => Err(Error::forbidden(
            "only a member's admins and the coordinator manage webhooks",
        )),
        _ => owner_of_new(principal, named),
    }
}

/// Audit entries about these tables are for a member's admins only, like the tokens
/// they manage.
const ADMIN_RECORDS: [&str; 3] = ["token", "webhook_endpoint", "webhook_delivery"];

/// Audit entries: the coordinator sees all; a member the entries on records it owns,
/// except that entries about tokens and webhooks are for its admins.
impl Record for audit_entry::Entity {
    fn readable_by(p: &Principal) -> Condition {
        match p {
            Principal::Coordinator { .. } => Condition::all(),
            Principal::Member {
                organisation_id,
                role: Role::Admin,
                ..
            } => Condition::all().add(audit_entry::Column::OwnerId.eq(*organisation_id)),
            Principal::Member {
                organisation_id, ..
            } => Condition::all()
                .add(audit_entry::Column::OwnerId.eq(*organisation_id))
                .add(audit_entry::Column::RecordType.is_not_in(ADMIN_RECORDS)),
            Principal::Anonymous => Condition::all().add(audit_entry::Column::Id.is_null()),
        }
    }
}

impl Record for confirmation::Entity {
    fn readable_by(_: &Principal) -> Condition {
        // Read only through the record it confirms, which is checked on the way.
        Condition::all()
    }
}

/// Who may change an existing record of a table (update, archive, restore, its parts).
pub trait Changeable: EntityTrait {
    fn may_change(principal: &Principal, model: &Self::Model) -> Result<()>;
}

macro_rules! changeable {
    ($($m:ident => |$p:ident, $r:ident| $rule:expr;)*) => {$(
        impl Changeable for $m::Entity {
            fn may_change($p: &Principal, $r: &Self::Model) -> Result<()> {
                $rule
            }
        }
    )*};
}
changeable! {
    event => |p, m| may_write(p, m.owner_id);
    agreement => |p, m| may_write(p, m.owner_id);
    curriculum_standard => |p, m| may_write(p, m.owner_id);
    training_centre => |p, m| may_write(p, m.owner_id);
    indicator => |p, m| may_write(p, m.owner_id);
    partnership => |p, m| may_write(p, m.owner_id);
    organisation => |p, m| may_maintain(p, m.maintainer_id, m.parent_id);
    person => |p, m| may_maintain(p, m.maintainer_id, None);
    source => |p, m| may_maintain(p, m.maintainer_id, None);
    consortium => |p, _m| coordinator_only(p, "manage consortia");
}

/// The owner of a new owned record: a member's own organisation (naming another is
/// FORBIDDEN); the coordinator must name one.
pub fn owner_of_new(principal: &Principal, named: Option<i64>) -> Result<i64> {
    match (principal, named) {
        (
            Principal::Member {
                organisation_id, ..
            },
            None,
        ) => Ok(*organisation_id),
        (
            Principal::Member {
                organisation_id, ..
            },
            Some(o),
        ) if o == *organisation_id => Ok(o),
        (Principal::Member { .. }, Some(_)) => Err(Error::forbidden(
            "a member creates records for its own organisation only",
        )),
        (Principal::Coordinator { .. }, Some(o)) => Ok(o),
        (Principal::Coordinator { .. }, None) => Err(Error::bad_input(
            "input.owner",
            "the coordinator must name the owner",
        )),
        (Principal::Anonymous, _) => Err(unauthenticated()),
    }
}

/// Which of `parties` confirms a record for `principal`: its own organisation, if it is
/// one of them and the caller may write for it.
pub fn may_confirm(principal: &Principal, parties: &[i64]) -> Result<i64> {
    match principal {
        Principal::Member {
            organisation_id,
            role: Role::Editor | Role::Admin,
            ..
        } if parties.contains(organisation_id) => Ok(*organisation_id),
        Principal::Anonymous => Err(unauthenticated()),
        _ => Err(Error::forbidden(
            "only an editor of a party to the record may confirm it",
        )),
    }
}

/// Whether `principal` may place a unit under `parent`: under a member organisation
/// (`parent_is_member`) only that member's admins and the coordinator; under anyone
/// else's organisation any editor.
pub fn may_place_unit(principal: &Principal, parent: i64, parent_is_member: bool) -> Result<()> {
    if !parent_is_member || principal.is_coordinator() {
        return Ok(());
    }
    match principal {
        Principal::Member {
            organisation_id,
            role: Role::Admin,
            ..
        } if *organisation_id == parent => Ok(()),
        _ => Err(Error::forbidden("only a member's admins manage its units")),
    }
}

/// Whether `issuer` may issue a token with `role` for `organisation`: the coordinator
/// any; a member admin viewer, editor or admin tokens for its own organisation.
pub fn may_issue_token(issuer: &Principal, role: Role, organisation: Option<i64>) -> Result<()> {
    match (role, organisation) {
        (Role::Coordinator, None) => coordinator_only(issuer, "issue coordinator tokens"),
        (Role::Coordinator, Some(_)) => Err(Error::bad_input(
            "input.organisation",
            "a coordinator token acts for no organisation",
        )),
        (_, None) => Err(Error::bad_input(
            "input.organisation",
            "a member token needs an organisation",
        )),
        (_, Some(org)) => match issuer {
            Principal::Coordinator { .. } => Ok(()),
            Principal::Member {
                organisation_id,
                role: Role::Admin,
                ..
            } if *organisation_id == org => Ok(()),
            Principal::Anonymous => Err(unauthenticated()),
            Principal::Member { .. } => Err(Error::forbidden(
                "only the coordinator and the organisation's admins may issue its tokens",
            )),
        },
    }
}

/// Whether `organisation` may hold a member token: it (or an organisation it is a unit
/// of, at any depth) is a current member of a consortium on `today`, or coordinates
/// one. A token acts inside a consortium; an organisation outside every consortium
/// (a foreign partner in the registry, say) has nothing to act in.
pub async fn may_hold_token(
    db: &impl sea_orm::ConnectionTrait,
    organisation: i64,
    today: chrono::NaiveDate,
) -> Result<()> {
    use sea_orm::QueryFilter;
    let mut line = vec![organisation];
    while line.len() < 32 {
        let parent = organisation::Entity::find_by_id(*line.last().expect("not empty"))
            .one(db)
            .await?
            .and_then(|o| o.parent_id);
        match parent {
            Some(p) if !line.contains(&p) => line.push(p),
            _ => break,
        }
    }
    let member = consortium_member::Entity::find()
        .filter(consortium_member::Column::OrganisationId.is_in(line.clone()))
        .filter(
            Condition::any()
                .add(consortium_member::Column::JoinedOn.is_null())
                .add(consortium_member::Column::JoinedOn.lte(today)),
        )
        .filter(
            Condition::any()
                .add(consortium_member::Column::LeftOn.is_null())
                .add(consortium_member::Column::LeftOn.gte(today)),
        )
        .one(db)
        .await?
        .is_some();
    let coordinates = consortium::Entity::find()
        .filter(consortium::Column::CoordinatorId.is_in(line))
        .one(db)
        .await?
        .is_some();
    if member || coordinates {
        Ok(())
    } else {
        Err(Error::bad_input(
            "input.organisation",
            "tokens are issued only to current consortium members, their units, and coordinating organisations",
        ))
    }
}

/// Whether `principal` may write a record owned by `owner`: its owner's editors and
/// admins, and the coordinator.
pub fn may_write(principal: &Principal, owner: i64) -> Result<()> {
    match principal {
        Principal::Coordinator { .. } => Ok(()),
        Principal::Member {
            organisation_id,
            role: Role::Editor | Role::Admin,
            ..
        } if *organisation_id == owner => Ok(()),
        Principal::Member {
            role: Role::Viewer, ..
        } => Err(Error::forbidden("a viewer token cannot write")),
        Principal::Member { .. } => Err(Error::forbidden(
            "only the owner's editors and the coordinator may change this record",
        )),
        Principal::Anonymous => Err(unauthenticated()),
    }
}

/// Whether `principal` may change a registry entry: the coordinator; the member that
/// maintains it; and, for an organisation, the admins of its parent (their units).
pub fn may_maintain(
    principal: &Principal,
    maintainer: Option<i64>,
    parent: Option<i64>,
) -> Result<()> {
    match principal {
        Principal::Coordinator { .. } => Ok(()),
        Principal::Member {
            organisation_id,
            role,
            ..
        } => {
            let maintains =
                maintainer == Some(*organisation_id) && matches!(role, Role::Editor | Role::Admin);
            let unit_of_mine = parent == Some(*organisation_id) && *role == Role::Admin;
            if maintains || unit_of_mine {
                Ok(())
            } else {
                Err(Error::forbidden(
                    "only the member that added this entry, and the coordinator, may change it",
                ))
            }
        }
        Principal::Anonymous => Err(unauthenticated()),
    }
}

/// Whether `principal` may add to the shared registry: any editor, admin or coordinator.
pub fn may_add_to_registry(principal: &Principal) -> Result<()> {
    match principal.role() {
        Some(Role::Editor | Role::Admin | Role::Coordinator) => Ok(()),
        Some(Role::Viewer) => Err(Error::forbidden("a viewer token cannot write")),
        None => Err(unauthenticated()),
    }
}

/// Operations only the coordinator may do (consortia, merges, coordinator tokens).
pub fn coordinator_only(principal: &Principal, what: &str) -> Result<()> {
    match principal {
        Principal::Coordinator { .. } => Ok(()),
        Principal::Anonymous => Err(unauthenticated()),
        Principal::Member { .. } => {
            Err(Error::forbidden(format!("only the coordinator may {what}")))
        }
    }
}

/// Writing needs a token.
pub fn unauthenticated() -> Error {
    Error::Unauthenticated("this needs a bearer token".into())
}
