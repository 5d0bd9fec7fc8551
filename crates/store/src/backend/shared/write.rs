//! Writing validated records inside one transaction. Each write is an upsert by the record's
//! stable key that says whether it created, changed or left the record as it was, so that
//! importing the same file twice changes nothing and says so.

use std::collections::HashMap;

use cadre_core::department::department_key;
use cadre_core::Lookups;
use cadre_core::{
    DepartmentRecord, PartialDate, PartnerKind, PartnerRecord, PublishedRecord, SessionRecord,
    TrainingRecord,
};
use sqlx::{Row, Transaction};

use super::read::{count, date, read_training};
use super::resolve::FastMap;
pub(crate) use super::resolve::{NewPerson, PersonRef};
use super::roster::{Rosters, RunCounts};
pub(crate) use super::write_attendance::StoredPerson;
use super::Db;
use crate::types::Outcome;
use crate::Result;

pub(crate) struct Writer {
    pub(crate) tx: Transaction<'static, Db>,
    pub(super) trainings: HashMap<String, i64>,
    pub(super) sessions: HashMap<(i64, PartialDate), i64>,
    partners: HashMap<String, i64>,
    pub(super) departments: HashMap<String, i64>,
    /// The ids of the persons new to the store in this import, in the order the reading
    /// thread numbered them.
    pub(super) new_ids: Vec<i64>,
    /// Persons rows have completed in this import, as completed (see `merge_persons`).
    pub(super) merged: FastMap<i64, StoredPerson>,
    /// Those of them not yet written.
    pub(super) unwritten: std::collections::BTreeSet<i64>,
    /// Known persons the rows change: each as it was before the import and as it is now,
    /// for the first `PersonChanges::LISTED`; every one of them by id, to count.
    pub(super) person_changes: std::collections::BTreeMap<i64, (StoredPerson, StoredPerson)>,
    pub(super) persons_changed: std::collections::BTreeSet<i64>,
    /// Known persons whose counted facts (gender, country, department) a row changed, at some
    /// point of the import: those to check against the locks of approved periods.
    pub(super) facts_changed: std::collections::BTreeSet<i64>,
    /// The recorded attendance of the training being written (see `roster`).
    pub(super) rosters: Rosters,
    /// What the import changed that the report cache derives from.
    pub(super) touched_trainings: std::collections::BTreeSet<i64>,
    /// Report cache chunks (of persons by id) whose persons the import added or changed.
    pub(super) touched_chunks: std::collections::BTreeSet<i64>,
    /// What a warm report engine must take from this import (never drained, unlike the two
    /// sets above, which follow the report cache's own refreshes).
    pub(super) changed: ChangeLog,
    /// Attendee lists of trainings the import writes from nothing, gathered from its rows.
    pub(super) fresh: super::write_attendance::FreshLists,
    /// Person ids drawn ahead and not used yet (PostgreSQL; see `insert_persons`).
    pub(super) spare_ids: Vec<i64>,
}

/// Past this many changed persons or trainings, an engine is built anew rather than told of
/// each: a rebuild at size L is a few tenths of a second, and the list would cost memory that
/// grows with the file.
const FOLLOW_AT_MOST: usize = 50_000;

/// The trainings and persons an import changed, while they are few enough to follow.
#[derive(Default)]
pub(super) struct ChangeLog {
    trainings: std::collections::BTreeSet<i64>,
    persons: std::collections::BTreeSet<i64>,
    partners: bool,
    everything: bool,
}

impl ChangeLog {
    /// A change whose reach is not worth following (a department's or partner's name, which
    /// any number of records show).
    pub(super) fn everything(&mut self) {
        self.check_with(true);
    }

    pub(super) fn trainings(&mut self, ids: impl IntoIterator<Item = i64>) {
        if !self.everything {
            self.trainings.extend(ids);
            self.check();
        }
    }

    pub(super) fn persons(&mut self, ids: impl IntoIterator<Item = i64>) {
        if !self.everything {
            self.persons.extend(ids);
            self.check();
        }
    }

    fn check(&mut self) {
        self.check_with(false);
    }

    fn check_with(&mut self, anyway: bool) {
        if anyway || self.trainings.len() + self.persons.len() > FOLLOW_AT_MOST {
            *self = ChangeLog {
                everything: true,
                ..Default::default()
            };
        }
    }

