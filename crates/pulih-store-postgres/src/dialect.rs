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
