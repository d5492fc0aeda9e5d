//! The manifest written beside every backup (`FILE.manifest.toml`): the format, the
//! backend, when it was taken, what the database held (schema version, every table's
//! row count and digest, the audit chain's head) and the statement that the master key
//! is not in the backup. Restores and checks compare against it.

use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use pulih_store::Contents;
use serde::{Deserialize, Serialize};

/// The manifest format this version writes and reads.
const FORMAT: u32 = 1;

/// What every manifest says about the keys.
const KEYS: &str = "NOT in this backup: the master key is kept apart from backups \
    (docs/OPERATIONS.md); the sealed client data here opens only with it";

/// A backup's description.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    /// The manifest format.
    pub format: u32,
    /// The backend the backup was taken from and restores into: `sqlite` or `postgres`.
    pub backend: String,
    /// When the backup was taken (RFC 3339, UTC).
    pub created_at: String,
    /// Where the master key is: never here.
    pub keys: String,
    /// What the database held.
    pub contents: Contents,
}

impl Manifest {
    /// A manifest of `contents`, taken now from `backend`.
    pub fn new(backend: &str, contents: Contents) -> Self {
        Self {
            format: FORMAT,
            backend: backend.to_owned(),
            created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            keys: KEYS.to_owned(),
            contents,
        }
    }

    /// The manifest's path beside the backup at `backup`.
    pub fn path(backup: &Path) -> PathBuf {
        with_suffix(backup, ".manifest.toml")
    }

    /// Reads the manifest beside the backup at `backup`.
    pub fn read(backup: &Path) -> anyhow::Result<Self> {
        let path = Self::path(backup);
        let text = std::fs::read_to_string(&path).with_context(|| {
            format!(
                "cannot read the manifest {} (it is written beside every backup)",
                path.display()
            )
        })?;
        let manifest: Self = toml::from_str(&text)
            .with_context(|| format!("the manifest {} is not valid", path.display()))?;
        if manifest.format != FORMAT {
            bail!(
                "the manifest {} has format {}; this version of pulih reads format {FORMAT}",
                path.display(),
                manifest.format
            );
        }
        Ok(manifest)
    }

    /// Writes the manifest into the new file `path`, readable by its owner only.
    pub fn write_new(&self, path: &Path) -> anyhow::Result<()> {
        let text = toml::to_string(self).context("cannot write the manifest")?;
        create_private(path)?
            .write_all(text.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))
    }

    /// Refuses a backup taken from another backend than the configured one.
    pub fn expect_backend(&self, backend: &str) -> anyhow::Result<()> {
        if self.backend != backend {
            bail!(
                "this backup was taken from {}, but pulih is configured for {backend}: \
                 restore it with the same backend",
                self.backend
            );
        }
        Ok(())
    }
}

/// `path` with `suffix` appended to its file name.
pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = OsString::from(path.as_os_str());
    name.push(suffix);
    PathBuf::from(name)
}

/// Creates the new, empty file `path`, readable by its owner only (it holds client data).
pub fn create_private(path: &Path) -> anyhow::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))
}
