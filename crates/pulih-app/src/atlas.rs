//! The region tree as the use-cases read it, remembered.
//!
//! Regions, their children, villages, history and boundaries change only by an import.
//! An import made through this process forgets everything at once; one made by another
//! process (the command line beside a running server, a second server on the same
//! PostgreSQL) is seen once what was remembered expires, after [`HELD_FOR`]. Every page
//! used to read the same regency row a dozen times and its 300 villages once more: now
//! the first page of a regency in a minute reads them, the others read memory.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use pulih_domain::boundary::Geometry;
use pulih_domain::region::{RegionCode, RegionLevel};
use pulih_store::{Boundary, Region, RegionChange};

use crate::{App, AppResult};

/// How long a remembered part of the tree is used before it is read again.
pub const HELD_FOR: Duration = Duration::from_secs(60);
/// Above this many remembered entries, expired ones are dropped when another is added.
const SWEEP_ABOVE: usize = 4096;

/// Values remembered per region code, each until it expires.
struct Remembered<V> {
    held: RwLock<HashMap<RegionCode, (Instant, V)>>,
}

impl<V: Clone> Remembered<V> {
    fn new() -> Self {
        Self {
            held: RwLock::default(),
        }
    }

    fn get(&self, code: &RegionCode) -> Option<V> {
        let held = self.held.read().ok()?;
        let (at, value) = held.get(code)?;
        (at.elapsed() < HELD_FOR).then(|| value.clone())
    }

    fn put(&self, code: &RegionCode, value: V) {
        if let Ok(mut held) = self.held.write() {
            if held.len() > SWEEP_ABOVE {
                held.retain(|_, (at, _)| at.elapsed() < HELD_FOR);
            }
            held.insert(code.clone(), (Instant::now(), value));
        }
    }

    /// The remembered value, or what `read` reads, then remembered.
    async fn or_read<F>(&self, code: &RegionCode, read: F) -> AppResult<V>
    where
        F: Future<Output = AppResult<V>>,
    {
        if let Some(known) = self.get(code) {
            return Ok(known);
        }
        let found = read.await?;
        self.put(code, found.clone());
        Ok(found)
    }

    fn clear(&self) {
        if let Ok(mut held) = self.held.write() {
            held.clear();
        }
    }
}

/// The remembered parts of the region tree.
pub(crate) struct Atlas {
    regions: Remembered<Region>,
    children: Remembered<Arc<[Region]>>,
    villages: Remembered<Arc<[Region]>>,
    history: Remembered<Arc<[RegionChange]>>,
    boundaries: Remembered<Arc<HashMap<RegionCode, Geometry>>>,
}

impl Atlas {
    pub(crate) fn new() -> Self {
        Self {
            regions: Remembered::new(),
            children: Remembered::new(),
            villages: Remembered::new(),
            history: Remembered::new(),
            boundaries: Remembered::new(),
        }
    }

    /// A region remembered and not yet expired.
    pub(crate) fn known(&self, code: &RegionCode) -> Option<Region> {
        self.regions.get(code)
    }

    /// Remembers a region read elsewhere.
    pub(crate) fn remember(&self, region: &Region) {
        self.regions.put(&region.code, region.clone());
    }

    /// Forgets everything (after an import of regions or boundaries).
    pub(crate) fn forget(&self) {
        self.regions.clear();
        self.children.clear();
        self.villages.clear();
        self.history.clear();
        self.boundaries.clear();
    }
}

impl App {
    /// A region, live or retired, if the tree has its code.
    pub(crate) async fn region_row(&self, code: &RegionCode) -> AppResult<Option<Region>> {
        if let Some(known) = self.atlas.regions.get(code) {
            return Ok(Some(known));
        }
        // a code the tree lacks is not remembered: codes asked for at random would
        // otherwise fill memory
        let found = self.store.region(code).await?;
        if let Some(region) = &found {
            self.atlas.regions.put(code, region.clone());
        }
        Ok(found)
    }

    /// The live children of a region.
    pub(crate) async fn children_of(&self, code: &RegionCode) -> AppResult<Arc<[Region]>> {
        let read = async { Ok(self.store.region_children(Some(code)).await?.into()) };
        self.atlas.children.or_read(code, read).await
    }

    /// The live villages at or below a region, by code.
    pub(crate) async fn villages_of(&self, code: &RegionCode) -> AppResult<Arc<[Region]>> {
        let read = async { Ok(self.store.villages_below(code).await?.into()) };
        self.atlas.villages.or_read(code, read).await
    }

    /// The renames and retirements of a region.
    pub(crate) async fn history_of(&self, code: &RegionCode) -> AppResult<Arc<[RegionChange]>> {
        let read = async { Ok(self.store.region_history(code).await?.into()) };
        self.atlas.history.or_read(code, read).await
    }

    /// The boundaries of the villages at or below a region that have one. A stored
    /// geometry that no longer reads is left out (and logged), never fatal to a page.
    pub(crate) async fn village_boundaries_of(
        &self,
        code: &RegionCode,
    ) -> AppResult<Arc<HashMap<RegionCode, Geometry>>> {
        let read = async {
            let stored = self
                .store
                .boundaries_below(code, RegionLevel::Village)
                .await?;
            Ok(Arc::new(stored.into_iter().filter_map(readable).collect()))
        };
        self.atlas.boundaries.or_read(code, read).await
    }
}

/// A stored boundary as a geometry, if it still reads.
fn readable(b: Boundary) -> Option<(RegionCode, Geometry)> {
    match serde_json::from_str::<Geometry>(&b.geometry) {
        Ok(g) => Some((b.code, g)),
        Err(e) => {
            tracing::error!(code = %b.code, error = %e, "stored boundary does not read");
            None
        }
    }
}
