//! The worklist scenario: the coordinator of a real regency whose scope holds 500 agents
//! (50 IBM units of ten, 40 of them through bimtek) and 5,000 clients (ten per agent), all
//! seeded through the public API as a real office would record them, then that
//! coordinator's `/worklist` loaded: caseloads of every agent, TAT deadlines, referrals
//! waiting, aftercare follow-ups, agents not trained yet.
//!
//! The clients' dates are spread so every section has work in it: contact from today back
//! to 60 days (about half not seen for 30 days), every tenth an arrest with its TAT
//! deadline from overdue to a week ahead, every tenth (from the fifth) an aftercare plan
//! from a discharge six weeks ago, every twentieth referred to a BLK course.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use chrono::{Days, NaiveDate, Utc};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

use crate::load::snippet;
use crate::{api, parallel};

/// Kabupaten Sleman (DI Yogyakarta), in WIB.
pub const REGENCY: &str = "34.04";
/// WIB is UTC+7: the clients' dates are the regency's calendar days.
const WIB_HOURS: i64 = 7;
/// IBM units, one per village, in the regency's first villages.
const UNITS: usize = 50;
/// Agents per unit.
const AGENTS_PER_UNIT: usize = 10;
/// Units whose agents have been through bimtek; the others' agents show as untrained.
const TRAINED_UNITS: usize = 40;
/// Clients per agent.
const CLIENTS_PER_AGENT: usize = 10;
/// Agents in the coordinator's scope.
pub const AGENTS: usize = UNITS * AGENTS_PER_UNIT;
/// Clients in the coordinator's scope.
pub const CLIENTS: usize = AGENTS * CLIENTS_PER_AGENT;
/// The coordinator the data is recorded and the page loaded as.
const COORDINATOR_USERNAME: &str = "benchkasirehab";
const COORDINATOR_PASSWORD: &str = "violet-harbour-quiver-63";
/// Every agent's password: long enough, without any agent's username in it.
const AGENT_PASSWORD: &str = "meadow-copper-lantern-27";
/// The start of every agent's display name, counted in the page check.
const AGENT_NAME: &str = "Agen Bench";

/// The regency measured and the villages its units are in.
#[derive(Debug, Clone)]
pub struct Picked {
    /// Its official name.
    pub name: String,
    /// The first [`UNITS`] villages, in code order.
    pub villages: Vec<String>,
}

/// Finds [`REGENCY`] in the embedded region tree, with at least [`UNITS`] villages.
pub fn pick() -> Result<Picked> {
    let (name, mut villages) = crate::regency::named_with_villages(REGENCY)?;
    if villages.len() < UNITS {
        bail!("{name} has {} villages, fewer than {UNITS}", villages.len());
    }
    villages.truncate(UNITS);
    Ok(Picked { name, villages })
}

/// What was seeded, and the coordinator's token to load the page with.
pub struct Seeded {
    /// The coordinator's bearer token.
    pub token: String,
    /// API requests made to seed.
    pub requests: usize,
    /// How long seeding took.
    pub took: Duration,
}

/// Someone making API calls: a shared HTTP client, the server and a bearer token.
#[derive(Clone)]
struct Caller {
    client: Client,
    base_url: Arc<str>,
    token: Arc<str>,
}

impl Caller {
    fn new(client: &Client, base_url: &str, token: &str) -> Self {
        Self {
            client: client.clone(),
            base_url: Arc::from(base_url),
            token: Arc::from(token),
        }
    }

    /// `POST path` answered with 201; the new record's id.
    async fn create(&self, path: &str, body: Value) -> Result<String> {
        let made =
            api::create(&self.client, &self.base_url, path, Some(&self.token), &body).await?;
        api::text_field(&made, "id")
    }

    /// `method path` answered with 200.
    async fn send(&self, method: Method, path: &str, body: Value) -> Result<Value> {
        let url = format!("{}{path}", self.base_url);
        api::send(
            &self.client,
            method,
            &url,
            Some(&self.token),
            &body,
            StatusCode::OK,
        )
        .await
    }
}

/// The coordinator recording the clients, and what it records them against.
struct Office {
    coordinator: Caller,
    /// Agents' user ids; agent `a` is in unit `a / AGENTS_PER_UNIT`.
    agents: Vec<String>,
    villages: Vec<String>,
    /// The BLK course clients are referred to.
    service: String,
    /// The regency's date today.
    today: NaiveDate,
}

