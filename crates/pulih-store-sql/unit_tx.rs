//! The writes of IBM units: a unit with its first agents, members, trainings,
//! attendance with the certificates it earns, and activities.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use pulih_domain::ids::{ActivityId, TrainingId, UnitId, UserId};
use pulih_store::{
    ActivityRow, Certificate, Member, StoreError, StoreResult, TrainingRow, Unit, UnitTx,
};

use super::envelope::SqlTx;
use super::errors::map_err;
use super::rows::get;
use super::units::{activity_row, attendance, certificates, training_row};
use crate::dialect;

impl SqlTx<'_> {
    /// The village of a unit, where its members' changes are placed.
    async fn unit_village(&mut self, unit: UnitId) -> StoreResult<String> {
        let row = sqlx::query("select village from units where id = $1")
            .bind(unit.as_uuid())
            .fetch_optional(&mut *self.conn)
            .await
            .map_err(map_err)?
            .ok_or(StoreError::NotFound)?;
        get(&row, "village")
    }

    async fn put_member(&mut self, m: &Member) -> StoreResult<()> {
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
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        Ok(())
    }
}

#[async_trait]
impl UnitTx for SqlTx<'_> {
    async fn insert_unit(&mut self, unit: &Unit, members: &[Member]) -> StoreResult<()> {
        let (number, date, signed_by) = &unit.decree;
        sqlx::query(
            "insert into units (id, village, founding, decree_number, decree_date, \
             decree_signed_by, recorded_by, recorded_at) values ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(unit.id.as_uuid())
        .bind(unit.village.as_str())
        .bind(&unit.founding)
        .bind(number)
        .bind(date)
        .bind(signed_by)
        .bind(unit.recorded_by.as_uuid())
        .bind(unit.recorded_at)
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        for m in members {
            self.put_member(m).await?;
        }
        self.changed("unit", unit.id, 1, unit.village.as_str());
        Ok(())
    }

    async fn insert_member(&mut self, member: &Member) -> StoreResult<()> {
        self.put_member(member).await?;
        let village = self.unit_village(member.unit).await?;
        self.changed("unit_member", member.user, 1, village);
        Ok(())
    }

    async fn update_member(&mut self, m: &Member) -> StoreResult<i64> {
        let done = sqlx::query(
            "update unit_members set phone = $1, sex = $2, age_band = $3, status = $4, \
             version = version + 1 where user_id = $5 and unit_id = $6 and version = $7",
        )
        .bind(&m.phone)
        .bind(&m.sex)
        .bind(&m.age_band)
        .bind(&m.status)
        .bind(m.user.as_uuid())
        .bind(m.unit.as_uuid())
        .bind(m.version)
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict);
        }
        let village = self.unit_village(m.unit).await?;
        self.changed("unit_member", m.user, m.version + 1, village);
        Ok(m.version + 1)
    }

    async fn insert_training(&mut self, t: &TrainingRow) -> StoreResult<()> {
        sqlx::query(
            "insert into trainings (id, unit_id, village, title, organiser, curriculum, starts_on, \
             ends_on, recorded_by, recorded_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
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
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        self.changed("training", t.id, 1, t.village.as_str());
        Ok(())
    }

    async fn lock_training(
        &mut self,
        id: TrainingId,
    ) -> StoreResult<(TrainingRow, Vec<(UserId, NaiveDate)>, Vec<Certificate>)> {
        let row = sqlx::query(&format!(
            "select * from trainings where id = $1{}",
            dialect::for_update("trainings")
        ))
        .bind(id.as_uuid())
        .fetch_optional(&mut *self.conn)
        .await
        .map_err(map_err)?
        .ok_or(StoreError::NotFound)?;
        let training = training_row(&row)?;
        let attended = attendance(&mut *self.conn, id).await?;
        let issued = certificates(&mut *self.conn, id).await?;
        Ok((training, attended, issued))
    }

    async fn insert_attendance(
        &mut self,
        training: &TrainingRow,
        day: NaiveDate,
        present: &[UserId],
    ) -> StoreResult<()> {
        for user in present {
            sqlx::query(
                "insert into training_attendance (training_id, user_id, day) values ($1, $2, $3) \
                 on conflict do nothing",
            )
            .bind(training.id.as_uuid())
            .bind(user.as_uuid())
            .bind(day)
            .execute(&mut *self.conn)
            .await
            .map_err(map_err)?;
        }
        let count =
            sqlx::query("select count(*) as n from training_attendance where training_id = $1")
                .bind(training.id.as_uuid())
                .fetch_one(&mut *self.conn)
                .await
                .map_err(map_err)?;
        // the training's version in the feed is how many attendances it holds
        self.changed(
            "training",
            training.id,
            get(&count, "n")?,
            training.village.as_str(),
        );
        Ok(())
    }

    async fn insert_certificate(&mut self, certificate: &Certificate) -> StoreResult<()> {
        sqlx::query(
            "insert into training_certificates (training_id, user_id, number, issued_on) \
             values ($1, $2, $3, $4)",
        )
        .bind(certificate.training.as_uuid())
        .bind(certificate.user.as_uuid())
        .bind(&certificate.number)
        .bind(certificate.issued_on)
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn insert_activity(&mut self, a: &ActivityRow) -> StoreResult<()> {
        sqlx::query(
            "insert into activities (id, unit_id, village, kind, held_on, detail, people, \
             recorded_by, recorded_at, accompanied_by) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
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
        .bind(a.accompanied_by.map(|u| u.as_uuid()))
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        self.changed("activity", a.id, 1, a.village.as_str());
        Ok(())
    }

    async fn lock_activity(&mut self, id: ActivityId) -> StoreResult<ActivityRow> {
        let row = sqlx::query(&format!(
            "select * from activities where id = $1 and voided_at is null{}",
            dialect::for_update("activities")
        ))
        .bind(id.as_uuid())
        .fetch_optional(&mut *self.conn)
        .await
        .map_err(map_err)?
        .ok_or(StoreError::NotFound)?;
        activity_row(&row)
    }

    async fn correct_activity(&mut self, a: &ActivityRow) -> StoreResult<()> {
        let version: i64 = sqlx::query_scalar(
            "update activities set held_on = $2, detail = $3, people = $4, accompanied_by = $5, \
             version = version + 1 where id = $1 and voided_at is null returning version",
        )
        .bind(a.id.as_uuid())
        .bind(a.held_on)
        .bind(&a.detail)
        .bind(a.people)
        .bind(a.accompanied_by.map(|u| u.as_uuid()))
        .fetch_optional(&mut *self.conn)
        .await
        .map_err(map_err)?
        .ok_or(StoreError::NotFound)?;
        self.changed("activity", a.id, version, a.village.as_str());
        Ok(())
    }

    async fn void_activity(&mut self, id: ActivityId, at: DateTime<Utc>) -> StoreResult<()> {
        let row = sqlx::query(
            "update activities set voided_at = $2, version = version + 1 \
             where id = $1 and voided_at is null returning version, village",
        )
        .bind(id.as_uuid())
        .bind(at)
        .fetch_optional(&mut *self.conn)
        .await
        .map_err(map_err)?
        .ok_or(StoreError::NotFound)?;
        let version: i64 = get(&row, "version")?;
        let village: String = get(&row, "village")?;
        self.changed("activity", id, version, village);
        Ok(())
    }
}
