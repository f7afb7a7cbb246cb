//! The sources list.
use super::{Source, SourceFilter, SourceOrder};
use crate::connection::SourceConnection;
use crate::input::root_list;

root_list!(
    /// Source articles and documents.
    SourceQuery.sources(SourceFilter, SourceOrder) -> SourceConnection = service::sources::select, Source
);
