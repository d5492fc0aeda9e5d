//! The server's limits, as a slow or greedy client meets them: a request head sent in
//! part is cut off after the header timeout, a body that never arrives is answered 408
//! after the request timeout, and connections beyond the limit wait until one closes.

use std::time::{Duration, Instant};

use pulih_web::{Limits, WebConfig};
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::TestApp;

crate::on_both_backends!(
    config = super::config();
    a_half_sent_request_head_is_cut_off_after_the_header_timeout,
    a_body_that_never_arrives_is_answered_408_after_the_request_timeout,
    connections_beyond_the_limit_wait_until_others_close,
);

/// Limits short enough to reach in a test.
fn config() -> WebConfig {
    WebConfig {
        limits: Limits {
            header_timeout: Duration::from_secs(3),
            request_timeout: Duration::from_secs(1),
            max_connections: 3,
        },
        ..crate::helpers::web_config()
    }
}

/// A raw connection to the server.
async fn connect(app: &TestApp) -> TcpStream {
    let addr = app.address.trim_start_matches("http://");
    TcpStream::connect(addr).await.expect("connect")
}

/// Whether the server closes the connection within `wait`.
async fn closed_within(stream: &mut TcpStream, wait: Duration) -> bool {
    let mut received = Vec::new();
    tokio::time::timeout(wait, stream.read_to_end(&mut received))
        .await
        .is_ok()
}

async fn a_half_sent_request_head_is_cut_off_after_the_header_timeout(app: TestApp) {
    let mut stream = connect(&app).await;
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        .await
        .expect("write");
    let started = Instant::now();
    assert!(
        closed_within(&mut stream, Duration::from_secs(10)).await,
        "the connection is still open after 10 s, past the 3 s header timeout"
    );
    assert!(started.elapsed() >= Duration::from_millis(2500));
}

async fn a_body_that_never_arrives_is_answered_408_after_the_request_timeout(app: TestApp) {
    let mut stream = connect(&app).await;
    stream
        .write_all(
            b"POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\n\
              Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"user",
        )
        .await
        .expect("write");
    let mut head = [0u8; 12];
    let read = tokio::time::timeout(Duration::from_secs(6), stream.read_exact(&mut head)).await;
    assert!(
        read.is_ok(),
        "no answer 6 s after the head, past the 1 s request timeout"
    );
    assert_eq!(&head, b"HTTP/1.1 408");
}

async fn connections_beyond_the_limit_wait_until_others_close(app: TestApp) {
    // Three idle connections fill the limit (the test client may hold a fourth, pooled).
    let mut idle = Vec::new();
    for _ in 0..3 {
        idle.push(connect(&app).await);
    }
    let url = format!("{}/healthz", app.address);
    let probe = |wait| reqwest::Client::new().get(&url).timeout(wait).send();
    assert!(
        probe(Duration::from_millis(500)).await.is_err(),
        "a connection past the limit is served"
    );
    drop(idle);
    let served = probe(Duration::from_secs(5))
        .await
        .expect("served once the others closed");
    assert_eq!(served.status(), StatusCode::OK);
}
