//! Importing a sheet, as a user asks for it: the file read as it comes, the mapping found
//! (given, or remembered for sheets of the same header), the day/month order of its dates
//! settled, the rows checked and written in one transaction, the rejected rows set aside in a
//! file to fix, and the whole of it kept in the import history.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use cadre_core::date_order::DateOrder;
use cadre_import::{
    header_signature, survey_dates, ImportError, Kind, Layout, Mapping, Plan, Problem, Problems,
    ReadOptions, Sheet,
};
use cadre_store::ImportRecord;

use crate::pipeline::{import_sheet, ImportOptions, Summary};

mod mapping;

pub(crate) use mapping::read_options;
use mapping::{all_v1, file_label, kind_has_dates, read_mapping, settings_mapping, with_overrides};

use crate::{clock, rejects, Actor, App, AppError};

/// An import as asked for on the command line or an upload page.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    pub kind: Kind,
    pub path: PathBuf,
    /// A mapping file (`MAPPING.toml`).
    pub mapping: Option<PathBuf>,
    pub sheet: Option<String>,
    pub header_row: Option<usize>,
    pub date_order: Option<DateOrder>,
    /// The training of every row, for an attendance sheet without a training column.
    pub training: Option<String>,
    /// The session of every row (its start date), with `training`.
    pub session: Option<String>,
    /// Where to write the rows set aside for their problems; the others are imported.
    pub rejects: Option<PathBuf>,
    /// Where to write the same rows as a workbook too (with `rejects`).
    pub rejects_workbook: Option<PathBuf>,
    pub dry_run: bool,
    /// The file's own name, for the history, where `path` is only where it is kept (an upload).
    pub name: Option<String>,
    /// Attendance: the file is the whole roster of each training it names (records it does
    /// not name are removed).
    pub replace_roster: bool,
    /// The choices made on the import page (columns, values, date order), in place of a
    /// mapping file.
    pub settings: Option<crate::ImportSettings>,
    /// Asked from the import page: messages speak of its controls, not of flags.
    pub from_page: bool,
    /// An attendance import that would change participants already known is held for the
    /// changes to be confirmed (see `ImportOptions::hold_person_changes`).
    pub hold_person_changes: bool,
}

impl ImportRequest {
    pub fn new(kind: Kind, path: impl Into<PathBuf>) -> ImportRequest {
        ImportRequest {
            kind,
            path: path.into(),
            mapping: None,
            sheet: None,
            header_row: None,
            date_order: None,
            training: None,
            session: None,
            rejects: None,
            rejects_workbook: None,
            dry_run: false,
            name: None,
            replace_roster: false,
            settings: None,
            from_page: false,
            hold_person_changes: false,
        }
    }
}

/// Where the mapping of an import came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MappingSource {
    File(PathBuf),
    /// The columns and values chosen on the import page.
    Page,
    /// Remembered for sheets with this header, saved at this time.
    Remembered(String),
}

/// What an import did.
#[derive(Debug, Clone)]
pub struct ImportOutcome {
    /// What was counted; `None` when the file was refused.
    pub summary: Option<Summary>,
    /// Why it was refused, or what was set aside.
    pub problems: Problems,
    pub layout: Layout,
    pub mapping: Option<MappingSource>,
    /// The rejects file written, and how many rows it holds.
    pub rejects: Option<(PathBuf, u64)>,
    /// The import's record in the history.
    pub history_id: i64,
    /// The day/month order each date column was read in, when the dates settled it.
    pub date_orders: BTreeMap<String, DateOrder>,
}

impl ImportOutcome {
    pub fn refused(&self) -> bool {
        self.summary.is_none()
    }
}

