//! Importing a sheet in the browser, on the import issue's machinery: upload (with its size
//! limit said), the sheet and header row, a preview of the first rows as cadre reads them, the
//! column mapping with its proposal, the values cadre does not know, a dry run with every
//! problem, the rejected rows to download and fix, the commit; and the import history.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path as FsPath, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use cadre_app::{AppError, ImportOutcome, ImportRequest, Preview};
use cadre_core::Kind;
use cadre_import::Proposal;

use super::{page, page_with, see_other};
use crate::error::{PageResult, WebError};
use crate::AppState;

const KINDS: [(&str, &str); 6] = [
    ("attendance", "Attendance (who took part)"),
    ("trainings", "Trainings"),
    ("sessions", "Sessions"),
    ("partners", "Partners"),
    ("departments", "Departments"),
    ("published", "Published figures of a period"),
];

fn kind_of(s: &str) -> Result<Kind, WebError> {
    Kind::parse(s).ok_or_else(|| {
        WebError::BadRequest(format!("\"{s}\" is not a kind of sheet cadre imports"))
    })
}

/// Where an upload waits between its steps: a folder of its own, named by a token nobody can
/// guess from another's, holding the file, its mapping and its rejected rows.
fn staged(s: &AppState, token: &str) -> Result<PathBuf, WebError> {
    let ok = token.len() == 32 && token.bytes().all(|b| b.is_ascii_hexdigit());
    let dir = s.uploads.join(token);
    if !ok || !dir.is_dir() {
        return Err(WebError::NotFound);
    }
    Ok(dir)
}

fn new_token() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let mut seed = [0u8; 16];
    if let Ok(mut f) = std::fs::File::open("/dev/urandom") {
        let _ = std::io::Read::read_exact(&mut f, &mut seed);
    }
    let n = COUNT.fetch_add(1, Ordering::Relaxed);
    let text = format!("{seed:?}{nanos}{n}{}", std::process::id());
    // FNV-1a over the mix, twice with different offsets: 128 bits as 32 hex digits.
    let hash = |offset: u64| {
        text.bytes().fold(offset, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
        })
    };
    format!(
        "{:016x}{:016x}",
        hash(0xcbf29ce484222325),
        hash(0x84222325cbf29ce4)
    )
}

/// The uploaded file's own name, kept for messages, without any folder in it.
fn safe_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("upload");
    let clean: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    if clean.trim().is_empty() || clean.starts_with('.') {
        "upload.csv".to_string()
    } else {
        clean
    }
}

#[derive(Template)]
#[template(path = "import_new.html")]
struct NewPage {
    nav: &'static str,
    kinds: [(&'static str, &'static str); 6],
    limit_mib: usize,
    problem: Option<String>,
}

pub(crate) async fn new() -> PageResult<Response> {
    page(NewPage {
        nav: "imports",
        kinds: KINDS,
        limit_mib: crate::BODY_LIMIT / (1024 * 1024),
        problem: None,
    })
}

