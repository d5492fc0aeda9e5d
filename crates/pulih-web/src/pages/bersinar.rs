//! Desa/Kelurahan Bersinar from the region pages: a coordinator takes the next step of a
//! village's lifecycle, and sets its regency's yearly targets. Refusals show the error
//! page with every field's message; success returns to the region page.

use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use pulih_app::{AppError, BersinarInput, Origin};

use super::clients::FormData;
use crate::auth::CurrentUser;
use crate::{AppState, WebError};

/// `POST /villages/{code}/bersinar`.
pub async fn step(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Path(code): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form = FormData::checked(&who, pairs)?;
    let input = BersinarInput {
        step: form.get("step").to_owned(),
        decree_number: form.opt("decree_number"),
        decree_date: form.opt("decree_date"),
        decree_issuer: form.opt("decree_issuer"),
        reason: form.opt("reason"),
    };
    state
        .app
        .bersinar_step(&who.0.actor(), &code, input, &origin)
        .await?;
    Ok(Redirect::to(&format!("/regions/{code}#bersinar-village")).into_response())
}

/// `POST /regencies/{code}/bersinar-targets`.
pub async fn target(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Path(code): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form = FormData::checked(&who, pairs)?;
    let number = |field: &'static str, key: &'static str| {
        form.get(field)
            .trim()
            .parse::<i64>()
            .map_err(|_| WebError::from(AppError::invalid(field, key)))
    };
    let year = i32::try_from(number("year", "invalid.target_year")?)
        .map_err(|_| AppError::invalid("year", "invalid.target_year"))?;
    let count = u32::try_from(number("count", "invalid.target_count")?)
        .map_err(|_| AppError::invalid("count", "invalid.target_count"))?;
    let version = form.opt("version").and_then(|v| v.parse().ok());
    state
        .app
        .set_bersinar_target(&who.0.actor(), &code, year, count, version, &origin)
        .await?;
    Ok(Redirect::to(&format!("/regions/{code}#bersinar")).into_response())
}
