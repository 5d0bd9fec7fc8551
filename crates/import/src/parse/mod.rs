//! Row parsers, one per kind of file: each checks a row's cells and turns them into a record,
//! or reports every problem of the row with its column.

mod attendance;
mod records;

pub use attendance::AttendanceParser;
pub use records::{
    DepartmentParser, PartnerParser, PublishedParser, SessionParser, TrainingParser,
};

use std::fmt::Display;

use cadre_core::text::fold;
use cadre_core::validate::{self, FieldProblem};

use crate::problem::{Problem, Problems};
use crate::sheet::{Row, Sheet};

/// Where each known column sits in the file, and how the sheet names it.
pub(super) struct Columns {
    index: ColumnIndex,
    /// By position in the sheet's header: the column's number in the file, and the sheet's
    /// own header when it differs from the v1 name (a mapped column).
    sources: Vec<(Option<usize>, Option<String>)>,
    letters: bool,
}

/// Field name -> position in the row. A list, not a map: a file has a dozen columns and every
/// cell of every row is found through it, and comparing a few short names beats hashing one.
#[derive(Default)]
struct ColumnIndex(Vec<(&'static str, usize)>);

impl ColumnIndex {
    fn get(&self, field: &str) -> Option<&usize> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, i)| i)
    }

    fn contains_key(&self, field: &str) -> bool {
        self.get(field).is_some()
    }

    /// Adds a column; `false` if the field had one already.
    fn insert(&mut self, field: &'static str, i: usize) -> bool {
        if self.contains_key(field) {
            return false;
        }
        self.0.push((field, i));
        true
    }
}

/// What a sheet's header says when it is read without a mapping: each header that is not a
/// cadre column, with the column it looks like or the closest ones, the lists of both, and
/// how to have a mapping proposed (empty when every header is a column).
pub fn unknown_headers(sheet: &Sheet, kind: crate::Kind) -> Problems {
    match Columns::read(sheet, kind.columns(), &[]) {
        Ok(_) => Problems::default(),
        Err(problems) => problems,
    }
}

impl Columns {
    /// Whether the file has the column.
    fn has(&self, field: &str) -> bool {
        self.index.contains_key(field)
    }

    /// Matches the header against the columns of a kind of file. Names are compared without
    /// case; unknown columns are refused, since a misspelt header would silently drop data:
    /// the problem names the closest v1 columns, and a mapping says what the others mean.
    fn read(
        sheet: &Sheet,
        known: &'static [&'static str],
        required: &[&'static str],
    ) -> Result<Columns, Problems> {
        let mut problems = Problems::default();
        let mut index = ColumnIndex::default();
        let line = sheet.header_line();
        let mut sources = Vec::new();
        let header_problem = |column: Option<usize>, code: &'static str, message: String| Problem {
            column,
            letters: sheet.letters(),
            ..Problem::at(sheet.file(), line, code, message)
        };
        let mut unknown = Vec::new();
        for (i, header) in sheet.headers().iter().enumerate() {
            sources.push(sheet.column_source(i));
            let key = fold(header).replace(' ', "_");
            if key.is_empty() || key == crate::REJECTS_COLUMN {
                continue;
            }
            let column = sheet.column_source(i).0;
            match known.iter().find(|k| **k == key) {
                Some(k) => {
                    if !index.insert(k, i) {
                        problems.push(header_problem(
                            column,
                            "duplicate-column",
                            format!("column \"{header}\" appears twice"),
                        ));
                    }
                }
                None => unknown.push((column, header)),
            }
        }
        for (n, (column, header)) in unknown.iter().enumerate() {
            // In other words it may well be a cadre column ("Apellido" is family_name): say so;
            // else the v1 names it is closest to, as a misspelling would be.
            let hint = match cadre_core::columns::propose(header, known) {
                Some(meant) => format!(" (it looks like {meant})"),
                None => {
                    let closest = crate::columns::closest(header, known);
                    if closest.is_empty() {
                        String::new()
                    } else {
                        format!(" (closest: {})", closest.join(", "))
                    }
                }
            };
            // The lists are said once, with the first unknown column.
            let lists = if n == 0 {
                format!(
                    ": the columns of this file are {}; the file's headers are {}",
                    known.join(","),
                    sheet
                        .headers()
                        .iter()
                        .filter(|h| !h.trim().is_empty())
                        .map(|h| format!("\"{h}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            } else {
                String::new()
            };
            problems.push(Problem {
                advice: (n == 0).then_some(crate::Advice::MapColumns),
                ..header_problem(
                    *column,
                    "unknown-column",
                    format!("unknown column \"{header}\"{hint}{lists}"),
                )
            });
        }
        for r in required {
            if !index.contains_key(r) {
                let one_training = *r == "training_code" && known.contains(&"session_date");
                problems.push(Problem {
                    advice: one_training.then_some(crate::Advice::NameTraining),
                    ..header_problem(
                        None,
                        "missing-column",
                        format!("the header has no column \"{r}\", which is required"),
                    )
                });
            }
        }
        if problems.is_empty() {
            Ok(Columns {
                index,
                sources,
                letters: sheet.letters(),
            })
        } else {
            Err(problems)
        }
    }
}

/// The cells of one row, with the problems found in them so far.
pub(super) struct Cells<'a> {
    file: &'a str,
    row: &'a Row,
    cols: &'a Columns,
    problems: Vec<Problem>,
}

impl<'a> Cells<'a> {
    fn new(file: &'a str, row: &'a Row, cols: &'a Columns) -> Cells<'a> {
        Cells {
            file,
            row,
            cols,
            problems: Vec::new(),
        }
    }

    /// The field's column in the file, and the sheet's own header of it.
    fn source(&self, field: &str) -> (Option<usize>, Option<String>) {
        self.cols
            .index
            .get(field)
            .and_then(|&i| self.cols.sources.get(i).cloned())
            .unwrap_or((None, None))
    }

    /// The trimmed cell, or "" when blank or when the file has no such column.
    fn raw(&self, field: &str) -> &'a str {
        self.cols
            .index
            .get(field)
            .and_then(|&i| self.row.cells.get(i))
            .map_or("", |c| c.trim())
    }

