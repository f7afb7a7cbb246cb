//! Indexes that hand a parent's children over in their order: (parent, position), with
//! the row id last. Each batch load reads the children of many parents ordered by parent,
//! position and id; with only a parent index SQLite sorted every batch in a temporary
//! b-tree. Where an older index on the parent alone is covered by the new one, it goes.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0007_child_order_indexes"
    }
}

/// (index, table, columns, the index it covers).
const INDEXES: [(&str, &str, &str, Option<&str>); 6] = [
    (
        "event_organisation_order_idx",
        "event_organisation",
        "event_id, position",
        None,
    ),
    (
        "event_participant_order_idx",
        "event_participant",
        "event_id, position",
        None,
    ),
    (
        "presentation_presenter_order_idx",
        "presentation_presenter",
        "presentation_id, position",
        None,
    ),
    (
        "agreement_party_order_idx",
        "agreement_party",
        "agreement_id, position",
        None,
    ),
    (
        "agreement_person_order_idx",
        "agreement_person",
        "agreement_id, position",
        None,
    ),
    (
        "affiliation_person_order_idx",
        "affiliation",
        "person_id, position",
        Some("affiliation_person_idx"),
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, table, columns, covered) in INDEXES {
            db.execute_unprepared(&format!("CREATE INDEX {name} ON {table} ({columns})"))
                .await?;
            if let Some(covered) = covered {
                db.execute_unprepared(&format!("DROP INDEX IF EXISTS {covered}"))
                    .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, table, columns, covered) in INDEXES {
            if let Some(covered) = covered {
                let leading = columns.split(',').next().unwrap_or(columns);
                db.execute_unprepared(&format!("CREATE INDEX {covered} ON {table} ({leading})"))
                    .await?;
            }
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS {name}"))
                .await?;
        }
        Ok(())
    }
}
