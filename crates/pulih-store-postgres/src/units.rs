//! IBM units, their agents, trainings and activities in PostgreSQL, behind [`UnitStore`].

use async_trait::async_trait;
use chrono::NaiveDate;
use pulih_domain::audit::AuditEvent;
use pulih_domain::ids::{ActivityId, TrainingId, UnitId, UserId};
use pulih_domain::region::{RegionCode, Scope};
use pulih_store::{
    ActivityRow, ActivityTally, Certificate, ClientFact, Member, StoreError, StoreResult,
    TrainingRow, Unit, UnitStore, UntrainedAgent,
};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};

use crate::{PostgresStore, audit, map_err, scope_filter};

fn corrupt(e: pulih_domain::Invalid) -> StoreError {
    crate::backend(e)
}

fn code_at(row: &PgRow, column: &str) -> StoreResult<RegionCode> {
    RegionCode::parse(row.try_get(column).map_err(map_err)?).map_err(corrupt)
}

fn unit_row(row: &PgRow) -> StoreResult<Unit> {
    Ok(Unit {
        id: UnitId::from_uuid(row.try_get("id").map_err(map_err)?),
        village: code_at(row, "village")?,
        founding: row.try_get("founding").map_err(map_err)?,
        decree: (
            row.try_get("decree_number").map_err(map_err)?,
            row.try_get("decree_date").map_err(map_err)?,
            row.try_get("decree_signed_by").map_err(map_err)?,
        ),
        recorded_by: UserId::from_uuid(row.try_get("recorded_by").map_err(map_err)?),
        recorded_at: row.try_get("recorded_at").map_err(map_err)?,
    })
}

fn member_row(row: &PgRow) -> StoreResult<Member> {
    Ok(Member {
        unit: UnitId::from_uuid(row.try_get("unit_id").map_err(map_err)?),
        user: UserId::from_uuid(row.try_get("user_id").map_err(map_err)?),
        display_name: row.try_get("display_name").map_err(map_err)?,
        phone: row.try_get("phone").map_err(map_err)?,
        sex: row.try_get("sex").map_err(map_err)?,
        age_band: row.try_get("age_band").map_err(map_err)?,
        status: row.try_get("status").map_err(map_err)?,
        joined_on: row.try_get("joined_on").map_err(map_err)?,
        version: row.try_get("version").map_err(map_err)?,
    })
}

fn training_row(row: &PgRow) -> StoreResult<TrainingRow> {
    Ok(TrainingRow {
        id: TrainingId::from_uuid(row.try_get("id").map_err(map_err)?),
        unit: UnitId::from_uuid(row.try_get("unit_id").map_err(map_err)?),
        village: code_at(row, "village")?,
        title: row.try_get("title").map_err(map_err)?,
        organiser: row.try_get("organiser").map_err(map_err)?,
        curriculum: row.try_get("curriculum").map_err(map_err)?,
        starts_on: row.try_get("starts_on").map_err(map_err)?,
        ends_on: row.try_get("ends_on").map_err(map_err)?,
        recorded_by: UserId::from_uuid(row.try_get("recorded_by").map_err(map_err)?),
        recorded_at: row.try_get("recorded_at").map_err(map_err)?,
    })
}

fn certificate_row(row: &PgRow) -> StoreResult<Certificate> {
    Ok(Certificate {
        training: TrainingId::from_uuid(row.try_get("training_id").map_err(map_err)?),
        user: UserId::from_uuid(row.try_get("user_id").map_err(map_err)?),
        number: row.try_get("number").map_err(map_err)?,
        issued_on: row.try_get("issued_on").map_err(map_err)?,
    })
}

fn activity_row(row: &PgRow) -> StoreResult<ActivityRow> {
    Ok(ActivityRow {
        id: ActivityId::from_uuid(row.try_get("id").map_err(map_err)?),
        unit: UnitId::from_uuid(row.try_get("unit_id").map_err(map_err)?),
        village: code_at(row, "village")?,
        kind: row.try_get("kind").map_err(map_err)?,
        held_on: row.try_get("held_on").map_err(map_err)?,
        detail: row.try_get("detail").map_err(map_err)?,
        people: row.try_get("people").map_err(map_err)?,
        recorded_by: UserId::from_uuid(row.try_get("recorded_by").map_err(map_err)?),
        recorded_at: row.try_get("recorded_at").map_err(map_err)?,
    })
}

const MEMBERS: &str =
    "select m.*, u.display_name from unit_members m join users u on u.id = m.user_id";

