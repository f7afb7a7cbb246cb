//! Writing partnerships.
use chrono::NaiveDate;
use chrono::Utc;
use entity::enums::{PartnershipKind, PartnershipStatus, Visibility};
use entity::{organisation, partnership, source};
use sea_orm::{DatabaseTransaction, EntityTrait, Set};
use serde::Serialize;

use crate::audit::Audit;
use crate::domain::{DateSpan, LONG_TEXT_MAX};
use crate::write::{Patch, Stamped, on_constraint, patch_text, patched, text};
use crate::{Error, Result, Scope};

#[derive(Debug, Clone, Serialize)]
pub struct PartnershipInput {
    pub owner: Option<i64>,
    pub visibility: Option<Visibility>,
    /// Defaults to the owner.
    pub member: Option<i64>,
    pub partner: i64,
    pub kind: PartnershipKind,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    pub status: PartnershipStatus,
    pub notes: Option<String>,
    pub source: Option<i64>,
    #[serde(skip)]
    pub idempotency_key: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct PartnershipPatch {
    pub visibility: Option<Visibility>,
    pub member: Option<i64>,
    pub partner: Option<i64>,
    pub kind: Option<PartnershipKind>,
    pub since: Patch<NaiveDate>,
    pub until: Patch<NaiveDate>,
    pub status: Option<PartnershipStatus>,
    pub notes: Patch<String>,
    pub source: Patch<i64>,
}

/// The dates in order, and no `ACTIVE` partnership that already ended by its dates: as
/// for agreements, the status must then say `ENDED`.
fn dates(
    status: PartnershipStatus,
    since: Option<NaiveDate>,
    until: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<DateSpan> {
    let span = DateSpan::parse("input.until", since, until)?;
    if status == PartnershipStatus::Active
        && let Some(until) = until
        && until < today
    {
        return Err(Error::bad_input(
            "input.until",
            format!("an ACTIVE partnership cannot have ended already ({until}); say ENDED"),
        ));
    }
    Ok(span)
}

/// A new partnership's row from its checked owner and member and its input.
fn new_row(
    owner: i64,
    member: i64,
    input: &PartnershipInput,
    today: NaiveDate,
) -> Result<partnership::ActiveModel> {
    let span = dates(input.status, input.since, input.until, today)?;
    Ok(partnership::ActiveModel {
        owner_id: Set(owner),
        visibility: Set(input.visibility.unwrap_or(Visibility::Private)),
        member_id: Set(member),
        partner_id: Set(input.partner),
        kind: Set(input.kind),
        since: Set(span.from),
        until: Set(span.to),
        status: Set(input.status),
        notes: Set(text("input.notes", &input.notes, LONG_TEXT_MAX)?),
        source_id: Set(input.source),
        ..Default::default()
    })
}

/// Rows per multi-row insert of a batch: about 15 values each, under SQLite's limit of
/// 32,766 bound values (and PostgreSQL's 65,535).
const ROWS_PER_INSERT: usize = 1_000;

fn distinct(member: i64, partner: i64) -> Result<()> {
    if member == partner {
        return Err(Error::bad_input(
            "input.partner",
            "an organisation is not its own partner",
        ));
    }
    Ok(())
}

impl Scope {
    pub async fn create_partnership(&self, input: PartnershipInput) -> Result<partnership::Model> {
        const CREATE: &str = "createPartnership";
        let txn = self.begin_write().await?;
        let key = &input.idempotency_key;
        if let Some(found) = self
            .replay::<partnership::Entity>(&txn, key, CREATE, &input)
            .await?
        {
            return Ok(found);
        }
        let row = self.create_partnership_in(&txn, &input).await?;
        self.remember(&txn, key, CREATE, &input, row.id).await?;
        txn.commit().await?;
        Ok(row)
    }

    /// `createPartnership` inside a transaction the caller commits (an import writes
    /// many records in one), with its audit and change entries.
    pub(crate) async fn create_partnership_in(
        &self,
        txn: &DatabaseTransaction,
        input: &PartnershipInput,
    ) -> Result<partnership::Model> {
        let owner = self.owner_for_create(txn, input.owner).await?;
        let member = input.member.unwrap_or(owner);
        self.require::<organisation::Entity>(txn, "input.member", "organisation", [member])
            .await?;
        self.require::<organisation::Entity>(txn, "input.partner", "organisation", [input.partner])
            .await?;
        distinct(member, input.partner)?;
        self.require::<source::Entity>(txn, "input.source", "source", input.source)
            .await?;
        let row = new_row(owner, member, input, self.today())?;
        let row = self.insert::<partnership::Entity>(txn, row).await?;
        self.audit::<partnership::Entity>("createPartnership", &row)
            .after(&row)
            .write(txn)
            .await?;
        Ok(row)
    }

    /// `create_partnership_in` for many inputs at once (an import's new partnerships),
    /// with the same checks, rows, audit and change entries, in statements that grow
    /// with the number of chunks, not of records. The new records' ids come back in the
    /// order of `inputs`; a failure names the index of the input at fault.
    pub(crate) async fn create_partnerships_in(
        &self,
        txn: &DatabaseTransaction,
        inputs: &[PartnershipInput],
    ) -> std::result::Result<Vec<i64>, (usize, Error)> {
        if inputs.is_empty() {
            return Ok(Vec::new());
        }
        let principal = self.principal();
        // Every organisation the inputs name, and every source, read once.
        let mut named = Vec::with_capacity(inputs.len() * 3);
        let mut owners = Vec::with_capacity(inputs.len());
        for (i, input) in inputs.iter().enumerate() {
            let owner = crate::access::owner_of_new(principal, input.owner).map_err(|e| (i, e))?;
            crate::access::may_write(principal, owner).map_err(|e| (i, e))?;
            owners.push(owner);
            if input.owner.is_some() && principal.is_coordinator() {
                named.push(owner);
            }
            named.push(input.member.unwrap_or(owner));
            named.push(input.partner);
        }
        let organisations = self
            .readable_ids::<organisation::Entity>(txn, named)
            .await
            .map_err(|e| (0, e))?;
        let sources = self
            .readable_ids::<source::Entity>(txn, inputs.iter().filter_map(|i| i.source))
            .await
            .map_err(|e| (0, e))?;
        let now = Utc::now();
        let by = principal.label();
        // Chunk by chunk, rows to audit entries, so that what is held at once does not
        // grow with the batch: only the ids are kept.
        let mut created = Vec::with_capacity(inputs.len());
        for (c, chunk) in inputs.chunks(ROWS_PER_INSERT).enumerate() {
            let first = c * ROWS_PER_INSERT;
            let mut rows = Vec::with_capacity(chunk.len());
            for (k, input) in chunk.iter().enumerate() {
                let i = first + k;
                let at = |e| (i, e);
                let owner = owners[i];
                let missing = |field: &str| (i, Error::bad_input(field, "no such organisation"));
                if input.owner.is_some()
                    && principal.is_coordinator()
                    && !organisations.contains(&owner)
                {
                    return Err(missing("input.owner"));
                }
                let member = input.member.unwrap_or(owner);
                if !organisations.contains(&member) {
                    return Err(missing("input.member"));
                }
                if !organisations.contains(&input.partner) {
                    return Err(missing("input.partner"));
                }
                distinct(member, input.partner).map_err(at)?;
                if input.source.is_some_and(|s| !sources.contains(&s)) {
                    return Err((i, Error::bad_input("input.source", "no such source")));
                }
                let mut row = new_row(owner, member, input, self.today()).map_err(at)?;
                row.stamp(1, by.clone(), now);
                rows.push(row);
            }
            let mut models = partnership::Entity::insert_many(rows)
                .exec_with_returning(txn)
                .await
                .map_err(|e| (first, on_constraint(e, "input")))?;
            // Ids are taken in the order of the rows.
            models.sort_by_key(|m| m.id);
            let audits = models
                .iter()
                .map(|row| {
                    let audit = self
                        .audit::<partnership::Entity>("createPartnership", row)
                        .after(row);
                    (audit, Some(row.visibility))
                })
                .collect();
            Audit::write_created(txn, audits)
                .await
                .map_err(|e| (first, e))?;
            created.extend(models.iter().map(|m| m.id));
        }
        Ok(created)
    }

    pub async fn update_partnership(
        &self,
        id: i64,
        expected_version: i32,
        patch: PartnershipPatch,
    ) -> Result<partnership::Model> {
        let txn = self.begin_write().await?;
        let after = self
            .update_partnership_in(&txn, id, expected_version, patch)
            .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// `updatePartnership` inside a transaction the caller commits, with its audit and
    /// change entries.
    pub(crate) async fn update_partnership_in(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
        expected_version: i32,
        patch: PartnershipPatch,
    ) -> Result<partnership::Model> {
        let before = self
            .check_change::<partnership::Entity>(txn, id, expected_version)
            .await?;
        let status = patched(&before.status, &patch.status);
        let since = patched(&before.since, &patch.since);
        let until = patched(&before.until, &patch.until);
        dates(status, since, until, self.today())?;
        let mut row: partnership::ActiveModel = before.clone().into();
        if let Some(m) = patch.member {
            self.require::<organisation::Entity>(txn, "input.member", "organisation", [m])
                .await?;
            row.member_id = Set(m);
        }
        if let Some(p) = patch.partner {
            self.require::<organisation::Entity>(txn, "input.partner", "organisation", [p])
                .await?;
            row.partner_id = Set(p);
        }
        distinct(
            patch.member.unwrap_or(before.member_id),
            patch.partner.unwrap_or(before.partner_id),
        )?;
        if let Some(k) = patch.kind {
            row.kind = Set(k);
        }
        if let Some(n) = patch_text("input.notes", &patch.notes, LONG_TEXT_MAX)? {
            row.notes = Set(n);
        }
        if let Some(s) = patch.source {
            self.require::<source::Entity>(txn, "input.source", "source", s)
                .await?;
            row.source_id = Set(s);
        }
        if let Some(v) = patch.visibility {
            row.visibility = Set(v);
        }
        row.status = Set(status);
        row.since = Set(since);
        row.until = Set(until);
        let after = self
            .save::<partnership::Entity>(txn, row, expected_version)
            .await?;
        self.audit::<partnership::Entity>("updatePartnership", &after)
            .before(&before)
            .after(&after)
            .write(txn)
            .await?;
        Ok(after)
    }
}
