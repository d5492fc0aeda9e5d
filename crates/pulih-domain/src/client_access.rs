//! Who may do what to a client record. Clinical data sits behind a hard wall: only the
//! care roles reach it, each within its scope and, below coordinator, only for clients
//! assigned to it (agents) or to its facility (counsellors). A coordinator may reach a
//! client outside that by break-glass, which is time-limited and reviewed, and only
//! within the province its scope lies in: a code found elsewhere opens nothing.

use crate::account::Role;
use crate::authz::{Actor, Denied};
use crate::client::ClientPlace;
use crate::region::{RegionLevel, Scope};

/// Something a user may try to do with client records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAction {
    /// Register a new client placed here.
    Register,
    /// Read the record (every read is audited).
    View,
    /// Record consent, episodes, screenings and care.
    Record,
    /// Assign the client to a worker.
    Assign,
    /// Erase the client's data on request.
    Erase,
    /// Ask for time-limited access outside one's normal reach.
    BreakGlass,
}

/// The roles that work with clients at all.
pub const fn works_with_clients(role: Role) -> bool {
    matches!(role, Role::Coordinator | Role::Counsellor | Role::Agent)
}

/// Whether `actor` normally reaches a client placed at `place`.
fn reaches(actor: &Actor, place: &ClientPlace) -> bool {
    let in_scope = actor.scope.includes(&Scope::Region(place.region.clone()));
    let assigned = place.assigned_to == Some(actor.user_id);
    in_scope
        && match actor.role {
            Role::Coordinator => true,
            Role::Counsellor => assigned || place.org == actor.org_id,
            Role::Agent => assigned,
            _ => false,
        }
}

/// Whether `actor` may break the glass at all: coordinators only (where the client is
/// counts too, see [`authorize_client`]).
pub fn may_break_glass(actor: &Actor) -> Result<(), Denied> {
    if actor.disabled {
        Err(Denied::Disabled)
    } else if actor.role == Role::Coordinator {
        Ok(())
    } else {
        Err(Denied::Role)
    }
}

/// Whether `place` lies in the province of the actor's scope (anywhere for a national
/// scope): how far break-glass reaches.
fn in_province(actor: &Actor, place: &ClientPlace) -> bool {
    match &actor.scope {
        Scope::National => true,
        Scope::Region(code) => code
            .at_level(RegionLevel::Province)
            .is_some_and(|province| province.contains(&place.region)),
    }
}

/// Whether `actor` may do `action` to any client at all: the part of
/// [`authorize_client`] that does not depend on the client. It is decided before a client
/// is looked up, so that whether one exists is told only to those whose role could reach
/// it; past it, a client out of reach is answered as an unknown one.
pub fn may_act_on_clients(actor: &Actor, action: ClientAction) -> Result<(), Denied> {
    if action == ClientAction::BreakGlass {
        return may_break_glass(actor);
    }
    if actor.disabled {
        return Err(Denied::Disabled);
    }
    if !works_with_clients(actor.role) {
        return Err(Denied::Role);
    }
    match action {
        ClientAction::Assign | ClientAction::Erase if actor.role != Role::Coordinator => {
            Err(Denied::Role)
        }
        _ => Ok(()),
    }
}

