//! Every change to Concord's database schema, for SQLite and PostgreSQL alike.
pub use sea_orm_migration::prelude::*;

mod m0001_schema;
mod m0002_reference_data;
mod m0003_writes;
mod m0004_more_indexes;
mod m0005_plan_indexes;
mod m0006_agreement_countries;
mod m0007_child_order_indexes;
mod m0008_standard_codes_per_owner;
mod m0009_translations;
mod m0010_partnerships;
mod m0011_indicator_definitions;
mod m0012_search_keys;
mod m0013_change_feed;
mod m0014_world_regions;
mod m0015_webhooks;
mod m0016_agreement_read_index;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_schema::Migration),
            Box::new(m0002_reference_data::Migration),
            Box::new(m0003_writes::Migration),
            Box::new(m0004_more_indexes::Migration),
            Box::new(m0005_plan_indexes::Migration),
            Box::new(m0006_agreement_countries::Migration),
            Box::new(m0007_child_order_indexes::Migration),
            Box::new(m0008_standard_codes_per_owner::Migration),
            Box::new(m0009_translations::Migration),
            Box::new(m0010_partnerships::Migration),
            Box::new(m0011_indicator_definitions::Migration),
            Box::new(m0012_search_keys::Migration),
            Box::new(m0013_change_feed::Migration),
            Box::new(m0014_world_regions::Migration),
            Box::new(m0015_webhooks::Migration),
            Box::new(m0016_agreement_read_index::Migration),
        ]
    }
}
