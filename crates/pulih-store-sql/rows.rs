//! Turning rows into records. Stored values were valid when written, so a value
//! that no longer parses is reported as a backend error rather than guessed at.

use chrono::{DateTime, Utc};
use pulih_domain::Invalid;
use pulih_domain::account::{LinkPurpose, Role};
use pulih_domain::audit::{AuditEntry, AuditEvent};
use pulih_domain::client::{ClientCode, FactKind};
use pulih_domain::ids::{AssessmentId, ClientId, FactId, GrantId, OrgId, SessionId, UserId};
use pulih_domain::org::OrgType;
use pulih_domain::programme::AssessmentKind;
use pulih_domain::region::{RegionCode, Scope};
use pulih_store::{
    Assessment, BersinarStep, CaseloadCount, ClientContact, ClientFact, ClientRow, DueFact, Grant,
    GrantReview, LatestOutcome, OpenLink, Organisation, ReachedFact, Region, SealedKey, Session,
    SessionKind, StoreError, TotpState, User,
};
use sqlx::Row;

use crate::db::{Db, DbRow};

use super::errors::{backend, map_err};

/// The value of one column, or a backend error naming what failed.
pub(crate) fn get<'r, T>(row: &'r DbRow, column: &str) -> Result<T, StoreError>
where
    T: sqlx::Decode<'r, Db> + sqlx::Type<Db>,
{
    row.try_get(column).map_err(map_err)
}

fn corrupt(e: Invalid) -> StoreError {
    backend(e)
}

/// A region from `select code, name, latitude, longitude, utc_offset, postal_code, children_count, retired_at`.
pub(crate) fn region(row: &DbRow) -> Result<Region, StoreError> {
    Ok(Region {
        code: RegionCode::parse(get(row, "code")?).map_err(corrupt)?,
        name: get(row, "name")?,
        latitude: get(row, "latitude")?,
        longitude: get(row, "longitude")?,
        utc_offset: get(row, "utc_offset")?,
        postal_code: get(row, "postal_code")?,
        children_count: get(row, "children_count")?,
        retired: get::<Option<DateTime<Utc>>>(row, "retired_at")?.is_some(),
    })
}

/// An organisation from `select * from organisations`.
pub(crate) fn org(row: &DbRow) -> Result<Organisation, StoreError> {
    Ok(Organisation {
        id: OrgId::from_uuid(get(row, "id")?),
        name: get(row, "name")?,
        org_type: OrgType::parse(get(row, "org_type")?).map_err(corrupt)?,
        place: Scope::parse(get(row, "place")?).map_err(corrupt)?,
        version: get(row, "version")?,
        created_at: get(row, "created_at")?,
    })
}

/// A user from `select * from users` (or a join that keeps the users' column names).
pub(crate) fn user(row: &DbRow) -> Result<User, StoreError> {
    Ok(User {
        id: UserId::from_uuid(get(row, "id")?),
        username: get(row, "username")?,
        display_name: get(row, "display_name")?,
        role: Role::parse(get(row, "role")?).map_err(corrupt)?,
        org_id: OrgId::from_uuid(get(row, "org_id")?),
        scope: Scope::parse(get(row, "scope")?).map_err(corrupt)?,
        password_hash: get(row, "password_hash")?,
        disabled: get(row, "disabled")?,
        must_change_password: get(row, "must_change_password")?,
        totp: get::<Option<Vec<u8>>>(row, "totp_secret")?
            .map(|secret| -> Result<TotpState, StoreError> {
                Ok(TotpState {
                    secret,
                    enabled: get(row, "totp_enabled")?,
                    last_step: get(row, "totp_last_step")?,
                })
            })
            .transpose()?,
        link: match get::<Option<String>>(row, "link_purpose")? {
            Some(purpose) => Some(OpenLink {
                purpose: LinkPurpose::parse(&purpose).map_err(corrupt)?,
                expires_at: get(row, "link_expires_at")?,
            }),
            None => None,
        },
        version: get(row, "version")?,
        created_at: get(row, "created_at")?,
    })
}

/// A session from columns prefixed `s_`.
pub(crate) fn session(row: &DbRow) -> Result<Session, StoreError> {
    Ok(Session {
        id: SessionId::from_uuid(get(row, "s_id")?),
        user_id: UserId::from_uuid(get(row, "s_user_id")?),
        kind: SessionKind::parse(get(row, "s_kind")?)
            .ok_or_else(|| corrupt(Invalid::new("invalid.session_kind")))?,
        csrf_token: get(row, "s_csrf_token")?,
        created_at: get(row, "s_created_at")?,
        expires_at: get(row, "s_expires_at")?,
        last_seen_at: get(row, "s_last_seen_at")?,
    })
}

