//! One import, from sheet to records: every row is checked, rows are written as they pass, and
//! the transaction is committed only when the whole file is good (and not a dry run), or, when
//! rows are to be set aside, with the good ones. The store is driven through its
//! [`ImportTx`]; attendance is read and resolved on a thread of its own while this task writes.

use std::fmt;

use cadre_import::{
    AttendanceParser, DepartmentParser, Kind, PartnerParser, Problems, PublishedParser,
    SessionParser, Sheet, TrainingParser,
};
use cadre_store::{BatchCounts, ImportTx, Outcome, RemovedRecord, Store};

use crate::AppError;

mod attendance;

use attendance::{locked_changes, read_attendance, ReadRules, LOCKED_LISTED};

/// How one import is to run.
#[derive(Debug, Clone, Default)]
pub(crate) struct ImportOptions {
    /// Check and count everything, then roll back.
    pub dry_run: bool,
    /// Rows with problems are set aside (returned in [`Summary::set_aside`]) and the others
    /// written, instead of the whole file being refused.
    pub set_aside: bool,
    /// Spellings of departments to keep as aliases (alias, department), written first in the
    /// import's own transaction.
    pub aliases: Vec<(String, String)>,
    /// Attendance only: the file is the whole roster of each training it names, so the
    /// training's attendance records that no row names are removed, in the same transaction.
    /// Trainings the file does not name are left alone.
    pub replace_roster: bool,
    /// The audit trail's entry for the import (who, from where, which file), completed with
    /// its counts and appended in the import's own transaction, so that no import lands
    /// unrecorded.
    pub audit: Option<cadre_core::audit::Entry>,
    /// The import's history row as begun (who, when, which file), completed with its counts
    /// and written in the import's own transaction: a committed import is always in the
    /// history, whatever happens after its commit.
    pub history: Option<cadre_store::ImportRecord>,
    /// The trainings and periods approved: rows that would change them are refused.
    pub locks: std::sync::Arc<crate::ImportLocks>,
    /// Attendance: an import that would change what is recorded of participants already
    /// known is not committed but held, as a dry run, for the person importing to confirm
    /// the changes it lists (the import page asks; the command line reports them).
    pub hold_person_changes: bool,
}

/// A row refused because its training is in an approved period.
fn locked(
    sheet: &Sheet,
    line: usize,
    field: &'static str,
    message: String,
) -> Vec<cadre_import::Problem> {
    let column = sheet
        .headers()
        .iter()
        .position(|h| cadre_core::text::fold(h) == field)
        .and_then(|i| sheet.column_source(i).0);
    vec![cadre_import::Problem {
        column,
        field: Some(field),
        letters: sheet.letters(),
        ..cadre_import::Problem::at(sheet.file(), line, "period-approved", message)
    }]
}

/// What an import did, for its closing line. Every row read is counted once. For attendance
/// the counts are by record: the first row naming a record not in the store creates it; a
/// record of the store is updated when the rows leave it other than it was (however many rows
/// name it: two that disagree and set it back leave it unchanged); every other row is
/// unchanged. (A training whose rows the sheet lists in pieces, apart, is compared piece by
/// piece with the store as the piece finds it.)
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    pub kind: &'static str,
    pub file: String,
    pub rows: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Participants met for the first time (attendance only).
    pub persons_created: u64,
    /// Participants already known whose details the rows change (attendance only), and the
    /// changes, field by field, for the first of them.
    pub persons_updated: u64,
    pub person_changes: Vec<cadre_store::PersonChange>,
    /// Held for the changes to known participants to be confirmed: nothing was written.
    pub held: bool,
    /// Attendance records removed by a roster replacement (`None`: not asked for).
    pub removed: Option<u64>,
    /// In a dry run of a roster replacement, the records it would remove, by training,
    /// session and person.
    pub removed_records: Vec<RemovedRecord>,
    pub dry_run: bool,
    /// Rows set aside for their problems (with [`ImportOptions::set_aside`]).
    pub rejected: u64,
    pub set_aside: Problems,
    /// Once committed, what the import changed of the facts a warm report engine holds.
    pub changed: Option<cadre_store::Changed>,
    /// Once committed with [`ImportOptions::history`], its history row's id.
    pub history_id: Option<i64>,
}

