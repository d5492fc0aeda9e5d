//! In-app notifications: what happened to a user's referrals, escalations to
//! coordinators, possible duplicate clients, alerts to administrators, and the daily
//! digest; and whom to tell about a place: the nearest users of a role over it.

use chrono::{DateTime, Utc};
use pulih_domain::account::Role;
use pulih_domain::authz::{Actor, Denied};
use pulih_domain::ids::{NotificationId, UserId};
use pulih_domain::region::Scope;
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
    /// The active users of `role` nearest over `place`: those whose scope holds it at the
    /// deepest level that has any (regency, then province, then national).
    pub(crate) async fn nearest_over(&self, role: Role, place: &Scope) -> AppResult<Vec<UserId>> {
        let mut levels: Vec<Scope> = match place {
            Scope::National => Vec::new(),
            Scope::Region(region) => std::iter::once(region.clone())
                .chain(region.ancestors())
                .map(Scope::Region)
                .collect(),
        };
        levels.push(Scope::National);
        for level in &levels {
            let found: Vec<UserId> = self
                .store
                .list_users(level)
                .await?
                .into_iter()
                .filter(|u| {
                    u.role == role && !u.disabled && u.scope.includes(place) && &u.scope == level
                })
                .map(|u| u.id)
                .collect();
            if !found.is_empty() {
                return Ok(found);
            }
        }
        Ok(Vec::new())
    }

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
