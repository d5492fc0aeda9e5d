//! The few JSON API calls the bench makes to log in and set up its data.

use anyhow::{Context, Result, bail};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

use crate::load::snippet;

/// `POST path` with a JSON body, as the holder of `token` if one is given; the answer must
/// be 201 with a JSON body, which is returned.
pub async fn create(
    client: &Client,
    base_url: &str,
    path: &str,
    token: Option<&str>,
    body: &Value,
) -> Result<Value> {
    send(
        client,
        Method::POST,
        &format!("{base_url}{path}"),
        token,
        body,
        StatusCode::CREATED,
    )
    .await
}

/// `method url` with a JSON body, as the holder of `token` if one is given; the answer must
/// have status `expect` and a JSON body, which is returned.
pub async fn send(
    client: &Client,
    method: Method,
    url: &str,
    token: Option<&str>,
    body: &Value,
    expect: StatusCode,
) -> Result<Value> {
    let mut request = client.request(method.clone(), url).json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request
        .send()
        .await
        .with_context(|| format!("{method} {url}"))?;
    let status = response.status();
    let text = response
        .text()
        .await
        .with_context(|| format!("reading the answer to {method} {url}"))?;
    if status != expect {
        bail!(
            "{method} {url} answered {status}, not {expect}: {}",
            snippet(&text)
        );
    }
    serde_json::from_str(&text)
        .with_context(|| format!("{method} {url} did not answer JSON: {}", snippet(&text)))
}

/// `POST /api/v1/session`; returns the bearer token.
pub async fn login(
    client: &Client,
    base_url: &str,
    username: &str,
    password: &str,
) -> Result<String> {
    let body = json!({ "username": username, "password": password });
    let answer = create(client, base_url, "/api/v1/session", None, &body)
        .await
        .with_context(|| format!("logging in as {username}"))?;
    text_field(&answer, "token")
}

/// A string field of a JSON answer, e.g. the `id` of what was created.
pub fn text_field(answer: &Value, field: &str) -> Result<String> {
    answer
        .get(field)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .with_context(|| {
            format!(
                "the answer has no {field}: {}",
                snippet(&answer.to_string())
            )
        })
}
