//! Mutations. Each takes one `input` and returns a payload; it parses ids here and
//! leaves every rule (who may, what is valid, versions, audit) to the service.
// Input types mirror the service's inputs with global ids in place of keys.
#![allow(clippy::too_many_arguments)]

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use service::entity::enums::*;
use service::entity::{
    agreement, consortium, curriculum_standard, event, indicator, organisation, person, source,
    training_centre,
};
use service::write::Patch;
use service::write::agreements as ag;
use service::write::events as ev;
use service::write::registry as reg;
use service::write::standards as st;
use service::{Scope, auth};

use crate::error::{Result, svc};
use crate::ids::{Kind, decode_as};
use crate::scalars::Date;
use crate::types::*;

fn scope<'a>(ctx: &Context<'a>) -> &'a Scope {
    ctx.data_unchecked::<Scope>()
}

fn key(field: &str, kind: Kind, id: &ID) -> Result<i64> {
    decode_as(field, kind, id)
}

fn opt_key(field: &str, kind: Kind, id: &Option<ID>) -> Result<Option<i64>> {
    id.as_ref().map(|id| key(field, kind, id)).transpose()
}

fn keys(field: &str, kind: Kind, ids: &[ID]) -> Result<Vec<i64>> {
    ids.iter()
        .enumerate()
        .map(|(i, id)| key(&format!("{field}.{i}"), kind, id))
        .collect()
}

fn patch<T>(value: MaybeUndefined<T>) -> Patch<T> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(v)),
    }
}

fn patch_key(field: &str, kind: Kind, value: MaybeUndefined<ID>) -> Result<Patch<i64>> {
    Ok(match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(id) => Some(Some(key(field, kind, &id)?)),
    })
}

fn patch_date(value: MaybeUndefined<Date>) -> Patch<NaiveDate> {
    patch(value).map(|d| d.map(|d| d.0))
}

fn date(d: Option<Date>) -> Option<NaiveDate> {
    d.map(|d| d.0)
}

/// Declares an input of just an id and the version the caller last read.
macro_rules! versioned_input {
    ($($name:ident: $doc:literal;)*) => {$(
        #[doc = $doc]
        #[derive(InputObject)]
        pub struct $name {
            /// The record's global id.
            pub id: ID,
            /// The version the caller last read; a stale one is CONFLICT and nothing changes.
            pub expected_version: i32,
        }
    )*};
}

versioned_input! {
    ArchiveEventInput: "Which event to archive (take out of lists).";
    RestoreEventInput: "Which archived event to restore.";
    ConfirmEventInput: "Which event the caller's organisation (a host or co-host) confirms, at which version.";
    ArchiveAgreementInput: "Which agreement to archive (take out of lists).";
    RestoreAgreementInput: "Which archived agreement to restore.";
    ConfirmAgreementInput: "Which agreement the caller's organisation (a party) confirms, at which version.";
    ArchiveCurriculumStandardInput: "Which curriculum standard to archive.";
    RestoreCurriculumStandardInput: "Which archived curriculum standard to restore.";
    ArchiveTrainingCentreInput: "Which training centre to archive.";
    RestoreTrainingCentreInput: "Which archived training centre to restore.";
    ArchiveIndicatorInput: "Which indicator to archive.";
    RestoreIndicatorInput: "Which archived indicator to restore.";
    ArchiveOrganisationInput: "Which organisation to archive (take out of lists; references stay).";
    RestoreOrganisationInput: "Which archived organisation to restore.";
    ArchivePersonInput: "Which person to archive (take out of lists; references stay).";
    RestorePersonInput: "Which archived person to restore.";
    ArchiveSourceInput: "Which source to archive (take out of lists; citations stay).";
    RestoreSourceInput: "Which archived source to restore.";
    ArchiveConsortiumInput: "Which consortium to archive (coordinator only).";
    RestoreConsortiumInput: "Which archived consortium to restore (coordinator only).";
}

/// Declares a payload carrying one record.
macro_rules! payload {
    ($($name:ident { $field:ident: $ty:ty } $doc:literal;)*) => {$(
        #[doc = $doc]
        #[derive(SimpleObject)]
        pub struct $name {
            /// The record as it is after the mutation.
            pub $field: $ty,
        }
    )*};
}

payload! {
    CreateEventPayload { event: Event } "The event created.";
    UpdateEventPayload { event: Event } "The event updated.";
    ArchiveEventPayload { event: Event } "The event archived.";
    RestoreEventPayload { event: Event } "The event restored.";
    SetEventPartsPayload { event: Event } "The event with its changed parts.";
    ConfirmEventPayload { event: Event } "The event confirmed.";
    CreateAgreementPayload { agreement: Agreement } "The agreement created.";
    UpdateAgreementPayload { agreement: Agreement } "The agreement updated.";
    ArchiveAgreementPayload { agreement: Agreement } "The agreement archived.";
    RestoreAgreementPayload { agreement: Agreement } "The agreement restored.";
    SetAgreementPartsPayload { agreement: Agreement } "The agreement with its changed parts.";
    ConfirmAgreementPayload { agreement: Agreement } "The agreement confirmed.";
    CreateCurriculumStandardPayload { curriculum_standard: CurriculumStandard } "The standard created.";
    UpdateCurriculumStandardPayload { curriculum_standard: CurriculumStandard } "The standard updated.";
    ArchiveCurriculumStandardPayload { curriculum_standard: CurriculumStandard } "The standard archived.";
    RestoreCurriculumStandardPayload { curriculum_standard: CurriculumStandard } "The standard restored.";
    RemoveAdoptionPayload { curriculum_standard: CurriculumStandard } "The standard without the adoption.";
    AddAdoptionPayload { adoption: Adoption } "The adoption added.";
    CreateTrainingCentrePayload { training_centre: TrainingCentre } "The centre created.";
    UpdateTrainingCentrePayload { training_centre: TrainingCentre } "The centre updated.";
    ArchiveTrainingCentrePayload { training_centre: TrainingCentre } "The centre archived.";
    RestoreTrainingCentrePayload { training_centre: TrainingCentre } "The centre restored.";
    CreateIndicatorPayload { indicator: Indicator } "The indicator created.";
    UpdateIndicatorPayload { indicator: Indicator } "The indicator updated.";
    ArchiveIndicatorPayload { indicator: Indicator } "The indicator archived.";
    RestoreIndicatorPayload { indicator: Indicator } "The indicator restored.";
    CreateOrganisationPayload { organisation: Organisation } "The organisation created.";
    UpdateOrganisationPayload { organisation: Organisation } "The organisation updated.";
    ArchiveOrganisationPayload { organisation: Organisation } "The organisation archived.";
    RestoreOrganisationPayload { organisation: Organisation } "The organisation restored.";
    MergeOrganisationsPayload { organisation: Organisation } "The surviving organisation.";
    CreatePersonPayload { person: Person } "The person created.";
    UpdatePersonPayload { person: Person } "The person updated.";
    ArchivePersonPayload { person: Person } "The person archived.";
    RestorePersonPayload { person: Person } "The person restored.";
    SetAffiliationsPayload { person: Person } "The person with the new affiliations.";
    MergePeoplePayload { person: Person } "The surviving person.";
    CreateSourcePayload { source: Source } "The source created.";
    UpdateSourcePayload { source: Source } "The source updated.";
    ArchiveSourcePayload { source: Source } "The source archived.";
    RestoreSourcePayload { source: Source } "The source restored.";
    CreateConsortiumPayload { consortium: Consortium } "The consortium created.";
    UpdateConsortiumPayload { consortium: Consortium } "The consortium updated.";
    ArchiveConsortiumPayload { consortium: Consortium } "The consortium archived.";
    RestoreConsortiumPayload { consortium: Consortium } "The consortium restored.";
    SetConsortiumMembersPayload { consortium: Consortium } "The consortium with its new members.";
    RevokeTokenPayload { token: Token } "The revoked token.";
}

/// A new token: `secret` is shown here once and never again.
#[derive(SimpleObject)]
pub struct CreateTokenPayload {
    /// The token.
    pub token: Token,
    /// The bearer secret to send as `Authorization: Bearer <secret>`. Store it now.
    pub secret: String,
}

/// An organisation in a role at an event.
#[derive(InputObject, Clone)]
pub struct EventOrganisationInput {
    /// The organisation's global id.
    pub organisation: ID,
    /// Its role.
    pub role: EventOrganisationRole,
}

/// A person in a role at an event.
#[derive(InputObject, Clone)]
pub struct ParticipantInput {
    /// The person's global id.
    pub person: ID,
    /// Their role.
    pub role: ParticipantRole,
    /// The title they held at the time.
    pub title: Option<String>,
    /// The organisation they represented.
    pub organisation: Option<ID>,
}

/// A presentation with its presenters, in order.
#[derive(InputObject, Clone)]
pub struct PresentationInput {
    /// Its title.
    pub title: String,
    /// The presenters' global ids.
    #[graphql(default)]
    pub presenters: Vec<ID>,
}

