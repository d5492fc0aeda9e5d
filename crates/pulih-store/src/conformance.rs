//! The behaviour every backend must show, written once and run against SQLite and
//! PostgreSQL by [`conformance_suite!`](crate::conformance_suite). A test that only one
//! backend passes is a bug in the other.
#![expect(
    clippy::expect_used,
    reason = "the suite is test code, compiled only into the backends' tests: a panic is its failure message"
)]

use chrono::{DateTime, Duration, Utc};
use pulih_domain::account::Role;
use pulih_domain::audit::{AuditEvent, ChainHead, ChainKey, ChainVerifier, Links};
use pulih_domain::ids::{OrgId, SessionId, UserId};
use pulih_domain::org::OrgType;
use pulih_domain::region::{RegionCode, Scope};

mod access_log;
mod aftercare;
mod boundaries;
mod clients;
mod directory;
mod linkage;
mod office;
mod outbound;
mod peers;
mod people;
mod programme;
mod referrals;
mod regions;
mod supervision;
mod two_factor;
mod unit_of_work;
mod units;
mod vocational;
mod worklist;
mod writes;

pub use access_log::*;
pub use aftercare::*;
pub use boundaries::*;
pub use clients::*;
pub use directory::*;
pub use linkage::*;
pub use office::*;
pub use outbound::*;
pub use peers::*;
pub use people::*;
pub use programme::*;
pub use referrals::*;
pub use regions::*;
pub use supervision::*;
pub use two_factor::*;
pub use unit_of_work::*;
pub use units::*;
pub use vocational::*;
pub use worklist::*;
pub use writes::Writes;

use crate::{Organisation, Session, SessionKind, Store, StoreError, User, UserUpdate};

/// Generates one `#[tokio::test]` per conformance check. `$fresh` is an async fn returning
/// `Some((Box<dyn Store>, guard))`, or none when the backend is unavailable and the test is
/// skipped (the backend decides, and refuses to skip under CI); the guard drops the test
/// database when the test ends.
#[macro_export]
macro_rules! conformance_suite {
    ($fresh:path) => {
        $crate::conformance_suite!(@each $fresh;
            a_region_reimport_keeps_history_of_renamed_and_removed_codes,
            region_search_is_case_insensitive_and_names_the_path,
            region_search_keeps_to_the_scope_given,
            regions_are_read_by_codes_in_one_call,
            the_whole_region_tree_imports_and_reimports,
            region_uses_name_where_live_scopes_and_records_are_placed,
            organisations_and_users_are_listed_by_scope,
            a_duplicate_username_is_refused_and_nothing_is_written,
            a_stale_update_is_a_conflict_and_changes_nothing,
            sessions_expire_and_can_be_revoked,
            a_totp_step_and_a_recovery_code_are_each_taken_once,
            every_write_extends_the_audit_chain_and_the_change_feed,
            concurrent_writers_keep_one_audit_chain_and_an_ordered_change_feed,
            the_entries_about_a_record_are_read_oldest_first,
            a_failing_write_does_not_undo_the_writes_committed_with_it,
            eight_requests_with_one_key_write_once_and_answer_alike,
            a_failed_write_keeps_no_claim_and_answers_expire_or_go_with_the_client,
            a_reader_following_the_change_feed_misses_no_write,
            a_withdrawal_racing_a_screening_never_lets_it_land_after,
            client_codes_are_random_and_unique_and_a_nik_finds_every_client_holding_it,
            concurrent_registrations_in_one_regency_get_distinct_codes,
            client_lists_follow_reach_assignment_and_live_grants,
            client_facts_are_appended_in_date_order,
            assigning_a_client_from_a_stale_version_is_a_conflict,
            erasing_a_client_destroys_its_key_and_sealed_data,
            a_break_glass_grant_is_reviewed_once,
            sealed_keys_are_initialised_once_and_rewrapped_from_the_version_read,
            assessments_are_kept_as_history_and_approved_once,
            settings_change_only_from_the_version_read,
            bersinar_steps_are_numbered_and_targets_versioned,
            units_are_one_per_village_and_agents_one_per_unit,
            a_user_is_placed_from_the_version_read_and_clients_left_behind_are_seen,
            full_attendance_earns_one_certificate_and_activities_are_tallied,
            supervision_visits_agent_work_and_idle_agents_are_read_by_unit_and_scope,
            office_activities_are_read_by_place_and_paged_and_voided_like_unit_ones,
            deliveries_are_queued_with_new_notifications_claimed_once_and_counted_by_scope,
            peer_programme_counts_are_kept_as_history_and_summed,
            boundaries_are_replaced_by_a_reimport_and_read_by_level,
            the_latest_decree_of_every_village_is_read_at_once,
            services_are_found_by_type_and_by_the_region_they_cover,
            a_referral_moves_only_from_the_version_read_and_keeps_its_steps,
            an_overdue_referral_is_escalated_once_even_by_racing_workers,
            hand_offs_are_linked_to_past_clients_only_as_counts,
            facts_are_read_across_a_reach_and_a_month_is_checked_once,
            facts_written_together_are_stored_all_or_none,
            a_client_has_one_open_plan_at_most,
            the_pending_visit_of_open_plans_is_listed_by_reach,
            due_facts_and_caseloads_are_read_across_a_scope,
            aftercare_counts_take_completed_ends_and_relapses_during_them,
            services_are_put_by_id_all_or_nothing_and_read_by_organisation_scope);
    };
    (@each $fresh:path; $($name:ident),*) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let Some((store, _guard)) = $fresh().await else { return };
                store
                    .set_chain_key($crate::conformance::CHAIN_KEY.clone())
                    .expect("chain key");
                $crate::conformance::$name(&*store).await;
            }
        )*
    };
}

