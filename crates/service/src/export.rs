//! Exports (CSV, XLSX): a root list's records as rows of cells, read page by page through
//! [`Scope::list`], the very path the GraphQL lists take, so an export sees what the
//! caller's list would (same read rule, filter and order) and pages by the same keyset
//! cursors however long it runs. Each page costs two statements: its rows, and the names
//! of the organisations they point at.
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::Visibility;
use entity::*;
use serde::Serialize;

use crate::query::RootList;
use crate::{PageArgs, Record, Result, Scope};

/// Rows read per statement.
pub const EXPORT_PAGE: i32 = crate::MAX_PAGE_SIZE as i32;

/// One value of a row, typed so that a spreadsheet keeps numbers and dates as such.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Integer(i64),
    Number(f64),
    Date(NaiveDate),
    Time(DateTime<Utc>),
    Flag(bool),
    /// A record's key and the API type it is a record of, shown as its global id.
    Id(&'static str, String),
}

impl Cell {
    fn text(value: &Option<String>) -> Cell {
        value.clone().map_or(Cell::Empty, Cell::Text)
    }

    fn date(value: Option<NaiveDate>) -> Cell {
        value.map_or(Cell::Empty, Cell::Date)
    }

    fn time(value: Option<DateTime<Utc>>) -> Cell {
        value.map_or(Cell::Empty, Cell::Time)
    }

    fn id(kind: &'static str, key: Option<i64>) -> Cell {
        key.map_or(Cell::Empty, |k| Cell::Id(kind, k.to_string()))
    }

    /// An enumeration's value as the API spells it (`IN_EFFECT`).
    fn value(value: &impl Serialize) -> Cell {
        match serde_json::to_value(value) {
            Ok(serde_json::Value::String(s)) => Cell::Text(s),
            _ => Cell::Empty,
        }
    }
}

/// The English names of the organisations a page's rows point at.
pub struct Names(HashMap<i64, String>);

impl Names {
    fn of(&self, id: Option<i64>) -> Cell {
        id.and_then(|id| self.0.get(&id))
            .map_or(Cell::Empty, |n| Cell::Text(n.clone()))
    }

    /// An organisation as two cells: its name, then its global id.
    fn organisation(&self, id: Option<i64>) -> [Cell; 2] {
        [self.of(id), Cell::id("Organisation", id)]
    }
}

/// A table whose root list can be exported.
pub trait Exported: Record<Model: Send + Clone> {
    /// The API type of its records, for their global ids.
    const TYPE: &'static str;
    /// The header row.
    fn columns() -> Vec<&'static str>;
    /// The organisations a row names (owner, partner, ...), looked up a page at a time.
    fn organisations(model: &Self::Model) -> Vec<Option<i64>>;
    fn row(model: &Self::Model, names: &Names) -> Vec<Cell>;
}

/// The columns every owned record ends with, and their cells.
const OWNED: [&str; 8] = [
    "owner",
    "ownerId",
    "visibility",
    "sourceId",
    "version",
    "createdAt",
    "updatedAt",
    "archivedAt",
];

