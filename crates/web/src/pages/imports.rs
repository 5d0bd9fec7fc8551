//! Importing a sheet in the browser, on the import issue's machinery: upload (with its size
//! limit said), the sheet and header row, a preview of the first rows as cadre reads them, the
//! column mapping with its proposal, the values cadre does not know, a dry run with every
//! problem, the rejected rows to download and fix, the commit; and the import history.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Multipart, Path};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use cadre_app::domain::Kind;
use cadre_app::{AppError, ImportSettings, Preview, TrainingChoice, Upload};

use crate::error::{PageResult, WebError};
use crate::view::{page, page_with, see_other};
use crate::Ctx;

pub(super) use super::import_outcome::{outcome_view, OutcomeView};

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

/// Parts a multipart upload may have: the kind, the upload it fixes, the file, and a few the
/// browser may add. More is refused before anything past them is read.
const MAX_PARTS: usize = 8;

#[derive(Template)]
#[template(path = "import_new.html")]
struct NewPage {
    nav: &'static str,
    kinds: [(&'static str, &'static str); 6],
    limit_mib: usize,
    problem: Option<String>,
    /// The trainings an attendance sheet of one training may be of.
    trainings: Vec<TrainingChoice>,
}

pub(crate) async fn new(s: Ctx) -> PageResult<Response> {
    page(NewPage {
        nav: "imports",
        kinds: KINDS,
        limit_mib: crate::BODY_LIMIT / (1024 * 1024),
        problem: None,
        trainings: s.app.training_choices(&s.actor).await?,
    })
}

/// Receives the file (streamed to disk beside the database, never held whole in memory) and
/// moves on to its preview. One file per upload: a second is refused (413) before it is
/// stored, and the first is removed with it.
pub(crate) async fn upload(s: Ctx, mut form: Multipart) -> PageResult<Response> {
    s.app.open_form(&s.actor, cadre_app::Form::Import)?;
    let mut kind = String::new();
    let mut fixing: Option<String> = None;
    let mut training: Option<String> = None;
    let mut writer: Option<cadre_app::UploadWriter> = None;
    let limit_mib = crate::BODY_LIMIT / (1024 * 1024);
    let refuse = |status: StatusCode, message: String| -> PageResult<Response> {
        page_with(
            status,
            NewPage {
                nav: "imports",
                kinds: KINDS,
                limit_mib,
                problem: Some(message),
                trainings: Vec::new(),
            },
        )
    };
    let broken = |e: axum::extract::multipart::MultipartError| {
        format!(
            "the upload did not arrive whole ({}): files up to {limit_mib} MiB are accepted",
            e.body_text()
        )
    };
    let mut parts = 0;
    loop {
        let mut field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return refuse(StatusCode::UNPROCESSABLE_ENTITY, broken(e)),
        };
        parts += 1;
        if parts > MAX_PARTS {
            return refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                "the upload has more parts than the form sends: upload one file at a time".into(),
            );
        }
        match field.name().unwrap_or("") {
            "kind" => kind = field.text().await.unwrap_or_default(),
            "fixing" => fixing = field.text().await.ok().filter(|t| !t.trim().is_empty()),
            "training" => {
                training = field
                    .text()
                    .await
                    .ok()
                    .map(|t| t.trim().to_string())
                    .filter(|t| !t.is_empty())
            }
            "file" => {
                if writer.is_some() {
                    return refuse(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "one file at a time: upload each file on its own".into(),
                    );
                }
                let name = field.file_name().unwrap_or("upload.csv").to_string();
                let mut w = s
                    .app
                    .begin_upload(&s.actor, &name, fixing.as_deref(), crate::BODY_LIMIT as u64)
                    .await
                    .map_err(not_found)?;
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => match w.write(&chunk).await {
                            Ok(()) => {}
                            Err(AppError::TooLarge { .. }) => {
                                return refuse(
                                    StatusCode::PAYLOAD_TOO_LARGE,
                                    format!("the file is larger than {limit_mib} MiB, the limit"),
                                )
                            }
                            Err(e) => return Err(e.into()),
                        },
                        Ok(None) => break,
                        Err(e) => return refuse(StatusCode::UNPROCESSABLE_ENTITY, broken(e)),
                    }
                }
                if !w.is_empty() {
                    writer = Some(w);
                }
            }
            _ => {}
        }
    }
    let Ok(kind) = kind_of(&kind) else {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "choose what the sheet holds".into(),
        );
    };
    let Some(mut writer) = writer else {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "choose a file (CSV or XLSX) to upload".into(),
        );
    };
    if kind == Kind::Attendance {
        if let Some(t) = training {
            // The list shows "CODE: Title (date)"; the code is what is meant.
            let code = t.split_once(": ").map_or(t.as_str(), |(c, _)| c.trim());
            if let Err(AppError::Invalid(why)) = writer.choose_training(code) {
                return refuse(StatusCode::UNPROCESSABLE_ENTITY, why);
            }
        }
    }
    let token = writer.finish(kind).await?;
    Ok(see_other(&format!("/imports/staged/{token}")))
}

