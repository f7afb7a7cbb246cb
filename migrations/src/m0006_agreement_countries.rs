//! The countries and regions of each agreement's parties, kept beside the agreement's
//! owner, visibility, status and archive mark. The search by partner country reads the
//! agreements that match from one index range of this table; it used to read every
//! party of every organisation in the country and then every such agreement (1,681 of
//! them at bench scale 10, to find 302). Triggers keep it, so every write path does,
//! whoever wrote it: mutations, merges, the demo and the generator.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0006_agreement_countries"
    }
}

/// `TEXT` rather than the registry's `CHAR(2)`, so that PostgreSQL compares the bound
/// text value with the index as it is.
const TABLE: &str = "
CREATE TABLE agreement_country (
    agreement_id BIGINT NOT NULL REFERENCES agreement (id) ON DELETE CASCADE,
    country_code TEXT NOT NULL,
    owner_id     BIGINT NOT NULL,
    visibility   TEXT NOT NULL,
    status       TEXT NOT NULL,
    archived_at  {ts},
    PRIMARY KEY (agreement_id, country_code)
)";

/// Covering: a search's country, status and read rule are answered from the index.
const INDEX: &str = "
CREATE INDEX agreement_country_search_idx ON agreement_country
    (country_code, status, visibility, archived_at, owner_id, agreement_id)";

/// The rows of the agreements `{ids}` selects, computed from their parties.
const FILL: &str = "
INSERT INTO agreement_country (agreement_id, country_code, owner_id, visibility, status, archived_at)
SELECT DISTINCT a.id, o.country_code, a.owner_id, a.visibility, a.status, a.archived_at
FROM agreement a
JOIN agreement_party p ON p.agreement_id = a.id
JOIN organisation o ON o.id = p.organisation_id
WHERE o.country_code IS NOT NULL AND a.id IN ({ids})";

/// Recomputes the rows of the agreements `{ids}` selects.
fn refresh(ids: &str) -> String {
    format!(
        "DELETE FROM agreement_country WHERE agreement_id IN ({ids}); {}",
        FILL.replace("{ids}", ids)
    )
}

/// The agreement's own columns are copied on every change to them.
const COPY: &str = "
UPDATE agreement_country
SET owner_id = NEW.owner_id, visibility = NEW.visibility, status = NEW.status,
    archived_at = NEW.archived_at
WHERE agreement_id = NEW.id";

/// SQLite has row triggers only, with the statements in the body.
fn sqlite() -> Vec<String> {
    vec![
        format!(
            "CREATE TRIGGER agreement_country_agreement
             AFTER UPDATE OF owner_id, visibility, status, archived_at ON agreement
             BEGIN {COPY}; END"
        ),
        format!(
            "CREATE TRIGGER agreement_country_party_insert AFTER INSERT ON agreement_party
             BEGIN {}; END",
            refresh("NEW.agreement_id")
        ),
        format!(
            "CREATE TRIGGER agreement_country_party_delete AFTER DELETE ON agreement_party
             BEGIN {}; END",
            refresh("OLD.agreement_id")
        ),
        format!(
            "CREATE TRIGGER agreement_country_party_update
             AFTER UPDATE OF agreement_id, organisation_id ON agreement_party
             BEGIN {}; END",
            refresh("OLD.agreement_id, NEW.agreement_id")
        ),
        format!(
            "CREATE TRIGGER agreement_country_organisation
             AFTER UPDATE OF country_code ON organisation
             BEGIN {}; END",
            refresh("SELECT agreement_id FROM agreement_party WHERE organisation_id = NEW.id")
        ),
    ]
}

/// PostgreSQL: parties are inserted many to a statement (the generator, `set*`), so
/// their triggers run once per statement over the changed rows.
fn postgres() -> Vec<String> {
    let function = |name: &str, body: String| {
        format!(
            "CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $body$
             BEGIN {body}; RETURN NULL; END
             $body$"
        )
    };
    vec![
        function("agreement_country_agreement", COPY.to_owned()),
        function(
            "agreement_country_parties",
            format!(
                "IF TG_OP = 'UPDATE' THEN {}; ELSE {}; END IF",
                refresh("SELECT agreement_id FROM changed UNION SELECT agreement_id FROM previous"),
                refresh("SELECT agreement_id FROM changed")
            ),
        ),
        function(
            "agreement_country_organisation",
            refresh("SELECT agreement_id FROM agreement_party WHERE organisation_id = NEW.id"),
        ),
        "CREATE TRIGGER agreement_country_agreement
         AFTER UPDATE OF owner_id, visibility, status, archived_at ON agreement
         FOR EACH ROW EXECUTE FUNCTION agreement_country_agreement()"
            .to_owned(),
        "CREATE TRIGGER agreement_country_party_insert AFTER INSERT ON agreement_party
         REFERENCING NEW TABLE AS changed
         FOR EACH STATEMENT EXECUTE FUNCTION agreement_country_parties()"
            .to_owned(),
        "CREATE TRIGGER agreement_country_party_delete AFTER DELETE ON agreement_party
         REFERENCING OLD TABLE AS changed
         FOR EACH STATEMENT EXECUTE FUNCTION agreement_country_parties()"
            .to_owned(),
        // A transition table cannot go with a column list, so every update comes here;
        // the parties' other columns (role, position) change rarely.
        "CREATE TRIGGER agreement_country_party_update AFTER UPDATE ON agreement_party
         REFERENCING OLD TABLE AS previous NEW TABLE AS changed
         FOR EACH STATEMENT EXECUTE FUNCTION agreement_country_parties()"
            .to_owned(),
        "CREATE TRIGGER agreement_country_organisation
         AFTER UPDATE OF country_code ON organisation
         FOR EACH ROW WHEN (OLD.country_code IS DISTINCT FROM NEW.country_code)
         EXECUTE FUNCTION agreement_country_organisation()"
            .to_owned(),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        db.execute_unprepared(&crate::m0001_schema::fill(TABLE, backend))
            .await?;
        db.execute_unprepared(INDEX).await?;
        db.execute_unprepared(&FILL.replace("{ids}", "SELECT id FROM agreement"))
            .await?;
        let triggers = match backend {
            DatabaseBackend::Postgres => postgres(),
            _ => sqlite(),
        };
        for statement in triggers {
            db.execute_unprepared(&statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let postgres = manager.get_database_backend() == DatabaseBackend::Postgres;
        for (trigger, table) in [
            ("agreement_country_agreement", "agreement"),
            ("agreement_country_party_insert", "agreement_party"),
            ("agreement_country_party_delete", "agreement_party"),
            ("agreement_country_party_update", "agreement_party"),
            ("agreement_country_organisation", "organisation"),
        ] {
            let on = if postgres {
                format!(" ON {table}")
            } else {
                String::new()
            };
            db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {trigger}{on}"))
                .await?;
        }
        if postgres {
            for function in [
                "agreement_country_agreement",
                "agreement_country_parties",
                "agreement_country_organisation",
            ] {
                db.execute_unprepared(&format!("DROP FUNCTION IF EXISTS {function}()"))
                    .await?;
            }
        }
        db.execute_unprepared("DROP TABLE IF EXISTS agreement_country")
            .await?;
        Ok(())
    }
}
