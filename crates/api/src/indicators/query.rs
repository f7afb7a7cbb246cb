//! The reported indicators list.
use super::{Indicator, IndicatorFilter, IndicatorOrder};
use crate::connection::IndicatorConnection;
use crate::input::root_list;

root_list!(
    /// Reported indicators the caller may read.
    IndicatorQuery.indicators(IndicatorFilter, IndicatorOrder) -> IndicatorConnection = service::indicators::select, Indicator
);
