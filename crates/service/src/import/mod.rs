//! Importing a spreadsheet of organisations or partnerships (CSV or XLSX). Every row is
//! matched against the registry and the caller's records and reported as `NEW`,
//! `MATCHED` (with what would change), `AMBIGUOUS` (with the candidates) or `INVALID`
//! (with the column and why). A dry run stops there. A real import writes only when
//! every row is `NEW` or `MATCHED`, in one transaction, through the same write steps as
//! the mutations (access rules, validation, audit entry and change entry per record):
//! new organisations, people and partnerships in batches of multi-row statements
//! (`create_*s_in`), updates, agreements and events row by row (`*_in`); and adds one
//! audit entry for the import. A `MATCHED` row whose values are the stored ones writes
//! nothing, so importing a file twice changes nothing.
mod agreements;
mod events;
mod layout;
mod matching;
mod people;
mod read;

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use entity::enums::{
    AgreementPersonRole, OrganisationKind, ParticipantRole, PartnershipKind, PartnershipStatus,
    Visibility,
};
use entity::{organisation, partnership};
use sea_orm::{ColumnTrait, DatabaseTransaction, QueryFilter, QueryOrder, TransactionTrait};
use serde::Serialize;

use agreements::{AgreementPlan, AgreementWrite, PartnerRef, parties_of};
use events::{EventPlan, EventWrite, hosts_of};
pub use layout::REPORT_COLUMNS;
use layout::{AGREEMENTS, Column, EVENTS, ORGANISATIONS, PARTNERSHIPS};
pub use matching::NameKey;
use matching::{Countries, People, Registry};
use people::{PersonLink, PersonRef};
pub use read::Encoding;

use crate::access::{Changeable, may_add_to_registry, owner_of_new};
use crate::agreements::AgreementPersonInput;
use crate::audit::Audit;
use crate::domain::{LONG_TEXT_MAX, NAME_MAX, RorId, TITLE_MAX, Text, WebUrl};
use crate::events::ParticipantInput;
use crate::organisations::{IdentifierInput, OrganisationInput, OrganisationPatch};
use crate::partnerships::{PartnershipInput, PartnershipPatch};
use crate::{Error, Result, Scope};

/// What a file holds, one record (or partner and partnership) a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Organisations,
    Partnerships,
    Agreements,
    Events,
}

impl ImportKind {
    pub fn parse(text: &str) -> Option<ImportKind> {
        match text.to_ascii_lowercase().as_str() {
            "organisations" | "organizations" => Some(ImportKind::Organisations),
            "partnerships" => Some(ImportKind::Partnerships),
            "agreements" => Some(ImportKind::Agreements),
            "events" => Some(ImportKind::Events),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ImportKind::Organisations => "organisations",
            ImportKind::Partnerships => "partnerships",
            ImportKind::Agreements => "agreements",
            ImportKind::Events => "events",
        }
    }

    fn layout(self) -> &'static [Column] {
        match self {
            ImportKind::Organisations => ORGANISATIONS,
            ImportKind::Partnerships => PARTNERSHIPS,
            ImportKind::Agreements => AGREEMENTS,
            ImportKind::Events => EVENTS,
        }
    }
}

/// The records a report names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RecordKind {
    Organisation,
    Partnership,
    Agreement,
    Event,
    Person,
}

/// A row's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RowStatus {
    New,
    Matched,
    Ambiguous,
    Invalid,
}

/// A record a row may mean.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub kind: RecordKind,
    pub id: i64,
    pub name: String,
    pub country: Option<String>,
}

/// How a partnership row's partner organisation was found: `New` (created by this
/// import, `id` once written) or `Matched`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartnerOutcome {
    pub status: RowStatus,
    pub id: Option<i64>,
}

/// One row of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowReport {
    /// The row's line in the file (the header is line 1).
    pub line: usize,
    pub status: RowStatus,
    /// The record matched (or, once written, created).
    pub record: Option<(RecordKind, i64)>,
    /// For `MATCHED`: the columns whose values differ from the record's (an update).
    pub changes: Vec<&'static str>,
    pub candidates: Vec<Candidate>,
    /// For `INVALID`: the column at fault and why.
    pub column: Option<String>,
    pub reason: Option<String>,
    pub partner: Option<PartnerOutcome>,
    /// For an agreement: how each partner it names was found; for an event, each host.
    pub partners: Vec<PartnerOutcome>,
    /// For an agreement: how each signatory and witness it names was found (signatories
    /// first); for an event, each participant.
    pub people: Vec<PartnerOutcome>,
    /// The row's cells as read, for the CSV report.
    #[serde(skip)]
    pub cells: Vec<String>,
}

/// Counts of a report's rows by outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    pub rows: usize,
    pub new: usize,
    pub matched: usize,
    /// Of the matched, those the import changes.
    pub changed: usize,
    pub unchanged: usize,
    pub ambiguous: usize,
    pub invalid: usize,
}

/// What an import found (and, unless a dry run, did).
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub kind: &'static str,
    pub file_name: String,
    pub dry_run: bool,
    /// Whether the rows were written.
    pub committed: bool,
    /// Headers that name no column: the import refuses them rather than drop their data.
    pub unknown_columns: Vec<String>,
    /// Columns the kind needs that the file lacks.
    pub missing_columns: Vec<String>,
    /// The file's headers, for the CSV report.
    #[serde(skip)]
    pub headers: Vec<String>,
    pub rows: Vec<RowReport>,
}

impl Report {
    pub fn totals(&self) -> Totals {
        let mut t = Totals {
            rows: self.rows.len(),
            ..Default::default()
        };
        for r in &self.rows {
            match r.status {
                RowStatus::New => t.new += 1,
                RowStatus::Matched if r.changes.is_empty() => {
                    t.matched += 1;
                    t.unchanged += 1
                }
                RowStatus::Matched => {
                    t.matched += 1;
                    t.changed += 1
                }
                RowStatus::Ambiguous => t.ambiguous += 1,
                RowStatus::Invalid => t.invalid += 1,
            }
        }
        t
    }

    /// Whether every row can be written: no unknown or missing column, and every row
    /// `NEW` or `MATCHED`.
    pub fn is_writable(&self) -> bool {
        self.unknown_columns.is_empty()
            && self.missing_columns.is_empty()
            && self
                .rows
                .iter()
                .all(|r| matches!(r.status, RowStatus::New | RowStatus::Matched))
    }
}

/// An import to run.
pub struct ImportRequest<'a> {
    pub kind: ImportKind,
    pub file_name: String,
    pub bytes: &'a [u8],
    pub encoding: Encoding,
    pub dry_run: bool,
    /// Reads a record id written in the file (the API's global id) as its key.
    pub decode_id: fn(RecordKind, &str) -> Option<i64>,
}

