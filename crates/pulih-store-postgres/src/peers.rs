//! Teman Sebaya schools, peer-educator counts and sessions in PostgreSQL, behind
//! [`PeerStore`].

use async_trait::async_trait;
use chrono::NaiveDate;
use pulih_domain::audit::AuditEvent;
use pulih_domain::ids::{PeerCountId, PeerSessionId, SchoolId, UserId};
use pulih_domain::programme::peers::{Counts, GradeBand, SchoolLevel};
use pulih_domain::region::RegionCode;
use pulih_store::{CountSums, PeerCount, PeerSession, PeerStore, PeerSummary, School, StoreResult};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};

use crate::{PostgresStore, audit, backend, map_err};

/// The grade band columns, in [`GradeBand::ALL`] order.
const BANDS: [&str; 4] = ["grades_1_3", "grades_4_6", "grades_7_9", "grades_10_12"];

/// Rows at or below the node bound as `$1`.
const BELOW: &str = "(village = $1 or village like $1 || '.%')";

/// The newest count of the school of the row `c`: newest as of date, then newest recorded.
const CURRENT: &str = "c.id = (select l.id from peer_counts l where l.school_id = c.school_id \
     order by l.as_of desc, l.recorded_at desc, l.id desc limit 1)";

fn school(row: &PgRow) -> StoreResult<School> {
    Ok(School {
        id: SchoolId::from_uuid(row.try_get("id").map_err(map_err)?),
        village: RegionCode::parse(row.try_get("village").map_err(map_err)?).map_err(backend)?,
        name: row.try_get("name").map_err(map_err)?,
        level: SchoolLevel::parse(row.try_get("level").map_err(map_err)?).map_err(backend)?,
        npsn: row.try_get("npsn").map_err(map_err)?,
        recorded_by: UserId::from_uuid(row.try_get("recorded_by").map_err(map_err)?),
        recorded_at: row.try_get("recorded_at").map_err(map_err)?,
    })
}

fn counts(row: &PgRow) -> StoreResult<Counts> {
    let mut bands = [None; 4];
    for (slot, column) in bands.iter_mut().zip(BANDS) {
        *slot = row.try_get(column).map_err(map_err)?;
    }
    Counts::from_columns(
        row.try_get("total").map_err(map_err)?,
        row.try_get("male").map_err(map_err)?,
        row.try_get("female").map_err(map_err)?,
        bands,
    )
    .map_err(backend)
}

fn peer_count(row: &PgRow) -> StoreResult<PeerCount> {
    Ok(PeerCount {
        id: PeerCountId::from_uuid(row.try_get("id").map_err(map_err)?),
        school: SchoolId::from_uuid(row.try_get("school_id").map_err(map_err)?),
        village: RegionCode::parse(row.try_get("village").map_err(map_err)?).map_err(backend)?,
        as_of: row.try_get("as_of").map_err(map_err)?,
        educators: counts(row)?,
        recorded_by: UserId::from_uuid(row.try_get("recorded_by").map_err(map_err)?),
        recorded_at: row.try_get("recorded_at").map_err(map_err)?,
    })
}

fn peer_session(row: &PgRow) -> StoreResult<PeerSession> {
    Ok(PeerSession {
        id: PeerSessionId::from_uuid(row.try_get("id").map_err(map_err)?),
        school: SchoolId::from_uuid(row.try_get("school_id").map_err(map_err)?),
        village: RegionCode::parse(row.try_get("village").map_err(map_err)?).map_err(backend)?,
        held_on: row.try_get("held_on").map_err(map_err)?,
        topic: row.try_get("topic").map_err(map_err)?,
        audience: counts(row)?,
        recorded_by: UserId::from_uuid(row.try_get("recorded_by").map_err(map_err)?),
        recorded_at: row.try_get("recorded_at").map_err(map_err)?,
    })
}

