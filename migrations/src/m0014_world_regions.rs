//! World regions (UN M49: the five regions and their sub-regions, with the intermediate
//! regions of Sub-Saharan Africa and Latin America), in English and Chinese, and each
//! country's place in them, for statistics broken down by region. Hong Kong, Macao and
//! Taiwan are in Eastern Asia like the mainland: a world region says where a place is,
//! while `country.is_region` keeps saying how the reports count it (a region, not a
//! country). Antarctica is in no region. Loaded from the TSV files beside this module.
use std::collections::HashMap;

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0014_world_regions"
    }
}

/// Rows of a tab-separated file, header skipped.
fn rows(tsv: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    tsv.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split('\t').map(str::trim).collect())
}

/// (code, English name, Chinese name, parent code or "").
fn regions() -> Vec<Vec<&'static str>> {
    rows(include_str!("world_regions.tsv")).collect()
}

/// (country code, its sub-region: the finest level M49 gives it).
fn placements() -> Vec<Vec<&'static str>> {
    rows(include_str!("country_regions.tsv")).collect()
}

/// The top-level region (continent) a region belongs to.
fn top<'a>(parents: &HashMap<&'a str, &'a str>, mut code: &'a str) -> &'a str {
    while let Some(parent) = parents.get(code).filter(|p| !p.is_empty()) {
        code = parent;
    }
    code
}

const DDL: &str = "
CREATE TABLE world_region (
    code         TEXT PRIMARY KEY,
    name_en      TEXT NOT NULL,
    name_zh      TEXT NOT NULL,
    parent_code  TEXT REFERENCES world_region (code)
);
ALTER TABLE country ADD COLUMN region_code TEXT REFERENCES world_region (code);
ALTER TABLE country ADD COLUMN subregion_code TEXT REFERENCES world_region (code)
";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for statement in crate::m0001_schema::statements(DDL) {
            db.execute_unprepared(&statement).await?;
        }
        // Shallower regions first (Africa, then Sub-Saharan Africa, then Eastern
        // Africa), so each insert's parents exist.
        let all = regions();
        let parents: HashMap<&str, &str> = all.iter().map(|r| (r[0], r[3])).collect();
        let depth = |mut code: &str| {
            let mut depth = 0;
            while let Some(parent) = parents.get(code).filter(|p| !p.is_empty()) {
                code = parent;
                depth += 1;
            }
            depth
        };
        for level in 0..3 {
            let mut insert = Query::insert();
            insert.into_table("world_region").columns([
                "code",
                "name_en",
                "name_zh",
                "parent_code",
            ]);
            let mut any = false;
            for r in all.iter().filter(|r| depth(r[0]) == level) {
                let parent = Some(r[3]).filter(|p| !p.is_empty());
                insert.values_panic([r[0].into(), r[1].into(), r[2].into(), parent.into()]);
                any = true;
            }
            if any {
                db.execute(&insert).await?;
            }
        }
        // One statement: each country's continent and sub-region by its code.
        let (mut region, mut subregion) = (CaseStatement::new(), CaseStatement::new());
        for r in placements() {
            region = region.case(Expr::col("code").eq(r[0]), top(&parents, r[1]));
            subregion = subregion.case(Expr::col("code").eq(r[0]), r[1]);
        }
        let update = Query::update()
            .table("country")
            .value("region_code", region)
            .value("subregion_code", subregion)
            .to_owned();
        db.execute(&update).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("ALTER TABLE country DROP COLUMN subregion_code")
            .await?;
        db.execute_unprepared("ALTER TABLE country DROP COLUMN region_code")
            .await?;
        db.execute_unprepared("DROP TABLE world_region").await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_country_but_antarctica_is_placed_once_in_a_known_region() {
        let countries: Vec<&str> = include_str!("countries.tsv")
            .lines()
            .skip(1)
            .filter_map(|l| l.split('\t').next())
            .collect();
        let all = regions();
        let parents: HashMap<&str, &str> = all.iter().map(|r| (r[0], r[3])).collect();
        let placed = placements();
        assert_eq!(placed.len(), countries.len() - 1);
        let mut seen = std::collections::HashSet::new();
        for p in &placed {
            assert!(countries.contains(&p[0]), "{}", p[0]);
            assert!(seen.insert(p[0]), "{} twice", p[0]);
            assert!(parents.contains_key(p[1]), "{}: {}", p[0], p[1]);
            // Placed in a sub-region, never directly in a continent.
            assert!(!parents[p[1]].is_empty(), "{}", p[0]);
        }
        assert!(!seen.contains("AQ"));
        let region = |c: &str| top(&parents, placed.iter().find(|p| p[0] == c).unwrap()[1]);
        for (country, continent) in [
            ("CN", "142"),
            ("HK", "142"),
            ("MO", "142"),
            ("TW", "142"),
            ("DE", "150"),
            ("BG", "150"),
            ("KE", "002"),
            ("BR", "019"),
            ("US", "019"),
            ("AU", "009"),
        ] {
            assert_eq!(region(country), continent, "{country}");
        }
        // Every region has both names, and a parent that exists.
        for r in &all {
            assert!(!r[1].is_empty() && !r[2].is_empty());
            assert!(r[3].is_empty() || parents.contains_key(r[3]));
        }
    }
}
