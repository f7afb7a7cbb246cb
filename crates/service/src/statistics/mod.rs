//! Statistics: the defined indicators computed from the records, their breakdowns, and
//! the records behind every figure.
//!
//! Each indicator is a set of records of one table (partner organisations, agreements,
//! countries...) described by a condition on that table (`define.rs`). Its value is the
//! database's `COUNT(*)` of the readable, live rows that meet it; a breakdown groups the
//! same rows by a key (`GROUP BY` over (record, key) pairs); a drill-down is the same
//! rows as a root list, narrowed to one key. So a row's value is always the length of
//! its drill-down for the same caller: both are the one select that starts from
//! `Scope::find` (the read rule first), counted or paged.
mod define;
mod kept;
mod overview;
mod reported;
pub use reported::Reported;

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::enums::IndicatorCode;
use entity::{consortium, consortium_member, indicator_definition, organisation};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement, UnionType};
use sea_orm::{ColumnTrait, Condition, Statement};

use define::{Mapping, Narrow};
pub use define::{RecordSlice, Records};
pub use kept::KeptFigures;
pub use overview::{ConnectedPartner, MemberFigures, Overview, StandardCountry};

use crate::query::DateRange;
use crate::{Error, Principal, Result, Scope};

/// Whose figures: a consortium's members, one organisation, or (by default) every
/// consortium the caller belongs to (for the coordinator and anonymous callers, every
/// consortium). Units are always rolled up into the organisation they belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Default,
    Consortium(i64),
    Organisation(i64),
}

/// What a breakdown groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dimension {
    /// The country or region of the record (or of its partner, adoption, participant).
    Country,
    /// The world region (UN M49 continent: Africa, Americas, Asia, Europe, Oceania) of
    /// that place. Hong Kong, Macao and Taiwan are in Asia; they still count as regions
    /// (not countries) in "countries and regions".
    Region,
    /// The world sub-region (UN M49, its finest level: Eastern Asia, Western Europe,
    /// Eastern Africa) of that place.
    Subregion,
    /// The year of the record's date (signed, started, issued, opened).
    Year,
    /// The record's kind.
    Kind,
    /// The record's stored status.
    Status,
    /// The subject's member (or, for one organisation, the organisation itself) the
    /// record counts for; a record shared by members counts under each.
    Member,
}

/// The subject resolved, with the dates the figures are for.
#[derive(Debug, Clone)]
pub struct Frame {
    pub subject: Subject,
    /// The day stocks (agreements in effect, partners, centres) are counted on.
    pub as_of: NaiveDate,
    /// The period flows (events, participants) are counted in.
    pub period: DateRange,
    /// (member, organisation) for every organisation of the subject: each member (or
    /// the one organisation) and its units at any depth.
    tree: Vec<(i64, i64)>,
}

impl Frame {
    /// The members (roots) of the subject, in the order they were found.
    pub fn members(&self) -> Vec<i64> {
        let mut out: Vec<i64> = Vec::new();
        for (root, _) in &self.tree {
            if !out.contains(root) {
                out.push(*root);
            }
        }
        out
    }

    /// The same frame for one of its members alone.
    pub fn only(&self, member: i64) -> Frame {
        Frame {
            subject: Subject::Organisation(member),
            as_of: self.as_of,
            period: self.period,
            tree: self
                .tree
                .iter()
                .filter(|(root, _)| *root == member)
                .copied()
                .collect(),
        }
    }

    /// Every organisation of the subject, units included.
    fn organisations(&self) -> Vec<i64> {
        let mut out: Vec<i64> = self.tree.iter().map(|(_, org)| *org).collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// What the figures of this frame depend on besides the data: a key for
    /// [`KeptFigures`].
    fn key(&self) -> String {
        format!(
            "{:?}|{}|{:?}|{:?}",
            self.subject, self.as_of, self.period, self.tree
        )
    }

    /// The organisations of one member, units included.
    fn organisations_of(&self, member: i64) -> Vec<i64> {
        self.tree
            .iter()
            .filter(|(root, _)| *root == member)
            .map(|(_, org)| *org)
            .collect()
    }
}

/// A computed figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Figure {
    pub code: IndicatorCode,
    pub value: u64,
}

