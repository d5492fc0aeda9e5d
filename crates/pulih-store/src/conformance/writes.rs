//! Writes as the suite makes them: each one unit of work through [`Store::write`], with
//! the audit event the test gives, and the checks a use-case runs inside it (an open
//! plan, full attendance) taken from the domain's rules.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use pulih_domain::aftercare::plan_open;
use pulih_domain::audit::AuditEvent;
use pulih_domain::client::FactKind;
use pulih_domain::ids::{
    ActivityId, AssessmentId, ClientId, GrantId, ReferralId, SessionId, UserId,
};
use pulih_domain::region::RegionCode;
use pulih_domain::region_import::{ImportPlan, ImportSummary};

use crate::{
    ActivityRow, Assessment, BersinarStep, Boundary, Certificate, ClientFact, ClientRow, Grant,
    GrantReview, Handoff, Member, NewClient, Notification, Organisation, PartnerService, PeerCount,
    PeerSession, Referral, ReferralStep, School, SealedKey, Session, Store, StoreError,
    StoreResult, TrainingRow, Unit, User, UserUpdate, certificates_earned,
};

/// Runs `$body` (an async block over `tx`) as one write with `$event` appended.
macro_rules! unit {
    ($store:expr, $event:expr, |$tx:ident| $body:expr) => {{
        let event: Option<AuditEvent> = $event;
        $store
            .write(None, move |$tx| {
                Box::pin(async move {
                    let out = $body;
                    if let Some(event) = event {
                        $tx.audit(event);
                    }
                    out
                })
            })
            .await
            .map(|written| written.value)
    }};
}

