//! Endpoints, deliveries and attempts as the API shows them. An endpoint's secret is
//! never a field: it is in the payloads of `createWebhookEndpoint` and
//! `rotateWebhookSecret`, once.
use async_graphql::{Context, ID, Json, Object};
use service::entity::enums::{ChangeOperation, WebhookDeliveryStatus};
use service::entity::{webhook_attempt, webhook_delivery, webhook_endpoint};
use service::rel;

use crate::changes::RecordType;
use crate::connection::{WebhookDeliveryConnection, args, nested};
use crate::error::Result;
use crate::ids::{Kind, encode};
use crate::loader;
use crate::organisations::Organisation;
use crate::record::organisation;
use crate::scalars::DateTime;

pub struct WebhookEndpoint(pub webhook_endpoint::Model);

/// A URL a member has Concord POST its changes to: every change to a record the
/// member may read (narrowed by `types` and `owners`), signed with the endpoint's secret.
#[Object]
impl WebhookEndpoint {
    /// The endpoint's global id.
    pub async fn id(&self) -> ID {
        encode(Kind::WebhookEndpoint, self.0.id)
    }
    /// The member whose reading rights the deliveries have.
    async fn owner(&self, ctx: &Context<'_>) -> Result<Organisation> {
        organisation(ctx, self.0.owner_id).await
    }
    /// Where deliveries are POSTed.
    async fn url(&self) -> &str {
        &self.0.url
    }
    /// What it is for.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// The kinds of record sent; null for all.
    async fn types(&self) -> Option<Vec<RecordType>> {
        service::webhooks::endpoint_types(&self.0).map(|types| {
            types
                .iter()
                .filter_map(|t| RecordType::of_table(t).map(|(r, _)| r))
                .collect()
        })
    }
    /// The owners whose records are sent; null for all.
    async fn owners(&self, ctx: &Context<'_>) -> Result<Option<Vec<Organisation>>> {
        let Some(ids) = service::webhooks::endpoint_owners(&self.0) else {
            return Ok(None);
        };
        Ok(Some(
            loader::many::<service::entity::organisation::Entity>(ctx, ids)
                .await?
                .into_iter()
                .map(Organisation)
                .collect(),
        ))
    }
    /// Off: nothing is queued or sent.
    async fn enabled(&self) -> bool {
        self.0.enabled
    }
    /// Pass as `expectedVersion` to change it.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When it was registered.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
    /// When its secret was issued (at creation or the last rotation).
    async fn secret_rotated_at(&self) -> DateTime {
        DateTime(self.0.secret_rotated_at)
    }
    /// Its deliveries, newest first.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn deliveries(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<WebhookDeliveryConnection> {
        nested::<rel::EndpointDeliveries, _, _>(
            ctx,
            self.0.id,
            args(first, after, last, before),
            WebhookDelivery,
        )
        .await
    }
}

pub struct WebhookDelivery(pub webhook_delivery::Model);

/// One change queued for an endpoint, what it sends, and how sending went.
#[Object]
impl WebhookDelivery {
    /// The delivery's global id, sent as the `Concord-Delivery` header and the body's
    /// `id`: the same on every attempt and replay, so a receiver can drop a repeat.
    pub async fn id(&self) -> ID {
        encode(Kind::WebhookDelivery, self.0.id)
    }
    /// The endpoint it is for.
    async fn endpoint(&self, ctx: &Context<'_>) -> Result<Option<WebhookEndpoint>> {
        Ok(
            loader::one::<webhook_endpoint::Entity>(ctx, self.0.endpoint_id)
                .await?
                .map(WebhookEndpoint),
        )
    }
    /// The change's feed cursor.
    async fn cursor(&self) -> String {
        service::changes::change_cursor(self.0.change_id)
    }
    /// The kind of record that changed.
    #[graphql(name = "type")]
    async fn record_type(&self) -> Option<RecordType> {
        RecordType::of_table(&self.0.record_type).map(|(t, _)| t)
    }
    /// The record's global id.
    async fn record_id(&self) -> Option<ID> {
        RecordType::of_table(&self.0.record_type).map(|(_, kind)| encode(kind, self.0.record_id))
    }
    /// What the write did.
    async fn operation(&self) -> ChangeOperation {
        self.0.operation
    }
    /// The record's version after the write.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When the write committed.
    async fn committed_at(&self) -> DateTime {
        DateTime(self.0.committed_at)
    }
    /// True when the owner could not read the record when the change was queued: the
    /// receiver should drop it.
    async fn removed(&self) -> bool {
        self.0.record.is_none()
    }
    /// The JSON body POSTed, as sent on every attempt.
    async fn payload(&self) -> Json<serde_json::Value> {
        Json(super::body(&self.0))
    }
    /// Where it stands.
    async fn status(&self) -> WebhookDeliveryStatus {
        self.0.status
    }
    /// Attempts made, all told.
    async fn attempt_count(&self) -> i32 {
        self.0.attempts
    }
    /// When it is tried next; null once delivered or failed.
    async fn next_attempt_at(&self) -> Option<DateTime> {
        self.0.next_attempt_at.map(DateTime)
    }
    /// The endpoint's HTTP status at the last attempt; null when it did not answer.
    async fn last_status_code(&self) -> Option<i32> {
        self.0.last_status_code
    }
    /// Why the last attempt failed.
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }
    /// When it was queued.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// When the endpoint answered 2xx.
    async fn delivered_at(&self) -> Option<DateTime> {
        self.0.delivered_at.map(DateTime)
    }
    /// Every attempt, first first.
    async fn attempts(&self, ctx: &Context<'_>) -> Result<Vec<WebhookAttempt>> {
        Ok(loader::all::<rel::DeliveryAttempts>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(WebhookAttempt)
            .collect())
    }
}

pub struct WebhookAttempt(pub webhook_attempt::Model);

/// One POST of a delivery.
#[Object]
impl WebhookAttempt {
    /// 1 for the first attempt, and so on (replays continue the count).
    async fn number(&self) -> i32 {
        self.0.number
    }
    /// When it was sent.
    async fn started_at(&self) -> DateTime {
        DateTime(self.0.started_at)
    }
    /// How long it took, in milliseconds.
    async fn duration_ms(&self) -> i32 {
        self.0.duration_ms
    }
    /// The endpoint's HTTP status; null when no answer came (a timeout, a refused
    /// connection).
    async fn status_code(&self) -> Option<i32> {
        self.0.status_code
    }
    /// What went wrong; null when it succeeded.
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }
    /// Whether the endpoint answered 2xx.
    async fn succeeded(&self) -> bool {
        self.0.succeeded
    }
    /// The server instance that sent it.
    async fn sent_by(&self) -> &str {
        &self.0.sent_by
    }
}
