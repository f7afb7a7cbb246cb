//! Matching a spreadsheet's rows against the registry: organisations by ROR id or
//! another identifier first, then by names folded as the search folds them
//! ([`SearchKey`]) with common abbreviations spelled out; countries by ISO code, English
//! or Chinese name, or a common alias. The registry is read once per import into maps,
//! so matching costs the same few statements however many rows the file has.
use std::collections::{BTreeSet, HashMap};

use entity::{country, organisation, organisation_identifier, organisation_name, person};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::domain::SearchKey;
use crate::{Result, Scope};

/// Words offices abbreviate, folded, and what they stand for.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("univ", "university"),
    ("uni", "university"),
    ("inst", "institute"),
    ("tech", "technology"),
    ("technol", "technology"),
    ("coll", "college"),
    ("intl", "international"),
    ("int", "international"),
    ("natl", "national"),
    ("nat", "national"),
    ("dept", "department"),
    ("sci", "science"),
    ("acad", "academy"),
    ("assoc", "association"),
    ("ctr", "centre"),
    ("center", "centre"),
    ("co", "company"),
    ("corp", "corporation"),
    ("ltd", "limited"),
    ("st", "saint"),
    ("polytech", "polytechnic"),
];

/// A name folded for matching: the search's fold ([`SearchKey`]), `&` read as "and", a
/// leading "the" dropped, and known abbreviations spelled out, so "Univ. of Hong Kong"
/// and "The University of Hong Kong" meet.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NameKey(String);

