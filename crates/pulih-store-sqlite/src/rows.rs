//! Turning SQLite rows into records. Stored values were valid when written, so a value
//! that no longer parses is reported as a backend error rather than guessed at.

use pulih_domain::Invalid;
use pulih_domain::account::Role;
use pulih_domain::audit::{AuditEntry, AuditEvent};
use pulih_domain::client::{ClientCode, FactKind};
use pulih_domain::ids::{AssessmentId, ClientId, FactId, GrantId, OrgId, SessionId, UserId};
use pulih_domain::org::OrgType;
use pulih_domain::programme::AssessmentKind;
use pulih_domain::region::{RegionCode, Scope};
use pulih_store::{
    Assessment, BersinarStep, CaseloadCount, ClientContact, ClientFact, ClientRow, DueFact, Grant,
    GrantReview, Organisation, ReachedFact, Region, SealedKey, Session, SessionKind, StoreError,
    User,
};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use crate::map_err;

fn corrupt(e: Invalid) -> StoreError {
    crate::backend(e)
}

/// A region from `select code, name, latitude, longitude, utc_offset, postal_code, children_count, retired_at`.
pub(crate) fn region(row: &SqliteRow) -> Result<Region, StoreError> {
    Ok(Region {
        code: RegionCode::parse(row.try_get("code").map_err(map_err)?).map_err(corrupt)?,
        name: row.try_get("name").map_err(map_err)?,
        latitude: row.try_get("latitude").map_err(map_err)?,
        longitude: row.try_get("longitude").map_err(map_err)?,
        utc_offset: row.try_get("utc_offset").map_err(map_err)?,
        postal_code: row.try_get("postal_code").map_err(map_err)?,
        children_count: row.try_get("children_count").map_err(map_err)?,
        retired: row
            .try_get::<Option<String>, _>("retired_at")
            .map_err(map_err)?
            .is_some(),
    })
}

/// An organisation from `select * from organisations`.
pub(crate) fn org(row: &SqliteRow) -> Result<Organisation, StoreError> {
    Ok(Organisation {
        id: OrgId::from_uuid(row.try_get("id").map_err(map_err)?),
        name: row.try_get("name").map_err(map_err)?,
        org_type: OrgType::parse(row.try_get("org_type").map_err(map_err)?).map_err(corrupt)?,
        place: Scope::parse(row.try_get("place").map_err(map_err)?).map_err(corrupt)?,
        version: row.try_get("version").map_err(map_err)?,
        created_at: row.try_get("created_at").map_err(map_err)?,
    })
}

/// A user from `select * from users` (columns may carry a `u_` prefix-free join).
pub(crate) fn user(row: &SqliteRow) -> Result<User, StoreError> {
    Ok(User {
        id: UserId::from_uuid(row.try_get("id").map_err(map_err)?),
        username: row.try_get("username").map_err(map_err)?,
        display_name: row.try_get("display_name").map_err(map_err)?,
        role: Role::parse(row.try_get("role").map_err(map_err)?).map_err(corrupt)?,
        org_id: OrgId::from_uuid(row.try_get("org_id").map_err(map_err)?),
        scope: Scope::parse(row.try_get("scope").map_err(map_err)?).map_err(corrupt)?,
        password_hash: row.try_get("password_hash").map_err(map_err)?,
        disabled: row.try_get("disabled").map_err(map_err)?,
        must_change_password: row.try_get("must_change_password").map_err(map_err)?,
        version: row.try_get("version").map_err(map_err)?,
        created_at: row.try_get("created_at").map_err(map_err)?,
    })
}

/// A session from columns prefixed `s_`.
pub(crate) fn session(row: &SqliteRow) -> Result<Session, StoreError> {
    Ok(Session {
        id: SessionId::from_uuid(row.try_get("s_id").map_err(map_err)?),
        user_id: UserId::from_uuid(row.try_get("s_user_id").map_err(map_err)?),
        kind: SessionKind::parse(row.try_get("s_kind").map_err(map_err)?)
            .ok_or_else(|| corrupt(Invalid::new("invalid.session_kind")))?,
        csrf_token: row.try_get("s_csrf_token").map_err(map_err)?,
        created_at: row.try_get("s_created_at").map_err(map_err)?,
        expires_at: row.try_get("s_expires_at").map_err(map_err)?,
    })
}

/// An audit entry from `select * from audit_log`.
pub(crate) fn audit_entry(row: &SqliteRow) -> Result<AuditEntry, StoreError> {
    Ok(AuditEntry {
        seq: row.try_get("seq").map_err(map_err)?,
        event: AuditEvent {
            at: row.try_get("at").map_err(map_err)?,
            actor: row.try_get("actor").map_err(map_err)?,
            action: row.try_get("action").map_err(map_err)?,
            record_type: row.try_get("record_type").map_err(map_err)?,
            record_id: row.try_get("record_id").map_err(map_err)?,
            region: row.try_get("region").map_err(map_err)?,
            ip: row.try_get("ip").map_err(map_err)?,
            detail: row.try_get("detail").map_err(map_err)?,
        },
        prev_hash: row.try_get("prev_hash").map_err(map_err)?,
        hash: row.try_get("hash").map_err(map_err)?,
    })
}

