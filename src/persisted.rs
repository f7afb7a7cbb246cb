//! Persisted documents: a request may name its document by the SHA-256 of its text
//! (`extensions.persistedQuery.sha256Hash`, version 1, as Apollo's automatic persisted
//! queries send it) instead of sending the text.
//!
//! Automatic (the default): a hash the server has not seen gets
//! `PERSISTED_QUERY_NOT_FOUND`, the client sends the text with the hash once, and the
//! text is kept in a bounded LRU cache, so later requests, `GET` ones that a CDN may
//! cache included, carry only the hash.
//!
//! Trusted documents (`--trusted-documents <file>`): only the documents listed in the
//! file run, named by hash or sent in full; anything else is `PERSISTED_QUERY_NOT_ALLOWED`.
//! The cache is not used: what runs is fixed when the server starts.
use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::path::Path;
use std::sync::Mutex;

use api::code;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Why a request's document could not be found or may not run: a code and a message.
pub(crate) type Refusal = (&'static str, String);

/// The documents a server knows by hash.
pub(crate) struct Persisted {
    mode: Mode,
}

enum Mode {
    Automatic(Mutex<lru::LruCache<String, String>>),
    Trusted(TrustedDocuments),
}

/// Documents allowed to run, by the lowercase hex SHA-256 of their text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrustedDocuments(HashMap<String, String>);

impl TrustedDocuments {
    /// Reads a manifest: a JSON object from hash to document (as GraphQL Codegen's client
    /// preset writes `persisted-documents.json`), or Apollo's persisted-query manifest
    /// (`{"format":"apollo-persisted-query-manifest","operations":[{"id","body"}]}`).
    /// Every hash must be the SHA-256 of its document: a client computes it from the
    /// text, so a listed pair that does not match could never be asked for.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let json: Value = serde_json::from_str(&text)
            .map_err(|e| format!("{} is not JSON: {e}", path.display()))?;
        Self::from_manifest(&json).map_err(|e| format!("{}: {e}", path.display()))
    }

    fn from_manifest(json: &Value) -> Result<Self, String> {
        let pairs: Vec<(&str, &str)> = match json {
            Value::Object(map) if map.get("format").is_some() => {
                if map["format"] != "apollo-persisted-query-manifest" {
                    return Err(format!("unknown manifest format {}", map["format"]));
                }
                map.get("operations")
                    .and_then(Value::as_array)
                    .ok_or("an Apollo manifest needs `operations`")?
                    .iter()
                    .map(|op| match (op["id"].as_str(), op["body"].as_str()) {
                        (Some(id), Some(body)) => Ok((id, body)),
                        _ => Err("each operation needs a string `id` and `body`".to_owned()),
                    })
                    .collect::<Result<_, _>>()?
            }
            Value::Object(map) => map
                .iter()
                .map(|(hash, doc)| match doc.as_str() {
                    Some(doc) => Ok((hash.as_str(), doc)),
                    None => Err(format!("the document of {hash} is not a string")),
                })
                .collect::<Result<_, _>>()?,
            _ => return Err("expected a JSON object".to_owned()),
        };
        let mut documents = HashMap::new();
        for (hash, document) in pairs {
            let actual = sha256(document);
            // Codegen's client preset writes `sha256:<hex>`, the persisted-documents
            // proposal's document id.
            let hash = hash.strip_prefix("sha256:").unwrap_or(hash);
            if !hash.eq_ignore_ascii_case(&actual) {
                return Err(format!(
                    "{hash} is not the SHA-256 of its document ({actual})"
                ));
            }
            documents.insert(actual, document.to_owned());
        }
        Ok(TrustedDocuments(documents))
    }

    /// How many documents are listed.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The lowercase hex SHA-256 of `text`.
pub(crate) fn sha256(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// The hash a request names, if it names one: Apollo's `extensions.persistedQuery`, or
/// the persisted-documents proposal's `documentId` (`sha256:<hex>`).
fn requested_hash(
    document_id: Option<&Value>,
    extensions: Option<&Value>,
) -> Result<Option<String>, Refusal> {
    let bad = |message: &str| Err((code::BAD_REQUEST, message.to_owned()));
    if let Some(id) = document_id {
        return match id.as_str().and_then(|id| id.strip_prefix("sha256:")) {
            Some(hash) if hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) => {
                Ok(Some(hash.to_ascii_lowercase()))
            }
            _ => bad("`documentId` must be `sha256:` and 64 hexadecimal digits"),
        };
    }
    let Some(persisted) = extensions.and_then(|e| e.get("persistedQuery")) else {
        return Ok(None);
    };
    if persisted.get("version") != Some(&Value::from(1)) {
        return bad("`extensions.persistedQuery.version` must be 1");
    }
    match persisted.get("sha256Hash").and_then(Value::as_str) {
        Some(hash) if hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Ok(Some(hash.to_ascii_lowercase()))
        }
        _ => bad("`extensions.persistedQuery.sha256Hash` must be 64 hexadecimal digits"),
    }
}

