//! IBM units: their agents, bimtek trainings with attendance and certificates, and
//! activities.

use chrono::NaiveDate;
use pulih_domain::ids::{ActivityId, TrainingId, UnitId, UserId};
use pulih_domain::region::{RegionCode, Scope};
use pulih_store::{
    ActivityRow, ActivityTally, Certificate, Member, StoreResult, TrainingRow, Unit, UntrainedAgent,
};
use sqlx::QueryBuilder;

use super::errors::{backend, map_err};
use super::reach::{push_at_or_below, push_scope};
use super::rows::get;
use crate::db::{Db, DbRow, Pool};

fn code_at(row: &DbRow, column: &str) -> StoreResult<RegionCode> {
    RegionCode::parse(get(row, column)?).map_err(backend)
}

pub(crate) fn unit_row(row: &DbRow) -> StoreResult<Unit> {
    Ok(Unit {
        id: UnitId::from_uuid(get(row, "id")?),
        village: code_at(row, "village")?,
        founding: get(row, "founding")?,
        decree: (
            get(row, "decree_number")?,
            get(row, "decree_date")?,
            get(row, "decree_signed_by")?,
        ),
        recorded_by: UserId::from_uuid(get(row, "recorded_by")?),
        recorded_at: get(row, "recorded_at")?,
    })
}

pub(crate) fn member_row(row: &DbRow) -> StoreResult<Member> {
    Ok(Member {
        unit: UnitId::from_uuid(get(row, "unit_id")?),
        user: UserId::from_uuid(get(row, "user_id")?),
        display_name: get(row, "display_name")?,
        phone: get(row, "phone")?,
        sex: get(row, "sex")?,
        age_band: get(row, "age_band")?,
        status: get(row, "status")?,
        joined_on: get(row, "joined_on")?,
        version: get(row, "version")?,
    })
}

pub(crate) fn training_row(row: &DbRow) -> StoreResult<TrainingRow> {
    Ok(TrainingRow {
        id: TrainingId::from_uuid(get(row, "id")?),
        unit: UnitId::from_uuid(get(row, "unit_id")?),
        village: code_at(row, "village")?,
        title: get(row, "title")?,
        organiser: get(row, "organiser")?,
        curriculum: get(row, "curriculum")?,
        starts_on: get(row, "starts_on")?,
        ends_on: get(row, "ends_on")?,
        recorded_by: UserId::from_uuid(get(row, "recorded_by")?),
        recorded_at: get(row, "recorded_at")?,
    })
}

pub(crate) fn certificate_row(row: &DbRow) -> StoreResult<Certificate> {
    Ok(Certificate {
        training: TrainingId::from_uuid(get(row, "training_id")?),
        user: UserId::from_uuid(get(row, "user_id")?),
        number: get(row, "number")?,
        issued_on: get(row, "issued_on")?,
    })
}

pub(crate) fn activity_row(row: &DbRow) -> StoreResult<ActivityRow> {
    Ok(ActivityRow {
        id: ActivityId::from_uuid(get(row, "id")?),
        unit: UnitId::from_uuid(get(row, "unit_id")?),
        village: code_at(row, "village")?,
        kind: get(row, "kind")?,
        held_on: get(row, "held_on")?,
        detail: get(row, "detail")?,
        people: get(row, "people")?,
        accompanied_by: get::<Option<uuid::Uuid>>(row, "accompanied_by")?.map(UserId::from_uuid),
        recorded_by: UserId::from_uuid(get(row, "recorded_by")?),
        recorded_at: get(row, "recorded_at")?,
    })
}

/// Members with their display names.
pub(crate) const MEMBERS: &str =
    "select m.*, u.display_name from unit_members m join users u on u.id = m.user_id";

/// Which unit is asked for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum UnitBy<'a> {
    /// By id.
    Id(UnitId),
    /// The unit of a village.
    Village(&'a RegionCode),
}

pub(crate) async fn unit(pool: &Pool, by: UnitBy<'_>) -> StoreResult<Option<Unit>> {
    let mut q = QueryBuilder::<Db>::new("select * from units where ");
    match by {
        UnitBy::Id(id) => q.push("id = ").push_bind(id.as_uuid()),
        UnitBy::Village(village) => q.push("village = ").push_bind(village.as_str()),
    };
    let found = q.build().fetch_optional(pool).await.map_err(map_err)?;
    found.as_ref().map(unit_row).transpose()
}

pub(crate) async fn units_below(pool: &Pool, region: &RegionCode) -> StoreResult<Vec<Unit>> {
    let mut q = QueryBuilder::<Db>::new("select * from units where ");
    push_at_or_below(&mut q, "village", region);
    q.push(" order by village");
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(unit_row).collect()
}

pub(crate) async fn members(pool: &Pool, unit: UnitId) -> StoreResult<Vec<Member>> {
    let found = sqlx::query(&format!(
        "{MEMBERS} where m.unit_id = $1 order by u.display_name, u.id"
    ))
    .bind(unit.as_uuid())
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    found.iter().map(member_row).collect()
}

