//! The enumerations stored in Concord's tables, as lower_snake_case text.
//! Each value's doc comment is its API description too.
use sea_orm::entity::prelude::*;

/// Who may read a record.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Visibility {
    /// Only the owning member (and the coordinator).
    #[sea_orm(string_value = "private")]
    Private,
    /// Members of a consortium the owner belongs to.
    #[sea_orm(string_value = "consortium")]
    Consortium,
    /// Anyone, including anonymous callers.
    #[sea_orm(string_value = "public")]
    Public,
}

/// What sort of body an organisation is.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrganisationKind {
    /// A university, college or polytechnic.
    #[sea_orm(string_value = "university")]
    University,
    /// A school or college within a university.
    #[sea_orm(string_value = "school")]
    School,
    /// A department or division.
    #[sea_orm(string_value = "department")]
    Department,
    /// A laboratory or research lab.
    #[sea_orm(string_value = "laboratory")]
    Laboratory,
    /// An administrative office (e.g. an international office).
    #[sea_orm(string_value = "office")]
    Office,
    /// A centre or institute within an organisation.
    #[sea_orm(string_value = "centre")]
    Centre,
    /// A company or enterprise.
    #[sea_orm(string_value = "company")]
    Company,
    /// A government bureau, office or ministry.
    #[sea_orm(string_value = "government_body")]
    GovernmentBody,
    /// An intergovernmental or international organisation (e.g. UNESCO).
    #[sea_orm(string_value = "international_organisation")]
    InternationalOrganisation,
    /// An association, federation or network.
    #[sea_orm(string_value = "association")]
    Association,
    /// Anything else.
    #[sea_orm(string_value = "other")]
    Other,
}

/// How an additional organisation name is used (as in ROR).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NameKind {
    /// An official name in another language.
    #[sea_orm(string_value = "label")]
    Label,
    /// A former or informal name.
    #[sea_orm(string_value = "alias")]
    Alias,
    /// An acronym or abbreviation.
    #[sea_orm(string_value = "acronym")]
    Acronym,
}

/// What sort of gathering an event is.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EventKind {
    /// A symposium.
    #[sea_orm(string_value = "symposium")]
    Symposium,
    /// A conference.
    #[sea_orm(string_value = "conference")]
    Conference,
    /// A forum.
    #[sea_orm(string_value = "forum")]
    Forum,
    /// A working or review meeting.
    #[sea_orm(string_value = "meeting")]
    Meeting,
    /// A workshop or training session.
    #[sea_orm(string_value = "workshop")]
    Workshop,
    /// A ceremony (signing, opening, award).
    #[sea_orm(string_value = "ceremony")]
    Ceremony,
    /// A delegation visit.
    #[sea_orm(string_value = "visit")]
    Visit,
    /// A partnership week or similar series of partner activities.
    #[sea_orm(string_value = "partnership_week")]
    PartnershipWeek,
    /// Anything else.
    #[sea_orm(string_value = "other")]
    Other,
}

/// Where an event stands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EventStatus {
    /// Announced, not yet held.
    #[sea_orm(string_value = "planned")]
    Planned,
    /// Took place.
    #[sea_orm(string_value = "held")]
    Held,
    /// Will not take place.
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
    /// Moved to a later, possibly unknown, date.
    #[sea_orm(string_value = "postponed")]
    Postponed,
}

/// How people took part in an event.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EventFormat {
    /// In person.
    #[sea_orm(string_value = "onsite")]
    Onsite,
    /// Online only.
    #[sea_orm(string_value = "online")]
    Online,
    /// Both in person and online.
    #[sea_orm(string_value = "hybrid")]
    Hybrid,
}

/// The part an organisation played in an event.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EventOrganisationRole {
    /// Held the event at its premises or ran it.
    #[sea_orm(string_value = "host")]
    Host,
    /// Hosted jointly with the host.
    #[sea_orm(string_value = "co_host")]
    CoHost,
    /// Sponsored the event.
    #[sea_orm(string_value = "sponsor")]
    Sponsor,
    /// The event was held under its guidance.
    #[sea_orm(string_value = "guidance")]
    Guidance,
    /// Supported the event.
    #[sea_orm(string_value = "supporting")]
    Supporting,
    /// Took part as an attending institution.
    #[sea_orm(string_value = "attending_institution")]
    AttendingInstitution,
    /// Sent representatives, without being counted as an attending institution.
    #[sea_orm(string_value = "represented")]
    Represented,
}

/// The part a person played in an event.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ParticipantRole {
    /// Presided over or chaired the event.
    #[sea_orm(string_value = "presided")]
    Presided,
    /// Gave a speech or address.
    #[sea_orm(string_value = "speaker")]
    Speaker,
    /// Gave a presentation or report.
    #[sea_orm(string_value = "presenter")]
    Presenter,
    /// Attended.
    #[sea_orm(string_value = "attendee")]
    Attendee,
    /// Signed an agreement there.
    #[sea_orm(string_value = "signatory")]
    Signatory,
    /// Witnessed a signing there.
    #[sea_orm(string_value = "witness")]
    Witness,
    /// Handed out awards or certificates.
    #[sea_orm(string_value = "awarded")]
    Awarded,
}

