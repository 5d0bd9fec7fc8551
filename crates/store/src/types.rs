//! The types the store's callers see, the same whichever database is behind it.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// What an upsert did to a record.
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
}

/// One import as the history keeps it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportRecord {
    pub id: i64,
    pub started_at: String,
    pub finished_at: String,
    pub actor: String,
    pub file_name: String,
    pub digest: String,
    pub kind: String,
    pub mapping: Option<String>,
    /// `committed`, `dry-run`, `refused` or `failed`.
    pub outcome: String,
    pub rows: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub removed: u64,
    pub rejected: u64,
    /// The problems as the import said them, one a line.
    pub problems: String,
}

/// An attendance record a roster replacement removes, as a coordinator knows it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RemovedRecord {
    pub training_code: String,
    /// The session's start date, for a training held in sessions.
    pub session: Option<String>,
    /// The person's name.
    pub person: String,
}

/// What a batch of attendance rows did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct BatchCounts {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub persons_created: u64,
}

/// What an import changes of a participant already known: one field, from what to what
/// (blank: not recorded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonChange {
    pub person_id: i64,
    /// The person as the store knew them before the import: `Given Family`.
    pub name: String,
    /// `given_name`, `family_name`, `gender`, `country`, `organisation` or `department`.
    pub field: &'static str,
    pub from: String,
    pub to: String,
}

/// A change an import would make to a participant's counted facts while they attended a
/// training of an approved period, whose figures it would change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockedChange {
    pub change: PersonChange,
    /// The first of their trainings in an approved period, by code.
    pub training_code: String,
}

/// How many participants already known an import changes, and the first of the changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonChanges {
    /// Participants whose recorded details the import changes.
    pub persons: u64,
    /// Each change, for the first [`PersonChanges::LISTED`] of those persons.
    pub list: Vec<PersonChange>,
}

impl PersonChanges {
    /// Persons whose changes are listed one by one (the rest are counted).
    pub const LISTED: usize = 1_000;
}

/// What a committed import changed of the facts a warm report engine holds, so that the
/// engine takes those and nothing else: the trainings whose record, sessions or attendees it
/// wrote and the persons whose facts it wrote. `everything` when it changed so many that
/// building the engine anew is cheaper than following them (the lists are then empty).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changed {
    /// The data version the import's commit made.
    pub version: i64,
    pub trainings: Vec<i64>,
    pub persons: Vec<i64>,
    /// Partners were written (their names and groups are held by the engine too).
    pub partners: bool,
    pub everything: bool,
}

impl Changed {
    /// Whether nothing the engine holds was changed.
    pub fn is_empty(&self) -> bool {
        !self.everything && !self.partners && self.trainings.is_empty() && self.persons.is_empty()
    }
}

/// How many records of each kind the store holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub countries: i64,
    pub departments: i64,
    pub partners: i64,
    pub trainings: i64,
    pub sessions: i64,
    pub persons: i64,
    pub attendance: i64,
}

/// A participant with what the store knows of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    pub person: cadre_core::PersonRecord,
    /// Attendance records (person x session).
    pub attendance: i64,
    /// Distinct trainings attended.
    pub trainings: i64,
}

/// Appends one table's listing to a content dump.
/// Lines are sorted here, not in SQL, since the two databases collate text differently.
pub(crate) fn list_table(
    out: &mut String,
    table: &str,
    columns: &[String],
    mut lines: Vec<String>,
) {
    lines.sort();
    out.push_str(&format!("# {table} ({})\n", columns.join(",")));
    for line in lines {
        out.push_str(&line);
        out.push('\n');
    }
}

pub(crate) use crate::specs::{Col, TableSpec, Value, RECORD_TABLES, SPECS};

/// What `cadre db copy` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyReport {
    /// Rows per table, the same on both sides.
    pub tables: Vec<(&'static str, i64)>,
}

/// A record as stored, with its id and the version a change to it must name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versioned<T> {
    pub id: i64,
    pub version: i64,
    pub record: T,
}

/// What refers to a record about to be deleted: deleting it deletes these too (attendance,
/// sessions) or leaves them without it (a training's link to a partner, a programme's parent).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Dependents {
    pub sessions: i64,
    pub attendance: i64,
    /// Trainings that name the partner (as partner or funder).
    pub trainings: i64,
    /// Programmes whose parent the partner is.
    pub programmes: i64,
}

impl Dependents {
    pub fn is_empty(&self) -> bool {
        *self == Dependents::default()
    }

