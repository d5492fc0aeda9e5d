//! Where PostgreSQL's SQL differs from SQLite's, for the shared layer.

use pulih_store::StoreResult;
use sqlx::error::DatabaseError;

use crate::db::Conn;
use crate::sql::errors::map_err;

/// The backend's name, for logs and benchmarks.
pub(crate) const NAME: &str = "postgres";

/// Whether a write locks the rows its checks read. Concurrent writers lock the rows their checks read.
pub(crate) const LOCKS_ROWS: bool = true;

/// Text in byte order (`order by name collate …`), whatever the server's locale.
pub(crate) const BYTE_ORDER: &str = "collate \"C\"";

/// Locks the rows read of table (or alias) `of` to the end of the transaction.
pub(crate) fn for_update(of: &str) -> String {
    format!(" for update of {of}")
}

/// The UTC date of a `timestamptz` column.
pub(crate) fn utc_date(column: &str) -> String {
    format!("({column} at time zone 'UTC')::date")
}

/// The date `months` months after a date column (a day the later month lacks becomes
/// its last day).
pub(crate) fn months_after(column: &str, months: u32) -> String {
    format!("({column} + interval '{months} months')::date")
}

/// The violated constraint's name.
pub(crate) fn constraint_name(db: &dyn DatabaseError) -> Option<String> {
    db.constraint().map(str::to_owned)
}

/// A lock not granted in time (`lock_not_available`), or a deadlock or serialisation
/// failure the server broke by failing this transaction: the request may be retried.
pub(crate) fn is_lock_timeout(db: &dyn DatabaseError) -> bool {
    matches!(db.code().as_deref(), Some("55P03" | "40P01" | "40001"))
}

/// The database cannot write now: insufficient resources (class 53: `disk_full`,
/// `out_of_memory`, `too_many_connections`), a read-only transaction (25006, a standby or
/// `default_transaction_read_only`), the server shutting down or starting (57P01–57P03),
/// or an I/O error (class 58).
pub(crate) fn is_unavailable(db: &dyn DatabaseError) -> bool {
    db.code().is_some_and(|c| {
        c.starts_with("53")
            || c.starts_with("58")
            || matches!(c.as_ref(), "25006" | "57P01" | "57P02" | "57P03")
    })
}

/// Serialises writes that must not interleave (two region imports planned against the
/// same tree) with a transaction-scoped advisory lock named `name`.
pub(crate) async fn lock_named(conn: &mut Conn, name: &str) -> StoreResult<()> {
    sqlx::query("select pg_advisory_xact_lock(hashtext($1))")
        .bind(name)
        .execute(conn)
        .await
        .map_err(map_err)?;
    Ok(())
}

/// The tables a backup covers: those of the schema Pulih runs in.
pub(crate) const TABLES: &str = "select table_name::text from information_schema.tables \
     where table_schema = current_schema() and table_type = 'BASE TABLE'";

/// A table's columns (`$1`): name, place in the primary key (0: none) and data type.
pub(crate) const COLUMNS: &str = "select c.column_name::text, \
        coalesce(k.ordinal_position, 0)::bigint, c.data_type::text \
     from information_schema.columns c \
     left join information_schema.table_constraints t \
       on t.table_schema = c.table_schema and t.table_name = c.table_name \
      and t.constraint_type = 'PRIMARY KEY' \
     left join information_schema.key_column_usage k \
       on k.constraint_schema = t.constraint_schema \
      and k.constraint_name = t.constraint_name and k.column_name = c.column_name \
     where c.table_schema = current_schema() and c.table_name = $1 \
     order by c.ordinal_position";

/// The function writing any value as an SQL literal (`NULL` for null).
pub(crate) const QUOTE: &str = "quote_nullable";

/// A key column in the digest's order: text in byte order, so a copy restored on a
/// server with another locale digests alike.
pub(crate) fn key_order(column: &str, kind: &str) -> String {
    if matches!(kind, "text" | "character varying" | "character") {
        format!("{column} {BYTE_ORDER}")
    } else {
        column.to_owned()
    }
}
