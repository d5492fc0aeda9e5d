//! Clients as JSON: registration, records (every read audited), consent, episodes,
//! screenings, care, assignment, erasure and the client's own export.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use pulih_app::{
    AppError, AssistInput, Barc10Input, Barc10Result, CarePlanInput, CareStepInput, ClientQuery,
    ClientRecord, ClientResults, ClientSummary, ConsentInput, EpisodeInput, NewClientInput, Origin,
    TatAssessmentInput, View, WithdrawalInput,
};
use pulih_domain::clinical::assist::AssistResult;
use pulih_domain::ids::{ClientId, FactId};
use serde::{Deserialize, Serialize};

use super::ApiJson;
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::{AppState, WebError};

/// A client id from the path; anything else is simply not found.
pub fn client_id(id: &str) -> Result<ClientId, WebError> {
    id.parse().map_err(|_| AppError::NotFound.into())
}

/// The answer to a recorded fact.
#[derive(Serialize)]
pub struct Created {
    id: FactId,
}

/// `201 Created` with the new fact's id.
pub fn created(id: FactId) -> (StatusCode, Json<Created>) {
    (StatusCode::CREATED, Json(Created { id }))
}

/// Paging of the client list, or a search (`q`, `place`, `status`).
#[derive(Deserialize)]
pub struct Page {
    before: Option<String>,
    #[serde(flatten)]
    search: ClientQuery,
}

/// `GET /api/v1/clients`: the clients the user may see, newest first; with a search,
/// those of them that match, a page at a time (`next` is the following page's `before`).
pub async fn list(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Query(page): Query<Page>,
) -> Result<Json<ClientResults>, WebError> {
    let actor = who.0.actor();
    let before = page.before.as_deref().map(client_id).transpose()?;
    let found = if page.search.is_empty() {
        let items = state.app.list_clients(&actor, before).await?;
        ClientResults { items, next: None }
    } else {
        state
            .app
            .search_clients(&actor, &page.search, before, &origin)
            .await?
    };
    Ok(Json(found))
}

/// `POST /api/v1/clients`.
pub async fn create(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    ApiJson(input): ApiJson<NewClientInput>,
) -> Result<(StatusCode, Json<ClientSummary>), WebError> {
    let row = state
        .app
        .register_client(&who.0.actor(), input, &origin)
        .await?;
    Ok((StatusCode::CREATED, Json(ClientSummary::from(&row))))
}

/// `GET /api/v1/clients/{id}`.
pub async fn one(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
) -> Result<Json<ClientRecord>, WebError> {
    let record = state
        .app
        .client_record(&who.0.actor(), id, View::Api, &origin)
        .await?;
    Ok(Json(record))
}

/// `GET /api/v1/clients/{id}/export`: the client's own record, as a JSON download.
pub async fn export(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
) -> Result<impl IntoResponse, WebError> {
    let record = state
        .app
        .client_record(&who.0.actor(), id, View::Export, &origin)
        .await?;
    let disposition = format!(
        "attachment; filename=\"pulih-{}.json\"",
        record.summary.code
    );
    Ok(([(header::CONTENT_DISPOSITION, disposition)], Json(record)))
}

/// `POST /api/v1/clients/{id}/consents`.
pub async fn consent(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
    ApiJson(input): ApiJson<ConsentInput>,
) -> Result<(StatusCode, Json<Created>), WebError> {
    let actor = who.0.actor();
    let fact = state.app.record_consent(&actor, id, input, &origin).await?;
    Ok(created(fact))
}

/// A withdrawal without the consent id, which comes from the path.
#[derive(Deserialize)]
pub struct Withdrawal {
    withdrawn_on: Option<String>,
    reason: Option<String>,
}

/// `POST /api/v1/clients/{id}/consents/{consent}/withdrawal`.
pub async fn withdraw(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found((id, consent)): Found<(ClientId, String)>,
    ApiJson(body): ApiJson<Withdrawal>,
) -> Result<(StatusCode, Json<Created>), WebError> {
    let input = WithdrawalInput {
        consent_id: consent,
        withdrawn_on: body.withdrawn_on,
        reason: body.reason,
    };
    let actor = who.0.actor();
    let fact = state
        .app
        .withdraw_consent(&actor, id, input, &origin)
        .await?;
    Ok(created(fact))
}