/// What sort of agreement or joint programme.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AgreementKind {
    /// Memorandum of understanding.
    #[sea_orm(string_value = "mou")]
    Mou,
    /// Framework agreement.
    #[sea_orm(string_value = "framework")]
    Framework,
    /// Student or staff exchange agreement.
    #[sea_orm(string_value = "exchange")]
    Exchange,
    /// Joint school or institute.
    #[sea_orm(string_value = "joint_school")]
    JointSchool,
    /// Joint degree programme.
    #[sea_orm(string_value = "joint_degree")]
    JointDegree,
    /// Double degree programme.
    #[sea_orm(string_value = "double_degree")]
    DoubleDegree,
    /// Joint training programme.
    #[sea_orm(string_value = "joint_training")]
    JointTraining,
    /// Research cooperation.
    #[sea_orm(string_value = "research")]
    Research,
    /// Hosting of a chair (e.g. a UNESCO Chair).
    #[sea_orm(string_value = "chair_hosting")]
    ChairHosting,
    /// Hosting of a committee or secretariat of an international body.
    #[sea_orm(string_value = "committee_hosting")]
    CommitteeHosting,
}

/// An agreement's lifecycle stage.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AgreementStatus {
    /// Proposed, not yet drafted.
    #[sea_orm(string_value = "proposed")]
    Proposed,
    /// Being drafted or negotiated.
    #[sea_orm(string_value = "draft")]
    Draft,
    /// Signed and in effect.
    #[sea_orm(string_value = "in_effect")]
    InEffect,
    /// Past its end date.
    #[sea_orm(string_value = "expired")]
    Expired,
    /// Superseded by a renewal.
    #[sea_orm(string_value = "renewed")]
    Renewed,
    /// Ended early by a party.
    #[sea_orm(string_value = "terminated")]
    Terminated,
    /// Abandoned before taking effect.
    #[sea_orm(string_value = "withdrawn")]
    Withdrawn,
}

/// The part an organisation plays in an agreement.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PartyRole {
    /// A contracting party.
    #[sea_orm(string_value = "party")]
    Party,
    /// Hosts the programme, chair or committee.
    #[sea_orm(string_value = "host")]
    Host,
    /// Grants the chair, seat or status (e.g. UNESCO for a UNESCO Chair).
    #[sea_orm(string_value = "grantor")]
    Grantor,
    /// Funds the programme.
    #[sea_orm(string_value = "funder")]
    Funder,
}

/// The part a person plays in an agreement.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AgreementPersonRole {
    /// Signed it.
    #[sea_orm(string_value = "signatory")]
    Signatory,
    /// Witnessed the signing.
    #[sea_orm(string_value = "witness")]
    Witness,
}

/// How a country or institution took up a curriculum standard.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AdoptionKind {
    /// Formally recognised.
    #[sea_orm(string_value = "recognised")]
    Recognised,
    /// Adopted for use.
    #[sea_orm(string_value = "adopted")]
    Adopted,
    /// Used in a pilot.
    #[sea_orm(string_value = "piloted")]
    Piloted,
}

/// What sort of partner an organisation is to a member.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PartnershipKind {
    /// A university, college or research institute.
    #[sea_orm(string_value = "academic")]
    Academic,
    /// A company.
    #[sea_orm(string_value = "industry")]
    Industry,
    /// A government body.
    #[sea_orm(string_value = "government")]
    Government,
    /// Anything else (associations, international organisations).
    #[sea_orm(string_value = "other")]
    Other,
}

/// Whether a partnership goes on.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PartnershipStatus {
    /// Going on.
    #[sea_orm(string_value = "active")]
    Active,
    /// Ended (on `until`, where known).
    #[sea_orm(string_value = "ended")]
    Ended,
}

/// Where a training centre stands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CentreStatus {
    /// Agreed, not yet open.
    #[sea_orm(string_value = "planned")]
    Planned,
    /// Open and operating.
    #[sea_orm(string_value = "operating")]
    Operating,
    /// Temporarily not operating.
    #[sea_orm(string_value = "suspended")]
    Suspended,
    /// Closed.
    #[sea_orm(string_value = "closed")]
    Closed,
}

/// What a reported figure counts.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IndicatorMetric {
    /// Partner universities and institutions.
    #[sea_orm(string_value = "partner_institutions")]
    PartnerInstitutions,
    /// Countries and regions of partner institutions.
    #[sea_orm(string_value = "partner_countries_and_regions")]
    PartnerCountriesAndRegions,
    /// Friendly (sister) cities.
    #[sea_orm(string_value = "friendly_cities")]
    FriendlyCities,
    /// Countries of friendly cities.
    #[sea_orm(string_value = "friendly_city_countries")]
    FriendlyCityCountries,
    /// Curriculum standards developed.
    #[sea_orm(string_value = "curriculum_standards")]
    CurriculumStandards,
    /// Countries and regions that recognised or adopted the standards.
    #[sea_orm(string_value = "standard_adopting_countries_and_regions")]
    StandardAdoptingCountriesAndRegions,
    /// Training centres abroad.
    #[sea_orm(string_value = "training_centres")]
    TrainingCentres,
    /// Countries with training centres.
    #[sea_orm(string_value = "training_centre_countries")]
    TrainingCentreCountries,
    /// Institutions attending an event.
    #[sea_orm(string_value = "attending_institutions")]
    AttendingInstitutions,
    /// Countries and regions of the institutions attending an event.
    #[sea_orm(string_value = "attending_countries_and_regions")]
    AttendingCountriesAndRegions,
    /// Another figure; the note says what it counts.
    #[sea_orm(string_value = "other")]
    Other,
}

