//! Sheets uploaded in the browser, waiting between the steps of their import: kept in a folder
//! beside the database that only cadre's own user can read (folders 0700, files 0600), each
//! upload in a folder of its own named by 128 random bits from the operating system, tied to
//! the account that uploaded it (anyone else, an admin too, is told it does not exist), with
//! what the person chose for it (sheet, header row, columns, values, date order, training and
//! session). The sheet itself is removed once it is imported; the rows set aside stay, to be
//! downloaded and fixed, until the upload is abandoned or 24 hours have passed, whichever is
//! first. A fixed rejects file uploaded "again" inherits the original's choices.

use std::collections::BTreeMap;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use argon2::password_hash::rand_core::{OsRng, RngCore};
use cadre_core::access::Action;
use cadre_import::Kind;

use crate::{Actor, App, AppError};

mod choices;
mod jobs;
mod names;
mod run;

pub use names::{describe_read_error, file_name_of};

pub(crate) use jobs::Jobs;
pub use jobs::{Finished, JobState};

pub use choices::TrainingChoice;
pub use run::UploadRun;

/// How long an upload is kept, whatever becomes of it.
pub const UPLOAD_HOURS: u64 = 24;

/// Longest file name kept for an upload (the rest is cut).
const MAX_NAME: usize = 120;

/// What the person chose for an upload, carried from step to step and to a fixed rejects file.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportSettings {
    pub sheet: Option<String>,
    pub header_row: Option<usize>,
    /// The sheet's header -> the cadre column it holds, or `ignore`.
    pub columns: BTreeMap<String, String>,
    /// A cadre column -> a value as typed -> what it means.
    pub values: BTreeMap<String, BTreeMap<String, String>>,
    /// `dmy` or `mdy` as the person chose; `None`: as the dates settle it.
    pub date_order: Option<String>,
    /// The order an earlier import of these rows settled for each date column.
    pub date_orders: BTreeMap<String, String>,
    /// The training every row is of (its code); `None`: from a column of the sheet.
    pub training: Option<String>,
    /// The session every row is of (its start date), with `training`.
    pub session: Option<String>,
}

/// Bounds of what a page's choices may hold, checked before they are kept or echoed.
const MAX_CHOICE_CHARS: usize = 200;
const MAX_CHOSEN_COLUMNS: usize = 16_384;
const MAX_CHOSEN_VALUES: usize = 10_000;

impl ImportSettings {
    /// Refuses choices no page makes: a text longer than 200 characters or holding a control
    /// character, more columns than a sheet has, more values than 10,000.
    pub fn check(&self) -> Result<(), AppError> {
        let text = |field: &str, v: &str| -> Result<(), AppError> {
            if v.chars().count() > MAX_CHOICE_CHARS {
                return Err(AppError::Invalid(format!(
                    "{field}: longer than {MAX_CHOICE_CHARS} characters"
                )));
            }
            if v.chars().any(char::is_control) {
                return Err(AppError::Invalid(format!(
                    "{field}: holds a control character"
                )));
            }
            Ok(())
        };
        for (field, v) in [
            ("sheet", &self.sheet),
            ("training", &self.training),
            ("session", &self.session),
            ("date order", &self.date_order),
        ] {
            if let Some(v) = v {
                text(field, v)?;
            }
        }
        if self.columns.len() > MAX_CHOSEN_COLUMNS {
            return Err(AppError::Invalid(format!(
                "more than {MAX_CHOSEN_COLUMNS} columns chosen"
            )));
        }
        for (header, column) in &self.columns {
            text("a column's header", header)?;
            text("a column's meaning", column)?;
        }
        let values: usize = self.values.values().map(BTreeMap::len).sum();
        if values > MAX_CHOSEN_VALUES {
            return Err(AppError::Invalid(format!(
                "more than {MAX_CHOSEN_VALUES} values given a meaning"
            )));
        }
        for (column, map) in &self.values {
            text("a value's column", column)?;
            for (typed, meaning) in map {
                text("a value", typed)?;
                text("a value's meaning", meaning)?;
            }
        }
        for (column, order) in &self.date_orders {
            text("a date column", column)?;
            text("a date order", order)?;
        }
        Ok(())
    }
}

