//! The dashboard of a node of the region tree (or the nation) for a calendar period,
//! read from the rollups (`pulih_domain::rollup`): the node's figures, the same figures
//! for each child, and twelve months of the main ones. Nothing here scans records.
//!
//! Who sees what: programme figures (units, activities) everyone in whose scope the node
//! lies; figures about clients exactly, as they change, the roles that see their own
//! area's outcomes (coordinators and administrators); analysts see them only for closed
//! periods, as published with complementary suppression (`crate::publication`), a hidden
//! cell as none; police liaisons and the care roles see none on a dashboard.

use std::collections::HashMap;

use chrono::NaiveDate;
use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::figures::suppresses;
use pulih_domain::region::{RegionCode, Scope};
use pulih_domain::rollup::{Figure, NATION, Period};
use pulih_regions::population;
use pulih_store::{Counted, Region};

use crate::{App, AppError, AppResult, CapacityRow};

/// A dashboard as one user may see it.
#[derive(Debug, Clone)]
pub struct Dashboard {
    /// The node: none for the nation.
    pub region: Option<Region>,
    /// Its ancestors, province first (for the breadcrumb).
    pub ancestors: Vec<Region>,
    /// The node's population (from the regency up), for figures per 100,000 people.
    pub population: Option<u64>,
    /// The period shown.
    pub period: String,
    /// The period of the same kind before it.
    pub previous: Option<String>,
    /// The period after it, unless it has not begun.
    pub next: Option<String>,
    /// The figures the user may see, in catalogue order.
    pub figures: Vec<Figure>,
    /// The node's value of each figure; none where suppression hides it.
    pub values: Vec<Option<i64>>,
    /// Whether the figures about clients went through suppression (analysts).
    pub suppressed: bool,
    /// Whether figures about clients are left out because the user sees them only for
    /// closed periods and this one is not over.
    pub open_period: bool,
    /// Each live child with its values of each figure.
    pub children: Vec<ChildFigures>,
    /// The twelve months up to the period's end, for the trend figures the user may see.
    pub trend: Trend,
    /// Rehabilitation places against clients waiting, now, for the node and each child:
    /// for those who see the node's client figures exactly; empty for the others.
    pub capacity: Vec<CapacityRow>,
}

/// A child node's figures.
#[derive(Debug, Clone)]
pub struct ChildFigures {
    /// The child.
    pub region: Region,
    /// Its population (regencies and provinces).
    pub population: Option<u64>,
    /// Its value of each of the dashboard's figures; none where suppression hides it.
    pub values: Vec<Option<i64>>,
}

/// Monthly values of a few figures.
#[derive(Debug, Clone)]
pub struct Trend {
    /// The months, oldest first.
    pub months: Vec<String>,
    /// The figures charted.
    pub figures: Vec<Figure>,
    /// Per figure, its value in each month.
    pub values: Vec<Vec<i64>>,
}

