//! Running an import from the browser: the dry run or the import itself on its own task, the
//! request waiting a little for it, and a page that follows a longer one by refreshing itself
//! (no script) until it says what the import did.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::Response;
use axum::Form;
use cadre_app::{AppError, Finished, JobState};

use super::imports::{outcome_view, settings_of, staged_page, upload_of, OutcomeView};
use crate::error::PageResult;
use crate::view::{page, page_with, see_other};
use crate::Ctx;

/// Reads the sheet again with the form's choices, or checks it (a dry run), or imports it.
pub(crate) async fn run(
    s: Ctx,
    Path(token): Path<String>,
    Form(values): Form<BTreeMap<String, String>>,
) -> PageResult<Response> {
    let up = upload_of(&s, &token).await?;
    let action = values.get("action").map(String::as_str).unwrap_or("check");
    if action == "preview" {
        return page(staged_page(&s, &token, Some(&values), None, None).await?);
    }
    let dry_run = action != "import" && action != "import-confirmed";
    let how = cadre_app::UploadRun {
        dry_run,
        set_aside: values.get("set_aside").is_some_and(|v| v == "yes"),
        confirmed: action == "import-confirmed",
    };
    let settings = settings_of(&up.settings, &values);
    // The import runs on its own; the request waits a little for it, and a file that takes
    // longer is followed on a page that refreshes itself.
    s.app
        .start_upload_import(&s.actor, &token, settings, how, values)
        .await?;
    let waited = std::time::Instant::now();
    loop {
        match s.app.import_job(&s.actor, &token) {
            JobState::Done(f) => return finish(&s, &token, *f).await,
            JobState::Running { .. } if waited.elapsed() < s.inline_wait => {
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
            _ => return Ok(see_other(&format!("/imports/staged/{token}/progress"))),
        }
    }
}

#[derive(Template)]
#[template(path = "import_progress.html")]
struct ProgressPage {
    nav: &'static str,
    name: String,
    read: u64,
    total: u64,
    percent: u64,
}

/// How far a running import has read; once it is done, what it did.
pub(crate) async fn progress(s: Ctx, Path(token): Path<String>) -> PageResult<Response> {
    s.app.open_form(&s.actor, cadre_app::Form::Import)?;
    let (name, read, total) = match s.app.import_job(&s.actor, &token) {
        JobState::Done(f) => return finish(&s, &token, *f).await,
        JobState::Running { name, read, total } => (name, read, total),
        JobState::Unknown => {
            // Done, and said already (the history has it), or not this person's to follow.
            upload_of(&s, &token).await?;
            return Ok(see_other("/imports"));
        }
    };
    let mut res = page(ProgressPage {
        nav: "imports",
        name,
        read,
        total,
        percent: (read * 100).checked_div(total).unwrap_or(0).min(100),
    })?;
    // A page in progress is never kept or revalidated: the next look must ask again.
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(res)
}

/// The page that says what a finished import did.
async fn finish(s: &Ctx, token: &str, f: Finished) -> PageResult<Response> {
    let Finished {
        result,
        choices: values,
        dry_run,
        upload,
    } = f;
    match result {
        Ok(outcome) => {
            let held = outcome.summary.as_ref().is_some_and(|s| s.held);
            if !dry_run && !outcome.refused() && !held {
                return Ok(see_other(&format!("/imports?done={}", outcome.history_id)));
            }
            let view = outcome_view(&outcome, dry_run, &upload);
            let status = if outcome.refused() {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            };
            page_with(
                status,
                staged_page(s, token, Some(&values), Some(view), None).await?,
            )
        }
        Err(AppError::Mapping { message, .. } | AppError::Invalid(message)) => page_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            staged_page(s, token, Some(&values), None, Some(message)).await?,
        ),
        Err(AppError::Rejected(problems)) => {
            let view = OutcomeView {
                dry_run,
                refused: true,
                counts: "Nothing was imported.".into(),
                problems: problems
                    .list
                    .iter()
                    .map(|p| p.on_page(&upload.name))
                    .collect(),
                more: problems.more,
                rejects: None,
                workbook: upload.workbook,
                changes: Vec::new(),
                persons_updated: 0,
                held: false,
                more_persons: false,
                nothing: true,
            };
            page_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                staged_page(s, token, Some(&values), Some(view), None).await?,
            )
        }
        Err(AppError::Locked(why)) => page_with(
            StatusCode::CONFLICT,
            staged_page(s, token, Some(&values), None, Some(why)).await?,
        ),
        Err(e) => Err(e.into()),
    }
}
