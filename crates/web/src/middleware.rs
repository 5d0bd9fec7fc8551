//! What every request passes through: one log line (method, route, status, time; never the
//! query string or a form, which hold names), cross-origin write protection, the body limit,
//! security headers, and the ETag of the data version with its 304.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::csrf::CsrfLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::AppState;

/// Pages and styles come from this server only; nothing is framed or sent elsewhere.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub(crate) fn wrap(routes: Router, state: AppState) -> Router {
    let state_for_host = state.clone();
    routes
        .layer(axum::middleware::from_fn_with_state(state.clone(), etag))
        .layer(axum::middleware::from_fn_with_state(
            state,
            crate::auth::identify,
        ))
        .layer(axum::middleware::from_fn(log))
        .layer(axum::middleware::from_fn(form_limit))
        .layer(axum::middleware::from_fn_with_state(
            state_for_host,
            host_check,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(crate::BODY_LIMIT))
        .layer(RequestBodyLimitLayer::new(crate::BODY_LIMIT))
        .layer(CsrfLayer::new())
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        // Frame denial for browsers that predate `frame-ancestors`.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(CatchPanicLayer::new())
}

/// Whether a request's `Host` names this server: an IP address, `localhost`, or a name it is
/// published under. A browser always sends one; a request without one (a program's) is not
/// a browser led here by another site.
fn host_allowed(host: &str, public: &[String]) -> bool {
    let name = match host.strip_prefix('[') {
        // An IPv6 literal: `[::1]:8080`.
        Some(rest) => {
            return rest
                .split(']')
                .next()
                .is_some_and(|ip| ip.parse::<std::net::Ipv6Addr>().is_ok())
        }
        None => host.rsplit_once(':').map_or(host, |(name, port)| {
            if port.bytes().all(|b| b.is_ascii_digit()) {
                name
            } else {
                host
            }
        }),
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name.parse::<std::net::Ipv4Addr>().is_ok() || name == "localhost" || public.contains(&name)
}

/// Refuses a request naming a host this server is not (421), before anything else of it is
/// looked at: see [`host_allowed`].
async fn host_check(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .map(|h| h.to_str().unwrap_or("\u{0}"));
    match host {
        Some(h) if !host_allowed(h, &state.public_hosts) => (
            StatusCode::MISDIRECTED_REQUEST,
            "This server does not answer for that host name. Use its address, or the name it was \
             published under.",
        )
            .into_response(),
        _ => next.run(req).await,
    }
}

/// Holds every body but a file upload's to [`crate::FORM_LIMIT`]: a form or an API record is
/// a few kilobytes, and one of megabytes (a 60 MB e-mail at the sign-in) would only be work,
/// memory and, stored, disk for nothing. Said as 413 before the body is read when its length
/// is declared, and by the extractor when a body without one passes the limit.
async fn form_limit(req: Request, next: Next) -> Response {
    if req.method() == Method::POST && req.uri().path() == "/imports" {
        return next.run(req).await;
    }
    // The agency's form carries a logo: a picture chosen too large (a few megabytes) is read
    // through, in pieces, so that the page can say so at its field.
    let limit = if req.method() == Method::POST && req.uri().path() == "/admin/agency" {
        8 * 1024 * 1024
    } else {
        crate::FORM_LIMIT
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("A form or API request is at most {} KiB.", limit / 1024),
        )
            .into_response();
    }
    let (parts, body) = req.into_parts();
    let body = axum::body::Body::new(http_body_util::Limited::new(body, limit));
    next.run(Request::from_parts(parts, body)).await
}

/// One line per request. The route is the pattern (`/trainings/{id}`), not the path asked
/// for, and the query string is left out: both can carry a person's name.
async fn log(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "(no route)".to_owned());
    let started = Instant::now();
    let res = next.run(req).await;
    tracing::info!(
        %method,
        %route,
        status = res.status().as_u16(),
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
    res
}

