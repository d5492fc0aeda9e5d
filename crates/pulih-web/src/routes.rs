//! Every route of the server, in one place.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post, put};
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use crate::idempotency::{FILE_ROUTES, MAX_BODY, MAX_IMPORT_BODY, idempotency};
use crate::{AppState, api, error, fetch_site, metrics, notice, pages};

/// The whole application: pages, API, static files, operations endpoints.
pub fn router(state: AppState) -> Router {
    let request_timeout = state.config.limits.request_timeout;
    let [regions_import, directory_import, boundaries_import] = FILE_ROUTES;
    let api = Router::new()
        .route(
            "/session",
            post(api::session::create).delete(api::session::revoke),
        )
        .route("/me", get(api::session::me))
        .route("/me/password", post(api::session::change_password))
        .route("/me/totp", post(api::session::begin_totp))
        .route("/me/totp/confirm", post(api::session::confirm_totp))
        .route("/me/totp/disable", post(api::session::disable_totp))
        .route("/me/channels", get(api::channels::mine))
        .route(
            "/me/channels/{channel}",
            put(api::channels::set).delete(api::channels::remove),
        )
        .route("/deliveries", get(api::channels::deliveries))
        .route("/regions", get(api::regions::search))
        .route(
            regions_import,
            post(api::regions::import).layer(DefaultBodyLimit::max(MAX_IMPORT_BODY)),
        )
        .route("/regions/{code}", get(api::regions::one))
        .route("/regions/{code}/children", get(api::regions::children))
        .route("/regions/{code}/linkage", get(api::handoffs::linkage))
        .route(
            "/handoffs",
            get(api::handoffs::list).post(api::handoffs::create),
        )
        .route("/handoffs/bulk", post(api::handoffs::bulk))
        .route(
            "/organisations",
            get(api::orgs::list).post(api::orgs::create),
        )
        .route("/organisations/{id}", get(api::orgs::one))
        .route("/users", get(api::users::list).post(api::users::create))
        .route(
            "/users/{id}",
            get(api::users::one).patch(api::people::change),
        )
        .route("/open-links", get(api::people::open_links))
        .route("/users/{id}/disable", post(api::users::disable))
        .route("/users/{id}/enable", post(api::users::enable))
        .route(
            "/users/{id}/reset-password",
            post(api::users::reset_password),
        )
        .route("/users/{id}/revoke-link", post(api::users::revoke_link))
        .route(
            "/links/{token}",
            get(api::users::link).post(api::users::redeem_link),
        )
        .route(
            "/clients",
            get(api::clients::list).post(api::clients::create),
        )
        .route("/clients/{id}", get(api::clients::one))
        .route("/clients/{id}/export", get(api::clients::export))
        .route("/clients/{id}/fhir", get(api::fhir::client))
        .route("/clients/{id}/access-report", get(api::access_report::show))
        .route("/clients/{id}/consents", post(api::clients::consent))
        .route(
            "/clients/{id}/consents/{consent}/withdrawal",
            post(api::clients::withdraw),
        )
        .route("/clients/{id}/episodes", post(api::clients::episode))
        .route(
            "/clients/{id}/episodes/{episode}/tat-assessment",
            post(api::clients::tat_assessment),
        )
        .route(
            "/clients/{id}/screenings/assist",
            post(api::clients::assist),
        )
        .route(
            "/clients/{id}/screenings/barc10",
            post(api::clients::barc10),
        )
        .route("/clients/{id}/care-steps", post(api::clients::care_step))
        .route("/clients/{id}/care-plans", post(api::clients::care_plan))
        .route(
            "/clients/{id}/vocational/enrolments",
            post(api::vocational::enrolment),
        )
        .route(
            "/clients/{id}/vocational/completions",
            post(api::vocational::completion),
        )
        .route(
            "/clients/{id}/vocational/placements",
            post(api::vocational::placement),
        )
        .route(
            "/clients/{id}/vocational/retention-checks",
            post(api::vocational::retention_check),
        )
        .route("/clients/{id}/vocational/exit", post(api::vocational::exit))
        .route(
            "/regions/{code}/outcomes/vocational",
            get(api::vocational::outcomes),
        )
        .route("/clients/{id}/aftercare-plans", post(api::aftercare::plan))
        .route("/clients/{id}/follow-ups", post(api::aftercare::follow_up))
        .route("/clients/{id}/aftercare-end", post(api::aftercare::end))
        .route("/clients/{id}/relapses", post(api::aftercare::relapse))
        .route(
            "/regions/{code}/outcomes/aftercare",
            get(api::aftercare::outcomes),
        )
        .route("/clients/{id}/assignment", put(api::clients::assign))
        .route("/clients/{id}/erasure", post(api::clients::erase))
        .route(
            "/break-glass",
            get(api::access::list).post(api::access::request),
        )
        .route("/break-glass/{id}/review", post(api::access::review))
        .route(
            "/villages/{code}/ikn",
            get(api::programme::ikn_history).post(api::programme::ikn_record),
        )
        .route("/assessments/{id}/approval", post(api::programme::approve))
        .route(
            "/villages/{code}/ibm-unit",
            get(api::units::village_unit).post(api::units::form),
        )
        .route("/ibm-units/{id}", get(api::units::one))
        .route("/ibm-units/{id}/members", post(api::units::add_member))
        .route("/ibm-units/{id}/invitations", post(api::people::invite))
        .route(
            "/ibm-units/{id}/members/{user}",
            put(api::units::change_member),
        )
        .route("/ibm-units/{id}/trainings", post(api::units::plan_training))
        .route(
            "/ibm-units/{id}/activities",
            post(api::units::record_activity),
        )
        .route("/activities/{id}", put(api::units::correct_activity))
        .route("/activities/{id}/void", post(api::units::void_activity))
        .route("/trainings/{id}", get(api::units::training))
        .route("/trainings/{id}/attendance", post(api::units::attendance))
        .route("/villages/{code}/activities", get(api::units::activities))
        .route("/ibm-units/{id}/agents/{user}", get(api::agents::agent))
        .route(
            "/ibm-units/{id}/supervision-visits",
            get(api::agents::visits).post(api::agents::record_visit),
        )
        .route("/ibm-units/{id}/officers", get(api::agents::officers))
        .route("/worklist", get(api::worklist::show))
        .route("/dashboards/{node}", get(api::dashboards::show))
        .route(
            "/clients/{id}/referrals",
            get(api::referrals::of_client).post(api::referrals::send),
        )
        .route("/referrals", get(api::referrals::list))
        .route("/referrals/{id}", get(api::referrals::one))
        .route("/referrals/{id}/moves", post(api::referrals::make_move))
        .route(
            "/regions/{code}/outcomes/referrals",
            get(api::referrals::outcomes),
        )
        .route("/notifications", get(api::referrals::notifications))
        .route("/notifications/read", post(api::referrals::mark_read))
        .route(
            "/settings/referral-deadlines",
            get(api::referrals::deadlines).put(api::referrals::set_deadlines),
        )
        .route(
            "/partner-services",
            get(api::directory::search).post(api::directory::create),
        )
        .route("/partner-services/export", get(api::directory::export))
        .route(
            directory_import,
            post(api::directory::import).layer(DefaultBodyLimit::max(MAX_IMPORT_BODY)),
        )
        .route(
            "/villages/{code}/bersinar",
            get(api::programme::bersinar_history).post(api::programme::bersinar_step),
        )
        .route(
            "/regencies/{code}/bersinar",
            get(api::programme::bersinar_overview),
        )
        .route(
            "/regencies/{code}/bersinar-targets/{year}",
            put(api::programme::set_target),
        )
        .route(
            "/settings/ikn-thresholds",
            get(api::programme::thresholds).put(api::programme::set_thresholds),
        )
        .route(
            "/regencies/{code}/ikotan",
            get(api::programme::ikotan_history).post(api::programme::ikotan_record),
        )
        .route("/audit", get(api::audit::page))
        .route("/audit/verify", get(api::audit::verify))
        .route("/openapi.json", get(api::openapi::document))
        .route(
            "/villages/{code}/schools",
            get(api::peers::schools).post(api::peers::add_school),
        )
        .route(
            "/schools/{id}/peer-educators",
            get(api::peers::educator_history).post(api::peers::record_educators),
        )
        .route(
            "/schools/{id}/sessions",
            get(api::peers::sessions).post(api::peers::record_session),
        )
        .route("/regencies/{code}/teman-sebaya", get(api::peers::summary))
        .route(
            "/rakor",
            get(api::coordination::list).post(api::coordination::record),
        )
        .route("/rakor/{id}", get(api::coordination::show))
        .route(
            "/rakor/{id}/action-items",
            post(api::coordination::add_item),
        )
        .route(
            "/action-items/{id}/status",
            post(api::coordination::item_status),
        )
        .route(
            "/mous",
            get(api::coordination::mous).post(api::coordination::record_mou),
        )
        .route("/mous/{id}", get(api::coordination::mou))
        .route("/mous/{id}/status", post(api::coordination::mou_status))
        .route(
            "/mous/{id}/referrals",
            post(api::coordination::link_referral),
        )
        .route(
            boundaries_import,
            post(api::boundaries::import).layer(DefaultBodyLimit::max(MAX_IMPORT_BODY)),
        )
        .route(
            "/settings/ikotan-bands",
            get(api::programme::ikotan_bands).put(api::programme::set_ikotan_bands),
        )
        .route(
            "/regions/{code}/regulations",
            get(api::regulations::list).post(api::regulations::record),
        )
        .route("/regulations/{id}", get(api::regulations::one))
        .route("/regulations/{id}/steps", post(api::regulations::step))
        .route(
            "/regions/{code}/office-activities",
            get(api::office_activities::list).post(api::office_activities::record),
        )
        .route(
            "/office-activities/{id}",
            get(api::office_activities::one).put(api::office_activities::correct),
        )
        .route(
            "/office-activities/{id}/void",
            post(api::office_activities::void),
        )
        .route(
            "/regencies/{code}/bersinar-decrees",
            get(api::regulations::decrees).post(api::regulations::record_decree),
        )
        .layer(from_fn_with_state(state.clone(), idempotency));

    let pages = Router::new()
        .route("/", get(pages::home))
        .route(pages::home::HOME, get(pages::home::show))
        .route("/login", get(pages::login::form).post(pages::login::submit))
        .route("/login/code", post(pages::login::submit_code))
        .route("/logout", post(pages::login::logout))
        .route(
            "/link/{token}",
            get(pages::links::form).post(pages::links::submit),
        )
        .route("/lang/{lang}", get(pages::switch_lang))
        .route("/regions", get(pages::regions::index))
        .route("/regions/search", get(pages::regions::search))
        .route("/places/suggest", get(pages::places::suggest))
        .route("/places/choose", get(pages::places::choose))
        .route("/regions/{code}", get(pages::regions::show))
        .route(
            "/villages/{code}/ikn",
            get(pages::ikn::form).post(pages::ikn::record),
        )
        .route("/villages/{code}/bersinar", post(pages::bersinar::step))
        .route(
            "/villages/{code}/ibm-unit",
            get(pages::units::new_unit).post(pages::units::form),
        )
        .route("/ibm-units/{id}", get(pages::units::show))
        .route(
            "/rakor",
            get(pages::rakor::index).post(pages::rakor::record),
        )
        .route("/rakor/{id}", get(pages::rakor::show))
        .route("/mous", get(pages::mous::index).post(pages::mous::record))
        .route("/mous/{id}", get(pages::mous::show))
        .route("/mous/{id}/status", post(pages::mous::status))
        .route("/mous/{id}/referrals", post(pages::mous::link_referral))
        .route("/rakor/{id}/action-items", post(pages::rakor::add_item))
        .route(
            "/rakor/{id}/action-items/{item}/status",
            post(pages::rakor::item_status),
        )
        .route(
            "/ibm-units/{id}/members",
            post(pages::units::members::add_member),
        )
        .route(
            "/ibm-units/{id}/invitations",
            post(pages::units::members::invite),
        )
        .route(
            "/ibm-units/{id}/members/{user}",
            post(pages::units::members::change_member),
        )
        .route(
            "/ibm-units/{id}/trainings",
            post(pages::units::plan_training),
        )
        .route(
            "/ibm-units/{id}/trainings/new",
            get(pages::units::new_training),
        )
        .route(
            "/ibm-units/{id}/activities/new",
            get(pages::activities::form),
        )
        .route(
            "/ibm-units/{id}/activities",
            post(pages::activities::record),
        )
        .route("/activities/{id}", post(pages::activities::correct))
        .route("/activities/{id}/edit", get(pages::activities::edit))
        .route("/activities/{id}/void", post(pages::activities::void))
        .route(
            "/ibm-units/{id}/agents/{user}",
            get(pages::units::agents::show),
        )
        .route(
            "/ibm-units/{id}/supervision-visits",
            post(pages::units::agents::record_visit),
        )
        .route("/trainings/{id}", get(pages::units::training::show))
        .route(
            "/trainings/{id}/attendance",
            post(pages::units::training::attendance),
        )
        .route("/worklist", get(pages::worklist::show))
        .route("/dashboard", get(pages::dashboard::own))
        .route("/dashboard/{node}", get(pages::dashboard::show))
        .route("/referrals", get(pages::referrals::index))
        .route("/referrals/{id}", get(pages::referrals::show))
        .route("/referrals/{id}/moves", post(pages::referrals::make_move))
        .route(
            "/clients/{id}/referrals",
            get(pages::referrals::of_client).post(pages::referrals::send),
        )
        .route("/notifications", get(pages::referrals::notifications))
        .route("/notifications/read", post(pages::referrals::mark_read))
        .route(
            "/handoffs",
            get(pages::handoffs::index).post(pages::handoffs::record),
        )
        .route("/handoffs/bulk", post(pages::handoffs::bulk))
        .route(
            "/partner-services",
            get(pages::directory::index).post(pages::directory::create),
        )
        .route(
            "/partner-services/export.zip",
            // the API handler: a browser session reaches it here, bearer tokens under /api
            get(api::directory::export),
        )
        .route(
            "/regencies/{code}/bersinar-targets",
            post(pages::bersinar::target),
        )
        .route("/orgs", get(pages::orgs::index).post(pages::orgs::create))
        .route(
            "/users",
            get(pages::users::index).post(pages::users::create),
        )
        .route(
            "/users/{id}",
            get(pages::people::show).post(pages::people::save),
        )
        .route("/users/{id}/{action}", post(pages::users::act))
        .route(
            "/account",
            get(pages::account::form).post(pages::account::change_password),
        )
        .route("/account/totp", post(pages::account::begin_totp))
        .route("/account/channels/{channel}", post(pages::channels::save))
        .route("/deliveries", get(pages::deliveries::index))
        .route("/account/totp/confirm", post(pages::account::confirm_totp))
        .route("/account/totp/disable", post(pages::account::disable_totp))
        .route("/audit", get(pages::audit::index))
        .route(
            "/clients",
            get(pages::clients::index).post(pages::clients::register),
        )
        .route("/clients/{id}", get(pages::clients::show))
        .route("/clients/{id}/export", get(pages::clients::export))
        .route(
            "/clients/{id}/export.json",
            // the API handler: a browser session reaches it here, bearer tokens under /api
            get(api::clients::export),
        )
        .route(
            "/clients/{id}/access-report",
            get(pages::clients::access_report),
        )
        .route(
            "/clients/{id}/access-report.json",
            // the API handler: a browser session reaches it here, bearer tokens under /api
            get(api::access_report::show),
        )
        .route(
            "/clients/{id}/consent",
            get(pages::clients::consent_form).post(pages::clients::consent_save),
        )
        .route(
            "/clients/{id}/consents/{consent}/withdraw",
            post(pages::clients::withdraw),
        )
        .route(
            "/clients/{id}/episode",
            get(pages::clients::episode_form).post(pages::clients::episode_save),
        )
        .route(
            "/clients/{id}/episodes/{episode}/assessment",
            post(pages::clients::assess),
        )
        .route(
            "/clients/{id}/assist",
            get(pages::clients::assist_form).post(pages::clients::assist_save),
        )
        .route(
            "/clients/{id}/assist/preview",
            post(pages::clients::assist_preview),
        )
        .route(
            "/clients/{id}/barc10",
            get(pages::clients::barc10_form).post(pages::clients::barc10_save),
        )
        .route("/clients/{id}/care-step", post(pages::clients::care_step))
        .route(
            "/clients/{id}/care-plan",
            get(pages::clients::care_plan_form).post(pages::clients::care_plan_save),
        )
        .route(
            "/clients/{id}/vocational/{step}",
            get(pages::clients::vocational_form).post(pages::clients::vocational_save),
        )
        .route("/clients/{id}/aftercare", get(pages::clients::aftercare))
        .route(
            "/clients/{id}/aftercare/plan",
            post(pages::clients::plan_save),
        )
        .route(
            "/clients/{id}/aftercare/follow-up",
            post(pages::clients::follow_up_save),
        )
        .route(
            "/clients/{id}/aftercare/end",
            post(pages::clients::end_save),
        )
        .route("/clients/{id}/relapse", post(pages::clients::relapse_save))
        .route("/clients/{id}/assign", post(pages::clients::assign))
        .route(
            "/clients/{id}/erase",
            get(pages::clients::erase_form).post(pages::clients::erase),
        )
        .route(
            "/break-glass",
            get(pages::break_glass::form).post(pages::break_glass::request),
        )
        .route("/break-glass/review", get(pages::break_glass::review_list))
        .route("/break-glass/{id}/review", post(pages::break_glass::review))
        .route("/api/docs", get(api::openapi::docs_page))
        .route(
            "/villages/{code}/schools",
            post(pages::teman_sebaya::add_school),
        )
        .route(
            "/villages/{code}/peer-educators",
            post(pages::teman_sebaya::record_educators),
        )
        .route(
            "/villages/{code}/peer-sessions",
            post(pages::teman_sebaya::record_session),
        )
        .route(
            "/regencies/{code}/ikotan",
            get(pages::ikotan::form).post(pages::ikotan::record),
        )
        .route(
            "/regions/{code}/regulations",
            post(pages::regulations::record),
        )
        .route("/regulations/{id}", get(pages::regulations::show))
        .route("/regulations/{id}/steps", post(pages::regulations::step))
        .route(
            "/regions/{code}/office-activities",
            get(pages::office_activities::list).post(pages::office_activities::record),
        )
        .route(
            "/regions/{code}/office-activities/new",
            get(pages::office_activities::form),
        )
        .route(
            "/office-activities/{id}",
            get(pages::office_activities::show).post(pages::office_activities::correct),
        )
        .route(
            "/office-activities/{id}/edit",
            get(pages::office_activities::edit),
        )
        .route(
            "/office-activities/{id}/void",
            post(pages::office_activities::void),
        )
        .route(
            "/regencies/{code}/bersinar-decrees",
            post(pages::bersinar_decree::record),
        );

    Router::new()
        .nest("/api/v1", api)
        .merge(pages)
        .route("/static/{file}", get(pages::assets::serve))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(pages::ops::ready))
        .route("/metrics", get(pages::ops::metrics))
        .fallback(pages::ops::not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            request_timeout,
        ))
        .layer(from_fn_with_state(state.clone(), notice::notices))
        .layer(from_fn(fetch_site::refuse_other_sites))
        .layer(from_fn_with_state(state.clone(), error::render_errors))
        .layer(from_fn_with_state(state.clone(), metrics::track))
        .layer(from_fn_with_state(state.clone(), pages::security_headers))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        // Pages and htmx over 3G: gzip where the browser takes it.
        .layer(CompressionLayer::new().gzip(true))
        .with_state(state)
}
