//! The one authorisation decision: may this actor do this action to a record placed here?
//! Every use-case asks it; list queries apply the same scope as a filter in SQL.

use crate::account::Role;
use crate::ids::{OrgId, UserId};
use crate::region::Scope;

/// The authenticated user on whose behalf a use-case runs.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The user's id.
    pub user_id: UserId,
    /// The user's organisation.
    pub org_id: OrgId,
    /// The user's role.
    pub role: Role,
    /// The part of the region tree the user works in.
    pub scope: Scope,
    /// A disabled user may do nothing at all.
    pub disabled: bool,
}

/// Something a user may try to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Browse and search the region tree.
    ViewRegions,
    /// Replace the region tree from a new decree.
    ImportRegions,
    /// List and read organisations.
    ViewOrgs,
    /// Create or change organisations.
    ManageOrgs,
    /// See user accounts, which name people.
    ViewUsers,
    /// Create users, change roles, disable, reset passwords.
    ManageUsers,
    /// Invite, reset or disable the accounts of field workers (agents and counsellors):
    /// coordinators of their area as well as administrators.
    ManageFieldWorkers,
    /// Read and verify the audit log.
    ViewAudit,
    /// Change one's own password and revoke one's own tokens.
    ManageOwnAccount,
    /// Review break-glass accesses to client records.
    ReviewBreakGlass,
    /// See the village programme: assessments of places, their history.
    ViewProgramme,
    /// Assess a village (IKN).
    AssessVillage,
    /// Approve an assessment, or assess a regency or city (IKOTAN).
    ApproveAssessment,
    /// Change the programme's rules, e.g. the IKN thresholds (national).
    ConfigureProgramme,
    /// Nominate, designate, evaluate or revoke Bersinar villages and set yearly targets.
    ManageBersinar,
    /// Form IBM units, manage their members and run their bimtek trainings.
    ManageUnits,
    /// Record an IBM unit's activities (agents: only for their own unit).
    RecordActivity,
    /// Record the own awareness sessions and outreach of a BNNK or BNNP office: its
    /// coordinators and counsellors, whose organisation is the office
    /// (`crate::programme::office_activity`).
    RecordOfficeActivity,
    /// Add schools of the Teman Sebaya programme, count their peer educators, record
    /// their sessions.
    RecordPeerProgramme,
    /// List services in the partner directory (partners: only their own organisation's).
    ManageServices,
    /// Record enforcement hand-offs (arrest, TAT assessment, Lapas release) and list
    /// one's own organisation's: police liaisons only, on the enforcement side of the wall.
    RecordHandoff,
    /// See re-arrest linkage counts (exact for coordinators, small cells suppressed for
    /// analysts); never police liaisons, who record the hand-offs (`crate::linkage`).
    ViewLinkage,
    /// See outcome figures of a region, e.g. the share not relapsed after aftercare
    /// (analysts: with small cells suppressed).
    ViewOutcomes,
    /// Search the partner directory: whoever refers clients or receives referrals.
    FindServices,
    /// Import services into the partner directory from an Open Referral (HSDS) file.
    ImportServices,
    /// Open the dashboard of a region in scope: every role; what it shows depends on the
    /// role (see `pulih_app::dashboard`).
    ViewDashboard,
    /// Read coordination meetings (rakor) and MoUs placed in scope; any user of a role
    /// allowed it also reads those naming its organisation (`crate::coordination`).
    ViewCoordination,
    /// Record coordination meetings, their action items and MoUs, and change them.
    ManageCoordination,
    /// Record a region's local regulations and take their lifecycle's steps
    /// (coordinators and administrators of the region); reading them is `ViewProgramme`.
    ManageRegulations,
    /// Supervise IBM agents: record supervision visits to units, read them and each
    /// agent's work (`crate::programme::supervision`).
    SuperviseAgents,
    /// See how the notifications sent out by e-mail and SMS/WhatsApp fare: counts per
    /// channel and state with the last error kind (administrators).
    ViewDeliveries,
}

