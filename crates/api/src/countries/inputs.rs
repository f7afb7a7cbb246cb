//! The countries list's filter and order.
use async_graphql::InputObject;
use service::countries as cty;

use crate::error::Result;
use crate::input::{country_codes, order_input};

order_input!(
    /// How to sort countries (default: by code).
    CountryOrder, CountryOrderField, "service::countries::CountryOrderField", service::countries::CountryOrderField, Code,
    { /// By English name.
      NameEn });

/// Which countries and regions to list.
#[derive(InputObject, Clone, Default)]
pub struct CountryFilter {
    /// Case-insensitive substring of the English or Chinese name, or the code.
    pub search: Option<String>,
    /// With any of these ISO codes.
    pub codes: Option<Vec<String>>,
    /// `true`: only regions (e.g. Hong Kong, Macao, Taiwan); `false`: only countries.
    pub is_region: Option<bool>,
}

impl CountryFilter {
    pub fn parse(f: Option<Self>) -> Result<cty::CountryFilter> {
        let f = f.unwrap_or_default();
        Ok(cty::CountryFilter {
            search: f.search,
            codes: country_codes("filter.codes", &f.codes)?,
            is_region: f.is_region,
        })
    }
}