async fn insert_member(conn: &mut PgConnection, m: &Member) -> StoreResult<()> {
    sqlx::query(
        "insert into unit_members (user_id, unit_id, phone, sex, age_band, status, joined_on, version) \
         values ($1, $2, $3, $4, $5, $6, $7, 1)",
    )
    .bind(m.user.as_uuid())
    .bind(m.unit.as_uuid())
    .bind(&m.phone)
    .bind(&m.sex)
    .bind(&m.age_band)
    .bind(&m.status)
    .bind(m.joined_on)
    .execute(&mut *conn)
    .await
    .map_err(map_err)?;
    Ok(())
}

async fn create_unit(
    conn: &mut PgConnection,
    unit: &Unit,
    members: &[Member],
    event: &AuditEvent,
) -> StoreResult<()> {
    let (number, date, signed_by) = &unit.decree;
    sqlx::query(
        "insert into units (id, village, founding, decree_number, decree_date, decree_signed_by, recorded_by, recorded_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(unit.id.as_uuid())
    .bind(unit.village.as_str())
    .bind(&unit.founding)
    .bind(number)
    .bind(date)
    .bind(signed_by)
    .bind(unit.recorded_by.as_uuid())
    .bind(unit.recorded_at)
    .execute(&mut *conn)
    .await
    .map_err(map_err)?;
    for m in members {
        insert_member(conn, m).await?;
    }
    audit::append(conn, event).await?;
    let village = unit.village.to_string();
    audit::change(conn, "unit", &unit.id.to_string(), 1, &village, event.at).await
}

async fn add_member(conn: &mut PgConnection, m: &Member, event: &AuditEvent) -> StoreResult<()> {
    insert_member(conn, m).await?;
    audit::append(conn, event).await?;
    let village: String = sqlx::query_scalar("select village from units where id = $1")
        .bind(m.unit.as_uuid())
        .fetch_one(&mut *conn)
        .await
        .map_err(map_err)?;
    audit::change(
        conn,
        "unit_member",
        &m.user.to_string(),
        1,
        &village,
        event.at,
    )
    .await
}

async fn update_member(
    conn: &mut PgConnection,
    m: &Member,
    event: &AuditEvent,
) -> StoreResult<i64> {
    let done = sqlx::query(
        "update unit_members set phone = $1, sex = $2, age_band = $3, status = $4, version = version + 1 \
         where user_id = $5 and unit_id = $6 and version = $7",
    )
    .bind(&m.phone)
    .bind(&m.sex)
    .bind(&m.age_band)
    .bind(&m.status)
    .bind(m.user.as_uuid())
    .bind(m.unit.as_uuid())
    .bind(m.version)
    .execute(&mut *conn)
    .await
    .map_err(map_err)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict);
    }
    audit::append(conn, event).await?;
    let village: String = sqlx::query_scalar("select village from units where id = $1")
        .bind(m.unit.as_uuid())
        .fetch_one(&mut *conn)
        .await
        .map_err(map_err)?;
    let id = m.user.to_string();
    audit::change(conn, "unit_member", &id, m.version + 1, &village, event.at).await?;
    Ok(m.version + 1)
}