/// The key the suite's stores chain their audit entries with.
pub static CHAIN_KEY: ChainKey = ChainKey::new([42; 32]);

/// A verifier of a chain with `head`, keyed as the suite keys its stores.
pub fn verifier(head: &ChainHead) -> ChainVerifier<'static> {
    ChainVerifier::new(Links {
        keyed_from: head.keyed_from,
        key: &CHAIN_KEY,
    })
}

fn code(s: &str) -> RegionCode {
    RegionCode::parse(s).expect("valid code")
}

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(Utc::now().timestamp_millis()).expect("valid time")
}

fn event(action: &str, region: &str) -> AuditEvent {
    AuditEvent {
        at: now(),
        actor: None,
        action: action.into(),
        record_type: "test".into(),
        record_id: None,
        region: region.into(),
        ip: Some("127.0.0.1".into()),
        detail: "{}".into(),
    }
}

fn org(name: &str, place: Scope) -> Organisation {
    Organisation {
        id: OrgId::new(),
        name: name.into(),
        org_type: OrgType::Bnn,
        place,
        version: 1,
        created_at: now(),
    }
}

fn user(username: &str, org: &Organisation, scope: Scope) -> User {
    User {
        id: UserId::new(),
        username: username.into(),
        display_name: format!("{username} display"),
        role: Role::Coordinator,
        org_id: org.id,
        scope,
        password_hash: "$argon2id$placeholder".into(),
        disabled: false,
        must_change_password: false,
        totp: None,
        link: None,
        version: 1,
        created_at: now(),
    }
}