/// A row's cells by column name.
struct Cells<'a> {
    layout: &'static [Column],
    at: &'a [Option<usize>],
    row: &'a [String],
}

impl Cells<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        let c = self.layout.iter().position(|c| c.name == name)?;
        let i = self.at[c]?;
        self.row.get(i).map(|s| s.trim()).filter(|s| !s.is_empty())
    }
}

/// A row found invalid: the column and why.
struct Invalid(&'static str, String);

impl From<(&'static str, Error)> for Invalid {
    fn from((column, e): (&'static str, Error)) -> Invalid {
        Invalid(column, e.message())
    }
}

type Checked<T> = std::result::Result<T, Invalid>;

fn text(cells: &Cells, column: &'static str, max: usize) -> Checked<Option<String>> {
    cells
        .get(column)
        .map(|v| Text::parse(column, v, max).map(|t| t.into_string()))
        .transpose()
        .map_err(|e| (column, e).into())
}

fn date(cells: &Cells, column: &'static str) -> Checked<Option<NaiveDate>> {
    let Some(v) = cells.get(column) else {
        return Ok(None);
    };
    parse_date(v).map(Some).ok_or_else(|| {
        Invalid(
            column,
            format!("`{v}` is not a date (write e.g. 2023-05-05)"),
        )
    })
}

/// A date as offices write it: `2023-05-05`, `2023/5/5`, `2023.5.5`, `2023年5月5日`; a
/// year alone or a year and month mean its first day.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let parts: Vec<&str> = text
        .trim()
        .split(['-', '/', '.', '年', '月', '日'])
        .filter(|p| !p.is_empty())
        .collect();
    let n = |i: usize| parts.get(i).map(|p| p.trim().parse::<u32>().ok());
    let (y, m, d) = match parts.len() {
        1 => (n(0)??, 1, 1),
        2 => (n(0)??, n(1)??, 1),
        3 => (n(0)??, n(1)??, n(2)??),
        _ => return None,
    };
    if !(1000..=9999).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y as i32, m, d)
}

/// Reads an enum cell by its API name (any case, spaces for underscores) or a Chinese
/// name.
fn choice<T: Copy>(
    cells: &Cells,
    column: &'static str,
    options: &[(T, &[&str])],
) -> Checked<Option<T>> {
    let Some(v) = cells.get(column) else {
        return Ok(None);
    };
    let folded = v.trim().to_ascii_uppercase().replace([' ', '-'], "_");
    for (value, names) in options {
        if names.iter().any(|n| *n == folded || *n == v.trim()) {
            return Ok(Some(*value));
        }
    }
    let allowed: Vec<&str> = options.iter().map(|(_, names)| names[0]).collect();
    Err(Invalid(
        column,
        format!("`{v}` is not one of {}", allowed.join(", ")),
    ))
}

const ORGANISATION_KINDS: &[(OrganisationKind, &[&str])] = &[
    (
        OrganisationKind::University,
        &["UNIVERSITY", "大学", "高校", "院校"],
    ),
    (OrganisationKind::School, &["SCHOOL", "学院"]),
    (OrganisationKind::Department, &["DEPARTMENT", "系", "部门"]),
    (OrganisationKind::Laboratory, &["LABORATORY", "实验室"]),
    (OrganisationKind::Office, &["OFFICE", "办公室"]),
    (OrganisationKind::Centre, &["CENTRE", "CENTER", "中心"]),
    (OrganisationKind::Company, &["COMPANY", "企业", "公司"]),
    (
        OrganisationKind::GovernmentBody,
        &["GOVERNMENT_BODY", "政府机构", "政府部门"],
    ),
    (
        OrganisationKind::InternationalOrganisation,
        &[
            "INTERNATIONAL_ORGANISATION",
            "INTERNATIONAL_ORGANIZATION",
            "国际组织",
        ],
    ),
    (
        OrganisationKind::Association,
        &["ASSOCIATION", "协会", "联盟"],
    ),
    (OrganisationKind::Other, &["OTHER", "其他"]),
];

const PARTNERSHIP_KINDS: &[(PartnershipKind, &[&str])] = &[
    (
        PartnershipKind::Academic,
        &["ACADEMIC", "学术", "学术合作", "校际"],
    ),
    (
        PartnershipKind::Industry,
        &["INDUSTRY", "产业", "校企", "企业"],
    ),
    (PartnershipKind::Government, &["GOVERNMENT", "政府"]),
    (PartnershipKind::Other, &["OTHER", "其他"]),
];

const STATUSES: &[(PartnershipStatus, &[&str])] = &[
    (
        PartnershipStatus::Active,
        &["ACTIVE", "有效", "进行中", "合作中"],
    ),
    (
        PartnershipStatus::Ended,
        &["ENDED", "已结束", "结束", "终止"],
    ),
];

const VISIBILITIES: &[(Visibility, &[&str])] = &[
    (Visibility::Private, &["PRIVATE", "私有", "仅本单位"]),
    (Visibility::Consortium, &["CONSORTIUM", "联盟内", "联盟"]),
    (Visibility::Public, &["PUBLIC", "公开"]),
];

/// A partnership's kind when the row says none: by what the partner is.
fn partnership_kind_for(partner: OrganisationKind) -> PartnershipKind {
    use OrganisationKind as O;
    match partner {
        O::University | O::School | O::Department | O::Laboratory | O::Centre => {
            PartnershipKind::Academic
        }
        O::Company => PartnershipKind::Industry,
        O::GovernmentBody => PartnershipKind::Government,
        _ => PartnershipKind::Other,
    }
}

/// A new partner's kind when the row says none: by the partnership's kind.
fn organisation_kind_for(kind: PartnershipKind) -> OrganisationKind {
    match kind {
        PartnershipKind::Academic => OrganisationKind::University,
        PartnershipKind::Industry => OrganisationKind::Company,
        PartnershipKind::Government => OrganisationKind::GovernmentBody,
        PartnershipKind::Other => OrganisationKind::Other,
    }
}

/// An organisation as a row describes it (the organisation itself, or the partner).
struct OrgRow {
    id: Option<i64>,
    name_en: Option<String>,
    name_zh: Option<String>,
    abbreviation: Option<String>,
    kind: Option<OrganisationKind>,
    country: Option<String>,
    city: Option<String>,
    website: Option<String>,
    ror_id: Option<String>,
    identifiers: Vec<IdentifierInput>,
}

/// How an organisation row matched the registry.
enum Found {
    Known(i64),
    /// An earlier row of the file creates it.
    Pending(usize),
    New,
    Ambiguous(Vec<i64>),
}

struct Context<'a> {
    scope: &'a Scope,
    countries: Countries,
    registry: Registry,
    /// The person registry, read for agreements and events only.
    people: People,
    /// How many people the file's rows so far create.
    people_created: usize,
    decode_id: fn(RecordKind, &str) -> Option<i64>,
}

