//! The Bupati's or Wali Kota's programme decree
//! (`pulih_domain::programme::bersinar_decree`): a coordinator of the regency records the
//! decree (number, date, issuer, programme year) with the villages it names, and in the
//! same transaction every named village that may be nominated becomes a Bersinar
//! candidate carrying the decree; those that are candidates already or beyond are kept
//! as they are and reported with the decree.

use chrono::{DateTime, NaiveDate, Utc};
use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::ids::DecreeId;
use pulih_domain::programme::bersinar::{Decree, Status};
use pulih_domain::programme::bersinar_decree::{self, Effect};
use pulih_domain::region::{RegionCode, RegionLevel, Scope};
use pulih_store::{BersinarStep, ProgrammeDecree, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::error::Fields;
use crate::{App, AppError, AppResult, Origin, Record};

/// A programme decree as recorded.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DecreeInput {
    /// The decree's number.
    pub number: String,
    /// The day it was signed, `YYYY-MM-DD`.
    pub date: String,
    /// Who issued it, e.g. `Bupati Sanggau`.
    pub issuer: String,
    /// The programme year: the decree's year or the next.
    pub year: i32,
    /// The villages it names, by code: villages of the regency.
    #[serde(default)]
    pub villages: Vec<String>,
}

/// A programme decree as shown.
#[derive(Debug, Clone, Serialize)]
pub struct DecreeView {
    /// Id.
    pub id: DecreeId,
    /// The regency or city.
    pub regency: RegionCode,
    /// The decree's number.
    pub number: String,
    /// The day it was signed.
    pub date: NaiveDate,
    /// Who issued it.
    pub issuer: String,
    /// The programme year.
    pub year: i32,
    /// Every village it names, with what it did there.
    pub villages: Vec<DecreeVillage>,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// A village a decree names.
#[derive(Debug, Clone, Serialize)]
pub struct DecreeVillage {
    /// The village.
    pub village: RegionCode,
    /// Nominated, or left as it was (a candidate already, or beyond).
    pub effect: Effect,
}

impl DecreeView {
    /// How many villages it nominated.
    pub fn nominated(&self) -> usize {
        self.villages
            .iter()
            .filter(|v| v.effect == Effect::Nominated)
            .count()
    }
}

fn view(d: ProgrammeDecree) -> DecreeView {
    DecreeView {
        id: d.id,
        regency: d.regency,
        number: d.number,
        date: d.date,
        issuer: d.issuer,
        year: d.year,
        villages: d
            .villages
            .into_iter()
            .map(|(village, effect)| DecreeVillage { village, effect })
            .collect(),
        recorded_at: d.recorded_at,
    }
}

impl App {
    /// Records a regency's programme decree and nominates the villages it names that
    /// may be, in one transaction; at least one must be.
    #[tracing::instrument(skip_all)]
    pub async fn record_programme_decree(
        &self,
        actor: &Actor,
        regency: &RegionCode,
        input: DecreeInput,
        origin: &Origin,
    ) -> AppResult<DecreeView> {
        let regency = self.live_region(regency, RegionLevel::Regency).await?;
        authorize(
            actor,
            Action::ManageBersinar,
            &Scope::Region(regency.clone()),
        )?;
        let today = self.today_in(&regency).await?;
        let mut f = Fields::default();
        let decree = f
            .date("date", &input.date)
            .and_then(|date| f.check_all(Decree::parse(&input.number, date, &input.issuer, today)));
        let year = decree
            .as_ref()
            .and_then(|d| f.check("year", bersinar_decree::programme_year(input.year, d)));
        let villages = self
            .decree_villages(&mut f, &regency, &input.villages)
            .await?;
        let (Some(decree), Some(year), Some(villages)) = (decree, year, villages) else {
            return Err(f.into_error());
        };
        f.finish()?;
        let latest = self.store.bersinar_latest(&regency).await?;
        let now = self.now();
        let mut named = Vec::with_capacity(villages.len());
        let mut steps = Vec::new();
        for village in villages {
            let last = latest.iter().find(|s| s.village == village);
            let current = last
                .map(|s| Status::parse(&s.status))
                .transpose()
                .map_err(|e| AppError::Internal(e.key.into()))?;
            let effect = Effect::of(current);
            if effect == Effect::Nominated {
                steps.push(BersinarStep {
                    village: village.clone(),
                    seq: last.map_or(1, |s| s.seq + 1),
                    step: "nominate".to_owned(),
                    status: Status::INITIAL.key().to_owned(),
                    decree: Some((
                        decree.number().to_owned(),
                        decree.date(),
                        decree.issuer().to_owned(),
                    )),
                    reason: None,
                    recorded_by: actor.user_id,
                    recorded_at: now,
                });
            }
            named.push((village, effect));
        }
        if steps.is_empty() {
            return Err(AppError::invalid(
                "villages",
                "invalid.decree_nothing_to_nominate",
            ));
        }
        let d = ProgrammeDecree {
            id: DecreeId::new(),
            regency,
            number: decree.number().to_owned(),
            date: decree.date(),
            issuer: decree.issuer().to_owned(),
            year,
            villages: named,
            recorded_by: actor.user_id,
            recorded_at: now,
        };
        let record = Record {
            kind: "programme_decree",
            id: Some(d.id.to_string()),
            region: d.regency.as_str(),
        };
        let detail = json!({ "year": year, "named": d.villages.len(), "nominated": steps.len() });
        let event = self.event(Some(actor), "bersinar.decree", record, origin, detail);
        let regency = d.regency.clone();
        let id = self
            .write(Some(actor), origin, move |tx| {
                Box::pin(async move {
                    // a village's history someone extended meanwhile refuses the decree
                    match tx.insert_decree(&d, &steps).await {
                        Err(StoreError::Conflict) => {
                            Err(StoreError::Refused("conflict.bersinar_changed"))
                        }
                        other => other,
                    }?;
                    tx.audit(event);
                    Ok(d.id)
                })
            })
            .await?;
        // a repeated request answers with the decree its first one recorded
        self.store
            .programme_decrees(&regency)
            .await?
            .into_iter()
            .find(|d| d.id == id)
            .map(view)
            .ok_or(AppError::NotFound)
    }

    /// The named villages parsed, each a live village of `regency`, at `villages.N`.
    async fn decree_villages(
        &self,
        f: &mut Fields,
        regency: &RegionCode,
        raw: &[String],
    ) -> AppResult<Option<Vec<RegionCode>>> {
        let of_regency = self.villages_of(regency).await?;
        let mut codes = Vec::with_capacity(raw.len());
        let mut ok = true;
        for (i, text) in raw.iter().enumerate() {
            let known = RegionCode::parse(text.trim())
                .ok()
                .filter(|c| of_regency.iter().any(|v| &v.code == c && !v.retired));
            match known {
                Some(code) => codes.push(code),
                None => {
                    f.add(format!("villages.{i}"), "invalid.decree_village");
                    ok = false;
                }
            }
        }
        if !ok {
            return Ok(None);
        }
        Ok(f.check("villages", bersinar_decree::named_villages(&codes)))
    }

    /// A regency's programme decrees, newest first, with what each did.
    #[tracing::instrument(skip_all)]
    pub async fn programme_decrees(
        &self,
        actor: &Actor,
        regency: &RegionCode,
    ) -> AppResult<Vec<DecreeView>> {
        let regency = self.live_region(regency, RegionLevel::Regency).await?;
        authorize(
            actor,
            Action::ViewProgramme,
            &Scope::Region(regency.clone()),
        )?;
        let found = self.store.programme_decrees(&regency).await?;
        Ok(found.into_iter().map(view).collect())
    }
}