/// An audit entry from `select * from audit_log`.
pub(crate) fn audit_entry(row: &DbRow) -> Result<AuditEntry, StoreError> {
    Ok(AuditEntry {
        seq: get(row, "seq")?,
        event: AuditEvent {
            at: get(row, "at")?,
            actor: get(row, "actor")?,
            action: get(row, "action")?,
            record_type: get(row, "record_type")?,
            record_id: get(row, "record_id")?,
            region: get(row, "region")?,
            ip: get(row, "ip")?,
            detail: get(row, "detail")?,
        },
        prev_hash: get(row, "prev_hash")?,
        hash: get(row, "hash")?,
    })
}

/// A sealed key from `key_id` and the named bytea column.
pub(crate) fn sealed_key(row: &DbRow, column: &str) -> Result<SealedKey, StoreError> {
    Ok(SealedKey {
        key_id: get(row, "key_id")?,
        bytes: get(row, column)?,
    })
}

/// A client from `select c.*, k.key_id, k.sealed as key_sealed`; no key once erased.
pub(crate) fn client(row: &DbRow) -> Result<ClientRow, StoreError> {
    let key = match get::<Option<String>>(row, "key_id")? {
        Some(_) => Some(sealed_key(row, "key_sealed")?),
        None => None,
    };
    Ok(ClientRow {
        id: ClientId::from_uuid(get(row, "id")?),
        code: ClientCode::parse(get(row, "code")?).map_err(corrupt)?,
        region: RegionCode::parse(get(row, "region")?).map_err(corrupt)?,
        org_id: OrgId::from_uuid(get(row, "org_id")?),
        assigned_to: get::<Option<uuid::Uuid>>(row, "assigned_to")?.map(UserId::from_uuid),
        identity: get(row, "identity")?,
        key,
        created_by: UserId::from_uuid(get(row, "created_by")?),
        created_at: get(row, "created_at")?,
        erased_at: get(row, "erased_at")?,
        version: get(row, "version")?,
    })
}

/// A worklist client from `select c.id, c.code, c.region, c.assigned_to, c.created_at,
/// … as last_fact_on`.
pub(crate) fn contact(row: &DbRow) -> Result<ClientContact, StoreError> {
    Ok(ClientContact {
        id: ClientId::from_uuid(get(row, "id")?),
        code: ClientCode::parse(get(row, "code")?).map_err(corrupt)?,
        region: RegionCode::parse(get(row, "region")?).map_err(corrupt)?,
        assigned_to: get::<Option<uuid::Uuid>>(row, "assigned_to")?.map(UserId::from_uuid),
        created_at: get(row, "created_at")?,
        last_fact_on: get(row, "last_fact_on")?,
    })
}

/// A fact from `select * from client_facts`.
pub(crate) fn fact(row: &DbRow) -> Result<ClientFact, StoreError> {
    Ok(ClientFact {
        id: FactId::from_uuid(get(row, "id")?),
        client_id: ClientId::from_uuid(get(row, "client_id")?),
        kind: FactKind::parse(get(row, "kind")?).map_err(corrupt)?,
        occurred_on: get(row, "occurred_on")?,
        due_on: get(row, "due_on")?,
        status: get(row, "status")?,
        refers_to: get::<Option<uuid::Uuid>>(row, "refers_to")?.map(FactId::from_uuid),
        detail: get(row, "detail")?,
        sealed: get(row, "sealed")?,
        recorded_by: UserId::from_uuid(get(row, "recorded_by")?),
        recorded_at: get(row, "recorded_at")?,
    })
}

/// A grant from `select g.*, c.code`.
pub(crate) fn grant(row: &DbRow) -> Result<Grant, StoreError> {
    let review = match get::<Option<uuid::Uuid>>(row, "reviewed_by")? {
        Some(reviewer) => Some(GrantReview {
            reviewer: UserId::from_uuid(reviewer),
            at: get(row, "reviewed_at")?,
            outcome: get(row, "outcome")?,
            note: get(row, "review_note")?,
        }),
        None => None,
    };
    Ok(Grant {
        id: GrantId::from_uuid(get(row, "id")?),
        client_id: ClientId::from_uuid(get(row, "client_id")?),
        client_code: ClientCode::parse(get(row, "code")?).map_err(corrupt)?,
        region: RegionCode::parse(get(row, "region")?).map_err(corrupt)?,
        user_id: UserId::from_uuid(get(row, "user_id")?),
        user_scope: Scope::parse(get(row, "user_scope")?).map_err(corrupt)?,
        reason: get(row, "reason")?,
        granted_at: get(row, "granted_at")?,
        expires_at: get(row, "expires_at")?,
        review,
    })
}

