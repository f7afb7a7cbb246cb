//! Finding registry records by what users type. Every organisation's and person's names
//! are folded ([`SearchKey`]) into `search_key`, whole and from each later word onward;
//! a search folds its text the same way and reads the matches from one range of the
//! table's index, ranked: a whole name equal to the text (0), a name starting with it
//! (1), a later word starting with it (2), or, read from the table alone without the
//! index order, a name containing it (3). The writes that change names re-index their
//! records ([`index`]); after migrating, an empty table is filled ([`fill_if_empty`]).
use std::collections::{BTreeSet, HashMap};

use entity::{organisation, organisation_name, person, registry_merge, search_key};
use sea_orm::sea_query::{
    Alias, Expr, ExprTrait, Func, LikeExpr, Query, SelectStatement, UnionType,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryTrait, Select,
};

use crate::Result;
use crate::domain::SearchKey;
use crate::page::RANK;

/// The registry tables that search covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Registry {
    Organisation,
    Person,
}

impl Registry {
    fn tag(self) -> &'static str {
        match self {
            Registry::Organisation => "organisation",
            Registry::Person => "person",
        }
    }
}

/// The name of the matches' subquery in a search's statement.
const HIT: &str = "search_hit";
/// Rows per insert: 4 values each, well under SQLite's limit of bound values (an import
/// indexes thousands of new records at once).
const ROWS_PER_INSERT: usize = 1_000;
/// Records re-indexed per round when the whole table is filled.
const RECORDS_PER_ROUND: usize = 500;

/// The terms of one record's names: each whole (part 0), then from each later word on
/// (part 1).
fn terms<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> BTreeSet<(String, i32)> {
    let mut out = BTreeSet::new();
    for name in names {
        let key = SearchKey::of(name.as_ref());
        if key.is_empty() {
            continue;
        }
        for suffix in key.word_suffixes() {
            out.insert((suffix.to_owned(), 1));
        }
        out.insert((key.into_string(), 0));
    }
    out
}

/// The names each of `ids` is searched by.
async fn names_of(
    db: &impl ConnectionTrait,
    registry: Registry,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<String>>> {
    let mut names: HashMap<i64, Vec<String>> = HashMap::new();
    match registry {
        Registry::Organisation => {
            let rows = organisation::Entity::find()
                .filter(organisation::Column::Id.is_in(ids.iter().copied()))
                .all(db)
                .await?;
            for o in rows {
                let entry = names.entry(o.id).or_default();
                entry.push(o.name_en);
                entry.extend(o.name_zh);
                entry.extend(o.abbreviation);
            }
            let further = organisation_name::Entity::find()
                .filter(organisation_name::Column::OrganisationId.is_in(ids.iter().copied()))
                .all(db)
                .await?;
            for n in further {
                names.entry(n.organisation_id).or_default().push(n.value);
            }
        }
        Registry::Person => {
            let rows = person::Entity::find()
                .filter(person::Column::Id.is_in(ids.iter().copied()))
                .all(db)
                .await?;
            for p in rows {
                let entry = names.entry(p.id).or_default();
                // Both orders of a full name: sources write Chinese names family first.
                if let Some(given) = &p.given_name {
                    entry.push(format!("{} {given}", p.family_name));
                    entry.push(format!("{given} {}", p.family_name));
                    entry.push(given.clone());
                }
                entry.push(p.family_name);
                entry.extend(p.name_zh);
            }
            // People have no table of further names: a survivor of a merge is found by
            // the names of the duplicates merged into it.
            let merges = registry_merge::Entity::find()
                .filter(registry_merge::Column::Kind.eq("person"))
                .filter(registry_merge::Column::SurvivorId.is_in(ids.iter().copied()))
                .all(db)
                .await?;
            let survivor_of: HashMap<i64, i64> = merges
                .iter()
                .map(|m| (m.duplicate_id, m.survivor_id))
                .collect();
            let merged = person::Entity::find()
                .filter(person::Column::Id.is_in(survivor_of.keys().copied()))
                .all(db)
                .await?;
            for p in merged {
                let Some(survivor) = survivor_of.get(&p.id) else {
                    continue;
                };
                let entry = names.entry(*survivor).or_default();
                if let Some(given) = &p.given_name {
                    entry.push(format!("{} {given}", p.family_name));
                    entry.push(format!("{given} {}", p.family_name));
                }
                entry.push(p.family_name);
                entry.extend(p.name_zh);
            }
        }
    }
    Ok(names)
}

/// Re-indexes the records `ids` from their names as they are in `db` (inside the
/// writing transaction, so the index never disagrees with a committed name).
pub(crate) async fn index(
    db: &impl ConnectionTrait,
    registry: Registry,
    ids: &[i64],
) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let delete = Query::delete()
        .from_table(search_key::Entity)
        .and_where(search_key::Column::Kind.eq(registry.tag()))
        .and_where(search_key::Column::RecordId.is_in(ids.iter().copied()))
        .to_owned();
    db.execute(&delete).await?;
    index_new(db, registry, ids).await
}

/// Indexes records created in `db`'s transaction, which have no terms yet: `index`
/// without its delete. (On PostgreSQL an import's delete scanned the table it had grown
/// in the same transaction, whose statistics still said empty: each round slower.)
pub(crate) async fn index_new(
    db: &impl ConnectionTrait,
    registry: Registry,
    ids: &[i64],
) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let names = names_of(db, registry, ids).await?;
    let rows: Vec<(i64, String, i32)> = names
        .into_iter()
        .flat_map(|(id, names)| terms(names).into_iter().map(move |(t, p)| (id, t, p)))
        .collect();
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut insert = Query::insert();
        insert.into_table(search_key::Entity).columns([
            search_key::Column::Kind,
            search_key::Column::RecordId,
            search_key::Column::Term,
            search_key::Column::Part,
        ]);
        for (id, term, part) in chunk {
            insert.values_panic([
                registry.tag().into(),
                (*id).into(),
                term.clone().into(),
                (*part).into(),
            ]);
        }
        db.execute(&insert).await?;
    }
    Ok(())
}