/// A new event, with its parts.
#[derive(InputObject)]
pub struct CreateEventInput {
    /// The owning member; defaults to the caller's organisation (the coordinator must give it).
    pub owner: Option<ID>,
    /// Who may read it (default PRIVATE).
    pub visibility: Option<Visibility>,
    /// What sort of gathering.
    pub kind: EventKind,
    /// Where it stands.
    pub status: EventStatus,
    /// In person, online or both.
    pub format: EventFormat,
    /// Title (at most 300 characters).
    pub title: String,
    /// Theme or motto.
    pub theme: Option<String>,
    /// Summary.
    pub description: Option<String>,
    /// First day.
    pub start_date: Date,
    /// Last day, on or after the first.
    pub end_date: Option<Date>,
    /// Venue.
    pub venue: Option<String>,
    /// City.
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2 code.
    pub country: Option<String>,
    /// The source's global id.
    pub source: Option<ID>,
    /// Organisations in roles, in order.
    #[graphql(default)]
    pub organisations: Vec<EventOrganisationInput>,
    /// People in roles, in order.
    #[graphql(default)]
    pub participants: Vec<ParticipantInput>,
    /// Presentations in programme order.
    #[graphql(default)]
    pub presentations: Vec<PresentationInput>,
    /// Outcomes other than agreements.
    #[graphql(default)]
    pub outcomes: Vec<String>,
    /// Repeating a create with the same key and input returns the first result.
    pub idempotency_key: Option<String>,
}

/// Changes to an event: omitted fields stay, `null` clears an optional one.
#[derive(InputObject)]
pub struct UpdateEventInput {
    /// The event's global id.
    pub id: ID,
    /// The version the caller last read; a stale one is CONFLICT.
    pub expected_version: i32,
    /// Who may read it.
    pub visibility: Option<Visibility>,
    /// What sort of gathering.
    pub kind: Option<EventKind>,
    /// A new status, along the lifecycle (PLANNED → HELD, CANCELLED, POSTPONED; POSTPONED → PLANNED, HELD, CANCELLED).
    pub status: Option<EventStatus>,
    /// In person, online or both.
    pub format: Option<EventFormat>,
    /// Title.
    pub title: Option<String>,
    /// Theme.
    pub theme: MaybeUndefined<String>,
    /// Summary.
    pub description: MaybeUndefined<String>,
    /// First day.
    pub start_date: Option<Date>,
    /// Last day.
    pub end_date: MaybeUndefined<Date>,
    /// Venue.
    pub venue: MaybeUndefined<String>,
    /// City.
    pub city: MaybeUndefined<String>,
    /// ISO 3166-1 alpha-2 code.
    pub country: MaybeUndefined<String>,
    /// The source's global id.
    pub source: MaybeUndefined<ID>,
}

/// The event's organisations in roles, replacing the current list (add, remove and reorder at once).
#[derive(InputObject)]
pub struct SetEventOrganisationsInput {
    /// The event's global id.
    pub id: ID,
    /// The version the caller last read.
    pub expected_version: i32,
    /// The new list, in order.
    pub organisations: Vec<EventOrganisationInput>,
}

/// One organisation in a role to add to an event.
#[derive(InputObject)]
pub struct AddEventOrganisationInput {
    /// The event's global id.
    pub id: ID,
    /// The version the caller last read.
    pub expected_version: i32,
    /// The organisation and role.
    pub organisation: EventOrganisationInput,
    /// Where in the list (from 0); at the end when omitted.
    pub position: Option<i32>,
}

/// One organisation's role to remove from an event.
#[derive(InputObject)]
pub struct RemoveEventOrganisationInput {
    /// The event's global id.
    pub id: ID,
    /// The version the caller last read.
    pub expected_version: i32,
    /// The organisation and role to remove.
    pub organisation: EventOrganisationInput,
}

/// The event's participants, replacing the current list.
#[derive(InputObject)]
pub struct SetEventParticipantsInput {
    /// The event's global id.
    pub id: ID,
    /// The version the caller last read.
    pub expected_version: i32,
    /// The new list, in order.
    pub participants: Vec<ParticipantInput>,
}

/// One participant to add to an event.
#[derive(InputObject)]
pub struct AddEventParticipantInput {
    /// The event's global id.
    pub id: ID,
    /// The version the caller last read.
    pub expected_version: i32,
    /// The person and role.
    pub participant: ParticipantInput,
    /// Where in the list (from 0); at the end when omitted.
    pub position: Option<i32>,
}

/// One participant's role to remove from an event.
#[derive(InputObject)]
pub struct RemoveEventParticipantInput {
    /// The event's global id.
    pub id: ID,
    /// The version the caller last read.
    pub expected_version: i32,
    /// The person's global id.
    pub person: ID,
    /// The role to remove.
    pub role: ParticipantRole,
}

/// The event's presentations, replacing the current programme.
#[derive(InputObject)]
pub struct SetEventPresentationsInput {
    /// The event's global id.
    pub id: ID,
    /// The version the caller last read.
    pub expected_version: i32,
    /// The new programme, in order.
    pub presentations: Vec<PresentationInput>,
}

/// The event's outcomes, replacing the current list.
#[derive(InputObject)]
pub struct SetEventOutcomesInput {
    /// The event's global id.
    pub id: ID,
    /// The version the caller last read.
    pub expected_version: i32,
    /// The new list, in order.
    pub outcomes: Vec<String>,
}

/// An organisation party to an agreement.
#[derive(InputObject, Clone)]
pub struct PartyInput {
    /// The organisation's global id.
    pub organisation: ID,
    /// Its role (default PARTY).
    #[graphql(default_with = "PartyRole::Party")]
    pub role: PartyRole,
}

/// A signatory or witness.
#[derive(InputObject, Clone)]
pub struct AgreementPersonInput {
    /// The person's global id.
    pub person: ID,
    /// Signatory or witness.
    pub role: AgreementPersonRole,
    /// The title they held when signing.
    pub title: Option<String>,
    /// The organisation they signed for.
    pub organisation: Option<ID>,
}

/// A new agreement, with its parts.
#[derive(InputObject)]
pub struct CreateAgreementInput {
    /// The owning member; defaults to the caller's organisation (the coordinator must give it).
    pub owner: Option<ID>,
    /// Who may read it (default PRIVATE).
    pub visibility: Option<Visibility>,
    /// What sort of agreement.
    pub kind: AgreementKind,
    /// Lifecycle stage.
    pub status: AgreementStatus,
    /// Title.
    pub title: String,
    /// Summary.
    pub description: Option<String>,
    /// Date of signature.
    pub signed_on: Option<Date>,
    /// Start of validity.
    pub valid_from: Option<Date>,
    /// End of validity, on or after the start.
    pub valid_to: Option<Date>,
    /// The event it was signed at.
    pub signed_at: Option<ID>,
    /// The agreement it renews.
    pub renewal_of: Option<ID>,
    /// The source's global id.
    pub source: Option<ID>,
    /// ISCED-F codes.
    #[graphql(default)]
    pub fields: Vec<String>,
    /// Parties, in order.
    #[graphql(default)]
    pub parties: Vec<PartyInput>,
    /// Signatories and witnesses, in order.
    #[graphql(default)]
    pub people: Vec<AgreementPersonInput>,
    /// Repeating a create with the same key and input returns the first result.
    pub idempotency_key: Option<String>,
}

/// Changes to an agreement: omitted fields stay, `null` clears an optional one.
#[derive(InputObject)]
pub struct UpdateAgreementInput {
    /// The agreement's global id.
    pub id: ID,
    /// The version the caller last read; a stale one is CONFLICT.
    pub expected_version: i32,
    /// Who may read it.
    pub visibility: Option<Visibility>,
    /// What sort of agreement.
    pub kind: Option<AgreementKind>,
    /// A new status, along the lifecycle (see README).
    pub status: Option<AgreementStatus>,
    /// Title.
    pub title: Option<String>,
    /// Summary.
    pub description: MaybeUndefined<String>,
    /// Date of signature.
    pub signed_on: MaybeUndefined<Date>,
    /// Start of validity.
    pub valid_from: MaybeUndefined<Date>,
    /// End of validity.
    pub valid_to: MaybeUndefined<Date>,
    /// The event it was signed at.
    pub signed_at: MaybeUndefined<ID>,
    /// The agreement it renews.
    pub renewal_of: MaybeUndefined<ID>,
    /// The source's global id.
    pub source: MaybeUndefined<ID>,
    /// ISCED-F codes, replacing the current ones.
    pub fields: Option<Vec<String>>,
}

/// The agreement's parties, replacing the current list.
#[derive(InputObject)]
pub struct SetAgreementPartiesInput {
    /// The agreement's global id.
    pub id: ID,
    /// The version the caller last read.
    pub expected_version: i32,
    /// The new list, in order.
    pub parties: Vec<PartyInput>,
}

/// One party to add to an agreement.
#[derive(InputObject)]
pub struct AddAgreementPartyInput {
    /// The agreement's global id.
    pub id: ID,
    /// The version the caller last read.
    pub expected_version: i32,
    /// The party.
    pub party: PartyInput,
    /// Where in the list (from 0); at the end when omitted.
    pub position: Option<i32>,
}

/// One party to remove from an agreement.
#[derive(InputObject)]
pub struct RemoveAgreementPartyInput {
    /// The agreement's global id.
    pub id: ID,
    /// The version the caller last read.
    pub expected_version: i32,
    /// The organisation's global id.
    pub organisation: ID,
}

/// The agreement's signatories and witnesses, replacing the current list.
#[derive(InputObject)]
pub struct SetAgreementPeopleInput {
    /// The agreement's global id.
    pub id: ID,
    /// The version the caller last read.
    pub expected_version: i32,
    /// The new list, in order.
    pub people: Vec<AgreementPersonInput>,
}

/// One signatory or witness to add.
#[derive(InputObject)]
pub struct AddAgreementPersonInput {
    /// The agreement's global id.
    pub id: ID,
    /// The version the caller last read.
    pub expected_version: i32,
    /// The person and role.
    pub person: AgreementPersonInput,
    /// Where in the list (from 0); at the end when omitted.
    pub position: Option<i32>,
}

