//! The source inputs, each with its conversion to the service's form.
use async_graphql::{ID, InputObject, MaybeUndefined};
use service::sources as src;

use super::Source;
use crate::error::Result;
use crate::ids::Kind;
use crate::input::{
    Change, DateRangeInput, date, key, order_input, patch, patch_date, payload, range,
};
use crate::scalars::Date;

order_input!(
    /// How to sort sources (default: by publication date).
    SourceOrder, SourceOrderField, "service::sources::SourceOrderField", service::sources::SourceOrderField, PublishedOn,
    { /// By title.
      Title , /// By when the record last changed (with `filter.updatedSince`, to catch up).
      UpdatedAt });

/// Which sources to list.
#[derive(InputObject, Clone, Default)]
pub struct SourceFilter {
    /// Only records changed at or after this time (inclusive), to catch up.
    pub updated_since: Option<crate::scalars::DateTime>,
    /// Case-insensitive substring of the title, publisher or author.
    pub search: Option<String>,
    /// Published within this range.
    pub published_on: Option<DateRangeInput>,
    /// `true`: only archived records (which only their owner and the coordinator can read); otherwise only live ones.
    pub archived: Option<bool>,
}

impl SourceFilter {
    pub fn parse(f: Option<Self>) -> Result<src::SourceFilter> {
        let f = f.unwrap_or_default();
        Ok(src::SourceFilter {
            archived: f.archived,
            search: f.search,
            published_on: range("filter.publishedOn", &f.published_on)?,
        })
    }
}

/// A new source.
#[derive(InputObject)]
pub struct CreateSourceInput {
    /// Address (http or https).
    pub url: Option<String>,
    /// Title.
    pub title: String,
    /// Publisher.
    pub publisher: Option<String>,
    /// Byline.
    pub author: Option<String>,
    /// Publication date.
    pub published_on: Option<Date>,
}

/// Changes to a source.
#[derive(InputObject)]
pub struct UpdateSourceInput {
    /// The source's global id.
    pub id: ID,
    /// The version the caller last read; a stale one is CONFLICT.
    pub expected_version: i32,
    /// Address.
    pub url: MaybeUndefined<String>,
    /// Title.
    pub title: Option<String>,
    /// Publisher.
    pub publisher: MaybeUndefined<String>,
    /// Byline.
    pub author: MaybeUndefined<String>,
    /// Publication date.
    pub published_on: MaybeUndefined<Date>,
}

payload! {
    CreateSourcePayload { source: Source } "The source created.";
    UpdateSourcePayload { source: Source } "The source updated.";
}

impl From<CreateSourceInput> for src::SourceInput {
    fn from(input: CreateSourceInput) -> Self {
        src::SourceInput {
            url: input.url,
            title: input.title,
            publisher: input.publisher,
            author: input.author,
            published_on: date(input.published_on),
        }
    }
}

impl TryFrom<UpdateSourceInput> for Change<src::SourcePatch> {
    type Error = async_graphql::Error;
    fn try_from(input: UpdateSourceInput) -> Result<Self> {
        Ok(Change {
            id: key("input.id", Kind::Source, &input.id)?,
            expected_version: input.expected_version,
            patch: src::SourcePatch {
                url: patch(input.url),
                title: input.title,
                publisher: patch(input.publisher),
                author: patch(input.author),
                published_on: patch_date(input.published_on),
            },
        })
    }
}
