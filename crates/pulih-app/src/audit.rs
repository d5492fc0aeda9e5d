//! Reading and verifying the audit log, and the neutral names of client-record entries.
//!
//! Administrators read the log, and a client's record is clinical: an entry about a
//! record says that it was read or written, by whom, when and with which ids, never what
//! kind of fact it was, which service a referral was for or what status it reached.

use std::collections::BTreeMap;

use pulih_domain::account::Role;
use pulih_domain::audit::{AuditEntry, BrokenLink, ChainVerifier, Links};
use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::region::Scope;
use serde_json::json;

use crate::checkpoints::Held;
use crate::{App, AppError, AppResult, Checkpoint, Origin};

/// A read of a client's record (its page, the API, an export, a referral's details).
pub(crate) const RECORD_READ: &str = "client.record.read";
/// A write to a client's record: a fact, a referral sent or moved.
pub(crate) const RECORD_WRITE: &str = "client.record.write";

/// Result of walking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VerifyReport {
    /// Entries that verified before the first broken link (or all of them).
    pub checked: i64,
    /// The first broken link, if any: `altered` (an entry changed), `prev_hash` or
    /// `missing` (entries removed, or cut from the end below the recorded head or a
    /// checkpoint), `head` (the recorded head rewritten), `checkpoint` (the chain no
    /// longer holds a checkpoint's hash), `keyed_from` (where the keyed links start was
    /// moved).
    pub broken: Option<BrokenLink>,
    /// Hash of the last entry checked.
    pub head_hash: Option<String>,
    /// What the signed checkpoints kept outside the database say.
    pub anchor: Anchor,
}

impl VerifyReport {
    /// Whether every link held and the checkpoint file holds only this server's
    /// checkpoints.
    pub fn intact(&self) -> bool {
        self.broken.is_none() && self.forged_line().is_none()
    }

    /// The line of the checkpoint file found altered, if any.
    pub fn forged_line(&self) -> Option<usize> {
        match self.anchor {
            Anchor::Forged { line } => Some(line),
            _ => None,
        }
    }

    /// The newest signed checkpoint, if any.
    pub fn latest_checkpoint(&self) -> Option<&Checkpoint> {
        match &self.anchor {
            Anchor::Held { latest, .. } => latest.as_ref(),
            _ => None,
        }
    }
}