/// The stable code of an indicator definition: what a figure counts, computed from the
/// records (`indicator_definition` holds its names and description).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IndicatorCode {
    /// Distinct partner organisations of agreements in effect.
    #[sea_orm(string_value = "partner_institutions")]
    PartnerInstitutions,
    /// Countries and regions where those partners are based.
    #[sea_orm(string_value = "partner_countries_and_regions")]
    PartnerCountriesAndRegions,
    /// Agreements in effect.
    #[sea_orm(string_value = "agreements_in_effect")]
    AgreementsInEffect,
    /// Joint schools, degrees and training programmes in effect.
    #[sea_orm(string_value = "joint_programmes_running")]
    JointProgrammesRunning,
    /// Events hosted or co-hosted.
    #[sea_orm(string_value = "international_events_hosted")]
    InternationalEventsHosted,
    /// People from abroad who took part in hosted events.
    #[sea_orm(string_value = "foreign_participants")]
    ForeignParticipants,
    /// Curriculum standards developed.
    #[sea_orm(string_value = "curriculum_standards_developed")]
    CurriculumStandardsDeveloped,
    /// Standards adopted outside the developer's country.
    #[sea_orm(string_value = "standards_adopted_abroad")]
    StandardsAdoptedAbroad,
    /// Countries and regions that adopted standards abroad.
    #[sea_orm(string_value = "standard_adopting_countries_and_regions")]
    StandardAdoptingCountriesAndRegions,
    /// Training centres operating abroad.
    #[sea_orm(string_value = "training_centres_abroad")]
    TrainingCentresAbroad,
    /// Countries and regions with training centres.
    #[sea_orm(string_value = "training_centre_countries")]
    TrainingCentreCountries,
}

impl IndicatorMetric {
    /// The definition a reported figure of this metric is measured by, where one is.
    pub fn definition(self) -> Option<IndicatorCode> {
        match self {
            IndicatorMetric::PartnerInstitutions => Some(IndicatorCode::PartnerInstitutions),
            IndicatorMetric::PartnerCountriesAndRegions => {
                Some(IndicatorCode::PartnerCountriesAndRegions)
            }
            IndicatorMetric::CurriculumStandards => {
                Some(IndicatorCode::CurriculumStandardsDeveloped)
            }
            IndicatorMetric::StandardAdoptingCountriesAndRegions => {
                Some(IndicatorCode::StandardAdoptingCountriesAndRegions)
            }
            IndicatorMetric::TrainingCentres => Some(IndicatorCode::TrainingCentresAbroad),
            IndicatorMetric::TrainingCentreCountries => {
                Some(IndicatorCode::TrainingCentreCountries)
            }
            _ => None,
        }
    }
}

/// What a token may do.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    /// Reads public records, its consortium's shared records and its own private ones.
    #[sea_orm(string_value = "viewer")]
    Viewer,
    /// As a viewer, and writes the records its organisation owns.
    #[sea_orm(string_value = "editor")]
    Editor,
    /// As an editor, and manages its organisation's units and tokens.
    #[sea_orm(string_value = "admin")]
    Admin,
    /// The coordinating centre: reads and writes everything, manages members and tokens.
    #[sea_orm(string_value = "coordinator")]
    Coordinator,
}

/// What a write did to a record, as the change feed reports it.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ChangeOperation {
    /// The record was created.
    #[sea_orm(string_value = "create")]
    Create,
    /// Its fields or parts changed (or a party confirmed it).
    #[sea_orm(string_value = "update")]
    Update,
    /// It was archived.
    #[sea_orm(string_value = "archive")]
    Archive,
    /// It was restored from the archive.
    #[sea_orm(string_value = "restore")]
    Restore,
    /// A duplicate was merged into it, or it was merged into another (and archived).
    #[sea_orm(string_value = "merge")]
    Merge,
    /// It was deleted.
    #[sea_orm(string_value = "delete")]
    Delete,
}

/// Where a webhook delivery stands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WebhookDeliveryStatus {
    /// Waiting for its first attempt or for a retry.
    #[sea_orm(string_value = "pending")]
    Pending,
    /// The endpoint answered 2xx.
    #[sea_orm(string_value = "delivered")]
    Delivered,
    /// Every attempt failed; it is not tried again unless replayed.
    #[sea_orm(string_value = "failed")]
    Failed,
}