impl App {
    /// The dashboard of `node` (none: the nation) in `period` (none: the current
    /// semester) as `actor` may see it.
    #[tracing::instrument(skip_all, fields(region = ?node.map(RegionCode::as_str)))]
    pub async fn dashboard(
        &self,
        actor: &Actor,
        node: Option<&RegionCode>,
        period: Option<&str>,
    ) -> AppResult<Dashboard> {
        let scope = node.map_or(Scope::National, |c| Scope::Region(c.clone()));
        authorize(actor, Action::ViewDashboard, &scope)?;
        let region = match node {
            Some(code) => Some(self.region_row(code).await?.ok_or(AppError::NotFound)?),
            None => None,
        };
        let today = match node {
            Some(code) => self.today_in(code).await?,
            None => self.today_at(None),
        };
        let period = match period.map(str::trim).filter(|p| !p.is_empty()) {
            Some(text) => Period::parse(text).map_err(|e| AppError::invalid("period", e.key))?,
            None => Period::semester_of(today),
        };
        let outcomes = authorize(actor, Action::ViewOutcomes, &scope).is_ok();
        let suppressed = outcomes && suppresses(actor.role);
        let open_period = suppressed && !period.closed(today);
        let figures: Vec<Figure> = Figure::ALL
            .into_iter()
            .filter(|f| !f.is_stock())
            .filter(|f| !f.about_clients() || (outcomes && !open_period))
            .collect();
        let live: Vec<Figure> = figures
            .iter()
            .copied()
            .filter(|f| !(suppressed && f.about_clients()))
            .collect();
        let published: Vec<Figure> = figures
            .iter()
            .copied()
            .filter(|f| !live.contains(f))
            .collect();
        let key = node.map_or(NATION, RegionCode::as_str);
        self.store.rollups_settled().await?;
        let (family, published, series, children, ancestors) = tokio::try_join!(
            async { Ok::<_, AppError>(self.store.rollup_family(key, &period.to_string()).await?) },
            self.published(key, period, today, &published),
            async {
                let months: Vec<String> = period.trend().iter().map(ToString::to_string).collect();
                Ok(self.store.rollup_series(key, &months).await?)
            },
            self.children_or_provinces(node),
            self.ancestors_of(node),
        )?;
        let mut by_node = index(&family, |c| c.cell.node.as_str(), &live);
        for p in &published {
            let shown = (!p.hidden).then_some(p.counted.n);
            by_node
                .entry(p.counted.cell.node.as_str())
                .or_default()
                .insert(p.counted.cell.figure, shown);
        }
        let values_of = |node: &str| -> Vec<Option<i64>> {
            let found = by_node.get(node);
            figures
                .iter()
                .map(|f| found.and_then(|m| m.get(f)).copied().unwrap_or(Some(0)))
                .collect()
        };
        let capacity = if outcomes && !suppressed {
            let name = region.as_ref().map_or("Indonesia", |r| r.name.as_str());
            let named: Vec<_> = children
                .iter()
                .map(|r| (r.code.clone(), r.name.clone()))
                .collect();
            self.capacity((key, name), &named).await?
        } else {
            Vec::new()
        };
        let children = children
            .into_iter()
            .map(|region| ChildFigures {
                values: values_of(region.code.as_str()),
                population: population::of(region.code.as_str()),
                region,
            })
            .collect();
        Ok(Dashboard {
            values: values_of(key),
            population: population::of(key),
            children,
            trend: trend(&series, period, &live),
            previous: period.previous().map(|p| p.to_string()),
            next: period
                .next()
                .filter(|p| !starts_after(*p, today))
                .map(|p| p.to_string()),
            period: period.to_string(),
            figures,
            suppressed,
            open_period,
            capacity,
            region,
            ancestors,
        })
    }

    async fn children_or_provinces(&self, node: Option<&RegionCode>) -> AppResult<Vec<Region>> {
        Ok(match node {
            Some(code) => self.children_of(code).await?.to_vec(),
            None => self.store.region_children(None).await?,
        })
    }

    async fn ancestors_of(&self, node: Option<&RegionCode>) -> AppResult<Vec<Region>> {
        let mut out = Vec::new();
        for code in node.map(RegionCode::ancestors).unwrap_or_default() {
            out.extend(self.region_row(&code).await?);
        }
        Ok(out)
    }
}

fn starts_after(period: Period, today: NaiveDate) -> bool {
    period.first_day().is_none_or(|first| first > today)
}

/// The counters of `figures` by node (or period), then figure.
fn index<'a>(
    counted: &'a [Counted],
    key: impl Fn(&'a Counted) -> &'a str,
    figures: &[Figure],
) -> HashMap<&'a str, HashMap<Figure, Option<i64>>> {
    let mut out: HashMap<&str, HashMap<Figure, Option<i64>>> = HashMap::new();
    for c in counted.iter().filter(|c| figures.contains(&c.cell.figure)) {
        out.entry(key(c))
            .or_default()
            .insert(c.cell.figure, Some(c.n));
    }
    out
}

fn trend(series: &[Counted], period: Period, shown: &[Figure]) -> Trend {
    let months: Vec<String> = period.trend().iter().map(ToString::to_string).collect();
    let figures: Vec<Figure> = Figure::TREND
        .into_iter()
        .filter(|f| shown.contains(f))
        .collect();
    let by_month = index(series, |c| c.cell.period.as_str(), &figures);
    let values = figures
        .iter()
        .map(|f| {
            months
                .iter()
                .map(|m| {
                    by_month
                        .get(m.as_str())
                        .and_then(|v| v.get(f).copied().flatten())
                        .unwrap_or(0)
                })
                .collect()
        })
        .collect();
    Trend {
        months,
        figures,
        values,
    }
}
