//! Desa/Kelurahan Bersinar: a village's lifecycle (nominated as candidate, designated by
//! decree, evaluated, revoked with a reason), kept step by step, and each regency's yearly
//! targets compared with the villages designated by the end of each year.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::programme::bersinar::{
    Decree, RevocationReason, Standing, Status, Transition, YearTarget,
};
use pulih_domain::programme::ikn::Category;
use pulih_domain::region::{RegionCode, RegionLevel, Scope};
use pulih_store::{BersinarStep, StoreError};
use serde::Serialize;
use serde_json::json;

use crate::error::Fields;
use crate::{App, AppError, AppResult, Origin, Record};

/// A step as a coordinator records it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct BersinarInput {
    /// `nominate`, `designate`, `evaluate` or `revoke`.
    pub step: String,
    /// The decree's number (designate).
    #[serde(default)]
    pub decree_number: Option<String>,
    /// The decree's date, `YYYY-MM-DD` (designate).
    #[serde(default)]
    pub decree_date: Option<String>,
    /// Who issued the decree (designate).
    #[serde(default)]
    pub decree_issuer: Option<String>,
    /// Why (revoke).
    #[serde(default)]
    pub reason: Option<String>,
}

/// A regency's target for a year against the villages Bersinar by the end of it.
#[derive(Debug, Clone, Serialize)]
pub struct YearProgress {
    /// The year.
    pub year: i32,
    /// The target.
    pub target: i64,
    /// Villages designated by the end of the year and not revoked since.
    pub designated: usize,
    /// The target's version, for changing it.
    pub version: i64,
    /// How the year stands: judged once it is over, in progress or planned before.
    pub standing: Standing,
}

/// A regency's Bersinar picture.
#[derive(Debug, Clone, Serialize)]
pub struct BersinarOverview {
    /// Targets by year with progress.
    pub years: Vec<YearProgress>,
    /// Every village with a Bersinar history and its current status.
    pub villages: Vec<(RegionCode, Status)>,
    /// How many villages are Bersinar now.
    pub designated_now: usize,
}

impl App {
    /// Records the next step of a village's Bersinar lifecycle.
    #[tracing::instrument(skip_all)]
    pub async fn bersinar_step(
        &self,
        actor: &Actor,
        village: &RegionCode,
        input: BersinarInput,
        origin: &Origin,
    ) -> AppResult<BersinarStep> {
        let village = self.live_region(village, RegionLevel::Village).await?;
        authorize(
            actor,
            Action::ManageBersinar,
            &Scope::Region(village.clone()),
        )?;
        let today = self.today_in(&village).await?;
        let history = self.store.bersinar_steps(&village).await?;
        let current = match history.last() {
            Some(last) => {
                Some(Status::parse(&last.status).map_err(|e| AppError::Internal(e.key.into()))?)
            }
            None => None,
        };
        let mut f = Fields::default();
        let mut decree = None;
        let mut reason = None;
        let transition = match input.step.trim() {
            "nominate" => None,
            "designate" => {
                let date = f.date("decree_date", input.decree_date.as_deref().unwrap_or(""));
                match date {
                    None => {}
                    Some(date) => {
                        let parsed = Decree::parse(
                            input.decree_number.as_deref().unwrap_or_default(),
                            date,
                            input.decree_issuer.as_deref().unwrap_or_default(),
                            today,
                        )
                        .map_err(|errors| {
                            errors
                                .into_iter()
                                .map(|e| {
                                    pulih_domain::clinical::FieldError::new(
                                        format!("decree_{}", e.field),
                                        e.key,
                                    )
                                })
                                .collect::<Vec<_>>()
                        });
                        decree = f.check_all(parsed);
                    }
                }
                Some(Transition::Designate)
            }
            "evaluate" => Some(Transition::Evaluate),
            "revoke" => {
                let parsed = f.check(
                    "reason",
                    RevocationReason::parse(input.reason.as_deref().unwrap_or_default()),
                );
                reason = parsed.as_ref().map(|r| r.as_str().to_owned());
                parsed.map(Transition::Revoke)
            }
            _ => {
                f.add("step", "invalid.bersinar_step");
                None
            }
        };
        let nominate = input.step.trim() == "nominate";
        let status = match (&transition, current) {
            (None, None | Some(Status::Revoked)) if nominate => Some(Status::INITIAL),
            // the step itself was refused above
            (None, _) if !nominate => None,
            (Some(t), Some(now)) => f.check("step", now.apply(t)),
            _ => {
                f.add("step", "invalid.bersinar_transition");
                None
            }
        };
        let Some(status) = status else {
            return Err(f.into_error());
        };
        f.finish()?;
        let step = BersinarStep {
            village: village.clone(),
            seq: history.last().map_or(1, |l| l.seq + 1),
            step: input.step.trim().to_owned(),
            status: status.key().to_owned(),
            decree: decree.map(|d| (d.number().to_owned(), d.date(), d.issuer().to_owned())),
            reason,
            recorded_by: actor.user_id,
            recorded_at: self.now(),
        };
        let record = Record {
            kind: "bersinar",
            id: Some(village.to_string()),
            region: village.as_str(),
        };
        let detail = json!({ "step": step.step, "status": step.status });
        let event = self.event(Some(actor), "bersinar.step", record, origin, detail);
        let seq = self
            .write(Some(actor), origin, move |tx| {
                Box::pin(async move {
                    // a step numbered from a history someone extended meanwhile is refused
                    match tx.insert_bersinar_step(&step).await {
                        Err(StoreError::Conflict) => {
                            Err(StoreError::Refused("conflict.bersinar_changed"))
                        }
                        other => other,
                    }?;
                    tx.audit(event);
                    Ok(step.seq)
                })
            })
            .await?;
        self.store
            .bersinar_steps(&village)
            .await?
            .into_iter()
            .find(|s| s.seq == seq)
            .ok_or(AppError::NotFound)
    }

