//! Relations from a parent record to its children, batch-loaded for many parents at a
//! time so that nested lists cost one statement however many parents a page has.
use entity::*;
use sea_orm::sea_query::{DynIden, IntoIden, Order};
use sea_orm::{EntityTrait, IdenStatic};

use crate::page::{Keyset, Page};
use crate::{Keyed, PageArgs, Record, Result};

/// The model of a relation's children.
pub type ChildModel<R> = <<R as Relation>::Child as EntityTrait>::Model;

/// How children point at their parent.
pub enum Link {
    /// The child table has a column holding the parent id.
    Column(DynIden),
    /// A link table holds (child id, parent id) pairs.
    Through {
        table: DynIden,
        child: DynIden,
        parent: DynIden,
    },
}

/// A parent-to-children relation. Implemented by the unit types in [`rel`].
pub trait Relation: Copy + Send + Sync + 'static {
    type Child: Record;
    /// The parent's key: an id, or a country code.
    type Key: Clone
        + Eq
        + std::hash::Hash
        + Into<sea_orm::Value>
        + sea_orm::TryGetable
        + Send
        + Sync
        + 'static;
    fn link() -> Link;
    /// The relation's name, which tells its cursors from other lists'.
    fn name() -> &'static str;
    /// The order of a parent's children (the child id breaks ties).
    fn order() -> Vec<(<Self::Child as EntityTrait>::Column, Order)>;
    /// A further condition on the children, for tables shared by several parents' kinds.
    fn filter() -> sea_orm::Condition {
        sea_orm::Condition::all()
    }
    /// Whether the children are the parent's own parts (an event's participants): then
    /// they are listed with the parent as it is, archived or not, since whoever reached
    /// an archived parent may read it. Other relations list live children only.
    fn parts() -> bool {
        false
    }
    /// Whether a parent organisation's units, at any depth, count as the parent (see
    /// [`WithUnits`]).
    fn units() -> bool {
        false
    }
}

/// `R`, a relation from an organisation, with the records of the organisation's units
/// (schools, centres, offices, at any depth) listed as its own. The hierarchy is read
/// with a recursive query in the same statement; a record linked to an organisation and
/// to its unit is listed once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WithUnits<R>(std::marker::PhantomData<R>);

impl<R: Relation<Key = i64>> Relation for WithUnits<R> {
    type Child = R::Child;
    type Key = i64;
    fn link() -> Link {
        R::link()
    }
    /// The same name as `R`'s: both list in the same order, so a position in one is a
    /// position in the other.
    fn name() -> &'static str {
        R::name()
    }
    fn order() -> Vec<(<Self::Child as EntityTrait>::Column, Order)> {
        R::order()
    }
    fn filter() -> sea_orm::Condition {
        R::filter()
    }
    fn parts() -> bool {
        R::parts()
    }
    fn units() -> bool {
        true
    }
}

/// A relation whose children each point at a registry record that a client nearly
/// always asks for with them (an organisation in a role, a presenter): loading the
/// children joins that record, so it costs no statement of its own.
pub trait Joined: Relation {
    /// The record each child points at.
    type Target: Record<Model: Clone + Keyed<Key = i64>>;
    /// The child's column holding the target's id.
    fn pointer() -> <Self::Child as EntityTrait>::Column;
}

/// The model of a joined relation's target.
pub type JoinedModel<R> = <<R as Joined>::Target as EntityTrait>::Model;

macro_rules! joined {
    ($($name:ident => $target:ident by $child:ident :: $pointer:ident),* $(,)?) => {$(
        impl Joined for rel::$name {
            type Target = $target::Entity;
            fn pointer() -> $child::Column {
                $child::Column::$pointer
            }
        }
    )*};
}
joined!(
    EventOrganisations => organisation by event_organisation::OrganisationId,
    EventParticipants => person by event_participant::PersonId,
    PresentationPresenters => person by presentation_presenter::PersonId,
    AgreementParties => organisation by agreement_party::OrganisationId,
    AgreementPeople => person by agreement_person::PersonId,
);

fn col<C: IdenStatic>(c: C) -> DynIden {
    c.into_iden()
}

/// The total order of a relation's children: its own, then the child's id.
pub(crate) fn keyset<R: Relation>() -> Keyset<R::Child> {
    let order = R::order()
        .into_iter()
        .map(|(c, o)| (c, matches!(o, Order::Asc)))
        .collect();
    Keyset::new(R::name(), order, true)
}

