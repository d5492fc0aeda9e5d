//! Rehabilitation capacity against demand, for a dashboard: per node and child, the
//! places the directory's services of each rehabilitation type offer to any part of it
//! (an area at, above or below it) against the clients referred to that type and still
//! waiting (sent or accepted, not started), a stock the referral writes keep in the
//! rollups (`Figure::waiting_for`). A row whose waiting clients outnumber its places is
//! flagged.

use futures::future::try_join_all;
use pulih_domain::referral::ServiceType;
use pulih_domain::region::RegionCode;
use pulih_domain::rollup::Figure;

use crate::{App, AppResult};

/// The service types whose capacity a dashboard weighs against demand.
const TYPES: [ServiceType; 2] = [ServiceType::RehabInpatient, ServiceType::RehabOutpatient];

/// Places and waiting clients of one service type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capacity {
    /// The service type.
    pub service: ServiceType,
    /// Places the directory lists (services without a capacity count none).
    pub places: i64,
    /// Clients referred and waiting.
    pub waiting: i64,
}

impl Capacity {
    /// Whether more clients wait than there are places.
    pub const fn exceeded(&self) -> bool {
        self.waiting > self.places
    }
}

/// A node's capacity against demand, per type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapacityRow {
    /// The node's key: `ID` or a region code.
    pub node: String,
    /// Its name.
    pub name: String,
    /// One per type, in [`TYPES`] order.
    pub services: Vec<Capacity>,
}

impl App {
    /// Capacity against demand of `node` (its key and name) and of `children`.
    pub(crate) async fn capacity(
        &self,
        node: (&str, &str),
        children: &[(RegionCode, String)],
    ) -> AppResult<Vec<CapacityRow>> {
        let figures: Vec<Figure> = TYPES
            .iter()
            .filter_map(|t| Figure::waiting_for(*t))
            .collect();
        let keys: Vec<String> = TYPES.iter().map(|t| t.key().to_owned()).collect();
        let stock = self.store.rollup_stock(node.0, &figures).await?;
        let code = RegionCode::parse(node.0).ok();
        let rows = std::iter::once((code, node.0.to_owned(), node.1.to_owned())).chain(
            children
                .iter()
                .map(|(c, name)| (Some(c.clone()), c.to_string(), name.clone())),
        );
        try_join_all(rows.map(|(code, key, name)| {
            let (stock, keys) = (&stock, &keys);
            async move {
                let places = self.store.places_serving(code.as_ref(), keys).await?;
                let services = TYPES
                    .iter()
                    .map(|t| Capacity {
                        service: *t,
                        places: places
                            .iter()
                            .find(|(k, _)| k == t.key())
                            .map_or(0, |(_, n)| *n),
                        waiting: stock
                            .iter()
                            .find(|c| {
                                c.cell.node == key && Some(c.cell.figure) == Figure::waiting_for(*t)
                            })
                            .map_or(0, |c| c.n),
                    })
                    .collect();
                Ok(CapacityRow {
                    node: key,
                    name,
                    services,
                })
            }
        }))
        .await
    }
}
