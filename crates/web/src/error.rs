//! What a page says when an operation fails: a page in the site's layout with the status that
//! fits (404, 409, 422, 500), never a stack trace or a database message with personal data.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use cadre_app::{AppError, ErrorKind};

/// Errors of the web layer.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error(transparent)]
    App(#[from] AppError),
    #[error("could not show the page: {0}")]
    Template(#[from] askama::Error),
    /// A request that cannot be answered as asked (a bad query parameter, say).
    #[error("{0}")]
    BadRequest(String),
    #[error("there is no such page")]
    NotFound,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    /// The layout's navigation marks no page as the current one.
    nav: &'static str,
    title: &'static str,
    message: String,
}

impl WebError {
    fn status(&self) -> (StatusCode, &'static str) {
        let kind = match self {
            WebError::App(e) => e.kind(),
            WebError::NotFound => ErrorKind::NotFound,
            WebError::BadRequest(_) => ErrorKind::Invalid,
            WebError::Template(_) => ErrorKind::Internal,
        };
        match (kind, self) {
            (ErrorKind::NotFound, _) => (StatusCode::NOT_FOUND, "Not found"),
            (ErrorKind::Conflict, WebError::App(AppError::InUse { .. })) => {
                (StatusCode::CONFLICT, "Still in use")
            }
            (ErrorKind::Conflict, WebError::App(AppError::Conflict { .. })) => {
                (StatusCode::CONFLICT, "Changed meanwhile")
            }
            (ErrorKind::Conflict, _) => (StatusCode::CONFLICT, "Cannot do that"),
            (ErrorKind::Forbidden, _) => (StatusCode::FORBIDDEN, "Not allowed"),
            (ErrorKind::Unauthenticated, _) => (StatusCode::UNAUTHORIZED, "Not signed in"),
            (ErrorKind::Throttled, _) => (StatusCode::TOO_MANY_REQUESTS, "Too many attempts"),
            (ErrorKind::Locked, _) => (StatusCode::CONFLICT, "Approved period"),
            (ErrorKind::Invalid, _) => (StatusCode::UNPROCESSABLE_ENTITY, "Cannot do that"),
            (ErrorKind::TooLarge, _) => (StatusCode::PAYLOAD_TOO_LARGE, "Too large"),
            (ErrorKind::Unavailable, _) => (StatusCode::SERVICE_UNAVAILABLE, "Not available now"),
            (ErrorKind::Internal, _) => (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong"),
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, title) = self.status();
        let message = if status == StatusCode::INTERNAL_SERVER_ERROR {
            // The details go to the log, which keeps no personal data but may hold a query's
            // error; the page says what to do.
            tracing::error!(error = %self, "request failed");
            "cadre could not complete this request. Nothing was changed. Try again; if it keeps failing, tell whoever runs cadre (the server's log says why).".to_string()
        } else if status == StatusCode::SERVICE_UNAVAILABLE {
            tracing::warn!(error = %self, "the database is not available");
            "The database cannot be reached or written just now. Nothing was changed. Try again in a moment; if it keeps failing, tell whoever runs cadre.".to_string()
        } else {
            self.to_string()
        };
        let body = ErrorPage {
            nav: "",
            title,
            message,
        }
        .render()
        .unwrap_or_else(|_| "cadre could not show this page".to_string());
        (status, Html(body)).into_response()
    }
}

pub(crate) type PageResult<T> = Result<T, WebError>;