/// As the administrator (`admin_token`): the regency's BNNK, its coordinator, a BLK with a
/// welding course and 500 agents; as the coordinator: 50 units, 40 bimtek trainings, then
/// 5,000 clients with their consents, intake, assignment, aftercare plans and referrals.
pub async fn seed(
    client: &Client,
    base_url: &str,
    admin_token: &str,
    picked: &Picked,
) -> Result<Seeded> {
    let started = Instant::now();
    let admin = Caller::new(client, base_url, admin_token);
    let org = |name: String, org_type: &str| json!({ "name": name, "org_type": org_type, "region": REGENCY });
    let bnnk = admin
        .create(
            "/api/v1/organisations",
            org(format!("BNNK {}", picked.name), "bnn"),
        )
        .await
        .context("creating the regency's BNNK")?;
    let coordinator = json!({ "username": COORDINATOR_USERNAME, "display_name": "Bench kasi rehabilitasi",
        "role": "coordinator", "org_id": bnnk, "scope": REGENCY, "password": COORDINATOR_PASSWORD });
    admin
        .create("/api/v1/users", coordinator)
        .await
        .context("creating the regency's coordinator")?;
    let blk = admin
        .create(
            "/api/v1/organisations",
            org(format!("BLK {}", picked.name), "disnakertrans"),
        )
        .await
        .context("creating the regency's BLK")?;
    let course = json!({ "org_id": blk, "name": "Pelatihan las", "service": "vocational_training",
        "areas": [REGENCY], "contact": "0274-868405", "hours": "Senin–Jumat 08.00–15.00" });
    let service = admin
        .create("/api/v1/partner-services", course)
        .await
        .context("listing the BLK's welding course")?;
    let agents = create_agents(&admin, &bnnk, &picked.villages).await?;
    let token = api::login(client, base_url, COORDINATOR_USERNAME, COORDINATOR_PASSWORD).await?;
    let coordinator = Caller::new(client, base_url, &token);
    let unit_requests = form_units(&coordinator, &picked.villages, &agents).await?;
    let office = Arc::new(Office {
        coordinator,
        agents,
        villages: picked.villages.clone(),
        service,
        today: (Utc::now() + chrono::Duration::hours(WIB_HOURS)).date_naive(),
    });
    let client_requests: usize = parallel::each("clients", CLIENTS, move |i| {
        let office = Arc::clone(&office);
        async move { office.client_with_history(i).await }
    })
    .await?
    .into_iter()
    .sum();
    Ok(Seeded {
        token,
        requests: 5 + AGENTS + unit_requests + client_requests,
        took: started.elapsed(),
    })
}

/// Creates the 500 agents of `org`, each scoped to its unit's village; their ids in order.
async fn create_agents(admin: &Caller, org: &str, villages: &[String]) -> Result<Vec<String>> {
    let (admin, org, villages) = (admin.clone(), org.to_owned(), villages.to_vec());
    parallel::each("agents", AGENTS, move |a| {
        let user = json!({
            "username": format!("benchagen{a:03}"),
            "display_name": format!("{AGENT_NAME} {a:03}"),
            "role": "agent",
            "org_id": org,
            "scope": villages[a / AGENTS_PER_UNIT],
            "password": AGENT_PASSWORD,
        });
        let admin = admin.clone();
        async move { admin.create("/api/v1/users", user).await }
    })
    .await
}

/// Forms a unit in each village with its ten agents, and runs a three-day bimtek that
/// every agent attends for the first [`TRAINED_UNITS`]; the requests made.
async fn form_units(coordinator: &Caller, villages: &[String], agents: &[String]) -> Result<usize> {
    let (coordinator, villages, agents) = (coordinator.clone(), villages.to_vec(), agents.to_vec());
    let made = parallel::each("units", UNITS, move |u| {
        let members: Vec<Value> = agents[u * AGENTS_PER_UNIT..(u + 1) * AGENTS_PER_UNIT]
            .iter()
            .enumerate()
            .map(|(i, id)| {
                json!({ "user_id": id, "phone": format!("08122700{u:02}{i:02}"),
                "sex": if i % 2 == 0 { "female" } else { "male" }, "age_band": "25_44" })
            })
            .collect();
        let present: Vec<String> = agents[u * AGENTS_PER_UNIT..(u + 1) * AGENTS_PER_UNIT].to_vec();
        let unit = json!({ "founded_on": "2025-02-03", "place": "Balai desa",
            "attendees": { "village_head": 1, "agent": AGENTS_PER_UNIT, "bnnk_officer": 2 },
            "decree_number": format!("141/{u:02}/KPTS/2025"), "decree_date": "2025-02-03",
            "decree_signed_by": "Kepala Desa", "members": members });
        let (coordinator, village) = (coordinator.clone(), villages[u].clone());
        async move {
            let unit = coordinator
                .create(&format!("/api/v1/villages/{village}/ibm-unit"), unit)
                .await?;
            if u >= TRAINED_UNITS {
                return Ok(1);
            }
            let plan = json!({ "title": "Bimtek Agen Pemulihan", "organiser": "BNNK Sleman",
                "starts_on": "2025-03-10", "ends_on": "2025-03-12",
                "modules": ["Adiksi", "Konseling dasar", "Rujukan"], "trainers": ["dr. Rina"] });
            let training = coordinator
                .create(&format!("/api/v1/ibm-units/{unit}/trainings"), plan)
                .await?;
            let attendance = format!("/api/v1/trainings/{training}/attendance");
            for day in ["2025-03-10", "2025-03-11", "2025-03-12"] {
                let body = json!({ "day": day, "present": present });
                coordinator.send(Method::POST, &attendance, body).await?;
            }
            Ok(5)
        }
    })
    .await?;
    Ok(made.into_iter().sum())
}

