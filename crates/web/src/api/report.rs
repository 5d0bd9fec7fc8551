//! The report of any period, as the same JSON `cadre report --format json` writes (keys as in
//! docs/report-json.md).

use axum::http::header;
use axum::response::{IntoResponse, Response};
use cadre_core::report::Period;
use cadre_core::Date;
use serde::Deserialize;
use utoipa::IntoParams;

use super::extract::ApiQuery;
use super::Problem;
use crate::Ctx;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ReportParams {
    /// The period's first day, YYYY-MM-DD.
    #[param(format = Date, pattern = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    from: String,
    /// The period's last day, YYYY-MM-DD, included.
    #[param(format = Date, pattern = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    to: String,
}

/// The report for a period.
#[utoipa::path(get, path = "/report", tag = "report",
    params(ReportParams),
    responses(
        (status = 200, description = "The report, as `cadre report --format json` writes it (docs/report-json.md)", body = Object, content_type = "application/json"),
        (status = 400, description = "The period is not understood", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn report(
    s: Ctx,
    ApiQuery(p): ApiQuery<ReportParams>,
) -> Result<Response, Problem> {
    let day =
        |d: &str| Date::parse(d.trim()).map_err(|e| Problem::unprocessable(format!("{d}: {e}")));
    let period = Period::new(day(&p.from)?, day(&p.to)?)
        .map_err(|e| Problem::unprocessable(e.to_string()))?;
    let report = s.app.report(&s.actor, period).await?;
    let json = cadre_render::render(&report, cadre_render::Format::Json).map_err(|e| {
        tracing::error!(error = %e, "the report could not be written");
        Problem::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the report could not be written",
        )
    })?;
    Ok(([(header::CONTENT_TYPE, "application/json")], json).into_response())
}
