//! The reads of [`Store`] and its per-resource traits, for the backend's store type
//! (`crate::Backend`), which provides its read pool, runs its writes and settles its
//! chain.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use pulih_domain::audit::{AuditEntry, ChainHead, ChainKey};
use pulih_domain::client::{ClientCode, FactKind};
use pulih_domain::ids::{
    ActivityId, AssessmentId, ClientId, GrantId, OrgId, ReferralId, SchoolId, ServiceId,
    TrainingId, UnitId, UserId,
};
use pulih_domain::programme::AssessmentKind;
use pulih_domain::region::{RegionCode, RegionLevel, Scope};
use pulih_domain::region_import::{RegionUse, StoredRegion};
use pulih_domain::rollup::Figure;
use pulih_store::{
    ActivityRow, ActivityTally, AftercareCounts, AftercareStore, Assessment, BersinarStep,
    Boundary, BoundaryStore, Bulk, BulkStore, CaseloadCount, Certificate, Change, Claim,
    ClientContact, ClientFact, ClientFilter, ClientReach, ClientRow, ClientSearch, ClientStore,
    Counted, DirectoryStore, DueFact, DueVisit, Grant, HandoffEntry, LatestOutcome, LinkageCounts,
    LinkageQuery, LinkageStore, Member, Notification, Organisation, Outcome, PartnerService,
    PeerCount, PeerSession, PeerStore, PeerSummary, PlacedStep, ProgrammeStore, Published,
    ReachedFact, Referral, ReferralOutcome, ReferralQuery, ReferralStep, ReferralStore, Region,
    RegionChange, RegionHit, RollupStore, School, SealedKey, ServiceQuery, Session, Setting, Store,
    StoreResult, Target, TrainingRow, Unit, UnitStore, UntrainedAgent, User, Work,
};

use super::accounts::UserBy;
use super::clients::ClientBy;
use super::units::UnitBy;
use super::{
    accounts, bulk, chain, clients, directory, envelope, facts, grants, linkage, peers, programme,
    published, referrals, regions, rollups, units,
};
use crate::Backend;

