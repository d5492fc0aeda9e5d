//! Enforcement hand-offs: a police liaison records an arrest, a TAT assessment or a
//! release from Lapas, one at a time or many at once. The NIK becomes the keyed hash at
//! once and is never stored, logged or echoed. Recording never looks at clients, so its
//! answer and its path are the same whether or not the person was ever a client.

mod linkage;

use std::collections::HashMap;

use chrono::NaiveDate;
use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::handoff::{BulkRow, HandoffKind, bulk_rows};
use pulih_domain::ids::HandoffId;
use pulih_domain::nik::Nik;
use pulih_domain::region::{RegionCode, RegionLevel, Scope};
use pulih_store::{Handoff, HandoffEntry, RegionHit};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::error::{Fields, Problem};
use crate::places::PlaceMatch;
use crate::{App, AppError, AppResult, Origin, Record};

pub use linkage::{KindCountView, LinkageView};

/// Most hand-offs a list shows.
pub const LIST_LIMIT: i64 = 200;

/// One hand-off as typed.
#[derive(Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandoffInput {
    /// `arrest`, `tat_assessment` or `lapas_release`.
    #[serde(default)]
    pub kind: String,
    /// The person's NIK (16 digits).
    #[serde(default)]
    pub nik: String,
    /// `YYYY-MM-DD`, not in the future; today when empty.
    #[serde(default)]
    pub occurred_on: Option<String>,
    /// The regency or city, by code or name; the liaison's own regency when empty.
    #[serde(default)]
    pub region: Option<String>,
}

/// Many hand-offs at once, one per line: `kind,nik,date,region`, the region a regency's
/// or city's code or name.
#[derive(Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BulkInput {
    /// The lines.
    #[serde(default)]
    pub csv: String,
}

/// A hand-off as its organisation sees it: never the NIK, never whether it matched.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct HandoffView {
    /// Id.
    pub id: HandoffId,
    /// Kind.
    pub kind: HandoffKind,
    /// The day it happened.
    pub occurred_on: NaiveDate,
    /// The regency or city.
    pub region: RegionCode,
}

impl pulih_store::Answer for HandoffView {}

/// What a bulk entry stored.
#[derive(Debug, Clone, Serialize)]
pub struct BulkSummary {
    /// How many hand-offs.
    pub recorded: usize,
}

impl From<HandoffEntry> for HandoffView {
    fn from(e: HandoffEntry) -> Self {
        Self {
            id: e.id,
            kind: e.kind,
            occurred_on: e.occurred_on,
            region: e.region,
        }
    }
}

impl From<&Handoff> for HandoffView {
    fn from(h: &Handoff) -> Self {
        Self {
            id: h.id,
            kind: h.kind,
            occurred_on: h.occurred_on,
            region: h.region.clone(),
        }
    }
}

/// Why a row's region is refused: a translation key and the values of its placeholders.
type Refusal = (&'static str, Vec<(&'static str, String)>);

/// Checks rows against the liaison's scope, reading each region once.
struct Checker<'a> {
    app: &'a App,
    actor: &'a Actor,
    /// Per region as typed: its code and local date, or why it is refused.
    regions: HashMap<String, Result<(RegionCode, NaiveDate), Refusal>>,
}

impl<'a> Checker<'a> {
    fn new(app: &'a App, actor: &'a Actor) -> Self {
        Self {
            app,
            actor,
            regions: HashMap::new(),
        }
    }

    /// A regency or city in the liaison's scope, typed as a code or a name, with today's
    /// date there.
    async fn region(&mut self, text: &str) -> AppResult<Result<(RegionCode, NaiveDate), Refusal>> {
        let text = match (text.trim(), &self.actor.scope) {
            ("", Scope::Region(own)) if own.level() == RegionLevel::Regency => own.as_str(),
            ("", _) => return Ok(Err(("invalid.handoff_region_required", Vec::new()))),
            (t, _) => t,
        }
        .to_owned();
        if !self.regions.contains_key(&text) {
            let checked = match self.code(&text).await? {
                Ok(code) => self.check(code).await?,
                Err(refusal) => Err(refusal),
            };
            self.regions.insert(text.clone(), checked);
        }
        Ok(self.regions[&text].clone())
    }