/// One signatory or witness to remove.
#[derive(InputObject)]
pub struct RemoveAgreementPersonInput {
    /// The agreement's global id.
    pub id: ID,
    /// The version the caller last read.
    pub expected_version: i32,
    /// The person's global id.
    pub person: ID,
    /// The role to remove.
    pub role: AgreementPersonRole,
}

/// A new curriculum standard.
#[derive(InputObject)]
pub struct CreateCurriculumStandardInput {
    /// The owning member; defaults to the caller's organisation.
    pub owner: Option<ID>,
    /// Who may read it (default PRIVATE).
    pub visibility: Option<Visibility>,
    /// The developing organisation; defaults to the owner.
    pub developer: Option<ID>,
    /// Title.
    pub title: String,
    /// The developer's code for it, unique per developer.
    pub code: Option<String>,
    /// ISCED-F code.
    pub field: Option<String>,
    /// Level.
    pub level: Option<String>,
    /// Edition or version label.
    pub edition: Option<String>,
    /// Issue date.
    pub issued_on: Option<Date>,
    /// The source's global id.
    pub source: Option<ID>,
    /// Repeating a create with the same key and input returns the first result.
    pub idempotency_key: Option<String>,
}

/// Changes to a curriculum standard.
#[derive(InputObject)]
pub struct UpdateCurriculumStandardInput {
    /// The standard's global id.
    pub id: ID,
    /// The version the caller last read; a stale one is CONFLICT.
    pub expected_version: i32,
    /// Who may read it.
    pub visibility: Option<Visibility>,
    /// The developing organisation.
    pub developer: Option<ID>,
    /// Title.
    pub title: Option<String>,
    /// Code.
    pub code: MaybeUndefined<String>,
    /// ISCED-F code.
    pub field: MaybeUndefined<String>,
    /// Level.
    pub level: MaybeUndefined<String>,
    /// Edition.
    pub edition: MaybeUndefined<String>,
    /// Issue date.
    pub issued_on: MaybeUndefined<Date>,
    /// The source's global id.
    pub source: MaybeUndefined<ID>,
}

/// An adoption to add to a standard.
#[derive(InputObject)]
pub struct AddAdoptionInput {
    /// The standard's global id.
    pub standard: ID,
    /// The standard's version the caller last read.
    pub expected_version: i32,
    /// ISO 3166-1 alpha-2 code.
    pub country: String,
    /// The adopting institution's global id.
    pub institution: Option<ID>,
    /// Recognised, adopted or piloted.
    pub kind: AdoptionKind,
    /// When.
    pub adopted_on: Option<Date>,
    /// What shows it.
    pub evidence: Option<String>,
    /// The source's global id.
    pub source: Option<ID>,
}

/// An adoption to remove from its standard.
#[derive(InputObject)]
pub struct RemoveAdoptionInput {
    /// The adoption's global id.
    pub id: ID,
    /// The standard's version the caller last read.
    pub expected_version: i32,
}

/// A new training centre.
#[derive(InputObject)]
pub struct CreateTrainingCentreInput {
    /// The owning member; defaults to the caller's organisation.
    pub owner: Option<ID>,
    /// Who may read it (default PRIVATE).
    pub visibility: Option<Visibility>,
    /// Name.
    pub name: String,
    /// The operating member; defaults to the owner.
    pub operator: Option<ID>,
    /// The local partner.
    pub partner: Option<ID>,
    /// ISO 3166-1 alpha-2 code.
    pub country: String,
    /// City.
    pub city: Option<String>,
    /// Opening date.
    pub opened_on: Option<Date>,
    /// Status.
    pub status: CentreStatus,
    /// ISCED-F codes.
    #[graphql(default)]
    pub fields: Vec<String>,
    /// The source's global id.
    pub source: Option<ID>,
    /// Repeating a create with the same key and input returns the first result.
    pub idempotency_key: Option<String>,
}

/// Changes to a training centre.
#[derive(InputObject)]
pub struct UpdateTrainingCentreInput {
    /// The centre's global id.
    pub id: ID,
    /// The version the caller last read; a stale one is CONFLICT.
    pub expected_version: i32,
    /// Who may read it.
    pub visibility: Option<Visibility>,
    /// Name.
    pub name: Option<String>,
    /// The operating member.
    pub operator: Option<ID>,
    /// The local partner.
    pub partner: MaybeUndefined<ID>,
    /// ISO 3166-1 alpha-2 code.
    pub country: Option<String>,
    /// City.
    pub city: MaybeUndefined<String>,
    /// Opening date.
    pub opened_on: MaybeUndefined<Date>,
    /// A new status, along its lifecycle.
    pub status: Option<CentreStatus>,
    /// ISCED-F codes, replacing the current ones.
    pub fields: Option<Vec<String>>,
    /// The source's global id.
    pub source: MaybeUndefined<ID>,
}

/// A new reported indicator.
#[derive(InputObject)]
pub struct CreateIndicatorInput {
    /// The owning member; defaults to the caller's organisation.
    pub owner: Option<ID>,
    /// Who may read it (default PRIVATE).
    pub visibility: Option<Visibility>,
    /// The organisation or unit it is about; defaults to the owner.
    pub organisation: Option<ID>,
    /// The event it is about.
    pub event: Option<ID>,
    /// What it counts.
    pub metric: IndicatorMetric,
    /// Start of the period.
    pub period_start: Option<Date>,
    /// End of the period, or the reporting date.
    pub period_end: Option<Date>,
    /// The figure.
    pub value: f64,
    /// Unit.
    pub unit: Option<String>,
    /// Context.
    pub note: Option<String>,
    /// The source's global id.
    pub source: Option<ID>,
    /// Repeating a create with the same key and input returns the first result.
    pub idempotency_key: Option<String>,
}

/// Changes to an indicator.
#[derive(InputObject)]
pub struct UpdateIndicatorInput {
    /// The indicator's global id.
    pub id: ID,
    /// The version the caller last read; a stale one is CONFLICT.
    pub expected_version: i32,
    /// Who may read it.
    pub visibility: Option<Visibility>,
    /// The organisation it is about.
    pub organisation: Option<ID>,
    /// The event it is about.
    pub event: MaybeUndefined<ID>,
    /// What it counts.
    pub metric: Option<IndicatorMetric>,
    /// Start of the period.
    pub period_start: MaybeUndefined<Date>,
    /// End of the period.
    pub period_end: MaybeUndefined<Date>,
    /// The figure.
    pub value: Option<f64>,
    /// Unit.
    pub unit: MaybeUndefined<String>,
    /// Context.
    pub note: MaybeUndefined<String>,
    /// The source's global id.
    pub source: MaybeUndefined<ID>,
}

/// A further name of an organisation.
#[derive(InputObject, Clone)]
pub struct NameInput {
    /// BCP 47 language tag.
    pub lang: String,
    /// How the name is used.
    pub kind: NameKind,
    /// The name.
    pub value: String,
}

/// An identifier in another register.
#[derive(InputObject, Clone)]
pub struct IdentifierInput {
    /// The register (e.g. SCHAC, ERASMUS).
    pub scheme: String,
    /// The identifier there.
    pub value: String,
}

/// A new organisation in the registry (members maintain what they add; a member's units are its admins').
#[derive(InputObject)]
pub struct CreateOrganisationInput {
    /// What sort of body.
    pub kind: OrganisationKind,
    /// The parent, for a unit.
    pub parent: Option<ID>,
    /// Name in English.
    pub name_en: String,
    /// Name in Chinese.
    pub name_zh: Option<String>,
    /// Abbreviation.
    pub abbreviation: Option<String>,
    /// ISO 3166-1 alpha-2 code.
    pub country: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// Website (http or https).
    pub website: Option<String>,
    /// ROR id, bare or as a URL.
    pub ror_id: Option<String>,
    /// The source's global id.
    pub source: Option<ID>,
    /// Further names.
    #[graphql(default)]
    pub names: Vec<NameInput>,
    /// External identifiers.
    #[graphql(default)]
    pub identifiers: Vec<IdentifierInput>,
    /// Repeating a create with the same key and input returns the first result.
    pub idempotency_key: Option<String>,
}

/// Changes to an organisation.
#[derive(InputObject)]
pub struct UpdateOrganisationInput {
    /// The organisation's global id.
    pub id: ID,
    /// The version the caller last read; a stale one is CONFLICT.
    pub expected_version: i32,
    /// What sort of body.
    pub kind: Option<OrganisationKind>,
    /// The parent.
    pub parent: MaybeUndefined<ID>,
    /// Name in English.
    pub name_en: Option<String>,
    /// Name in Chinese.
    pub name_zh: MaybeUndefined<String>,
    /// Abbreviation.
    pub abbreviation: MaybeUndefined<String>,
    /// ISO 3166-1 alpha-2 code.
    pub country: MaybeUndefined<String>,
    /// City.
    pub city: MaybeUndefined<String>,
    /// Address.
    pub address: MaybeUndefined<String>,
    /// Website.
    pub website: MaybeUndefined<String>,
    /// ROR id.
    pub ror_id: MaybeUndefined<String>,
    /// The source's global id.
    pub source: MaybeUndefined<ID>,
    /// Further names, replacing the current ones.
    pub names: Option<Vec<NameInput>>,
    /// External identifiers, replacing the current ones.
    pub identifiers: Option<Vec<IdentifierInput>>,
}

