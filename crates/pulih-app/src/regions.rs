//! Browsing, searching and importing the region tree.

use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::region::{RegionCode, RegionLevel, Scope};
use std::collections::HashSet;

use pulih_domain::region_import::{ImportPlan, ImportSummary, RegionUse, SourceRegion};
use pulih_store::{Region, RegionChange, RegionHit};
use serde_json::json;

use crate::{App, AppError, AppResult, Origin, Record, Upload};

/// Most search results returned at once.
pub const SEARCH_LIMIT: i64 = 50;

/// Most codes in use an import's answer names; the count says how many there are.
pub const IN_USE_NAMED: usize = 100;

/// How an import is run.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Plan only: report what would change and change nothing.
    pub dry_run: bool,
    /// The operator's confirmation of the number of codes the import retires, needed when
    /// it retires many or codes in use.
    pub retire: Option<usize>,
}

/// What an import found and whether it was applied.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportOutcome {
    /// The changes, applied or planned.
    #[serde(flatten)]
    pub summary: ImportSummary,
    /// Live codes stored before the import.
    pub live: usize,
    /// Whether the number retired must be confirmed before the import is applied.
    pub confirm: bool,
    /// Whether the changes were made.
    pub applied: bool,
    /// How many of the codes to retire are in use.
    pub codes_in_use: usize,
    /// The first of their uses, by code.
    pub in_use: Vec<RegionUse>,
}

/// A region page: the node, its ancestors for the breadcrumb, its children and history.
#[derive(Debug, Clone)]
pub struct RegionView {
    /// The region.
    pub region: Region,
    /// Province down to the parent.
    pub ancestors: Vec<Region>,
    /// Live children, by code.
    pub children: Vec<Region>,
    /// Changes made by re-imports.
    pub history: Vec<RegionChange>,
}

impl App {
    /// Counts of live regions per level, province to village.
    #[tracing::instrument(skip_all)]
    pub async fn region_counts(&self) -> AppResult<[i64; 4]> {
        Ok(self.store.region_counts().await?)
    }

    /// The provinces.
    #[tracing::instrument(skip_all)]
    pub async fn provinces(&self, actor: &Actor) -> AppResult<Vec<Region>> {
        authorize(actor, Action::ViewRegions, &Scope::National)?;
        Ok(self.store.region_children(None).await?)
    }

    /// One region, without its surroundings.
    #[tracing::instrument(skip_all, fields(region = %code))]
    pub async fn region(&self, actor: &Actor, code: &RegionCode) -> AppResult<Region> {
        authorize(actor, Action::ViewRegions, &Scope::Region(code.clone()))?;
        self.region_row(code).await?.ok_or(AppError::NotFound)
    }

    /// The live children of a region.
    #[tracing::instrument(skip_all, fields(region = %code))]
    pub async fn region_children(
        &self,
        actor: &Actor,
        code: &RegionCode,
    ) -> AppResult<Vec<Region>> {
        self.region(actor, code).await?;
        Ok(self.children_of(code).await?.to_vec())
    }

    /// Everything the region page shows.
    #[tracing::instrument(skip_all, fields(region = %code))]
    pub async fn region_view(&self, actor: &Actor, code: &RegionCode) -> AppResult<RegionView> {
        let region = self.region(actor, code).await?;
        let mut ancestors = Vec::new();
        for a in code.ancestors() {
            ancestors.extend(self.region_row(&a).await?);
        }
        let children = self.children_of(code).await?.to_vec();
        let history = self.history_of(code).await?.to_vec();
        Ok(RegionView {
            region,
            ancestors,
            children,
            history,
        })
    }

