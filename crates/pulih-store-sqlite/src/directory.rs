//! The partner directory in SQLite, behind [`DirectoryStore`].

use async_trait::async_trait;
use pulih_domain::audit::AuditEvent;
use pulih_domain::ids::{OrgId, ServiceId, UserId};
use pulih_domain::region::{RegionCode, Scope};
use pulih_store::{DirectoryStore, PartnerService, ServiceQuery, StoreError, StoreResult};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};

use crate::{SqliteStore, audit, map_err};

const SELECT: &str = "select s.*, o.name as org_name from partner_services s \
                      join organisations o on o.id = s.org_id";

fn service_row(row: &SqliteRow) -> StoreResult<PartnerService> {
    let areas: String = row.try_get("areas").map_err(map_err)?;
    let areas = areas
        .split_whitespace()
        .map(|a| RegionCode::parse(a).map_err(crate::backend))
        .collect::<Result<_, StoreError>>()?;
    Ok(PartnerService {
        id: ServiceId::from_uuid(row.try_get("id").map_err(map_err)?),
        org: OrgId::from_uuid(row.try_get("org_id").map_err(map_err)?),
        org_name: row.try_get("org_name").map_err(map_err)?,
        name: row.try_get("name").map_err(map_err)?,
        service: row.try_get("service").map_err(map_err)?,
        areas,
        capacity: row.try_get("capacity").map_err(map_err)?,
        contact: row.try_get("contact").map_err(map_err)?,
        hours: row.try_get("hours").map_err(map_err)?,
        recorded_by: UserId::from_uuid(row.try_get("recorded_by").map_err(map_err)?),
        recorded_at: row.try_get("recorded_at").map_err(map_err)?,
    })
}

async fn add_service(
    conn: &mut SqliteConnection,
    s: &PartnerService,
    event: &AuditEvent,
) -> StoreResult<()> {
    let areas: Vec<&str> = s.areas.iter().map(RegionCode::as_str).collect();
    let listed = areas.join(" ");
    sqlx::query(
        "insert into partner_services (id, org_id, name, service, areas, capacity, contact, hours, recorded_by, recorded_at) \
         values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )
    .bind(s.id.as_uuid())
    .bind(s.org.as_uuid())
    .bind(&s.name)
    .bind(&s.service)
    .bind(&listed)
    .bind(s.capacity)
    .bind(&s.contact)
    .bind(&s.hours)
    .bind(s.recorded_by.as_uuid())
    .bind(s.recorded_at)
    .execute(&mut *conn)
    .await
    .map_err(map_err)?;
    for area in &areas {
        sqlx::query("insert into partner_service_areas (service_id, region) values (?1, ?2)")
            .bind(s.id.as_uuid())
            .bind(*area)
            .execute(&mut *conn)
            .await
            .map_err(map_err)?;
    }
    audit::append(conn, event).await?;
    let region = areas.first().copied().unwrap_or("ID");
    audit::change(
        conn,
        "partner_service",
        &s.id.to_string(),
        1,
        region,
        event.at,
    )
    .await
}

/// Adds or replaces one service with its areas; returns its version.
async fn put_service(conn: &mut SqliteConnection, s: &PartnerService) -> StoreResult<i64> {
    let areas: Vec<&str> = s.areas.iter().map(RegionCode::as_str).collect();
    let version: i64 = sqlx::query_scalar(
        "insert into partner_services (id, org_id, name, service, areas, capacity, contact, hours, recorded_by, recorded_at) \
         values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) \
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
    .fetch_one(&mut *conn)
    .await
    .map_err(map_err)?;
    sqlx::query("delete from partner_service_areas where service_id = ?1")
        .bind(s.id.as_uuid())
        .execute(&mut *conn)
        .await
        .map_err(map_err)?;
    for area in &areas {
        sqlx::query("insert into partner_service_areas (service_id, region) values (?1, ?2)")
            .bind(s.id.as_uuid())
            .bind(*area)
            .execute(&mut *conn)
            .await
            .map_err(map_err)?;
    }
    Ok(version)
}

async fn put_services(
    conn: &mut SqliteConnection,
    services: &[PartnerService],
    event: &AuditEvent,
) -> StoreResult<()> {
    for s in services {
        let version = put_service(conn, s).await?;
        let region = s.areas.first().map_or("ID", RegionCode::as_str);
        audit::change(
            conn,
            "partner_service",
            &s.id.to_string(),
            version,
            region,
            event.at,
        )
        .await?;
    }
    audit::append(conn, event).await
}

#[async_trait]
impl DirectoryStore for SqliteStore {
    async fn add_service(&self, service: &PartnerService, event: &AuditEvent) -> StoreResult<()> {
        let (service, event) = (service.clone(), event.clone());
        self.writer
            .write(move |c| Box::pin(async move { add_service(c, &service, &event).await }))
            .await
    }
    async fn service(&self, id: ServiceId) -> StoreResult<Option<PartnerService>> {
        let found = sqlx::query(&format!("{SELECT} where s.id = ?1"))
            .bind(id.as_uuid())
            .fetch_optional(&self.reader)
            .await
            .map_err(map_err)?;
        found.as_ref().map(service_row).transpose()
    }
    async fn search_services(&self, query: &ServiceQuery) -> StoreResult<Vec<PartnerService>> {
        // the region and up to three ancestors; unused places repeat the first code
        let mut covering: Vec<Option<&str>> =
            query.covering.iter().map(|c| Some(c.as_str())).collect();
        let first = covering.first().copied().flatten();
        covering.resize(4, first);
        let found = sqlx::query(&format!(
            "{SELECT} where (?1 is null or s.service = ?1) \
             and (?2 is null or exists (select 1 from partner_service_areas a \
                  where a.service_id = s.id and a.region in (?2, ?3, ?4, ?5))) \
             order by o.name, s.name, s.id limit ?6"
        ))
        .bind(&query.service)
        .bind(covering[0])
        .bind(covering[1])
        .bind(covering[2])
        .bind(covering[3])
        .bind(query.limit)
        .fetch_all(&self.reader)
        .await
        .map_err(map_err)?;
        found.iter().map(service_row).collect()
    }
    async fn services_of_orgs(
        &self,
        scope: &Scope,
        org: Option<OrgId>,
    ) -> StoreResult<Vec<PartnerService>> {
        let (filter, param) = crate::scope_filter("o.place", scope);
        let found = sqlx::query(&format!(
            "{SELECT} where {filter} and (?2 is null or s.org_id = ?2) order by o.name, s.name, s.id"
        ))
        .bind(param)
        .bind(org.map(|o| o.as_uuid()))
        .fetch_all(&self.reader)
        .await
        .map_err(map_err)?;
        found.iter().map(service_row).collect()
    }
    async fn put_services(
        &self,
        services: &[PartnerService],
        event: &AuditEvent,
    ) -> StoreResult<()> {
        let (services, event) = (services.to_vec(), event.clone());
        self.writer
            .write(move |c| Box::pin(async move { put_services(c, &services, &event).await }))
            .await
    }
}
