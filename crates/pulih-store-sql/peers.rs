//! Teman Sebaya: schools, peer-educator counts (append-only, the newest current) and
//! sessions, with their sums for dashboards. Counts only; no column can hold a name.

use async_trait::async_trait;
use chrono::NaiveDate;
use pulih_domain::ids::{PeerCountId, PeerSessionId, SchoolId, UserId};
use pulih_domain::programme::peers::{Counts, GradeBand, SchoolLevel};
use pulih_domain::region::RegionCode;
use pulih_store::{CountSums, PeerCount, PeerSession, PeerSummary, PeerTx, School, StoreResult};
use sqlx::QueryBuilder;

use super::envelope::SqlTx;
use super::errors::{backend, map_err};
use super::reach::push_at_or_below;
use super::rows::get;
use crate::db::{Db, DbRow, Pool};
use crate::dialect;

/// The grade band columns, in [`GradeBand::ALL`] order.
const BANDS: [&str; 4] = ["grades_1_3", "grades_4_6", "grades_7_9", "grades_10_12"];

/// The newest count of the school of the row `c`: newest as of date, then newest recorded.
const CURRENT: &str = "c.id = (select l.id from peer_counts l where l.school_id = c.school_id \
     order by l.as_of desc, l.recorded_at desc, l.id desc limit 1)";

fn school(row: &DbRow) -> StoreResult<School> {
    Ok(School {
        id: SchoolId::from_uuid(get(row, "id")?),
        village: RegionCode::parse(get(row, "village")?).map_err(backend)?,
        name: get(row, "name")?,
        level: SchoolLevel::parse(get(row, "level")?).map_err(backend)?,
        npsn: get(row, "npsn")?,
        recorded_by: UserId::from_uuid(get(row, "recorded_by")?),
        recorded_at: get(row, "recorded_at")?,
    })
}

fn counts(row: &DbRow) -> StoreResult<Counts> {
    let mut bands = [None; 4];
    for (slot, column) in bands.iter_mut().zip(BANDS) {
        *slot = get(row, column)?;
    }
    Counts::from_columns(
        get(row, "total")?,
        get(row, "male")?,
        get(row, "female")?,
        bands,
    )
    .map_err(backend)
}

fn peer_count(row: &DbRow) -> StoreResult<PeerCount> {
    Ok(PeerCount {
        id: PeerCountId::from_uuid(get(row, "id")?),
        school: SchoolId::from_uuid(get(row, "school_id")?),
        village: RegionCode::parse(get(row, "village")?).map_err(backend)?,
        as_of: get(row, "as_of")?,
        educators: counts(row)?,
        recorded_by: UserId::from_uuid(get(row, "recorded_by")?),
        recorded_at: get(row, "recorded_at")?,
    })
}

fn peer_session(row: &DbRow) -> StoreResult<PeerSession> {
    Ok(PeerSession {
        id: PeerSessionId::from_uuid(get(row, "id")?),
        school: SchoolId::from_uuid(get(row, "school_id")?),
        village: RegionCode::parse(get(row, "village")?).map_err(backend)?,
        held_on: get(row, "held_on")?,
        topic: get(row, "topic")?,
        audience: counts(row)?,
        recorded_by: UserId::from_uuid(get(row, "recorded_by")?),
        recorded_at: get(row, "recorded_at")?,
    })
}

/// Sums from `select` columns named `total, male, female, grades_…, banded`, where
/// `banded` is the total of the rows broken down by grade.
fn sums(row: &DbRow) -> StoreResult<CountSums> {
    let mut by_grade_band = std::collections::BTreeMap::new();
    for (band, column) in GradeBand::ALL.into_iter().zip(BANDS) {
        by_grade_band.insert(band, get(row, column)?);
    }
    let total: i64 = get(row, "total")?;
    let banded: i64 = get(row, "banded")?;
    Ok(CountSums {
        total,
        male: get(row, "male")?,
        female: get(row, "female")?,
        by_grade_band,
        grade_band_unknown: total - banded,
    })
}

/// `coalesce(sum(…), 0)` of the count columns, and of the totals broken down by grade.
fn summed() -> String {
    let mut columns: Vec<String> = ["total", "male", "female"]
        .into_iter()
        .chain(BANDS)
        .map(|c| format!("cast(coalesce(sum({c}), 0) as bigint) as {c}"))
        .collect();
    columns.push(
        "cast(coalesce(sum(case when grades_1_3 is null then 0 else total end), 0) as bigint) \
         as banded"
            .into(),
    );
    columns.join(", ")
}

