//! Activities of a BNNK or BNNP office itself (`pulih_domain::programme::office_activity`;
//! article-002: the province office's own penyuluhan). A coordinator or counsellor of the
//! office records an awareness session or an outreach at a place of its area — a village,
//! a district, or the regency or province as a whole — with the audience counted by sex,
//! age band and group, and the facilitators counted by kind; nobody is named.
//!
//! Its figures count where it happened, in the same awareness and outreach figures as the
//! units' activities, and the relawan and school counsellors reached in figures of their
//! own (`Tally::of_office_counts`). Whoever sees the programme of the place (or may record
//! there) reads it; a place or an activity out of the user's reach is answered exactly
//! like one that does not exist. Corrections and voids follow the units' rule
//! ([`corrections`]).

mod corrections;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use pulih_domain::authz::{Action, Actor, Denied, authorize};
use pulih_domain::ids::{ActivityId, OrgId, UserId};
use pulih_domain::programme::activity_detail::{ActivityDetail, ActivityKind, RawActivity};
use pulih_domain::programme::office_activity::{OfficeCounts, is_office, office_place};
use pulih_domain::region::{RegionCode, Scope};
use pulih_domain::rollup::Tally;
use pulih_store::{OfficeActivityRow, Organisation, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::error::Fields;
use crate::units::parse_activity;
use crate::{App, AppError, AppResult, Origin, Record};

/// How many office activities a page of a list holds.
pub const OFFICE_PAGE: i64 = 50;

/// An office activity as recorded or corrected: the unit activity's fields (awareness or
/// outreach only, no linked clients, no accompanying officer) and the office's counts.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficeActivityInput {
    /// The day, `YYYY-MM-DD`; today where it happened when empty.
    #[serde(default)]
    pub held_on: Option<String>,
    /// `awareness` or `outreach`.
    #[serde(default)]
    pub kind: String,
    /// Awareness: the level or setting.
    #[serde(default)]
    pub level: Option<String>,
    /// Awareness: how many attended.
    #[serde(default)]
    pub total: Option<u32>,
    /// Awareness: men and boys.
    #[serde(default)]
    pub male: Option<u32>,
    /// Awareness: women and girls.
    #[serde(default)]
    pub female: Option<u32>,
    /// Awareness: counts by age band, optional.
    #[serde(default)]
    pub age_bands: BTreeMap<String, u32>,
    /// Awareness: materials used.
    #[serde(default)]
    pub materials: Option<String>,
    /// Outreach: people reached.
    #[serde(default)]
    pub reached: Option<u32>,
    /// Outreach: of them, agreed to screening.
    #[serde(default)]
    pub agreed_to_screening: Option<u32>,
    /// Awareness: the audience by group (`students`, `relawan`…), at most the audience.
    #[serde(default)]
    pub audience_groups: BTreeMap<String, u32>,
    /// The facilitators by kind (`bnn_staff`, `relawan`…), at least one.
    #[serde(default)]
    pub facilitators: BTreeMap<String, u32>,
    /// Whether the recorder confirmed a day more than a year back.
    #[serde(default)]
    pub confirm_old_date: bool,
}

impl OfficeActivityInput {
    fn raw(&self) -> RawActivity {
        RawActivity {
            held_on: self.held_on.clone(),
            kind: self.kind.clone(),
            level: self.level.clone(),
            total: self.total,
            male: self.male,
            female: self.female,
            age_bands: self.age_bands.clone(),
            materials: self.materials.clone(),
            reached: self.reached,
            agreed_to_screening: self.agreed_to_screening,
            confirm_old_date: self.confirm_old_date,
            ..RawActivity::default()
        }
    }
}

/// An office activity as shown.
#[derive(Debug, Clone, Serialize)]
pub struct OfficeActivityView {
    /// Id.
    pub id: ActivityId,
    /// The office that ran it.
    pub office: OrgId,
    /// Where it happened.
    pub place: RegionCode,
    /// The day.
    pub held_on: NaiveDate,
    /// What was done.
    pub detail: ActivityDetail,
    /// The audience by group and the facilitators by kind.
    pub counts: OfficeCounts,
    /// Who recorded it.
    pub recorded_by: UserId,
    /// When.
    pub recorded_at: DateTime<Utc>,
    /// Whether the user may correct or void it now.
    pub may_correct: bool,
}

/// A page of a region's office activities, newest recorded first; `next` is the
/// following page's `before`, if there is one.
#[derive(Debug, Clone, Serialize)]
pub struct OfficeActivityList {
    /// The activities.
    pub items: Vec<OfficeActivityView>,
    /// The id to ask the next page before.
    pub next: Option<ActivityId>,
    /// Whether the user may record an activity of its own office at the region.
    pub may_record: bool,
}

