//! The statistics object types: definitions, computed indicators, breakdown rows, the
//! records behind them (one connection of a union, paged like every root list) and
//! the consortium overview.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_graphql::{Context, Enum, Object, Union};
use service::PageArgs;
use service::entity::enums::IndicatorCode;
use service::entity::{curriculum_standard, indicator_definition, organisation};
use service::statistics::{self as stats, Dimension, Figure, Frame, RecordSlice, Records};

use crate::agreements::Agreement;
use crate::centres::TrainingCentre;
use crate::connection::{StatisticsRecordConnection, args, loaded, root};
use crate::countries::{Country, WorldRegion, country_opt, world_region_opt};
use crate::error::Result;
use crate::events::Event;
use crate::ids::{Kind, encode};
use crate::loader;
use crate::organisations::Organisation;
use crate::people::Person;
use crate::record::{organisation, scope};
use crate::scalars::{Date, date};
use crate::standards::CurriculumStandard;

/// What a breakdown groups a figure by.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "service::statistics::Dimension")]
pub enum BreakdownDimension {
    /// The country or region of the record, or of its partner, adoption or participant.
    Country,
    /// The world region (UN M49 continent: Africa, Americas, Asia, Europe, Oceania) of
    /// that place, keyed by its M49 code (`142` Asia). Hong Kong, Macao and Taiwan are
    /// in Asia; they still count as regions, not countries, in "countries and regions".
    Region,
    /// The world sub-region (UN M49's finest level: `030` Eastern Asia, `155` Western
    /// Europe, `014` Eastern Africa) of that place.
    Subregion,
    /// The year of the record's date (signed, started, issued, opened).
    Year,
    /// The record's kind.
    Kind,
    /// The record's status as stored.
    Status,
    /// The subject's member the record counts for (a record shared by members counts
    /// under each).
    Member,
}

/// A defined indicator: what a computed figure counts.
pub struct IndicatorDefinition(pub indicator_definition::Model);

fn code_of(stored: &str) -> Result<IndicatorCode> {
    crate::error::svc(stats::code_of(stored))
}

/// A defined indicator: what a computed figure counts.
#[Object]
impl IndicatorDefinition {
    /// The stable code.
    async fn code(&self) -> Result<IndicatorCode> {
        code_of(&self.0.code)
    }
    /// Name in English.
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }
    /// Name in Chinese.
    async fn name_zh(&self) -> &str {
        &self.0.name_zh
    }
    /// What one counted record is, e.g. `institutions`.
    async fn unit(&self) -> &str {
        &self.0.unit
    }
    /// What is counted, and when a record counts.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// The breakdowns the indicator has.
    async fn breakdowns(&self) -> Result<Vec<BreakdownDimension>> {
        Ok(stats::dimensions(code_of(&self.0.code)?)
            .iter()
            .map(|d| (*d).into())
            .collect())
    }
}

/// The definition of `code`.
pub(crate) async fn definition(
    ctx: &Context<'_>,
    code: IndicatorCode,
) -> Result<IndicatorDefinition> {
    Ok(IndicatorDefinition(
        loader::required::<indicator_definition::Entity>(ctx, stats::stored(code)).await?,
    ))
}

/// A record behind a figure.
#[derive(Union)]
pub enum StatisticsRecord {
    Organisation(Organisation),
    Country(Country),
    Agreement(Agreement),
    Event(Event),
    Person(Person),
    CurriculumStandard(CurriculumStandard),
    TrainingCentre(TrainingCentre),
}

/// A page of the records `records` lists.
async fn page(
    ctx: &Context<'_>,
    records: Records,
    args: PageArgs,
) -> Result<StatisticsRecordConnection> {
    use StatisticsRecord as R;
    match records {
        Records::Organisations(l) => root(ctx, l, args, |m| R::Organisation(Organisation(m))).await,
        Records::Countries(l) => root(ctx, l, args, |m| R::Country(Country::new(m))).await,
        Records::Agreements(l) => root(ctx, l, args, |m| R::Agreement(Agreement(m))).await,
        Records::Events(l) => root(ctx, l, args, |m| R::Event(Event(m))).await,
        Records::People(l) => root(ctx, l, args, |m| R::Person(Person(m))).await,
        Records::Standards(l) => {
            root(ctx, l, args, |m| {
                R::CurriculumStandard(CurriculumStandard(m))
            })
            .await
        }
        Records::Centres(l) => root(ctx, l, args, |m| R::TrainingCentre(TrainingCentre(m))).await,
    }
}

