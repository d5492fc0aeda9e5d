//! The partner directory: administrators, coordinators and partners (for their own
//! organisation) list services; whoever refers clients or receives referrals searches
//! them by type and by a region they serve; the directory travels as Open Referral HSDS
//! tables (`transfer`).

use pulih_domain::account::Role;
use pulih_domain::authz::{Action, Actor, Denied, authorize};
use pulih_domain::directory::ServiceListing;
use pulih_domain::ids::{OrgId, ServiceId};
use pulih_domain::referral::ServiceType;
use pulih_domain::region::RegionCode;
use pulih_store::{PartnerService, ServiceQuery};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::error::Fields;

mod export;
mod hsds;
mod rows;
mod transfer;

use crate::{App, AppError, AppResult, Origin, Record};
pub use hsds::HsdsFiles;
pub use transfer::DirectoryImport;

/// Most services one search returns.
pub const SEARCH_LIMIT: i64 = 200;

/// A service as listed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceInput {
    /// The organisation offering it.
    #[serde(default)]
    pub org_id: String,
    /// Its name.
    #[serde(default)]
    pub name: String,
    /// Its service type key.
    #[serde(default)]
    pub service: String,
    /// Codes of the regions it serves.
    #[serde(default)]
    pub areas: Vec<String>,
    /// How many places.
    #[serde(default)]
    pub capacity: Option<u32>,
    /// Phone, e-mail or address.
    #[serde(default)]
    pub contact: String,
    /// Opening hours.
    #[serde(default)]
    pub hours: Option<String>,
}

/// A service as shown.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceView {
    /// Id.
    pub id: ServiceId,
    /// The organisation.
    pub org_id: OrgId,
    /// Its name.
    pub org_name: String,
    /// The service's name.
    pub name: String,
    /// Its type.
    pub service: String,
    /// The regions it serves.
    pub areas: Vec<RegionCode>,
    /// How many places.
    pub capacity: Option<i64>,
    /// Phone, e-mail or address.
    pub contact: String,
    /// Opening hours.
    pub hours: Option<String>,
}

impl From<PartnerService> for ServiceView {
    fn from(s: PartnerService) -> Self {
        Self {
            id: s.id,
            org_id: s.org,
            org_name: s.org_name,
            name: s.name,
            service: s.service,
            areas: s.areas,
            capacity: s.capacity,
            contact: s.contact,
            hours: s.hours,
        }
    }
}

impl App {
    /// Lists a service of an organisation in the actor's scope (a partner: its own).
    #[tracing::instrument(skip_all)]
    pub async fn list_service(
        &self,
        actor: &Actor,
        input: ServiceInput,
        origin: &Origin,
    ) -> AppResult<ServiceView> {
        let org = match input.org_id.trim().parse::<OrgId>() {
            Ok(id) => self.store.org(id).await?,
            Err(_) => None,
        };
        let Some(org) = org else {
            return Err(AppError::invalid("org_id", "invalid.org_missing"));
        };
        authorize(actor, Action::ManageServices, &org.place)?;
        if actor.role == Role::Partner && actor.org_id != org.id {
            return Err(AppError::Forbidden(Denied::Scope));
        }
        let mut f = Fields::default();
        let listing = f.check_all(ServiceListing::parse(
            &input.name,
            &input.service,
            &input.areas,
            input.capacity,
            &input.contact,
            input.hours.as_deref(),
        ));
        let Some(listing) = listing else {
            return Err(f.into_error());
        };
        for (i, area) in listing.areas().iter().enumerate() {
            let live = self.region_row(area).await?.is_some_and(|r| !r.retired);
            if !live {
                f.add(format!("areas.{i}"), "invalid.service_area_unknown");
            }
        }
        f.finish()?;
        let service = PartnerService {
            id: ServiceId::new(),
            org: org.id,
            org_name: org.name.clone(),
            name: listing.name().into(),
            service: listing.service().key().into(),
            areas: listing.areas().to_vec(),
            capacity: listing.capacity().map(i64::from),
            contact: listing.contact().into(),
            hours: listing.hours().map(str::to_owned),
            recorded_by: actor.user_id,
            recorded_at: self.now(),
        };
        let record = Record {
            kind: "partner_service",
            id: Some(service.id.to_string()),
            region: org.place.as_str(),
        };
        let detail = json!({ "service": service.service, "areas": service.areas.len() });
        let event = self.event(Some(actor), "directory.list", record, origin, detail);
        let id = self
            .write(Some(actor), origin, move |tx| {
                Box::pin(async move {
                    tx.put_service(&service).await?;
                    tx.audit(event);
                    Ok(service.id)
                })
            })
            .await?;
        let stored = self.store.service(id).await?.ok_or(AppError::NotFound)?;
        Ok(stored.into())
    }

    /// Services of a type (any when none) serving a region (anywhere when none).
    #[tracing::instrument(skip_all)]
    pub async fn search_services(
        &self,
        actor: &Actor,
        service: Option<&str>,
        region: Option<&str>,
    ) -> AppResult<Vec<ServiceView>> {
        authorize(actor, Action::FindServices, &actor.scope)?;
        let mut f = Fields::default();
        let service = match service.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => f
                .check("service", ServiceType::parse(s))
                .map(|t| t.key().to_owned()),
            None => None,
        };
        let covering = match region.map(str::trim).filter(|s| !s.is_empty()) {
            Some(r) => match f.check("region", RegionCode::parse(r)) {
                Some(code) => std::iter::once(code.clone())
                    .chain(code.ancestors())
                    .collect(),
                None => Vec::new(),
            },
            None => Vec::new(),
        };
        f.finish()?;
        let query = ServiceQuery {
            service,
            covering,
            limit: SEARCH_LIMIT,
        };
        let found = self.store.search_services(&query).await?;
        Ok(found.into_iter().map(ServiceView::from).collect())
    }
}
