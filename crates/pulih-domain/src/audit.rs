//! The audit log's hash chain: each entry's hash covers its fields and the previous hash,
//! so altering or removing any row breaks every link after it.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// Hash that the first entry links to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What happened, as recorded; never contains passwords, tokens or sensitive values.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditEvent {
    /// When, to the millisecond.
    pub at: DateTime<Utc>,
    /// Acting user id, or none for the system itself (imports, start-up).
    pub actor: Option<String>,
    /// Dotted verb such as `org.create`, `user.disable`, `session.login_failed`.
    pub action: String,
    /// Kind of record touched, e.g. `organisation`.
    pub record_type: String,
    /// Id of the record touched, if any.
    pub record_id: Option<String>,
    /// Where the record lies in the region tree (`ID` for national), for scoping reads.
    pub region: String,
    /// Client address of the request, if it came over the network.
    pub ip: Option<String>,
    /// Non-sensitive detail as JSON text, e.g. changed field names or counts.
    pub detail: String,
}

/// One stored link of the chain.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// The event.
    #[serde(flatten)]
    pub event: AuditEvent,
    /// Hash of the previous entry.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

impl AuditEvent {
    /// The hash of this event linked after `prev_hash`.
    pub fn chain_hash(&self, seq: i64, prev_hash: &str) -> String {
        let mut h = Sha256::new();
        let mut field = |s: &str| {
            h.update((s.len() as u64).to_be_bytes());
            h.update(s.as_bytes());
        };
        field(&seq.to_string());
        field(prev_hash);
        field(&self.at.timestamp_millis().to_string());
        field(self.actor.as_deref().unwrap_or(""));
        field(&self.action);
        field(&self.record_type);
        field(self.record_id.as_deref().unwrap_or(""));
        field(&self.region);
        field(self.ip.as_deref().unwrap_or(""));
        field(&self.detail);
        hex::encode(h.finalize())
    }
}

/// The first link that does not hold, if any.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BrokenLink {
    /// The sequence number where the chain breaks.
    pub seq: i64,
    /// What is wrong there.
    pub reason: &'static str,
}

/// Walks entries in sequence order, carrying the previous hash and expected sequence.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    prev_hash: String,
    next_seq: i64,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            prev_hash: GENESIS.to_owned(),
            next_seq: 1,
        }
    }
}

impl ChainVerifier {
    /// Checks the next entry; the first error is where the chain is broken.
    pub fn check(&mut self, entry: &AuditEntry) -> Result<(), BrokenLink> {
        let broken = |reason| {
            Err(BrokenLink {
                seq: entry.seq,
                reason,
            })
        };
        if entry.seq != self.next_seq {
            return Err(BrokenLink {
                seq: self.next_seq,
                reason: "missing",
            });
        }
        if entry.prev_hash != self.prev_hash {
            return broken("prev_hash");
        }
        if entry.event.chain_hash(entry.seq, &entry.prev_hash) != entry.hash {
            return broken("altered");
        }
        self.prev_hash.clone_from(&entry.hash);
        self.next_seq += 1;
        Ok(())
    }

    /// How many entries were checked.
    pub fn checked(&self) -> i64 {
        self.next_seq - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let event = AuditEvent {
                    at: DateTime::from_timestamp_millis(1_700_000_000_000 + seq).expect("valid"),
                    actor: Some("u".into()),
                    action: "org.create".into(),
                    record_type: "organisation".into(),
                    record_id: Some(seq.to_string()),
                    region: "21.71".into(),
                    ip: None,
                    detail: "{}".into(),
                };
                let hash = event.chain_hash(seq, &prev);
                let entry = AuditEntry {
                    seq,
                    event,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                entry
            })
            .collect()
    }

    fn verify(entries: &[AuditEntry]) -> Result<i64, BrokenLink> {
        let mut v = ChainVerifier::default();
        entries.iter().try_for_each(|e| v.check(e))?;
        Ok(v.checked())
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify(&chain(5)), Ok(5));
    }

    #[test]
    fn an_altered_row_is_found() {
        let mut c = chain(5);
        c[2].event.action = "org.delete".into();
        assert_eq!(
            verify(&c),
            Err(BrokenLink {
                seq: 3,
                reason: "altered"
            })
        );
    }

    #[test]
    fn a_removed_row_is_found() {
        let mut c = chain(5);
        c.remove(1);
        assert_eq!(
            verify(&c),
            Err(BrokenLink {
                seq: 2,
                reason: "missing"
            })
        );
    }
}
