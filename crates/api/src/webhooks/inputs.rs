//! The webhook inputs and payloads.
use async_graphql::{ID, InputObject, MaybeUndefined, SimpleObject};
use service::webhooks::{EndpointPatch, NewEndpoint};

use super::{WebhookDelivery, WebhookEndpoint};
use crate::changes::RecordType;
use crate::error::Result;
use crate::ids::Kind;
use crate::input::{keys, opt_key, patch};

/// A new webhook endpoint.
#[derive(InputObject)]
pub struct CreateWebhookEndpointInput {
    /// The member it is for: a member admin's own organisation when absent; the
    /// coordinator must name one.
    pub owner: Option<ID>,
    /// Where to POST: `https://` to a public address.
    pub url: String,
    /// What it is for.
    pub description: Option<String>,
    /// Only these kinds of record (all when absent).
    pub types: Option<Vec<RecordType>>,
    /// Only records owned (or maintained) by these organisations (all when absent).
    pub owners: Option<Vec<ID>>,
    /// Off: nothing is queued or sent until it is switched on.
    #[graphql(default = true)]
    pub enabled: bool,
}

/// A change to a webhook endpoint; absent fields stay as they are, `null` `types` or
/// `owners` remove that narrowing.
#[derive(InputObject)]
pub struct UpdateWebhookEndpointInput {
    /// The endpoint's global id.
    pub id: ID,
    /// The version the caller last read; a stale one is CONFLICT and nothing changes.
    pub expected_version: i32,
    /// A new URL, under the same rules as at creation.
    pub url: Option<String>,
    /// A new description; null removes it.
    pub description: MaybeUndefined<String>,
    /// Only these kinds of record; null for all.
    pub types: MaybeUndefined<Vec<RecordType>>,
    /// Only records of these owners; null for all.
    pub owners: MaybeUndefined<Vec<ID>>,
    /// Switching it on again sends the changes committed from then on.
    pub enabled: Option<bool>,
}

/// Which endpoint, at which version.
#[derive(InputObject)]
pub struct WebhookEndpointVersionInput {
    /// The endpoint's global id.
    pub id: ID,
    /// The version the caller last read; a stale one is CONFLICT and nothing changes.
    pub expected_version: i32,
}

/// Which delivery to send again.
#[derive(InputObject)]
pub struct ReplayWebhookDeliveryInput {
    /// The delivery's global id.
    pub id: ID,
}

/// A new endpoint and its secret, shown here once.
#[derive(SimpleObject)]
pub struct CreateWebhookEndpointPayload {
    /// The endpoint.
    pub endpoint: WebhookEndpoint,
    /// The secret that signs its deliveries (`Concord-Signature`). Store it now.
    pub secret: String,
}

/// The endpoint with its new secret, shown here once.
#[derive(SimpleObject)]
pub struct RotateWebhookSecretPayload {
    /// The endpoint.
    pub endpoint: WebhookEndpoint,
    /// The new secret; deliveries sent from now on are signed with it alone.
    pub secret: String,
}

/// The changed endpoint.
#[derive(SimpleObject)]
pub struct UpdateWebhookEndpointPayload {
    /// The endpoint as it is after the mutation.
    pub endpoint: WebhookEndpoint,
}

/// The deleted endpoint's id.
#[derive(SimpleObject)]
pub struct DeleteWebhookEndpointPayload {
    /// The global id it had; its deliveries and attempts are gone with it.
    pub deleted_id: ID,
}

/// The delivery queued again.
#[derive(SimpleObject)]
pub struct ReplayWebhookDeliveryPayload {
    /// The delivery, pending again.
    pub delivery: WebhookDelivery,
}

fn tables(types: Vec<RecordType>) -> Vec<String> {
    types.into_iter().map(|t| t.table().to_owned()).collect()
}

impl TryFrom<CreateWebhookEndpointInput> for NewEndpoint {
    type Error = async_graphql::Error;
    fn try_from(input: CreateWebhookEndpointInput) -> Result<Self> {
        Ok(NewEndpoint {
            owner: opt_key("input.owner", Kind::Organisation, &input.owner)?,
            url: input.url,
            description: input.description,
            types: input.types.map(tables),
            owners: input
                .owners
                .map(|o| keys("input.owners", Kind::Organisation, &o))
                .transpose()?,
            enabled: input.enabled,
        })
    }
}

impl UpdateWebhookEndpointInput {
    pub(crate) fn patch(self) -> Result<EndpointPatch> {
        let owners = match self.owners {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Value(o) => Some(Some(keys("input.owners", Kind::Organisation, &o)?)),
        };
        Ok(EndpointPatch {
            url: self.url,
            description: patch(self.description),
            types: patch(self.types).map(|t| t.map(tables)),
            owners,
            enabled: self.enabled,
        })
    }
}
