//! What a use-case can refuse or fail with. Each case carries a translation key so the
//! web edge can tell the user, in their language, what to do.

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
    /// Too many failed logins; try again after the given seconds.
    #[error("too many failed logins")]
    Throttled {
        /// Seconds until the next attempt is allowed.
        retry_after_secs: u64,
    },
    /// The actor may not do this.
    #[error("forbidden: {0}")]
    Forbidden(#[from] Denied),
    /// The record does not exist or lies outside the actor's view.
    #[error("not found")]
    NotFound,
    /// Input failed validation; pairs of (field, translation key).
    #[error("invalid input: {0:?}")]
    Invalid(Vec<(&'static str, &'static str)>),
    /// The request clashes with stored data; translation key of the reason.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// Storage failed; details go to the log only.
    #[error("storage failure")]
    Store(#[source] StoreError),
    /// Something else failed inside; details go to the log only.
    #[error("internal failure: {0}")]
    Internal(String),
}

/// Result of a use-case.
pub type AppResult<T> = Result<T, AppError>;

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict => Self::Conflict("conflict.stale"),
            StoreError::Duplicate("username") => {
                Self::Invalid(vec![("username", "invalid.username_taken")])
            }
            StoreError::Duplicate(_) => Self::Conflict("conflict.duplicate"),
            StoreError::MissingReference(_) => {
                Self::Invalid(vec![("org_id", "invalid.org_missing")])
            }
            StoreError::NotFound => Self::NotFound,
            other => Self::Store(other),
        }
    }
}

/// Collects field errors while parsing a form, then fails with all of them at once.
#[derive(Debug, Default)]
pub struct Fields(Vec<(&'static str, &'static str)>);

impl Fields {
    /// Parses one field, remembering its error.
    pub fn check<T>(&mut self, field: &'static str, result: Result<T, Invalid>) -> Option<T> {
        result.map_err(|e| self.0.push((field, e.key))).ok()
    }

    /// Adds an error found by a cross-field rule.
    pub fn add(&mut self, field: &'static str, key: &'static str) {
        self.0.push((field, key));
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