/// An assessment from `select * from assessments`.
pub(crate) fn assessment(row: &DbRow) -> Result<Assessment, StoreError> {
    let approval = match get::<Option<uuid::Uuid>>(row, "approved_by")? {
        Some(by) => Some((UserId::from_uuid(by), get(row, "approved_at")?)),
        None => None,
    };
    Ok(Assessment {
        id: AssessmentId::from_uuid(get(row, "id")?),
        kind: AssessmentKind::parse(get(row, "kind")?).map_err(corrupt)?,
        region: RegionCode::parse(get(row, "region")?).map_err(corrupt)?,
        period: get(row, "period")?,
        answers: get(row, "answers")?,
        outcome: get(row, "outcome")?,
        score: get(row, "score")?,
        rules: get(row, "rules")?,
        recorded_by: UserId::from_uuid(get(row, "recorded_by")?),
        recorded_at: get(row, "recorded_at")?,
        approval,
    })
}

/// The newest outcome of a place, from `region` and `outcome`.
pub(crate) fn latest_outcome(row: &DbRow) -> Result<LatestOutcome, StoreError> {
    Ok(LatestOutcome {
        region: RegionCode::parse(get(row, "region")?).map_err(corrupt)?,
        outcome: get(row, "outcome")?,
    })
}

/// A Bersinar step from `select * from bersinar_steps`.
pub(crate) fn bersinar_step(row: &DbRow) -> Result<BersinarStep, StoreError> {
    let decree = match get::<Option<String>>(row, "decree_number")? {
        Some(number) => Some((number, get(row, "decree_date")?, get(row, "decree_issuer")?)),
        None => None,
    };
    Ok(BersinarStep {
        village: RegionCode::parse(get(row, "village")?).map_err(corrupt)?,
        seq: get(row, "seq")?,
        step: get(row, "step")?,
        status: get(row, "status")?,
        decree,
        reason: get(row, "reason")?,
        recorded_by: UserId::from_uuid(get(row, "recorded_by")?),
        recorded_at: get(row, "recorded_at")?,
    })
}

/// A fact with its client, from a query selecting [`REACHED`](crate::rows::REACHED).
pub(crate) fn reached_fact(row: &DbRow) -> Result<ReachedFact, StoreError> {
    let code: String = get(row, "client_code")?;
    let region: String = get(row, "client_region")?;
    Ok(ReachedFact {
        code: ClientCode::parse(&code).map_err(backend)?,
        region: RegionCode::parse(&region).map_err(backend)?,
        assigned_to: get::<Option<uuid::Uuid>>(row, "client_assigned_to")?.map(UserId::from_uuid),
        erased: get(row, "client_erased")?,
        fact: fact(row)?,
    })
}

/// Facts joined to their clients, as [`reached_fact`] reads them.
pub(crate) const REACHED: &str = "select f.*, c.code as client_code, c.region as client_region, \
     c.assigned_to as client_assigned_to, c.erased_at is not null as client_erased \
     from client_facts f join clients c on c.id = f.client_id";

/// A worker's caseload from `caseload_counts`.
pub(crate) fn caseload_count(row: &DbRow) -> Result<CaseloadCount, StoreError> {
    let count = |column: &str| -> Result<u64, StoreError> {
        let n: i64 = get(row, column)?;
        u64::try_from(n).map_err(backend)
    };
    Ok(CaseloadCount {
        worker: get::<Option<uuid::Uuid>>(row, "assigned_to")?.map(UserId::from_uuid),
        clients: count("clients")?,
        no_contact: count("no_contact")?,
    })
}

/// A due fact from `due_facts`.
pub(crate) fn due_fact(row: &DbRow) -> Result<DueFact, StoreError> {
    Ok(DueFact {
        client_id: ClientId::from_uuid(get(row, "client_id")?),
        code: ClientCode::parse(get(row, "code")?).map_err(corrupt)?,
        assigned_to: get::<Option<uuid::Uuid>>(row, "assigned_to")?.map(UserId::from_uuid),
        kind: FactKind::parse(get(row, "kind")?).map_err(corrupt)?,
        due_on: get(row, "due_on")?,
    })
}