    fn text(&self, field: &str) -> Option<String> {
        let raw = self.raw(field);
        (!raw.is_empty()).then(|| raw.to_string())
    }

    /// A problem of `field` in this row, of the kind `code`.
    fn fail(&mut self, field: &'static str, code: &'static str, message: impl Display) {
        let (column, header) = self.source(field);
        self.problems.push(Problem {
            column,
            field: Some(field),
            header,
            letters: self.cols.letters,
            ..Problem::at(self.file, self.row.line, code, message.to_string())
        });
    }

    fn required(&mut self, field: &'static str) -> &'a str {
        let raw = self.raw(field);
        if raw.is_empty() {
            self.fail(field, "required", "is required");
        }
        raw
    }

    /// Parses a non-blank cell; a blank cell is `None`, a bad one is a problem.
    fn parse<T, E: Display>(
        &mut self,
        field: &'static str,
        f: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        let raw = self.raw(field);
        if raw.is_empty() {
            return None;
        }
        match f(raw) {
            Ok(v) => Some(v),
            Err(e) => {
                self.fail(field, code_of(field), e);
                None
            }
        }
    }

    fn count(&mut self, field: &'static str) -> Option<u32> {
        self.parse(field, validate::parse_count)
    }

    /// A problem a core rule found in this row's fields.
    fn rule(&mut self, problem: Option<FieldProblem>) {
        if let Some(p) = problem {
            self.fail(p.field, p.code, p.message);
        }
    }

    fn finish<T>(self, value: T) -> Result<T, Vec<Problem>> {
        if self.problems.is_empty() {
            Ok(value)
        } else {
            Err(self.problems)
        }
    }
}

/// The code of a problem with a cell that could not be read as its column's type.
fn code_of(field: &str) -> &'static str {
    match field {
        f if f.ends_with("date") => "bad-date",
        "value_usd" => "bad-money",
        "country" | "requested_by" | "countries" => "unknown-country",
        "department" | "departments" => "unknown-department",
        f if f.starts_with("participants") || f == "countries_reached" || f == "value" => {
            "bad-count"
        }
        _ => "bad-value",
    }
}

pub(super) fn unknown_department(typed: &str) -> String {
    format!("unknown department \"{typed}\": use a name or alias from the list of departments")
}

pub(super) fn unknown_training(code: &str) -> String {
    format!("unknown training code \"{code}\"")
}
