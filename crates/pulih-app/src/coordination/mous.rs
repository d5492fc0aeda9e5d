//! MoU use-cases: record an MoU (coordinators, at a region in their scope), sign or end
//! it, link the referrals done under it, list and read them, and find those ending soon
//! for the worklist. Parties reach an MoU wherever they are; anyone else out of scope is
//! told it does not exist.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use pulih_domain::authz::{Action, Actor, Denied, authorize};
use pulih_domain::coordination::mou::{self, ENDING_WARNING_DAYS, MouScope, MouStatus};
use pulih_domain::coordination::{Party, RawParty, Reach, access, parse_parties};
use pulih_domain::ids::{MouId, OrgId, ReferralId, UserId};
use pulih_domain::region::RegionCode;
use pulih_store::{CoordinationReach, Mou};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{LIST_LIMIT, PartyView, party_view, reach_of};
use crate::error::Fields;
use crate::{App, AppError, AppResult, Origin, Record};

/// An MoU as recorded.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MouInput {
    /// Where it sits: a region code of any level in the coordinator's scope.
    pub region: String,
    /// Its title.
    pub title: String,
    /// The document number.
    pub document_no: String,
    /// The parties, at least two: each an `org_id` or a `name`.
    #[serde(default)]
    pub parties: Vec<RawParty>,
    /// `post_rehab_coaching`, `skills_training`, `referrals`: at least one.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// `draft` or `signed`.
    #[serde(default)]
    pub status: Option<String>,
    /// `YYYY-MM-DD`, needed when signed.
    #[serde(default)]
    pub signed_on: Option<String>,
    /// The term in months, needed when signed.
    #[serde(default)]
    pub term_months: Option<u32>,
}

/// A status change of an MoU; signing gives the signing date and term.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MouStatusInput {
    /// `signed` or `ended`.
    pub status: String,
    /// The version read.
    pub version: i64,
    /// `YYYY-MM-DD`, when signing.
    #[serde(default)]
    pub signed_on: Option<String>,
    /// Months, when signing.
    #[serde(default)]
    pub term_months: Option<u32>,
}

/// A referral done under an MoU.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReferralLinkInput {
    /// The referral's id.
    pub referral_id: String,
}

/// An MoU as shown.
#[derive(Debug, Clone, Serialize)]
pub struct MouView {
    /// Id.
    pub id: MouId,
    /// Where it sits.
    pub region: RegionCode,
    /// Its title.
    pub title: String,
    /// The document number.
    pub document_no: String,
    /// The parties.
    pub parties: Vec<PartyView>,
    /// What they commit to.
    pub scopes: Vec<MouScope>,
    /// The status as of today (a signed MoU past its end is expired).
    pub status: MouStatus,
    /// The signing date.
    pub signed_on: Option<NaiveDate>,
    /// The term in months.
    pub term_months: Option<u32>,
    /// The last day in force.
    pub ends_on: Option<NaiveDate>,
    /// Signed and ending within 60 days.
    pub ending_soon: bool,
    /// Referrals done under it.
    pub referrals: Vec<ReferralId>,
    /// Version, for a change.
    pub version: i64,
    /// Who recorded it.
    pub recorded_by: UserId,
    /// When.
    pub recorded_at: DateTime<Utc>,
    /// Whether the user may change it.
    pub may_manage: bool,
}

/// An MoU in a list or on a worklist.
#[derive(Debug, Clone, Serialize)]
pub struct MouLine {
    /// Id.
    pub id: MouId,
    /// Its title.
    pub title: String,
    /// The document number.
    pub document_no: String,
    /// The status as of today.
    pub status: MouStatus,
    /// The last day in force.
    pub ends_on: Option<NaiveDate>,
}

fn named(m: &Mou) -> Vec<OrgId> {
    m.parties.iter().filter_map(Party::org_id).collect()
}

fn line(m: &Mou, today: NaiveDate) -> MouLine {
    MouLine {
        id: m.id,
        title: m.title.clone(),
        document_no: m.document_no.clone(),
        status: m.status.as_of(m.ends_on, today),
        ends_on: m.ends_on,
    }
}

/// The signing date and term, and the end that follows, as fields of a form.
fn signing(
    f: &mut Fields,
    signed_on: Option<&str>,
    term: Option<u32>,
) -> Option<(NaiveDate, u32, NaiveDate)> {
    let signed_on = match signed_on.map(str::trim).filter(|s| !s.is_empty()) {
        Some(text) => f.date("signed_on", text),
        None => {
            f.add("signed_on", "invalid.date_missing");
            None
        }
    };
    let term = match term {
        Some(t) => f.check("term_months", mou::parse_term(t)),
        None => {
            f.add("term_months", "invalid.mou_term");
            None
        }
    };
    let (signed_on, term) = (signed_on?, term?);
    let ends = mou::ends_on(signed_on, term);
    if ends.is_none() {
        f.add("term_months", "invalid.mou_term");
    }
    Some((signed_on, term, ends?))
}

