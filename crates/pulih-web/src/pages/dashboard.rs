//! `/dashboard` and `/dashboard/{region}`: the figures of a node of the region tree for
//! a calendar period, its children's, and twelve months of the main ones, all read from
//! the rollups by [`App::dashboard`](pulih_app::App::dashboard).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use pulih_app::{AppError, Dashboard};
use pulih_domain::region::{RegionCode, Scope};
use pulih_domain::rollup::{Figure, NATION};
use serde::Deserialize;

use super::{Nav, frame, render};
use crate::auth::CurrentUser;
use crate::i18n::Tr;
use crate::{AppState, WebError};

/// The period asked for: `2026-07`, `2026-Q3`, `2026-S2` or `2026`.
#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    /// The period; the current semester when absent.
    #[serde(default)]
    pub period: Option<String>,
}

#[derive(Template)]
#[template(path = "dashboard/show.html")]
struct Page<'a> {
    t: Tr<'a>,
    nav: Nav,
    d: Dashboard,
    /// The node's path: `/dashboard` for the nation, else `/dashboard/{code}`.
    here: String,
}

impl Page<'_> {
    /// A figure's name in the user's language.
    fn name(&self, figure: &Figure) -> String {
        self.t.t(&format!("figure.{}", figure.key())).to_owned()
    }

    /// The bars of one trend line: (x, y, height, value) in a 240×60 box.
    fn bars(values: &[i64]) -> Vec<(usize, i64, i64, i64)> {
        let top = values.iter().copied().max().unwrap_or(0).max(1);
        values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let h = v * 56 / top;
                (i * 20 + 2, 58 - h, h, *v)
            })
            .collect()
    }
}

/// `GET /dashboard`: the user's own node (the nation for national scopes).
pub async fn own(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, WebError> {
    let node = match &who.0.user.scope {
        Scope::National => None,
        Scope::Region(code) => Some(code.clone()),
    };
    show_node(&state, &headers, &who, node.as_ref(), q).await
}

/// `GET /dashboard/{region}`; `ID` is the nation.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Path(node): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, WebError> {
    let node = node_of(&node)?;
    show_node(&state, &headers, &who, node.as_ref(), q).await
}

/// The node a path names: `ID` the nation, else a region code; anything else is as
/// unknown as a code that does not exist.
pub fn node_of(text: &str) -> Result<Option<RegionCode>, WebError> {
    if text == NATION {
        return Ok(None);
    }
    RegionCode::parse(text)
        .map(Some)
        .map_err(|_| AppError::NotFound.into())
}

async fn show_node(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    node: Option<&RegionCode>,
    q: PeriodQuery,
) -> Result<Response, WebError> {
    let d = state
        .app
        .dashboard(&who.0.actor(), node, q.period.as_deref())
        .await?;
    let here = node.map_or_else(|| "/dashboard".to_owned(), |c| format!("/dashboard/{c}"));
    let (t, nav) = frame(state, headers, who, &here);
    Ok(render(&Page { t, nav, d, here }))
}