fn owned_columns(own: &[&'static str]) -> Vec<&'static str> {
    let mut columns = vec!["id"];
    columns.extend_from_slice(own);
    columns.extend(OWNED);
    columns
}

#[allow(clippy::too_many_arguments)]
fn owned_cells(
    names: &Names,
    owner: i64,
    visibility: Visibility,
    source: Option<i64>,
    version: i32,
    created: DateTime<Utc>,
    updated: DateTime<Utc>,
    archived: Option<DateTime<Utc>>,
) -> Vec<Cell> {
    let [name, id] = names.organisation(Some(owner));
    vec![
        name,
        id,
        Cell::value(&visibility),
        Cell::id("Source", source),
        Cell::Integer(version.into()),
        Cell::Time(created),
        Cell::Time(updated),
        Cell::time(archived),
    ]
}

/// `id`, then a record's own cells, then the owned record's.
macro_rules! owned_row {
    ($m:expr, $names:expr, $type:expr, [$($cell:expr),* $(,)?]) => {{
        let m = $m;
        let mut row = vec![Cell::Id($type, m.id.to_string())];
        $(row.extend($cell);)*
        row.extend(owned_cells($names, m.owner_id, m.visibility, m.source_id, m.version,
            m.created_at, m.updated_at, m.archived_at));
        row
    }};
}

fn one(cell: Cell) -> [Cell; 1] {
    [cell]
}

impl Exported for event::Entity {
    const TYPE: &'static str = "Event";
    fn columns() -> Vec<&'static str> {
        owned_columns(&[
            "title",
            "kind",
            "status",
            "format",
            "theme",
            "description",
            "startDate",
            "endDate",
            "venue",
            "city",
            "country",
        ])
    }
    fn organisations(m: &event::Model) -> Vec<Option<i64>> {
        vec![Some(m.owner_id)]
    }
    fn row(m: &event::Model, names: &Names) -> Vec<Cell> {
        owned_row!(
            m,
            names,
            Self::TYPE,
            [
                one(Cell::Text(m.title.clone())),
                one(Cell::value(&m.kind)),
                one(Cell::value(&m.status)),
                one(Cell::value(&m.format)),
                one(Cell::text(&m.theme)),
                one(Cell::text(&m.description)),
                one(Cell::Date(m.start_date)),
                one(Cell::date(m.end_date)),
                one(Cell::text(&m.venue)),
                one(Cell::text(&m.city)),
                one(Cell::text(&m.country_code)),
            ]
        )
    }
}

impl Exported for agreement::Entity {
    const TYPE: &'static str = "Agreement";
    fn columns() -> Vec<&'static str> {
        owned_columns(&[
            "title",
            "kind",
            "status",
            "description",
            "signedOn",
            "validFrom",
            "validTo",
            "signedAtId",
            "renewalOfId",
        ])
    }
    fn organisations(m: &agreement::Model) -> Vec<Option<i64>> {
        vec![Some(m.owner_id)]
    }
    fn row(m: &agreement::Model, names: &Names) -> Vec<Cell> {
        owned_row!(
            m,
            names,
            Self::TYPE,
            [
                one(Cell::Text(m.title.clone())),
                one(Cell::value(&m.kind)),
                one(Cell::value(&m.status)),
                one(Cell::text(&m.description)),
                one(Cell::date(m.signed_on)),
                one(Cell::date(m.valid_from)),
                one(Cell::date(m.valid_to)),
                one(Cell::id("Event", m.signed_at_event_id)),
                one(Cell::id("Agreement", m.renewal_of_id)),
            ]
        )
    }
}

impl Exported for curriculum_standard::Entity {
    const TYPE: &'static str = "CurriculumStandard";
    fn columns() -> Vec<&'static str> {
        owned_columns(&[
            "title",
            "code",
            "field",
            "level",
            "edition",
            "issuedOn",
            "developer",
            "developerId",
        ])
    }
    fn organisations(m: &curriculum_standard::Model) -> Vec<Option<i64>> {
        vec![Some(m.owner_id), Some(m.developer_id)]
    }
    fn row(m: &curriculum_standard::Model, names: &Names) -> Vec<Cell> {
        owned_row!(
            m,
            names,
            Self::TYPE,
            [
                one(Cell::Text(m.title.clone())),
                one(Cell::text(&m.code)),
                one(Cell::text(&m.isced_code)),
                one(Cell::text(&m.level)),
                one(Cell::text(&m.edition)),
                one(Cell::date(m.issued_on)),
                names.organisation(Some(m.developer_id)),
            ]
        )
    }
}

