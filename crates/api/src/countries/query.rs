//! The countries and regions list.
use super::{Country, CountryFilter, CountryOrder};
use crate::connection::CountryConnection;
use crate::input::root_list;

root_list!(
    reference
    /// Countries and regions (ISO 3166-1), with English and Chinese names.
    CountryQuery.countries(CountryFilter, CountryOrder) -> CountryConnection = service::countries::select, Country::new
);