impl Context<'_> {
    /// The organisation columns of a row (`id`, `name`, `nameZh`: the kind's own names).
    fn org_row(
        &self,
        cells: &Cells,
        [id, name_en, name_zh, kind]: [&'static str; 4],
    ) -> Checked<OrgRow> {
        let id = match cells.get(id) {
            None => None,
            Some(v) => Some(
                (self.decode_id)(RecordKind::Organisation, v)
                    .filter(|k| self.registry.records.contains_key(k))
                    .ok_or_else(|| Invalid(id, format!("no organisation has the id `{v}`")))?,
            ),
        };
        let country = match cells.get("country") {
            None => None,
            Some(v) => Some(self.countries.code(v).ok_or_else(|| {
                Invalid("country", format!("`{v}` is not a country or region Concord knows (write its ISO code, e.g. GB)"))
            })?),
        };
        let website = cells
            .get("website")
            .map(|v| WebUrl::parse("website", v).map(|u| u.as_str().to_owned()))
            .transpose()
            .map_err(|e| Invalid::from(("website", e)))?;
        let ror_id = cells
            .get("rorId")
            .map(|v| RorId::parse("rorId", v).map(|r| r.as_str().to_owned()))
            .transpose()
            .map_err(|e| Invalid::from(("rorId", e)))?;
        let mut identifiers = Vec::new();
        if let Some(v) = cells.get("identifiers") {
            for part in v
                .split([';', '；', '\n'])
                .map(str::trim)
                .filter(|p| !p.is_empty())
            {
                let Some((scheme, value)) = part.split_once([':', '：']) else {
                    return Err(Invalid(
                        "identifiers",
                        format!("`{part}` is not SCHEME:value (e.g. GRID:grid.1234.5)"),
                    ));
                };
                identifiers.push(IdentifierInput {
                    scheme: scheme.trim().to_uppercase(),
                    value: value.trim().to_owned(),
                });
            }
        }
        Ok(OrgRow {
            id,
            name_en: text(cells, name_en, TITLE_MAX)?,
            name_zh: text(cells, name_zh, TITLE_MAX)?,
            abbreviation: text(cells, "abbreviation", NAME_MAX)?,
            kind: choice(cells, kind, ORGANISATION_KINDS)?,
            country,
            city: text(cells, "city", NAME_MAX)?,
            website,
            ror_id,
            identifiers,
        })
    }

    /// Finds the organisation a row means: by id, ROR id, identifier, then names.
    fn find(&self, org: &OrgRow) -> Found {
        if let Some(id) = org.id {
            return Found::Known(id);
        }
        if let Some(id) = org.ror_id.as_deref().and_then(|r| self.registry.by_ror(r)) {
            return Found::Known(id);
        }
        let by_identifier: HashSet<i64> = org
            .identifiers
            .iter()
            .filter_map(|x| self.registry.by_identifier(&x.scheme, &x.value))
            .collect();
        if by_identifier.len() == 1 {
            return Found::Known(*by_identifier.iter().next().expect("one"));
        }
        if by_identifier.len() > 1 {
            let mut ids: Vec<i64> = by_identifier.into_iter().collect();
            ids.sort();
            return Found::Ambiguous(ids);
        }
        let mut names: Vec<&str> = org
            .name_en
            .iter()
            .chain(&org.name_zh)
            .map(String::as_str)
            .collect();
        if names.is_empty() {
            names.extend(org.abbreviation.as_deref());
        }
        let ids = self.registry.by_names(&names, org.country.as_deref());
        match ids.len() {
            1 => Found::Known(ids[0]),
            0 => match self.registry.pending(&names) {
                Some(row) => Found::Pending(row as usize),
                None => Found::New,
            },
            _ => Found::Ambiguous(ids),
        }
    }

    fn candidates(&self, ids: &[i64]) -> Vec<Candidate> {
        ids.iter()
            .filter_map(|id| self.registry.records.get(id))
            .map(|o| Candidate {
                kind: RecordKind::Organisation,
                id: o.id,
                name: o.name_en.clone(),
                country: o.country_code.clone(),
            })
            .collect()
    }

    fn remember_new(&mut self, org: &OrgRow, row: usize) {
        let names: Vec<&str> = org
            .name_en
            .iter()
            .chain(&org.name_zh)
            .map(String::as_str)
            .collect();
        self.registry.will_create(&names, row as i64);
    }
}

/// The patch that brings `o` to the row's values (only the cells given), and the
/// columns it changes.
fn organisation_patch(
    o: &organisation::Model,
    r: &OrgRow,
) -> (OrganisationPatch, Vec<&'static str>) {
    let mut patch = OrganisationPatch::default();
    let mut changes = Vec::new();
    let differs = |new: &Option<String>, old: &Option<String>| new.is_some() && new != old;
    if let Some(n) = &r.name_en
        && *n != o.name_en
    {
        patch.name_en = Some(n.clone());
        changes.push("nameEn");
    }
    if differs(&r.name_zh, &o.name_zh) {
        patch.name_zh = Some(r.name_zh.clone());
        changes.push("nameZh");
    }
    if differs(&r.abbreviation, &o.abbreviation) {
        patch.abbreviation = Some(r.abbreviation.clone());
        changes.push("abbreviation");
    }
    if let Some(k) = r.kind
        && k != o.kind
    {
        patch.kind = Some(k);
        changes.push("kind");
    }
    if differs(&r.country, &o.country_code) {
        patch.country = Some(r.country.clone());
        changes.push("country");
    }
    if differs(&r.city, &o.city) {
        patch.city = Some(r.city.clone());
        changes.push("city");
    }
    if differs(&r.website, &o.website) {
        patch.website = Some(r.website.clone());
        changes.push("website");
    }
    if differs(&r.ror_id, &o.ror_id) {
        patch.ror_id = Some(r.ror_id.clone());
        changes.push("rorId");
    }
    (patch, changes)
}

fn organisation_input(r: &OrgRow, kind: OrganisationKind) -> OrganisationInput {
    OrganisationInput {
        kind: r.kind.unwrap_or(kind),
        parent: None,
        name_en: r.name_en.clone().unwrap_or_default(),
        name_zh: r.name_zh.clone(),
        abbreviation: r.abbreviation.clone(),
        country: r.country.clone(),
        city: r.city.clone(),
        address: None,
        website: r.website.clone(),
        ror_id: r.ror_id.clone(),
        source: None,
        names: Vec::new(),
        identifiers: r.identifiers.clone(),
        idempotency_key: None,
    }
}

