//! What a feed reader may narrow the feed to.
use async_graphql::Enum;

use crate::ids::Kind;

/// The kinds of record the change feed reports.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum RecordType {
    /// Events (their organisations, participants, presentations and outcomes change
    /// with them).
    Event,
    /// Agreements (with their parties, people and fields).
    Agreement,
    /// Curriculum standards (with their adoptions).
    CurriculumStandard,
    /// Training centres abroad.
    TrainingCentre,
    /// Partnerships of members with partner organisations.
    Partnership,
    /// Reported figures.
    Indicator,
    /// Organisations of the registry (with their names and identifiers).
    Organisation,
    /// People of the registry.
    Person,
    /// Sources of the registry.
    Source,
    /// Consortia (with their members).
    Consortium,
}

/// Each record type with its global id kind and the table the feed names it by.
const TYPES: [(RecordType, Kind, &str); 10] = [
    (RecordType::Partnership, Kind::Partnership, "partnership"),
    (RecordType::Event, Kind::Event, "event"),
    (RecordType::Agreement, Kind::Agreement, "agreement"),
    (
        RecordType::CurriculumStandard,
        Kind::CurriculumStandard,
        "curriculum_standard",
    ),
    (
        RecordType::TrainingCentre,
        Kind::TrainingCentre,
        "training_centre",
    ),
    (RecordType::Indicator, Kind::Indicator, "indicator"),
    (RecordType::Organisation, Kind::Organisation, "organisation"),
    (RecordType::Person, Kind::Person, "person"),
    (RecordType::Source, Kind::Source, "source"),
    (RecordType::Consortium, Kind::Consortium, "consortium"),
];

impl RecordType {
    pub(crate) fn table(self) -> &'static str {
        TYPES
            .iter()
            .find(|(t, _, _)| *t == self)
            .map_or("", |e| e.2)
    }

    /// The type whose records have global ids of `kind`; `None` for kinds outside the feed.
    pub(crate) fn of_kind(kind: Kind) -> Option<RecordType> {
        TYPES
            .iter()
            .find(|(_, k, _)| *k == kind)
            .map(|(r, _, _)| *r)
    }

    /// The type of a feed entry's table; `None` for a table the API does not know.
    pub(crate) fn of_table(table: &str) -> Option<(RecordType, Kind)> {
        TYPES
            .iter()
            .find(|(_, _, t)| *t == table)
            .map(|(r, k, _)| (*r, *k))
    }
}
