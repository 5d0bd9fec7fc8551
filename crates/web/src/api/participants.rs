//! The participants endpoints: list (searched, by cursor), get, create, replace, delete.

use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::records::{
    created, next, no_bad_version, no_id, personal, record, same_id, version_of, ApiResult,
    DeleteParams, PageParams,
};
use super::schema::*;
use super::{if_match, Problem};
use crate::Ctx;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ParticipantFilters {
    /// Part of a name or e-mail address (case and accents aside).
    q: Option<String>,
}

/// Participants in id order.
#[utoipa::path(get, path = "/participants", tag = "participants",
    params(PageParams, ParticipantFilters),
    responses(
        (status = 200, description = "A page of participants", body = ParticipantPage),
        (status = 400, description = "The page is not understood", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn list_participants(
    s: Ctx,
    ApiQuery(page): ApiQuery<PageParams>,
    ApiQuery(f): ApiQuery<ParticipantFilters>,
) -> ApiResult {
    let (limit, after) = (page.limit()?, page.after()?);
    let q = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let items: Vec<Participant> = s
        .app
        .participants(&s.actor, q, after, limit)
        .await?
        .into_iter()
        .map(Participant::from)
        .collect();
    let next_cursor = next(&items, limit, |t| t.id);
    Ok(personal(
        Json(ParticipantPage { items, next_cursor }).into_response(),
    ))
}

/// One participant.
#[utoipa::path(get, path = "/participants/{id}", tag = "participants",
    params(("id" = i64, Path, description = "The participant's id")),
    responses(
        (status = 200, description = "The participant", body = Participant),
        (status = 404, description = "No such participant", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn get_participant(s: Ctx, ApiPath(id): ApiPath<i64>) -> ApiResult {
    let v = s.app.participant(&s.actor, id).await?;
    Ok(personal(record(
        StatusCode::OK,
        v.version,
        Participant::from(v),
    )))
}

/// Records a participant.
#[utoipa::path(post, path = "/participants", tag = "participants",
    request_body = ParticipantInput,
    responses(
        (status = 201, description = "Created", body = Participant),
        (status = 422, description = "The record does not hold together, or it is a person already recorded", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn create_participant(
    s: Ctx,
    ApiJson(input): ApiJson<ParticipantInput>,
) -> ApiResult {
    no_bad_version(input.version)?;
    no_id(input.id)?;
    let v = s.app.create_participant(&s.actor, &input.fields()).await?;
    let (id, version) = (v.id, v.version);
    Ok(personal(created(
        "participants",
        id,
        version,
        person_json(v, 0, 0),
    )))
}

/// Replaces a participant's details, if still at the version given.
#[utoipa::path(put, path = "/participants/{id}", tag = "participants",
    params(("id" = i64, Path, description = "The participant's id"),
        ("If-Match" = Option<String>, Header, description = "The version the change is made from")),
    request_body = ParticipantInput,
    responses(
        (status = 200, description = "Replaced", body = Participant),
        (status = 404, description = "No such participant", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed since that version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The record does not hold together", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No version given", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn put_participant(
    s: Ctx,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<ParticipantInput>,
) -> ApiResult {
    let version = version_of(&headers, input.version)?;
    same_id(input.id, id)?;
    s.app
        .update_participant(&s.actor, id, version, &input.fields())
        .await?;
    let v = s.app.participant(&s.actor, id).await?;
    Ok(personal(record(
        StatusCode::OK,
        v.version,
        Participant::from(v),
    )))
}

/// Deletes a participant.
#[utoipa::path(delete, path = "/participants/{id}", tag = "participants",
    params(("id" = i64, Path, description = "The participant's id"), DeleteParams,
        ("If-Match" = Option<String>, Header, description = "Delete only if still at this version")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such participant", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "They have attendance, or the record changed", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn delete_participant(
    s: Ctx,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(p): ApiQuery<DeleteParams>,
    headers: HeaderMap,
) -> ApiResult {
    s.app
        .delete_participant(&s.actor, id, if_match(&headers), p.cascade.unwrap_or(false))
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
