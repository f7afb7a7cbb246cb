//! The visibility rule, in one place. Every query a [`crate::Scope`] builds starts from
//! `Record::readable_by`, so lists, `node(id)`, nested relations and counts agree.
use entity::enums::Visibility;
use entity::*;
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition, EntityTrait};

use crate::Principal;

/// A table whose rows are subject to the visibility rule.
pub trait Record: EntityTrait<Model: Sync> {
    /// The condition a row must meet to be readable by `principal`.
    fn readable_by(principal: &Principal) -> Condition;
}

/// Owned records: public to all; consortium-shared to the owner's consortium peers;
/// private to the owner; everything to the coordinator.
fn owned(
    principal: &Principal,
    owner: impl ColumnTrait,
    visibility: impl ColumnTrait,
) -> Condition {
    match principal {
        Principal::Coordinator => Condition::all(),
        Principal::Anonymous => Condition::all().add(visibility.eq(Visibility::Public)),
        Principal::Member {
            organisation_id,
            consortium_peers,
        } => Condition::any()
            .add(visibility.eq(Visibility::Public))
            .add(owner.eq(*organisation_id))
            .add(
                Condition::all()
                    .add(visibility.eq(Visibility::Consortium))
                    .add(owner.is_in(consortium_peers.iter().copied())),
            ),
    }
}

/// Ids of the readable rows of `E`, as a subquery.
fn readable_ids<E: Record>(principal: &Principal, id: impl ColumnTrait) -> SelectStatement {
    Query::select()
        .column(id)
        .from(E::default())
        .cond_where(E::readable_by(principal))
        .to_owned()
}

/// The shared registry (countries, organisations, people, sources, consortia) is
/// readable by everyone.
macro_rules! registry {
    ($($m:ident),*) => {$(
        impl Record for $m::Entity {
            fn readable_by(_: &Principal) -> Condition {
                Condition::all()
            }
        }
    )*};
}
registry!(
    country,
    isced_field,
    source,
    organisation,
    organisation_name,
    organisation_identifier,
    consortium,
    consortium_member,
    person,
    affiliation
);

macro_rules! owned {
    ($($m:ident),*) => {$(
        impl Record for $m::Entity {
            fn readable_by(p: &Principal) -> Condition {
                owned(p, $m::Column::OwnerId, $m::Column::Visibility)
            }
        }
    )*};
}
owned!(
    event,
    agreement,
    curriculum_standard,
    training_centre,
    indicator
);

/// Parts of a record are readable exactly when the record they belong to is.
macro_rules! part_of {
    ($($m:ident . $fk:ident => $parent:ident),*) => {$(
        impl Record for $m::Entity {
            fn readable_by(p: &Principal) -> Condition {
                Condition::all().add(
                    $m::Column::$fk.in_subquery(readable_ids::<$parent::Entity>(p, $parent::Column::Id)),
                )
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
