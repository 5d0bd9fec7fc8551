//! What a page says when an operation fails: a page in the site's layout with the status that
//! fits (404, 409, 422, 500), never a stack trace or a database message with personal data.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use cadre_app::AppError;

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
    title: &'static str,
    message: String,
}

impl WebError {
    fn status(&self) -> (StatusCode, &'static str) {
        match self {
            WebError::App(AppError::NotFound { .. }) | WebError::NotFound => {
                (StatusCode::NOT_FOUND, "Not found")
            }
            WebError::App(AppError::Conflict { .. }) => (StatusCode::CONFLICT, "Changed meanwhile"),
            WebError::App(AppError::Forbidden(_)) => (StatusCode::FORBIDDEN, "Not allowed"),
            WebError::App(AppError::SignIn) => (StatusCode::UNAUTHORIZED, "Not signed in"),
            WebError::App(AppError::Throttled { .. }) => {
                (StatusCode::TOO_MANY_REQUESTS, "Too many attempts")
            }
            WebError::App(AppError::InUse { .. }) => (StatusCode::CONFLICT, "Still in use"),
            WebError::App(AppError::Locked(_)) => (StatusCode::CONFLICT, "Approved period"),
            WebError::App(AppError::Fields(_) | AppError::Invalid(_)) | WebError::BadRequest(_) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "Cannot do that")
            }
            _ => (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong"),
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
        } else {
            self.to_string()
        };
        let body = ErrorPage { title, message }
            .render()
            .unwrap_or_else(|_| "cadre could not show this page".to_string());
        (status, Html(body)).into_response()
    }
}

pub(crate) type PageResult<T> = Result<T, WebError>;