/// The writes of the suite, on any store.
#[async_trait]
pub trait Writes {
    /// An organisation.
    async fn create_org(&self, org: &Organisation, event: &AuditEvent) -> StoreResult<()>;
    /// A user.
    async fn create_user(&self, user: &User, event: &AuditEvent) -> StoreResult<()>;
    /// A change to a user, from the version read.
    async fn update_user(&self, update: &UserUpdate, event: &AuditEvent) -> StoreResult<User>;
    /// A session.
    async fn create_session(&self, s: &Session, hash: &str, event: &AuditEvent) -> StoreResult<()>;
    /// A session revoked.
    async fn revoke_session(&self, id: SessionId, event: &AuditEvent) -> StoreResult<()>;
    /// A region import.
    async fn apply_region_import(
        &self,
        plan: &ImportPlan,
        source: &str,
        event: &AuditEvent,
    ) -> StoreResult<ImportSummary>;
    /// Boundaries.
    async fn put_boundaries(&self, boundaries: &[Boundary], event: &AuditEvent)
    -> StoreResult<u64>;
    /// A client, read back.
    async fn create_client(&self, client: &NewClient, event: &AuditEvent)
    -> StoreResult<ClientRow>;
    /// An assignment, read back.
    async fn assign_client(
        &self,
        id: ClientId,
        version: i64,
        to: Option<UserId>,
        event: &AuditEvent,
    ) -> StoreResult<ClientRow>;
    /// A fact.
    async fn add_fact(&self, fact: &ClientFact, event: &AuditEvent) -> StoreResult<()>;
    /// Facts written together, each with its event.
    async fn add_facts(&self, facts: &[(ClientFact, AuditEvent)]) -> StoreResult<()>;
    /// A plan, refused (`Conflict`) while the client has an open one.
    async fn add_plan(&self, plan: &ClientFact, event: &AuditEvent) -> StoreResult<()>;
    /// An erasure.
    async fn erase_client(&self, id: ClientId, event: &AuditEvent) -> StoreResult<ClientRow>;
    /// A break-glass grant.
    async fn create_grant(&self, grant: &Grant, event: &AuditEvent) -> StoreResult<()>;
    /// A review of a grant, read back.
    async fn review_grant(
        &self,
        id: GrantId,
        review: &GrantReview,
        event: &AuditEvent,
    ) -> StoreResult<Grant>;
    /// A server key, unless one exists.
    async fn init_server_key(&self, purpose: &str, key: &SealedKey) -> StoreResult<SealedKey>;
    /// Keys rewrapped.
    async fn rewrap_keys(
        &self,
        clients: &[(ClientId, String, SealedKey)],
        server: &[(String, String, SealedKey)],
    ) -> StoreResult<u64>;
    /// An assessment.
    async fn add_assessment(&self, a: &Assessment, event: &AuditEvent) -> StoreResult<()>;
    /// An approval.
    async fn approve_assessment(
        &self,
        id: AssessmentId,
        approver: UserId,
        at: DateTime<Utc>,
        event: &AuditEvent,
    ) -> StoreResult<Assessment>;
    /// A Bersinar step.
    async fn add_bersinar_step(&self, step: &BersinarStep, event: &AuditEvent) -> StoreResult<()>;
    /// A yearly target.
    async fn set_target(
        &self,
        regency: &RegionCode,
        year: i32,
        count: i64,
        version: Option<i64>,
        event: &AuditEvent,
    ) -> StoreResult<i64>;
    /// A setting.
    async fn put_setting(
        &self,
        key: &str,
        value: &str,
        version: Option<i64>,
        event: &AuditEvent,
    ) -> StoreResult<i64>;
    /// A unit with its members.
    async fn create_unit(
        &self,
        unit: &Unit,
        members: &[Member],
        event: &AuditEvent,
    ) -> StoreResult<()>;
    /// A member.
    async fn add_member(&self, member: &Member, event: &AuditEvent) -> StoreResult<()>;
    /// A member changed.
    async fn update_member(&self, member: &Member, event: &AuditEvent) -> StoreResult<i64>;
    /// A training.
    async fn add_training(&self, training: &TrainingRow, event: &AuditEvent) -> StoreResult<()>;
    /// A day's attendance and the certificates it earns.
    async fn record_attendance(
        &self,
        training: &TrainingRow,
        day: NaiveDate,
        present: &[UserId],
        event: &AuditEvent,
    ) -> StoreResult<Vec<Certificate>>;
    /// An activity with the facts linking it to clients.
    async fn add_activity(
        &self,
        activity: &ActivityRow,
        links: &[(ClientFact, AuditEvent)],
        event: &AuditEvent,
    ) -> StoreResult<()>;
    /// An activity corrected; returns the people it counted before.
    async fn correct_activity(
        &self,
        activity: &ActivityRow,
        event: &AuditEvent,
    ) -> StoreResult<i64>;
    /// An activity voided.
    async fn void_activity(&self, id: ActivityId, event: &AuditEvent) -> StoreResult<()>;
    /// A school.
    async fn add_school(&self, school: &School, event: &AuditEvent) -> StoreResult<()>;
    /// A peer count.
    async fn add_peer_count(&self, count: &PeerCount, event: &AuditEvent) -> StoreResult<()>;
    /// A peer session.
    async fn add_peer_session(&self, session: &PeerSession, event: &AuditEvent) -> StoreResult<()>;
    /// A service.
    async fn add_service(&self, service: &PartnerService, event: &AuditEvent) -> StoreResult<()>;
    /// Services put together.
    async fn put_services(
        &self,
        services: &[PartnerService],
        event: &AuditEvent,
    ) -> StoreResult<()>;
    /// A referral with its first step and notifications.
    async fn create_referral(
        &self,
        referral: &Referral,
        step: &ReferralStep,
        notify: &[Notification],
        event: &AuditEvent,
    ) -> StoreResult<()>;
    /// A move of a referral.
    async fn move_referral(
        &self,
        version: i64,
        step: &ReferralStep,
        notify: &[Notification],
        event: &AuditEvent,
    ) -> StoreResult<Referral>;
    /// An escalation.
    async fn escalate_referral(
        &self,
        id: ReferralId,
        at: DateTime<Utc>,
        notify: &[Notification],
        event: &AuditEvent,
    ) -> StoreResult<bool>;
    /// Notifications on their own.
    async fn notify(&self, notify: &[Notification]) -> StoreResult<u64>;
    /// Notifications read.
    async fn mark_notifications_read(&self, user: UserId, at: DateTime<Utc>) -> StoreResult<u64>;
    /// Hand-offs.
    async fn add_handoffs(&self, handoffs: &[Handoff], event: &AuditEvent) -> StoreResult<()>;
}

