//! Re-arrest linkage as counts per region and closed semester, published by the rules of
//! `pulih_domain::linkage`: coordinators and analysts of the scope only (never the
//! police liaisons who record the hand-offs), a regency, a province or the nation, the
//! match withheld below a minimum of hand-offs, small cells suppressed for analysts.
//! Every read is audited with its place and semester.

use chrono::NaiveDate;
use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::figures::{Count, suppresses};
use pulih_domain::handoff::{HandoffKind, REARREST_MONTHS};
use pulih_domain::linkage::{self, MIN_RECORDS};
use pulih_domain::region::Scope;
use pulih_domain::rollup::Period;
use pulih_store::LinkageQuery;
use serde::Serialize;
use serde_json::json;

use crate::{App, AppError, AppResult, Origin, Record};

/// The counts of one kind of hand-off.
#[derive(Debug, Clone, Serialize)]
pub struct KindCountView {
    /// The kind.
    pub kind: HandoffKind,
    /// Hand-offs recorded.
    pub recorded: Count,
    /// Of them, those whose person was a client before; none when withheld.
    pub matched: Option<Count>,
    /// Whether `matched` is withheld: fewer hand-offs than the minimum.
    pub withheld: bool,
}

/// The linkage counts of a place and semester.
#[derive(Debug, Clone, Serialize)]
pub struct LinkageView {
    /// The place (hand-offs recorded there or below): `ID` or a region code.
    #[serde(serialize_with = "as_text")]
    pub region: Scope,
    /// The semester, e.g. `2026-S1`.
    #[serde(serialize_with = "as_text")]
    pub period: Period,
    /// Its first day.
    pub from: NaiveDate,
    /// Its last day.
    pub to: NaiveDate,
    /// Whether the counts shown are exact (else 1–4 show as `<5`).
    pub exact: bool,
    /// The fewest hand-offs of a kind whose match is shown.
    pub min_records: u64,
    /// Per kind of hand-off.
    pub kinds: Vec<KindCountView>,
    /// Distinct clients arrested within the months below after finishing aftercare;
    /// none when withheld (fewer arrests than the minimum).
    pub rearrested_after_aftercare: Option<Count>,
    /// Whether that count is withheld.
    pub rearrested_withheld: bool,
    /// Those months.
    pub rearrest_months: u32,
}

fn as_text<T: std::fmt::Display, S: serde::Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

impl App {
    /// The linkage counts of hand-offs recorded at `place` (`ID`: the nation) or below,
    /// in the closed semester `period` (by default the last one). An unknown place is not
    /// found; a district or village, or a period that is not a closed semester, is
    /// refused.
    #[tracing::instrument(skip_all)]
    pub async fn linkage(
        &self,
        actor: &Actor,
        place: &str,
        period: Option<&str>,
        origin: &Origin,
    ) -> AppResult<LinkageView> {
        let place = Scope::parse(place).map_err(|_| AppError::NotFound)?;
        let today = match &place {
            Scope::National => self.today_at(None),
            Scope::Region(code) => {
                if self.region_row(code).await?.is_none() {
                    return Err(AppError::NotFound);
                }
                self.today_in(code).await?
            }
        };
        authorize(actor, Action::ViewLinkage, &place)?;
        if !linkage::published_at(&place) {
            return Err(AppError::invalid("region", "invalid.linkage_region"));
        }
        let period =
            linkage::semester(period, today).map_err(|e| AppError::invalid("period", e.key))?;
        let (Some(from), Some(to)) = (period.first_day(), period.last_day()) else {
            return Err(AppError::invalid("period", "invalid.period_name"));
        };
        let query = LinkageQuery {
            place: place.clone(),
            from,
            to,
        };
        let counts = self.store.linkage_counts(&query).await?;
        let record = Record {
            kind: "linkage",
            id: None,
            region: place.as_str(),
        };
        let detail = json!({ "period": period.to_string() });
        let event = self.event(Some(actor), "linkage.view", record, origin, detail);
        self.store.append_audit(&event).await?;

        let suppress = suppresses(actor.role);
        let n = |n: i64| u64::try_from(n).unwrap_or(0);
        let kinds: Vec<KindCountView> = counts
            .kinds
            .iter()
            .map(|k| {
                let matched = linkage::matched(n(k.recorded), n(k.matched), suppress);
                KindCountView {
                    kind: k.kind,
                    recorded: Count::of(n(k.recorded), suppress),
                    withheld: matched.is_none(),
                    matched,
                }
            })
            .collect();
        let arrests = counts
            .kinds
            .iter()
            .find(|k| k.kind == HandoffKind::Arrest)
            .map_or(0, |k| n(k.recorded));
        let rearrested = linkage::matched(arrests, n(counts.rearrested_after_aftercare), suppress);
        Ok(LinkageView {
            region: place,
            period,
            from,
            to,
            exact: !suppress,
            min_records: MIN_RECORDS,
            kinds,
            rearrested_withheld: rearrested.is_none(),
            rearrested_after_aftercare: rearrested,
            rearrest_months: REARREST_MONTHS,
        })
    }
}