impl App {
    async fn reached_mou(&self, actor: &Actor, id: MouId) -> AppResult<(Mou, Reach)> {
        let m = self.store.mou(id).await?.ok_or(AppError::NotFound)?;
        match access(actor, &m.region, &named(&m)) {
            Reach::None => Err(AppError::NotFound),
            reach => Ok((m, reach)),
        }
    }

    async fn mou_view(&self, m: Mou, reach: Reach) -> AppResult<MouView> {
        let names = self.org_names(&named(&m)).await?;
        let today = self.today_in(&m.region).await?;
        Ok(MouView {
            parties: m.parties.iter().map(|p| party_view(p, &names)).collect(),
            status: m.status.as_of(m.ends_on, today),
            ending_soon: mou::ending_soon(m.status, m.ends_on, today),
            id: m.id,
            region: m.region,
            title: m.title,
            document_no: m.document_no,
            scopes: m.scopes,
            signed_on: m.signed_on,
            term_months: m.term_months,
            ends_on: m.ends_on,
            referrals: m.referrals,
            version: m.version,
            recorded_by: m.recorded_by,
            recorded_at: m.recorded_at,
            may_manage: reach == Reach::Manage,
        })
    }

    /// Records an MoU (coordinators, at a region in their scope), as a draft or signed.
    #[tracing::instrument(skip_all)]
    pub async fn record_mou(
        &self,
        actor: &Actor,
        input: MouInput,
        origin: &Origin,
    ) -> AppResult<MouView> {
        authorize(actor, Action::ManageCoordination, &actor.scope)?;
        let mut f = Fields::default();
        let region = match self.coordination_region(actor, &input.region).await {
            Ok(code) => Some(code),
            Err(AppError::Invalid(p)) => {
                p.into_iter().for_each(|p| f.push(p));
                None
            }
            Err(AppError::Forbidden(Denied::Scope)) => {
                f.add("region", "invalid.region_out_of_scope");
                None
            }
            Err(e) => return Err(e),
        };
        let title = f.check("title", mou::parse_text(&input.title, "invalid.mou_title"));
        let document_no = f.check(
            "document_no",
            mou::parse_text(&input.document_no, "invalid.mou_document_no"),
        );
        let parties = f.check_all(parse_parties("parties", &input.parties, 2));
        let scopes = f.check("scopes", mou::parse_scopes(&input.scopes));
        let status = f.check(
            "status",
            match input.status.as_deref().map(str::trim).unwrap_or("draft") {
                "" | "draft" => Ok(MouStatus::Draft),
                "signed" => Ok(MouStatus::Signed),
                _ => Err(pulih_domain::Invalid::new("invalid.mou_status")),
            },
        );
        let signed = match status {
            Some(MouStatus::Signed) => {
                signing(&mut f, input.signed_on.as_deref(), input.term_months).map(Some)
            }
            _ => Some(None),
        };
        let orgs: Vec<(String, OrgId)> = parties
            .iter()
            .flatten()
            .enumerate()
            .filter_map(|(i, p)| p.org_id().map(|id| (format!("parties.{i}"), id)))
            .collect();
        self.check_orgs(&mut f, &orgs).await?;
        let (
            Some(region),
            Some(title),
            Some(document_no),
            Some(parties),
            Some(scopes),
            Some(status),
            Some(signed),
        ) = (region, title, document_no, parties, scopes, status, signed)
        else {
            return Err(f.into_error());
        };
        f.finish()?;
        let m = Mou {
            id: MouId::new(),
            region,
            title,
            document_no,
            parties,
            scopes,
            status,
            signed_on: signed.map(|s| s.0),
            term_months: signed.map(|s| s.1),
            ends_on: signed.map(|s| s.2),
            referrals: Vec::new(),
            version: 1,
            recorded_by: actor.user_id,
            recorded_at: self.now(),
        };
        let record = Record {
            kind: "mou",
            id: Some(m.id.to_string()),
            region: m.region.as_str(),
        };
        let detail = json!({ "status": m.status, "scopes": m.scopes, "ends_on": m.ends_on });
        let event = self.event(Some(actor), "mou.record", record, origin, detail);
        // a repeated request answers with the MoU its first try stored
        let id = self
            .write(Some(actor), origin, move |tx| {
                Box::pin(async move {
                    tx.insert_mou(&m).await?;
                    tx.audit(event);
                    Ok(m.id)
                })
            })
            .await?;
        self.mou(actor, id).await
    }

