//! The people list.
use super::{Person, PersonFilter, PersonOrder};
use crate::connection::PersonConnection;
use crate::input::root_list;

root_list!(
    /// People in the shared registry.
    PersonQuery.people(PersonFilter, PersonOrder) -> PersonConnection = service::people::select, Person
);
