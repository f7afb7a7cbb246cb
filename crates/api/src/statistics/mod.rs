//! Statistics: the registry of indicator definitions, each indicator computed for a
//! subject with its breakdowns and the records behind every figure, and the consortium
//! overview. The service computes; this module only shapes the answer.
mod query;
mod types;

pub use query::StatisticsQuery;
pub(crate) use query::subject;
pub use types::*;