/// A sealed key from `key_id` and the named blob column; none when the key is gone.
pub(crate) fn sealed_key(row: &SqliteRow, column: &str) -> Result<SealedKey, StoreError> {
    Ok(SealedKey {
        key_id: row.try_get("key_id").map_err(map_err)?,
        bytes: row.try_get(column).map_err(map_err)?,
    })
}

/// A client from `select c.*, k.key_id, k.sealed as key_sealed`.
pub(crate) fn client(row: &SqliteRow) -> Result<ClientRow, StoreError> {
    let key = match row
        .try_get::<Option<String>, _>("key_id")
        .map_err(map_err)?
    {
        Some(_) => Some(sealed_key(row, "key_sealed")?),
        None => None,
    };
    Ok(ClientRow {
        id: ClientId::from_uuid(row.try_get("id").map_err(map_err)?),
        code: ClientCode::parse(row.try_get("code").map_err(map_err)?).map_err(corrupt)?,
        region: RegionCode::parse(row.try_get("region").map_err(map_err)?).map_err(corrupt)?,
        org_id: OrgId::from_uuid(row.try_get("org_id").map_err(map_err)?),
        assigned_to: row
            .try_get::<Option<uuid::Uuid>, _>("assigned_to")
            .map_err(map_err)?
            .map(UserId::from_uuid),
        identity: row.try_get("identity").map_err(map_err)?,
        key,
        created_by: UserId::from_uuid(row.try_get("created_by").map_err(map_err)?),
        created_at: row.try_get("created_at").map_err(map_err)?,
        erased_at: row.try_get("erased_at").map_err(map_err)?,
        version: row.try_get("version").map_err(map_err)?,
    })
}

/// A worklist client from `select c.id, c.code, c.region, c.assigned_to, c.created_at,
/// … as last_fact_on`.
pub(crate) fn contact(row: &SqliteRow) -> Result<ClientContact, StoreError> {
    Ok(ClientContact {
        id: ClientId::from_uuid(row.try_get("id").map_err(map_err)?),
        code: ClientCode::parse(row.try_get("code").map_err(map_err)?).map_err(corrupt)?,
        region: RegionCode::parse(row.try_get("region").map_err(map_err)?).map_err(corrupt)?,
        assigned_to: row
            .try_get::<Option<uuid::Uuid>, _>("assigned_to")
            .map_err(map_err)?
            .map(UserId::from_uuid),
        created_at: row.try_get("created_at").map_err(map_err)?,
        last_fact_on: row.try_get("last_fact_on").map_err(map_err)?,
    })
}

/// A fact from `select * from client_facts`.
pub(crate) fn fact(row: &SqliteRow) -> Result<ClientFact, StoreError> {
    Ok(ClientFact {
        id: FactId::from_uuid(row.try_get("id").map_err(map_err)?),
        client_id: ClientId::from_uuid(row.try_get("client_id").map_err(map_err)?),
        kind: FactKind::parse(row.try_get("kind").map_err(map_err)?).map_err(corrupt)?,
        occurred_on: row.try_get("occurred_on").map_err(map_err)?,
        due_on: row.try_get("due_on").map_err(map_err)?,
        status: row.try_get("status").map_err(map_err)?,
        refers_to: row
            .try_get::<Option<uuid::Uuid>, _>("refers_to")
            .map_err(map_err)?
            .map(FactId::from_uuid),
        detail: row.try_get("detail").map_err(map_err)?,
        sealed: row.try_get("sealed").map_err(map_err)?,
        recorded_by: UserId::from_uuid(row.try_get("recorded_by").map_err(map_err)?),
        recorded_at: row.try_get("recorded_at").map_err(map_err)?,
    })
}

/// A grant from `select g.*, c.code`.
pub(crate) fn grant(row: &SqliteRow) -> Result<Grant, StoreError> {
    let review = match row
        .try_get::<Option<uuid::Uuid>, _>("reviewed_by")
        .map_err(map_err)?
    {
        Some(reviewer) => Some(GrantReview {
            reviewer: UserId::from_uuid(reviewer),
            at: row.try_get("reviewed_at").map_err(map_err)?,
            outcome: row.try_get("outcome").map_err(map_err)?,
            note: row.try_get("review_note").map_err(map_err)?,
        }),
        None => None,
    };
    Ok(Grant {
        id: GrantId::from_uuid(row.try_get("id").map_err(map_err)?),
        client_id: ClientId::from_uuid(row.try_get("client_id").map_err(map_err)?),
        client_code: ClientCode::parse(row.try_get("code").map_err(map_err)?).map_err(corrupt)?,
        region: RegionCode::parse(row.try_get("region").map_err(map_err)?).map_err(corrupt)?,
        user_id: UserId::from_uuid(row.try_get("user_id").map_err(map_err)?),
        user_scope: Scope::parse(row.try_get("user_scope").map_err(map_err)?).map_err(corrupt)?,
        reason: row.try_get("reason").map_err(map_err)?,
        granted_at: row.try_get("granted_at").map_err(map_err)?,
        expires_at: row.try_get("expires_at").map_err(map_err)?,
        review,
    })
}