/// Receives the file (streamed to disk, never held whole in memory) and moves on to its
/// preview.
pub(crate) async fn upload(State(s): State<AppState>, mut form: Multipart) -> PageResult<Response> {
    let token = new_token();
    let dir = s.uploads.join(&token);
    std::fs::create_dir_all(&dir)
        .map_err(|e| WebError::BadRequest(format!("cannot keep the upload: {e}")))?;
    let mut kind = String::new();
    let mut file: Option<String> = None;
    let refuse = |message: String| -> PageResult<Response> {
        page_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            NewPage {
                nav: "imports",
                kinds: KINDS,
                limit_mib: crate::BODY_LIMIT / (1024 * 1024),
                problem: Some(message),
            },
        )
    };
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&dir);
                return refuse(format!(
                    "the upload did not arrive whole ({}): files up to {} MiB are accepted",
                    e.body_text(),
                    crate::BODY_LIMIT / (1024 * 1024)
                ));
            }
        };
        match field.name().unwrap_or("") {
            "kind" => kind = field.text().await.unwrap_or_default(),
            "file" => {
                let name = safe_name(field.file_name().unwrap_or("upload.csv"));
                let path = dir.join(&name);
                let mut out = tokio::fs::File::create(&path)
                    .await
                    .map_err(|e| WebError::BadRequest(format!("cannot keep the upload: {e}")))?;
                let mut field = field;
                let mut bytes = 0u64;
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => {
                            bytes += chunk.len() as u64;
                            tokio::io::AsyncWriteExt::write_all(&mut out, &chunk)
                                .await
                                .map_err(|e| {
                                    WebError::BadRequest(format!("cannot keep the upload: {e}"))
                                })?;
                        }
                        Ok(None) => break,
                        Err(e) => {
                            let _ = std::fs::remove_dir_all(&dir);
                            return refuse(format!(
                                "the upload did not arrive whole ({}): files up to {} MiB are accepted",
                                e.body_text(),
                                crate::BODY_LIMIT / (1024 * 1024)
                            ));
                        }
                    }
                }
                // A tokio file writes in the background: what is not flushed may not be on
                // disk when the next step reads it.
                tokio::io::AsyncWriteExt::flush(&mut out)
                    .await
                    .map_err(|e| WebError::BadRequest(format!("cannot keep the upload: {e}")))?;
                drop(out);
                if bytes > 0 {
                    file = Some(name);
                }
            }
            _ => {}
        }
    }
    if kind_of(&kind).is_err() {
        let _ = std::fs::remove_dir_all(&dir);
        return refuse("choose what the sheet holds".into());
    }
    let Some(name) = file else {
        let _ = std::fs::remove_dir_all(&dir);
        return refuse("choose a file (CSV or XLSX) to upload".into());
    };
    std::fs::write(dir.join("kind"), &kind).map_err(|e| WebError::BadRequest(e.to_string()))?;
    std::fs::write(dir.join("name"), &name).map_err(|e| WebError::BadRequest(e.to_string()))?;
    Ok(see_other(&format!("/imports/staged/{token}")))
}

/// What was uploaded, as kept in its folder.
struct Upload {
    dir: PathBuf,
    kind: Kind,
    name: String,
}

fn upload_of(s: &AppState, token: &str) -> Result<Upload, WebError> {
    let dir = staged(s, token)?;
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).map_err(|_| WebError::NotFound);
    let kind = kind_of(read("kind")?.trim())?;
    let name = read("name")?.trim().to_string();
    Ok(Upload { dir, kind, name })
}

impl Upload {
    fn request(&self, sheet: Option<String>, header_row: Option<usize>) -> ImportRequest {
        let mut r = ImportRequest::new(self.kind, self.dir.join(&self.name));
        r.name = Some(self.name.clone());
        r.sheet = sheet;
        r.header_row = header_row;
        r
    }
}

/// One sheet header with the cadre column it is read as.
struct ColumnChoice {
    index: usize,
    header: String,
    chosen: String,
}

/// A value cadre does not know, with what it is proposed (or was told) to mean.
struct ValueChoice {
    column: String,
    typed: String,
    meaning: String,
    note: String,
}

#[derive(Template)]
#[template(path = "import_staged.html")]
struct StagedPage {
    nav: &'static str,
    token: String,
    name: String,
    kind: &'static str,
    preview: Preview,
    sheet: String,
    header_row: String,
    columns: Vec<ColumnChoice>,
    known: Vec<&'static str>,
    values: Vec<ValueChoice>,
    date_order: String,
    notes: Vec<String>,
    outcome: Option<OutcomeView>,
    problem: Option<String>,
}

/// What a dry run or an import did, as the page says it.
struct OutcomeView {
    dry_run: bool,
    refused: bool,
    counts: String,
    problems: Vec<String>,
    more: usize,
    rejects: Option<u64>,
}

fn outcome_view(o: &ImportOutcome, dry_run: bool) -> OutcomeView {
    let counts = match &o.summary {
        Some(s) => format!(
            "{} rows read: {} created, {} updated, {} unchanged{}.",
            s.rows,
            s.created,
            s.updated,
            s.unchanged,
            match s.removed {
                Some(n) if n > 0 => format!(", {n} removed"),
                _ => String::new(),
            }
        ),
        None => "Nothing was imported.".to_string(),
    };
    OutcomeView {
        dry_run,
        refused: o.refused(),
        counts,
        problems: o.problems.list.iter().map(|p| p.to_string()).collect(),
        more: o.problems.more,
        rejects: o.rejects.as_ref().map(|(_, n)| *n),
    }
}

fn options(values: &BTreeMap<String, String>) -> (Option<String>, Option<usize>) {
    let sheet = values
        .get("sheet")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    let header_row = values.get("header_row").and_then(|s| s.trim().parse().ok());
    (sheet, header_row)
}