impl Persisted {
    /// Automatic persisted queries, keeping at most `entries` documents.
    pub(crate) fn automatic(entries: NonZeroUsize) -> Self {
        Persisted {
            mode: Mode::Automatic(Mutex::new(lru::LruCache::new(entries))),
        }
    }

    /// Only `documents` run.
    pub(crate) fn trusted(documents: TrustedDocuments) -> Self {
        Persisted {
            mode: Mode::Trusted(documents),
        }
    }

    /// The document a request runs: its `query`, or the one its hash names. `Ok(None)`
    /// when it has neither (the caller says a query is needed).
    pub(crate) fn document(
        &self,
        query: Option<&str>,
        document_id: Option<&Value>,
        extensions: Option<&Value>,
    ) -> Result<Option<String>, Refusal> {
        let hash = requested_hash(document_id, extensions)?;
        if let (Some(hash), Some(query)) = (&hash, query)
            && sha256(query) != *hash
        {
            return Err((
                code::BAD_USER_INPUT,
                "`extensions.persistedQuery.sha256Hash` is not the SHA-256 of `query`".to_owned(),
            ));
        }
        match &self.mode {
            Mode::Automatic(cache) => match (hash, query) {
                (None, query) => Ok(query.map(str::to_owned)),
                (Some(hash), Some(query)) => {
                    cache
                        .lock()
                        .expect("persisted queries lock")
                        .put(hash, query.to_owned());
                    Ok(Some(query.to_owned()))
                }
                (Some(hash), None) => {
                    match cache.lock().expect("persisted queries lock").get(&hash) {
                        Some(document) => Ok(Some(document.clone())),
                        // The message is what Apollo's link matches on (besides the code).
                        None => Err((
                            code::PERSISTED_QUERY_NOT_FOUND,
                            "PersistedQueryNotFound".to_owned(),
                        )),
                    }
                }
            },
            Mode::Trusted(documents) => {
                let hash = match (hash, query) {
                    (Some(hash), _) => hash,
                    (None, Some(query)) => sha256(query),
                    (None, None) => return Ok(None),
                };
                match documents.0.get(&hash) {
                    Some(document) => Ok(Some(document.clone())),
                    None => Err((
                        code::PERSISTED_QUERY_NOT_ALLOWED,
                        "only trusted documents run on this server, and this one is not listed"
                            .to_owned(),
                    )),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ext(hash: &str) -> Value {
        json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
    }

    #[test]
    fn the_hash_is_sha256_in_lowercase_hex() {
        // What every APQ client computes for this text (`printf '{ a }' | sha256sum`).
        assert_eq!(
            sha256("{ a }"),
            "1c7e1e347f726166b5b1c55afd61f278cc9b45e00c108ec33d540a566379811b"
        );
    }

    #[test]
    fn the_cache_keeps_at_most_its_entries() {
        let persisted = Persisted::automatic(NonZeroUsize::new(2).unwrap());
        let queries = ["{ a }", "{ b }", "{ c }"];
        for q in queries {
            let e = ext(&sha256(q));
            assert_eq!(
                persisted.document(Some(q), None, Some(&e)),
                Ok(Some(q.to_owned()))
            );
        }
        // The oldest went; the two newest are known by hash alone.
        let first = ext(&sha256("{ a }"));
        assert_eq!(
            persisted.document(None, None, Some(&first)).unwrap_err().0,
            code::PERSISTED_QUERY_NOT_FOUND
        );
        for q in &queries[1..] {
            let e = ext(&sha256(q));
            assert_eq!(
                persisted.document(None, None, Some(&e)),
                Ok(Some((*q).to_owned()))
            );
        }
    }

    #[test]
    fn manifests_of_both_shapes_load_and_are_checked() {
        let doc = "query A { a }";
        let hash = sha256(doc);
        let codegen =
            TrustedDocuments::from_manifest(&json!({ format!("sha256:{hash}"): doc })).unwrap();
        let apollo = TrustedDocuments::from_manifest(&json!({
            "format": "apollo-persisted-query-manifest",
            "version": 1,
            "operations": [{ "id": hash, "body": doc, "name": "A", "type": "query" }],
        }))
        .unwrap();
        assert_eq!(codegen, apollo);
        assert_eq!(codegen.len(), 1);
        let wrong = TrustedDocuments::from_manifest(&json!({ sha256("{ b }"): doc }));
        assert!(wrong.unwrap_err().contains("not the SHA-256"));
        assert!(TrustedDocuments::from_manifest(&json!([doc])).is_err());
    }
}
