//! Signed checkpoints of the audit chain, kept outside the database.
//!
//! The chain's keyed links stop anyone without the master key from altering an entry, but
//! cutting the newest entries (and `chain_head` with them) leaves a shorter chain that
//! still verifies. So the server signs a checkpoint of the chain — its length, last hash
//! and first keyed entry — every few minutes, also when nothing changed, and appends it to
//! a file that is not the database (`audit_checkpoint_file`; keep it on another volume or
//! host, append-only). `pulih audit verify` then fails when the chain is shorter than a
//! checkpoint says, when the chain no longer holds a checkpoint's hash at its length, or
//! when a checkpoint's signature does not hold. Only what was written after the newest
//! checkpoint is exposed to a cut.
//!
//! A checkpoint is shaped as a C2SP signed note (`tlog-checkpoint`): the origin, the size,
//! the base64 head, then extension lines, signed with Ed25519 under a key derived from the
//! server's sealed keys. The file holds one checkpoint per line:
//! `size head-hex keyed-from time signature-base64`; [`Checkpoint::note`] renders it as the
//! note a witness or a device would keep.

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use pulih_domain::audit::ChainHead;
use sha2::{Digest, Sha256};

use crate::{AppError, AppResult};

/// Bytes read from the end of the file for its last line (a line is about 170).
const TAIL: u64 = 1024;

/// One signed checkpoint of the chain.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Checkpoint {
    /// The chain's length.
    pub size: i64,
    /// The hash of entry `size` (hex).
    pub head: String,
    /// The chain's first keyed entry.
    pub keyed_from: i64,
    /// When it was signed.
    pub at: DateTime<Utc>,
    /// The Ed25519 signature of the note's body (base64).
    #[serde(skip)]
    signature: String,
}

/// What the checkpoint file holds, read and checked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Held {
    /// The checkpoints whose signatures hold, in file order.
    pub checkpoints: Vec<Checkpoint>,
    /// The first line (from 1) that is not a checkpoint this server signed, or whose size
    /// is below an earlier one's: the file was altered.
    pub forged_line: Option<usize>,
}

/// The checkpoint file and the key that signs it.
pub struct CheckpointLog {
    path: PathBuf,
    key: SigningKey,
}

impl std::fmt::Debug for CheckpointLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckpointLog")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

fn file_error(path: &Path, e: &std::io::Error) -> AppError {
    AppError::Internal(format!(
        "the audit checkpoint file {} cannot be used: {e}",
        path.display()
    ))
}

impl CheckpointLog {
    /// The log at `path`, signed with the key grown from `seed`.
    pub(crate) fn new(path: PathBuf, seed: &[u8; 32]) -> Self {
        Self {
            path,
            key: SigningKey::from_bytes(seed),
        }
    }

    /// Where the checkpoints are kept.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The log's name in its notes: `pulih/` and the start of the key's fingerprint.
    pub fn origin(&self) -> String {
        let digest = Sha256::digest(self.key.verifying_key().as_bytes());
        format!("pulih/{}", hex::encode(&digest[..8]))
    }

    /// The public key as a C2SP verifier key (`name+hash+base64`), for a witness.
    pub fn verifier_key(&self) -> String {
        let public = self.key.verifying_key();
        let mut typed = vec![0x01];
        typed.extend_from_slice(public.as_bytes());
        format!(
            "{}+{}+{}",
            self.origin(),
            hex::encode(self.key_hash()),
            STANDARD.encode(typed)
        )
    }

    /// The 4-byte key hash that prefixes a C2SP signature.
    fn key_hash(&self) -> [u8; 4] {
        let digest = Sha256::new()
            .chain_update(self.origin().as_bytes())
            .chain_update([b'\n', 0x01])
            .chain_update(self.key.verifying_key().as_bytes())
            .finalize();
        [digest[0], digest[1], digest[2], digest[3]]
    }

    /// The body a checkpoint's signature covers.
    fn body(&self, size: i64, head: &str, keyed_from: i64, at: DateTime<Utc>) -> String {
        let head = hex::decode(head).map_or_else(|_| head.to_owned(), |b| STANDARD.encode(b));
        format!(
            "{}\n{size}\n{head}\nkeyed-from {keyed_from}\ntime {}\n",
            self.origin(),
            at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        )
    }

    /// Signs `head` as of `at`.
    pub(crate) fn sign(&self, head: &ChainHead, at: DateTime<Utc>) -> Checkpoint {
        let at = DateTime::from_timestamp(at.timestamp(), 0).unwrap_or(at);
        let body = self.body(head.seq, &head.hash, head.keyed_from, at);
        Checkpoint {
            size: head.seq,
            head: head.hash.clone(),
            keyed_from: head.keyed_from,
            at,
            signature: STANDARD.encode(self.key.sign(body.as_bytes()).to_bytes()),
        }
    }

    /// The checkpoint as a C2SP signed note.
    pub fn note(&self, c: &Checkpoint) -> String {
        let mut signature = self.key_hash().to_vec();
        signature.extend(STANDARD.decode(&c.signature).unwrap_or_default());
        format!(
            "{}\n\u{2014} {} {}\n",
            self.body(c.size, &c.head, c.keyed_from, c.at),
            self.origin(),
            STANDARD.encode(signature)
        )
    }

    fn holds(&self, c: &Checkpoint) -> bool {
        let verifying: VerifyingKey = self.key.verifying_key();
        let Ok(bytes) = STANDARD.decode(&c.signature) else {
            return false;
        };
        let Ok(signature) = Signature::from_slice(&bytes) else {
            return false;
        };
        let body = self.body(c.size, &c.head, c.keyed_from, c.at);
        verifying.verify(body.as_bytes(), &signature).is_ok()
    }

