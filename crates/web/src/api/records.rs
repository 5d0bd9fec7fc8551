//! The record endpoints: each handler reads the request, calls one operation of the
//! application layer and answers with the record or a problem.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use cadre_core::listing;
use serde::Deserialize;
use utoipa::IntoParams;

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::schema::*;
use super::{if_match, Problem};
use crate::AppState;

type ApiResult = Result<Response, Problem>;

/// A page of a list: at most `limit` records (1 to 500, 50 by default) after `cursor`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct PageParams {
    #[param(minimum = 1, maximum = 500)]
    limit: Option<u32>,
    /// The `next_cursor` of the page before.
    #[param(pattern = r"^[0-9]{0,18}$")]
    cursor: Option<String>,
}

impl PageParams {
    fn limit(&self) -> Result<i64, Problem> {
        match self.limit {
            None => Ok(50),
            Some(n @ 1..=500) => Ok(i64::from(n)),
            Some(n) => Err(Problem::bad_request(format!(
                "limit {n} is out of range: 1 to 500"
            ))),
        }
    }

    fn after(&self) -> Result<i64, Problem> {
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
fn record<T: serde::Serialize>(status: StatusCode, version: i64, body: T) -> Response {
    let mut res = (status, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("\"v{version}\"")) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res
}

/// The version a write is made from: `If-Match`, else the body's `version`.
fn version_of(headers: &HeaderMap, body: Option<i64>) -> Result<i64, Problem> {
    no_bad_version(body)?;
    if_match(headers).or(body).ok_or_else(|| {
        Problem::new(
            StatusCode::PRECONDITION_REQUIRED,
            "version-required",
            "say which version the change is made from: `version` in the body or an If-Match header",
        )
    })
}

/// A version is 1 or more: 0 or less names none the store ever had.
fn no_bad_version(v: Option<i64>) -> Result<(), Problem> {
    match v {
        Some(v) if v < 1 => Err(Problem::bad_request(format!(
            "version {v} is not a version: versions start at 1"
        ))),
        _ => Ok(()),
    }
}

fn next<T>(items: &[T], limit: i64, id: impl Fn(&T) -> i64) -> Option<String> {
    (items.len() as i64 == limit)
        .then(|| items.last().map(|t| id(t).to_string()))
        .flatten()
}

// ---- trainings ----

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
    /// A partner's name, as partner or funder.
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
    fn query(&self) -> Result<listing::Query, Problem> {
        let blank = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let period = match (blank(&self.from), blank(&self.to)) {
            (None, None) => None,
            (from, to) => {
                let day = |s: Option<String>, default: &str| -> Result<cadre_core::Date, Problem> {
                    let s = s.unwrap_or_else(|| default.to_string());
                    cadre_core::Date::parse(&s)
                        .map_err(|e| Problem::unprocessable(format!("{s}: {e}")))
                };
                let from = day(from, "1900-01-01")?;
                let to = day(to, "2100-12-31")?;
                Some(
                    cadre_core::report::Period::new(from, to)
                        .map_err(|e| Problem::unprocessable(e.to_string()))?,
                )
            }
        };
        let modality = match self.modality.map(|m| format!("{m:?}").to_lowercase()) {
            Some(m) => Some(
                cadre_core::Modality::parse(&m)
                    .map_err(|e| Problem::bad_request(format!("modality: {e}")))?,
            ),
            None => None,
        };
        let status = match self.status.map(|m| format!("{m:?}").to_lowercase()) {
            Some(s) => Some(
                cadre_core::Status::parse(&s)
                    .map_err(|e| Problem::bad_request(format!("status: {e}")))?,
            ),
            None => None,
        };
        Ok(listing::Query {
            period,
            partner: blank(&self.partner),
            country: blank(&self.country),
            modality,
            theme: blank(&self.theme),
            status,
            text: blank(&self.q),
            ..Default::default()
        })
    }
}

/// Trainings in id order, filtered.
#[utoipa::path(get, path = "/trainings", tag = "trainings",
    params(PageParams, TrainingFilters),
    responses(
        (status = 200, description = "A page of trainings", body = TrainingPage),
        (status = 400, description = "A filter or the page is not understood", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn list_trainings(
    State(s): State<AppState>,
    ApiQuery(page): ApiQuery<PageParams>,
    ApiQuery(filters): ApiQuery<TrainingFilters>,
) -> ApiResult {
    let (limit, after) = (page.limit()?, page.after()?);
    let query = filters.query()?;
    s.app.catch_up().await.map_err(Problem::from)?;
    let mut hits: Vec<(i64, cadre_core::TrainingRecord)> = match s.app.engine() {
        Some(engine) => {
            let mut ids: Vec<&cadre_core::report::TrainingFacts> =
                listing::filter(engine.trainings(), &query)
                    .into_iter()
                    .filter(|t| t.id > after)
                    .collect();
            ids.sort_by_key(|t| t.id);
            ids.truncate(limit as usize);
            ids.into_iter().map(|t| (t.id, t.record.clone())).collect()
        }
        None => Vec::new(),
    };
    hits.sort_by_key(|(id, _)| *id);
    let ids: Vec<i64> = hits.iter().map(|(id, _)| *id).collect();
    let versions = s
        .app
        .store()
        .versions("trainings", &ids)
        .await
        .map_err(|e| Problem::from(cadre_app::AppError::from(e)))?;
    let items: Vec<Training> = hits
        .into_iter()
        .map(|(id, record)| {
            Training::from(cadre_store::Versioned {
                id,
                version: versions.get(&id).copied().unwrap_or(1),
                record,
            })
        })
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
pub(crate) async fn get_training(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult {
    let t = s.app.training(&s.actor, id).await?;
    Ok(record(StatusCode::OK, t.version, Training::from(t)))
}

/// Creates a training.
#[utoipa::path(post, path = "/trainings", tag = "trainings",
    request_body = TrainingInput,
    responses(
        (status = 201, description = "Created", body = Training),
        (status = 422, description = "The record does not hold together", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn create_training(
    State(s): State<AppState>,
    ApiJson(input): ApiJson<TrainingInput>,
) -> ApiResult {
    no_bad_version(input.version)?;
    let created = s.app.create_training(&s.actor, &input.fields()).await?;
    let mut res = record(
        StatusCode::CREATED,
        created.version,
        Training::from(created.clone()),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/trainings/{}", created.id)) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(res)
}

/// Replaces a training, if it is still at the version given (in the body or as If-Match).
#[utoipa::path(put, path = "/trainings/{id}", tag = "trainings",
    params(("id" = i64, Path, description = "The training's id"),
        ("If-Match" = Option<String>, Header, description = "The version the change is made from, e.g. \"v3\"")),
    request_body = TrainingInput,
    responses(
        (status = 200, description = "Replaced", body = Training),
        (status = 404, description = "No such training", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed since that version: nothing was written", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The record does not hold together", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No version given", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn put_training(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<TrainingInput>,
) -> ApiResult {
    let version = version_of(&headers, input.version)?;
    let t = s
        .app
        .update_training(&s.actor, id, version, &input.fields())
        .await?;
    Ok(record(StatusCode::OK, t.version, Training::from(t)))
}

/// What to do with what depends on a record being deleted.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct DeleteParams {
    /// Delete what depends on it too (sessions, attendance), or take it off the records that
    /// name it (a partner). Without it, a record others depend on is refused.
    cascade: Option<bool>,
}

fn deleted(d: cadre_store::Dependents) -> Response {
    let _ = d;
    StatusCode::NO_CONTENT.into_response()
}

/// Deletes a training.
#[utoipa::path(delete, path = "/trainings/{id}", tag = "trainings",
    params(("id" = i64, Path, description = "The training's id"), DeleteParams,
        ("If-Match" = Option<String>, Header, description = "Delete only if still at this version")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such training", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Others depend on it, or it changed", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn delete_training(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(p): ApiQuery<DeleteParams>,
    headers: HeaderMap,
) -> ApiResult {
    let d = s
        .app
        .delete_training(&s.actor, id, if_match(&headers), p.cascade.unwrap_or(false))
        .await?;
    Ok(deleted(d))
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
    State(s): State<AppState>,
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
    s.app.training(&s.actor, id).await?;
    let (lines, total) = s
        .app
        .store()
        .roster(id, limit)
        .await
        .map_err(|e| Problem::from(cadre_app::AppError::from(e)))?;
    Ok(Json(Attendance {
        training_id: id,
        total,
        items: lines.into_iter().map(AttendanceLine::from).collect(),
    })
    .into_response())
}

// ---- sessions ----

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
    State(s): State<AppState>,
    ApiQuery(page): ApiQuery<PageParams>,
    ApiQuery(f): ApiQuery<SessionFilters>,
) -> ApiResult {
    let (limit, after) = (page.limit()?, page.after()?);
    let store = s.app.store();
    let fail = |e| Problem::from(cadre_app::AppError::from(e));
    let items: Vec<Session> = match f
        .training_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        Some(code) => match store.training_id(code).await.map_err(fail)? {
            Some(t) => {
                let mut all = store.sessions_of(t).await.map_err(fail)?;
                all.sort_by_key(|v| v.id);
                all.into_iter()
                    .filter(|v| v.id > after)
                    .take(limit as usize)
                    .map(Session::from)
                    .collect()
            }
            None => Vec::new(),
        },
        None => store
            .sessions_after(after, limit)
            .await
            .map_err(fail)?
            .into_iter()
            .map(Session::from)
            .collect(),
    };
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
pub(crate) async fn get_session(State(s): State<AppState>, ApiPath(id): ApiPath<i64>) -> ApiResult {
    let v = s.app.session(&s.actor, id).await?;
    Ok(record(StatusCode::OK, v.version, Session::from(v)))
}

/// Creates a session of a training.
#[utoipa::path(post, path = "/sessions", tag = "sessions",
    request_body = SessionInput,
    responses(
        (status = 201, description = "Created", body = Session),
        (status = 422, description = "The record does not hold together", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn create_session(
    State(s): State<AppState>,
    ApiJson(input): ApiJson<SessionInput>,
) -> ApiResult {
    no_bad_version(input.version)?;
    let v = s.app.create_session(&s.actor, &input.fields()).await?;
    Ok(record(StatusCode::CREATED, v.version, Session::from(v)))
}

/// Replaces a session, if it is still at the version given.
#[utoipa::path(put, path = "/sessions/{id}", tag = "sessions",
    params(("id" = i64, Path, description = "The session's id"),
        ("If-Match" = Option<String>, Header, description = "The version the change is made from")),
    request_body = SessionInput,
    responses(
        (status = 200, description = "Replaced", body = Session),
        (status = 404, description = "No such session", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed since that version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The record does not hold together", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No version given", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn put_session(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<SessionInput>,
) -> ApiResult {
    let version = version_of(&headers, input.version)?;
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
        (status = 409, description = "It has attendance, or it changed", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn delete_session(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(p): ApiQuery<DeleteParams>,
    headers: HeaderMap,
) -> ApiResult {
    let d = s
        .app
        .delete_session(&s.actor, id, if_match(&headers), p.cascade.unwrap_or(false))
        .await?;
    Ok(deleted(d))
}

// ---- partners ----

/// Partners in id order.
#[utoipa::path(get, path = "/partners", tag = "partners",
    params(PageParams),
    responses(
        (status = 200, description = "A page of partners", body = PartnerPage),
        (status = 400, description = "The page is not understood", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn list_partners(
    State(s): State<AppState>,
    ApiQuery(page): ApiQuery<PageParams>,
) -> ApiResult {
    let (limit, after) = (page.limit()?, page.after()?);
    let items: Vec<Partner> = s
        .app
        .store()
        .partners_after(after, limit)
        .await
        .map_err(|e| Problem::from(cadre_app::AppError::from(e)))?
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
pub(crate) async fn get_partner(State(s): State<AppState>, ApiPath(id): ApiPath<i64>) -> ApiResult {
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
pub(crate) async fn create_partner(
    State(s): State<AppState>,
    ApiJson(input): ApiJson<PartnerInput>,
) -> ApiResult {
    no_bad_version(input.version)?;
    let v = s.app.create_partner(&s.actor, &input.fields()).await?;
    Ok(record(StatusCode::CREATED, v.version, Partner::from(v)))
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
    State(s): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<PartnerInput>,
) -> ApiResult {
    let version = version_of(&headers, input.version)?;
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
    State(s): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(p): ApiQuery<DeleteParams>,
    headers: HeaderMap,
) -> ApiResult {
    let d = s
        .app
        .delete_partner(&s.actor, id, if_match(&headers), p.cascade.unwrap_or(false))
        .await?;
    Ok(deleted(d))
}

// ---- participants ----

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
    State(s): State<AppState>,
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
    Ok(Json(ParticipantPage { items, next_cursor }).into_response())
}

/// One participant.
#[utoipa::path(get, path = "/participants/{id}", tag = "participants",
    params(("id" = i64, Path, description = "The participant's id")),
    responses(
        (status = 200, description = "The participant", body = Participant),
        (status = 404, description = "No such participant", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn get_participant(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult {
    let v = s.app.participant(&s.actor, id).await?;
    Ok(record(StatusCode::OK, v.version, Participant::from(v)))
}

/// Records a participant.
#[utoipa::path(post, path = "/participants", tag = "participants",
    request_body = ParticipantInput,
    responses(
        (status = 201, description = "Created", body = Participant),
        (status = 422, description = "The record does not hold together, or it is a person already recorded", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn create_participant(
    State(s): State<AppState>,
    ApiJson(input): ApiJson<ParticipantInput>,
) -> ApiResult {
    no_bad_version(input.version)?;
    let v = s.app.create_participant(&s.actor, &input.fields()).await?;
    let version = v.version;
    Ok(record(StatusCode::CREATED, version, person_json(v, 0, 0)))
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
    State(s): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<ParticipantInput>,
) -> ApiResult {
    let version = version_of(&headers, input.version)?;
    s.app
        .update_participant(&s.actor, id, version, &input.fields())
        .await?;
    let v = s.app.participant(&s.actor, id).await?;
    Ok(record(StatusCode::OK, v.version, Participant::from(v)))
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
    State(s): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(p): ApiQuery<DeleteParams>,
    headers: HeaderMap,
) -> ApiResult {
    let d = s
        .app
        .delete_participant(&s.actor, id, if_match(&headers), p.cascade.unwrap_or(false))
        .await?;
    Ok(deleted(d))
}
