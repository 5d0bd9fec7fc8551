//! The attendance half of an import's writer: resolved batches of rows written (new persons,
//! records sure to be new in bulk, the others through the rosters), persons completed by rows
//! kept and written once, and a roster replacement finished and described.

use std::collections::HashMap;

use cadre_core::person::name_key;
use cadre_core::{PartialDate, PersonRecord};

use super::resolve::{trainings_with_attendance, Resolved, Resolver};
use super::roster::{Rosters, RunCounts};
use super::write::{add_run, AttendanceRow, BatchCounts, PersonRef, Removed, Writer};
use crate::types::RemovedRecord;
use crate::Result;

impl Writer {
    /// What the reading thread needs to resolve rows to ids: every person of the store (loaded
    /// here, once per import), trainings, sessions and departments.
    pub(crate) async fn resolver(&mut self, replace_roster: bool) -> Result<Resolver> {
        let had_attendance = trainings_with_attendance(&mut self.tx).await?;
        self.rosters = Rosters::new(had_attendance.iter().copied().collect(), replace_roster);
        Resolver::load(
            &mut self.tx,
            &self.trainings,
            &self.sessions,
            &self.departments,
            had_attendance,
        )
        .await
    }

    /// Records a batch of resolved attendance rows (person x session): inserts the persons
    /// new to the store, completes known ones, inserts the records sure to be new, and hands
    /// the other rows to the rosters (see `roster`), which look each up among its training's
    /// records and write only what changes.
    pub(crate) async fn attendance_batch(&mut self, batch: &Resolved) -> Result<BatchCounts> {
        let mut counts = BatchCounts {
            persons_created: batch.new_persons.len() as u64,
            ..BatchCounts::default()
        };
        let new_ids =
            super::insert_persons(&mut self.tx, &batch.new_persons, &mut self.spare_ids).await?;
        self.touched_chunks
            .extend(new_ids.iter().map(|id| id / crate::cache::CHUNK));
        self.changed.persons(new_ids.iter().copied());
        self.new_ids.extend(new_ids);
        let merges: Vec<(i64, &PersonRecord)> = batch
            .merges
            .iter()
            .map(|(who, p)| (self.id_of(*who), p))
            .collect();
        self.merge_persons(&merges).await?;

        let resolve = |rows: &[(i64, PersonRef, i64, Option<i64>)]| -> Vec<AttendanceRow> {
            rows.iter()
                .map(|&(training_id, who, session, completed)| {
                    let person = match who {
                        PersonRef::Stored(id) => id,
                        PersonRef::New(n) => self.new_ids[n as usize],
                    };
                    (training_id, person, session, completed)
                })
                .collect()
        };
        // The new records first: a row that may repeat one of them comes after it in the sheet.
        let mut new_rows = resolve(&batch.new_rows);
        let mut rows = resolve(&batch.rows);
        // In key order, new records go in one after another at the end of the table's tree
        // (a sheet's trainings are mostly new and numbered in order), rather than all over the
        // pages of the trainings being read: fewer, fuller pages to write.
        new_rows.sort_unstable();
        let mut run = RunCounts::default();
        // The training in hand is read again after records of its are written directly.
        if let Some(t) = self.rosters.current() {
            if new_rows.binary_search_by(|r| r.0.cmp(&t)).is_ok() {
                self.rosters.finish(&mut self.tx, &mut run).await?;
            }
        }
        super::insert_new_attendance(&mut self.tx, &new_rows).await?;
        counts.created += new_rows.len() as u64;
        // Rows repeating what the run wrote: their completions, the last of each record's.
        let mut completions = resolve(&batch.completions);
        let mut seen = std::collections::HashSet::new();
        completions.reverse();
        completions.retain(|r| seen.insert((r.0, r.1, r.2)));
        super::update_completion(&mut self.tx, &completions).await?;
        counts.unchanged += batch.repeated;
        self.touched_trainings
            .extend(new_rows.chunk_by(|a, b| a.0 == b.0).map(|g| g[0].0));
        self.changed
            .trainings(new_rows.chunk_by(|a, b| a.0 == b.0).map(|g| g[0].0));
        for r in new_rows.iter().chain(&rows) {
            if !self.rosters.had(r.0) {
                self.fresh.gather(r.0, r.1);
            }
        }
        let written = self.rosters.write(&mut self.tx, &mut rows).await?;
        add_run(&mut run, written);
        if let Some(t) = self.rosters.current() {
            if batch.ended.contains(&t) {
                self.rosters.finish(&mut self.tx, &mut run).await?;
            }
        }
        counts.created += run.created;
        counts.updated += run.updated;
        counts.unchanged += run.unchanged;
        self.changed.trainings(run.touched.iter().copied());
        self.touched_trainings.extend(run.touched);
        // The attendee lists of trainings the sheet has gone past are brought up to date now,
        // while their pages are fresh in the cache and the reading thread keeps this one
        // waiting anyway; a training listed again further down is refreshed again.
        let ended: Vec<i64> = batch
            .ended
            .iter()
            .copied()
            .filter(|t| self.touched_trainings.remove(t))
            .collect();
        let (listed, read) = self.fresh.take(&ended);
        self.fresh.forget(&batch.ended);
        super::put_training_lists(&mut self.tx, &listed).await?;
        super::cache::refresh_trainings(&mut self.tx, &read).await?;
        Ok(counts)
    }

