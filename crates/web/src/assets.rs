//! The stylesheet and the few files the pages use, built into the binary: nothing is fetched
//! from another host, and each file is cached by its content hash.

use axum::extract::Path;
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
pub(crate) const PATHS: [&str; 2] = ["/assets/report.css", "/assets/{file}"];

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/assets/report.css", get(report_css))
        .route("/assets/{file}", get(asset))
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
        HeaderValue::from_static("public, max-age=3600"),
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
