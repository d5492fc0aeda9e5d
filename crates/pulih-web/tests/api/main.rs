//! Black-box tests: the real router on port 0 over a fresh database, driven over HTTP.
//! Every test runs on SQLite and on PostgreSQL (skipped with a notice when no server
//! answers, except under `CI=true`).
#![expect(
    clippy::expect_used,
    reason = "test code: a panic is the failure message"
)]

mod helpers;

mod access;
mod access_report;
mod accounts;
mod activity_corrections;
mod activity_corrections_api;
mod activity_forms;
mod aftercare;
mod agents;
mod audit;
mod audit_neutral;
mod boundaries;
mod break_glass;
mod client_access;
mod client_pages;
mod client_reindex;
mod client_search;
mod clients;
mod consent_form;
mod dashboard_pages;
mod dashboard_suppression;
mod dashboards;
mod demo;
mod directory;
mod directory_hsds;
mod directory_pages;
mod disk_full;
mod edge;
mod erasure_leftovers;
mod fhir;
mod handoff_places;
mod home;
mod idempotency;
mod ikotan;
mod imports;
mod input;
mod linkage;
mod linkage_oracle;
mod links;
mod mous;
mod nik_checks;
mod office_activities;
mod ops;
mod outbound;
mod outbound_stubs;
mod people;
mod place_names;
mod place_pages;
mod programme;
mod programme_forms;
mod rakor;
mod raw_keys;
mod referrals;
mod regions;
mod registration_form;
mod regulations;
mod rollups_property;
mod teman_sebaya;
mod totp;
mod unit_member_forms;
mod unit_pages;
mod units;
mod user_form;
mod vocational;
mod web_security;
mod worklist;

mod partner_types;
mod programme_work;
mod typology;
