//! The partner directory: services of organisations with the regions they serve (one
//! `partner_service_areas` row per region, so a search looks the region and its
//! ancestors up by index).

use async_trait::async_trait;
use pulih_domain::ids::{OrgId, ServiceId, UserId};
use pulih_domain::region::{RegionCode, Scope};
use pulih_store::{DirectoryTx, PartnerService, ServiceQuery, StoreError, StoreResult};
use sqlx::QueryBuilder;

use super::envelope::SqlTx;
use super::errors::{backend, map_err};
use super::reach::{push_at_or_below, push_scope};
use super::rows::get;
use crate::db::{Db, DbRow, Pool};

const SELECT: &str = "select s.*, o.name as org_name from partner_services s \
                      join organisations o on o.id = s.org_id";

fn service_row(row: &DbRow) -> StoreResult<PartnerService> {
    let areas: String = get(row, "areas")?;
    let areas = areas
        .split_whitespace()
        .map(|a| RegionCode::parse(a).map_err(backend))
        .collect::<Result<_, StoreError>>()?;
    Ok(PartnerService {
        id: ServiceId::from_uuid(get(row, "id")?),
        org: OrgId::from_uuid(get(row, "org_id")?),
        org_name: get(row, "org_name")?,
        name: get(row, "name")?,
        service: get(row, "service")?,
        areas,
        capacity: get(row, "capacity")?,
        contact: get(row, "contact")?,
        hours: get(row, "hours")?,
        recorded_by: UserId::from_uuid(get(row, "recorded_by")?),
        recorded_at: get(row, "recorded_at")?,
    })
}

pub(crate) async fn service(pool: &Pool, id: ServiceId) -> StoreResult<Option<PartnerService>> {
    let found = sqlx::query(&format!("{SELECT} where s.id = $1"))
        .bind(id.as_uuid())
        .fetch_optional(pool)
        .await
        .map_err(map_err)?;
    found.as_ref().map(service_row).transpose()
}

pub(crate) async fn search_services(
    pool: &Pool,
    query: &ServiceQuery,
) -> StoreResult<Vec<PartnerService>> {
    let mut q = QueryBuilder::<Db>::new(format!("{SELECT} where 1 = 1"));
    if let Some(service) = &query.service {
        q.push(" and s.service = ").push_bind(service.clone());
    }
    if !query.covering.is_empty() {
        q.push(
            " and exists (select 1 from partner_service_areas a where a.service_id = s.id \
             and a.region in (",
        );
        let mut list = q.separated(", ");
        for code in &query.covering {
            list.push_bind(code.as_str());
        }
        q.push("))");
    }
    q.push(" order by o.name, s.name, s.id limit ")
        .push_bind(query.limit);
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(service_row).collect()
}

pub(crate) async fn services_of_orgs(
    pool: &Pool,
    scope: &Scope,
    org: Option<OrgId>,
) -> StoreResult<Vec<PartnerService>> {
    let mut q = QueryBuilder::<Db>::new(format!("{SELECT} where "));
    push_scope(&mut q, "o.place", scope);
    if let Some(org) = org {
        q.push(" and s.org_id = ").push_bind(org.as_uuid());
    }
    q.push(" order by o.name, s.name, s.id");
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(service_row).collect()
}

/// The places (capacity) of the services of each of `types` serving any part of `node`
/// (the nation when none): an area at, above or below it.
pub(crate) async fn places_serving(
    pool: &Pool,
    node: Option<&RegionCode>,
    types: &[String],
) -> StoreResult<Vec<(String, i64)>> {
    let mut q = QueryBuilder::<Db>::new(
        "select s.service, cast(sum(s.capacity) as bigint) as places from partner_services s \
         where s.capacity is not null and s.service in (",
    );
    let mut list = q.separated(", ");
    for t in types {
        list.push_bind(t.clone());
    }
    q.push(")");
    if let Some(node) = node {
        q.push(
            " and exists (select 1 from partner_service_areas a where a.service_id = s.id \
             and (a.region in (",
        );
        let mut list = q.separated(", ");
        for code in node.ancestors() {
            list.push_bind(code.to_string());
        }
        list.push_bind(node.to_string());
        q.push(") or ");
        push_at_or_below(&mut q, "a.region", node);
        q.push("))");
    }
    q.push(" group by s.service");
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found
        .iter()
        .map(|row| Ok((get(row, "service")?, get(row, "places")?)))
        .collect()
}

#[async_trait]
impl DirectoryTx for SqlTx<'_> {
    async fn put_service(&mut self, s: &PartnerService) -> StoreResult<i64> {
        let areas: Vec<&str> = s.areas.iter().map(RegionCode::as_str).collect();
        let row = sqlx::query(
            "insert into partner_services (id, org_id, name, service, areas, capacity, contact, \
             hours, recorded_by, recorded_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             on conflict (id) do update set org_id = excluded.org_id, name = excluded.name, \
             service = excluded.service, areas = excluded.areas, capacity = excluded.capacity, \
             contact = excluded.contact, hours = excluded.hours, recorded_by = excluded.recorded_by, \
             recorded_at = excluded.recorded_at, version = partner_services.version + 1 \
             returning version",
        )
        .bind(s.id.as_uuid())
        .bind(s.org.as_uuid())
        .bind(&s.name)
        .bind(&s.service)
        .bind(areas.join(" "))
        .bind(s.capacity)
        .bind(&s.contact)
        .bind(&s.hours)
        .bind(s.recorded_by.as_uuid())
        .bind(s.recorded_at)
        .fetch_one(&mut *self.conn)
        .await
        .map_err(map_err)?;
        let version: i64 = get(&row, "version")?;
        sqlx::query("delete from partner_service_areas where service_id = $1")
            .bind(s.id.as_uuid())
            .execute(&mut *self.conn)
            .await
            .map_err(map_err)?;
        if !areas.is_empty() {
            let mut q =
                QueryBuilder::<Db>::new("insert into partner_service_areas (service_id, region) ");
            q.push_values(&areas, |mut b, area| {
                b.push_bind(s.id.as_uuid()).push_bind(*area);
            });
            q.build().execute(&mut *self.conn).await.map_err(map_err)?;
        }
        let region = areas.first().copied().unwrap_or("ID");
        self.changed("partner_service", s.id, version, region);
        Ok(version)
    }
}
