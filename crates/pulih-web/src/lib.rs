//! Pulih over HTTP: thin handlers that parse input, call one use-case and render.
//! HTML pages (askama, htmx) and the JSON API under `/api/v1` share the same use-cases.

mod api;
mod auth;
mod error;
mod found;
mod i18n;
mod idempotency;
mod metrics;
mod pages;
mod routes;

use std::sync::Arc;

use axum::http::HeaderMap;
use pulih_app::App;

pub use error::WebError;
pub use i18n::{I18n, Lang};
pub use metrics::Metrics;
pub use routes::router;

/// Settings of the web edge.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Mark cookies `Secure` (the server is reached over HTTPS, e.g. behind a proxy).
    pub secure_cookies: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy that sets it).
    pub trust_proxy: bool,
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
