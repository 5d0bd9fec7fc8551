//! The attendance parser: one row per person per session attended, read into a reused record,
//! millions of times over in a large sheet.

use std::borrow::Cow;
use std::collections::HashMap;

use cadre_core::validate;
use cadre_core::{
    parse_completed, parse_gender, AttendanceRecord, Countries, Lookups, PartialDate,
};

use super::{unknown_department, unknown_training, Cells, Columns};
use crate::problem::{Problem, Problems};
use crate::sheet::{Row, Sheet};

/// Reads `attendance.csv`: one row per person per session attended.
pub struct AttendanceParser {
    cols: Columns,
    file: String,
    /// What each spelling of a country or department seen so far resolves to. A file of a
    /// million rows names a few dozen of each, and resolving one (folding, aliases) costs
    /// more than the rest of its row.
    countries: Memo,
    departments: Memo,
}

/// Typed text -> what it resolves to, or the problem with it; bounded, so that a file of
/// endless distinct mistakes cannot fill memory.
#[derive(Default)]
struct Memo(HashMap<String, Result<String, String>, foldhash::fast::FixedState>);

impl Memo {
    const MAX: usize = 10_000;

    /// What `typed` resolves to, borrowed from the memo when it is there.
    fn get(
        &mut self,
        typed: &str,
        resolve: impl FnOnce(&str) -> Result<String, String>,
    ) -> Result<Cow<'_, str>, String> {
        if !self.0.contains_key(typed) {
            let resolved = resolve(typed);
            if self.0.len() >= Self::MAX {
                return resolved.map(Cow::Owned);
            }
            self.0.insert(typed.to_string(), resolved);
        }
        match &self.0[typed] {
            Ok(known) => Ok(Cow::Borrowed(known)),
            Err(problem) => Err(problem.clone()),
        }
    }
}

/// Sets `to` to `text`, reusing its buffer.
fn put(to: &mut String, text: &str) {
    to.clear();
    to.push_str(text);
}

/// Sets `to` to `text` (`None` for blank), reusing its buffer.
fn put_some(to: &mut Option<String>, text: Option<&str>) {
    match (to.as_mut(), text) {
        (Some(buf), Some(t)) => put(buf, t),
        (None, Some(t)) => *to = Some(t.to_string()),
        (_, None) => *to = None,
    }
}

impl AttendanceParser {
    pub const COLUMNS: &'static [&'static str] = cadre_core::columns::ATTENDANCE;

    pub fn new(sheet: &Sheet) -> Result<Self, Problems> {
        Ok(AttendanceParser {
            cols: Columns::read(sheet, Self::COLUMNS, &["training_code"])?,
            file: sheet.file().to_string(),
            countries: Memo::default(),
            departments: Memo::default(),
        })
    }

    pub fn parse(
        &mut self,
        row: &Row,
        lookups: &Lookups,
    ) -> Result<AttendanceRecord, Vec<Problem>> {
        let mut rec = AttendanceRecord::default();
        self.parse_into(row, lookups, &mut rec).map(|()| rec)
    }

    /// As [`parse`](Self::parse), into a record whose text is written over from row to row,
    /// so that reading millions of rows allocates next to nothing. After problems the record
    /// holds whatever the row said.
    pub fn parse_into(
        &mut self,
        row: &Row,
        lookups: &Lookups,
        rec: &mut AttendanceRecord,
    ) -> Result<(), Vec<Problem>> {
        let mut c = Cells::new(&self.file, row, &self.cols);
        let code = c.required("training_code");
        let sessions = if code.is_empty() {
            None
        } else {
            let s = lookups.sessions(code);
            if s.is_none() {
                c.fail("training_code", "unknown-training", unknown_training(code));
            }
            s
        };
        let typed_session = c.parse("session_date", PartialDate::parse);
        let session = match (sessions, typed_session) {
            (None, _) => None,
            (Some(list), Some(date)) if list.contains(&date) => Some(date),
            (Some([]), Some(_)) => {
                c.fail(
                    "session_date", "unknown-session",
                    format!("training {code} has no sessions: leave session_date blank, or import its sessions first"),
                );
                None
            }
            (Some(list), Some(date)) => {
                c.fail(
                    "session_date",
                    "unknown-session",
                    format!(
                        "training {code} has no session starting {date}; its sessions start {}",
                        join_dates(list)
                    ),
                );
                None
            }
            (Some([]), None) => None,
            (Some([only]), None) if c.raw("session_date").is_empty() => Some(*only),
            (Some(list), None) => {
                if c.raw("session_date").is_empty() {
                    c.fail(
                        "session_date",
                        "session-needed",
                        format!(
                            "training {code} has {} sessions ({}): say which one",
                            list.len(),
                            join_dates(list)
                        ),
                    );
                }
                None
            }
        };
        for (field, max) in validate::PERSON_TEXT {
            let problem = validate::line(field, c.raw(field), max);
            c.rule(problem);
        }
        let given_name = c.raw("given_name");
        let family_name = c.raw("family_name");
        let email = Some(c.raw("email")).filter(|e| !e.is_empty());
        c.rule(validate::email(email));
        c.rule(validate::identity(given_name, family_name, email));
        let gender = c.parse("gender", parse_gender).flatten();
        let country = c.parse("country", |t| {
            self.countries.get(t, |t| {
                Countries::get()
                    .lookup(t)
                    .map(|c| c.code.clone())
                    .map_err(|e| e.to_string())
            })
        });
        let organisation = Some(c.raw("organisation")).filter(|o| !o.is_empty());
        let department = c.parse("department", |t| {
            self.departments.get(t, |t| {
                lookups
                    .department(t)
                    .map(str::to_string)
                    .ok_or_else(|| unknown_department(t))
            })
        });
        let completed = c.parse("completed", parse_completed).flatten();
        put(&mut rec.training_code, code);
        rec.session = session;
        let p = &mut rec.person;
        put(&mut p.given_name, given_name);
        put(&mut p.family_name, family_name);
        put_some(&mut p.email, email);
        p.gender = gender;
        put_some(&mut p.country, country.as_deref());
        put_some(&mut p.organisation, organisation);
        put_some(&mut p.department, department.as_deref());
        rec.completed = completed;
        c.finish(())
    }
}

fn join_dates(dates: &[PartialDate]) -> String {
    let mut sorted: Vec<String> = dates.iter().map(|d| d.to_string()).collect();
    sorted.sort();
    sorted.join(", ")
}
