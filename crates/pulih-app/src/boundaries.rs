//! Official boundaries of regions: importing a GeoJSON file from BIG or Kemendagri (read
//! only once the user is authorised, then checked and simplified off the async threads;
//! every feature checked before anything is stored), and reading the village boundaries
//! of a regency for its map.

use std::collections::HashMap;
use std::sync::Arc;

use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::boundary::Geometry;
use pulih_domain::region::{RegionCode, Scope};
use pulih_regions::boundaries::{FeatureError, FileError};
use pulih_store::Boundary;
use serde::Serialize;
use serde_json::json;

use crate::{App, AppError, AppResult, Origin, Problem, Record, Upload};

/// Most feature problems reported at once; the rest are counted.
const MAX_REPORTED: usize = 100;

/// What an import did.
#[derive(Debug, Clone, Serialize)]
pub struct BoundarySummary {
    /// Features in the file.
    pub features: usize,
    /// Regions given a boundary (features of one region are merged).
    pub regions: usize,
    /// Of those, regions whose earlier boundary was replaced.
    pub replaced: u64,
    /// Positions kept after rounding and simplification.
    pub vertices: usize,
    /// Regions per level: province, regency, district, village.
    pub by_level: [usize; 4],
}

/// A boundary ready to store, made off the async threads.
struct Prepared {
    index: usize,
    boundary: Boundary,
}

fn feature_problem(index: usize, code: Option<&str>, key: &'static str) -> Problem {
    let mut p = Problem::new(format!("features.{index}"), key);
    p.args = vec![
        ("index", index.to_string()),
        ("code", code.unwrap_or("–").to_owned()),
    ];
    p
}

fn file_problem(e: &FileError) -> Problem {
    match e {
        FileError::Syntax { line, .. } => {
            let mut p = Problem::new("file", "invalid.geojson_syntax");
            p.args = vec![("line", line.to_string())];
            p
        }
        FileError::NotCollection => Problem::new("file", "invalid.geojson_collection"),
        FileError::Empty => Problem::new("file", "invalid.boundary_empty"),
    }
}

/// The lowest node holding every code, none when they lie in different provinces.
fn common_ancestor<'a>(mut codes: impl Iterator<Item = &'a RegionCode>) -> Option<RegionCode> {
    let first = codes.next()?.clone();
    codes.try_fold(first, |common, code| {
        std::iter::once(common.clone())
            .chain(common.ancestors().into_iter().rev())
            .find(|node| node.contains(code))
    })
}