/// One row of a breakdown. `key` is `None` for records whose key is not recorded (a
/// partner without a country, an agreement without a signing date).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakdownRow {
    pub dimension: Dimension,
    /// A country code, an M49 region code, a year, a stored kind or status, or (for
    /// `Member`) the member organisation's key.
    pub key: Option<String>,
    pub label_en: String,
    pub label_zh: String,
    pub value: u64,
}

impl BreakdownRow {
    /// The member a `Member` row is about.
    pub fn member(&self) -> Option<i64> {
        match self.dimension {
            Dimension::Member => self.key.as_deref().and_then(|k| k.parse().ok()),
            _ => None,
        }
    }
}

/// Every defined indicator, in the registry's order.
pub const CODES: [IndicatorCode; 11] = [
    IndicatorCode::PartnerInstitutions,
    IndicatorCode::PartnerCountriesAndRegions,
    IndicatorCode::AgreementsInEffect,
    IndicatorCode::JointProgrammesRunning,
    IndicatorCode::InternationalEventsHosted,
    IndicatorCode::ForeignParticipants,
    IndicatorCode::CurriculumStandardsDeveloped,
    IndicatorCode::StandardsAdoptedAbroad,
    IndicatorCode::StandardAdoptingCountriesAndRegions,
    IndicatorCode::TrainingCentresAbroad,
    IndicatorCode::TrainingCentreCountries,
];

/// The dimensions an indicator can be broken down by.
pub fn dimensions(code: IndicatorCode) -> &'static [Dimension] {
    use Dimension::*;
    use IndicatorCode as I;
    match code {
        I::PartnerInstitutions => &[Country, Region, Subregion, Kind, Member],
        I::PartnerCountriesAndRegions
        | I::StandardAdoptingCountriesAndRegions
        | I::TrainingCentreCountries => &[Region, Subregion, Member],
        I::AgreementsInEffect | I::JointProgrammesRunning | I::InternationalEventsHosted => {
            &[Country, Region, Subregion, Year, Kind, Status, Member]
        }
        I::ForeignParticipants
        | I::CurriculumStandardsDeveloped
        | I::StandardsAdoptedAbroad
        | I::TrainingCentresAbroad => &[Country, Region, Subregion, Year, Member],
    }
}

/// The name of the recursive query of the subject's organisations.
const SUBJECT_TREE: &str = "subject_tree";

impl Scope {
    /// The registry of indicator definitions, in its order.
    pub async fn indicator_definitions(&self) -> Result<Vec<indicator_definition::Model>> {
        let mut definitions = self.all::<indicator_definition::Entity>().await?;
        definitions.sort_by_key(|d| d.position);
        Ok(definitions)
    }

    /// Resolves `subject` for figures as of `as_of` (by default the end of `period`, or
    /// today): its members on that day and their units, read with one recursive query.
    pub async fn statistics_frame(
        &self,
        subject: Subject,
        period: DateRange,
        as_of: Option<NaiveDate>,
    ) -> Result<Frame> {
        self.kept(
            || format!("frame|{subject:?}|{period:?}|{as_of:?}"),
            self.resolve_frame(subject, period, as_of),
        )
        .await
    }

