//! The durable-write workload: BARC-10 screenings recorded by a counsellor for clients who
//! have given consent. Each one is a real write: the server reads the client and its
//! consents, seals the answers with the client's key and commits the fact, its
//! hash-chained audit entry and its change-feed entry in one transaction.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use reqwest::Client;
use serde_json::{Value, json};

use crate::api;
use crate::load::{Load, snippet};

/// DESIGN.md: durable writes, 64 concurrent clients, ≥ 5,000/s …
pub const THROUGHPUT_TARGET: f64 = 5_000.0;
/// … with p99 < 25 ms (group commit).
pub const P99_TARGET: Duration = Duration::from_millis(25);

/// The counsellor the screenings are recorded as.
const COUNSELLOR_USERNAME: &str = "benchcounsellor";
/// Its password: long enough, and without the username in it.
const COUNSELLOR_PASSWORD: &str = "staple-orbit-lantern-42";
/// One BARC-10 answer set, the same for every screening.
const BARC10_ITEMS: [u8; 10] = [4, 5, 4, 5, 4, 5, 4, 5, 4, 5];
/// The date consent was given on: in the past, so it is in force.
const CONSENT_GIVEN_ON: &str = "2026-01-05";

/// What the write load needs: who writes, and where.
pub struct Prepared {
    /// The counsellor's bearer token.
    pub token: String,
    /// One screening URL per registered client.
    pub urls: Vec<String>,
    /// How long registering the clients and their consents took.
    pub took: Duration,
}

/// As the administrator (`admin_token`): creates an organisation in `region` and a
/// counsellor in it; as the counsellor: registers `clients` clients, each with consent to
/// services.
pub async fn prepare(
    client: &Client,
    base_url: &str,
    admin_token: &str,
    region: &str,
    clients: usize,
) -> Result<Prepared> {
    let org = json!({ "name": "Pulih bench IPWL", "org_type": "ipwl", "region": region });
    let org = api::create(
        client,
        base_url,
        "/api/v1/organisations",
        Some(admin_token),
        &org,
    )
    .await
    .context("creating the bench organisation")?;
    let user = json!({
        "username": COUNSELLOR_USERNAME,
        "display_name": "Bench counsellor",
        "role": "counsellor",
        "org_id": api::text_field(&org, "id")?,
        "scope": region,
        "password": COUNSELLOR_PASSWORD,
    });
    api::create(client, base_url, "/api/v1/users", Some(admin_token), &user)
        .await
        .context("creating the bench counsellor")?;
    let token = api::login(client, base_url, COUNSELLOR_USERNAME, COUNSELLOR_PASSWORD).await?;

    let started = Instant::now();
    let consent = json!({
        "services": true,
        "share_with": [],
        "follow_up": true,
        "given_by": "client",
        "method": "signed_form",
        "given_on": CONSENT_GIVEN_ON,
    });
    let mut urls = Vec::with_capacity(clients);
    for n in 0..clients {
        let registered = api::create(
            client,
            base_url,
            "/api/v1/clients",
            Some(&token),
            &json!({}),
        )
        .await
        .with_context(|| format!("registering client {n}"))?;
        let id = api::text_field(&registered, "id")?;
        let path = format!("/api/v1/clients/{id}/consents");
        api::create(client, base_url, &path, Some(&token), &consent)
            .await
            .with_context(|| format!("recording the consent of client {n}"))?;
        urls.push(format!("{base_url}/api/v1/clients/{id}/screenings/barc10"));
    }
    Ok(Prepared {
        token,
        urls,
        took: started.elapsed(),
    })
}

/// The load: one BARC-10 screening per request, spread over the clients.
pub fn load(prepared: &Prepared) -> Load {
    let body = json!({ "items": BARC10_ITEMS });
    Load::post_json(prepared.urls.clone(), &body, prepared.token.clone())
}

/// Makes sure a screening was scored and stored before timing more of them.
pub fn check_answer(body: &str) -> Result<()> {
    let answer: Value = serde_json::from_str(body)
        .with_context(|| format!("the screening answer is not JSON: {}", snippet(body)))?;
    let total: u64 = BARC10_ITEMS.iter().map(|&i| u64::from(i)).sum();
    if answer.get("total").and_then(Value::as_u64) != Some(total) || answer.get("id").is_none() {
        bail!(
            "the screening answer has no id or a total other than {total}: {}",
            snippet(body)
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_answer;

    #[test]
    fn a_scored_screening_passes_the_check_and_anything_else_fails() {
        assert!(check_answer(r#"{"id":"0190","total":45,"strong":true}"#).is_ok());
        assert!(check_answer(r#"{"id":"0190","total":44,"strong":true}"#).is_err());
        assert!(check_answer(r#"{"total":45}"#).is_err());
        assert!(check_answer("<html>").is_err());
    }
}
