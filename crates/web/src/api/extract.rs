//! The API's extractors: axum's own, with their rejections (a body that is not JSON, a query
//! or path that does not parse) answered as `application/problem+json` like every other error.

use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::Json;
use serde::de::DeserializeOwned;

use super::Problem;

pub(crate) struct ApiJson<T>(pub T);
pub(crate) struct ApiQuery<T>(pub T);
pub(crate) struct ApiPath<T>(pub T);

/// What went wrong, without the framework's own wording around it ("Failed to deserialize
/// the JSON body into the target type: ..."): the part that names the field or the place.
fn inner(text: &str) -> &str {
    text.split_once(": ").map_or(text, |(_, rest)| rest)
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        use axum::extract::rejection::JsonRejection;
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(e) => {
                let text = e.body_text();
                let detail = match &e {
                    JsonRejection::JsonDataError(_) => format!(
                        "the body does not fit this record ({}): see its schema in /api/v1/openapi.json",
                        inner(&text)
                    ),
                    JsonRejection::JsonSyntaxError(_) => {
                        format!("the body is not JSON ({})", inner(&text))
                    }
                    JsonRejection::MissingJsonContentType(_) => {
                        "send the body as JSON, with Content-Type: application/json".to_string()
                    }
                    _ => "the body could not be read".to_string(),
                };
                Err(Problem::new(e.status(), "bad-body", detail))
            }
        }
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(ApiQuery(v)),
            Err(e) => Err(Problem::new(
                e.status(),
                "bad-query",
                format!(
                    "the query string is not understood ({}): see this endpoint's parameters in /api/v1/openapi.json",
                    inner(&e.body_text())
                ),
            )),
        }
    }
}

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(v)) => Ok(ApiPath(v)),
            // Ids are whole numbers: anything else in their place names no record.
            Err(_) => Err(Problem::not_found(
                "no such record: a record's address ends with its id, a whole number",
            )),
        }
    }
}