    async fn resolve_frame(
        &self,
        subject: Subject,
        period: DateRange,
        as_of: Option<NaiveDate>,
    ) -> Result<Frame> {
        let as_of = as_of.or(period.to).unwrap_or_else(|| self.today());
        let current = |q: &mut SelectStatement| {
            q.cond_where(
                Condition::any()
                    .add(consortium_member::Column::JoinedOn.is_null())
                    .add(consortium_member::Column::JoinedOn.lte(as_of)),
            )
            .cond_where(
                Condition::any()
                    .add(consortium_member::Column::LeftOn.is_null())
                    .add(consortium_member::Column::LeftOn.gte(as_of)),
            );
        };
        let members = |consortia: Option<SelectStatement>| {
            let mut q = Query::select()
                .column(consortium_member::Column::OrganisationId)
                .from(consortium_member::Entity)
                .to_owned();
            if let Some(consortia) = consortia {
                q.and_where(consortium_member::Column::ConsortiumId.in_subquery(consortia));
            }
            current(&mut q);
            q
        };
        let roots = match subject {
            Subject::Organisation(id) => organisation::Column::Id.eq(id),
            Subject::Consortium(id) => {
                self.get::<consortium::Entity>(id).await?;
                let consortium = Query::select().expr(Expr::val(id)).to_owned();
                organisation::Column::Id.in_subquery(members(Some(consortium)))
            }
            Subject::Default => match self.principal() {
                Principal::Member {
                    organisation_id, ..
                } => {
                    let own = Query::select()
                        .column(consortium_member::Column::ConsortiumId)
                        .from(consortium_member::Entity)
                        .and_where(consortium_member::Column::OrganisationId.eq(*organisation_id))
                        .to_owned();
                    organisation::Column::Id.in_subquery(members(Some(own)))
                }
                _ => organisation::Column::Id.in_subquery(members(None)),
            },
        };
        let tree = self.subject_tree(roots).await?;
        if tree.is_empty() && matches!(subject, Subject::Organisation(_)) {
            return Err(Error::NotFound);
        }
        Ok(Frame {
            subject,
            as_of,
            period,
            tree,
        })
    }

    /// (root, organisation) for the roots that meet `roots` and their units at any
    /// depth. `UNION` rather than `UNION ALL` stops at a cycle.
    async fn subject_tree(&self, roots: Expr) -> Result<Vec<(i64, i64)>> {
        let anchor = Query::select()
            .expr_as(Expr::col(organisation::Column::Id), "root")
            .expr_as(Expr::col(organisation::Column::Id), "org")
            .from(organisation::Entity)
            .and_where(roots)
            .to_owned();
        let sql = format!(
            "WITH RECURSIVE \"{t}\" (\"root\", \"org\") AS ({anchor} UNION \
             SELECT \"{t}\".\"root\", \"organisation\".\"id\" FROM \"organisation\" \
             INNER JOIN \"{t}\" ON \"organisation\".\"parent_id\" = \"{t}\".\"org\") \
             SELECT \"root\", \"org\" FROM \"{t}\" ORDER BY \"root\", \"org\"",
            t = SUBJECT_TREE,
            anchor = self.inline(&anchor),
        );
        let statement = Statement::from_string(self.db().get_database_backend(), sql);
        let mut out = Vec::new();
        for row in self.rows_of(statement).await? {
            out.push((
                row.try_get::<i64>("", "root")?,
                row.try_get::<i64>("", "org")?,
            ));
        }
        Ok(out)
    }

    /// The value of each of `codes` for `frame`, in one statement.
    pub async fn figures(&self, frame: &Frame, codes: &[IndicatorCode]) -> Result<Vec<Figure>> {
        self.kept(
            || format!("figures|{}|{codes:?}", frame.key()),
            self.count_figures(frame, codes),
        )
        .await
    }

    async fn count_figures(&self, frame: &Frame, codes: &[IndicatorCode]) -> Result<Vec<Figure>> {
        let organisations = frame.organisations();
        let arms = codes
            .iter()
            .map(|code| {
                let mut count = self
                    .statistics_records(frame, *code, &organisations, None)
                    .count_query();
                count.expr_as(Expr::val(stored(*code)), "code");
                count
            })
            .collect();
        let mut values: HashMap<String, u64> = HashMap::new();
        if let Some(query) = union_all(arms) {
            for row in self.rows(&query).await? {
                let code: String = row.try_get("", "code")?;
                values.insert(code, row.try_get::<i64>("", "value")? as u64);
            }
        }
        Ok(codes
            .iter()
            .map(|code| Figure {
                code: *code,
                value: values.get(&stored(*code)).copied().unwrap_or(0),
            })
            .collect())
    }