/// A page of records read already.
fn loaded_records(slice: RecordSlice) -> StatisticsRecordConnection {
    use StatisticsRecord as R;
    match slice {
        RecordSlice::Organisations(s) => loaded(s, |m| R::Organisation(Organisation(m))),
        RecordSlice::Countries(s) => loaded(s, |m| R::Country(Country::new(m))),
        RecordSlice::Agreements(s) => loaded(s, |m| R::Agreement(Agreement(m))),
        RecordSlice::Events(s) => loaded(s, |m| R::Event(Event(m))),
        RecordSlice::People(s) => loaded(s, |m| R::Person(Person(m))),
        RecordSlice::Standards(s) => loaded(s, |m| R::CurriculumStandard(CurriculumStandard(m))),
        RecordSlice::Centres(s) => loaded(s, |m| R::TrainingCentre(TrainingCentre(m))),
    }
}

/// Figures for a subject, as of a day and over a period.
pub struct Statistics(pub Arc<Frame>);

/// Figures for a subject, as of a day and over a period.
#[Object]
impl Statistics {
    /// The day stocks (partners, agreements, standards, centres) are counted on.
    async fn as_of(&self) -> Date {
        Date(self.0.as_of)
    }
    /// The start of the period flows (events, participants) are counted in.
    async fn period_from(&self) -> Option<Date> {
        date(self.0.period.from)
    }
    /// The end of that period.
    async fn period_to(&self) -> Option<Date> {
        date(self.0.period.to)
    }
    /// The organisations the figures are for: the consortium's members on `asOf`, or
    /// the one organisation (units count as the organisation they belong to).
    async fn members(&self, ctx: &Context<'_>) -> Result<Vec<Organisation>> {
        Ok(loader::many::<organisation::Entity>(ctx, self.0.members())
            .await?
            .into_iter()
            .map(Organisation)
            .collect())
    }
    /// Every defined indicator (or those in `codes`) computed, in the registry's order;
    /// all in one statement.
    async fn indicators(
        &self,
        ctx: &Context<'_>,
        codes: Option<Vec<IndicatorCode>>,
    ) -> Result<Vec<ComputedIndicator>> {
        let codes: Vec<IndicatorCode> = match codes {
            Some(codes) => stats::CODES
                .into_iter()
                .filter(|c| codes.contains(c))
                .collect(),
            None => stats::CODES.to_vec(),
        };
        let figures = crate::error::svc(scope(ctx).figures(&self.0, &codes).await)?;
        Ok(figures
            .into_iter()
            .map(|figure| ComputedIndicator {
                frame: self.0.clone(),
                figure,
                member: None,
                prepared: None,
            })
            .collect())
    }
    /// One indicator computed.
    async fn indicator(&self, ctx: &Context<'_>, code: IndicatorCode) -> Result<ComputedIndicator> {
        let scope = scope(ctx);
        // A breakdown asked for here is read now, with its rows' first pages of records
        // when they are asked for too: one statement numbers every row's records once
        // instead of one for the rows and one for their pages. Where every record has
        // one key, the rows also give the value.
        let mut prepared = None;
        if let Some((dimension, first)) = breakdown_asked(ctx) {
            let args = first.map(|first| PageArgs {
                first,
                ..Default::default()
            });
            let paged = scope
                .breakdown_with_pages(&self.0, code, dimension, args.as_ref())
                .await;
            if let Some(paged) = crate::error::svc(paged)? {
                prepared = Some(Arc::new(Prepared {
                    dimension,
                    first: first.flatten(),
                    total: paged.total,
                    rows: paged.rows,
                    pages: Mutex::new(paged.pages),
                }));
            }
        }
        let figure = match prepared.as_ref().and_then(|p| p.total) {
            Some(value) => Figure { code, value },
            None => crate::error::svc(scope.figures(&self.0, &[code]).await)?[0],
        };
        Ok(ComputedIndicator {
            frame: self.0.clone(),
            figure,
            member: None,
            prepared,
        })
    }
}