#[async_trait]
impl Store for Backend {
    fn backend(&self) -> &'static str {
        crate::dialect::NAME
    }
    async fn run(&self, claim: Option<Claim>, work: Work) -> StoreResult<Outcome> {
        self.run_write(claim, work).await
    }
    async fn region_counts(&self) -> StoreResult<[i64; 4]> {
        regions::counts(self.reader()).await
    }
    async fn stored_regions(&self) -> StoreResult<HashMap<RegionCode, StoredRegion>> {
        regions::stored(self.reader()).await
    }
    async fn region_uses(&self) -> StoreResult<Vec<RegionUse>> {
        regions::uses(self.reader()).await
    }
    async fn region(&self, code: &RegionCode) -> StoreResult<Option<Region>> {
        regions::one(self.reader(), code).await
    }
    async fn region_children(&self, parent: Option<&RegionCode>) -> StoreResult<Vec<Region>> {
        regions::children(self.reader(), parent).await
    }
    async fn villages_below(&self, node: &RegionCode) -> StoreResult<Vec<Region>> {
        regions::villages_below(self.reader(), node).await
    }
    async fn regions_by_codes(&self, codes: &[RegionCode]) -> StoreResult<Vec<Region>> {
        regions::by_codes(self.reader(), codes).await
    }
    async fn search_regions(
        &self,
        query: &str,
        level: Option<RegionLevel>,
        within: &Scope,
        limit: i64,
    ) -> StoreResult<Vec<RegionHit>> {
        regions::search(self.reader(), query, level, within, limit).await
    }
    async fn region_history(&self, code: &RegionCode) -> StoreResult<Vec<RegionChange>> {
        regions::history_of(self.reader(), code).await
    }
    async fn org(&self, id: OrgId) -> StoreResult<Option<Organisation>> {
        accounts::org(self.reader(), id).await
    }
    async fn list_orgs(&self, scope: &Scope) -> StoreResult<Vec<Organisation>> {
        accounts::list_orgs(self.reader(), scope).await
    }
    async fn user(&self, id: UserId) -> StoreResult<Option<User>> {
        accounts::user(self.reader(), UserBy::Id(id)).await
    }
    async fn user_by_username(&self, username: &str) -> StoreResult<Option<User>> {
        accounts::user(self.reader(), UserBy::Username(username)).await
    }

    async fn user_by_link(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<User>> {
        accounts::user(self.reader(), UserBy::Link(token_hash, now)).await
    }
    async fn list_users(&self, scope: &Scope) -> StoreResult<Vec<User>> {
        accounts::list_users(self.reader(), scope).await
    }
    async fn user_count(&self) -> StoreResult<i64> {
        accounts::user_count(self.reader()).await
    }
    async fn session_by_token_hash(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(Session, User)>> {
        accounts::session_by_token_hash(self.reader(), token_hash, now).await
    }
    async fn audit_range(&self, after_seq: i64, limit: i64) -> StoreResult<Vec<AuditEntry>> {
        self.settle().await?;
        chain::range(self.reader(), after_seq, limit).await
    }
    async fn audit_head(&self) -> StoreResult<ChainHead> {
        self.settle().await?;
        chain::head(self.reader()).await
    }
    fn set_chain_key(&self, key: ChainKey) -> StoreResult<()> {
        chain::set_key(&self.chain_key, key)?;
        self.key_set();
        Ok(())
    }
    async fn audit_page(
        &self,
        scope: &Scope,
        before_seq: Option<i64>,
        limit: i64,
    ) -> StoreResult<Vec<AuditEntry>> {
        self.settle().await?;
        chain::page(self.reader(), scope, before_seq, limit).await
    }
    async fn audit_about(
        &self,
        record_type: &str,
        record_ids: &[String],
    ) -> StoreResult<Vec<AuditEntry>> {
        self.settle().await?;
        chain::about(self.reader(), record_type, record_ids).await
    }
    async fn changes_after(
        &self,
        scope: &Scope,
        after_seq: i64,
        limit: i64,
    ) -> StoreResult<Vec<Change>> {
        self.settle().await?;
        chain::changes_after(self.reader(), scope, after_seq, limit).await
    }
    async fn idempotent_answer(
        &self,
        user: UserId,
        key: &str,
    ) -> StoreResult<Option<(String, String)>> {
        envelope::answer(self.reader(), user, key).await
    }
    async fn sweep_idempotency(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        self.write_conn(move |conn| Box::pin(envelope::sweep_idempotency(conn, now)))
            .await
    }
}

#[async_trait]
impl ClientStore for Backend {
    async fn scrub_erased(&self) -> StoreResult<()> {
        self.scrub().await
    }
    async fn client(&self, id: ClientId) -> StoreResult<Option<ClientRow>> {
        clients::client(self.reader(), ClientBy::Id(id)).await
    }
    async fn client_by_code(&self, code: &ClientCode) -> StoreResult<Option<ClientRow>> {
        clients::client(self.reader(), ClientBy::Code(code.as_str())).await
    }
    async fn clients_by_nik_hash(&self, nik_hash: &str) -> StoreResult<Vec<ClientRow>> {
        clients::clients_by_nik_hash(self.reader(), nik_hash).await
    }

    async fn clients_by_name_birth_hash(&self, hash: &str) -> StoreResult<Vec<ClientRow>> {
        clients::clients_by_name_birth_hash(self.reader(), hash).await
    }
    async fn clients_to_index(
        &self,
        after: Option<ClientId>,
        limit: i64,
    ) -> StoreResult<Vec<ClientRow>> {
        clients::clients_to_index(self.reader(), after, limit).await
    }

    async fn search_clients(
        &self,
        filter: &ClientFilter,
        search: &ClientSearch,
    ) -> StoreResult<Vec<ClientRow>> {
        clients::search_clients(self.reader(), filter, search).await
    }
    async fn list_clients(&self, filter: &ClientFilter) -> StoreResult<Vec<ClientRow>> {
        clients::list_clients(self.reader(), filter).await
    }
    async fn facts(&self, ids: &[ClientId], kinds: &[FactKind]) -> StoreResult<Vec<ClientFact>> {
        facts::facts(self.reader(), ids, kinds).await
    }
    async fn client_contacts(&self, filter: &ClientFilter) -> StoreResult<Vec<ClientContact>> {
        clients::client_contacts(self.reader(), filter).await
    }
    async fn due_facts(
        &self,
        filter: &ClientFilter,
        kinds: &[FactKind],
        until: NaiveDate,
    ) -> StoreResult<Vec<DueFact>> {
        clients::due_facts(self.reader(), filter, kinds, until).await
    }
    async fn caseload_counts(
        &self,
        filter: &ClientFilter,
        quiet_since: NaiveDate,
    ) -> StoreResult<Vec<CaseloadCount>> {
        clients::caseload_counts(self.reader(), filter, quiet_since).await
    }
    async fn facts_in_reach(
        &self,
        reach: &ClientReach,
        kinds: &[FactKind],
    ) -> StoreResult<Vec<ReachedFact>> {
        facts::facts_in_reach(self.reader(), reach, kinds).await
    }
    async fn grant(&self, id: GrantId) -> StoreResult<Option<Grant>> {
        grants::grant(self.reader(), id).await
    }
    async fn live_grant(
        &self,
        client: ClientId,
        user: UserId,
        at: DateTime<Utc>,
    ) -> StoreResult<Option<Grant>> {
        grants::live_grant(self.reader(), client, user, at).await
    }
    async fn grants(&self, scope: &Scope, unreviewed_only: bool) -> StoreResult<Vec<Grant>> {
        grants::grants(self.reader(), scope, unreviewed_only).await
    }
    async fn server_key(&self, purpose: &str) -> StoreResult<Option<SealedKey>> {
        grants::server_key(self.reader(), purpose).await
    }
    async fn keys_not_under(
        &self,
        key_id: &str,
        limit: i64,
    ) -> StoreResult<Vec<(ClientId, SealedKey)>> {
        grants::keys_not_under(self.reader(), key_id, limit).await
    }
}

#[async_trait]
impl AftercareStore for Backend {
    async fn follow_ups_due(
        &self,
        reach: &ClientReach,
        until: NaiveDate,
    ) -> StoreResult<Vec<DueVisit>> {
        facts::follow_ups_due(self.reader(), reach, until).await
    }
    async fn aftercare_counts(
        &self,
        region: &RegionCode,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<AftercareCounts> {
        facts::aftercare_counts(self.reader(), region, from, to).await
    }
}

#[async_trait]
impl ProgrammeStore for Backend {
    async fn assessment(&self, id: AssessmentId) -> StoreResult<Option<Assessment>> {
        programme::assessment(self.reader(), id).await
    }
    async fn assessments(
        &self,
        kind: AssessmentKind,
        region: &RegionCode,
    ) -> StoreResult<Vec<Assessment>> {
        programme::assessments(self.reader(), kind, region).await
    }
    async fn latest_outcomes(
        &self,
        kind: AssessmentKind,
        node: &RegionCode,
    ) -> StoreResult<Vec<LatestOutcome>> {
        programme::latest_outcomes(self.reader(), kind, node).await
    }
    async fn bersinar_steps(&self, village: &RegionCode) -> StoreResult<Vec<BersinarStep>> {
        programme::bersinar_steps(self.reader(), village).await
    }
    async fn bersinar_latest(&self, region: &RegionCode) -> StoreResult<Vec<BersinarStep>> {
        programme::bersinar_latest(self.reader(), region, false).await
    }
    async fn bersinar_latest_decrees(&self, region: &RegionCode) -> StoreResult<Vec<BersinarStep>> {
        programme::bersinar_latest(self.reader(), region, true).await
    }
    async fn targets(&self, regency: &RegionCode) -> StoreResult<Vec<Target>> {
        programme::targets(self.reader(), regency).await
    }
    async fn setting(&self, key: &str) -> StoreResult<Option<Setting>> {
        programme::setting(self.reader(), key).await
    }
}

#[async_trait]
impl UnitStore for Backend {
    async fn unit(&self, id: UnitId) -> StoreResult<Option<Unit>> {
        units::unit(self.reader(), UnitBy::Id(id)).await
    }
    async fn village_unit(&self, village: &RegionCode) -> StoreResult<Option<Unit>> {
        units::unit(self.reader(), UnitBy::Village(village)).await
    }
    async fn units_below(&self, region: &RegionCode) -> StoreResult<Vec<Unit>> {
        units::units_below(self.reader(), region).await
    }
    async fn members(&self, unit: UnitId) -> StoreResult<Vec<Member>> {
        units::members(self.reader(), unit).await
    }
    async fn membership(&self, user: UserId) -> StoreResult<Option<Member>> {
        units::membership(self.reader(), user).await
    }
    async fn training(&self, id: TrainingId) -> StoreResult<Option<TrainingRow>> {
        units::training(self.reader(), id).await
    }
    async fn trainings(&self, unit: UnitId) -> StoreResult<Vec<TrainingRow>> {
        units::trainings(self.reader(), unit).await
    }
    async fn attendance(&self, training: TrainingId) -> StoreResult<Vec<(UserId, NaiveDate)>> {
        units::attendance(self.reader(), training).await
    }
    async fn certificates(&self, training: TrainingId) -> StoreResult<Vec<Certificate>> {
        units::certificates(self.reader(), training).await
    }
    async fn untrained_agents(&self, scope: &Scope) -> StoreResult<Vec<UntrainedAgent>> {
        units::untrained_agents(self.reader(), scope).await
    }
    async fn activities(&self, village: &RegionCode, limit: i64) -> StoreResult<Vec<ActivityRow>> {
        units::activities(self.reader(), village, limit).await
    }
    async fn activity(&self, id: ActivityId) -> StoreResult<Option<ActivityRow>> {
        units::activity(self.reader(), id).await
    }

    async fn activity_tallies(
        &self,
        region: &RegionCode,
        since: NaiveDate,
    ) -> StoreResult<Vec<ActivityTally>> {
        units::activity_tallies(self.reader(), region, since).await
    }
}

#[async_trait]
impl PeerStore for Backend {
    async fn school(&self, id: SchoolId) -> StoreResult<Option<School>> {
        peers::school_by_id(self.reader(), id).await
    }
    async fn schools(&self, village: &RegionCode) -> StoreResult<Vec<School>> {
        peers::schools(self.reader(), village).await
    }
    async fn peer_counts(&self, school: SchoolId) -> StoreResult<Vec<PeerCount>> {
        peers::peer_counts(self.reader(), school).await
    }
    async fn current_peer_counts(&self, node: &RegionCode) -> StoreResult<Vec<PeerCount>> {
        peers::current_peer_counts(self.reader(), node).await
    }
    async fn peer_sessions(&self, school: SchoolId) -> StoreResult<Vec<PeerSession>> {
        peers::peer_sessions(self.reader(), school).await
    }
    async fn peer_sessions_in(
        &self,
        node: &RegionCode,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<PeerSession>> {
        peers::peer_sessions_in(self.reader(), node, from, to).await
    }
    async fn peer_summary(
        &self,
        node: &RegionCode,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<PeerSummary> {
        peers::peer_summary(self.reader(), node, from, to).await
    }
}

#[async_trait]
impl BoundaryStore for Backend {
    async fn boundaries_below(
        &self,
        node: &RegionCode,
        level: RegionLevel,
    ) -> StoreResult<Vec<Boundary>> {
        regions::boundaries_below(self.reader(), node, level).await
    }
}

#[async_trait]
impl DirectoryStore for Backend {
    async fn service(&self, id: ServiceId) -> StoreResult<Option<PartnerService>> {
        directory::service(self.reader(), id).await
    }
    async fn search_services(&self, query: &ServiceQuery) -> StoreResult<Vec<PartnerService>> {
        directory::search_services(self.reader(), query).await
    }
    async fn services_of_orgs(
        &self,
        scope: &Scope,
        org: Option<OrgId>,
    ) -> StoreResult<Vec<PartnerService>> {
        directory::services_of_orgs(self.reader(), scope, org).await
    }
    async fn places_serving(
        &self,
        node: Option<&RegionCode>,
        types: &[String],
    ) -> StoreResult<Vec<(String, i64)>> {
        directory::places_serving(self.reader(), node, types).await
    }
}

#[async_trait]
impl ReferralStore for Backend {
    async fn referral(&self, id: ReferralId) -> StoreResult<Option<Referral>> {
        referrals::referral(self.reader(), id).await
    }
    async fn referrals(&self, query: &ReferralQuery) -> StoreResult<Vec<Referral>> {
        referrals::referrals(self.reader(), query).await
    }
    async fn referral_steps(&self, client: ClientId) -> StoreResult<Vec<ReferralStep>> {
        referrals::referral_steps(self.reader(), client).await
    }
    async fn overdue_referrals(&self, today: NaiveDate, limit: i64) -> StoreResult<Vec<Referral>> {
        referrals::overdue_referrals(self.reader(), today, limit).await
    }
    async fn referral_outcomes(
        &self,
        region: &RegionCode,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<ReferralOutcome>> {
        referrals::referral_outcomes(self.reader(), region, from, to).await
    }
    async fn notifications(&self, user: UserId, limit: i64) -> StoreResult<Vec<Notification>> {
        referrals::notifications(self.reader(), user, limit).await
    }
    async fn unread_notifications(&self, user: UserId) -> StoreResult<i64> {
        referrals::unread_notifications(self.reader(), user).await
    }
}

#[async_trait]
impl LinkageStore for Backend {
    async fn org_handoffs(&self, org: OrgId, limit: i64) -> StoreResult<Vec<HandoffEntry>> {
        linkage::org_handoffs(self.reader(), org, limit).await
    }
    async fn linkage_counts(&self, query: &LinkageQuery) -> StoreResult<LinkageCounts> {
        linkage::linkage_counts(self.reader(), query).await
    }
}

#[async_trait]
impl RollupStore for Backend {
    async fn rollups_settled(&self) -> StoreResult<()> {
        self.settle().await
    }
    async fn rollup_family(&self, node: &str, period: &str) -> StoreResult<Vec<Counted>> {
        rollups::family(self.reader(), node, period).await
    }
    async fn rollup_series(&self, node: &str, periods: &[String]) -> StoreResult<Vec<Counted>> {
        rollups::series(self.reader(), node, periods).await
    }
    async fn activities_after(
        &self,
        after: Option<ActivityId>,
        limit: i64,
    ) -> StoreResult<Vec<ActivityRow>> {
        units::activities_after(self.reader(), after, limit).await
    }
    async fn referral_steps_after(
        &self,
        after: Option<ReferralId>,
        limit: i64,
    ) -> StoreResult<Vec<PlacedStep>> {
        referrals::referral_steps_after(self.reader(), after, limit).await
    }
    async fn rollups_all(&self) -> StoreResult<Vec<Counted>> {
        rollups::all(self.reader()).await
    }
    async fn replace_rollups(&self, counted: Vec<Counted>) -> StoreResult<()> {
        self.write_conn(move |conn| Box::pin(rollups::replace(conn, counted)))
            .await
    }
    async fn rollup_stock(&self, node: &str, figures: &[Figure]) -> StoreResult<Vec<Counted>> {
        rollups::stock(self.reader(), node, figures).await
    }
    async fn rollup_figure(&self, figure: Figure, period: &str) -> StoreResult<Vec<Counted>> {
        published::figure(self.reader(), figure, period).await
    }
    async fn publication(
        &self,
        figure: Figure,
        period: &str,
    ) -> StoreResult<Option<(DateTime<Utc>, Vec<String>)>> {
        published::publication(self.reader(), figure, period).await
    }
    async fn publish(
        &self,
        figure: Figure,
        period: &str,
        at: DateTime<Utc>,
        cells: Vec<Published>,
    ) -> StoreResult<()> {
        let period = period.to_owned();
        self.write_conn(move |conn| {
            Box::pin(async move { published::publish(conn, figure, &period, at, cells).await })
        })
        .await
    }
    async fn published_family(
        &self,
        node: &str,
        period: &str,
        figures: &[Figure],
    ) -> StoreResult<Vec<Published>> {
        published::family(self.reader(), node, period, figures).await
    }
}

#[async_trait]
impl BulkStore for Backend {
    async fn load_bulk(&self, records: Bulk) -> StoreResult<()> {
        self.write_conn(move |conn| Box::pin(bulk::load(conn, records)))
            .await
    }
}
