//! Published reports, open to anyone: the list, one report in the page (as frozen when it
//! was published) with its downloads, each file, and the admins' button that publishes.

use askama::Template;
use axum::extract::{Path, Query};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use cadre_app::Publication;

use crate::error::{PageResult, WebError};
use crate::view::{page, see_other};
use crate::Ctx;
use cadre_app::PeriodQuery;

#[derive(Template)]
#[template(path = "published_list.html")]
struct ListPage {
    nav: &'static str,
    reports: Vec<Publication>,
}

#[derive(Template)]
#[template(path = "published.html")]
struct ReportPage {
    nav: &'static str,
    p: Publication,
    /// The day it was published, in words.
    published_on: String,
    downloads: Vec<(&'static str, &'static str)>,
    body: String,
}

pub(crate) async fn list(s: Ctx) -> PageResult<Response> {
    page(ListPage {
        nav: "published",
        reports: s.app.publications().await?,
    })
}

pub(crate) async fn show(s: Ctx, Path(slug): Path<String>) -> PageResult<Response> {
    let (p, files) = s.app.publication(&slug).await?.ok_or(WebError::NotFound)?;
    let body = s
        .app
        .publication_file(&slug, cadre_app::BODY_FILE)
        .await?
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let published_on = crate::auth::viewer().day(&p.published_at);
    page(ReportPage {
        nav: "published",
        published_on,
        downloads: cadre_app::PUBLISHED_FILES[1..]
            .iter()
            .filter(|(f, _)| files.iter().any(|n| n == f))
            .copied()
            .collect(),
        p,
        body,
    })
}

pub(crate) async fn file(
    s: Ctx,
    Path((slug, name)): Path<(String, String)>,
) -> PageResult<Response> {
    if !cadre_app::PUBLISHED_FILES.iter().any(|(f, _)| *f == name) {
        return Err(WebError::NotFound);
    }
    let bytes = s
        .app
        .publication_file(&slug, &name)
        .await?
        .ok_or(WebError::NotFound)?;
    let disposition = if name.ends_with(".html") {
        "inline".to_string()
    } else {
        format!("attachment; filename=\"cadre-{slug}-{name}\"")
    };
    Ok((
        [
            (
                header::CONTENT_TYPE,
                cadre_app::content_type(&name).to_string(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "publish_confirm.html")]
struct ConfirmPage {
    nav: &'static str,
    title: String,
    query: String,
    figures: Vec<(String, &'static str)>,
    approved: bool,
    approval: Option<String>,
}

/// The period asked for, else the one the report page shows by default.
async fn period_asked(s: &Ctx, q: &PeriodQuery) -> PageResult<cadre_app::domain::report::Period> {
    Ok(match q.period().map_err(WebError::BadRequest)? {
        Some(p) => p,
        None => super::report::period_of(s, q).await?.0,
    })
}

/// What publishing the period would publish, to confirm (admins only: the application layer
/// says), with a warning and an explicit choice when the period is not approved.
pub(crate) async fn confirm(s: Ctx, Query(q): Query<PeriodQuery>) -> PageResult<Response> {
    let period = period_asked(&s, &q).await?;
    let preview = s.app.publish_preview(&s.actor, period).await?;
    page(ConfirmPage {
        nav: "report",
        title: preview.title,
        query: PeriodQuery::of(period).query_string(),
        figures: preview.figures,
        approved: preview.approved,
        approval: preview.approval,
    })
}

/// Publishes the period confirmed (an unapproved one only with the box ticked).
pub(crate) async fn publish(
    s: Ctx,
    Query(q): Query<PeriodQuery>,
    axum::Form(values): axum::Form<std::collections::BTreeMap<String, String>>,
) -> PageResult<Response> {
    let period = period_asked(&s, &q).await?;
    let unapproved = values.get("unapproved").is_some_and(|v| v == "yes");
    let p = s.app.publish(&s.actor, period, unapproved).await?;
    Ok(see_other(&format!("/reports/{}", p.slug)))
}
