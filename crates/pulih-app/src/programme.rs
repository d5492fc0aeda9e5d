//! Village-programme use-cases: IKN assessments of villages (kept as history, approved by
//! a coordinator, categorised by configurable thresholds) and IKOTAN assessments of
//! regencies and cities.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use pulih_domain::audit::AuditEvent;
use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::ids::{AssessmentId, UserId};
use pulih_domain::programme::AssessmentKind;
use pulih_domain::programme::ikn::{IknAnswers, RawFinding, Rule, Thresholds};
use pulih_domain::programme::ikotan::{Bands, IkotanScores, Score};
use pulih_domain::region::{RegionCode, RegionLevel, Scope};
use pulih_store::{Assessment, Region, StoreError};
use serde::Serialize;
use serde_json::json;

use crate::error::Fields;
use crate::{App, AppError, AppResult, Origin, Record};

/// The setting holding the IKN thresholds.
const IKN_THRESHOLDS: &str = "ikn_thresholds";

/// The setting holding the IKOTAN bands' lower cut-off.
const IKOTAN_BANDS: &str = "ikotan_bands";

/// An IKN assessment as recorded.
#[derive(Clone, Default, serde::Deserialize)]
pub struct IknInput {
    /// `YYYY-MM-DD`; today when empty.
    #[serde(default)]
    pub assessed_on: Option<String>,
    /// Every indicator with `present`, and optional evidence and source.
    #[serde(default)]
    pub indicators: BTreeMap<String, RawFinding>,
}

/// An IKOTAN assessment as recorded.
#[derive(Clone, Default, serde::Deserialize)]
pub struct IkotanInput {
    /// The year scored.
    pub year: i32,
    /// The five variables, each 1–4 with up to three decimals.
    #[serde(default)]
    pub scores: BTreeMap<String, String>,
}

/// An assessment as shown.
#[derive(Debug, Clone, Serialize)]
pub struct AssessmentView {
    /// Id.
    pub id: AssessmentId,
    /// `ikn` or `ikotan`.
    pub kind: AssessmentKind,
    /// The place.
    pub region: RegionCode,
    /// The date assessed, or the first day of the year scored.
    pub period: NaiveDate,
    /// The category or band.
    pub outcome: String,
    /// The IKOTAN index, e.g. `3.533`.
    pub index: Option<String>,
    /// The answers.
    pub answers: serde_json::Value,
    /// The rules the outcome was computed with.
    pub rules: serde_json::Value,
    /// Who recorded it.
    pub recorded_by: UserId,
    /// When.
    pub recorded_at: DateTime<Utc>,
    /// Who approved it.
    pub approved_by: Option<UserId>,
    /// When.
    pub approved_at: Option<DateTime<Utc>>,
}

impl TryFrom<Assessment> for AssessmentView {
    type Error = AppError;
    fn try_from(a: Assessment) -> AppResult<Self> {
        let json = |text: &str| {
            serde_json::from_str(text)
                .map_err(|_| AppError::Internal(format!("assessment {} does not parse", a.id)))
        };
        let index = a
            .score
            .and_then(|s| u16::try_from(s).ok())
            .and_then(|s| Score::from_thousandths(s).ok())
            .map(|s| s.to_string());
        Ok(Self {
            id: a.id,
            kind: a.kind,
            answers: json(&a.answers)?,
            rules: json(&a.rules)?,
            region: a.region,
            period: a.period,
            outcome: a.outcome,
            index,
            recorded_by: a.recorded_by,
            recorded_at: a.recorded_at,
            approved_by: a.approval.map(|(by, _)| by),
            approved_at: a.approval.map(|(_, at)| at),
        })
    }
}

fn internal(e: serde_json::Error) -> AppError {
    AppError::Internal(format!("programme json: {e}"))
}

/// IKOTAN bands as stored in the setting and in each assessment's `rules`.
fn bands_json(bands: &Bands) -> serde_json::Value {
    json!({ "kurang_tanggap_from": bands.kurang_tanggap_from().to_string() })
}

impl App {
    /// `code` if it is a live region of `level` (a code from a path, parsed at the edge);
    /// any other is not found.
    pub(crate) async fn live_region(
        &self,
        code: &RegionCode,
        level: RegionLevel,
    ) -> AppResult<RegionCode> {
        let live = self.region_row(code).await?.is_some_and(|r| !r.retired);
        if code.level() != level || !live {
            return Err(AppError::NotFound);
        }
        Ok(code.clone())
    }

    /// The IKN thresholds in force and the version of the setting (none: the defaults).
    #[tracing::instrument(skip_all)]
    pub async fn ikn_thresholds(&self) -> AppResult<(Thresholds, Option<i64>)> {
        match self.store.setting(IKN_THRESHOLDS).await? {
            Some(s) => Ok((
                serde_json::from_str(&s.value).map_err(internal)?,
                Some(s.version),
            )),
            None => Ok((Thresholds::default(), None)),
        }
    }

