//! Registering a client (with the NIK check of [`super::nik_check`]) and assigning
//! clients.

use pulih_domain::account::Role;
use pulih_domain::authz::Actor;
use pulih_domain::client::{ClientIdentity, Sex, client_region, person_name, phone};
use pulih_domain::client_access::{ClientAction, authorize_client, works_with_clients};
use pulih_domain::ids::{ClientId, UserId};
use pulih_domain::nik::Nik;
use pulih_domain::optional_text;
use pulih_domain::region::{RegionCode, RegionLevel, Scope};
use pulih_store::{ClientRow, NewClient};
use serde_json::json;

use super::{client_record, place_of};
use crate::error::Fields;
use crate::keys::seal_json;
use crate::{App, AppError, AppResult, Origin, Problem};

/// A client as a worker types it in. Every identifying field is optional.
#[derive(Clone, Default, serde::Deserialize)]
pub struct NewClientInput {
    /// Where the client is registered; defaults to the worker's own area when that is a
    /// regency or below.
    #[serde(default)]
    pub region: Option<String>,
    /// Full name.
    #[serde(default)]
    pub name: Option<String>,
    /// NIK (16 digits).
    #[serde(default)]
    pub nik: Option<String>,
    /// Date of birth, `YYYY-MM-DD`.
    #[serde(default)]
    pub birth_date: Option<String>,
    /// `male` or `female`.
    #[serde(default)]
    pub sex: Option<String>,
    /// Phone number.
    #[serde(default)]
    pub phone: Option<String>,
    /// Village code of the home address.
    #[serde(default)]
    pub village: Option<String>,
    /// A family member to contact.
    #[serde(default)]
    pub family_contact: Option<String>,
    /// The explicit choice: `true` registers an anonymous client (nothing identifying may
    /// be given), `false` needs some identity. Left out (API callers from before), what
    /// was given is registered, even nothing.
    #[serde(default)]
    pub anonymous: Option<bool>,
    /// Registers although a client the worker may see has the same name and birth date.
    #[serde(default)]
    pub register_anyway: bool,
}

impl NewClientInput {
    /// Whether anything identifying was typed in.
    fn identifies(&self) -> bool {
        [
            &self.name,
            &self.nik,
            &self.birth_date,
            &self.sex,
            &self.phone,
            &self.village,
            &self.family_contact,
        ]
        .into_iter()
        .any(|f| given(f.as_ref()).is_some())
    }
}

/// Text that is present and not blank.
fn given(s: Option<&String>) -> Option<&str> {
    s.map(|s| s.trim()).filter(|s| !s.is_empty())
}