/// Re-indexes every organisation and person (the demo, the generator, a first start
/// after the migration).
pub async fn index_all(db: &impl ConnectionTrait) -> Result<()> {
    for (registry, table) in [
        (Registry::Organisation, "organisation"),
        (Registry::Person, "person"),
    ] {
        let ids = Query::select().column("id").from(table).to_owned();
        let ids: Vec<i64> = db
            .query_all(&ids)
            .await?
            .into_iter()
            .map(|r| r.try_get::<i64>("", "id"))
            .collect::<std::result::Result<_, _>>()?;
        for round in ids.chunks(RECORDS_PER_ROUND) {
            index(db, registry, round).await?;
        }
    }
    Ok(())
}

/// Fills the search table when it is empty and the registry is not: once, after the
/// migration that made it, for a database that already held records.
pub async fn fill_if_empty(db: &sea_orm::DatabaseConnection) -> Result<()> {
    let any = |table: &str| {
        Query::select()
            .expr(Expr::val(1))
            .from(Alias::new(table))
            .limit(1)
            .to_owned()
    };
    if db.query_one(&any("search_key")).await?.is_some()
        || (db.query_one(&any("organisation")).await?.is_none()
            && db.query_one(&any("person")).await?.is_none())
    {
        return Ok(());
    }
    let txn = crate::write::begin_write(db).await?;
    index_all(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// The records whose names match `text`, each with its best rank (see the module), or
/// `None` when the text folds to nothing to search by.
fn matches(registry: Registry, text: &str) -> Option<SelectStatement> {
    let key = SearchKey::of(text);
    if key.is_empty() {
        return None;
    }
    let q = key.as_str();
    use search_key::Column as C;
    let whole = || Expr::col(C::Part).eq(0);
    let rank = Expr::case(
        Condition::all().add(whole()).add(Expr::col(C::Term).eq(q)),
        0,
    )
    .case(whole(), 1)
    .finally(2);
    // Every term that starts with the text lies in this range (no character sorts after
    // U+10FFFF); both databases compare the column byte by byte.
    let prefixed = Query::select()
        .column(C::RecordId)
        .expr_as(rank, RANK)
        .from(search_key::Entity)
        .and_where(Expr::col(C::Kind).eq(registry.tag()))
        .and_where(Expr::col(C::Term).gte(q))
        .and_where(Expr::col(C::Term).lt(format!("{q}\u{10FFFF}")))
        .to_owned();
    let escaped = q
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    let contained = Query::select()
        .column(C::RecordId)
        .expr_as(Expr::val(3), RANK)
        .from(search_key::Entity)
        .and_where(Expr::col(C::Kind).eq(registry.tag()))
        .and_where(whole())
        .and_where(Expr::col(C::Term).like(LikeExpr::new(format!("%{escaped}%")).escape('\\')))
        .to_owned();
    let mut all = prefixed;
    all.union(UnionType::All, contained);
    Some(
        Query::select()
            .column(C::RecordId)
            .expr_as(Func::min(Expr::col(RANK)), RANK)
            .from_subquery(all, "matched")
            .group_by_col(C::RecordId)
            .to_owned(),
    )
}

/// `select` narrowed to the records matching `text`, each row with its rank in the
/// column `RANK` (for [`crate::query::RootList::ranked`]); `None` when the text has
/// nothing to search by.
pub(crate) fn matching<E: EntityTrait>(
    registry: Registry,
    mut select: Select<E>,
    id: E::Column,
    text: &str,
) -> Option<Select<E>> {
    let hits = matches(registry, text)?;
    let query = QueryTrait::query(&mut select);
    query.join_subquery(
        JoinType::InnerJoin,
        hits,
        HIT,
        Expr::col((HIT, search_key::Column::RecordId)).equals((E::default(), id)),
    );
    query.expr_as(Expr::col((HIT, RANK)), RANK);
    Some(select)
}

/// The records of `registry` that have one of `names` (folded) as a whole name: the
/// candidates for a duplicate of a record with those names.
pub(crate) fn named(registry: Registry, names: &[&str]) -> SelectStatement {
    let keys: BTreeSet<String> = names
        .iter()
        .map(|n| SearchKey::of(n).into_string())
        .filter(|k| !k.is_empty())
        .collect();
    Query::select()
        .distinct()
        .column(search_key::Column::RecordId)
        .from(search_key::Entity)
        .and_where(search_key::Column::Kind.eq(registry.tag()))
        .and_where(search_key::Column::Part.eq(0))
        .and_where(search_key::Column::Term.is_in(keys))
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_name_is_indexed_whole_and_from_each_later_word() {
        let t = terms(["Universidade de São Paulo", "USP", "!!!"]);
        let expect: BTreeSet<(String, i32)> = [
            ("universidade de sao paulo", 0),
            ("usp", 0),
            ("de sao paulo", 1),
            ("sao paulo", 1),
            ("paulo", 1),
        ]
        .into_iter()
        .map(|(t, p)| (t.to_owned(), p))
        .collect();
        assert_eq!(t, expect);
    }
}
