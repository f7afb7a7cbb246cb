//! Figures kept until the change feed moves.
//!
//! Every figure is an exact count over every record in effect, so at ten times the
//! records one request does ten times the counting. But figures change only when a
//! record does, and every committed write adds its entry to the change feed in its own
//! transaction, in commit order (`changes::write`). So an answer computed in a snapshot
//! whose newest feed entry is `n` is the answer for every snapshot whose newest entry is
//! `n`, for the same read rule, day and arguments: it is kept under that key and given
//! again until a write moves the feed on. The feed's head is read in the request's own
//! snapshot (one statement, from the primary key's index), so this holds across server
//! instances sharing one database, with no message between them.
//!
//! Only read-only requests keep or reuse figures: their statements share one snapshot
//! (`Scope::pinned`). A pooled scope reads the head and the figures in different
//! snapshots, so a write committed between them would be kept under the older head.
use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::{BreakdownRow, Figure, Frame, Overview, PagedBreakdown, RecordSlice};

use sea_orm::sea_query::{Expr, Func, Query};

use crate::access::ReadRule;
use crate::{Result, Scope};

/// Answers kept for the newest feed head seen; a newer head drops them all.
pub struct KeptFigures {
    /// How many answers at most; 0 keeps none (every request counts afresh).
    capacity: usize,
    kept: Mutex<Kept>,
}

/// How many rows and records all kept answers may hold together: a breakdown's first
/// pages can hold thousands of records (100 for each of 150 countries), so a bound on
/// answers alone would not bound memory. About 25 MB at the size of an organisation.
const ROWS_KEPT: usize = 50_000;

/// One answer may take at most this share of [`ROWS_KEPT`]; a larger one is not kept.
const ROWS_PER_ANSWER: usize = ROWS_KEPT / 5;

#[derive(Default)]
struct Kept {
    /// The feed head the answers were computed at.
    head: i64,
    answers: HashMap<String, Arc<dyn Any + Send + Sync>>,
    /// The rows and records they hold.
    rows: usize,
}

/// How many rows and records an answer holds, for [`ROWS_KEPT`].
pub(super) trait Weighed {
    fn rows(&self) -> usize;
}

impl Weighed for Frame {
    fn rows(&self) -> usize {
        1 + self.tree.len()
    }
}

impl Weighed for Vec<Figure> {
    fn rows(&self) -> usize {
        1 + self.len()
    }
}

impl Weighed for Vec<BreakdownRow> {
    fn rows(&self) -> usize {
        1 + self.len()
    }
}

impl Weighed for HashMap<Option<String>, RecordSlice> {
    fn rows(&self) -> usize {
        1 + self.values().map(RecordSlice::len).sum::<usize>()
    }
}

impl Weighed for Option<PagedBreakdown> {
    fn rows(&self) -> usize {
        match self {
            None => 1,
            Some(paged) => paged.rows.rows() + paged.pages.rows(),
        }
    }
}

impl Weighed for Overview {
    fn rows(&self) -> usize {
        let figures: usize = self.members.iter().map(|m| m.figures.len()).sum();
        1 + figures + self.countries.len() + self.partners.len() + self.adoptions.len()
    }
}

impl KeptFigures {
    pub fn new(capacity: usize) -> Self {
        KeptFigures {
            capacity,
            kept: Mutex::default(),
        }
    }

