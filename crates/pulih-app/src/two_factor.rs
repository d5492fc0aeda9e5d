//! Two-factor login (TOTP, RFC 6238; the codes in `pulih_crypto::totp`).
//!
//! Enrolment: the user asks for a secret ([`App::begin_totp`]), which is stored sealed
//! under the server's account key and shown once as an `otpauth://` URI (a QR code) and
//! in base32; a current code confirms it ([`App::confirm_totp`]) and answers ten
//! one-time recovery codes, stored only as keyed hashes. Turning it off takes a current
//! code or a recovery code ([`App::disable_totp`]); an administrator's password reset
//! clears it (`user.totp_reset`), and the user enrols again.
//!
//! Login: a password is checked first and a wrong one is answered alike for every
//! account, so nobody learns whether an account has two-factor login before the
//! password is right. Then a code is asked for: in the same API request (`totp`), or as
//! a second browser step carrying a signed, short-lived [`PendingLogin`]. Codes are
//! counted in the login throttle; a step accepted once is never accepted again, and a
//! recovery code works once. Roles in `totp_required_roles` (administrators and
//! coordinators by default) are sent to enrol before anything else ([`crate::Gate`]).

use chrono::{DateTime, Duration, Utc};
use pulih_crypto::totp::Totp;
use pulih_domain::authz::{Action, authorize};
use pulih_domain::ids::UserId;
use pulih_store::User;
use rand::RngCore;
use serde_json::json;
use subtle::ConstantTimeEq;

use crate::{App, AppError, AppResult, Authenticated, Origin, Record, UserView};

/// How long the code step of a browser login may follow its password step.
const PENDING_MINUTES: i64 = 5;
/// Recovery codes handed out at enrolment.
const RECOVERY_CODES: usize = 10;
/// The name authenticator apps show for the account.
const ISSUER: &str = "Pulih";

/// What enrolment shows, once: the secret to type and the URI for the QR code.
#[derive(Clone)]
pub struct TotpEnrolment {
    /// The secret in base32.
    pub secret: String,
    /// The `otpauth://` URI.
    pub uri: String,
}

impl std::fmt::Debug for TotpEnrolment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpEnrolment(<redacted>)")
    }
}

/// What proves the second factor, as found before the write that takes it.
pub(crate) enum Proof {
    /// A code of this step.
    Step(i64),
    /// An unused recovery code with this hash, if it is one.
    Recovery(String),
}

/// A browser login whose password was right, waiting for its code: `user.expiry.tag`,
/// the tag keyed by the server, so it cannot be made or stretched by anyone else.
pub(crate) struct PendingLogin;

impl PendingLogin {
    /// The token for `user`, valid for a few minutes from `now`.
    pub(crate) fn issue(app: &App, user: UserId, now: DateTime<Utc>) -> String {
        let text = format!(
            "{user}.{}",
            (now + Duration::minutes(PENDING_MINUTES)).timestamp()
        );
        let tag = app.keys.pending_login_tag(&text);
        format!("{text}.{tag}")
    }

    /// The user a token names, if its tag is right and it has not expired.
    pub(crate) fn check(app: &App, token: &str, now: DateTime<Utc>) -> Option<UserId> {
        let (text, tag) = token.rsplit_once('.')?;
        let expected = app.keys.pending_login_tag(text);
        if !bool::from(expected.as_bytes().ct_eq(tag.as_bytes())) {
            return None;
        }
        let (user, expiry) = text.split_once('.')?;
        (expiry.parse::<i64>().ok()? > now.timestamp()).then_some(())?;
        user.parse().ok()
    }
}

/// A recovery code as typed, in its stored form: lower-case, without spaces or dashes.
fn normalised(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Ten random characters, shown as two groups of five.
fn recovery_code() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 10];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let chars: String = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    format!("{}-{}", &chars[..5], &chars[5..])
}

impl App {
    /// Whether `user` must enrol in two-factor login before anything else.
    pub(crate) fn totp_due(&self, user: &UserView) -> bool {
        !user.totp_enabled && self.config.totp_required_roles.contains(&user.role)
    }

