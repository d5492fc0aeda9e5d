//! Conformance checks for the Teman Sebaya programme: schools, peer-educator counts kept
//! as history, sessions, and their sums.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use pulih_domain::ids::{PeerCountId, PeerSessionId, SchoolId, UserId};
use pulih_domain::programme::peers::{Counts, GradeBand, RawCounts, SchoolLevel};
use pulih_domain::region::Scope;

use super::Writes;
use super::{code, event, now, org, user};
use crate::{CountSums, PeerCount, PeerSession, School, Store, StoreError};

async fn recorder(store: &dyn Store) -> UserId {
    let o = org("BNNK Batam", Scope::Region(code("21.71")));
    store
        .create_org(&o, &event("org.create", "21.71"))
        .await
        .expect("org");
    let u = user("pencatat", &o, Scope::Region(code("21.71")));
    store
        .create_user(&u, &event("user.create", "21.71"))
        .await
        .expect("user");
    u.id
}

fn school(village: &str, name: &str, level: SchoolLevel, npsn: Option<&str>, by: UserId) -> School {
    School {
        id: SchoolId::new(),
        village: code(village),
        name: name.into(),
        level,
        npsn: npsn.map(str::to_owned),
        recorded_by: by,
        recorded_at: now(),
    }
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).expect("date")
}

/// Counts of `male` boys and `female` girls, all in `band` unless none.
fn counts(male: i64, female: i64, band: Option<&str>, educators: bool) -> Counts {
    let raw = RawCounts {
        total: Some(male + female),
        male: Some(male),
        female: Some(female),
        by_grade_band: band
            .map(|b| BTreeMap::from([(b.to_owned(), male + female)]))
            .unwrap_or_default(),
        unknown: BTreeMap::new(),
    };
    let parsed = if educators {
        Counts::educators(&raw, SchoolLevel::Other, "")
    } else {
        Counts::audience(&raw, SchoolLevel::Other, "")
    };
    parsed.expect("valid counts")
}

fn count(s: &School, as_of: NaiveDate, educators: Counts, by: UserId) -> PeerCount {
    PeerCount {
        id: PeerCountId::new(),
        school: s.id,
        village: s.village.clone(),
        as_of,
        educators,
        recorded_by: by,
        recorded_at: now(),
    }
}

fn session(s: &School, held_on: NaiveDate, audience: Counts, by: UserId) -> PeerSession {
    PeerSession {
        id: PeerSessionId::new(),
        school: s.id,
        village: s.village.clone(),
        held_on,
        topic: "Bahaya narkoba bagi remaja".into(),
        audience,
        recorded_by: by,
        recorded_at: now(),
    }
}