impl App {
    /// Imports one file. A file with problems is refused whole (the outcome says why), or,
    /// when `rejects` is given, its good rows are imported and the others written there.
    /// Either way the import is recorded in the history.
    pub async fn import(
        &self,
        actor: &Actor,
        request: &ImportRequest,
        progress: &mut (dyn FnMut(u64, u64) + Send),
    ) -> Result<ImportOutcome, AppError> {
        actor.must(cadre_core::access::Action::Import)?;
        let started = clock::now();
        let file_name = request
            .name
            .clone()
            .unwrap_or_else(|| request.path.display().to_string());
        let mut record = ImportRecord {
            started_at: started,
            actor: actor.name.clone(),
            file_name: file_name.clone(),
            kind: request.kind.as_str().to_string(),
            ..ImportRecord::default()
        };
        // The file's digest is worked out beside the import (it reads the whole file once more,
        // a second at size L), not before it.
        let path = request.path.clone();
        let digesting = tokio::task::spawn_blocking(move || digest(&path));
        let result = self.run_import(actor, request, &mut record, progress).await;
        record.digest = digesting.await.map_err(|e| AppError::Io {
            path: request.path.display().to_string(),
            source: std::io::Error::other(e.to_string()),
        })??;
        record.finished_at = clock::now();
        match result {
            Ok(mut outcome) => {
                // Problems name the file as its user knows it: an upload by its own name,
                // never the path where the server keeps it (in the page and in the history).
                if request.name.is_some() {
                    let label = file_label(request);
                    outcome
                        .problems
                        .list
                        .iter_mut()
                        .for_each(|p| p.file = label.clone());
                    if let Some(summary) = outcome.summary.as_mut() {
                        summary.file = label;
                    }
                }
                record.outcome = match (&outcome.summary, request.dry_run) {
                    (None, _) => "refused",
                    (Some(_), true) => "dry-run",
                    // Held for its changes to participants to be confirmed: written nothing,
                    // as a dry run (the history's outcomes are a fixed list).
                    (Some(s), false) if s.held => "dry-run",
                    (Some(_), false) => "committed",
                }
                .to_string();
                record.problems = problem_lines(&outcome.problems);
                if let Some(s) = outcome.summary.as_ref().filter(|s| s.held) {
                    record.problems.insert_str(
                        0,
                        &format!(
                            "held: it would change what is recorded of {} participants already known, to be confirmed\n",
                            s.persons_updated
                        ),
                    );
                }
                let written = outcome.summary.as_ref().and_then(|s| s.history_id);
                outcome.history_id = match written {
                    // Written with the import; completed now. Should that fail (a full disk),
                    // the row is there all the same, saying the import was committed.
                    Some(id) => {
                        let _ = self.store.complete_import_record(id, &record).await;
                        id
                    }
                    None => self.store.record_import(&record).await?,
                };
                if record.outcome == "committed" {
                    let changed = outcome.summary.as_ref().and_then(|s| s.changed.as_ref());
                    match changed {
                        Some(changed) => self.take_changes(changed).await?,
                        None => self.refresh_all().await?,
                    }
                }
                Ok(outcome)
            }
            Err(e) => {
                record.outcome = "failed".to_string();
                record.problems = e.to_string();
                // The failure is what the user must hear; a history that cannot be written
                // then is a second fault, and the first one's message matters more.
                let _ = self.store.record_import(&record).await;
                Err(e)
            }
        }
    }