pub(crate) async fn school_by_id(pool: &Pool, id: SchoolId) -> StoreResult<Option<School>> {
    sqlx::query("select * from schools where id = $1")
        .bind(id.as_uuid())
        .fetch_optional(pool)
        .await
        .map_err(map_err)?
        .as_ref()
        .map(school)
        .transpose()
}

pub(crate) async fn schools(pool: &Pool, village: &RegionCode) -> StoreResult<Vec<School>> {
    let found = sqlx::query(&format!(
        "select * from schools where village = $1 order by name {}, id",
        dialect::BYTE_ORDER
    ))
    .bind(village.as_str())
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    found.iter().map(school).collect()
}

pub(crate) async fn peer_counts(pool: &Pool, school: SchoolId) -> StoreResult<Vec<PeerCount>> {
    let found = sqlx::query(
        "select * from peer_counts where school_id = $1 \
         order by as_of desc, recorded_at desc, id desc",
    )
    .bind(school.as_uuid())
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    found.iter().map(peer_count).collect()
}

pub(crate) async fn current_peer_counts(
    pool: &Pool,
    node: &RegionCode,
) -> StoreResult<Vec<PeerCount>> {
    let mut q = QueryBuilder::<Db>::new("select c.* from peer_counts c where ");
    push_at_or_below(&mut q, "c.village", node);
    q.push(format!(" and {CURRENT} order by c.school_id"));
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(peer_count).collect()
}

pub(crate) async fn peer_sessions(pool: &Pool, school: SchoolId) -> StoreResult<Vec<PeerSession>> {
    let found = sqlx::query(
        "select * from peer_sessions where school_id = $1 \
         order by held_on desc, recorded_at desc, id desc",
    )
    .bind(school.as_uuid())
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    found.iter().map(peer_session).collect()
}

pub(crate) async fn peer_sessions_in(
    pool: &Pool,
    node: &RegionCode,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<Vec<PeerSession>> {
    let mut q = QueryBuilder::<Db>::new("select * from peer_sessions where ");
    push_at_or_below(&mut q, "village", node);
    q.push(" and held_on >= ")
        .push_bind(from)
        .push(" and held_on <= ")
        .push_bind(to)
        .push(" order by held_on desc, recorded_at desc, id desc");
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(peer_session).collect()
}

pub(crate) async fn peer_summary(
    pool: &Pool,
    node: &RegionCode,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<PeerSummary> {
    let mut q = QueryBuilder::<Db>::new("select count(*) as n from schools where ");
    push_at_or_below(&mut q, "village", node);
    let schools: i64 = get(&q.build().fetch_one(pool).await.map_err(map_err)?, "n")?;
    let mut q = QueryBuilder::<Db>::new(format!(
        "select {}, count(*) filter (where total > 0) as schools from peer_counts c where ",
        summed()
    ));
    push_at_or_below(&mut q, "c.village", node);
    q.push(format!(" and {CURRENT}"));
    let current = q.build().fetch_one(pool).await.map_err(map_err)?;
    let mut q = QueryBuilder::<Db>::new(format!(
        "select {}, count(*) as sessions from peer_sessions where ",
        summed()
    ));
    push_at_or_below(&mut q, "village", node);
    q.push(" and held_on >= ")
        .push_bind(from)
        .push(" and held_on <= ")
        .push_bind(to);
    let held = q.build().fetch_one(pool).await.map_err(map_err)?;
    Ok(PeerSummary {
        schools,
        schools_with_educators: get(&current, "schools")?,
        educators: sums(&current)?,
        sessions: get(&held, "sessions")?,
        audience: sums(&held)?,
    })
}

#[async_trait]
impl PeerTx for SqlTx<'_> {
    async fn insert_school(&mut self, s: &School) -> StoreResult<()> {
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
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        self.changed("school", s.id, 1, s.village.as_str());
        Ok(())
    }

    async fn insert_peer_count(&mut self, c: &PeerCount) -> StoreResult<()> {
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
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        self.changed("peer_count", c.id, 1, c.village.as_str());
        Ok(())
    }

    async fn insert_peer_session(&mut self, s: &PeerSession) -> StoreResult<()> {
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
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        self.changed("peer_session", s.id, 1, s.village.as_str());
        Ok(())
    }
}
