//! IBM units: a coordinator forms one in a village (founding meeting, decree, agents),
//! keeps its agents' profiles and status, runs bimtek trainings ([`training`]), and the
//! unit records its activities ([`activities`]), naming the BNNK officer who went along
//! ([`officers`]), and corrects or voids them within a week ([`corrections`]).
//! A coordinator also invites a new agent straight into a unit ([`invitations`]).
//! Coordinators supervise the agents: visits to the unit and each agent's work
//! ([`supervision`]).

mod activities;
mod corrections;
mod invitations;
mod officers;
mod supervision;
mod training;

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use pulih_domain::account::Role;
use pulih_domain::authz::{Action, Actor, Denied, authorize};
use pulih_domain::ids::{UnitId, UserId};
use pulih_domain::programme::bersinar::Decree;
use pulih_domain::programme::unit::{AgentProfile, FoundingMeeting, MemberStatus, serves_village};
use pulih_domain::region::{RegionCode, RegionLevel, Scope};
use pulih_domain::rollup::Tally;
use pulih_store::{Member, StoreError, Unit};
use serde::{Deserialize, Serialize};
use serde_json::json;

pub(crate) use activities::parse_activity;
pub use activities::{ActivityInput, ActivityView};
pub use invitations::AgentInvitation;
pub use officers::Officer;
pub use supervision::{AgentView, SupervisionInput, SupervisionVisitView};
pub use training::{AttendanceInput, TrainingInput, TrainingView};

use crate::error::Fields;
use crate::{App, AppError, AppResult, Origin, Record};

/// A unit as formed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitInput {
    /// The founding meeting's date, `YYYY-MM-DD`.
    #[serde(default)]
    pub founded_on: String,
    /// Where it was held.
    #[serde(default)]
    pub place: String,
    /// How many attended, by role key.
    #[serde(default)]
    pub attendees: BTreeMap<String, u32>,
    /// The decree's number.
    #[serde(default)]
    pub decree_number: String,
    /// Its date, `YYYY-MM-DD`.
    #[serde(default)]
    pub decree_date: String,
    /// Who signed it.
    #[serde(default)]
    pub decree_signed_by: String,
    /// The first agents.
    #[serde(default)]
    pub members: Vec<MemberInput>,
}

/// An agent joining a unit.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberInput {
    /// The agent's user id.
    #[serde(default)]
    pub user_id: String,
    /// Phone number.
    #[serde(default)]
    pub phone: Option<String>,
    /// `male` or `female`.
    #[serde(default)]
    pub sex: String,
    /// Age band key.
    #[serde(default)]
    pub age_band: String,
}

/// A change to an agent's profile or status, from the version read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberChange {
    /// Phone number.
    #[serde(default)]
    pub phone: Option<String>,
    /// `male` or `female`.
    #[serde(default)]
    pub sex: String,
    /// Age band key.
    #[serde(default)]
    pub age_band: String,
    /// `active`, `inactive` or `resigned`.
    #[serde(default)]
    pub status: String,
    /// The version read.
    #[serde(default)]
    pub version: i64,
}

/// A unit as shown.
#[derive(Debug, Clone, Serialize)]
pub struct UnitView {
    /// Id.
    pub id: UnitId,
    /// Its village.
    pub village: RegionCode,
    /// The founding meeting.
    pub founding: FoundingMeeting,
    /// The decree's number.
    pub decree_number: String,
    /// Its date.
    pub decree_date: NaiveDate,
    /// Who signed it.
    pub decree_signed_by: String,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// Its agents, by name.
    pub members: Vec<MemberView>,
    /// Its trainings, newest first.
    pub trainings: Vec<TrainingView>,
}

impl UnitView {
    /// How many of its agents hold a bimtek certificate.
    pub fn trained_count(&self) -> usize {
        self.members.iter().filter(|m| m.trained).count()
    }
}

/// An agent as shown. The phone number only to those who manage the unit.
#[derive(Debug, Clone, Serialize)]
pub struct MemberView {
    /// The agent's user id.
    pub user_id: UserId,
    /// The agent's name.
    pub display_name: String,
    /// Phone number, for managers only.
    pub phone: Option<String>,
    /// `male` or `female`.
    pub sex: String,
    /// Age band key.
    pub age_band: String,
    /// `active`, `inactive` or `resigned`.
    pub status: String,
    /// When the agent joined.
    pub joined_on: NaiveDate,
    /// Version, for changes.
    pub version: i64,
    /// Whether the agent holds a bimtek certificate.
    pub trained: bool,
}

fn internal(e: serde_json::Error) -> AppError {
    AppError::Internal(format!("unit json: {e}"))
}