impl Summary {
    fn count(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Created => self.created += 1,
            Outcome::Updated => self.updated += 1,
            Outcome::Unchanged => self.unchanged += 1,
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} row{} read, {} created, {} updated, {} unchanged",
            self.file,
            self.rows,
            if self.rows == 1 { "" } else { "s" },
            self.created,
            self.updated,
            self.unchanged
        )?;
        if self.kind == Kind::Attendance.as_str() {
            write!(
                f,
                "; {} new participants, {} participants updated",
                self.persons_created, self.persons_updated
            )?;
        }
        if self.rejected > 0 {
            write!(f, "; {} rows set aside with problems", self.rejected)?;
        }
        if let Some(removed) = self.removed {
            write!(f, "; {removed} removed (not in the roster)")?;
        }
        if self.dry_run {
            write!(f, " (dry run: nothing written)")?;
        } else if self.held {
            write!(
                f,
                " (held for the changes to participants to be confirmed: nothing written)"
            )?;
        }
        Ok(())
    }
}

/// Imports one sheet of the given kind into the store. On any problem nothing is written and
/// every problem (up to the cap) is returned as [`AppError::Rejected`] (unless rows are to be
/// set aside). `progress` is told how far into
/// the sheet the import is, in the sheet's units, and the sheet's total.
pub(crate) async fn import_sheet(
    store: &Store,
    kind: Kind,
    mut sheet: Sheet,
    options: ImportOptions,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<Summary, AppError> {
    let mut w = store.begin_import(kind == Kind::Attendance).await?;
    let mut lookups = w.lookups().await?;
    let mut problems = Problems::default();
    // Spellings the mapping keeps as aliases, in this transaction, before any row needs them.
    for (alias, department) in &options.aliases {
        if let (Some(already), Some(meant)) =
            (lookups.department(alias), lookups.department(department))
        {
            if already != meant {
                return Err(AppError::Rejected(Problems::one(cadre_import::Problem::at(
                    sheet.file(),
                    sheet.header_line(),
                    "alias-taken",
                    format!("the mapping keeps \"{alias}\" as an alias of \"{meant}\", and it already names the department \"{already}\": map the value instead, or choose another department"),
                ))));
            }
        }
        let Some(canonical) = lookups.department(department).map(str::to_string) else {
            return Err(AppError::Rejected(Problems::one(cadre_import::Problem::at(
                sheet.file(),
                sheet.header_line(),
                "unknown-department",
                format!("the mapping keeps \"{alias}\" as an alias of \"{department}\", which is not a department: use a name from the list of departments"),
            ))));
        };
        w.department(&cadre_core::DepartmentRecord {
            name: canonical.clone(),
            aliases: vec![alias.clone()],
        })
        .await?;
        lookups.add_department_alias(alias, &canonical);
    }
    let set_aside = options.set_aside;
    let total = sheet.total();
    let mut summary = Summary {
        kind: kind.as_str(),
        file: sheet.file().to_string(),
        rows: 0,
        created: 0,
        updated: 0,
        unchanged: 0,
        persons_created: 0,
        removed: None,
        removed_records: Vec::new(),
        dry_run: options.dry_run,
        ..Summary::default()
    };
    let rejected = AppError::Rejected;
    // Rows are written while the file is still clean; after the first problem the rest are
    // only checked, so that every problem is reported in one go.
    macro_rules! each_row {
        (|$row:ident| $parse:expr, |$rec:ident| $write:expr) => {
            for item in &mut sheet {
                summary.rows += 1;
                match item {
                    Err(p) => problems.push(p),
                    Ok($row) => {
                        progress($row.progress, total);
                        match $parse {
                            Err(list) => list.into_iter().for_each(|p| problems.push(p)),
                            Ok($rec) if set_aside || problems.is_empty() => $write,
                            Ok(_) => {}
                        }
                    }
                }
            }
        };
    }
    match kind {
        Kind::Departments => {
            let mut parser = DepartmentParser::new(&sheet).map_err(rejected)?;
            each_row!(|row| parser.parse(&row, &mut lookups), |rec| {
                summary.count(w.department(&rec).await?)
            });
        }
        Kind::Partners => {
            let mut parser = PartnerParser::new(&sheet).map_err(rejected)?;
            let mut records = Vec::new();
            each_row!(
                |row| parser.parse(&row, &mut lookups).map(|r| (row.line, r)),
                |rec| { records.push(rec) }
            );
            for p in parser.resolve_parents(&mut records, &lookups) {
                problems.push(p);
            }
            if set_aside {
                // A partner whose parent is set aside is set aside too.
                let bad: std::collections::BTreeSet<usize> =
                    problems.rows.keys().copied().collect();
                records.retain(|(line, _)| !bad.contains(line));
            }
            if set_aside || problems.is_empty() {
                let recs: Vec<_> = records.into_iter().map(|(_, r)| r).collect();
                for outcome in w.partners(&recs).await? {
                    summary.count(outcome);
                }
            }
        }
        Kind::Trainings => {
            let mut parser = TrainingParser::new(&sheet).map_err(rejected)?;
            let keep_summary = !parser.has_column("summary");
            let locks = options.locks.clone();
            let mut refused = Vec::new();
            each_row!(
                |row| match parser.parse(&row, &mut lookups) {
                    // A row of a locked training that changes nothing is no change to it.
                    Ok(rec) => match locks.training_row(&rec.code, rec.start) {
                        Some(why) if !w.training_unchanged(&rec, keep_summary).await? => {
                            refused.push((row.line, format!("training {}: {why}", rec.code)));
                            Ok(None)
                        }
                        _ => Ok(Some(rec)),
                    },
                    Err(e) => Err(e),
                },
                |rec| {
                    if let Some(rec) = rec {
                        summary.count(w.training(&rec, keep_summary).await?)
                    }
                }
            );
            for (line, why) in refused {
                locked(&sheet, line, "code", why)
                    .into_iter()
                    .for_each(|p| problems.push(p));
            }
        }
        Kind::Sessions => {
            let mut parser = SessionParser::new(&sheet).map_err(rejected)?;
            let locks = options.locks.clone();
            let mut refused = Vec::new();
            each_row!(
                |row| match parser.parse(&row, &mut lookups) {
                    Ok(rec) => match locks.training(&rec.training_code) {
                        Some(why) if !w.session_unchanged(&rec).await? => {
                            refused
                                .push((row.line, format!("training {}: {why}", rec.training_code)));
                            Ok(None)
                        }
                        _ => Ok(Some(rec)),
                    },
                    Err(e) => Err(e),
                },
                |rec| {
                    if let Some(rec) = rec {
                        summary.count(w.session(&rec).await?)
                    }
                }
            );
            for (line, why) in refused {
                locked(&sheet, line, "training_code", why)
                    .into_iter()
                    .for_each(|p| problems.push(p));
            }
        }
        Kind::Attendance => {
            // Reading and checking the rows is as much work as writing them: a thread of its
            // own does it, handing over batches, while this task writes.
            let parser = AttendanceParser::new(&sheet).map_err(rejected)?;
            // Who each row's person is gets worked out there too, against every person of
            // the store, so that the writer is handed ids, and the rows' text is freed on the
            // thread that read it.
            let resolver = w.resolver(options.replace_roster).await?;
            let (batches, mut arriving) = tokio::sync::mpsc::channel(4);
            // Written batches go back to the reading thread to be freed: the strings of
            // new persons freed on the thread that did not allocate them cost the writer time.
            let (spent, returned) = std::sync::mpsc::channel();
            let rules = ReadRules {
                set_aside,
                locks: options.locks.clone(),
            };
            let header_line = sheet.header_line();
            let reader = std::thread::spawn(move || {
                read_attendance(sheet, parser, lookups, resolver, batches, returned, rules)
            });
            while let Some((batch, at)) = arriving.recv().await {
                progress(at, total);
                add_counts(&mut summary, w.attendance_batch(&batch).await?);
                // Once the reader is done, the last batches are simply freed here.
                let _ = spent.send(batch);
            }
            // A reading thread that failed (a bug: it returns its problems, it does not
            // panic) ends the import like any other fault: rolled back, the lock released.
            let Ok((rows, found)) = reader.join() else {
                w.rollback().await?;
                return Err(AppError::Invalid(format!(
                    "{}: the import stopped while reading the sheet; nothing was imported",
                    summary.file
                )));
            };
            summary.rows = rows;
            problems = found;
            if set_aside || problems.is_empty() {
                let (counts, removed) = w.finish_attendance().await?;
                add_counts(&mut summary, counts);
                if options.replace_roster {
                    summary.removed = Some(removed.len() as u64);
                    if options.dry_run {
                        summary.removed_records = w.describe(&removed).await?;
                    }
                }
                if !options.locks.is_empty() {
                    let locks = options.locks.clone();
                    let locked = move |code: &str| locks.training(code).is_some();
                    let refused = w.locked_changes(&locked, LOCKED_LISTED).await?;
                    if !refused.is_empty() {
                        w.rollback().await?;
                        return Err(AppError::Rejected(locked_changes(
                            &summary.file,
                            header_line,
                            &options.locks,
                            refused,
                        )));
                    }
                }
                let changes = w.person_changes();
                summary.persons_updated = changes.persons;
                summary.person_changes = changes.list;
                summary.held =
                    options.hold_person_changes && !options.dry_run && summary.persons_updated > 0;
                w.write_merged().await?;
                w.refresh_report_cache().await?;
                if summary.created > 10_000 {
                    w.after_large_import().await?;
                }
            }
            progress(total, total);
            return finish(w, problems, options, summary).await;
        }
        Kind::Published => {
            let mut parser = PublishedParser::new(&sheet).map_err(rejected)?;
            each_row!(|row| parser.parse(&row), |_done| {});
            if problems.is_empty() {
                match parser.finish() {
                    Ok(record) => {
                        let why = cadre_core::report::Period::new(record.from, record.to)
                            .ok()
                            .and_then(|p| options.locks.published(p));
                        match why {
                            Some(why) => problems.push(cadre_import::Problem::at(
                                sheet.file(),
                                sheet.header_line(),
                                "period-approved",
                                format!("figures published for this period: {why}"),
                            )),
                            None => {
                                for outcome in w.published(&record).await? {
                                    summary.count(outcome);
                                }
                            }
                        }
                    }
                    Err(list) => list.into_iter().for_each(|p| problems.push(p)),
                }
            }
        }
    }
    progress(total, total);
    finish(w, problems, options, summary).await
}

/// Commits the import if the file was good and this is not a dry run.
async fn finish(
    mut w: ImportTx,
    problems: Problems,
    options: ImportOptions,
    summary: Summary,
) -> Result<Summary, AppError> {
    let mut summary = summary;
    if !problems.is_empty() {
        // Published figures are one record: they cannot be taken in part.
        let partial = options.set_aside && summary.kind != Kind::Published.as_str();
        if !partial || problems.rows_overflow || problems.stopped {
            w.rollback().await?;
            return Err(AppError::Rejected(problems));
        }
        summary.rejected = problems.rows.len() as u64;
        summary.set_aside = problems;
    }
    if options.dry_run || summary.held {
        w.rollback().await?;
    } else {
        if let Some(mut entry) = options.audit.clone() {
            entry.detail = format!(
                "{} ({}): {} rows, {} created, {} updated, {} unchanged, {} set aside",
                entry.detail,
                summary.kind,
                summary.rows,
                summary.created,
                summary.updated,
                summary.unchanged,
                summary.rejected
            );
            w.note(entry).await?;
        }
        if let Some(mut record) = options.history.clone() {
            record.outcome = "committed".into();
            record.finished_at = crate::clock::now();
            record.rows = summary.rows;
            record.created = summary.created;
            record.updated = summary.updated;
            record.unchanged = summary.unchanged;
            record.rejected = summary.rejected;
            record.removed = summary.removed.unwrap_or(0);
            summary.history_id = Some(w.record_history(&record).await?);
        }
        summary.changed = Some(w.commit().await?);
    }
    Ok(summary)
}

fn add_counts(summary: &mut Summary, c: BatchCounts) {
    summary.created += c.created;
    summary.updated += c.updated;
    summary.unchanged += c.unchanged;
    summary.persons_created += c.persons_created;
}