/// The uses of codes count live users and organisations by their place, not disabled
/// users, and never the national scope.
pub async fn region_uses_name_where_live_scopes_and_records_are_placed(store: &dyn Store) {
    let national = org("BNN RI", Scope::National);
    let batam = org("BNNK Batam", Scope::Region(code("21.71")));
    let village = Scope::Region(code("21.71.05.1001"));
    for o in [&national, &batam] {
        store
            .create_org(o, &event("org.create", o.place.as_str()))
            .await
            .expect("create org");
    }
    let gone = User {
        disabled: true,
        ..user("gone", &batam, village.clone())
    };
    for u in [
        user("one", &batam, village.clone()),
        user("two", &batam, village.clone()),
        user("boss", &national, Scope::National),
        gone,
    ] {
        store
            .create_user(&u, &event("user.create", "21.71"))
            .await
            .expect("create user");
    }
    let mut uses = store.region_uses().await.expect("uses");
    uses.sort_by(|a, b| a.code.cmp(&b.code).then_with(|| a.what.cmp(&b.what)));
    let found: Vec<(&str, &str, i64)> = uses
        .iter()
        .map(|u| (u.code.as_str(), u.what.as_str(), u.count))
        .collect();
    assert_eq!(
        found,
        [("21.71", "organisations", 1), ("21.71.05.1001", "users", 2)]
    );
}

/// Lists filter by scope in SQL: a regency sees itself and below, never a neighbour.
pub async fn organisations_and_users_are_listed_by_scope(store: &dyn Store) {
    let national = org("BNN RI", Scope::National);
    let batam = org("BNNK Batam", Scope::Region(code("21.71")));
    let village = org("IBM Tanjung Riau", Scope::Region(code("21.71.05.1001")));
    let sanggau = org("BNNK Sanggau", Scope::Region(code("61.03")));
    for o in [&national, &batam, &village, &sanggau] {
        store
            .create_org(o, &event("org.create", o.place.as_str()))
            .await
            .expect("create org");
    }
    let names = |orgs: Vec<Organisation>| orgs.into_iter().map(|o| o.name).collect::<Vec<_>>();
    let in_batam = store
        .list_orgs(&Scope::Region(code("21.71")))
        .await
        .expect("list");
    assert_eq!(names(in_batam), ["BNNK Batam", "IBM Tanjung Riau"]);
    assert_eq!(
        store.list_orgs(&Scope::National).await.expect("list").len(),
        4
    );
    assert_eq!(
        store.org(sanggau.id).await.expect("read"),
        Some(sanggau.clone())
    );

    for (name, o) in [("batam.admin", &batam), ("sanggau.admin", &sanggau)] {
        let u = user(name, o, o.place.clone());
        store
            .create_user(&u, &event("user.create", o.place.as_str()))
            .await
            .expect("create user");
        assert_eq!(store.user(u.id).await.expect("read"), Some(u.clone()));
        assert_eq!(store.user_by_username(name).await.expect("read"), Some(u));
    }
    let users = store
        .list_users(&Scope::Region(code("21")))
        .await
        .expect("list");
    assert_eq!(
        users
            .iter()
            .map(|u| u.username.as_str())
            .collect::<Vec<_>>(),
        ["batam.admin"]
    );
    assert_eq!(store.user_count().await.expect("count"), 2);
}

/// A unique violation becomes `Duplicate` and leaves no audit entry behind.
pub async fn a_duplicate_username_is_refused_and_nothing_is_written(store: &dyn Store) {
    let o = org("BNNK Batam", Scope::Region(code("21.71")));
    store
        .create_org(&o, &event("org.create", "21.71"))
        .await
        .expect("create org");
    store
        .create_user(
            &user("sari", &o, o.place.clone()),
            &event("user.create", "21.71"),
        )
        .await
        .expect("create");
    let before = store.audit_range(0, 1000).await.expect("audit").len();
    let err = store
        .create_user(
            &user("sari", &o, o.place.clone()),
            &event("user.create", "21.71"),
        )
        .await;
    assert!(
        matches!(err, Err(StoreError::Duplicate("username"))),
        "{err:?}"
    );
    let missing_org = org("Not stored", Scope::National);
    let err = store
        .create_user(
            &user("budi", &missing_org, Scope::National),
            &event("user.create", "ID"),
        )
        .await;
    assert!(
        matches!(err, Err(StoreError::MissingReference(_))),
        "{err:?}"
    );
    assert_eq!(
        store.audit_range(0, 1000).await.expect("audit").len(),
        before
    );
    assert_eq!(store.user_count().await.expect("count"), 1);
}

