//! The trainings endpoints: list (filtered, by cursor), get, create, replace, delete, and a
//! training's attendance.

use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use cadre_app::domain::listing;
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

/// Filters of the trainings list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct TrainingFilters {
    /// Starting on or after this day (YYYY-MM-DD).
    #[param(
        pattern = r"^(|(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]))$"
    )]
    from: Option<String>,
    /// Starting on or before this day (YYYY-MM-DD).
    #[param(
        pattern = r"^(|(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]))$"
    )]
    to: Option<String>,
    /// A partner's name or short name, as partner or funder; its programmes' trainings too.
    partner: Option<String>,
    /// Alpha-2 code: requested by it or taking part.
    country: Option<String>,
    modality: Option<Modality>,
    status: Option<Status>,
    theme: Option<String>,
    /// Words in the code, title, venue, theme or note.
    q: Option<String>,
}

impl TrainingFilters {
    /// The filters as the application layer reads them, the same way for the trainings page.
    fn query(&self) -> Result<listing::Query, Problem> {
        let lower = |v: &dyn std::fmt::Debug| format!("{v:?}").to_lowercase();
        cadre_app::TrainingFilter {
            q: self.q.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            partner: self.partner.clone(),
            country: self.country.clone(),
            modality: self.modality.map(|m| lower(&m)),
            status: self.status.map(|s| lower(&s)),
            theme: self.theme.clone(),
            ..Default::default()
        }
        .query(1)
        .map_err(Problem::unprocessable)
    }
}

/// Trainings in id order, filtered.
#[utoipa::path(get, path = "/trainings", tag = "trainings",
    params(PageParams, TrainingFilters),
    responses(
        (status = 200, description = "A page of trainings", body = TrainingPage),
        (status = 400, description = "A filter or the page is not understood", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A filter asks what cannot be: a day that does not exist, a range that ends before it starts", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn list_trainings(
    s: Ctx,
    ApiQuery(page): ApiQuery<PageParams>,
    ApiQuery(filters): ApiQuery<TrainingFilters>,
) -> ApiResult {
    let (limit, after) = (page.limit()?, page.after()?);
    let query = filters.query()?;
    let items: Vec<Training> = s
        .app
        .trainings_after(&s.actor, &query, after, limit)
        .await?
        .into_iter()
        .map(Training::from)
        .collect();
    let next_cursor = next(&items, limit, |t| t.id);
    Ok(Json(TrainingPage { items, next_cursor }).into_response())
}

/// One training.
#[utoipa::path(get, path = "/trainings/{id}", tag = "trainings",
    params(("id" = i64, Path, description = "The training's id")),
    responses(
        (status = 200, description = "The training; its ETag is its version", body = Training),
        (status = 404, description = "No such training", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn get_training(s: Ctx, ApiPath(id): ApiPath<i64>) -> ApiResult {
    let t = s.app.training(&s.actor, id).await?;
    Ok(record(StatusCode::OK, t.version, Training::from(t)))
}

/// Creates a training.
#[utoipa::path(post, path = "/trainings", tag = "trainings",
    request_body = TrainingInput,
    responses(
        (status = 201, description = "Created", body = Training),
        (status = 409, description = "It starts in an approved period (type period-approved)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The record does not hold together", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn create_training(s: Ctx, ApiJson(input): ApiJson<TrainingInput>) -> ApiResult {
    no_bad_version(input.version)?;
    no_id(input.id)?;
    let t = s.app.create_training(&s.actor, &input.fields()).await?;
    Ok(created("trainings", t.id, t.version, Training::from(t)))
}

/// Replaces a training, if it is still at the version given (in the body or as If-Match).
#[utoipa::path(put, path = "/trainings/{id}", tag = "trainings",
    params(("id" = i64, Path, description = "The training's id"),
        ("If-Match" = Option<String>, Header, description = "The version the change is made from, e.g. \"v3\"")),
    request_body = TrainingInput,
    responses(
        (status = 200, description = "Replaced", body = Training),
        (status = 404, description = "No such training", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed since that version, or in an approved period: nothing was written", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The record does not hold together", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No version given", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn put_training(
    s: Ctx,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<TrainingInput>,
) -> ApiResult {
    let version = version_of(&headers, input.version)?;
    same_id(input.id, id)?;
    let t = s
        .app
        .update_training(&s.actor, id, version, &input.fields())
        .await?;
    Ok(record(StatusCode::OK, t.version, Training::from(t)))
}

/// Deletes a training.
#[utoipa::path(delete, path = "/trainings/{id}", tag = "trainings",
    params(("id" = i64, Path, description = "The training's id"), DeleteParams,
        ("If-Match" = Option<String>, Header, description = "Delete only if still at this version")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such training", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Others depend on it, it changed, or its period is approved", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn delete_training(
    s: Ctx,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(p): ApiQuery<DeleteParams>,
    headers: HeaderMap,
) -> ApiResult {
    s.app
        .delete_training(&s.actor, id, if_match(&headers), p.cascade.unwrap_or(false))
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A page of a training's attendance, by name.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AttendanceParams {
    /// At most this many lines (1 to 10000, 1000 by default).
    #[param(minimum = 1, maximum = 10000)]
    limit: Option<u32>,
}

/// A training's attendance: one line per person and session.
#[utoipa::path(get, path = "/trainings/{id}/attendance", tag = "trainings",
    params(("id" = i64, Path, description = "The training's id"), AttendanceParams),
    responses(
        (status = 200, description = "The attendance", body = Attendance),
        (status = 400, description = "The limit is out of range", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such training", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn training_attendance(
    s: Ctx,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(p): ApiQuery<AttendanceParams>,
) -> ApiResult {
    let limit = match p.limit {
        None => 1000,
        Some(n @ 1..=10_000) => i64::from(n),
        Some(n) => {
            return Err(Problem::bad_request(format!(
                "limit {n} is out of range: 1 to 10000"
            )))
        }
    };
    let cadre_app::Roster { lines, total, .. } = s.app.roster(&s.actor, id, limit).await?;
    Ok(personal(
        Json(Attendance {
            training_id: id,
            total,
            items: lines.into_iter().map(AttendanceLine::from).collect(),
        })
        .into_response(),
    ))
}