/// What to write for a row, decided by the analysis.
enum Plan {
    Nothing,
    CreateOrganisation(Box<OrganisationInput>),
    UpdateOrganisation(i64, i32, Box<OrganisationPatch>),
    Partnership {
        /// A partner to create first (its input), or the row that creates it, or a
        /// known one.
        partner: PartnerPlan,
        write: PartnershipWrite,
    },
    Agreement(Box<AgreementPlan>),
    Event(Box<EventPlan>),
}

enum PartnerPlan {
    Create(Box<OrganisationInput>),
    /// Created by the import's batch, for this row.
    Created(usize),
    FromRow(usize),
    Known(i64),
}

enum PartnershipWrite {
    Create(Box<PartnershipInput>),
    Update(i64, i32, Box<PartnershipPatch>),
    Nothing,
}

/// The partnerships the caller may read, live, by member and partner.
struct Partnerships {
    by_pair: HashMap<(i64, i64), Vec<partnership::Model>>,
    by_id: HashMap<i64, partnership::Model>,
}

impl Scope {
    /// Runs an import (see the module). Fails outright only when the caller may not
    /// import at all or the file cannot be read; everything about rows is in the report.
    pub async fn import(&self, request: ImportRequest<'_>) -> Result<Report> {
        may_add_to_registry(self.principal())?;
        let layout = request.kind.layout();
        let table = read::table(request.bytes, request.encoding)?;
        if table.headers.iter().all(|h| h.is_empty()) {
            return Err(Error::bad_input(
                "file",
                "the file is empty: its first line must name the columns",
            ));
        }
        let headers = layout::headers(layout, &table.headers);
        let named = |n: &str| {
            headers.at[layout.iter().position(|c| c.name == n).expect("a column")].is_some()
        };
        let mut missing = Vec::new();
        match request.kind {
            ImportKind::Organisations if !named("nameEn") && !named("id") => {
                missing.push("nameEn".to_owned())
            }
            ImportKind::Partnerships
                if !named("partner")
                    && !named("partnerId")
                    && !named("rorId")
                    && !named("partnerNameZh") =>
            {
                missing.push("partner".to_owned())
            }
            ImportKind::Agreements if !named("title") && !named("id") => {
                missing.push("title".to_owned())
            }
            ImportKind::Events if !named("id") => {
                for c in ["title", "startDate"] {
                    if !named(c) {
                        missing.push(c.to_owned());
                    }
                }
            }
            _ => {}
        }
        let mut report = Report {
            kind: request.kind.name(),
            file_name: request.file_name.clone(),
            dry_run: request.dry_run,
            committed: false,
            unknown_columns: headers.unknown.clone(),
            missing_columns: missing,
            headers: table.headers.clone(),
            rows: Vec::with_capacity(table.rows.len()),
        };
        // A real import reads what it matches in the transaction it writes in, so that
        // nothing changes between the two.
        let txn = if request.dry_run {
            self.db().begin().await?
        } else {
            self.begin_write().await?
        };
        let plans = self
            .analyse(&txn, &request, layout, &headers.at, table, &mut report)
            .await?;
        if request.dry_run || !report.is_writable() {
            return Ok(report);
        }
        match self.write_rows(&txn, plans, &mut report).await {
            Ok(()) => {}
            Err((i, column, e)) => {
                // Something only the write could see: the row is invalid and nothing is kept.
                let row = &mut report.rows[i];
                row.status = RowStatus::Invalid;
                row.column = Some(column);
                row.reason = Some(e.message());
                return match e {
                    Error::Database(_) => Err(e),
                    _ => Ok(report),
                };
            }
        }
        let totals = report.totals();
        // An import that changed nothing leaves no trace: importing a file again is a
        // no-op, audit log included.
        if totals.new + totals.changed > 0 {
            Audit::new(
                self.principal(),
                &format!("import{}", capitalised(request.kind.name())),
                "import",
                0,
                self.principal().organisation(),
            )
            .after(&serde_json::json!({
                "kind": request.kind.name(),
                "fileName": request.file_name,
                "totals": totals,
            }))
            .write(&txn)
            .await?;
        }
        txn.commit().await?;
        report.committed = true;
        Ok(report)
    }

    async fn analyse(
        &self,
        txn: &DatabaseTransaction,
        request: &ImportRequest<'_>,
        layout: &'static [Column],
        at: &[Option<usize>],
        table: read::Table,
        report: &mut Report,
    ) -> Result<Vec<Plan>> {
        let mut context = Context {
            scope: self,
            countries: Countries::load(txn).await?,
            registry: Registry::load(self, txn).await?,
            people: match request.kind {
                ImportKind::Agreements | ImportKind::Events => People::load(self, txn).await?,
                _ => People::default(),
            },
            people_created: 0,
            decode_id: request.decode_id,
        };
        let partnerships = match request.kind {
            ImportKind::Partnerships => Some(self.readable_partnerships(txn).await?),
            _ => None,
        };
        let agreements = match request.kind {
            ImportKind::Agreements => Some(self.readable_agreements(txn).await?),
            _ => None,
        };
        let events = match request.kind {
            ImportKind::Events => Some(self.readable_events(txn).await?),
            _ => None,
        };
        // The organisations an agreements or events file creates, by their order of first mention.
        let mut new_orgs: Vec<String> = Vec::new();
        let mut plans = Vec::with_capacity(table.rows.len());
        report.rows.reserve(table.rows.len());
        let mut seen: HashMap<String, usize> = HashMap::new();
        // Each row's cells move into its report (which the CSV report writes back).
        for (i, (row, number)) in table.rows.into_iter().zip(table.lines).enumerate() {
            let cells = Cells {
                layout,
                at,
                row: &row,
            };
            let mut line = RowReport {
                line: number,
                status: RowStatus::New,
                record: None,
                changes: Vec::new(),
                candidates: Vec::new(),
                column: None,
                reason: None,
                partner: None,
                partners: Vec::new(),
                people: Vec::new(),
                cells: Vec::new(),
            };
            let plan = match request.kind {
                ImportKind::Organisations => {
                    context.organisation_row(&cells, i, &mut line, &mut seen)
                }
                ImportKind::Agreements => context
                    .agreement_row(
                        &cells,
                        &mut line,
                        &mut seen,
                        &mut new_orgs,
                        agreements.as_ref().expect("loaded for agreements"),
                    )
                    .map(|plan| plan.map_or(Plan::Nothing, |p| Plan::Agreement(Box::new(p)))),
                ImportKind::Events => context
                    .event_row(
                        &cells,
                        &mut line,
                        &mut seen,
                        &mut new_orgs,
                        events.as_ref().expect("loaded for events"),
                    )
                    .map(|plan| plan.map_or(Plan::Nothing, |p| Plan::Event(Box::new(p)))),
                _ => context.partnership_row(
                    &cells,
                    i,
                    &mut line,
                    &mut seen,
                    partnerships.as_ref().expect("loaded for partnerships"),
                ),
            };
            let plan = match plan {
                Ok(plan) => plan,
                Err(Invalid(column, reason)) => {
                    line.status = RowStatus::Invalid;
                    line.column = Some(column.to_owned());
                    line.reason = Some(reason);
                    line.candidates.clear();
                    line.partners.clear();
                    line.people.clear();
                    Plan::Nothing
                }
            };
            line.cells = row;
            report.rows.push(line);
            plans.push(plan);
        }
        Ok(plans)
    }

