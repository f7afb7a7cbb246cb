//! The webhook mutations: a member's admins manage its endpoints, the coordinator any.
use async_graphql::{Context, Object};
use service::webhooks::UrlPolicy;

use super::*;
use crate::error::{Result, svc};
use crate::ids::{Kind, encode};
use crate::input::key;
use crate::record::scope;

#[derive(Default)]
pub struct WebhookMutation;

/// The deployment's rule for endpoint URLs (`--webhooks-allow-http-loopback`).
fn policy(ctx: &Context<'_>) -> UrlPolicy {
    ctx.data_opt::<UrlPolicy>().copied().unwrap_or_default()
}

#[Object]
impl WebhookMutation {
    /// Registers an endpoint: from now on, every change to a record its owner may read
    /// (narrowed by `types` and `owners`) is POSTed to it, signed with the secret in the
    /// payload (shown once).
    async fn create_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        input: CreateWebhookEndpointInput,
    ) -> Result<CreateWebhookEndpointPayload> {
        let created = svc(scope(ctx)
            .create_webhook_endpoint(input.try_into()?, policy(ctx))
            .await)?;
        Ok(CreateWebhookEndpointPayload {
            endpoint: WebhookEndpoint(created.endpoint),
            secret: created.secret,
        })
    }

    /// Changes an endpoint's URL, description, filter or whether it is on.
    async fn update_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        input: UpdateWebhookEndpointInput,
    ) -> Result<UpdateWebhookEndpointPayload> {
        let id = key("input.id", Kind::WebhookEndpoint, &input.id)?;
        let version = input.expected_version;
        let patch = input.patch()?;
        let endpoint = svc(scope(ctx)
            .update_webhook_endpoint(id, version, patch, policy(ctx))
            .await)?;
        Ok(UpdateWebhookEndpointPayload {
            endpoint: WebhookEndpoint(endpoint),
        })
    }

    /// Deletes an endpoint, its deliveries and their attempts.
    async fn delete_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        input: WebhookEndpointVersionInput,
    ) -> Result<DeleteWebhookEndpointPayload> {
        let id = key("input.id", Kind::WebhookEndpoint, &input.id)?;
        let deleted = svc(scope(ctx)
            .delete_webhook_endpoint(id, input.expected_version)
            .await)?;
        Ok(DeleteWebhookEndpointPayload {
            deleted_id: encode(Kind::WebhookEndpoint, deleted.id),
        })
    }

    /// Gives an endpoint a new secret (shown once in the payload); the old one stops
    /// signing at once.
    async fn rotate_webhook_secret(
        &self,
        ctx: &Context<'_>,
        input: WebhookEndpointVersionInput,
    ) -> Result<RotateWebhookSecretPayload> {
        let id = key("input.id", Kind::WebhookEndpoint, &input.id)?;
        let rotated = svc(scope(ctx)
            .rotate_webhook_secret(id, input.expected_version)
            .await)?;
        Ok(RotateWebhookSecretPayload {
            endpoint: WebhookEndpoint(rotated.endpoint),
            secret: rotated.secret,
        })
    }

    /// Sends a delivery again (delivered, failed or pending), with its own id, as soon
    /// as a sender is free, with a fresh allowance of attempts.
    async fn replay_webhook_delivery(
        &self,
        ctx: &Context<'_>,
        input: ReplayWebhookDeliveryInput,
    ) -> Result<ReplayWebhookDeliveryPayload> {
        let id = key("input.id", Kind::WebhookDelivery, &input.id)?;
        let delivery = svc(scope(ctx).replay_webhook_delivery(id).await)?;
        Ok(ReplayWebhookDeliveryPayload {
            delivery: WebhookDelivery(delivery),
        })
    }
}