/// An assessment from `select * from assessments`.
pub(crate) fn assessment(row: &SqliteRow) -> Result<Assessment, StoreError> {
    let approval = match row
        .try_get::<Option<uuid::Uuid>, _>("approved_by")
        .map_err(map_err)?
    {
        Some(by) => Some((
            UserId::from_uuid(by),
            row.try_get("approved_at").map_err(map_err)?,
        )),
        None => None,
    };
    Ok(Assessment {
        id: AssessmentId::from_uuid(row.try_get("id").map_err(map_err)?),
        kind: AssessmentKind::parse(row.try_get("kind").map_err(map_err)?).map_err(corrupt)?,
        region: RegionCode::parse(row.try_get("region").map_err(map_err)?).map_err(corrupt)?,
        period: row.try_get("period").map_err(map_err)?,
        answers: row.try_get("answers").map_err(map_err)?,
        outcome: row.try_get("outcome").map_err(map_err)?,
        score: row.try_get("score").map_err(map_err)?,
        rules: row.try_get("rules").map_err(map_err)?,
        recorded_by: UserId::from_uuid(row.try_get("recorded_by").map_err(map_err)?),
        recorded_at: row.try_get("recorded_at").map_err(map_err)?,
        approval,
    })
}

/// A Bersinar step from `select * from bersinar_steps`.
pub(crate) fn bersinar_step(row: &SqliteRow) -> Result<BersinarStep, StoreError> {
    let decree = match row
        .try_get::<Option<String>, _>("decree_number")
        .map_err(map_err)?
    {
        Some(number) => Some((
            number,
            row.try_get("decree_date").map_err(map_err)?,
            row.try_get("decree_issuer").map_err(map_err)?,
        )),
        None => None,
    };
    Ok(BersinarStep {
        village: RegionCode::parse(row.try_get("village").map_err(map_err)?).map_err(corrupt)?,
        seq: row.try_get("seq").map_err(map_err)?,
        step: row.try_get("step").map_err(map_err)?,
        status: row.try_get("status").map_err(map_err)?,
        decree,
        reason: row.try_get("reason").map_err(map_err)?,
        recorded_by: UserId::from_uuid(row.try_get("recorded_by").map_err(map_err)?),
        recorded_at: row.try_get("recorded_at").map_err(map_err)?,
    })
}

/// A fact with its client, from a query selecting [`REACHED`](crate::rows::REACHED).
pub(crate) fn reached_fact(row: &SqliteRow) -> Result<ReachedFact, StoreError> {
    let code: String = row.try_get("client_code").map_err(map_err)?;
    let region: String = row.try_get("client_region").map_err(map_err)?;
    Ok(ReachedFact {
        code: ClientCode::parse(&code).map_err(crate::backend)?,
        region: RegionCode::parse(&region).map_err(crate::backend)?,
        assigned_to: row
            .try_get::<Option<uuid::Uuid>, _>("client_assigned_to")
            .map_err(map_err)?
            .map(UserId::from_uuid),
        erased: row.try_get("client_erased").map_err(map_err)?,
        fact: fact(row)?,
    })
}

/// Facts joined to their clients, as [`reached_fact`] reads them.
pub(crate) const REACHED: &str = "select f.*, c.code as client_code, c.region as client_region, \
     c.assigned_to as client_assigned_to, c.erased_at is not null as client_erased \
     from client_facts f join clients c on c.id = f.client_id";

/// A worker's caseload from `caseload_counts`.
pub(crate) fn caseload_count(row: &SqliteRow) -> Result<CaseloadCount, StoreError> {
    let count = |column: &str| -> Result<u64, StoreError> {
        let n: i64 = row.try_get(column).map_err(map_err)?;
        u64::try_from(n).map_err(crate::backend)
    };
    Ok(CaseloadCount {
        worker: row
            .try_get::<Option<uuid::Uuid>, _>("assigned_to")
            .map_err(map_err)?
            .map(UserId::from_uuid),
        clients: count("clients")?,
        no_contact: count("no_contact")?,
    })
}

/// A due fact from `due_facts`.
pub(crate) fn due_fact(row: &SqliteRow) -> Result<DueFact, StoreError> {
    Ok(DueFact {
        client_id: ClientId::from_uuid(row.try_get("client_id").map_err(map_err)?),
        code: ClientCode::parse(row.try_get("code").map_err(map_err)?).map_err(corrupt)?,
        assigned_to: row
            .try_get::<Option<uuid::Uuid>, _>("assigned_to")
            .map_err(map_err)?
            .map(UserId::from_uuid),
        kind: FactKind::parse(row.try_get("kind").map_err(map_err)?).map_err(corrupt)?,
        due_on: row.try_get("due_on").map_err(map_err)?,
    })
}
