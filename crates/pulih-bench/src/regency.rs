//! The regency-page scenario: a real regency with at least 300 villages, its programme
//! seeded through the public API by a coordinator of the regency (an IKN assessment of
//! every village, Bersinar candidates and designations, yearly targets, IKOTAN), then its
//! page — programme overview, best candidates and the SVG map of every village — loaded
//! as that coordinator.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Map, Value, json};

use crate::api;
use crate::load::snippet;

/// Kabupaten Mojokerto (Jawa Timur): 304 villages in the embedded tree, every one with a
/// centroid, so every one is a point on the map.
pub const REGENCY: &str = "35.16";
/// The scenario is about a regency at least this large.
const MIN_VILLAGES: usize = 300;
/// The coordinator the programme is seeded and the page loaded as.
const COORDINATOR_USERNAME: &str = "benchkoordinator";
/// Its password: long enough, and without the username in it.
const COORDINATOR_PASSWORD: &str = "amber-quarry-nimbus-58";
/// Every tenth village (0, 10, …) is designated Bersinar, every tenth from the fifth
/// (5, 15, …) is a candidate.
const BERSINAR_EVERY: usize = 10;
/// Indicators present, (core, supporting), by village number modulo 8: under the default
/// thresholds three Aman, two Siaga, two Waspada and one Bahaya in every eight.
const IKN_MIX: [(usize, usize); 8] = [
    (0, 1),
    (1, 0),
    (3, 1),
    (0, 2),
    (5, 4),
    (2, 1),
    (4, 2),
    (0, 0),
];
/// The IKN indicators: 8 core, then 5 supporting.
const CORE: [&str; 8] = [
    "drug_cases",
    "crime_violence",
    "dealers",
    "production",
    "users",
    "seizures",
    "entry_points",
    "couriers",
];
const SUPPORTING: [&str; 5] = [
    "entertainment_venues",
    "private_lodging",
    "poverty",
    "lacking_public_facilities",
    "low_social_interaction",
];

/// The regency measured, as the embedded region tree has it.
#[derive(Debug, Clone)]
pub struct Picked {
    /// Its code, e.g. `35.16`.
    pub code: String,
    /// Its official name.
    pub name: String,
    /// The codes of its villages, in code order.
    pub villages: Vec<String>,
}

/// Finds [`REGENCY`] in the embedded region tree and checks it is as large as the
/// scenario needs.
pub fn pick() -> Result<Picked> {
    let (name, villages) = named_with_villages(REGENCY)?;
    if villages.len() < MIN_VILLAGES {
        bail!(
            "{name} ({REGENCY}) has {} villages, fewer than {MIN_VILLAGES}",
            villages.len()
        );
    }
    Ok(Picked {
        code: REGENCY.to_owned(),
        name,
        villages,
    })
}

/// The official name of regency `code` in the embedded region tree and the codes of its
/// villages, in code order.
pub fn named_with_villages(code: &str) -> Result<(String, Vec<String>)> {
    let regions = pulih_regions::embedded().context("reading the embedded region tree")?;
    let name = regions
        .iter()
        .find(|r| r.code.as_str() == code)
        .map(|r| r.name.clone())
        .with_context(|| format!("regency {code} is not in the embedded region tree"))?;
    let prefix = format!("{code}.");
    let mut villages: Vec<String> = regions
        .iter()
        .map(|r| r.code.as_str())
        .filter(|c| c.starts_with(&prefix) && c.matches('.').count() == 3)
        .map(str::to_owned)
        .collect();
    villages.sort_unstable();
    Ok((name, villages))
}

/// What was seeded, and the coordinator's token to load the page with.
pub struct Seeded {
    /// The coordinator's bearer token.
    pub token: String,
    /// Villages designated Bersinar.
    pub designated: usize,
    /// Villages nominated as candidates and not designated.
    pub candidates: usize,
    /// API requests made to seed the programme.
    pub requests: usize,
    /// How long seeding took.
    pub took: Duration,
}

