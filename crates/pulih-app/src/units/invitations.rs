//! Inviting an agent from its unit's page: in one write the coordinator creates the
//! agent's account, scoped to the unit's village and without a password, adds it to the
//! unit with its profile (phone, sex, age band), and gets the invitation link, shown
//! once, for the agent to set a password on a phone (`crate::links`). A unit outside the
//! coordinator's scope is answered like an unknown one.

use pulih_domain::account::Role;
use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::ids::UnitId;
use pulih_domain::programme::unit::{AgentProfile, MemberStatus};
use pulih_domain::region::Scope;
use pulih_store::Member;
use serde::Deserialize;
use serde_json::json;

use super::{taken, unit_record};
use crate::accounts::NewAccount;
use crate::error::Fields;
use crate::{App, AppError, AppResult, Issued, NewUser, Origin};

/// An agent invited from its unit's page: the account and the unit's profile of it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentInvitation {
    /// Login name.
    #[serde(default)]
    pub username: String,
    /// Name shown to colleagues.
    #[serde(default)]
    pub display_name: String,
    /// Organisation id; empty: the coordinator's own.
    #[serde(default)]
    pub org_id: String,
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

impl App {
    /// A coordinator invites a new agent into a unit in its scope: the account (scoped to
    /// the unit's village), its membership and its invitation link, in one write.
    #[tracing::instrument(skip_all, fields(unit = %unit))]
    pub async fn invite_agent(
        &self,
        actor: &Actor,
        unit: UnitId,
        input: AgentInvitation,
        origin: &Origin,
    ) -> AppResult<Issued> {
        // the role is refused before the id is looked up; the scope like an unknown unit
        authorize(actor, Action::ManageUnits, &actor.scope)?;
        let unit = self
            .store
            .unit(unit)
            .await?
            .filter(|u| {
                let place = Scope::Region(u.village.clone());
                authorize(actor, Action::ManageUnits, &place).is_ok()
            })
            .ok_or(AppError::NotFound)?;
        let today = self.today_in(&unit.village).await?;
        let mut f = Fields::default();
        let profile = f.check_all(AgentProfile::parse(
            input.phone.as_deref(),
            &input.sex,
            &input.age_band,
        ));
        let org_id = match input.org_id.trim() {
            "" => actor.org_id.to_string(),
            given => given.to_owned(),
        };
        let account = NewUser {
            username: input.username,
            display_name: input.display_name,
            role: Role::Agent.as_str().to_owned(),
            org_id,
            scope: unit.village.to_string(),
            password: None,
            confirm_privileged: false,
        };
        let account = match self.new_account(actor, account, origin).await {
            Ok(account) => Some(account),
            Err(AppError::Invalid(problems)) => {
                problems.into_iter().for_each(|p| f.push(p));
                None
            }
            Err(other) => return Err(other),
        };
        let (Some(NewAccount { user, event, link }), Some(profile)) = (account, profile) else {
            return Err(f.into_error());
        };
        let Some((issued, hash, open)) = link else {
            return Err(AppError::Internal("an invitation without a link".into()));
        };
        let member = Member {
            unit: unit.id,
            user: user.id,
            display_name: user.display_name.clone(),
            phone: profile.phone().map(str::to_owned),
            sex: profile.sex().key().into(),
            age_band: profile.age_band().key().into(),
            status: MemberStatus::Active.key().into(),
            joined_on: today,
            version: 1,
        };
        let joined = self.event(
            Some(actor),
            "unit.member_add",
            unit_record(&unit),
            origin,
            json!({ "member": user.id, "invited": true }),
        );
        let id = self
            .write(Some(actor), origin, move |tx| {
                Box::pin(async move {
                    tx.insert_user(&user).await?;
                    tx.set_link(user.id, Some((&hash, open))).await?;
                    tx.insert_member(&member).await.map_err(taken)?;
                    tx.audit(event);
                    tx.audit(joined);
                    Ok(user.id)
                })
            })
            .await?;
        Ok(Issued {
            user: self.store.user(id).await?.ok_or(AppError::NotFound)?.into(),
            link: Some(issued),
        })
    }
}
