//! The end-to-end tests: one test binary, so the app is linked once for all of them.
//! Each module was a test file of its own; `helpers` is the harness they share.
mod helpers;

mod agreement_countries;
mod cli;
mod concurrency;
mod connections;
mod contract;
mod demo;
mod http;
mod model;
mod outage;
mod read_api;
mod schema;
mod statements;
mod synthetic;
mod tenancy;
mod writes;