/// As the administrator (`admin_token`): creates the regency's BNNK and a coordinator of
/// the regency; as the coordinator: records an IKN assessment of every village, takes
/// Bersinar steps for some, sets three yearly targets and scores IKOTAN for two years.
pub async fn seed(
    client: &Client,
    base_url: &str,
    admin_token: &str,
    picked: &Picked,
) -> Result<Seeded> {
    let org = json!({ "name": format!("BNNK {}", picked.name), "org_type": "bnn", "region": picked.code });
    let org = api::create(
        client,
        base_url,
        "/api/v1/organisations",
        Some(admin_token),
        &org,
    )
    .await
    .context("creating the regency's BNNK")?;
    let user = json!({
        "username": COORDINATOR_USERNAME,
        "display_name": "Bench koordinator",
        "role": "coordinator",
        "org_id": api::text_field(&org, "id")?,
        "scope": picked.code,
        "password": COORDINATOR_PASSWORD,
    });
    api::create(client, base_url, "/api/v1/users", Some(admin_token), &user)
        .await
        .context("creating the regency's coordinator")?;
    let token = api::login(client, base_url, COORDINATOR_USERNAME, COORDINATOR_PASSWORD).await?;

    let started = Instant::now();
    let (mut designated, mut candidates, mut requests) = (0, 0, 0);
    let post = |path: String, body: Value| {
        let token = &token;
        async move {
            api::create(client, base_url, &path, Some(token), &body)
                .await
                .map(|_| ())
        }
    };
    let decree = json!({
        "step": "designate",
        "decree_number": "188.45/12/416-012/2025",
        "decree_date": "2025-06-01",
        "decree_issuer": format!("Bupati {}", picked.name),
    });
    for (i, village) in picked.villages.iter().enumerate() {
        let (core, supporting) = IKN_MIX[i % IKN_MIX.len()];
        let body = json!({ "indicators": indicators(core, supporting) });
        post(format!("/api/v1/villages/{village}/ikn"), body).await?;
        requests += 1;
        let path = format!("/api/v1/villages/{village}/bersinar");
        match i % BERSINAR_EVERY {
            0 => {
                post(path.clone(), json!({ "step": "nominate" })).await?;
                post(path, decree.clone()).await?;
                requests += 2;
                designated += 1;
            }
            5 => {
                post(path, json!({ "step": "nominate" })).await?;
                requests += 1;
                candidates += 1;
            }
            _ => {}
        }
    }
    let year = year_in_wit(SystemTime::now());
    for (year, count) in [(year, 10), (year + 1, 25), (year + 2, 40)] {
        let url = format!(
            "{base_url}/api/v1/regencies/{}/bersinar-targets/{year}",
            picked.code
        );
        let body = json!({ "count": count, "version": null });
        api::send(
            client,
            Method::PUT,
            &url,
            Some(&token),
            &body,
            StatusCode::OK,
        )
        .await
        .with_context(|| format!("setting the {year} target"))?;
        requests += 1;
    }
    for (year, score) in [(2024, "2.9"), (2025, "3.2")] {
        let scores = json!({ "family": score, "community": score, "territory": score,
                             "institutions": score, "law": score });
        let path = format!("/api/v1/regencies/{}/ikotan", picked.code);
        post(path, json!({ "year": year, "scores": scores })).await?;
        requests += 1;
    }
    Ok(Seeded {
        token,
        designated,
        candidates,
        requests,
        took: started.elapsed(),
    })
}

/// All 13 IKN indicators, the first `core` core and first `supporting` supporting present.
fn indicators(core: usize, supporting: usize) -> Value {
    let mut map = Map::new();
    for (i, key) in CORE.iter().enumerate() {
        map.insert((*key).into(), json!({ "present": i < core }));
    }
    for (i, key) in SUPPORTING.iter().enumerate() {
        map.insert((*key).into(), json!({ "present": i < supporting }));
    }
    Value::Object(map)
}

/// The calendar year at UTC+9 (WIT, Indonesia's easternmost time zone): never earlier than
/// the regency's own year, so a target for it is never for a year already closed.
fn year_in_wit(now: SystemTime) -> i32 {
    let seconds = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()) + 9 * 3_600;
    let mut days = seconds / 86_400;
    let mut year = 1970;
    loop {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let length = if leap { 366 } else { 365 };
        if days < length {
            return year;
        }
        days -= length;
        year += 1;
    }
}

/// Makes sure the page is the regency's, with the programme overview, a point on the map
/// for every village and the candidates, before timing it.
pub fn check_page(body: &str, picked: &Picked) -> Result<()> {
    let points = body.matches("<circle").count();
    let ok = body.contains(&picked.name)
        && body.contains("<svg")
        && body.contains("dot bersinar-designated")
        && body.contains("id=\"candidates\"")
        && points == picked.villages.len();
    if !ok {
        bail!(
            "the page of {} is not the full programme page ({points} points on the map for {} villages): {}",
            picked.code,
            picked.villages.len(),
            snippet(body)
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::{indicators, pick, year_in_wit};

    #[test]
    fn the_regency_is_real_and_has_at_least_300_villages() {
        let picked = pick().expect("regency");
        assert_eq!(picked.name, "Kabupaten Mojokerto");
        assert!(picked.villages.len() >= 300, "{}", picked.villages.len());
        assert!(picked.villages.iter().all(|v| v.starts_with("35.16.")));
    }

    #[test]
    fn the_year_is_the_one_in_the_east_of_indonesia() {
        // 2026-12-31 15:00 UTC is already 2027 in Papua; 14:59 is not yet.
        let at = |s: u64| UNIX_EPOCH + Duration::from_secs(s);
        assert_eq!(year_in_wit(at(1_798_729_200)), 2027);
        assert_eq!(year_in_wit(at(1_798_729_199)), 2026);
        assert_eq!(year_in_wit(at(0)), 1970);
    }

    #[test]
    fn every_indicator_is_answered() {
        let all = indicators(5, 4);
        let map = all.as_object().expect("object");
        assert_eq!(map.len(), 13);
        assert_eq!(map.values().filter(|v| v["present"] == true).count(), 9);
    }
}