/// The order of `parent`'s children through `R`, tagged for that parent's list alone.
pub(crate) fn keyset_of<R: Relation>(parent: &R::Key) -> Keyset<R::Child> {
    let parent: sea_orm::Value = parent.clone().into();
    keyset::<R>().for_list(&format!("{parent:?}"))
}

/// The page of `parent`'s children through `R` that the arguments ask for.
pub fn page_of<R: Relation>(args: &PageArgs, parent: &R::Key) -> Result<Page> {
    keyset_of::<R>(parent).page(args)
}

macro_rules! relation {
    (@key) => { i64 };
    (@key $key:ty) => { $key };
    ($(#[$doc:meta])* $name:ident: $child:ident $(by $key:ty)?, $link:expr, [$(($ocol:expr, $dir:ident)),*] $(, $parts:ident)?) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name;
        impl crate::Relation for $name {
            type Child = entity::$child::Entity;
            type Key = relation!(@key $($key)?);
            fn link() -> super::Link {
                $link
            }
            fn name() -> &'static str {
                stringify!($name)
            }
            fn order() -> Vec<(entity::$child::Column, sea_orm::sea_query::Order)> {
                vec![$(($ocol, sea_orm::sea_query::Order::$dir)),*]
            }
            $(fn $parts() -> bool {
                true
            })?
        }
    };
}

/// The relations, named parent-then-children.
pub mod rel {
    pub use super::WithUnits;
    use super::*;

