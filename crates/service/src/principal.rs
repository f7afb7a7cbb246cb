//! Who is calling. `auth.rs` turns a bearer token into a principal; `access.rs` holds
//! the rules of what each may read and write.
use entity::enums::Role;

/// The caller of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// No credentials: reads public records only, writes nothing.
    Anonymous,
    /// Someone acting for a member organisation, with a viewer, editor or admin role.
    Member {
        /// The token the request came with.
        token_id: i64,
        /// A label for the audit log.
        label: String,
        /// The member organisation the caller acts for.
        organisation_id: i64,
        role: Role,
        /// Every organisation sharing a consortium with it (itself included), resolved
        /// when the caller is authenticated so visibility checks need no extra join.
        consortium_peers: Vec<i64>,
    },
    /// The coordinating centre: reads and writes everything. `token_id` is `None` for
    /// the command line.
    Coordinator {
        token_id: Option<i64>,
        label: String,
    },
}

impl Principal {
    /// The organisation a member acts for.
    pub fn organisation(&self) -> Option<i64> {
        match self {
            Principal::Member {
                organisation_id, ..
            } => Some(*organisation_id),
            _ => None,
        }
    }

    pub fn token(&self) -> Option<i64> {
        match self {
            Principal::Member { token_id, .. } => Some(*token_id),
            Principal::Coordinator { token_id, .. } => *token_id,
            Principal::Anonymous => None,
        }
    }

    /// How the audit log names the caller.
    pub fn label(&self) -> String {
        match self {
            Principal::Anonymous => "anonymous".into(),
            Principal::Member { label, .. } | Principal::Coordinator { label, .. } => label.clone(),
        }
    }

    pub fn is_coordinator(&self) -> bool {
        matches!(self, Principal::Coordinator { .. })
    }

    /// The role, for members; `Coordinator` for the coordinator.
    pub fn role(&self) -> Option<Role> {
        match self {
            Principal::Anonymous => None,
            Principal::Member { role, .. } => Some(*role),
            Principal::Coordinator { .. } => Some(Role::Coordinator),
        }
    }
}