/// What is kept with an upload.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Meta {
    /// Who uploaded it: the account's id and name, as [`owner_of`] writes them.
    owner: String,
    kind: String,
    /// The file's own name (never a path).
    name: String,
    /// Seconds since 1970 when it was uploaded.
    created: u64,
    settings: ImportSettings,
    /// The settings came from the import whose rejected rows this file holds.
    inherited: bool,
    /// Once imported: the import's id in the history.
    imported: Option<i64>,
    /// Rows set aside by the last run, when it set any aside.
    rejected: Option<u64>,
    /// The last run's line in the import history.
    #[serde(default)]
    last_run: Option<i64>,
    /// Whether the uploaded file is a workbook (the rejects are then offered as one too).
    workbook: bool,
}

/// An upload as its owner sees it.
#[derive(Debug, Clone)]
pub struct Upload {
    pub token: String,
    pub kind: Kind,
    pub name: String,
    pub settings: ImportSettings,
    pub inherited: bool,
    pub imported: Option<i64>,
    pub rejected: Option<u64>,
    pub workbook: bool,
    /// The sheet is still there to be read (it is removed once imported).
    pub has_sheet: bool,
}

/// Rows set aside by a run, kept to download: the upload's token, how many, and whether
/// they are offered as a workbook too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptRejects {
    pub token: String,
    pub rows: u64,
    pub workbook: bool,
}

/// The rejected rows to download: a file name for the browser, its type and its bytes.
pub struct RejectsFile {
    pub name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

fn owner_of(actor: &Actor) -> String {
    match actor.account {
        Some(id) => format!("account {id}: {}", actor.name),
        None => format!("local: {}", actor.name),
    }
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> AppError + '_ {
    move |e| AppError::Io {
        path: path.display().to_string(),
        source: e,
    }
}

/// Runs file work on a blocking thread, off the threads that serve requests.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Invalid(format!("the upload's file work stopped: {e}")))?
}

/// The folder of `token` under `root`, if `token` can be one (32 hex digits: nothing else
/// ever names a path).
fn folder(root: &Path, token: &str) -> Option<PathBuf> {
    (token.len() == 32 && token.bytes().all(|b| b.is_ascii_hexdigit())).then(|| root.join(token))
}

/// Makes `dir` (and its parents) readable by this user alone.
fn private_dir(dir: &Path) -> Result<(), AppError> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(io(dir))?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(io(dir))
}

/// A new file readable by this user alone; an existing one (or a link) is refused.
fn private_file(path: &Path) -> Result<std::fs::File, AppError> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(io(path))
}

fn write_meta(dir: &Path, meta: &Meta) -> Result<(), AppError> {
    let text = serde_json::to_vec(meta).map_err(|e| AppError::Invalid(e.to_string()))?;
    let tmp = dir.join("meta.json.new");
    let _ = std::fs::remove_file(&tmp);
    std::io::Write::write_all(&mut private_file(&tmp)?, &text).map_err(io(&tmp))?;
    let path = dir.join("meta.json");
    std::fs::rename(&tmp, &path).map_err(io(&path))
}

fn read_meta(dir: &Path) -> Option<Meta> {
    let text = std::fs::read(dir.join("meta.json")).ok()?;
    serde_json::from_slice(&text).ok()
}

/// A file being received: written as it arrives (never held whole), kept only once
/// [`UploadWriter::finish`] says what it holds. Dropped unfinished, it is removed.
pub struct UploadWriter {
    dir: PathBuf,
    name: String,
    owner: String,
    /// The choices made so far: an original's, for a fixed rejects file, or a training
    /// chosen with the upload.
    settings: ImportSettings,
    /// The file holds an earlier upload's rejected rows, corrected.
    fixing: bool,
    file: Option<tokio::fs::File>,
    bytes: u64,
    limit: u64,
    kept: bool,
}