#[async_trait]
impl Writes for dyn Store + '_ {
    async fn create_org(&self, org: &Organisation, event: &AuditEvent) -> StoreResult<()> {
        let org = org.clone();
        unit!(self, Some(event.clone()), |tx| tx.insert_org(&org).await)
    }
    async fn create_user(&self, user: &User, event: &AuditEvent) -> StoreResult<()> {
        let user = user.clone();
        unit!(self, Some(event.clone()), |tx| tx.insert_user(&user).await)
    }
    async fn update_user(&self, update: &UserUpdate, event: &AuditEvent) -> StoreResult<User> {
        let (update, at) = (update.clone(), event.at);
        let id: UserId = unit!(self, Some(event.clone()), |tx| tx
            .update_user(&update, at)
            .await
            .map(|u| u.id))?;
        self.user(id).await?.ok_or(StoreError::NotFound)
    }
    async fn create_session(&self, s: &Session, hash: &str, event: &AuditEvent) -> StoreResult<()> {
        let (s, hash) = (s.clone(), hash.to_owned());
        unit!(self, Some(event.clone()), |tx| tx
            .insert_session(&s, &hash)
            .await)
    }
    async fn revoke_session(&self, id: SessionId, event: &AuditEvent) -> StoreResult<()> {
        let at = event.at;
        unit!(self, Some(event.clone()), |tx| tx
            .revoke_session(id, at)
            .await)
    }
    async fn apply_region_import(
        &self,
        plan: &ImportPlan,
        source: &str,
        event: &AuditEvent,
    ) -> StoreResult<ImportSummary> {
        let (plan, source, at) = (plan.clone(), source.to_owned(), event.at);
        let summary = plan.summary();
        unit!(self, Some(event.clone()), |tx| tx
            .apply_region_import(&plan, &source, at)
            .await
            .map(|_| ()))?;
        Ok(summary)
    }
    async fn put_boundaries(
        &self,
        boundaries: &[Boundary],
        event: &AuditEvent,
    ) -> StoreResult<u64> {
        let boundaries = boundaries.to_vec();
        unit!(self, Some(event.clone()), |tx| tx
            .put_boundaries(&boundaries)
            .await)
    }
    async fn create_client(
        &self,
        client: &NewClient,
        event: &AuditEvent,
    ) -> StoreResult<ClientRow> {
        let client = client.clone();
        let id = client.id;
        unit!(self, Some(event.clone()), |tx| tx
            .insert_client(&client)
            .await
            .map(|_| ()))?;
        self.client(id).await?.ok_or(StoreError::NotFound)
    }
    async fn assign_client(
        &self,
        id: ClientId,
        version: i64,
        to: Option<UserId>,
        event: &AuditEvent,
    ) -> StoreResult<ClientRow> {
        unit!(self, Some(event.clone()), |tx| tx
            .assign_client(id, version, to)
            .await)?;
        self.client(id).await?.ok_or(StoreError::NotFound)
    }
    async fn add_fact(&self, fact: &ClientFact, event: &AuditEvent) -> StoreResult<()> {
        let fact = fact.clone();
        unit!(self, Some(event.clone()), |tx| tx.insert_fact(&fact).await)
    }
    async fn add_facts(&self, facts: &[(ClientFact, AuditEvent)]) -> StoreResult<()> {
        let facts = facts.to_vec();
        unit!(self, None, |tx| {
            for (fact, event) in facts {
                tx.insert_fact(&fact).await?;
                tx.audit(event);
            }
            Ok(())
        })
    }
    async fn add_plan(&self, plan: &ClientFact, event: &AuditEvent) -> StoreResult<()> {
        let plan = plan.clone();
        unit!(self, Some(event.clone()), |tx| {
            let kinds = [FactKind::AftercarePlan, FactKind::AftercareEnd];
            let facts = tx.lock_client(plan.client_id, &kinds).await?;
            let facts: Vec<_> = facts.iter().map(|f| (f.kind, f.id, f.refers_to)).collect();
            if plan_open(&facts) {
                return Err(StoreError::Conflict);
            }
            tx.insert_fact(&plan).await
        })
    }
    async fn erase_client(&self, id: ClientId, event: &AuditEvent) -> StoreResult<ClientRow> {
        let at = event.at;
        unit!(self, Some(event.clone()), |tx| tx
            .erase_client(id, at)
            .await
            .map(|_| ()))?;
        self.client(id).await?.ok_or(StoreError::NotFound)
    }
    async fn create_grant(&self, grant: &Grant, event: &AuditEvent) -> StoreResult<()> {
        let grant = grant.clone();
        unit!(self, Some(event.clone()), |tx| tx
            .insert_grant(&grant)
            .await)
    }
    async fn review_grant(
        &self,
        id: GrantId,
        review: &GrantReview,
        event: &AuditEvent,
    ) -> StoreResult<Grant> {
        let review = review.clone();
        unit!(self, Some(event.clone()), |tx| tx
            .review_grant(id, &review)
            .await)?;
        self.grant(id).await?.ok_or(StoreError::NotFound)
    }
    async fn init_server_key(&self, purpose: &str, key: &SealedKey) -> StoreResult<SealedKey> {
        let (owned, key) = (purpose.to_owned(), key.clone());
        unit!(self, None, |tx| tx
            .init_server_key(&owned, &key)
            .await
            .map(|_| ()))?;
        self.server_key(purpose).await?.ok_or(StoreError::NotFound)
    }
    async fn rewrap_keys(
        &self,
        clients: &[(ClientId, String, SealedKey)],
        server: &[(String, String, SealedKey)],
    ) -> StoreResult<u64> {
        let (clients, server) = (clients.to_vec(), server.to_vec());
        unit!(self, None, |tx| tx.rewrap_keys(&clients, &server).await)
    }
    async fn add_assessment(&self, a: &Assessment, event: &AuditEvent) -> StoreResult<()> {
        let a = a.clone();
        unit!(self, Some(event.clone()), |tx| tx
            .insert_assessment(&a)
            .await)
    }
    async fn approve_assessment(
        &self,
        id: AssessmentId,
        approver: UserId,
        at: DateTime<Utc>,
        event: &AuditEvent,
    ) -> StoreResult<Assessment> {
        unit!(self, Some(event.clone()), |tx| tx
            .approve_assessment(id, approver, at)
            .await
            .map(|_| ()))?;
        self.assessment(id).await?.ok_or(StoreError::NotFound)
    }
    async fn add_bersinar_step(&self, step: &BersinarStep, event: &AuditEvent) -> StoreResult<()> {
        let step = step.clone();
        unit!(self, Some(event.clone()), |tx| tx
            .insert_bersinar_step(&step)
            .await)
    }
    async fn set_target(
        &self,
        regency: &RegionCode,
        year: i32,
        count: i64,
        version: Option<i64>,
        event: &AuditEvent,
    ) -> StoreResult<i64> {
        let (regency, at) = (regency.clone(), event.at);
        unit!(self, Some(event.clone()), |tx| tx
            .set_target(&regency, year, count, version, at)
            .await)
    }
    async fn put_setting(
        &self,
        key: &str,
        value: &str,
        version: Option<i64>,
        event: &AuditEvent,
    ) -> StoreResult<i64> {
        let (key, value, at) = (key.to_owned(), value.to_owned(), event.at);
        unit!(self, Some(event.clone()), |tx| tx
            .put_setting(&key, &value, version, at)
            .await)
    }
    async fn create_unit(
        &self,
        unit: &Unit,
        members: &[Member],
        event: &AuditEvent,
    ) -> StoreResult<()> {
        let (unit, members) = (unit.clone(), members.to_vec());
        unit!(self, Some(event.clone()), |tx| tx
            .insert_unit(&unit, &members)
            .await)
    }
    async fn add_member(&self, member: &Member, event: &AuditEvent) -> StoreResult<()> {
        let member = member.clone();
        unit!(self, Some(event.clone()), |tx| tx
            .insert_member(&member)
            .await)
    }
    async fn update_member(&self, member: &Member, event: &AuditEvent) -> StoreResult<i64> {
        let member = member.clone();
        unit!(self, Some(event.clone()), |tx| tx
            .update_member(&member)
            .await)
    }
    async fn add_training(&self, training: &TrainingRow, event: &AuditEvent) -> StoreResult<()> {
        let training = training.clone();
        unit!(self, Some(event.clone()), |tx| tx
            .insert_training(&training)
            .await)
    }
    async fn record_attendance(
        &self,
        training: &TrainingRow,
        day: NaiveDate,
        present: &[UserId],
        event: &AuditEvent,
    ) -> StoreResult<Vec<Certificate>> {
        let (id, present) = (training.id, present.to_vec());
        let earned: Vec<UserId> = unit!(self, Some(event.clone()), |tx| {
            let (training, attended, issued) = tx.lock_training(id).await?;
            tx.insert_attendance(&training, day, &present).await?;
            let earned = certificates_earned(&training, &attended, &issued, &present, day)
                .map_err(crate::backend)?;
            for certificate in &earned {
                tx.insert_certificate(certificate).await?;
            }
            let earned: Vec<UserId> = earned.iter().map(|c| c.user).collect();
            Ok(earned)
        })?;
        let issued = self.certificates(id).await?;
        Ok(issued
            .into_iter()
            .filter(|c| earned.contains(&c.user))
            .collect())
    }
    async fn add_activity(
        &self,
        activity: &ActivityRow,
        links: &[(ClientFact, AuditEvent)],
        event: &AuditEvent,
    ) -> StoreResult<()> {
        let (activity, links) = (activity.clone(), links.to_vec());
        unit!(self, Some(event.clone()), |tx| {
            tx.insert_activity(&activity).await?;
            for (fact, event) in links {
                tx.insert_fact(&fact).await?;
                tx.audit(event);
            }
            Ok(())
        })
    }
    async fn correct_activity(
        &self,
        activity: &ActivityRow,
        event: &AuditEvent,
    ) -> StoreResult<i64> {
        let activity = activity.clone();
        unit!(self, Some(event.clone()), |tx| {
            let before = tx.lock_activity(activity.id).await?;
            tx.correct_activity(&activity).await?;
            Ok(before.people)
        })
    }
    async fn void_activity(&self, id: ActivityId, event: &AuditEvent) -> StoreResult<()> {
        let at = event.at;
        unit!(self, Some(event.clone()), |tx| {
            tx.lock_activity(id).await?;
            tx.void_activity(id, at).await
        })
    }
    async fn add_school(&self, school: &School, event: &AuditEvent) -> StoreResult<()> {
        let school = school.clone();
        unit!(self, Some(event.clone()), |tx| tx
            .insert_school(&school)
            .await)
    }
    async fn add_peer_count(&self, count: &PeerCount, event: &AuditEvent) -> StoreResult<()> {
        let count = count.clone();
        unit!(self, Some(event.clone()), |tx| tx
            .insert_peer_count(&count)
            .await)
    }
    async fn add_peer_session(&self, session: &PeerSession, event: &AuditEvent) -> StoreResult<()> {
        let session = session.clone();
        unit!(self, Some(event.clone()), |tx| tx
            .insert_peer_session(&session)
            .await)
    }
    async fn add_service(&self, service: &PartnerService, event: &AuditEvent) -> StoreResult<()> {
        let service = service.clone();
        unit!(self, Some(event.clone()), |tx| tx
            .put_service(&service)
            .await
            .map(|_| ()))
    }
    async fn put_services(
        &self,
        services: &[PartnerService],
        event: &AuditEvent,
    ) -> StoreResult<()> {
        let services = services.to_vec();
        unit!(self, Some(event.clone()), |tx| {
            for service in &services {
                tx.put_service(service).await?;
            }
            Ok(())
        })
    }
    async fn create_referral(
        &self,
        referral: &Referral,
        step: &ReferralStep,
        notify: &[Notification],
        event: &AuditEvent,
    ) -> StoreResult<()> {
        let (referral, step, notify) = (referral.clone(), step.clone(), notify.to_vec());
        unit!(self, Some(event.clone()), |tx| {
            tx.insert_referral(&referral, &step).await?;
            tx.notify(&notify, &[]).await.map(|_| ())
        })
    }
    async fn move_referral(
        &self,
        version: i64,
        step: &ReferralStep,
        notify: &[Notification],
        event: &AuditEvent,
    ) -> StoreResult<Referral> {
        let (step, notify) = (step.clone(), notify.to_vec());
        let id = step.referral_id;
        unit!(self, Some(event.clone()), |tx| {
            tx.move_referral(version, &step).await?;
            tx.notify(&notify, &[]).await.map(|_| ())
        })?;
        self.referral(id).await?.ok_or(StoreError::NotFound)
    }
    async fn escalate_referral(
        &self,
        id: ReferralId,
        at: DateTime<Utc>,
        notify: &[Notification],
        event: &AuditEvent,
    ) -> StoreResult<bool> {
        let notify = notify.to_vec();
        let event = event.clone();
        self.write(None, move |tx| {
            Box::pin(async move {
                if !tx.escalate_referral(id, at).await? {
                    return Ok(false);
                }
                tx.notify(&notify, &[]).await?;
                tx.audit(event);
                Ok(true)
            })
        })
        .await
        .map(|written| written.value)
    }
    async fn notify(&self, notify: &[Notification]) -> StoreResult<u64> {
        let notify = notify.to_vec();
        unit!(self, None, |tx| tx.notify(&notify, &[]).await)
    }
    async fn mark_notifications_read(&self, user: UserId, at: DateTime<Utc>) -> StoreResult<u64> {
        unit!(self, None, |tx| tx.mark_notifications_read(user, at).await)
    }
    async fn add_handoffs(&self, handoffs: &[Handoff], event: &AuditEvent) -> StoreResult<()> {
        let handoffs = handoffs.to_vec();
        unit!(self, Some(event.clone()), |tx| tx
            .insert_handoffs(&handoffs)
            .await)
    }
}