    async fn run_import(
        &self,
        actor: &Actor,
        request: &ImportRequest,
        record: &mut ImportRecord,
        progress: &mut (dyn FnMut(u64, u64) + Send),
    ) -> Result<ImportOutcome, AppError> {
        let kind = request.kind;
        if request.replace_roster && request.rejects.is_some() {
            // A row set aside would leave its record out of the roster, and so remove it.
            return Err(AppError::Invalid(
                "--replace-roster needs the whole roster: it cannot set rows aside with --rejects"
                    .to_string(),
            ));
        }
        if request.replace_roster && kind != Kind::Attendance {
            return Err(AppError::Invalid(
                "--replace-roster is for attendance files".to_string(),
            ));
        }
        let mut mapping = match (&request.mapping, &request.settings) {
            (Some(path), _) => Some(read_mapping(path, kind)?),
            (None, Some(settings)) => settings_mapping(kind, settings),
            (None, None) => None,
        };
        let mut options = read_options(kind, request, mapping.as_ref())?;
        let mut sheet = match Sheet::open_with(&request.path, &options) {
            Ok(s) => s,
            Err(ImportError::Problems(problems)) => {
                return Ok(refused(problems, Layout::default()))
            }
            Err(e) => return Err(e.into()),
        };
        let mut source = request.mapping.clone().map(MappingSource::File);
        if source.is_none() && mapping.is_some() {
            source = Some(MappingSource::Page);
        }
        if mapping.is_none() && !all_v1(sheet.sheet_headers(), kind) {
            let signature = header_signature(kind, sheet.sheet_headers());
            if let Some((text, saved)) = self
                .store
                .remembered_mapping(kind.as_str(), &signature)
                .await?
            {
                let m = Mapping::parse(&text).map_err(|e| AppError::Mapping {
                    file: "the remembered mapping".to_string(),
                    message: e.to_string(),
                })?;
                // Options the mapping sets (a sheet, a delimiter) are read again with it.
                options = read_options(kind, request, Some(&m))?;
                sheet = match Sheet::open_with(&request.path, &options) {
                    Ok(s) => s,
                    Err(ImportError::Problems(p)) => return Ok(refused(p, Layout::default())),
                    Err(e) => return Err(e.into()),
                };
                mapping = Some(m);
                source = Some(MappingSource::Remembered(saved));
            }
        }
        // Without a mapping, a header cadre does not know is said as such, with the closest
        // columns and how to have a mapping proposed (not as a mapping's gap).
        if mapping.is_none() && !all_v1(sheet.sheet_headers(), kind) {
            let problems = cadre_import::unknown_headers(&sheet, kind);
            if !problems.is_empty() {
                return Ok(refused(problems, sheet.layout().clone()));
            }
        }
        // What is remembered for the next sheet of this form is the mapping as given, not what
        // this command line added (the training of one event, a date order said once).
        let as_given = mapping.clone();
        let mapping = with_overrides(mapping, request, sheet.sheet_headers())?;
        // Columns of dates typed day or month first, without an order said for them, are
        // settled each by its own dates (or the import is refused, once per column).
        let mut settled = BTreeMap::new();
        let mapping = match mapping {
            Some(m) if m.date_order.is_some() => Some(m),
            None if !kind_has_dates(kind) => None,
            given => {
                let m = given.clone().unwrap_or_default();
                match self.settle_dates(request, &options, &m)? {
                    Settling::Refuse(p) => {
                        return Ok(refused(Problems::one(p), sheet.layout().clone()))
                    }
                    Settling::Settled(orders) if orders.is_empty() => given,
                    Settling::Settled(orders) => {
                        let mut m = m;
                        settled = orders.clone();
                        for (column, o) in orders {
                            m.date_orders
                                .entry(column)
                                .or_insert_with(|| o.as_str().to_string());
                        }
                        Some(m)
                    }
                }
            }
        };
        let mut aliases = Vec::new();
        if let Some(m) = &mapping {
            let plan = Plan::new(m, sheet.sheet_headers(), kind.columns()).map_err(|e| {
                AppError::Mapping {
                    file: mapping_name(&source),
                    message: e.to_string(),
                }
            })?;
            aliases = plan.aliases.clone();
            sheet.apply(plan);
            record.mapping = Some(m.to_toml(&BTreeMap::new()));
        }
        let layout = sheet.layout().clone();
        let own_headers = sheet.sheet_headers().to_vec();
        if let Some(path) = &request.rejects {
            if same_file(path, &request.path) {
                return Err(AppError::Invalid(format!(
                    "--rejects {} is the file being imported: name another file for the rejected rows",
                    path.display()
                )));
            }
            // Made writable before anything is written: rows set aside must have a place.
            std::fs::File::create(path).map_err(|e| AppError::Io {
                path: path.display().to_string(),
                source: e,
            })?;
        }
        let store_options = ImportOptions {
            dry_run: request.dry_run,
            set_aside: request.rejects.is_some(),
            aliases,
            replace_roster: request.replace_roster,
            hold_person_changes: request.hold_person_changes,
            locks: std::sync::Arc::new(self.import_locks().await?),
            audit: Some(cadre_core::audit::Entry {
                at: clock::now(),
                actor: actor.name.clone(),
                address: actor.address.clone(),
                action: "imported".into(),
                kind: "import".into(),
                detail: record.file_name.clone(),
                ..Default::default()
            }),
            history: Some(record.clone()),
        };
        let result = import_sheet(&self.store, kind, sheet, store_options, progress).await;
        let (summary, problems) = match result {
            Ok(mut summary) => {
                let problems = std::mem::take(&mut summary.set_aside);
                (Some(summary), problems)
            }
            Err(AppError::Rejected(problems)) => (None, problems),
            Err(e) => return Err(e),
        };
        if let Some(s) = &summary {
            record.rows = s.rows;
            record.created = s.created;
            record.updated = s.updated;
            record.unchanged = s.unchanged;
            record.rejected = s.rejected;
            record.removed = s.removed.unwrap_or(0);
        }
        let mut written = None;
        if let Some(path) = &request.rejects {
            let mut raw = options.clone();
            raw.ignore_extra = true;
            let delimiter = layout.delimiter.unwrap_or(b',');
            let n = rejects::write(
                &request.path,
                &raw,
                &problems,
                path,
                delimiter,
                request.rejects_workbook.as_deref(),
            )?;
            written = Some((path.clone(), n));
        }
        if let (Some(m), Some(MappingSource::File(_) | MappingSource::Page), Some(_), false) =
            (&as_given, &source, &summary, request.dry_run)
        {
            let signature = header_signature(kind, &own_headers);
            let text = m.to_toml(&BTreeMap::new());
            self.store
                .remember_mapping(kind.as_str(), &signature, &text, &clock::now())
                .await?;
        }
        Ok(ImportOutcome {
            summary,
            problems,
            layout,
            mapping: source,
            rejects: written,
            history_id: 0,
            date_orders: settled,
        })
    }

