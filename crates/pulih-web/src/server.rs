//! Serving the router on a TCP listener, with the limits a server facing the internet
//! needs and `axum::serve` does not set: a connection that has not sent its whole request
//! head within [`Limits::header_timeout`] is closed, a request not answered within
//! [`Limits::request_timeout`] is answered 408 (the layer is in `routes.rs`), and at most
//! [`Limits::max_connections`] connections are open at once (further ones wait in the
//! listen queue). Graceful shutdown stops accepting, lets requests in flight finish and
//! closes idle connections.

use std::net::SocketAddr;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tower::ServiceExt;

use crate::AppState;

/// Limits on connections and requests.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Time a connection has to send a request's head (request line and headers).
    pub header_timeout: Duration,
    /// Time a request has from its head to its answer, body upload included.
    pub request_timeout: Duration,
    /// Connections open at once.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(300),
            max_connections: 1024,
        }
    }
}

/// Serves the application on `listener` until `shutdown` resolves, then waits for the
/// open connections to finish their requests.
pub async fn serve(listener: TcpListener, state: AppState, shutdown: impl Future<Output = ()>) {
    let limits = state.config.limits;
    let router = crate::router(state);
    let max = u32::try_from(limits.max_connections.clamp(1, 1 << 20)).unwrap_or(1 << 20);
    let permits = Arc::new(Semaphore::new(max as usize));
    // Dropping the sender tells every connection to shut down gracefully.
    let (stop_tx, stop_rx) = watch::channel(());
    let mut shutdown = pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request
                .extensions_mut()
                .insert(ConnectInfo::<SocketAddr>(remote));
            router.clone().oneshot(request.map(Body::new))
        });
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout);
            let mut connection = pin!(builder.serve_connection(TokioIo::new(stream), service));
            let mut stopping = false;
            loop {
                tokio::select! {
                    result = connection.as_mut() => {
                        if let Err(e) = result {
                            tracing::debug!(error = %e, "connection ended with an error");
                        }
                        break;
                    }
                    _ = stop.changed(), if !stopping => {
                        stopping = true;
                        connection.as_mut().graceful_shutdown();
                    }
                }
            }
            drop(permit);
        });
    }
    drop(stop_tx);
    // Every connection holds a permit until it ends: all of them back means all ended.
    let _all = permits.acquire_many(max).await;
}