/// Decides whether `actor` may perform `action` on a client placed at `place`;
/// `granted` says the actor holds a live break-glass grant for this client.
pub fn authorize_client(
    actor: &Actor,
    action: ClientAction,
    place: &ClientPlace,
    granted: bool,
) -> Result<(), Denied> {
    may_act_on_clients(actor, action)?;
    let in_scope = actor.scope.includes(&Scope::Region(place.region.clone()));
    let allowed = match action {
        ClientAction::BreakGlass => in_province(actor, place),
        ClientAction::Register | ClientAction::Assign | ClientAction::Erase => in_scope,
        ClientAction::View | ClientAction::Record => reaches(actor, place) || granted,
    };
    if allowed { Ok(()) } else { Err(Denied::Scope) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{OrgId, UserId};
    use crate::region::RegionCode;
    use proptest::prelude::*;

    const ACTIONS: [ClientAction; 6] = [
        ClientAction::Register,
        ClientAction::View,
        ClientAction::Record,
        ClientAction::Assign,
        ClientAction::Erase,
        ClientAction::BreakGlass,
    ];

    fn actor(role: Role, scope: &str) -> Actor {
        Actor {
            user_id: UserId::new(),
            org_id: OrgId::new(),
            role,
            scope: Scope::parse(scope).expect("scope"),
            disabled: false,
        }
    }

    fn place(region: &str, org: OrgId, assigned_to: Option<UserId>) -> ClientPlace {
        ClientPlace {
            region: RegionCode::parse(region).expect("code"),
            org,
            assigned_to,
        }
    }

    fn any_role() -> impl Strategy<Value = Role> {
        proptest::sample::select(Role::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn nobody_outside_the_care_roles_ever_touches_a_client(
            role in any_role(), action in proptest::sample::select(ACTIONS.to_vec()), granted in any::<bool>(),
        ) {
            prop_assume!(!works_with_clients(role));
            let me = actor(role, "ID");
            let there = place("21.71", me.org_id, Some(me.user_id));
            prop_assert_eq!(authorize_client(&me, action, &there, granted), Err(Denied::Role));
        }

        #[test]
        fn without_a_grant_another_regency_is_never_reached(
            role in any_role(), k in 1u32..70,
        ) {
            let me = actor(role, "21.71");
            let there = place(&format!("21.{k:02}"), me.org_id, Some(me.user_id));
            for action in [ClientAction::View, ClientAction::Record, ClientAction::Assign, ClientAction::Erase, ClientAction::Register] {
                prop_assert!(authorize_client(&me, action, &there, false).is_err());
            }
        }

        #[test]
        fn an_agent_sees_only_clients_assigned_to_it(assigned in any::<bool>(), same_org in any::<bool>()) {
            let me = actor(Role::Agent, "12.75.01.1001");
            let org = if same_org { me.org_id } else { OrgId::new() };
            let who = if assigned { Some(me.user_id) } else { Some(UserId::new()) };
            let there = place("12.75.01.1001", org, who);
            prop_assert_eq!(authorize_client(&me, ClientAction::View, &there, false).is_ok(), assigned);
        }
    }

    #[test]
    fn a_counsellor_sees_its_facility_and_its_own_clients() {
        let me = actor(Role::Counsellor, "21.71");
        assert!(
            authorize_client(
                &me,
                ClientAction::View,
                &place("21.71.01", me.org_id, None),
                false
            )
            .is_ok()
        );
        assert!(
            authorize_client(
                &me,
                ClientAction::View,
                &place("21.71.01", OrgId::new(), Some(me.user_id)),
                false
            )
            .is_ok()
        );
        assert_eq!(
            authorize_client(
                &me,
                ClientAction::View,
                &place("21.71.01", OrgId::new(), None),
                false
            ),
            Err(Denied::Scope)
        );
        assert_eq!(
            authorize_client(
                &me,
                ClientAction::Erase,
                &place("21.71.01", me.org_id, None),
                false
            ),
            Err(Denied::Role)
        );
    }

    proptest! {
        #[test]
        fn break_glass_reaches_the_coordinators_province_and_no_further(
            scope in proptest::sample::select(vec!["21", "21.71", "21.71.01", "21.71.01.1001"]),
            regency in proptest::sample::select(vec!["21.01", "21.72", "61.03", "12.75"]),
        ) {
            let me = actor(Role::Coordinator, scope);
            let there = place(regency, OrgId::new(), None);
            let result = authorize_client(&me, ClientAction::BreakGlass, &there, false);
            prop_assert_eq!(result.is_ok(), regency.starts_with("21."));
        }
    }

    #[test]
    fn break_glass_lets_a_coordinator_in_only_while_granted() {
        let me = actor(Role::Coordinator, "21.71");
        let far = place("21.01", OrgId::new(), None);
        assert_eq!(
            authorize_client(&me, ClientAction::View, &far, false),
            Err(Denied::Scope)
        );
        assert!(authorize_client(&me, ClientAction::BreakGlass, &far, false).is_ok());
        assert!(authorize_client(&me, ClientAction::View, &far, true).is_ok());
        assert_eq!(
            authorize_client(&me, ClientAction::Erase, &far, true),
            Err(Denied::Scope)
        );
        let counsellor = actor(Role::Counsellor, "21.71");
        assert_eq!(
            authorize_client(&counsellor, ClientAction::BreakGlass, &far, false),
            Err(Denied::Role)
        );
        let elsewhere = place("61.03", OrgId::new(), None);
        assert_eq!(
            authorize_client(&me, ClientAction::BreakGlass, &elsewhere, false),
            Err(Denied::Scope)
        );
        let national = actor(Role::Coordinator, "ID");
        assert!(authorize_client(&national, ClientAction::BreakGlass, &elsewhere, false).is_ok());
    }
}
