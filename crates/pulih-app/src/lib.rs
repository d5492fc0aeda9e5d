//! Pulih use-cases. Each one authorises the actor with [`pulih_domain::authz::authorize`],
//! validates its input into domain types, and writes through one unit of work
//! ([`App::write`]): a closure over the store's transaction that runs the checks the write
//! depends on, makes the write and gives its audit event, all committed together with
//! the change-feed entries and the request's idempotency record.

mod accounts;
mod atlas;
mod audit;
mod auth;
mod bersinar;
mod bersinar_decree;
mod boundaries;
mod capacity;
mod checkpoints;
mod clients;
mod coordination;
mod dashboard;
mod demo;
mod directory;
mod error;
pub mod fhir;
mod handoffs;
mod home;
mod keys;
mod legal;
mod links;
mod notifications;
mod office_activities;
mod orgs;
mod origin;
mod outbound;
mod outcomes;
mod peers;
mod people;
mod places;
mod programme;
mod publication;
mod referrals;
mod region_page;
mod regions;
mod regulations;
mod rollups;
mod scheduler;
mod secrets;
mod throttle;
mod two_factor;
mod units;
mod upload;
mod worklist;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use pulih_domain::account::Role;
use pulih_domain::audit::AuditEvent;
use pulih_domain::authz::Actor;
use pulih_domain::ids::UserId;
use pulih_domain::region::RegionCode;
use pulih_store::{Answer, Store, StoreResult, Tx, Written};

pub use accounts::{NewUser, PasswordReset, UserView, privileged};
pub use audit::{Anchor, VerifyReport};
pub use auth::{Authenticated, Credentials, Gate, Login, LoginKind, LoginStep};
pub use bersinar::{
    BersinarInput, BersinarOverview, RegencyProgramme, VillageProgramme, YearProgress,
};
pub use bersinar_decree::{DecreeInput, DecreeView, DecreeVillage};
pub use boundaries::BoundarySummary;
pub use capacity::{Capacity, CapacityRow};
pub use checkpoints::Checkpoint;
pub use clients::*;
pub use coordination::*;
pub use dashboard::{ChildFigures, Dashboard, Trend};
pub use demo::{DemoProgress, DemoScale, DemoSummary};
pub use directory::{DirectoryImport, HsdsFiles, ServiceInput, ServiceView};
pub use error::{AppError, AppResult, Problem};
pub use handoffs::{BulkInput, BulkSummary, HandoffInput, HandoffView, KindCountView, LinkageView};
pub use home::{Home, Setup};
pub use keys::{KeyError, Keys};
pub use legal::LegalSection;
pub use links::{Issued, IssuedLink, LinkHolder};
pub use notifications::NotificationView;
pub use office_activities::{
    OFFICE_PAGE, OfficeActivityInput, OfficeActivityList, OfficeActivityView,
};
pub use orgs::NewOrg;
pub use origin::{DEFAULT_IDEMPOTENCY_DAYS, IdempotencyKey, Origin};
pub use outbound::{
    ChannelInput, ChannelView, ChannelsView, DeliveryCountView, DeliveryRun, GatewaySettings,
    HttpGateway, OutboundConfig, SecretText, SendError, Sender, SmtpSender, SmtpSettings, SmtpTls,
    check as check_outbound,
};
pub use outcomes::{AftercareOutcome, PeriodInput};
pub use peers::{
    PeerCountInput, PeerCountView, PeerProgrammeSummary, PeerSessionInput, PeerSessionView,
    SchoolInput, SchoolView, VillagePeers,
};
pub use people::UserChange;
pub use places::{CHOICES as PLACE_CHOICES, PlaceMatch};
pub use programme::{AssessmentView, IknInput, IkotanInput};
/// Records the edge shows as they are stored: nothing in them is sealed or secret.
pub use pulih_store::{BersinarStep, Certificate, Organisation, Region, RegionChange, RegionHit};
pub use referrals::*;
pub use region_page::{RegionPage, RegionRights};
pub use regions::{ImportOptions, ImportOutcome, RegionView};
pub use regulations::{
    RegulationInput, RegulationLine, RegulationStepInput, RegulationStepView, RegulationView,
};
pub use rollups::RollupDifference;
pub use scheduler::{Digest, DigestSender, DueWork, InAppDigests};
pub use secrets::random_token;
pub use throttle::ThrottleConfig;
pub use two_factor::TotpEnrolment;
pub use units::*;
pub use upload::Upload;
pub use worklist::{
    Caseload, DueItem, NO_CONTACT_DAYS, ProgrammeWork, TargetAtRisk, Worklist, WorklistPage,
};

/// Where the current time comes from; tests substitute a controllable clock.
pub trait Clock: Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> DateTime<Utc>;
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// NIK look-ups a user may make per day unless configured otherwise: a day of
/// registrations in the field, far below what testing NIKs in bulk would need.
pub const DEFAULT_NIK_LOOKUPS_PER_DAY: u32 = 50;