    /// The value of `code` for `frame` broken down by `dimension`, largest first. A
    /// dimension the indicator has no breakdown by is `BAD_USER_INPUT` on `by`.
    pub async fn breakdown(
        &self,
        frame: &Frame,
        code: IndicatorCode,
        dimension: Dimension,
    ) -> Result<Vec<BreakdownRow>> {
        self.kept(
            || format!("breakdown|{}|{code:?}|{dimension:?}", frame.key()),
            self.count_breakdown(frame, code, dimension),
        )
        .await
    }

    async fn count_breakdown(
        &self,
        frame: &Frame,
        code: IndicatorCode,
        dimension: Dimension,
    ) -> Result<Vec<BreakdownRow>> {
        if !dimensions(code).contains(&dimension) {
            return Err(Error::bad_input(
                "by",
                format!("this indicator has no breakdown by {dimension:?}"),
            ));
        }
        let mut rows = Vec::new();
        if dimension == Dimension::Member {
            let members = frame.members();
            let arms = members
                .iter()
                .map(|member| {
                    let mut count = self
                        .statistics_records(frame, code, &frame.organisations_of(*member), None)
                        .count_query();
                    count.expr_as(Expr::val(*member), "member");
                    count
                })
                .collect();
            let names: HashMap<i64, organisation::Model> =
                self.by_keys::<organisation::Entity>(&members).await?;
            if let Some(query) = union_all(arms) {
                for row in self.rows(&query).await? {
                    let member: i64 = row.try_get("", "member")?;
                    let value = row.try_get::<i64>("", "value")? as u64;
                    let (en, zh) = names
                        .get(&member)
                        .map(|o| {
                            (
                                o.name_en.clone(),
                                o.name_zh.clone().unwrap_or_else(|| o.name_en.clone()),
                            )
                        })
                        .unwrap_or_default();
                    rows.push(BreakdownRow {
                        dimension,
                        key: Some(member.to_string()),
                        label_en: en,
                        label_zh: zh,
                        value,
                    });
                }
            }
        } else {
            let organisations = frame.organisations();
            let records = self.statistics_records(frame, code, &organisations, None);
            let mapping = define::mapping(self, frame, code, dimension, &organisations);
            let names = key_names(dimension);
            let query = records.grouped_query(mapping, names);
            for row in self.rows(&query).await? {
                let key: Option<String> = row.try_get("", "key")?;
                let value = row.try_get::<i64>("", "value")? as u64;
                let (en, zh) = match names {
                    define::KeyNames::None => (None, None),
                    _ => (row.try_get("", "name_en")?, row.try_get("", "name_zh")?),
                };
                rows.push(row_of(dimension, key, value, en, zh));
            }
        }
        Ok(ranked(rows))
    }

    /// `breakdown` with the first page of every row's records (`pages`: the arguments
    /// of a first page, without a cursor) read in the same statement, and the
    /// indicator's value where the rows give it: where every record has exactly one key
    /// (its own country, year, kind...), the value is the sum of the rows. `None` for
    /// the member breakdown and for a dimension the indicator has none by (`breakdown`
    /// answers those).
    pub async fn breakdown_with_pages(
        &self,
        frame: &Frame,
        code: IndicatorCode,
        dimension: Dimension,
        pages: Option<&crate::PageArgs>,
    ) -> Result<Option<PagedBreakdown>> {
        self.kept(
            || {
                format!(
                    "paged breakdown|{}|{code:?}|{dimension:?}|{pages:?}",
                    frame.key()
                )
            },
            self.count_paged_breakdown(frame, code, dimension, pages),
        )
        .await
    }

