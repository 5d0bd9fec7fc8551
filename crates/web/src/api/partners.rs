//! The partners endpoints: list by cursor, get, create, replace, delete.

use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::records::{
    created, next, no_bad_version, no_id, record, same_id, version_of, ApiResult, DeleteParams,
    PageParams,
};
use super::schema::*;
use super::{if_match, Problem};
use crate::Ctx;

/// Partners in id order.
#[utoipa::path(get, path = "/partners", tag = "partners",
    params(PageParams),
    responses(
        (status = 200, description = "A page of partners", body = PartnerPage),
        (status = 400, description = "The page is not understood", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn list_partners(s: Ctx, ApiQuery(page): ApiQuery<PageParams>) -> ApiResult {
    let (limit, after) = (page.limit()?, page.after()?);
    let items: Vec<Partner> = s
        .app
        .partners_after(&s.actor, after, limit)
        .await?
        .into_iter()
        .map(Partner::from)
        .collect();
    let next_cursor = next(&items, limit, |t| t.id);
    Ok(Json(PartnerPage { items, next_cursor }).into_response())
}

/// One partner.
#[utoipa::path(get, path = "/partners/{id}", tag = "partners",
    params(("id" = i64, Path, description = "The partner's id")),
    responses(
        (status = 200, description = "The partner", body = Partner),
        (status = 404, description = "No such partner", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn get_partner(s: Ctx, ApiPath(id): ApiPath<i64>) -> ApiResult {
    let v = s.app.partner(&s.actor, id).await?;
    Ok(record(StatusCode::OK, v.version, Partner::from(v)))
}

/// Creates a partner.
#[utoipa::path(post, path = "/partners", tag = "partners",
    request_body = PartnerInput,
    responses(
        (status = 201, description = "Created", body = Partner),
        (status = 422, description = "The record does not hold together", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn create_partner(s: Ctx, ApiJson(input): ApiJson<PartnerInput>) -> ApiResult {
    no_bad_version(input.version)?;
    no_id(input.id)?;
    let v = s.app.create_partner(&s.actor, &input.fields()).await?;
    Ok(created("partners", v.id, v.version, Partner::from(v)))
}

/// Replaces a partner, if it is still at the version given.
#[utoipa::path(put, path = "/partners/{id}", tag = "partners",
    params(("id" = i64, Path, description = "The partner's id"),
        ("If-Match" = Option<String>, Header, description = "The version the change is made from")),
    request_body = PartnerInput,
    responses(
        (status = 200, description = "Replaced", body = Partner),
        (status = 404, description = "No such partner", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed since that version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The record does not hold together", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No version given", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn put_partner(
    s: Ctx,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<PartnerInput>,
) -> ApiResult {
    let version = version_of(&headers, input.version)?;
    same_id(input.id, id)?;
    let v = s
        .app
        .update_partner(&s.actor, id, version, &input.fields())
        .await?;
    Ok(record(StatusCode::OK, v.version, Partner::from(v)))
}

/// Deletes a partner.
#[utoipa::path(delete, path = "/partners/{id}", tag = "partners",
    params(("id" = i64, Path, description = "The partner's id"), DeleteParams,
        ("If-Match" = Option<String>, Header, description = "Delete only if still at this version")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such partner", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Trainings or programmes name it, or it changed", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn delete_partner(
    s: Ctx,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(p): ApiQuery<DeleteParams>,
    headers: HeaderMap,
) -> ApiResult {
    s.app
        .delete_partner(&s.actor, id, if_match(&headers), p.cascade.unwrap_or(false))
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
