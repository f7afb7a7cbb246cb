//! A page of the change feed and its entries.
use async_graphql::{Context, ID, Object};
use service::changes::{ChangePage, change_cursor};
use service::entity::change_entry;
use service::entity::enums::{ChangeOperation, Visibility};

use super::RecordType;
use crate::connection::PageInfo;
use crate::error::Result;
use crate::ids::{self, Kind};
use crate::loader;
use crate::node::Node;
use crate::organisations::Organisation;
use crate::scalars::DateTime;

/// A page of the change feed, in commit order.
pub struct ChangeConnection(pub ChangePage);

impl ChangeConnection {
    fn entries(&self) -> impl Iterator<Item = Change> + '_ {
        self.0.entries.iter().filter_map(|entry| {
            let (record_type, kind) = RecordType::of_table(&entry.record_type)?;
            Some(Change {
                entry: entry.clone(),
                record_type,
                kind,
            })
        })
    }
}

/// A page of the change feed, in commit order.
#[Object]
impl ChangeConnection {
    /// The entries of this page, each with its cursor.
    async fn edges(&self) -> Vec<ChangeEdge> {
        self.entries()
            .map(|node| ChangeEdge {
                cursor: change_cursor(node.entry.id),
                node,
            })
            .collect()
    }

    /// The entries of this page.
    async fn nodes(&self) -> Vec<Change> {
        self.entries().collect()
    }

    /// Where the page sits: pass `endCursor` as `after` to continue (also when
    /// `hasNextPage` is false, to wait for later changes). The feed is read forwards
    /// only, so `hasPreviousPage` is always false.
    async fn page_info(&self) -> PageInfo {
        let cursors: Vec<String> = self.0.entries.iter().map(|e| change_cursor(e.id)).collect();
        PageInfo {
            has_previous_page: false,
            has_next_page: self.0.has_next_page,
            start_cursor: cursors.first().cloned(),
            end_cursor: cursors.last().cloned(),
        }
    }
}

/// An entry of the change feed with its cursor.
pub struct ChangeEdge {
    cursor: String,
    node: Change,
}

/// An entry of the change feed with its cursor.
#[Object]
impl ChangeEdge {
    /// Pass as `after` to read the changes after this one.
    async fn cursor(&self) -> &str {
        &self.cursor
    }

    /// The entry.
    async fn node(&self) -> &Change {
        &self.node
    }
}

/// One committed write to a record. The record is read as the caller may read it now;
/// when it cannot, the entry is a removal and says only which record and what happened.
pub struct Change {
    entry: change_entry::Model,
    record_type: RecordType,
    kind: Kind,
}

impl Change {
    /// The entry as the API shows it; `None` for a table the API does not know.
    pub(crate) fn of(entry: change_entry::Model) -> Option<Change> {
        let (record_type, kind) = RecordType::of_table(&entry.record_type)?;
        Some(Change {
            entry,
            record_type,
            kind,
        })
    }

    fn global_id(&self) -> ID {
        ids::encode(self.kind, self.entry.record_id)
    }

    /// The record now, through the request's loaders (one query per type for a page).
    async fn current(&self, ctx: &Context<'_>) -> Result<Option<Node>> {
        crate::node::node(ctx, "recordId", &self.global_id()).await
    }
}

/// One committed write to a record. The record is read as the caller may read it now;
/// when it cannot, the entry is a removal and says only which record and what happened.
#[Object]
impl Change {
    /// This entry's cursor: pass it as `after` to read the changes after it.
    async fn cursor(&self) -> String {
        change_cursor(self.entry.id)
    }

    /// The record's global id.
    async fn record_id(&self) -> ID {
        self.global_id()
    }

    /// The record's type.
    #[graphql(name = "type")]
    async fn record_type(&self) -> RecordType {
        self.record_type
    }

    /// What the write did.
    async fn operation(&self) -> ChangeOperation {
        self.entry.operation
    }

    /// The record's version after the write.
    async fn version(&self) -> i32 {
        self.entry.version
    }

    /// When the write committed.
    async fn committed_at(&self) -> DateTime {
        DateTime(self.entry.committed_at)
    }

    /// True when the caller cannot read the record now (made private, archived, out of
    /// its consortium): drop the record from a mirror.
    async fn removed(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(self.current(ctx).await?.is_none())
    }

    /// The record's owner (or maintainer) after the write; null for a removal.
    async fn owner(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        let Some(owner) = self.entry.owner_id else {
            return Ok(None);
        };
        if self.current(ctx).await?.is_none() {
            return Ok(None);
        }
        Ok(
            loader::one::<service::entity::organisation::Entity>(ctx, owner)
                .await?
                .map(Organisation),
        )
    }

    /// Who could read the record after the write; null for a removal.
    async fn visibility(&self, ctx: &Context<'_>) -> Result<Option<Visibility>> {
        Ok(self.current(ctx).await?.map(|_| self.entry.visibility))
    }

    /// The record as it is now, as the caller may read it; null for a removal.
    async fn record(&self, ctx: &Context<'_>) -> Result<Option<Node>> {
        self.current(ctx).await
    }
}
