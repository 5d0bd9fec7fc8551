//! The sessions endpoints: list (of one training, or all, by cursor), get, create, replace,
//! delete.

use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::records::{
    created, next, no_bad_version, no_id, record, same_id, version_of, ApiResult, DeleteParams,
    PageParams,
};
use super::schema::*;
use super::{if_match, Problem};
use crate::Ctx;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct SessionFilters {
    /// Only the sessions of this training.
    training_code: Option<String>,
}

/// Sessions in id order.
#[utoipa::path(get, path = "/sessions", tag = "sessions",
    params(PageParams, SessionFilters),
    responses(
        (status = 200, description = "A page of sessions", body = SessionPage),
        (status = 400, description = "The page is not understood", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn list_sessions(
    s: Ctx,
    ApiQuery(page): ApiQuery<PageParams>,
    ApiQuery(f): ApiQuery<SessionFilters>,
) -> ApiResult {
    let (limit, after) = (page.limit()?, page.after()?);
    let code = f
        .training_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let items: Vec<Session> = s
        .app
        .sessions_page(&s.actor, code, after, limit)
        .await?
        .into_iter()
        .map(Session::from)
        .collect();
    let next_cursor = next(&items, limit, |t| t.id);
    Ok(Json(SessionPage { items, next_cursor }).into_response())
}

/// One session.
#[utoipa::path(get, path = "/sessions/{id}", tag = "sessions",
    params(("id" = i64, Path, description = "The session's id")),
    responses(
        (status = 200, description = "The session", body = Session),
        (status = 404, description = "No such session", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn get_session(s: Ctx, ApiPath(id): ApiPath<i64>) -> ApiResult {
    let v = s.app.session(&s.actor, id).await?;
    Ok(record(StatusCode::OK, v.version, Session::from(v)))
}

/// Creates a session of a training.
#[utoipa::path(post, path = "/sessions", tag = "sessions",
    request_body = SessionInput,
    responses(
        (status = 201, description = "Created", body = Session),
        (status = 409, description = "Its training is in an approved period (type period-approved)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The record does not hold together", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn create_session(s: Ctx, ApiJson(input): ApiJson<SessionInput>) -> ApiResult {
    no_bad_version(input.version)?;
    no_id(input.id)?;
    let v = s.app.create_session(&s.actor, &input.fields()).await?;
    Ok(created("sessions", v.id, v.version, Session::from(v)))
}

/// Replaces a session, if it is still at the version given.
#[utoipa::path(put, path = "/sessions/{id}", tag = "sessions",
    params(("id" = i64, Path, description = "The session's id"),
        ("If-Match" = Option<String>, Header, description = "The version the change is made from")),
    request_body = SessionInput,
    responses(
        (status = 200, description = "Replaced", body = Session),
        (status = 404, description = "No such session", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed since that version, or its training is in an approved period", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The record does not hold together", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No version given", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn put_session(
    s: Ctx,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<SessionInput>,
) -> ApiResult {
    let version = version_of(&headers, input.version)?;
    same_id(input.id, id)?;
    let v = s
        .app
        .update_session(&s.actor, id, version, &input.fields())
        .await?;
    Ok(record(StatusCode::OK, v.version, Session::from(v)))
}

/// Deletes a session.
#[utoipa::path(delete, path = "/sessions/{id}", tag = "sessions",
    params(("id" = i64, Path, description = "The session's id"), DeleteParams,
        ("If-Match" = Option<String>, Header, description = "Delete only if still at this version")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such session", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It has attendance, it changed, or its training is in an approved period", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn delete_session(
    s: Ctx,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(p): ApiQuery<DeleteParams>,
    headers: HeaderMap,
) -> ApiResult {
    s.app
        .delete_session(&s.actor, id, if_match(&headers), p.cascade.unwrap_or(false))
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