/// Break-glass openings a coordinator may ask for per day unless configured otherwise:
/// an emergency is rare, and a run of them is worth an administrator's look.
pub const DEFAULT_BREAK_GLASS_PER_DAY: u32 = 3;

/// Settings the use-cases need.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// How long a browser session lasts.
    pub session_hours: i64,
    /// How long an API token lasts.
    pub token_days: i64,
    /// Login throttling limits.
    pub throttle: ThrottleConfig,
    /// How long break-glass access to a client lasts.
    pub break_glass_hours: i64,
    /// Break-glass requests allowed per coordinator and day; past them every request is
    /// refused alike until the next day, and administrators are alerted.
    pub break_glass_per_day: u32,
    /// How long the answer to a request with an idempotency key is kept.
    pub idempotency_days: i64,
    /// NIK look-ups (registrations with a NIK) allowed per user and day; past them every
    /// registration with a NIK is refused alike until the next day, and administrators
    /// are alerted.
    pub nik_lookups_per_day: u32,
    /// Where the signed checkpoints of the audit chain are appended (outside the
    /// database); none keeps no checkpoints.
    pub audit_checkpoint_file: Option<std::path::PathBuf>,
    /// How often a checkpoint is signed, also when nothing changed.
    pub audit_checkpoint_minutes: i64,
    /// Roles that must log in with two-factor codes: such a user without them is sent
    /// to enrol before anything else.
    pub totp_required_roles: Vec<Role>,
    /// Minutes a browser session may go unused before it ends (API tokens do not idle).
    pub session_idle_minutes: i64,
    /// The channels besides the app (e-mail, SMS/WhatsApp), when configured.
    pub outbound: OutboundConfig,
}

/// Roles that must use two-factor login unless configured otherwise.
pub const DEFAULT_TOTP_REQUIRED_ROLES: [Role; 2] = [Role::Admin, Role::Coordinator];

/// Minutes a browser session may go unused unless configured otherwise.
pub const DEFAULT_SESSION_IDLE_MINUTES: i64 = 30;

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            session_hours: 12,
            token_days: 30,
            throttle: ThrottleConfig::default(),
            break_glass_hours: pulih_domain::care::DEFAULT_BREAK_GLASS_HOURS,
            break_glass_per_day: DEFAULT_BREAK_GLASS_PER_DAY,
            idempotency_days: DEFAULT_IDEMPOTENCY_DAYS,
            nik_lookups_per_day: DEFAULT_NIK_LOOKUPS_PER_DAY,
            audit_checkpoint_file: None,
            audit_checkpoint_minutes: 5,
            totp_required_roles: DEFAULT_TOTP_REQUIRED_ROLES.to_vec(),
            session_idle_minutes: DEFAULT_SESSION_IDLE_MINUTES,
            outbound: OutboundConfig::default(),
        }
    }
}

/// The application: storage plus the state the use-cases share.
#[derive(Clone)]
pub struct App {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    config: AppConfig,
    keys: Arc<Keys>,
    throttle: Arc<throttle::Throttle>,
    /// NIK look-ups per user and day.
    nik_lookups: Arc<throttle::DailyLimit>,
    /// Break-glass requests per user and day.
    break_glass_requests: Arc<throttle::DailyLimit>,
    /// Bounds concurrent Argon2 runs (each takes ~19 MiB): a login flood queues here
    /// instead of exhausting memory and blocking threads.
    hashing: Arc<tokio::sync::Semaphore>,
    /// The region tree, remembered.
    atlas: Arc<atlas::Atlas>,
    /// The audit chain's checkpoints, when kept.
    checkpoints: Option<Arc<checkpoints::CheckpointLog>>,
    /// The senders of the channels besides the app.
    senders: Arc<outbound::Senders>,
}

