//! Writing facts about a client as one unit of work: the client is locked, the checks
//! the facts depend on run on its facts as the write reads them, then the facts are
//! stored with their audit events. A check passed outside the write (on the page the
//! user saw) is run again here, so a withdrawal, a plan or a visit recorded meanwhile is
//! never written past.

use chrono::NaiveDate;
use pulih_domain::aftercare::plan_open;
use pulih_domain::audit::AuditEvent;
use pulih_domain::authz::Actor;
use pulih_domain::client::FactKind;
use pulih_domain::consent::allowed;
use pulih_domain::ids::{ClientId, FactId};
use pulih_domain::org::OrgType;
use pulih_domain::rollup::Tally;
use pulih_store::{Answer, ClientFact, StoreError, StoreResult, Tx};

use super::access::erased;
use super::timeline;
use crate::{App, AppResult, Origin};

/// The kinds that say whether consent is in force.
const CONSENT: [FactKind; 2] = [FactKind::Consent, FactKind::ConsentWithdrawal];

/// What a fact write checks inside its transaction.
#[derive(Debug, Clone, Default)]
pub(crate) struct FactCheck {
    /// Consent to services must be in force on this day (every clinical record).
    consent_on: Option<NaiveDate>,
    /// Consent in force must also let the client's data be shared with this kind of
    /// organisation (a referral).
    share_with: Option<OrgType>,
    /// No aftercare plan may be open (a new plan).
    no_open_plan: bool,
    /// The facts of these kinds must be the ones the write was computed from (the
    /// schedule of a plan, the step of the vocational track).
    unchanged: Option<(&'static [FactKind], Vec<FactId>)>,
}

impl FactCheck {
    /// Consent to services in force on `today`: the check of every clinical record.
    pub(crate) fn consent(today: NaiveDate) -> Self {
        Self {
            consent_on: Some(today),
            ..Self::default()
        }
    }

    /// Nothing to check (consent itself, its withdrawal).
    pub(crate) fn none() -> Self {
        Self::default()
    }

    /// And consent to share with `kind` of organisation in force too.
    pub(crate) fn sharing_with(mut self, kind: OrgType) -> Self {
        self.share_with = Some(kind);
        self
    }

    /// And no open aftercare plan.
    pub(crate) fn no_open_plan(mut self) -> Self {
        self.no_open_plan = true;
        self
    }

    /// And the facts of `kinds` still those of `read` (kind and id of the facts the
    /// write was computed from).
    pub(crate) fn unchanged(
        mut self,
        kinds: &'static [FactKind],
        read: impl IntoIterator<Item = (FactKind, FactId)>,
    ) -> Self {
        let ids = read
            .into_iter()
            .filter(|(kind, _)| kinds.contains(kind))
            .map(|(_, id)| id)
            .collect();
        self.unchanged = Some((kinds, ids));
        self
    }

    /// The kinds the check reads.
    pub(crate) fn kinds(&self) -> Vec<FactKind> {
        let mut kinds = Vec::new();
        if self.consent_on.is_some() {
            kinds.extend(CONSENT);
        }
        if self.no_open_plan {
            kinds.extend([FactKind::AftercarePlan, FactKind::AftercareEnd]);
        }
        if let Some((unchanged, _)) = &self.unchanged {
            kinds.extend(unchanged.iter().copied());
        }
        kinds.sort_by_key(|k| k.key());
        kinds.dedup();
        kinds
    }

    /// Runs the check on the client's facts of [`kinds`](Self::kinds), read in the write.
    pub(crate) fn run(&self, facts: &[ClientFact]) -> StoreResult<()> {
        if let Some(today) = self.consent_on {
            let consents = timeline::consents(facts)
                .map_err(|_| StoreError::Refused("conflict.consent_required"))?;
            let allowed = allowed(consents.iter().map(|(_, _, c)| c), today);
            if !allowed.services {
                return Err(StoreError::Refused("conflict.consent_required"));
            }
            if self
                .share_with
                .is_some_and(|kind| !allowed.share_with.contains(&kind))
            {
                return Err(StoreError::Refused("conflict.referral_consent"));
            }
        }
        if self.no_open_plan {
            let plans: Vec<_> = facts.iter().map(|f| (f.kind, f.id, f.refers_to)).collect();
            if plan_open(&plans) {
                return Err(StoreError::Refused("conflict.aftercare_plan_open"));
            }
        }
        if let Some((kinds, read)) = &self.unchanged {
            let now: Vec<FactId> = facts
                .iter()
                .filter(|f| kinds.contains(&f.kind))
                .map(|f| f.id)
                .collect();
            if now.len() != read.len() || now.iter().any(|id| !read.contains(id)) {
                return Err(StoreError::Refused("conflict.client_changed"));
            }
        }
        Ok(())
    }
}

/// A fact sealed and ready to store, with its audit event and the figures it adds to.
pub(crate) struct SealedFact {
    /// The fact.
    pub fact: ClientFact,
    /// Its audit event.
    pub event: AuditEvent,
    /// Its tallies ([`super::tallies`]).
    pub tallies: Vec<Tally>,
}

impl SealedFact {
    /// Stores it in the write `tx`.
    pub(crate) async fn store(self, tx: &mut dyn Tx) -> StoreResult<()> {
        tx.insert_fact(&self.fact).await.map_err(erased)?;
        tx.audit(self.event);
        for tally in self.tallies {
            tx.tally(tally);
        }
        Ok(())
    }
}

impl App {
    /// Stores sealed facts about one client, each with its audit event, as one unit of
    /// work that first runs `check`; answers `answer`.
    pub(crate) async fn record_facts<T: Answer>(
        &self,
        actor: &Actor,
        origin: &Origin,
        client: ClientId,
        check: FactCheck,
        facts: Vec<SealedFact>,
        answer: T,
    ) -> AppResult<T> {
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                let read = tx.lock_client(client, &check.kinds()).await?;
                check.run(&read)?;
                for fact in facts {
                    fact.store(tx).await?;
                }
                Ok(answer)
            })
        })
        .await
    }

    /// [`record_facts`](Self::record_facts) of one fact, answering its id.
    pub(crate) async fn record_fact(
        &self,
        actor: &Actor,
        origin: &Origin,
        check: FactCheck,
        fact: SealedFact,
    ) -> AppResult<FactId> {
        let (client, id) = (fact.fact.client_id, fact.fact.id);
        self.record_facts(actor, origin, client, check, vec![fact], id)
            .await
    }
}
