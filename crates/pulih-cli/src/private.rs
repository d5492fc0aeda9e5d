//! What only the server's own user may read. The data folder is made (or tightened to)
//! mode 0700 and the SQLite files in it 0600 at every start: a client's label as a drug
//! user must not be one `cat` away for another account on the machine. The master key is
//! written 0600 (`pulih_crypto::MasterKey::write_new_file`); a key file someone else made
//! readable by others is reported, not changed, as it may belong to another account.

use std::io;
use std::path::Path;

/// Creates `dir` (and its parents) and makes it private to this user.
pub fn folder(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    set_mode(dir, 0o700)
}

/// Makes the SQLite database at `db` and its `-wal`/`-shm` files, where present, private.
pub fn database(db: &Path) -> io::Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        let path = Path::new(&name);
        if path.exists() {
            set_mode(path, 0o600)?;
        }
    }
    Ok(())
}

/// Warns when the key file at `path` can be read by users other than its owner.
pub fn check_key(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                eprintln!(
                    "Warning: the master key file {} has mode {mode:o}; other users may read it. \
                     Run: chmod 600 {}",
                    path.display(),
                    path.display()
                );
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> io::Result<()> {
    Ok(())
}