    /// Ends the attendance of an import, once every batch is in: writes the rows of the last
    /// training, and with `replace_roster` removes the records no row named.
    pub(crate) async fn finish_attendance(&mut self) -> Result<(BatchCounts, Vec<Removed>)> {
        let mut run = RunCounts::default();
        self.rosters.finish(&mut self.tx, &mut run).await?;
        let removed = self.rosters.remove_unnamed(&mut self.tx).await?;
        self.changed.trainings(run.touched.iter().copied());
        self.changed.trainings(removed.iter().map(|r| r.0));
        self.touched_trainings.extend(run.touched);
        self.touched_trainings.extend(removed.iter().map(|r| r.0));
        let counts = BatchCounts {
            created: run.created,
            updated: run.updated,
            unchanged: run.unchanged,
            persons_created: 0,
        };
        Ok((counts, removed))
    }

    /// Attendance records by training code, session date and person's name, in that order.
    pub(crate) async fn describe(&mut self, records: &[Removed]) -> Result<Vec<RemovedRecord>> {
        let codes: HashMap<i64, &String> = self.trainings.iter().map(|(c, id)| (*id, c)).collect();
        let dates: HashMap<i64, PartialDate> =
            self.sessions.iter().map(|((_, d), id)| (*id, *d)).collect();
        let mut ids: Vec<i64> = records.iter().map(|r| r.1).collect();
        ids.sort_unstable();
        ids.dedup();
        let persons = super::persons_by_id(&mut self.tx, &ids).await?;
        let mut out: Vec<RemovedRecord> = records
            .iter()
            .map(|&(t, p, s)| RemovedRecord {
                training_code: codes.get(&t).map(|c| c.to_string()).unwrap_or_default(),
                session: dates.get(&s).map(|d| d.to_string()),
                person: persons
                    .get(&p)
                    .map(|p| format!("{} {}", p.given_name, p.family_name))
                    .unwrap_or_default(),
            })
            .collect();
        out.sort_by(|a, b| {
            (&a.training_code, &a.session, &a.person).cmp(&(
                &b.training_code,
                &b.session,
                &b.person,
            ))
        });
        Ok(out)
    }

    fn id_of(&self, who: PersonRef) -> i64 {
        match who {
            PersonRef::Stored(id) => id,
            PersonRef::New(n) => self.new_ids[n as usize],
        }
    }