    async fn readable_partnerships(&self, txn: &DatabaseTransaction) -> Result<Partnerships> {
        let rows = self
            .find::<partnership::Entity>()
            .filter(partnership::Column::ArchivedAt.is_null())
            .order_by_asc(partnership::Column::Id)
            .all(txn)
            .await?;
        let mut out = Partnerships {
            by_pair: HashMap::new(),
            by_id: HashMap::new(),
        };
        for p in rows {
            out.by_pair
                .entry((p.member_id, p.partner_id))
                .or_default()
                .push(p.clone());
            out.by_id.insert(p.id, p);
        }
        Ok(out)
    }

    /// Writes the plans; on failure, the row's index and column. New organisations
    /// (of every kind of file) and new partnerships are written in batches, each a few
    /// statements whatever the number of rows; updates, agreements and events row by row.
    async fn write_rows(
        &self,
        txn: &DatabaseTransaction,
        mut plans: Vec<Plan>,
        report: &mut Report,
    ) -> std::result::Result<(), (usize, String, Error)> {
        let new_orgs = self
            .create_new_organisations(txn, &mut plans, report)
            .await?;
        let new_people = self.create_new_people(txn, &mut plans).await?;
        let mut partnerships: Vec<(usize, PartnershipInput)> = Vec::new();
        for (i, plan) in plans.into_iter().enumerate() {
            let at = |column: &str, e: Error| (i, column_of(column, &e), e);
            match plan {
                Plan::Nothing | Plan::CreateOrganisation(_) => {}
                Plan::UpdateOrganisation(id, version, patch) => {
                    self.update_organisation_in(txn, id, version, *patch)
                        .await
                        .map_err(|e| at("id", e))?;
                }
                Plan::Agreement(plan) => {
                    let AgreementPlan {
                        partners,
                        people,
                        write,
                        ..
                    } = *plan;
                    let ids = new_orgs.resolve(&partners, &mut report.rows[i]);
                    new_people.fill(&people, &mut report.rows[i]);
                    let person = |l: &PersonLink<AgreementPersonRole>| AgreementPersonInput {
                        person: new_people.id(l.person),
                        role: l.role,
                        title: None,
                        organisation: l.organisation.map(|o| new_orgs.id(&o)),
                        translations: Vec::new(),
                    };
                    match write {
                        AgreementWrite::Nothing => {}
                        AgreementWrite::Create(mut input) => {
                            input.parties = parties_of(input.owner.unwrap_or_default(), &ids);
                            input.people = people.iter().map(person).collect();
                            let row = self
                                .create_agreement_in(txn, &input)
                                .await
                                .map_err(|e| at("title", e))?;
                            report.rows[i].record = Some((RecordKind::Agreement, row.id));
                        }
                        AgreementWrite::Update(id, version, patch, parties, people) => {
                            let parties: Option<Vec<crate::agreements::PartyInput>> =
                                parties.map(|list| {
                                    list.iter()
                                        .map(|(r, role)| crate::agreements::PartyInput {
                                            organisation: new_orgs.id(r),
                                            role: *role,
                                        })
                                        .collect()
                                });
                            let people = match people {
                                None => None,
                                Some((links, roles)) => {
                                    let current = self
                                        .agreement_person_inputs(txn, id)
                                        .await
                                        .map_err(|e| at("id", e))?;
                                    Some(merge_people(
                                        current,
                                        links.iter().map(person).collect(),
                                        &roles,
                                        |p| (p.person, p.role),
                                        |new, old| {
                                            new.title = old.title;
                                            new.translations = old.translations;
                                            new.organisation =
                                                new.organisation.or(old.organisation);
                                        },
                                    ))
                                }
                            };
                            self.update_agreement_in(
                                txn,
                                id,
                                version,
                                *patch,
                                parties.as_deref(),
                                people.as_deref(),
                            )
                            .await
                            .map_err(|e| at("id", e))?;
                        }
                    }
                }
                Plan::Event(plan) => {
                    let EventPlan {
                        hosts,
                        participants,
                        write,
                        ..
                    } = *plan;
                    let ids = new_orgs.resolve(&hosts, &mut report.rows[i]);
                    new_people.fill(&participants, &mut report.rows[i]);
                    let participant = |l: &PersonLink<ParticipantRole>| ParticipantInput {
                        person: new_people.id(l.person),
                        role: l.role,
                        title: None,
                        organisation: l.organisation.map(|o| new_orgs.id(&o)),
                        translations: Vec::new(),
                    };
                    match write {
                        EventWrite::Nothing => {}
                        EventWrite::Create(mut input) => {
                            input.organisations = hosts_of(&ids);
                            input.participants = participants.iter().map(participant).collect();
                            let row = self
                                .create_event_in(txn, &input)
                                .await
                                .map_err(|e| at("title", e))?;
                            report.rows[i].record = Some((RecordKind::Event, row.id));
                        }
                        EventWrite::Update(id, version, patch, organisations, participants) => {
                            let organisations: Option<Vec<crate::events::EventOrganisationInput>> =
                                organisations.map(|list| {
                                    list.iter()
                                        .map(|(r, role)| crate::events::EventOrganisationInput {
                                            organisation: new_orgs.id(r),
                                            role: *role,
                                        })
                                        .collect()
                                });
                            let participants = match participants {
                                None => None,
                                Some(links) => {
                                    let current = self
                                        .participant_inputs(txn, id)
                                        .await
                                        .map_err(|e| at("id", e))?;
                                    let all: Vec<ParticipantRole> =
                                        current.iter().map(|p| p.role).collect();
                                    Some(merge_people(
                                        current,
                                        links.iter().map(participant).collect(),
                                        &all,
                                        |p| (p.person, p.role),
                                        |new, old| {
                                            new.title = old.title;
                                            new.translations = old.translations;
                                            new.organisation =
                                                new.organisation.or(old.organisation);
                                        },
                                    ))
                                }
                            };
                            self.update_event_in(
                                txn,
                                id,
                                version,
                                *patch,
                                organisations.as_deref(),
                                participants.as_deref(),
                            )
                            .await
                            .map_err(|e| at("id", e))?;
                        }
                    }
                }
                Plan::Partnership { partner, write } => {
                    let partner_id = match partner {
                        PartnerPlan::Known(id) => id,
                        PartnerPlan::FromRow(row) | PartnerPlan::Created(row) => {
                            *new_orgs.by_row.get(&row).expect("created above")
                        }
                        PartnerPlan::Create(_) => unreachable!("created above"),
                    };
                    if let Some(p) = &mut report.rows[i].partner {
                        p.id = Some(partner_id);
                    }
                    match write {
                        PartnershipWrite::Nothing => {}
                        PartnershipWrite::Create(mut input) => {
                            input.partner = partner_id;
                            partnerships.push((i, *input));
                        }
                        PartnershipWrite::Update(id, version, patch) => {
                            self.update_partnership_in(txn, id, version, *patch)
                                .await
                                .map_err(|e| at("id", e))?;
                        }
                    }
                }
            }
        }
        let (rows, inputs): (Vec<usize>, Vec<PartnershipInput>) = partnerships.into_iter().unzip();
        let created = self
            .create_partnerships_in(txn, &inputs)
            .await
            .map_err(|(k, e)| (rows[k], column_of("partner", &e), e))?;
        for (i, id) in rows.into_iter().zip(created) {
            report.rows[i].record = Some((RecordKind::Partnership, id));
        }
        Ok(())
    }

