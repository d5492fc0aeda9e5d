//! Refusing requests that another site makes a browser send. The session cookie is
//! `SameSite=Lax`, so it rides along when a page elsewhere links or redirects to Pulih: a
//! link could make a logged-in counsellor open a client's record, an audited read in the
//! counsellor's name. Browsers say where a request comes from in `Sec-Fetch-Site`; a request
//! from another site (`cross-site`, or `same-site`: a sibling subdomain is another
//! application) is refused except at the entry points (`/`, `/login`, a one-time link's
//! page — sent by WhatsApp or e-mail, it shows only its own account's name —, static files
//! and the probes). `same-origin` and `none` (typed, bookmarked) pass, and so do requests without
//! the header: scripts and phones send none, and carry bearer tokens, not cookies.

use axum::extract::Request;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::WebError;

/// Answers a request from another site with 403, unless it opens an entry point.
pub async fn refuse_other_sites(request: Request, next: Next) -> Response {
    let from_other_site = matches!(
        request
            .headers()
            .get("sec-fetch-site")
            .map(|v| v.as_bytes()),
        Some(b"cross-site" | b"same-site")
    );
    if from_other_site && !entry_point(request.method(), request.uri().path()) {
        return WebError::OtherSite.into_response();
    }
    next.run(request).await
}

/// Where another site may send a user: pages that read nothing of anyone.
fn entry_point(method: &Method, path: &str) -> bool {
    (method == Method::GET || method == Method::HEAD)
        && (matches!(path, "/" | "/login" | "/healthz" | "/readyz")
            || path.starts_with("/static/")
            || path.starts_with("/link/"))
}