/// Why an action was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// The account is disabled.
    #[error("account disabled")]
    Disabled,
    /// The role does not allow the action anywhere.
    #[error("role does not allow this action")]
    Role,
    /// The record lies outside the user's region scope.
    #[error("record outside the user's region scope")]
    Scope,
}

/// Whether `role` may ever perform `action`, wherever the record is.
const fn role_allows(role: Role, action: Action) -> bool {
    use Action::*;
    match action {
        ViewRegions | ViewOrgs | ManageOwnAccount | ViewDashboard => true,
        ViewUsers | ManageFieldWorkers => matches!(role, Role::Admin | Role::Coordinator),
        ImportRegions | ManageOrgs | ManageUsers | ViewAudit | ReviewBreakGlass
        | ConfigureProgramme | ViewDeliveries => matches!(role, Role::Admin),
        ViewProgramme => matches!(
            role,
            Role::Admin | Role::Coordinator | Role::Agent | Role::Analyst
        ),
        AssessVillage | RecordActivity | RecordPeerProgramme => {
            matches!(role, Role::Coordinator | Role::Agent)
        }
        ApproveAssessment | ManageBersinar | ManageUnits => matches!(role, Role::Coordinator),
        RecordOfficeActivity => matches!(role, Role::Coordinator | Role::Counsellor),
        ManageServices => matches!(role, Role::Admin | Role::Coordinator | Role::Partner),
        RecordHandoff => matches!(role, Role::PoliceLiaison),
        ViewLinkage => matches!(role, Role::Coordinator | Role::Analyst),
        ViewOutcomes => matches!(role, Role::Admin | Role::Coordinator | Role::Analyst),
        FindServices => matches!(
            role,
            Role::Admin | Role::Coordinator | Role::Counsellor | Role::Agent | Role::Partner
        ),
        ImportServices => matches!(role, Role::Admin | Role::Coordinator),
        ViewCoordination => matches!(
            role,
            Role::Admin
                | Role::Coordinator
                | Role::Counsellor
                | Role::Partner
                | Role::PoliceLiaison
        ),
        ManageCoordination => matches!(role, Role::Coordinator),
        ManageRegulations => matches!(role, Role::Admin | Role::Coordinator),
        SuperviseAgents => matches!(role, Role::Coordinator),
    }
}

impl Action {
    /// What managing an account of `role` takes: field workers' accounts are managed by
    /// the coordinators of their area too, every other account by administrators only.
    pub const fn manage_account(role: Role) -> Self {
        match role {
            Role::Agent | Role::Counsellor => Self::ManageFieldWorkers,
            _ => Self::ManageUsers,
        }
    }
}

/// Whether the action is reference data readable across the whole tree.
const fn unscoped(action: Action) -> bool {
    matches!(action, Action::ViewRegions | Action::ManageOwnAccount)
}

