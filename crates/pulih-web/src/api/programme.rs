//! The village programme as JSON: IKN assessments of villages with their history and
//! approval, the IKN thresholds, and IKOTAN assessments of regencies and cities.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use pulih_app::{AssessmentView, IknInput, IkotanInput, Origin};
use pulih_domain::ids::AssessmentId;
use pulih_domain::programme::AssessmentKind;
use pulih_domain::programme::ikn::Rule;
use pulih_domain::region::RegionCode;
use serde::{Deserialize, Serialize};

use super::{ApiJson, Items};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::{AppState, WebError};

async fn history(
    state: &AppState,
    who: &CurrentUser,
    kind: AssessmentKind,
    place: &RegionCode,
) -> Result<Json<Items<AssessmentView>>, WebError> {
    let items = state.app.assessments(&who.0.actor(), kind, place).await?;
    Ok(Json(Items { items }))
}

/// `GET /api/v1/villages/{code}/ikn`: every IKN assessment of a village, newest first.
pub async fn ikn_history(
    State(state): State<AppState>,
    who: CurrentUser,
    Found(code): Found<RegionCode>,
) -> Result<Json<Items<AssessmentView>>, WebError> {
    history(&state, &who, AssessmentKind::Ikn, &code).await
}

/// `POST /api/v1/villages/{code}/ikn`.
pub async fn ikn_record(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(code): Found<RegionCode>,
    ApiJson(input): ApiJson<IknInput>,
) -> Result<(StatusCode, Json<AssessmentView>), WebError> {
    let view = state
        .app
        .record_ikn(&who.0.actor(), &code, input, &origin)
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// `POST /api/v1/assessments/{id}/approval`.
pub async fn approve(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<AssessmentId>,
) -> Result<Json<AssessmentView>, WebError> {
    Ok(Json(
        state
            .app
            .approve_assessment(&who.0.actor(), id, &origin)
            .await?,
    ))
}

/// The IKN thresholds and the version to name when changing them.
#[derive(Serialize, Deserialize)]
pub struct ThresholdsJson {
    rules: Vec<Rule>,
    version: Option<i64>,
}

/// `GET /api/v1/settings/ikn-thresholds`.
pub async fn thresholds(
    State(state): State<AppState>,
    _who: CurrentUser,
) -> Result<Json<ThresholdsJson>, WebError> {
    let (thresholds, version) = state.app.ikn_thresholds().await?;
    Ok(Json(ThresholdsJson {
        rules: thresholds.rules().to_vec(),
        version,
    }))
}

/// `PUT /api/v1/settings/ikn-thresholds` (national administrators).
pub async fn set_thresholds(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    ApiJson(body): ApiJson<ThresholdsJson>,
) -> Result<Json<ThresholdsJson>, WebError> {
    let version = state
        .app
        .set_ikn_thresholds(&who.0.actor(), body.rules.clone(), body.version, &origin)
        .await?;
    let (thresholds, _) = state.app.ikn_thresholds().await?;
    Ok(Json(ThresholdsJson {
        rules: thresholds.rules().to_vec(),
        version: Some(version),
    }))
}

/// A cut-off as sent: text such as `"2.135"`, or a number.
#[derive(Deserialize)]
#[serde(untagged)]
pub enum CutOff {
    /// `"2.135"` (a comma also reads as the decimal point).
    Text(String),
    /// `2.135`.
    Number(f64),
}

/// A new IKOTAN cut-off and the version it replaces (none when never set).
#[derive(Deserialize)]
pub struct BandsBody {
    kurang_tanggap_from: CutOff,
    version: Option<i64>,
}

/// Where one band starts.
#[derive(Serialize)]
pub struct BandFrom {
    band: &'static str,
    from: String,
}

/// The IKOTAN bands in force and the version to name when changing them.
#[derive(Serialize)]
pub struct BandsJson {
    kurang_tanggap_from: String,
    bands: Vec<BandFrom>,
    version: Option<i64>,
}

fn bands_json(bands: pulih_domain::programme::ikotan::Bands, version: Option<i64>) -> BandsJson {
    BandsJson {
        kurang_tanggap_from: bands.kurang_tanggap_from().to_string(),
        bands: bands
            .starts()
            .into_iter()
            .map(|(band, from)| BandFrom {
                band: band.key(),
                from: from.to_string(),
            })
            .collect(),
        version,
    }
}

/// `GET /api/v1/settings/ikotan-bands`.
pub async fn ikotan_bands(
    State(state): State<AppState>,
    _who: CurrentUser,
) -> Result<Json<BandsJson>, WebError> {
    let (bands, version) = state.app.ikotan_bands().await?;
    Ok(Json(bands_json(bands, version)))
}

/// `PUT /api/v1/settings/ikotan-bands` (national administrators): moves the lower
/// cut-off for assessments recorded from now on.
pub async fn set_ikotan_bands(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    ApiJson(body): ApiJson<BandsBody>,
) -> Result<Json<BandsJson>, WebError> {
    let text = match body.kurang_tanggap_from {
        CutOff::Text(t) => t,
        CutOff::Number(n) => n.to_string(),
    };
    let version = state
        .app
        .set_ikotan_bands(&who.0.actor(), &text, body.version, &origin)
        .await?;
    let (bands, _) = state.app.ikotan_bands().await?;
    Ok(Json(bands_json(bands, Some(version))))
}

/// `GET /api/v1/regencies/{code}/ikotan`: every IKOTAN assessment, newest first.
pub async fn ikotan_history(
    State(state): State<AppState>,
    who: CurrentUser,
    Found(code): Found<RegionCode>,
) -> Result<Json<Items<AssessmentView>>, WebError> {
    history(&state, &who, AssessmentKind::Ikotan, &code).await
}

/// `POST /api/v1/regencies/{code}/ikotan`.
pub async fn ikotan_record(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(code): Found<RegionCode>,
    ApiJson(input): ApiJson<IkotanInput>,
) -> Result<(StatusCode, Json<AssessmentView>), WebError> {
    let view = state
        .app
        .record_ikotan(&who.0.actor(), &code, input, &origin)
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// A Bersinar step as stored.
#[derive(Serialize)]
pub struct StepJson {
    village: String,
    seq: i64,
    step: String,
    status: String,
    decree_number: Option<String>,
    decree_date: Option<chrono::NaiveDate>,
    decree_issuer: Option<String>,
    reason: Option<String>,
    recorded_at: chrono::DateTime<chrono::Utc>,
}

impl From<pulih_app::BersinarStep> for StepJson {
    fn from(s: pulih_app::BersinarStep) -> Self {
        let (decree_number, decree_date, decree_issuer) = match s.decree {
            Some((n, d, i)) => (Some(n), Some(d), Some(i)),
            None => (None, None, None),
        };
        Self {
            village: s.village.to_string(),
            seq: s.seq,
            step: s.step,
            status: s.status,
            decree_number,
            decree_date,
            decree_issuer,
            reason: s.reason,
            recorded_at: s.recorded_at,
        }
    }
}

/// `GET /api/v1/villages/{code}/bersinar`: the village's Bersinar history.
pub async fn bersinar_history(
    State(state): State<AppState>,
    who: CurrentUser,
    Found(code): Found<RegionCode>,
) -> Result<Json<Items<StepJson>>, WebError> {
    let steps = state.app.bersinar_history(&who.0.actor(), &code).await?;
    Ok(Json(Items {
        items: steps.into_iter().map(Into::into).collect(),
    }))
}

/// `POST /api/v1/villages/{code}/bersinar`: the next step of the village's lifecycle.
pub async fn bersinar_step(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(code): Found<RegionCode>,
    ApiJson(input): ApiJson<pulih_app::BersinarInput>,
) -> Result<(StatusCode, Json<StepJson>), WebError> {
    let step = state
        .app
        .bersinar_step(&who.0.actor(), &code, input, &origin)
        .await?;
    Ok((StatusCode::CREATED, Json(step.into())))
}

/// `GET /api/v1/regencies/{code}/bersinar`: targets with progress and villages' statuses.
pub async fn bersinar_overview(
    State(state): State<AppState>,
    who: CurrentUser,
    Found(code): Found<RegionCode>,
) -> Result<Json<pulih_app::BersinarOverview>, WebError> {
    Ok(Json(
        state.app.bersinar_overview(&who.0.actor(), &code).await?,
    ))
}

/// A yearly target and the version it replaces (none for a new year).
#[derive(Deserialize)]
pub struct TargetBody {
    count: u32,
    version: Option<i64>,
}

/// The version of a target after a change.
#[derive(Serialize)]
pub struct TargetVersion {
    version: i64,
}

/// `PUT /api/v1/regencies/{code}/bersinar-targets/{year}`.
pub async fn set_target(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found((code, year)): Found<(RegionCode, i32)>,
    ApiJson(body): ApiJson<TargetBody>,
) -> Result<Json<TargetVersion>, WebError> {
    let version = state
        .app
        .set_bersinar_target(
            &who.0.actor(),
            &code,
            year,
            body.count,
            body.version,
            &origin,
        )
        .await?;
    Ok(Json(TargetVersion { version }))
}