    /// Changes the IKN thresholds (national administrators); `version` is the one read.
    #[tracing::instrument(skip_all)]
    pub async fn set_ikn_thresholds(
        &self,
        actor: &Actor,
        rules: Vec<Rule>,
        version: Option<i64>,
        origin: &Origin,
    ) -> AppResult<i64> {
        authorize(actor, Action::ConfigureProgramme, &Scope::National)?;
        let thresholds = Thresholds::parse(rules).map_err(|e| AppError::invalid("rules", e.key))?;
        let value = serde_json::to_string(&thresholds).map_err(internal)?;
        let record = Record {
            kind: "setting",
            id: Some(IKN_THRESHOLDS.into()),
            region: "ID",
        };
        let event = self.event(
            Some(actor),
            "settings.ikn_thresholds",
            record,
            origin,
            json!({ "rules": thresholds }),
        );
        self.put_setting(actor, origin, IKN_THRESHOLDS, value, version, event)
            .await
    }

    /// The IKOTAN bands in force and the version of the setting (none: the defaults).
    #[tracing::instrument(skip_all)]
    pub async fn ikotan_bands(&self) -> AppResult<(Bands, Option<i64>)> {
        let Some(s) = self.store.setting(IKOTAN_BANDS).await? else {
            return Ok((Bands::default(), None));
        };
        let value: serde_json::Value = serde_json::from_str(&s.value).map_err(internal)?;
        let bands = value["kurang_tanggap_from"]
            .as_str()
            .and_then(|text| Bands::parse(text).ok())
            .ok_or_else(|| AppError::Internal("stored ikotan bands do not parse".into()))?;
        Ok((bands, Some(s.version)))
    }

    /// Moves the IKOTAN lower cut-off, the lowest index that is still Kurang Tanggap
    /// (national administrators); `version` is the one read. Assessments recorded before
    /// keep the bands they were scored with.
    #[tracing::instrument(skip_all)]
    pub async fn set_ikotan_bands(
        &self,
        actor: &Actor,
        kurang_tanggap_from: &str,
        version: Option<i64>,
        origin: &Origin,
    ) -> AppResult<i64> {
        authorize(actor, Action::ConfigureProgramme, &Scope::National)?;
        let bands = Bands::parse(kurang_tanggap_from)
            .map_err(|e| AppError::invalid("kurang_tanggap_from", e.key))?;
        let value = bands_json(&bands);
        let record = Record {
            kind: "setting",
            id: Some(IKOTAN_BANDS.into()),
            region: "ID",
        };
        let event = self.event(
            Some(actor),
            "settings.ikotan_bands",
            record,
            origin,
            value.clone(),
        );
        self.put_setting(
            actor,
            origin,
            IKOTAN_BANDS,
            value.to_string(),
            version,
            event,
        )
        .await
    }

    /// Records an IKN assessment of a village, categorised by the thresholds in force.
    #[tracing::instrument(skip_all)]
    pub async fn record_ikn(
        &self,
        actor: &Actor,
        village: &RegionCode,
        input: IknInput,
        origin: &Origin,
    ) -> AppResult<AssessmentView> {
        let village = self.live_region(village, RegionLevel::Village).await?;
        authorize(
            actor,
            Action::AssessVillage,
            &Scope::Region(village.clone()),
        )?;
        let today = self.today_in(&village).await?;
        let mut f = Fields::default();
        let assessed_on = f.past_date_or_today("assessed_on", input.assessed_on.as_deref(), today);
        let answers = f.check_all(IknAnswers::parse(&input.indicators));
        let (Some(assessed_on), Some(answers)) = (assessed_on, answers) else {
            return Err(f.into_error());
        };
        f.finish()?;
        let (thresholds, _) = self.ikn_thresholds().await?;
        let category = thresholds.categorise(&answers);
        let assessment = Assessment {
            id: AssessmentId::new(),
            kind: AssessmentKind::Ikn,
            region: village.clone(),
            period: assessed_on,
            answers: serde_json::to_string(&answers).map_err(internal)?,
            outcome: category.key().to_owned(),
            score: None,
            rules: serde_json::to_string(&thresholds).map_err(internal)?,
            recorded_by: actor.user_id,
            recorded_at: self.now(),
            approval: None,
        };
        self.store_assessment(actor, assessment, origin).await
    }