impl App {
    /// Imports boundaries from a GeoJSON `FeatureCollection`; `property` names the
    /// property holding each feature's Kemendagri code (none: the usual names, see
    /// [`pulih_regions::boundaries::CODE_PROPERTIES`]). Administrators import for regions
    /// inside their scope; `actor` is none for the command line. Refused whole, naming
    /// each feature's problem: a geometry that is not a polygon, an open or short ring,
    /// a position outside Indonesia, a code that is not a live region or lies outside
    /// the scope. A region imported again gets the new boundary. The actor is
    /// authorised before the file is read.
    #[tracing::instrument(skip_all)]
    pub async fn import_boundaries(
        &self,
        actor: Option<&Actor>,
        file: Upload,
        property: Option<String>,
        source: &str,
    ) -> AppResult<BoundarySummary> {
        if let Some(actor) = actor {
            authorize(actor, Action::ImportRegions, &actor.scope)?;
        }
        let file = file.into_reader().await?;
        let (at, source_name) = (self.now(), source.to_owned());
        let read = tokio::task::spawn_blocking(move || {
            let property = property.as_deref().map(str::trim).filter(|p| !p.is_empty());
            let file = pulih_regions::boundaries::read(file, property).map_err(|e| {
                tracing::warn!(error = %e, source = %source_name, "boundary file refused");
                AppError::Invalid(vec![file_problem(&e)])
            })?;
            let mut prepared = Vec::with_capacity(file.boundaries.len());
            for f in file.boundaries {
                let bbox = f.geometry.bbox();
                let geometry = serde_json::to_string(&f.geometry)
                    .map_err(|e| AppError::Internal(format!("boundary json: {e}")))?;
                let boundary = Boundary {
                    vertices: f.geometry.vertex_count() as i64,
                    geometry,
                    bbox: [bbox.min_lon, bbox.min_lat, bbox.max_lon, bbox.max_lat],
                    code: f.code,
                    source: source_name.clone(),
                    imported_at: at,
                };
                prepared.push(Prepared {
                    index: f.index,
                    boundary,
                });
            }
            Ok::<_, AppError>((file.features, prepared, file.errors))
        })
        .await
        .map_err(|e| AppError::Internal(format!("boundary file task: {e}")))?;
        let (features, prepared, mut errors) = read?;
        let stored = self.store.stored_regions().await?;
        for p in &prepared {
            let code = &p.boundary.code;
            let key = if stored.get(code).is_none_or(|r| r.retired) {
                "invalid.boundary_region_unknown"
            } else if actor.is_some_and(|a| {
                authorize(a, Action::ImportRegions, &Scope::Region(code.clone())).is_err()
            }) {
                "invalid.boundary_out_of_scope"
            } else {
                continue;
            };
            errors.push(FeatureError {
                index: p.index,
                code: Some(code.to_string()),
                key,
            });
        }
        if !errors.is_empty() {
            errors.sort_by_key(|e| e.index);
            let mut problems: Vec<Problem> = errors
                .iter()
                .take(MAX_REPORTED)
                .map(|e| feature_problem(e.index, e.code.as_deref(), e.key))
                .collect();
            if errors.len() > MAX_REPORTED {
                let mut more = Problem::new("features", "invalid.boundary_more_errors");
                more.args = vec![("count", (errors.len() - MAX_REPORTED).to_string())];
                problems.push(more);
            }
            tracing::warn!(source, refused = errors.len(), "boundary file refused");
            return Err(AppError::Invalid(problems));
        }
        let mut summary = BoundarySummary {
            features,
            regions: prepared.len(),
            replaced: 0,
            vertices: prepared.iter().map(|p| p.boundary.vertices as usize).sum(),
            by_level: [0; 4],
        };
        for p in &prepared {
            summary.by_level[p.boundary.code.level() as usize] += 1;
        }
        let region = common_ancestor(prepared.iter().map(|p| &p.boundary.code))
            .map_or_else(|| "ID".to_owned(), |c| c.to_string());
        let record = Record {
            kind: "region_boundaries",
            id: None,
            region: &region,
        };
        let event = self.event(
            actor,
            "boundaries.import",
            record,
            &Origin::local(),
            json!({ "source": source, "summary": summary }),
        );
        let boundaries: Vec<Boundary> = prepared.into_iter().map(|p| p.boundary).collect();
        summary.replaced = self
            .write(None, &Origin::local(), move |tx| {
                Box::pin(async move {
                    let replaced = tx.put_boundaries(&boundaries).await?;
                    tx.audit(event);
                    Ok(replaced)
                })
            })
            .await?;
        self.atlas.forget();
        Ok(summary)
    }

    /// The boundaries of the villages below `node` that have one, for maps.
    #[tracing::instrument(skip_all, fields(region = %node))]
    pub async fn village_boundaries(
        &self,
        actor: &Actor,
        node: &RegionCode,
    ) -> AppResult<Arc<HashMap<RegionCode, Geometry>>> {
        authorize(actor, Action::ViewRegions, &Scope::Region(node.clone()))?;
        self.village_boundaries_of(node).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).expect("code")
    }

    #[test]
    fn an_import_is_audited_at_the_lowest_node_holding_every_region() {
        let inside = [code("21.71.01.1002"), code("21.71.02.1001"), code("21.71")];
        assert_eq!(common_ancestor(inside.iter()), Some(code("21.71")));
        let one = [code("21.71.01.1002")];
        assert_eq!(common_ancestor(one.iter()), Some(code("21.71.01.1002")));
        let apart = [code("21.71.01.1002"), code("61.03")];
        assert_eq!(common_ancestor(apart.iter()), None);
        assert_eq!(common_ancestor([].iter()), None);
    }
}