/// Decides whether `actor` may perform `action` on a record placed at `place`.
/// Reads of reference data are allowed everywhere; everything else must lie in scope;
/// importing the national region tree needs national scope.
pub fn authorize(actor: &Actor, action: Action, place: &Scope) -> Result<(), Denied> {
    if actor.disabled {
        return Err(Denied::Disabled);
    }
    if !role_allows(actor.role, action) {
        return Err(Denied::Role);
    }
    if unscoped(action) || actor.scope.includes(place) {
        Ok(())
    } else {
        Err(Denied::Scope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::region::RegionCode;
    use proptest::prelude::*;

    const ACTIONS: [Action; 31] = [
        Action::RecordOfficeActivity,
        Action::ViewDeliveries,
        Action::ManageRegulations,
        Action::SuperviseAgents,
        Action::ManageFieldWorkers,
        Action::ViewCoordination,
        Action::ManageCoordination,
        Action::ViewDashboard,
        Action::RecordHandoff,
        Action::ViewLinkage,
        Action::ViewOutcomes,
        Action::ManageServices,
        Action::FindServices,
        Action::ImportServices,
        Action::ManageUnits,
        Action::RecordActivity,
        Action::ManageBersinar,
        Action::ReviewBreakGlass,
        Action::ViewProgramme,
        Action::AssessVillage,
        Action::ApproveAssessment,
        Action::ConfigureProgramme,
        Action::ViewRegions,
        Action::ImportRegions,
        Action::ViewOrgs,
        Action::ManageOrgs,
        Action::ViewUsers,
        Action::ManageUsers,
        Action::ViewAudit,
        Action::ManageOwnAccount,
        Action::RecordPeerProgramme,
    ];

    fn regency(p: u32, k: u32) -> RegionCode {
        RegionCode::parse(&format!("{p:02}.{k:02}")).expect("valid")
    }

    fn actor(role: Role, scope: Scope, disabled: bool) -> Actor {
        Actor {
            user_id: UserId::new(),
            org_id: OrgId::new(),
            role,
            scope,
            disabled,
        }
    }

    fn any_role() -> impl Strategy<Value = Role> {
        proptest::sample::select(Role::ALL.to_vec())
    }

    fn any_action() -> impl Strategy<Value = Action> {
        proptest::sample::select(ACTIONS.to_vec())
    }

    proptest! {
        #[test]
        fn a_regency_user_never_touches_another_regency(
            role in any_role(), action in any_action(),
            (p, k, p2, k2) in (11u32..95, 1u32..80, 11u32..95, 1u32..80).prop_filter("different", |(p, k, p2, k2)| (p, k) != (p2, k2)),
            district in 1u32..40, village in 1001u32..2999,
        ) {
            let me = actor(role, Scope::Region(regency(p, k)), false);
            let there = RegionCode::parse(&format!("{p2:02}.{k2:02}.{district:02}.{village:04}")).expect("valid");
            let result = authorize(&me, action, &Scope::Region(there));
            prop_assert!(result.is_err() || unscoped(action));
            prop_assert!(authorize(&me, action, &Scope::National).is_err() || unscoped(action));
        }

        #[test]
        fn a_disabled_user_can_do_nothing(role in any_role(), action in any_action()) {
            let me = actor(role, Scope::National, true);
            prop_assert_eq!(authorize(&me, action, &Scope::National), Err(Denied::Disabled));
        }

        #[test]
        fn analysts_and_police_never_see_identities(national in any::<bool>(), p in 11u32..95, k in 1u32..80) {
            let scope = if national { Scope::National } else { Scope::Region(regency(p, k)) };
            for role in [Role::Analyst, Role::PoliceLiaison] {
                let me = actor(role, scope.clone(), false);
                prop_assert_eq!(authorize(&me, Action::ViewUsers, &scope), Err(Denied::Role));
            }
        }
    }

    #[test]
    fn only_police_liaisons_record_hand_offs_and_they_never_read_the_linkage() {
        let batam = Scope::Region(regency(21, 71));
        for role in Role::ALL {
            let me = actor(role, batam.clone(), false);
            let allowed = authorize(&me, Action::RecordHandoff, &batam).is_ok();
            assert_eq!(allowed, role == Role::PoliceLiaison, "{role:?}");
        }
        for role in Role::ALL {
            let me = actor(role, batam.clone(), false);
            let reads = authorize(&me, Action::ViewLinkage, &batam).is_ok();
            assert_eq!(
                reads,
                matches!(role, Role::Coordinator | Role::Analyst),
                "{role:?}: whoever writes the linkage's inputs never reads its outputs"
            );
            assert!(!(reads && authorize(&me, Action::RecordHandoff, &batam).is_ok()));
        }
        let liaison = actor(Role::PoliceLiaison, batam, false);
        let elsewhere = Scope::Region(regency(61, 3));
        assert_eq!(
            authorize(&liaison, Action::RecordHandoff, &elsewhere),
            Err(Denied::Scope)
        );
    }

    #[test]
    fn an_admin_manages_users_inside_its_scope_only() {
        let me = actor(Role::Admin, Scope::Region(regency(21, 71)), false);
        let inside = Scope::Region(RegionCode::parse("21.71.01").expect("valid"));
        assert_eq!(authorize(&me, Action::ManageUsers, &inside), Ok(()));
        assert_eq!(
            authorize(&me, Action::ManageUsers, &Scope::Region(regency(61, 3))),
            Err(Denied::Scope)
        );
        assert_eq!(
            authorize(&me, Action::ImportRegions, &Scope::National),
            Err(Denied::Scope)
        );
    }

    #[test]
    fn coordinators_manage_the_accounts_of_field_workers_only() {
        let batam = Scope::Region(regency(21, 71));
        let coordinator = actor(Role::Coordinator, batam.clone(), false);
        let admin = actor(Role::Admin, batam.clone(), false);
        for target in Role::ALL {
            let action = Action::manage_account(target);
            assert_eq!(
                authorize(&coordinator, action, &batam).is_ok(),
                matches!(target, Role::Agent | Role::Counsellor),
                "{target:?}"
            );
            assert_eq!(authorize(&admin, action, &batam), Ok(()));
            for other in [Role::Counsellor, Role::Agent, Role::Partner, Role::Analyst] {
                let me = actor(other, batam.clone(), false);
                assert_eq!(authorize(&me, action, &batam), Err(Denied::Role));
            }
        }
        let sanggau = Scope::Region(regency(61, 3));
        assert_eq!(
            authorize(&coordinator, Action::manage_account(Role::Agent), &sanggau),
            Err(Denied::Scope)
        );
    }

    #[test]
    fn everyone_who_refers_or_receives_referrals_finds_services_and_only_staff_import() {
        let here = Scope::Region(regency(21, 71));
        for role in Role::ALL {
            let me = actor(role, here.clone(), false);
            let refers = !matches!(role, Role::Analyst | Role::PoliceLiaison);
            assert_eq!(
                authorize(&me, Action::FindServices, &here).is_ok(),
                refers,
                "{role:?}"
            );
            assert_eq!(
                authorize(&me, Action::ImportServices, &here).is_ok(),
                matches!(role, Role::Admin | Role::Coordinator),
                "{role:?}"
            );
        }
    }

    #[test]
    fn the_peer_programme_is_recorded_in_its_village_and_viewed_by_analysts() {
        let village = Scope::Region(RegionCode::parse("21.71.01.1001").expect("valid"));
        let next_door = Scope::Region(RegionCode::parse("21.71.01.1002").expect("valid"));
        let agent = actor(Role::Agent, village.clone(), false);
        assert_eq!(
            authorize(&agent, Action::RecordPeerProgramme, &village),
            Ok(())
        );
        assert_eq!(
            authorize(&agent, Action::RecordPeerProgramme, &next_door),
            Err(Denied::Scope)
        );
        let analyst = actor(Role::Analyst, Scope::Region(regency(21, 71)), false);
        assert_eq!(authorize(&analyst, Action::ViewProgramme, &village), Ok(()));
        assert_eq!(
            authorize(&analyst, Action::RecordPeerProgramme, &village),
            Err(Denied::Role)
        );
    }

    #[test]
    fn office_activities_are_recorded_by_office_staff_never_by_agents() {
        let sanggau = Scope::Region(regency(61, 3));
        let binjai = Scope::Region(RegionCode::parse("61.03.10.2010").expect("valid"));
        for role in [Role::Coordinator, Role::Counsellor] {
            let staff = actor(role, sanggau.clone(), false);
            assert_eq!(
                authorize(&staff, Action::RecordOfficeActivity, &binjai),
                Ok(())
            );
        }
        for role in [Role::Agent, Role::Analyst, Role::Admin, Role::Partner] {
            let other = actor(role, binjai.clone(), false);
            assert_eq!(
                authorize(&other, Action::RecordOfficeActivity, &binjai),
                Err(Denied::Role)
            );
        }
        let batam = actor(Role::Coordinator, Scope::Region(regency(21, 71)), false);
        assert_eq!(
            authorize(&batam, Action::RecordOfficeActivity, &binjai),
            Err(Denied::Scope)
        );
    }
}