    async fn count_paged_breakdown(
        &self,
        frame: &Frame,
        code: IndicatorCode,
        dimension: Dimension,
        pages: Option<&crate::PageArgs>,
    ) -> Result<Option<PagedBreakdown>> {
        if dimension == Dimension::Member || !dimensions(code).contains(&dimension) {
            return Ok(None);
        }
        let organisations = frame.organisations();
        let records = self.statistics_records(frame, code, &organisations, None);
        let mapping = define::mapping(self, frame, code, dimension, &organisations);
        let one_key = matches!(mapping, Mapping::Own(_));
        let names = key_names(dimension);
        let (rows, pages) = match pages {
            Some(args) => {
                let (rows, pages) = records.rows_with_pages(self, mapping, names, args).await?;
                let rows = rows
                    .into_iter()
                    .map(|(key, value, en, zh)| row_of(dimension, key, value, en, zh))
                    .collect();
                (ranked(rows), pages)
            }
            None => (
                self.breakdown(frame, code, dimension).await?,
                HashMap::new(),
            ),
        };
        let total = one_key.then(|| rows.iter().map(|r| r.value).sum());
        Ok(Some(PagedBreakdown { rows, total, pages }))
    }

    /// The records behind `code`'s value for `frame`, or behind one breakdown row of it
    /// (`row`: its dimension and key), as a root list.
    pub fn drill_down(
        &self,
        frame: &Frame,
        code: IndicatorCode,
        row: Option<(Dimension, Option<String>)>,
    ) -> Records {
        match row {
            None => self.statistics_records(frame, code, &frame.organisations(), None),
            Some((Dimension::Member, key)) => {
                let member = key.and_then(|k| k.parse::<i64>().ok()).unwrap_or(-1);
                self.statistics_records(frame, code, &frame.organisations_of(member), None)
            }
            Some((dimension, key)) => {
                let organisations = frame.organisations();
                let only = match define::mapping(self, frame, code, dimension, &organisations) {
                    Mapping::Own(expr) => Narrow::Where(match key {
                        Some(k) => expr.eq(k),
                        None => expr.is_null(),
                    }),
                    Mapping::Pairs(pairs) => Narrow::Keys(Box::new(
                        Query::select()
                            .column(("keys", "rid"))
                            .from_subquery(*pairs, "keys")
                            .and_where(match key {
                                Some(k) => Expr::col(("keys", "key")).eq(k),
                                None => Expr::col(("keys", "key")).is_null(),
                            })
                            .to_owned(),
                    )),
                };
                self.statistics_records(frame, code, &organisations, Some(only))
            }
        }
    }

    /// The first page of the records of several rows of one breakdown (by `dimension`;
    /// for `Member`, each row is the member's own list, numbered apart), in one
    /// statement: the pages and cursors each row's own `drill_down` list gives, for
    /// `args` without a cursor (a later page goes through that list).
    pub async fn first_pages(
        &self,
        frame: &Frame,
        code: IndicatorCode,
        dimension: Dimension,
        keys: &[Option<String>],
        args: &crate::PageArgs,
    ) -> Result<HashMap<Option<String>, RecordSlice>> {
        self.kept(
            || {
                format!(
                    "first pages|{}|{code:?}|{dimension:?}|{keys:?}|{args:?}",
                    frame.key()
                )
            },
            self.read_first_pages(frame, code, dimension, keys, args),
        )
        .await
    }

    async fn read_first_pages(
        &self,
        frame: &Frame,
        code: IndicatorCode,
        dimension: Dimension,
        keys: &[Option<String>],
        args: &crate::PageArgs,
    ) -> Result<HashMap<Option<String>, RecordSlice>> {
        if dimension == Dimension::Member {
            // Each member's row is the subject narrowed to that member's organisations.
            let lists = keys
                .iter()
                .flatten()
                .filter_map(|key| Some((key.clone(), key.parse::<i64>().ok()?)))
                .map(|(key, member)| {
                    let organisations = frame.organisations_of(member);
                    let records = self.statistics_records(frame, code, &organisations, None);
                    (key, records)
                })
                .collect();
            return self.first_pages_of_members(lists, args).await;
        }
        let organisations = frame.organisations();
        let records = self.statistics_records(frame, code, &organisations, None);
        let mapping = define::mapping(self, frame, code, dimension, &organisations);
        self.first_pages_of(&records, mapping, keys, args).await
    }

    /// Runs a built select through this scope's reader.
    pub(crate) async fn rows(&self, query: &SelectStatement) -> Result<Vec<sea_orm::QueryResult>> {
        let statement = self.db().get_database_backend().build(query);
        self.rows_of(statement).await
    }

