//! A period's approval in the browser: the report page says where the period it shows stands
//! and offers the next step to whoever may take it (a coordinator submits, an admin approves or
//! reopens with a reason); `/periods` lists every period with an approval. The steps and
//! their rules are the application layer's.

use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use axum::Form;
use cadre_app::domain::access::Action;
use cadre_app::domain::approval::{Approval, Status};
use cadre_app::domain::report::Period;
use serde::Deserialize;

use crate::error::{PageResult, WebError};
use crate::view::{page, see_other};
use crate::Ctx;
use cadre_app::PeriodQuery;

/// Where a period stands, and the steps the viewer may take now.
pub(crate) struct Panel {
    pub state: String,
    pub submit: bool,
    pub approve: bool,
    pub reopen: bool,
}

/// The day a period was approved, as the agency writes days.
fn approved_on(a: &Approval) -> String {
    a.approved_at
        .as_deref()
        .map(|at| crate::auth::viewer().day(at))
        .unwrap_or_default()
}

fn state_of(a: Option<&Approval>) -> String {
    match a {
        None => "Not submitted for approval.".into(),
        Some(a) => match a.status {
            Status::Submitted => match &a.approved_at {
                None => format!(
                    "Submitted for approval by {} on {}.",
                    a.submitted_by,
                    crate::auth::viewer().day(&a.submitted_at)
                ),
                Some(_) => format!(
                    "Approved on {}, reopened, and submitted again by {} on {}.",
                    approved_on(a),
                    a.submitted_by,
                    crate::auth::viewer().day(&a.submitted_at)
                ),
            },
            Status::Approved => format!(
                "Approved on {} by {}: its trainings are locked.",
                approved_on(a),
                a.approved_by.as_deref().unwrap_or("")
            ),
            Status::Reopened => format!(
                "Approved on {}, reopened on {} by {}: {}",
                approved_on(a),
                a.reopened_at
                    .as_deref()
                    .map(|at| crate::auth::viewer().day(at))
                    .unwrap_or_default(),
                a.reopened_by.as_deref().unwrap_or(""),
                a.reason
            ),
        },
    }
}

/// The approval panel of the report page for `period`.
pub(crate) async fn panel(s: &Ctx, period: Period) -> PageResult<Option<Panel>> {
    // A partner reads its own part of a report, which is not what is approved.
    if s.app.partner_scope(&s.actor).await?.is_some() {
        return Ok(None);
    }
    let kept = s.app.periods(&s.actor).await?;
    let a = kept.iter().find(|a| a.period == period);
    let status = a.map(|a| a.status);
    Ok(Some(Panel {
        state: state_of(a),
        submit: s.actor.may(Action::SubmitPeriod)
            && matches!(status, None | Some(Status::Reopened)),
        approve: s.actor.may(Action::ApprovePeriod) && status == Some(Status::Submitted),
        reopen: s.actor.may(Action::ApprovePeriod) && status == Some(Status::Approved),
    }))
}

#[derive(Template)]
#[template(path = "periods.html")]
struct PeriodsPage {
    nav: &'static str,
    /// (label, the report's query, where it stands)
    periods: Vec<(String, String, String)>,
}

pub(crate) async fn list(s: Ctx) -> PageResult<Response> {
    let periods = s
        .app
        .periods(&s.actor)
        .await?
        .iter()
        .map(|a| {
            (
                a.period.label(),
                PeriodQuery::of(a.period).query_string(),
                state_of(Some(a)),
            )
        })
        .collect();
    page(PeriodsPage {
        nav: "report",
        periods,
    })
}

fn back(period: Period) -> Response {
    see_other(&format!(
        "/report?{}#approval-panel",
        PeriodQuery::of(period).query_string()
    ))
}

/// What a step's form posts: the period (the report page puts it in the address the form
/// posts to; a program may send it in the body) and, to reopen, the reason.
#[derive(Deserialize)]
pub(crate) struct StepForm {
    #[serde(default)]
    reason: String,
    #[serde(flatten)]
    period: PeriodQuery,
}

/// The period a step is taken on: named in the address or the body, never guessed (a step on
/// a period nobody named could approve the wrong one), and the same if named in both.
fn step_period(q: &PeriodQuery, f: &PeriodQuery) -> PageResult<Period> {
    let in_address = q.period().map_err(WebError::BadRequest)?;
    let in_body = f.period().map_err(WebError::BadRequest)?;
    match (in_address, in_body) {
        (Some(a), Some(b)) if a != b => Err(WebError::BadRequest(
            "the form names two different periods: take the step from the period's report".into(),
        )),
        (Some(p), _) | (None, Some(p)) => Ok(p),
        (None, None) => Err(WebError::BadRequest(
            "the form names no period: take the step from the period's report".into(),
        )),
    }
}

pub(crate) async fn submit(
    s: Ctx,
    Query(q): Query<PeriodQuery>,
    Form(form): Form<StepForm>,
) -> PageResult<Response> {
    let period = step_period(&q, &form.period)?;
    s.app.submit_period(&s.actor, period).await?;
    Ok(back(period))
}

pub(crate) async fn approve(
    s: Ctx,
    Query(q): Query<PeriodQuery>,
    Form(form): Form<StepForm>,
) -> PageResult<Response> {
    let period = step_period(&q, &form.period)?;
    s.app.approve_period(&s.actor, period).await?;
    Ok(back(period))
}

pub(crate) async fn reopen(
    s: Ctx,
    Query(q): Query<PeriodQuery>,
    Form(form): Form<StepForm>,
) -> PageResult<Response> {
    let period = step_period(&q, &form.period)?;
    s.app.reopen_period(&s.actor, period, &form.reason).await?;
    Ok(back(period))
}
