//! Where people work: an administrator (any account of its scope) or a coordinator (the
//! agents and counsellors of its area) changes a user's display name, organisation and
//! region scope from the version read, and sees the invitation and reset links still
//! open in its scope, to revoke them (`crate::links`).
//!
//! A new scope lies inside the actor's own, as a new account's does, so nobody moves a
//! person out of their own reach or gains any; a scope that reaches far (national) needs
//! the same confirmation as a new privileged account. A worker who still follows clients
//! outside the new scope, or serves a unit whose village it would leave, is not moved:
//! the clients are reassigned (or the agent leaves the unit) first. The audit entry
//! names the fields changed and the new organisation and scope, never the name.

use std::collections::HashMap;

use pulih_domain::account::DisplayName;
use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::ids::{OrgId, UserId};
use pulih_domain::programme::unit::{MemberStatus, serves_village};
use pulih_store::{StoreError, UserPlacement};
use serde::Deserialize;
use serde_json::json;

use crate::error::Fields;
use crate::{App, AppError, AppResult, Origin, UserView, privileged};

/// A change to a user: each field given is changed, the others stay.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserChange {
    /// New name shown to colleagues.
    #[serde(default)]
    pub display_name: Option<String>,
    /// New organisation id.
    #[serde(default)]
    pub org_id: Option<String>,
    /// New scope: `ID` or a region code.
    #[serde(default)]
    pub scope: Option<String>,
    /// Confirms a scope that makes the account privileged (national).
    #[serde(default)]
    pub confirm_privileged: bool,
    /// The version read.
    pub version: i64,
}

impl App {
    /// Changes a user's display name, organisation or scope from the version read.
    #[tracing::instrument(skip_all, fields(user = %id))]
    pub async fn edit_user(
        &self,
        actor: &Actor,
        id: UserId,
        input: UserChange,
        origin: &Origin,
    ) -> AppResult<UserView> {
        let user = self.managed_user(actor, id).await?;
        let mut f = Fields::default();
        let display_name = match input.display_name.as_deref() {
            Some(text) => f
                .check("display_name", DisplayName::parse(text))
                .map(|n| n.as_str().to_owned())
                .filter(|n| *n != user.display_name),
            None => None,
        };
        let org_id = match input.org_id.as_deref().map(str::trim) {
            Some(text) => {
                let org = match text.parse::<OrgId>() {
                    Ok(id) => self.store.org(id).await?,
                    Err(_) => None,
                };
                let org = org.filter(|o| actor.scope.includes(&o.place));
                if org.is_none() {
                    f.add("org_id", "invalid.org_missing");
                }
                org.map(|o| o.id).filter(|o| *o != user.org_id)
            }
            None => None,
        };
        let scope = match input.scope.as_deref().map(str::trim) {
            Some(text) => self
                .existing_scope(&mut f, "scope", text)
                .await?
                .filter(|s| *s != user.scope),
            None => None,
        };
        if let Some(scope) = &scope {
            if authorize(actor, Action::manage_account(user.role), scope).is_err() {
                f.add("scope", "invalid.scope_not_yours");
            } else if privileged(user.role, scope)
                && !privileged(user.role, &user.scope)
                && !input.confirm_privileged
            {
                f.add("confirm_privileged", "invalid.user_confirm_privileged");
            }
        }
        f.finish()?;
        if display_name.is_none() && org_id.is_none() && scope.is_none() {
            return Ok(user);
        }
        if let Some(scope) = &scope
            && let Some(member) = self.store.membership(id).await?
            && member.status != MemberStatus::Resigned.key()
            && let Some(unit) = self.store.unit(member.unit).await?
            && !serves_village(&unit.village, scope)
        {
            return Err(AppError::Conflict("conflict.user_unit_outside"));
        }
        let changed: Vec<&str> = [
            display_name.as_ref().map(|_| "display_name"),
            org_id.map(|_| "org_id"),
            scope.as_ref().map(|_| "scope"),
        ]
        .into_iter()
        .flatten()
        .collect();
        let detail = json!({
            "changed": changed,
            "org_id": org_id,
            "scope": scope.as_ref().map(|s| s.as_str().to_owned()),
            "from_scope": scope.as_ref().map(|_| user.scope.as_str().to_owned()),
        });
        let record = Self::user_record(id, scope.as_ref().unwrap_or(&user.scope));
        let event = self.event(Some(actor), "user.change", record, origin, detail);
        let change = UserPlacement {
            id,
            expected_version: input.version,
            display_name,
            org_id,
            scope,
        };
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                if let Some(scope) = &change.scope
                    && tx.assigned_outside(change.id, scope).await?
                {
                    return Err(StoreError::Refused("conflict.user_clients_outside"));
                }
                let user = tx.place_user(&change).await?;
                tx.audit(event);
                Ok(user.version)
            })
        })
        .await?;
        Ok(self.store.user(id).await?.ok_or(AppError::NotFound)?.into())
    }

    /// The accounts of the actor's scope with an invitation or reset link still open
    /// (not used, not expired), soonest to expire first: only those the actor manages.
    #[tracing::instrument(skip_all)]
    pub async fn open_links(&self, actor: &Actor) -> AppResult<Vec<UserView>> {
        let now = self.now();
        let mut open: Vec<UserView> = self
            .list_users(actor)
            .await?
            .into_iter()
            .filter(|u| u.link.is_some_and(|l| l.expires_at > now))
            .filter(|u| authorize(actor, Action::manage_account(u.role), &u.scope).is_ok())
            .collect();
        open.sort_by_key(|u| u.link.map(|l| l.expires_at));
        Ok(open)
    }

    /// The names of the users `ids`, each read once; an id that names nobody is left out.
    /// For pages that show who did something the user may already see.
    pub(crate) async fn user_names(&self, ids: Vec<UserId>) -> AppResult<HashMap<UserId, String>> {
        let mut names = HashMap::new();
        for id in ids {
            if names.contains_key(&id) {
                continue;
            }
            if let Some(user) = self.store.user(id).await? {
                names.insert(id, user.display_name);
            }
        }
        Ok(names)
    }
}
