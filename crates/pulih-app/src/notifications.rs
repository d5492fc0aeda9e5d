//! In-app notifications: what happened to a user's referrals, escalations to
//! coordinators, possible duplicate clients, break-glass openings, alerts to
//! administrators (a user past a daily limit), and the daily digest; and whom to tell
//! about a place: the nearest users of a role over it.

use chrono::{DateTime, NaiveDate, Utc};
use pulih_domain::account::Role;
use pulih_domain::authz::{Actor, Denied};
use pulih_domain::ids::{NotificationId, UserId};
use pulih_domain::region::Scope;
use pulih_store::Notification;
use serde::Serialize;
use serde_json::json;

use crate::throttle::{Allowance, DailyLimit};
use crate::{App, AppError, AppResult, Origin, Problem, Record};

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

/// Notifications of one `kind` about `subject`, one to each of `to`.
pub(crate) fn notices(
    to: &[UserId],
    kind: &str,
    subject: &str,
    detail: &serde_json::Value,
    at: DateTime<Utc>,
) -> Vec<Notification> {
    let detail = detail.to_string();
    to.iter()
        .map(|user| Notification {
            id: NotificationId::new(),
            user_id: *user,
            kind: kind.to_owned(),
            subject: subject.to_owned(),
            detail: detail.clone(),
            created_at: at,
            read_at: None,
        })
        .collect()
}

impl App {
    /// Counts one use of a daily `allowance` by `actor`. Past it, refused alike whatever
    /// was asked, with `refused` (a field, and a message key that may name `{limit}`);
    /// the first refusal of the day is audited as `action` and alerts the administrators.
    pub(crate) async fn take_daily(
        &self,
        allowance: &DailyLimit,
        actor: &Actor,
        action: &'static str,
        (field, key): (&'static str, &'static str),
        origin: &Origin,
    ) -> AppResult<()> {
        let day = self.wib_today();
        let limit = allowance.per_day();
        match allowance.take(actor.user_id, day) {
            Allowance::Granted => return Ok(()),
            Allowance::JustSpent => self.alert_limit(actor, action, limit, day, origin).await?,
            Allowance::Spent => {}
        }
        let mut refused = Problem::new(field, key);
        refused.args = vec![("limit", limit.to_string())];
        Err(AppError::Invalid(vec![refused]))
    }

    /// Audits that `actor` passed the day's `limit` of something (`action` names it, e.g.
    /// `user.nik_lookup_limit`) and tells the administrators nearest over them, in one
    /// write.
    async fn alert_limit(
        &self,
        actor: &Actor,
        action: &'static str,
        limit: u32,
        day: NaiveDate,
        origin: &Origin,
    ) -> AppResult<()> {
        let user = self
            .store
            .user(actor.user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let detail = json!({ "user": user.username, "limit": limit, "day": day });
        let admins = self.nearest_over(Role::Admin, &actor.scope).await?;
        let subject = format!("{}:{day}", actor.user_id);
        let told = notices(&admins, action, &subject, &detail, self.now());
        let record = Record {
            kind: "user",
            id: Some(actor.user_id.to_string()),
            region: actor.scope.as_str(),
        };
        let detail = json!({ "limit": limit, "day": day });
        let event = self.event(Some(actor), action, record, origin, detail);
        tracing::warn!(action, limit, "a user passed a daily limit");
        let outbound = self.outbound_channels();
        self.write(None, origin, move |tx| {
            Box::pin(async move {
                tx.notify(&told, &outbound).await?;
                tx.audit(event);
                Ok(())
            })
        })
        .await
    }

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

    /// How many of the actor's notifications are unread (none for a disabled user).
    #[tracing::instrument(skip_all)]
    pub async fn unread_notifications(&self, actor: &Actor) -> AppResult<u64> {
        if actor.disabled {
            return Ok(0);
        }
        let n = self.store.unread_notifications(actor.user_id).await?;
        Ok(u64::try_from(n).unwrap_or_default())
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
