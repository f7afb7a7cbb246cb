//! The agreements list.
use super::{Agreement, AgreementFilter, AgreementOrder};
use crate::connection::AgreementConnection;
use crate::input::root_list;

root_list!(
    /// Agreements and joint programmes the caller may read.
    AgreementQuery.agreements(AgreementFilter, AgreementOrder) -> AgreementConnection = service::agreements::select, Agreement
);