/// The breakdown an indicator's selection asks for (the first `breakdown` field's
/// `by`), and, when its rows ask for a first page of records (`records` without a
/// cursor or `last`), that page's `first`.
fn breakdown_asked(ctx: &Context<'_>) -> Option<(Dimension, Option<Option<i32>>)> {
    use async_graphql::{InputType, Value};
    let look = ctx.look_ahead().field("breakdown");
    let field = look.selection_fields().into_iter().next()?;
    let arguments = field.arguments().ok()?;
    let by = arguments.iter().find(|(name, _)| name.as_str() == "by")?;
    let dimension: Dimension = BreakdownDimension::parse(Some(by.1.clone())).ok()?.into();
    let records = async_graphql::Lookahead::from(field).field("records");
    let first = records.selection_fields().into_iter().find_map(|records| {
        let arguments = records.arguments().ok()?;
        let given = |name: &str| {
            arguments
                .iter()
                .find(|(n, _)| n.as_str() == name)
                .map(|(_, v)| v)
                .filter(|v| **v != Value::Null)
        };
        if given("after").is_some() || given("before").is_some() || given("last").is_some() {
            return None;
        }
        match given("first") {
            None => Some(None),
            Some(Value::Number(n)) => Some(Some(i32::try_from(n.as_i64()?).ok()?)),
            Some(_) => None,
        }
    });
    Some((dimension, first))
}

/// A breakdown read with the indicator (see `Statistics::indicator`).
struct Prepared {
    dimension: Dimension,
    /// The `first` its rows' pages were read for.
    first: Option<i32>,
    total: Option<u64>,
    rows: Vec<stats::BreakdownRow>,
    /// Each row's first page, handed over (not copied) to the row that shows it.
    pages: Mutex<HashMap<Option<String>, RecordSlice>>,
}

/// An indicator's value computed from the records the caller may read.
pub struct ComputedIndicator {
    frame: Arc<Frame>,
    figure: Figure,
    /// For a member's figure in the overview: the member it is limited to.
    member: Option<i64>,
    /// A breakdown read already, with its rows' first pages.
    prepared: Option<Arc<Prepared>>,
}

impl ComputedIndicator {
    fn drill_down(&self, ctx: &Context<'_>) -> Records {
        let row = self
            .member
            .map(|m| (Dimension::Member, Some(m.to_string())));
        scope(ctx).drill_down(&self.frame, self.figure.code, row)
    }
}

/// An indicator's value computed from the records the caller may read.
#[Object]
impl ComputedIndicator {
    /// The indicator's code.
    async fn code(&self) -> IndicatorCode {
        self.figure.code
    }
    /// What it counts.
    async fn definition(&self, ctx: &Context<'_>) -> Result<IndicatorDefinition> {
        definition(ctx, self.figure.code).await
    }
    /// How many records it counts: the length of `records`.
    async fn value(&self) -> u64 {
        self.figure.value
    }
    /// The value split by `by`, largest first; each row's value is the length of its
    /// `records`. A dimension the indicator has no breakdown by (see its definition's
    /// `breakdowns`) is BAD_USER_INPUT.
    async fn breakdown(
        &self,
        ctx: &Context<'_>,
        by: BreakdownDimension,
    ) -> Result<Vec<BreakdownRow>> {
        let scope = scope(ctx);
        if let Some(prepared) = self.prepared.as_ref().filter(|p| p.dimension == by.into()) {
            let mut pages = prepared.pages.lock().expect("pages lock");
            return Ok(prepared
                .rows
                .iter()
                .map(|row| BreakdownRow {
                    frame: self.frame.clone(),
                    code: self.figure.code,
                    page: Mutex::new(pages.remove(&row.key).map(|page| (prepared.first, page))),
                    row: row.clone(),
                })
                .collect());
        }
        let rows = if let Some(member) = self.member {
            // A member's figure splits its own records: the member's organisations only.
            // One frame for all rows, so that their records are batched together.
            let frame = Arc::new(self.frame.only(member));
            crate::error::svc(scope.breakdown(&frame, self.figure.code, by.into()).await)?
                .into_iter()
                .map(|row| BreakdownRow {
                    frame: frame.clone(),
                    code: self.figure.code,
                    row,
                    page: Mutex::new(None),
                })
                .collect()
        } else {
            crate::error::svc(
                scope
                    .breakdown(&self.frame, self.figure.code, by.into())
                    .await,
            )?
            .into_iter()
            .map(|row| BreakdownRow {
                frame: self.frame.clone(),
                code: self.figure.code,
                row,
                page: Mutex::new(None),
            })
            .collect()
        };
        Ok(rows)
    }
    /// The records counted, with the same paging and visibility as the root lists.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn records(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<StatisticsRecordConnection> {
        // A member's figure (in the overview): its first page is read with the other
        // members' in one statement.
        if let Some(member) = self.member
            && after.is_none()
            && before.is_none()
            && last.is_none()
        {
            let key = loader::RowRecords {
                frame: self.frame.clone(),
                code: self.figure.code,
                dimension: Dimension::Member,
                key: Some(member.to_string()),
                first,
            };
            if let Some(slice) = loader::row_records(ctx, key).await? {
                return Ok(loaded_records(slice));
            }
        }
        page(ctx, self.drill_down(ctx), args(first, after, last, before)).await
    }
}

