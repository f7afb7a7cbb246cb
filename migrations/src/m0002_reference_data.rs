//! Reference data every deployment needs: ISO 3166-1 countries and regions (English and
//! Chinese names) and the ISCED-F 2013 fields of education. Loaded from the TSV files
//! beside this module so the lists can be reviewed as data.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0002_reference_data"
    }
}

/// Rows of a tab-separated file, header skipped.
fn rows(tsv: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    tsv.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split('\t').collect())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();

        let mut countries = Query::insert();
        countries
            .into_table("country")
            .columns(["code", "name_en", "name_zh", "is_region"]);
        for r in rows(include_str!("countries.tsv")) {
            countries.values_panic([
                r[0].into(),
                r[1].into(),
                r[2].into(),
                (r[3].trim() == "1").into(),
            ]);
        }
        db.execute(&countries).await?;

        // Parents come before children in the file, and each level is inserted in order,
        // so the self-reference is always satisfied.
        for len in 2..=4 {
            let mut fields = Query::insert();
            fields
                .into_table("isced_field")
                .columns(["code", "name_en", "parent_code"]);
            let mut any = false;
            for r in rows(include_str!("isced_fields.tsv")).filter(|r| r[0].len() == len) {
                let parent = r.get(2).map(|p| p.trim()).filter(|p| !p.is_empty());
                fields.values_panic([r[0].into(), r[1].into(), parent.into()]);
                any = true;
            }
            if any {
                db.execute(&fields).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DELETE FROM isced_field").await?;
        db.execute_unprepared("DELETE FROM country").await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_cover_iso_3166_with_regions_marked() {
        let all: Vec<_> = rows(include_str!("countries.tsv")).collect();
        assert_eq!(all.len(), 249);
        assert!(all.iter().all(|r| r.len() == 4 && r[0].len() == 2));
        for code in ["HK", "MO", "TW"] {
            let row = all.iter().find(|r| r[0] == code).expect(code);
            assert_eq!(row[3], "1", "{code} is counted as a region");
        }
    }

    #[test]
    fn isced_fields_nest_under_their_parents() {
        let all: Vec<_> = rows(include_str!("isced_fields.tsv")).collect();
        assert!(all.iter().any(|r| r[0] == "0912"));
        for r in &all {
            if let Some(parent) = r.get(2).map(|p| p.trim()).filter(|p| !p.is_empty()) {
                assert!(r[0].starts_with(parent), "{} under {parent}", r[0]);
                assert!(all.iter().any(|p| p[0] == parent));
            }
        }
    }
}
