//! Reported figures beside computed ones: a reported indicator with a definition is
//! computed for its organisation (units rolled up) and period.
use std::collections::HashMap;

use chrono::NaiveDate;
use entity::enums::IndicatorCode;
use entity::organisation;
use sea_orm::ColumnTrait;
use sea_orm::sea_query::Expr;

use super::{Frame, Subject, union_all};
use crate::query::DateRange;
use crate::{Result, Scope};

/// What a reported figure is compared with: its definition, organisation and period.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reported {
    pub code: IndicatorCode,
    pub organisation: i64,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
}

impl Scope {
    /// The computed value of each reported figure, for many at once: one recursive query
    /// for every organisation's units, and one statement for all the counts.
    pub async fn computed_for(&self, reported: &[Reported]) -> Result<HashMap<Reported, u64>> {
        let mut out = HashMap::new();
        if reported.is_empty() {
            return Ok(out);
        }
        let mut organisations: Vec<i64> = reported.iter().map(|r| r.organisation).collect();
        organisations.sort_unstable();
        organisations.dedup();
        let tree = self
            .subject_tree(organisation::Column::Id.is_in(organisations))
            .await?;
        let arms = reported
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let frame = Frame {
                    subject: Subject::Organisation(r.organisation),
                    as_of: r.period_end.unwrap_or_else(|| self.today()),
                    period: DateRange {
                        from: r.period_start,
                        to: r.period_end,
                    },
                    tree: tree
                        .iter()
                        .filter(|(root, _)| *root == r.organisation)
                        .copied()
                        .collect(),
                };
                let mut count = self
                    .statistics_records(&frame, r.code, &frame.organisations(), None)
                    .count_query();
                count.expr_as(Expr::val(i as i64), "item");
                count
            })
            .collect();
        if let Some(query) = union_all(arms) {
            for row in self.rows(&query).await? {
                let item: i64 = row.try_get("", "item")?;
                let value: i64 = row.try_get("", "value")?;
                if let Some(r) = reported.get(item as usize) {
                    out.insert(r.clone(), value as u64);
                }
            }
        }
        Ok(out)
    }
}
