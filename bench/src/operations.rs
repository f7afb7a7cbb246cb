//! The reference operations: what a member's frontend asks for most, as GraphQL
//! documents. Concord and the baseline answer the same documents with the same JSON.

/// A reference operation the harness measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// A member's home page: the latest 20 public events with hosts, country and
    /// presentations.
    Home,
    /// An organisation profile: its agreements with partners (and their countries),
    /// the standards it developed with their adoptions, the centres it operates.
    Profile,
    /// Agreements in effect with partners in one country, newest first, page 3.
    Search,
    /// One event with its organisations, its people and the titles they held then,
    /// and the agreements signed there with their parties and signatories.
    Deep,
    /// 10% mutations (creating and renaming events) among the four reads above.
    Writes,
    /// The first page of events, latest first (20, with their countries).
    FirstPage,
    /// The same page after [`DEEP_PAGE_AFTER`] events: a keyset cursor costs what the
    /// first page costs; an offset cost more the deeper the page.
    DeepPage,
    /// The consortium overview (reference operation 5): each member's headline figures,
    /// the countries reached, the most connected partners, where standards were adopted.
    Overview,
    /// Its drill-down: partner institutions by country, each row's first partners.
    DrillDown,
}

impl Operation {
    pub const ALL: [Operation; 9] = [
        Operation::Home,
        Operation::Profile,
        Operation::Search,
        Operation::Deep,
        Operation::Writes,
        Operation::FirstPage,
        Operation::DeepPage,
        Operation::Overview,
        Operation::DrillDown,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Operation::Home => "home",
            Operation::Profile => "profile",
            Operation::Search => "search",
            Operation::Deep => "deep",
            Operation::Writes => "writes",
            Operation::FirstPage => "page1",
            Operation::DeepPage => "pagedeep",
            Operation::Overview => "overview",
            Operation::DrillDown => "drilldown",
        }
    }

    pub fn parse(name: &str) -> Option<Operation> {
        Operation::ALL.into_iter().find(|op| op.name() == name)
    }

    /// What the results table says the operation is.
    pub fn describe(self) -> &'static str {
        match self {
            Operation::Home => "home page: latest 20 public events, hosts, country, presentations",
            Operation::Profile => {
                "organisation profile: agreements + partners, standards + adoptions, centres"
            }
            Operation::Search => "agreements in effect with partners in DE, by date, page 3",
            Operation::Deep => "event with organisations, people, titles, agreements, parties",
            Operation::Writes => "10% createEvent/updateEvent among the reads above",
            Operation::FirstPage => "events, latest first: page 1 (20)",
            Operation::DeepPage => "events, latest first: the page after 24,000",
            Operation::Overview => {
                "consortium overview: members' figures, countries, top partners, adoption"
            }
            Operation::DrillDown => "partner institutions by country, first 5 partners per row",
        }
    }
}

/// Country of the search's partners.
pub const SEARCH_COUNTRY: &str = "DE";
/// Page size of the search; page 3 starts after item `2 * SEARCH_PAGE`.
pub const SEARCH_PAGE: u64 = 10;

pub const HOME: &str = r#"query Home {
  events(first: 20, orderBy: {field: START_DATE, direction: DESC}) {
    edges { node {
      id title kind startDate city
      country { code nameEn }
      organisations { role organisation { id nameEn country { code } } }
      presentations { title presenters { id familyName givenName } }
    } }
  }
}"#;

pub const PROFILE: &str = r#"query Profile($id: ID!) {
  node(id: $id) { ... on Organisation {
    id nameEn
    country { code nameEn }
    agreements(first: 10) { totalCount edges { node {
      id title kind status signedOn
      parties { role organisation { id nameEn country { code nameEn } } }
    } } }
    curriculumStandards(first: 10) { totalCount edges { node {
      id title code
      adoptions(first: 10) { totalCount edges { node { kind adoptedOn country { code nameEn } } } }
    } } }
    operatedCentres(first: 10) { totalCount edges { node {
      id name city status country { code } partner { id nameEn }
    } } }
  } }
}"#;

pub const SEARCH: &str = r#"query Search($after: String) {
  agreements(
    filter: {statuses: [IN_EFFECT], partyCountries: ["DE"]}
    orderBy: {field: SIGNED_ON, direction: DESC}
    first: 10
    after: $after
  ) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id title kind status signedOn validFrom
      parties { role organisation { id nameEn country { code } } }
    } }
  }
}"#;