    /// Regions whose name contains `query` (at least 2 characters), villages first when
    /// `level` is none, each with the names of its ancestors.
    #[tracing::instrument(skip_all)]
    pub async fn search_regions(
        &self,
        actor: &Actor,
        query: &str,
        level: Option<RegionLevel>,
    ) -> AppResult<Vec<RegionHit>> {
        authorize(actor, Action::ViewRegions, &Scope::National)?;
        if query.trim().chars().count() < 2 {
            return Err(AppError::invalid("q", "invalid.search_short"));
        }
        Ok(self
            .store
            .search_regions(query, level, &Scope::National, SEARCH_LIMIT)
            .await?)
    }

    /// Reads a region file (CSV, gzip or plain) off the async threads and imports it;
    /// a file that does not read changes nothing and says which rule it broke. The
    /// actor is authorised before the file is read.
    #[tracing::instrument(skip_all)]
    pub async fn import_region_file(
        &self,
        actor: Option<&Actor>,
        file: Upload,
        source: &str,
        options: ImportOptions,
    ) -> AppResult<ImportOutcome> {
        if let Some(actor) = actor {
            authorize(actor, Action::ImportRegions, &Scope::National)?;
        }
        let bytes = file.bytes().await?;
        let read = tokio::task::spawn_blocking(move || pulih_regions::read(&bytes))
            .await
            .map_err(|e| AppError::Internal(format!("region file task: {e}")))?;
        let regions = read.map_err(|e| {
            tracing::warn!(error = %e, source, "region file refused");
            let key = match e {
                pulih_regions::ReadError::Encoding { .. } => "invalid.import_encoding",
                pulih_regions::ReadError::Empty => "invalid.import_empty",
                pulih_regions::ReadError::TooLarge => "invalid.import_too_large",
                _ => "invalid.import_rows",
            };
            AppError::invalid("file", key)
        })?;
        self.import_regions(actor, regions, source, options).await
    }

    /// Imports a region list (the embedded official tree, or a file from a new decree).
    /// Renamed and removed codes are kept with their history. `actor` is none when the
    /// command line or the first start runs it. A plan that retires much, or codes in
    /// use, is applied only when `options.retire` confirms its exact number (see
    /// [`ImportPlan::needs_confirmation`]); a dry run only plans.
    #[tracing::instrument(skip_all)]
    pub async fn import_regions(
        &self,
        actor: Option<&Actor>,
        regions: Vec<SourceRegion>,
        source: &str,
        options: ImportOptions,
    ) -> AppResult<ImportOutcome> {
        if let Some(actor) = actor {
            authorize(actor, Action::ImportRegions, &Scope::National)?;
        }
        let (stored, uses) =
            tokio::try_join!(self.store.stored_regions(), self.store.region_uses())?;
        let live = stored.values().filter(|r| !r.retired).count();
        let plan = tokio::task::spawn_blocking(move || ImportPlan::new(regions, &stored))
            .await
            .map_err(|e| AppError::Internal(format!("import plan task: {e}")))?;
        let in_use = plan.retired_in_use(uses);
        let summary = plan.summary();
        let confirm = plan.needs_confirmation(live, &in_use);
        let applied = !options.dry_run && (!confirm || options.retire == Some(summary.retired));
        let outcome = ImportOutcome {
            summary,
            live,
            confirm,
            applied,
            codes_in_use: in_use.iter().map(|u| &u.code).collect::<HashSet<_>>().len(),
            in_use: in_use.into_iter().take(IN_USE_NAMED).collect(),
        };
        if !applied {
            return Ok(outcome);
        }
        let record = Record {
            kind: "region_import",
            id: None,
            region: "ID",
        };
        let event = self.event(
            actor,
            "regions.import",
            record,
            &Origin::local(),
            json!({ "source": source, "summary": summary }),
        );
        let source = source.to_owned();
        self.write(None, &Origin::local(), move |tx| {
            Box::pin(async move {
                tx.apply_region_import(&plan, &source, event.at).await?;
                tx.audit(event);
                Ok(())
            })
        })
        .await?;
        self.atlas.forget();
        Ok(outcome)
    }
}
