//! The pages: each module holds the handlers of one part of the site and the views its
//! templates show. Handlers read the request, call one operation of the application layer,
//! and render; nothing here counts or checks a record.

mod dashboard;
mod import_runs;
mod imports;
mod participants;
mod partners;
mod places;
mod report;
mod training_form;
mod trainings;

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use cadre_core::{Modality, Status};

use crate::error::WebError;
use crate::AppState;

pub(crate) use import_runs::Jobs;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard::show))
        .route(
            "/trainings",
            get(trainings::list).post(training_form::create),
        )
        .route("/trainings/new", get(training_form::new))
        .route(
            "/trainings/{id}",
            get(trainings::show).post(training_form::update),
        )
        .route("/trainings/{id}/edit", get(training_form::edit))
        .route(
            "/trainings/{id}/delete",
            get(training_form::confirm_delete).post(training_form::delete),
        )
        .route(
            "/trainings/{id}/sessions",
            post(training_form::create_session),
        )
        .route("/sessions/{id}/delete", post(training_form::delete_session))
        .route("/imports", get(imports::history).post(imports::upload))
        .route("/imports/new", get(imports::new))
        .route(
            "/imports/staged/{token}",
            get(imports::staged_view).post(import_runs::run),
        )
        .route("/imports/staged/{token}/rejects.csv", get(imports::rejects))
        .route(
            "/imports/staged/{token}/progress",
            get(import_runs::progress),
        )
        .route("/report", get(report::show))
        .route("/report/download/{format}", get(report::download))
        .route("/participants", get(participants::list))
        .route(
            "/participants/merge",
            get(participants::merge_preview).post(participants::merge),
        )
        .route(
            "/participants/{id}",
            get(participants::show).post(participants::update),
        )
        .route("/participants/{id}/edit", get(participants::edit))
        .route("/partners", get(partners::list).post(partners::create))
        .route("/partners/new", get(partners::new))
        .route("/partners/{id}", post(partners::update))
        .route("/partners/{id}/edit", get(partners::edit))
        .route("/partners/{id}/delete", post(partners::delete))
        .route("/countries", get(places::countries))
        .route("/departments", get(places::departments))
}

pub(crate) async fn not_found() -> Response {
    WebError::NotFound.into_response()
}

/// Percent-encodes a query string value.
pub(crate) fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
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
    cadre_core::Countries::get()
        .lookup(code)
        .map(|c| c.name.clone())
        .unwrap_or_else(|_| code.to_string())
}
