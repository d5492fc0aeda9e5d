//! `pulih backup --out FILE`, `pulih backup verify --from FILE` and `pulih restore --from
//! FILE`. A backup is a consistent copy taken while the server runs — SQLite's
//! `VACUUM INTO`, or `pg_dump` in custom format on the snapshot the digests read — written
//! under a temporary name, readable by its owner only, then renamed, with its manifest
//! beside it ([`Manifest`]). A restore goes into an empty database only and is checked
//! table by table against the manifest; SQLite's is checked before it takes the
//! database's place. The master key is never in a backup: docs/OPERATIONS.md has the
//! procedure.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};
use pulih_store::{Contents, Difference, TableContents};
use pulih_store_postgres::dump;
use pulih_store_sqlite::backup as sqlite;

use crate::config::{Database, Settings};
use crate::manifest::{Manifest, create_private, with_suffix};

/// One line per table as it is done.
fn progress(table: &TableContents) {
    println!("  {:<28} {:>12} rows", table.table, table.rows);
}

/// `pulih backup --out FILE [--force]`.
pub async fn backup(settings: Settings, out: &Path, force: bool) -> anyhow::Result<ExitCode> {
    let manifest_path = Manifest::path(out);
    for path in [out, manifest_path.as_path()] {
        if path.exists() && !force {
            bail!(
                "{} already exists: choose another name, or pass --force to replace it",
                path.display()
            );
        }
    }
    let started = Instant::now();
    let partial = with_suffix(out, ".partial");
    let manifest_partial = with_suffix(&manifest_path, ".partial");
    let written = async {
        remove_if_exists(&partial)?;
        remove_if_exists(&manifest_partial)?;
        create_private(&partial)?;
        println!("Backing up, table by table:");
        let manifest = match settings.database()? {
            Database::Sqlite(db) => {
                if !db.exists() {
                    bail!("there is no database at {}", db.display());
                }
                sqlite::backup_into(&db, &partial)
                    .await
                    .context("cannot copy the database")?;
                let contents = sqlite::contents(&partial, &progress)
                    .await
                    .context("cannot read the copy")?;
                Manifest::new("sqlite", contents)
            }
            Database::Postgres(url) => {
                let contents = dump::backup_into(url.expose(), &partial, &progress)
                    .await
                    .context("cannot dump the database")?;
                Manifest::new("postgres", contents)
            }
        };
        manifest.write_new(&manifest_partial)?;
        rename(&partial, out)?;
        rename(&manifest_partial, &manifest_path)?;
        Ok(manifest)
    }
    .await;
    let manifest = match written {
        Ok(m) => m,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            let _ = std::fs::remove_file(&manifest_partial);
            return Err(e);
        }
    };
    let contents = &manifest.contents;
    println!(
        "Backup written to {} in {:.1} s: {} tables, {} rows, schema version {}{}.",
        out.display(),
        started.elapsed().as_secs_f64(),
        contents.tables.len(),
        rows(contents),
        contents.schema_version,
        contents
            .chain_head
            .as_ref()
            .map(|h| format!(", audit head entry {} with hash {}", h.seq, h.hash))
            .unwrap_or_default()
    );
    println!("Manifest: {}", manifest_path.display());
    println!(
        "The master key is NOT in the backup: keep it apart, as docs/OPERATIONS.md describes."
    );
    Ok(ExitCode::SUCCESS)
}

