//! Writing consortia and their members (the coordinator's alone).
use chrono::NaiveDate;
use entity::{consortium, consortium_member, organisation};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde::Serialize;

use crate::access::coordinator_only;
use crate::domain::{DateSpan, TITLE_MAX};
use crate::write::{Patch, patch_text, replace, required_text, text};
use crate::{Error, Result, Scope};

#[derive(Debug, Clone, Default)]
pub struct ConsortiumPatch {
    pub name_en: Option<String>,
    pub name_zh: Patch<String>,
    pub coordinator: Patch<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConsortiumInput {
    pub name_en: String,
    pub name_zh: Option<String>,
    pub coordinator: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MemberInput {
    pub organisation: i64,
    pub joined_on: Option<NaiveDate>,
    pub left_on: Option<NaiveDate>,
}

impl Scope {
    pub async fn update_consortium(
        &self,
        id: i64,
        expected_version: i32,
        patch: ConsortiumPatch,
    ) -> Result<consortium::Model> {
        coordinator_only(self.principal(), "manage consortia")?;
        let (txn, before) = self
            .begin_change::<consortium::Entity>(id, expected_version)
            .await?;
        let mut row: consortium::ActiveModel = before.clone().into();
        if let Some(n) = &patch.name_en {
            row.name_en = Set(required_text("input.nameEn", n, TITLE_MAX)?);
        }
        if let Some(n) = patch_text("input.nameZh", &patch.name_zh, TITLE_MAX)? {
            row.name_zh = Set(n);
        }
        if let Some(c) = patch.coordinator {
            self.require::<organisation::Entity>(&txn, "input.coordinator", "organisation", c)
                .await?;
            row.coordinator_id = Set(c);
        }
        let after = self
            .save::<consortium::Entity>(&txn, row, expected_version)
            .await?;
        self.changed::<consortium::Entity>(txn, "updateConsortium", &after, &before, &after)
            .await?;
        Ok(after)
    }

    pub async fn create_consortium(&self, input: ConsortiumInput) -> Result<consortium::Model> {
        coordinator_only(self.principal(), "manage consortia")?;
        let txn = self.begin_write().await?;
        self.require::<organisation::Entity>(
            &txn,
            "input.coordinator",
            "organisation",
            input.coordinator,
        )
        .await?;
        let row = consortium::ActiveModel {
            name_en: Set(required_text("input.nameEn", &input.name_en, TITLE_MAX)?),
            name_zh: Set(text("input.nameZh", &input.name_zh, TITLE_MAX)?),
            coordinator_id: Set(input.coordinator),
            ..Default::default()
        };
        let row = self.insert::<consortium::Entity>(&txn, row).await?;
        self.created::<consortium::Entity>(txn, &None, "createConsortium", &input, &row, &row)
            .await?;
        Ok(row)
    }

    /// Replaces a consortium's members.
    pub async fn set_consortium_members(
        &self,
        id: i64,
        expected_version: i32,
        list: Vec<MemberInput>,
    ) -> Result<consortium::Model> {
        coordinator_only(self.principal(), "manage consortia")?;
        let (txn, record) = self
            .begin_change::<consortium::Entity>(id, expected_version)
            .await?;
        self.require::<organisation::Entity>(
            &txn,
            "input.members",
            "organisation",
            list.iter().map(|m| m.organisation),
        )
        .await?;
        let before = consortium_member::Entity::find()
            .filter(consortium_member::Column::ConsortiumId.eq(id))
            .all(&txn)
            .await?;
        self.bump_version(&txn, "consortium", id, expected_version)
            .await?;
        let mut rows = Vec::with_capacity(list.len());
        for (i, m) in list.iter().enumerate() {
            let span =
                DateSpan::parse(&format!("input.members.{i}.leftOn"), m.joined_on, m.left_on)?;
            rows.push(consortium_member::ActiveModel {
                consortium_id: Set(id),
                organisation_id: Set(m.organisation),
                joined_on: Set(span.from),
                left_on: Set(span.to),
                ..Default::default()
            });
        }
        replace(
            &txn,
            consortium_member::Column::ConsortiumId,
            id,
            rows,
            "input.members",
        )
        .await?;
        let record = self.reload::<consortium::Entity>(&txn, &record).await?;
        self.changed::<consortium::Entity>(txn, "setConsortiumMembers", &record, &before, &list)
            .await?;
        Ok(record)
    }

    /// Adds one member, leaving the others as they are.
    pub async fn add_consortium_member(
        &self,
        id: i64,
        expected_version: i32,
        member: MemberInput,
    ) -> Result<consortium::Model> {
        coordinator_only(self.principal(), "manage consortia")?;
        let (txn, record) = self
            .begin_change::<consortium::Entity>(id, expected_version)
            .await?;
        self.require::<organisation::Entity>(
            &txn,
            "input.organisation",
            "organisation",
            [member.organisation],
        )
        .await?;
        if self
            .membership(&txn, id, member.organisation)
            .await?
            .is_some()
        {
            return Err(Error::bad_input(
                "input.organisation",
                "is already a member of this consortium; set its members to change its dates",
            ));
        }
        let span = DateSpan::parse("input.leftOn", member.joined_on, member.left_on)?;
        self.bump_version(&txn, "consortium", id, expected_version)
            .await?;
        consortium_member::ActiveModel {
            consortium_id: Set(id),
            organisation_id: Set(member.organisation),
            joined_on: Set(span.from),
            left_on: Set(span.to),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let record = self.reload::<consortium::Entity>(&txn, &record).await?;
        self.changed::<consortium::Entity>(txn, "addConsortiumMember", &record, &(), &member)
            .await?;
        Ok(record)
    }

    /// Ends a membership on `left_on` (kept, so the history stays), or, without a date,
    /// removes it as if it had never been (a membership entered by mistake).
    pub async fn remove_consortium_member(
        &self,
        id: i64,
        expected_version: i32,
        organisation: i64,
        left_on: Option<NaiveDate>,
    ) -> Result<consortium::Model> {
        coordinator_only(self.principal(), "manage consortia")?;
        let (txn, record) = self
            .begin_change::<consortium::Entity>(id, expected_version)
            .await?;
        let Some(before) = self.membership(&txn, id, organisation).await? else {
            return Err(Error::bad_input(
                "input.organisation",
                "is not a member of this consortium",
            ));
        };
        self.bump_version(&txn, "consortium", id, expected_version)
            .await?;
        let after = match left_on {
            Some(day) => {
                let span = DateSpan::parse("input.leftOn", before.joined_on, Some(day))?;
                let mut row: consortium_member::ActiveModel = before.clone().into();
                row.left_on = Set(span.to);
                Some(row.update(&txn).await?)
            }
            None => {
                consortium_member::Entity::delete_by_id(before.id)
                    .exec(&txn)
                    .await?;
                None
            }
        };
        let record = self.reload::<consortium::Entity>(&txn, &record).await?;
        self.changed::<consortium::Entity>(txn, "removeConsortiumMember", &record, &before, &after)
            .await?;
        Ok(record)
    }

    async fn membership(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        consortium: i64,
        organisation: i64,
    ) -> Result<Option<consortium_member::Model>> {
        Ok(consortium_member::Entity::find()
            .filter(consortium_member::Column::ConsortiumId.eq(consortium))
            .filter(consortium_member::Column::OrganisationId.eq(organisation))
            .one(txn)
            .await?)
    }
}
