//! The organisations list.
use super::{Organisation, OrganisationFilter, OrganisationOrder};
use crate::connection::OrganisationConnection;
use crate::input::root_list;

root_list!(
    /// Organisations in the shared registry.
    OrganisationQuery.organisations(OrganisationFilter, OrganisationOrder) -> OrganisationConnection = service::organisations::select, Organisation
);
