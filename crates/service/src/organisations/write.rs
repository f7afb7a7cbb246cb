//! Writing organisations (and their units) in the registry.
use std::collections::{BTreeSet, HashMap};

use chrono::Utc;
use entity::enums::{NameKind, OrganisationKind};
use entity::{
    consortium_member, country, organisation, organisation_identifier, organisation_name, source,
};
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::Serialize;

use crate::access::{may_add_to_registry, may_place_unit};
use crate::audit::Audit;
use crate::domain::{CountryCode, LanguageTag, NAME_MAX, RorId, TITLE_MAX, WebUrl};
use crate::search::{self, Registry};
use crate::write::{Patch, Stamped, on_constraint, patch_text, replace, required_text, text};
use crate::{Error, Result, Scope};

#[derive(Debug, Clone, Serialize)]
pub struct OrganisationInput {
    pub kind: OrganisationKind,
    pub parent: Option<i64>,
    pub name_en: String,
    pub name_zh: Option<String>,
    pub abbreviation: Option<String>,
    pub country: Option<String>,
    pub city: Option<String>,
    pub address: Option<String>,
    pub website: Option<String>,
    pub ror_id: Option<String>,
    pub source: Option<i64>,
    pub names: Vec<NameInput>,
    pub identifiers: Vec<IdentifierInput>,
    #[serde(skip)]
    pub idempotency_key: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct OrganisationPatch {
    pub kind: Option<OrganisationKind>,
    pub parent: Patch<i64>,
    pub name_en: Option<String>,
    pub name_zh: Patch<String>,
    pub abbreviation: Patch<String>,
    pub country: Patch<String>,
    pub city: Patch<String>,
    pub address: Patch<String>,
    pub website: Patch<String>,
    pub ror_id: Patch<String>,
    pub source: Patch<i64>,
    pub names: Option<Vec<NameInput>>,
    pub identifiers: Option<Vec<IdentifierInput>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NameInput {
    pub lang: String,
    pub kind: NameKind,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct IdentifierInput {
    pub scheme: String,
    pub value: String,
}

/// Parses an optional web address.
pub(crate) fn url(field: &str, value: &Option<String>) -> Result<Option<String>> {
    value
        .as_deref()
        .filter(|v| !v.trim().is_empty())
        .map(|v| WebUrl::parse(field, v).map(|u| u.as_str().to_owned()))
        .transpose()
}

fn ror(field: &str, value: &Option<String>) -> Result<Option<String>> {
    value
        .as_deref()
        .filter(|v| !v.trim().is_empty())
        .map(|v| RorId::parse(field, v).map(|r| r.as_str().to_owned()))
        .transpose()
}

/// A new organisation with a ROR id or an identifier (scheme and value) that an existing
/// one has is the same body entered twice: CONFLICT, naming the existing record. (The
/// registry is readable by everyone, so naming it tells nothing hidden.)
async fn refuse_known_identifiers(
    txn: &DatabaseTransaction,
    ror_id: &Option<String>,
    identifiers: &[IdentifierInput],
) -> Result<()> {
    if let Some(ror_id) = ror_id {
        let found = organisation::Entity::find()
            .filter(organisation::Column::RorId.eq(ror_id.clone()))
            .all(txn)
            .await?;
        if let Some(existing) = found.first() {
            return Err(Error::Duplicate {
                field: "input.rorId".into(),
                record: "organisation",
                existing: existing.id,
            });
        }
    }
    for (i, x) in identifiers.iter().enumerate() {
        let found = organisation_identifier::Entity::find()
            .filter(organisation_identifier::Column::Scheme.eq(x.scheme.trim().to_uppercase()))
            .filter(organisation_identifier::Column::Value.eq(x.value.trim()))
            .all(txn)
            .await?;
        if let Some(existing) = found.first() {
            return Err(Error::Duplicate {
                field: format!("input.identifiers.{i}.value"),
                record: "organisation",
                existing: existing.organisation_id,
            });
        }
    }
    Ok(())
}

/// Rows per multi-row insert of a batch: about 17 values each, under SQLite's limit of
/// 32,766 bound values (and PostgreSQL's 65,535).
const ROWS_PER_INSERT: usize = 1_000;

/// The scheme under which a ROR id is kept among a batch's identifiers: empty, which no
/// identifier's scheme is.
const ROR_SCHEME: &str = "";

/// The identifiers an input would hold, its ROR id (`ror_id`, parsed) included, as
/// (scheme, value).
fn keys_of(ror_id: &Option<String>, input: &OrganisationInput) -> Vec<(String, String)> {
    let mut keys: Vec<(String, String)> = ror_id
        .iter()
        .map(|r| (ROR_SCHEME.to_owned(), r.clone()))
        .collect();
    keys.extend(
        input
            .identifiers
            .iter()
            .map(|x| (x.scheme.trim().to_uppercase(), x.value.trim().to_owned())),
    );
    keys
}

/// Which of the inputs' ROR ids (`rors`, parsed) and identifiers a record holds already:
/// two statements per chunk of values, whatever the number of inputs.
async fn known_identifiers(
    txn: &DatabaseTransaction,
    rors: &[Option<String>],
    inputs: &[OrganisationInput],
) -> Result<HashMap<(String, String), i64>> {
    let mut held = HashMap::new();
    let rors: Vec<String> = rors
        .iter()
        .flatten()
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    for chunk in rors.chunks(ROWS_PER_INSERT) {
        for o in organisation::Entity::find()
            .filter(organisation::Column::RorId.is_in(chunk.iter().cloned()))
            .order_by_asc(organisation::Column::Id)
            .all(txn)
            .await?
        {
            if let Some(r) = o.ror_id {
                held.entry((ROR_SCHEME.to_owned(), r)).or_insert(o.id);
            }
        }
    }
    let values: Vec<String> = inputs
        .iter()
        .flat_map(|i| i.identifiers.iter().map(|x| x.value.trim().to_owned()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    for chunk in values.chunks(ROWS_PER_INSERT) {
        for x in organisation_identifier::Entity::find()
            .filter(organisation_identifier::Column::Value.is_in(chunk.iter().cloned()))
            .order_by_asc(organisation_identifier::Column::Id)
            .all(txn)
            .await?
        {
            held.entry((x.scheme.to_uppercase(), x.value))
                .or_insert(x.organisation_id);
        }
    }
    Ok(held)
}

impl Scope {
    /// Checks that a unit may hang under `parent` (the rule is `access::may_place_unit`).
    async fn may_place_under(&self, txn: &DatabaseTransaction, parent: Option<i64>) -> Result<()> {
        let Some(parent) = parent else { return Ok(()) };
        self.require::<organisation::Entity>(txn, "input.parent", "organisation", [parent])
            .await?;
        let is_member = consortium_member::Entity::find()
            .filter(consortium_member::Column::OrganisationId.eq(parent))
            .count(txn)
            .await?
            > 0;
        may_place_unit(self.principal(), parent, is_member)
    }

    pub async fn create_organisation(
        &self,
        input: OrganisationInput,
    ) -> Result<organisation::Model> {
        const CREATE: &str = "createOrganisation";
        let txn = self.begin_write().await?;
        let key = &input.idempotency_key;
        if let Some(found) = self
            .replay::<organisation::Entity>(&txn, key, CREATE, &input)
            .await?
        {
            return Ok(found);
        }
        let row = self.create_organisation_in(&txn, &input, true).await?;
        self.remember(&txn, key, CREATE, &input, row.id).await?;
        txn.commit().await?;
        Ok(row)
    }

    /// `createOrganisation` inside a transaction the caller commits (an import writes
    /// many records in one), with its audit and change entries. `index`: re-index its
    /// names now; an import indexes all it created at once, still before it commits.
    pub(crate) async fn create_organisation_in(
        &self,
        txn: &DatabaseTransaction,
        input: &OrganisationInput,
        index: bool,
    ) -> Result<organisation::Model> {
        may_add_to_registry(self.principal())?;
        self.may_place_under(txn, input.parent).await?;
        self.require::<source::Entity>(txn, "input.source", "source", input.source)
            .await?;
        let country = self.country(txn, "input.country", &input.country).await?;
        let ror_id = ror("input.rorId", &input.ror_id)?;
        refuse_known_identifiers(txn, &ror_id, &input.identifiers).await?;
        let row = organisation::ActiveModel {
            kind: Set(input.kind),
            parent_id: Set(input.parent),
            name_en: Set(required_text("input.nameEn", &input.name_en, TITLE_MAX)?),
            name_zh: Set(text("input.nameZh", &input.name_zh, TITLE_MAX)?),
            abbreviation: Set(text("input.abbreviation", &input.abbreviation, NAME_MAX)?),
            country_code: Set(country),
            city: Set(text("input.city", &input.city, NAME_MAX)?),
            address: Set(text("input.address", &input.address, TITLE_MAX)?),
            website: Set(url("input.website", &input.website)?),
            ror_id: Set(ror_id),
            source_id: Set(input.source),
            maintainer_id: Set(self.principal().organisation()),
            ..Default::default()
        };
        let row = self.insert::<organisation::Entity>(txn, row).await?;
        if !input.names.is_empty() || !input.identifiers.is_empty() {
            self.write_names(txn, row.id, &input.names, &input.identifiers)
                .await?;
        }
        if index {
            search::index(txn, Registry::Organisation, &[row.id]).await?;
        }
        let after = (&row, &input.names, &input.identifiers);
        self.audit::<organisation::Entity>("createOrganisation", &row)
            .after(&after)
            .write(txn)
            .await?;
        Ok(row)
    }

    /// `create_organisation_in` for many inputs at once (an import's new organisations),
    /// with the same checks, rows, search terms, audit and change entries, in statements
    /// that grow with the number of chunks, not of records. The new records' ids come
    /// back in the order of `inputs`; a failure names the index of the input at fault.
    pub(crate) async fn create_organisations_in(
        &self,
        txn: &DatabaseTransaction,
        inputs: &[OrganisationInput],
    ) -> std::result::Result<Vec<i64>, (usize, Error)> {
        if inputs.is_empty() {
            return Ok(Vec::new());
        }
        may_add_to_registry(self.principal()).map_err(|e| (0, e))?;
        // References, each distinct one checked once.
        let mut placed = BTreeSet::new();
        for (i, input) in inputs.iter().enumerate() {
            if let Some(parent) = input.parent
                && placed.insert(parent)
            {
                self.may_place_under(txn, Some(parent))
                    .await
                    .map_err(|e| (i, e))?;
            }
        }
        let sources = self
            .readable_ids::<source::Entity>(txn, inputs.iter().filter_map(|i| i.source))
            .await
            .map_err(|e| (0, e))?;
        let mut countries = Vec::with_capacity(inputs.len());
        let mut rors = Vec::with_capacity(inputs.len());
        for (i, input) in inputs.iter().enumerate() {
            if input.source.is_some_and(|s| !sources.contains(&s)) {
                return Err((i, Error::bad_input("input.source", "no such source")));
            }
            let code = input
                .country
                .as_deref()
                .map(|c| CountryCode::parse("input.country", c).map(|c| c.as_str().to_owned()))
                .transpose()
                .map_err(|e| (i, e))?;
            countries.push(code);
            rors.push(ror("input.rorId", &input.ror_id).map_err(|e| (i, e))?);
        }
        let known_countries: BTreeSet<String> = country::Entity::find()
            .filter(
                country::Column::Code
                    .is_in(countries.iter().flatten().cloned().collect::<BTreeSet<_>>()),
            )
            .all(txn)
            .await
            .map_err(|e| (0, e.into()))?
            .into_iter()
            .map(|c| c.code)
            .collect();
        if let Some(i) = countries
            .iter()
            .position(|c| c.as_ref().is_some_and(|c| !known_countries.contains(c)))
        {
            return Err((
                i,
                Error::bad_input("input.country", "not an ISO 3166-1 country or region"),
            ));
        }
        // Identifiers already held, in the registry or earlier in the batch: the first
        // input holding one is the same body entered twice (as `refuse_known_identifiers`).
        let held = known_identifiers(txn, &rors, inputs)
            .await
            .map_err(|e| (0, e))?;
        let mut in_batch: HashMap<(String, String), usize> = HashMap::new();
        let mut refused: Option<(usize, usize, String)> = None;
        'inputs: for (i, input) in inputs.iter().enumerate() {
            let mut keys = Vec::new();
            if let Some(r) = &rors[i] {
                keys.push(((ROR_SCHEME.to_owned(), r.clone()), "input.rorId".to_owned()));
            }
            for (n, x) in input.identifiers.iter().enumerate() {
                let key = (x.scheme.trim().to_uppercase(), x.value.trim().to_owned());
                let field = format!("input.identifiers.{n}.value");
                if keys.iter().any(|(k, _)| *k == key) {
                    return Err((
                        i,
                        Error::bad_input(
                            format!("input.identifiers.{n}"),
                            "a record with these values already exists",
                        ),
                    ));
                }
                keys.push((key, field));
            }
            for (key, field) in keys {
                if let Some(existing) = held.get(&key) {
                    return Err((
                        i,
                        Error::Duplicate {
                            field,
                            record: "organisation",
                            existing: *existing,
                        },
                    ));
                }
                if let Some(&earlier) = in_batch.get(&key) {
                    refused = Some((i, earlier, field));
                    break 'inputs;
                }
            }
            for key in keys_of(&rors[i], input) {
                in_batch.entry(key).or_insert(i);
            }
        }
        // Up to the first input that repeats an earlier one's identifier: that one is
        // refused naming the record the earlier one became.
        let upto = refused.as_ref().map_or(inputs.len(), |(i, _, _)| *i);
        let now = Utc::now();
        let by = self.principal().label();
        // Chunk by chunk, rows to audit entries, so that what is held at once does not
        // grow with the batch: only the ids are kept.
        let mut created = Vec::with_capacity(upto);
        for (c, chunk) in inputs[..upto].chunks(ROWS_PER_INSERT).enumerate() {
            let first = c * ROWS_PER_INSERT;
            let mut rows = Vec::with_capacity(chunk.len());
            for (k, input) in chunk.iter().enumerate() {
                let i = first + k;
                let at = |e| (i, e);
                let mut row = organisation::ActiveModel {
                    kind: Set(input.kind),
                    parent_id: Set(input.parent),
                    name_en: Set(
                        required_text("input.nameEn", &input.name_en, TITLE_MAX).map_err(at)?
                    ),
                    name_zh: Set(text("input.nameZh", &input.name_zh, TITLE_MAX).map_err(at)?),
                    abbreviation: Set(
                        text("input.abbreviation", &input.abbreviation, NAME_MAX).map_err(at)?
                    ),
                    country_code: Set(countries[i].clone()),
                    city: Set(text("input.city", &input.city, NAME_MAX).map_err(at)?),
                    address: Set(text("input.address", &input.address, TITLE_MAX).map_err(at)?),
                    website: Set(url("input.website", &input.website).map_err(at)?),
                    ror_id: Set(rors[i].clone()),
                    source_id: Set(input.source),
                    maintainer_id: Set(self.principal().organisation()),
                    ..Default::default()
                };
                row.stamp(1, by.clone(), now);
                rows.push(row);
            }
            let mut models = organisation::Entity::insert_many(rows)
                .exec_with_returning(txn)
                .await
                .map_err(|e| (first, on_constraint(e, "input.rorId")))?;
            // Ids are taken in the order of the rows.
            models.sort_by_key(|m| m.id);
            let mut names = Vec::new();
            let mut identifiers = Vec::new();
            let mut audits = Vec::with_capacity(models.len());
            for (k, (input, row)) in chunk.iter().zip(&models).enumerate() {
                let (n, x) = self
                    .name_rows(row.id, &input.names, &input.identifiers)
                    .map_err(|e| (first + k, e))?;
                names.extend(n);
                identifiers.extend(x);
                let after = (row, &input.names, &input.identifiers);
                let audit = self
                    .audit::<organisation::Entity>("createOrganisation", row)
                    .after(&after);
                audits.push((audit, None));
            }
            for rows in names.chunks(ROWS_PER_INSERT) {
                organisation_name::Entity::insert_many(rows.to_vec())
                    .exec_without_returning(txn)
                    .await
                    .map_err(|e| (first, on_constraint(e, "input.names")))?;
            }
            for rows in identifiers.chunks(ROWS_PER_INSERT) {
                organisation_identifier::Entity::insert_many(rows.to_vec())
                    .exec_without_returning(txn)
                    .await
                    .map_err(|e| (first, on_constraint(e, "input.identifiers")))?;
            }
            Audit::write_created(txn, audits)
                .await
                .map_err(|e| (first, e))?;
            created.extend(models.iter().map(|m| m.id));
        }
        if let Some((i, earlier, field)) = refused {
            return Err((
                i,
                Error::Duplicate {
                    field,
                    record: "organisation",
                    existing: created[earlier],
                },
            ));
        }
        for batch in created.chunks(ROWS_PER_INSERT) {
            search::index_new(txn, Registry::Organisation, batch)
                .await
                .map_err(|e| (0, e))?;
        }
        Ok(created)
    }

    pub async fn update_organisation(
        &self,
        id: i64,
        expected_version: i32,
        patch: OrganisationPatch,
    ) -> Result<organisation::Model> {
        let txn = self.begin_write().await?;
        let after = self
            .update_organisation_in(&txn, id, expected_version, patch)
            .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// `updateOrganisation` inside a transaction the caller commits, with its audit and
    /// change entries.
    pub(crate) async fn update_organisation_in(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
        expected_version: i32,
        patch: OrganisationPatch,
    ) -> Result<organisation::Model> {
        let before = self
            .check_change::<organisation::Entity>(txn, id, expected_version)
            .await?;
        let mut row: organisation::ActiveModel = before.clone().into();
        if let Some(parent) = patch.parent {
            if parent == Some(id) {
                return Err(Error::bad_input(
                    "input.parent",
                    "an organisation cannot be its own parent",
                ));
            }
            self.may_place_under(txn, parent).await?;
            row.parent_id = Set(parent);
        }
        if let Some(k) = patch.kind {
            row.kind = Set(k);
        }
        if let Some(n) = &patch.name_en {
            row.name_en = Set(required_text("input.nameEn", n, TITLE_MAX)?);
        }
        if let Some(n) = patch_text("input.nameZh", &patch.name_zh, TITLE_MAX)? {
            row.name_zh = Set(n);
        }
        if let Some(a) = patch_text("input.abbreviation", &patch.abbreviation, NAME_MAX)? {
            row.abbreviation = Set(a);
        }
        if let Some(c) = &patch.country {
            row.country_code = Set(self.country(txn, "input.country", c).await?);
        }
        if let Some(c) = patch_text("input.city", &patch.city, NAME_MAX)? {
            row.city = Set(c);
        }
        if let Some(a) = patch_text("input.address", &patch.address, TITLE_MAX)? {
            row.address = Set(a);
        }
        if let Some(w) = &patch.website {
            row.website = Set(url("input.website", w)?);
        }
        if let Some(r) = &patch.ror_id {
            row.ror_id = Set(ror("input.rorId", r)?);
        }
        if let Some(s) = patch.source {
            self.require::<source::Entity>(txn, "input.source", "source", s)
                .await?;
            row.source_id = Set(s);
        }
        if patch.names.is_some() || patch.identifiers.is_some() {
            let names = match &patch.names {
                Some(n) => n.clone(),
                None => self.name_inputs(txn, id).await?,
            };
            let identifiers = match &patch.identifiers {
                Some(i) => i.clone(),
                None => self.identifier_inputs(txn, id).await?,
            };
            self.write_names(txn, id, &names, &identifiers).await?;
        }
        let after = self
            .save::<organisation::Entity>(txn, row, expected_version)
            .await?;
        search::index(txn, Registry::Organisation, &[id]).await?;
        let after_state = (&after, &patch.names, &patch.identifiers);
        self.audit::<organisation::Entity>("updateOrganisation", &after)
            .before(&before)
            .after(&after_state)
            .write(txn)
            .await?;
        Ok(after)
    }

    /// Live organisations that may be the same body as `of`: another with one of its
    /// names (folded) in the same country (or where either country is unknown), or one
    /// holding one of its identifiers' values under another scheme.
    pub async fn possible_duplicate_organisations(
        &self,
        of: &organisation::Model,
    ) -> Result<Vec<organisation::Model>> {
        let mut names = vec![of.name_en.as_str()];
        names.extend(of.name_zh.as_deref());
        let mut same_name = Condition::all().add(
            organisation::Column::Id.in_subquery(search::named(Registry::Organisation, &names)),
        );
        if let Some(country) = &of.country_code {
            same_name = same_name.add(
                Condition::any()
                    .add(organisation::Column::CountryCode.is_null())
                    .add(organisation::Column::CountryCode.eq(country.clone())),
            );
        }
        let values = Query::select()
            .column(organisation_identifier::Column::Value)
            .from(organisation_identifier::Entity)
            .and_where(organisation_identifier::Column::OrganisationId.eq(of.id))
            .to_owned();
        let same_identifier = Query::select()
            .column(organisation_identifier::Column::OrganisationId)
            .from(organisation_identifier::Entity)
            .and_where(organisation_identifier::Column::Value.in_subquery(values))
            .to_owned();
        Ok(self
            .find::<organisation::Entity>()
            .filter(organisation::Column::Id.ne(of.id))
            .filter(organisation::Column::ArchivedAt.is_null())
            .filter(
                Condition::any()
                    .add(same_name)
                    .add(organisation::Column::Id.in_subquery(same_identifier)),
            )
            .order_by_asc(organisation::Column::Id)
            .all(&self.reader().await?)
            .await?)
    }

    async fn name_inputs(&self, txn: &DatabaseTransaction, id: i64) -> Result<Vec<NameInput>> {
        Ok(organisation_name::Entity::find()
            .filter(organisation_name::Column::OrganisationId.eq(id))
            .all(txn)
            .await?
            .into_iter()
            .map(|n| NameInput {
                lang: n.lang,
                kind: n.kind,
                value: n.value,
            })
            .collect())
    }

    async fn identifier_inputs(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
    ) -> Result<Vec<IdentifierInput>> {
        Ok(organisation_identifier::Entity::find()
            .filter(organisation_identifier::Column::OrganisationId.eq(id))
            .all(txn)
            .await?
            .into_iter()
            .map(|i| IdentifierInput {
                scheme: i.scheme,
                value: i.value,
            })
            .collect())
    }

    /// The rows of an organisation's further names and identifiers, parsed.
    #[allow(clippy::type_complexity)]
    fn name_rows(
        &self,
        id: i64,
        names: &[NameInput],
        identifiers: &[IdentifierInput],
    ) -> Result<(
        Vec<organisation_name::ActiveModel>,
        Vec<organisation_identifier::ActiveModel>,
    )> {
        let mut name_rows = Vec::with_capacity(names.len());
        let mut seen = Vec::with_capacity(names.len());
        for (i, n) in names.iter().enumerate() {
            let lang = LanguageTag::parse(&format!("input.names.{i}.lang"), &n.lang)?;
            let value = required_text(&format!("input.names.{i}.value"), &n.value, TITLE_MAX)?;
            let key = (lang.as_str().to_owned(), n.kind, value.clone());
            if seen.contains(&key) {
                return Err(Error::bad_input(
                    format!("input.names.{i}"),
                    "a record with these values already exists",
                ));
            }
            seen.push(key);
            name_rows.push(organisation_name::ActiveModel {
                organisation_id: Set(id),
                lang: Set(lang.as_str().to_owned()),
                kind: Set(n.kind),
                value: Set(value),
                ..Default::default()
            });
        }
        let mut identifier_rows = Vec::with_capacity(identifiers.len());
        for (i, x) in identifiers.iter().enumerate() {
            let scheme = required_text(&format!("input.identifiers.{i}.scheme"), &x.scheme, 50)?;
            identifier_rows.push(organisation_identifier::ActiveModel {
                organisation_id: Set(id),
                scheme: Set(scheme.to_uppercase()),
                value: Set(required_text(
                    &format!("input.identifiers.{i}.value"),
                    &x.value,
                    NAME_MAX,
                )?),
                ..Default::default()
            });
        }
        Ok((name_rows, identifier_rows))
    }

    async fn write_names(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
        names: &[NameInput],
        identifiers: &[IdentifierInput],
    ) -> Result<()> {
        let (names, identifiers) = self.name_rows(id, names, identifiers)?;
        replace(
            txn,
            organisation_name::Column::OrganisationId,
            id,
            names,
            "input.names",
        )
        .await?;
        replace(
            txn,
            organisation_identifier::Column::OrganisationId,
            id,
            identifiers,
            "input.identifiers",
        )
        .await
    }
}