impl UploadWriter {
    /// Adds the next piece of the file; more than the limit is refused.
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), AppError> {
        self.bytes += chunk.len() as u64;
        if self.bytes > self.limit {
            return Err(AppError::TooLarge { limit: self.limit });
        }
        let path = self.dir.join(&self.name);
        let file = self
            .file
            .as_mut()
            .ok_or_else(|| AppError::Invalid("closed".into()))?;
        tokio::io::AsyncWriteExt::write_all(file, chunk)
            .await
            .map_err(io(&path))
    }

    /// The training every row of the sheet is of (an attendance sheet of one training), chosen
    /// as it is uploaded.
    pub fn choose_training(&mut self, code: &str) -> Result<(), AppError> {
        let mut settings = self.settings.clone();
        settings.training = Some(code.to_string());
        settings.check()?;
        self.settings = settings;
        Ok(())
    }

    /// Bytes received so far.
    pub fn len(&self) -> u64 {
        self.bytes
    }

    pub fn is_empty(&self) -> bool {
        self.bytes == 0
    }

    /// Keeps the file as a sheet of `kind`; says the upload's token.
    pub async fn finish(mut self, kind: Kind) -> Result<String, AppError> {
        if self.bytes == 0 {
            return Err(AppError::Invalid(
                "the file is empty: choose a file (CSV or XLSX) to upload".into(),
            ));
        }
        let path = self.dir.join(&self.name);
        if let Some(mut file) = self.file.take() {
            // A tokio file writes in the background: what is not flushed may not be on disk
            // when the next step reads it.
            tokio::io::AsyncWriteExt::flush(&mut file)
                .await
                .map_err(io(&path))?;
            file.sync_all().await.map_err(io(&path))?;
        }
        let workbook = {
            let mut head = [0u8; 4];
            let n = std::io::Read::read(
                &mut std::fs::File::open(&path).map_err(io(&path))?,
                &mut head,
            )
            .map_err(io(&path))?;
            head[..n].starts_with(b"PK\x03\x04")
        };
        let meta = Meta {
            owner: self.owner.clone(),
            kind: kind.as_str().to_string(),
            name: self.name.clone(),
            created: now_secs(),
            inherited: self.fixing,
            settings: std::mem::take(&mut self.settings),
            imported: None,
            rejected: None,
            last_run: None,
            workbook,
        };
        let dir = self.dir.clone();
        blocking(move || write_meta(&dir, &meta)).await?;
        self.kept = true;
        Ok(self
            .dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default())
    }
}

