//! The partner directory as stored: services offered by organisations, with the regions
//! they serve.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pulih_domain::ids::{OrgId, ServiceId, UserId};
use pulih_domain::region::{RegionCode, Scope};

use crate::StoreResult;

/// A service offered by an organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct PartnerService {
    /// Id.
    pub id: ServiceId,
    /// The organisation offering it.
    pub org: OrgId,
    /// The organisation's name (read with the service).
    pub org_name: String,
    /// The service's name.
    pub name: String,
    /// Its service type key.
    pub service: String,
    /// The regions it serves, each covering everything below it.
    pub areas: Vec<RegionCode>,
    /// How many places, if known.
    pub capacity: Option<i64>,
    /// Phone, e-mail or address.
    pub contact: String,
    /// Opening hours.
    pub hours: Option<String>,
    /// Who listed it.
    pub recorded_by: UserId,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

/// What to look for in the directory.
#[derive(Debug, Clone, Default)]
pub struct ServiceQuery {
    /// Only this service type.
    pub service: Option<String>,
    /// Only services whose area covers this region: the region and its ancestors, any of
    /// which may be listed as an area.
    pub covering: Vec<RegionCode>,
    /// At most this many.
    pub limit: i64,
}

/// Storage of the partner directory.
#[async_trait]
pub trait DirectoryStore: Send + Sync {
    /// One service by id.
    async fn service(&self, id: ServiceId) -> StoreResult<Option<PartnerService>>;
    /// Services matching the query, by organisation name and service name.
    async fn search_services(&self, query: &ServiceQuery) -> StoreResult<Vec<PartnerService>>;
    /// Every service of the organisations placed in `scope` (only `org`'s when given), by
    /// organisation name, service name and id: what an export holds.
    async fn services_of_orgs(
        &self,
        scope: &Scope,
        org: Option<OrgId>,
    ) -> StoreResult<Vec<PartnerService>>;
    /// The places (capacity) of the services of each of `types` (keys) serving any part
    /// of `node` (the nation when none), by type key; types with none are absent.
    async fn places_serving(
        &self,
        node: Option<&RegionCode>,
        types: &[String],
    ) -> StoreResult<Vec<(String, i64)>>;
}

/// Writes of the partner directory inside a [`Tx`](crate::Tx).
#[async_trait]
pub trait DirectoryTx: Send {
    /// Adds a service (a new id, version 1) or replaces it with its areas (a known id,
    /// version raised); returns the version. An unknown organisation is a
    /// `MissingReference`.
    async fn put_service(&mut self, service: &PartnerService) -> StoreResult<i64>;
}