/// Sums from `select` columns named `total, male, female, grades_…, banded`, where
/// `banded` is the total of the rows broken down by grade.
fn sums(row: &PgRow) -> StoreResult<CountSums> {
    let mut by_grade_band = std::collections::BTreeMap::new();
    for (band, column) in GradeBand::ALL.into_iter().zip(BANDS) {
        by_grade_band.insert(band, row.try_get(column).map_err(map_err)?);
    }
    let total: i64 = row.try_get("total").map_err(map_err)?;
    let banded: i64 = row.try_get("banded").map_err(map_err)?;
    Ok(CountSums {
        total,
        male: row.try_get("male").map_err(map_err)?,
        female: row.try_get("female").map_err(map_err)?,
        by_grade_band,
        grade_band_unknown: total - banded,
    })
}

/// `coalesce(sum(…), 0)` of the count columns, and of the totals broken down by grade.
fn summed() -> String {
    let mut columns: Vec<String> = ["total", "male", "female"]
        .into_iter()
        .chain(BANDS)
        .map(|c| format!("coalesce(sum({c}), 0)::bigint as {c}"))
        .collect();
    columns.push(
        "coalesce(sum(case when grades_1_3 is null then 0 else total end), 0)::bigint as banded"
            .into(),
    );
    columns.join(", ")
}

