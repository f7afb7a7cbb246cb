//! Filter and order inputs of the root lists, and their translation into the service's
//! filters (global ids decoded, codes checked; a bad value names its field).
use async_graphql::{Enum, ID, InputObject};
use service::entity::enums::*;
use service::query::{self, DateRange, Direction};

use crate::error::{Result, bad_input, svc};
use crate::ids::{Kind, decode_all};
use crate::scalars::Date;

/// Sort direction.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Default)]
#[graphql(remote = "service::query::Direction")]
pub enum OrderDirection {
    /// Smallest or earliest first.
    #[default]
    Asc,
    /// Largest or latest first.
    Desc,
}

/// An inclusive range of dates; either end may be left open.
#[derive(InputObject, Clone, Copy, Default)]
pub struct DateRangeInput {
    /// On or after this date.
    pub from: Option<Date>,
    /// On or before this date.
    pub to: Option<Date>,
}

fn range(field: &str, r: &Option<DateRangeInput>) -> Result<DateRange> {
    let r = r.unwrap_or_default();
    svc(DateRange::parse(
        field,
        r.from.map(|d| d.0),
        r.to.map(|d| d.0),
    ))
}

/// ISO 3166-1 alpha-2 codes, upper-cased; anything else is bad input.
fn country_codes(field: &str, codes: &Option<Vec<String>>) -> Result<Option<Vec<String>>> {
    codes
        .as_ref()
        .map(|codes| {
            codes
                .iter()
                .map(|c| {
                    let c = c.trim().to_ascii_uppercase();
                    if c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()) {
                        Ok(c)
                    } else {
                        Err(bad_input(
                            field,
                            format!("`{c}` is not an ISO 3166-1 alpha-2 code"),
                        ))
                    }
                })
                .collect()
        })
        .transpose()
}

/// ISCED-F codes: 2 to 4 digits.
fn field_codes(field: &str, codes: &Option<Vec<String>>) -> Result<Option<Vec<String>>> {
    codes
        .as_ref()
        .map(|codes| {
            codes
                .iter()
                .map(|c| {
                    let c = c.trim();
                    if (2..=4).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_digit()) {
                        Ok(c.to_owned())
                    } else {
                        Err(bad_input(
                            field,
                            format!("`{c}` is not an ISCED-F code (2 to 4 digits)"),
                        ))
                    }
                })
                .collect()
        })
        .transpose()
}

