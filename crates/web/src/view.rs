//! What pages have in common besides their routes: answering with a page, the words of
//! enumerations, numbers and countries as people read them.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use cadre_app::domain::{Modality, Status};

use crate::error::WebError;

pub(crate) async fn not_found() -> Response {
    WebError::NotFound.into_response()
}

pub(crate) use cadre_app::url_encode;

/// What a part of a page shows only to some: empty for those the application layer refuses
/// it to, the error itself for any other failure.
pub(crate) fn if_allowed<T: Default>(r: Result<T, cadre_app::AppError>) -> Result<T, WebError> {
    match r {
        Err(cadre_app::AppError::Forbidden(_)) => Ok(T::default()),
        other => Ok(other?),
    }
}

/// A rendered page, or the error page.
pub(crate) fn page(t: impl askama::Template) -> Result<Response, WebError> {
    Ok(Html(t.render()?).into_response())
}

/// A rendered page with a status other than 200 (a refused form is 422, a conflict 409).
pub(crate) fn page_with(
    status: StatusCode,
    t: impl askama::Template,
) -> Result<Response, WebError> {
    Ok((status, Html(t.render()?)).into_response())
}

/// A `303 See Other` to the page that shows what a form did.
pub(crate) fn see_other(to: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(axum::http::header::LOCATION, to.to_string())],
    )
        .into_response()
}

pub(crate) const MODALITIES: [(&str, &str); 4] = [
    ("", "Not recorded"),
    ("physical", "Physical"),
    ("virtual", "Virtual"),
    ("hybrid", "Hybrid"),
];

pub(crate) const STATUSES: [(&str, &str); 5] = [
    ("", "Not recorded"),
    ("delivered", "Delivered"),
    ("planned", "Planned"),
    ("postponed", "Postponed"),
    ("cancelled", "Cancelled"),
];

pub(crate) fn modality_label(m: Option<Modality>) -> &'static str {
    cadre_render::view::modality(m)
}

pub(crate) fn status_label(s: Option<Status>) -> &'static str {
    match s {
        Some(Status::Delivered) => "Delivered",
        Some(Status::Planned) => "Planned",
        Some(Status::Postponed) => "Postponed",
        Some(Status::Cancelled) => "Cancelled",
        None => "",
    }
}

/// A count with thousands grouped.
pub(crate) fn num(n: u64) -> String {
    cadre_render::view::num(n)
}

/// A country's name from its alpha-2 code (the code itself when unknown).
pub(crate) fn country_name(code: &str) -> String {
    cadre_app::domain::Countries::get()
        .lookup(code)
        .map(|c| c.name.clone())
        .unwrap_or_else(|_| code.to_string())
}