    /// The code of a region typed as a code or as a name. A name is looked up among the
    /// regencies and cities in the liaison's scope, as the place picker does: one is
    /// taken; several are refused with their full paths; none (or none within reach)
    /// is refused by the name alone.
    async fn code(&self, text: &str) -> AppResult<Result<RegionCode, Refusal>> {
        let found = self
            .app
            .resolve_place(self.actor, text, Some(RegionLevel::Regency))
            .await?;
        let name = || ("name", text.to_owned());
        Ok(match found {
            PlaceMatch::One(hit) => Ok(hit.region.code),
            PlaceMatch::Code(code) => RegionCode::parse(&code).map_err(|e| (e.key, Vec::new())),
            PlaceMatch::Several(hits) => {
                let choices = hits.iter().map(path_of).collect::<Vec<_>>().join("; ");
                Err(("invalid.place_several", vec![name(), ("choices", choices)]))
            }
            PlaceMatch::Empty | PlaceMatch::Unknown => {
                Err(("invalid.place_unknown_named", vec![name()]))
            }
        })
    }

    /// A region code that must be a current regency or city in the liaison's scope.
    async fn check(&self, code: RegionCode) -> AppResult<Result<(RegionCode, NaiveDate), Refusal>> {
        let refused = |key| Ok(Err((key, Vec::new())));
        if code.level() != RegionLevel::Regency {
            return refused("invalid.handoff_region");
        }
        if self
            .app
            .store
            .region(&code)
            .await?
            .is_none_or(|r| r.retired)
        {
            return refused("invalid.region_unknown");
        }
        let place = Scope::Region(code.clone());
        if authorize(self.actor, Action::RecordHandoff, &place).is_err() {
            return refused("invalid.region_outside_scope");
        }
        let today = self.app.today_in(&code).await?;
        Ok(Ok((code, today)))
    }

    /// One hand-off, its problems added to `fields` under `prefix` (e.g. `rows.3.`). The
    /// NIK is hashed here and goes no further.
    async fn row(
        &mut self,
        fields: &mut Fields,
        prefix: &str,
        row: &BulkRow,
        date_required: bool,
    ) -> AppResult<Option<Handoff>> {
        let at = |name: &str| format!("{prefix}{name}");
        let kind = HandoffKind::parse(&row.kind)
            .map_err(|e| fields.add(at("kind"), e.key))
            .ok();
        let nik_hash = Nik::parse(&row.nik)
            .map(|nik| self.app.keys.nik_hash(&nik))
            .map_err(|e| fields.add(at("nik"), e.key))
            .ok();
        let region = match self.region(&row.region).await? {
            Ok(found) => Some(found),
            Err((key, args)) => {
                fields.push(Problem {
                    field: at("region").into(),
                    key,
                    args,
                });
                None
            }
        };
        let today = region
            .as_ref()
            .map_or_else(|| self.app.wib_today(), |r| r.1);
        let date = row.occurred_on.trim();
        let occurred_on = if date.is_empty() && !date_required {
            Some(today)
        } else {
            match NaiveDate::parse_from_str(date, "%Y-%m-%d") {
                Err(_) => {
                    fields.add(at("occurred_on"), "invalid.date");
                    None
                }
                Ok(day) => pulih_domain::client::past_date(day, today)
                    .map_err(|e| fields.add(at("occurred_on"), e.key))
                    .ok(),
            }
        };
        let (Some(kind), Some(nik_hash), Some((region, _)), Some(occurred_on)) =
            (kind, nik_hash, region, occurred_on)
        else {
            return Ok(None);
        };
        Ok(Some(Handoff {
            id: HandoffId::new(),
            kind,
            occurred_on,
            region,
            org: self.actor.org_id,
            recorded_by: self.actor.user_id,
            recorded_at: self.app.now(),
            nik_hash,
        }))
    }
}