impl Office {
    /// Registers client `i` in its agent's village, assigns it to the agent, records its
    /// consent and intake and, for some, an aftercare plan or a referral; the requests made.
    async fn client_with_history(&self, i: usize) -> Result<usize> {
        let agent = i / CLIENTS_PER_AGENT;
        let village = &self.villages[agent / AGENTS_PER_UNIT];
        let by = &self.coordinator;
        let registered = api::create(
            &by.client,
            &by.base_url,
            "/api/v1/clients",
            Some(&by.token),
            &json!({ "region": village }),
        )
        .await?;
        let id = api::text_field(&registered, "id")?;
        let version = registered.get("version").cloned().unwrap_or(Value::Null);
        let assignment = json!({ "assigned_to": self.agents[agent], "version": version });
        by.send(
            Method::PUT,
            &format!("/api/v1/clients/{id}/assignment"),
            assignment,
        )
        .await?;
        // Tenth clients were arrested 0–12 days ago (their TAT deadline from a week
        // ahead to a week overdue); the others were last seen 0–60 days ago.
        let arrested = i.is_multiple_of(10);
        let days_ago = if arrested {
            (i / 10) % 13
        } else {
            (i * 7) % 61
        };
        let seen_on = self.days_ago(days_ago);
        let expires_on = (i % 25 == 3).then(|| self.today + Days::new(10));
        let consent = json!({ "services": true, "share_with": ["disnakertrans"], "follow_up": true,
            "given_by": "client", "method": "signed_form", "given_on": seen_on, "expires_on": expires_on });
        by.create(&format!("/api/v1/clients/{id}/consents"), consent)
            .await?;
        let episode = if arrested {
            json!({ "pathway": "tat", "opened_on": seen_on, "arrested_on": seen_on })
        } else {
            let pathway = [
                "ibm_outreach",
                "wajib_lapor",
                "family_referral",
                "community_referral",
            ][i % 4];
            let card = (pathway == "wajib_lapor").then(|| format!("KLD/3404/{i:05}"));
            json!({ "pathway": pathway, "opened_on": seen_on, "card_number": card })
        };
        by.create(&format!("/api/v1/clients/{id}/episodes"), episode)
            .await?;
        let mut made = 4;
        if i % 10 == 5 {
            let plan = json!({ "discharged_on": self.days_ago(42) });
            by.create(&format!("/api/v1/clients/{id}/aftercare-plans"), plan)
                .await?;
            made += 1;
        }
        if i % 20 == 7 {
            let referral =
                json!({ "service_id": self.service, "reason": "Butuh keterampilan kerja" });
            by.create(&format!("/api/v1/clients/{id}/referrals"), referral)
                .await?;
            made += 1;
        }
        Ok(made)
    }

    fn days_ago(&self, days: usize) -> NaiveDate {
        self.today - Days::new(days as u64)
    }
}

/// Makes sure the page is the coordinator's full worklist, a caseload row for every agent
/// included, before timing it.
pub fn check_page(body: &str) -> Result<()> {
    let names = body.matches(AGENT_NAME).count();
    if !body.contains("id=\"caseloads\"") || names < AGENTS {
        bail!(
            "the worklist is not the coordinator's with {AGENTS} agents ({names} agent names): {}",
            snippet(body)
        );
    }
    Ok(())
}

/// Makes sure the JSON worklist holds every agent's caseload and every client.
pub fn check_json(body: &str) -> Result<()> {
    let list: Value = serde_json::from_str(body)
        .with_context(|| format!("the worklist is not JSON: {}", snippet(body)))?;
    let caseloads = list["caseloads"].as_array().map_or(&[][..], Vec::as_slice);
    let clients: u64 = caseloads.iter().filter_map(|c| c["clients"].as_u64()).sum();
    if caseloads.len() != AGENTS || clients != CLIENTS as u64 {
        bail!(
            "the worklist holds {} caseloads and {clients} clients, not {AGENTS} and {CLIENTS}: {}",
            caseloads.len(),
            snippet(body)
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{AGENTS, UNITS, check_json, pick};

    #[test]
    fn the_regency_is_real_and_has_a_village_for_every_unit() {
        let picked = pick().expect("regency");
        assert_eq!(picked.name, "Kabupaten Sleman");
        assert_eq!(picked.villages.len(), UNITS);
        assert!(picked.villages.iter().all(|v| v.starts_with("34.04.")));
    }

    #[test]
    fn only_a_worklist_with_every_caseload_passes_the_check() {
        let full: Vec<_> = (0..AGENTS).map(|_| json!({ "clients": 10 })).collect();
        assert!(check_json(&json!({ "caseloads": full }).to_string()).is_ok());
        assert!(check_json(r#"{"caseloads":[{"clients":10}]}"#).is_err());
        assert!(check_json("<html>").is_err());
    }
}