/// A value as stored JSON.
fn json_of(value: &impl Serialize) -> AppResult<String> {
    serde_json::to_string(value)
        .map_err(|e| AppError::Internal(format!("office activity json: {e}")))
}

fn broken(id: ActivityId, what: &str, e: &serde_json::Error) -> AppError {
    AppError::Internal(format!("office activity {id}: {what} does not parse: {e}"))
}

/// The tallies an office activity as stored adds to the figures, at its place.
pub(crate) fn office_tallies(row: &OfficeActivityRow) -> Result<Vec<Tally>, StoreError> {
    let kind = ActivityKind::parse(&row.kind).map_err(|e| StoreError::Refused(e.key))?;
    let counts: OfficeCounts = serde_json::from_str(&row.counts)
        .map_err(|_| StoreError::Refused("invalid.office_counts"))?;
    let mut out = Tally::of_activity(kind, row.people, &row.place, row.held_on);
    out.extend(Tally::of_office_counts(&counts, &row.place, row.held_on));
    Ok(out)
}

impl OfficeActivityView {
    fn of(row: OfficeActivityRow, may_correct: bool) -> AppResult<Self> {
        let detail = serde_json::from_str(&row.detail).map_err(|e| broken(row.id, "detail", &e))?;
        let counts = serde_json::from_str(&row.counts).map_err(|e| broken(row.id, "counts", &e))?;
        Ok(Self {
            id: row.id,
            office: row.office,
            place: row.place,
            held_on: row.held_on,
            detail,
            counts,
            recorded_by: row.recorded_by,
            recorded_at: row.recorded_at,
            may_correct,
        })
    }
}

impl App {
    /// The office the actor records for: its organisation, if it is a BNNK or BNNP and
    /// the actor's role may record there; else `Forbidden`, whatever the place.
    pub(crate) async fn own_office(&self, actor: &Actor) -> AppResult<Organisation> {
        authorize(actor, Action::RecordOfficeActivity, &actor.scope)?;
        let org = self.store.org(actor.org_id).await?;
        match org {
            Some(org) if is_office(org.org_type, &org.place) => Ok(org),
            _ => Err(AppError::Forbidden(Denied::Role)),
        }
    }

    /// Whether the actor may read office activities at `place`: who sees its programme,
    /// or may record there.
    pub(crate) fn reads_office_activities(actor: &Actor, place: &RegionCode) -> bool {
        let place = Scope::Region(place.clone());
        [Action::ViewProgramme, Action::RecordOfficeActivity]
            .into_iter()
            .any(|action| authorize(actor, action, &place).is_ok())
    }

    /// A live region given by its code in the user's reach for office activities; a
    /// malformed, unknown, retired or unreachable code is the same `NotFound`, and a role
    /// that reads none anywhere is `Forbidden` before the code is looked at.
    async fn office_region(&self, actor: &Actor, code: &RegionCode) -> AppResult<RegionCode> {
        authorize(actor, Action::ViewProgramme, &actor.scope)
            .or_else(|_| authorize(actor, Action::RecordOfficeActivity, &actor.scope))?;
        let live = self.region_row(code).await?.is_some_and(|r| !r.retired);
        if !live || !Self::reads_office_activities(actor, code) {
            return Err(AppError::NotFound);
        }
        Ok(code.clone())
    }

    /// The actor's office and the place (a code) it would record an activity at: the
    /// office as [`Self::own_office`] decides; a place out of the office's area or the
    /// user's scope is the same `NotFound` as an unknown one.
    #[tracing::instrument(skip_all, fields(place = %place))]
    pub async fn office_recording_at(
        &self,
        actor: &Actor,
        place: &RegionCode,
    ) -> AppResult<(Organisation, RegionCode)> {
        let office = self.own_office(actor).await?;
        let place = self.office_region(actor, place).await?;
        let here = Scope::Region(place.clone());
        if authorize(actor, Action::RecordOfficeActivity, &here).is_err()
            || !office_place(&office.place, &place)
        {
            return Err(AppError::NotFound);
        }
        Ok((office, place))
    }

