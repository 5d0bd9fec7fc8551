//! Errors as `application/problem+json` (RFC 9457): a status, a title, what went wrong, and for
//! a record that does not hold together, each field's problem with its stable code.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use cadre_app::{AppError, ErrorKind};
use serde::Serialize;
use utoipa::ToSchema;

/// One field's problem.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct FieldError {
    /// The field, by its v1 column name.
    pub field: String,
    /// A stable code, e.g. `required`, `bad-date`, `unknown-partner`, `duplicate`.
    pub code: String,
    pub message: String,
}

/// An error, as RFC 9457 describes it.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Problem {
    /// `about:blank`, or a cadre problem type.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// For a record that does not hold together: every field's problem.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(default = json!([]))]
    pub errors: Vec<FieldError>,
    /// For a conflict: the version the record is at now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
}

impl Problem {
    pub(crate) fn new(status: StatusCode, kind: &str, detail: impl Into<String>) -> Problem {
        Problem {
            kind: kind.to_string(),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
            current_version: None,
        }
    }

    pub(crate) fn not_found(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::NOT_FOUND, "not-found", detail)
    }

    /// Well formed, and asking what cannot be: a period that ends before it starts.
    pub(crate) fn unprocessable(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "unprocessable", detail)
    }

    pub(crate) fn bad_request(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::BAD_REQUEST, "bad-request", detail)
    }
}

impl From<AppError> for Problem {
    fn from(e: AppError) -> Problem {
        let detail = e.to_string();
        match (e.kind(), e) {
            (ErrorKind::NotFound, _) => Problem::not_found(detail),
            (_, AppError::Conflict { current, .. }) => Problem {
                current_version: Some(current),
                ..Problem::new(StatusCode::CONFLICT, "version-conflict", detail)
            },
            (_, AppError::InUse { .. }) => Problem::new(StatusCode::CONFLICT, "in-use", detail),
            (ErrorKind::Locked, _) => Problem::new(StatusCode::CONFLICT, "period-approved", detail),
            (kind, AppError::Fields(problems)) => {
                // The application layer says which: a record that names what is not held, or
                // takes what another holds, conflicts with the records (409); one wrong in
                // itself (a 31 February, a count below zero) cannot be processed (422).
                let (status, kind, detail) = if kind == ErrorKind::Conflict {
                    (
                        StatusCode::CONFLICT,
                        "conflicts-with-records",
                        "the record conflicts with the records held: see errors",
                    )
                } else {
                    (
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "invalid-record",
                        "the record does not hold together: see errors",
                    )
                };
                Problem {
                    errors: problems
                        .into_iter()
                        .map(|p| FieldError {
                            field: p.field.to_string(),
                            code: p.code.to_string(),
                            message: p.message,
                        })
                        .collect(),
                    ..Problem::new(status, kind, detail)
                }
            }
            (ErrorKind::Conflict, _) => Problem::new(StatusCode::CONFLICT, "conflict", detail),
            (ErrorKind::Invalid, _) => {
                Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", detail)
            }
            (ErrorKind::Forbidden, _) => Problem::new(StatusCode::FORBIDDEN, "forbidden", detail),
            (ErrorKind::Unauthenticated, _) => {
                Problem::new(StatusCode::UNAUTHORIZED, "not-signed-in", detail)
            }
            (ErrorKind::Throttled, _) => {
                Problem::new(StatusCode::TOO_MANY_REQUESTS, "throttled", detail)
            }
            (ErrorKind::TooLarge, _) => {
                Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "too-large", detail)
            }
            (ErrorKind::Unavailable, other) => {
                tracing::warn!(error = %other, "the database is not available");
                Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "the database cannot be reached or written just now; nothing was changed: try again later",
                )
            }
            (ErrorKind::Internal, other) => {
                tracing::error!(error = %other, "API request failed");
                Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "cadre could not complete this request; nothing was changed",
                )
            }
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response()
    }
}
