//! Logging in and out, browser sessions and API tokens.

use chrono::Duration;
use pulih_domain::authz::Actor;
use pulih_domain::ids::SessionId;
use pulih_store::{Session, SessionKind, User};
use serde_json::json;

use crate::secrets::{DUMMY_HASH, random_token, token_hash};
use crate::throttle::Attempt;
use crate::two_factor::{PendingLogin, take};
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
    /// A two-factor or recovery code sent with the password (the API's `totp`).
    pub code: Option<&'a str>,
}

/// Where a login stands after the password.
#[derive(Debug, Clone)]
pub enum LoginStep {
    /// Logged in.
    Done(Box<Login>),
    /// The password was right and a two-factor code is needed: the token to send back
    /// with it ([`App::login_with_code`]), valid for a few minutes.
    CodeNeeded(String),
}

/// What a logged-in user must do before anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Choose a new password (after a one-time password).
    PasswordChange,
    /// Enrol in two-factor login (required for the user's role).
    TotpEnrolment,
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
    /// Checks a username and password, then the two-factor code when the account has
    /// one, and opens a session or issues a token. Failures are throttled (see
    /// [`crate::throttle`]); every wrong password looks the same, whatever the account.
    #[tracing::instrument(skip_all)]
    pub async fn login(
        &self,
        credentials: Credentials<'_>,
        kind: LoginKind,
        origin: &Origin,
    ) -> AppResult<LoginStep> {
        let username = credentials.username.trim().to_lowercase();
        let attempt = self.attempt(&username, origin, credentials.device)?;
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
        let has_totp = user.totp.as_ref().is_some_and(|t| t.enabled);
        match credentials.code {
            // the attempt stays counted: the code is the rest of it
            None if has_totp => Ok(LoginStep::CodeNeeded(PendingLogin::issue(
                self,
                user.id,
                self.now(),
            ))),
            code => {
                let login = self
                    .open_session(user, code, &attempt, credentials.device, kind, origin)
                    .await?;
                Ok(LoginStep::Done(Box::new(login)))
            }
        }
    }

    /// The second step of a browser login: the code, with the token the password step
    /// answered. Counted in the login throttle like a password.
    #[tracing::instrument(skip_all)]
    pub async fn login_with_code(
        &self,
        pending: &str,
        code: &str,
        device: Option<&str>,
        kind: LoginKind,
        origin: &Origin,
    ) -> AppResult<Login> {
        let user = match PendingLogin::check(self, pending, self.now()) {
            Some(id) => self.store.user(id).await?.filter(|u| !u.disabled),
            None => None,
        };
        let Some(user) = user else {
            return Err(AppError::LoginFailed);
        };
        let username = user.username.clone();
        let attempt = self.attempt(&username, origin, device)?;
        self.open_session(user, Some(code), &attempt, device, kind, origin)
            .await
    }

    /// Reserves a login attempt in the throttle (or refuses it).
    fn attempt<'a>(
        &self,
        username: &'a str,
        origin: &'a Origin,
        device: Option<&'a str>,
    ) -> AppResult<Attempt<'a>> {
        let attempt = Attempt {
            username,
            ip: origin.ip(),
            known_device: device.and_then(|token| self.keys.known_device(username, token)),
        };
        self.throttle
            .attempt(&attempt, self.now())
            .map_err(|retry_after_secs| AppError::Throttled { retry_after_secs })?;
        Ok(attempt)
    }

    /// Opens the session of a user whose password was right, taking the two-factor
    /// code in the same write when the account has two-factor login.
    async fn open_session(
        &self,
        user: User,
        code: Option<&str>,
        attempt: &Attempt<'_>,
        device: Option<&str>,
        kind: LoginKind,
        origin: &Origin,
    ) -> AppResult<Login> {
        let proof = match (user.totp.as_ref().is_some_and(|t| t.enabled), code) {
            (false, _) => None,
            (true, None) => return Err(AppError::CodeRequired),
            (true, Some(code)) => match self.second_factor(&user, code)? {
                Some(proof) => Some(proof),
                None => {
                    self.code_failed(&user, origin).await?;
                    return Err(AppError::CodeFailed);
                }
            },
        };
        let now = self.now();
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
            last_seen_at: now,
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
        let detail = json!({ "second_factor": proof.is_some() });
        let event = self.event(Some(&actor), action, record, origin, detail);
        let (stored, hash, id) = (session.clone(), token_hash(&token), user.id);
        // A login is never answered from an earlier one: the secret exists only now.
        let opened = self
            .write(None, origin, move |tx| {
                Box::pin(async move {
                    if let Some(proof) = proof
                        && !take(tx, id, proof, now).await?
                    {
                        return Ok(false);
                    }
                    tx.insert_session(&stored, &hash).await?;
                    tx.audit(event);
                    Ok(true)
                })
            })
            .await?;
        if !opened {
            self.code_failed(&user, origin).await?;
            return Err(AppError::CodeFailed);
        }
        self.throttle.succeeded(attempt);
        let device = match (attempt.known_device, device) {
            (Some(_), Some(token)) => token.to_owned(),
            _ => self.keys.device_token(&user.username),
        };
        Ok(Login {
            token,
            session,
            user: user.into(),
            device,
        })
    }

    /// What `user` must do before anything else, if anything.
    pub fn gate(&self, user: &UserView) -> Option<Gate> {
        if user.must_change_password {
            Some(Gate::PasswordChange)
        } else if self.totp_due(user) {
            Some(Gate::TotpEnrolment)
        } else {
            None
        }
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

    /// The live session behind a cookie value or bearer token. A browser session unused
    /// for longer than `session_idle_minutes` ends here ([`AppError::SessionIdle`]); a
    /// used one has its last use recorded, at most about once a minute.
    #[tracing::instrument(skip_all)]
    pub async fn authenticate(&self, token: &str, origin: &Origin) -> AppResult<Authenticated> {
        let now = self.now();
        let (session, user) = self
            .store
            .session_by_token_hash(&token_hash(token), now)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        if user.disabled {
            return Err(AppError::Unauthenticated);
        }
        let who = Authenticated {
            session,
            user: user.into(),
        };
        if who.session.kind == SessionKind::Web {
            let idle = Duration::minutes(self.config.session_idle_minutes.max(1));
            let unused = now - who.session.last_seen_at;
            if unused > idle {
                self.end_session(&who, "session.idle_end", origin).await?;
                return Err(AppError::SessionIdle);
            }
            if unused > (idle / 4).min(Duration::minutes(1)) {
                let id = who.session.id;
                self.write(None, origin, move |tx| {
                    Box::pin(async move { tx.touch_session(id, now).await })
                })
                .await?;
            }
        }
        Ok(who)
    }

    /// Ends a browser session or revokes an API token.
    #[tracing::instrument(skip_all)]
    pub async fn logout(&self, who: &Authenticated, origin: &Origin) -> AppResult<()> {
        self.end_session(who, "session.revoke", origin).await
    }

    async fn end_session(
        &self,
        who: &Authenticated,
        action: &str,
        origin: &Origin,
    ) -> AppResult<()> {
        let record = Record {
            kind: "session",
            id: Some(who.session.id.to_string()),
            region: who.user.scope.as_str(),
        };
        let event = self.event(
            Some(&who.actor()),
            action,
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
