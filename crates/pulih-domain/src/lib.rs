//! Types and rules of Pulih, free of I/O: typed ids, values parsed at the edge,
//! the region tree's code rules, roles and the one authorisation function.

pub mod account;
pub mod aftercare;
pub mod audit;
pub mod authz;
pub mod boundary;
pub mod care;
pub mod client;
pub mod client_access;
pub mod client_code;
pub mod clinical;
pub mod consent;
pub mod coordination;
pub mod csv_cell;
pub mod directory;
pub mod figures;
pub mod handoff;
pub mod ids;
pub mod intake;
mod keyed;
pub mod linkage;
pub mod nik;
pub mod org;
pub mod outbound;
pub mod programme;
pub mod ranking;
pub mod referral;
pub mod region;
pub mod region_import;
pub mod rollup;
pub mod suppression;
pub mod vocational;

pub use keyed::optional_text;

/// Implements `Debug` that names the type and hides its fields: for values that hold
/// identities or clinical data, so that `{:?}` can never carry them into a log.
#[macro_export]
macro_rules! redacted_debug {
    ($($t:ty),+ $(,)?) => {$(
        impl ::std::fmt::Debug for $t {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(concat!(stringify!($t), " { .. }"))
            }
        }
    )+};
}

/// A value that failed to parse; `key` names the translation of the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid value: {key}")]
pub struct Invalid {
    /// Translation key of the message shown to the user, e.g. `invalid.username`.
    pub key: &'static str,
}

impl Invalid {
    /// An invalid value explained by the translation `key`.
    pub const fn new(key: &'static str) -> Self {
        Self { key }
    }
}
