//! Organisations: created by administrators inside their scope, listed by scope.

use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::ids::OrgId;
use pulih_domain::org::{OrgName, OrgType};
use pulih_store::Organisation;
use serde_json::json;

use crate::error::Fields;
use crate::{App, AppError, AppResult, Record};

/// An organisation as an administrator types it in.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct NewOrg {
    /// Name.
    pub name: String,
    /// Type name, e.g. `dinsos`.
    pub org_type: String,
    /// `ID` or the region code where it works.
    pub region: String,
}

impl App {
    /// Creates an organisation placed inside the administrator's scope.
    pub async fn create_org(
        &self,
        actor: &Actor,
        input: NewOrg,
        ip: Option<&str>,
    ) -> AppResult<Organisation> {
        authorize(actor, Action::ManageOrgs, &actor.scope)?;
        let mut fields = Fields::default();
        let name = fields.check("name", OrgName::parse(&input.name));
        let org_type = fields.check("org_type", OrgType::parse(&input.org_type));
        let place = self
            .existing_scope(&mut fields, "region", &input.region)
            .await?;
        fields.finish()?;
        let (Some(name), Some(org_type), Some(place)) = (name, org_type, place) else {
            return Err(AppError::Internal("validated fields missing".into()));
        };
        authorize(actor, Action::ManageOrgs, &place)?;
        let org = Organisation {
            id: OrgId::new(),
            name: name.as_str().to_owned(),
            org_type,
            place,
            version: 1,
            created_at: self.now(),
        };
        let record = Record {
            kind: "organisation",
            id: Some(org.id.to_string()),
            region: org.place.as_str(),
        };
        let event = self.event(
            Some(actor),
            "org.create",
            record,
            ip,
            json!({ "org_type": org_type.as_str() }),
        );
        self.store.create_org(&org, &event).await?;
        Ok(org)
    }

    /// Organisations inside the actor's scope.
    pub async fn list_orgs(&self, actor: &Actor) -> AppResult<Vec<Organisation>> {
        authorize(actor, Action::ViewOrgs, &actor.scope)?;
        Ok(self.store.list_orgs(&actor.scope).await?)
    }

    /// One organisation the actor may see; outside its scope it does not exist.
    pub async fn org(&self, actor: &Actor, id: OrgId) -> AppResult<Organisation> {
        let org = self.store.org(id).await?.ok_or(AppError::NotFound)?;
        authorize(actor, Action::ViewOrgs, &org.place).map_err(|_| AppError::NotFound)?;
        Ok(org)
    }
}
