//! FHIR R4 export of one client's record (`docs/FHIR.md`): a `collection` bundle of the
//! `Patient`, an `EpisodeOfCare` per episode, an `Observation` per ASSIST substance score
//! and per BARC-10 total, a `CarePlan` per aftercare or care plan, and a
//! `ServiceRequest` and a `Task` per referral.
//!
//! **Consent.** The record leaves Pulih for the health system only while the client's
//! consent in force covers sharing with health services: Pulih's consent has no purpose
//! of that name, so the closest scope stands for it, sharing with Dinas Kesehatan
//! ([`pulih_domain::consent::HEALTH_SERVICES`]), the health authority behind puskesmas,
//! hospitals and SATUSEHAT. That same consent covers the NIK, which goes under
//! SATUSEHAT's system. Without it the export is refused (403) before any of the record
//! is read, and nothing is written; a client out of reach gets the same answer as any
//! other read of the record, and break-glass access does not reach an export.
//!
//! A read that is answered is audited like any other read of the record
//! (`client.record.read`, view `fhir`). The mapping itself ([`map`]) is pure, so a bulk
//! export can map each client alike and write the resources by type.

pub mod codes;
pub mod map;
pub mod resources;

use pulih_domain::authz::{Actor, Denied};
use pulih_domain::client_access::ClientAction;
use pulih_domain::ids::ClientId;
use pulih_store::ReferralQuery;

pub use map::{ClientData, Link, bundle};
pub use resources::{Bundle, Resource};

use crate::referrals::LIST_LIMIT;
use crate::{App, AppError, AppResult, Origin, View};

impl App {
    /// One client's record as a FHIR R4 `collection` bundle, for a user who may read
    /// the record of a client whose consent covers sharing with health services.
    #[tracing::instrument(skip_all, fields(client = %id))]
    pub async fn client_fhir(
        &self,
        actor: &Actor,
        id: ClientId,
        origin: &Origin,
    ) -> AppResult<Bundle> {
        let reached = self.reach_client(actor, id, ClientAction::View).await?;
        if reached.break_glass {
            return Err(AppError::Forbidden(Denied::Scope));
        }
        let row = &reached.row;
        if row.erased_at.is_some() {
            return Err(AppError::Conflict("conflict.client_erased"));
        }
        if !self.consent_today(row).await?.health_services() {
            return Err(AppError::NotConsented("error.fhir_consent"));
        }
        let query = ReferralQuery {
            client: Some(id),
            limit: LIST_LIMIT,
            ..ReferralQuery::default()
        };
        let identity = self.identity_of(row)?;
        let (timeline, referrals) = futures::try_join!(self.timeline(row), async {
            Ok(self.store.referrals(&query).await?)
        })?;
        self.audit_read(actor, &reached, View::Fhir, origin).await?;
        let data = ClientData {
            id,
            code: &row.code,
            nik: identity.as_ref().and_then(|i| i.nik.as_deref()),
            timeline: &timeline,
            referrals: &referrals,
        };
        Ok(bundle(map::resources(&data, Link::Bundle), self.now()))
    }
}