    /// Creates every person the plans create (signatories, witnesses, participants),
    /// in one batch. Takes their inputs out of the plans.
    async fn create_new_people(
        &self,
        txn: &DatabaseTransaction,
        plans: &mut [Plan],
    ) -> std::result::Result<NewPeople, (usize, String, Error)> {
        let mut inputs = Vec::new();
        let mut origins: Vec<(usize, &'static str, usize)> = Vec::new();
        for (i, plan) in plans.iter_mut().enumerate() {
            let (create, column) = match plan {
                Plan::Agreement(plan) => (std::mem::take(&mut plan.create_people), "signatories"),
                Plan::Event(plan) => (std::mem::take(&mut plan.create_people), "participants"),
                _ => continue,
            };
            for (n, input) in create {
                inputs.push(*input);
                origins.push((i, column, n));
            }
        }
        let created = self
            .create_people_in(txn, &inputs)
            .await
            .map_err(|(k, e)| {
                let (row, column, _) = origins[k];
                (row, column_of(column, &e), e)
            })?;
        Ok(NewPeople {
            ids: origins
                .into_iter()
                .zip(created)
                .map(|((_, _, n), p)| (n, p.id))
                .collect(),
        })
    }

    /// Creates every organisation the plans create, in one batch: the rows of an
    /// organisations file, the new partners of a partnerships file, the organisations an
    /// agreements or events file names first. Takes their inputs out of the plans.
    async fn create_new_organisations(
        &self,
        txn: &DatabaseTransaction,
        plans: &mut [Plan],
        report: &mut Report,
    ) -> std::result::Result<NewOrganisations, (usize, String, Error)> {
        let mut inputs: Vec<OrganisationInput> = Vec::new();
        // For each input: its row and the column its errors fall on; and what it is.
        let mut origins: Vec<(usize, &'static str, NewOrigin)> = Vec::new();
        for (i, plan) in plans.iter_mut().enumerate() {
            match plan {
                Plan::CreateOrganisation(_) => {
                    let Plan::CreateOrganisation(input) = std::mem::replace(plan, Plan::Nothing)
                    else {
                        unreachable!()
                    };
                    inputs.push(*input);
                    origins.push((i, "nameEn", NewOrigin::Row));
                }
                Plan::Partnership { partner, .. } => {
                    if let PartnerPlan::Create(_) = partner {
                        let PartnerPlan::Create(input) =
                            std::mem::replace(partner, PartnerPlan::Created(i))
                        else {
                            unreachable!()
                        };
                        inputs.push(*input);
                        origins.push((i, "partner", NewOrigin::Row));
                    }
                }
                Plan::Agreement(plan) => {
                    for (n, input) in std::mem::take(&mut plan.create) {
                        inputs.push(*input);
                        origins.push((i, "partner", NewOrigin::Named(n)));
                    }
                }
                Plan::Event(plan) => {
                    for (n, input) in std::mem::take(&mut plan.create) {
                        inputs.push(*input);
                        origins.push((i, "host", NewOrigin::Named(n)));
                    }
                }
                Plan::Nothing | Plan::UpdateOrganisation(..) => {}
            }
        }
        let created = self
            .create_organisations_in(txn, &inputs)
            .await
            .map_err(|(k, e)| {
                let (row, column, _) = origins[k];
                (row, column_of(column, &e), e)
            })?;
        let mut out = NewOrganisations {
            by_row: HashMap::new(),
            named: HashMap::new(),
        };
        for ((row, _, origin), id) in origins.into_iter().zip(created) {
            match origin {
                NewOrigin::Row => {
                    out.by_row.insert(row, id);
                    if report.rows[row].partner.is_none() {
                        report.rows[row].record = Some((RecordKind::Organisation, id));
                    }
                }
                NewOrigin::Named(n) => {
                    out.named.insert(n, id);
                }
            }
        }
        Ok(out)
    }
}

/// The people a record has after a row names those in `roles`: the others stay as
/// they are, in their order, then the named ones, each keeping what the record held for
/// them (`keep`: title, its translations, the organisation when the row gives none).
fn merge_people<P, R: PartialEq + Copy>(
    current: Vec<P>,
    named: Vec<P>,
    roles: &[R],
    key: impl Fn(&P) -> (i64, R),
    keep: impl Fn(&mut P, P),
) -> Vec<P> {
    let (mut replaced, mut out): (Vec<P>, Vec<P>) =
        current.into_iter().partition(|p| roles.contains(&key(p).1));
    for mut p in named {
        if let Some(at) = replaced.iter().position(|old| key(old) == key(&p)) {
            keep(&mut p, replaced.remove(at));
        }
        out.push(p);
    }
    out
}

/// The people an import created, by their index among the file's new people.
struct NewPeople {
    ids: HashMap<usize, i64>,
}

impl NewPeople {
    fn id(&self, r: PersonRef) -> i64 {
        match r {
            PersonRef::Known(id) => id,
            PersonRef::New(n) => *self.ids.get(&n).expect("created above"),
        }
    }

    /// Fills the ids of a row's people into its report.
    fn fill<R>(&self, links: &[PersonLink<R>], line: &mut RowReport) {
        for (p, l) in line.people.iter_mut().zip(links) {
            p.id = Some(self.id(l.person));
        }
    }
}

/// What a new organisation of an import's batch is: a row's own (an organisation or a
/// partner), or the `n`th organisation an agreements or events file names first.
enum NewOrigin {
    Row,
    Named(usize),
}

/// The organisations an import created, by the row or the name that made each.
struct NewOrganisations {
    by_row: HashMap<usize, i64>,
    named: HashMap<usize, i64>,
}

impl NewOrganisations {
    fn id(&self, r: &PartnerRef) -> i64 {
        match r {
            PartnerRef::Known(id) => *id,
            PartnerRef::New(n) => *self.named.get(n).expect("created above"),
        }
    }

    /// The ids of the organisations a row names, also filled into its report.
    fn resolve(&self, refs: &[PartnerRef], line: &mut RowReport) -> Vec<i64> {
        let ids: Vec<i64> = refs.iter().map(|r| self.id(r)).collect();
        for (p, id) in line.partners.iter_mut().zip(&ids) {
            p.id = Some(*id);
        }
        ids
    }
}

/// The column a write's error names (`input.nameEn` → `nameEn`), or `fallback`.
fn column_of(fallback: &str, e: &Error) -> String {
    let field = match e {
        Error::BadInput { field, .. } | Error::Duplicate { field, .. } => field.as_str(),
        _ => return fallback.to_owned(),
    };
    let name = field.strip_prefix("input.").unwrap_or(field);
    let name = name.split('.').next().unwrap_or(name);
    match name {
        "input" | "" => fallback.to_owned(),
        other => other.to_owned(),
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

impl Context<'_> {
    fn organisation_row(
        &mut self,
        cells: &Cells,
        i: usize,
        line: &mut RowReport,
        seen: &mut HashMap<String, usize>,
    ) -> Checked<Plan> {
        let org = self.org_row(cells, ["id", "nameEn", "nameZh", "kind"])?;
        match self.find(&org) {
            Found::Known(id) => {
                if let Some(first) = seen.insert(format!("o{id}"), line.line) {
                    return Err(Invalid(
                        "nameEn",
                        format!("the same organisation as line {first}"),
                    ));
                }
                let o = self.registry.records[&id].clone();
                line.status = RowStatus::Matched;
                line.record = Some((RecordKind::Organisation, id));
                let (patch, changes) = organisation_patch(&o, &org);
                line.changes = changes;
                if line.changes.is_empty() {
                    return Ok(Plan::Nothing);
                }
                organisation::Entity::may_change(self.scope.principal(), &o).map_err(|e| {
                    Invalid(
                        line.changes[0],
                        format!(
                            "differs from the registry, which you may not change: {}",
                            e.message()
                        ),
                    )
                })?;
                Ok(Plan::UpdateOrganisation(id, o.version, Box::new(patch)))
            }
            Found::Pending(row) => Err(Invalid(
                "nameEn",
                format!("the same organisation as line {}", row_line(row, seen)),
            )),
            Found::Ambiguous(ids) => {
                line.status = RowStatus::Ambiguous;
                line.candidates = self.candidates(&ids);
                line.reason = Some(
                    "more than one organisation in the registry has this name: add an id column"
                        .into(),
                );
                Ok(Plan::Nothing)
            }
            Found::New => {
                if org.name_en.is_none() {
                    return Err(Invalid(
                        "nameEn",
                        "a new organisation needs an English name".into(),
                    ));
                }
                line.status = RowStatus::New;
                self.remember_new(&org, i);
                seen.insert(format!("row{i}"), line.line);
                Ok(Plan::CreateOrganisation(Box::new(organisation_input(
                    &org,
                    org.kind.unwrap_or(OrganisationKind::Other),
                ))))
            }
        }
    }

    /// The organisation a `member` or `owner` cell names: a global id or a name.
    fn named_organisation(&self, cells: &Cells, column: &'static str) -> Checked<Option<i64>> {
        let Some(v) = cells.get(column) else {
            return Ok(None);
        };
        if let Some(id) = (self.decode_id)(RecordKind::Organisation, v)
            .filter(|k| self.registry.records.contains_key(k))
        {
            return Ok(Some(id));
        }
        match self.registry.by_names(&[v], None).as_slice() {
            [id] => Ok(Some(*id)),
            [] => Err(Invalid(column, format!("no organisation is called `{v}`"))),
            _ => Err(Invalid(
                column,
                format!("more than one organisation is called `{v}`: give its id"),
            )),
        }
    }

    fn partnership_row(
        &mut self,
        cells: &Cells,
        i: usize,
        line: &mut RowReport,
        seen: &mut HashMap<String, usize>,
        partnerships: &Partnerships,
    ) -> Checked<Plan> {
        let scope = self.scope;
        let principal = scope.principal();
        let member = match self.named_organisation(cells, "member")? {
            Some(m) => m,
            None => principal.organisation().ok_or_else(|| {
                Invalid(
                    "member",
                    "the coordinator names the member in a member column".into(),
                )
            })?,
        };
        let owner_named = self.named_organisation(cells, "owner")?;
        let owner = owner_of_new(
            principal,
            owner_named.or(if principal.is_coordinator() {
                Some(member)
            } else {
                None
            }),
        )
        .map_err(|e| Invalid("owner", e.message()))?;
        crate::access::may_write(principal, owner).map_err(|e| Invalid("owner", e.message()))?;
        let org = self.org_row(
            cells,
            ["partnerId", "partner", "partnerNameZh", "partnerKind"],
        )?;
        let kind = choice(cells, "kind", PARTNERSHIP_KINDS)?;
        let since = date(cells, "since")?;
        let until = date(cells, "until")?;
        let status = choice(cells, "status", STATUSES)?;
        let visibility = choice(cells, "visibility", VISIBILITIES)?;
        let notes = text(cells, "notes", LONG_TEXT_MAX)?;
        if let (Some(s), Some(u)) = (since, until)
            && u < s
        {
            return Err(Invalid(
                "until",
                format!("ends ({u}) before it begins ({s})"),
            ));
        }
        let today = self.scope.today();
        let partnership_id = match cells.get("id") {
            None => None,
            Some(v) => Some(
                (self.decode_id)(RecordKind::Partnership, v)
                    .filter(|k| partnerships.by_id.contains_key(k))
                    .ok_or_else(|| Invalid("id", format!("no partnership has the id `{v}`")))?,
            ),
        };
        // The partner: by the partnership's id, or found in the registry, or new.
        let found = match partnership_id {
            Some(p) => Found::Known(partnerships.by_id[&p].partner_id),
            None => self.find(&org),
        };
        let (partner, partner_kind) = match found {
            Found::Ambiguous(ids) => {
                line.status = RowStatus::Ambiguous;
                line.candidates = self.candidates(&ids);
                line.reason = Some("more than one organisation in the registry has this name: add a partnerId column".into());
                return Ok(Plan::Nothing);
            }
            Found::Known(id) => {
                line.partner = Some(PartnerOutcome {
                    status: RowStatus::Matched,
                    id: Some(id),
                });
                (PartnerPlan::Known(id), self.registry.records[&id].kind)
            }
            Found::Pending(row) => {
                line.partner = Some(PartnerOutcome {
                    status: RowStatus::New,
                    id: None,
                });
                let kind = org.kind.unwrap_or(organisation_kind_for(
                    kind.unwrap_or(PartnershipKind::Academic),
                ));
                (PartnerPlan::FromRow(row), kind)
            }
            Found::New => {
                if org.name_en.is_none() {
                    return Err(Invalid(
                        "partner",
                        "a new partner needs an English name".into(),
                    ));
                }
                line.partner = Some(PartnerOutcome {
                    status: RowStatus::New,
                    id: None,
                });
                self.remember_new(&org, i);
                let okind = org.kind.unwrap_or(organisation_kind_for(
                    kind.unwrap_or(PartnershipKind::Academic),
                ));
                (
                    PartnerPlan::Create(Box::new(organisation_input(&org, okind))),
                    okind,
                )
            }
        };
        let partner_key = match &partner {
            PartnerPlan::Known(id) => {
                if *id == member {
                    return Err(Invalid(
                        "partner",
                        "an organisation is not its own partner".into(),
                    ));
                }
                format!("o{id}")
            }
            PartnerPlan::FromRow(row) | PartnerPlan::Created(row) => format!("row{row}"),
            PartnerPlan::Create(_) => format!("row{i}"),
        };
        let kind = kind.unwrap_or(partnership_kind_for(partner_kind));
        let pair_key = format!("{member} {partner_key} {kind:?}");
        if let Some(first) = seen.insert(pair_key, line.line) {
            return Err(Invalid(
                "partner",
                format!("the same partnership as line {first}"),
            ));
        }
        // The partnership: by its id, or the member's with this partner (of this kind
        // when there are several).
        let existing: Vec<&partnership::Model> = match (&partner, partnership_id) {
            (_, Some(p)) => vec![&partnerships.by_id[&p]],
            (PartnerPlan::Known(id), None) => {
                let all = partnerships
                    .by_pair
                    .get(&(member, *id))
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                let same_kind: Vec<&partnership::Model> =
                    all.iter().filter(|p| p.kind == kind).collect();
                if same_kind.is_empty() && all.len() == 1 && cells.get("kind").is_none() {
                    vec![&all[0]]
                } else {
                    same_kind
                }
            }
            _ => Vec::new(),
        };
        let write = match existing.as_slice() {
            [] => {
                let status = status.unwrap_or(match until {
                    Some(u) if u < today => PartnershipStatus::Ended,
                    _ => PartnershipStatus::Active,
                });
                check_active(status, until, today)?;
                line.status = RowStatus::New;
                PartnershipWrite::Create(Box::new(PartnershipInput {
                    owner: Some(owner),
                    visibility,
                    member: Some(member),
                    partner: 0,
                    kind,
                    since,
                    until,
                    status,
                    notes,
                    source: None,
                    idempotency_key: None,
                }))
            }
            [p] => {
                line.status = RowStatus::Matched;
                line.record = Some((RecordKind::Partnership, p.id));
                let mut patch = PartnershipPatch::default();
                if cells.get("kind").is_some() && kind != p.kind {
                    patch.kind = Some(kind);
                    line.changes.push("kind");
                }
                if since.is_some() && since != p.since {
                    patch.since = Some(since);
                    line.changes.push("since");
                }
                if until.is_some() && until != p.until {
                    patch.until = Some(until);
                    line.changes.push("until");
                }
                if let Some(s) = status
                    && s != p.status
                {
                    patch.status = Some(s);
                    line.changes.push("status");
                }
                if let Some(v) = visibility
                    && v != p.visibility
                {
                    patch.visibility = Some(v);
                    line.changes.push("visibility");
                }
                if notes.is_some() && notes != p.notes {
                    patch.notes = Some(notes);
                    line.changes.push("notes");
                }
                if line.changes.is_empty() {
                    PartnershipWrite::Nothing
                } else {
                    partnership::Entity::may_change(principal, p)
                        .map_err(|e| Invalid(line.changes[0], e.message()))?;
                    check_active(status.unwrap_or(p.status), until.or(p.until), today)?;
                    PartnershipWrite::Update(p.id, p.version, Box::new(patch))
                }
            }
            several => {
                line.status = RowStatus::Ambiguous;
                line.reason = Some(
                    "the member has several partnerships with this partner: add an id column"
                        .into(),
                );
                line.candidates = several
                    .iter()
                    .map(|p| Candidate {
                        kind: RecordKind::Partnership,
                        id: p.id,
                        name: format!(
                            "{:?} partnership with {}",
                            p.kind,
                            self.registry
                                .records
                                .get(&p.partner_id)
                                .map_or("", |o| o.name_en.as_str())
                        ),
                        country: None,
                    })
                    .collect();
                return Ok(Plan::Nothing);
            }
        };
        Ok(Plan::Partnership { partner, write })
    }
}

fn check_active(
    status: PartnershipStatus,
    until: Option<NaiveDate>,
    today: NaiveDate,
) -> Checked<()> {
    match until {
        Some(u) if status == PartnershipStatus::Active && u < today => Err(Invalid(
            "until",
            format!("an ACTIVE partnership cannot have ended already ({u}); say ENDED"),
        )),
        _ => Ok(()),
    }
}

/// The line of the row that an earlier `seen` entry records for row index `row`.
fn row_line(row: usize, seen: &HashMap<String, usize>) -> usize {
    seen.get(&format!("row{row}")).copied().unwrap_or(row + 2)
}

/// Reads `bytes` as the import would and returns its header and rows (for tools that
/// show a file before importing it).
pub fn read_table(bytes: &[u8], encoding: Encoding) -> Result<(Vec<String>, Vec<Vec<String>>)> {
    let t = read::table(bytes, encoding)?;
    Ok((t.headers, t.rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_as_offices_write_them() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd);
        assert_eq!(parse_date("2023-05-05"), d(2023, 5, 5));
        assert_eq!(parse_date("2023/5/5"), d(2023, 5, 5));
        assert_eq!(parse_date("2023年5月5日"), d(2023, 5, 5));
        assert_eq!(parse_date("2019"), d(2019, 1, 1));
        assert_eq!(parse_date("2019-02-30"), None);
        assert_eq!(parse_date("soon"), None);
    }

    #[test]
    fn write_errors_name_their_column() {
        assert_eq!(
            column_of("x", &Error::bad_input("input.country", "no")),
            "country"
        );
        assert_eq!(
            column_of("x", &Error::bad_input("input.identifiers.0.value", "no")),
            "identifiers"
        );
        assert_eq!(column_of("x", &Error::NotFound), "x");
    }
}
