//! `/dashboard` and `/dashboard/{region}`: the figures of a node of the region tree for
//! a calendar period, its children's, and twelve months of the main ones, all read from
//! the rollups by [`App::dashboard`](pulih_app::App::dashboard). The children table is
//! sorted here, by name or by any figure shown (`?sort=<figure>&order=asc|desc`), with
//! each child's rank on that figure (`pulih_domain::ranking`).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use pulih_app::{AppError, ChildFigures, Dashboard};
use pulih_domain::ranking::{Order, ranked};
use pulih_domain::region::{RegionCode, Scope};
use pulih_domain::rollup::{Figure, NATION, per_100k};
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

/// The page's query: the period and how the children table is sorted.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    /// The period; the current semester when absent.
    #[serde(default)]
    period: Option<String>,
    /// The key of the figure to sort the children by; by name when absent or not shown.
    #[serde(default)]
    sort: Option<String>,
    /// `asc` or `desc` (the default).
    #[serde(default)]
    order: Option<String>,
}

#[derive(Template)]
#[template(path = "dashboard/show.html")]
struct Page<'a> {
    t: Tr<'a>,
    nav: Nav,
    d: Dashboard,
    /// The node's path: `/dashboard` for the nation, else `/dashboard/{code}`.
    here: String,
    /// The figure the children are sorted by (by name when none), and which way.
    sort: Option<(Figure, Order)>,
    /// The children in the table's order, each with its rank on the sorted figure.
    rows: Vec<(Option<usize>, ChildFigures)>,
}

impl Page<'_> {
    /// The link of a figure's column header: sorted by it, largest first, or the other
    /// way when it is sorted so already.
    fn sort_href(&self, figure: &Figure) -> String {
        let order = match self.sort {
            Some((f, order)) if f == *figure => order.reversed(),
            _ => Order::Desc,
        };
        format!(
            "{}?period={}&sort={}&order={}",
            self.here,
            self.d.period,
            figure.key(),
            order.key()
        )
    }

    /// `aria-sort` of a figure's column header, when the table is sorted by it.
    fn aria_sort(&self, figure: &Figure) -> Option<&'static str> {
        match self.sort {
            Some((f, Order::Asc)) if f == *figure => Some("ascending"),
            Some((f, Order::Desc)) if f == *figure => Some("descending"),
            _ => None,
        }
    }

    /// Whether the children are sorted by a figure, smallest first.
    fn ascending(&self) -> bool {
        matches!(self.sort, Some((_, Order::Asc)))
    }

    /// The node's `i`th figure per 100,000 people, where its population is known and
    /// the figure is shown.
    fn rate(&self, i: usize) -> Option<String> {
        let value = self.d.values.get(i).copied().flatten()?;
        per_100k(value, self.d.population).map(|r| format!("{r:.2}"))
    }

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
    Query(q): Query<PageQuery>,
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
    Query(q): Query<PageQuery>,
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
    q: PageQuery,
) -> Result<Response, WebError> {
    let mut d = state
        .app
        .dashboard(&who.0.actor(), node, q.period.as_deref())
        .await?;
    let here = node.map_or_else(|| "/dashboard".to_owned(), |c| format!("/dashboard/{c}"));
    let sort = sorting(&d, &q);
    let rows = rows(std::mem::take(&mut d.children), &d.figures, sort);
    let (t, nav) = frame(state, headers, who, &here);
    Ok(render(&Page {
        t,
        nav,
        d,
        here,
        sort,
        rows,
    }))
}

/// The figure and order asked for, if the dashboard shows that figure and no child's
/// value of it is hidden (an order would tell hidden values apart).
fn sorting(d: &Dashboard, q: &PageQuery) -> Option<(Figure, Order)> {
    let figure = Figure::parse(q.sort.as_deref()?).ok()?;
    let column = d.figures.iter().position(|f| *f == figure)?;
    let shown = d
        .children
        .iter()
        .all(|c| c.values.get(column).is_some_and(Option::is_some));
    shown.then(|| {
        let order = q.order.as_deref().and_then(|o| Order::parse(o).ok());
        (figure, order.unwrap_or(Order::Desc))
    })
}

/// The children by name, or by the sorted figure (equal values by name) with their ranks.
fn rows(
    mut children: Vec<ChildFigures>,
    figures: &[Figure],
    sort: Option<(Figure, Order)>,
) -> Vec<(Option<usize>, ChildFigures)> {
    children.sort_by_cached_key(|c| c.region.name.to_lowercase());
    let column = sort.and_then(|(f, order)| Some((figures.iter().position(|g| *g == f)?, order)));
    let Some((column, order)) = column else {
        return children.into_iter().map(|c| (None, c)).collect();
    };
    let value = |c: &ChildFigures| c.values.get(column).copied().flatten().unwrap_or(0);
    ranked(children, value, order)
        .into_iter()
        .map(|(rank, c)| (Some(rank), c))
        .collect()
}
