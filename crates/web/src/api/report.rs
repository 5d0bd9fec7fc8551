//! The report of any period, as the same JSON `cadre report --format json` writes (keys as in
//! docs/report-json.md).

use axum::http::header;
use axum::response::{IntoResponse, Response};
use cadre_app::domain::report::Period;
use serde::Deserialize;
use utoipa::IntoParams;

use super::extract::ApiQuery;
use super::Problem;
use crate::Ctx;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ReportParams {
    /// The period's first day, YYYY-MM-DD (with `to`).
    #[param(format = Date, pattern = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    from: Option<String>,
    /// The period's last day, YYYY-MM-DD, included (with `from`).
    #[param(format = Date, pattern = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    to: Option<String>,
    /// A year: the whole of it, or with `quarter` or `month`, a part.
    #[param(minimum = 1900, maximum = 2100)]
    year: Option<u16>,
    /// A quarter of `year`, 1 to 4.
    #[param(minimum = 1, maximum = 4)]
    quarter: Option<u8>,
    /// A month of `year`, 1 to 12.
    #[param(minimum = 1, maximum = 12)]
    month: Option<u8>,
}

impl ReportParams {
    /// The period asked for, read as the report page reads its picker.
    fn period(&self) -> Result<Period, Problem> {
        let range = self.from.is_some() || self.to.is_some();
        let part = self.quarter.is_some() || self.month.is_some();
        if range && (self.year.is_some() || part) {
            return Err(Problem::unprocessable(
                "give from and to, or a year (with a quarter or a month), not both",
            ));
        }
        if self.quarter.is_some() && self.month.is_some() {
            return Err(Problem::unprocessable(
                "give a quarter or a month of the year, not both",
            ));
        }
        if !range && self.year.is_none() {
            return Err(Problem::unprocessable(
                "say which period: from and to (YYYY-MM-DD), or a year, with a quarter (1 to 4) or a month (1 to 12)",
            ));
        }
        if let Some(year) = self.year.filter(|y| !(1900..=2100).contains(y)) {
            return Err(Problem::unprocessable(format!(
                "year {year} is outside the years cadre reports on, 1900 to 2100"
            )));
        }
        let kind = if range {
            "range"
        } else if self.quarter.is_some() {
            "quarter"
        } else if self.month.is_some() {
            "month"
        } else {
            "year"
        };
        let q = cadre_app::PeriodQuery {
            kind: Some(kind.into()),
            year: self.year.map(|y| y.to_string()),
            quarter: self.quarter.map(|q| q.to_string()),
            month: self.month.map(|m| m.to_string()),
            from: self.from.clone(),
            to: self.to.clone(),
        };
        match q.period() {
            Ok(Some(p)) => Ok(p),
            Ok(None) => Err(Problem::bad_request("say which period")),
            Err(why) => Err(Problem::unprocessable(why)),
        }
    }
}

/// The report for a period: `from` and `to`, or a `year` (with a `quarter` or a `month`).
#[utoipa::path(get, path = "/report", tag = "report",
    params(ReportParams),
    responses(
        (status = 200, description = "The report, as `cadre report --format json` writes it (docs/report-json.md)", body = Object, content_type = "application/json"),
        (status = 400, description = "A parameter that does not parse", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No period named, or one that does not hold together", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn report(
    s: Ctx,
    ApiQuery(p): ApiQuery<ReportParams>,
) -> Result<Response, Problem> {
    let period = p.period()?;
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