    /// A select as SQL text with its values written in (escaped by the builder), for a
    /// statement that wraps it in text of its own.
    fn inline(&self, query: &SelectStatement) -> String {
        match self.db().get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => {
                query.to_string(sea_orm::sea_query::PostgresQueryBuilder)
            }
            _ => query.to_string(sea_orm::sea_query::SqliteQueryBuilder),
        }
    }
}

/// The stored value of a code.
pub fn stored(code: IndicatorCode) -> String {
    use sea_orm::ActiveEnum;
    code.to_value()
}

/// The code a stored value names.
pub fn code_of(stored: &str) -> Result<IndicatorCode> {
    use sea_orm::ActiveEnum;
    Ok(IndicatorCode::try_from_value(&stored.to_owned())?)
}

/// SQLite refuses a compound select of more than 500 terms: longer unions are
/// nested, each part a derived table of at most this many.
const UNION_PART: usize = 250;

/// `arms` joined by `UNION ALL` (nested past [`UNION_PART`] terms), or `None` when
/// there are none.
fn union_all(arms: Vec<SelectStatement>) -> Option<SelectStatement> {
    fn chain(arms: Vec<SelectStatement>) -> Option<SelectStatement> {
        let mut arms = arms.into_iter();
        let mut first = arms.next()?;
        for arm in arms {
            first.union(UnionType::All, arm);
        }
        Some(first)
    }
    if arms.len() <= UNION_PART {
        return chain(arms);
    }
    let mut parts = Vec::new();
    let mut arms = arms.into_iter().peekable();
    while arms.peek().is_some() {
        let part: Vec<SelectStatement> = arms.by_ref().take(UNION_PART).collect();
        let alias = format!("part_{}", parts.len());
        parts.push(
            Query::select()
                .column(sea_orm::sea_query::Asterisk)
                .from_subquery(chain(part)?, Alias::new(alias))
                .to_owned(),
        );
    }
    union_all(parts)
}

/// A breakdown with the first page of each row's records (see
/// [`Scope::breakdown_with_pages`]).
#[derive(Clone)]
pub struct PagedBreakdown {
    pub rows: Vec<BreakdownRow>,
    /// The indicator's value, where every record has one key: the sum of the rows.
    pub total: Option<u64>,
    /// Each row's first page, by the row's key; empty when no page was asked for.
    pub pages: HashMap<Option<String>, RecordSlice>,
}

/// Where the keys of a breakdown by `dimension` are named.
fn key_names(dimension: Dimension) -> define::KeyNames {
    match dimension {
        Dimension::Country => define::KeyNames::Countries,
        Dimension::Region | Dimension::Subregion => define::KeyNames::WorldRegions,
        _ => define::KeyNames::None,
    }
}

/// A breakdown row from its key, its count and the names its table gives the key.
fn row_of(
    dimension: Dimension,
    key: Option<String>,
    value: u64,
    name_en: Option<String>,
    name_zh: Option<String>,
) -> BreakdownRow {
    let (en, zh) = match (&key, dimension) {
        (None, _) => ("Not recorded".to_owned(), "未记录".to_owned()),
        (Some(k), Dimension::Country | Dimension::Region | Dimension::Subregion) => {
            let code = k.clone();
            (name_en.unwrap_or(code.clone()), name_zh.unwrap_or(code))
        }
        (Some(k), Dimension::Year) => (k.clone(), format!("{k}年")),
        (Some(k), _) => define::label(k),
    };
    BreakdownRow {
        dimension,
        key: key.map(|k| k.trim().to_owned()),
        label_en: en,
        label_zh: zh,
        value,
    }
}

/// The rows that count something, largest first, then by key (not recorded last).
fn ranked(mut rows: Vec<BreakdownRow>) -> Vec<BreakdownRow> {
    rows.retain(|r| r.value > 0);
    rows.sort_by(|a, b| {
        b.value
            .cmp(&a.value)
            .then_with(|| a.key.is_none().cmp(&b.key.is_none()))
            .then_with(|| a.key.cmp(&b.key))
    });
    rows
}
