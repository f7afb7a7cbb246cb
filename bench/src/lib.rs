//! Measuring Concord: the reference operations, the hand-written baseline that answers
//! them too, and the load harness (`concord-bench`) that drives both over HTTP.
pub mod baseline;
pub mod operations;
pub mod targets;