/// `pulih backup verify --from FILE`: the backup against its manifest (exits 1 naming
/// each table that differs), then the live database against the backup (information).
pub async fn verify(settings: Settings, from: &Path) -> anyhow::Result<ExitCode> {
    let manifest = Manifest::read(from)?;
    let database = settings.database()?;
    println!("Reading the backup, table by table:");
    let held = match &database {
        Database::Sqlite(_) => {
            manifest.expect_backend("sqlite")?;
            sqlite::contents(from, &progress).await
        }
        Database::Postgres(url) => {
            manifest.expect_backend("postgres")?;
            dump::contents_of_dump(url.expose(), from, &progress).await
        }
    }
    .with_context(|| format!("cannot read the backup {}", from.display()))?;
    let damaged = held.differences(&manifest.contents);
    if !damaged.is_empty() {
        report(&damaged);
        println!(
            "Backup DAMAGED: {} tables differ from its manifest.",
            damaged.len()
        );
        return Ok(ExitCode::FAILURE);
    }
    println!(
        "Backup intact: {} tables, {} rows match its manifest.",
        held.tables.len(),
        rows(&held)
    );
    let quiet = |_: &TableContents| {};
    let live = match &database {
        Database::Sqlite(db) => sqlite::contents(db, &quiet).await,
        Database::Postgres(url) => dump::contents(url.expose(), &quiet).await,
    }
    .context("cannot read the live database")?;
    let changed = live.differences(&manifest.contents);
    if changed.is_empty() {
        println!("The live database holds exactly what the backup holds.");
    } else {
        for d in &changed {
            println!(
                "  {}: changed since the backup ({} then, {} now)",
                d.table,
                describe(d.expected.as_ref()),
                describe(d.found.as_ref())
            );
        }
        println!(
            "{} tables of the live database changed since the backup.",
            changed.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `pulih restore --from FILE [--force]`.
pub async fn restore(settings: Settings, from: &Path, force: bool) -> anyhow::Result<ExitCode> {
    let manifest = Manifest::read(from)?;
    let started = Instant::now();
    let differences = match settings.database()? {
        Database::Sqlite(db) => {
            manifest.expect_backend("sqlite")?;
            restore_sqlite(from, &db, force, &manifest.contents).await?
        }
        Database::Postgres(url) => {
            manifest.expect_backend("postgres")?;
            let url = url.expose();
            if dump::tables(url).await? > 0 {
                if !force {
                    bail!(
                        "refusing to restore: the PostgreSQL database already holds tables \
                         (restore into a new, empty database, or pass --force to drop them)"
                    );
                }
                dump::clear(url)
                    .await
                    .context("cannot empty the database")?;
            }
            dump::restore(url, from)
                .await
                .context("cannot restore the dump")?;
            println!("Restored; checking it table by table:");
            let found = dump::contents(url, &progress).await?;
            found.differences(&manifest.contents)
        }
    };
    if !differences.is_empty() {
        report(&differences);
        println!(
            "Restore does NOT match the backup's manifest: {} tables differ. Do not use it.",
            differences.len()
        );
        return Ok(ExitCode::FAILURE);
    }
    println!(
        "Restored from {} in {:.1} s and verified: {} tables, {} rows match the manifest.",
        from.display(),
        started.elapsed().as_secs_f64(),
        manifest.contents.tables.len(),
        rows(&manifest.contents)
    );
    println!(
        "Put the master key from your key backup in place before starting the server, \
         then run `pulih audit verify`."
    );
    Ok(ExitCode::SUCCESS)
}

/// Copies the backup beside `db`, checks the copy, and only then puts it in `db`'s place.
async fn restore_sqlite(
    from: &Path,
    db: &Path,
    force: bool,
    expected: &Contents,
) -> anyhow::Result<Vec<Difference>> {
    let companions = [with_suffix(db, "-wal"), with_suffix(db, "-shm")];
    if (db.exists() || companions[0].exists()) && !force {
        bail!(
            "refusing to restore over the database at {}: stop the server and restore into \
             an empty data folder, or pass --force to replace it",
            db.display()
        );
    }
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the folder {}", dir.display()))?;
    }
    let partial = with_suffix(db, ".restoring");
    remove_if_exists(&partial)?;
    let mut copy = create_private(&partial)?;
    let mut source =
        std::fs::File::open(from).with_context(|| format!("cannot read {}", from.display()))?;
    std::io::copy(&mut source, &mut copy)
        .and_then(|_| copy.sync_all())
        .with_context(|| format!("cannot copy {} to {}", from.display(), partial.display()))?;
    println!("Copied; checking it table by table:");
    let found = sqlite::contents(&partial, &progress)
        .await
        .context("cannot read the copy");
    let differences = match found {
        Ok(found) => found.differences(expected),
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    if !differences.is_empty() {
        std::fs::remove_file(&partial)
            .with_context(|| format!("cannot remove {}", partial.display()))?;
        return Ok(differences);
    }
    // a write-ahead log left by the replaced database must not replay into the new one
    for path in &companions {
        remove_if_exists(path)?;
    }
    rename(&partial, db)?;
    Ok(differences)
}

fn report(differences: &[Difference]) {
    for d in differences {
        println!(
            "  table {} differs: expected {}, found {}",
            d.table,
            describe(d.expected.as_ref()),
            describe(d.found.as_ref())
        );
    }
}

fn describe(table: Option<&TableContents>) -> String {
    table.map_or_else(
        || "no table".to_owned(),
        |t| {
            let digest = t.sha256.get(..12).unwrap_or(&t.sha256);
            format!("{} rows with digest {digest}…", t.rows)
        },
    )
}

fn rows(contents: &Contents) -> u64 {
    contents.tables.iter().map(|t| t.rows).sum()
}

fn remove_if_exists(path: &Path) -> anyhow::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("cannot remove {}", path.display()))
        }
        _ => Ok(()),
    }
}

fn rename(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::rename(from, to)
        .with_context(|| format!("cannot rename {} to {}", from.display(), to.display()))
}