/// `POST /api/v1/clients/{id}/episodes`.
pub async fn episode(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
    ApiJson(input): ApiJson<EpisodeInput>,
) -> Result<(StatusCode, Json<Created>), WebError> {
    let actor = who.0.actor();
    let fact = state.app.open_episode(&actor, id, input, &origin).await?;
    Ok(created(fact))
}

/// The date and note of a TAT assessment; the episode comes from the path.
#[derive(Deserialize)]
pub struct Assessment {
    assessed_on: Option<String>,
    note: Option<String>,
}

/// `POST /api/v1/clients/{id}/episodes/{episode}/tat-assessment`.
pub async fn tat_assessment(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found((id, episode)): Found<(ClientId, String)>,
    ApiJson(body): ApiJson<Assessment>,
) -> Result<(StatusCode, Json<Created>), WebError> {
    let input = TatAssessmentInput {
        episode_id: episode,
        assessed_on: body.assessed_on,
        note: body.note,
    };
    let actor = who.0.actor();
    let fact = state
        .app
        .record_tat_assessment(&actor, id, input, &origin)
        .await?;
    Ok(created(fact))
}

/// An ASSIST result with the id of the stored screening.
#[derive(Serialize)]
pub struct AssistJson {
    id: FactId,
    #[serde(flatten)]
    result: AssistResult,
}

/// `POST /api/v1/clients/{id}/screenings/assist`.
pub async fn assist(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
    ApiJson(input): ApiJson<AssistInput>,
) -> Result<(StatusCode, Json<AssistJson>), WebError> {
    let actor = who.0.actor();
    let (fact, result) = state.app.screen_assist(&actor, id, input, &origin).await?;
    Ok((StatusCode::CREATED, Json(AssistJson { id: fact, result })))
}

/// `POST /api/v1/clients/{id}/screenings/barc10`.
pub async fn barc10(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
    ApiJson(input): ApiJson<Barc10Input>,
) -> Result<(StatusCode, Json<Barc10Result>), WebError> {
    let actor = who.0.actor();
    let result = state.app.screen_barc10(&actor, id, input, &origin).await?;
    Ok((StatusCode::CREATED, Json(result)))
}

/// `POST /api/v1/clients/{id}/care-steps`.
pub async fn care_step(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
    ApiJson(input): ApiJson<CareStepInput>,
) -> Result<(StatusCode, Json<Created>), WebError> {
    let actor = who.0.actor();
    let fact = state
        .app
        .record_care_step(&actor, id, input, &origin)
        .await?;
    Ok(created(fact))
}

/// `POST /api/v1/clients/{id}/care-plans`.
pub async fn care_plan(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
    ApiJson(input): ApiJson<CarePlanInput>,
) -> Result<(StatusCode, Json<Created>), WebError> {
    let actor = who.0.actor();
    let fact = state
        .app
        .record_care_plan(&actor, id, input, &origin)
        .await?;
    Ok(created(fact))
}

/// Who a client is assigned to, and the version the change is based on.
#[derive(Deserialize)]
pub struct Assignment {
    assigned_to: Option<String>,
    version: i64,
}

/// `PUT /api/v1/clients/{id}/assignment`.
pub async fn assign(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
    ApiJson(body): ApiJson<Assignment>,
) -> Result<Json<ClientSummary>, WebError> {
    let row = state
        .app
        .assign_client(
            &who.0.actor(),
            id,
            body.version,
            body.assigned_to.as_deref(),
            &origin,
        )
        .await?;
    Ok(Json(ClientSummary::from(&row)))
}

/// The code typed again to confirm an erasure.
#[derive(Deserialize)]
pub struct Erasure {
    confirm_code: String,
}

/// `POST /api/v1/clients/{id}/erasure`.
pub async fn erase(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
    ApiJson(body): ApiJson<Erasure>,
) -> Result<Json<ClientSummary>, WebError> {
    let row = state
        .app
        .erase_client(&who.0.actor(), id, &body.confirm_code, &origin)
        .await?;
    Ok(Json(ClientSummary::from(&row)))
}
