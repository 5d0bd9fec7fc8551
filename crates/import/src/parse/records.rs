//! The parsers of the files that hold records one a row: departments, partners, trainings,
//! sessions, and the published figures of a period.

use std::collections::HashMap;

use cadre_core::department::department_key;
use cadre_core::text::{fold, split_list};
use cadre_core::{
    Date, DepartmentRecord, Figure, Lookups, Money, PartialDate, PartnerRecord, PublishedFigure,
    PublishedRecord, SessionRecord, TrainingRecord,
};

use super::{unknown_training, Cells, Columns};
use crate::problem::{Problem, Problems};
use crate::sheet::{Row, Sheet};

/// Reads `departments.csv`: `name,aliases`.
pub struct DepartmentParser {
    cols: Columns,
    file: String,
    names: HashMap<String, usize>,
}

impl DepartmentParser {
    pub const COLUMNS: &'static [&'static str] = cadre_core::columns::DEPARTMENTS;

    pub fn new(sheet: &Sheet) -> Result<Self, Problems> {
        Ok(DepartmentParser {
            cols: Columns::read(sheet, Self::COLUMNS, &["name"])?,
            file: sheet.file().to_string(),
            names: HashMap::new(),
        })
    }

    pub fn parse(
        &mut self,
        row: &Row,
        lookups: &mut Lookups,
    ) -> Result<DepartmentRecord, Vec<Problem>> {
        let mut c = Cells::new(&self.file, row, &self.cols);
        let name = c.required("name").to_string();
        for (field, max) in [("name", 500), ("aliases", 5000)] {
            let problem = cadre_core::validate::line(field, c.raw(field), max);
            c.rule(problem);
        }
        match self.names.get(&department_key(&name)) {
            Some(first) => c.fail(
                "name",
                "duplicate",
                format!("\"{name}\" is already on line {first}"),
            ),
            None => {
                self.names.insert(department_key(&name), row.line);
            }
        }
        let mut aliases = Vec::new();
        for alias in split_list(c.raw("aliases")) {
            match lookups.department(alias) {
                Some(other) if department_key(other) != department_key(&name) => c.fail(
                    "aliases",
                    "duplicate",
                    format!("\"{alias}\" already names the department \"{other}\""),
                ),
                _ => aliases.push(alias.to_string()),
            }
        }
        let record = c.finish(DepartmentRecord { name, aliases })?;
        lookups.add_department(&record.name);
        for alias in &record.aliases {
            lookups.add_department_alias(alias, &record.name);
        }
        Ok(record)
    }
}

/// Reads `partners.csv`: `name,short_name,parent,kind`.
pub struct PartnerParser {
    cols: Columns,
    file: String,
    seen: HashMap<String, usize>,
}

impl PartnerParser {
    pub const COLUMNS: &'static [&'static str] = cadre_core::columns::PARTNERS;

    pub fn new(sheet: &Sheet) -> Result<Self, Problems> {
        Ok(PartnerParser {
            cols: Columns::read(sheet, Self::COLUMNS, &["name"])?,
            file: sheet.file().to_string(),
            seen: HashMap::new(),
        })
    }

    /// Parses one row; the record's `parent` is as typed until [`PartnerParser::resolve_parents`].
    pub fn parse(
        &mut self,
        row: &Row,
        lookups: &mut Lookups,
    ) -> Result<PartnerRecord, Vec<Problem>> {
        let mut c = Cells::new(&self.file, row, &self.cols);
        // The record's own rules are core's (a form's and a JSON body's too); the parent may
        // come later in the file, so it is kept as typed here and resolved once all is read.
        let record = cadre_core::fields::partner(&WithoutParent(&c), lookups);
        let record = on_cells(&mut c, record);
        let name = c.raw("name").to_string();
        let short_name = c.text("short_name");
        for (field, value) in [("name", Some(&name)), ("short_name", short_name.as_ref())] {
            if let Some(v) = value.filter(|v| !v.is_empty()) {
                match self.seen.get(&fold(v)) {
                    Some(first) => c.fail(
                        field,
                        "duplicate",
                        format!("\"{v}\" is already used on line {first}"),
                    ),
                    None => {
                        self.seen.insert(fold(v), row.line);
                    }
                }
            }
        }
        let parent = c.text("parent");
        let record = c
            .finish(record.map(|r| PartnerRecord { parent, ..r }))?
            .expect("a record when there is no problem");
        lookups.add_partner(&record.name, record.short_name.as_deref());
        Ok(record)
    }

    /// Replaces each typed parent by the canonical name of the partner it names, in the store
    /// or anywhere in the file (a parent may come after its programme). Records come with the
    /// line they were read from.
    pub fn resolve_parents(
        &self,
        records: &mut [(usize, PartnerRecord)],
        lookups: &Lookups,
    ) -> Vec<Problem> {
        let (column, header) = self
            .cols
            .index
            .get("parent")
            .and_then(|&i| self.cols.sources.get(i).cloned())
            .unwrap_or((None, None));
        let problem = |line: usize, code: &'static str, message: String| Problem {
            column,
            field: Some("parent"),
            header: header.clone(),
            letters: self.cols.letters,
            ..Problem::at(&self.file, line, code, message)
        };
        let mut problems = Vec::new();
        for (line, record) in records.iter_mut() {
            let line = *line;
            let Some(typed) = record.parent.clone() else {
                continue;
            };
            match lookups.partner(&typed) {
                Some(canonical) if fold(canonical) == fold(&record.name) => problems.push(problem(
                    line,
                    "own-parent",
                    "a partner cannot be its own parent".to_string(),
                )),
                Some(canonical) => record.parent = Some(canonical.to_string()),
                None => problems.push(problem(
                    line,
                    "unknown-partner",
                    format!(
                        "unknown partner \"{typed}\": it must be in this file or already imported"
                    ),
                )),
            }
        }
        problems
    }
}

