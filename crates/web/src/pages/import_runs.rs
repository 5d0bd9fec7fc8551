//! Running an import from the browser: the dry run or the import itself on its own task, the
//! request waiting a little for it, and a page that follows a longer one by refreshing itself
//! (no script) until it says what the import did.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use askama::Template;
use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::Response;
use axum::Form;
use cadre_app::{AppError, ImportOutcome};

use super::imports::{outcome_view, settings_of, staged_page, upload_of, OutcomeView};
use super::{page, page_with, see_other};
use crate::error::PageResult;
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
    let job = Arc::new(Job {
        name: Mutex::new(up.name.clone()),
        ..Job::default()
    });
    s.jobs.put(&token, &s.actor, job.clone());
    let (app, actor, running, t) = (s.app.clone(), s.actor.clone(), job.clone(), token.clone());
    tokio::spawn(async move {
        let result = app
            .import_upload(&actor, &t, &settings, how, &mut |read, total| {
                running.read.store(read, Ordering::Relaxed);
                running.total.store(total, Ordering::Relaxed);
            })
            .await;
        *running.lock() = Some(Finished {
            result,
            values,
            dry_run,
            upload: up,
        });
    });
    let waited = std::time::Instant::now();
    while waited.elapsed() < s.inline_wait {
        if job.lock().is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let finished = job.lock().take();
    match finished {
        Some(f) => {
            s.jobs.remove(&token);
            finish(&s, &token, f).await
        }
        None => Ok(see_other(&format!("/imports/staged/{token}/progress"))),
    }
}

/// An import running in the background, and how far it has read.
#[derive(Default)]
pub(crate) struct Job {
    name: Mutex<String>,
    read: AtomicU64,
    total: AtomicU64,
    finished: Mutex<Option<Finished>>,
}

impl Job {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Finished>> {
        self.finished.lock().unwrap_or_else(|p| p.into_inner())
    }
}

pub(crate) struct Finished {
    result: Result<ImportOutcome, AppError>,
    values: BTreeMap<String, String>,
    dry_run: bool,
    upload: cadre_app::Upload,
}

/// The imports running, by their upload's token, each with who started it.
#[derive(Clone, Default)]
pub(crate) struct Jobs(Arc<Mutex<HashMap<String, Running>>>);

/// A job with who started it.
type Running = (Who, Arc<Job>);

/// An account as a job knows it: only whoever started a job follows it.
type Who = (Option<i64>, String);

fn who(actor: &cadre_app::Actor) -> Who {
    (actor.account, actor.name.clone())
}

impl Jobs {
    fn put(&self, token: &str, actor: &cadre_app::Actor, job: Arc<Job>) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(token.to_string(), (who(actor), job));
    }

    fn get(&self, token: &str, actor: &cadre_app::Actor) -> Option<Arc<Job>> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(token)
            .filter(|(w, _)| *w == who(actor))
            .map(|(_, job)| job.clone())
    }

    fn remove(&self, token: &str) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(token);
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
    let Some(job) = s.jobs.get(&token, &s.actor) else {
        // Done, and said already (the history has it), or not this person's to follow.
        upload_of(&s, &token).await?;
        return Ok(see_other("/imports"));
    };
    let finished = job.lock().take();
    if let Some(f) = finished {
        s.jobs.remove(&token);
        return finish(&s, &token, f).await;
    }
    let (read, total) = (
        job.read.load(Ordering::Relaxed),
        job.total.load(Ordering::Relaxed),
    );
    let name = job.name.lock().unwrap_or_else(|p| p.into_inner()).clone();
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
        values,
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
