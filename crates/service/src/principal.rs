//! Who is calling. Authentication (tokens) decides which principal a request gets; the
//! rules of what each may read live in `access.rs`.

/// The caller of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// No credentials: reads public records only.
    Anonymous,
    /// Someone acting for a member organisation.
    Member {
        /// The member organisation the caller acts for.
        organisation_id: i64,
        /// Every organisation sharing a consortium with it (itself included), resolved
        /// when the caller is authenticated so visibility checks need no extra join.
        consortium_peers: Vec<i64>,
    },
    /// The coordinating centre: reads everything.
    Coordinator,
}