    fn get<T: Clone + 'static>(&self, head: i64, key: &str) -> Option<T> {
        let kept = self.kept.lock().expect("kept figures lock");
        if kept.head != head {
            return None;
        }
        kept.answers.get(key)?.downcast_ref::<T>().cloned()
    }

    fn put<T: Weighed + Send + Sync + 'static>(&self, head: i64, key: String, answer: T) {
        let rows = answer.rows();
        if self.capacity == 0 || rows > ROWS_PER_ANSWER {
            return;
        }
        let mut kept = self.kept.lock().expect("kept figures lock");
        // A request that began before a write may finish after it: what it counted is
        // not what the newer head's requests would count, so it is not kept.
        if head < kept.head {
            return;
        }
        if head > kept.head {
            kept.head = head;
            kept.answers.clear();
            kept.rows = 0;
        }
        // Past capacity, start again rather than track use: the working set of a
        // dashboard is a few dozen answers, so this happens only under unusual load.
        if kept.answers.len() >= self.capacity || kept.rows + rows > ROWS_KEPT {
            kept.answers.clear();
            kept.rows = 0;
        }
        kept.rows += rows;
        kept.answers.insert(key, Arc::new(answer));
    }

    pub(crate) fn forget(&self) {
        let mut kept = self.kept.lock().expect("kept figures lock");
        kept.answers.clear();
        kept.rows = 0;
    }

    /// How many answers are kept now (for tests).
    pub fn len(&self) -> usize {
        self.kept.lock().expect("kept figures lock").answers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Default for KeptFigures {
    fn default() -> Self {
        KeptFigures::new(256)
    }
}

impl Scope {
    /// The answer kept under `key` (for this caller's read rule, today and the feed
    /// head of this request's snapshot), or `compute`'s, then kept.
    pub(super) async fn kept<T, F>(&self, key: impl FnOnce() -> String, compute: F) -> Result<T>
    where
        T: Weighed + Clone + Send + Sync + 'static,
        F: Future<Output = Result<T>>,
    {
        let figures = self.kept_figures();
        if figures.capacity == 0 || !self.is_snapshot() {
            return compute.await;
        }
        let head = self.feed_head().await?;
        let key = format!(
            "{:?}|{}|{}",
            ReadRule::of(self.principal()),
            self.today(),
            key()
        );
        if let Some(answer) = figures.get::<T>(head, &key) {
            return Ok(answer);
        }
        let answer = compute.await?;
        figures.put(head, key, answer.clone());
        Ok(answer)
    }

    /// The id of the newest change-feed entry this request's snapshot sees (0 for none),
    /// read once per request.
    async fn feed_head(&self) -> Result<i64> {
        let head = self
            .feed_head_cell()
            .get_or_try_init::<crate::Error, _, _>(|| async {
                use entity::change_entry::{Column, Entity};
                let query = Query::select()
                    .expr_as(
                        Func::coalesce([Func::max(Expr::col(Column::Id)).into(), Expr::val(0i64)]),
                        "head",
                    )
                    .from(Entity)
                    .to_owned();
                let rows = self.rows(&query).await?;
                let head: i64 = match rows.first() {
                    Some(row) => row.try_get("", "head")?,
                    None => 0,
                };
                Ok(head)
            })
            .await?;
        Ok(*head)
    }
}

#[cfg(test)]
mod tests {
    use super::{KeptFigures, ROWS_KEPT, ROWS_PER_ANSWER, Weighed};

    impl Weighed for u64 {
        fn rows(&self) -> usize {
            1
        }
    }
    impl Weighed for u32 {
        fn rows(&self) -> usize {
            1
        }
    }
    impl Weighed for u8 {
        fn rows(&self) -> usize {
            1
        }
    }
    impl Weighed for usize {
        fn rows(&self) -> usize {
            *self
        }
    }

    #[test]
    fn a_newer_head_drops_what_was_kept() {
        let kept = KeptFigures::new(8);
        kept.put(3, "a".into(), 1u64);
        assert_eq!(kept.get::<u64>(3, "a"), Some(1));
        assert_eq!(
            kept.get::<u64>(4, "a"),
            None,
            "another head is another answer"
        );
        kept.put(4, "b".into(), 2u64);
        assert_eq!(
            kept.get::<u64>(3, "a"),
            None,
            "the older head's answers are gone"
        );
        assert_eq!(kept.get::<u64>(4, "b"), Some(2));
    }

    #[test]
    fn an_answer_counted_before_the_newest_head_is_not_kept() {
        let kept = KeptFigures::new(8);
        kept.put(5, "a".into(), 1u64);
        kept.put(4, "b".into(), 2u64);
        assert_eq!(kept.get::<u64>(4, "b"), None);
        assert_eq!(kept.get::<u64>(5, "a"), Some(1));
    }

    #[test]
    fn capacity_bounds_the_answers_and_zero_keeps_none() {
        let kept = KeptFigures::new(2);
        for (i, key) in ["a", "b", "c"].into_iter().enumerate() {
            kept.put(1, key.into(), i + 1);
        }
        assert!(kept.len() <= 2);
        assert_eq!(kept.get::<usize>(1, "c"), Some(3));
        let none = KeptFigures::new(0);
        none.put(1, "a".into(), 1u8);
        assert!(none.is_empty());
    }

    #[test]
    fn the_rows_kept_are_bounded_whatever_the_number_of_answers() {
        let kept = KeptFigures::new(1_000);
        kept.put(1, "too large".into(), ROWS_PER_ANSWER + 1);
        assert!(kept.is_empty(), "an answer past its share is not kept");
        let mut held = 0;
        for i in 0..20 {
            kept.put(1, format!("{i}"), ROWS_PER_ANSWER);
            held = held.max(kept.kept.lock().unwrap().rows);
        }
        assert!(held <= ROWS_KEPT, "{held} rows kept");
        assert_eq!(
            kept.get::<usize>(1, "19"),
            Some(ROWS_PER_ANSWER),
            "the newest is kept"
        );
    }

    #[test]
    fn a_key_kept_as_one_type_is_not_read_as_another() {
        let kept = KeptFigures::new(4);
        kept.put(1, "a".into(), 1u64);
        assert_eq!(kept.get::<u32>(1, "a"), None);
    }
}
