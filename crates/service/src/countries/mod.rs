//! Countries and regions (ISO 3166-1, Hong Kong, Macao and Taiwan as regions): reference
//! data that migrations load.
mod query;

pub use query::*;