impl Exported for training_centre::Entity {
    const TYPE: &'static str = "TrainingCentre";
    fn columns() -> Vec<&'static str> {
        owned_columns(&[
            "name",
            "status",
            "country",
            "city",
            "openedOn",
            "operator",
            "operatorId",
            "partner",
            "partnerId",
        ])
    }
    fn organisations(m: &training_centre::Model) -> Vec<Option<i64>> {
        vec![Some(m.owner_id), Some(m.operator_id), m.partner_id]
    }
    fn row(m: &training_centre::Model, names: &Names) -> Vec<Cell> {
        owned_row!(
            m,
            names,
            Self::TYPE,
            [
                one(Cell::Text(m.name.clone())),
                one(Cell::value(&m.status)),
                one(Cell::Text(m.country_code.clone())),
                one(Cell::text(&m.city)),
                one(Cell::date(m.opened_on)),
                names.organisation(Some(m.operator_id)),
                names.organisation(m.partner_id),
            ]
        )
    }
}

impl Exported for indicator::Entity {
    const TYPE: &'static str = "Indicator";
    fn columns() -> Vec<&'static str> {
        owned_columns(&[
            "metric",
            "value",
            "unit",
            "periodStart",
            "periodEnd",
            "note",
            "organisation",
            "organisationId",
            "eventId",
        ])
    }
    fn organisations(m: &indicator::Model) -> Vec<Option<i64>> {
        vec![Some(m.owner_id), Some(m.organisation_id)]
    }
    fn row(m: &indicator::Model, names: &Names) -> Vec<Cell> {
        owned_row!(
            m,
            names,
            Self::TYPE,
            [
                one(Cell::value(&m.metric)),
                one(Cell::Number(m.value)),
                one(Cell::text(&m.unit)),
                one(Cell::date(m.period_start)),
                one(Cell::date(m.period_end)),
                one(Cell::text(&m.note)),
                names.organisation(Some(m.organisation_id)),
                one(Cell::id("Event", m.event_id)),
            ]
        )
    }
}

impl Exported for partnership::Entity {
    const TYPE: &'static str = "Partnership";
    fn columns() -> Vec<&'static str> {
        owned_columns(&[
            "kind",
            "status",
            "since",
            "until",
            "notes",
            "member",
            "memberId",
            "partner",
            "partnerId",
        ])
    }
    fn organisations(m: &partnership::Model) -> Vec<Option<i64>> {
        vec![Some(m.owner_id), Some(m.member_id), Some(m.partner_id)]
    }
    fn row(m: &partnership::Model, names: &Names) -> Vec<Cell> {
        owned_row!(
            m,
            names,
            Self::TYPE,
            [
                one(Cell::value(&m.kind)),
                one(Cell::value(&m.status)),
                one(Cell::date(m.since)),
                one(Cell::date(m.until)),
                one(Cell::text(&m.notes)),
                names.organisation(Some(m.member_id)),
                names.organisation(Some(m.partner_id)),
            ]
        )
    }
}

impl Exported for adoption::Entity {
    const TYPE: &'static str = "Adoption";
    fn columns() -> Vec<&'static str> {
        vec![
            "id",
            "standardId",
            "country",
            "institution",
            "institutionId",
            "kind",
            "adoptedOn",
            "evidence",
            "sourceId",
            "version",
            "createdAt",
            "updatedAt",
        ]
    }
    fn organisations(m: &adoption::Model) -> Vec<Option<i64>> {
        vec![m.institution_id]
    }
    fn row(m: &adoption::Model, names: &Names) -> Vec<Cell> {
        let [institution, institution_id] = names.organisation(m.institution_id);
        vec![
            Cell::Id(Self::TYPE, m.id.to_string()),
            Cell::id("CurriculumStandard", Some(m.standard_id)),
            Cell::Text(m.country_code.clone()),
            institution,
            institution_id,
            Cell::value(&m.kind),
            Cell::date(m.adopted_on),
            Cell::text(&m.evidence),
            Cell::id("Source", m.source_id),
            Cell::Integer(m.version.into()),
            Cell::Time(m.created_at),
            Cell::Time(m.updated_at),
        ]
    }
}