/// An upload that is not the actor's, or no longer kept, is not found: the same answer for
/// every account, whoever uploaded it.
pub(super) fn not_found(e: AppError) -> WebError {
    match e {
        AppError::NotFound { .. } => WebError::NotFound,
        e => WebError::App(e),
    }
}

pub(super) async fn upload_of(s: &Ctx, token: &str) -> Result<Upload, WebError> {
    s.app.upload(&s.actor, token).await.map_err(not_found)
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
    /// Attendance only: the trainings to choose from, the one chosen, and its sessions.
    one_training: bool,
    trainings: Vec<TrainingChoice>,
    training: String,
    sessions: Vec<String>,
    session: String,
    /// The choices came from the import whose rejected rows this file holds.
    inherited: bool,
    notes: Vec<String>,
    outcome: Option<OutcomeView>,
    problem: Option<String>,
}

/// The choices the page's form holds, on top of what the upload kept (a fixed rejects file
/// inherits its original's).
pub(super) fn settings_of(
    kept: &ImportSettings,
    values: &BTreeMap<String, String>,
) -> ImportSettings {
    let mut out = kept.clone();
    if values.is_empty() {
        return out;
    }
    let text = |k: &str| {
        values
            .get(k)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    if values.contains_key("sheet") {
        out.sheet = text("sheet");
    }
    if values.contains_key("header_row") {
        out.header_row = text("header_row").and_then(|s| s.parse().ok());
    }
    if values.contains_key("date_order") {
        out.date_order = text("date_order").filter(|d| d == "dmy" || d == "mdy");
    }
    if values.contains_key("training") {
        // The list shows "CODE: Title (date)"; the code is what is meant.
        out.training = text("training").map(|t| {
            t.split_once(": ")
                .map_or(t.clone(), |(code, _)| code.trim().to_string())
        });
    }
    if values.contains_key("session") {
        out.session = text("session").filter(|_| out.training.is_some());
    }
    let headers: BTreeMap<usize, &String> = values
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("head.")?.parse().ok()?, v)))
        .collect();
    for (key, chosen) in values {
        if let Some(i) = key
            .strip_prefix("col.")
            .and_then(|i| i.parse::<usize>().ok())
        {
            if let Some(header) = headers.get(&i) {
                out.columns.insert((*header).clone(), chosen.clone());
            }
        }
        if let Some((column, typed)) = key.strip_prefix("val.").and_then(|r| r.split_once('.')) {
            out.values
                .entry(column.to_string())
                .or_default()
                .insert(typed.to_string(), chosen.trim().to_string());
        }
    }
    out
}

