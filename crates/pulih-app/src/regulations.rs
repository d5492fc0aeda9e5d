//! Local regulations of a region (`pulih_domain::programme::regulation`): coordinators
//! and administrators of the region record one and take its dated steps (draft, in
//! council, enacted, revised, revoked); whoever sees the region's programme reads them.
//! A regulation out of the user's reach is answered exactly like one that does not
//! exist. Those in force of a regency or city and of its province are the evidence shown
//! beside its IKOTAN form.

use chrono::{DateTime, NaiveDate, Utc};
use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::ids::{RegulationId, UserId};
use pulih_domain::programme::regulation::{self, Kind, Status, Step, Topic};
use pulih_domain::region::{RegionCode, RegionLevel, Scope};
use pulih_store::{Regulation, RegulationStep};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::error::Fields;
use crate::{App, AppError, AppResult, Origin, Record};

/// A regulation as recorded.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RegulationInput {
    /// `perda`, `perkada`, `sk`, `surat_edaran` or `perdes`.
    pub kind: String,
    /// Its number; needed when recorded as enacted.
    #[serde(default)]
    pub number: Option<String>,
    /// Its title.
    pub title: String,
    /// `p4gn`, `rehabilitation`, `bersinar`, `team` or `other`.
    pub topic: String,
    /// `draft` (the default), `in_council` or `enacted`.
    #[serde(default)]
    pub status: Option<String>,
    /// The day it reached that status, `YYYY-MM-DD`.
    pub on: String,
    /// A note.
    #[serde(default)]
    pub note: Option<String>,
}

/// A step of a regulation as taken.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RegulationStepInput {
    /// `submit`, `enact`, `revise` or `revoke`.
    pub step: String,
    /// The day it happened, `YYYY-MM-DD`.
    pub on: String,
    /// The number, when enacting one that has none yet.
    #[serde(default)]
    pub number: Option<String>,
    /// A note, e.g. what amended it.
    #[serde(default)]
    pub note: Option<String>,
    /// The version read.
    pub version: i64,
}

/// A regulation in a list.
#[derive(Debug, Clone, Serialize)]
pub struct RegulationLine {
    /// Id.
    pub id: RegulationId,
    /// The region that issues it.
    pub region: RegionCode,
    /// Its kind.
    pub kind: Kind,
    /// Its number, if it has one.
    pub number: Option<String>,
    /// Its title.
    pub title: String,
    /// What it is about.
    pub topic: Topic,
    /// Where it stands.
    pub status: Status,
}

/// A step as shown.
#[derive(Debug, Clone, Serialize)]
pub struct RegulationStepView {
    /// `record`, `submit`, `enact`, `revise` or `revoke`.
    pub step: String,
    /// The status after it.
    pub status: Status,
    /// The day it happened.
    pub on: NaiveDate,
    /// Its note.
    pub note: Option<String>,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// One regulation as shown, with its steps.
#[derive(Debug, Clone, Serialize)]
pub struct RegulationView {
    /// The regulation.
    #[serde(flatten)]
    pub line: RegulationLine,
    /// Version, for the next step.
    pub version: i64,
    /// Its steps, oldest first.
    pub steps: Vec<RegulationStepView>,
    /// The steps open now, for a user who may take them (else none).
    pub next_steps: Vec<Step>,
    /// Who recorded it.
    pub recorded_by: UserId,
}

fn line(r: &Regulation) -> RegulationLine {
    RegulationLine {
        id: r.id,
        region: r.region.clone(),
        kind: r.kind,
        number: r.number.clone(),
        title: r.title.clone(),
        topic: r.topic,
        status: r.status,
    }
}

/// A region that issues regulations: a live province, regency or city, or village.
fn issuing(level: RegionLevel) -> bool {
    matches!(
        level,
        RegionLevel::Province | RegionLevel::Regency | RegionLevel::Village
    )
}

impl App {
    async fn regulation_region(&self, code: &RegionCode) -> AppResult<RegionCode> {
        let live = self.region_row(code).await?.is_some_and(|r| !r.retired);
        if !issuing(code.level()) || !live {
            return Err(AppError::NotFound);
        }
        Ok(code.clone())
    }

