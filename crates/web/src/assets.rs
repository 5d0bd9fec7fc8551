//! The stylesheet and the few files the pages use, built into the binary: nothing is fetched
//! from another host, and each file is cached by its content hash.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use rust_embed::Embed;

use crate::AppState;

#[derive(Embed)]
#[folder = "assets/"]
struct Assets;

/// The asset routes' paths (for [`crate::route_list`]).
pub(crate) const PATHS: [&str; 5] = [
    "/assets/report.css",
    "/assets/{file}",
    "/assets/agency/logo",
    "/assets/agency/favicon.svg",
    "/favicon.ico",
];

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/assets/report.css", get(report_css))
        .route("/assets/{file}", get(asset))
        .route("/assets/agency/logo", get(logo))
        .route("/assets/agency/favicon.svg", get(favicon))
        .route("/favicon.ico", get(favicon))
}

/// A short digest of some bytes, for an address that changes when they do.
pub(crate) fn short_digest(bytes: &[u8]) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    format!("{:016x}", h.finish())
}

/// The agency's logo as an admin uploaded it (a PNG or JPEG that was read whole: nothing that
/// could run a script).
async fn logo(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let face = state.live.face(&state.app).await;
    match &face.logo {
        Some(l) => serve_agency(
            l.bytes.to_vec(),
            l.kind.media_type(),
            short_digest(&l.bytes),
            &headers,
        ),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The favicon: the short name's first letter on the agency's colour (browsers ask for
/// `/favicon.ico` of their own accord; an SVG answers them too).
async fn favicon(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let face = state.live.face(&state.app).await;
    let svg = cadre_render::face::favicon_svg(&face);
    let tag = short_digest(svg.as_bytes());
    serve_agency(svg.into_bytes(), "image/svg+xml", tag, &headers)
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    }
}

fn serve(bytes: Vec<u8>, kind: &'static str, tag: String, headers: &HeaderMap) -> Response {
    serve_kept(bytes, kind, tag, headers, "public, max-age=3600")
}

/// The agency's files change when an admin changes them: browsers ask again each time (a 304
/// while unchanged).
fn serve_agency(bytes: Vec<u8>, kind: &'static str, tag: String, headers: &HeaderMap) -> Response {
    serve_kept(bytes, kind, tag, headers, "public, no-cache")
}

fn serve_kept(
    bytes: Vec<u8>,
    kind: &'static str,
    tag: String,
    headers: &HeaderMap,
    cache_control: &'static str,
) -> Response {
    let tag = format!("\"{tag}\"");
    let mut res = if crate::cache::names_tag(headers, &tag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, kind)], bytes).into_response()
    };
    if let Ok(v) = HeaderValue::from_str(&tag) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    res
}

async fn asset(Path(file): Path<String>, headers: HeaderMap) -> Response {
    match Assets::get(&file) {
        Some(f) => {
            let tag: String = f.metadata.sha256_hash()[..8]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            serve(f.data.into_owned(), content_type(&file), tag, &headers)
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The report's own stylesheet, as the standalone report inlines it.
async fn report_css(headers: HeaderMap) -> Response {
    let css = cadre_render::html::REPORT_CSS;
    let tag = format!("r{:x}-{}", css.len(), env!("CARGO_PKG_VERSION"));
    serve(
        css.as_bytes().to_vec(),
        "text/css; charset=utf-8",
        tag,
        &headers,
    )
}