/// A breakdown row's key as the API gives it (in `BreakdownRow.key` and exports): a
/// member's global id, a kind or status as the enum value, else as stored.
pub(crate) fn row_key(row: &stats::BreakdownRow) -> Option<String> {
    match (row.member(), &row.key) {
        (Some(member), _) => Some(encode(Kind::Organisation, member).0),
        (None, Some(key)) if matches!(row.dimension, Dimension::Kind | Dimension::Status) => {
            Some(key.to_uppercase())
        }
        (None, key) => key.clone(),
    }
}

/// One row of a breakdown.
pub struct BreakdownRow {
    frame: Arc<Frame>,
    code: IndicatorCode,
    row: stats::BreakdownRow,
    /// Its first page of records read with the breakdown, and the `first` it was read
    /// for; taken by the first `records` that asks for that page.
    page: Mutex<Option<(Option<i32>, RecordSlice)>>,
}

/// One row of a breakdown: a key, its names, and how many records it counts.
#[Object]
impl BreakdownRow {
    /// The key: a country code, an M49 region code (`142` Asia), a year, a kind or
    /// status (as the enum value), or a member's global id; null for records where it
    /// is not recorded.
    async fn key(&self) -> Option<String> {
        row_key(&self.row)
    }
    /// The key's name in English.
    async fn label_en(&self) -> &str {
        &self.row.label_en
    }
    /// The key's name in Chinese.
    async fn label_zh(&self) -> &str {
        &self.row.label_zh
    }
    /// How many records the row counts: the length of `records`.
    async fn value(&self) -> u64 {
        self.row.value
    }
    /// The country or region of a `COUNTRY` row.
    async fn country(&self, ctx: &Context<'_>) -> Result<Option<Country>> {
        if self.row.dimension != Dimension::Country {
            return Ok(None);
        }
        country_opt(ctx, &self.row.key).await
    }
    /// The world region of a `REGION` or `SUBREGION` row.
    async fn world_region(&self, ctx: &Context<'_>) -> Result<Option<WorldRegion>> {
        if !matches!(self.row.dimension, Dimension::Region | Dimension::Subregion) {
            return Ok(None);
        }
        world_region_opt(ctx, &self.row.key).await
    }
    /// The member of a `MEMBER` row.
    async fn member(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        match self.row.member() {
            Some(id) => Ok(Some(organisation(ctx, id).await?)),
            None => Ok(None),
        }
    }
    /// The records the row counts, with the same paging and visibility as the root lists.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn records(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<StatisticsRecordConnection> {
        // The first page of every row is read in one statement for all rows: with the
        // breakdown, or else apart from it (a later page goes through the row's list).
        if after.is_none() && before.is_none() && last.is_none() {
            let read =
                (self.page.lock().expect("page lock")).take_if(|(read_for, _)| *read_for == first);
            if let Some((_, page)) = read {
                return Ok(loaded_records(page));
            }
            let key = loader::RowRecords {
                frame: self.frame.clone(),
                code: self.code,
                dimension: self.row.dimension,
                key: self.row.key.clone(),
                first,
            };
            if let Some(slice) = loader::row_records(ctx, key).await? {
                return Ok(loaded_records(slice));
            }
        }
        let records = scope(ctx).drill_down(
            &self.frame,
            self.code,
            Some((self.row.dimension, self.row.key.clone())),
        );
        page(ctx, records, args(first, after, last, before)).await
    }
}

/// A consortium at a glance.
pub struct ConsortiumOverview {
    pub(super) frame: Arc<Frame>,
    pub(super) overview: stats::Overview,
}

