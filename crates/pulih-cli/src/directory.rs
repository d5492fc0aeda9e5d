//! `pulih directory import`: the partner directory from Open Referral HSDS tables, through
//! the same use-case as the API, run as a named administrator or coordinator.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use pulih_app::{AppError, HsdsFiles};

use crate::commands::{app, app_error, spinner};
use crate::config::Settings;

/// The tables in `from`: a zip, or a folder holding the `.csv` files.
fn read_files(from: &Path) -> anyhow::Result<HsdsFiles> {
    if from.is_dir() {
        let mut files = HsdsFiles::default();
        let entries =
            std::fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))?;
        for entry in entries {
            let path = entry?.path();
            let csv = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
            if csv && path.is_file() {
                let bytes = std::fs::read(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                files.insert(
                    &path.file_name().unwrap_or_default().to_string_lossy(),
                    bytes,
                );
            }
        }
        return Ok(files);
    }
    let bytes = std::fs::read(from).with_context(|| format!("cannot read {}", from.display()))?;
    HsdsFiles::from_zip(&bytes).map_err(|_| {
        anyhow::anyhow!(
            "{} is neither a folder of CSV files nor a readable zip",
            from.display()
        )
    })
}

/// `pulih directory import --from PATH [--as USERNAME]`: checks every row first and
/// prints each problem in English by file, line and column, or what was imported.
pub async fn import(settings: Settings, from: &Path, username: &str) -> anyhow::Result<ExitCode> {
    let app = app(&settings).await?;
    let actor = app.console_actor(username).await.map_err(|e| match e {
        AppError::NotFound => anyhow::anyhow!(
            "there is no user {username}; name an administrator or coordinator with --as"
        ),
        other => app_error(other),
    })?;
    let files = read_files(from)?;
    let bar = spinner("checking and importing the directory");
    let imported = app
        .import_services(&actor, files, &pulih_app::Origin::local())
        .await;
    bar.finish_and_clear();
    let summary = imported.map_err(|e| match e {
        AppError::Invalid(problems) => {
            let texts = pulih_web::I18n::load().ok();
            let lines: Vec<String> = problems
                .iter()
                .map(|p| match &texts {
                    Some(i18n) => {
                        format!("{}: {}", p.field, i18n.tr(pulih_web::Lang::En).problem(p))
                    }
                    None => format!("{} ({})", p.field, p.key),
                })
                .collect();
            anyhow::anyhow!(
                "{} was refused; nothing was imported:\n  {}",
                from.display(),
                lines.join("\n  ")
            )
        }
        AppError::Forbidden(_) => anyhow::anyhow!(
            "{username} may not import the directory: only administrators and coordinators do"
        ),
        other => app_error(other),
    })?;
    println!(
        "Directory imported from {}: {} added, {} changed, {} unchanged, {} not active and left out.",
        from.display(),
        summary.added,
        summary.changed,
        summary.unchanged,
        summary.skipped
    );
    Ok(ExitCode::SUCCESS)
}