async fn add_school(conn: &mut PgConnection, s: &School, event: &AuditEvent) -> StoreResult<()> {
    sqlx::query(
        "insert into schools (id, village, name, level, npsn, recorded_by, recorded_at) \
         values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(s.id.as_uuid())
    .bind(s.village.as_str())
    .bind(&s.name)
    .bind(s.level.key())
    .bind(&s.npsn)
    .bind(s.recorded_by.as_uuid())
    .bind(s.recorded_at)
    .execute(&mut *conn)
    .await
    .map_err(map_err)?;
    audit::append(conn, event).await?;
    let (id, village) = (s.id.to_string(), s.village.to_string());
    audit::change(conn, "school", &id, 1, &village, event.at).await
}

async fn add_count(conn: &mut PgConnection, c: &PeerCount, event: &AuditEvent) -> StoreResult<()> {
    let [b1, b2, b3, b4] = c.educators.band_columns();
    sqlx::query(
        "insert into peer_counts (id, school_id, village, as_of, total, male, female, \
         grades_1_3, grades_4_6, grades_7_9, grades_10_12, recorded_by, recorded_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(c.id.as_uuid())
    .bind(c.school.as_uuid())
    .bind(c.village.as_str())
    .bind(c.as_of)
    .bind(i64::from(c.educators.total()))
    .bind(i64::from(c.educators.male()))
    .bind(i64::from(c.educators.female()))
    .bind(b1)
    .bind(b2)
    .bind(b3)
    .bind(b4)
    .bind(c.recorded_by.as_uuid())
    .bind(c.recorded_at)
    .execute(&mut *conn)
    .await
    .map_err(map_err)?;
    audit::append(conn, event).await?;
    let (id, village) = (c.id.to_string(), c.village.to_string());
    audit::change(conn, "peer_count", &id, 1, &village, event.at).await
}

async fn add_session(
    conn: &mut PgConnection,
    s: &PeerSession,
    event: &AuditEvent,
) -> StoreResult<()> {
    let [b1, b2, b3, b4] = s.audience.band_columns();
    sqlx::query(
        "insert into peer_sessions (id, school_id, village, held_on, topic, total, male, female, \
         grades_1_3, grades_4_6, grades_7_9, grades_10_12, recorded_by, recorded_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(s.id.as_uuid())
    .bind(s.school.as_uuid())
    .bind(s.village.as_str())
    .bind(s.held_on)
    .bind(&s.topic)
    .bind(i64::from(s.audience.total()))
    .bind(i64::from(s.audience.male()))
    .bind(i64::from(s.audience.female()))
    .bind(b1)
    .bind(b2)
    .bind(b3)
    .bind(b4)
    .bind(s.recorded_by.as_uuid())
    .bind(s.recorded_at)
    .execute(&mut *conn)
    .await
    .map_err(map_err)?;
    audit::append(conn, event).await?;
    let (id, village) = (s.id.to_string(), s.village.to_string());
    audit::change(conn, "peer_session", &id, 1, &village, event.at).await
}

#[async_trait]
impl PeerStore for PostgresStore {
    async fn add_school(&self, school: &School, event: &AuditEvent) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        add_school(&mut tx, school, event).await?;
        tx.commit().await.map_err(map_err)
    }
    async fn school(&self, id: SchoolId) -> StoreResult<Option<School>> {
        sqlx::query("select * from schools where id = $1")
            .bind(id.as_uuid())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?
            .as_ref()
            .map(school)
            .transpose()
    }
    async fn schools(&self, village: &RegionCode) -> StoreResult<Vec<School>> {
        let found =
            sqlx::query("select * from schools where village = $1 order by name collate \"C\", id")
                .bind(village.as_str())
                .fetch_all(&self.pool)
                .await
                .map_err(map_err)?;
        found.iter().map(school).collect()
    }
    async fn add_peer_count(&self, count: &PeerCount, event: &AuditEvent) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        add_count(&mut tx, count, event).await?;
        tx.commit().await.map_err(map_err)
    }
    async fn peer_counts(&self, school: SchoolId) -> StoreResult<Vec<PeerCount>> {
        let found = sqlx::query(
            "select * from peer_counts where school_id = $1 \
             order by as_of desc, recorded_at desc, id desc",
        )
        .bind(school.as_uuid())
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        found.iter().map(peer_count).collect()
    }
    async fn current_peer_counts(&self, node: &RegionCode) -> StoreResult<Vec<PeerCount>> {
        let sql = format!(
            "select c.* from peer_counts c where {BELOW} and {CURRENT} order by c.school_id"
        );
        let found = sqlx::query(&sql)
            .bind(node.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        found.iter().map(peer_count).collect()
    }
    async fn add_peer_session(&self, session: &PeerSession, event: &AuditEvent) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        add_session(&mut tx, session, event).await?;
        tx.commit().await.map_err(map_err)
    }
    async fn peer_sessions(&self, school: SchoolId) -> StoreResult<Vec<PeerSession>> {
        let found = sqlx::query(
            "select * from peer_sessions where school_id = $1 \
             order by held_on desc, recorded_at desc, id desc",
        )
        .bind(school.as_uuid())
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        found.iter().map(peer_session).collect()
    }
    async fn peer_sessions_in(
        &self,
        node: &RegionCode,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<PeerSession>> {
        let sql = format!(
            "select * from peer_sessions where {BELOW} and held_on between $2 and $3 \
             order by held_on desc, recorded_at desc, id desc"
        );
        let found = sqlx::query(&sql)
            .bind(node.as_str())
            .bind(from)
            .bind(to)
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        found.iter().map(peer_session).collect()
    }
    async fn peer_summary(
        &self,
        node: &RegionCode,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<PeerSummary> {
        let schools: i64 =
            sqlx::query_scalar(&format!("select count(*) from schools where {BELOW}"))
                .bind(node.as_str())
                .fetch_one(&self.pool)
                .await
                .map_err(map_err)?;
        let current = sqlx::query(&format!(
            "select {}, count(*) filter (where total > 0) as schools \
             from peer_counts c where {BELOW} and {CURRENT}",
            summed()
        ))
        .bind(node.as_str())
        .fetch_one(&self.pool)
        .await
        .map_err(map_err)?;
        let held = sqlx::query(&format!(
            "select {}, count(*) as sessions from peer_sessions \
             where {BELOW} and held_on between $2 and $3",
            summed()
        ))
        .bind(node.as_str())
        .bind(from)
        .bind(to)
        .fetch_one(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(PeerSummary {
            schools,
            schools_with_educators: current.try_get("schools").map_err(map_err)?,
            educators: sums(&current)?,
            sessions: held.try_get("sessions").map_err(map_err)?,
            audience: sums(&held)?,
        })
    }
}
