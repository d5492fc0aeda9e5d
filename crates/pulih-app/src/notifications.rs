//! In-app notifications: what happened to a user's referrals, escalations to
//! coordinators, and the daily digest.

use chrono::{DateTime, Utc};
use pulih_domain::authz::{Actor, Denied};
use pulih_domain::ids::NotificationId;
use pulih_store::Notification;
use serde::Serialize;

use crate::{App, AppError, AppResult, Origin};

/// Most notifications shown.
const LIMIT: i64 = 100;

/// A notification as shown.
#[derive(Debug, Clone, Serialize)]
pub struct NotificationView {
    /// Id.
    pub id: NotificationId,
    /// What happened, e.g. `referral.accepted`.
    pub kind: String,
    /// What it is about.
    pub subject: String,
    /// Details for the message (codes, names of services, counts).
    pub detail: serde_json::Value,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Whether it was read.
    pub read: bool,
}

impl From<Notification> for NotificationView {
    fn from(n: Notification) -> Self {
        Self {
            id: n.id,
            kind: n.kind,
            subject: n.subject,
            detail: serde_json::from_str(&n.detail).unwrap_or(serde_json::Value::Null),
            created_at: n.created_at,
            read: n.read_at.is_some(),
        }
    }
}

impl App {
    /// The actor's notifications, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn notifications(&self, actor: &Actor) -> AppResult<Vec<NotificationView>> {
        if actor.disabled {
            return Err(AppError::Forbidden(Denied::Disabled));
        }
        let found = self.store.notifications(actor.user_id, LIMIT).await?;
        Ok(found.into_iter().map(NotificationView::from).collect())
    }

    /// Marks all the actor's notifications read; returns how many were unread.
    #[tracing::instrument(skip_all)]
    pub async fn mark_notifications_read(&self, actor: &Actor) -> AppResult<u64> {
        if actor.disabled {
            return Err(AppError::Forbidden(Denied::Disabled));
        }
        let (user, at) = (actor.user_id, self.now());
        self.write(None, &Origin::local(), move |tx| {
            Box::pin(async move { tx.mark_notifications_read(user, at).await })
        })
        .await
    }
}
