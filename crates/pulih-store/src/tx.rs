//! [`Tx`]: the operations a write may make inside its transaction.
//!
//! Each resource declares its operations in a trait of its own (`AccountTx`,
//! `ClientTx`…), next to its records; `Tx` gathers them with what every write does: give
//! its audit events. Operations that create or change a record note its change-feed
//! entry themselves, so a write cannot forget it. Reads offered here are the ones a
//! write's checks need (consent in force, the version of a record, the plans still open):
//! they see what the write will commit on, and on PostgreSQL the row they lock stays
//! locked until it does.

use pulih_domain::audit::AuditEvent;
use pulih_domain::rollup::Tally;

use crate::{
    AccountTx, ClientTx, CoordinationTx, DirectoryTx, LinkageTx, OfficeActivityTx, OutboundTx,
    PeerTx, ProgrammeTx, ReferralTx, RegionTx, RegulationTx, SupervisionTx, UnitTx,
};

/// One write's transaction, as a use-case sees it.
pub trait Tx:
    AccountTx
    + RegionTx
    + ClientTx
    + ProgrammeTx
    + UnitTx
    + SupervisionTx
    + OfficeActivityTx
    + PeerTx
    + CoordinationTx
    + RegulationTx
    + DirectoryTx
    + ReferralTx
    + LinkageTx
    + OutboundTx
    + Send
{
    /// An audit event to append with this write (at least one per write, as a rule).
    fn audit(&mut self, event: AuditEvent);

    /// A figure this write changes, added to the rollups when it commits.
    fn tally(&mut self, tally: Tally);

    /// The write's answer, serialised, for the idempotency record (set by
    /// [`Store::write`](crate::Store)).
    fn answer(&mut self, answer: String);
}