impl Exported for organisation::Entity {
    const TYPE: &'static str = "Organisation";
    fn columns() -> Vec<&'static str> {
        vec![
            "id",
            "kind",
            "nameEn",
            "nameZh",
            "abbreviation",
            "country",
            "city",
            "address",
            "website",
            "rorId",
            "parent",
            "parentId",
            "sourceId",
            "version",
            "createdAt",
            "updatedAt",
            "archivedAt",
        ]
    }
    fn organisations(m: &organisation::Model) -> Vec<Option<i64>> {
        vec![m.parent_id]
    }
    fn row(m: &organisation::Model, names: &Names) -> Vec<Cell> {
        let [parent, parent_id] = names.organisation(m.parent_id);
        vec![
            Cell::Id(Self::TYPE, m.id.to_string()),
            Cell::value(&m.kind),
            Cell::Text(m.name_en.clone()),
            Cell::text(&m.name_zh),
            Cell::text(&m.abbreviation),
            Cell::text(&m.country_code),
            Cell::text(&m.city),
            Cell::text(&m.address),
            Cell::text(&m.website),
            Cell::text(&m.ror_id),
            parent,
            parent_id,
            Cell::id("Source", m.source_id),
            Cell::Integer(m.version.into()),
            Cell::Time(m.created_at),
            Cell::Time(m.updated_at),
            Cell::time(m.archived_at),
        ]
    }
}

impl Exported for person::Entity {
    const TYPE: &'static str = "Person";
    fn columns() -> Vec<&'static str> {
        vec![
            "id",
            "familyName",
            "givenName",
            "nameZh",
            "sourceId",
            "version",
            "createdAt",
            "updatedAt",
            "archivedAt",
        ]
    }
    fn organisations(_: &person::Model) -> Vec<Option<i64>> {
        Vec::new()
    }
    fn row(m: &person::Model, _: &Names) -> Vec<Cell> {
        vec![
            Cell::Id(Self::TYPE, m.id.to_string()),
            Cell::Text(m.family_name.clone()),
            Cell::text(&m.given_name),
            Cell::text(&m.name_zh),
            Cell::id("Source", m.source_id),
            Cell::Integer(m.version.into()),
            Cell::Time(m.created_at),
            Cell::Time(m.updated_at),
            Cell::time(m.archived_at),
        ]
    }
}

impl Exported for source::Entity {
    const TYPE: &'static str = "Source";
    fn columns() -> Vec<&'static str> {
        vec![
            "id",
            "title",
            "url",
            "publisher",
            "author",
            "publishedOn",
            "version",
            "createdAt",
            "updatedAt",
            "archivedAt",
        ]
    }
    fn organisations(_: &source::Model) -> Vec<Option<i64>> {
        Vec::new()
    }
    fn row(m: &source::Model, _: &Names) -> Vec<Cell> {
        vec![
            Cell::Id(Self::TYPE, m.id.to_string()),
            Cell::Text(m.title.clone()),
            Cell::text(&m.url),
            Cell::text(&m.publisher),
            Cell::text(&m.author),
            Cell::date(m.published_on),
            Cell::Integer(m.version.into()),
            Cell::Time(m.created_at),
            Cell::Time(m.updated_at),
            Cell::time(m.archived_at),
        ]
    }
}

impl Exported for consortium::Entity {
    const TYPE: &'static str = "Consortium";
    fn columns() -> Vec<&'static str> {
        vec![
            "id",
            "nameEn",
            "nameZh",
            "coordinator",
            "coordinatorId",
            "version",
            "createdAt",
            "updatedAt",
            "archivedAt",
        ]
    }
    fn organisations(m: &consortium::Model) -> Vec<Option<i64>> {
        vec![m.coordinator_id]
    }
    fn row(m: &consortium::Model, names: &Names) -> Vec<Cell> {
        let [coordinator, coordinator_id] = names.organisation(m.coordinator_id);
        vec![
            Cell::Id(Self::TYPE, m.id.to_string()),
            Cell::Text(m.name_en.clone()),
            Cell::text(&m.name_zh),
            coordinator,
            coordinator_id,
            Cell::Integer(m.version.into()),
            Cell::Time(m.created_at),
            Cell::Time(m.updated_at),
            Cell::time(m.archived_at),
        ]
    }
}