pub(crate) async fn membership(pool: &Pool, user: UserId) -> StoreResult<Option<Member>> {
    let found = sqlx::query(&format!("{MEMBERS} where m.user_id = $1"))
        .bind(user.as_uuid())
        .fetch_optional(pool)
        .await
        .map_err(map_err)?;
    found.as_ref().map(member_row).transpose()
}

pub(crate) async fn training(pool: &Pool, id: TrainingId) -> StoreResult<Option<TrainingRow>> {
    let found = sqlx::query("select * from trainings where id = $1")
        .bind(id.as_uuid())
        .fetch_optional(pool)
        .await
        .map_err(map_err)?;
    found.as_ref().map(training_row).transpose()
}

pub(crate) async fn trainings(pool: &Pool, unit: UnitId) -> StoreResult<Vec<TrainingRow>> {
    let found =
        sqlx::query("select * from trainings where unit_id = $1 order by starts_on desc, id desc")
            .bind(unit.as_uuid())
            .fetch_all(pool)
            .await
            .map_err(map_err)?;
    found.iter().map(training_row).collect()
}

/// Every (agent, day) attended in a training, by day.
pub(crate) async fn attendance<'e, E>(
    exec: E,
    training: TrainingId,
) -> StoreResult<Vec<(UserId, NaiveDate)>>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    let found = sqlx::query(
        "select user_id, day from training_attendance where training_id = $1 order by day, user_id",
    )
    .bind(training.as_uuid())
    .fetch_all(exec)
    .await
    .map_err(map_err)?;
    found
        .iter()
        .map(|r| Ok((UserId::from_uuid(get(r, "user_id")?), get(r, "day")?)))
        .collect()
}

/// The certificates of a training, by number.
pub(crate) async fn certificates<'e, E>(
    exec: E,
    training: TrainingId,
) -> StoreResult<Vec<Certificate>>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    let found = sqlx::query(
        "select * from training_certificates where training_id = $1 order by issued_on, number",
    )
    .bind(training.as_uuid())
    .fetch_all(exec)
    .await
    .map_err(map_err)?;
    found.iter().map(certificate_row).collect()
}

pub(crate) async fn untrained_agents(
    pool: &Pool,
    scope: &Scope,
) -> StoreResult<Vec<UntrainedAgent>> {
    let mut q = QueryBuilder::<Db>::new(
        "select m.*, u.display_name, n.village from unit_members m \
         join users u on u.id = m.user_id join units n on n.id = m.unit_id \
         where m.status = 'active' and ",
    );
    push_scope(&mut q, "n.village", scope);
    q.push(
        " and not exists (select 1 from training_certificates c where c.user_id = m.user_id) \
         order by n.village, u.display_name, u.id",
    );
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
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

/// Activities in id order after `after`.
pub(crate) async fn activities_after(
    pool: &Pool,
    after: Option<ActivityId>,
    limit: i64,
) -> StoreResult<Vec<ActivityRow>> {
    let mut q = QueryBuilder::<Db>::new("select * from activities where voided_at is null");
    if let Some(after) = after {
        q.push(" and id > ").push_bind(after.as_uuid());
    }
    q.push(" order by id limit ").push_bind(limit);
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(activity_row).collect()
}

pub(crate) async fn activities(
    pool: &Pool,
    village: &RegionCode,
    limit: i64,
) -> StoreResult<Vec<ActivityRow>> {
    let found = sqlx::query(
        "select * from activities where village = $1 and voided_at is null \
         order by held_on desc, recorded_at desc, id desc limit $2",
    )
    .bind(village.as_str())
    .bind(limit)
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    found.iter().map(activity_row).collect()
}

pub(crate) async fn activity(pool: &Pool, id: ActivityId) -> StoreResult<Option<ActivityRow>> {
    let found = sqlx::query("select * from activities where id = $1 and voided_at is null")
        .bind(id.as_uuid())
        .fetch_optional(pool)
        .await
        .map_err(map_err)?;
    found.as_ref().map(activity_row).transpose()
}

pub(crate) async fn activity_tallies(
    pool: &Pool,
    region: &RegionCode,
    since: NaiveDate,
) -> StoreResult<Vec<ActivityTally>> {
    let mut q = QueryBuilder::<Db>::new(
        "select village, count(*) as n, max(held_on) as latest from activities \
         where voided_at is null and ",
    );
    push_at_or_below(&mut q, "village", region);
    q.push(" and held_on >= ")
        .push_bind(since)
        .push(" group by village order by village");
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found
        .iter()
        .map(|r| {
            Ok(ActivityTally {
                village: code_at(r, "village")?,
                count: get(r, "n")?,
                latest: get(r, "latest")?,
            })
        })
        .collect()
}
