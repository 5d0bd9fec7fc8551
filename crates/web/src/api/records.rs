//! What the record endpoints share: a page of a list, a record with its version as its ETag,
//! the version a write is made from, and what a delete does with what depends on it.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{if_match, Problem};

pub(super) type ApiResult = Result<Response, Problem>;

/// A page of a list: at most `limit` records (1 to 500, 50 by default) after `cursor`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct PageParams {
    #[param(minimum = 1, maximum = 500)]
    pub(super) limit: Option<u32>,
    /// The `next_cursor` of the page before.
    #[param(pattern = r"^[0-9]{0,18}$")]
    pub(super) cursor: Option<String>,
}

impl PageParams {
    pub(super) fn limit(&self) -> Result<i64, Problem> {
        match self.limit {
            None => Ok(50),
            Some(n @ 1..=500) => Ok(i64::from(n)),
            Some(n) => Err(Problem::bad_request(format!(
                "limit {n} is out of range: 1 to 500"
            ))),
        }
    }

    pub(super) fn after(&self) -> Result<i64, Problem> {
        match self
            .cursor
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            None => Ok(0),
            Some(c) => c.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
                Problem::bad_request(format!("cursor \"{c}\" is not one this API gave"))
            }),
        }
    }
}

/// A record with its version as its ETag.
pub(super) fn record<T: serde::Serialize>(status: StatusCode, version: i64, body: T) -> Response {
    let mut res = (status, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("\"v{version}\"")) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res
}

/// The version a write is made from: `If-Match`, else the body's `version`.
pub(super) fn version_of(headers: &HeaderMap, body: Option<i64>) -> Result<i64, Problem> {
    no_bad_version(body)?;
    if_match(headers).or(body).ok_or_else(|| {
        Problem::new(
            StatusCode::PRECONDITION_REQUIRED,
            "version-required",
            "say which version the change is made from: `version` in the body or an If-Match header",
        )
    })
}

/// The id a `PUT` body carries, if any, is the path's: a `GET`'s body sent back whole is
/// accepted, another record's is not.
pub(super) fn same_id(body: Option<i64>, path: i64) -> Result<(), Problem> {
    match body {
        Some(id) if id != path => Err(Problem::unprocessable(format!(
            "the body is record {id}'s, and the address is record {path}'s: send the record to its own address"
        ))),
        _ => Ok(()),
    }
}

/// A record to create carries no id: cadre gives it.
pub(super) fn no_id(body: Option<i64>) -> Result<(), Problem> {
    match body {
        Some(id) => Err(Problem::unprocessable(format!(
            "id {id}: cadre gives a new record its id; leave it out (to change record {id}, PUT it to its address)"
        ))),
        None => Ok(()),
    }
}

/// A created record's answer: 201, its version as ETag, and its address as `Location`.
pub(super) fn created<T: serde::Serialize>(path: &str, id: i64, version: i64, body: T) -> Response {
    let mut res = record(StatusCode::CREATED, version, body);
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/{path}/{id}")) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

/// An answer holding personal data: never kept by a browser, a proxy or cadre's own cache of
/// answers (each read through a token is audited, so each must reach the application layer).
pub(super) fn personal(mut res: Response) -> Response {
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// A version is 1 or more: 0 or less names none the store ever had.
pub(super) fn no_bad_version(v: Option<i64>) -> Result<(), Problem> {
    match v {
        Some(v) if v < 1 => Err(Problem::bad_request(format!(
            "version {v} is not a version: versions start at 1"
        ))),
        _ => Ok(()),
    }
}

pub(super) fn next<T>(items: &[T], limit: i64, id: impl Fn(&T) -> i64) -> Option<String> {
    (items.len() as i64 == limit)
        .then(|| items.last().map(|t| id(t).to_string()))
        .flatten()
}

/// What to do with what depends on a record being deleted.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct DeleteParams {
    /// Delete what depends on it too (sessions, attendance), or take it off the records that
    /// name it (a partner). Without it, a record others depend on is refused.
    pub(super) cascade: Option<bool>,
}