    /// A village's Bersinar history, oldest first.
    #[tracing::instrument(skip_all)]
    pub async fn bersinar_history(
        &self,
        actor: &Actor,
        village: &RegionCode,
    ) -> AppResult<Vec<BersinarStep>> {
        let village = self.live_region(village, RegionLevel::Village).await?;
        authorize(
            actor,
            Action::ViewProgramme,
            &Scope::Region(village.clone()),
        )?;
        Ok(self.store.bersinar_steps(&village).await?)
    }

    /// Sets a regency's target for a year from this one on, at most its number of
    /// villages. Without `version` the year's target is set whatever it was; with the
    /// version read, a target someone changed meanwhile is a conflict.
    #[tracing::instrument(skip_all)]
    pub async fn set_bersinar_target(
        &self,
        actor: &Actor,
        regency: &RegionCode,
        year: i32,
        count: u32,
        version: Option<i64>,
        origin: &Origin,
    ) -> AppResult<i64> {
        let regency = self.live_region(regency, RegionLevel::Regency).await?;
        authorize(
            actor,
            Action::ManageBersinar,
            &Scope::Region(regency.clone()),
        )?;
        let today = self.today_in(&regency).await?;
        let villages = u32::try_from(self.villages_of(&regency).await?.len()).unwrap_or(u32::MAX);
        let target = YearTarget::parse(year, count, today.year(), villages).map_err(|e| {
            let mut problem = crate::Problem::new(e.field, e.key);
            problem.args.push(("villages", villages.to_string()));
            AppError::Invalid(vec![problem])
        })?;
        let record = Record {
            kind: "bersinar_target",
            id: Some(format!("{regency}/{year}")),
            region: regency.as_str(),
        };
        let event = self.event(
            Some(actor),
            "bersinar.target",
            record,
            origin,
            json!({ "year": year, "count": count }),
        );
        let (year, count) = (target.year(), i64::from(target.count()));
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                let version = tx
                    .set_target(&regency, year, count, version, event.at)
                    .await?;
                tx.audit(event);
                Ok(version)
            })
        })
        .await
    }

    /// A regency's targets with progress, and its villages' statuses.
    #[tracing::instrument(skip_all)]
    pub async fn bersinar_overview(
        &self,
        actor: &Actor,
        regency: &RegionCode,
    ) -> AppResult<BersinarOverview> {
        let regency = self.live_region(regency, RegionLevel::Regency).await?;
        authorize(
            actor,
            Action::ViewProgramme,
            &Scope::Region(regency.clone()),
        )?;
        let latest = self.store.bersinar_latest(&regency).await?;
        // each village's latest decree, read in one query rather than one per village
        let decrees: HashMap<RegionCode, NaiveDate> = self
            .store
            .bersinar_latest_decrees(&regency)
            .await?
            .into_iter()
            .filter_map(|s| Some((s.village, s.decree?.1)))
            .collect();
        let mut villages = Vec::with_capacity(latest.len());
        let mut designated_on = Vec::new();
        for step in &latest {
            let status =
                Status::parse(&step.status).map_err(|e| AppError::Internal(e.key.into()))?;
            if status.is_bersinar() {
                designated_on.extend(decrees.get(&step.village).copied());
            }
            villages.push((step.village.clone(), status));
        }
        let this_year = self.today_in(&regency).await?.year();
        let years = self
            .store
            .targets(&regency)
            .await?
            .into_iter()
            .map(|t| {
                let designated = designated_on.iter().filter(|d| d.year() <= t.year).count();
                let standing = Standing::of(
                    t.year,
                    this_year,
                    designated as u64,
                    u64::try_from(t.count).unwrap_or(0),
                );
                YearProgress {
                    year: t.year,
                    target: t.count,
                    designated,
                    version: t.version,
                    standing,
                }
            })
            .collect();
        Ok(BersinarOverview {
            years,
            designated_now: designated_on.len(),
            villages,
        })
    }
}