impl App {
    /// Records one hand-off. The answer names what was recorded and nothing else.
    #[tracing::instrument(skip_all)]
    pub async fn record_handoff(
        &self,
        actor: &Actor,
        input: HandoffInput,
        origin: &Origin,
    ) -> AppResult<HandoffView> {
        authorize(actor, Action::RecordHandoff, &actor.scope)?;
        let row = BulkRow {
            kind: input.kind,
            nik: input.nik,
            occurred_on: input.occurred_on.unwrap_or_default(),
            region: input.region.unwrap_or_default(),
        };
        let mut fields = Fields::default();
        let handoff = Checker::new(self, actor)
            .row(&mut fields, "", &row, false)
            .await?;
        let Some(handoff) = handoff else {
            return Err(fields.into_error());
        };
        let record = Record {
            kind: "handoff",
            id: Some(handoff.id.to_string()),
            region: handoff.region.as_str(),
        };
        let detail = json!({ "kind": handoff.kind.key() });
        let event = self.event(Some(actor), "handoff.record", record, origin, detail);
        // the view holds no NIK, so it can be the write's stored answer
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                tx.insert_handoffs(std::slice::from_ref(&handoff)).await?;
                tx.audit(event);
                Ok(HandoffView::from(&handoff))
            })
        })
        .await
    }

    /// Records many hand-offs at once: every row is checked first, each problem named by
    /// its row (`rows.<n>.<field>`, counting from 1), and nothing is stored if any row is
    /// refused.
    #[tracing::instrument(skip_all)]
    pub async fn record_handoffs(
        &self,
        actor: &Actor,
        input: BulkInput,
        origin: &Origin,
    ) -> AppResult<BulkSummary> {
        authorize(actor, Action::RecordHandoff, &actor.scope)?;
        let rows = bulk_rows(&input.csv).map_err(|e| AppError::invalid("csv", e.key))?;
        let mut fields = Fields::default();
        let mut checker = Checker::new(self, actor);
        let mut handoffs = Vec::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            let prefix = format!("rows.{}.", i + 1);
            if let Some(h) = checker.row(&mut fields, &prefix, row, true).await? {
                handoffs.push(h);
            }
        }
        fields.finish()?;
        let record = Record {
            kind: "handoff",
            id: None,
            region: actor.scope.as_str(),
        };
        let detail = json!({ "rows": handoffs.len() });
        let event = self.event(Some(actor), "handoff.import", record, origin, detail);
        let recorded = self
            .write(Some(actor), origin, move |tx| {
                Box::pin(async move {
                    tx.insert_handoffs(&handoffs).await?;
                    tx.audit(event);
                    Ok(handoffs.len() as u64)
                })
            })
            .await?;
        Ok(BulkSummary {
            recorded: usize::try_from(recorded).unwrap_or(usize::MAX),
        })
    }

    /// The hand-offs of the liaison's own organisation, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn handoffs(&self, actor: &Actor) -> AppResult<Vec<HandoffView>> {
        authorize(actor, Action::RecordHandoff, &actor.scope)?;
        let found = self.store.org_handoffs(actor.org_id, LIST_LIMIT).await?;
        Ok(found.into_iter().map(HandoffView::from).collect())
    }
}

/// "Kota Batam, Kepulauan Riau (21.71)": a place found by name with the names above it.
fn path_of(hit: &RegionHit) -> String {
    let mut names = vec![hit.region.name.as_str()];
    names.extend(hit.path.iter().rev().map(String::as_str));
    format!("{} ({})", names.join(", "), hit.region.code)
}

pulih_domain::redacted_debug!(HandoffInput, BulkInput);
