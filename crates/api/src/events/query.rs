//! The events list.
use super::{Event, EventFilter, EventOrder};
use crate::connection::EventConnection;
use crate::input::root_list;

root_list!(
    /// Events the caller may read.
    EventQuery.events(EventFilter, EventOrder) -> EventConnection = service::events::select, Event
);
