//! Countries and regions (ISO 3166-1; Hong Kong, Macao and Taiwan are regions) and
//! ISCED-F fields of education: reference data that migrations load.
mod inputs;
mod query;
mod types;

pub use inputs::*;
pub use query::CountryQuery;
pub use types::*;
