//! The web application: server-rendered pages that work without JavaScript (any script is an
//! addition, never a requirement), on the application layer that the command line uses too.
//! Handlers only read the request, call one operation and show its result.

mod api;
mod assets;
mod auth;
mod cache;
mod error;
mod forms;
mod middleware;
mod pages;
mod view;

use std::net::SocketAddr;

use axum::Router;
use cadre_app::App;

pub use api::openapi_json;
pub use auth::{Ctx, COOKIE};
pub use error::WebError;

/// What every handler is given.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    /// Cookies are sent only over HTTPS (`--secure-cookies`, or a proxy that says the request
    /// came over HTTPS).
    pub secure_cookies: bool,
    /// Behind a reverse proxy: the client's address is the one the proxy adds to
    /// `X-Forwarded-For` (`--trust-proxy`), not the proxy's own.
    pub trust_proxy: bool,
    /// The data version as last read, and the answers kept for it.
    live: std::sync::Arc<cache::Live>,
    /// Host names requests may name besides IP addresses and `localhost` (the host of
    /// `--public-url`): a page of another site whose name was pointed at this server (DNS
    /// rebinding) names its own, and is refused.
    pub public_hosts: std::sync::Arc<Vec<String>>,
    /// How long an import's request waits for it before answering with a progress page that
    /// refreshes itself (small files are answered at once).
    pub inline_wait: std::time::Duration,
}

impl AppState {
    /// The state of a server for `app` (uploads wait where the application layer keeps them).
    /// Everyone signs in; what they may do is the application layer's to say.
    pub fn new(app: App) -> AppState {
        AppState {
            app,
            secure_cookies: false,
            trust_proxy: false,
            live: Default::default(),
            public_hosts: Default::default(),
            inline_wait: std::time::Duration::from_secs(2),
        }
    }

    /// Reads the versions (the records', and what is shown besides) from the database.
    pub(crate) async fn refresh_version(&self) -> cache::Version {
        match self.app.versions().await {
            Ok(v) => {
                self.live.set_version(v);
                v
            }
            Err(_) => self.live.version(),
        }
    }
}

/// The largest upload accepted, in bytes.
pub const BODY_LIMIT: usize = 64 * 1024 * 1024;

/// The largest body of any other request (a form, an API record), in bytes.
pub const FORM_LIMIT: usize = 1024 * 1024;

/// Every route of the application.
pub fn router(state: AppState) -> Router {
    // Writes by other processes are seen by polling the data version (a few microseconds a
    // poll) and, on PostgreSQL, heard as they commit (several cadre processes may serve one
    // database): either way the warm engine follows them here, before a request asks. The
    // task ends with the last clone of the state.
    if let Ok(rt) = tokio::runtime::Handle::try_current() {
        let live = std::sync::Arc::downgrade(&state.live);
        let poller = state.clone();
        rt.spawn(async move {
            let app = poller.app.clone();
            drop(poller);
            let mut heard = app.follow_versions().await.ok().flatten();
            let mut behind = None;
            loop {
                match &mut heard {
                    Some(versions) => {
                        tokio::select! {
                            v = versions.recv() => if v.is_none() { heard = None },
                            _ = tokio::time::sleep(cache::POLL) => {}
                        }
                    }
                    None => tokio::time::sleep(cache::POLL).await,
                }
                let Some(live) = live.upgrade() else { break };
                // What was heard only wakes the task: the versions are read, in order.
                let Ok((v, shown)) = app.versions().await else {
                    continue;
                };
                live.set_version((v, shown));
                // An engine behind the store is built again once it is still behind at the
                // next look: this process's own writes put themselves into the engine within
                // that time, and only another's are left to follow.
                if app.engine_version().is_some_and(|held| held != v) {
                    if behind == Some(v) {
                        if let Err(e) = app.catch_up_to(v).await {
                            tracing::warn!("the report engine could not follow a write: {e}");
                        }
                        behind = None;
                    } else {
                        behind = Some(v);
                    }
                } else {
                    behind = None;
                }
            }
        });
    }
    let routes = pages::routes()
        .merge(pages::from_table(auth::table()))
        .merge(api::routes())
        .merge(assets::routes())
        .fallback(view::not_found)
        .with_state(state.clone());
    middleware::wrap(routes, state)
}

/// Every route the application answers, as (method, path pattern): the pages, signing in and
/// out, the styles and the API (from its OpenAPI document, made from the same handlers).
pub fn route_list() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = pages::table()
        .into_iter()
        .chain(auth::table())
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    out.extend(
        assets::PATHS
            .iter()
            .map(|p| ("GET".to_string(), p.to_string())),
    );
    out.push(("GET".into(), "/api/v1/openapi.json".into()));
    let doc = serde_json::to_value(api::parts().1).unwrap_or_default();
    if let Some(paths) = doc.get("paths").and_then(|p| p.as_object()) {
        for (path, item) in paths {
            for method in item.as_object().into_iter().flat_map(|m| m.keys()) {
                out.push((method.to_uppercase(), format!("/api/v1{path}")));
            }
        }
    }
    out.sort();
    out
}

/// Why `serve` did not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the server stopped: {0}")]
    Io(#[from] std::io::Error),
}

/// Listens on `addr` and serves until `shutdown` resolves; requests in flight are answered
/// first. `ready` is told the address once listening (port 0 picks a free one).
pub async fn serve(
    state: AppState,
    addr: SocketAddr,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), ServeError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind { addr, source })?;
    ready(listener.local_addr()?);
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