    /// Settles the day/month order of the sheet's dates from the dates themselves, reading
    /// the file a second time only when its first rows hold dates typed with slashes.
    fn settle_dates(
        &self,
        request: &ImportRequest,
        options: &ReadOptions,
        mapping: &Mapping,
    ) -> Result<Settling, AppError> {
        let mut sheet = match Sheet::open_with(&request.path, options) {
            Ok(s) => s,
            // The import itself will say what is wrong.
            Err(_) => return Ok(Settling::Settled(BTreeMap::new())),
        };
        if let Ok(plan) = Plan::new(mapping, sheet.sheet_headers(), request.kind.columns()) {
            sheet.apply(plan);
        } else if !mapping.is_identity() {
            return Ok(Settling::Settled(BTreeMap::new()));
        }
        let found = survey_dates(&mut sheet, 200);
        let mut orders = BTreeMap::new();
        for (column, evidence) in &found {
            if evidence.slashed == 0 || mapping.date_orders.contains_key(column) {
                continue;
            }
            let at = Problem {
                field: Some(crate::imports::static_column(column)),
                ..Problem::at(
                    sheet.file(),
                    sheet.header_line(),
                    "date-order",
                    String::new(),
                )
            };
            match (&evidence.day_first, &evidence.month_first, evidence.order()) {
                (Some(d), Some(m), _) => {
                    return Ok(Settling::Refuse(Problem {
                        message: format!(
                            "the column holds dates that can only be day first ({d}) and others that can only be month first ({m}): correct them, then import again"
                        ),
                        ..at
                    }))
                }
                (_, _, Some(o)) => {
                    orders.insert(column.clone(), o);
                }
                _ => {
                    let example = "05/07/2021";
                    return Ok(Settling::Refuse(Problem {
                        message: format!(
                            "its dates can be read day first or month first (as {example}), and none of them settles it"
                        ),
                        advice: Some(cadre_import::Advice::DateOrder),
                        ..at
                    }));
                }
            }
        }
        Ok(Settling::Settled(orders))
    }
}

enum Settling {
    /// The order each column of dates settles by itself (none for columns that need none).
    Settled(BTreeMap<String, DateOrder>),
    Refuse(Problem),
}

/// The v1 column named `name`, as the `'static` text problems carry.
fn static_column(name: &str) -> &'static str {
    Kind::ALL
        .iter()
        .flat_map(|k| k.columns().iter().copied())
        .find(|c| *c == name)
        .unwrap_or("date")
}

fn refused(problems: Problems, layout: Layout) -> ImportOutcome {
    ImportOutcome {
        summary: None,
        problems,
        layout,
        mapping: None,
        rejects: None,
        history_id: 0,
        date_orders: BTreeMap::new(),
    }
}

fn mapping_name(source: &Option<MappingSource>) -> String {
    match source {
        Some(MappingSource::File(p)) => p.display().to_string(),
        Some(MappingSource::Remembered(_)) => "the remembered mapping".to_string(),
        Some(MappingSource::Page) => "the columns chosen".to_string(),
        None => "the mapping".to_string(),
    }
}

/// Whether two paths name one file (the same path, a link, or a hard link to it).
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

/// The SHA-256 of a file, hex: which file was imported, whatever its name.
fn digest(path: &Path) -> Result<String, AppError> {
    use sha2::Digest;
    let io = |e| AppError::Io {
        path: path.display().to_string(),
        source: e,
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut hash = sha2::Sha256::new();
    let mut buf = vec![0; 1 << 20];
    loop {
        let n = file.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        hash.update(&buf[..n]);
    }
    Ok(hash.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

fn problem_lines(problems: &Problems) -> String {
    problems.to_string()
}
