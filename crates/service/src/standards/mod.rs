//! Curriculum standards developed by members, and their adoptions abroad (a part of the
//! standard: readable exactly when it is).
mod query;
mod write;

pub use query::*;
pub use write::*;
