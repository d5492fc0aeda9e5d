//! Teman Sebaya, the school peer-educator programme: coordinators and agents of a
//! village add its schools, count each school's peer educators (a new count supersedes
//! the last, which stays in the history) and record the sessions they hold; anyone who
//! sees the programme sees the schools, and a regency's sums for dashboards. Counts only:
//! an input carrying anything else, a student's name say, is refused.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::client::past_date;
use pulih_domain::ids::{PeerCountId, PeerSessionId, SchoolId, UserId};
use pulih_domain::programme::peers::{self, Counts, RawCounts, SchoolLevel, Topic};
use pulih_domain::region::{RegionCode, RegionLevel, Scope};
use pulih_store::{CountSums, PeerCount, PeerSession, School};
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::error::Fields;
use crate::{App, AppError, AppResult, Origin, Record};

/// A school as added.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SchoolInput {
    /// Its name.
    #[serde(default)]
    pub name: String,
    /// `sd`, `mi`, `smp`, `mts`, `sma`, `smk`, `ma` or `other`.
    #[serde(default)]
    pub level: String,
    /// Its NPSN, eight digits.
    #[serde(default)]
    pub npsn: Option<String>,
    /// Anything else sent, refused.
    #[serde(flatten)]
    pub unknown: BTreeMap<String, IgnoredAny>,
}

/// A count of a school's peer educators.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PeerCountInput {
    /// `YYYY-MM-DD`; today when empty.
    #[serde(default)]
    pub as_of: Option<String>,
    /// The peer educators by sex and grade band.
    #[serde(default)]
    pub educators: RawCounts,
    /// Anything else sent, refused.
    #[serde(flatten)]
    pub unknown: BTreeMap<String, IgnoredAny>,
}

/// A session held by a school's peer educators.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PeerSessionInput {
    /// `YYYY-MM-DD`; today when empty.
    #[serde(default)]
    pub held_on: Option<String>,
    /// What it was about.
    #[serde(default)]
    pub topic: String,
    /// Who attended, by sex and perhaps grade band.
    #[serde(default)]
    pub audience: RawCounts,
    /// Anything else sent, refused.
    #[serde(flatten)]
    pub unknown: BTreeMap<String, IgnoredAny>,
}

