//! Loading many records at once, for demo data: rows go straight to their tables in
//! large transactions, with no audit entry, change-feed entry or rollup delta each (the
//! loader rebuilds the rollups afterwards). Nothing a user does comes this way; every
//! user's write is a unit of work.

use async_trait::async_trait;
use chrono::NaiveDate;
use pulih_domain::client::ClientCode;

use crate::{ActivityRow, ClientFact, Member, NewClient, Organisation, StoreResult, Unit, User};

/// A client to load, with the number the loader gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedClient {
    /// The client.
    pub client: NewClient,
    /// Its code.
    pub code: ClientCode,
    /// The day of its latest fact.
    pub last_fact_on: Option<NaiveDate>,
}

/// Records to load in one transaction, parents before children.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bulk {
    /// Organisations.
    pub orgs: Vec<Organisation>,
    /// User accounts.
    pub users: Vec<User>,
    /// IBM units.
    pub units: Vec<Unit>,
    /// Agents of units.
    pub members: Vec<Member>,
    /// Activities of units.
    pub activities: Vec<ActivityRow>,
    /// Clients with their sealed keys.
    pub clients: Vec<LoadedClient>,
    /// Facts about clients.
    pub facts: Vec<ClientFact>,
}

impl Bulk {
    /// How many rows it holds.
    pub fn rows(&self) -> usize {
        self.orgs.len()
            + self.users.len()
            + self.units.len()
            + self.members.len()
            + self.activities.len()
            + self.clients.len()
            + self.facts.len()
    }
}

/// Storage that loads records in bulk.
#[async_trait]
pub trait BulkStore: Send + Sync {
    /// Inserts every record of `bulk` in one transaction, many rows per statement.
    async fn load_bulk(&self, bulk: Bulk) -> StoreResult<()>;
}
