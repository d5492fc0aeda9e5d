//! Official boundaries of regions as stored: one simplified geometry per region, replaced
//! by a re-import.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pulih_domain::region::{RegionCode, RegionLevel};

use crate::StoreResult;

/// A region's boundary.
#[derive(Debug, Clone, PartialEq)]
pub struct Boundary {
    /// The region.
    pub code: RegionCode,
    /// A GeoJSON `MultiPolygon`, rounded and simplified.
    pub geometry: String,
    /// West, south, east and north edges in degrees.
    pub bbox: [f64; 4],
    /// How many positions the geometry has.
    pub vertices: i64,
    /// The file it came from, as the importer named it.
    pub source: String,
    /// When it was imported.
    pub imported_at: DateTime<Utc>,
}

/// Storage of boundaries.
#[async_trait]
pub trait BoundaryStore: Send + Sync {
    /// The boundaries of the regions of `level` below `node`, by code.
    async fn boundaries_below(
        &self,
        node: &RegionCode,
        level: RegionLevel,
    ) -> StoreResult<Vec<Boundary>>;
}