    relation!(
        /// An organisation's units (schools, departments, labs, offices).
        OrganisationUnits: organisation,
        Link::Column(col(organisation::Column::ParentId)),
        [(organisation::Column::NameEn, Asc)]
    );
    relation!(
        /// Events an organisation took part in, in any role.
        OrganisationEvents: event,
        Link::Through {
            table: col(event_organisation::Entity),
            child: col(event_organisation::Column::EventId),
            parent: col(event_organisation::Column::OrganisationId),
        },
        [(event::Column::StartDate, Desc)]
    );
    relation!(
        /// Agreements an organisation is a party to.
        OrganisationAgreements: agreement,
        Link::Through {
            table: col(agreement_party::Entity),
            child: col(agreement_party::Column::AgreementId),
            parent: col(agreement_party::Column::OrganisationId),
        },
        [(agreement::Column::SignedOn, Desc)]
    );
    relation!(
        /// Curriculum standards an organisation developed.
        OrganisationStandards: curriculum_standard,
        Link::Column(col(curriculum_standard::Column::DeveloperId)),
        [(curriculum_standard::Column::Title, Asc)]
    );
    relation!(
        /// Adoptions of standards by an institution.
        OrganisationAdoptions: adoption,
        Link::Column(col(adoption::Column::InstitutionId)),
        [(adoption::Column::AdoptedOn, Desc)]
    );
    relation!(
        /// Training centres an organisation operates.
        OrganisationOperatedCentres: training_centre,
        Link::Column(col(training_centre::Column::OperatorId)),
        [(training_centre::Column::Name, Asc)]
    );
    relation!(
        /// Training centres an organisation is the local partner of.
        OrganisationPartnerCentres: training_centre,
        Link::Column(col(training_centre::Column::PartnerId)),
        [(training_centre::Column::Name, Asc)]
    );
    relation!(
        /// An organisation's partners: the partnerships it is the member of.
        OrganisationPartners: partnership,
        Link::Column(col(partnership::Column::MemberId)),
        [(partnership::Column::Since, Desc)]
    );
    relation!(
        /// The partnerships an organisation is the partner in.
        OrganisationPartnerOf: partnership,
        Link::Column(col(partnership::Column::PartnerId)),
        [(partnership::Column::Since, Desc)]
    );
    relation!(
        /// People affiliated with an organisation, with their titles.
        OrganisationAffiliations: affiliation,
        Link::Column(col(affiliation::Column::OrganisationId)),
        [(affiliation::Column::Position, Asc)]
    );
    relation!(
        /// Figures an organisation reported.
        OrganisationIndicators: indicator,
        Link::Column(col(indicator::Column::OrganisationId)),
        [(indicator::Column::PeriodEnd, Desc)]
    );
    relation!(
        /// An organisation's further names.
        OrganisationNames: organisation_name,
        Link::Column(col(organisation_name::Column::OrganisationId)),
        [(organisation_name::Column::Lang, Asc)]
    );
    relation!(
        /// An organisation's external identifiers.
        OrganisationIdentifiers: organisation_identifier,
        Link::Column(col(organisation_identifier::Column::OrganisationId)),
        [(organisation_identifier::Column::Scheme, Asc)]
    );
    relation!(
        /// An organisation's consortium memberships.
        OrganisationMemberships: consortium_member,
        Link::Column(col(consortium_member::Column::OrganisationId)),
        []
    );
    relation!(
        /// A consortium's members.
        ConsortiumMembers: consortium_member,
        Link::Column(col(consortium_member::Column::ConsortiumId)),
        []
    );
    relation!(
        /// A person's positions.
        PersonAffiliations: affiliation,
        Link::Column(col(affiliation::Column::PersonId)),
        [(affiliation::Column::Position, Asc)],
        parts
    );
    relation!(
        /// A person's roles at events.
        PersonParticipations: event_participant,
        Link::Column(col(event_participant::Column::PersonId)),
        [(event_participant::Column::EventId, Desc)]
    );
    relation!(
        /// Presentations a person gave.
        PersonPresentations: presentation,
        Link::Through {
            table: col(presentation_presenter::Entity),
            child: col(presentation_presenter::Column::PresentationId),
            parent: col(presentation_presenter::Column::PersonId),
        },
        [(presentation::Column::EventId, Desc)]
    );
    relation!(
        /// Agreements a person signed or witnessed.
        PersonSignatures: agreement_person,
        Link::Column(col(agreement_person::Column::PersonId)),
        [(agreement_person::Column::AgreementId, Desc)]
    );
    relation!(
        /// Organisations in roles at an event.
        EventOrganisations: event_organisation,
        Link::Column(col(event_organisation::Column::EventId)),
        [(event_organisation::Column::Position, Asc)],
        parts
    );
    relation!(
        /// People in roles at an event.
        EventParticipants: event_participant,
        Link::Column(col(event_participant::Column::EventId)),
        [(event_participant::Column::Position, Asc)],
        parts
    );
    relation!(
        /// An event's presentations in programme order.
        EventPresentations: presentation,
        Link::Column(col(presentation::Column::EventId)),
        [(presentation::Column::Position, Asc)],
        parts
    );
    relation!(
        /// An event's outcomes.
        EventOutcomes: event_outcome,
        Link::Column(col(event_outcome::Column::EventId)),
        [(event_outcome::Column::Position, Asc)],
        parts
    );
    relation!(
        /// Agreements signed at an event.
        EventAgreements: agreement,
        Link::Column(col(agreement::Column::SignedAtEventId)),
        [(agreement::Column::SignedOn, Desc)]
    );
    relation!(
        /// Figures reported about an event.
        EventIndicators: indicator,
        Link::Column(col(indicator::Column::EventId)),
        [(indicator::Column::PeriodEnd, Desc)]
    );
    relation!(
        /// A presentation's presenters in order.
        PresentationPresenters: presentation_presenter,
        Link::Column(col(presentation_presenter::Column::PresentationId)),
        [(presentation_presenter::Column::Position, Asc)],
        parts
    );
    relation!(
        /// An agreement's parties.
        AgreementParties: agreement_party,
        Link::Column(col(agreement_party::Column::AgreementId)),
        [(agreement_party::Column::Position, Asc)],
        parts
    );
    relation!(
        /// An agreement's signatories and witnesses.
        AgreementPeople: agreement_person,
        Link::Column(col(agreement_person::Column::AgreementId)),
        [(agreement_person::Column::Position, Asc)],
        parts
    );
    relation!(
        /// An agreement's fields of education.
        AgreementFields: agreement_field,
        Link::Column(col(agreement_field::Column::AgreementId)),
        [(agreement_field::Column::IscedCode, Asc)],
        parts
    );
    relation!(
        /// Later agreements that renew this one.
        AgreementRenewals: agreement,
        Link::Column(col(agreement::Column::RenewalOfId)),
        []
    );
    relation!(
        /// A standard's adoptions.
        StandardAdoptions: adoption,
        Link::Column(col(adoption::Column::StandardId)),
        [(adoption::Column::CountryCode, Asc)],
        parts
    );
    relation!(
        /// A training centre's fields of education.
        CentreFields: training_centre_field,
        Link::Column(col(training_centre_field::Column::CentreId)),
        [(training_centre_field::Column::IscedCode, Asc)],
        parts
    );
    relation!(
        /// Organisations based in a country.
        CountryOrganisations: organisation by String,
        Link::Column(col(organisation::Column::CountryCode)),
        [(organisation::Column::NameEn, Asc)]
    );
    relation!(
        /// Adoptions of standards in a country or region.
        CountryAdoptions: adoption by String,
        Link::Column(col(adoption::Column::CountryCode)),
        [(adoption::Column::AdoptedOn, Desc)]
    );
    relation!(
        /// Training centres in a country.
        CountryCentres: training_centre by String,
        Link::Column(col(training_centre::Column::CountryCode)),
        [(training_centre::Column::Name, Asc)]
    );