async fn add_training(
    conn: &mut PgConnection,
    t: &TrainingRow,
    event: &AuditEvent,
) -> StoreResult<()> {
    sqlx::query(
        "insert into trainings (id, unit_id, village, title, organiser, curriculum, starts_on, ends_on, recorded_by, recorded_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(t.id.as_uuid())
    .bind(t.unit.as_uuid())
    .bind(t.village.as_str())
    .bind(&t.title)
    .bind(&t.organiser)
    .bind(&t.curriculum)
    .bind(t.starts_on)
    .bind(t.ends_on)
    .bind(t.recorded_by.as_uuid())
    .bind(t.recorded_at)
    .execute(&mut *conn)
    .await
    .map_err(map_err)?;
    audit::append(conn, event).await?;
    let village = t.village.to_string();
    audit::change(conn, "training", &t.id.to_string(), 1, &village, event.at).await
}

async fn record_attendance(
    conn: &mut PgConnection,
    t: &TrainingRow,
    day: NaiveDate,
    present: &[UserId],
    event: &AuditEvent,
) -> StoreResult<Vec<Certificate>> {
    // one attendance write per training at a time, so certificates are numbered once
    sqlx::query("select id from trainings where id = $1 for update")
        .bind(t.id.as_uuid())
        .execute(&mut *conn)
        .await
        .map_err(map_err)?;
    for user in present {
        sqlx::query(
            "insert into training_attendance (training_id, user_id, day) values ($1, $2, $3) \
             on conflict do nothing",
        )
        .bind(t.id.as_uuid())
        .bind(user.as_uuid())
        .bind(day)
        .execute(&mut *conn)
        .await
        .map_err(map_err)?;
    }
    let days = (t.ends_on - t.starts_on).num_days() + 1;
    let mut issued = Vec::new();
    for user in present {
        let (attended, certified): (i64, i64) = sqlx::query_as(
            "select (select count(*) from training_attendance where training_id = $1 and user_id = $2 \
                     and day between $3 and $4), \
                    (select count(*) from training_certificates where training_id = $1 and user_id = $2)",
        )
        .bind(t.id.as_uuid())
        .bind(user.as_uuid())
        .bind(t.starts_on)
        .bind(t.ends_on)
        .fetch_one(&mut *conn)
        .await
        .map_err(map_err)?;
        if attended < days || certified > 0 {
            continue;
        }
        let seq: i64 = sqlx::query_scalar(
            "select count(*) + 1 from training_certificates where training_id = $1",
        )
        .bind(t.id.as_uuid())
        .fetch_one(&mut *conn)
        .await
        .map_err(map_err)?;
        let certificate = Certificate {
            training: t.id,
            user: *user,
            number: pulih_store::certificate_number(t, seq),
            issued_on: day,
        };
        sqlx::query(
            "insert into training_certificates (training_id, user_id, number, issued_on) values ($1, $2, $3, $4)",
        )
        .bind(t.id.as_uuid())
        .bind(user.as_uuid())
        .bind(&certificate.number)
        .bind(day)
        .execute(&mut *conn)
        .await
        .map_err(map_err)?;
        issued.push(certificate);
    }
    audit::append(conn, event).await?;
    let village = t.village.to_string();
    let version: i64 =
        sqlx::query_scalar("select count(*) from training_attendance where training_id = $1")
            .bind(t.id.as_uuid())
            .fetch_one(&mut *conn)
            .await
            .map_err(map_err)?;
    audit::change(
        conn,
        "training",
        &t.id.to_string(),
        version,
        &village,
        event.at,
    )
    .await?;
    Ok(issued)
}

async fn add_activity(
    conn: &mut PgConnection,
    a: &ActivityRow,
    links: &[(ClientFact, AuditEvent)],
    event: &AuditEvent,
) -> StoreResult<()> {
    sqlx::query(
        "insert into activities (id, unit_id, village, kind, held_on, detail, people, recorded_by, recorded_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(a.id.as_uuid())
    .bind(a.unit.as_uuid())
    .bind(a.village.as_str())
    .bind(&a.kind)
    .bind(a.held_on)
    .bind(&a.detail)
    .bind(a.people)
    .bind(a.recorded_by.as_uuid())
    .bind(a.recorded_at)
    .execute(&mut *conn)
    .await
    .map_err(map_err)?;
    audit::append(conn, event).await?;
    for (fact, fact_event) in links {
        crate::clients::insert_fact(conn, fact, fact_event).await?;
    }
    let village = a.village.to_string();
    audit::change(conn, "activity", &a.id.to_string(), 1, &village, event.at).await
}

#[async_trait]
impl UnitStore for PostgresStore {
    async fn create_unit(
        &self,
        unit: &Unit,
        members: &[Member],
        event: &AuditEvent,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let out = create_unit(&mut tx, unit, members, event).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(out)
    }
    async fn unit(&self, id: UnitId) -> StoreResult<Option<Unit>> {
        let found = sqlx::query("select * from units where id = $1")
            .bind(id.as_uuid())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        found.as_ref().map(unit_row).transpose()
    }
    async fn village_unit(&self, village: &RegionCode) -> StoreResult<Option<Unit>> {
        let found = sqlx::query("select * from units where village = $1")
            .bind(village.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        found.as_ref().map(unit_row).transpose()
    }
    async fn units_below(&self, region: &RegionCode) -> StoreResult<Vec<Unit>> {
        let found = sqlx::query(&format!(
            "select * from units where village = $1 or {} order by village",
            crate::below("village", "$1")
        ))
        .bind(region.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        found.iter().map(unit_row).collect()
    }
    async fn members(&self, unit: UnitId) -> StoreResult<Vec<Member>> {
        let found = sqlx::query(&format!(
            "{MEMBERS} where m.unit_id = $1 order by u.display_name, u.id"
        ))
        .bind(unit.as_uuid())
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        found.iter().map(member_row).collect()
    }
    async fn membership(&self, user: UserId) -> StoreResult<Option<Member>> {
        let found = sqlx::query(&format!("{MEMBERS} where m.user_id = $1"))
            .bind(user.as_uuid())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        found.as_ref().map(member_row).transpose()
    }
    async fn add_member(&self, member: &Member, event: &AuditEvent) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let out = add_member(&mut tx, member, event).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(out)
    }
    async fn update_member(&self, member: &Member, event: &AuditEvent) -> StoreResult<i64> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let out = update_member(&mut tx, member, event).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(out)
    }
    async fn add_training(&self, training: &TrainingRow, event: &AuditEvent) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let out = add_training(&mut tx, training, event).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(out)
    }
    async fn training(&self, id: TrainingId) -> StoreResult<Option<TrainingRow>> {
        let found = sqlx::query("select * from trainings where id = $1")
            .bind(id.as_uuid())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        found.as_ref().map(training_row).transpose()
    }
    async fn trainings(&self, unit: UnitId) -> StoreResult<Vec<TrainingRow>> {
        let found = sqlx::query(
            "select * from trainings where unit_id = $1 order by starts_on desc, id desc",
        )
        .bind(unit.as_uuid())
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        found.iter().map(training_row).collect()
    }
    async fn record_attendance(
        &self,
        training: &TrainingRow,
        day: NaiveDate,
        present: &[UserId],
        event: &AuditEvent,
    ) -> StoreResult<Vec<Certificate>> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let out = record_attendance(&mut tx, training, day, present, event).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(out)
    }
    async fn attendance(&self, training: TrainingId) -> StoreResult<Vec<(UserId, NaiveDate)>> {
        let found = sqlx::query(
            "select user_id, day from training_attendance where training_id = $1 order by day, user_id",
        )
        .bind(training.as_uuid())
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        found
            .iter()
            .map(|r| {
                Ok((
                    UserId::from_uuid(r.try_get("user_id").map_err(map_err)?),
                    r.try_get("day").map_err(map_err)?,
                ))
            })
            .collect()
    }
    async fn certificates(&self, training: TrainingId) -> StoreResult<Vec<Certificate>> {
        let found = sqlx::query(
            "select * from training_certificates where training_id = $1 order by issued_on, number",
        )
        .bind(training.as_uuid())
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        found.iter().map(certificate_row).collect()
    }
    async fn untrained_agents(&self, scope: &Scope) -> StoreResult<Vec<UntrainedAgent>> {
        let (filter, param) = scope_filter("n.village", scope);
        let found = sqlx::query(&format!(
            "select m.*, u.display_name, n.village from unit_members m \
             join users u on u.id = m.user_id join units n on n.id = m.unit_id \
             where m.status = 'active' and {filter} \
             and not exists (select 1 from training_certificates c where c.user_id = m.user_id) \
             order by n.village, u.display_name, u.id"
        ))
        .bind(param)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        found
            .iter()
            .map(|r| {
                Ok(UntrainedAgent {
                    member: member_row(r)?,
                    village: code_at(r, "village")?,
                })
            })
            .collect()
    }
    async fn add_activity(
        &self,
        activity: &ActivityRow,
        links: &[(ClientFact, AuditEvent)],
        event: &AuditEvent,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let out = add_activity(&mut tx, activity, links, event).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(out)
    }
    async fn activities(&self, village: &RegionCode, limit: i64) -> StoreResult<Vec<ActivityRow>> {
        let found = sqlx::query(
            "select * from activities where village = $1 \
             order by held_on desc, recorded_at desc, id desc limit $2",
        )
        .bind(village.as_str())
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        found.iter().map(activity_row).collect()
    }
    async fn activity_tallies(
        &self,
        region: &RegionCode,
        since: NaiveDate,
    ) -> StoreResult<Vec<ActivityTally>> {
        let found = sqlx::query(&format!(
            "select village, count(*) as n, max(held_on) as latest from activities \
             where (village = $1 or {}) and held_on >= $2 \
             group by village order by village",
            crate::below("village", "$1")
        ))
        .bind(region.as_str())
        .bind(since)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        found
            .iter()
            .map(|r| {
                Ok(ActivityTally {
                    village: code_at(r, "village")?,
                    count: r.try_get("n").map_err(map_err)?,
                    latest: r.try_get("latest").map_err(map_err)?,
                })
            })
            .collect()
    }
}
