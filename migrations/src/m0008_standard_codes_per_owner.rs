//! A curriculum standard's code is unique per owner and developer, not across the
//! consortium: two members may record the same standard under the same code, and a
//! member creating one never learns from a uniqueness error that another member's
//! private record exists.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend, Statement};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0008_standard_codes_per_owner"
    }
}

const ACROSS: &str = "UNIQUE (developer_id, code)";
const PER_OWNER: &str = "UNIQUE (owner_id, developer_id, code)";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        change(manager, ACROSS, PER_OWNER).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        change(manager, PER_OWNER, ACROSS).await
    }
}

async fn change(manager: &SchemaManager<'_>, from: &str, to: &str) -> Result<(), DbErr> {
    let db = manager.get_connection();
    match db.get_database_backend() {
        DatabaseBackend::Postgres => {
            let (old, new) = if from == ACROSS {
                (
                    "curriculum_standard_developer_id_code_key",
                    "curriculum_standard_owner_code_key",
                )
            } else {
                (
                    "curriculum_standard_owner_code_key",
                    "curriculum_standard_developer_id_code_key",
                )
            };
            let columns = &to["UNIQUE ".len()..];
            db.execute_unprepared(&format!(
                "ALTER TABLE curriculum_standard DROP CONSTRAINT {old};
                 ALTER TABLE curriculum_standard ADD CONSTRAINT {new} UNIQUE {columns}"
            ))
            .await?;
        }
        _ => rebuild_sqlite(db, from, to).await?,
    }
    Ok(())
}

/// SQLite cannot drop a table's constraint, so the table is rebuilt as its manual says
/// (sqlite.org/lang_altertable.html, "other kinds of table schema changes"): foreign
/// keys off, a new table, the rows copied, the old dropped, the new renamed, its
/// indexes and triggers made again, the keys checked. One statement string, so every
/// step runs on the same pooled connection.
async fn rebuild_sqlite(
    db: &SchemaManagerConnection<'_>,
    from: &str,
    to: &str,
) -> Result<(), DbErr> {
    let rows = db
        .query_all_raw(Statement::from_string(
            DatabaseBackend::Sqlite,
            "SELECT type, sql FROM sqlite_master WHERE tbl_name = 'curriculum_standard' AND sql IS NOT NULL",
        ))
        .await?;
    let mut table = None;
    let mut others = Vec::new();
    for row in rows {
        let kind: String = row.try_get("", "type")?;
        let sql: String = row.try_get("", "sql")?;
        if kind == "table" {
            table = Some(sql);
        } else {
            others.push(sql);
        }
    }
    let table = table.ok_or_else(|| DbErr::Migration("no curriculum_standard table".into()))?;
    if !table.contains(from) {
        return Err(DbErr::Migration(format!(
            "curriculum_standard has no `{from}` to change"
        )));
    }
    // After a rename SQLite quotes the name (`CREATE TABLE "curriculum_standard"`): take
    // the columns and constraints from the first parenthesis on.
    let body = table
        .find('(')
        .map(|at| &table[at..])
        .ok_or_else(|| DbErr::Migration("curriculum_standard's schema has no columns".into()))?;
    let next = format!(
        "CREATE TABLE curriculum_standard_next {}",
        body.replacen(from, to, 1)
    );
    let script = format!(
        "PRAGMA foreign_keys = OFF;
         BEGIN;
         {next};
         INSERT INTO curriculum_standard_next SELECT * FROM curriculum_standard;
         DROP TABLE curriculum_standard;
         ALTER TABLE curriculum_standard_next RENAME TO curriculum_standard;
         {others};
         COMMIT;
         PRAGMA foreign_keys = ON;",
        others = others.join(";\n")
    );
    db.execute_unprepared(&script).await?;
    let broken = db
        .query_all_raw(Statement::from_string(
            DatabaseBackend::Sqlite,
            "PRAGMA foreign_key_check",
        ))
        .await?;
    if !broken.is_empty() {
        return Err(DbErr::Migration(format!(
            "{} rows break a foreign key after rebuilding curriculum_standard",
            broken.len()
        )));
    }
    Ok(())
}
