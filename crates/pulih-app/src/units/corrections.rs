//! Correcting or voiding an activity: its author or a coordinator of its unit's village,
//! within seven days of recording it (`correction_allowed`). The dashboard figures follow
//! in the same write: the tallies of the activity as it was stored (read under a lock)
//! are taken back and those of the corrected one added, so `pulih rollups verify` finds
//! no difference. A voided activity stays stored for the audit but counts nowhere.

use pulih_domain::authz::{Action, Actor, Denied, authorize};
use pulih_domain::ids::ActivityId;
use pulih_domain::programme::activity_detail::{
    ActivityKind, CorrectionRefused, correction_allowed,
};
use pulih_domain::region::Scope;
use pulih_domain::rollup::Tally;
use pulih_store::{ActivityRow, StoreError};
use serde_json::json;

use super::activities::parse_activity;
use super::{ActivityInput, ActivityView};
use crate::error::Fields;
use crate::{App, AppError, AppResult, Origin, Record};

/// The tallies an activity as stored adds to the figures.
fn tallies_of(row: &ActivityRow) -> Result<Vec<Tally>, StoreError> {
    let kind = ActivityKind::parse(&row.kind).map_err(|e| StoreError::Refused(e.key))?;
    Ok(Tally::of_activity(
        kind,
        row.people,
        &row.village,
        row.held_on,
    ))
}

impl App {
    /// An activity the user may correct now: unknown and out of sight are the same
    /// `NotFound`; in sight but not theirs is `Forbidden`; too old a conflict.
    async fn correctable(&self, actor: &Actor, id: ActivityId) -> AppResult<ActivityRow> {
        let row = self.store.activity(id).await?.ok_or(AppError::NotFound)?;
        let place = Scope::Region(row.village.clone());
        if authorize(actor, Action::ViewProgramme, &place).is_err() {
            return Err(AppError::NotFound);
        }
        let author =
            row.recorded_by == actor.user_id && self.recording_unit(actor, row.unit).await.is_ok();
        let coordinator = authorize(actor, Action::ManageUnits, &place).is_ok();
        match correction_allowed(row.recorded_at, self.now(), author, coordinator) {
            Ok(()) => Ok(row),
            Err(CorrectionRefused::NotTheirs) => Err(AppError::Forbidden(Denied::Role)),
            Err(CorrectionRefused::TooLate) => {
                Err(AppError::Conflict("conflict.activity_correction_closed"))
            }
        }
    }

    /// An activity as its correction form shows it, for whoever may correct it now.
    #[tracing::instrument(skip_all, fields(activity = %id))]
    pub async fn activity_to_correct(
        &self,
        actor: &Actor,
        id: ActivityId,
    ) -> AppResult<ActivityView> {
        self.correctable(actor, id).await?.try_into()
    }

    /// Corrects an activity's day and counts (its kind stays; linked clients stay linked).
    #[tracing::instrument(skip_all, fields(activity = %id))]
    pub async fn correct_activity(
        &self,
        actor: &Actor,
        id: ActivityId,
        input: ActivityInput,
        origin: &Origin,
    ) -> AppResult<ActivityView> {
        let stored = self.correctable(actor, id).await?;
        let today = self.today_in(&stored.village).await?;
        let mut f = Fields::default();
        let (held_on, detail) = parse_activity(&mut f, &input, today);
        if detail
            .as_ref()
            .is_some_and(|d| d.kind().key() != stored.kind)
        {
            f.add("kind", "invalid.activity_kind_changed");
        }
        let (Some(held_on), Some(detail)) = (held_on, detail) else {
            return Err(f.into_error());
        };
        let officer = input.accompanied_by.as_deref();
        let accompanied_by = self
            .accompanying_officer(&mut f, officer, detail.kind(), &stored.village)
            .await?;
        f.finish()?;
        let row = ActivityRow {
            held_on,
            accompanied_by,
            detail: serde_json::to_string(&detail)
                .map_err(|e| AppError::Internal(format!("activity json: {e}")))?,
            people: i64::from(detail.people()),
            ..stored
        };
        let record = Record {
            kind: "activity",
            id: Some(id.to_string()),
            region: row.village.as_str(),
        };
        let detail = json!({ "kind": row.kind, "people": row.people });
        let event = self.event(Some(actor), "activity.correct", record, origin, detail);
        let new = row.clone();
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                let before = tx.lock_activity(id).await?;
                tx.correct_activity(&new).await?;
                for tally in tallies_of(&before)? {
                    tx.tally(tally.negated());
                }
                for tally in tallies_of(&new)? {
                    tx.tally(tally);
                }
                tx.audit(event);
                Ok(id)
            })
        })
        .await?;
        row.try_into()
    }

    /// Voids an activity: it no longer counts in any figure or list.
    #[tracing::instrument(skip_all, fields(activity = %id))]
    pub async fn void_activity(
        &self,
        actor: &Actor,
        id: ActivityId,
        origin: &Origin,
    ) -> AppResult<ActivityView> {
        let stored = self.correctable(actor, id).await?;
        let record = Record {
            kind: "activity",
            id: Some(id.to_string()),
            region: stored.village.as_str(),
        };
        let detail = json!({ "kind": stored.kind, "people": stored.people });
        let event = self.event(Some(actor), "activity.void", record, origin, detail);
        let at = event.at;
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                let before = tx.lock_activity(id).await?;
                tx.void_activity(id, at).await?;
                for tally in tallies_of(&before)? {
                    tx.tally(tally.negated());
                }
                tx.audit(event);
                Ok(id)
            })
        })
        .await?;
        stored.try_into()
    }
}