    /// Parties' confirmations of an agreement.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct AgreementConfirmations;
    impl Relation for AgreementConfirmations {
        type Child = confirmation::Entity;
        type Key = i64;
        fn link() -> Link {
            Link::Column(col(confirmation::Column::RecordId))
        }
        fn name() -> &'static str {
            "AgreementConfirmations"
        }
        fn order() -> Vec<(confirmation::Column, Order)> {
            vec![(confirmation::Column::ConfirmedAt, Order::Asc)]
        }
        fn filter() -> sea_orm::Condition {
            use sea_orm::ColumnTrait;
            sea_orm::Condition::all().add(confirmation::Column::RecordType.eq("agreement"))
        }
    }

    /// Hosts' confirmations of an event.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct EventConfirmations;
    impl Relation for EventConfirmations {
        type Child = confirmation::Entity;
        type Key = i64;
        fn link() -> Link {
            Link::Column(col(confirmation::Column::RecordId))
        }
        fn name() -> &'static str {
            "EventConfirmations"
        }
        fn order() -> Vec<(confirmation::Column, Order)> {
            vec![(confirmation::Column::ConfirmedAt, Order::Asc)]
        }
        fn filter() -> sea_orm::Condition {
            use sea_orm::ColumnTrait;
            sea_orm::Condition::all().add(confirmation::Column::RecordType.eq("event"))
        }
    }

    /// Merges of one registry table, from the survivor (`from`) or the duplicate.
    macro_rules! merges {
        ($($(#[$doc:meta])* $name:ident: $kind:literal by $column:ident;)*) => {$(
            $(#[$doc])*
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            pub struct $name;
            impl Relation for $name {
                type Child = registry_merge::Entity;
                type Key = i64;
                fn link() -> Link {
                    Link::Column(col(registry_merge::Column::$column))
                }
                fn name() -> &'static str {
                    stringify!($name)
                }
                fn order() -> Vec<(registry_merge::Column, Order)> {
                    vec![(registry_merge::Column::DuplicateId, Order::Asc)]
                }
                fn filter() -> sea_orm::Condition {
                    use sea_orm::ColumnTrait;
                    sea_orm::Condition::all().add(registry_merge::Column::Kind.eq($kind))
                }
            }
        )*};
    }
    relation!(
        /// A webhook endpoint's deliveries, newest first.
        EndpointDeliveries: webhook_delivery,
        Link::Column(col(webhook_delivery::Column::EndpointId)),
        [(webhook_delivery::Column::CreatedAt, Desc)],
        parts
    );
    relation!(
        /// The attempts to send a webhook delivery, first first.
        DeliveryAttempts: webhook_attempt,
        Link::Column(col(webhook_attempt::Column::DeliveryId)),
        [(webhook_attempt::Column::Number, Asc)],
        parts
    );
    merges! {
        /// The duplicates merged into an organisation.
        OrganisationMergedFrom: "organisation" by SurvivorId;
        /// Where a merged organisation's id resolves (one row, or none).
        OrganisationMergedInto: "organisation" by DuplicateId;
        /// The duplicates merged into a person.
        PersonMergedFrom: "person" by SurvivorId;
        /// Where a merged person's id resolves (one row, or none).
        PersonMergedInto: "person" by DuplicateId;
    }
}
