//! Logging in and out, browser sessions and API tokens.

use chrono::Duration;
use pulih_domain::authz::Actor;
use pulih_domain::ids::SessionId;
use pulih_store::{Session, SessionKind};
use serde_json::json;

use crate::secrets::{DUMMY_HASH, random_token, token_hash};
use crate::throttle::Attempt;
use crate::{App, AppError, AppResult, Origin, Record, UserView};

/// Browser session or API token.
pub type LoginKind = SessionKind;

/// A successful login: the secret to hand to the client, once.
#[derive(Debug, Clone)]
pub struct Login {
    /// Cookie value or bearer token; only its hash is stored.
    pub token: String,
    /// The stored session.
    pub session: Session,
    /// Who logged in.
    pub user: UserView,
    /// The device token to keep for later logins from this device (see
    /// [`crate::throttle`]); not a credential.
    pub device: String,
}

/// What a login form or request carries.
#[derive(Clone, Copy)]
pub struct Credentials<'a> {
    /// The username as typed.
    pub username: &'a str,
    /// The password.
    pub password: &'a str,
    /// The device token this device was given at an earlier login, if any.
    pub device: Option<&'a str>,
}

/// A request's verified identity.
#[derive(Debug, Clone)]
pub struct Authenticated {
    /// The session or token used.
    pub session: Session,
    /// Its user, as stored now.
    pub user: UserView,
}

impl Authenticated {
    /// The actor for authorisation decisions.
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.user.id,
            org_id: self.user.org_id,
            role: self.user.role,
            scope: self.user.scope.clone(),
            disabled: self.user.disabled,
        }
    }
}

impl App {
    /// Checks a username and password and opens a session or issues a token.
    /// Failures are throttled (see [`crate::throttle`]) and all look the same.
    #[tracing::instrument(skip_all)]
    pub async fn login(
        &self,
        credentials: Credentials<'_>,
        kind: LoginKind,
        origin: &Origin,
    ) -> AppResult<Login> {
        let username = credentials.username.trim().to_lowercase();
        let now = self.now();
        let attempt = Attempt {
            username: &username,
            ip: origin.ip(),
            known_device: credentials
                .device
                .and_then(|token| self.keys.known_device(&username, token)),
        };
        self.throttle
            .attempt(&attempt, now)
            .map_err(|retry_after_secs| AppError::Throttled { retry_after_secs })?;
        let user = self.store.user_by_username(&username).await?;
        let hash = user
            .as_ref()
            .map_or(DUMMY_HASH.to_owned(), |u| u.password_hash.clone());
        let valid = self
            .verify_password(credentials.password.to_owned(), hash)
            .await?;
        let Some(user) = user.filter(|u| valid && !u.disabled) else {
            self.login_failed(origin).await?;
            return Err(AppError::LoginFailed);
        };
        self.throttle.succeeded(&attempt);
        let device = match (attempt.known_device, credentials.device) {
            (Some(_), Some(token)) => token.to_owned(),
            _ => self.keys.device_token(&username),
        };
        let lifetime = match kind {
            SessionKind::Web => Duration::hours(self.config.session_hours),
            SessionKind::Api => Duration::days(self.config.token_days),
        };
        let session = Session {
            id: SessionId::new(),
            user_id: user.id,
            kind,
            csrf_token: random_token(),
            created_at: now,
            expires_at: now + lifetime,
        };
        let token = random_token();
        let action = if kind == SessionKind::Api {
            "session.token"
        } else {
            "session.login"
        };
        let record = Record {
            kind: "user",
            id: Some(user.id.to_string()),
            region: user.scope.as_str(),
        };
        let actor = Authenticated {
            session: session.clone(),
            user: user.clone().into(),
        }
        .actor();
        let event = self.event(Some(&actor), action, record, origin, json!({}));
        let (stored, hash) = (session.clone(), token_hash(&token));
        // A login is never answered from an earlier one: the secret exists only now.
        self.write(None, origin, move |tx| {
            Box::pin(async move {
                tx.insert_session(&stored, &hash).await?;
                tx.audit(event);
                Ok(())
            })
        })
        .await?;
        Ok(Login {
            token,
            session,
            user: user.into(),
            device,
        })
    }

    /// Records a failed login without naming the account tried (it may be a mistyped password).
    async fn login_failed(&self, origin: &Origin) -> AppResult<()> {
        let event = self.event(
            None,
            "session.login_failed",
            Record {
                kind: "session",
                id: None,
                region: "ID",
            },
            origin,
            json!({}),
        );
        Ok(self.store.append_audit(&event).await?)
    }

    /// The live session behind a cookie value or bearer token.
    #[tracing::instrument(skip_all)]
    pub async fn authenticate(&self, token: &str) -> AppResult<Authenticated> {
        let (session, user) = self
            .store
            .session_by_token_hash(&token_hash(token), self.now())
            .await?
            .ok_or(AppError::Unauthenticated)?;
        if user.disabled {
            return Err(AppError::Unauthenticated);
        }
        Ok(Authenticated {
            session,
            user: user.into(),
        })
    }

    /// Ends a browser session or revokes an API token.
    #[tracing::instrument(skip_all)]
    pub async fn logout(&self, who: &Authenticated, origin: &Origin) -> AppResult<()> {
        let record = Record {
            kind: "session",
            id: Some(who.session.id.to_string()),
            region: who.user.scope.as_str(),
        };
        let event = self.event(
            Some(&who.actor()),
            "session.revoke",
            record,
            origin,
            json!({ "kind": who.session.kind.as_str() }),
        );
        let id = who.session.id;
        self.write(Some(&who.actor()), origin, move |tx| {
            Box::pin(async move {
                tx.revoke_session(id, event.at).await?;
                tx.audit(event);
                Ok(())
            })
        })
        .await
    }
}

impl App {
    /// The actor a console command runs as: the named user, with its role and scope (a
    /// disabled user may do nothing). No such user is `NotFound`.
    #[tracing::instrument(skip_all)]
    pub async fn console_actor(&self, username: &str) -> AppResult<Actor> {
        let user = self
            .store
            .user_by_username(&username.trim().to_lowercase())
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(Actor {
            user_id: user.id,
            org_id: user.org_id,
            role: user.role,
            scope: user.scope,
            disabled: user.disabled,
        })
    }
}
