//! Importing a sheet in the browser, on the import issue's machinery: upload (with its size
//! limit said), the sheet and header row, a preview of the first rows as cadre reads them, the
//! column mapping with its proposal, the values cadre does not know, a dry run with every
//! problem, the rejected rows to download and fix, the commit; and the import history.

use std::collections::BTreeMap;
use std::path::{Path as FsPath, PathBuf};

use askama::Template;
use axum::extract::{Multipart, Path};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use cadre_app::{ImportOutcome, ImportRequest, Preview};
use cadre_core::Kind;
use cadre_import::Proposal;

use super::{page, page_with, see_other};
use crate::error::{PageResult, WebError};
use crate::Ctx;

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
fn staged(s: &Ctx, token: &str) -> Result<PathBuf, WebError> {
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

pub(crate) async fn new(s: Ctx) -> PageResult<Response> {
    s.actor.must(cadre_core::access::Action::Import)?;
    page(NewPage {
        nav: "imports",
        kinds: KINDS,
        limit_mib: crate::BODY_LIMIT / (1024 * 1024),
        problem: None,
    })
}

/// Receives the file (streamed to disk, never held whole in memory) and moves on to its
/// preview.
pub(crate) async fn upload(s: Ctx, mut form: Multipart) -> PageResult<Response> {
    s.actor.must(cadre_core::access::Action::Import)?;
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
pub(super) struct Upload {
    pub(super) dir: PathBuf,
    pub(super) kind: Kind,
    pub(super) name: String,
}

pub(super) fn upload_of(s: &Ctx, token: &str) -> Result<Upload, WebError> {
    // Only those who import see or run an upload (its token alone is not enough).
    s.actor.must(cadre_core::access::Action::Import)?;
    let dir = staged(s, token)?;
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).map_err(|_| WebError::NotFound);
    let kind = kind_of(read("kind")?.trim())?;
    let name = read("name")?.trim().to_string();
    Ok(Upload { dir, kind, name })
}

impl Upload {
    pub(super) fn request(
        &self,
        sheet: Option<String>,
        header_row: Option<usize>,
    ) -> ImportRequest {
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
pub(super) struct StagedPage {
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
pub(super) struct OutcomeView {
    pub(super) dry_run: bool,
    pub(super) refused: bool,
    pub(super) counts: String,
    pub(super) problems: Vec<String>,
    pub(super) more: usize,
    pub(super) rejects: Option<u64>,
}

pub(super) fn outcome_view(o: &ImportOutcome, dry_run: bool) -> OutcomeView {
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

pub(super) fn options(values: &BTreeMap<String, String>) -> (Option<String>, Option<usize>) {
    let sheet = values
        .get("sheet")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    let header_row = values.get("header_row").and_then(|s| s.trim().parse().ok());
    (sheet, header_row)
}

pub(super) async fn staged_page(
    s: &Ctx,
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

pub(crate) async fn staged_view(s: Ctx, Path(token): Path<String>) -> PageResult<Response> {
    page(staged_page(&s, &token, None, None, None).await?)
}

/// The mapping the form describes, written as a mapping file beside the upload.
pub(super) fn write_mapping(
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

/// The rows a run set aside, with their problems in the first column, to fix and upload again.
pub(crate) async fn rejects(s: Ctx, Path(token): Path<String>) -> PageResult<Response> {
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
    // The rows set aside name people: handing them out is an export of personal data.
    s.app
        .note_export(
            &s.actor,
            "import-rejects",
            &format!("rows set aside from {}", up.name),
        )
        .await?;
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
    s: Ctx,
    axum::extract::Query(q): axum::extract::Query<HistoryQuery>,
) -> PageResult<Response> {
    let imports = s.app.import_history(&s.actor, 100).await?;
    page(HistoryPage {
        nav: "imports",
        imports,
        done: q.done,
    })
}
