//! The audit log's hash chain: each entry's hash covers its fields and the previous hash,
//! so altering or removing any row breaks every link after it.
//!
//! The links are keyed: HMAC-SHA-256 under a [`ChainKey`] that the server derives from a
//! key sealed under the master key, which is kept outside the database. Whoever can write
//! the database but lacks the master key cannot recompute a link after changing a row.
//! Entries chained before the key was introduced (`keyed_from` of the chain head) keep
//! their plain SHA-256 links. A cut tail leaves an intact, shorter chain: the signed
//! checkpoints kept outside the database catch that (`pulih_app::checkpoints`).

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
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

/// The end of the chain as recorded with it: a chain read shorter than `seq` was cut.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChainHead {
    /// How many entries the chain holds.
    pub seq: i64,
    /// The last entry's hash ([`GENESIS`] for an empty chain).
    pub hash: String,
    /// The first entry with a keyed link.
    pub keyed_from: i64,
}

/// The key of the chain's links. `Debug` never prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct ChainKey([u8; 32]);

impl ChainKey {
    /// The key from its 32 bytes.
    pub const fn new(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }
}

impl std::fmt::Debug for ChainKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChainKey(<redacted>)")
    }
}

/// Where the chain's links became keyed and with which key: entries before `keyed_from`
/// are plain SHA-256 links (chained before keys existed), the rest HMAC-SHA-256 links.
#[derive(Debug, Clone)]
pub struct Links<'k> {
    /// The first keyed entry.
    pub keyed_from: i64,
    /// The key.
    pub key: &'k ChainKey,
}

impl Links<'_> {
    /// The link of `event` at `seq` after `prev_hash`.
    #[expect(clippy::expect_used, reason = "HMAC accepts keys of any length")]
    pub fn hash(&self, event: &AuditEvent, seq: i64, prev_hash: &str) -> String {
        if seq >= self.keyed_from {
            let mut mac =
                Hmac::<Sha256>::new_from_slice(&self.key.0).expect("HMAC takes any key length");
            event.feed(seq, prev_hash, |bytes| mac.update(bytes));
            hex::encode(mac.finalize().into_bytes())
        } else {
            let mut h = Sha256::new();
            event.feed(seq, prev_hash, |bytes| h.update(bytes));
            hex::encode(h.finalize())
        }
    }
}

impl AuditEvent {
    /// Feeds the link's input to `update`: each field length-prefixed, in a fixed order.
    fn feed(&self, seq: i64, prev_hash: &str, mut update: impl FnMut(&[u8])) {
        let mut field = |s: &str| {
            update(&(s.len() as u64).to_be_bytes());
            update(s.as_bytes());
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
pub struct ChainVerifier<'k> {
    links: Links<'k>,
    prev_hash: String,
    next_seq: i64,
}

impl<'k> ChainVerifier<'k> {
    /// A walk from the first entry, checking links made as `links` says.
    pub fn new(links: Links<'k>) -> Self {
        Self {
            links,
            prev_hash: GENESIS.to_owned(),
            next_seq: 1,
        }
    }

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
        if self.links.hash(&entry.event, entry.seq, &entry.prev_hash) != entry.hash {
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

    const KEY: ChainKey = ChainKey([7; 32]);

    /// A chain of `n` entries, linked as `links` says.
    fn chain(n: i64, links: &Links<'_>) -> Vec<AuditEntry> {
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
                let hash = links.hash(&event, seq, &prev);
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

    fn keyed(keyed_from: i64) -> Links<'static> {
        Links {
            keyed_from,
            key: &KEY,
        }
    }

    fn verify(entries: &[AuditEntry], links: Links<'_>) -> Result<i64, BrokenLink> {
        let mut v = ChainVerifier::new(links);
        entries.iter().try_for_each(|e| v.check(e))?;
        Ok(v.checked())
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify(&chain(5, &keyed(1)), keyed(1)), Ok(5));
        // entries 1 and 2 chained before the key existed
        assert_eq!(verify(&chain(5, &keyed(3)), keyed(3)), Ok(5));
    }

    #[test]
    fn an_altered_row_is_found() {
        let mut c = chain(5, &keyed(1));
        c[2].event.action = "org.delete".into();
        assert_eq!(
            verify(&c, keyed(1)),
            Err(BrokenLink {
                seq: 3,
                reason: "altered"
            })
        );
    }

    #[test]
    fn a_chain_recomputed_without_the_key_is_found() {
        // whoever alters a row and recomputes every link as plain SHA-256, or under a
        // key of their own, does not make links that verify under the server's key
        let mut forged = chain(5, &keyed(i64::MAX));
        forged[2].event.action = "org.delete".into();
        assert_eq!(verify(&forged, keyed(1)).map_err(|b| b.seq), Err(1));
        let other = ChainKey([8; 32]);
        let forged = chain(
            5,
            &Links {
                keyed_from: 1,
                key: &other,
            },
        );
        assert_eq!(verify(&forged, keyed(1)).map_err(|b| b.seq), Err(1));
        // a keyed link is not the plain hash of the same fields
        assert_ne!(chain(1, &keyed(1))[0].hash, chain(1, &keyed(2))[0].hash);
    }

    #[test]
    fn a_removed_row_is_found() {
        let mut c = chain(5, &keyed(1));
        c.remove(1);
        assert_eq!(
            verify(&c, keyed(1)),
            Err(BrokenLink {
                seq: 2,
                reason: "missing"
            })
        );
    }
}
