//! Demo data (`pulih demo generate`): a synthetic programme and its clients over real
//! regions of the official tree, deterministic for a seed (the same seed gives the same
//! records, apart from ids, keys and sealed bytes), loaded through the store's bulk path
//! in large transactions while the next batch is made, then the dashboard counters
//! rebuilt from what was loaded. Clients are spread over regencies by their population
//! (`pulih_regions::population`), and over each regency's villages evenly. It refuses a database that already holds clients.

mod programme;

use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeZone, Utc};
use pulih_domain::region::{RegionCode, Scope};
use pulih_store::{Bulk, ClientFilter, ClientReach, Region};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use crate::clients::demo::{DemoPlace, demo_client};
use crate::{App, AppError, AppResult};

/// Rows per bulk transaction.
const BATCH: usize = 20_000;
/// Days of history the demo covers, up to yesterday.
const HISTORY_DAYS: u64 = 730;

/// How much demo data to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoScale {
    /// One regency (Kota Batam), about 5,000 clients.
    Regency,
    /// One province (Jambi), about 100,000 clients.
    Province,
    /// The nation, about 3.3 million clients.
    National,
}

impl DemoScale {
    /// Parses `regency`, `province` or `national`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "regency" => Some(Self::Regency),
            "province" => Some(Self::Province),
            "national" => Some(Self::National),
            _ => None,
        }
    }

    /// The node the demo covers; none for the nation.
    pub fn node(self) -> Option<RegionCode> {
        let code = match self {
            Self::Regency => "21.71",
            Self::Province => "15",
            Self::National => return None,
        };
        RegionCode::parse(code).ok()
    }

    /// How many clients it makes.
    pub const fn clients(self) -> u64 {
        match self {
            Self::Regency => 5_000,
            Self::Province => 100_000,
            Self::National => 3_300_000,
        }
    }
}

/// What a demo load made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoSummary {
    /// Organisations.
    pub orgs: u64,
    /// User accounts (coordinators and agents).
    pub users: u64,
    /// IBM units.
    pub units: u64,
    /// Activities.
    pub activities: u64,
    /// Clients.
    pub clients: u64,
    /// Facts about clients.
    pub facts: u64,
    /// Dashboard counters after the rebuild.
    pub counters: u64,
    /// A coordinator's username, to log in with.
    pub coordinator: String,
    /// The password of every demo account.
    pub password: String,
}

impl DemoSummary {
    fn add(&mut self, bulk: &Bulk) {
        self.orgs += bulk.orgs.len() as u64;
        self.users += bulk.users.len() as u64;
        self.units += bulk.units.len() as u64;
        self.activities += bulk.activities.len() as u64;
        self.clients += bulk.clients.len() as u64;
        self.facts += bulk.facts.len() as u64;
    }
}

/// How far a demo load is, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoProgress {
    /// Clients loaded of the total.
    Loading {
        /// Loaded so far.
        clients: u64,
        /// To load.
        of: u64,
    },
    /// Records read by the rebuild of the counters.
    Counting(u64),
}

/// The days the demo's history spans.
pub(crate) struct Window {
    /// The first day.
    pub from: NaiveDate,
    /// The last day (yesterday).
    pub to: NaiveDate,
}

impl Window {
    fn days(&self) -> i64 {
        (self.to - self.from).num_days().max(1)
    }

    fn day(&self, n: i64) -> NaiveDate {
        self.from
            .checked_add_days(Days::new(n.unsigned_abs()))
            .unwrap_or(self.from)
    }

    fn at(&self, day: NaiveDate) -> DateTime<Utc> {
        let nine = NaiveTime::from_hms_opt(2, 0, 0).unwrap_or_default();
        Utc.from_utc_datetime(&day.and_time(nine))
    }

    fn created_at(&self) -> DateTime<Utc> {
        self.at(self.from)
    }
}

/// A regency with its villages and its share of the clients.
struct Share {
    regency: Region,
    villages: Vec<Region>,
    clients: u64,
}