impl App {
    /// Registers a client and returns it with its new pseudonymous code. Agents and
    /// counsellors are assigned the clients they register. A NIK is checked only once
    /// every other field is valid, and answered alike whether or not a client outside
    /// the worker's reach holds it (see [`super::nik_check`]).
    #[tracing::instrument(skip_all)]
    pub async fn register_client(
        &self,
        actor: &Actor,
        input: NewClientInput,
        origin: &Origin,
    ) -> AppResult<ClientRow> {
        if !works_with_clients(actor.role) {
            return Err(AppError::Forbidden(pulih_domain::authz::Denied::Role));
        }
        let mut fields = Fields::default();
        match (input.anonymous, input.identifies()) {
            (Some(true), true) => fields.add("identity", "invalid.anonymous_with_identity"),
            (Some(false), false) => fields.add("identity", "invalid.identity_or_anonymous"),
            _ => {}
        }
        let region = self
            .client_region(&mut fields, actor, given(input.region.as_ref()))
            .await?;
        let today = match &region {
            Some(r) => self.today_in(r).await?,
            None => self.now().date_naive(),
        };
        let nik = given(input.nik.as_ref()).and_then(|n| fields.check("nik", Nik::parse(n)));
        let birth_date = fields
            .optional_date("birth_date", input.birth_date.as_deref())
            .and_then(|d| fields.check("birth_date", pulih_domain::client::past_date(d, today)));
        let village = match given(input.village.as_ref()) {
            Some(v) => self.existing_village(&mut fields, v).await?,
            None => None,
        };
        let identity = ClientIdentity {
            name: fields
                .check("name", person_name(input.name.as_deref()))
                .flatten(),
            nik: nik.as_ref().map(|n| n.as_str().to_owned()),
            birth_date,
            sex: given(input.sex.as_ref()).and_then(|s| fields.check("sex", Sex::parse(s))),
            phone: fields
                .check("phone", phone(input.phone.as_deref()))
                .flatten(),
            village,
            family_contact: fields
                .check(
                    "family_contact",
                    optional_text(
                        input.family_contact.as_deref(),
                        200,
                        "invalid.family_contact",
                    ),
                )
                .flatten(),
        };
        fields.finish()?;
        let Some(region) = region else {
            return Err(AppError::invalid("region", "invalid.client_region"));
        };
        let id = ClientId::new();
        let name_hash = identity.name.as_deref().map(|n| self.keys.name_hash(n));
        let name_birth_hash = identity
            .name
            .as_deref()
            .zip(identity.birth_date)
            .map(|(n, d)| self.keys.name_birth_hash(n, d));
        if let Some(hash) = &name_birth_hash
            && !input.register_anyway
        {
            self.possible_duplicate(actor, hash, origin).await?;
        }
        let checked = match &nik {
            Some(nik) => Some(self.check_nik(actor, nik, id, origin).await?),
            None => None,
        };
        let (key, sealed_key) = self.keys.new_client_key(id);
        let identity = seal_json(&key, &identity, &format!("client:{id}:identity"))?;
        let assigned_to = (actor.role != Role::Coordinator).then_some(actor.user_id);
        let client = NewClient {
            id,
            region: region.clone(),
            org_id: actor.org_id,
            assigned_to,
            nik_hash: checked.as_ref().map(|n| n.hash.clone()),
            name_hash,
            name_birth_hash,
            identity,
            key: sealed_key,
            created_by: actor.user_id,
            created_at: self.now(),
        };
        let record = crate::Record {
            kind: "client",
            id: Some(id.to_string()),
            region: region.as_str(),
        };
        let event = self.event(Some(actor), "client.register", record, origin, json!({}));
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                let code = tx.insert_client(&client).await?;
                tx.audit(event);
                if let Some(checked) = checked {
                    checked
                        .record(tx, client.id, &code, client.created_at)
                        .await?;
                }
                Ok(client.id)
            })
        })
        .await?;
        self.store.client(id).await?.ok_or(AppError::NotFound)
    }

    /// Refuses a registration when a client the worker may see has the same name and
    /// birth date (`hash`), naming it (`code`, `id`); the finding is audited against that
    /// client. A client outside the worker's reach is not looked at: the answer is the
    /// same as for nobody.
    async fn possible_duplicate(
        &self,
        actor: &Actor,
        hash: &str,
        origin: &Origin,
    ) -> AppResult<()> {
        let seen = self
            .store
            .clients_by_name_birth_hash(hash)
            .await?
            .into_iter()
            .find(|c| authorize_client(actor, ClientAction::View, &place_of(c), false).is_ok());
        let Some(seen) = seen else {
            return Ok(());
        };
        let event = self.event(
            Some(actor),
            "client.duplicate_match",
            client_record(&seen),
            origin,
            json!({}),
        );
        self.store.append_audit(&event).await?;
        let mut problem = Problem::new("duplicate", "invalid.possible_duplicate");
        problem.args = vec![("code", seen.code.to_string()), ("id", seen.id.to_string())];
        Err(AppError::Invalid(vec![problem]))
    }

    /// The region a client is registered at: given, or the worker's own area.
    async fn client_region(
        &self,
        fields: &mut Fields,
        actor: &Actor,
        text: Option<&str>,
    ) -> AppResult<Option<RegionCode>> {
        let code = match (text, &actor.scope) {
            (Some(t), _) => fields.check("region", RegionCode::parse(t)),
            (None, Scope::Region(own)) if own.level() != RegionLevel::Province => Some(own.clone()),
            (None, _) => {
                fields.add("region", "invalid.client_region_required");
                None
            }
        };
        let Some(code) = code.and_then(|c| fields.check("region", client_region(c))) else {
            return Ok(None);
        };
        if self.region_row(&code).await?.is_none_or(|r| r.retired) {
            fields.add("region", "invalid.region_unknown");
            return Ok(None);
        }
        let place = pulih_domain::client::ClientPlace {
            region: code.clone(),
            org: actor.org_id,
            assigned_to: Some(actor.user_id),
        };
        if authorize_client(actor, ClientAction::Register, &place, false).is_err() {
            fields.add("region", "invalid.region_outside_scope");
            return Ok(None);
        }
        Ok(Some(code))
    }

    /// A live village code.
    async fn existing_village(
        &self,
        fields: &mut Fields,
        text: &str,
    ) -> AppResult<Option<RegionCode>> {
        let Some(code) = fields.check("village", RegionCode::parse(text)) else {
            return Ok(None);
        };
        let live = self.region_row(&code).await?.is_some_and(|r| !r.retired);
        if code.level() != RegionLevel::Village || !live {
            fields.add("village", "invalid.village_unknown");
            return Ok(None);
        }
        Ok(Some(code))
    }

    /// Assigns a client to an agent or counsellor whose area covers the client
    /// (coordinators only); `expected_version` is the version the change is based on.
    #[tracing::instrument(skip_all, fields(client = %id))]
    pub async fn assign_client(
        &self,
        actor: &Actor,
        id: ClientId,
        expected_version: i64,
        worker: Option<&str>,
        origin: &Origin,
    ) -> AppResult<ClientRow> {
        let reached = self.reach_client(actor, id, ClientAction::Assign).await?;
        let worker = match worker.map(str::trim).filter(|w| !w.is_empty()) {
            None => None,
            Some(text) => {
                let user = match text.parse::<UserId>() {
                    Ok(uid) => self.store.user(uid).await?,
                    Err(_) => None,
                };
                let fits = user.as_ref().is_some_and(|u| {
                    super::page::may_take(u.role, u.disabled, &u.scope, &reached.row.region)
                });
                if !fits {
                    return Err(AppError::invalid("assigned_to", "invalid.assignee"));
                }
                user.map(|u| u.id)
            }
        };
        let detail = json!({ "assigned_to": worker.map(|w| w.to_string()) });
        let event = self.event(
            Some(actor),
            "client.assign",
            client_record(&reached.row),
            origin,
            detail,
        );
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                let version = tx.assign_client(id, expected_version, worker).await?;
                tx.audit(event);
                Ok(version)
            })
        })
        .await?;
        self.store.client(id).await?.ok_or(AppError::NotFound)
    }
}

pulih_domain::redacted_debug!(NewClientInput);