/// A count of peer educators as shown.
#[derive(Debug, Clone, Serialize)]
pub struct PeerCountView {
    /// Id.
    pub id: PeerCountId,
    /// The school.
    pub school_id: SchoolId,
    /// The date counted.
    pub as_of: NaiveDate,
    /// The peer educators.
    pub educators: Counts,
    /// Who recorded it.
    pub recorded_by: UserId,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

impl From<PeerCount> for PeerCountView {
    fn from(c: PeerCount) -> Self {
        Self {
            id: c.id,
            school_id: c.school,
            as_of: c.as_of,
            educators: c.educators,
            recorded_by: c.recorded_by,
            recorded_at: c.recorded_at,
        }
    }
}

/// A session as shown.
#[derive(Debug, Clone, Serialize)]
pub struct PeerSessionView {
    /// Id.
    pub id: PeerSessionId,
    /// The school.
    pub school_id: SchoolId,
    /// The day it was held.
    pub held_on: NaiveDate,
    /// What it was about.
    pub topic: String,
    /// Who attended.
    pub audience: Counts,
    /// Who recorded it.
    pub recorded_by: UserId,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

impl From<PeerSession> for PeerSessionView {
    fn from(s: PeerSession) -> Self {
        Self {
            id: s.id,
            school_id: s.school,
            held_on: s.held_on,
            topic: s.topic,
            audience: s.audience,
            recorded_by: s.recorded_by,
            recorded_at: s.recorded_at,
        }
    }
}

/// A school with its current peer educators and this year's sessions.
#[derive(Debug, Clone, Serialize)]
pub struct SchoolView {
    /// Id.
    pub id: SchoolId,
    /// The village.
    pub village: RegionCode,
    /// Its name.
    pub name: String,
    /// Its level.
    pub level: SchoolLevel,
    /// Its NPSN.
    pub npsn: Option<String>,
    /// The current count of its peer educators, if ever counted.
    pub educators: Option<PeerCountView>,
    /// Sessions held this year.
    pub sessions_this_year: u32,
    /// Their audience, summed.
    pub audience_this_year: u64,
}

impl SchoolView {
    fn new(s: School) -> Self {
        Self {
            id: s.id,
            village: s.village,
            name: s.name,
            level: s.level,
            npsn: s.npsn,
            educators: None,
            sessions_this_year: 0,
            audience_this_year: 0,
        }
    }
}

/// A village's programme: its schools and this year's sessions.
#[derive(Debug, Clone, Serialize)]
pub struct VillagePeers {
    /// The year shown.
    pub year: i32,
    /// Today in the village's time zone (a form's default date).
    pub today: NaiveDate,
    /// Its schools, by name.
    pub schools: Vec<SchoolView>,
    /// This year's sessions, newest first.
    pub sessions: Vec<PeerSessionView>,
}

/// A regency's programme in sums, for dashboards.
#[derive(Debug, Clone, Serialize)]
pub struct PeerProgrammeSummary {
    /// The regency or city.
    pub regency: RegionCode,
    /// The year of the sessions.
    pub year: i32,
    /// Schools registered.
    pub schools: i64,
    /// Schools with at least one peer educator now.
    pub schools_with_educators: i64,
    /// Peer educators now, by sex and grade band.
    pub educators: CountSums,
    /// Sessions held in the year.
    pub sessions: i64,
    /// Their audience, by sex and grade band.
    pub audience: CountSums,
}

/// A date field: today when empty, else a day not after today.
fn day_of(
    f: &mut Fields,
    field: &'static str,
    text: Option<&str>,
    today: NaiveDate,
) -> Option<NaiveDate> {
    match text.map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(today),
        Some(text) => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(d) => f.check(field, past_date(d, today)),
            Err(_) => {
                f.add(field, "invalid.date");
                None
            }
        },
    }
}

/// Refuses every field the input does not know, e.g. a student's `name`.
fn refuse_unknown(f: &mut Fields, unknown: &BTreeMap<String, IgnoredAny>) {
    for e in peers::unknown_fields("", unknown) {
        f.add(e.field, e.key);
    }
}

/// The first and last day of `year`.
fn year_span(year: i32) -> AppResult<(NaiveDate, NaiveDate)> {
    NaiveDate::from_ymd_opt(year, 1, 1)
        .zip(NaiveDate::from_ymd_opt(year, 12, 31))
        .ok_or_else(|| AppError::invalid("year", "invalid.sebaya_year"))
}

impl App {
    /// A school the actor may act on with `action`; another region's is forbidden.
    async fn school_for(&self, actor: &Actor, id: SchoolId, action: Action) -> AppResult<School> {
        let school = self.store.school(id).await?.ok_or(AppError::NotFound)?;
        authorize(actor, action, &Scope::Region(school.village.clone()))?;
        Ok(school)
    }

    /// Adds a school to a village.
    #[tracing::instrument(skip_all)]
    pub async fn add_school(
        &self,
        actor: &Actor,
        village: &RegionCode,
        input: SchoolInput,
        origin: &Origin,
    ) -> AppResult<SchoolView> {
        let village = self.live_region(village, RegionLevel::Village).await?;
        authorize(
            actor,
            Action::RecordPeerProgramme,
            &Scope::Region(village.clone()),
        )?;
        let mut f = Fields::default();
        refuse_unknown(&mut f, &input.unknown);
        let parsed = f.check_all(peers::School::parse(
            &input.name,
            &input.level,
            input.npsn.as_deref(),
        ));
        let Some(parsed) = parsed else {
            return Err(f.into_error());
        };
        f.finish()?;
        let school = School {
            id: SchoolId::new(),
            village: village.clone(),
            name: parsed.name().to_owned(),
            level: parsed.level(),
            npsn: parsed.npsn().map(str::to_owned),
            recorded_by: actor.user_id,
            recorded_at: self.now(),
        };
        let record = Record {
            kind: "school",
            id: Some(school.id.to_string()),
            region: village.as_str(),
        };
        let detail = json!({ "level": school.level.key(), "npsn": school.npsn });
        let event = self.event(Some(actor), "school.add", record, origin, detail);
        let written = self
            .write(Some(actor), origin, move |tx| {
                Box::pin(async move {
                    tx.insert_school(&school).await?;
                    tx.audit(event);
                    Ok(school.id)
                })
            })
            .await;
        let id = match written {
            Err(AppError::Conflict("conflict.duplicate")) => {
                return Err(AppError::invalid("npsn", "invalid.npsn_taken"));
            }
            other => other?,
        };
        let stored = self.store.school(id).await?.ok_or(AppError::NotFound)?;
        Ok(SchoolView::new(stored))
    }

