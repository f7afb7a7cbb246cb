//! The source object type.
use async_graphql::{ID, Object};
use service::entity::source;

use crate::ids::{Kind, encode};
use crate::scalars::{Date, date};

pub struct Source(pub source::Model);

/// Where a record's facts come from: a news article or document.
#[Object]
impl Source {
    /// The source's global id.
    pub async fn id(&self) -> ID {
        encode(Kind::Source, self.0.id)
    }
    /// Address of the article, where known.
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }
    /// Headline or title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Who published it.
    async fn publisher(&self) -> Option<&str> {
        self.0.publisher.as_deref()
    }
    /// Byline as given.
    async fn author(&self) -> Option<&str> {
        self.0.author.as_deref()
    }
    /// Incremented by every change.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When it was archived; archived entries are left out of lists.
    async fn archived_at(&self) -> Option<crate::scalars::DateTime> {
        self.0.archived_at.map(crate::scalars::DateTime)
    }
    /// Publication date, where given.
    async fn published_on(&self) -> Option<Date> {
        date(self.0.published_on)
    }
}
