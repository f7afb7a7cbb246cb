//! What the object types share: the fields every owned record has, sign-offs, and the
//! lookups of the records a field points at (through the request's loaders).
use crate::scalars::DateTime;
use async_graphql::{Context, Object};
use service::Scope;
use service::entity::enums::Visibility;
use service::entity::{
    agreement, confirmation, curriculum_standard, event, indicator, organisation, partnership,
    person, source, training_centre,
};

use crate::error::Result;
use crate::events::Event;
use crate::loader;
use crate::organisations::Organisation;
use crate::people::Person;
use crate::sources::Source;

/// The caller's scope, which the request carries (`crate::execute` puts it there).
pub(crate) fn scope<'a>(ctx: &Context<'a>) -> &'a Scope {
    ctx.data_unchecked::<Scope>()
}

/// The fields every owned record has (event, agreement, standard, centre, indicator),
/// flattened into each type's own fields so they are written once.
pub struct OwnedFields {
    owner_id: i64,
    visibility: Visibility,
    source_id: Option<i64>,
    version: i32,
    archived_at: Option<chrono::DateTime<chrono::Utc>>,
    created_at: chrono::DateTime<chrono::Utc>,
    updated_at: chrono::DateTime<chrono::Utc>,
}

/// A model of an owned record.
pub trait Owned {
    fn owned(&self) -> OwnedFields;
}

macro_rules! owned {
    ($($m:ident),*) => {$(
        impl Owned for $m::Model {
            fn owned(&self) -> OwnedFields {
                OwnedFields {
                    owner_id: self.owner_id,
                    visibility: self.visibility,
                    source_id: self.source_id,
                    version: self.version,
                    archived_at: self.archived_at,
                    created_at: self.created_at,
                    updated_at: self.updated_at,
                }
            }
        }
    )*};
}
owned!(
    event,
    agreement,
    curriculum_standard,
    training_centre,
    indicator,
    partnership
);

impl OwnedFields {
    pub fn of(model: &impl Owned) -> OwnedFields {
        model.owned()
    }
}

#[Object]
impl OwnedFields {
    /// The member organisation that owns this record.
    async fn owner(&self, ctx: &Context<'_>) -> Result<Organisation> {
        organisation(ctx, self.owner_id).await
    }
    /// Who may read this record.
    async fn visibility(&self) -> Visibility {
        self.visibility
    }
    /// The article it comes from.
    async fn source(&self, ctx: &Context<'_>) -> Result<Option<Source>> {
        source_opt(ctx, self.source_id).await
    }
    /// Incremented by every change.
    async fn version(&self) -> i32 {
        self.version
    }
    /// When it was archived; archived records are left out of lists.
    async fn archived_at(&self) -> Option<DateTime> {
        self.archived_at.map(DateTime)
    }
    /// When the record was created.
    async fn created_at(&self) -> DateTime {
        self.created_at.into()
    }
    /// When the record last changed.
    async fn updated_at(&self) -> DateTime {
        self.updated_at.into()
    }
}

/// A party's sign-off of a version of a co-owned record.
pub struct Confirmation {
    pub model: confirmation::Model,
    pub current: bool,
}

/// A party's sign-off of one version of a co-owned record.
#[Object]
impl Confirmation {
    /// The confirming organisation.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        organisation(ctx, self.model.organisation_id).await
    }
    /// The version it confirmed.
    async fn version(&self) -> i32 {
        self.model.version
    }
    /// Whether that is still the record's version (false: it changed since).
    async fn current(&self) -> bool {
        self.current
    }
    /// When.
    async fn confirmed_at(&self) -> DateTime {
        self.model.confirmed_at.into()
    }
}

/// The confirmations of a record at `version`, each marked current or out of date.
pub(crate) fn confirmations(rows: Vec<confirmation::Model>, version: i32) -> Vec<Confirmation> {
    rows.into_iter()
        .map(|c| Confirmation {
            current: c.version == version,
            model: c,
        })
        .collect()
}

/// The organisation a foreign key names (organisations are readable by everyone).
pub(crate) async fn organisation(ctx: &Context<'_>, id: i64) -> Result<Organisation> {
    Ok(Organisation(
        loader::required::<organisation::Entity>(ctx, id).await?,
    ))
}

pub(crate) async fn organisation_opt(
    ctx: &Context<'_>,
    id: Option<i64>,
) -> Result<Option<Organisation>> {
    match id {
        Some(id) => Ok(Some(organisation(ctx, id).await?)),
        None => Ok(None),
    }
}

pub(crate) async fn person(ctx: &Context<'_>, id: i64) -> Result<Person> {
    Ok(Person(loader::required::<person::Entity>(ctx, id).await?))
}

pub(crate) async fn source_opt(ctx: &Context<'_>, id: Option<i64>) -> Result<Option<Source>> {
    match id {
        Some(id) => Ok(loader::one::<source::Entity>(ctx, id).await?.map(Source)),
        None => Ok(None),
    }
}

/// An event, if the caller may read it: a readable record may point at a hidden one.
pub(crate) async fn event_opt(ctx: &Context<'_>, id: Option<i64>) -> Result<Option<Event>> {
    match id {
        Some(id) => Ok(loader::one::<event::Entity>(ctx, id).await?.map(Event)),
        None => Ok(None),
    }
}