    /// The regulation if the actor sees its region's programme; else not found.
    async fn reached_regulation(&self, actor: &Actor, id: RegulationId) -> AppResult<Regulation> {
        let r = self.store.regulation(id).await?.ok_or(AppError::NotFound)?;
        let place = Scope::Region(r.region.clone());
        authorize(actor, Action::ViewProgramme, &place).map_err(|_| AppError::NotFound)?;
        Ok(r)
    }

    fn regulation_view(actor: &Actor, r: Regulation) -> RegulationView {
        let manage = authorize(
            actor,
            Action::ManageRegulations,
            &Scope::Region(r.region.clone()),
        )
        .is_ok();
        RegulationView {
            line: line(&r),
            version: r.version,
            next_steps: if manage {
                r.status.steps(r.kind)
            } else {
                Vec::new()
            },
            recorded_by: r.recorded_by,
            steps: r
                .steps
                .into_iter()
                .map(|s| RegulationStepView {
                    step: s.step,
                    status: s.status,
                    on: s.on,
                    note: s.note,
                    recorded_at: s.recorded_at,
                })
                .collect(),
        }
    }

    /// Records a regulation of `region` (a province, regency or city, or village in the
    /// actor's scope), as a draft, in council or enacted.
    #[tracing::instrument(skip_all)]
    pub async fn record_regulation(
        &self,
        actor: &Actor,
        region: &RegionCode,
        input: RegulationInput,
        origin: &Origin,
    ) -> AppResult<RegulationView> {
        let region = self.regulation_region(region).await?;
        authorize(
            actor,
            Action::ManageRegulations,
            &Scope::Region(region.clone()),
        )?;
        let today = self.today_in(&region).await?;
        let mut f = Fields::default();
        let kind = f.check("kind", Kind::parse(&input.kind));
        if kind.is_some_and(|k| !k.issued_at(region.level())) {
            f.add("kind", "invalid.regulation_kind_level");
        }
        let title = f.check("title", regulation::parse_title(&input.title));
        let topic = f.check("topic", Topic::parse(&input.topic));
        let status_text = input.status.as_deref().map(str::trim).unwrap_or_default();
        let status = match (Status::parse(status_text), kind) {
            _ if status_text.is_empty() => Some(Status::Draft),
            (Ok(s), Some(k)) => f.check("status", s.initial(k)),
            (Ok(_), None) => None,
            (Err(e), _) => f.check("status", Err(e)),
        };
        let number = match input
            .number
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            Some(n) => f.check("number", regulation::parse_number(n)).map(Some),
            None if status == Some(Status::Enacted) => {
                f.add("number", "invalid.regulation_number_missing");
                None
            }
            None => Some(None),
        };
        let on = f
            .date("on", &input.on)
            .and_then(|d| f.check("on", regulation::step_date(d, None, today)));
        let note = f.check("note", regulation::parse_note(input.note.as_deref()));
        let (
            Some(kind),
            Some(title),
            Some(topic),
            Some(status),
            Some(number),
            Some(on),
            Some(note),
        ) = (kind, title, topic, status, number, on, note)
        else {
            return Err(f.into_error());
        };
        f.finish()?;
        let now = self.now();
        let r = Regulation {
            id: RegulationId::new(),
            region,
            kind,
            number,
            title,
            topic,
            status,
            version: 1,
            steps: vec![RegulationStep {
                seq: 1,
                step: "record".to_owned(),
                status,
                on,
                note,
                recorded_by: actor.user_id,
                recorded_at: now,
            }],
            recorded_by: actor.user_id,
            recorded_at: now,
        };
        let record = Record {
            kind: "regulation",
            id: Some(r.id.to_string()),
            region: r.region.as_str(),
        };
        let detail = json!({ "kind": r.kind, "status": r.status, "on": on });
        let event = self.event(Some(actor), "regulation.record", record, origin, detail);
        // a repeated request answers with the regulation its first one recorded
        let id = self
            .write(Some(actor), origin, move |tx| {
                Box::pin(async move {
                    tx.insert_regulation(&r).await?;
                    tx.audit(event);
                    Ok(r.id)
                })
            })
            .await?;
        self.regulation(actor, id).await
    }

