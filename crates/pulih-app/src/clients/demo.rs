//! Synthetic clients for demo data (`pulih demo generate`): each client's journey as the
//! use-cases would have recorded it — consent, an episode by intake pathway, the TAT
//! assessment after an arrest, an ASSIST screening, aftercare with up to three follow-ups
//! (about 45 % relapse), a vocational enrolment — sealed with the client's own key the way the
//! use-cases seal, so a demo client opens in the UI like any other.

use chrono::{Days, NaiveDate, NaiveTime, TimeZone, Utc};
use pulih_domain::aftercare::{FollowUpMode, FollowUpStatus, RelapseResponse, Schedule};
use pulih_domain::care::referral_due;
use pulih_domain::client::{ClientCode, ClientIdentity, FactKind, Sex};
use pulih_domain::clinical::assist::{AssistAnswers, RawAssist, RawSubstance, Substance};
use pulih_domain::consent::{ConsentGiver, ConsentMethod, ConsentTerms};
use pulih_domain::ids::{ClientId, OrgId, UserId};
use pulih_domain::intake::{
    EpisodeDetail, MinimumDataSet, Pathway, Route, TreatmentHistory, assessment_due,
};
use pulih_domain::org::OrgType;
use pulih_domain::region::RegionCode;
use pulih_store::{ClientFact, LoadedClient, NewClient};
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use serde::Serialize;
use serde_json::json;

use super::aftercare_view::{FollowUpPlain, PlanPlain, PlanSealed, RelapseSealed};
use super::note::Note;
use super::timeline::{ConsentNames, Draft, EpisodeSealed};
use super::vocational_view::{EnrolmentPlain, EnrolmentSealed};
use crate::keys::{Keys, seal_json};
use crate::{AppError, AppResult};

/// Intake pathways with their weights (of 100).
const PATHWAYS: [(Pathway, u32); 6] = [
    (Pathway::IbmOutreach, 35),
    (Pathway::WajibLapor, 25),
    (Pathway::Tat, 15),
    (Pathway::LapasRelease, 10),
    (Pathway::FamilyReferral, 10),
    (Pathway::CommunityReferral, 5),
];

const FIRST_NAMES: [&str; 12] = [
    "Budi", "Agus", "Rizky", "Dedi", "Joko", "Andi", "Sari", "Dewi", "Putri", "Rina", "Hendra",
    "Yusuf",
];
const LAST_NAMES: [&str; 8] = [
    "Santoso", "Wijaya", "Saputra", "Siregar", "Nasution", "Hidayat", "Lubis", "Pratama",
];
/// Follow-up visits recorded at most: monitoring thins out after the first months.
const VISITS: u32 = 3;
const COURSES: [&str; 5] = [
    "Las listrik",
    "Tata boga",
    "Otomotif",
    "Menjahit",
    "Barista",
];

/// Where and by whom a demo client is registered, and the days its journey may use.
pub(crate) struct DemoPlace<'a> {
    /// The village it is registered at.
    pub region: &'a RegionCode,
    /// The responsible organisation.
    pub org: OrgId,
    /// The agent it is assigned to, if its village has a unit.
    pub worker: Option<UserId>,
    /// Who registers and records.
    pub registrar: UserId,
    /// Its number in the regency's series.
    pub seq: i64,
    /// The first day of the window.
    pub from: NaiveDate,
    /// The last day (yesterday).
    pub to: NaiveDate,
}

/// One demo client, sealed, with its facts.
pub(crate) fn demo_client(
    keys: &Keys,
    rng: &mut StdRng,
    place: &DemoPlace<'_>,
) -> AppResult<(LoadedClient, Vec<ClientFact>)> {
    let id = ClientId::new();
    let (key, sealed_key) = keys.new_client_key(id);
    let span = (place.to - place.from).num_days().max(1);
    let intake = day(place.from, rng.gen_range(0..span));
    let sex = if rng.gen_bool(0.85) {
        Sex::Male
    } else {
        Sex::Female
    };
    let identity = ClientIdentity {
        name: Some(format!(
            "{} {}",
            FIRST_NAMES.choose(rng).unwrap_or(&"Budi"),
            LAST_NAMES.choose(rng).unwrap_or(&"Santoso")
        )),
        nik: None,
        birth_date: Some(day(intake, 0) - Days::new(rng.gen_range(16 * 365..50 * 365))),
        sex: Some(sex),
        phone: None,
        village: Some(place.region.clone()),
        family_contact: None,
    };
    let mut journey = Journey {
        key: &key,
        client: id,
        by: place.registrar,
        facts: Vec::new(),
    };
    journey.record(rng, intake, place.to)?;
    let last_fact_on = journey.facts.iter().map(|f| f.occurred_on).max();
    // indexed as a registration would be, so demo clients are found by name
    let name = identity.name.as_deref().unwrap_or_default();
    let name_birth_hash = identity.birth_date.map(|d| keys.name_birth_hash(name, d));
    let client = NewClient {
        id,
        region: place.region.clone(),
        org_id: place.org,
        assigned_to: place.worker,
        nik_hash: None,
        name_hash: Some(keys.name_hash(name)),
        name_birth_hash,
        identity: seal_json(&key, &identity, &format!("client:{id}:identity"))?,
        key: sealed_key,
        created_by: place.registrar,
        created_at: at(intake),
    };
    let loaded = LoadedClient {
        client,
        code: ClientCode::sequential(place.region, place.seq),
        last_fact_on,
    };
    Ok((loaded, journey.facts))
}

