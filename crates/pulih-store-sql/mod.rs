//! The SQL both backends run, written once.
//!
//! This folder is not a crate: each backend crate compiles it as its module `sql`, with
//! `crate::db` naming the backend's sqlx types (`Db`, `Conn`, `Pool`, `DbRow`),
//! `crate::dialect` the few fragments where SQLite and PostgreSQL truly differ (row locks,
//! date arithmetic, how a constraint is named in an error, byte-order collation), and
//! `crate::Backend` the store type, which provides `reader()` (its read pool),
//! `run_write` (a unit of work in a transaction of its own), `write_conn` (plain
//! maintenance on the write connection) and `settle()` (chain what has committed).
//! Every query here uses `$N` placeholders, which both sqlx drivers accept, or a
//! `QueryBuilder` (never both in one statement).
//!
//! - [`envelope`]: the unit of work: claim the idempotency key, run the use-case's
//!   closure over a [`Tx`](pulih_store::Tx), append its audit events, change-feed entries
//!   and answer;
//! - [`chain`]: the chainer that gives pending audit entries their place in the hash
//!   chain and pending changes their feed seq, and the reads of both;
//! - [`errors`]: database errors as the cases callers tell apart, from one constraint table;
//! - [`store`]: the reads of every resource trait, dispatched to the modules below;
//! - [`bulk`]: loading many records at once (demo data), outside the unit of work;
//! - [`contents`]: every table counted and digested, for backups and their checks;
//! - one module per resource, each with its reads and its `Tx` operations.

pub(crate) mod accounts;
pub(crate) mod bulk;
pub(crate) mod chain;
pub(crate) mod client_tx;
pub(crate) mod clients;
pub(crate) mod contents;
pub(crate) mod coordination;
pub(crate) mod directory;
pub(crate) mod envelope;
pub(crate) mod errors;
pub(crate) mod facts;
pub(crate) mod grants;
pub(crate) mod linkage;
pub(crate) mod links;
pub(crate) mod mous;
pub(crate) mod office;
pub(crate) mod outbound;
pub(crate) mod peers;
pub(crate) mod people;
pub(crate) mod programme;
pub(crate) mod published;
pub(crate) mod reach;
pub(crate) mod referrals;
pub(crate) mod regions;
pub(crate) mod regulations;
pub(crate) mod rollups;
pub(crate) mod rows;
pub(crate) mod store;
pub(crate) mod supervision;
pub(crate) mod totp;
pub(crate) mod unit_tx;
pub(crate) mod units;
pub(crate) mod work;
