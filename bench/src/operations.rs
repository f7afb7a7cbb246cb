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
}

impl Operation {
    pub const ALL: [Operation; 5] = [
        Operation::Home,
        Operation::Profile,
        Operation::Search,
        Operation::Deep,
        Operation::Writes,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Operation::Home => "home",
            Operation::Profile => "profile",
            Operation::Search => "search",
            Operation::Deep => "deep",
            Operation::Writes => "writes",
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

/// The cursor of the item at `position` (0-based), as both servers issue it.
pub fn cursor(position: u64) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("cc1:{position}"))
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
    }
}