impl Drop for UploadWriter {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

impl App {
    /// Where uploads wait: beside an SQLite database (`FILE.uploads`), or under
    /// `CADRE_DATA_DIR` (default `cadre-data` in the working folder) for PostgreSQL.
    pub(crate) fn default_uploads(store: &cadre_store::Store) -> PathBuf {
        match store.file() {
            Some(file) => {
                let mut name = file.as_os_str().to_owned();
                name.push(".uploads");
                PathBuf::from(name)
            }
            None => std::env::var_os("CADRE_DATA_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("cadre-data"))
                .join("uploads"),
        }
    }

    /// Keeps uploads in `folder` instead.
    pub fn with_uploads(mut self, folder: impl Into<PathBuf>) -> App {
        self.uploads = std::sync::Arc::new(folder.into());
        self
    }

    /// Begins receiving a file of at most `limit` bytes. `fixing`: the token of an earlier
    /// upload of the same person whose rejected rows this file holds, corrected: its choices
    /// are kept for this one.
    pub async fn begin_upload(
        &self,
        actor: &Actor,
        file_name: &str,
        fixing: Option<&str>,
        limit: u64,
    ) -> Result<UploadWriter, AppError> {
        actor.must(Action::Import)?;
        let inherited = match fixing {
            Some(token) => Some(self.upload(actor, token).await?.settings),
            None => None,
        };
        self.sweep_uploads(SystemTime::now()).await?;
        let mut secret = [0u8; 16];
        OsRng.fill_bytes(&mut secret);
        let token: String = secret.iter().map(|b| format!("{b:02x}")).collect();
        let root = self.uploads.as_ref().clone();
        let dir = root.join(&token);
        let name = file_name_of(file_name);
        let (dir2, name2) = (dir.clone(), name.clone());
        let file = blocking(move || {
            private_dir(&root)?;
            std::fs::DirBuilder::new()
                .mode(0o700)
                .create(&dir2)
                .map_err(io(&dir2))?;
            private_file(&dir2.join(&name2))
        })
        .await?;
        Ok(UploadWriter {
            dir,
            name,
            owner: owner_of(actor),
            fixing: inherited.is_some(),
            settings: inherited.unwrap_or_default(),
            file: Some(tokio::fs::File::from_std(file)),
            bytes: 0,
            limit,
            kept: false,
        })
    }

    /// The upload named by `token`, if it is the actor's and still kept (else "not found",
    /// the same for every other account, an admin's too).
    pub async fn upload(&self, actor: &Actor, token: &str) -> Result<Upload, AppError> {
        actor.must(Action::Import)?;
        let (_, meta) = self.owned(actor, token).await?;
        let kind = Kind::parse(&meta.kind).ok_or(AppError::NotFound {
            kind: "upload",
            id: 0,
        })?;
        let dir = self.uploads.join(token);
        let has_sheet = dir.join(&meta.name).is_file();
        Ok(Upload {
            token: token.to_string(),
            kind,
            name: meta.name,
            settings: meta.settings,
            inherited: meta.inherited,
            imported: meta.imported,
            rejected: meta.rejected,
            workbook: meta.workbook,
            has_sheet,
        })
    }

    async fn owned(&self, actor: &Actor, token: &str) -> Result<(PathBuf, Meta), AppError> {
        let missing = AppError::NotFound {
            kind: "upload",
            id: 0,
        };
        let Some(dir) = folder(&self.uploads, token) else {
            return Err(missing);
        };
        let d = dir.clone();
        let meta = blocking(move || Ok(read_meta(&d))).await?;
        match meta {
            Some(m) if m.owner == owner_of(actor) && !expired(&m, SystemTime::now()) => {
                Ok((dir, m))
            }
            _ => Err(missing),
        }
    }

    /// The actor's uploads whose rows set aside are kept, by the import history's line of
    /// the run that set them aside: (token, rows).
    pub async fn kept_rejects(
        &self,
        actor: &Actor,
    ) -> Result<BTreeMap<i64, KeptRejects>, AppError> {
        actor.must(Action::Import)?;
        let root = self.uploads.as_ref().clone();
        let owner = owner_of(actor);
        let now = SystemTime::now();
        blocking(move || {
            let mut kept = BTreeMap::new();
            let Ok(entries) = std::fs::read_dir(&root) else {
                return Ok(kept);
            };
            for entry in entries.flatten() {
                let dir = entry.path();
                let Some(token) = dir.file_name().and_then(|n| n.to_str()).map(str::to_string)
                else {
                    continue;
                };
                if folder(&root, &token).is_none() {
                    continue;
                }
                if let Some(meta) = read_meta(&dir) {
                    if meta.owner == owner && !expired(&meta, now) {
                        if let (Some(run), Some(rows)) = (meta.last_run, meta.rejected) {
                            kept.insert(
                                run,
                                KeptRejects {
                                    token,
                                    rows,
                                    workbook: meta.workbook,
                                },
                            );
                        }
                    }
                }
            }
            Ok(kept)
        })
        .await
    }

    /// Removes the upload and everything kept with it.
    pub async fn discard_upload(&self, actor: &Actor, token: &str) -> Result<(), AppError> {
        actor.must(Action::Import)?;
        let (dir, _) = self.owned(actor, token).await?;
        blocking(move || std::fs::remove_dir_all(&dir).map_err(io(&dir))).await
    }

    /// Removes every upload older than [`UPLOAD_HOURS`] at `now` (and leftovers of uploads
    /// never finished); says how many.
    pub async fn sweep_uploads(&self, now: SystemTime) -> Result<usize, AppError> {
        let root = self.uploads.as_ref().clone();
        blocking(move || {
            let Ok(entries) = std::fs::read_dir(&root) else {
                return Ok(0);
            };
            let mut removed = 0;
            for entry in entries.flatten() {
                let dir = entry.path();
                let Some(token) = dir.file_name().and_then(|n| n.to_str()) else {
                    continue;
                };
                if folder(&root, token).is_none() || !dir.is_dir() {
                    continue;
                }
                let old = match read_meta(&dir) {
                    Some(meta) => expired(&meta, now),
                    // Unfinished: old once its folder is.
                    None => entry.metadata().and_then(|m| m.modified()).is_ok_and(|t| {
                        now.duration_since(t).unwrap_or_default()
                            > Duration::from_secs(UPLOAD_HOURS * 3600)
                    }),
                };
                if old && std::fs::remove_dir_all(&dir).is_ok() {
                    removed += 1;
                }
            }
            Ok(removed)
        })
        .await
    }
}

fn expired(meta: &Meta, now: SystemTime) -> bool {
    let now = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    now.saturating_sub(meta.created) > UPLOAD_HOURS * 3600
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_keeps_no_folder_and_no_control() {
        assert_eq!(file_name_of("../../etc/passwd"), "passwd");
        assert_eq!(file_name_of("C:\\Users\\x\\lista.xlsx"), "lista.xlsx");
        assert_eq!(file_name_of(".hidden"), "hidden");
        assert_eq!(file_name_of("a\nb\u{7}.csv"), "ab.csv");
        assert_eq!(file_name_of(""), "upload.csv");
        assert_eq!(file_name_of(&"x".repeat(500)).len(), MAX_NAME);
    }

    #[test]
    fn only_32_hex_digits_name_a_folder() {
        let root = Path::new("/r");
        assert!(folder(root, "0123456789abcdef0123456789abcdef").is_some());
        assert!(folder(root, "../0123456789abcdef0123456789abc").is_none());
        assert!(folder(root, "0123456789abcdef").is_none());
    }
}
