//! What a use-case can refuse or fail with. Each case carries a translation key so the
//! web edge can tell the user, in their language, what to do.

use std::borrow::Cow;

use pulih_domain::Invalid;
use pulih_domain::authz::Denied;
use pulih_store::StoreError;

/// Why a use-case did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No valid session or token.
    #[error("not logged in")]
    Unauthenticated,
    /// Username or password wrong (deliberately vague).
    #[error("wrong username or password")]
    LoginFailed,
    /// The password was right and the account has two-factor login: a code is needed
    /// (never answered before the password is right).
    #[error("two-factor code required")]
    CodeRequired,
    /// The two-factor or recovery code was wrong or used already.
    #[error("wrong two-factor code")]
    CodeFailed,
    /// The browser session was not used for longer than the idle timeout and has ended.
    #[error("session ended after being idle")]
    SessionIdle,
    /// Too many failed logins; try again after the given seconds.
    #[error("too many failed logins")]
    Throttled {
        /// Seconds until the next attempt is allowed.
        retry_after_secs: u64,
    },
    /// The actor may not do this.
    #[error("forbidden: {0}")]
    Forbidden(#[from] Denied),
    /// The client's consent in force does not allow this; translation key of what it
    /// lacks.
    #[error("not consented: {0}")]
    NotConsented(&'static str),
    /// The record does not exist or lies outside the actor's view.
    #[error("not found")]
    NotFound,
    /// Input failed validation, one problem per field.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<Problem>),
    /// A file sent for an import is larger than the server accepts.
    #[error("upload too large")]
    TooLarge,
    /// The request clashes with stored data; translation key of the reason.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// The idempotency key was sent before with another request.
    #[error("idempotency key reused for another request")]
    KeyReused,
    /// The request repeats one that was answered: nothing was written now; the stored
    /// answer (JSON of ids) is the repeat's answer.
    #[error("answered before")]
    Replayed(String),
    /// The database cannot take writes now (disk full, read-only, unreachable); nothing
    /// was written, and the same request may be sent again later.
    #[error("storage unavailable")]
    Unavailable,
    /// Storage failed; details go to the log only.
    #[error("storage failure")]
    Store(#[source] StoreError),
    /// Something else failed inside; details go to the log only.
    #[error("internal failure: {0}")]
    Internal(String),
}

/// One rejected input: the field (a path such as `substances.tobacco.q5` for nested
/// input), the translation key of the reason, and values for the text's placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The field.
    pub field: Cow<'static, str>,
    /// Translation key of the reason.
    pub key: &'static str,
    /// `{name}` placeholders of the text and their values.
    pub args: Vec<(&'static str, String)>,
}

impl Problem {
    /// A problem with `field` explained by `key`.
    pub fn new(field: impl Into<Cow<'static, str>>, key: &'static str) -> Self {
        Self {
            field: field.into(),
            key,
            args: Vec::new(),
        }
    }
}

impl AppError {
    /// Input failed validation in one field.
    pub fn invalid(field: impl Into<Cow<'static, str>>, key: &'static str) -> Self {
        Self::Invalid(vec![Problem::new(field, key)])
    }
}

/// Result of a use-case.
pub type AppResult<T> = Result<T, AppError>;

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict => Self::Conflict("conflict.stale"),
            StoreError::Duplicate("username") => {
                Self::invalid("username", "invalid.username_taken")
            }
            StoreError::Duplicate(_) => Self::Conflict("conflict.duplicate"),
            StoreError::MissingReference(_) => Self::invalid("org_id", "invalid.org_missing"),
            StoreError::NotFound => Self::NotFound,
            StoreError::Refused(key) => Self::Conflict(key),
            StoreError::KeyReused => Self::KeyReused,
            StoreError::Busy => Self::Conflict("conflict.request_outstanding"),
            // An operator must act (free space, make the database writable); the
            // detail names the cause, never the data.
            StoreError::Unavailable(detail) => {
                tracing::warn!(%detail, "database unavailable for writes");
                Self::Unavailable
            }
            // The others are answers; this is a failure. It is logged here, inside the
            // use-case's span, so the line names the operation that failed.
            StoreError::Backend(_) => {
                tracing::error!(error = %e, "store failed");
                Self::Store(e)
            }
        }
    }
}