/// Schools are listed per village by name and an NPSN is registered once; counts are
/// appended, the newest as of date being current and every one kept; sessions are listed
/// newest first; sums cover what lies below a node and the period asked for.
pub async fn peer_programme_counts_are_kept_as_history_and_summed(store: &dyn Store) {
    let by = recorder(store).await;
    let village = "21.71.01.1001";
    let smp = school(
        village,
        "SMP Negeri 3",
        SchoolLevel::Smp,
        Some("21000003"),
        by,
    );
    let sma = school(village, "SMA Negeri 1", SchoolLevel::Sma, None, by);
    let other = school("21.71.02.1001", "SD Negeri 7", SchoolLevel::Sd, None, by);
    for s in [&smp, &sma, &other] {
        store
            .add_school(s, &event("school.add", village))
            .await
            .expect("school");
    }
    let twin = school(
        village,
        "SMP 3 lagi",
        SchoolLevel::Smp,
        Some("21000003"),
        by,
    );
    let dup = store.add_school(&twin, &event("school.add", village)).await;
    assert!(matches!(dup, Err(StoreError::Duplicate("npsn"))), "{dup:?}");
    let listed = store.schools(&code(village)).await.expect("read");
    assert_eq!(listed, [sma.clone(), smp.clone()], "by name, nothing else");
    assert_eq!(store.school(smp.id).await.expect("read"), Some(smp.clone()));
    assert_eq!(store.school(SchoolId::new()).await.expect("read"), None);

    let first = count(&smp, day(1, 10), counts(5, 7, Some("7_9"), true), by);
    let latest = count(&smp, day(3, 1), counts(4, 4, Some("7_9"), true), by);
    let backdated = count(&smp, day(2, 1), counts(1, 1, Some("7_9"), true), by);
    let gone = count(&sma, day(2, 1), counts(0, 0, None, true), by);
    let far = count(&other, day(2, 1), counts(3, 0, Some("4_6"), true), by);
    for c in [&first, &latest, &backdated, &gone, &far] {
        store
            .add_peer_count(c, &event("peer_count.record", village))
            .await
            .expect("count");
    }
    let history = store.peer_counts(smp.id).await.expect("read");
    assert_eq!(history, [latest.clone(), backdated.clone(), first.clone()]);
    let mut current = store
        .current_peer_counts(&code(village))
        .await
        .expect("read");
    current.sort_by_key(|c| c.id);
    let mut expected = vec![latest.clone(), gone.clone()];
    expected.sort_by_key(|c| c.id);
    assert_eq!(current, expected, "a back-dated count does not supersede");

    let held = [
        session(&smp, day(2, 14), counts(20, 25, Some("7_9"), false), by),
        session(&smp, day(4, 2), counts(10, 5, None, false), by),
        session(&sma, day(1, 5), counts(30, 30, Some("10_12"), false), by),
        session(&other, day(2, 3), counts(8, 9, None, false), by),
        session(&sma, day(12, 31), counts(1, 1, None, false), by),
    ];
    let last_year = session(
        &smp,
        NaiveDate::from_ymd_opt(2025, 12, 31).expect("date"),
        counts(50, 50, None, false),
        by,
    );
    for s in held.iter().chain([&last_year]) {
        store
            .add_peer_session(s, &event("peer_session.record", village))
            .await
            .expect("session");
    }
    let of_smp = store.peer_sessions(smp.id).await.expect("read");
    assert_eq!(
        of_smp,
        [held[1].clone(), held[0].clone(), last_year.clone()]
    );
    let year = (day(1, 1), day(12, 31));
    let in_village = store
        .peer_sessions_in(&code(village), year.0, year.1)
        .await
        .expect("read");
    let dates: Vec<NaiveDate> = in_village.iter().map(|s| s.held_on).collect();
    assert_eq!(dates, [day(12, 31), day(4, 2), day(2, 14), day(1, 5)]);

    let summary = store
        .peer_summary(&code("21.71"), year.0, year.1)
        .await
        .expect("summary");
    assert_eq!(
        (summary.schools, summary.schools_with_educators),
        (3, 2),
        "the school whose educators all left has none"
    );
    assert_eq!(
        summary.educators,
        CountSums {
            total: 11,
            male: 7,
            female: 4,
            by_grade_band: BTreeMap::from([
                (GradeBand::Grades1To3, 0),
                (GradeBand::Grades4To6, 3),
                (GradeBand::Grades7To9, 8),
                (GradeBand::Grades10To12, 0),
            ]),
            grade_band_unknown: 0,
        }
    );
    assert_eq!(summary.sessions, 5);
    assert_eq!(
        summary.audience,
        CountSums {
            total: 45 + 15 + 60 + 17 + 2,
            male: 20 + 10 + 30 + 8 + 1,
            female: 25 + 5 + 30 + 9 + 1,
            by_grade_band: BTreeMap::from([
                (GradeBand::Grades1To3, 0),
                (GradeBand::Grades4To6, 0),
                (GradeBand::Grades7To9, 45),
                (GradeBand::Grades10To12, 60),
            ]),
            grade_band_unknown: 15 + 17 + 2,
        }
    );
    let elsewhere = store
        .peer_summary(&code("21.72"), year.0, year.1)
        .await
        .expect("summary");
    assert_eq!(elsewhere.schools, 0);
    assert_eq!(elsewhere.educators.total, 0);
    assert_eq!(elsewhere.audience.by_grade_band[&GradeBand::Grades7To9], 0);

    let feed = store
        .changes_after(&Scope::Region(code(village)), 0, 100)
        .await
        .expect("feed");
    let entities = |kind: &str| feed.iter().filter(|c| c.entity == kind).count();
    assert_eq!(
        (
            entities("school"),
            entities("peer_count"),
            entities("peer_session")
        ),
        (2, 4, 5)
    );
}