/// The ETag every page and API answer carries: the data version (raised by every write) and
/// this build (whose pages may differ). A repeated request with it in `If-None-Match` is
/// answered 304, and one without it from the answers kept for this version; a write through
/// this server reads the new version as soon as it is done.
async fn etag(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let cacheable = *req.method() == Method::GET
        && !path.starts_with("/assets/")
        && !path.starts_with("/imports/staged/");
    if !cacheable {
        let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
        let res = next.run(req).await;
        if writes {
            state.refresh_version().await;
        }
        return res;
    }
    let mut version = state.live.version();
    if version.0 == 0 {
        version = state.refresh_version().await;
    }
    // Pages differ by who asks (a focal point sees other names than a coordinator; the header
    // names who is signed in): the tag and the answers kept are per viewer.
    let viewer = crate::auth::viewer_key(&req);
    let tag = format!(
        "\"d{}.{}-{}-{}\"",
        version.0,
        version.1,
        env!("CARGO_PKG_VERSION"),
        viewer.0
    );
    if crate::cache::names_tag(req.headers(), &tag) {
        let mut res = StatusCode::NOT_MODIFIED.into_response();
        if let Ok(v) = HeaderValue::from_str(&tag) {
            res.headers_mut().insert(header::ETAG, v);
        }
        return res;
    }
    let key = format!("{}\n{}", viewer.1, req.uri());
    let from_kept = |kept: crate::cache::Kept| {
        let mut res = Response::new(axum::body::Body::from(kept.body));
        *res.status_mut() = kept.status;
        *res.headers_mut() = kept.headers;
        res
    };
    if let Some(kept) = state.live.get(version, &key) {
        return from_kept(kept);
    }
    // One request makes a missing answer; the others asking for it meanwhile wait for it
    // rather than each making it again (fifty at once on two cores would all be slow).
    let gate = state.live.gate(&key);
    let held = gate.lock().await;
    if let Some(kept) = state.live.get(version, &key) {
        drop(held);
        state.live.ungate(&key, gate);
        return from_kept(kept);
    }
    let res = next.run(req).await;
    drop(held);
    state.live.ungate(&key, gate);
    if res.status() != StatusCode::OK {
        return res;
    }
    // An answer its handler marks `no-store` shows state the data version does not follow
    // (the rejected rows an upload keeps, which a sweep removes): never kept, never tagged.
    let no_store = res
        .headers()
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("no-store"));
    if no_store {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    if !parts.headers.contains_key(header::ETAG) {
        if let Ok(v) = HeaderValue::from_str(&tag) {
            parts.headers.insert(header::ETAG, v);
        }
        parts.headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-cache"),
        );
        parts.headers.insert(
            header::VARY,
            HeaderValue::from_static("Cookie, Authorization"),
        );
    }
    // Every answer here is already whole in memory (a rendered page, a written report):
    // collecting it copies nothing new.
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "an answer could not be read back");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    state.live.keep(
        version,
        key,
        crate::cache::Kept {
            status: parts.status,
            headers: parts.headers.clone(),
            body: bytes.clone(),
        },
    );
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::host_allowed;

    #[test]
    fn only_addresses_localhost_and_the_published_name_are_answered() {
        let public = vec!["training.agency.example".to_string()];
        for ok in [
            "127.0.0.1:8080",
            "127.0.0.1",
            "10.1.2.3:80",
            "[::1]:8080",
            "localhost:8080",
            "LOCALHOST",
            "training.agency.example",
            "Training.Agency.Example:443",
            "training.agency.example.",
        ] {
            assert!(host_allowed(ok, &public), "{ok}");
        }
        for refused in [
            "evil.example",
            "evil.example:8080",
            "127.0.0.1.evil.example",
            "localhost.evil.example",
            "training.agency.example.evil.example",
            "[not-an-address]:80",
            "",
        ] {
            assert!(!host_allowed(refused, &public), "{refused}");
        }
    }
}
