//! The OpenAPI document and a docs page rendered from it, both served from the binary.

use askama::Template;
use axum::extract::State;
use std::collections::HashMap;

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::i18n::Tr;
use crate::pages::{Nav, render};
use crate::{AppState, lang_of};

/// The document, written by hand next to the routes it describes (a test keeps them in step).
pub const OPENAPI: &str = include_str!("openapi.json");

/// `GET /api/v1/openapi.json`.
pub async fn document() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

/// The success status of each operation in the document, by `METHOD /path/{template}`.
#[derive(Debug, Default)]
pub struct SuccessStatuses(HashMap<String, StatusCode>);

impl SuccessStatuses {
    /// Reads the statuses from [`OPENAPI`]: each operation's lowest 2xx response.
    pub fn from_document() -> Self {
        let doc: serde_json::Value = serde_json::from_str(OPENAPI).unwrap_or_default();
        let mut out = HashMap::new();
        for (path, methods) in doc["paths"].as_object().into_iter().flatten() {
            for (method, op) in methods.as_object().into_iter().flatten() {
                let success = op["responses"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .filter_map(|(code, _)| code.parse::<u16>().ok())
                    .filter(|code| (200..300).contains(code))
                    .min()
                    .and_then(|code| StatusCode::from_u16(code).ok());
                if let Some(status) = success {
                    out.insert(format!("{} {path}", method.to_uppercase()), status);
                }
            }
        }
        Self(out)
    }

    /// The success status of `method` on the route template `path` (under `/api/v1`);
    /// 200 for one the document does not list.
    pub fn of(&self, method: &str, path: &str) -> StatusCode {
        let path = path.strip_prefix("/api/v1").unwrap_or(path);
        self.0
            .get(&format!("{method} {path}"))
            .copied()
            .unwrap_or(StatusCode::OK)
    }
}

/// One operation on the docs page.
pub struct Operation {
    method: String,
    path: String,
    summary: String,
}

#[derive(Template)]
#[template(path = "api_docs.html")]
struct DocsPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    description: String,
    operations: Vec<Operation>,
}

/// The operations listed in the document, in document order.
pub fn operations() -> Vec<Operation> {
    let doc: serde_json::Value = serde_json::from_str(OPENAPI).unwrap_or_default();
    let mut out = Vec::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, methods) in paths {
            for (method, op) in methods.as_object().into_iter().flatten() {
                let summary = op["summary"].as_str().unwrap_or_default().to_owned();
                out.push(Operation {
                    method: method.to_uppercase(),
                    path: path.clone(),
                    summary,
                });
            }
        }
    }
    out
}

/// `GET /api/docs`: a readable list of the API, no JavaScript or CDN needed.
pub async fn docs_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let doc: serde_json::Value = serde_json::from_str(OPENAPI).unwrap_or_default();
    let description = doc["info"]["description"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let t = state.i18n.tr(lang_of(&headers));
    render(&DocsPage {
        t,
        nav: Nav {
            path: "/api/docs".into(),
            ..Nav::default()
        },
        description,
        operations: operations(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_api_route_is_documented_and_every_documented_path_is_routed() {
        let routes = include_str!("../routes.rs");
        let start = routes.find("let api = Router::new()").expect("api block");
        let end = routes.find("let pages").expect("pages block");
        // Every string literal in the block that starts with a slash is a route path,
        // besides the file imports, named in one list with their body limit.
        let routed: std::collections::BTreeSet<String> = routes[start..end]
            .split('"')
            .skip(1)
            .step_by(2)
            .filter(|s| s.starts_with('/'))
            .chain(crate::idempotency::FILE_ROUTES)
            .map(str::to_owned)
            .collect();
        let documented: std::collections::BTreeSet<String> =
            operations().into_iter().map(|o| o.path).collect();
        assert_eq!(routed, documented);
    }
}