    /// One regulation with its steps; out of reach is not found.
    #[tracing::instrument(skip_all, fields(regulation.id = %id))]
    pub async fn regulation(&self, actor: &Actor, id: RegulationId) -> AppResult<RegulationView> {
        let r = self.reached_regulation(actor, id).await?;
        Ok(Self::regulation_view(actor, r))
    }

    /// Takes the next step of a regulation, dated, from the version read.
    #[tracing::instrument(skip_all, fields(regulation.id = %id))]
    pub async fn regulation_step(
        &self,
        actor: &Actor,
        id: RegulationId,
        input: RegulationStepInput,
        origin: &Origin,
    ) -> AppResult<RegulationView> {
        let mut r = self.reached_regulation(actor, id).await?;
        authorize(
            actor,
            Action::ManageRegulations,
            &Scope::Region(r.region.clone()),
        )?;
        let today = self.today_in(&r.region).await?;
        let mut f = Fields::default();
        let step = f.check("step", Step::parse(&input.step));
        let status = step.and_then(|s| f.check("step", r.status.apply(s, r.kind)));
        let previous = r.steps.last().map(|s| s.on);
        let on = f
            .date("on", &input.on)
            .and_then(|d| f.check("on", regulation::step_date(d, previous, today)));
        let note = f.check("note", regulation::parse_note(input.note.as_deref()));
        let given = input
            .number
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        let number = match given {
            Some(n) => f.check("number", regulation::parse_number(n)).map(Some),
            None if step == Some(Step::Enact) && r.number.is_none() => {
                f.add("number", "invalid.regulation_number_missing");
                None
            }
            None => Some(None),
        };
        let (Some(step), Some(status), Some(on), Some(note), Some(number)) =
            (step, status, on, note, number)
        else {
            return Err(f.into_error());
        };
        f.finish()?;
        // the number is sent to the store only when it changes
        r.number = number;
        let s = RegulationStep {
            seq: r.version + 1,
            step: step.key().to_owned(),
            status,
            on,
            note,
            recorded_by: actor.user_id,
            recorded_at: self.now(),
        };
        let record = Record {
            kind: "regulation",
            id: Some(id.to_string()),
            region: r.region.as_str(),
        };
        let detail = json!({ "step": step, "status": status, "on": on });
        let event = self.event(Some(actor), "regulation.step", record, origin, detail);
        let version = input.version;
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                let v = tx.add_regulation_step(&r, version, &s).await?;
                tx.audit(event);
                Ok(v)
            })
        })
        .await?;
        self.regulation(actor, id).await
    }

    /// The regulations a region issues, newest recorded first.
    #[tracing::instrument(skip_all)]
    pub async fn regulations(
        &self,
        actor: &Actor,
        region: &RegionCode,
    ) -> AppResult<Vec<RegulationLine>> {
        let region = self.regulation_region(region).await?;
        authorize(actor, Action::ViewProgramme, &Scope::Region(region.clone()))?;
        let found = self.store.regulations_of(&[region]).await?;
        Ok(found.iter().map(line).collect())
    }

    /// The evidence for a regency's IKOTAN institutions and law variables: the
    /// regulations in force of the regency and of its province.
    #[tracing::instrument(skip_all)]
    pub async fn ikotan_evidence(
        &self,
        actor: &Actor,
        regency: &RegionCode,
    ) -> AppResult<Vec<RegulationLine>> {
        authorize(
            actor,
            Action::ViewProgramme,
            &Scope::Region(regency.clone()),
        )?;
        let mut issuers = vec![regency.clone()];
        issuers.extend(regency.at_level(RegionLevel::Province));
        let found = self.store.regulations_of(&issuers).await?;
        Ok(found
            .iter()
            .filter(|r| r.status.in_force())
            .map(line)
            .collect())
    }
}