    /// A village's schools with their current peer educators, and this year's sessions.
    #[tracing::instrument(skip_all)]
    pub async fn village_peers(
        &self,
        actor: &Actor,
        village: &RegionCode,
    ) -> AppResult<VillagePeers> {
        let village = self.live_region(village, RegionLevel::Village).await?;
        authorize(
            actor,
            Action::ViewProgramme,
            &Scope::Region(village.clone()),
        )?;
        let today = self.today_in(&village).await?;
        let (from, to) = year_span(today.year())?;
        let mut counts = self.store.current_peer_counts(&village).await?;
        let sessions = self.store.peer_sessions_in(&village, from, to).await?;
        let schools = self.store.schools(&village).await?;
        let schools = schools
            .into_iter()
            .map(|s| {
                let mut view = SchoolView::new(s);
                if let Some(at) = counts.iter().position(|c| c.school == view.id) {
                    view.educators = Some(counts.swap_remove(at).into());
                }
                for s in sessions.iter().filter(|s| s.school == view.id) {
                    view.sessions_this_year += 1;
                    view.audience_this_year += u64::from(s.audience.total());
                }
                view
            })
            .collect();
        Ok(VillagePeers {
            year: today.year(),
            today,
            schools,
            sessions: sessions.into_iter().map(Into::into).collect(),
        })
    }

    /// Records how many peer educators a school has as of a date.
    #[tracing::instrument(skip_all, fields(school = %school))]
    pub async fn record_peer_educators(
        &self,
        actor: &Actor,
        school: SchoolId,
        input: PeerCountInput,
        origin: &Origin,
    ) -> AppResult<PeerCountView> {
        let school = self
            .school_for(actor, school, Action::RecordPeerProgramme)
            .await?;
        let today = self.today_in(&school.village).await?;
        let mut f = Fields::default();
        refuse_unknown(&mut f, &input.unknown);
        let as_of = day_of(&mut f, "as_of", input.as_of.as_deref(), today);
        let educators = f.check_all(Counts::educators(
            &input.educators,
            school.level,
            "educators.",
        ));
        let (Some(as_of), Some(educators)) = (as_of, educators) else {
            return Err(f.into_error());
        };
        f.finish()?;
        let count = PeerCount {
            id: PeerCountId::new(),
            school: school.id,
            village: school.village.clone(),
            as_of,
            educators,
            recorded_by: actor.user_id,
            recorded_at: self.now(),
        };
        let record = Record {
            kind: "peer_count",
            id: Some(count.id.to_string()),
            region: school.village.as_str(),
        };
        let detail =
            json!({ "school": school.id, "as_of": as_of, "total": count.educators.total() });
        let event = self.event(Some(actor), "peer_educators.record", record, origin, detail);
        let (stored, school_id) = (count.clone(), count.school);
        let id = self
            .write(Some(actor), origin, move |tx| {
                Box::pin(async move {
                    tx.insert_peer_count(&stored).await?;
                    tx.audit(event);
                    Ok(stored.id)
                })
            })
            .await?;
        let counts = self.store.peer_counts(school_id).await?;
        let stored = counts.into_iter().find(|c| c.id == id);
        Ok(stored.unwrap_or(count).into())
    }