    /// Completes known persons with what rows say of them; `merges` in row order, so that a
    /// person named by several rows ends as the last of them leaves them. Known details are
    /// completed, never erased, by a row that leaves them blank.
    async fn merge_persons(&mut self, merges: &[(i64, &PersonRecord)]) -> Result<()> {
        if merges.is_empty() {
            return Ok(());
        }
        let mut ids: Vec<i64> = merges.iter().map(|(id, _)| *id).collect();
        ids.sort_unstable();
        ids.dedup();
        // Persons completed once tend to be completed again (a name shared by several people
        // without e-mail, whose rows disagree): they are kept as stored, within a bound.
        const KEPT: usize = 100_000;
        let mut missing: Vec<i64> = ids
            .iter()
            .copied()
            .filter(|id| !self.merged.contains_key(id))
            .collect();
        if self.merged.len() + missing.len() > KEPT {
            self.write_merged().await?;
            self.merged.clear();
            missing = ids;
        }
        let read = super::persons_by_id(&mut self.tx, &missing).await?;
        self.merged.extend(read);
        let stored = &mut self.merged;
        let mut changed = std::collections::BTreeSet::new();
        for &(id, p) in merges {
            let department_id = p
                .department
                .as_ref()
                .and_then(|d| self.departments.get(d))
                .copied();
            let Some(old) = stored.get_mut(&id) else {
                continue;
            };
            let before = old.clone();
            if old.complete(p, department_id) {
                if old.gender != before.gender
                    || old.country != before.country
                    || old.department_id != before.department_id
                {
                    self.facts_changed.insert(id);
                }
                changed.insert(id);
                self.persons_changed.insert(id);
                let listed = self.person_changes.len() < crate::PersonChanges::LISTED;
                match self.person_changes.get_mut(&id) {
                    Some((_, now)) => *now = old.clone(),
                    None if listed => {
                        self.person_changes.insert(id, (before, old.clone()));
                    }
                    None => {}
                }
            }
        }
        self.touched_chunks
            .extend(changed.iter().map(|id| id / crate::cache::CHUNK));
        self.changed.persons(changed.iter().copied());
        // Written once, at the end: such a person may change with every batch.
        self.unwritten.extend(changed);
        Ok(())
    }

    /// What the rows change of persons already known: who, which field, from what, to what.
    /// (A person whose rows disagree and leave them as they were is not counted.)
    pub(crate) fn person_changes(&self) -> crate::PersonChanges {
        let department = |id: Option<i64>| self.department_name(id);
        let mut list = Vec::new();
        let mut unchanged = 0;
        for (&person_id, (was, now)) in &self.person_changes {
            let name = format!("{} {}", was.given_name, was.family_name);
            let text = |v: &Option<String>| v.clone().unwrap_or_default();
            let fields = [
                ("given_name", was.given_name.clone(), now.given_name.clone()),
                (
                    "family_name",
                    was.family_name.clone(),
                    now.family_name.clone(),
                ),
                ("gender", text(&was.gender), text(&now.gender)),
                ("country", text(&was.country), text(&now.country)),
                (
                    "organisation",
                    text(&was.organisation),
                    text(&now.organisation),
                ),
                (
                    "department",
                    department(was.department_id),
                    department(now.department_id),
                ),
            ];
            let before = list.len();
            for (field, from, to) in fields {
                if from != to {
                    list.push(crate::PersonChange {
                        person_id,
                        name: name.clone(),
                        field,
                        from,
                        to,
                    });
                }
            }
            if list.len() == before {
                unchanged += 1;
            }
        }
        crate::PersonChanges {
            persons: (self.persons_changed.len() as u64).saturating_sub(unchanged),
            list,
        }
    }

    /// Known persons whose counted facts (gender, country, department) the rows change and who
    /// attended any of the trainings `locked` names: each change with the first such
    /// training. Asked before the persons are written, so the store still holds them as they
    /// were; at most `limit` persons.
    pub(crate) async fn locked_changes(
        &mut self,
        locked: &(dyn Fn(&str) -> bool + Sync),
        limit: usize,
    ) -> Result<Vec<crate::LockedChange>> {
        let ids: Vec<i64> = self.facts_changed.iter().copied().collect();
        let mut found: Vec<(i64, String)> = Vec::new();
        for chunk in ids.chunks(500) {
            if found.len() >= limit {
                break;
            }
            // Ids are numbers the store made: written into the statement, not bound, so that
            // one statement serves both databases.
            let list = chunk
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",");
            let rows: Vec<(i64, String)> = sqlx::query_as(&format!(
                "SELECT DISTINCT a.person_id, t.code FROM attendance a \
                 JOIN trainings t ON t.id = a.training_id WHERE a.person_id IN ({list}) \
                 ORDER BY a.person_id, t.code"
            ))
            .fetch_all(&mut *self.tx)
            .await?;
            for (person, code) in rows {
                let listed = found.last().is_some_and(|(p, _)| *p == person);
                if !listed && found.len() < limit && locked(&code) {
                    found.push((person, code));
                }
            }
        }
        let ids: Vec<i64> = found.iter().map(|(p, _)| *p).collect();
        let stored = super::persons_by_id(&mut self.tx, &ids).await?;
        let department = |id: Option<i64>| self.department_name(id);
        let mut out = Vec::new();
        for (person_id, training_code) in found {
            let (Some(was), Some(now)) = (stored.get(&person_id), self.merged.get(&person_id))
            else {
                continue;
            };
            let text = |v: &Option<String>| v.clone().unwrap_or_default();
            let fields = [
                ("gender", text(&was.gender), text(&now.gender)),
                ("country", text(&was.country), text(&now.country)),
                (
                    "department",
                    department(was.department_id),
                    department(now.department_id),
                ),
            ];
            for (field, from, to) in fields {
                if from != to {
                    out.push(crate::LockedChange {
                        change: crate::PersonChange {
                            person_id,
                            name: format!("{} {}", was.given_name, was.family_name),
                            field,
                            from,
                            to,
                        },
                        training_code: training_code.clone(),
                    });
                }
            }
        }
        Ok(out)
    }

    /// A department's name by its id (blank for none).
    fn department_name(&self, id: Option<i64>) -> String {
        id.and_then(|id| {
            self.departments
                .iter()
                .find(|(_, d)| **d == id)
                .map(|(name, _)| name.clone())
        })
        .unwrap_or_default()
    }

    /// Writes the persons completed since the last call; an import of attendance calls it
    /// when all rows are in.
    pub(crate) async fn write_merged(&mut self) -> Result<()> {
        let ids = std::mem::take(&mut self.unwritten);
        let updates: Vec<(i64, &StoredPerson)> =
            ids.iter().map(|id| (*id, &self.merged[id])).collect();
        super::update_persons(&mut self.tx, &updates).await
    }
}

