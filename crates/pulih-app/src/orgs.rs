//! Organisations: created by administrators inside their scope, listed by scope.

use pulih_domain::audit::AuditEvent;
use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::ids::OrgId;
use pulih_domain::org::{OrgName, OrgType};
use pulih_store::Organisation;
use serde_json::json;

use crate::error::Fields;
use crate::{App, AppError, AppResult, Origin, Record};

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
    #[tracing::instrument(skip_all)]
    pub async fn create_org(
        &self,
        actor: &Actor,
        input: NewOrg,
        origin: &Origin,
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
            origin,
            json!({ "org_type": org_type.as_str() }),
        );
        let id = self.insert_org(Some(actor), origin, org, event).await?;
        self.store.org(id).await?.ok_or(AppError::NotFound)
    }

    /// Stores a new organisation with its audit event; answers its id.
    pub(crate) async fn insert_org(
        &self,
        actor: Option<&Actor>,
        origin: &Origin,
        org: Organisation,
        event: AuditEvent,
    ) -> AppResult<OrgId> {
        self.write(actor, origin, move |tx| {
            Box::pin(async move {
                tx.insert_org(&org).await?;
                tx.audit(event);
                Ok(org.id)
            })
        })
        .await
    }

    /// Organisations inside the actor's scope.
    #[tracing::instrument(skip_all)]
    pub async fn list_orgs(&self, actor: &Actor) -> AppResult<Vec<Organisation>> {
        authorize(actor, Action::ViewOrgs, &actor.scope)?;
        Ok(self.store.list_orgs(&actor.scope).await?)
    }

    /// One organisation the actor may see; outside its scope it does not exist.
    #[tracing::instrument(skip_all, fields(org = %id))]
    pub async fn org(&self, actor: &Actor, id: OrgId) -> AppResult<Organisation> {
        let org = self.store.org(id).await?.ok_or(AppError::NotFound)?;
        authorize(actor, Action::ViewOrgs, &org.place).map_err(|_| AppError::NotFound)?;
        Ok(org)
    }
}
