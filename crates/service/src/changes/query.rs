//! Reading the feed: entries after a cursor, in commit order, that the caller may hear of.
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use entity::change_entry;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::page::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use crate::{Error, Result, Scope};

/// What a feed reader asks for; absent means any.
#[derive(Debug, Clone, Default)]
pub struct ChangeFilter {
    /// Tables, as the feed names them (`event`, `organisation`, ...).
    pub types: Option<Vec<String>>,
    /// Owners (or maintainers) at the time of the change.
    pub owners: Option<Vec<i64>>,
    /// Particular records: (table, id).
    pub records: Option<Vec<(String, i64)>>,
}

impl ChangeFilter {
    /// Whether `entry` passes, as the statement of [`Scope::changes_after`] decides:
    /// subscriptions filter the entries they share in memory.
    pub fn matches(&self, entry: &change_entry::Model) -> bool {
        self.types
            .as_ref()
            .is_none_or(|types| types.contains(&entry.record_type))
            && self
                .owners
                .as_ref()
                .is_none_or(|owners| entry.owner_id.is_some_and(|o| owners.contains(&o)))
            && self.records.as_ref().is_none_or(|records| {
                records
                    .iter()
                    .any(|(table, id)| *table == entry.record_type && *id == entry.record_id)
            })
    }
}

/// A page of the feed.
#[derive(Debug, Clone)]
pub struct ChangePage {
    pub entries: Vec<change_entry::Model>,
    pub has_next_page: bool,
}

/// The version mark inside every feed cursor; a cursor without it is not one of ours.
const CURSOR_MARK: &str = "change:v1:";

/// The opaque cursor of the entry with id `id`. It names the entry by id alone, so it
/// stays valid across restarts and for as long as the entry is kept.
pub fn change_cursor(id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{CURSOR_MARK}{id}"))
}

fn parse_cursor(cursor: &str) -> Result<i64> {
    let bad = || Error::bad_input("after", "not a change cursor this API issued");
    let text = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
    let text = String::from_utf8(text).map_err(|_| bad())?;
    text.strip_prefix(CURSOR_MARK)
        .and_then(|id| id.parse::<i64>().ok())
        .filter(|id| *id > 0)
        .ok_or_else(bad)
}

impl Scope {
    /// The entries after `after` (from the oldest kept when absent), in commit order,
    /// that the caller could read before or after the change (the rule is
    /// `access::change_readable`); entries about records the caller never could read
    /// are left out. Whether the record is readable *now* is the reader's to find out
    /// by reading it: if not, the entry is a removal.
    ///
    /// A cursor whose entry has been pruned is `ChangesExpired`: entries after it may
    /// be gone, so the client must re-read in full.
    pub async fn changes(
        &self,
        after: Option<&str>,
        first: Option<i32>,
        filter: &ChangeFilter,
    ) -> Result<ChangePage> {
        let limit = match first {
            None => DEFAULT_PAGE_SIZE,
            Some(n) if n < 0 => {
                return Err(Error::bad_input("first", "`first` must not be negative"));
            }
            Some(n) if n as u64 > MAX_PAGE_SIZE => {
                return Err(Error::bad_input(
                    "first",
                    format!("`first` must be at most {MAX_PAGE_SIZE}"),
                ));
            }
            Some(n) => n as u64,
        };
        let after = match after {
            Some(cursor) => Some(self.kept_cursor(cursor).await?),
            None => None,
        };
        self.changes_after(after, limit, filter).await
    }

    /// The newest entry's id (0 for an empty feed): where a subscription without a
    /// cursor starts. A number, not an entry: it tells nothing of any record.
    pub async fn newest_change(&self) -> Result<i64> {
        let max = change_entry::Entity::find()
            .select_only()
            .column_as(
                sea_orm::sea_query::ExprTrait::max(sea_orm::sea_query::Expr::col(
                    change_entry::Column::Id,
                )),
                "max",
            )
            .into_tuple::<Option<i64>>()
            .one(&self.reader().await?)
            .await?;
        Ok(max.flatten().unwrap_or(0))
    }

    /// The entry id of the feed cursor `cursor`, if the entry is still kept; else
    /// `ChangesExpired` (or `BadInput` on `after` for a text that is no cursor).
    pub async fn kept_cursor(&self, cursor: &str) -> Result<i64> {
        let id = parse_cursor(cursor)?;
        // Pruning deletes only a prefix of the feed, and only pruning deletes: an
        // issued cursor whose entry is missing is older than the oldest kept.
        let kept = change_entry::Entity::find_by_id(id)
            .select_only()
            .column(change_entry::Column::Id)
            .into_tuple::<i64>()
            .one(&self.reader().await?)
            .await?;
        match kept {
            Some(_) => Ok(id),
            None => Err(Error::ChangesExpired),
        }
    }

    /// At most `limit` entries after the entry id `after` (from the oldest kept when
    /// absent), as [`Scope::changes`] reads them: for a subscription, whose cursor is
    /// checked once when it starts.
    pub async fn changes_after(
        &self,
        after: Option<i64>,
        limit: u64,
        filter: &ChangeFilter,
    ) -> Result<ChangePage> {
        let reader = self.reader().await?;
        self.changes_within(&reader, after, None, limit, filter)
            .await
    }

    /// The readable entries with ids after `after` and up to `upto` (both optional),
    /// at most `limit` of them, in commit order: the one read of the feed, shared by
    /// `changes`, subscriptions and the webhooks' fan-out.
    pub(crate) async fn changes_within(
        &self,
        reader: &impl sea_orm::ConnectionTrait,
        after: Option<i64>,
        upto: Option<i64>,
        limit: u64,
        filter: &ChangeFilter,
    ) -> Result<ChangePage> {
        let mut select = change_entry::Entity::find()
            .filter(crate::access::change_readable(self.principal()))
            .order_by_asc(change_entry::Column::Id)
            .limit(limit + 1);
        if let Some(id) = after {
            select = select.filter(change_entry::Column::Id.gt(id));
        }
        if let Some(id) = upto {
            select = select.filter(change_entry::Column::Id.lte(id));
        }
        if let Some(types) = &filter.types {
            select = select.filter(change_entry::Column::RecordType.is_in(types.iter().cloned()));
        }
        if let Some(owners) = &filter.owners {
            select = select.filter(change_entry::Column::OwnerId.is_in(owners.iter().copied()));
        }
        if let Some(records) = &filter.records {
            let mut any = sea_orm::Condition::any();
            for (table, id) in records {
                any = any.add(
                    sea_orm::Condition::all()
                        .add(change_entry::Column::RecordType.eq(table.as_str()))
                        .add(change_entry::Column::RecordId.eq(*id)),
                );
            }
            // No records at all matches nothing, as an empty `IN` list would.
            if records.is_empty() {
                any = any.add(sea_orm::sea_query::ExprTrait::eq(
                    sea_orm::sea_query::Expr::val(1),
                    0,
                ));
            }
            select = select.filter(any);
        }
        let mut entries = select.all(reader).await?;
        let has_next_page = entries.len() as u64 > limit;
        entries.truncate(limit as usize);
        Ok(ChangePage {
            entries,
            has_next_page,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_others_are_refused() {
        assert_eq!(parse_cursor(&change_cursor(42)).unwrap(), 42);
        for bad in [
            "",
            "42",
            "Y2hhbmdlOnYxOi0x",
            &URL_SAFE_NO_PAD.encode("change:v2:4"),
        ] {
            assert!(
                matches!(parse_cursor(bad), Err(Error::BadInput { ref field, .. }) if field == "after"),
                "{bad}"
            );
        }
    }
}