/// Which duplicate to fold into which survivor.
#[derive(InputObject)]
pub struct MergeOrganisationsInput {
    /// The organisation that stays.
    pub survivor: ID,
    /// The duplicate: its references move to the survivor and it is archived.
    pub duplicate: ID,
}

/// A position held.
#[derive(InputObject, Clone)]
pub struct AffiliationInput {
    /// The organisation's global id.
    pub organisation: ID,
    /// Title.
    pub title: Option<String>,
    /// Start.
    pub started_on: Option<Date>,
    /// End.
    pub ended_on: Option<Date>,
}

/// A new person in the registry.
#[derive(InputObject)]
pub struct CreatePersonInput {
    /// Family name (e.g. `JIANG`).
    pub family_name: String,
    /// Given name (e.g. `Hong`).
    pub given_name: Option<String>,
    /// Name in Chinese characters.
    pub name_zh: Option<String>,
    /// The source's global id.
    pub source: Option<ID>,
    /// Positions held.
    #[graphql(default)]
    pub affiliations: Vec<AffiliationInput>,
    /// Repeating a create with the same key and input returns the first result.
    pub idempotency_key: Option<String>,
}

/// Changes to a person.
#[derive(InputObject)]
pub struct UpdatePersonInput {
    /// The person's global id.
    pub id: ID,
    /// The version the caller last read; a stale one is CONFLICT.
    pub expected_version: i32,
    /// Family name.
    pub family_name: Option<String>,
    /// Given name.
    pub given_name: MaybeUndefined<String>,
    /// Name in Chinese characters.
    pub name_zh: MaybeUndefined<String>,
    /// The source's global id.
    pub source: MaybeUndefined<ID>,
}

/// A person's positions, replacing the current list.
#[derive(InputObject)]
pub struct SetAffiliationsInput {
    /// The person's global id.
    pub id: ID,
    /// The version the caller last read.
    pub expected_version: i32,
    /// The positions, in order.
    pub affiliations: Vec<AffiliationInput>,
}

/// Which duplicate person to fold into which survivor.
#[derive(InputObject)]
pub struct MergePeopleInput {
    /// The person who stays.
    pub survivor: ID,
    /// The duplicate: their references move to the survivor and they are archived.
    pub duplicate: ID,
}

/// A new source.
#[derive(InputObject)]
pub struct CreateSourceInput {
    /// Address (http or https).
    pub url: Option<String>,
    /// Title.
    pub title: String,
    /// Publisher.
    pub publisher: Option<String>,
    /// Byline.
    pub author: Option<String>,
    /// Publication date.
    pub published_on: Option<Date>,
}

/// Changes to a source.
#[derive(InputObject)]
pub struct UpdateSourceInput {
    /// The source's global id.
    pub id: ID,
    /// The version the caller last read; a stale one is CONFLICT.
    pub expected_version: i32,
    /// Address.
    pub url: MaybeUndefined<String>,
    /// Title.
    pub title: Option<String>,
    /// Publisher.
    pub publisher: MaybeUndefined<String>,
    /// Byline.
    pub author: MaybeUndefined<String>,
    /// Publication date.
    pub published_on: MaybeUndefined<Date>,
}

/// Changes to a consortium (coordinator only).
#[derive(InputObject)]
pub struct UpdateConsortiumInput {
    /// The consortium's global id.
    pub id: ID,
    /// The version the caller last read; a stale one is CONFLICT.
    pub expected_version: i32,
    /// Name in English.
    pub name_en: Option<String>,
    /// Name in Chinese.
    pub name_zh: MaybeUndefined<String>,
    /// The coordinating organisation's global id.
    pub coordinator: MaybeUndefined<ID>,
}

/// A new consortium (coordinator only).
#[derive(InputObject)]
pub struct CreateConsortiumInput {
    /// Name in English.
    pub name_en: String,
    /// Name in Chinese.
    pub name_zh: Option<String>,
    /// The coordinating organisation's global id.
    pub coordinator: Option<ID>,
}

/// A membership.
#[derive(InputObject, Clone)]
pub struct MemberInput {
    /// The member organisation's global id.
    pub organisation: ID,
    /// When it joined.
    pub joined_on: Option<Date>,
    /// When it left.
    pub left_on: Option<Date>,
}

/// A consortium's members, replacing the current list (coordinator only).
#[derive(InputObject)]
pub struct SetConsortiumMembersInput {
    /// The consortium's global id.
    pub id: ID,
    /// The version the caller last read.
    pub expected_version: i32,
    /// The members.
    pub members: Vec<MemberInput>,
}

/// A new bearer token.
#[derive(InputObject)]
pub struct CreateTokenInput {
    /// What the token is for (shown in the audit log).
    pub label: String,
    /// Its role.
    pub role: Role,
    /// The member organisation it acts for; none for a coordinator token.
    pub organisation: Option<ID>,
    /// When it stops working.
    pub expires_at: Option<DateTime<Utc>>,
}

/// Which token to revoke.
#[derive(InputObject)]
pub struct RevokeTokenInput {
    /// The token's global id.
    pub id: ID,
}

fn organisations(
    field: &str,
    list: &[EventOrganisationInput],
) -> Result<Vec<ev::EventOrganisationInput>> {
    list.iter()
        .enumerate()
        .map(|(i, o)| {
            Ok(ev::EventOrganisationInput {
                organisation: key(
                    &format!("{field}.{i}.organisation"),
                    Kind::Organisation,
                    &o.organisation,
                )?,
                role: o.role,
            })
        })
        .collect()
}

fn participants(field: &str, list: &[ParticipantInput]) -> Result<Vec<ev::ParticipantInput>> {
    list.iter()
        .enumerate()
        .map(|(i, p)| {
            Ok(ev::ParticipantInput {
                person: key(&format!("{field}.{i}.person"), Kind::Person, &p.person)?,
                role: p.role,
                title: p.title.clone(),
                organisation: opt_key(
                    &format!("{field}.{i}.organisation"),
                    Kind::Organisation,
                    &p.organisation,
                )?,
            })
        })
        .collect()
}

fn presentations(field: &str, list: &[PresentationInput]) -> Result<Vec<ev::PresentationInput>> {
    list.iter()
        .enumerate()
        .map(|(i, p)| {
            Ok(ev::PresentationInput {
                title: p.title.clone(),
                presenters: keys(
                    &format!("{field}.{i}.presenters"),
                    Kind::Person,
                    &p.presenters,
                )?,
            })
        })
        .collect()
}

fn parties(field: &str, list: &[PartyInput]) -> Result<Vec<ag::PartyInput>> {
    list.iter()
        .enumerate()
        .map(|(i, p)| {
            Ok(ag::PartyInput {
                organisation: key(
                    &format!("{field}.{i}.organisation"),
                    Kind::Organisation,
                    &p.organisation,
                )?,
                role: p.role,
            })
        })
        .collect()
}

fn agreement_people(
    field: &str,
    list: &[AgreementPersonInput],
) -> Result<Vec<ag::AgreementPersonInput>> {
    list.iter()
        .enumerate()
        .map(|(i, p)| {
            Ok(ag::AgreementPersonInput {
                person: key(&format!("{field}.{i}.person"), Kind::Person, &p.person)?,
                role: p.role,
                title: p.title.clone(),
                organisation: opt_key(
                    &format!("{field}.{i}.organisation"),
                    Kind::Organisation,
                    &p.organisation,
                )?,
            })
        })
        .collect()
}

fn affiliations(list: &[AffiliationInput]) -> Result<Vec<reg::AffiliationInput>> {
    list.iter()
        .enumerate()
        .map(|(i, a)| {
            Ok(reg::AffiliationInput {
                organisation: key(
                    &format!("input.affiliations.{i}.organisation"),
                    Kind::Organisation,
                    &a.organisation,
                )?,
                title: a.title.clone(),
                started_on: date(a.started_on),
                ended_on: date(a.ended_on),
            })
        })
        .collect()
}

fn names(list: &[NameInput]) -> Vec<reg::NameInput> {
    list.iter()
        .map(|n| reg::NameInput {
            lang: n.lang.clone(),
            kind: n.kind,
            value: n.value.clone(),
        })
        .collect()
}

fn identifiers(list: &[IdentifierInput]) -> Vec<reg::IdentifierInput> {
    list.iter()
        .map(|x| reg::IdentifierInput {
            scheme: x.scheme.clone(),
            value: x.value.clone(),
        })
        .collect()
}

/// Inserts `item` at `position` (at the end when absent or past it).
fn insert_at<T>(list: &mut Vec<T>, item: T, position: Option<i32>) {
    let at = position.map_or(list.len(), |p| (p.max(0) as usize).min(list.len()));
    list.insert(at, item);
}

pub struct Mutation;

/// Writes for members and the coordinator. Every mutation needs a bearer token, takes
/// one `input` and returns a payload; it runs in one transaction and is audited.
#[Object]
impl Mutation {
    /// Creates an event, with its organisations, participants, presentations and outcomes.
    async fn create_event(
        &self,
        ctx: &Context<'_>,
        input: CreateEventInput,
    ) -> Result<CreateEventPayload> {
        let parsed = ev::EventInput {
            owner: opt_key("input.owner", Kind::Organisation, &input.owner)?,
            visibility: input.visibility,
            kind: input.kind,
            status: input.status,
            format: input.format,
            title: input.title,
            theme: input.theme,
            description: input.description,
            start_date: input.start_date.0,
            end_date: date(input.end_date),
            venue: input.venue,
            city: input.city,
            country: input.country,
            source: opt_key("input.source", Kind::Source, &input.source)?,
            organisations: organisations("input.organisations", &input.organisations)?,
            participants: participants("input.participants", &input.participants)?,
            presentations: presentations("input.presentations", &input.presentations)?,
            outcomes: input.outcomes,
            idempotency_key: input.idempotency_key,
        };
        Ok(CreateEventPayload {
            event: Event(svc(scope(ctx).create_event(parsed).await)?),
        })
    }

