//! A regency's demo programme: its BNNK and its IBM agents' organisation, a coordinator,
//! IBM units in about a third of its villages with three to five agents each, and the
//! units' awareness sessions and outreach, checked by the same domain types the
//! use-cases check with.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use pulih_domain::account::Role;
use pulih_domain::ids::{ActivityId, OrgId, UnitId, UserId};
use pulih_domain::org::OrgType;
use pulih_domain::programme::activity_detail::{ActivityDetail, RawActivity};
use pulih_domain::programme::unit::FoundingMeeting;
use pulih_domain::region::{RegionCode, Scope};
use pulih_store::{ActivityRow, Bulk, Member, Organisation, Region, Unit, User};
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use super::Window;
use crate::{AppError, AppResult};

/// Share of villages with an IBM unit.
const UNIT_SHARE: f64 = 0.35;

/// A regency's programme as loaded: its organisation and coordinator, and the agents of
/// each village that has a unit.
pub(super) struct Programme {
    /// The BNNK.
    pub org: OrgId,
    /// Its coordinator.
    pub coordinator: UserId,
    /// The agents of each village with a unit.
    pub agents: BTreeMap<RegionCode, Vec<UserId>>,
}

fn internal(e: impl std::fmt::Debug) -> AppError {
    AppError::Internal(format!("demo programme: {e:?}"))
}

/// The programme of `regency` with `villages`, added to `bulk`.
pub(super) fn programme(
    rng: &mut StdRng,
    bulk: &mut Bulk,
    (regency, villages): (&Region, &[Region]),
    window: &Window,
    password_hash: &str,
) -> AppResult<Programme> {
    let series: String = regency.code.as_str().replace('.', "");
    let org = |name: String, org_type| Organisation {
        id: OrgId::new(),
        name,
        org_type,
        place: Scope::Region(regency.code.clone()),
        version: 1,
        created_at: window.created_at(),
    };
    let bnnk = org(format!("BNNK {}", regency.name), OrgType::Bnn);
    let community = org(
        format!("Agen Pemulihan {}", regency.name),
        OrgType::Community,
    );
    let user = |username: String, name: String, role, org_id, scope| User {
        id: UserId::new(),
        username,
        display_name: name,
        role,
        org_id,
        scope,
        password_hash: password_hash.to_owned(),
        disabled: false,
        must_change_password: false,
        totp: None,
        link: None,
        version: 1,
        created_at: window.created_at(),
    };
    let coordinator = user(
        format!("demo.coord.{series}"),
        format!("Koordinator {}", regency.name),
        Role::Coordinator,
        bnnk.id,
        Scope::Region(regency.code.clone()),
    );
    let mut out = Programme {
        org: bnnk.id,
        coordinator: coordinator.id,
        agents: BTreeMap::new(),
    };
    bulk.users.push(coordinator);
    for village in villages {
        if !rng.gen_bool(UNIT_SHARE) {
            continue;
        }
        let digits = village.code.as_str().replace('.', "");
        let founded = window.day(rng.gen_range(0..window.days() / 2));
        let attendees = BTreeMap::from([("village_head".to_owned(), 1), ("agent".to_owned(), 5)]);
        let founding = FoundingMeeting::parse(founded, "Balai desa", &attendees, window.to)
            .map_err(internal)?;
        let unit = Unit {
            id: UnitId::new(),
            village: village.code.clone(),
            founding: serde_json::to_string(&founding).map_err(internal)?,
            decree: (
                format!("SK/{digits}/IBM"),
                founded,
                "Kepala Desa".to_owned(),
            ),
            recorded_by: out.coordinator,
            recorded_at: window.at(founded),
        };
        let mut agents = Vec::new();
        for i in 0..rng.gen_range(3..=5) {
            let agent = user(
                format!("demo.agent.{digits}.{i}"),
                format!("Agen {} {}", village.name, i + 1),
                Role::Agent,
                community.id,
                Scope::Region(village.code.clone()),
            );
            bulk.members.push(Member {
                unit: unit.id,
                user: agent.id,
                display_name: agent.display_name.clone(),
                phone: None,
                sex: if rng.gen_bool(0.6) { "male" } else { "female" }.to_owned(),
                age_band: (*["15_24", "25_44", "45_plus"]
                    .choose(rng)
                    .unwrap_or(&"25_44"))
                .to_owned(),
                status: "active".to_owned(),
                joined_on: founded,
                version: 1,
            });
            agents.push(agent.id);
            bulk.users.push(agent);
        }
        activities(rng, bulk, &unit, &agents, window)?;
        out.agents.insert(village.code.clone(), agents);
        bulk.units.push(unit);
    }
    bulk.orgs.extend([bnnk, community]);
    Ok(out)
}

/// Awareness sessions and outreach of `unit` from its founding on.
fn activities(
    rng: &mut StdRng,
    bulk: &mut Bulk,
    unit: &Unit,
    agents: &[UserId],
    window: &Window,
) -> AppResult<()> {
    let founded = unit.decree.1;
    let span = (window.to - founded).num_days().max(1);
    let n = rng.gen_range(4..=12);
    for _ in 0..n {
        let held_on: NaiveDate = founded
            .checked_add_days(Days::new(rng.gen_range(0..span).unsigned_abs()))
            .unwrap_or(founded);
        let raw = if rng.gen_bool(0.45) {
            let (male, female) = (rng.gen_range(5..60), rng.gen_range(5..60));
            RawActivity {
                kind: "awareness".into(),
                level: Some(
                    (*["desa", "dusun", "rt", "school"]
                        .choose(rng)
                        .unwrap_or(&"desa"))
                    .into(),
                ),
                total: Some(male + female),
                male: Some(male),
                female: Some(female),
                ..RawActivity::default()
            }
        } else {
            let reached = rng.gen_range(1..25);
            RawActivity {
                kind: "outreach".into(),
                reached: Some(reached),
                agreed_to_screening: Some(rng.gen_range(0..=reached)),
                ..RawActivity::default()
            }
        };
        let detail = ActivityDetail::parse(&raw).map_err(internal)?;
        bulk.activities.push(ActivityRow {
            id: ActivityId::new(),
            unit: unit.id,
            village: unit.village.clone(),
            kind: detail.kind().key().into(),
            held_on,
            detail: serde_json::to_string(&detail).map_err(internal)?,
            people: i64::from(detail.people()),
            accompanied_by: None,
            recorded_by: *agents.choose(rng).unwrap_or(&unit.recorded_by),
            recorded_at: window.at(held_on),
        });
    }
    Ok(())
}