impl App {
    /// Builds the application over a store whose keys were opened with [`Keys::open`].
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        config: AppConfig,
        keys: Arc<Keys>,
    ) -> Self {
        let throttle = Arc::new(throttle::Throttle::new(config.throttle));
        let nik_lookups = Arc::new(throttle::DailyLimit::new(config.nik_lookups_per_day));
        let break_glass_requests = Arc::new(throttle::DailyLimit::new(config.break_glass_per_day));
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        let hashing = Arc::new(tokio::sync::Semaphore::new(2 * cores));
        let checkpoints = config.audit_checkpoint_file.clone().map(|path| {
            Arc::new(checkpoints::CheckpointLog::new(
                path,
                &keys.checkpoint_seed(),
            ))
        });
        let senders = Arc::new(outbound::Senders::new(&config.outbound));
        Self {
            senders,
            store,
            clock,
            config,
            keys,
            throttle,
            nik_lookups,
            break_glass_requests,
            hashing,
            atlas: Arc::new(atlas::Atlas::new()),
            checkpoints,
        }
    }

    /// Hours east of UTC of a regency, from the region tree.
    async fn utc_offset(&self, regency: &RegionCode) -> AppResult<Option<i32>> {
        Ok(self.region_row(regency).await?.and_then(|r| r.utc_offset))
    }

    /// Which storage backend is in use.
    pub fn backend(&self) -> &'static str {
        self.store.backend()
    }

    /// Rewraps every sealed key under the current master key (after a new master key
    /// was configured with the old one listed as previous); returns how many.
    #[tracing::instrument(skip_all)]
    pub async fn rotate_keys(&self) -> AppResult<u64> {
        let rewrapped = self.keys.rotate(self.store.as_ref()).await?;
        let record = Record {
            kind: "keys",
            id: None,
            region: "ID",
        };
        let detail =
            serde_json::json!({ "rewrapped": rewrapped, "key_id": self.keys.current_key_id() });
        let event = self.event(None, "keys.rotate", record, &Origin::local(), detail);
        self.store.append_audit(&event).await?;
        Ok(rewrapped)
    }

    /// Whether the store answers (for readiness checks).
    #[tracing::instrument(skip_all)]
    pub async fn ready(&self) -> AppResult<()> {
        self.store.user_count().await?;
        Ok(())
    }

    /// Hashes a password, waiting for a hashing slot.
    async fn hash_password(&self, password: String) -> AppResult<String> {
        let _slot = self
            .hashing
            .acquire()
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        secrets::hash_password(password).await
    }

    /// Checks a password, waiting for a hashing slot.
    async fn verify_password(&self, password: String, hash: String) -> AppResult<bool> {
        let _slot = self
            .hashing
            .acquire()
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        secrets::verify_password(password, hash).await
    }

    /// The current time, truncated to milliseconds so stored and hashed times agree.
    fn now(&self) -> DateTime<Utc> {
        let now = self.clock.now();
        DateTime::from_timestamp_millis(now.timestamp_millis()).unwrap_or(now)
    }

    /// The current time as the application's clock gives it, for pages that say how long
    /// ago something happened.
    pub fn current_time(&self) -> DateTime<Utc> {
        self.now()
    }

    /// Today in western Indonesia (UTC+7): the day of per-day limits, and of a date
    /// checked before its region is known.
    fn wib_today(&self) -> chrono::NaiveDate {
        (self.now() + chrono::Duration::hours(7)).date_naive()
    }

    /// An audit event by `actor` (none for the system) about one record.
    fn event(
        &self,
        actor: Option<&Actor>,
        action: &str,
        record: Record<'_>,
        origin: &Origin,
        detail: serde_json::Value,
    ) -> AuditEvent {
        AuditEvent {
            at: self.now(),
            actor: actor.map(|a| a.user_id.to_string()),
            action: action.to_owned(),
            record_type: record.kind.to_owned(),
            record_id: record.id,
            region: record.region.to_owned(),
            ip: origin.ip().map(str::to_owned),
            detail: detail.to_string(),
        }
    }
}

/// The record an audit event is about.
struct Record<'a> {
    kind: &'a str,
    id: Option<String>,
    region: &'a str,
}

impl App {
    /// An `Idempotency-Key` as stored: a keyed hash, since a client may put anything in
    /// it (a name, say) and the key is kept for months.
    pub fn idempotency_key(&self, key: &str) -> String {
        self.keys.idempotency_key(key)
    }

    /// The fingerprint stored for an idempotent request whose SHA-256 digest (hex) is
    /// `digest`, keyed so that it cannot be reversed by guessing the body.
    pub fn request_fingerprint(&self, digest: &str) -> String {
        self.keys.request_fingerprint(digest)
    }

    /// The answer stored for `user`'s idempotency key, if a request with it wrote
    /// before: the same request is answered with it (`KeyReused` for another request).
    #[tracing::instrument(skip_all, fields(user = %user))]
    pub async fn answered(&self, user: UserId, key: &IdempotencyKey) -> AppResult<Option<String>> {
        match self.store.idempotent_answer(user, key.key()).await? {
            Some((fingerprint, _)) if fingerprint != key.fingerprint() => Err(AppError::KeyReused),
            Some((_, answer)) => Ok(Some(answer)),
            None => Ok(None),
        }
    }

    /// Runs one write as a unit of work (see `pulih_store::Store::write`): `work` runs
    /// inside the transaction, checks first, and gives its audit event with
    /// [`Tx::audit`]. The request's idempotency key (from `origin`) is claimed by
    /// `actor`'s first write. A request with a key answered meanwhile (a concurrent
    /// repeat, which waited for the first) ends with [`AppError::Replayed`] and the stored
    /// answer, which the edge sends as the repeat's answer.
    async fn write<T, F>(&self, actor: Option<&Actor>, origin: &Origin, work: F) -> AppResult<T>
    where
        T: Answer,
        F: for<'t> FnOnce(&'t mut dyn Tx) -> BoxFuture<'t, StoreResult<T>> + Send + 'static,
    {
        let claim =
            actor.and_then(|actor| origin.claim(actor, self.now(), self.config.idempotency_days));
        let written: Written<T> = self.store.write(claim, work).await?;
        if written.replayed {
            let answer = serde_json::to_string(&written.value)
                .map_err(|e| AppError::Internal(e.to_string()))?;
            return Err(AppError::Replayed(answer));
        }
        Ok(written.value)
    }
}