    /// Appends `c` as one line, on disk before this returns.
    pub(crate) fn append(&self, c: &Checkpoint) -> AppResult<()> {
        let line = format!(
            "{} {} {} {} {}\n",
            c.size,
            c.head,
            c.keyed_from,
            c.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            c.signature
        );
        let mut options = std::fs::OpenOptions::new();
        options.append(true).create(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options
            .open(&self.path)
            .map_err(|e| file_error(&self.path, &e))?;
        file.write_all(line.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| file_error(&self.path, &e))
    }

    /// The newest checkpoint, read from the end of the file; an error when the last line
    /// is not one this server signed.
    pub(crate) fn last(&self) -> AppResult<Option<Checkpoint>> {
        use std::io::{Read, Seek, SeekFrom};
        let mut file = match std::fs::File::open(&self.path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(file_error(&self.path, &e)),
        };
        let mut tail = Vec::new();
        file.seek(SeekFrom::End(0))
            .and_then(|end| file.seek(SeekFrom::Start(end.saturating_sub(TAIL))))
            .and_then(|_| file.read_to_end(&mut tail))
            .map_err(|e| file_error(&self.path, &e))?;
        let tail = String::from_utf8_lossy(&tail);
        let Some(line) = tail.lines().rfind(|l| !l.is_empty()) else {
            return Ok(None);
        };
        match parse(line).filter(|c| self.holds(c)) {
            Some(c) => Ok(Some(c)),
            None => Err(AppError::Internal(format!(
                "the last line of the audit checkpoint file {} is not a checkpoint this server signed",
                self.path.display()
            ))),
        }
    }

    /// Reads every checkpoint, checking each signature and that sizes never go back; no
    /// file yet is no checkpoint yet.
    pub(crate) fn read(&self) -> AppResult<Held> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Held::default()),
            Err(e) => return Err(file_error(&self.path, &e)),
        };
        let mut held = Held::default();
        for (n, line) in text.lines().enumerate() {
            let checkpoint = parse(line).filter(|c| self.holds(c));
            let backwards = |c: &Checkpoint| {
                held.checkpoints
                    .last()
                    .is_some_and(|last| c.size < last.size)
            };
            match checkpoint {
                Some(c) if !backwards(&c) => held.checkpoints.push(c),
                _ => {
                    held.forged_line = Some(n + 1);
                    break;
                }
            }
        }
        Ok(held)
    }
}

fn parse(line: &str) -> Option<Checkpoint> {
    let mut parts = line.split(' ');
    let checkpoint = Checkpoint {
        size: parts.next()?.parse().ok()?,
        head: parts.next()?.to_owned(),
        keyed_from: parts.next()?.parse().ok()?,
        at: DateTime::parse_from_rfc3339(parts.next()?)
            .ok()?
            .with_timezone(&Utc),
        signature: parts.next()?.to_owned(),
    };
    parts.next().is_none().then_some(checkpoint)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(dir: &Path, seed: u8) -> CheckpointLog {
        CheckpointLog::new(dir.join("checkpoints"), &[seed; 32])
    }

    fn head(seq: i64) -> ChainHead {
        ChainHead {
            seq,
            hash: format!("{seq:064x}"),
            keyed_from: 1,
        }
    }

    fn temp() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("pulih-checkpoints-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir(&dir).unwrap_or_else(|e| panic!("temp dir: {e}"));
        dir
    }

    #[test]
    fn checkpoints_read_back_and_a_changed_or_foreign_line_is_found() {
        let dir = temp();
        let log = log(&dir, 1);
        let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        for seq in [3, 3, 7] {
            log.append(&log.sign(&head(seq), at))
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let held = log.read().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(held.forged_line, None);
        assert_eq!(
            held.checkpoints.iter().map(|c| c.size).collect::<Vec<_>>(),
            [3, 3, 7]
        );

        // a line signed by another key, or a changed size, does not hold
        let stranger = self::log(&dir, 2).sign(&head(9), at);
        log.append(&stranger).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(log.read().map(|h| h.forged_line).ok(), Some(Some(4)));
        let text = std::fs::read_to_string(log.path()).unwrap_or_default();
        std::fs::write(log.path(), text.replacen("7 ", "8 ", 1)).unwrap_or_default();
        assert_eq!(log.read().map(|h| h.forged_line).ok(), Some(Some(3)));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_checkpoint_whose_size_goes_back_is_refused() {
        let dir = temp();
        let log = log(&dir, 1);
        let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        log.append(&log.sign(&head(5), at))
            .unwrap_or_else(|e| panic!("{e}"));
        log.append(&log.sign(&head(4), at))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(log.read().map(|h| h.forged_line).ok(), Some(Some(2)));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn the_note_is_a_c2sp_checkpoint_with_one_signature_line() {
        let dir = temp();
        let log = log(&dir, 1);
        let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let note = log.note(&log.sign(&head(3), at));
        let lines: Vec<&str> = note.lines().collect();
        assert_eq!(lines[0], log.origin());
        assert_eq!(lines[1], "3");
        assert_eq!(STANDARD.decode(lines[2]).map(|b| b.len()).ok(), Some(32));
        assert_eq!(lines[5], "");
        let signature = lines[6]
            .strip_prefix(&format!("\u{2014} {} ", log.origin()))
            .map(|s| STANDARD.decode(s).map(|b| b.len()).ok());
        assert_eq!(signature, Some(Some(68)), "{note}");
        assert!(log.verifier_key().starts_with(&log.origin()));
        let _ = std::fs::remove_dir_all(dir);
    }
}
