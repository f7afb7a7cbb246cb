//! The partnerships list.
use super::{Partnership, PartnershipFilter, PartnershipOrder};
use crate::connection::PartnershipConnection;
use crate::input::root_list;

root_list!(
    /// Partnerships the caller may read.
    PartnershipQuery.partnerships(PartnershipFilter, PartnershipOrder) -> PartnershipConnection = service::partnerships::select, Partnership
);
