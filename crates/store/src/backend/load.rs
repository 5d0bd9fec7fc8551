//! One import, from file to records: every row is checked, rows are written as they pass, and
//! the transaction is committed only when the whole file is good (and not a dry run).

use cadre_import::{
    AttendanceParser, DepartmentParser, Kind, PartnerParser, Problems, PublishedParser,
    SessionParser, Sheet, TrainingParser,
};

use super::write::Writer;
use super::Db;
use crate::types::{ImportOptions, Summary};
use crate::{Result, StoreError};

/// Imports one file of the given kind. On any problem nothing is written and every problem
/// (up to the cap) is returned as [`StoreError::Rejected`]. `progress` is told how far into
/// the sheet the import is, in the sheet's units, and the sheet's total.
pub(crate) async fn import(
    pool: &sqlx::Pool<Db>,
    kind: Kind,
    mut sheet: Sheet,
    options: ImportOptions,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<Summary> {
    let mut w = Writer::begin(pool).await?;
    let mut lookups = w.lookups().await?;
    let mut problems = Problems::default();
    let total = sheet.total();
    let mut summary = Summary {
        kind: kind.as_str(),
        file: sheet.file().to_string(),
        rows: 0,
        created: 0,
        updated: 0,
        unchanged: 0,
        persons_created: 0,
        dry_run: options.dry_run,
    };
    let rejected = StoreError::Rejected;
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
                            Ok($rec) if problems.is_empty() => $write,
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
            if problems.is_empty() {
                let recs: Vec<_> = records.into_iter().map(|(_, r)| r).collect();
                for outcome in w.partners(&recs).await? {
                    summary.count(outcome);
                }
            }
        }
        Kind::Trainings => {
            let mut parser = TrainingParser::new(&sheet).map_err(rejected)?;
            each_row!(|row| parser.parse(&row, &mut lookups), |rec| {
                summary.count(w.training(&rec).await?)
            });
        }
        Kind::Sessions => {
            let mut parser = SessionParser::new(&sheet).map_err(rejected)?;
            each_row!(|row| parser.parse(&row, &mut lookups), |rec| {
                summary.count(w.session(&rec).await?)
            });
        }
        Kind::Attendance => {
            let mut parser = AttendanceParser::new(&sheet).map_err(rejected)?;
            // Rows are written a batch at a time (see Writer::attendance_batch).
            const BATCH: usize = 2000;
            let mut batch = Vec::with_capacity(BATCH);
            each_row!(|row| parser.parse(&row, &lookups), |rec| {
                batch.push(rec);
                if batch.len() == BATCH {
                    add_counts(&mut summary, w.attendance_batch(&batch).await?);
                    batch.clear();
                }
            });
            if problems.is_empty() && !batch.is_empty() {
                add_counts(&mut summary, w.attendance_batch(&batch).await?);
            }
            if problems.is_empty() {
                w.refresh_report_cache().await?;
                if summary.created > 10_000 {
                    super::after_import(&mut w.tx).await?;
                }
            }
        }
        Kind::Published => {
            let mut parser = PublishedParser::new(&sheet).map_err(rejected)?;
            each_row!(|row| parser.parse(&row), |_done| {});
            if problems.is_empty() {
                match parser.finish() {
                    Ok(record) => {
                        for outcome in w.published(&record).await? {
                            summary.count(outcome);
                        }
                    }
                    Err(list) => list.into_iter().for_each(|p| problems.push(p)),
                }
            }
        }
    }
    progress(total, total);
    if !problems.is_empty() {
        w.tx.rollback().await?;
        return Err(StoreError::Rejected(problems));
    }
    if options.dry_run {
        w.tx.rollback().await?;
    } else {
        w.tx.commit().await?;
    }
    Ok(summary)
}

fn add_counts(summary: &mut Summary, c: super::write::BatchCounts) {
    summary.created += c.created;
    summary.updated += c.updated;
    summary.unchanged += c.unchanged;
    summary.persons_created += c.persons_created;
}