async fn staged_page(
    s: &AppState,
    token: &str,
    form: Option<&BTreeMap<String, String>>,
    outcome: Option<OutcomeView>,
    problem: Option<String>,
) -> PageResult<StagedPage> {
    let up = upload_of(s, token)?;
    let empty = BTreeMap::new();
    let values = form.unwrap_or(&empty);
    let (sheet, header_row) = options(values);
    let request = up.request(sheet.clone(), header_row);
    let preview = match s.app.preview(&s.actor, &request, 8).await {
        Ok(p) => p,
        Err(e) => {
            return Err(WebError::BadRequest(format!(
                "{} cannot be read as a sheet: {e}",
                up.name
            )))
        }
    };
    let proposal = s.app.propose_mapping(&s.actor, &request).await?;
    // What the person chose wins over the proposal; the proposal fills the rest.
    let chosen = |i: usize, header: &str| -> String {
        values
            .get(&format!("col.{i}"))
            .cloned()
            .or_else(|| proposal.mapping.columns.get(header).cloned())
            .unwrap_or_else(|| "ignore".to_string())
    };
    // A rejects file's first column holds the problems cadre found: shown, never mapped.
    let columns = preview
        .headers
        .iter()
        .enumerate()
        .filter(|(_, header)| header.as_str() != cadre_import::REJECTS_COLUMN)
        .map(|(index, header)| ColumnChoice {
            index,
            header: header.clone(),
            chosen: chosen(index, header),
        })
        .collect();
    let mut value_choices = Vec::new();
    for (column, map) in &proposal.mapping.values {
        for (typed, meaning) in map {
            let key = format!("val.{column}.{typed}");
            value_choices.push(ValueChoice {
                column: column.clone(),
                typed: typed.clone(),
                meaning: values.get(&key).cloned().unwrap_or_else(|| meaning.clone()),
                note: proposal
                    .notes
                    .get(&format!("values.{column}.{typed}"))
                    .cloned()
                    .unwrap_or_default(),
            });
        }
    }
    let date_order = values
        .get("date_order")
        .cloned()
        .or_else(|| proposal.mapping.date_order.clone())
        .unwrap_or_default();
    let notes = proposal
        .notes
        .iter()
        .filter(|(k, _)| !k.starts_with("values."))
        .map(|(_, v)| v.clone())
        .collect();
    Ok(StagedPage {
        nav: "imports",
        token: token.to_string(),
        name: up.name.clone(),
        kind: up.kind.as_str(),
        sheet: sheet
            .or_else(|| preview.layout.sheet.clone())
            .unwrap_or_default(),
        header_row: header_row.map(|n| n.to_string()).unwrap_or_default(),
        preview,
        columns,
        known: up.kind.columns().to_vec(),
        values: value_choices,
        date_order,
        notes,
        outcome,
        problem,
    })
}

pub(crate) async fn staged_view(
    State(s): State<AppState>,
    Path(token): Path<String>,
) -> PageResult<Response> {
    page(staged_page(&s, &token, None, None, None).await?)
}

/// The mapping the form describes, written as a mapping file beside the upload.
fn write_mapping(
    up: &Upload,
    preview_headers: &[String],
    values: &BTreeMap<String, String>,
) -> Result<PathBuf, WebError> {
    let mut m = cadre_import::Mapping {
        format: 1,
        kind: Some(up.kind.as_str().to_string()),
        ..Default::default()
    };
    let (sheet, header_row) = options(values);
    m.sheet = sheet;
    m.header_row = header_row;
    for (i, header) in preview_headers.iter().enumerate() {
        if let Some(c) = values.get(&format!("col.{i}")) {
            m.columns.insert(header.clone(), c.clone());
        }
    }
    for (key, meaning) in values {
        let Some(rest) = key.strip_prefix("val.") else {
            continue;
        };
        let Some((column, typed)) = rest.split_once('.') else {
            continue;
        };
        if !meaning.trim().is_empty() {
            m.values
                .entry(column.to_string())
                .or_default()
                .insert(typed.to_string(), meaning.trim().to_string());
        }
    }
    m.date_order = values
        .get("date_order")
        .map(|d| d.trim().to_string())
        .filter(|d| d == "dmy" || d == "mdy");
    let text = Proposal {
        mapping: m,
        notes: BTreeMap::new(),
    }
    .to_toml();
    let path = up.dir.join("mapping.toml");
    std::fs::write(&path, text)
        .map_err(|e| WebError::BadRequest(format!("cannot keep the mapping: {e}")))?;
    Ok(path)
}

