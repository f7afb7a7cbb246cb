//! The `changes` root field.
use async_graphql::{Context, ID, Object};
use service::changes::ChangeFilter;

use super::{ChangeConnection, RecordType};
use crate::error::{Result, svc};
use crate::ids::{Kind, decode_all};
use crate::record::scope;

#[derive(Default)]
pub struct ChangeQuery;

#[Object]
impl ChangeQuery {
    /// Every committed write after the cursor `after` (from the oldest kept without
    /// it), in commit order, about records the caller could read before or after the
    /// write. An entry about a record the caller cannot read now is a removal
    /// (`removed: true`, no record, owner or visibility): drop it from a mirror.
    /// Keep `pageInfo.endCursor` to continue; cursors outlive restarts but not the
    /// retention horizon (`CHANGES_EXPIRED`: re-read in full). At most 100 per page.
    #[graphql(complexity = "crate::connection::page_cost(first, None, child_complexity)")]
    async fn changes(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        first: Option<i32>,
        types: Option<Vec<RecordType>>,
        owners: Option<Vec<ID>>,
    ) -> Result<ChangeConnection> {
        let filter = ChangeFilter {
            types: types.map(|t| t.iter().map(|t| t.table().to_owned()).collect()),
            owners: decode_all("owners", Kind::Organisation, &owners)?,
            records: None,
        };
        let page = svc(scope(ctx).changes(after.as_deref(), first, &filter).await)?;
        Ok(ChangeConnection(page))
    }
}
