//! The end-to-end tests: one test binary, so the app is linked once for all of them.
//! Each module was a test file of its own; `helpers` is the harness they share.
mod helpers;

mod agreement_countries;
mod bilingual;
mod browser;
mod changes;
mod cli;
mod clients;
mod concurrency;
mod connections;
mod contract;
mod crash;
mod cross_tenant;
mod cursors;
mod demo;
mod export;
mod http;
mod import;
mod limits;
mod membership;
mod model;
mod outage;
mod partnerships;
mod persisted;
mod read_api;
mod registry;
mod schema;
mod statements;
mod statistics;
mod synthetic;
mod tenancy;
mod units;
mod validity;
mod writes;