fn unit_record(unit: &Unit) -> Record<'_> {
    Record {
        kind: "unit",
        id: Some(unit.id.to_string()),
        region: unit.village.as_str(),
    }
}

impl App {
    /// A coordinator forms the IBM unit of a village in its scope, with its first agents.
    #[tracing::instrument(skip_all)]
    pub async fn form_unit(
        &self,
        actor: &Actor,
        village: &RegionCode,
        input: UnitInput,
        origin: &Origin,
    ) -> AppResult<UnitView> {
        let village = self.live_region(village, RegionLevel::Village).await?;
        authorize(actor, Action::ManageUnits, &Scope::Region(village.clone()))?;
        let today = self.today_in(&village).await?;
        let mut f = Fields::default();
        let founding = f.date("founded_on", &input.founded_on).and_then(|d| {
            let parsed = FoundingMeeting::parse(d, &input.place, &input.attendees, today);
            // the meeting's day is the unit's `founded_on`
            f.check_all(parsed.map_err(|errors| {
                errors
                    .into_iter()
                    .map(|mut e| {
                        if e.field == "held_on" {
                            e.field = "founded_on".into();
                        }
                        e
                    })
                    .collect()
            }))
        });
        let decree = f.date("decree_date", &input.decree_date).and_then(|d| {
            let parsed = Decree::parse(&input.decree_number, d, &input.decree_signed_by, today);
            f.check_all(parsed.map_err(|errors| {
                errors
                    .into_iter()
                    .map(|mut e| {
                        e.field = format!("decree_{}", e.field.replace("issuer", "signed_by"));
                        e
                    })
                    .collect()
            }))
        });
        let unit_id = UnitId::new();
        let mut members = Vec::new();
        let mut seen = HashSet::new();
        for (i, m) in input.members.iter().enumerate() {
            if let Some(member) = self
                .new_member(actor, &mut f, i, (unit_id, &village), m, today)
                .await?
            {
                if seen.insert(member.user) {
                    members.push(member);
                } else {
                    f.add(format!("members.{i}.user_id"), "invalid.member_twice");
                }
            }
        }
        let (Some(founding), Some(decree)) = (founding, decree) else {
            return Err(f.into_error());
        };
        f.finish()?;
        let unit = Unit {
            id: unit_id,
            village: village.clone(),
            founding: serde_json::to_string(&founding).map_err(internal)?,
            decree: (
                decree.number().into(),
                decree.date(),
                decree.issuer().into(),
            ),
            recorded_by: actor.user_id,
            recorded_at: self.now(),
        };
        let detail = json!({ "members": members.len() });
        let event = self.event(Some(actor), "unit.form", unit_record(&unit), origin, detail);
        let stored = unit.clone();
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                tx.insert_unit(&stored, &members).await.map_err(taken)?;
                tx.tally(Tally::of_unit(&stored.village, stored.decree.1));
                tx.audit(event);
                Ok(stored.id)
            })
        })
        .await?;
        self.unit_view(actor, &unit).await
    }

    /// Checks an agent joining the unit of `village`: an enabled agent account the actor
    /// manages, serving the village ([`may_join`]), with a valid profile.
    async fn new_member(
        &self,
        actor: &Actor,
        f: &mut Fields,
        index: usize,
        (unit, village): (UnitId, &RegionCode),
        input: &MemberInput,
        today: NaiveDate,
    ) -> AppResult<Option<Member>> {
        let field = |name: &str| format!("members.{index}.{name}");
        let user = match input.user_id.trim().parse::<UserId>() {
            Ok(id) => self.store.user(id).await?,
            Err(_) => None,
        };
        let fits = user
            .as_ref()
            .is_some_and(|u| may_join(actor, village, u.role, u.disabled, &u.scope));
        if !fits {
            f.add(field("user_id"), "invalid.member_user");
        }
        let profile = AgentProfile::parse(input.phone.as_deref(), &input.sex, &input.age_band);
        let profile = profile.map_err(|errors| {
            for e in errors {
                f.add(field(&e.field), e.key);
            }
        });
        match (user, profile) {
            (Some(user), Ok(p)) if fits => Ok(Some(Member {
                unit,
                user: user.id,
                display_name: user.display_name,
                phone: p.phone().map(str::to_owned),
                sex: p.sex().key().into(),
                age_band: p.age_band().key().into(),
                status: MemberStatus::Active.key().into(),
                joined_on: today,
                version: 1,
            })),
            _ => Ok(None),
        }
    }

    /// Unit `id` for a coordinator who manages units where it is; a unit the actor does
    /// not see at all is the same `NotFound` as an unknown one.
    async fn unit_to_manage(&self, actor: &Actor, id: UnitId) -> AppResult<Unit> {
        let unit = self.store.unit(id).await?.ok_or(AppError::NotFound)?;
        let place = Scope::Region(unit.village.clone());
        authorize(actor, Action::ViewProgramme, &place).map_err(|_| AppError::NotFound)?;
        authorize(actor, Action::ManageUnits, &place)?;
        Ok(unit)
    }

    /// A coordinator adds an agent to a unit in its scope.
    #[tracing::instrument(skip_all, fields(unit = %unit))]
    pub async fn add_unit_member(
        &self,
        actor: &Actor,
        unit: UnitId,
        input: MemberInput,
        origin: &Origin,
    ) -> AppResult<MemberView> {
        let unit = self.unit_to_manage(actor, unit).await?;
        let today = self.today_in(&unit.village).await?;
        let mut f = Fields::default();
        let member = self
            .new_member(actor, &mut f, 0, (unit.id, &unit.village), &input, today)
            .await?;
        let Some(member) = member else {
            return Err(strip_index(f.into_error()));
        };
        let detail = json!({ "member": member.user });
        let event = self.event(
            Some(actor),
            "unit.member_add",
            unit_record(&unit),
            origin,
            detail,
        );
        let stored = member.clone();
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                tx.insert_member(&stored).await.map_err(taken)?;
                tx.audit(event);
                Ok(stored.user)
            })
        })
        .await?;
        Ok(member_view(member, true, false))
    }

    /// A coordinator changes an agent's profile or status, from the version read.
    #[tracing::instrument(skip_all, fields(unit = %unit, user = %user))]
    pub async fn change_unit_member(
        &self,
        actor: &Actor,
        unit: UnitId,
        user: UserId,
        input: MemberChange,
        origin: &Origin,
    ) -> AppResult<MemberView> {
        let unit = self.unit_to_manage(actor, unit).await?;
        let current = self
            .store
            .membership(user)
            .await?
            .filter(|m| m.unit == unit.id)
            .ok_or(AppError::NotFound)?;
        let mut f = Fields::default();
        let profile = f.check_all(AgentProfile::parse(
            input.phone.as_deref(),
            &input.sex,
            &input.age_band,
        ));
        let status = f
            .check("status", MemberStatus::parse(input.status.trim()))
            .and_then(|to| {
                let from = MemberStatus::parse(&current.status).unwrap_or(MemberStatus::Active);
                f.check("status", from.change(to))
            });
        let (Some(profile), Some(status)) = (profile, status) else {
            return Err(f.into_error());
        };
        let changed = Member {
            phone: profile.phone().map(str::to_owned),
            sex: profile.sex().key().into(),
            age_band: profile.age_band().key().into(),
            status: status.key().into(),
            version: input.version,
            ..current
        };
        let detail = json!({ "member": user, "status": status.key() });
        let event = self.event(
            Some(actor),
            "unit.member_change",
            unit_record(&unit),
            origin,
            detail,
        );
        let stored = changed.clone();
        let version = self
            .write(Some(actor), origin, move |tx| {
                Box::pin(async move {
                    let version = tx.update_member(&stored).await?;
                    tx.audit(event);
                    Ok(version)
                })
            })
            .await?;
        Ok(member_view(Member { version, ..changed }, true, false))
    }

    /// The IBM unit of a village, if formed, for anyone who may see the programme there.
    #[tracing::instrument(skip_all)]
    pub async fn village_unit(
        &self,
        actor: &Actor,
        village: &RegionCode,
    ) -> AppResult<Option<UnitView>> {
        let village = self.live_region(village, RegionLevel::Village).await?;
        authorize(
            actor,
            Action::ViewProgramme,
            &Scope::Region(village.clone()),
        )?;
        match self.store.village_unit(&village).await? {
            Some(unit) => Ok(Some(self.unit_view(actor, &unit).await?)),
            None => Ok(None),
        }
    }

    /// One unit by id.
    #[tracing::instrument(skip_all, fields(unit = %id))]
    pub async fn unit(&self, actor: &Actor, id: UnitId) -> AppResult<UnitView> {
        let unit = self.store.unit(id).await?.ok_or(AppError::NotFound)?;
        authorize(
            actor,
            Action::ViewProgramme,
            &Scope::Region(unit.village.clone()),
        )?;
        self.unit_view(actor, &unit).await
    }

    async fn unit_view(&self, actor: &Actor, unit: &Unit) -> AppResult<UnitView> {
        let manager = authorize(
            actor,
            Action::ManageUnits,
            &Scope::Region(unit.village.clone()),
        )
        .is_ok();
        let mut trainings = Vec::new();
        for t in self.store.trainings(unit.id).await? {
            trainings.push(self.training_detail(t).await?);
        }
        let trained: HashSet<UserId> = trainings
            .iter()
            .flat_map(|t| {
                t.agents
                    .iter()
                    .filter(|a| a.certificate.is_some())
                    .map(|a| a.user_id)
            })
            .collect();
        let members = self
            .store
            .members(unit.id)
            .await?
            .into_iter()
            .map(|m| {
                let done = trained.contains(&m.user);
                member_view(m, manager, done)
            })
            .collect();
        let (number, date, signed_by) = unit.decree.clone();
        Ok(UnitView {
            id: unit.id,
            village: unit.village.clone(),
            founding: serde_json::from_str(&unit.founding).map_err(internal)?,
            decree_number: number,
            decree_date: date,
            decree_signed_by: signed_by,
            recorded_at: unit.recorded_at,
            members,
            trainings,
        })
    }

    /// The unit `actor` may record for in `unit`'s name: coordinators any in scope,
    /// agents only their own while active.
    pub(crate) async fn recording_unit(&self, actor: &Actor, unit: UnitId) -> AppResult<Unit> {
        let unit = self.store.unit(unit).await?.ok_or(AppError::NotFound)?;
        authorize(
            actor,
            Action::RecordActivity,
            &Scope::Region(unit.village.clone()),
        )?;
        if actor.role == Role::Agent {
            let own = self.store.membership(actor.user_id).await?;
            let active =
                own.is_some_and(|m| m.unit == unit.id && m.status == MemberStatus::Active.key());
            if !active {
                return Err(AppError::Forbidden(Denied::Scope));
            }
        }
        Ok(unit)
    }

    /// Agents who could join `unit`: enabled agent accounts in the coordinator's scope
    /// serving the village (its own, or its district's or regency's) and in no unit yet.
    #[tracing::instrument(skip_all)]
    pub async fn unit_candidates(
        &self,
        actor: &Actor,
        unit: &UnitView,
    ) -> AppResult<Vec<crate::UserView>> {
        authorize(
            actor,
            Action::ManageUnits,
            &Scope::Region(unit.village.clone()),
        )?;
        let mut out = Vec::new();
        for user in self.list_users(actor).await? {
            let fits = may_join(actor, &unit.village, user.role, user.disabled, &user.scope);
            if fits && self.store.membership(user.id).await?.is_none() {
                out.push(user);
            }
        }
        Ok(out)
    }

    /// The unit of the agent `actor`, if it belongs to one.
    #[tracing::instrument(skip_all)]
    pub async fn my_unit(&self, actor: &Actor) -> AppResult<Option<Unit>> {
        match self.store.membership(actor.user_id).await? {
            Some(m) => Ok(self.store.unit(m.unit).await?),
            None => Ok(None),
        }
    }
}

