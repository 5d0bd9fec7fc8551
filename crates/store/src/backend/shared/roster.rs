//! The attendance a training already holds, read once when the sheet reaches its rows and
//! held in memory, one training at a time, while they are written: each row is looked up
//! there rather than written blind, so that an unchanged file writes nothing, new records go
//! in many to a statement, and a record's outcome is told by what it was before the import
//! and what the rows leave it (not row by row). With `replace_roster`, the records no row
//! names are removed at the end.

use std::collections::{BTreeMap, HashSet};

use super::write::AttendanceRow;
use super::Db;
use crate::Result;

type Tx = sqlx::Transaction<'static, Db>;
type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

/// A record as recorded: (person, session_key) and its `completed`, in key order.
pub(crate) type Recorded = (i64, i64, Option<i64>);

/// One recorded attendance record of the training in hand.
struct Key {
    person: i64,
    session: i64,
    /// `completed` before the rows of this run, and as they leave it.
    before: Option<i64>,
    now: Option<i64>,
    /// Whether a row of the sheet named the record.
    named: bool,
}

/// The training whose rows are being written, and its records.
struct Roster {
    training: i64,
    /// Whether the training held attendance before this import: its records are then the
    /// store's, and a row that changes one updates it; otherwise this import made them all, and
    /// a row that repeats one is part of making it.
    before_import: bool,
    keys: Vec<Key>,
    /// Records the rows add, with their `completed` as the rows leave it.
    added: FastMap<(i64, i64), Option<i64>>,
    /// Rows naming a recorded record, and rows repeating an added one.
    rows_recorded: u64,
    rows_repeated: u64,
}

/// What writing a run of rows did, by record (see `Summary`).
#[derive(Debug, Default)]
pub(crate) struct RunCounts {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Trainings whose list of attendees changed (for the report cache).
    pub touched: Vec<i64>,
}

/// The rosters of an import: the one in hand, and what replacing rosters will remove.
pub(crate) struct Rosters {
    current: Option<Roster>,
    had_attendance: HashSet<i64>,
    replace: bool,
    /// With `replace`: for every training met that held attendance before the import, its
    /// records no row has named so far, in key order.
    unnamed: BTreeMap<i64, Vec<(i64, i64)>>,
}

impl Rosters {
    /// Whether the training held attendance before the import.
    pub(crate) fn had(&self, training: i64) -> bool {
        self.had_attendance.contains(&training)
    }

    pub(crate) fn new(had_attendance: HashSet<i64>, replace: bool) -> Rosters {
        Rosters {
            current: None,
            had_attendance,
            replace,
            unnamed: BTreeMap::new(),
        }
    }

    /// The training in hand, if any.
    pub(crate) fn current(&self) -> Option<i64> {
        self.current.as_ref().map(|r| r.training)
    }

    /// Writes rows that are not sure to be new records, in row order within each training;
    /// the rows of one training are taken together (their order across trainings does not
    /// matter: records of different trainings are different records). A training is read
    /// once per run of its rows, and a run may go on in the next batch.
    pub(crate) async fn write(
        &mut self,
        tx: &mut Tx,
        rows: &mut [AttendanceRow],
    ) -> Result<RunCounts> {
        let mut counts = RunCounts::default();
        rows.sort_by_key(|r| r.0);
        for group in rows.chunk_by(|a, b| a.0 == b.0) {
            let training = group[0].0;
            if self.current() != Some(training) {
                self.finish(tx, &mut counts).await?;
                self.current = Some(Roster {
                    training,
                    before_import: self.had_attendance.contains(&training),
                    keys: super::training_roster(tx, training)
                        .await?
                        .into_iter()
                        .map(|(person, session, completed)| Key {
                            person,
                            session,
                            before: completed,
                            now: completed,
                            named: false,
                        })
                        .collect(),
                    added: FastMap::default(),
                    rows_recorded: 0,
                    rows_repeated: 0,
                });
            }
            let Some(roster) = self.current.as_mut() else {
                continue;
            };
            for &(_, person, session, completed) in group {
                roster.add(person, session, completed);
            }
        }
        Ok(counts)
    }

    /// Writes what the rows did to the training in hand, and lets it go: the sheet has gone
    /// past it, or its records are about to change behind it (sure-new rows of the same
    /// training, written directly).
    pub(crate) async fn finish(&mut self, tx: &mut Tx, counts: &mut RunCounts) -> Result<()> {
        let Some(roster) = self.current.take() else {
            return Ok(());
        };
        let t = roster.training;
        let mut added: Vec<AttendanceRow> = roster
            .added
            .iter()
            .map(|(&(p, s), &c)| (t, p, s, c))
            .collect();
        // In key order: new records go in one after another.
        added.sort_unstable();
        super::insert_new_attendance(tx, &added).await?;
        let changed: Vec<AttendanceRow> = roster
            .keys
            .iter()
            .filter(|k| k.now != k.before)
            .map(|k| (t, k.person, k.session, k.now))
            .collect();
        super::update_completion(tx, &changed).await?;
        counts.created += added.len() as u64;
        // A record of the store changed by the rows is one update, however many rows named
        // it (a pair of rows that disagree, say yes and then no, set it back and forth and
        // leave it as it was: unchanged). Records this import made were counted as created.
        let updated = if roster.before_import {
            changed.len() as u64
        } else {
            0
        };
        counts.updated += updated;
        counts.unchanged += roster.rows_recorded - updated + roster.rows_repeated;
        if !added.is_empty() {
            counts.touched.push(t);
        }
        if self.replace && roster.before_import {
            let unnamed = roster
                .keys
                .iter()
                .filter(|k| !k.named)
                .map(|k| (k.person, k.session));
            match self.unnamed.entry(t) {
                std::collections::btree_map::Entry::Vacant(slot) => {
                    slot.insert(unnamed.collect());
                }
                // The training was met before, further up the sheet: of the records no row
                // named there, those named here stay.
                std::collections::btree_map::Entry::Occupied(mut slot) => {
                    let still: HashSet<(i64, i64)> = unnamed.collect();
                    slot.get_mut().retain(|k| still.contains(k));
                }
            }
        }
        Ok(())
    }

    /// With `replace_roster`, removes the records of the trainings met that no row named,
    /// once every row is in; returns them (training, person, session_key) in key order.
    pub(crate) async fn remove_unnamed(&mut self, tx: &mut Tx) -> Result<Vec<(i64, i64, i64)>> {
        let removed: Vec<(i64, i64, i64)> = std::mem::take(&mut self.unnamed)
            .into_iter()
            .flat_map(|(t, keys)| keys.into_iter().map(move |(p, s)| (t, p, s)))
            .collect();
        super::delete_attendance(tx, &removed).await?;
        Ok(removed)
    }
}

impl Roster {
    fn add(&mut self, person: i64, session: i64, completed: Option<i64>) {
        match self
            .keys
            .binary_search_by(|k| (k.person, k.session).cmp(&(person, session)))
        {
            Ok(i) => {
                let key = &mut self.keys[i];
                key.named = true;
                // A blank completed cell does not erase what is recorded.
                if completed.is_some() {
                    key.now = completed;
                }
                self.rows_recorded += 1;
            }
            Err(_) => match self.added.entry((person, session)) {
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(completed);
                }
                std::collections::hash_map::Entry::Occupied(mut slot) => {
                    if completed.is_some() {
                        slot.insert(completed);
                    }
                    self.rows_repeated += 1;
                }
            },
        }
    }
}
