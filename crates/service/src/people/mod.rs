//! The registry's people, with their affiliations (positions held, from and to).
mod query;
mod write;

pub use query::*;
pub use write::*;

/// The name as the sources write it: Chinese-style names (an all-capitals family name)
/// keep the family name first (`JIANG Hong`), others put the given name first
/// (`Armin Kienle`).
pub fn display_name(p: &entity::person::Model) -> String {
    match &p.given_name {
        None => p.family_name.clone(),
        Some(given) if p.family_name.chars().all(|c| !c.is_lowercase()) => {
            format!("{} {given}", p.family_name)
        }
        Some(given) => format!("{given} {}", p.family_name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(family: &str, given: Option<&str>) -> entity::person::Model {
        entity::person::Model {
            id: 1,
            family_name: family.into(),
            given_name: given.map(Into::into),
            name_zh: None,
            source_id: None,
            version: 1,
            created_at: Default::default(),
            updated_at: Default::default(),
            created_by: None,
            updated_by: None,
            archived_at: None,
            maintainer_id: None,
        }
    }

    #[test]
    fn names_keep_the_order_the_sources_use() {
        assert_eq!(display_name(&person("JIANG", Some("Hong"))), "JIANG Hong");
        assert_eq!(
            display_name(&person("Kienle", Some("Armin"))),
            "Armin Kienle"
        );
        assert_eq!(display_name(&person("LI", None)), "LI");
    }
}