    /// Changes an event's own fields.
    async fn update_event(
        &self,
        ctx: &Context<'_>,
        input: UpdateEventInput,
    ) -> Result<UpdateEventPayload> {
        let id = key("input.id", Kind::Event, &input.id)?;
        let patch = ev::EventPatch {
            visibility: input.visibility,
            kind: input.kind,
            status: input.status,
            format: input.format,
            title: input.title,
            theme: patch(input.theme),
            description: patch(input.description),
            start_date: input.start_date.map(|d| d.0),
            end_date: patch_date(input.end_date),
            venue: patch(input.venue),
            city: patch(input.city),
            country: patch(input.country),
            source: patch_key("input.source", Kind::Source, input.source)?,
        };
        Ok(UpdateEventPayload {
            event: Event(svc(scope(ctx)
                .update_event(id, input.expected_version, patch)
                .await)?),
        })
    }

    /// Archives an event: it leaves every list; its owner and the coordinator can still read and restore it.
    async fn archive_event(
        &self,
        ctx: &Context<'_>,
        input: ArchiveEventInput,
    ) -> Result<ArchiveEventPayload> {
        let id = key("input.id", Kind::Event, &input.id)?;
        Ok(ArchiveEventPayload {
            event: Event(svc(scope(ctx)
                .archive::<event::Entity>(id, input.expected_version, true)
                .await)?),
        })
    }

    /// Restores an archived event.
    async fn restore_event(
        &self,
        ctx: &Context<'_>,
        input: RestoreEventInput,
    ) -> Result<RestoreEventPayload> {
        let id = key("input.id", Kind::Event, &input.id)?;
        Ok(RestoreEventPayload {
            event: Event(svc(scope(ctx)
                .archive::<event::Entity>(id, input.expected_version, false)
                .await)?),
        })
    }

    /// Replaces an event's organisations in roles (add, remove and reorder in one step).
    async fn set_event_organisations(
        &self,
        ctx: &Context<'_>,
        input: SetEventOrganisationsInput,
    ) -> Result<SetEventPartsPayload> {
        let id = key("input.id", Kind::Event, &input.id)?;
        let list = organisations("input.organisations", &input.organisations)?;
        Ok(SetEventPartsPayload {
            event: Event(svc(scope(ctx)
                .set_event_organisations(id, input.expected_version, list)
                .await)?),
        })
    }

    /// Adds an organisation in a role to an event.
    async fn add_event_organisation(
        &self,
        ctx: &Context<'_>,
        input: AddEventOrganisationInput,
    ) -> Result<SetEventPartsPayload> {
        let id = key("input.id", Kind::Event, &input.id)?;
        let item = organisations(
            "input.organisation",
            std::slice::from_ref(&input.organisation),
        )?
        .remove(0);
        let scope = scope(ctx);
        let mut list = svc(scope.event_organisation_inputs(id).await)?;
        insert_at(&mut list, item, input.position);
        Ok(SetEventPartsPayload {
            event: Event(svc(scope
                .set_event_organisations(id, input.expected_version, list)
                .await)?),
        })
    }

    /// Removes an organisation's role from an event.
    async fn remove_event_organisation(
        &self,
        ctx: &Context<'_>,
        input: RemoveEventOrganisationInput,
    ) -> Result<SetEventPartsPayload> {
        let id = key("input.id", Kind::Event, &input.id)?;
        let item = organisations(
            "input.organisation",
            std::slice::from_ref(&input.organisation),
        )?
        .remove(0);
        let scope = scope(ctx);
        let mut list = svc(scope.event_organisation_inputs(id).await)?;
        list.retain(|o| *o != item);
        Ok(SetEventPartsPayload {
            event: Event(svc(scope
                .set_event_organisations(id, input.expected_version, list)
                .await)?),
        })
    }

    /// Replaces an event's participants.
    async fn set_event_participants(
        &self,
        ctx: &Context<'_>,
        input: SetEventParticipantsInput,
    ) -> Result<SetEventPartsPayload> {
        let id = key("input.id", Kind::Event, &input.id)?;
        let list = participants("input.participants", &input.participants)?;
        Ok(SetEventPartsPayload {
            event: Event(svc(scope(ctx)
                .set_event_participants(id, input.expected_version, list)
                .await)?),
        })
    }

    /// Adds a participant to an event.
    async fn add_event_participant(
        &self,
        ctx: &Context<'_>,
        input: AddEventParticipantInput,
    ) -> Result<SetEventPartsPayload> {
        let id = key("input.id", Kind::Event, &input.id)?;
        let item = participants(
            "input.participant",
            std::slice::from_ref(&input.participant),
        )?
        .remove(0);
        let scope = scope(ctx);
        let mut list = svc(scope.participant_inputs(id).await)?;
        insert_at(&mut list, item, input.position);
        Ok(SetEventPartsPayload {
            event: Event(svc(scope
                .set_event_participants(id, input.expected_version, list)
                .await)?),
        })
    }

    /// Removes a participant's role from an event.
    async fn remove_event_participant(
        &self,
        ctx: &Context<'_>,
        input: RemoveEventParticipantInput,
    ) -> Result<SetEventPartsPayload> {
        let id = key("input.id", Kind::Event, &input.id)?;
        let person = key("input.person", Kind::Person, &input.person)?;
        let scope = scope(ctx);
        let mut list = svc(scope.participant_inputs(id).await)?;
        list.retain(|p| !(p.person == person && p.role == input.role));
        Ok(SetEventPartsPayload {
            event: Event(svc(scope
                .set_event_participants(id, input.expected_version, list)
                .await)?),
        })
    }

    /// Replaces an event's programme of presentations.
    async fn set_event_presentations(
        &self,
        ctx: &Context<'_>,
        input: SetEventPresentationsInput,
    ) -> Result<SetEventPartsPayload> {
        let id = key("input.id", Kind::Event, &input.id)?;
        let list = presentations("input.presentations", &input.presentations)?;
        Ok(SetEventPartsPayload {
            event: Event(svc(scope(ctx)
                .set_event_presentations(id, input.expected_version, list)
                .await)?),
        })
    }

    /// Replaces an event's outcomes.
    async fn set_event_outcomes(
        &self,
        ctx: &Context<'_>,
        input: SetEventOutcomesInput,
    ) -> Result<SetEventPartsPayload> {
        let id = key("input.id", Kind::Event, &input.id)?;
        Ok(SetEventPartsPayload {
            event: Event(svc(scope(ctx)
                .set_event_outcomes(id, input.expected_version, input.outcomes)
                .await)?),
        })
    }

    /// Confirms an event for the caller's organisation (a host or co-host) at a version.
    async fn confirm_event(
        &self,
        ctx: &Context<'_>,
        input: ConfirmEventInput,
    ) -> Result<ConfirmEventPayload> {
        let id = key("input.id", Kind::Event, &input.id)?;
        Ok(ConfirmEventPayload {
            event: Event(svc(scope(ctx)
                .confirm_event(id, input.expected_version)
                .await)?),
        })
    }

    /// Creates an agreement with its parties, signatories, witnesses and fields.
    async fn create_agreement(
        &self,
        ctx: &Context<'_>,
        input: CreateAgreementInput,
    ) -> Result<CreateAgreementPayload> {
        let parsed = ag::AgreementInput {
            owner: opt_key("input.owner", Kind::Organisation, &input.owner)?,
            visibility: input.visibility,
            kind: input.kind,
            status: input.status,
            title: input.title,
            description: input.description,
            signed_on: date(input.signed_on),
            valid_from: date(input.valid_from),
            valid_to: date(input.valid_to),
            signed_at: opt_key("input.signedAt", Kind::Event, &input.signed_at)?,
            renewal_of: opt_key("input.renewalOf", Kind::Agreement, &input.renewal_of)?,
            source: opt_key("input.source", Kind::Source, &input.source)?,
            fields: input.fields,
            parties: parties("input.parties", &input.parties)?,
            people: agreement_people("input.people", &input.people)?,
            idempotency_key: input.idempotency_key,
        };
        Ok(CreateAgreementPayload {
            agreement: Agreement(svc(scope(ctx).create_agreement(parsed).await)?),
        })
    }

    /// Changes an agreement's own fields; an edit leaves earlier confirmations out of date.
    async fn update_agreement(
        &self,
        ctx: &Context<'_>,
        input: UpdateAgreementInput,
    ) -> Result<UpdateAgreementPayload> {
        let id = key("input.id", Kind::Agreement, &input.id)?;
        let patch = ag::AgreementPatch {
            visibility: input.visibility,
            kind: input.kind,
            status: input.status,
            title: input.title,
            description: patch(input.description),
            signed_on: patch_date(input.signed_on),
            valid_from: patch_date(input.valid_from),
            valid_to: patch_date(input.valid_to),
            signed_at: patch_key("input.signedAt", Kind::Event, input.signed_at)?,
            renewal_of: patch_key("input.renewalOf", Kind::Agreement, input.renewal_of)?,
            source: patch_key("input.source", Kind::Source, input.source)?,
            fields: input.fields,
        };
        Ok(UpdateAgreementPayload {
            agreement: Agreement(svc(scope(ctx)
                .update_agreement(id, input.expected_version, patch)
                .await)?),
        })
    }

