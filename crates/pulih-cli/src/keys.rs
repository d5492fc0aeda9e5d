//! Loading the master keyring: from `PULIH_MASTER_KEY` or a key file, plus older keys
//! during a rotation. A new key file is created only for a database that holds no
//! sealed keys yet, so a lost or wrong key can never silently orphan client data.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};
use pulih_app::Keys;
use pulih_crypto::{Keyring, MasterKey};
use pulih_store::Store;

use crate::config::{KeySource, Settings};

fn read_key(path: &Path) -> anyhow::Result<MasterKey> {
    MasterKey::read_file(path)
        .with_context(|| format!("cannot read the master key file {}", path.display()))
}

/// The current master key, creating a key file for a new database.
async fn current_key(settings: &Settings, store: &dyn Store) -> anyhow::Result<MasterKey> {
    let path = match &settings.master_key {
        KeySource::Env(secret) => {
            return MasterKey::from_encoded(secret.expose())
                .context("PULIH_MASTER_KEY is not a base64-encoded 32-byte key");
        }
        KeySource::File(path) => path,
    };
    if path.exists() {
        crate::private::check_key(path);
        return read_key(path);
    }
    let has_keys = Keys::database_has_keys(store)
        .await
        .context("cannot check the database's keys")?;
    if has_keys {
        bail!(
            "no master key at {}: this database holds client data sealed under a master key. \
             Restore the key file from your key backup (or point --master-key-file / \
             PULIH_MASTER_KEY_FILE at it); a new key would not open the data",
            path.display()
        );
    }
    let key = MasterKey::generate();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the folder {}", dir.display()))?;
    }
    key.write_new_file(path)
        .with_context(|| format!("cannot write the master key file {}", path.display()))?;
    println!(
        "Created a new master key at {} (id {}). Back it up apart from the database: \
         without it client records cannot be read.",
        path.display(),
        key.id()
    );
    Ok(key)
}

/// Opens the keys the application needs, with a clear error when they do not fit.
pub async fn open(settings: &Settings, store: &dyn Store) -> anyhow::Result<Arc<Keys>> {
    let current = current_key(settings, store).await?;
    let previous = settings
        .previous_master_key_files
        .iter()
        .map(|p| read_key(p))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let keys = Keys::open(store, Keyring::new(current, previous)).await?;
    Ok(Arc::new(keys))
}

/// `pulih keys generate --out PATH`: a new key file, never over an existing one.
pub fn generate(out: &Path) -> anyhow::Result<()> {
    let key = MasterKey::generate();
    key.write_new_file(out)
        .with_context(|| format!("cannot write {} (it must not exist yet)", out.display()))?;
    println!(
        "New master key written to {} (id {}).",
        out.display(),
        key.id()
    );
    println!(
        "To rotate: set master_key_file to it, list the old file under previous_master_key_files, \
         restart, then run `pulih keys rotate`."
    );
    Ok(())
}