/// The checkpoints a verification compared the chain with.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Anchor {
    /// This server keeps no checkpoint file (`audit_checkpoint_file`).
    NotKept,
    /// The file's checkpoints, all signed by this server.
    Held {
        /// How many checkpoints were compared.
        count: usize,
        /// The newest one, if any yet.
        latest: Option<Checkpoint>,
    },
    /// The file was altered: this line (from 1) is not a checkpoint this server signed,
    /// or its size is below an earlier one's.
    Forged {
        /// The line.
        line: usize,
    },
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

    /// Walks the whole chain and reports the first broken link, comparing it with the
    /// recorded head and with every signed checkpoint. Needs national scope when asked
    /// over the web; the command line runs it as the system (`actor` none).
    #[tracing::instrument(skip_all)]
    pub async fn verify_audit(&self, actor: Option<&Actor>) -> AppResult<VerifyReport> {
        if let Some(actor) = actor {
            authorize(actor, Action::ViewAudit, &Scope::National)?;
        }
        let held = match &self.checkpoints {
            Some(log) => Some(log.read()?),
            None => None,
        };
        // The head recorded with the chain, read first: writes that land while the chain
        // is walked only make it longer than the head.
        let head = self.store.audit_head().await?;
        let key = self.keys.chain_key();
        let mut verifier = ChainVerifier::new(Links {
            keyed_from: head.keyed_from,
            key: &key,
        });
        // the hash each checkpoint says the chain has at its size
        let mut anchored: BTreeMap<i64, &str> = BTreeMap::new();
        for c in held.iter().flat_map(|h| &h.checkpoints) {
            anchored.entry(c.size).or_insert(&c.head);
        }
        let mut after = 0;
        let mut head_hash = None;
        let mut head_matches = head.seq == 0;
        let mut first_rewritten = None;
        loop {
            let batch = self.store.audit_range(after, 1000).await?;
            let Some(last) = batch.last() else { break };
            after = last.seq;
            for entry in &batch {
                if let Err(broken) = verifier.check(entry) {
                    return Ok(self.report(&verifier, Some(broken), head_hash, held));
                }
                if entry.seq == head.seq {
                    head_matches = entry.hash == head.hash;
                }
                if anchored.get(&entry.seq).is_some_and(|h| *h != entry.hash) {
                    first_rewritten.get_or_insert(entry.seq);
                }
                head_hash = Some(entry.hash.clone());
            }
        }
        let checked = verifier.checked();
        let longest = anchored.keys().next_back().copied().unwrap_or(0);
        let latest_keyed_from = held
            .iter()
            .flat_map(|h| h.checkpoints.last())
            .map(|c| c.keyed_from)
            .next();
        let broken = if checked < head.seq.max(longest) {
            // a tail cut from the log leaves an intact but shorter chain
            Some(broken_at(checked + 1, "missing"))
        } else if !head_matches {
            Some(broken_at(head.seq, "head"))
        } else if let Some(seq) = first_rewritten {
            Some(broken_at(seq, "checkpoint"))
        } else if latest_keyed_from.is_some_and(|k| k != head.keyed_from) {
            Some(broken_at(head.keyed_from, "keyed_from"))
        } else {
            None
        };
        Ok(self.report(&verifier, broken, head_hash, held))
    }

    fn report(
        &self,
        verifier: &ChainVerifier<'_>,
        broken: Option<BrokenLink>,
        head_hash: Option<String>,
        held: Option<Held>,
    ) -> VerifyReport {
        let anchor = match held {
            None => Anchor::NotKept,
            Some(Held {
                forged_line: Some(line),
                ..
            }) => Anchor::Forged { line },
            Some(Held { checkpoints, .. }) => Anchor::Held {
                count: checkpoints.len(),
                latest: checkpoints.last().cloned(),
            },
        };
        VerifyReport {
            checked: verifier.checked(),
            broken,
            head_hash,
            anchor,
        }
    }

    /// Signs a checkpoint of the chain as it stands and appends it to the checkpoint
    /// file, after checking that the chain still extends the newest checkpoint there (a
    /// log never signs a checkpoint inconsistent with one it signed). None when no file
    /// is kept.
    #[tracing::instrument(skip_all)]
    pub async fn checkpoint_audit(&self) -> AppResult<Option<(Checkpoint, String)>> {
        let Some(log) = &self.checkpoints else {
            return Ok(None);
        };
        let head = self.store.audit_head().await?;
        if let Some(last) = log.last()? {
            let at_size = match last.size {
                0 => Some(pulih_domain::audit::GENESIS.to_owned()),
                size => self
                    .store
                    .audit_range(size - 1, 1)
                    .await?
                    .first()
                    .map(|e| e.hash.clone()),
            };
            if head.seq < last.size || at_size.as_deref() != Some(last.head.as_str()) {
                tracing::error!(
                    size = head.seq,
                    checkpoint = last.size,
                    "the audit chain no longer extends its last checkpoint; run `pulih audit verify`"
                );
                self.alert_unextended(head.seq, last.size).await?;
                return Err(AppError::Internal(
                    "the audit chain no longer extends its last checkpoint: not signing; run `pulih audit verify`".into(),
                ));
            }
        }
        let checkpoint = log.sign(&head, self.clock.now());
        log.append(&checkpoint)?;
        let note = log.note(&checkpoint);
        Ok(Some((checkpoint, note)))
    }

    /// Tells the national administrators, once per checkpoint, that the audit chain no
    /// longer extends it (entries were changed or cut). The alert is a notification, not
    /// an audit entry: an entry would lengthen the chain at every retry of the signing.
    async fn alert_unextended(&self, size: i64, checkpoint: i64) -> AppResult<()> {
        let admins = self.nearest_over(Role::Admin, &Scope::National).await?;
        let detail = json!({ "size": size, "checkpoint": checkpoint });
        let told = crate::notifications::notices(
            &admins,
            "audit.checkpoint_refused",
            &checkpoint.to_string(),
            &detail,
            self.now(),
        );
        let outbound = self.outbound_channels();
        self.write(None, &Origin::local(), move |tx| {
            Box::pin(async move { tx.notify(&told, &outbound).await })
        })
        .await
        .map(drop)
    }

    /// The checkpoint file and the public key a witness checks its notes with.
    pub fn checkpoint_key(&self) -> Option<(&std::path::Path, String)> {
        self.checkpoints
            .as_deref()
            .map(|log| (log.path(), log.verifier_key()))
    }
}

fn broken_at(seq: i64, reason: &'static str) -> BrokenLink {
    BrokenLink { seq, reason }
}
