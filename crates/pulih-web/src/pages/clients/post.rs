//! What the client forms send. Each handler checks the CSRF token, turns the fields into
//! the use-case's input, calls it, and either goes back to the record or shows the form
//! again with its messages.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use pulih_app::{AppError, AppResult, Origin, TatAssessmentInput, WithdrawalInput};
use pulih_domain::ids::ClientId;

use super::get::{Which, consent_confirm_page, erase_page, form_page, parts};
use super::record::record_page;
use super::{Errors, FormData, Sent, forms, may_record, sent};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::pages::page_form::PageForm;
use crate::{AppState, WebError, lang_of};

/// After a form page was sent: the record, or the same page with its messages.
fn answer<T>(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    id: ClientId,
    which: Which,
    form: FormData,
    result: AppResult<T>,
) -> Result<Response, WebError> {
    let t = state.i18n.tr(lang_of(headers));
    match sent(&t, id, "", result)? {
        Sent::Saved(response) => Ok(response),
        Sent::Refused(status, errors) => {
            let p = parts(state, headers, who, id, which, form, errors);
            Ok(form_page(which, p, status))
        }
    }
}

/// After a form on the record page was sent: the record, or the record with that
/// form's messages.
async fn answer_inline<T>(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    origin: &Origin,
    (id, name): (ClientId, &str),
    form: FormData,
    result: AppResult<T>,
) -> Result<Response, WebError> {
    let t = state.i18n.tr(lang_of(headers));
    match sent(&t, id, name, result)? {
        Sent::Saved(response) => Ok(response),
        Sent::Refused(status, errors) => {
            let refused = Some((status, form, errors));
            record_page(state, headers, who, origin, id, refused, false).await
        }
    }
}

/// `POST /clients/{id}/consent`, in two steps: the form sent is read back (or shown
/// again with its messages); the read-back's "save" records it, its "change" shows the
/// form again as it was filled in.
pub async fn consent_save(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
    PageForm(sent): PageForm,
) -> Result<Response, WebError> {
    let (confirmed, edit) = (sent.flag("confirm"), sent.flag("edit"));
    let form = sent.without_steps();
    let input = forms::consent(&form);
    let actor = who.0.actor();
    if confirmed {
        let result = state.app.record_consent(&actor, id, input, &origin).await;
        return answer(&state, &headers, &who, id, Which::Consent, form, result);
    }
    if edit {
        may_record(&state, &who, id).await?;
        let p = parts(
            &state,
            &headers,
            &who,
            id,
            Which::Consent,
            form,
            Errors::default(),
        );
        return Ok(form_page(Which::Consent, p, StatusCode::OK));
    }
    match state.app.preview_consent(&actor, id, &input).await {
        Ok(read_back) => {
            let p = parts(
                &state,
                &headers,
                &who,
                id,
                Which::Consent,
                form,
                Errors::default(),
            );
            Ok(consent_confirm_page(p, read_back))
        }
        Err(e) => answer(
            &state,
            &headers,
            &who,
            id,
            Which::Consent,
            form,
            Err::<(), _>(e),
        ),
    }
}

/// `POST /clients/{id}/consents/{consent}/withdraw`, from the record page.
pub async fn withdraw(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found((id, consent)): Found<(ClientId, String)>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let name = format!("withdraw-{consent}");
    let input = WithdrawalInput {
        consent_id: consent,
        withdrawn_on: form.opt("withdrawn_on"),
        reason: form.opt("reason"),
    };
    let result = state
        .app
        .withdraw_consent(&who.0.actor(), id, input, &origin)
        .await;
    answer_inline(&state, &headers, &who, &origin, (id, &name), form, result).await
}

/// `POST /clients/{id}/episode`.
pub async fn episode_save(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let result = match forms::episode(&form) {
        Ok(input) => {
            state
                .app
                .open_episode(&who.0.actor(), id, input, &origin)
                .await
        }
        Err(problems) => Err(AppError::Invalid(problems)),
    };
    answer(&state, &headers, &who, id, Which::Episode, form, result)
}

/// `POST /clients/{id}/episodes/{episode}/assessment`, from the record page.
pub async fn assess(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found((id, episode)): Found<(ClientId, String)>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let name = format!("assess-{episode}");
    let input = TatAssessmentInput {
        episode_id: episode,
        assessed_on: form.opt("assessed_on"),
        note: form.opt("note"),
    };
    let actor = who.0.actor();
    let result = state
        .app
        .record_tat_assessment(&actor, id, input, &origin)
        .await;
    answer_inline(&state, &headers, &who, &origin, (id, &name), form, result).await
}

/// `POST /clients/{id}/barc10`.
pub async fn barc10_save(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let input = forms::barc10(&form);
    let result = state
        .app
        .screen_barc10(&who.0.actor(), id, input, &origin)
        .await;
    answer(&state, &headers, &who, id, Which::Barc10, form, result)
}

/// `POST /clients/{id}/care-step`, from the record page.
pub async fn care_step(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let input = forms::care_step(&form);
    let result = state
        .app
        .record_care_step(&who.0.actor(), id, input, &origin)
        .await;
    answer_inline(
        &state,
        &headers,
        &who,
        &origin,
        (id, "care-step"),
        form,
        result,
    )
    .await
}

/// `POST /clients/{id}/care-plan`.
pub async fn care_plan_save(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let input = forms::care_plan(&form);
    let result = state
        .app
        .record_care_plan(&who.0.actor(), id, input, &origin)
        .await;
    answer(&state, &headers, &who, id, Which::CarePlan, form, result)
}

/// `POST /clients/{id}/assign` (coordinators), based on the version the page showed.
pub async fn assign(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let version = form
        .get("version")
        .trim()
        .parse::<i64>()
        .map_err(|_| WebError::BadRequest("error.bad_request"))?;
    let worker = form.opt("assigned_to");
    let result = state
        .app
        .assign_client(&who.0.actor(), id, version, worker.as_deref(), &origin)
        .await;
    answer_inline(
        &state,
        &headers,
        &who,
        &origin,
        (id, "assign"),
        form,
        result,
    )
    .await
}

/// `POST /clients/{id}/erase` (coordinators): the code typed again confirms it.
pub async fn erase(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let confirm = form.get("confirm_code").to_owned();
    let result = state
        .app
        .erase_client(&who.0.actor(), id, &confirm, &origin)
        .await;
    let t = state.i18n.tr(lang_of(&headers));
    match sent(&t, id, "", result)? {
        Sent::Saved(response) => Ok(response),
        Sent::Refused(status, errors) => {
            erase_page(
                &state,
                &headers,
                &who,
                &origin,
                id,
                Some((status, form, errors)),
            )
            .await
        }
    }
}