    /// Archives an agreement.
    async fn archive_agreement(
        &self,
        ctx: &Context<'_>,
        input: ArchiveAgreementInput,
    ) -> Result<ArchiveAgreementPayload> {
        let id = key("input.id", Kind::Agreement, &input.id)?;
        Ok(ArchiveAgreementPayload {
            agreement: Agreement(svc(scope(ctx)
                .archive::<agreement::Entity>(id, input.expected_version, true)
                .await)?),
        })
    }

    /// Restores an archived agreement.
    async fn restore_agreement(
        &self,
        ctx: &Context<'_>,
        input: RestoreAgreementInput,
    ) -> Result<RestoreAgreementPayload> {
        let id = key("input.id", Kind::Agreement, &input.id)?;
        Ok(RestoreAgreementPayload {
            agreement: Agreement(svc(scope(ctx)
                .archive::<agreement::Entity>(id, input.expected_version, false)
                .await)?),
        })
    }

    /// Replaces an agreement's parties.
    async fn set_agreement_parties(
        &self,
        ctx: &Context<'_>,
        input: SetAgreementPartiesInput,
    ) -> Result<SetAgreementPartsPayload> {
        let id = key("input.id", Kind::Agreement, &input.id)?;
        let list = parties("input.parties", &input.parties)?;
        Ok(SetAgreementPartsPayload {
            agreement: Agreement(svc(scope(ctx)
                .set_agreement_parties(id, input.expected_version, list)
                .await)?),
        })
    }

    /// Adds a party to an agreement.
    async fn add_agreement_party(
        &self,
        ctx: &Context<'_>,
        input: AddAgreementPartyInput,
    ) -> Result<SetAgreementPartsPayload> {
        let id = key("input.id", Kind::Agreement, &input.id)?;
        let item = parties("input.party", std::slice::from_ref(&input.party))?.remove(0);
        let scope = scope(ctx);
        let mut list = svc(scope.party_inputs(id).await)?;
        insert_at(&mut list, item, input.position);
        Ok(SetAgreementPartsPayload {
            agreement: Agreement(svc(scope
                .set_agreement_parties(id, input.expected_version, list)
                .await)?),
        })
    }

    /// Removes a party from an agreement.
    async fn remove_agreement_party(
        &self,
        ctx: &Context<'_>,
        input: RemoveAgreementPartyInput,
    ) -> Result<SetAgreementPartsPayload> {
        let id = key("input.id", Kind::Agreement, &input.id)?;
        let organisation = key(
            "input.organisation",
            Kind::Organisation,
            &input.organisation,
        )?;
        let scope = scope(ctx);
        let mut list = svc(scope.party_inputs(id).await)?;
        list.retain(|p| p.organisation != organisation);
        Ok(SetAgreementPartsPayload {
            agreement: Agreement(svc(scope
                .set_agreement_parties(id, input.expected_version, list)
                .await)?),
        })
    }

    /// Replaces an agreement's signatories and witnesses.
    async fn set_agreement_people(
        &self,
        ctx: &Context<'_>,
        input: SetAgreementPeopleInput,
    ) -> Result<SetAgreementPartsPayload> {
        let id = key("input.id", Kind::Agreement, &input.id)?;
        let list = agreement_people("input.people", &input.people)?;
        Ok(SetAgreementPartsPayload {
            agreement: Agreement(svc(scope(ctx)
                .set_agreement_people(id, input.expected_version, list)
                .await)?),
        })
    }

    /// Adds a signatory or witness.
    async fn add_agreement_person(
        &self,
        ctx: &Context<'_>,
        input: AddAgreementPersonInput,
    ) -> Result<SetAgreementPartsPayload> {
        let id = key("input.id", Kind::Agreement, &input.id)?;
        let item = agreement_people("input.person", std::slice::from_ref(&input.person))?.remove(0);
        let scope = scope(ctx);
        let mut list = svc(scope.agreement_person_inputs(id).await)?;
        insert_at(&mut list, item, input.position);
        Ok(SetAgreementPartsPayload {
            agreement: Agreement(svc(scope
                .set_agreement_people(id, input.expected_version, list)
                .await)?),
        })
    }

    /// Removes a signatory or witness.
    async fn remove_agreement_person(
        &self,
        ctx: &Context<'_>,
        input: RemoveAgreementPersonInput,
    ) -> Result<SetAgreementPartsPayload> {
        let id = key("input.id", Kind::Agreement, &input.id)?;
        let person = key("input.person", Kind::Person, &input.person)?;
        let scope = scope(ctx);
        let mut list = svc(scope.agreement_person_inputs(id).await)?;
        list.retain(|p| !(p.person == person && p.role == input.role));
        Ok(SetAgreementPartsPayload {
            agreement: Agreement(svc(scope
                .set_agreement_people(id, input.expected_version, list)
                .await)?),
        })
    }

    /// Confirms an agreement for the caller's organisation (a party) at a version.
    async fn confirm_agreement(
        &self,
        ctx: &Context<'_>,
        input: ConfirmAgreementInput,
    ) -> Result<ConfirmAgreementPayload> {
        let id = key("input.id", Kind::Agreement, &input.id)?;
        Ok(ConfirmAgreementPayload {
            agreement: Agreement(svc(scope(ctx)
                .confirm_agreement(id, input.expected_version)
                .await)?),
        })
    }

    /// Creates a curriculum standard.
    async fn create_curriculum_standard(
        &self,
        ctx: &Context<'_>,
        input: CreateCurriculumStandardInput,
    ) -> Result<CreateCurriculumStandardPayload> {
        let parsed = st::StandardInput {
            owner: opt_key("input.owner", Kind::Organisation, &input.owner)?,
            visibility: input.visibility,
            developer: opt_key("input.developer", Kind::Organisation, &input.developer)?,
            title: input.title,
            code: input.code,
            field: input.field,
            level: input.level,
            edition: input.edition,
            issued_on: date(input.issued_on),
            source: opt_key("input.source", Kind::Source, &input.source)?,
            idempotency_key: input.idempotency_key,
        };
        Ok(CreateCurriculumStandardPayload {
            curriculum_standard: CurriculumStandard(svc(scope(ctx).create_standard(parsed).await)?),
        })
    }

    /// Changes a curriculum standard.
    async fn update_curriculum_standard(
        &self,
        ctx: &Context<'_>,
        input: UpdateCurriculumStandardInput,
    ) -> Result<UpdateCurriculumStandardPayload> {
        let id = key("input.id", Kind::CurriculumStandard, &input.id)?;
        let patch = st::StandardPatch {
            visibility: input.visibility,
            developer: opt_key("input.developer", Kind::Organisation, &input.developer)?,
            title: input.title,
            code: patch(input.code),
            field: patch(input.field),
            level: patch(input.level),
            edition: patch(input.edition),
            issued_on: patch_date(input.issued_on),
            source: patch_key("input.source", Kind::Source, input.source)?,
        };
        Ok(UpdateCurriculumStandardPayload {
            curriculum_standard: CurriculumStandard(svc(scope(ctx)
                .update_standard(id, input.expected_version, patch)
                .await)?),
        })
    }

    /// Archives a curriculum standard (and so its adoptions).
    async fn archive_curriculum_standard(
        &self,
        ctx: &Context<'_>,
        input: ArchiveCurriculumStandardInput,
    ) -> Result<ArchiveCurriculumStandardPayload> {
        let id = key("input.id", Kind::CurriculumStandard, &input.id)?;
        Ok(ArchiveCurriculumStandardPayload {
            curriculum_standard: CurriculumStandard(svc(scope(ctx)
                .archive::<curriculum_standard::Entity>(id, input.expected_version, true)
                .await)?),
        })
    }

    /// Restores an archived curriculum standard.
    async fn restore_curriculum_standard(
        &self,
        ctx: &Context<'_>,
        input: RestoreCurriculumStandardInput,
    ) -> Result<RestoreCurriculumStandardPayload> {
        let id = key("input.id", Kind::CurriculumStandard, &input.id)?;
        Ok(RestoreCurriculumStandardPayload {
            curriculum_standard: CurriculumStandard(svc(scope(ctx)
                .archive::<curriculum_standard::Entity>(id, input.expected_version, false)
                .await)?),
        })
    }

    /// Records that a country or region (and optionally an institution) took up a standard.
    async fn add_adoption(
        &self,
        ctx: &Context<'_>,
        input: AddAdoptionInput,
    ) -> Result<AddAdoptionPayload> {
        let standard = key("input.standard", Kind::CurriculumStandard, &input.standard)?;
        let parsed = st::AdoptionInput {
            country: input.country,
            institution: opt_key("input.institution", Kind::Organisation, &input.institution)?,
            kind: input.kind,
            adopted_on: date(input.adopted_on),
            evidence: input.evidence,
            source: opt_key("input.source", Kind::Source, &input.source)?,
        };
        Ok(AddAdoptionPayload {
            adoption: Adoption(svc(scope(ctx)
                .add_adoption(standard, input.expected_version, parsed)
                .await)?),
        })
    }

    /// Removes an adoption from its standard.
    async fn remove_adoption(
        &self,
        ctx: &Context<'_>,
        input: RemoveAdoptionInput,
    ) -> Result<RemoveAdoptionPayload> {
        let id = key("input.id", Kind::Adoption, &input.id)?;
        Ok(RemoveAdoptionPayload {
            curriculum_standard: CurriculumStandard(svc(scope(ctx)
                .remove_adoption(id, input.expected_version)
                .await)?),
        })
    }