    /// What proves the second factor for `user` with `code` (a current code or a
    /// recovery code); none when it cannot be right. Taking it is the caller's write.
    pub(crate) fn second_factor(&self, user: &User, code: &str) -> AppResult<Option<Proof>> {
        let Some(state) = user.totp.as_ref().filter(|t| t.enabled) else {
            return Ok(None);
        };
        let digits = code.trim();
        if digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit()) {
            let totp = self.keys.open_totp(user.id, &state.secret)?;
            let step = totp.verify(digits, self.now().timestamp(), state.last_step);
            return Ok(step.map(Proof::Step));
        }
        let code = normalised(code);
        Ok((code.len() == 10).then(|| Proof::Recovery(self.keys.recovery_hash(user.id, &code))))
    }

    /// Audits a wrong code for an account whose password was right.
    pub(crate) async fn code_failed(&self, user: &User, origin: &Origin) -> AppResult<()> {
        let event = self.event(
            None,
            "session.code_failed",
            Record {
                kind: "user",
                id: Some(user.id.to_string()),
                region: user.scope.as_str(),
            },
            origin,
            json!({}),
        );
        Ok(self.store.append_audit(&event).await?)
    }

    /// Starts enrolment (again): a new secret, stored sealed and not yet in force.
    #[tracing::instrument(skip_all)]
    pub async fn begin_totp(
        &self,
        who: &Authenticated,
        origin: &Origin,
    ) -> AppResult<TotpEnrolment> {
        let actor = who.actor();
        authorize(&actor, Action::ManageOwnAccount, &actor.scope)?;
        if who.user.totp_enabled {
            return Err(AppError::Conflict("conflict.totp_enabled"));
        }
        let totp = Totp::generate();
        let sealed = self.keys.seal_totp(who.user.id, &totp);
        let id = who.user.id;
        self.write(None, origin, move |tx| {
            Box::pin(async move { tx.begin_totp(id, &sealed).await })
        })
        .await?;
        Ok(self.enrolment(&who.user, &totp))
    }

    /// The enrolment begun and not confirmed yet, to show again with a form's errors.
    #[tracing::instrument(skip_all)]
    pub async fn pending_totp(&self, who: &Authenticated) -> AppResult<Option<TotpEnrolment>> {
        let user = self
            .store
            .user(who.user.id)
            .await?
            .ok_or(AppError::NotFound)?;
        match user.totp.filter(|t| !t.enabled) {
            Some(state) => {
                let totp = self.keys.open_totp(user.id, &state.secret)?;
                Ok(Some(self.enrolment(&who.user, &totp)))
            }
            None => Ok(None),
        }
    }

    fn enrolment(&self, user: &UserView, totp: &Totp) -> TotpEnrolment {
        TotpEnrolment {
            secret: totp.base32(),
            uri: totp.uri(ISSUER, &user.username),
        }
    }

    /// Confirms the enrolment with a current code; answers the recovery codes, which
    /// are shown this once and stored only as keyed hashes.
    #[tracing::instrument(skip_all)]
    pub async fn confirm_totp(
        &self,
        who: &Authenticated,
        code: &str,
        origin: &Origin,
    ) -> AppResult<Vec<String>> {
        let actor = who.actor();
        authorize(&actor, Action::ManageOwnAccount, &actor.scope)?;
        let user = self
            .store
            .user(who.user.id)
            .await?
            .ok_or(AppError::NotFound)?;
        let Some(state) = user.totp.filter(|t| !t.enabled) else {
            return Err(AppError::Conflict("conflict.totp_not_begun"));
        };
        let totp = self.keys.open_totp(user.id, &state.secret)?;
        let Some(step) = totp.verify(code, self.now().timestamp(), None) else {
            return Err(AppError::invalid("code", "invalid.totp_code"));
        };
        let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| recovery_code()).collect();
        let hashes: Vec<String> = codes
            .iter()
            .map(|c| self.keys.recovery_hash(user.id, &normalised(c)))
            .collect();
        let event = self.event(
            Some(&actor),
            "user.totp_enable",
            Self::own_record(who),
            origin,
            json!({}),
        );
        let id = user.id;
        self.write(None, origin, move |tx| {
            Box::pin(async move {
                tx.enable_totp(id, step, &hashes).await?;
                tx.audit(event);
                Ok(())
            })
        })
        .await?;
        Ok(codes)
    }

    /// Turns two-factor login off, proven by a current code or a recovery code.
    #[tracing::instrument(skip_all)]
    pub async fn disable_totp(
        &self,
        who: &Authenticated,
        code: &str,
        origin: &Origin,
    ) -> AppResult<()> {
        let actor = who.actor();
        authorize(&actor, Action::ManageOwnAccount, &actor.scope)?;
        let user = self
            .store
            .user(who.user.id)
            .await?
            .ok_or(AppError::NotFound)?;
        let Some(proof) = self.second_factor(&user, code)? else {
            return Err(AppError::invalid("code", "invalid.totp_code"));
        };
        let event = self.event(
            Some(&actor),
            "user.totp_disable",
            Self::own_record(who),
            origin,
            json!({}),
        );
        let (id, at) = (user.id, event.at);
        let taken = self
            .write(None, origin, move |tx| {
                Box::pin(async move {
                    if !take(tx, id, proof, at).await? {
                        return Ok(false);
                    }
                    tx.clear_totp(id).await?;
                    tx.audit(event);
                    Ok(true)
                })
            })
            .await?;
        if taken {
            Ok(())
        } else {
            Err(AppError::invalid("code", "invalid.totp_code"))
        }
    }

    fn own_record(who: &Authenticated) -> Record<'_> {
        Record {
            kind: "user",
            id: Some(who.user.id.to_string()),
            region: who.user.scope.as_str(),
        }
    }
}

/// Takes a proof in a write: a step not taken before, or an unused recovery code.
pub(crate) async fn take(
    tx: &mut dyn pulih_store::Tx,
    user: UserId,
    proof: Proof,
    at: DateTime<Utc>,
) -> pulih_store::StoreResult<bool> {
    match proof {
        Proof::Step(step) => tx.take_totp_step(user, step).await,
        Proof::Recovery(hash) => tx.take_recovery_code(user, &hash, at).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_codes_are_read_however_typed() {
        let code = recovery_code();
        assert_eq!(code.len(), 11);
        assert_eq!(normalised(&code).len(), 10);
        assert_eq!(normalised(" AbCde-fGh23 "), "abcdefgh23");
        assert_ne!(recovery_code(), recovery_code());
    }
}
