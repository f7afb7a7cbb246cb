//! The registry's organisations: universities, companies, government bodies and their
//! units; names, identifiers, merging duplicates (people's merges too: one skeleton).
mod merge;
mod query;
mod write;

pub use query::*;
pub use write::*;