macro_rules! order_input {
    ($(#[$doc:meta])* $input:ident, $field:ident, $remote_name:literal, $remote:path, $default:ident, { $($(#[$vdoc:meta])* $variant:ident),* }) => {
        /// The field to sort by.
        #[derive(Enum, Clone, Copy, PartialEq, Eq, Default)]
        #[graphql(remote = $remote_name)]
        pub enum $field {
            /// The default sort field.
            #[default]
            $default,
            $($(#[$vdoc])* $variant),*
        }

        $(#[$doc])*
        #[derive(InputObject, Clone, Copy, Default)]
        pub struct $input {
            /// The field to sort by.
            #[graphql(default)]
            pub field: $field,
            /// The direction.
            #[graphql(default)]
            pub direction: OrderDirection,
        }

        impl $input {
            pub fn parts(order: Option<Self>) -> ($remote, Direction) {
                let o = order.unwrap_or_default();
                (o.field.into(), o.direction.into())
            }
        }
    };
}

order_input!(
    /// How to sort events (default: by start date, earliest first).
    EventOrder, EventOrderField, "service::query::events::EventOrderField", service::query::events::EventOrderField, StartDate,
    { /// By title.
      Title, /// By when the record was created.
      CreatedAt });
order_input!(
    /// How to sort agreements (default: by signing date; unknown dates last).
    AgreementOrder, AgreementOrderField, "service::query::agreements::AgreementOrderField", service::query::agreements::AgreementOrderField, SignedOn,
    { /// By title.
      Title, /// By when the record was created.
      CreatedAt });
order_input!(
    /// How to sort organisations (default: by English name).
    OrganisationOrder, OrganisationOrderField, "service::query::organisations::OrganisationOrderField", service::query::organisations::OrganisationOrderField, Name,
    { /// By when the record was created.
      CreatedAt });
order_input!(
    /// How to sort people (default: by family name, then given name).
    PersonOrder, PersonOrderField, "service::query::people::PersonOrderField", service::query::people::PersonOrderField, FamilyName,
    { /// By when the record was created.
      CreatedAt });
order_input!(
    /// How to sort curriculum standards (default: by title).
    CurriculumStandardOrder, CurriculumStandardOrderField, "service::query::standards::StandardOrderField", service::query::standards::StandardOrderField, Title,
    { /// By issue date.
      IssuedOn, /// By when the record was created.
      CreatedAt });
order_input!(
    /// How to sort adoptions (default: by adoption date).
    AdoptionOrder, AdoptionOrderField, "service::query::standards::AdoptionOrderField", service::query::standards::AdoptionOrderField, AdoptedOn,
    { /// By country code.
      Country, /// By when the record was created.
      CreatedAt });
order_input!(
    /// How to sort training centres (default: by name).
    TrainingCentreOrder, TrainingCentreOrderField, "service::query::standards::CentreOrderField", service::query::standards::CentreOrderField, Name,
    { /// By opening date.
      OpenedOn, /// By when the record was created.
      CreatedAt });
order_input!(
    /// How to sort indicators (default: by period end).
    IndicatorOrder, IndicatorOrderField, "service::query::indicators::IndicatorOrderField", service::query::indicators::IndicatorOrderField, PeriodEnd,
    { /// By value.
      Value, /// By when the record was created.
      CreatedAt });
order_input!(
    /// How to sort countries (default: by code).
    CountryOrder, CountryOrderField, "service::query::registry::CountryOrderField", service::query::registry::CountryOrderField, Code,
    { /// By English name.
      NameEn });
order_input!(
    /// How to sort sources (default: by publication date).
    SourceOrder, SourceOrderField, "service::query::registry::SourceOrderField", service::query::registry::SourceOrderField, PublishedOn,
    { /// By title.
      Title });

/// Which events to list. Conditions combine with AND; list values with OR.
#[derive(InputObject, Clone, Default)]
pub struct EventFilter {
    /// Case-insensitive substring of the title or theme.
    pub search: Option<String>,
    /// Owned by any of these member organisations.
    pub owners: Option<Vec<ID>>,
    /// Of any of these kinds.
    pub kinds: Option<Vec<EventKind>>,
    /// In any of these states.
    pub statuses: Option<Vec<EventStatus>>,
    /// Held in any of these countries or regions (ISO codes).
    pub countries: Option<Vec<String>>,
    /// Starting within this range.
    pub start_date: Option<DateRangeInput>,
    /// With any of these organisations taking part (in `roles`, if given).
    pub organisations: Option<Vec<ID>>,
    /// With an organisation in any of these roles.
    pub roles: Option<Vec<EventOrganisationRole>>,
    /// With any of these people taking part.
    pub people: Option<Vec<ID>>,
    /// `true`: only archived records (which only their owner and the coordinator can read); otherwise only live ones.
    pub archived: Option<bool>,
}

impl EventFilter {
    pub fn parse(f: Option<Self>) -> Result<query::events::EventFilter> {
        let f = f.unwrap_or_default();
        Ok(query::events::EventFilter {
            archived: f.archived,
            search: f.search,
            owners: decode_all("filter.owners", Kind::Organisation, &f.owners)?,
            kinds: f.kinds,
            statuses: f.statuses,
            countries: country_codes("filter.countries", &f.countries)?,
            start_date: range("filter.startDate", &f.start_date)?,
            organisations: decode_all(
                "filter.organisations",
                Kind::Organisation,
                &f.organisations,
            )?,
            roles: f.roles,
            people: decode_all("filter.people", Kind::Person, &f.people)?,
        })
    }
}

/// Which agreements to list. Conditions combine with AND; list values with OR.
#[derive(InputObject, Clone, Default)]
pub struct AgreementFilter {
    /// Case-insensitive substring of the title or description.
    pub search: Option<String>,
    /// Owned by any of these member organisations.
    pub owners: Option<Vec<ID>>,
    /// Of any of these kinds.
    pub kinds: Option<Vec<AgreementKind>>,
    /// In any of these lifecycle stages.
    pub statuses: Option<Vec<AgreementStatus>>,
    /// Signed within this range.
    pub signed_on: Option<DateRangeInput>,
    /// With any of these organisations as a party.
    pub parties: Option<Vec<ID>>,
    /// With a party based in any of these countries or regions (ISO codes).
    pub party_countries: Option<Vec<String>>,
    /// Signed or witnessed by any of these people.
    pub people: Option<Vec<ID>>,
    /// Signed at any of these events.
    pub signed_at: Option<Vec<ID>>,
    /// Covering any of these ISCED-F fields (a broad code matches its narrower fields).
    pub fields: Option<Vec<String>>,
    /// `true`: only archived records (which only their owner and the coordinator can read); otherwise only live ones.
    pub archived: Option<bool>,
}

impl AgreementFilter {
    pub fn parse(f: Option<Self>) -> Result<query::agreements::AgreementFilter> {
        let f = f.unwrap_or_default();
        Ok(query::agreements::AgreementFilter {
            archived: f.archived,
            search: f.search,
            owners: decode_all("filter.owners", Kind::Organisation, &f.owners)?,
            kinds: f.kinds,
            statuses: f.statuses,
            signed_on: range("filter.signedOn", &f.signed_on)?,
            parties: decode_all("filter.parties", Kind::Organisation, &f.parties)?,
            party_countries: country_codes("filter.partyCountries", &f.party_countries)?,
            people: decode_all("filter.people", Kind::Person, &f.people)?,
            signed_at_events: decode_all("filter.signedAt", Kind::Event, &f.signed_at)?,
            fields: field_codes("filter.fields", &f.fields)?,
        })
    }
}

/// Which organisations to list.
#[derive(InputObject, Clone, Default)]
pub struct OrganisationFilter {
    /// Case-insensitive substring of any name, abbreviation or alias.
    pub search: Option<String>,
    /// Of any of these kinds.
    pub kinds: Option<Vec<OrganisationKind>>,
    /// Based in any of these countries or regions (ISO codes).
    pub countries: Option<Vec<String>>,
    /// Units of any of these organisations.
    pub parents: Option<Vec<ID>>,
    /// `true`: only organisations without a parent; `false`: only units.
    pub top_level: Option<bool>,
    /// Members of any of these consortia.
    pub consortia: Option<Vec<ID>>,
    /// With this ROR id.
    pub ror_id: Option<String>,
    /// `true`: only archived records (which only their owner and the coordinator can read); otherwise only live ones.
    pub archived: Option<bool>,
}

impl OrganisationFilter {
    pub fn parse(f: Option<Self>) -> Result<query::organisations::OrganisationFilter> {
        let f = f.unwrap_or_default();
        Ok(query::organisations::OrganisationFilter {
            archived: f.archived,
            search: f.search,
            kinds: f.kinds,
            countries: country_codes("filter.countries", &f.countries)?,
            parents: decode_all("filter.parents", Kind::Organisation, &f.parents)?,
            top_level: f.top_level,
            consortia: decode_all("filter.consortia", Kind::Consortium, &f.consortia)?,
            ror_id: f.ror_id,
        })
    }
}

/// Which people to list.
#[derive(InputObject, Clone, Default)]
pub struct PersonFilter {
    /// Case-insensitive substring of the family, given or Chinese name.
    pub search: Option<String>,
    /// Affiliated (at any time) with any of these organisations.
    pub organisations: Option<Vec<ID>>,
    /// `true`: only archived records (which only their owner and the coordinator can read); otherwise only live ones.
    pub archived: Option<bool>,
}

impl PersonFilter {
    pub fn parse(f: Option<Self>) -> Result<query::people::PersonFilter> {
        let f = f.unwrap_or_default();
        Ok(query::people::PersonFilter {
            archived: f.archived,
            search: f.search,
            organisations: decode_all(
                "filter.organisations",
                Kind::Organisation,
                &f.organisations,
            )?,
        })
    }
}

/// Which curriculum standards to list.
#[derive(InputObject, Clone, Default)]
pub struct CurriculumStandardFilter {
    /// Case-insensitive substring of the title or code.
    pub search: Option<String>,
    /// Owned by any of these member organisations.
    pub owners: Option<Vec<ID>>,
    /// Developed by any of these organisations.
    pub developers: Option<Vec<ID>>,
    /// In any of these ISCED-F fields (a broad code matches its narrower fields).
    pub fields: Option<Vec<String>>,
    /// `true`: only archived records (which only their owner and the coordinator can read); otherwise only live ones.
    pub archived: Option<bool>,
}

impl CurriculumStandardFilter {
    pub fn parse(f: Option<Self>) -> Result<query::standards::StandardFilter> {
        let f = f.unwrap_or_default();
        Ok(query::standards::StandardFilter {
            archived: f.archived,
            search: f.search,
            owners: decode_all("filter.owners", Kind::Organisation, &f.owners)?,
            developers: decode_all("filter.developers", Kind::Organisation, &f.developers)?,
            fields: field_codes("filter.fields", &f.fields)?,
        })
    }
}

/// Which adoptions to list.
#[derive(InputObject, Clone, Default)]
pub struct AdoptionFilter {
    /// Of any of these standards.
    pub standards: Option<Vec<ID>>,
    /// In any of these countries or regions (ISO codes).
    pub countries: Option<Vec<String>>,
    /// By any of these institutions.
    pub institutions: Option<Vec<ID>>,
    /// Of any of these kinds.
    pub kinds: Option<Vec<AdoptionKind>>,
    /// Adopted within this range.
    pub adopted_on: Option<DateRangeInput>,
}

impl AdoptionFilter {
    pub fn parse(f: Option<Self>) -> Result<query::standards::AdoptionFilter> {
        let f = f.unwrap_or_default();
        Ok(query::standards::AdoptionFilter {
            standards: decode_all("filter.standards", Kind::CurriculumStandard, &f.standards)?,
            countries: country_codes("filter.countries", &f.countries)?,
            institutions: decode_all("filter.institutions", Kind::Organisation, &f.institutions)?,
            kinds: f.kinds,
            adopted_on: range("filter.adoptedOn", &f.adopted_on)?,
        })
    }
}

/// Which training centres to list.
#[derive(InputObject, Clone, Default)]
pub struct TrainingCentreFilter {
    /// Case-insensitive substring of the name or city.
    pub search: Option<String>,
    /// Owned by any of these member organisations.
    pub owners: Option<Vec<ID>>,
    /// Operated by any of these organisations.
    pub operators: Option<Vec<ID>>,
    /// With any of these local partners.
    pub partners: Option<Vec<ID>>,
    /// In any of these countries or regions (ISO codes).
    pub countries: Option<Vec<String>>,
    /// In any of these states.
    pub statuses: Option<Vec<CentreStatus>>,
    /// Opened within this range.
    pub opened_on: Option<DateRangeInput>,
    /// `true`: only archived records (which only their owner and the coordinator can read); otherwise only live ones.
    pub archived: Option<bool>,
}

impl TrainingCentreFilter {
    pub fn parse(f: Option<Self>) -> Result<query::standards::CentreFilter> {
        let f = f.unwrap_or_default();
        Ok(query::standards::CentreFilter {
            archived: f.archived,
            search: f.search,
            owners: decode_all("filter.owners", Kind::Organisation, &f.owners)?,
            operators: decode_all("filter.operators", Kind::Organisation, &f.operators)?,
            partners: decode_all("filter.partners", Kind::Organisation, &f.partners)?,
            countries: country_codes("filter.countries", &f.countries)?,
            statuses: f.statuses,
            opened_on: range("filter.openedOn", &f.opened_on)?,
        })
    }
}

/// Which reported indicators to list.
#[derive(InputObject, Clone, Default)]
pub struct IndicatorFilter {
    /// Owned by any of these member organisations.
    pub owners: Option<Vec<ID>>,
    /// About any of these organisations.
    pub organisations: Option<Vec<ID>>,
    /// About any of these events.
    pub events: Option<Vec<ID>>,
    /// Counting any of these things.
    pub metrics: Option<Vec<IndicatorMetric>>,
    /// With the period ending within this range.
    pub period_end: Option<DateRangeInput>,
    /// `true`: only archived records (which only their owner and the coordinator can read); otherwise only live ones.
    pub archived: Option<bool>,
}

impl IndicatorFilter {
    pub fn parse(f: Option<Self>) -> Result<query::indicators::IndicatorFilter> {
        let f = f.unwrap_or_default();
        Ok(query::indicators::IndicatorFilter {
            archived: f.archived,
            owners: decode_all("filter.owners", Kind::Organisation, &f.owners)?,
            organisations: decode_all(
                "filter.organisations",
                Kind::Organisation,
                &f.organisations,
            )?,
            events: decode_all("filter.events", Kind::Event, &f.events)?,
            metrics: f.metrics,
            period_end: range("filter.periodEnd", &f.period_end)?,
        })
    }
}

/// Which countries and regions to list.
#[derive(InputObject, Clone, Default)]
pub struct CountryFilter {
    /// Case-insensitive substring of the English or Chinese name, or the code.
    pub search: Option<String>,
    /// With any of these ISO codes.
    pub codes: Option<Vec<String>>,
    /// `true`: only regions (e.g. Hong Kong, Macao, Taiwan); `false`: only countries.
    pub is_region: Option<bool>,
}

impl CountryFilter {
    pub fn parse(f: Option<Self>) -> Result<query::registry::CountryFilter> {
        let f = f.unwrap_or_default();
        Ok(query::registry::CountryFilter {
            search: f.search,
            codes: country_codes("filter.codes", &f.codes)?,
            is_region: f.is_region,
        })
    }
}

/// Which consortia to list.
#[derive(InputObject, Clone, Default)]
pub struct ConsortiumFilter {
    /// Case-insensitive substring of the name.
    pub search: Option<String>,
    /// With any of these organisations as members.
    pub members: Option<Vec<ID>>,
    /// `true`: only archived records (which only their owner and the coordinator can read); otherwise only live ones.
    pub archived: Option<bool>,
}

impl ConsortiumFilter {
    pub fn parse(f: Option<Self>) -> Result<query::registry::ConsortiumFilter> {
        let f = f.unwrap_or_default();
        Ok(query::registry::ConsortiumFilter {
            archived: f.archived,
            search: f.search,
            members: decode_all("filter.members", Kind::Organisation, &f.members)?,
        })
    }
}

/// Which sources to list.
#[derive(InputObject, Clone, Default)]
pub struct SourceFilter {
    /// Case-insensitive substring of the title, publisher or author.
    pub search: Option<String>,
    /// Published within this range.
    pub published_on: Option<DateRangeInput>,
    /// `true`: only archived records (which only their owner and the coordinator can read); otherwise only live ones.
    pub archived: Option<bool>,
}

impl SourceFilter {
    pub fn parse(f: Option<Self>) -> Result<query::registry::SourceFilter> {
        let f = f.unwrap_or_default();
        Ok(query::registry::SourceFilter {
            archived: f.archived,
            search: f.search,
            published_on: range("filter.publishedOn", &f.published_on)?,
        })
    }
}

/// Which audit entries to list.
#[derive(InputObject, Clone, Default)]
pub struct AuditFilter {
    /// Entries about this record (its global id).
    pub record: Option<ID>,
    /// Entries written with any of these tokens.
    pub tokens: Option<Vec<ID>>,
    /// Entries by callers acting for any of these organisations.
    pub actor_organisations: Option<Vec<ID>>,
    /// Entries of any of these operations, e.g. `updateEvent`.
    pub operations: Option<Vec<String>>,
    /// At or after this time.
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    /// At or before this time.
    pub to: Option<chrono::DateTime<chrono::Utc>>,
}

impl AuditFilter {
    pub fn parse(f: Option<Self>) -> Result<query::audit::AuditFilter> {
        let f = f.unwrap_or_default();
        let record = match &f.record {
            None => None,
            Some(id) => {
                let (kind, key) = crate::ids::decode("filter.record", id)?;
                let table = match kind {
                    Kind::Event => "event",
                    Kind::Agreement => "agreement",
                    Kind::CurriculumStandard => "curriculum_standard",
                    Kind::TrainingCentre => "training_centre",
                    Kind::Indicator => "indicator",
                    Kind::Organisation => "organisation",
                    Kind::Person => "person",
                    Kind::Source => "source",
                    Kind::Consortium => "consortium",
                    Kind::Token => "token",
                    _ => {
                        return Err(bad_input(
                            "filter.record",
                            "that kind of record has no audit entries",
                        ));
                    }
                };
                let key = key
                    .parse()
                    .map_err(|_| bad_input("filter.record", "not an id this API issued"))?;
                Some((table.to_owned(), key))
            }
        };
        Ok(query::audit::AuditFilter {
            record,
            tokens: decode_all("filter.tokens", Kind::Token, &f.tokens)?,
            actor_organisations: decode_all(
                "filter.actorOrganisations",
                Kind::Organisation,
                &f.actor_organisations,
            )?,
            operations: f.operations,
            from: f.from,
            to: f.to,
        })
    }
}
