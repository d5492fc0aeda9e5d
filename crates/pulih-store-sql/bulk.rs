//! Bulk loading (demo data): each table's rows in multi-row inserts, parents first, in
//! the caller's one transaction.

use pulih_store::{Bulk, StoreResult};
use sqlx::QueryBuilder;
use sqlx::query_builder::Separated;

use super::errors::map_err;
use crate::db::{Conn, Db};

/// Most bound values per statement: under SQLite's limit of 32,766 and PostgreSQL's 65,535.
const BINDS: usize = 30_000;

/// Inserts `rows` into `table (columns)`, as many per statement as the binds allow.
async fn insert<T>(
    conn: &mut Conn,
    table: &str,
    columns: &[&str],
    rows: &[T],
    bind: impl Fn(&mut Separated<'_, '_, Db, &'static str>, &T),
) -> StoreResult<()> {
    for chunk in rows.chunks(BINDS / columns.len()) {
        let mut q =
            QueryBuilder::<Db>::new(format!("insert into {table} ({}) ", columns.join(", ")));
        q.push_values(chunk, |mut b, row| bind(&mut b, row));
        q.build().execute(&mut *conn).await.map_err(map_err)?;
    }
    Ok(())
}

/// Loads `bulk` in the caller's transaction.
pub(crate) async fn load(conn: &mut Conn, bulk: Bulk) -> StoreResult<()> {
    insert(
        conn,
        "organisations",
        &["id", "name", "org_type", "place", "version", "created_at"],
        &bulk.orgs,
        |b, o| {
            b.push_bind(o.id.as_uuid())
                .push_bind(o.name.clone())
                .push_bind(o.org_type.as_str())
                .push_bind(o.place.as_str().to_owned())
                .push_bind(o.version)
                .push_bind(o.created_at);
        },
    )
    .await?;
    insert(
        conn,
        "users",
        &[
            "id",
            "username",
            "display_name",
            "role",
            "org_id",
            "scope",
            "password_hash",
            "disabled",
            "must_change_password",
            "version",
            "created_at",
        ],
        &bulk.users,
        |b, u| {
            b.push_bind(u.id.as_uuid())
                .push_bind(u.username.clone())
                .push_bind(u.display_name.clone())
                .push_bind(u.role.as_str())
                .push_bind(u.org_id.as_uuid())
                .push_bind(u.scope.as_str().to_owned())
                .push_bind(u.password_hash.clone())
                .push_bind(u.disabled)
                .push_bind(u.must_change_password)
                .push_bind(u.version)
                .push_bind(u.created_at);
        },
    )
    .await?;
    insert(
        conn,
        "units",
        &[
            "id",
            "village",
            "founding",
            "decree_number",
            "decree_date",
            "decree_signed_by",
            "recorded_by",
            "recorded_at",
        ],
        &bulk.units,
        |b, u| {
            b.push_bind(u.id.as_uuid())
                .push_bind(u.village.as_str().to_owned())
                .push_bind(u.founding.clone())
                .push_bind(u.decree.0.clone())
                .push_bind(u.decree.1)
                .push_bind(u.decree.2.clone())
                .push_bind(u.recorded_by.as_uuid())
                .push_bind(u.recorded_at);
        },
    )
    .await?;
    insert(
        conn,
        "unit_members",
        &[
            "user_id",
            "unit_id",
            "phone",
            "sex",
            "age_band",
            "status",
            "joined_on",
            "version",
        ],
        &bulk.members,
        |b, m| {
            b.push_bind(m.user.as_uuid())
                .push_bind(m.unit.as_uuid())
                .push_bind(m.phone.clone())
                .push_bind(m.sex.clone())
                .push_bind(m.age_band.clone())
                .push_bind(m.status.clone())
                .push_bind(m.joined_on)
                .push_bind(m.version);
        },
    )
    .await?;
    insert(
        conn,
        "activities",
        &[
            "id",
            "unit_id",
            "village",
            "kind",
            "held_on",
            "detail",
            "people",
            "recorded_by",
            "recorded_at",
            "accompanied_by",
        ],
        &bulk.activities,
        |b, a| {
            b.push_bind(a.id.as_uuid())
                .push_bind(a.unit.as_uuid())
                .push_bind(a.village.as_str().to_owned())
                .push_bind(a.kind.clone())
                .push_bind(a.held_on)
                .push_bind(a.detail.clone())
                .push_bind(a.people)
                .push_bind(a.recorded_by.as_uuid())
                .push_bind(a.recorded_at)
                .push_bind(a.accompanied_by.map(|u| u.as_uuid()));
        },
    )
    .await?;
    insert(
        conn,
        "clients",
        &[
            "id",
            "code",
            "region",
            "org_id",
            "assigned_to",
            "nik_hash",
            "name_hash",
            "name_birth_hash",
            "identity",
            "created_by",
            "created_at",
            "version",
            "last_fact_on",
        ],
        &bulk.clients,
        |b, l| {
            let c = &l.client;
            b.push_bind(c.id.as_uuid())
                .push_bind(l.code.as_str().to_owned())
                .push_bind(c.region.as_str().to_owned())
                .push_bind(c.org_id.as_uuid())
                .push_bind(c.assigned_to.map(|u| u.as_uuid()))
                .push_bind(c.nik_hash.clone())
                .push_bind(c.name_hash.clone())
                .push_bind(c.name_birth_hash.clone())
                .push_bind(c.identity.clone())
                .push_bind(c.created_by.as_uuid())
                .push_bind(c.created_at)
                .push_bind(1_i64)
                .push_bind(l.last_fact_on);
        },
    )
    .await?;
    insert(
        conn,
        "client_keys",
        &["client_id", "key_id", "sealed"],
        &bulk.clients,
        |b, l| {
            b.push_bind(l.client.id.as_uuid())
                .push_bind(l.client.key.key_id.clone())
                .push_bind(l.client.key.bytes.clone());
        },
    )
    .await?;
    insert(
        conn,
        "client_facts",
        &[
            "id",
            "client_id",
            "kind",
            "occurred_on",
            "due_on",
            "status",
            "refers_to",
            "detail",
            "sealed",
            "recorded_by",
            "recorded_at",
        ],
        &bulk.facts,
        |b, f| {
            b.push_bind(f.id.as_uuid())
                .push_bind(f.client_id.as_uuid())
                .push_bind(f.kind.key())
                .push_bind(f.occurred_on)
                .push_bind(f.due_on)
                .push_bind(f.status.clone())
                .push_bind(f.refers_to.map(|r| r.as_uuid()))
                .push_bind(f.detail.clone())
                .push_bind(f.sealed.clone())
                .push_bind(f.recorded_by.as_uuid())
                .push_bind(f.recorded_at);
        },
    )
    .await
}