/// Optimistic concurrency: an update based on an old version is refused.
pub async fn a_stale_update_is_a_conflict_and_changes_nothing(store: &dyn Store) {
    let o = org("BNNK Batam", Scope::Region(code("21.71")));
    store
        .create_org(&o, &event("org.create", "21.71"))
        .await
        .expect("create org");
    let u = user("sari", &o, o.place.clone());
    store
        .create_user(&u, &event("user.create", "21.71"))
        .await
        .expect("create");
    let disable = UserUpdate {
        id: u.id,
        expected_version: 1,
        disabled: Some(true),
        password: None,
        revoke_sessions: Some(None),
    };
    let updated = store
        .update_user(&disable, &event("user.disable", "21.71"))
        .await
        .expect("update");
    assert_eq!((updated.version, updated.disabled), (2, true));
    let stale = UserUpdate {
        disabled: Some(false),
        ..disable.clone()
    };
    assert!(matches!(
        store
            .update_user(&stale, &event("user.enable", "21.71"))
            .await,
        Err(StoreError::Conflict)
    ));
    let unknown = UserUpdate {
        id: UserId::new(),
        ..disable
    };
    assert!(matches!(
        store
            .update_user(&unknown, &event("user.enable", "21.71"))
            .await,
        Err(StoreError::NotFound)
    ));
    let now_stored = store.user(u.id).await.expect("read").expect("exists");
    assert_eq!((now_stored.version, now_stored.disabled), (2, true));
}

/// Sessions are found by token hash until they expire or are revoked.
pub async fn sessions_expire_and_can_be_revoked(store: &dyn Store) {
    let o = org("BNNK Batam", Scope::Region(code("21.71")));
    store
        .create_org(&o, &event("org.create", "21.71"))
        .await
        .expect("create org");
    let u = user("sari", &o, o.place.clone());
    store
        .create_user(&u, &event("user.create", "21.71"))
        .await
        .expect("create");
    let session = |kind| Session {
        id: SessionId::new(),
        user_id: u.id,
        kind,
        csrf_token: "csrf".into(),
        created_at: now(),
        expires_at: now() + Duration::hours(1),
        last_seen_at: now(),
    };
    let (web, api) = (session(SessionKind::Web), session(SessionKind::Api));
    store
        .create_session(&web, "hash-web", &event("session.login", "21.71"))
        .await
        .expect("create");
    store
        .create_session(&api, "hash-api", &event("session.token", "21.71"))
        .await
        .expect("create");
    let (found, owner) = store
        .session_by_token_hash("hash-api", now())
        .await
        .expect("read")
        .expect("live");
    assert_eq!((found, owner.id), (api.clone(), u.id));
    assert!(
        store
            .session_by_token_hash("hash-api", now() + Duration::hours(2))
            .await
            .expect("read")
            .is_none()
    );
    store
        .revoke_session(api.id, &event("session.revoke", "21.71"))
        .await
        .expect("revoke");
    assert!(
        store
            .session_by_token_hash("hash-api", now())
            .await
            .expect("read")
            .is_none()
    );
    let reset = UserUpdate {
        id: u.id,
        expected_version: 1,
        disabled: None,
        password: Some(("new".into(), true)),
        revoke_sessions: Some(None),
    };
    store
        .update_user(&reset, &event("user.reset_password", "21.71"))
        .await
        .expect("update");
    assert!(
        store
            .session_by_token_hash("hash-web", now())
            .await
            .expect("read")
            .is_none()
    );
}