/// The attendee lists (report cache) of trainings that held no attendance before the import,
/// gathered from the rows as they pass, so that a list is written without reading back what
/// the import has just written. A training whose rows come in two runs (its list already
/// written once) is read back instead. Only trainings in hand are kept: memory follows the
/// trainings a batch spans, not the file.
#[derive(Default)]
pub(crate) struct FreshLists {
    gathering: HashMap<i64, Vec<i64>>,
    listed: std::collections::HashSet<i64>,
}

impl FreshLists {
    /// A person attends a training new to the store.
    fn gather(&mut self, training: i64, person: i64) {
        if !self.listed.contains(&training) {
            self.gathering.entry(training).or_default().push(person);
        }
    }

    /// The lists of these trainings: encoded from the rows when gathered whole, and the
    /// trainings to read back from the attendance table.
    pub(crate) fn take(&mut self, trainings: &[i64]) -> (Vec<(i64, Vec<u8>)>, Vec<i64>) {
        let mut listed = Vec::new();
        let mut read = Vec::new();
        for &t in trainings {
            match self.gathering.remove(&t) {
                Some(mut persons) if !self.listed.contains(&t) => {
                    persons.sort_unstable();
                    persons.dedup();
                    listed.push((t, crate::cache::encode_ids(&persons)));
                    self.listed.insert(t);
                }
                _ => read.push(t),
            }
        }
        (listed, read)
    }

    /// Trainings the sheet has gone past: a list not taken now is read back later.
    fn forget(&mut self, trainings: &[i64]) {
        for t in trainings {
            if self.gathering.remove(t).is_some() {
                self.listed.insert(*t);
            }
        }
    }
}

/// The details of a person that rows complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StoredPerson {
    pub given_name: String,
    pub family_name: String,
    pub gender: Option<String>,
    pub country: Option<String>,
    pub organisation: Option<String>,
    pub department_id: Option<i64>,
}

impl StoredPerson {
    /// Completes the details with a row's; says whether anything changed. A name typed with
    /// other case or spacing is the same name, and the first spelling stays; a different one
    /// (a correction) replaces it.
    fn complete(&mut self, p: &PersonRecord, department_id: Option<i64>) -> bool {
        use cadre_core::person::{complete_fact, complete_name};
        let gender = p.gender.map(|g| g.as_str().to_string());
        // Every rule runs: `|` does not stop at the first change.
        complete_name(&mut self.given_name, &p.given_name)
            | complete_name(&mut self.family_name, &p.family_name)
            | complete_fact(&mut self.gender, &gender)
            | complete_fact(&mut self.country, &p.country)
            | complete_fact(&mut self.organisation, &p.organisation)
            | complete_fact(&mut self.department_id, &department_id)
    }

    /// The name key follows the completed name and country.
    pub(crate) fn name_key(&self) -> String {
        name_key(&self.given_name, &self.family_name, self.country.as_deref())
    }
}
