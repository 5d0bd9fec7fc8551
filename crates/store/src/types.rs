//! The types the store's callers see, the same whichever database is behind it.

use std::fmt;

use cadre_import::Kind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// What an upsert did to a record.
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Check and count everything, then roll back.
    pub dry_run: bool,
}

/// What an import did, for its closing line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub kind: &'static str,
    pub file: String,
    pub rows: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Participants met for the first time (attendance only).
    pub persons_created: u64,
    pub dry_run: bool,
}

impl Summary {
    pub(crate) fn count(&mut self, outcome: Outcome) {
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
            "{}: {} rows read, {} created, {} updated, {} unchanged",
            self.file, self.rows, self.created, self.updated, self.unchanged
        )?;
        if self.kind == Kind::Attendance.as_str() {
            write!(f, "; {} new participants", self.persons_created)?;
        }
        if self.dry_run {
            write!(f, " (dry run: nothing written)")?;
        }
        Ok(())
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

/// The tables holding records, in an order that respects their references.
pub const TABLES: &[&str] = &[
    "countries",
    "country_groups",
    "departments",
    "department_aliases",
    "partners",
    "trainings",
    "training_partners",
    "training_countries",
    "training_departments",
    "sessions",
    "persons",
    "attendance",
    "published_figures",
];

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