    /// The MoUs the actor reaches: in its scope, or naming its organisation.
    #[tracing::instrument(skip_all)]
    pub async fn mou_list(&self, actor: &Actor) -> AppResult<Vec<MouLine>> {
        let reach = reach_of(actor)?;
        let today = self.today_for(actor).await?;
        let list = self.store.mous(&reach, LIST_LIMIT).await?;
        Ok(list.iter().map(|m| line(m, today)).collect())
    }

    /// One MoU; out of reach is not found.
    #[tracing::instrument(skip_all, fields(mou.id = %id))]
    pub async fn mou(&self, actor: &Actor, id: MouId) -> AppResult<MouView> {
        let (m, reach) = self.reached_mou(actor, id).await?;
        self.mou_view(m, reach).await
    }

    /// Signs or ends an MoU (its coordinators); `version` is the one read.
    #[tracing::instrument(skip_all, fields(mou.id = %id))]
    pub async fn set_mou_status(
        &self,
        actor: &Actor,
        id: MouId,
        input: MouStatusInput,
        origin: &Origin,
    ) -> AppResult<MouView> {
        let (mut m, reach) = self.reached_mou(actor, id).await?;
        if reach != Reach::Manage {
            return Err(Denied::Role.into());
        }
        let to = MouStatus::parse(&input.status).map_err(|e| AppError::invalid("status", e.key))?;
        let mut f = Fields::default();
        if to == MouStatus::Signed {
            let Some((signed_on, term, ends)) =
                signing(&mut f, input.signed_on.as_deref(), input.term_months)
            else {
                return Err(f.into_error());
            };
            (m.signed_on, m.term_months, m.ends_on) = (Some(signed_on), Some(term), Some(ends));
        }
        f.finish()?;
        m.status = m
            .status
            .change(to, m.signed_on.is_some())
            .map_err(|e| AppError::invalid("status", e.key))?;
        let record = Record {
            kind: "mou",
            id: Some(id.to_string()),
            region: m.region.as_str(),
        };
        let detail = json!({ "status": m.status, "ends_on": m.ends_on });
        let event = self.event(Some(actor), "mou.status", record, origin, detail);
        let version = input.version;
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                let v = tx.update_mou(&m, version).await?;
                tx.audit(event);
                Ok(v)
            })
        })
        .await?;
        self.mou(actor, id).await
    }

    /// Links a referral done under an MoU: the MoU's coordinators, for a referral they
    /// reach; one out of their reach is not found, like one that does not exist.
    #[tracing::instrument(skip_all, fields(mou.id = %id))]
    pub async fn link_mou_referral(
        &self,
        actor: &Actor,
        id: MouId,
        input: ReferralLinkInput,
        origin: &Origin,
    ) -> AppResult<MouView> {
        let (m, reach) = self.reached_mou(actor, id).await?;
        if reach != Reach::Manage {
            return Err(Denied::Role.into());
        }
        let referral: ReferralId = input
            .referral_id
            .trim()
            .parse()
            .map_err(|_| AppError::invalid("referral_id", "invalid.referral_unknown"))?;
        match self.referral_for(actor, referral).await {
            Ok(_) => {}
            Err(AppError::NotFound | AppError::Forbidden(_)) => {
                return Err(AppError::invalid("referral_id", "invalid.referral_unknown"));
            }
            Err(e) => return Err(e),
        }
        let record = Record {
            kind: "mou",
            id: Some(id.to_string()),
            region: m.region.as_str(),
        };
        let detail = json!({ "referral": referral });
        let event = self.event(Some(actor), "mou.link_referral", record, origin, detail);
        let (user, now) = (actor.user_id, self.now());
        let written = self
            .write(Some(actor), origin, move |tx| {
                Box::pin(async move {
                    tx.link_mou_referral(&m, referral, user, now).await?;
                    tx.audit(event);
                    Ok(())
                })
            })
            .await;
        match written {
            Err(AppError::Conflict("conflict.duplicate")) => {
                return Err(AppError::invalid("referral_id", "invalid.referral_linked"));
            }
            other => other?,
        }
        self.mou(actor, id).await
    }

    /// Signed MoUs ending within 60 days that a coordinator reaches.
    pub(crate) async fn mous_ending(
        &self,
        actor: &Actor,
        today: NaiveDate,
    ) -> AppResult<Vec<MouLine>> {
        if authorize(actor, Action::ManageCoordination, &actor.scope).is_err() {
            return Ok(Vec::new());
        }
        let reach = CoordinationReach {
            scope: Some(actor.scope.clone()),
            org: actor.org_id,
        };
        let until = today + Duration::days(ENDING_WARNING_DAYS);
        let list = self.store.mous_ending(&reach, today, until).await?;
        Ok(list.iter().map(|m| line(m, today)).collect())
    }
}