    /// Every count of a school's peer educators, the current one first.
    #[tracing::instrument(skip_all, fields(school = %school))]
    pub async fn peer_educator_history(
        &self,
        actor: &Actor,
        school: SchoolId,
    ) -> AppResult<Vec<PeerCountView>> {
        let school = self
            .school_for(actor, school, Action::ViewProgramme)
            .await?;
        let counts = self.store.peer_counts(school.id).await?;
        Ok(counts.into_iter().map(Into::into).collect())
    }

    /// Records a session held by a school's peer educators.
    #[tracing::instrument(skip_all, fields(school = %school))]
    pub async fn record_peer_session(
        &self,
        actor: &Actor,
        school: SchoolId,
        input: PeerSessionInput,
        origin: &Origin,
    ) -> AppResult<PeerSessionView> {
        let school = self
            .school_for(actor, school, Action::RecordPeerProgramme)
            .await?;
        let today = self.today_in(&school.village).await?;
        let mut f = Fields::default();
        refuse_unknown(&mut f, &input.unknown);
        let held_on = day_of(&mut f, "held_on", input.held_on.as_deref(), today);
        let topic = f.check("topic", Topic::parse(&input.topic));
        let audience = f.check_all(Counts::audience(&input.audience, school.level, "audience."));
        let (Some(held_on), Some(topic), Some(audience)) = (held_on, topic, audience) else {
            return Err(f.into_error());
        };
        f.finish()?;
        let session = PeerSession {
            id: PeerSessionId::new(),
            school: school.id,
            village: school.village.clone(),
            held_on,
            topic: topic.as_str().to_owned(),
            audience,
            recorded_by: actor.user_id,
            recorded_at: self.now(),
        };
        let record = Record {
            kind: "peer_session",
            id: Some(session.id.to_string()),
            region: school.village.as_str(),
        };
        let detail =
            json!({ "school": school.id, "held_on": held_on, "total": session.audience.total() });
        let event = self.event(Some(actor), "peer_session.record", record, origin, detail);
        let (stored, school_id) = (session.clone(), session.school);
        let id = self
            .write(Some(actor), origin, move |tx| {
                Box::pin(async move {
                    tx.insert_peer_session(&stored).await?;
                    tx.audit(event);
                    Ok(stored.id)
                })
            })
            .await?;
        let sessions = self.store.peer_sessions(school_id).await?;
        let stored = sessions.into_iter().find(|s| s.id == id);
        Ok(stored.unwrap_or(session).into())
    }

    /// Every session of a school, newest first.
    #[tracing::instrument(skip_all, fields(school = %school))]
    pub async fn school_sessions(
        &self,
        actor: &Actor,
        school: SchoolId,
    ) -> AppResult<Vec<PeerSessionView>> {
        let school = self
            .school_for(actor, school, Action::ViewProgramme)
            .await?;
        let sessions = self.store.peer_sessions(school.id).await?;
        Ok(sessions.into_iter().map(Into::into).collect())
    }

    /// A regency's schools, current peer educators and the sessions of `year` (this
    /// year when none; from 2000 to this year) in sums.
    #[tracing::instrument(skip_all)]
    pub async fn teman_sebaya_summary(
        &self,
        actor: &Actor,
        regency: &RegionCode,
        year: Option<i32>,
    ) -> AppResult<PeerProgrammeSummary> {
        let regency = self.live_region(regency, RegionLevel::Regency).await?;
        authorize(
            actor,
            Action::ViewProgramme,
            &Scope::Region(regency.clone()),
        )?;
        let this_year = self.today_in(&regency).await?.year();
        let year = year.unwrap_or(this_year);
        if !(2000..=this_year).contains(&year) {
            return Err(AppError::invalid("year", "invalid.sebaya_year"));
        }
        let (from, to) = year_span(year)?;
        let sums = self.store.peer_summary(&regency, from, to).await?;
        Ok(PeerProgrammeSummary {
            regency,
            year,
            schools: sums.schools,
            schools_with_educators: sums.schools_with_educators,
            educators: sums.educators,
            sessions: sums.sessions,
            audience: sums.audience,
        })
    }
}