    /// Records the IKOTAN assessment of a regency or city for a year up to this one.
    #[tracing::instrument(skip_all)]
    pub async fn record_ikotan(
        &self,
        actor: &Actor,
        regency: &RegionCode,
        input: IkotanInput,
        origin: &Origin,
    ) -> AppResult<AssessmentView> {
        let regency = self.live_region(regency, RegionLevel::Regency).await?;
        authorize(
            actor,
            Action::ApproveAssessment,
            &Scope::Region(regency.clone()),
        )?;
        let today = self.today_in(&regency).await?;
        let mut f = Fields::default();
        let period = NaiveDate::from_ymd_opt(input.year, 1, 1)
            .filter(|_| input.year <= today.year() && input.year >= 2000);
        if period.is_none() {
            f.add("year", "invalid.ikotan_year");
        }
        let scores = f.check_all(IkotanScores::parse(&input.scores));
        let (Some(period), Some(scores)) = (period, scores) else {
            return Err(f.into_error());
        };
        f.finish()?;
        let index = scores.index();
        let (bands, _) = self.ikotan_bands().await?;
        let assessment = Assessment {
            id: AssessmentId::new(),
            kind: AssessmentKind::Ikotan,
            region: regency.clone(),
            period,
            answers: serde_json::to_string(&scores).map_err(internal)?,
            outcome: bands.band(index).key().to_owned(),
            score: Some(i64::from(index.thousandths())),
            rules: bands_json(&bands).to_string(),
            recorded_by: actor.user_id,
            recorded_at: self.now(),
            approval: None,
        };
        self.store_assessment(actor, assessment, origin).await
    }

    async fn store_assessment(
        &self,
        actor: &Actor,
        assessment: Assessment,
        origin: &Origin,
    ) -> AppResult<AssessmentView> {
        let record = Record {
            kind: "assessment",
            id: Some(assessment.id.to_string()),
            region: assessment.region.as_str(),
        };
        let detail = json!({ "kind": assessment.kind.key(), "outcome": assessment.outcome });
        let action = format!("{}.record", assessment.kind.key());
        let event = self.event(Some(actor), &action, record, origin, detail);
        let stored = assessment.clone();
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                tx.insert_assessment(&stored).await?;
                tx.audit(event);
                Ok(stored.id)
            })
        })
        .await?;
        assessment.try_into()
    }

    /// A coordinator approves an IKN assessment in its scope.
    #[tracing::instrument(skip_all, fields(assessment = %id))]
    pub async fn approve_assessment(
        &self,
        actor: &Actor,
        id: AssessmentId,
        origin: &Origin,
    ) -> AppResult<AssessmentView> {
        let found = self.store.assessment(id).await?.ok_or(AppError::NotFound)?;
        authorize(
            actor,
            Action::ApproveAssessment,
            &Scope::Region(found.region.clone()),
        )?;
        let record = Record {
            kind: "assessment",
            id: Some(id.to_string()),
            region: found.region.as_str(),
        };
        let event = self.event(Some(actor), "assessment.approve", record, origin, json!({}));
        let (approver, at) = (actor.user_id, self.now());
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                match tx.approve_assessment(id, approver, at).await {
                    Err(StoreError::Conflict) => {
                        Err(StoreError::Refused("conflict.assessment_approved"))
                    }
                    other => other,
                }?;
                tx.audit(event);
                Ok(id)
            })
        })
        .await?;
        let approved = self.store.assessment(id).await?.ok_or(AppError::NotFound)?;
        approved.try_into()
    }

    /// Stores a setting from the version read (none: the first), with its audit event;
    /// answers the new version.
    pub(crate) async fn put_setting(
        &self,
        actor: &Actor,
        origin: &Origin,
        key: &'static str,
        value: String,
        version: Option<i64>,
        event: AuditEvent,
    ) -> AppResult<i64> {
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                let version = tx.put_setting(key, &value, version, event.at).await?;
                tx.audit(event);
                Ok(version)
            })
        })
        .await
    }

    /// The village of `code` if `actor` may record its IKN, for the form; a code that is
    /// no live village is not found.
    pub async fn ikn_place(&self, actor: &Actor, code: &RegionCode) -> AppResult<RegionCode> {
        let village = self.live_region(code, RegionLevel::Village).await?;
        authorize(
            actor,
            Action::AssessVillage,
            &Scope::Region(village.clone()),
        )?;
        Ok(village)
    }

    /// The regency of `code` if `actor` may record its IKOTAN, for the form; a code that
    /// is no live regency is not found.
    pub async fn ikotan_place(&self, actor: &Actor, code: &RegionCode) -> AppResult<Region> {
        let regency = self.live_region(code, RegionLevel::Regency).await?;
        authorize(
            actor,
            Action::ApproveAssessment,
            &Scope::Region(regency.clone()),
        )?;
        self.region(actor, &regency).await
    }

    /// The history of a kind of assessment of a place, newest first.
    #[tracing::instrument(skip_all, fields(kind = kind.key()))]
    pub async fn assessments(
        &self,
        actor: &Actor,
        kind: AssessmentKind,
        place: &RegionCode,
    ) -> AppResult<Vec<AssessmentView>> {
        let level = match kind {
            AssessmentKind::Ikn => RegionLevel::Village,
            AssessmentKind::Ikotan => RegionLevel::Regency,
        };
        let code = self.live_region(place, level).await?;
        authorize(actor, Action::ViewProgramme, &Scope::Region(code.clone()))?;
        let found = self.store.assessments(kind, &code).await?;
        found.into_iter().map(AssessmentView::try_from).collect()
    }
}
