//! Writing consortia and their members (the coordinator's alone).
use chrono::NaiveDate;
use entity::{consortium, consortium_member, organisation};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use serde::Serialize;

use crate::access::coordinator_only;
use crate::domain::{DateSpan, TITLE_MAX};
use crate::write::{Patch, patch_text, replace, required_text, text};
use crate::{Result, Scope};

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
}