/// `from` plus `n` days.
fn day(from: NaiveDate, n: i64) -> NaiveDate {
    from.checked_add_days(Days::new(n.unsigned_abs()))
        .unwrap_or(from)
}

/// Mid-morning of `day`, as recorded.
fn at(day: NaiveDate) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_time(NaiveTime::from_hms_opt(3, 0, 0).unwrap_or_default()))
}

/// A client's facts as they are recorded, sealed with its key.
struct Journey<'a> {
    key: &'a pulih_crypto::DataKey,
    client: ClientId,
    by: UserId,
    facts: Vec<ClientFact>,
}

impl Journey<'_> {
    fn add<S: Serialize>(
        &mut self,
        draft: Draft<S>,
        status: Option<&str>,
    ) -> AppResult<ClientFact> {
        let recorded_at = at(draft.occurred_on);
        let mut fact = draft.seal(self.key, self.client, self.by, recorded_at)?;
        fact.status = status.map(str::to_owned);
        self.facts.push(fact.clone());
        Ok(fact)
    }

    fn record(&mut self, rng: &mut StdRng, intake: NaiveDate, to: NaiveDate) -> AppResult<()> {
        let terms = ConsentTerms {
            services: true,
            share_with: vec![
                OrgType::RehabCentre,
                OrgType::Dinsos,
                OrgType::Disnakertrans,
            ],
            follow_up: true,
            given_by: ConsentGiver::Client,
            method: ConsentMethod::SignedForm,
            given_on: intake,
            expires_on: None,
        };
        let plain = serde_json::to_value(&terms).map_err(|e| AppError::Internal(e.to_string()))?;
        self.add(
            draft(FactKind::Consent, intake, plain, ConsentNames::default()),
            None,
        )?;
        let pathway = pathway(rng);
        let arrested_on =
            (pathway == Pathway::Tat).then(|| intake - Days::new(rng.gen_range(0..3)));
        let substance = *[
            Substance::Amphetamines,
            Substance::Cannabis,
            Substance::Opioids,
        ]
        .choose(rng)
        .unwrap_or(&Substance::Amphetamines);
        let detail = EpisodeDetail {
            card_number: (pathway == Pathway::WajibLapor)
                .then(|| format!("KLD-{:06}", rng.gen_range(0..1_000_000))),
            arrested_on,
            released_on: (pathway == Pathway::LapasRelease).then(|| intake - Days::new(7)),
            data: MinimumDataSet {
                substances: vec![substance],
                use_months: Some(rng.gen_range(3..120)),
                routes: vec![if substance == Substance::Opioids {
                    Route::Injected
                } else {
                    Route::Smoked
                }],
                diagnosis: None,
                treatment_history: Some(TreatmentHistory::None),
            },
        };
        let mut episode = draft(
            FactKind::Episode,
            intake,
            json!({}),
            EpisodeSealed { pathway, detail },
        );
        episode.due_on = arrested_on.map(assessment_due);
        let episode = self.add(episode, None)?;
        if let Some(arrest) = arrested_on.filter(|_| rng.gen_bool(0.9)) {
            let on = day(arrest, rng.gen_range(1..8)).min(to);
            let mut tat = draft(FactKind::TatAssessment, on, json!({}), Note::default());
            tat.refers_to = Some(episode.id);
            self.add(tat, None)?;
        }
        if rng.gen_bool(0.6) {
            let on = day(intake, rng.gen_range(0..14)).min(to);
            let answers = assist(rng, substance)?;
            let due_on = referral_due(answers.score().recommendation, on);
            let mut screening = draft(FactKind::Assist, on, json!({}), answers);
            screening.due_on = due_on;
            self.add(screening, None)?;
        }
        let discharged = day(intake, rng.gen_range(30..90));
        if discharged < to && rng.gen_bool(0.25) {
            self.aftercare(rng, discharged, to)?;
        }
        let enrolled = day(intake, rng.gen_range(30..120));
        if enrolled < to && rng.gen_bool(0.12) {
            let plain = serde_json::to_value(EnrolmentPlain { service: None })
                .map_err(|e| AppError::Internal(e.to_string()))?;
            let course = (*COURSES.choose(rng).unwrap_or(&"Las listrik")).to_owned();
            let enrolment = draft(
                FactKind::VocationalEnrolment,
                enrolled,
                plain,
                EnrolmentSealed { course },
            );
            self.add(enrolment, Some("enrolled"))?;
        }
        Ok(())
    }

    /// A plan from `discharged`, the visits due by `to`, and for about 45 % a relapse.
    fn aftercare(
        &mut self,
        rng: &mut StdRng,
        discharged: NaiveDate,
        to: NaiveDate,
    ) -> AppResult<()> {
        let schedule = Schedule::default();
        let first = schedule.first_due(discharged);
        let weeks = serde_json::to_value(PlanPlain {
            weeks: schedule.clone(),
        })
        .map_err(|e| AppError::Internal(e.to_string()))?;
        let mut plan = draft(
            FactKind::AftercarePlan,
            discharged,
            weeks,
            PlanSealed::default(),
        );
        plan.due_on = first;
        let plan = self.add(plan, None)?;
        let relapse_at = rng.gen_bool(0.45).then(|| rng.gen_range(0..3));
        let mut due = first;
        let mut visit = 0;
        while let Some(on) = due.filter(|d| *d <= to && visit < VISITS) {
            let relapsed = relapse_at == Some(visit);
            let status = if relapsed {
                FollowUpStatus::Relapsed
            } else if rng.gen_bool(0.8) {
                FollowUpStatus::Well
            } else {
                FollowUpStatus::Struggling
            };
            due = schedule.next_due(discharged, on, on);
            let mode = serde_json::to_value(FollowUpPlain {
                mode: FollowUpMode::HomeVisit,
            })
            .map_err(|e| AppError::Internal(e.to_string()))?;
            let mut follow_up = draft(FactKind::FollowUp, on, mode, Note::default());
            follow_up.refers_to = Some(plan.id);
            follow_up.due_on = due;
            self.add(follow_up, Some(status.key()))?;
            if relapsed {
                let sealed = RelapseSealed {
                    substances: Vec::new(),
                    note: None,
                };
                let mut relapse = draft(FactKind::Relapse, on, json!({}), sealed);
                relapse.refers_to = Some(plan.id);
                self.add(relapse, Some(RelapseResponse::BriefIntervention.key()))?;
                return Ok(());
            }
            visit += 1;
        }
        if relapse_at.is_some() && first.is_some_and(|d| d <= to) {
            // relapsed after the last visit recorded so far
            let sealed = RelapseSealed {
                substances: Vec::new(),
                note: None,
            };
            let mut relapse = draft(FactKind::Relapse, to, json!({}), sealed);
            relapse.refers_to = Some(plan.id);
            self.add(relapse, Some(RelapseResponse::ReReferral.key()))?;
        }
        Ok(())
    }
}

