//! Registering, changing, deleting endpoints, rotating their secrets, and replaying a
//! delivery. Each is one transaction with its audit entry (the secret is never in it).
use chrono::Utc;
use entity::enums::WebhookDeliveryStatus;
use entity::{change_entry, organisation, webhook_delivery, webhook_endpoint};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect, Set,
};

use super::{EndpointUrl, UrlPolicy};
use crate::access::webhook_owner;
use crate::audit::Audit;
use crate::domain::{LONG_TEXT_MAX, Text};
use crate::write::Patch;
use crate::{Error, Record, Result, Scope};

/// The prefix of every endpoint secret, so that one found in a log is recognised.
const SECRET_PREFIX: &str = "whsec_";

/// A new endpoint.
#[derive(Debug, Clone)]
pub struct NewEndpoint {
    /// The member it is for; a member admin's own when absent, required of the coordinator.
    pub owner: Option<i64>,
    pub url: String,
    pub description: Option<String>,
    /// Feed tables (`event`, `agreement`, ...); `None` for every kind of record.
    pub types: Option<Vec<String>>,
    /// Organisations whose records to send; `None` for every owner.
    pub owners: Option<Vec<i64>>,
    pub enabled: bool,
}

/// A change to an endpoint; absent fields stay as they are.
#[derive(Debug, Clone, Default)]
pub struct EndpointPatch {
    pub url: Option<String>,
    pub description: Patch<String>,
    pub types: Patch<Vec<String>>,
    pub owners: Patch<Vec<i64>>,
    pub enabled: Option<bool>,
}

/// An endpoint with its secret, shown at creation and rotation and never again.
pub struct EndpointWithSecret {
    pub endpoint: webhook_endpoint::Model,
    pub secret: String,
}

fn new_secret() -> String {
    format!("{SECRET_PREFIX}{}", crate::auth::random(32))
}

fn joined<T: ToString>(list: Option<Vec<T>>) -> Option<String> {
    list.map(|l| l.iter().map(T::to_string).collect::<Vec<_>>().join(","))
}

/// The id of the newest change entry, where a new (or re-enabled) endpoint starts: it
/// is sent the changes committed after it was saved, not the feed's history.
async fn feed_head(txn: &DatabaseTransaction) -> Result<i64> {
    let head: Option<Option<i64>> = change_entry::Entity::find()
        .select_only()
        .column_as(change_entry::Column::Id.max(), "head")
        .into_tuple()
        .one(txn)
        .await?;
    Ok(head.flatten().unwrap_or(0))
}

impl Scope {
    /// Checks a filter: known feed tables, organisations that exist.
    async fn check_filter(
        &self,
        txn: &DatabaseTransaction,
        types: &Option<Vec<String>>,
        owners: &Option<Vec<i64>>,
    ) -> Result<()> {
        if let Some(bad) = types
            .iter()
            .flatten()
            .find(|t| !crate::changes::is_feed_table(t))
        {
            return Err(Error::bad_input(
                "input.types",
                format!("`{bad}` is not a kind of record the feed reports"),
            ));
        }
        if let Some(owners) = owners {
            self.require::<organisation::Entity>(
                txn,
                "input.owners",
                "organisation",
                owners.iter().copied(),
            )
            .await?;
        }
        Ok(())
    }

