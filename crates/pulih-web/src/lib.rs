//! Pulih over HTTP: thin handlers that parse input, call one use-case and render.
//! HTML pages (askama, htmx) and the JSON API under `/api/v1` share the same use-cases.

mod api;
mod auth;
mod error;
mod fetch_site;
mod found;
mod i18n;
mod idempotency;
mod metrics;
mod notice;
mod pages;
mod routes;
mod server;

use std::sync::Arc;

use axum::http::HeaderMap;
use pulih_app::App;

pub use error::WebError;
pub use i18n::{I18n, Lang};
pub use metrics::{Metrics, MetricsToken};
pub use routes::router;
pub use server::{Limits, serve};

/// Settings of the web edge.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Whether cookies are `Secure` (and named `__Host-…`): always (`Some(true)`), never
    /// (`Some(false)`, plain HTTP off this machine), or by default (`None`) unless the
    /// request was addressed to this machine (`localhost`, `127.0.0.1`, `[::1]`) over
    /// plain HTTP.
    pub secure_cookies: Option<bool>,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy that sets it).
    pub trust_proxy: bool,
    /// The bearer token a metrics scraper sends for `/metrics`; without one, `/metrics`
    /// answers nobody.
    pub metrics_token: Option<MetricsToken>,
    /// Timeouts and the connection limit.
    pub limits: Limits,
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The use-cases.
    pub app: App,
    /// Texts in both languages.
    pub i18n: Arc<I18n>,
    /// Request counters for `/metrics`.
    pub metrics: Arc<Metrics>,
    /// Web settings.
    pub config: WebConfig,
    /// The success status of each API operation (`POST /organisations` → 201), from the
    /// API description: what a repeated idempotent request is answered with.
    pub success: Arc<api::openapi::SuccessStatuses>,
}

impl AppState {
    /// Builds the state; fails only if the embedded catalogues are malformed.
    pub fn new(app: App, config: WebConfig) -> Result<Self, toml::de::Error> {
        Ok(Self {
            app,
            i18n: Arc::new(I18n::load()?),
            metrics: Arc::new(Metrics::default()),
            config,
            success: Arc::new(api::openapi::SuccessStatuses::from_document()),
        })
    }
}

/// The language of a request: the `lang` cookie, else `Accept-Language`, else Indonesian.
pub fn lang_of(headers: &HeaderMap) -> Lang {
    auth::cookie(headers, "lang")
        .and_then(|v| Lang::parse(&v))
        .or_else(|| {
            headers
                .get(axum::http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').find_map(Lang::parse))
        })
        .unwrap_or_default()
}