    /// In words, for a message: "3 sessions and 120 attendance records".
    pub fn describe(&self) -> String {
        let parts: Vec<String> = [
            (self.sessions, "session", "sessions"),
            (self.attendance, "attendance record", "attendance records"),
            (self.trainings, "training", "trainings"),
            (self.programmes, "programme", "programmes"),
        ]
        .into_iter()
        .filter(|(n, ..)| *n > 0)
        .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
        .collect();
        match parts.len() {
            0 => "nothing".to_string(),
            1 => parts[0].clone(),
            n => format!("{} and {}", parts[..n - 1].join(", "), parts[n - 1]),
        }
    }
}

/// Who makes a single-record write, when (RFC 3339, UTC), from where, and the record before
/// and after it as JSON (empty where there is none): kept with it in the audit trail, in the
/// write's own transaction.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stamp<'a> {
    pub actor: &'a str,
    pub at: &'a str,
    pub address: &'a str,
    pub before: &'a str,
    pub after: &'a str,
    /// The audit trail's key: the store sets it (callers leave it `None`).
    pub key: Option<&'a cadre_core::audit::Key>,
}

impl<'a> Stamp<'a> {
    /// The same stamp, with the store's audit key.
    pub(crate) fn keyed<'b>(self, key: &'b cadre_core::audit::Key) -> Stamp<'b>
    where
        'a: 'b,
    {
        Stamp {
            key: Some(key),
            ..self
        }
    }

    /// The same stamp, with the record as it was written.
    pub fn after(self, after: &'a str) -> Stamp<'a> {
        Stamp { after, ..self }
    }

    /// The same stamp, with the record as it was before (a delete).
    pub fn before(self, before: &'a str) -> Stamp<'a> {
        Stamp { before, ..self }
    }

    /// The same stamp, with the record before and after.
    pub fn change(self, before: &'a str, after: &'a str) -> Stamp<'a> {
        Stamp {
            before,
            after,
            ..self
        }
    }
}

/// Which audit entries to read: each field given narrows the list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub kind: Option<String>,
    pub record_id: Option<i64>,
    pub action: Option<String>,
    /// From this time on (RFC 3339, UTC; a date alone is its first moment).
    pub from: Option<String>,
    /// Before this time.
    pub until: Option<String>,
}

/// A participant as a person's page shows them: the record, its id and version, and what they
/// attended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonAttendance {
    pub training_id: i64,
    pub code: String,
    pub title: String,
    pub start: Option<cadre_core::PartialDate>,
    /// Sessions attended (0 for a training held as one event).
    pub sessions: i64,
    pub completed: Option<bool>,
}

/// One person at one session of a training (or at the training, held as one event).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterLine {
    pub person_id: i64,
    pub given_name: String,
    pub family_name: String,
    pub gender: Option<cadre_core::Gender>,
    pub country: Option<String>,
    pub organisation: Option<String>,
    pub department: Option<String>,
    /// The session's start, `None` for a training held as one event.
    pub session: Option<cadre_core::PartialDate>,
    pub completed: Option<bool>,
}

/// An account of someone who signs in, without its password hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    /// As it was typed when the account was made (compared without case).
    pub email: String,
    pub grant: cadre_core::access::Grant,
    pub disabled: bool,
    pub created_at: String,
    pub version: i64,
}

/// A sign-in to the web application, as kept (times in Unix seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignIn {
    pub account_id: i64,
    pub created_at: i64,
    pub seen_at: i64,
}

/// An API token, as kept (its secret only as a hash, never read back; times in Unix seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub id: i64,
    pub account_id: i64,
    pub label: String,
    pub read_only: bool,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
}

/// A period's report as published: frozen when published, served to anyone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publication {
    pub slug: String,
    pub period_from: String,
    pub period_to: String,
    pub title: String,
    pub published_at: String,
    pub published_by: String,
    /// Whether its period was approved when it was published (`None`: published before this
    /// was kept).
    pub approved: Option<bool>,
}

/// A correction a partner agency proposed to a training.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    pub id: i64,
    pub training_id: i64,
    /// The training's version when it was proposed: accepted, it applies only to that one.
    pub training_version: i64,
    pub proposed_by: String,
    pub proposed_at: String,
    /// The training as proposed: its form fields, as JSON.
    pub fields: String,
    pub note: String,
    /// `pending`, `accepted` or `rejected`.
    pub status: String,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<String>,
    pub reason: String,
}

/// Where a page of persons starts: after an id (the next page), or just before one (the
/// previous page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonCursor {
    After(i64),
    Before(i64),
}