/// Reads `trainings.csv`.
pub struct TrainingParser {
    cols: Columns,
    file: String,
    codes: HashMap<String, usize>,
}

impl TrainingParser {
    pub const COLUMNS: &'static [&'static str] = cadre_core::columns::TRAININGS;

    pub fn new(sheet: &Sheet) -> Result<Self, Problems> {
        Ok(TrainingParser {
            cols: Columns::read(sheet, Self::COLUMNS, &["code", "title"])?,
            file: sheet.file().to_string(),
            codes: HashMap::new(),
        })
    }

    /// Whether the file has the column (a v1 name, or mapped to one).
    pub fn has_column(&self, column: &str) -> bool {
        self.cols.has(column)
    }

    pub fn parse(
        &mut self,
        row: &Row,
        lookups: &mut Lookups,
    ) -> Result<TrainingRecord, Vec<Problem>> {
        let mut c = Cells::new(&self.file, row, &self.cols);
        let code = c.required("code").to_string();
        match self.codes.get(&code) {
            Some(first) => c.fail(
                "code",
                "duplicate",
                format!("training {code} is already on line {first}"),
            ),
            None if !code.is_empty() => {
                self.codes.insert(code.clone(), row.line);
            }
            None => {}
        }
        // The record's own rules are core's, the same a form and a JSON body are checked
        // with; what needs the whole file (a code twice) is checked here.
        let record = cadre_core::fields::training(&RowFields(&c), lookups);
        let record = on_cells(&mut c, record);
        let record = c
            .finish(record)?
            .expect("a record when there is no problem");
        lookups.add_training(&record.code);
        Ok(record)
    }
}

/// The record core's rules made of a row, or `None` with each of their problems put on the
/// row's cells (with its column and line).
fn on_cells<T>(
    c: &mut Cells<'_>,
    record: Result<T, Vec<cadre_core::validate::FieldProblem>>,
) -> Option<T> {
    match record {
        Ok(record) => Some(record),
        Err(problems) => {
            for p in problems {
                c.fail(p.field, p.code, p.message);
            }
            None
        }
    }
}

/// A row's cells as the fields core's record rules read, by v1 column name.
struct RowFields<'a, 'b>(&'b Cells<'a>);

impl cadre_core::fields::Fields for RowFields<'_, '_> {
    fn get(&self, field: &str) -> Option<&str> {
        Some(self.0.raw(field))
    }

    /// A column's day/month order is settled by the import, for the whole column.
    fn single_dates_settle_order(&self) -> bool {
        false
    }
}

/// A partner row's cells without its parent, which the file may name before it defines it.
struct WithoutParent<'a, 'b>(&'b Cells<'a>);

impl cadre_core::fields::Fields for WithoutParent<'_, '_> {
    fn get(&self, field: &str) -> Option<&str> {
        (field != "parent").then(|| self.0.raw(field))
    }

    fn single_dates_settle_order(&self) -> bool {
        false
    }
}

/// Reads `sessions.csv`: `training_code,start_date,end_date,participants_total,note`.
pub struct SessionParser {
    cols: Columns,
    file: String,
    seen: HashMap<(String, PartialDate), usize>,
}