    /// Records an activity of the actor's own office held at `place` (a code).
    #[tracing::instrument(skip_all, fields(place = %place))]
    pub async fn record_office_activity(
        &self,
        actor: &Actor,
        place: &RegionCode,
        input: OfficeActivityInput,
        origin: &Origin,
    ) -> AppResult<OfficeActivityView> {
        let (office, place) = self.office_recording_at(actor, place).await?;
        let today = self.today_in(&place).await?;
        let (held_on, detail, counts) = parse_office(&input, today, None)?;
        let row = OfficeActivityRow {
            id: ActivityId::new(),
            office: office.id,
            place,
            kind: detail.kind().key().into(),
            held_on,
            detail: json_of(&detail)?,
            counts: json_of(&counts)?,
            people: i64::from(detail.people()),
            recorded_by: actor.user_id,
            recorded_at: self.now(),
        };
        let record = Record {
            kind: "office_activity",
            id: Some(row.id.to_string()),
            region: row.place.as_str(),
        };
        let event_detail = json!({ "kind": row.kind, "people": row.people });
        let event = self.event(
            Some(actor),
            "office_activity.record",
            record,
            origin,
            event_detail,
        );
        let stored = row.clone();
        let tallies = office_tallies(&row)?;
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                tx.insert_office_activity(&stored).await?;
                for tally in tallies {
                    tx.tally(tally);
                }
                tx.audit(event);
                Ok(stored.id)
            })
        })
        .await?;
        OfficeActivityView::of(row, true)
    }

    /// A page of the office activities held at `region` or below it, newest recorded
    /// first, those recorded before `before` when given.
    #[tracing::instrument(skip_all, fields(region = %region))]
    pub async fn office_activities(
        &self,
        actor: &Actor,
        region: &RegionCode,
        before: Option<ActivityId>,
    ) -> AppResult<OfficeActivityList> {
        let region = self.office_region(actor, region).await?;
        let mut rows = self
            .store
            .office_activities(&region, before, OFFICE_PAGE + 1)
            .await?;
        let next = (rows.len() as i64 > OFFICE_PAGE).then(|| {
            rows.truncate(OFFICE_PAGE as usize);
            rows.last().map(|r| r.id)
        });
        let own = self.own_office(actor).await.ok().map(|o| o.id);
        let now = self.now();
        let items = rows
            .into_iter()
            .map(|row| {
                let may = corrections::may_correct(actor, own, &row, now).is_ok();
                OfficeActivityView::of(row, may)
            })
            .collect::<AppResult<_>>()?;
        let own_area = own.is_some() && self.office_recording_at(actor, &region).await.is_ok();
        Ok(OfficeActivityList {
            items,
            next: next.flatten(),
            may_record: own_area,
        })
    }

    /// One office activity, for whoever reads office activities where it happened.
    #[tracing::instrument(skip_all, fields(activity = %id))]
    pub async fn office_activity(
        &self,
        actor: &Actor,
        id: ActivityId,
    ) -> AppResult<OfficeActivityView> {
        let row = self.reached_office_activity(actor, id).await?;
        let own = self.own_office(actor).await.ok().map(|o| o.id);
        let may = corrections::may_correct(actor, own, &row, self.now()).is_ok();
        OfficeActivityView::of(row, may)
    }

    /// A live office activity the actor reads; unknown and out of reach are the same
    /// `NotFound`.
    async fn reached_office_activity(
        &self,
        actor: &Actor,
        id: ActivityId,
    ) -> AppResult<OfficeActivityRow> {
        let row = self
            .store
            .office_activity(id)
            .await?
            .ok_or(AppError::NotFound)?;
        if Self::reads_office_activities(actor, &row.place) {
            Ok(row)
        } else {
            Err(AppError::NotFound)
        }
    }
}

/// The day, details and counts of an office activity as typed, seen on `today`; when
/// correcting, the kind must stay `kept`.
fn parse_office(
    input: &OfficeActivityInput,
    today: NaiveDate,
    kept: Option<&str>,
) -> AppResult<(NaiveDate, ActivityDetail, OfficeCounts)> {
    let mut f = Fields::default();
    if ActivityKind::parse(&input.kind) == Ok(ActivityKind::Coordination) {
        f.add("kind", "invalid.office_activity_kind");
        return Err(f.into_error());
    }
    let raw = input.raw();
    let (held_on, detail) = parse_activity(&mut f, &raw, today);
    let detail = detail.filter(|d| {
        let changed = kept.is_some_and(|k| k != d.kind().key());
        if changed {
            f.add("kind", "invalid.activity_kind_changed");
        }
        !changed
    });
    let counts = detail.as_ref().and_then(|d| {
        f.check_all(OfficeCounts::parse(
            d,
            &input.audience_groups,
            &input.facilitators,
        ))
    });
    match (held_on, detail, counts) {
        (Some(held_on), Some(detail), Some(counts)) => {
            f.finish()?;
            Ok((held_on, detail, counts))
        }
        _ => Err(f.into_error()),
    }
}