/// Checks (a dry run) or imports the upload with the mapping the form gives.
pub(crate) async fn run(
    State(s): State<AppState>,
    Path(token): Path<String>,
    Form(values): Form<BTreeMap<String, String>>,
) -> PageResult<Response> {
    let up = upload_of(&s, &token)?;
    let dry_run = values.get("action").map(String::as_str) != Some("import");
    let (sheet, header_row) = options(&values);
    let mut request = up.request(sheet, header_row);
    let preview = s
        .app
        .preview(&s.actor, &request, 1)
        .await
        .map_err(|e| WebError::BadRequest(e.to_string()))?;
    request.mapping = Some(write_mapping(&up, &preview.headers, &values)?);
    request.dry_run = dry_run;
    let set_aside = values.get("set_aside").is_some_and(|v| v == "yes");
    let rejects = up.dir.join("rejects.csv");
    let _ = std::fs::remove_file(&rejects);
    if set_aside {
        request.rejects = Some(rejects);
    }
    // The import runs on its own; the request waits a little for it, and a file that takes
    // longer is followed on a page that refreshes itself.
    let job = Arc::new(Job::default());
    s.jobs.put(&token, job.clone());
    let (app, actor, running) = (s.app.clone(), s.actor.clone(), job.clone());
    tokio::spawn(async move {
        let result = app
            .import(&actor, &request, &mut |read, total| {
                running.read.store(read, Ordering::Relaxed);
                running.total.store(total, Ordering::Relaxed);
            })
            .await;
        *running.lock() = Some(Finished {
            result,
            values,
            dry_run,
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
}

/// The imports running, by their upload's token.
#[derive(Clone, Default)]
pub(crate) struct Jobs(Arc<Mutex<HashMap<String, Arc<Job>>>>);

impl Jobs {
    fn put(&self, token: &str, job: Arc<Job>) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(token.to_string(), job);
    }

    fn get(&self, token: &str) -> Option<Arc<Job>> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(token)
            .cloned()
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
pub(crate) async fn progress(
    State(s): State<AppState>,
    Path(token): Path<String>,
) -> PageResult<Response> {
    let up = upload_of(&s, &token)?;
    let Some(job) = s.jobs.get(&token) else {
        // Done, and said already: the history has it.
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
    let mut res = page(ProgressPage {
        nav: "imports",
        name: up.name,
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
async fn finish(s: &AppState, token: &str, f: Finished) -> PageResult<Response> {
    let Finished {
        result,
        values,
        dry_run,
    } = f;
    match result {
        Ok(outcome) => {
            let view = outcome_view(&outcome, dry_run);
            let status = if outcome.refused() {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            };
            if !dry_run && !outcome.refused() {
                return Ok(see_other(&format!("/imports?done={}", outcome.history_id)));
            }
            page_with(
                status,
                staged_page(s, token, Some(&values), Some(view), None).await?,
            )
        }
        Err(AppError::Mapping { message, .. }) => page_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            staged_page(s, token, Some(&values), None, Some(message)).await?,
        ),
        Err(AppError::Rejected(problems)) => {
            let view = OutcomeView {
                dry_run,
                refused: true,
                counts: "Nothing was imported.".into(),
                problems: problems.list.iter().map(|p| p.to_string()).collect(),
                more: problems.more,
                rejects: None,
            };
            page_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                staged_page(s, token, Some(&values), Some(view), None).await?,
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// The rows a run set aside, with their problems in the first column, to fix and upload again.
pub(crate) async fn rejects(
    State(s): State<AppState>,
    Path(token): Path<String>,
) -> PageResult<Response> {
    let up = upload_of(&s, &token)?;
    let path: &FsPath = &up.dir.join("rejects.csv");
    let bytes = std::fs::read(path).map_err(|_| WebError::NotFound)?;
    let stem = up
        .name
        .rsplit_once('.')
        .map_or(up.name.as_str(), |(s, _)| s);
    let name: String = format!("{stem}-rejected.csv")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c))
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "imports.html")]
struct HistoryPage {
    nav: &'static str,
    imports: Vec<cadre_store::ImportRecord>,
    done: Option<i64>,
}

#[derive(serde::Deserialize)]
pub(crate) struct HistoryQuery {
    done: Option<i64>,
}

pub(crate) async fn history(
    State(s): State<AppState>,
    axum::extract::Query(q): axum::extract::Query<HistoryQuery>,
) -> PageResult<Response> {
    let imports = s.app.import_history(&s.actor, 100).await?;
    page(HistoryPage {
        nav: "imports",
        imports,
        done: q.done,
    })
}
