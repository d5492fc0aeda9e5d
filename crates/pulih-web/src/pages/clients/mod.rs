//! Client pages: the list and registration, the record with its timeline and BARC-10
//! chart, one page per form (consent, episode, ASSIST with a live score, BARC-10, care
//! plan, the vocational track's steps, aftercare, erasure), the printable export, and the POST handlers behind them. Every page
//! goes through the client use-cases; what is shown is what they return.

mod aftercare;
mod assist;
mod chart;
mod forms;
mod get;
mod list;
mod post;
mod record;
mod vocational;

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use pulih_app::{AppError, AppResult};
use pulih_domain::ids::ClientId;

use crate::auth::CurrentUser;
use crate::i18n::Tr;
use crate::{AppState, WebError};

pub use aftercare::show as aftercare;
pub use aftercare::{end_save, follow_up_save, plan_save, relapse_save};
pub use assist::{assist_form, assist_preview, assist_save};
pub use get::{barc10_form, care_plan_form, consent_form, episode_form, erase_form};
pub use list::{index, register};
pub use post::{
    assess, assign, barc10_save, care_plan_save, care_step, consent_save, episode_save, erase,
    withdraw,
};
pub use record::{access_report, export, show};
pub use vocational::{VocStep, vocational_form, vocational_save};

use crate::api::clients::client_id;

/// Form pages open only for users who may record for the client (checked without
/// reading the record); the use-case checks again when the form is sent.
async fn may_record(state: &AppState, who: &CurrentUser, id: ClientId) -> Result<(), WebError> {
    let action = pulih_domain::client_access::ClientAction::Record;
    Ok(state.app.may(&who.0.actor(), id, action).await?)
}

/// The label of a choice: the text of `<prefix>.<key>`, e.g. `pathway.tat`.
pub fn label(t: &Tr<'_>, prefix: &str, key: &str) -> String {
    t.t(&format!("{prefix}.{key}")).to_owned()
}

/// Today's date in western Indonesia (WIB, the earliest local date in the country), to
/// prefill date fields: it is never in the future wherever the client lives. The
/// use-cases check dates against the client's own time zone.
fn wib_today() -> String {
    (chrono::Utc::now() + chrono::Duration::hours(7))
        .format("%Y-%m-%d")
        .to_string()
}

/// A submitted HTML form as name/value pairs in order. Unlike a struct, it keeps every
/// value of a repeated name (a group of checkboxes).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(transparent)]
pub struct FormData(Vec<(String, String)>);

impl FormData {
    /// A form with one value set, e.g. a default.
    pub(crate) fn with(mut self, name: &str, value: impl Into<String>) -> Self {
        self.0.push((name.to_owned(), value.into()));
        self
    }

    /// Sets `name` to `value` alone (a place resolved from what was typed).
    pub(crate) fn set(&mut self, name: &str, value: String) {
        self.0.retain(|(n, _)| n != name);
        self.0.push((name.to_owned(), value));
    }

    /// The first value of `name`, or empty.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The first value of `name` unless missing or blank.
    pub fn opt(&self, name: &str) -> Option<String> {
        Some(self.get(name))
            .filter(|v| !v.trim().is_empty())
            .map(str::to_owned)
    }

    /// Every non-blank value of `name`.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(n, v)| n == name && !v.trim().is_empty())
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Whether `name` was sent with `value` (a checked box or radio button).
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.0.iter().any(|(n, v)| n == name && v == value)
    }

    /// The pairs to carry to the next step of a form as hidden fields: all but the CSRF
    /// token and the step's own buttons.
    pub fn carried(&self) -> Vec<(&str, &str)> {
        self.0
            .iter()
            .filter(|(n, _)| !["csrf", "confirm", "edit"].contains(&n.as_str()))
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect()
    }

    /// A copy without the step's own buttons, to show the form again.
    pub(crate) fn without_steps(&self) -> Self {
        Self(
            self.0
                .iter()
                .filter(|(n, _)| !["confirm", "edit"].contains(&n.as_str()))
                .cloned()
                .collect(),
        )
    }

    /// Whether the checkbox `name` was ticked.
    pub fn flag(&self, name: &str) -> bool {
        self.opt(name).is_some_and(|v| v != "0")
    }
}

/// What a refused form says: one message per field and one for the whole form. A page
/// with several forms names the one that was refused.
#[derive(Debug, Clone, Default)]
pub struct Errors {
    form: String,
    fields: BTreeMap<String, String>,
    general: Option<String>,
}