pub(super) async fn staged_page(
    s: &Ctx,
    token: &str,
    form: Option<&BTreeMap<String, String>>,
    outcome: Option<OutcomeView>,
    problem: Option<String>,
) -> PageResult<StagedPage> {
    let up = upload_of(s, token).await?;
    if !up.has_sheet {
        // Imported already: what is left is its rejected rows, on the history's page.
        return Err(WebError::NotFound);
    }
    let empty = BTreeMap::new();
    let values = form.unwrap_or(&empty);
    let settings = settings_of(&up.settings, values);
    let preview = match s.app.preview_upload(&s.actor, token, &settings, 8).await {
        Ok((_, p)) => p,
        Err(AppError::Read(e)) => {
            return Err(WebError::BadRequest(format!(
                "{} cannot be read as a sheet: {}",
                up.name,
                cadre_app::describe_read_error(&e, &up.name)
            )))
        }
        Err(e) => return Err(not_found(e)),
    };
    let proposal = s.app.propose_upload(&s.actor, token, &settings).await?;
    // What the person chose (or the original import chose) wins over the proposal; the
    // proposal fills the rest.
    let chosen = |i: usize, header: &str| -> String {
        values
            .get(&format!("col.{i}"))
            .cloned()
            .or_else(|| settings.columns.get(header).cloned())
            .or_else(|| proposal.mapping.columns.get(header).cloned())
            .unwrap_or_else(|| "ignore".to_string())
    };
    // A rejects file's first column holds the problems cadre found: shown, never mapped.
    let columns = preview
        .headers
        .iter()
        .enumerate()
        .filter(|(_, header)| header.as_str() != cadre_app::REJECTS_COLUMN)
        .map(|(index, header)| ColumnChoice {
            index,
            header: header.clone(),
            chosen: chosen(index, header),
        })
        .collect();
    let mut value_choices = Vec::new();
    let mut proposed = proposal.mapping.values.clone();
    for (column, map) in &settings.values {
        for (typed, meaning) in map {
            proposed
                .entry(column.clone())
                .or_default()
                .insert(typed.clone(), meaning.clone());
        }
    }
    for (column, map) in &proposed {
        for (typed, meaning) in map {
            let key = format!("val.{column}.{typed}");
            value_choices.push(ValueChoice {
                column: column.clone(),
                typed: typed.clone(),
                meaning: values.get(&key).cloned().unwrap_or_else(|| meaning.clone()),
                note: proposal
                    .notes
                    .get(&format!("{}values.{column}.{typed}", cadre_app::PAGE_NOTE))
                    .cloned()
                    .unwrap_or_default(),
            });
        }
    }
    let date_order = settings
        .date_order
        .clone()
        .or_else(|| {
            // An order an earlier run settled for every date column is shown as chosen.
            let mut orders = settings.date_orders.values();
            let first = orders.next()?;
            orders.all(|o| o == first).then(|| first.clone())
        })
        .or_else(|| proposal.mapping.date_order.clone())
        .unwrap_or_default();
    let notes = proposal
        .notes
        .iter()
        .filter(|(k, _)| !k.starts_with("values.") && !k.starts_with(cadre_app::PAGE_NOTE))
        .map(|(_, v)| v.clone())
        .collect();
    let one_training = up.kind == Kind::Attendance;
    let (trainings, sessions) = if one_training {
        let trainings = s.app.training_choices(&s.actor).await?;
        let sessions = match &settings.training {
            Some(code) => s.app.session_choices(&s.actor, code).await?,
            None => Vec::new(),
        };
        (trainings, sessions)
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(StagedPage {
        nav: "imports",
        token: token.to_string(),
        name: up.name.clone(),
        kind: up.kind.as_str(),
        sheet: settings
            .sheet
            .clone()
            .or_else(|| preview.layout.sheet.clone())
            .unwrap_or_default(),
        header_row: settings
            .header_row
            .map(|n| n.to_string())
            .unwrap_or_default(),
        preview,
        columns,
        known: up.kind.columns().to_vec(),
        values: value_choices,
        date_order,
        one_training,
        trainings,
        training: settings.training.clone().unwrap_or_default(),
        sessions,
        session: settings.session.clone().unwrap_or_default(),
        inherited: up.inherited,
        notes,
        outcome,
        problem,
    })
}

pub(crate) async fn staged_view(s: Ctx, Path(token): Path<String>) -> PageResult<Response> {
    page(staged_page(&s, &token, None, None, None).await?)
}

/// The rows a run set aside, with their problems in the first column, to fix and upload again.
pub(crate) async fn rejects(s: Ctx, Path(token): Path<String>) -> PageResult<Response> {
    rejects_as(s, token, false).await
}

/// The same rows as a workbook, for a sheet that came as one.
pub(crate) async fn rejects_xlsx(s: Ctx, Path(token): Path<String>) -> PageResult<Response> {
    rejects_as(s, token, true).await
}

async fn rejects_as(s: Ctx, token: String, workbook: bool) -> PageResult<Response> {
    let file = s
        .app
        .upload_rejects(&s.actor, &token, workbook)
        .await
        .map_err(not_found)?;
    let mut res = (
        [
            (header::CONTENT_TYPE, file.content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", file.name),
            ),
        ],
        file.bytes,
    )
        .into_response();
    // Rows that name people are never kept by a browser's or a proxy's cache.
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(res)
}

/// Abandons an upload: it and everything kept with it are removed.
pub(crate) async fn discard(s: Ctx, Path(token): Path<String>) -> PageResult<Response> {
    s.app
        .discard_upload(&s.actor, &token)
        .await
        .map_err(not_found)?;
    Ok(see_other("/imports"))
}

/// An import's line in the history, with the link to its rejected rows while they are kept.
pub(crate) struct HistoryLine {
    pub(crate) record: cadre_app::ImportRecord,
    pub(crate) rejects: Option<cadre_app::KeptRejects>,
}

#[derive(Template)]
#[template(path = "imports.html")]
struct HistoryPage {
    nav: &'static str,
    imports: Vec<HistoryLine>,
    done: Option<HistoryLine>,
    hours: u64,
}

#[derive(serde::Deserialize)]
pub(crate) struct HistoryQuery {
    done: Option<i64>,
}

pub(crate) async fn history(
    s: Ctx,
    axum::extract::Query(q): axum::extract::Query<HistoryQuery>,
) -> PageResult<Response> {
    let records = s.app.import_history(&s.actor, 100).await?;
    let mut kept = s.app.kept_rejects(&s.actor).await?;
    let imports: Vec<HistoryLine> = records
        .into_iter()
        .map(|record| HistoryLine {
            rejects: kept.remove(&record.id).filter(|_| record.rejected > 0),
            record,
        })
        .collect();
    let done = q.done.and_then(|id| {
        imports
            .iter()
            .find(|l| l.record.id == id)
            .map(|l| HistoryLine {
                record: l.record.clone(),
                rejects: l.rejects.clone(),
            })
    });
    let mut res = page(HistoryPage {
        nav: "imports",
        imports,
        done,
        hours: cadre_app::UPLOAD_HOURS,
    })?;
    // Links to kept rows change as uploads are swept: the page is asked for anew each time.
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(res)
}
