//! Records as stored and read back.

use chrono::{DateTime, Utc};
use pulih_domain::account::{LinkPurpose, Role};
use pulih_domain::ids::{OrgId, SessionId, UserId};
use pulih_domain::org::OrgType;
use pulih_domain::region::{RegionCode, Scope};

/// A node of the region tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    /// Official code.
    pub code: RegionCode,
    /// Official name.
    pub name: String,
    /// Centroid latitude.
    pub latitude: Option<f64>,
    /// Centroid longitude.
    pub longitude: Option<f64>,
    /// Hours east of UTC, for provinces and regencies.
    pub utc_offset: Option<i32>,
    /// Postal code, for villages.
    pub postal_code: Option<String>,
    /// Live children.
    pub children_count: i64,
    /// Whether a later decree removed this code.
    pub retired: bool,
}

/// A search result: a region and the names of its ancestors, province first.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionHit {
    /// The region found.
    pub region: Region,
    /// Names of the province, regency and district above it.
    pub path: Vec<String>,
}

/// One change to a code recorded by a re-import.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RegionChange {
    /// `added`, `renamed`, `retired` or `restored`.
    pub change: String,
    /// Name before the change.
    pub old_name: Option<String>,
    /// Name after the change.
    pub new_name: Option<String>,
    /// Source the import came from.
    pub source: String,
    /// When the import ran.
    pub at: DateTime<Utc>,
}

/// An organisation placed at a region.
#[derive(Debug, Clone, PartialEq)]
pub struct Organisation {
    /// Id.
    pub id: OrgId,
    /// Name.
    pub name: String,
    /// Kind of organisation.
    pub org_type: OrgType,
    /// Where it works: a region node, or national.
    pub place: Scope,
    /// Version, raised by every update.
    pub version: i64,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// A user account.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// Id.
    pub id: UserId,
    /// Login name, lower-case.
    pub username: String,
    /// Name shown to colleagues.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Organisation.
    pub org_id: OrgId,
    /// Region scope.
    pub scope: Scope,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Whether the account is disabled.
    pub disabled: bool,
    /// Whether the user must choose a new password at next login.
    pub must_change_password: bool,
    /// Two-factor login, once enrolment has begun.
    pub totp: Option<TotpState>,
    /// The open one-time link to set a password, if any (the token itself is never
    /// stored, only its hash, which no read returns).
    pub link: Option<OpenLink>,
    /// Version, raised by every update.
    pub version: i64,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// A one-time link that lets a person set their own password, while it is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenLink {
    /// An invitation or a reset.
    pub purpose: LinkPurpose,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// A user's two-factor login secret and where it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct TotpState {
    /// The shared secret, sealed under the server's account key.
    pub secret: Vec<u8>,
    /// Whether a code confirmed the enrolment (before that, the secret does not count).
    pub enabled: bool,
    /// The last 30-second step a code was accepted for.
    pub last_step: Option<i64>,
}

/// A change to a user, applied only if the record is still at `expected_version`.
#[derive(Debug, Clone, PartialEq)]
pub struct UserUpdate {
    /// The user to change.
    pub id: UserId,
    /// The version the change was based on.
    pub expected_version: i64,
    /// New disabled state, if it changes.
    pub disabled: Option<bool>,
    /// New password hash and whether it must be changed at next login, if it changes.
    pub password: Option<(String, bool)>,
    /// Revoke the user's sessions and tokens, except this one if given.
    pub revoke_sessions: Option<Option<SessionId>>,
}

/// Whether a session is a browser login or an API bearer token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    /// Browser session with a cookie and a CSRF token.
    Web,
    /// API bearer token.
    Api,
}

impl SessionKind {
    /// Name in storage.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::Api => "api",
        }
    }

    /// From the stored name; none for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "web" => Some(Self::Web),
            "api" => Some(Self::Api),
            _ => None,
        }
    }
}

/// A login session or API token; the secret itself is never stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// Id.
    pub id: SessionId,
    /// Owner.
    pub user_id: UserId,
    /// Browser or API.
    pub kind: SessionKind,
    /// Token that forms must echo (browser sessions).
    pub csrf_token: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// When it was last used, as last recorded (see `AccountTx::touch_session`).
    pub last_seen_at: DateTime<Utc>,
}

/// One entry of the change feed that devices sync from.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Change {
    /// Server-assigned, monotonic.
    pub seq: i64,
    /// Kind of record, e.g. `organisation`.
    pub entity: String,
    /// Id of the record.
    pub entity_id: String,
    /// Version of the record after the change.
    pub version: i64,
    /// Region of the record (`ID` for national).
    pub region: String,
}
