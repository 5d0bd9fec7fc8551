//! The attendance half of an import: the thread that reads, checks and resolves the rows and
//! hands them to the writer in batches, and the refusal of an import that would change what
//! participants of approved periods are counted as.

use cadre_core::AttendanceRecord;
use cadre_import::{AttendanceParser, Lookups, Problems, Row, Sheet};
use cadre_store::{AttendanceBatch, PersonResolver};

use super::locked;

/// Participants of approved periods whose changes an import names before it is refused.
pub(super) const LOCKED_LISTED: usize = 20;

/// The problems of an import that would change what participants of approved periods are
/// counted as: one per field, naming the participant, the training and why it is locked.
pub(super) fn locked_changes(
    file: &str,
    line: usize,
    locks: &crate::ImportLocks,
    refused: Vec<cadre_store::LockedChange>,
) -> Problems {
    let mut problems = Problems::default();
    for r in refused {
        let c = &r.change;
        let shown = |v: &str| {
            if v.is_empty() {
                "(not recorded)".to_string()
            } else {
                v.to_string()
            }
        };
        let why = locks.training(&r.training_code).unwrap_or_default();
        problems.push(cadre_import::Problem::at(
            file,
            line,
            "period-approved",
            format!(
                "participant {}: the file changes their {} from {} to {}, and they attended training {}: {why}",
                c.name,
                c.field,
                shown(&c.from),
                shown(&c.to),
                r.training_code
            ),
        ));
    }
    problems
}

/// Rows handed from the reading thread to the writer at a time.
const BATCH: usize = 16384;

/// Rows whose persons the reading thread looks up together (see `Resolver::add_all`).
const GROUP: usize = 32;

/// What the reading thread holds rows to besides the parser's checks.
pub(super) struct ReadRules {
    /// Rows with problems are set aside rather than stopping the writes.
    pub(super) set_aside: bool,
    pub(super) locks: std::sync::Arc<crate::ImportLocks>,
}

/// Reads and checks every row of an attendance sheet, sending the records a batch at a time
/// (with how far into the sheet the batch ends) while the sheet is clean. After the first
/// problem nothing more is sent, but every row is still checked, so that the person importing
/// learns every problem at once. Returns the number of rows and the problems.
pub(super) fn read_attendance(
    mut sheet: Sheet,
    mut parser: AttendanceParser,
    lookups: Lookups,
    mut resolver: PersonResolver,
    batches: tokio::sync::mpsc::Sender<(AttendanceBatch, u64)>,
    returned: std::sync::mpsc::Receiver<AttendanceBatch>,
    rules: ReadRules,
) -> (u64, Problems) {
    let ReadRules { set_aside, locks } = rules;
    let mut problems = Problems::default();
    // The column a refused row's problem points to, found once.
    let training_column = locked(&sheet, 0, "training_code", String::new())
        .pop()
        .and_then(|p| p.column);
    let mut rows = 0;
    let mut at = 0;
    let mut writing = true;
    // Records written over by every group of rows.
    let mut group: Vec<AttendanceRecord> = vec![AttendanceRecord::default(); GROUP];
    let mut in_group = 0;
    let mut row = Row::default();
    while let Some(item) = sheet.next_into(&mut row) {
        rows += 1;
        match item {
            Err(p) => problems.push(p),
            Ok(()) => {
                at = row.progress;
                let parsed = parser
                    .parse_into(&row, &lookups, &mut group[in_group])
                    .and_then(|()| {
                        if locks.is_empty() {
                            return Ok(());
                        }
                        let code = &group[in_group].training_code;
                        match locks.training(code) {
                            Some(why) => Err(vec![cadre_import::Problem {
                                column: training_column,
                                field: Some("training_code"),
                                letters: sheet.letters(),
                                ..cadre_import::Problem::at(
                                    sheet.file(),
                                    row.line,
                                    "period-approved",
                                    format!("training {code}: {why}"),
                                )
                            }]),
                            None => Ok(()),
                        }
                    });
                match parsed {
                    Err(list) => list.into_iter().for_each(|p| problems.push(p)),
                    Ok(()) if (set_aside || problems.is_empty()) && writing => {
                        in_group += 1;
                        if in_group < GROUP {
                            continue;
                        }
                        resolver.add_all(&group);
                        in_group = 0;
                        if resolver.rows() >= BATCH {
                            returned.try_iter().for_each(drop);
                            if batches.blocking_send((resolver.take(), at)).is_err() {
                                // The writer failed, and says why: no use reading on.
                                writing = false;
                                break;
                            }
                        }
                    }
                    Ok(()) => {}
                }
            }
        }
    }
    if (set_aside || problems.is_empty()) && writing {
        resolver.add_all(&group[..in_group]);
        if resolver.rows() > 0 {
            let _ = batches.blocking_send((resolver.take(), at));
        }
    }
    (rows, problems)
}
