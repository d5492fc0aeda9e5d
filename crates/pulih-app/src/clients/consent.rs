//! Consent (UU 27/2022): read back before it is recorded, recorded, and withdrawn. The
//! names around a consent and the signed form's number are sealed with the client's key.

use chrono::NaiveDate;
use pulih_domain::authz::Actor;
use pulih_domain::client::{FactKind, past_date, person_name};
use pulih_domain::consent::{ConsentGiver, ConsentMethod, ConsentTerms, form_number};
use pulih_domain::ids::{ClientId, FactId};
use pulih_domain::optional_text;
use pulih_domain::org::OrgType;
use serde_json::json;

use super::facts::{fact_date, keys};
use super::inputs::{ConsentInput, ConsentReadBack, WithdrawalInput};
use super::note::Note;
use super::record::FactCheck;
use super::timeline::{ConsentNames, Draft, FactBody};
use crate::error::Fields;
use crate::{App, AppError, AppResult, Origin};

/// Parses a consent as typed in, with every field's problem, on the client's `today`.
fn parse(input: &ConsentInput, today: NaiveDate) -> AppResult<(ConsentTerms, ConsentNames)> {
    let mut f = Fields::default();
    let share_with = keys(&mut f, "share_with", &input.share_with, OrgType::parse);
    let given_by = f.check("given_by", ConsentGiver::parse(&input.given_by));
    let method = f.check("method", ConsentMethod::parse(&input.method));
    let given_on = f
        .date("given_on", &input.given_on)
        .and_then(|d| f.check("given_on", past_date(d, today)));
    let expires_on = f.optional_date("expires_on", input.expires_on.as_deref());
    let names = ConsentNames {
        guardian: f
            .check("guardian", person_name(input.guardian.as_deref()))
            .flatten(),
        witness: f
            .check("witness", person_name(input.witness.as_deref()))
            .flatten(),
        form_number: f
            .check("form_number", form_number(input.form_number.as_deref()))
            .flatten(),
    };
    let (Some(given_by), Some(method), Some(given_on)) = (given_by, method, given_on) else {
        return Err(f.into_error());
    };
    let terms = ConsentTerms {
        services: input.services,
        share_with,
        follow_up: input.follow_up,
        given_by,
        method,
        given_on,
        expires_on,
    };
    for (field, key) in terms.problems(names.witness.is_some(), names.guardian.is_some()) {
        f.add(field, key);
    }
    f.finish()?;
    Ok((terms, names))
}

impl App {
    /// What a consent would record, read back for the worker and the client to check
    /// before it is saved; refused with the same problems as [`App::record_consent`].
    /// Nothing is read from the record and nothing is written.
    #[tracing::instrument(skip_all, fields(client = %id))]
    pub async fn preview_consent(
        &self,
        actor: &Actor,
        id: ClientId,
        input: &ConsentInput,
    ) -> AppResult<ConsentReadBack> {
        let (_, today) = self.reach_for_record(actor, id).await?;
        let (terms, names) = parse(input, today)?;
        Ok(ConsentReadBack {
            terms,
            guardian: names.guardian,
            witness: names.witness,
            form_number: names.form_number,
        })
    }

    /// Records consent.
    #[tracing::instrument(skip_all, fields(client = %id))]
    pub async fn record_consent(
        &self,
        actor: &Actor,
        id: ClientId,
        input: ConsentInput,
        origin: &Origin,
    ) -> AppResult<FactId> {
        let (reached, today) = self.reach_for_record(actor, id).await?;
        let (terms, names) = parse(&input, today)?;
        let draft = Draft {
            kind: FactKind::Consent,
            occurred_on: terms.given_on,
            due_on: terms.expires_on,
            refers_to: None,
            plain: serde_json::to_value(&terms).map_err(|e| AppError::Internal(e.to_string()))?,
            sealed: names,
        };
        self.store_fact(actor, &reached, draft, FactCheck::none(), origin)
            .await
    }

    /// Withdraws a consent from a date on.
    #[tracing::instrument(skip_all, fields(client = %id))]
    pub async fn withdraw_consent(
        &self,
        actor: &Actor,
        id: ClientId,
        input: WithdrawalInput,
        origin: &Origin,
    ) -> AppResult<FactId> {
        let (reached, today) = self.reach_for_record(actor, id).await?;
        let mut f = Fields::default();
        let on = fact_date(&mut f, "withdrawn_on", input.withdrawn_on.as_deref(), today);
        let reason = f
            .check(
                "reason",
                optional_text(input.reason.as_deref(), 2000, "invalid.note"),
            )
            .flatten();
        let timeline = self.timeline(&reached.row).await?;
        let consent = input.consent_id.parse::<FactId>().ok().and_then(|cid| {
            timeline
                .iter()
                .find(|t| t.id == cid && t.kind == FactKind::Consent)
        });
        match consent.map(|c| &c.body) {
            Some(FactBody::Consent {
                withdrawn_on: Some(_),
                ..
            }) => {
                f.add("consent_id", "invalid.consent_withdrawn_already");
            }
            Some(FactBody::Consent { terms, .. }) if on < terms.given_on => {
                f.add("withdrawn_on", "invalid.withdrawal_before_consent");
            }
            Some(_) => {}
            None => f.add("consent_id", "invalid.consent_unknown"),
        }
        f.finish()?;
        let draft = Draft {
            kind: FactKind::ConsentWithdrawal,
            occurred_on: on,
            due_on: None,
            refers_to: consent.map(|c| c.id),
            plain: json!({}),
            sealed: Note { note: reason },
        };
        // withdrawn once: a withdrawal recorded meanwhile refuses this one
        let read = timeline.iter().map(|t| (t.kind, t.id));
        let check = FactCheck::none().unchanged(&[FactKind::ConsentWithdrawal], read);
        self.store_fact(actor, &reached, draft, check, origin).await
    }
}