    /// Creates a training centre abroad.
    async fn create_training_centre(
        &self,
        ctx: &Context<'_>,
        input: CreateTrainingCentreInput,
    ) -> Result<CreateTrainingCentrePayload> {
        let parsed = st::CentreInput {
            owner: opt_key("input.owner", Kind::Organisation, &input.owner)?,
            visibility: input.visibility,
            name: input.name,
            operator: opt_key("input.operator", Kind::Organisation, &input.operator)?,
            partner: opt_key("input.partner", Kind::Organisation, &input.partner)?,
            country: input.country,
            city: input.city,
            opened_on: date(input.opened_on),
            status: input.status,
            fields: input.fields,
            source: opt_key("input.source", Kind::Source, &input.source)?,
            idempotency_key: input.idempotency_key,
        };
        Ok(CreateTrainingCentrePayload {
            training_centre: TrainingCentre(svc(scope(ctx).create_centre(parsed).await)?),
        })
    }

    /// Changes a training centre.
    async fn update_training_centre(
        &self,
        ctx: &Context<'_>,
        input: UpdateTrainingCentreInput,
    ) -> Result<UpdateTrainingCentrePayload> {
        let id = key("input.id", Kind::TrainingCentre, &input.id)?;
        let patch = st::CentrePatch {
            visibility: input.visibility,
            name: input.name,
            operator: opt_key("input.operator", Kind::Organisation, &input.operator)?,
            partner: patch_key("input.partner", Kind::Organisation, input.partner)?,
            country: input.country,
            city: patch(input.city),
            opened_on: patch_date(input.opened_on),
            status: input.status,
            fields: input.fields,
            source: patch_key("input.source", Kind::Source, input.source)?,
        };
        Ok(UpdateTrainingCentrePayload {
            training_centre: TrainingCentre(svc(scope(ctx)
                .update_centre(id, input.expected_version, patch)
                .await)?),
        })
    }

    /// Archives a training centre.
    async fn archive_training_centre(
        &self,
        ctx: &Context<'_>,
        input: ArchiveTrainingCentreInput,
    ) -> Result<ArchiveTrainingCentrePayload> {
        let id = key("input.id", Kind::TrainingCentre, &input.id)?;
        Ok(ArchiveTrainingCentrePayload {
            training_centre: TrainingCentre(svc(scope(ctx)
                .archive::<training_centre::Entity>(id, input.expected_version, true)
                .await)?),
        })
    }

    /// Restores an archived training centre.
    async fn restore_training_centre(
        &self,
        ctx: &Context<'_>,
        input: RestoreTrainingCentreInput,
    ) -> Result<RestoreTrainingCentrePayload> {
        let id = key("input.id", Kind::TrainingCentre, &input.id)?;
        Ok(RestoreTrainingCentrePayload {
            training_centre: TrainingCentre(svc(scope(ctx)
                .archive::<training_centre::Entity>(id, input.expected_version, false)
                .await)?),
        })
    }

    /// Records a figure an organisation reported.
    async fn create_indicator(
        &self,
        ctx: &Context<'_>,
        input: CreateIndicatorInput,
    ) -> Result<CreateIndicatorPayload> {
        let parsed = st::IndicatorInput {
            owner: opt_key("input.owner", Kind::Organisation, &input.owner)?,
            visibility: input.visibility,
            organisation: opt_key(
                "input.organisation",
                Kind::Organisation,
                &input.organisation,
            )?,
            event: opt_key("input.event", Kind::Event, &input.event)?,
            metric: input.metric,
            period_start: date(input.period_start),
            period_end: date(input.period_end),
            value: input.value,
            unit: input.unit,
            note: input.note,
            source: opt_key("input.source", Kind::Source, &input.source)?,
            idempotency_key: input.idempotency_key,
        };
        Ok(CreateIndicatorPayload {
            indicator: Indicator(svc(scope(ctx).create_indicator(parsed).await)?),
        })
    }

    /// Changes a reported indicator.
    async fn update_indicator(
        &self,
        ctx: &Context<'_>,
        input: UpdateIndicatorInput,
    ) -> Result<UpdateIndicatorPayload> {
        let id = key("input.id", Kind::Indicator, &input.id)?;
        let patch = st::IndicatorPatch {
            visibility: input.visibility,
            organisation: opt_key(
                "input.organisation",
                Kind::Organisation,
                &input.organisation,
            )?,
            event: patch_key("input.event", Kind::Event, input.event)?,
            metric: input.metric,
            period_start: patch_date(input.period_start),
            period_end: patch_date(input.period_end),
            value: input.value,
            unit: patch(input.unit),
            note: patch(input.note),
            source: patch_key("input.source", Kind::Source, input.source)?,
        };
        Ok(UpdateIndicatorPayload {
            indicator: Indicator(svc(scope(ctx)
                .update_indicator(id, input.expected_version, patch)
                .await)?),
        })
    }

    /// Archives an indicator.
    async fn archive_indicator(
        &self,
        ctx: &Context<'_>,
        input: ArchiveIndicatorInput,
    ) -> Result<ArchiveIndicatorPayload> {
        let id = key("input.id", Kind::Indicator, &input.id)?;
        Ok(ArchiveIndicatorPayload {
            indicator: Indicator(svc(scope(ctx)
                .archive::<indicator::Entity>(id, input.expected_version, true)
                .await)?),
        })
    }

    /// Restores an archived indicator.
    async fn restore_indicator(
        &self,
        ctx: &Context<'_>,
        input: RestoreIndicatorInput,
    ) -> Result<RestoreIndicatorPayload> {
        let id = key("input.id", Kind::Indicator, &input.id)?;
        Ok(RestoreIndicatorPayload {
            indicator: Indicator(svc(scope(ctx)
                .archive::<indicator::Entity>(id, input.expected_version, false)
                .await)?),
        })
    }

    /// Adds an organisation to the shared registry.
    async fn create_organisation(
        &self,
        ctx: &Context<'_>,
        input: CreateOrganisationInput,
    ) -> Result<CreateOrganisationPayload> {
        let parsed = reg::OrganisationInput {
            kind: input.kind,
            parent: opt_key("input.parent", Kind::Organisation, &input.parent)?,
            name_en: input.name_en,
            name_zh: input.name_zh,
            abbreviation: input.abbreviation,
            country: input.country,
            city: input.city,
            address: input.address,
            website: input.website,
            ror_id: input.ror_id,
            source: opt_key("input.source", Kind::Source, &input.source)?,
            names: names(&input.names),
            identifiers: identifiers(&input.identifiers),
            idempotency_key: input.idempotency_key,
        };
        Ok(CreateOrganisationPayload {
            organisation: Organisation(svc(scope(ctx).create_organisation(parsed).await)?),
        })
    }

    /// Changes an organisation (its maintainer, a parent member's admins, or the coordinator).
    async fn update_organisation(
        &self,
        ctx: &Context<'_>,
        input: UpdateOrganisationInput,
    ) -> Result<UpdateOrganisationPayload> {
        let id = key("input.id", Kind::Organisation, &input.id)?;
        let patch = reg::OrganisationPatch {
            kind: input.kind,
            parent: patch_key("input.parent", Kind::Organisation, input.parent)?,
            name_en: input.name_en,
            name_zh: patch(input.name_zh),
            abbreviation: patch(input.abbreviation),
            country: patch(input.country),
            city: patch(input.city),
            address: patch(input.address),
            website: patch(input.website),
            ror_id: patch(input.ror_id),
            source: patch_key("input.source", Kind::Source, input.source)?,
            names: input.names.as_deref().map(names),
            identifiers: input.identifiers.as_deref().map(identifiers),
        };
        Ok(UpdateOrganisationPayload {
            organisation: Organisation(svc(scope(ctx)
                .update_organisation(id, input.expected_version, patch)
                .await)?),
        })
    }

    /// Archives an organisation: it leaves lists; records that name it keep it.
    async fn archive_organisation(
        &self,
        ctx: &Context<'_>,
        input: ArchiveOrganisationInput,
    ) -> Result<ArchiveOrganisationPayload> {
        let id = key("input.id", Kind::Organisation, &input.id)?;
        Ok(ArchiveOrganisationPayload {
            organisation: Organisation(svc(scope(ctx)
                .archive::<organisation::Entity>(id, input.expected_version, true)
                .await)?),
        })
    }

    /// Restores an archived organisation.
    async fn restore_organisation(
        &self,
        ctx: &Context<'_>,
        input: RestoreOrganisationInput,
    ) -> Result<RestoreOrganisationPayload> {
        let id = key("input.id", Kind::Organisation, &input.id)?;
        Ok(RestoreOrganisationPayload {
            organisation: Organisation(svc(scope(ctx)
                .archive::<organisation::Entity>(id, input.expected_version, false)
                .await)?),
        })
    }

    /// Folds a duplicate organisation into a survivor (coordinator only).
    async fn merge_organisations(
        &self,
        ctx: &Context<'_>,
        input: MergeOrganisationsInput,
    ) -> Result<MergeOrganisationsPayload> {
        let survivor = key("input.survivor", Kind::Organisation, &input.survivor)?;
        let duplicate = key("input.duplicate", Kind::Organisation, &input.duplicate)?;
        Ok(MergeOrganisationsPayload {
            organisation: Organisation(svc(scope(ctx)
                .merge_organisations(survivor, duplicate)
                .await)?),
        })
    }

