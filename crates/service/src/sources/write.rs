//! Writing sources: the articles and documents records cite.
use chrono::NaiveDate;
use entity::source;
use sea_orm::Set;
use serde::Serialize;

use crate::access::may_add_to_registry;
use crate::domain::{NAME_MAX, TITLE_MAX};
use crate::organisations::url;
use crate::write::{Patch, patch_text, required_text, text};
use crate::{Result, Scope};

#[derive(Debug, Clone, Serialize)]
pub struct SourceInput {
    pub url: Option<String>,
    pub title: String,
    pub publisher: Option<String>,
    pub author: Option<String>,
    pub published_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Default)]
pub struct SourcePatch {
    pub url: Patch<String>,
    pub title: Option<String>,
    pub publisher: Patch<String>,
    pub author: Patch<String>,
    pub published_on: Patch<NaiveDate>,
}

impl Scope {
    pub async fn create_source(&self, input: SourceInput) -> Result<source::Model> {
        let txn = self.begin_write().await?;
        may_add_to_registry(self.principal())?;
        let row = source::ActiveModel {
            url: Set(url("input.url", &input.url)?),
            title: Set(required_text("input.title", &input.title, TITLE_MAX)?),
            publisher: Set(text("input.publisher", &input.publisher, NAME_MAX)?),
            author: Set(text("input.author", &input.author, TITLE_MAX)?),
            published_on: Set(input.published_on),
            maintainer_id: Set(self.principal().organisation()),
            ..Default::default()
        };
        let row = self.insert::<source::Entity>(&txn, row).await?;
        self.created::<source::Entity>(txn, &None, "createSource", &input, &row, &row)
            .await?;
        Ok(row)
    }

    pub async fn update_source(
        &self,
        id: i64,
        expected_version: i32,
        patch: SourcePatch,
    ) -> Result<source::Model> {
        let (txn, before) = self
            .begin_change::<source::Entity>(id, expected_version)
            .await?;
        let mut row: source::ActiveModel = before.clone().into();
        if let Some(u) = &patch.url {
            row.url = Set(url("input.url", u)?);
        }
        if let Some(t) = &patch.title {
            row.title = Set(required_text("input.title", t, TITLE_MAX)?);
        }
        if let Some(p) = patch_text("input.publisher", &patch.publisher, NAME_MAX)? {
            row.publisher = Set(p);
        }
        if let Some(a) = patch_text("input.author", &patch.author, TITLE_MAX)? {
            row.author = Set(a);
        }
        if let Some(d) = patch.published_on {
            row.published_on = Set(d);
        }
        let after = self
            .save::<source::Entity>(&txn, row, expected_version)
            .await?;
        self.changed::<source::Entity>(txn, "updateSource", &after, &before, &after)
            .await?;
        Ok(after)
    }
}
