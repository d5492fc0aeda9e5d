//! `pulih demo generate`: synthetic data to try Pulih with, loaded through the store's
//! bulk path with a progress bar, then the dashboard counters rebuilt.

use std::process::ExitCode;

use anyhow::bail;
use indicatif::{ProgressBar, ProgressStyle};
use pulih_app::{DemoProgress, DemoScale, ImportOptions};

use crate::commands::{app, app_error, import};
use crate::config::Settings;

/// Generates demo data at `scale` from `seed` into the configured database.
pub async fn generate(settings: Settings, scale: &str, seed: u64) -> anyhow::Result<ExitCode> {
    let Some(scale) = DemoScale::parse(scale) else {
        bail!("unknown scale {scale}: use regency, province or national");
    };
    let app = app(&settings).await?;
    if app
        .region_counts()
        .await
        .map_err(app_error)?
        .iter()
        .all(|n| *n == 0)
    {
        println!("Empty database: loading the official region tree first.");
        import(&app, None, ImportOptions::default()).await?;
    }
    let bar = ProgressBar::new(scale.clients()).with_message("loading demo clients");
    bar.set_style(
        ProgressStyle::with_template("{msg} {wide_bar} {pos}/{len} [{elapsed}, {eta} left]")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let progress = |step: DemoProgress| match step {
        DemoProgress::Loading { clients, .. } => bar.set_position(clients),
        DemoProgress::Counting(read) => {
            bar.set_message(format!(
                "rebuilding dashboard counters, {read} records read"
            ));
        }
    };
    let made = app.generate_demo(scale, seed, &progress).await;
    bar.finish_and_clear();
    let made = made.map_err(app_error)?;
    println!(
        "Demo data loaded (seed {seed}): {} organisations, {} users, {} IBM units, {} activities, \
         {} clients with {} facts; {} dashboard counters.",
        made.orgs, made.users, made.units, made.activities, made.clients, made.facts, made.counters
    );
    println!(
        "Every demo account has the password {} (shown only now); a coordinator to log in as: {}.",
        made.password, made.coordinator
    );
    Ok(ExitCode::SUCCESS)
}