fn draft<S: Serialize>(
    kind: FactKind,
    on: NaiveDate,
    plain: serde_json::Value,
    sealed: S,
) -> Draft<S> {
    Draft {
        kind,
        occurred_on: on,
        due_on: None,
        refers_to: None,
        plain,
        sealed,
    }
}

fn pathway(rng: &mut StdRng) -> Pathway {
    let mut roll = rng.gen_range(0..100);
    for (pathway, weight) in PATHWAYS {
        if roll < weight {
            return pathway;
        }
        roll -= weight;
    }
    Pathway::IbmOutreach
}

/// ASSIST answers for a main `substance` (and tobacco), as a worker would enter them.
fn assist(rng: &mut StdRng, substance: Substance) -> AppResult<AssistAnswers> {
    let pick =
        |rng: &mut StdRng, keys: &[&str]| Some((*keys.choose(rng).unwrap_or(&"never")).to_owned());
    let freq = ["once_or_twice", "monthly", "weekly", "daily"];
    let recency = ["never", "past_3_months", "earlier"];
    let mut raw = RawAssist::default();
    raw.substances.insert(
        substance.key().to_owned(),
        RawSubstance {
            q2: pick(rng, &freq),
            q3: pick(rng, &freq),
            q4: pick(rng, &freq),
            q5: pick(rng, &freq),
            q6: pick(rng, &recency),
            q7: pick(rng, &recency),
        },
    );
    raw.substances.insert(
        Substance::Tobacco.key().to_owned(),
        RawSubstance {
            q2: Some("daily".to_owned()),
            ..RawSubstance::default()
        },
    );
    raw.q8 = pick(
        rng,
        &["never", "never", "never", "earlier", "past_3_months"],
    );
    raw.typology = pick(rng, &["coba_pakai", "teratur_pakai", "pecandu"]);
    AssistAnswers::parse(&raw)
        .map_err(|_| AppError::Internal("demo ASSIST answers are invalid".into()))
}