    /// Adds a person to the shared registry.
    async fn create_person(
        &self,
        ctx: &Context<'_>,
        input: CreatePersonInput,
    ) -> Result<CreatePersonPayload> {
        let parsed = reg::PersonInput {
            family_name: input.family_name,
            given_name: input.given_name,
            name_zh: input.name_zh,
            source: opt_key("input.source", Kind::Source, &input.source)?,
            affiliations: affiliations(&input.affiliations)?,
            idempotency_key: input.idempotency_key,
        };
        Ok(CreatePersonPayload {
            person: Person(svc(scope(ctx).create_person(parsed).await)?),
        })
    }

    /// Changes a person (their maintainer or the coordinator).
    async fn update_person(
        &self,
        ctx: &Context<'_>,
        input: UpdatePersonInput,
    ) -> Result<UpdatePersonPayload> {
        let id = key("input.id", Kind::Person, &input.id)?;
        let patch = reg::PersonPatch {
            family_name: input.family_name,
            given_name: patch(input.given_name),
            name_zh: patch(input.name_zh),
            source: patch_key("input.source", Kind::Source, input.source)?,
        };
        Ok(UpdatePersonPayload {
            person: Person(svc(scope(ctx)
                .update_person(id, input.expected_version, patch)
                .await)?),
        })
    }

    /// Archives a person: they leave lists; records that name them keep them.
    async fn archive_person(
        &self,
        ctx: &Context<'_>,
        input: ArchivePersonInput,
    ) -> Result<ArchivePersonPayload> {
        let id = key("input.id", Kind::Person, &input.id)?;
        Ok(ArchivePersonPayload {
            person: Person(svc(scope(ctx)
                .archive::<person::Entity>(id, input.expected_version, true)
                .await)?),
        })
    }

    /// Restores an archived person.
    async fn restore_person(
        &self,
        ctx: &Context<'_>,
        input: RestorePersonInput,
    ) -> Result<RestorePersonPayload> {
        let id = key("input.id", Kind::Person, &input.id)?;
        Ok(RestorePersonPayload {
            person: Person(svc(scope(ctx)
                .archive::<person::Entity>(id, input.expected_version, false)
                .await)?),
        })
    }

    /// Replaces a person's positions.
    async fn set_affiliations(
        &self,
        ctx: &Context<'_>,
        input: SetAffiliationsInput,
    ) -> Result<SetAffiliationsPayload> {
        let id = key("input.id", Kind::Person, &input.id)?;
        let list = affiliations(&input.affiliations)?;
        Ok(SetAffiliationsPayload {
            person: Person(svc(scope(ctx)
                .set_affiliations(id, input.expected_version, list)
                .await)?),
        })
    }

    /// Folds a duplicate person into a survivor (coordinator only).
    async fn merge_people(
        &self,
        ctx: &Context<'_>,
        input: MergePeopleInput,
    ) -> Result<MergePeoplePayload> {
        let survivor = key("input.survivor", Kind::Person, &input.survivor)?;
        let duplicate = key("input.duplicate", Kind::Person, &input.duplicate)?;
        Ok(MergePeoplePayload {
            person: Person(svc(scope(ctx).merge_people(survivor, duplicate).await)?),
        })
    }

    /// Adds a source (an article or document) that records can cite.
    async fn create_source(
        &self,
        ctx: &Context<'_>,
        input: CreateSourceInput,
    ) -> Result<CreateSourcePayload> {
        let parsed = reg::SourceInput {
            url: input.url,
            title: input.title,
            publisher: input.publisher,
            author: input.author,
            published_on: date(input.published_on),
        };
        Ok(CreateSourcePayload {
            source: Source(svc(scope(ctx).create_source(parsed).await)?),
        })
    }

    /// Changes a source (its maintainer or the coordinator).
    async fn update_source(
        &self,
        ctx: &Context<'_>,
        input: UpdateSourceInput,
    ) -> Result<UpdateSourcePayload> {
        let id = key("input.id", Kind::Source, &input.id)?;
        let patch = reg::SourcePatch {
            url: patch(input.url),
            title: input.title,
            publisher: patch(input.publisher),
            author: patch(input.author),
            published_on: patch_date(input.published_on),
        };
        Ok(UpdateSourcePayload {
            source: Source(svc(scope(ctx)
                .update_source(id, input.expected_version, patch)
                .await)?),
        })
    }

    /// Archives a source.
    async fn archive_source(
        &self,
        ctx: &Context<'_>,
        input: ArchiveSourceInput,
    ) -> Result<ArchiveSourcePayload> {
        let id = key("input.id", Kind::Source, &input.id)?;
        Ok(ArchiveSourcePayload {
            source: Source(svc(scope(ctx)
                .archive::<source::Entity>(id, input.expected_version, true)
                .await)?),
        })
    }

    /// Restores an archived source.
    async fn restore_source(
        &self,
        ctx: &Context<'_>,
        input: RestoreSourceInput,
    ) -> Result<RestoreSourcePayload> {
        let id = key("input.id", Kind::Source, &input.id)?;
        Ok(RestoreSourcePayload {
            source: Source(svc(scope(ctx)
                .archive::<source::Entity>(id, input.expected_version, false)
                .await)?),
        })
    }

    /// Changes a consortium (coordinator only).
    async fn update_consortium(
        &self,
        ctx: &Context<'_>,
        input: UpdateConsortiumInput,
    ) -> Result<UpdateConsortiumPayload> {
        let id = key("input.id", Kind::Consortium, &input.id)?;
        let patch = reg::ConsortiumPatch {
            name_en: input.name_en,
            name_zh: patch(input.name_zh),
            coordinator: patch_key("input.coordinator", Kind::Organisation, input.coordinator)?,
        };
        Ok(UpdateConsortiumPayload {
            consortium: Consortium(svc(scope(ctx)
                .update_consortium(id, input.expected_version, patch)
                .await)?),
        })
    }

    /// Archives a consortium (coordinator only).
    async fn archive_consortium(
        &self,
        ctx: &Context<'_>,
        input: ArchiveConsortiumInput,
    ) -> Result<ArchiveConsortiumPayload> {
        let id = key("input.id", Kind::Consortium, &input.id)?;
        Ok(ArchiveConsortiumPayload {
            consortium: Consortium(svc(scope(ctx)
                .archive::<consortium::Entity>(id, input.expected_version, true)
                .await)?),
        })
    }

    /// Restores an archived consortium (coordinator only).
    async fn restore_consortium(
        &self,
        ctx: &Context<'_>,
        input: RestoreConsortiumInput,
    ) -> Result<RestoreConsortiumPayload> {
        let id = key("input.id", Kind::Consortium, &input.id)?;
        Ok(RestoreConsortiumPayload {
            consortium: Consortium(svc(scope(ctx)
                .archive::<consortium::Entity>(id, input.expected_version, false)
                .await)?),
        })
    }

    /// Creates a consortium (coordinator only).
    async fn create_consortium(
        &self,
        ctx: &Context<'_>,
        input: CreateConsortiumInput,
    ) -> Result<CreateConsortiumPayload> {
        let parsed = reg::ConsortiumInput {
            name_en: input.name_en,
            name_zh: input.name_zh,
            coordinator: opt_key("input.coordinator", Kind::Organisation, &input.coordinator)?,
        };
        Ok(CreateConsortiumPayload {
            consortium: Consortium(svc(scope(ctx).create_consortium(parsed).await)?),
        })
    }

    /// Replaces a consortium's members (coordinator only).
    async fn set_consortium_members(
        &self,
        ctx: &Context<'_>,
        input: SetConsortiumMembersInput,
    ) -> Result<SetConsortiumMembersPayload> {
        let id = key("input.id", Kind::Consortium, &input.id)?;
        let members = input
            .members
            .iter()
            .enumerate()
            .map(|(i, m)| {
                Ok(reg::MemberInput {
                    organisation: key(
                        &format!("input.members.{i}.organisation"),
                        Kind::Organisation,
                        &m.organisation,
                    )?,
                    joined_on: date(m.joined_on),
                    left_on: date(m.left_on),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(SetConsortiumMembersPayload {
            consortium: Consortium(svc(scope(ctx)
                .set_consortium_members(id, input.expected_version, members)
                .await)?),
        })
    }

    /// Issues a bearer token: the coordinator any; a member admin for its organisation.
    async fn create_token(
        &self,
        ctx: &Context<'_>,
        input: CreateTokenInput,
    ) -> Result<CreateTokenPayload> {
        let scope = scope(ctx);
        let new = auth::NewToken {
            label: input.label,
            role: input.role,
            organisation_id: opt_key(
                "input.organisation",
                Kind::Organisation,
                &input.organisation,
            )?,
            expires_at: input.expires_at,
        };
        let issued = svc(auth::issue(scope.connection(), scope.principal(), new).await)?;
        Ok(CreateTokenPayload {
            token: Token(issued.token),
            secret: issued.secret,
        })
    }

    /// Revokes a token: it stops working at once.
    async fn revoke_token(
        &self,
        ctx: &Context<'_>,
        input: RevokeTokenInput,
    ) -> Result<RevokeTokenPayload> {
        let id = key("input.id", Kind::Token, &input.id)?;
        let scope = scope(ctx);
        Ok(RevokeTokenPayload {
            token: Token(svc(auth::revoke(
                scope.connection(),
                scope.principal(),
                id,
            )
            .await)?),
        })
    }
}