    pub(super) fn finish(self, version: i64) -> crate::Changed {
        crate::Changed {
            version,
            trainings: self.trainings.into_iter().collect(),
            persons: self.persons.into_iter().collect(),
            partners: self.partners,
            everything: self.everything,
        }
    }
}

/// One attendance record to write: training, person, session (0 for none), completed.
pub(crate) type AttendanceRow = (i64, i64, i64, Option<i64>);

pub(crate) use crate::types::BatchCounts;

/// An attendance record a roster replacement removed: (training, person, session_key).
pub(crate) type Removed = (i64, i64, i64);

pub(super) fn add_run(into: &mut RunCounts, more: RunCounts) {
    into.created += more.created;
    into.updated += more.updated;
    into.unchanged += more.unchanged;
    into.touched.extend(more.touched);
}

fn text(d: Option<PartialDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

fn last_day(d: Option<PartialDate>) -> Option<String> {
    d.map(|d| d.last_day().to_string())
}

impl Writer {
    /// Begins an import; `bulk` for one that may write millions of rows (attendance).
    pub(crate) async fn begin(pool: &sqlx::Pool<Db>, bulk: bool) -> Result<Writer> {
        let mut tx = super::begin_import(pool, bulk).await?;
        let mut partners = HashMap::new();
        for row in sqlx::query("SELECT id, name FROM partners")
            .fetch_all(&mut *tx)
            .await?
        {
            partners.insert(row.get::<String, _>("name"), row.get::<i64, _>("id"));
        }
        let mut departments = HashMap::new();
        for row in sqlx::query("SELECT id, name FROM departments")
            .fetch_all(&mut *tx)
            .await?
        {
            departments.insert(row.get::<String, _>("name"), row.get::<i64, _>("id"));
        }
        let mut trainings = HashMap::new();
        for row in sqlx::query("SELECT id, code FROM trainings")
            .fetch_all(&mut *tx)
            .await?
        {
            trainings.insert(row.get::<String, _>("code"), row.get::<i64, _>("id"));
        }
        let mut sessions = HashMap::new();
        for row in sqlx::query("SELECT id, training_id, start_date FROM sessions")
            .fetch_all(&mut *tx)
            .await?
        {
            if let Some(start) = date(row.get("start_date")) {
                sessions.insert((row.get::<i64, _>("training_id"), start), row.get("id"));
            }
        }
        Ok(Writer {
            tx,
            trainings,
            sessions,
            partners,
            departments,
            new_ids: Vec::new(),
            merged: FastMap::default(),
            unwritten: Default::default(),
            person_changes: Default::default(),
            persons_changed: Default::default(),
            facts_changed: Default::default(),
            rosters: Rosters::new(Default::default(), false),
            touched_trainings: Default::default(),
            touched_chunks: Default::default(),
            changed: ChangeLog::default(),
            fresh: Default::default(),
            spare_ids: Vec::new(),
        })
    }

    /// Writes the import's history row in its transaction.
    pub(crate) async fn record_history(&mut self, record: &crate::ImportRecord) -> Result<i64> {
        super::history::record_with(&mut *self.tx, record).await
    }

    /// What the rows of a file are checked against.
    pub(crate) async fn lookups(&mut self) -> Result<Lookups> {
        let mut l = Lookups::default();
        super::history::add_names(&mut self.tx, &mut l).await?;
        for code in self.trainings.keys() {
            l.add_training(code);
        }
        let codes: HashMap<i64, &String> = self.trainings.iter().map(|(c, id)| (*id, c)).collect();
        for (training_id, start) in self.sessions.keys() {
            if let Some(code) = codes.get(training_id) {
                l.add_session(code, *start);
            }
        }
        Ok(l)
    }

    pub(crate) async fn department(&mut self, rec: &DepartmentRecord) -> Result<Outcome> {
        let existing: Option<(i64, String)> = sqlx::query_as(
            "SELECT d.id, d.name FROM department_aliases a
             JOIN departments d ON d.id = a.department_id WHERE a.alias_key = $1",
        )
        .bind(department_key(&rec.name))
        .fetch_optional(&mut *self.tx)
        .await?;
        let (id, mut outcome) = match existing {
            Some((id, name)) if name == rec.name => (id, Outcome::Unchanged),
            Some((id, _)) => {
                // Same department, its published spelling corrected.
                sqlx::query("UPDATE departments SET name = $1 WHERE id = $2")
                    .bind(&rec.name)
                    .bind(id)
                    .execute(&mut *self.tx)
                    .await?;
                self.changed.everything();
                (id, Outcome::Updated)
            }
            None => {
                let id: i64 =
                    sqlx::query_scalar("INSERT INTO departments (name) VALUES ($1) RETURNING id")
                        .bind(&rec.name)
                        .fetch_one(&mut *self.tx)
                        .await?;
                (id, Outcome::Created)
            }
        };
        self.departments.insert(rec.name.clone(), id);
        for alias in std::iter::once(&rec.name).chain(&rec.aliases) {
            let added = sqlx::query(
                "INSERT INTO department_aliases (alias_key, alias, department_id) VALUES ($1, $2, $3)
                 ON CONFLICT (alias_key) DO NOTHING",
            )
            .bind(department_key(alias))
            .bind(alias)
            .bind(id)
            .execute(&mut *self.tx)
            .await?
            .rows_affected();
            if added > 0 && outcome == Outcome::Unchanged {
                outcome = Outcome::Updated;
            }
        }
        Ok(outcome)
    }

    /// Writes partners in two passes, since a programme's parent may come later in the file.
    pub(crate) async fn partners(&mut self, recs: &[PartnerRecord]) -> Result<Vec<Outcome>> {
        let mut outcomes = Vec::with_capacity(recs.len());
        for rec in recs {
            let existing: Option<(i64, String, Option<String>, Option<String>)> = sqlx::query_as(
                "SELECT id, name, short_name, kind FROM partners
                 WHERE lower(name) = lower($1) OR lower(short_name) = lower($2)",
            )
            .bind(&rec.name)
            .bind(rec.short_name.as_deref().unwrap_or(&rec.name))
            .fetch_optional(&mut *self.tx)
            .await?;
            let kind = rec.kind.map(PartnerKind::as_str);
            let outcome = match existing {
                Some((id, name, short, stored_kind))
                    if name == rec.name
                        && short == rec.short_name
                        && stored_kind.as_deref() == kind =>
                {
                    self.partners.insert(rec.name.clone(), id);
                    Outcome::Unchanged
                }
                Some((id, old_name, ..)) => {
                    sqlx::query(
                        "UPDATE partners SET name = $1, short_name = $2, kind = $3, version = version + 1
                         WHERE id = $4",
                    )
                    .bind(&rec.name)
                    .bind(&rec.short_name)
                    .bind(kind)
                    .bind(id)
                    .execute(&mut *self.tx)
                    .await?;
                    if old_name != rec.name {
                        // Every training naming the partner shows the new name.
                        self.changed.everything();
                    }
                    self.partners.remove(&old_name);
                    self.partners.insert(rec.name.clone(), id);
                    self.changed.partners = true;
                    Outcome::Updated
                }
                None => {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO partners (name, short_name, kind) VALUES ($1, $2, $3)
                         RETURNING id",
                    )
                    .bind(&rec.name)
                    .bind(&rec.short_name)
                    .bind(kind)
                    .fetch_one(&mut *self.tx)
                    .await?;
                    self.partners.insert(rec.name.clone(), id);
                    self.changed.partners = true;
                    Outcome::Created
                }
            };
            outcomes.push(outcome);
        }
        for (rec, outcome) in recs.iter().zip(outcomes.iter_mut()) {
            let id = self.partners[&rec.name];
            let parent = rec
                .parent
                .as_ref()
                .and_then(|p| self.partners.get(p))
                .copied();
            let stored: Option<i64> =
                sqlx::query_scalar("SELECT parent_id FROM partners WHERE id = $1")
                    .bind(id)
                    .fetch_one(&mut *self.tx)
                    .await?;
            if stored != parent {
                sqlx::query(
                    "UPDATE partners SET parent_id = $1, version = version + 1 WHERE id = $2",
                )
                .bind(parent)
                .bind(id)
                .execute(&mut *self.tx)
                .await?;
                self.changed.partners = true;
                if *outcome == Outcome::Unchanged {
                    *outcome = Outcome::Updated;
                }
            }
        }
        Ok(outcomes)
    }

    /// What this import changed of the facts a warm report engine holds.
    pub(crate) fn take_changes(&mut self, version: i64) -> crate::Changed {
        std::mem::take(&mut self.changed).finish(version)
    }

    /// Brings the report cache up to date with what this import changed.
    pub(crate) async fn refresh_report_cache(&mut self) -> Result<()> {
        let trainings: Vec<i64> = std::mem::take(&mut self.touched_trainings)
            .into_iter()
            .collect();
        let (listed, read) = self.fresh.take(&trainings);
        super::put_training_lists(&mut self.tx, &listed).await?;
        super::cache::refresh_trainings(&mut self.tx, &read).await?;
        let chunks: Vec<i64> = self.touched_chunks.iter().copied().collect();
        super::cache::refresh_persons(&mut self.tx, &chunks).await
    }

    /// Upserts each figure of a published set, keyed by period and figure.
    pub(crate) async fn published(&mut self, rec: &PublishedRecord) -> Result<Vec<Outcome>> {
        let (from, to) = (rec.from.to_string(), rec.to.to_string());
        let mut outcomes = Vec::with_capacity(rec.figures.len());
        for f in &rec.figures {
            let stored: Option<(i64, Option<String>)> = sqlx::query_as(
                "SELECT value, note FROM published_figures
                 WHERE period_from = $1 AND period_to = $2 AND figure = $3",
            )
            .bind(&from)
            .bind(&to)
            .bind(f.figure.as_str())
            .fetch_optional(&mut *self.tx)
            .await?;
            let outcome = match stored {
                Some((value, note)) if value == f.value && note == f.note => Outcome::Unchanged,
                Some(_) => Outcome::Updated,
                None => Outcome::Created,
            };
            if outcome != Outcome::Unchanged {
                sqlx::query(
                    "INSERT INTO published_figures (period_from, period_to, figure, value, note)
                     VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (period_from, period_to, figure)
                     DO UPDATE SET value = excluded.value, note = excluded.note",
                )
                .bind(&from)
                .bind(&to)
                .bind(f.figure.as_str())
                .bind(f.value)
                .bind(&f.note)
                .execute(&mut *self.tx)
                .await?;
            }
            outcomes.push(outcome);
        }
        Ok(outcomes)
    }

    /// Writes a training; with `keep_summary`, a training already kept keeps its summary (a
    /// file without the `summary` column says nothing of it, and must not erase it).
    /// The training as a write would leave it (with `keep_summary`, the kept summary in place
    /// of the row's), and whether the store holds it so already.
    pub(crate) async fn as_written(
        &mut self,
        rec: &TrainingRecord,
        keep_summary: bool,
    ) -> Result<(Option<TrainingRecord>, bool)> {
        let Some(&id) = self.trainings.get(&rec.code) else {
            return Ok((None, false));
        };
        let before = read_training(&mut self.tx, id).await?;
        let kept = (keep_summary && before.summary != rec.summary).then(|| TrainingRecord {
            summary: before.summary.clone(),
            ..rec.clone()
        });
        let same = before == *kept.as_ref().unwrap_or(rec);
        Ok((kept, same))
    }

    pub(crate) async fn training(
        &mut self,
        rec: &TrainingRecord,
        keep_summary: bool,
    ) -> Result<Outcome> {
        let existing = self.trainings.get(&rec.code).copied();
        let (kept, same) = self.as_written(rec, keep_summary).await?;
        let rec = kept.as_ref().unwrap_or(rec);
        if let Some(id) = existing {
            if same {
                return Ok(Outcome::Unchanged);
            }
            // The lists are written again whole, in the row's order.
            for table in [
                "training_partners",
                "training_countries",
                "training_departments",
            ] {
                sqlx::query(&format!("DELETE FROM {table} WHERE training_id = $1"))
                    .bind(id)
                    .execute(&mut *self.tx)
                    .await?;
            }
        }
        let id: i64 = crate::backend::bind_training!(
            sqlx::query_scalar(
                "INSERT INTO trainings (code, title, start_date, start_on, end_date, end_on,
             modality, venue, platform, status, requested_by, value_cents,
             participants_total, participants_male, participants_female,
             countries_reached, theme, note, summary)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
             $16, $17, $18, $19)
             ON CONFLICT (code) DO UPDATE SET title = excluded.title,
             start_date = excluded.start_date, start_on = excluded.start_on,
             end_date = excluded.end_date, end_on = excluded.end_on,
             modality = excluded.modality, venue = excluded.venue,
             platform = excluded.platform, status = excluded.status,
             requested_by = excluded.requested_by, value_cents = excluded.value_cents,
             participants_total = excluded.participants_total,
             participants_male = excluded.participants_male,
             participants_female = excluded.participants_female,
             countries_reached = excluded.countries_reached, theme = excluded.theme,
             note = excluded.note, summary = excluded.summary,
             version = trainings.version + 1
             RETURNING id",
            ),
            rec
        )
        .fetch_one(&mut *self.tx)
        .await?;
        self.trainings.insert(rec.code.clone(), id);
        self.changed.trainings([id]);
        self.write_training_links(id, rec).await?;
        Ok(if existing.is_some() {
            Outcome::Updated
        } else {
            Outcome::Created
        })
    }

    async fn write_training_links(&mut self, id: i64, rec: &TrainingRecord) -> Result<()> {
        for (role, names) in [("partner", &rec.partners), ("funder", &rec.funders)] {
            for (pos, name) in names.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO training_partners (training_id, partner_id, role, position)
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(id)
                .bind(self.partners.get(name).copied())
                .bind(role)
                .bind(pos as i64)
                .execute(&mut *self.tx)
                .await?;
            }
        }
        for (pos, code) in rec.countries.iter().enumerate() {
            sqlx::query(
                "INSERT INTO training_countries (training_id, country_code, position)
                 VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(code)
            .bind(pos as i64)
            .execute(&mut *self.tx)
            .await?;
        }
        for (pos, name) in rec.departments.iter().enumerate() {
            sqlx::query(
                "INSERT INTO training_departments (training_id, department_id, position)
                 VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(self.departments.get(name).copied())
            .bind(pos as i64)
            .execute(&mut *self.tx)
            .await?;
        }
        Ok(())
    }

    /// Whether the store holds the session so already.
    pub(crate) async fn session_unchanged(&mut self, rec: &SessionRecord) -> Result<bool> {
        let Some(&training_id) = self.trainings.get(&rec.training_code) else {
            return Ok(false);
        };
        let Some(&id) = self.sessions.get(&(training_id, rec.start)) else {
            return Ok(false);
        };
        let (end, total, note): (Option<String>, Option<i64>, Option<String>) =
            sqlx::query_as("SELECT end_date, participants_total, note FROM sessions WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *self.tx)
                .await?;
        Ok(date(end) == rec.end && count(total) == rec.participants_total && note == rec.note)
    }

    pub(crate) async fn session(&mut self, rec: &SessionRecord) -> Result<Outcome> {
        let training_id = self.trainings[&rec.training_code];
        if let Some(&id) = self.sessions.get(&(training_id, rec.start)) {
            if self.session_unchanged(rec).await? {
                return Ok(Outcome::Unchanged);
            }
            sqlx::query(
                "UPDATE sessions SET end_date = $2, end_on = $3, participants_total = $4,
                 note = $5, version = version + 1 WHERE id = $1",
            )
            .bind(id)
            .bind(text(rec.end))
            .bind(last_day(rec.end))
            .bind(rec.participants_total.map(i64::from))
            .bind(&rec.note)
            .execute(&mut *self.tx)
            .await?;
            self.changed.trainings([training_id]);
            return Ok(Outcome::Updated);
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO sessions (training_id, start_date, start_on, end_date, end_on,
             participants_total, note) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(training_id)
        .bind(rec.start.to_string())
        .bind(rec.start.first_day().to_string())
        .bind(text(rec.end))
        .bind(last_day(rec.end))
        .bind(rec.participants_total.map(i64::from))
        .bind(&rec.note)
        .fetch_one(&mut *self.tx)
        .await?;
        self.sessions.insert((training_id, rec.start), id);
        self.changed.trainings([training_id]);
        Ok(Outcome::Created)
    }
}