impl SessionParser {
    pub const COLUMNS: &'static [&'static str] = cadre_core::columns::SESSIONS;

    pub fn new(sheet: &Sheet) -> Result<Self, Problems> {
        Ok(SessionParser {
            cols: Columns::read(sheet, Self::COLUMNS, &["training_code", "start_date"])?,
            file: sheet.file().to_string(),
            seen: HashMap::new(),
        })
    }

    pub fn parse(
        &mut self,
        row: &Row,
        lookups: &mut Lookups,
    ) -> Result<SessionRecord, Vec<Problem>> {
        let mut c = Cells::new(&self.file, row, &self.cols);
        // The record's own rules are core's; a session twice in the file is checked here.
        let record = cadre_core::fields::session(&RowFields(&c), lookups).map_err(|problems| {
            let code = c.raw("training_code");
            problems
                .into_iter()
                .map(|mut p| {
                    // In a file, the way out is another file: say which.
                    if p.code == "unknown-training" {
                        p.message = unknown_training(code);
                    }
                    p
                })
                .collect::<Vec<_>>()
        });
        let record = on_cells(&mut c, record);
        if let Some(s) = &record {
            let key = (s.training_code.clone(), s.start);
            match self.seen.get(&key) {
                Some(first) => c.fail(
                    "start_date",
                    "duplicate",
                    format!(
                        "training {} already has a session starting {} on line {first}",
                        s.training_code, s.start
                    ),
                ),
                None => {
                    self.seen.insert(key, row.line);
                }
            }
        }
        let record = c
            .finish(record)?
            .expect("a record when there is no problem");
        lookups.add_session(&record.training_code, record.start);
        Ok(record)
    }
}

/// Reads a file of published figures: `figure,value,note`, with `period_from` and `period_to`
/// rows naming the period they were published for.
pub struct PublishedParser {
    cols: Columns,
    file: String,
    header_line: usize,
    from: Option<Date>,
    to: Option<Date>,
    figures: Vec<PublishedFigure>,
    seen: HashMap<String, usize>,
}

impl PublishedParser {
    pub const COLUMNS: &'static [&'static str] = cadre_core::columns::PUBLISHED;

    pub fn new(sheet: &Sheet) -> Result<Self, Problems> {
        Ok(PublishedParser {
            cols: Columns::read(sheet, Self::COLUMNS, &["figure", "value"])?,
            file: sheet.file().to_string(),
            header_line: sheet.header_line(),
            from: None,
            to: None,
            figures: Vec::new(),
            seen: HashMap::new(),
        })
    }

    pub fn parse(&mut self, row: &Row) -> Result<(), Vec<Problem>> {
        let mut c = Cells::new(&self.file, row, &self.cols);
        let name = fold(c.required("figure"));
        if name.is_empty() {
            return Err(c.problems);
        }
        if let Some(first) = self.seen.get(&name) {
            c.fail(
                "figure",
                "duplicate",
                format!("{name} is already on line {first}"),
            );
            return Err(c.problems);
        }
        self.seen.insert(name.clone(), row.line);
        if c.raw("value").is_empty() {
            c.fail("value", "required", "is required");
            return Err(c.problems);
        }
        match name.as_str() {
            "period_from" | "period_to" => {
                if let Some(d) = c.parse("value", Date::parse) {
                    if name == "period_from" {
                        self.from = Some(d);
                    } else {
                        self.to = Some(d);
                    }
                }
            }
            _ => {
                match Figure::parse(&name) {
                    Err(_) => {
                        c.fail(
                            "figure",
                            "unknown-figure",
                            format!(
                        "unknown figure \"{name}\": use period_from, period_to or one of {}",
                        Figure::ALL.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                        )
                    }
                    Ok(figure) => {
                        let value = if figure == Figure::ValueUsd {
                            c.parse("value", Money::parse_usd).map(Money::cents)
                        } else {
                            c.count("value").map(i64::from)
                        };
                        if let Some(value) = value {
                            self.figures.push(PublishedFigure {
                                figure,
                                value,
                                note: c.text("note"),
                            });
                        }
                    }
                }
            }
        }
        c.finish(())
    }

    /// The record, once every row is read: the period must be named.
    pub fn finish(self) -> Result<PublishedRecord, Vec<Problem>> {
        let missing = |what: &str| {
            Problem::at(
                &self.file,
                self.header_line,
                "missing-period",
                format!(
                    "the file has no {what} row: name the period the figures were published for"
                ),
            )
        };
        match (self.from, self.to) {
            (Some(from), Some(to)) if to < from => Err(vec![Problem::at(
                &self.file,
                self.seen
                    .get("period_to")
                    .copied()
                    .unwrap_or(self.header_line),
                "inconsistent-dates",
                format!("period_to {to} is before period_from {from}"),
            )]),
            (Some(from), Some(to)) => Ok(PublishedRecord {
                from,
                to,
                figures: self.figures,
            }),
            (None, _) => Err(vec![missing("period_from")]),
            (_, None) => Err(vec![missing("period_to")]),
        }
    }
}