/// A consortium at a glance.
#[Object]
impl ConsortiumOverview {
    /// The day the figures are counted on.
    async fn as_of(&self) -> Date {
        Date(self.frame.as_of)
    }
    /// Each member with its headline figures (partners, their countries and regions,
    /// agreements in effect, standards developed, training centres abroad).
    async fn members(&self) -> Vec<MemberFigures> {
        self.overview
            .members
            .iter()
            .map(|m| MemberFigures {
                frame: self.frame.clone(),
                member: m.member,
                figures: m.figures.clone(),
            })
            .collect()
    }
    /// How many countries and regions the consortium's partners are in.
    async fn countries_reached(&self) -> usize {
        self.overview
            .countries
            .iter()
            .filter(|r| r.key.is_some())
            .count()
    }
    /// The partner institutions by country or region, each partner counted once
    /// however many members work with it; a row's `records` are its partners.
    async fn partners_by_country(&self) -> Vec<BreakdownRow> {
        self.overview
            .countries
            .iter()
            .map(|row| BreakdownRow {
                frame: self.frame.clone(),
                code: IndicatorCode::PartnerInstitutions,
                row: row.clone(),
                page: Mutex::new(None),
            })
            .collect()
    }
    /// Foreign partners by how many members work with them (an agreement in effect or a
    /// live partnership: the partners `PARTNER_INSTITUTIONS` counts).
    async fn top_partners(&self) -> Vec<ConnectedPartner> {
        self.overview
            .partners
            .iter()
            .map(|p| ConnectedPartner(p.clone()))
            .collect()
    }
    /// Where the most widely adopted standards were adopted, by country or region.
    async fn standard_adoption(&self, ctx: &Context<'_>) -> Result<Vec<StandardAdoption>> {
        let mut keys: Vec<i64> = self.overview.adoptions.iter().map(|a| a.standard).collect();
        keys.dedup();
        let standards = loader::many::<curriculum_standard::Entity>(ctx, keys).await?;
        Ok(standards
            .into_iter()
            .map(|s| StandardAdoption {
                countries: self
                    .overview
                    .adoptions
                    .iter()
                    .filter(|a| a.standard == s.id)
                    .map(|a| AdoptionCount(a.clone()))
                    .collect(),
                standard: CurriculumStandard(s),
            })
            .collect())
    }
}

/// A member and its headline figures.
pub struct MemberFigures {
    frame: Arc<Frame>,
    member: i64,
    figures: Vec<Figure>,
}

/// A member and its headline figures.
#[Object]
impl MemberFigures {
    /// The member.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        organisation(ctx, self.member).await
    }
    /// Its headline figures, each with the member's own records behind it.
    async fn indicators(&self) -> Vec<ComputedIndicator> {
        self.figures
            .iter()
            .map(|figure| ComputedIndicator {
                frame: self.frame.clone(),
                figure: *figure,
                member: Some(self.member),
                prepared: None,
            })
            .collect()
    }
}

/// A foreign partner and how connected it is.
pub struct ConnectedPartner(stats::ConnectedPartner);

/// A foreign partner and how many members it works with.
#[Object]
impl ConnectedPartner {
    /// The partner.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        organisation(ctx, self.0.organisation).await
    }
    /// How many members work with it: an agreement in effect or a live partnership.
    async fn members(&self) -> u64 {
        self.0.members
    }
    /// How many agreements in effect link it to the members.
    async fn agreements(&self) -> u64 {
        self.0.agreements
    }
    /// How many live partnerships link it to the members.
    async fn partnerships(&self) -> u64 {
        self.0.partnerships
    }
}

/// A standard and where it was adopted.
pub struct StandardAdoption {
    standard: CurriculumStandard,
    countries: Vec<AdoptionCount>,
}

/// A standard and where it was adopted.
#[Object]
impl StandardAdoption {
    /// The standard.
    async fn standard(&self) -> &CurriculumStandard {
        &self.standard
    }
    /// Its adoptions by country or region, by code.
    async fn countries(&self) -> &[AdoptionCount] {
        &self.countries
    }
}

/// Adoptions of a standard in one country or region.
pub struct AdoptionCount(stats::StandardCountry);

/// Adoptions of a standard in one country or region.
#[Object]
impl AdoptionCount {
    /// The country or region.
    async fn country(&self, ctx: &Context<'_>) -> Result<Option<Country>> {
        country_opt(ctx, &Some(self.0.country.clone())).await
    }
    /// How many adoptions (recognised, adopted, piloted) there.
    async fn adoptions(&self) -> u64 {
        self.0.adoptions
    }
}