/// How far back an IBM unit's activities count as recent.
const RECENT_DAYS: i64 = 90;

/// One village of a regency's programme overview.
#[derive(Debug, Clone)]
pub struct VillageProgramme {
    /// The village, with its centroid for the map.
    pub region: pulih_store::Region,
    /// The latest IKN category, if assessed.
    pub ikn: Option<Category>,
    /// The Bersinar status, if it has a history.
    pub bersinar: Option<Status>,
    /// Whether it has an IBM unit.
    pub unit: bool,
    /// Activities of its unit in the last 90 days.
    pub recent_activities: i64,
}

/// Everything the regency page shows of the programme.
#[derive(Debug, Clone)]
pub struct RegencyProgramme {
    /// Targets and progress.
    pub overview: BersinarOverview,
    /// Every village, by code.
    pub villages: Vec<VillageProgramme>,
    /// The best next Bersinar candidates: assessed and not Bahaya, not Bersinar yet; those
    /// with an IBM unit active in the last 90 days first, then by how many activities,
    /// then the least vulnerable.
    pub candidates: Vec<RegionCode>,
}

impl App {
    /// A regency's programme: targets, every village with its IKN category and Bersinar
    /// status (for the map), and the best next candidates.
    #[tracing::instrument(skip_all)]
    pub async fn regency_programme(
        &self,
        actor: &Actor,
        regency: &RegionCode,
    ) -> AppResult<RegencyProgramme> {
        let overview = self.bersinar_overview(actor, regency).await?;
        let code = self.live_region(regency, RegionLevel::Regency).await?;
        let latest = self
            .store
            .latest_outcomes(pulih_domain::programme::AssessmentKind::Ikn, &code)
            .await?;
        let ikn: HashMap<&RegionCode, Category> = latest
            .iter()
            .filter_map(|a| Category::parse(&a.outcome).ok().map(|c| (&a.region, c)))
            .collect();
        let bersinar: HashMap<&RegionCode, Status> =
            overview.villages.iter().map(|(v, s)| (v, *s)).collect();
        let units = self.store.units_below(&code).await?;
        let units: HashSet<&RegionCode> = units.iter().map(|u| &u.village).collect();
        let since = self.today_in(&code).await? - chrono::Duration::days(RECENT_DAYS);
        let tallies = self.store.activity_tallies(&code, since).await?;
        let tallies: HashMap<&RegionCode, i64> =
            tallies.iter().map(|t| (&t.village, t.count)).collect();
        let villages: Vec<VillageProgramme> = self
            .villages_of(&code)
            .await?
            .iter()
            .cloned()
            .map(|region| VillageProgramme {
                ikn: ikn.get(&region.code).copied(),
                bersinar: bersinar.get(&region.code).copied(),
                unit: units.contains(&region.code),
                recent_activities: tallies.get(&region.code).copied().unwrap_or(0),
                region,
            })
            .collect();
        let mut candidates: Vec<&VillageProgramme> = villages
            .iter()
            .filter(|v| v.ikn.is_some_and(|c| c != Category::Bahaya))
            .filter(|v| v.bersinar.is_none_or(|s| !s.is_bersinar()))
            .collect();
        // Category sorts from most to least severe: the least vulnerable come first.
        let active = |v: &VillageProgramme| v.unit && v.recent_activities > 0;
        candidates.sort_by(|a, b| {
            active(b)
                .cmp(&active(a))
                .then(b.recent_activities.cmp(&a.recent_activities))
                .then(b.ikn.cmp(&a.ikn))
                .then(a.region.code.cmp(&b.region.code))
        });
        let candidates = candidates
            .into_iter()
            .take(10)
            .map(|v| v.region.code.clone())
            .collect();
        Ok(RegencyProgramme {
            overview,
            villages,
            candidates,
        })
    }
}
