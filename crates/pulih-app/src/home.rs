//! Each role's home page: what a user opens Pulih for, on one screen. An agent records an
//! activity of its unit and sees its next bimtek; a coordinator sees its area's figures
//! and how much work waits; a counsellor its clients due; a partner the referrals to
//! answer; an administrator of a new installation the steps that set it up.

use pulih_domain::account::Role;
use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::org::OrgType;
use pulih_domain::region::{RegionLevel, Scope};
use pulih_store::ServiceQuery;

use crate::{App, AppResult, Dashboard, WorklistPage};

/// A user's home page.
#[derive(Debug, Clone)]
pub struct Home {
    /// The user's role, which decides what the page shows.
    pub role: Role,
    /// The user's worklist, with the agent's unit and coming bimtek.
    pub work: WorklistPage,
    /// The figures of the user's area this semester (coordinators, analysts).
    pub summary: Option<Dashboard>,
    /// The set-up steps of the installation (administrators).
    pub setup: Option<Setup>,
}

/// The steps that make a new installation usable, each done or not.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Setup {
    /// A BNNK (a BNN office of a regency or city) is registered.
    pub district_office: bool,
    /// A coordinator account exists.
    pub coordinator: bool,
    /// A partner organisation (Dinsos, IPWL, BLK…) is registered.
    pub partners: bool,
    /// The partner directory lists a service.
    pub directory: bool,
}

impl Setup {
    /// Whether every step is done.
    pub fn done(self) -> bool {
        self.district_office && self.coordinator && self.partners && self.directory
    }
}

impl App {
    /// The home page of `actor`.
    #[tracing::instrument(skip_all)]
    pub async fn home(&self, actor: &Actor) -> AppResult<Home> {
        let summary = async {
            if !matches!(actor.role, Role::Coordinator | Role::Analyst) || actor.disabled {
                return Ok(None);
            }
            let node = match &actor.scope {
                Scope::Region(code) => Some(code),
                Scope::National => None,
            };
            self.dashboard(actor, node, None).await.map(Some)
        };
        let setup = async {
            if authorize(actor, Action::ManageUsers, &actor.scope).is_err() {
                return Ok(None);
            }
            self.setup(&actor.scope).await.map(Some)
        };
        let (work, summary, setup) = futures::try_join!(self.worklist_page(actor), summary, setup)?;
        Ok(Home {
            role: actor.role,
            work,
            summary,
            setup,
        })
    }

    /// Which set-up steps are done within `scope`.
    async fn setup(&self, scope: &Scope) -> AppResult<Setup> {
        let any_service = ServiceQuery {
            service: None,
            covering: Vec::new(),
            limit: 1,
        };
        let (orgs, users, services) = futures::try_join!(
            self.store.list_orgs(scope),
            self.store.list_users(scope),
            self.store.search_services(&any_service),
        )?;
        let district_office = orgs.iter().any(|o| {
            o.org_type == OrgType::Bnn
                && matches!(&o.place, Scope::Region(c) if c.level() == RegionLevel::Regency)
        });
        Ok(Setup {
            district_office,
            coordinator: users
                .iter()
                .any(|u| u.role == Role::Coordinator && !u.disabled),
            partners: orgs
                .iter()
                .any(|o| !matches!(o.org_type, OrgType::Bnn | OrgType::Police)),
            directory: !services.is_empty(),
        })
    }
}
