//! Reading and verifying the audit log, and the neutral names of client-record entries.
//!
//! Administrators read the log, and a client's record is clinical: an entry about a
//! record says that it was read or written, by whom, when and with which ids, never what
//! kind of fact it was, which service a referral was for or what status it reached.

use pulih_domain::audit::{AuditEntry, BrokenLink, ChainVerifier};
use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::region::Scope;

use crate::{App, AppResult};

/// A read of a client's record (its page, the API, an export, a referral's details).
pub(crate) const RECORD_READ: &str = "client.record.read";
/// A write to a client's record: a fact, a referral sent or moved.
pub(crate) const RECORD_WRITE: &str = "client.record.write";

/// Result of walking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VerifyReport {
    /// Entries that verified before the first broken link (or all of them).
    pub checked: i64,
    /// The first broken link, if any.
    pub broken: Option<BrokenLink>,
    /// Hash of the last entry checked. Rows cut from the end of the log leave an intact
    /// but shorter chain: the head recorded with the chain reveals it (`missing`), unless
    /// it was rewritten too, which only a comparison with a head kept elsewhere reveals.
    pub head_hash: Option<String>,
}

impl App {
    /// Newest audit entries inside the administrator's scope, before `before_seq`.
    #[tracing::instrument(skip_all)]
    pub async fn audit_page(
        &self,
        actor: &Actor,
        before_seq: Option<i64>,
        limit: i64,
    ) -> AppResult<Vec<AuditEntry>> {
        authorize(actor, Action::ViewAudit, &actor.scope)?;
        Ok(self
            .store
            .audit_page(&actor.scope, before_seq, limit.clamp(1, 500))
            .await?)
    }

    /// Walks the whole chain and reports the first broken link. Needs national scope
    /// when asked over the web; the command line runs it as the system (`actor` none).
    #[tracing::instrument(skip_all)]
    pub async fn verify_audit(&self, actor: Option<&Actor>) -> AppResult<VerifyReport> {
        if let Some(actor) = actor {
            authorize(actor, Action::ViewAudit, &Scope::National)?;
        }
        // The head recorded with the chain, read first: writes that land while the chain
        // is walked only make it longer than the head.
        let (head_seq, recorded_head) = self.store.audit_head().await?;
        let mut verifier = ChainVerifier::default();
        let mut after = 0;
        let mut head_hash = None;
        let mut head_matches = head_seq == 0;
        loop {
            let batch = self.store.audit_range(after, 1000).await?;
            let Some(last) = batch.last() else { break };
            after = last.seq;
            for entry in &batch {
                if let Err(broken) = verifier.check(entry) {
                    return Ok(VerifyReport {
                        checked: verifier.checked(),
                        broken: Some(broken),
                        head_hash,
                    });
                }
                if entry.seq == head_seq {
                    head_matches = entry.hash == recorded_head;
                }
                head_hash = Some(entry.hash.clone());
            }
        }
        // a tail cut from the log leaves an intact but shorter chain: the head says so
        let broken = (!head_matches).then(|| BrokenLink {
            seq: if verifier.checked() < head_seq {
                verifier.checked() + 1
            } else {
                head_seq
            },
            reason: if verifier.checked() < head_seq {
                "missing"
            } else {
                "head"
            },
        });
        Ok(VerifyReport {
            checked: verifier.checked(),
            broken,
            head_hash,
        })
    }
}