impl NameKey {
    pub fn of(name: &str) -> NameKey {
        let folded = SearchKey::of(&name.replace('&', " and "));
        let mut words: Vec<&str> = folded
            .as_str()
            .split(' ')
            .filter(|w| !w.is_empty())
            .collect();
        if words.len() > 1 && words[0] == "the" {
            words.remove(0);
        }
        let spelled: Vec<&str> = words
            .into_iter()
            .map(|w| {
                ABBREVIATIONS
                    .iter()
                    .find(|(short, _)| *short == w)
                    .map_or(w, |(_, long)| *long)
            })
            .collect();
        NameKey(spelled.join(" "))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Country names offices write that are not the ISO list's own names.
const COUNTRY_ALIASES: &[(&str, &str)] = &[
    ("UK", "GB"),
    ("United Kingdom", "GB"),
    ("Great Britain", "GB"),
    ("Britain", "GB"),
    ("England", "GB"),
    ("Scotland", "GB"),
    ("Wales", "GB"),
    ("Northern Ireland", "GB"),
    ("英国", "GB"),
    ("USA", "US"),
    ("U.S.A.", "US"),
    ("United States", "US"),
    ("United States of America", "US"),
    ("America", "US"),
    ("美国", "US"),
    ("Hong Kong", "HK"),
    ("Hong Kong SAR", "HK"),
    ("HKSAR", "HK"),
    ("Hong Kong, China", "HK"),
    ("香港", "HK"),
    ("中国香港", "HK"),
    ("香港特别行政区", "HK"),
    ("Macau", "MO"),
    ("Macao", "MO"),
    ("Macao SAR", "MO"),
    ("澳门", "MO"),
    ("中国澳门", "MO"),
    ("澳門", "MO"),
    ("Taiwan", "TW"),
    ("台湾", "TW"),
    ("中国台湾", "TW"),
    ("台灣", "TW"),
    ("China", "CN"),
    ("PRC", "CN"),
    ("Mainland China", "CN"),
    ("People's Republic of China", "CN"),
    ("中国", "CN"),
    ("中国大陆", "CN"),
    ("South Korea", "KR"),
    ("Korea", "KR"),
    ("Republic of Korea", "KR"),
    ("韩国", "KR"),
    ("Russia", "RU"),
    ("俄罗斯", "RU"),
    ("Vietnam", "VN"),
    ("Viet Nam", "VN"),
    ("越南", "VN"),
    ("España", "ES"),
    ("Deutschland", "DE"),
    ("Czech Republic", "CZ"),
    ("Czechia", "CZ"),
    ("Turkey", "TR"),
    ("Türkiye", "TR"),
    ("Iran", "IR"),
    ("Laos", "LA"),
    ("Tanzania", "TZ"),
    ("Bolivia", "BO"),
    ("Venezuela", "VE"),
    ("Syria", "SY"),
    ("Moldova", "MD"),
    ("Holland", "NL"),
    ("The Netherlands", "NL"),
    ("UAE", "AE"),
    ("德国", "DE"),
    ("法国", "FR"),
    ("日本", "JP"),
];

/// Countries and regions by every way a row may name them.
pub struct Countries {
    by_key: HashMap<String, String>,
}

impl Countries {
    pub async fn load(db: &impl ConnectionTrait) -> Result<Countries> {
        let mut by_key = HashMap::new();
        let rows = country::Entity::find().all(db).await?;
        let codes: BTreeSet<String> = rows.iter().map(|c| c.code.clone()).collect();
        for (alias, code) in COUNTRY_ALIASES {
            if codes.contains(*code) {
                by_key.insert(SearchKey::of(alias).into_string(), (*code).to_owned());
            }
        }
        for c in rows {
            by_key.insert(SearchKey::of(&c.name_en).into_string(), c.code.clone());
            by_key.insert(SearchKey::of(&c.name_zh).into_string(), c.code.clone());
            by_key.insert(c.code.to_ascii_lowercase(), c.code);
        }
        Ok(Countries { by_key })
    }

    /// The ISO code `text` names, if any.
    pub fn code(&self, text: &str) -> Option<String> {
        self.by_key.get(SearchKey::of(text).as_str()).cloned()
    }
}

/// The live organisations the caller may read, indexed by ROR id, identifier and every
/// name (English, Chinese, abbreviation, further names and aliases), folded.
#[derive(Default)]
pub struct Registry {
    pub records: HashMap<i64, organisation::Model>,
    by_ror: HashMap<String, i64>,
    by_identifier: HashMap<(String, String), i64>,
    by_name: HashMap<NameKey, BTreeSet<i64>>,
    /// Ids of records this import will create (negative: the row's index, -1 based).
    pending_names: HashMap<NameKey, i64>,
}

impl Registry {
    pub async fn load(scope: &Scope, db: &impl ConnectionTrait) -> Result<Registry> {
        let mut registry = Registry::default();
        let records = scope
            .find::<organisation::Entity>()
            .filter(organisation::Column::ArchivedAt.is_null())
            .order_by_asc(organisation::Column::Id)
            .all(db)
            .await?;
        for o in records {
            registry.add(o);
        }
        let names = organisation_name::Entity::find().all(db).await?;
        for n in names {
            if registry.records.contains_key(&n.organisation_id) {
                registry.add_name(&n.value, n.organisation_id);
            }
        }
        let identifiers = organisation_identifier::Entity::find().all(db).await?;
        for x in identifiers {
            if registry.records.contains_key(&x.organisation_id) {
                registry.by_identifier.insert(
                    (x.scheme.to_uppercase(), x.value.trim().to_owned()),
                    x.organisation_id,
                );
                if x.scheme.eq_ignore_ascii_case("ROR") {
                    registry
                        .by_ror
                        .insert(x.value.trim().to_ascii_lowercase(), x.organisation_id);
                }
            }
        }
        Ok(registry)
    }

    /// Adds (or refreshes) a record in the maps.
    pub fn add(&mut self, o: organisation::Model) {
        if let Some(ror) = &o.ror_id {
            self.by_ror.insert(ror.to_ascii_lowercase(), o.id);
        }
        let mut names = vec![o.name_en.clone()];
        names.extend(o.name_zh.clone());
        names.extend(o.abbreviation.clone());
        for n in names {
            self.add_name(&n, o.id);
        }
        self.records.insert(o.id, o);
    }

    fn add_name(&mut self, name: &str, id: i64) {
        let key = NameKey::of(name);
        if !key.is_empty() {
            self.by_name.entry(key).or_default().insert(id);
        }
    }

    pub fn by_ror(&self, ror: &str) -> Option<i64> {
        self.by_ror.get(&ror.to_ascii_lowercase()).copied()
    }

    pub fn by_identifier(&self, scheme: &str, value: &str) -> Option<i64> {
        self.by_identifier
            .get(&(scheme.trim().to_uppercase(), value.trim().to_owned()))
            .copied()
    }

    /// The records with one of `names`, in `country` or of unknown country (either
    /// side), lowest id first.
    pub fn by_names(&self, names: &[&str], country: Option<&str>) -> Vec<i64> {
        let mut found = BTreeSet::new();
        for name in names {
            if let Some(ids) = self.by_name.get(&NameKey::of(name)) {
                found.extend(ids.iter().copied());
            }
        }
        found
            .into_iter()
            .filter(|id| {
                let theirs = self.records.get(id).and_then(|o| o.country_code.as_deref());
                match (country, theirs) {
                    (Some(a), Some(b)) => a == b,
                    _ => true,
                }
            })
            .collect()
    }

    /// A row earlier in this file that creates an organisation with one of `names`.
    pub fn pending(&self, names: &[&str]) -> Option<i64> {
        names
            .iter()
            .find_map(|n| self.pending_names.get(&NameKey::of(n)).copied())
    }

    /// Remembers that row `row` creates an organisation with `names`.
    pub fn will_create(&mut self, names: &[&str], row: i64) {
        for n in names {
            let key = NameKey::of(n);
            if !key.is_empty() {
                self.pending_names.entry(key).or_insert(row);
            }
        }
    }
}

/// The live people the caller may read, indexed by their full names in both orders
/// (family name first, as the sources write Chinese names, and given name first), their
/// Chinese name, and their family name alone when they have no given name.
#[derive(Default)]
pub struct People {
    pub records: HashMap<i64, person::Model>,
    by_name: HashMap<NameKey, BTreeSet<i64>>,
    /// People this import will create, by name: their index among the file's new people.
    pending: HashMap<NameKey, usize>,
}

impl People {
    /// One statement whatever the number of people.
    pub async fn load(scope: &Scope, db: &impl ConnectionTrait) -> Result<People> {
        let mut people = People::default();
        let rows = scope
            .find::<person::Entity>()
            .filter(person::Column::ArchivedAt.is_null())
            .order_by_asc(person::Column::Id)
            .all(db)
            .await?;
        for p in rows {
            let mut names = Vec::new();
            match &p.given_name {
                Some(given) => {
                    names.push(format!("{} {given}", p.family_name));
                    names.push(format!("{given} {}", p.family_name));
                }
                None => names.push(p.family_name.clone()),
            }
            names.extend(p.name_zh.clone());
            for n in names {
                let key = NameKey::of(&n);
                if !key.is_empty() {
                    people.by_name.entry(key).or_default().insert(p.id);
                }
            }
            people.records.insert(p.id, p);
        }
        Ok(people)
    }

    /// The people called `name`, lowest id first.
    pub fn by_name(&self, name: &str) -> Vec<i64> {
        self.by_name
            .get(&NameKey::of(name))
            .map(|ids| ids.iter().copied().collect())
            .unwrap_or_default()
    }

    /// The new person an earlier row of this file names `name`.
    pub fn pending(&self, name: &str) -> Option<usize> {
        self.pending.get(&NameKey::of(name)).copied()
    }

    /// Remembers that this import creates the `n`th new person, called `name`.
    pub fn will_create(&mut self, name: &str, n: usize) {
        self.pending.entry(NameKey::of(name)).or_insert(n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_meet_across_abbreviations_articles_and_width() {
        let k = NameKey::of("The University of Hong Kong");
        assert_eq!(NameKey::of("Univ. of Hong Kong"), k);
        assert_eq!(NameKey::of("ＵＮＩＶＥＲＳＩＴＹ  OF hong-kong"), k);
        assert_eq!(
            NameKey::of("Texas A&M Univ."),
            NameKey::of("Texas A and M University")
        );
        assert_eq!(
            NameKey::of("Universität Wien"),
            NameKey::of("Universitat Wien")
        );
        assert_eq!(
            NameKey::of("King's College London"),
            NameKey::of("Kings College London")
        );
        assert_ne!(NameKey::of("The"), NameKey::of(""));
    }
}