impl App {
    /// Makes and loads demo data at `scale` from `seed`, then rebuilds the counters.
    #[tracing::instrument(skip_all)]
    pub async fn generate_demo(
        &self,
        scale: DemoScale,
        seed: u64,
        progress: &(dyn Fn(DemoProgress) + Sync),
    ) -> AppResult<DemoSummary> {
        let filter = ClientFilter {
            reach: ClientReach::Scope(Scope::National),
            granted: None,
            before: None,
            limit: 1,
        };
        if !self.store.list_clients(&filter).await?.is_empty() {
            return Err(AppError::Conflict("conflict.demo_database_not_empty"));
        }
        let shares = self.shares(scale).await?;
        let password = crate::random_token();
        let hash = self.hash_password(password.clone()).await?;
        let to = self.now().date_naive() - Days::new(1);
        let window = Window {
            from: to - Days::new(HISTORY_DAYS),
            to,
        };
        let mut summary = DemoSummary {
            coordinator: shares.first().map_or_else(String::new, |s| {
                format!("demo.coord.{}", s.regency.code.as_str().replace('.', ""))
            }),
            password,
            ..DemoSummary::default()
        };
        let (send, mut batches) = tokio::sync::mpsc::channel::<AppResult<Bulk>>(2);
        let keys = self.keys.clone();
        let maker = tokio::task::spawn_blocking(move || {
            for share in &shares {
                if let Err(e) = make(&keys, seed, share, &window, &hash, &send) {
                    let _ = send.blocking_send(Err(e));
                    return;
                }
            }
        });
        let of = scale.clients();
        while let Some(bulk) = batches.recv().await {
            let bulk = bulk?;
            summary.add(&bulk);
            self.store.load_bulk(bulk).await?;
            progress(DemoProgress::Loading {
                clients: summary.clients,
                of,
            });
        }
        maker
            .await
            .map_err(|e| AppError::Internal(format!("demo maker: {e}")))?;
        let counting = |read| progress(DemoProgress::Counting(read));
        summary.counters = self.rebuild_rollups(&counting).await? as u64;
        Ok(summary)
    }

    /// The regencies the demo covers, with their villages and their share of clients.
    async fn shares(&self, scale: DemoScale) -> AppResult<Vec<Share>> {
        let regencies = match scale.node() {
            Some(node) if node.level() == pulih_domain::region::RegionLevel::Regency => {
                vec![self.store.region(&node).await?.ok_or(AppError::NotFound)?]
            }
            Some(node) => self.store.region_children(Some(&node)).await?,
            None => {
                let mut all = Vec::new();
                for province in self.store.region_children(None).await? {
                    all.extend(self.store.region_children(Some(&province.code)).await?);
                }
                all
            }
        };
        let mut shares = Vec::new();
        for regency in regencies.into_iter().filter(|r| !r.retired) {
            let villages: Vec<Region> = self
                .store
                .villages_below(&regency.code)
                .await?
                .into_iter()
                .filter(|v| !v.retired)
                .collect();
            if !villages.is_empty() {
                shares.push(Share {
                    regency,
                    villages,
                    clients: 0,
                });
            }
        }
        if shares.is_empty() {
            return Err(AppError::Conflict("conflict.demo_no_regions"));
        }
        // each regency's share by its population (by its villages where none is known),
        // rounded so the shares add up to the total
        let weight = |s: &Share| {
            pulih_regions::population::of(s.regency.code.as_str())
                .unwrap_or(s.villages.len() as u64)
        };
        let total: u64 = shares.iter().map(weight).sum();
        let (mut seen, mut given) = (0, 0);
        for share in &mut shares {
            seen += weight(share);
            let upto = scale.clients() * seen / total;
            share.clients = upto - given;
            given = upto;
        }
        Ok(shares)
    }
}

/// Makes one regency's records, sending a batch whenever it is full.
fn make(
    keys: &crate::Keys,
    seed: u64,
    share: &Share,
    window: &Window,
    password_hash: &str,
    send: &tokio::sync::mpsc::Sender<AppResult<Bulk>>,
) -> AppResult<()> {
    let digits: u64 = share
        .regency
        .code
        .as_str()
        .replace('.', "")
        .parse()
        .unwrap_or(0);
    let mut rng = StdRng::seed_from_u64(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ digits);
    let mut bulk = Bulk::default();
    let place = (&share.regency, share.villages.as_slice());
    let programme = programme::programme(&mut rng, &mut bulk, place, window, password_hash)?;
    let flush = |bulk: &mut Bulk| {
        send.blocking_send(Ok(std::mem::take(bulk)))
            .map_err(|_| AppError::Internal("demo loader stopped".into()))
    };
    for seq in 1..=share.clients {
        let village = share
            .villages
            .choose(&mut rng)
            .ok_or(AppError::Internal("a regency without villages".into()))?;
        let worker = programme
            .agents
            .get(&village.code)
            .and_then(|agents| agents.choose(&mut rng).copied());
        let place = DemoPlace {
            region: &village.code,
            org: programme.org,
            worker,
            registrar: worker.unwrap_or(programme.coordinator),
            seq: seq as i64,
            from: window.from,
            to: window.to,
        };
        let (client, facts) = demo_client(keys, &mut rng, &place)?;
        bulk.clients.push(client);
        bulk.facts.extend(facts);
        if bulk.rows() >= BATCH {
            flush(&mut bulk)?;
        }
    }
    if bulk.rows() > 0 {
        flush(&mut bulk)?;
    }
    Ok(())
}
