//! Bimtek: a coordinator plans a unit's training and takes attendance day by day; an
//! agent present on every day is trained and gets a certificate.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::ids::{TrainingId, UnitId, UserId};
use pulih_domain::programme::training::{Training, TrainingPlan};
use pulih_domain::region::{RegionCode, Scope};
use pulih_store::{Certificate, StoreError, TrainingRow, certificates_earned};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::error::Fields;
use crate::{App, AppError, AppResult, Origin, Record};

/// A training as planned.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainingInput {
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Organiser.
    #[serde(default)]
    pub organiser: String,
    /// First day, `YYYY-MM-DD`.
    #[serde(default)]
    pub starts_on: String,
    /// Last day, `YYYY-MM-DD`.
    #[serde(default)]
    pub ends_on: String,
    /// Curriculum modules.
    #[serde(default)]
    pub modules: Vec<String>,
    /// Trainers.
    #[serde(default)]
    pub trainers: Vec<String>,
}

/// Who was present on one day.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttendanceInput {
    /// The day, `YYYY-MM-DD`.
    #[serde(default)]
    pub day: String,
    /// User ids of the agents present.
    #[serde(default)]
    pub present: Vec<String>,
}

/// A training as shown, with each member's attendance.
#[derive(Debug, Clone, Serialize)]
pub struct TrainingView {
    /// Id.
    pub id: TrainingId,
    /// The unit.
    pub unit: UnitId,
    /// Its village.
    pub village: RegionCode,
    /// Title.
    pub title: String,
    /// Organiser.
    pub organiser: String,
    /// Curriculum modules.
    pub modules: Vec<String>,
    /// Trainers.
    pub trainers: Vec<String>,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: NaiveDate,
    /// Every day of it.
    pub days: Vec<NaiveDate>,
    /// Agents with any attendance or a certificate.
    pub agents: Vec<AgentAttendance>,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// One agent's attendance of a training.
#[derive(Debug, Clone, Serialize)]
pub struct AgentAttendance {
    /// The agent.
    pub user_id: UserId,
    /// Days attended.
    pub days: BTreeSet<NaiveDate>,
    /// Whether present every day.
    pub trained: bool,
    /// The certificate number, once trained.
    pub certificate: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct Curriculum {
    modules: Vec<String>,
    trainers: Vec<String>,
}

fn internal(e: serde_json::Error) -> AppError {
    AppError::Internal(format!("training json: {e}"))
}

fn training_record(t: &TrainingRow) -> Record<'_> {
    Record {
        kind: "training",
        id: Some(t.id.to_string()),
        region: t.village.as_str(),
    }
}

impl App {
    /// A coordinator plans a bimtek for a unit in its scope.
    #[tracing::instrument(skip_all, fields(unit = %unit))]
    pub async fn plan_training(
        &self,
        actor: &Actor,
        unit: UnitId,
        input: TrainingInput,
        origin: &Origin,
    ) -> AppResult<TrainingView> {
        let unit = self.store.unit(unit).await?.ok_or(AppError::NotFound)?;
        authorize(
            actor,
            Action::ManageUnits,
            &Scope::Region(unit.village.clone()),
        )?;
        let mut f = Fields::default();
        let starts_on = f.date("starts_on", &input.starts_on);
        let ends_on = f.date("ends_on", &input.ends_on);
        let plan = match (starts_on, ends_on) {
            (Some(s), Some(e)) => f.check_all(TrainingPlan::parse(
                s,
                e,
                &input.title,
                &input.organiser,
                &input.modules,
                &input.trainers,
            )),
            _ => None,
        };
        let Some(plan) = plan else {
            return Err(f.into_error());
        };
        let curriculum = Curriculum {
            modules: plan.modules().to_vec(),
            trainers: plan.trainers().to_vec(),
        };
        let row = TrainingRow {
            id: TrainingId::new(),
            unit: unit.id,
            village: unit.village.clone(),
            title: plan.title().into(),
            organiser: plan.organiser().into(),
            curriculum: serde_json::to_string(&curriculum).map_err(internal)?,
            starts_on: plan.dates().starts_on(),
            ends_on: plan.dates().ends_on(),
            recorded_by: actor.user_id,
            recorded_at: self.now(),
        };
        let detail = json!({ "days": plan.dates().day_count() });
        let event = self.event(
            Some(actor),
            "training.plan",
            training_record(&row),
            origin,
            detail,
        );
        let stored = row.clone();
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                tx.insert_training(&stored).await?;
                tx.audit(event);
                Ok(stored.id)
            })
        })
        .await?;
        self.training_detail(row).await
    }

    /// A coordinator records which of the unit's agents were present on a day of the
    /// training that has come; returns the certificates this earned.
    #[tracing::instrument(skip_all, fields(training = %training))]
    pub async fn record_attendance(
        &self,
        actor: &Actor,
        training: TrainingId,
        input: AttendanceInput,
        origin: &Origin,
    ) -> AppResult<Vec<Certificate>> {
        let row = self
            .store
            .training(training)
            .await?
            .ok_or(AppError::NotFound)?;
        authorize(
            actor,
            Action::ManageUnits,
            &Scope::Region(row.village.clone()),
        )?;
        let dates = Training::parse(row.starts_on, row.ends_on)
            .map_err(|e| AppError::Internal(e.key.into()))?;
        let today = self.today_in(&row.village).await?;
        let mut f = Fields::default();
        let day = f
            .date("day", &input.day)
            .and_then(|d| f.check("day", dates.attendance_day_ok(d).map(|()| d)))
            .and_then(|d| f.check("day", dates.day_has_come(d, today).map(|()| d)));
        let members = self.store.members(row.unit).await?;
        let mut present = Vec::new();
        for (i, id) in input.present.iter().enumerate() {
            let member = id
                .trim()
                .parse::<UserId>()
                .ok()
                .filter(|id| members.iter().any(|m| m.user == *id));
            match member {
                Some(id) if !present.contains(&id) => present.push(id),
                Some(_) => {}
                None => f.add(format!("present.{i}"), "invalid.attendance_member"),
            }
        }
        let Some(day) = day else {
            return Err(f.into_error());
        };
        f.finish()?;
        let detail = json!({ "day": day, "present": present.len() });
        let event = self.event(
            Some(actor),
            "training.attendance",
            training_record(&row),
            origin,
            detail,
        );
        // The training stays locked from the read of its attendance to the certificates'
        // numbers, so each full attendance earns one certificate, numbered once.
        let id = row.id;
        let earned = self
            .write(Some(actor), origin, move |tx| {
                Box::pin(async move {
                    let (training, attended, issued) = tx.lock_training(id).await?;
                    tx.insert_attendance(&training, day, &present).await?;
                    let earned = certificates_earned(&training, &attended, &issued, &present, day)
                        .map_err(|e| StoreError::Backend(Box::new(e)))?;
                    for certificate in &earned {
                        tx.insert_certificate(certificate).await?;
                    }
                    let earned: Vec<UserId> = earned.iter().map(|c| c.user).collect();
                    tx.audit(event);
                    Ok(earned)
                })
            })
            .await?;
        let issued = self.store.certificates(id).await?;
        Ok(issued
            .into_iter()
            .filter(|c| earned.contains(&c.user))
            .collect())
    }

    /// One training with attendance, for anyone who may see the programme there.
    #[tracing::instrument(skip_all, fields(training = %id))]
    pub async fn training(&self, actor: &Actor, id: TrainingId) -> AppResult<TrainingView> {
        let row = self.store.training(id).await?.ok_or(AppError::NotFound)?;
        authorize(
            actor,
            Action::ViewProgramme,
            &Scope::Region(row.village.clone()),
        )?;
        self.training_detail(row).await
    }

    pub(crate) async fn training_detail(&self, row: TrainingRow) -> AppResult<TrainingView> {
        let dates = Training::parse(row.starts_on, row.ends_on)
            .map_err(|e| AppError::Internal(e.key.into()))?;
        let curriculum: Curriculum = serde_json::from_str(&row.curriculum).map_err(internal)?;
        let mut attended: BTreeMap<UserId, BTreeSet<NaiveDate>> = BTreeMap::new();
        for (user, day) in self.store.attendance(row.id).await? {
            attended.entry(user).or_default().insert(day);
        }
        let certificates = self.store.certificates(row.id).await?;
        for c in &certificates {
            attended.entry(c.user).or_default();
        }
        let agents = attended
            .into_iter()
            .map(|(user_id, days)| AgentAttendance {
                user_id,
                trained: dates.trained(&days),
                certificate: certificates
                    .iter()
                    .find(|c| c.user == user_id)
                    .map(|c| c.number.clone()),
                days,
            })
            .collect();
        Ok(TrainingView {
            id: row.id,
            unit: row.unit,
            village: row.village,
            title: row.title,
            organiser: row.organiser,
            modules: curriculum.modules,
            trainers: curriculum.trainers,
            starts_on: row.starts_on,
            ends_on: row.ends_on,
            days: dates.days().collect(),
            agents,
            recorded_at: row.recorded_at,
        })
    }
}
