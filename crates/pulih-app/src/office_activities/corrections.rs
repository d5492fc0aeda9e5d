//! Correcting or voiding an office activity, by the units' rule (`correction_allowed`):
//! its author, while still recording for the same office, or a coordinator whose area
//! holds its place, within seven days of recording it. The figures follow in the same
//! write: the tallies of the activity as stored (read under a lock) are taken back and
//! those of the corrected one added; a voided one stays stored but counts nowhere.

use chrono::{DateTime, Utc};
use pulih_domain::authz::{Action, Actor, Denied, authorize};
use pulih_domain::ids::{ActivityId, OrgId};
use pulih_domain::programme::activity_detail::{CorrectionRefused, correction_allowed};
use pulih_domain::region::Scope;
use pulih_store::OfficeActivityRow;
use serde_json::json;

use super::{OfficeActivityInput, OfficeActivityView, json_of, office_tallies, parse_office};
use crate::{App, AppError, AppResult, Origin, Record};

/// Whether `actor`, recording for `own` office if any, may correct or void `row` at
/// `now`.
pub(super) fn may_correct(
    actor: &Actor,
    own: Option<OrgId>,
    row: &OfficeActivityRow,
    now: DateTime<Utc>,
) -> Result<(), CorrectionRefused> {
    let author = row.recorded_by == actor.user_id && own == Some(row.office);
    let place = Scope::Region(row.place.clone());
    let coordinator = authorize(actor, Action::ManageUnits, &place).is_ok();
    correction_allowed(row.recorded_at, now, author, coordinator)
}

impl App {
    /// An office activity the user may correct now: unknown and out of reach are the
    /// same `NotFound`; in reach but not theirs is `Forbidden`; too old a conflict.
    async fn correctable_office(
        &self,
        actor: &Actor,
        id: ActivityId,
    ) -> AppResult<OfficeActivityRow> {
        let row = self.reached_office_activity(actor, id).await?;
        let own = self.own_office(actor).await.ok().map(|o| o.id);
        match may_correct(actor, own, &row, self.now()) {
            Ok(()) => Ok(row),
            Err(CorrectionRefused::NotTheirs) => Err(AppError::Forbidden(Denied::Role)),
            Err(CorrectionRefused::TooLate) => {
                Err(AppError::Conflict("conflict.activity_correction_closed"))
            }
        }
    }

    /// An office activity as its correction form shows it, for whoever may correct it.
    #[tracing::instrument(skip_all, fields(activity = %id))]
    pub async fn office_activity_to_correct(
        &self,
        actor: &Actor,
        id: ActivityId,
    ) -> AppResult<OfficeActivityView> {
        OfficeActivityView::of(self.correctable_office(actor, id).await?, true)
    }

    /// Corrects an office activity's day and counts (its kind and place stay).
    #[tracing::instrument(skip_all, fields(activity = %id))]
    pub async fn correct_office_activity(
        &self,
        actor: &Actor,
        id: ActivityId,
        input: OfficeActivityInput,
        origin: &Origin,
    ) -> AppResult<OfficeActivityView> {
        let stored = self.correctable_office(actor, id).await?;
        let today = self.today_in(&stored.place).await?;
        let (held_on, detail, counts) = parse_office(&input, today, Some(&stored.kind))?;
        let row = OfficeActivityRow {
            held_on,
            detail: json_of(&detail)?,
            counts: json_of(&counts)?,
            people: i64::from(detail.people()),
            ..stored
        };
        let record = Record {
            kind: "office_activity",
            id: Some(id.to_string()),
            region: row.place.as_str(),
        };
        let detail = json!({ "kind": row.kind, "people": row.people });
        let event = self.event(
            Some(actor),
            "office_activity.correct",
            record,
            origin,
            detail,
        );
        let new = row.clone();
        let added = office_tallies(&new)?;
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                let before = tx.lock_office_activity(id).await?;
                tx.correct_office_activity(&new).await?;
                for tally in office_tallies(&before)? {
                    tx.tally(tally.negated());
                }
                for tally in added {
                    tx.tally(tally);
                }
                tx.audit(event);
                Ok(id)
            })
        })
        .await?;
        OfficeActivityView::of(row, true)
    }

    /// Voids an office activity: it no longer counts in any figure or list. The answer is
    /// the activity as it was.
    #[tracing::instrument(skip_all, fields(activity = %id))]
    pub async fn void_office_activity(
        &self,
        actor: &Actor,
        id: ActivityId,
        origin: &Origin,
    ) -> AppResult<OfficeActivityView> {
        let stored = self.correctable_office(actor, id).await?;
        let record = Record {
            kind: "office_activity",
            id: Some(id.to_string()),
            region: stored.place.as_str(),
        };
        let detail = json!({ "kind": stored.kind, "people": stored.people });
        let event = self.event(Some(actor), "office_activity.void", record, origin, detail);
        let at = event.at;
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                let before = tx.lock_office_activity(id).await?;
                tx.void_office_activity(id, at).await?;
                for tally in office_tallies(&before)? {
                    tx.tally(tally.negated());
                }
                tx.audit(event);
                Ok(id)
            })
        })
        .await?;
        OfficeActivityView::of(stored, false)
    }
}
