//! The reads of programme work due on a coordinator's worklist ([`WorkStore`]): one query
//! each, filtered by scope in SQL.

use async_trait::async_trait;
use chrono::NaiveDate;
use pulih_domain::ids::UnitId;
use pulih_domain::programme::AssessmentKind;
use pulih_domain::programme::bersinar::Status;
use pulih_domain::region::{RegionCode, Scope};
use pulih_store::{IknDue, StoreResult, TargetProgress, UnitToTrain, WorkStore};
use sqlx::QueryBuilder;

use super::errors::{backend, map_err};
use super::reach::push_scope;
use super::rows::get;
use crate::Backend;
use crate::db::{Db, DbRow};

fn code_at(row: &DbRow, column: &str) -> StoreResult<RegionCode> {
    RegionCode::parse(get(row, column)?).map_err(backend)
}

#[async_trait]
impl WorkStore for Backend {
    async fn units_to_train(
        &self,
        scope: &Scope,
        today: NaiveDate,
    ) -> StoreResult<Vec<UnitToTrain>> {
        let mut q = QueryBuilder::<Db>::new(
            "select n.id, n.village, count(*) as untrained from units n \
             join unit_members m on m.unit_id = n.id where m.status = 'active' and ",
        );
        push_scope(&mut q, "n.village", scope);
        q.push(
            " and not exists (select 1 from training_certificates c where c.user_id = m.user_id) \
             and not exists (select 1 from trainings t where t.unit_id = n.id and t.ends_on >= ",
        )
        .push_bind(today)
        .push(") group by n.id, n.village order by n.village");
        let found = q.build().fetch_all(self.reader()).await.map_err(map_err)?;
        found
            .iter()
            .map(|r| {
                Ok(UnitToTrain {
                    unit: UnitId::from_uuid(get(r, "id")?),
                    village: code_at(r, "village")?,
                    untrained: get(r, "untrained")?,
                })
            })
            .collect()
    }

    async fn ikn_due(&self, scope: &Scope, before: NaiveDate) -> StoreResult<Vec<IknDue>> {
        // the newest by (period, recorded_at, id), as in `latest_outcomes`
        let mut q =
            QueryBuilder::<Db>::new("select a.region, a.period from assessments a where a.kind = ");
        q.push_bind(AssessmentKind::Ikn.key()).push(" and ");
        push_scope(&mut q, "a.region", scope);
        q.push(" and a.period < ").push_bind(before).push(
            " and not exists (select 1 from assessments n where n.kind = a.kind \
             and n.region = a.region \
             and (n.period, n.recorded_at, n.id) > (a.period, a.recorded_at, a.id)) \
             order by a.period, a.region",
        );
        let found = q.build().fetch_all(self.reader()).await.map_err(map_err)?;
        found
            .iter()
            .map(|r| {
                Ok(IknDue {
                    village: code_at(r, "region")?,
                    assessed_on: get(r, "period")?,
                })
            })
            .collect()
    }

    async fn target_progress(&self, scope: &Scope, year: i32) -> StoreResult<Vec<TargetProgress>> {
        // a village is Bersinar now when its latest step left it designated or evaluated
        let mut q = QueryBuilder::<Db>::new(
            "select t.regency, t.count, (select count(*) from bersinar_steps s \
             where s.village >= t.regency || '.' and s.village < t.regency || '/' \
             and s.status in (",
        );
        q.push_bind(Status::Designated.key())
            .push(", ")
            .push_bind(Status::Evaluated.key())
            .push(
                ") and not exists (select 1 from bersinar_steps n \
                 where n.village = s.village and n.seq > s.seq)) as designated \
                 from bersinar_targets t where t.year = ",
            )
            .push_bind(year)
            .push(" and ");
        push_scope(&mut q, "t.regency", scope);
        q.push(" order by t.regency");
        let found = q.build().fetch_all(self.reader()).await.map_err(map_err)?;
        found
            .iter()
            .map(|r| {
                Ok(TargetProgress {
                    regency: code_at(r, "regency")?,
                    target: get(r, "count")?,
                    designated: get(r, "designated")?,
                })
            })
            .collect()
    }
}
