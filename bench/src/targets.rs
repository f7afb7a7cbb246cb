//! The records the reference operations ask about, and comparing two servers' answers.
use serde_json::{Value, json};

use crate::operations::{self as ops, Operation, body};

/// Records each operation asks about, found once over Concord's API.
pub struct Targets {
    /// Member universities, for profiles.
    pub members: Vec<String>,
    /// Public events at which public agreements were signed, for deep reads.
    pub events: Vec<String>,
    /// The cursor that opens page 3 of the search (null if there is no page 2).
    pub page3: Value,
    /// The cursor after the first `DEEP_PAGE_AFTER` events, latest first.
    pub deep_page: Value,
    pub token: String,
}

/// Posts a GraphQL request; anything but a clean answer with data is an error.
pub async fn post(
    client: &reqwest::Client,
    url: &str,
    body: &Value,
    token: Option<&str>,
) -> Result<Value, String> {
    let mut request = client.post(url).json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let value: Value = response.json().await.map_err(|e| e.to_string())?;
    if !status.is_success() || value.get("errors").is_some() || value["data"].is_null() {
        return Err(format!("{status}: {value}"));
    }
    Ok(value)
}

impl Targets {
    /// Finds them over `url` (Concord's GraphQL endpoint).
    pub async fn find(
        client: &reqwest::Client,
        url: &str,
        token: String,
    ) -> Result<Targets, String> {
        let members = post(
            client,
            url,
            &json!({ "query": "{ organisations(filter: {countries: [\"CN\"], topLevel: true}, first: 20) { edges { node { id } } } }" }),
            None,
        )
        .await?;
        let members: Vec<String> = members["data"]["organisations"]["edges"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["node"]["id"].as_str().map(str::to_owned))
            .collect();
        let signed = post(
            client,
            url,
            &json!({ "query": "{ agreements(first: 100, orderBy: {field: SIGNED_ON, direction: DESC}) { edges { node { signedAt { id } } } } }" }),
            None,
        )
        .await?;
        let mut events: Vec<String> = signed["data"]["agreements"]["edges"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["node"]["signedAt"]["id"].as_str().map(str::to_owned))
            .collect();
        events.dedup();
        if members.is_empty() || events.is_empty() {
            return Err("the generated data has no members or no events with agreements".into());
        }
        // Cursors are the server's to make: follow them as a client does.
        let mut page3 = Value::Null;
        for _ in 0..2 {
            let page = post(
                client,
                url,
                &body(ops::SEARCH, "Search", json!({ "after": page3 })),
                None,
            )
            .await?;
            page3 = page["data"]["agreements"]["pageInfo"]["endCursor"].clone();
        }
        let mut deep_page = Value::Null;
        let walk = "query($after: String) { events(first: 100, after: $after, orderBy: {field: START_DATE, direction: DESC}) { pageInfo { hasNextPage endCursor } } }";
        for _ in 0..ops::DEEP_PAGE_AFTER / 100 {
            let page = post(
                client,
                url,
                &json!({ "query": walk, "variables": { "after": deep_page } }),
                None,
            )
            .await?;
            let info = &page["data"]["events"]["pageInfo"];
            // Short of the depth at a small scale: the last page that has one after it.
            if info["hasNextPage"] != true {
                eprintln!(
                    "note: fewer than {} events at this scale",
                    ops::DEEP_PAGE_AFTER
                );
                break;
            }
            deep_page = info["endCursor"].clone();
        }
        let targets = Targets {
            members,
            events,
            page3,
            deep_page,
            token,
        };
        let (search, _) = targets.read(Operation::Search, 0);
        let page = post(client, url, &search, None).await?;
        if page["data"]["agreements"]["edges"]
            .as_array()
            .is_none_or(|e| e.is_empty())
        {
            eprintln!("note: page 3 of the search is empty at this scale");
        }
        Ok(targets)
    }

    /// The `i`th request of a read operation, and whether the answer must hold a node.
    pub fn read(&self, op: Operation, i: usize) -> (Value, bool) {
        match op {
            Operation::Home => (body(ops::HOME, "Home", json!({})), false),
            Operation::Profile => (
                body(
                    ops::PROFILE,
                    "Profile",
                    json!({ "id": self.members[i % self.members.len()] }),
                ),
                true,
            ),
            Operation::Search => (
                body(ops::SEARCH, "Search", json!({ "after": self.page3 })),
                false,
            ),
            Operation::FirstPage => (body(ops::EVENTS, "Events", json!({ "after": null })), false),
            Operation::DeepPage => (
                body(ops::EVENTS, "Events", json!({ "after": self.deep_page })),
                false,
            ),
            Operation::Overview => (
                body(
                    ops::OVERVIEW,
                    "Overview",
                    json!({ "asOf": ops::STATISTICS_AS_OF }),
                ),
                false,
            ),
            Operation::DrillDown => (
                body(
                    ops::DRILL_DOWN,
                    "DrillDown",
                    json!({ "asOf": ops::STATISTICS_AS_OF }),
                ),
                false,
            ),
            Operation::Deep | Operation::Writes => (
                body(
                    ops::DEEP,
                    "Deep",
                    json!({ "id": self.events[i % self.events.len()] }),
                ),
                true,
            ),
        }
    }
}

/// The value at a JSON pointer, or null.
pub fn pointer<'a>(value: &'a Value, path: &str) -> &'a Value {
    value.pointer(path).unwrap_or(&Value::Null)
}

/// The first JSON pointer at which `a` and `b` differ.
pub fn difference(a: &Value, b: &Value, at: String) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for key in x.keys().chain(y.keys()) {
                let (p, q) = (
                    x.get(key).unwrap_or(&Value::Null),
                    y.get(key).unwrap_or(&Value::Null),
                );
                if let Some(d) = difference(p, q, format!("{at}/{key}")) {
                    return Some(d);
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return Some(at);
            }
            x.iter()
                .zip(y)
                .enumerate()
                .find_map(|(i, (p, q))| difference(p, q, format!("{at}/{i}")))
        }
        _ => (a != b).then_some(at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_name_the_first_path() {
        let a = json!({ "x": [1, { "y": 2 }] });
        assert_eq!(difference(&a, &a, String::new()), None);
        let b = json!({ "x": [1, { "y": 3 }] });
        assert_eq!(difference(&a, &b, String::new()), Some("/x/1/y".into()));
        let c = json!({ "x": [1] });
        assert_eq!(difference(&a, &c, String::new()), Some("/x".into()));
    }
}
