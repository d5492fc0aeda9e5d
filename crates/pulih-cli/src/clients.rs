//! `pulih clients reindex`: name hashes for clients registered before they were kept
//! (see `pulih_app::App::reindex_clients`), with the progress printed per batch. Safe to
//! run while the server runs, and again: a second run finds nothing left to do.

use std::process::ExitCode;

use pulih_app::Reindexed;

use crate::commands::{app, app_error};
use crate::config::Settings;

/// Gives every client without name hashes its hashes.
pub async fn reindex(settings: Settings) -> anyhow::Result<ExitCode> {
    let app = app(&settings).await?;
    let progress = |so_far: Reindexed| {
        println!(
            "{} clients looked at, {} indexed so far",
            so_far.checked, so_far.indexed
        );
    };
    let done = app.reindex_clients(&progress).await.map_err(app_error)?;
    if done.checked == 0 {
        println!("Every client already has its name hashes; nothing to do.");
    } else {
        println!(
            "Done: {} clients looked at, {} given name hashes (the others hold no name).",
            done.checked, done.indexed
        );
    }
    Ok(ExitCode::SUCCESS)
}
