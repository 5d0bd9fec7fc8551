//! What a dry run or an import did, as the import page says it: the counts in words, the
//! problems with where they are, the rows set aside, and the changes to participants already
//! known that wait to be confirmed.

use cadre_app::domain::Kind;
use cadre_app::{ImportOutcome, Upload};

/// What a dry run or an import did, as the page says it.
pub(super) struct OutcomeView {
    pub(super) dry_run: bool,
    pub(super) refused: bool,
    pub(super) counts: String,
    pub(super) problems: Vec<String>,
    pub(super) more: usize,
    pub(super) rejects: Option<u64>,
    pub(super) workbook: bool,
    /// Changes to participants already known, said one by one, and how many persons.
    pub(super) changes: Vec<String>,
    pub(super) persons_updated: u64,
    /// Held for those changes to be confirmed.
    pub(super) held: bool,
    /// More persons change than are listed.
    pub(super) more_persons: bool,
    /// Not one row would be (or was) written.
    pub(super) nothing: bool,
}

pub(super) fn outcome_view(o: &ImportOutcome, dry_run: bool, up: &Upload) -> OutcomeView {
    let counts = match &o.summary {
        Some(s) => format!(
            "{} {} read: {} created, {} updated, {} unchanged{}{}.",
            s.rows,
            if s.rows == 1 { "row" } else { "rows" },
            s.created,
            s.updated,
            s.unchanged,
            match s.removed {
                Some(n) if n > 0 => format!(", {n} removed"),
                _ => String::new(),
            },
            if up.kind == Kind::Attendance {
                format!(
                    "; {} new {}, {} {} updated",
                    s.persons_created,
                    if s.persons_created == 1 {
                        "participant"
                    } else {
                        "participants"
                    },
                    s.persons_updated,
                    if s.persons_updated == 1 {
                        "participant"
                    } else {
                        "participants"
                    },
                )
            } else {
                String::new()
            }
        ),
        None => "Nothing was imported.".to_string(),
    };
    let shown = |v: &str| {
        if v.is_empty() {
            "not recorded".to_string()
        } else {
            v.to_string()
        }
    };
    let (changes, persons_updated, held) = match &o.summary {
        Some(s) => (
            s.person_changes
                .iter()
                .map(|c| {
                    format!(
                        "{}: {} from {} to {}",
                        c.name,
                        c.field.replace('_', " "),
                        shown(&c.from),
                        shown(&c.to)
                    )
                })
                .collect(),
            s.persons_updated,
            s.held,
        ),
        None => (Vec::new(), 0, false),
    };
    OutcomeView {
        dry_run,
        refused: o.refused(),
        counts,
        problems: o
            .problems
            .list
            .iter()
            .map(|p| p.on_page(&up.name))
            .collect(),
        more: o.problems.more,
        rejects: o.rejects.as_ref().map(|(_, n)| *n).filter(|n| *n > 0),
        workbook: up.workbook,
        nothing: o
            .summary
            .as_ref()
            .is_some_and(|s| s.created + s.updated + s.unchanged == 0),
        more_persons: o.summary.as_ref().is_some_and(|s| {
            let listed: std::collections::BTreeSet<i64> =
                s.person_changes.iter().map(|c| c.person_id).collect();
            s.persons_updated > listed.len() as u64
        }),
        changes,
        persons_updated,
        held,
    }
}