/// Whether an account may join the unit of `village` by `actor`'s hand: an enabled
/// agent whose scope serves the village (`serves_village`: the village itself or the
/// district or regency around it) and whose account the actor manages, so that a
/// coordinator never places an agent it could not otherwise reach.
pub(crate) fn may_join(
    actor: &Actor,
    village: &RegionCode,
    role: Role,
    disabled: bool,
    scope: &Scope,
) -> bool {
    role == Role::Agent
        && !disabled
        && serves_village(village, scope)
        && authorize(actor, Action::manage_account(role), scope).is_ok()
}

fn member_view(m: Member, manager: bool, trained: bool) -> MemberView {
    MemberView {
        user_id: m.user,
        display_name: m.display_name,
        phone: m.phone.filter(|_| manager),
        sex: m.sex,
        age_band: m.age_band,
        status: m.status,
        joined_on: m.joined_on,
        version: m.version,
        trained,
    }
}

/// Field paths `members.0.x` become `x` for a single member.
fn strip_index(e: AppError) -> AppError {
    match e {
        AppError::Invalid(problems) => AppError::Invalid(
            problems
                .into_iter()
                .map(|mut p| {
                    p.field = p.field.trim_start_matches("members.0.").to_owned().into();
                    p
                })
                .collect(),
        ),
        other => other,
    }
}

/// A village or agent taken by another unit, as the user is told.
fn taken(e: StoreError) -> StoreError {
    match e {
        StoreError::Duplicate("village") => StoreError::Refused("conflict.unit_exists"),
        StoreError::Duplicate("member") => StoreError::Refused("conflict.member_elsewhere"),
        other => other,
    }
}
