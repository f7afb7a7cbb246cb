//! Reading texts in other languages, for many records at once.
use std::collections::HashMap;

use entity::translation;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};

use super::{RecordKey, Translation};
use crate::{Result, Scope};

impl Scope {
    /// The other-language texts of `records`, in one statement, by record (each record's
    /// texts by field, then language). Only for records this scope has read: the caller
    /// names them by the rows it holds, so their visibility was decided when they were read.
    pub async fn translations(
        &self,
        records: &[RecordKey],
    ) -> Result<HashMap<RecordKey, Vec<Translation>>> {
        if records.is_empty() {
            return Ok(HashMap::new());
        }
        let mut by_kind: HashMap<&'static str, Vec<String>> = HashMap::new();
        for (kind, id) in records {
            by_kind.entry(kind).or_default().push(id.clone());
        }
        let mut any = Condition::any();
        for (kind, ids) in by_kind {
            any = any.add(
                Condition::all()
                    .add(translation::Column::RecordType.eq(kind))
                    .add(translation::Column::RecordId.is_in(ids)),
            );
        }
        let rows = translation::Entity::find()
            .filter(any)
            .order_by_asc(translation::Column::Field)
            .order_by_asc(translation::Column::Lang)
            .all(&self.reader().await?)
            .await?;
        let mut out: HashMap<RecordKey, Vec<Translation>> = HashMap::new();
        for row in rows {
            // The kind is one of the keys asked for: take its `'static` name from there.
            let Some((kind, _)) = records.iter().find(|(k, _)| *k == row.record_type) else {
                continue;
            };
            out.entry((kind, row.record_id))
                .or_default()
                .push(Translation {
                    field: row.field,
                    lang: row.lang,
                    text: row.value,
                });
        }
        Ok(out)
    }
}