/// Collects field errors while parsing a form, then fails with all of them at once.
#[derive(Debug, Default)]
pub struct Fields(Vec<Problem>);

impl Fields {
    /// Parses one field, remembering its error.
    pub fn check<T>(&mut self, field: &'static str, result: Result<T, Invalid>) -> Option<T> {
        result
            .map_err(|e| self.0.push(Problem::new(field, e.key)))
            .ok()
    }

    /// Adds an error found by a cross-field rule.
    pub fn add(&mut self, field: impl Into<Cow<'static, str>>, key: &'static str) {
        self.0.push(Problem::new(field, key));
    }

    /// Adds an error with values for its text's placeholders.
    pub fn push(&mut self, problem: Problem) {
        self.0.push(problem);
    }

    /// Parses a nested input whose parser reports several problems at once.
    pub fn check_all<T>(
        &mut self,
        result: Result<T, Vec<pulih_domain::clinical::FieldError>>,
    ) -> Option<T> {
        result
            .map_err(|errors| {
                for e in errors {
                    self.0.push(Problem::new(e.field, e.key));
                }
            })
            .ok()
    }

    /// Parses a `YYYY-MM-DD` date field; an empty one asks for a date
    /// (`invalid.date_missing`) rather than naming the format.
    pub fn date(&mut self, field: &'static str, text: &str) -> Option<chrono::NaiveDate> {
        if text.trim().is_empty() {
            self.add(field, "invalid.date_missing");
            return None;
        }
        let parsed = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d");
        if parsed.is_err() {
            self.add(field, "invalid.date");
        }
        parsed.ok()
    }

    /// Parses an optional `YYYY-MM-DD` date field; empty gives none.
    pub fn optional_date(
        &mut self,
        field: &'static str,
        text: Option<&str>,
    ) -> Option<chrono::NaiveDate> {
        let text = text.map(str::trim).filter(|t| !t.is_empty())?;
        self.date(field, text)
    }

    /// Parses an optional date field that must not lie after `today`, which an empty
    /// field defaults to.
    pub fn past_date_or_today(
        &mut self,
        field: &'static str,
        text: Option<&str>,
        today: chrono::NaiveDate,
    ) -> Option<chrono::NaiveDate> {
        match text.map(str::trim).filter(|t| !t.is_empty()) {
            None => Some(today),
            Some(t) => {
                let day = self.date(field, t)?;
                self.check(field, pulih_domain::client::past_date(day, today))
            }
        }
    }

    /// The error for input where a field did not parse: every collected problem.
    pub fn into_error(self) -> AppError {
        if self.0.is_empty() {
            AppError::Internal("a field was neither parsed nor rejected".into())
        } else {
            AppError::Invalid(self.0)
        }
    }

    /// Fails with every collected error, if any.
    pub fn finish(self) -> AppResult<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(self.0))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Level, Metadata, Subscriber};

    use super::*;

    /// Counts the error events logged while it is the default subscriber.
    #[derive(Default)]
    struct Errors(AtomicUsize);

    impl Subscriber for Errors {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, _: &Attributes<'_>) -> Id {
            Id::from_u64(1)
        }
        fn record(&self, _: &Id, _: &Record<'_>) {}
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            if *event.metadata().level() == Level::ERROR {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }

    #[test]
    fn only_a_backend_failure_is_logged_and_it_stays_a_storage_failure() {
        let errors = Arc::new(Errors::default());
        let converted = tracing::subscriber::with_default(errors.clone(), || {
            let answers = [
                StoreError::Conflict,
                StoreError::Duplicate("village"),
                StoreError::MissingReference("organisation"),
                StoreError::NotFound,
                StoreError::Refused("conflict.consent_required"),
                StoreError::KeyReused,
                StoreError::Busy,
                StoreError::Unavailable("database or disk is full".into()),
            ];
            for e in answers {
                assert!(!matches!(AppError::from(e), AppError::Store(_)));
            }
            assert_eq!(errors.0.load(Ordering::SeqCst), 0, "an answer was logged");
            AppError::from(StoreError::Backend(Box::new(std::io::Error::other("disk"))))
        });
        assert!(matches!(converted, AppError::Store(StoreError::Backend(_))));
        assert_eq!(errors.0.load(Ordering::SeqCst), 1);
    }
}