impl Exported for country::Entity {
    const TYPE: &'static str = "Country";
    fn columns() -> Vec<&'static str> {
        vec![
            "id",
            "code",
            "nameEn",
            "nameZh",
            "isRegion",
            "worldRegion",
            "worldSubregion",
        ]
    }
    fn organisations(_: &country::Model) -> Vec<Option<i64>> {
        Vec::new()
    }
    fn row(m: &country::Model, _: &Names) -> Vec<Cell> {
        vec![
            Cell::Id(Self::TYPE, m.code.clone()),
            Cell::Text(m.code.clone()),
            Cell::Text(m.name_en.clone()),
            Cell::Text(m.name_zh.clone()),
            Cell::Flag(m.is_region),
            Cell::text(&m.region_code),
            Cell::text(&m.subregion_code),
        ]
    }
}

/// A future borrowed from the rows it reads.
pub type PageFuture<'a> = Pin<Box<dyn Future<Output = Result<Option<Vec<Vec<Cell>>>>> + Send + 'a>>;

/// An export under way: its header, then its rows a page at a time.
pub trait Rows: Send {
    fn columns(&self) -> Vec<&'static str>;
    /// The next page's rows; `None` past the last.
    fn next_page(&mut self) -> PageFuture<'_>;
}

struct ListRows<E: Exported> {
    scope: Scope,
    list: RootList<E>,
    after: Option<String>,
    done: bool,
}

impl<E: Exported> Rows for ListRows<E>
where
    RootList<E>: Send,
{
    fn columns(&self) -> Vec<&'static str> {
        E::columns()
    }

    fn next_page(&mut self) -> PageFuture<'_> {
        Box::pin(async move {
            if self.done {
                return Ok(None);
            }
            let args = PageArgs {
                first: Some(EXPORT_PAGE),
                after: self.after.take(),
                ..Default::default()
            };
            let slice = self.scope.list(&self.list, &args, false).await?;
            self.done = !slice.has_next;
            self.after = slice.cursors.last().cloned();
            if slice.items.is_empty() {
                self.done = true;
                return Ok(None);
            }
            Ok(Some(rows_of::<E>(&self.scope, &slice.items).await?))
        })
    }
}

/// The rows of `list` as `scope`'s caller may read them, in the list's order.
pub fn rows<E: Exported + 'static>(scope: Scope, list: RootList<E>) -> Box<dyn Rows>
where
    RootList<E>: Send,
{
    Box::new(ListRows {
        scope,
        list,
        after: None,
        done: false,
    })
}

/// Rows computed already (a statistics breakdown: a handful), as one page.
struct FixedRows {
    columns: Vec<&'static str>,
    rows: Option<Vec<Vec<Cell>>>,
}

impl Rows for FixedRows {
    fn columns(&self) -> Vec<&'static str> {
        self.columns.clone()
    }

    fn next_page(&mut self) -> PageFuture<'_> {
        let page = self.rows.take().filter(|rows| !rows.is_empty());
        Box::pin(async move { Ok(page) })
    }
}

/// `rows` under `columns`, as an export.
pub fn fixed(columns: Vec<&'static str>, rows: Vec<Vec<Cell>>) -> Box<dyn Rows> {
    Box::new(FixedRows {
        columns,
        rows: Some(rows),
    })
}

/// The rows of `models`, read for `scope`'s caller, with the names of the organisations
/// they point at (one statement for all of them). Webhook deliveries carry a record as
/// this row, so a delivery and an export show a record alike.
pub(crate) async fn rows_of<E: Exported>(
    scope: &Scope,
    models: &[E::Model],
) -> Result<Vec<Vec<Cell>>> {
    let mut ids: Vec<i64> = models.iter().flat_map(E::organisations).flatten().collect();
    ids.sort_unstable();
    ids.dedup();
    let names = scope
        .by_keys::<organisation::Entity>(&ids)
        .await?
        .into_iter()
        .map(|(id, o)| (id, o.name_en))
        .collect();
    let names = Names(names);
    Ok(models.iter().map(|m| E::row(m, &names)).collect())
}
