//! User accounts: creation by administrators (and by coordinators for the field workers
//! of their area), disabling, password changes and resets, and the bootstrap
//! administrator of a new installation. A new account without a password, and a reset,
//! get a one-time link the person sets their own password with (`crate::links`).

use chrono::{DateTime, Utc};
use pulih_domain::account::{DisplayName, LinkPurpose, NewPassword, Role, Username};
use pulih_domain::audit::AuditEvent;
use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::ids::{OrgId, UserId};
use pulih_domain::org::OrgType;
use pulih_domain::region::Scope;
use pulih_store::{OpenLink, Organisation, User, UserUpdate};
use serde_json::json;

use crate::error::{Fields, Problem};
use crate::secrets::one_time_password;
use crate::{App, AppError, AppResult, Authenticated, Issued, Origin, Record};

/// A user as the edge sees it: everything but the password hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserView {
    /// Id.
    pub id: UserId,
    /// Login name, lower-case.
    pub username: String,
    /// Name shown to colleagues.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Organisation.
    pub org_id: OrgId,
    /// Region scope.
    pub scope: Scope,
    /// Whether the account is disabled.
    pub disabled: bool,
    /// Whether the user must choose a new password at next login.
    pub must_change_password: bool,
    /// Whether the user logs in with two-factor codes.
    pub totp_enabled: bool,
    /// The open link to set a password (an invitation or a reset), if any.
    pub link: Option<OpenLink>,
    /// Version, raised by every update.
    pub version: i64,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

impl From<User> for UserView {
    fn from(u: User) -> Self {
        Self {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            role: u.role,
            org_id: u.org_id,
            scope: u.scope,
            disabled: u.disabled,
            must_change_password: u.must_change_password,
            totp_enabled: u.totp.is_some_and(|t| t.enabled),
            link: u.link,
            version: u.version,
            created_at: u.created_at,
        }
    }
}

/// A user as an administrator types it in; every field is checked.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct NewUser {
    /// Login name.
    pub username: String,
    /// Name shown to colleagues.
    pub display_name: String,
    /// Role name, e.g. `agent`.
    pub role: String,
    /// Organisation id.
    pub org_id: String,
    /// `ID` or a region code. When empty, nothing is created: the organisation's area
    /// is proposed back (the problem's `scope` argument) to be sent again.
    #[serde(default)]
    pub scope: String,
    /// Initial password, for scripts; when empty, the account gets an invitation link
    /// and the person sets the password.
    #[serde(default)]
    pub password: Option<String>,
    /// The administrator confirms a privileged account: required for the role `admin`
    /// or the national scope `ID`, refused without it.
    #[serde(default)]
    pub confirm_privileged: bool,
}

/// Whether an account with `role` and `scope` needs the administrator's explicit
/// confirmation: administrators and national scope reach far.
pub fn privileged(role: Role, scope: &Scope) -> bool {
    role == Role::Admin || *scope == Scope::National
}

/// A new account checked and ready to store: the record, its audit event, and the
/// invitation link (shown once, stored as a hash) when no password was given.
pub(crate) struct NewAccount {
    /// The record.
    pub user: User,
    /// Its `user.create` event.
    pub event: AuditEvent,
    /// The link issued, the hash stored and the open link, if one was.
    pub link: Option<(crate::IssuedLink, String, OpenLink)>,
}

/// The first administrator's password, handed out once on the console, to be changed
/// at first login.
#[derive(Debug, Clone)]
pub struct PasswordReset {
    /// The user.
    pub user: UserView,
    /// The one-time password, shown once and never stored in clear (a repeat of the
    /// request with its idempotency key is answered with the user's id only).
    pub password: String,
}