/// The audit chain verifies and the change feed is monotonic and scoped.
pub async fn every_write_extends_the_audit_chain_and_the_change_feed(store: &dyn Store) {
    let batam = org("BNNK Batam", Scope::Region(code("21.71")));
    let sanggau = org("BNNK Sanggau", Scope::Region(code("61.03")));
    store
        .create_org(&batam, &event("org.create", "21.71"))
        .await
        .expect("create");
    store
        .create_org(&sanggau, &event("org.create", "61.03"))
        .await
        .expect("create");
    store
        .append_audit(&event("client.read", "21.71.05"))
        .await
        .expect("append");
    let entries = store.audit_range(0, 100).await.expect("audit");
    assert_eq!(entries.len(), 3);
    let mut verifier = verifier(&store.audit_head().await.expect("head"));
    for e in &entries {
        verifier.check(e).expect("intact chain");
    }
    let page = store
        .audit_page(&Scope::Region(code("21.71")), None, 10)
        .await
        .expect("page");
    assert_eq!(
        page.iter()
            .map(|e| e.event.action.as_str())
            .collect::<Vec<_>>(),
        ["client.read", "org.create"]
    );
    let older = store
        .audit_page(&Scope::National, Some(entries[2].seq), 10)
        .await
        .expect("page");
    assert_eq!(older.len(), 2);

    let all = store
        .changes_after(&Scope::National, 0, 100)
        .await
        .expect("changes");
    assert_eq!(all.len(), 2);
    assert!(all[0].seq < all[1].seq);
    let batam_only = store
        .changes_after(&Scope::Region(code("21")), 0, 100)
        .await
        .expect("changes");
    assert_eq!(
        batam_only
            .iter()
            .map(|c| c.entity_id.clone())
            .collect::<Vec<_>>(),
        [batam.id.to_string()]
    );
    assert!(
        store
            .changes_after(&Scope::National, all[1].seq, 100)
            .await
            .expect("changes")
            .is_empty()
    );
}

/// Many writes at once still form one intact chain and a gap-free, ordered feed.
pub async fn concurrent_writers_keep_one_audit_chain_and_an_ordered_change_feed(store: &dyn Store) {
    let orgs: Vec<Organisation> = (0..48)
        .map(|n| org(&format!("Org {n}"), Scope::Region(code("21.71"))))
        .collect();
    let writes = orgs.iter().map(|o| async move {
        store.create_org(o, &event("org.create", "21.71")).await?;
        store.append_audit(&event("org.read", "21.71")).await
    });
    for result in futures::future::join_all(writes).await {
        result.expect("write");
    }
    let mut verifier = verifier(&store.audit_head().await.expect("head"));
    for entry in store.audit_range(0, 1000).await.expect("audit") {
        verifier.check(&entry).expect("intact chain");
    }
    assert_eq!(verifier.checked(), 96);
    let changes = store
        .changes_after(&Scope::National, 0, 1000)
        .await
        .expect("changes");
    let seqs: Vec<i64> = changes.iter().map(|c| c.seq).collect();
    assert_eq!(seqs, (1..=48).collect::<Vec<_>>());
}

/// Writes that fail (here: duplicate usernames) among many at once leave no trace, and
/// the others are stored with their audit entries (group commit keeps each write whole).
pub async fn a_failing_write_does_not_undo_the_writes_committed_with_it(store: &dyn Store) {
    let o = org("BNNK Batam", Scope::Region(code("21.71")));
    store
        .create_org(&o, &event("org.create", "21.71"))
        .await
        .expect("create org");
    let users: Vec<User> = (0..40)
        .map(|n| user(&format!("user{}", n % 20), &o, o.place.clone()))
        .collect();
    let created = event("user.create", "21.71");
    let writes = users.iter().map(|u| store.create_user(u, &created));
    let results = futures::future::join_all(writes).await;
    let ok = results.iter().filter(|r| r.is_ok()).count();
    let duplicates = results
        .iter()
        .filter(|r| matches!(r, Err(StoreError::Duplicate("username"))))
        .count();
    assert_eq!((ok, duplicates), (20, 20));
    assert_eq!(store.user_count().await.expect("count"), 20);
    let entries = store.audit_range(0, 1000).await.expect("audit");
    assert_eq!(
        entries
            .iter()
            .filter(|e| e.event.action == "user.create")
            .count(),
        20
    );
    let mut verifier = verifier(&store.audit_head().await.expect("head"));
    for entry in &entries {
        verifier.check(entry).expect("intact chain");
    }
}
