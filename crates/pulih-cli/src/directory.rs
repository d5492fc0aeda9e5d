//! `pulih directory import`: the partner directory from Open Referral HSDS tables, through
//! the same use-case as the API, run as a named administrator or coordinator.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use pulih_app::{App, AppError, AppResult, DirectoryImport, HsdsFiles, Origin, Upload};
use pulih_domain::authz::Actor;

use crate::commands::{app, app_error, spinner};
use crate::config::Settings;

/// The `.csv` files of a folder.
fn read_folder(from: &Path) -> anyhow::Result<HsdsFiles> {
    let mut files = HsdsFiles::default();
    let entries =
        std::fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))?;
    for entry in entries {
        let path = entry?.path();
        let csv = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        if csv && path.is_file() {
            let bytes =
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            files.insert(
                &path.file_name().unwrap_or_default().to_string_lossy(),
                bytes,
            );
        }
    }
    Ok(files)
}

/// Imports `from`, a folder holding the `.csv` files or a zip of them, as `actor`.
async fn import_from(
    app: &App,
    actor: &Actor,
    from: &Path,
) -> anyhow::Result<AppResult<DirectoryImport>> {
    let origin = Origin::local();
    if from.is_dir() {
        let files = read_folder(from)?;
        return Ok(app.import_services(actor, files, &origin).await);
    }
    let zip =
        std::fs::File::open(from).with_context(|| format!("cannot read {}", from.display()))?;
    Ok(app
        .import_services_zip(actor, Upload::reader(zip), &origin)
        .await)
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
    let bar = spinner("checking and importing the directory");
    let imported = import_from(&app, &actor, from).await?;
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