impl App {
    pub(crate) fn user_record(id: UserId, scope: &Scope) -> Record<'_> {
        Record {
            kind: "user",
            id: Some(id.to_string()),
            region: scope.as_str(),
        }
    }

    /// Checks that a scope names a region that exists.
    pub(crate) async fn existing_scope(
        &self,
        fields: &mut Fields,
        field: &'static str,
        text: &str,
    ) -> AppResult<Option<Scope>> {
        let Some(scope) = fields.check(field, Scope::parse(text)) else {
            return Ok(None);
        };
        if let Scope::Region(code) = &scope
            && self.region_row(code).await?.is_none_or(|r| r.retired)
        {
            fields.add(field, "invalid.region_unknown");
            return Ok(None);
        }
        Ok(Some(scope))
    }

    /// Creates a user inside the actor's scope (coordinators: agents and counsellors
    /// only). Returns the user and, when no password was given, its invitation link.
    #[tracing::instrument(skip_all)]
    pub async fn create_user(
        &self,
        actor: &Actor,
        input: NewUser,
        origin: &Origin,
    ) -> AppResult<Issued> {
        let account = self.new_account(actor, input, origin).await?;
        let NewAccount { user, event, link } = account;
        let opened = link.as_ref().map(|(_, hash, open)| (hash.clone(), *open));
        let id = self
            .write(Some(actor), origin, move |tx| {
                Box::pin(async move {
                    tx.insert_user(&user).await?;
                    if let Some((hash, open)) = &opened {
                        tx.set_link(user.id, Some((hash, *open))).await?;
                    }
                    tx.audit(event);
                    Ok(user.id)
                })
            })
            .await?;
        Ok(Issued {
            user: self.store.user(id).await?.ok_or(AppError::NotFound)?.into(),
            link: link.map(|(issued, _, _)| issued),
        })
    }

    /// Checks a new account typed in by `actor` and makes it ready to store, with its
    /// audit event and, when no password was given, its invitation link: every field
    /// error at once.
    pub(crate) async fn new_account(
        &self,
        actor: &Actor,
        input: NewUser,
        origin: &Origin,
    ) -> AppResult<NewAccount> {
        authorize(actor, Action::ManageFieldWorkers, &actor.scope)?;
        let mut fields = Fields::default();
        let username = fields.check("username", Username::parse(&input.username));
        let display_name = fields.check("display_name", DisplayName::parse(&input.display_name));
        let role = fields.check("role", Role::parse(&input.role));
        let org = match input.org_id.parse::<OrgId>() {
            Ok(id) => self
                .store
                .org(id)
                .await?
                .filter(|o| actor.scope.includes(&o.place)),
            Err(_) => None,
        };
        if org.is_none() {
            fields.add("org_id", "invalid.org_missing");
        }
        let scope = match (input.scope.trim(), &org) {
            // never a silent default: the organisation's area is proposed, to be sent again
            ("", Some(org)) => {
                let mut problem = Problem::new("scope", "invalid.scope_from_org");
                problem.args = vec![("scope", org.place.to_string())];
                fields.push(problem);
                None
            }
            ("", None) => {
                fields.add("scope", "invalid.scope");
                None
            }
            (text, _) => self.existing_scope(&mut fields, "scope", text).await?,
        };
        if let Some(role) = role {
            // a role this actor does not hand out is said next to the role, first
            if authorize(actor, Action::manage_account(role), &actor.scope).is_err() {
                fields.add("role", "invalid.role_not_yours");
            } else if scope.as_ref().is_some_and(|s| privileged(role, s))
                && !input.confirm_privileged
            {
                fields.add("confirm_privileged", "invalid.user_confirm_privileged");
            }
        }
        let given = match (&username, input.password.filter(|p| !p.is_empty())) {
            (Some(u), Some(p)) => fields
                .check("password", NewPassword::parse(&p, u))
                .map(|p| Some(p.expose().to_owned())),
            _ => Some(None),
        };
        fields.finish()?;
        let (Some(username), Some(display_name), Some(role), Some(scope), Some(org), Some(given)) =
            (username, display_name, role, scope, org, given)
        else {
            return Err(AppError::Internal("validated fields missing".into()));
        };
        authorize(actor, Action::manage_account(role), &scope)?;
        let confirmed = privileged(role, &scope);
        let password_hash = match &given {
            Some(password) => self.hash_password(password.clone()).await?,
            None => self.unusable_password().await?,
        };
        let user = User {
            id: UserId::new(),
            username: username.as_str().to_owned(),
            display_name: display_name.as_str().to_owned(),
            role,
            org_id: org.id,
            scope,
            password_hash,
            disabled: false,
            must_change_password: false,
            totp: None,
            link: None,
            version: 1,
            created_at: self.now(),
        };
        let event = self.event(
            Some(actor),
            "user.create",
            Self::user_record(user.id, &user.scope),
            origin,
            json!({
                "role": role.as_str(),
                "confirmed_privileged": confirmed,
                "invited": given.is_none(),
            }),
        );
        let link = given.is_none().then(|| self.new_link(LinkPurpose::Invite));
        Ok(NewAccount { user, event, link })
    }

    /// Stores a new user with its audit event; answers the user's id.
    async fn insert_user(
        &self,
        actor: Option<&Actor>,
        origin: &Origin,
        user: User,
        event: AuditEvent,
    ) -> AppResult<UserId> {
        self.write(actor, origin, move |tx| {
            Box::pin(async move {
                tx.insert_user(&user).await?;
                tx.audit(event);
                Ok(user.id)
            })
        })
        .await
    }

    /// Changes a user from the version read, with its audit event; answers the new record.
    async fn change_user(
        &self,
        actor: &Actor,
        origin: &Origin,
        update: UserUpdate,
        event: AuditEvent,
    ) -> AppResult<UserView> {
        let id = update.id;
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                let user = tx.update_user(&update, event.at).await?;
                tx.audit(event);
                Ok(user.version)
            })
        })
        .await?;
        Ok(self.store.user(id).await?.ok_or(AppError::NotFound)?.into())
    }

    /// Users inside the actor's scope.
    #[tracing::instrument(skip_all)]
    pub async fn list_users(&self, actor: &Actor) -> AppResult<Vec<UserView>> {
        authorize(actor, Action::ViewUsers, &actor.scope)?;
        let users = self.store.list_users(&actor.scope).await?;
        Ok(users.into_iter().map(UserView::from).collect())
    }

    /// One user the actor may see.
    #[tracing::instrument(skip_all, fields(user = %id))]
    pub async fn user(&self, actor: &Actor, id: UserId) -> AppResult<UserView> {
        let user = self.store.user(id).await?.ok_or(AppError::NotFound)?;
        authorize(actor, Action::ViewUsers, &user.scope).map_err(|_| AppError::NotFound)?;
        Ok(user.into())
    }

    /// A user the actor may manage: administrators any, coordinators the field
    /// workers of their area.
    pub(crate) async fn managed_user(&self, actor: &Actor, id: UserId) -> AppResult<UserView> {
        let user = self.user(actor, id).await?;
        authorize(actor, Action::manage_account(user.role), &user.scope)?;
        Ok(user)
    }

    /// Disables or re-enables a user; disabling also ends all its sessions and tokens.
    /// `version`, when given, must match the stored one.
    #[tracing::instrument(skip_all, fields(user = %id))]
    pub async fn set_user_disabled(
        &self,
        actor: &Actor,
        id: UserId,
        disabled: bool,
        version: Option<i64>,
        origin: &Origin,
    ) -> AppResult<UserView> {
        let user = self.managed_user(actor, id).await?;
        if user.id == actor.user_id {
            return Err(AppError::Conflict("conflict.self_disable"));
        }
        let update = UserUpdate {
            id,
            expected_version: version.unwrap_or(user.version),
            disabled: Some(disabled),
            password: None,
            revoke_sessions: disabled.then_some(None),
        };
        let action = if disabled {
            "user.disable"
        } else {
            "user.enable"
        };
        let event = self.event(
            Some(actor),
            action,
            Self::user_record(user.id, &user.scope),
            origin,
            json!({}),
        );
        self.change_user(actor, origin, update, event).await
    }

    /// Resets a user's password: the old one stops working, its sessions end, its
    /// two-factor login is cleared (audited as `user.totp_reset` when it had one), and
    /// a reset link is issued for the person to set a new password and enrol again.
    /// One's own password is changed on the account page instead (a reset would end
    /// the very session asking for it).
    #[tracing::instrument(skip_all, fields(user = %id))]
    pub async fn reset_password(
        &self,
        actor: &Actor,
        id: UserId,
        origin: &Origin,
    ) -> AppResult<Issued> {
        let user = self.managed_user(actor, id).await?;
        if user.id == actor.user_id {
            return Err(AppError::Conflict("conflict.self_reset"));
        }
        let (link, hash, open) = self.new_link(LinkPurpose::Reset);
        let update = UserUpdate {
            id,
            expected_version: user.version,
            disabled: None,
            password: Some((self.unusable_password().await?, false)),
            revoke_sessions: Some(None),
        };
        let event = self.event(
            Some(actor),
            "user.reset_password",
            Self::user_record(user.id, &user.scope),
            origin,
            json!({}),
        );
        let totp_event = self.event(
            Some(actor),
            "user.totp_reset",
            Self::user_record(user.id, &user.scope),
            origin,
            json!({}),
        );
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                tx.update_user(&update, event.at).await?;
                tx.audit(event);
                if tx.clear_totp(id).await? {
                    tx.audit(totp_event);
                }
                tx.set_link(id, Some((&hash, open))).await?;
                Ok(id)
            })
        })
        .await?;
        let user = self.store.user(id).await?.ok_or(AppError::NotFound)?.into();
        Ok(Issued {
            user,
            link: Some(link),
        })
    }

    /// Changes one's own password after checking the current one; other sessions end.
    #[tracing::instrument(skip_all)]
    pub async fn change_own_password(
        &self,
        who: &Authenticated,
        current: &str,
        new: &str,
        origin: &Origin,
    ) -> AppResult<UserView> {
        let actor = who.actor();
        authorize(&actor, Action::ManageOwnAccount, &actor.scope)?;
        let mut fields = Fields::default();
        let username =
            Username::parse(&who.user.username).map_err(|e| AppError::Internal(e.to_string()))?;
        let new = fields.check("new_password", NewPassword::parse(new, &username));
        // the hash is read here, where it is checked: the edge never holds it
        let stored = self
            .store
            .user(who.user.id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !self
            .verify_password(current.to_owned(), stored.password_hash)
            .await?
        {
            fields.add("current_password", "invalid.current_password");
        }
        if new.as_ref().is_some_and(|n| n.expose() == current) {
            fields.add("new_password", "invalid.password_same");
        }
        fields.finish()?;
        let new = new.ok_or_else(|| AppError::Internal("validated password missing".into()))?;
        let update = UserUpdate {
            id: who.user.id,
            expected_version: who.user.version,
            disabled: None,
            password: Some((self.hash_password(new.expose().to_owned()).await?, false)),
            revoke_sessions: Some(Some(who.session.id)),
        };
        let event = self.event(
            Some(&actor),
            "user.change_password",
            Self::user_record(who.user.id, &who.user.scope),
            origin,
            json!({}),
        );
        self.change_user(&actor, origin, update, event).await
    }

    /// Creates a national administrator (and the national BNN organisation if there is no
    /// organisation yet) for a new installation, from the command line or the first start.
    /// Without a password, a one-time password is generated and must be changed at login.
    #[tracing::instrument(skip_all)]
    pub async fn bootstrap_admin(
        &self,
        username: &str,
        password: Option<String>,
    ) -> AppResult<PasswordReset> {
        let mut fields = Fields::default();
        let name = fields.check("username", Username::parse(username));
        let checked = match (&name, &password) {
            (Some(u), Some(p)) => fields
                .check("password", NewPassword::parse(p, u))
                .map(|p| p.expose().to_owned()),
            _ => None,
        };
        fields.finish()?;
        let name = name.ok_or_else(|| AppError::Internal("validated username missing".into()))?;
        let org = match self
            .store
            .list_orgs(&Scope::National)
            .await?
            .into_iter()
            .find(|o| o.place == Scope::National)
        {
            Some(org) => org,
            None => {
                let org = Organisation {
                    id: OrgId::new(),
                    name: "BNN RI".into(),
                    org_type: OrgType::Bnn,
                    place: Scope::National,
                    version: 1,
                    created_at: self.now(),
                };
                let record = Record {
                    kind: "organisation",
                    id: Some(org.id.to_string()),
                    region: "ID",
                };
                let event = self.event(
                    None,
                    "org.create",
                    record,
                    &Origin::local(),
                    json!({ "bootstrap": true }),
                );
                self.insert_org(None, &Origin::local(), org.clone(), event)
                    .await?;
                org
            }
        };
        let generated = checked.is_none();
        let password = checked.unwrap_or_else(one_time_password);
        let user = User {
            id: UserId::new(),
            username: name.as_str().to_owned(),
            display_name: name.as_str().to_owned(),
            role: Role::Admin,
            org_id: org.id,
            scope: Scope::National,
            password_hash: self.hash_password(password.clone()).await?,
            disabled: false,
            must_change_password: generated,
            totp: None,
            link: None,
            version: 1,
            created_at: self.now(),
        };
        let event = self.event(
            None,
            "user.create",
            Self::user_record(user.id, &user.scope),
            &Origin::local(),
            json!({ "role": "admin", "bootstrap": true }),
        );
        self.insert_user(None, &Origin::local(), user.clone(), event)
            .await?;
        Ok(PasswordReset {
            user: user.into(),
            password,
        })
    }

    /// Whether any user exists yet.
    #[tracing::instrument(skip_all)]
    pub async fn has_users(&self) -> AppResult<bool> {
        Ok(self.store.user_count().await? > 0)
    }
}
