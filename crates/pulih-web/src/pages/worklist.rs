//! `/worklist`: what needs doing for the logged-in user, computed from the data, by
//! section. An agent gets a button to record an activity of its unit.

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use pulih_app::{DueItem, ReferralLine, WorkItem, WorklistPage};

use super::places::{self, Places};
use super::{Nav, frame, render};
use crate::auth::CurrentUser;
use crate::i18n::Tr;
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "worklist.html")]
struct Page<'a> {
    t: Tr<'a>,
    nav: Nav,
    page: WorklistPage,
    places: Places,
}

impl Page<'_> {
    /// The referral sections, by key; empty for the roles without them.
    fn referral_sections(&self) -> [(&'static str, &[ReferralLine]); 4] {
        let list = &self.page.list;
        [
            ("referrals_to_answer", &list.referrals_to_answer),
            ("referrals_in_service", &list.referrals_in_service),
            ("referrals_waiting", &list.referrals_waiting),
            ("referrals_escalated", &list.referrals_escalated),
        ]
    }

    /// The sections listing clients with something due, by key, with where on the
    /// client's record the work is done.
    fn due_sections(&self) -> [(&'static str, &'static str, &[DueItem]); 5] {
        let list = &self.page.list;
        [
            ("tat_due", "", &list.tat_due),
            ("consents_expiring", "/consent", &list.consents_expiring),
            ("no_contact", "", &list.no_contact),
            ("referral_needed", "", &list.referral_needed),
            ("care_plan_reviews", "", &list.care_plan_reviews),
        ]
    }

    /// The user's own clients' aftercare follow-ups, overdue and due, by key.
    fn follow_up_sections(&self) -> [(&'static str, &[WorkItem]); 2] {
        let fu = &self.page.list.follow_ups;
        [
            ("follow_ups_overdue", &fu.overdue),
            ("follow_ups_due", &fu.due),
        ]
    }

    /// Whether nothing at all waits (the sections with nothing in them are left out).
    fn nothing(&self) -> bool {
        self.page.list.counts().is_empty() && self.page.coming_trainings.is_empty()
    }
}

/// `GET /worklist`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
) -> Result<Response, WebError> {
    let page = state.app.worklist_page(&who.0.actor()).await?;
    let work = &page.list.programme;
    let villages = page
        .list
        .untrained_agents
        .iter()
        .map(|a| a.village.as_str())
        .chain(work.trainings_due.iter().map(|u| u.village.as_str()))
        .chain(work.ikn_due.iter().map(|v| v.village.as_str()))
        .chain(work.targets_at_risk.iter().map(|r| r.regency.as_str()))
        .chain(page.list.idle_agents.iter().map(|a| a.village.as_str()));
    let places = places::named(&state, villages).await?;
    let (t, nav) = frame(&state, &headers, &who, "/worklist");
    Ok(render(&Page {
        t,
        nav,
        page,
        places,
    }))
}