/// No errors, for the forms that were not the one sent.
static NO_ERRORS: Errors = Errors {
    form: String::new(),
    fields: BTreeMap::new(),
    general: None,
};

impl Errors {
    /// The errors of the form `form` on a page with several.
    pub fn of(&self, form: &str) -> &Self {
        if self.form == form { self } else { &NO_ERRORS }
    }

    /// Whether these are the errors of the form `form`.
    pub fn is(&self, form: &str) -> bool {
        self.form == form
    }

    /// The errors of places typed into the form `form` that did not resolve.
    pub(crate) fn of_places(
        t: &Tr<'_>,
        form: &str,
        fields: std::collections::HashMap<String, String>,
    ) -> Self {
        Self {
            form: form.to_owned(),
            fields: fields.into_iter().collect(),
            general: Some(t.t("error.invalid").to_owned()),
        }
    }

    /// The message for `field`, if it was refused.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.fields.get(field).map(String::as_str)
    }

    /// Whether `field` was refused.
    pub fn has(&self, field: &str) -> bool {
        self.fields.contains_key(field)
    }

    /// The message for the whole form.
    pub fn general(&self) -> Option<&str> {
        self.general.as_deref()
    }

    /// The messages of the fields whose names start with `prefix` (the items of a list),
    /// with the rest of each name.
    pub fn starting_with(&self, prefix: &str) -> Vec<(&str, &str)> {
        self.fields
            .iter()
            .filter_map(|(k, v)| k.strip_prefix(prefix).map(|rest| (rest, v.as_str())))
            .collect()
    }
}

/// Turns a use-case's refusal into messages for the form named `form`: invalid fields
/// (422) and conflicts such as missing consent (409) are shown on the form; anything
/// else (forbidden, not found, failures) becomes the error page.
pub(crate) fn refused(
    t: &Tr<'_>,
    form: &str,
    e: AppError,
) -> Result<(StatusCode, Errors), WebError> {
    match e {
        AppError::Invalid(problems) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            Errors {
                form: form.to_owned(),
                fields: problems
                    .iter()
                    .map(|p| (p.field.to_string(), t.problem(p)))
                    .collect(),
                general: Some(t.t("error.invalid").to_owned()),
            },
        )),
        AppError::Conflict(key) => Ok((
            StatusCode::CONFLICT,
            Errors {
                form: form.to_owned(),
                fields: BTreeMap::new(),
                general: Some(t.t(key).to_owned()),
            },
        )),
        other => Err(other.into()),
    }
}

/// The outcome of a form sent: saved (go to the record), or refused with messages.
enum Sent {
    Saved(Response),
    Refused(StatusCode, Errors),
}

/// After a use-case wrote (or refused) something for client `id`: a redirect to the
/// record with a "saved" notice, or the messages to show on the form again.
fn sent<T>(t: &Tr<'_>, id: ClientId, form: &str, result: AppResult<T>) -> Result<Sent, WebError> {
    match result {
        Ok(_) => Ok(Sent::Saved(
            Redirect::to(&format!("/clients/{id}?saved=1")).into_response(),
        )),
        Err(e) => {
            let (status, errors) = refused(t, form, e)?;
            Ok(Sent::Refused(status, errors))
        }
    }
}

/// A rendered page with a status other than 200.
pub(crate) fn with_status(mut response: Response, status: StatusCode) -> Response {
    *response.status_mut() = status;
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormData {
        FormData(
            pairs
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn repeated_names_keep_every_value_and_blanks_count_as_missing() {
        let f = form(&[
            ("share_with", "dinsos"),
            ("x", " "),
            ("share_with", "ngo"),
            ("share_with", ""),
        ]);
        assert_eq!(f.all("share_with"), ["dinsos", "ngo"]);
        assert_eq!(f.get("share_with"), "dinsos");
        assert_eq!(f.opt("x"), None);
        assert_eq!(f.opt("missing"), None);
        assert!(f.has("share_with", "ngo") && !f.has("share_with", "dp3a"));
        assert!(form(&[("services", "1")]).flag("services"));
        assert!(!form(&[("services", "0")]).flag("services"));
    }

    #[test]
    fn errors_belong_to_the_form_that_was_sent() {
        let errors = Errors {
            form: "care-step".into(),
            fields: BTreeMap::from([("note".into(), "needed".into())]),
            general: None,
        };
        assert_eq!(errors.of("care-step").get("note"), Some("needed"));
        assert!(!errors.of("assign").has("note"));
    }
}