pub const DEEP: &str = r#"query Deep($id: ID!) {
  node(id: $id) { ... on Event {
    id title kind status startDate endDate city
    country { code nameEn }
    organisations { role organisation { id nameEn country { code nameEn } } }
    participants { role title person { id familyName givenName } organisation { id nameEn } }
    presentations { title presenters { id familyName givenName } }
    agreementsSigned(first: 10) { totalCount edges { node {
      id title status signedOn
      parties { role organisation { id nameEn country { code } } }
      signatories { title person { id familyName givenName } }
    } } }
  } }
}"#;

/// How many events come before the deep page.
pub const DEEP_PAGE_AFTER: usize = 24_000;

pub const EVENTS: &str = r#"query Events($after: String) {
  events(first: 20, after: $after, orderBy: {field: START_DATE, direction: DESC}) {
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id title kind startDate city country { code nameEn } } }
  }
}"#;

/// The day the statistics operations count on: fixed, so that both servers (and every
/// run) count the same records.
pub const STATISTICS_AS_OF: &str = "2025-12-31";
/// How many top partners and standards the overview asks for.
pub const OVERVIEW_PARTNERS: u64 = 10;
pub const OVERVIEW_STANDARDS: u64 = 5;
/// Partners per row of the drill-down.
pub const DRILL_FIRST: u64 = 5;

pub const OVERVIEW: &str = r#"query Overview($asOf: Date) {
  consortiumOverview(asOf: $asOf, partners: 10, standards: 5) {
    asOf countriesReached
    members { organisation { id nameEn } indicators { code value } }
    topPartners { organisation { id nameEn } members agreements partnerships }
    standardAdoption { standard { id title } countries { country { code } adoptions } }
  }
}"#;

pub const DRILL_DOWN: &str = r#"query DrillDown($asOf: Date) {
  statistics(asOf: $asOf) {
    indicator(code: PARTNER_INSTITUTIONS) {
      value
      breakdown(by: COUNTRY) {
        key value
        records(first: 5) { totalCount nodes { ... on Organisation { id nameEn } } }
      }
    }
  }
}"#;

pub const CREATE: &str = r#"mutation Create($input: CreateEventInput!) {
  createEvent(input: $input) { event { id version } }
}"#;

pub const UPDATE: &str = r#"mutation Update($input: UpdateEventInput!) {
  updateEvent(input: $input) { event { id version } }
}"#;

/// A GraphQL request body.
pub fn body(query: &str, operation: &str, variables: serde_json::Value) -> serde_json::Value {
    serde_json::json!({ "query": query, "operationName": operation, "variables": variables })
}

/// A keyset cursor as both servers issue it (`service::page`): `cc2:`, a tag naming the
/// list and its order, and the row's sort keys as JSON, in base64url. `list` is the
/// table, then each sort column with `a` or `d` (`agreement/list/signed_on.d/id.d`).
pub fn cursor(list: &str, keys: &serde_json::Value) -> String {
    use base64::Engine;
    let tag = list.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("cc2:{tag:016x}:{keys}"))
}

/// The sort keys inside a cursor of `list`.
pub fn cursor_keys(list: &str, cursor: &str) -> Option<Vec<serde_json::Value>> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let expected = String::from_utf8(
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(self::cursor(list, &serde_json::json!([])))
            .ok()?,
    )
    .ok()?;
    let prefix = expected.strip_suffix("[]")?;
    serde_json::from_str(text.strip_prefix(prefix)?).ok()
}

/// The global id of a record, as both servers issue it.
pub fn global_id(kind: &str, key: i64) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{kind}:{key}"))
}

/// The numeric key inside a global id.
pub fn key_of(id: &str) -> Option<(String, i64)> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(id)
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (kind, key) = text.split_once(':')?;
    Some((kind.to_owned(), key.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        let id = global_id("Event", 42);
        assert_eq!(key_of(&id), Some(("Event".to_owned(), 42)));
        assert_eq!(key_of("not an id"), None);
    }

    #[test]
    fn operations_parse_by_name() {
        for op in Operation::ALL {
            assert_eq!(Operation::parse(op.name()), Some(op));
        }
        assert_eq!(Operation::parse("stats"), None);
        assert_eq!(Operation::parse("overview"), Some(Operation::Overview));
    }
}
