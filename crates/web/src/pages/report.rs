//! The report page: a period picker (year, quarter, month or any range) over the same report
//! `cadre report` writes, shown in the page and downloadable in every format.

use askama::Template;
use axum::extract::{Path, Query};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use cadre_app::domain::report::Period;
use cadre_render::Format;

use crate::error::{PageResult, WebError};
use crate::view::page;
use crate::Ctx;
use cadre_app::PeriodQuery;

const FORMATS: [(Format, &str, &str); 6] = [
    (
        Format::Xlsx,
        "Excel workbook",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (Format::Pdf, "PDF", "application/pdf"),
    (Format::Csv, "CSV", "text/csv; charset=utf-8"),
    (Format::Json, "JSON", "application/json"),
    (Format::Markdown, "Markdown", "text/markdown; charset=utf-8"),
    (Format::Html, "Web page", "text/html; charset=utf-8"),
];

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    nav: &'static str,
    label: String,
    picked: PeriodQuery,
    query: String,
    problem: Option<String>,
    downloads: Vec<(&'static str, &'static str)>,
    body: String,
    years: Vec<i32>,
    months: Vec<(u8, &'static str)>,
    can_publish: bool,
    /// Where the period stands in its approval, and the steps the viewer may take.
    approval: Option<super::periods::Panel>,
}

/// The period asked for, else the latest year with a training; and what is wrong with what
/// was asked, if anything.
pub(crate) async fn period_of(
    s: &Ctx,
    q: &PeriodQuery,
) -> PageResult<(Period, Vec<i32>, Option<String>)> {
    let years = s.app.years(&s.actor).await?;
    let fallback = Period::year(years.first().copied().unwrap_or(2020));
    Ok(match q.period() {
        Ok(Some(p)) => (p, years, None),
        Ok(None) => (fallback, years, None),
        Err(e) => (fallback, years, Some(e)),
    })
}

pub(crate) async fn show(s: Ctx, Query(q): Query<PeriodQuery>) -> PageResult<Response> {
    let (period, mut years, problem) = period_of(&s, &q).await?;
    let report = s.app.report(&s.actor, period).await?;
    let picked = PeriodQuery::of(period);
    if !years.contains(&period.from.year) {
        years.push(period.from.year);
        years.sort_unstable_by(|a, b| b.cmp(a));
    }
    page(ReportPage {
        nav: "report",
        label: report.period.label(),
        query: picked.query_string(),
        picked,
        problem,
        downloads: FORMATS
            .iter()
            .map(|(f, l, _)| (f.extension(), *l))
            .collect(),
        body: cadre_render::html::body(&report)?,
        years,
        months: (1..=12)
            .map(|m| (m, cadre_app::domain::date::month_name(m)))
            .collect(),
        can_publish: s.actor.may(cadre_app::domain::access::Action::Publish),
        approval: super::periods::panel(&s, period).await?,
    })
}

pub(crate) async fn download(
    s: Ctx,
    Path(format): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> PageResult<Response> {
    let Some((format, _, mime)) = FORMATS.iter().find(|(f, ..)| f.extension() == format) else {
        return Err(WebError::NotFound);
    };
    let period = match q.period().map_err(WebError::BadRequest)? {
        Some(p) => p,
        None => period_of(&s, &q).await?.0,
    };
    let report = s.app.report(&s.actor, period).await?;
    let bytes = cadre_render::render(&report, *format)
        .map_err(|e| WebError::BadRequest(format!("the report could not be written: {e}")))?;
    let name = format!(
        "cadre-report-{}-{}.{}",
        period.from,
        period.to,
        format.extension()
    );
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