    /// Registers an endpoint for a member (`access::webhook_owner`); the secret that
    /// signs its deliveries is in the answer, once.
    pub async fn create_webhook_endpoint(
        &self,
        new: NewEndpoint,
        policy: UrlPolicy,
    ) -> Result<EndpointWithSecret> {
        let owner = webhook_owner(self.principal(), new.owner)?;
        let url = EndpointUrl::parse("input.url", &new.url, policy)?;
        let description = Text::optional(
            "input.description",
            new.description.as_deref(),
            LONG_TEXT_MAX,
        )?;
        let txn = self.begin_write().await?;
        if organisation::Entity::find_by_id(owner)
            .one(&txn)
            .await?
            .is_none()
        {
            return Err(Error::bad_input("input.owner", "no such organisation"));
        }
        self.check_filter(&txn, &new.types, &new.owners).await?;
        let now = Utc::now();
        let secret = new_secret();
        let endpoint = webhook_endpoint::ActiveModel {
            owner_id: Set(owner),
            url: Set(url.into_string()),
            description: Set(description.map(Text::into_string)),
            record_types: Set(joined(new.types)),
            owner_filter: Set(joined(new.owners)),
            secret: Set(secret.clone()),
            enabled: Set(new.enabled),
            feed_cursor: Set(feed_head(&txn).await?),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            secret_rotated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        Audit::new(
            self.principal(),
            "createWebhookEndpoint",
            "webhook_endpoint",
            endpoint.id,
            Some(owner),
        )
        .after(&endpoint)
        .write(&txn)
        .await?;
        txn.commit().await?;
        Ok(EndpointWithSecret { endpoint, secret })
    }

    /// The endpoint as the caller may manage it (reading is managing), in `txn`, at
    /// `expected` version.
    async fn endpoint_for_change(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
        expected: Option<i32>,
    ) -> Result<webhook_endpoint::Model> {
        let endpoint = webhook_endpoint::Entity::find_by_id(id)
            .filter(webhook_endpoint::Entity::readable_by(self.principal()))
            .one(txn)
            .await?
            .ok_or(Error::NotFound)?;
        if let Some(expected) = expected
            && expected != endpoint.version
        {
            return Err(Error::Conflict {
                expected,
                current: endpoint.version,
            });
        }
        Ok(endpoint)
    }

    /// Changes an endpoint. A new filter applies to changes queued from now on;
    /// switching it off stops queueing and sending, and switching it on again starts
    /// from the changes committed after that.
    pub async fn update_webhook_endpoint(
        &self,
        id: i64,
        expected_version: i32,
        patch: EndpointPatch,
        policy: UrlPolicy,
    ) -> Result<webhook_endpoint::Model> {
        let url = patch
            .url
            .as_deref()
            .map(|u| EndpointUrl::parse("input.url", u, policy))
            .transpose()?;
        let description = match &patch.description {
            Some(Some(d)) => Some(
                Text::optional("input.description", Some(d), LONG_TEXT_MAX)?.map(Text::into_string),
            ),
            Some(None) => Some(None),
            None => None,
        };
        let txn = self.begin_write().await?;
        let before = self
            .endpoint_for_change(&txn, id, Some(expected_version))
            .await?;
        let types = patch.types.clone().flatten();
        let owners = patch.owners.clone().flatten();
        self.check_filter(&txn, &types, &owners).await?;
        let mut endpoint: webhook_endpoint::ActiveModel = before.clone().into();
        if let Some(url) = url {
            endpoint.url = Set(url.into_string());
        }
        if let Some(description) = description {
            endpoint.description = Set(description);
        }
        if let Some(types) = patch.types {
            endpoint.record_types = Set(joined(types));
        }
        if let Some(owners) = patch.owners {
            endpoint.owner_filter = Set(joined(owners));
        }
        if let Some(enabled) = patch.enabled {
            if enabled && !before.enabled {
                endpoint.feed_cursor = Set(feed_head(&txn).await?);
            }
            endpoint.enabled = Set(enabled);
        }
        endpoint.version = Set(before.version + 1);
        endpoint.updated_at = Set(Utc::now());
        let after = endpoint.update(&txn).await?;
        Audit::new(
            self.principal(),
            "updateWebhookEndpoint",
            "webhook_endpoint",
            id,
            Some(after.owner_id),
        )
        .before(&before)
        .after(&after)
        .write(&txn)
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Deletes an endpoint with its deliveries and their attempts; nothing more is sent
    /// to it (a delivery in flight is not recorded).
    pub async fn delete_webhook_endpoint(
        &self,
        id: i64,
        expected_version: i32,
    ) -> Result<webhook_endpoint::Model> {
        let txn = self.begin_write().await?;
        let before = self
            .endpoint_for_change(&txn, id, Some(expected_version))
            .await?;
        webhook_endpoint::Entity::delete_by_id(id)
            .exec(&txn)
            .await?;
        Audit::new(
            self.principal(),
            "deleteWebhookEndpoint",
            "webhook_endpoint",
            id,
            Some(before.owner_id),
        )
        .before(&before)
        .write(&txn)
        .await?;
        txn.commit().await?;
        Ok(before)
    }

    /// Gives an endpoint a new secret, returned once; deliveries sent from now on are
    /// signed with it (the old one stops verifying at once).
    pub async fn rotate_webhook_secret(
        &self,
        id: i64,
        expected_version: i32,
    ) -> Result<EndpointWithSecret> {
        let txn = self.begin_write().await?;
        let before = self
            .endpoint_for_change(&txn, id, Some(expected_version))
            .await?;
        let secret = new_secret();
        let now = Utc::now();
        let mut endpoint: webhook_endpoint::ActiveModel = before.clone().into();
        endpoint.secret = Set(secret.clone());
        endpoint.secret_rotated_at = Set(now);
        endpoint.updated_at = Set(now);
        endpoint.version = Set(before.version + 1);
        let after = endpoint.update(&txn).await?;
        Audit::new(
            self.principal(),
            "rotateWebhookSecret",
            "webhook_endpoint",
            id,
            Some(after.owner_id),
        )
        .before(&before)
        .after(&after)
        .write(&txn)
        .await?;
        txn.commit().await?;
        Ok(EndpointWithSecret {
            endpoint: after,
            secret,
        })
    }

    /// Queues a delivery to be sent again now, whatever became of it, with a fresh
    /// allowance of attempts. It keeps its id, so a receiver that already handled it
    /// can tell.
    pub async fn replay_webhook_delivery(&self, id: i64) -> Result<webhook_delivery::Model> {
        let txn = self.begin_write().await?;
        let before = webhook_delivery::Entity::find_by_id(id)
            .filter(webhook_delivery::Entity::readable_by(self.principal()))
            .one(&txn)
            .await?
            .ok_or(Error::NotFound)?;
        let endpoint = self
            .endpoint_for_change(&txn, before.endpoint_id, None)
            .await?;
        let mut delivery: webhook_delivery::ActiveModel = before.clone().into();
        delivery.status = Set(WebhookDeliveryStatus::Pending);
        delivery.failures = Set(0);
        delivery.next_attempt_at = Set(Some(Utc::now()));
        let after = delivery.update(&txn).await?;
        Audit::new(
            self.principal(),
            "replayWebhookDelivery",
            "webhook_delivery",
            id,
            Some(endpoint.owner_id),
        )
        .before(&before)
        .after(&after)
        .write(&txn)
        .await?;
        txn.commit().await?;
        Ok(after)
    }
}
