//! Row parsers, one per kind of file: each checks a row's cells and turns them into a record,
//! or reports every problem of the row with its column.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Display;

use cadre_core::department::department_key;
use cadre_core::text::{fold, split_list};
use cadre_core::{
    parse_completed, parse_gender, AttendanceRecord, Countries, Date, DepartmentRecord, Figure,
    Modality, Money, PartialDate, PartnerKind, PartnerRecord, PublishedFigure, PublishedRecord,
    SessionRecord, Status, TrainingRecord,
};

use crate::problem::{Problem, Problems};
use crate::sheet::{Row, Sheet};
use cadre_core::Lookups;

/// Where each known column sits in the file, and how the sheet names it.
struct Columns {
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

impl Columns {
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
        for (column, header) in &unknown {
            let closest = crate::columns::closest(header, known);
            let hint = if closest.is_empty() {
                String::new()
            } else {
                format!(" (closest: {})", closest.join(", "))
            };
            problems.push(header_problem(
                *column,
                "unknown-column",
                format!(
                    "unknown column \"{header}\"{hint}: the columns of this file are {}; the file's headers are {}. \
Map them with --mapping (see --propose-mapping)",
                    known.join(","),
                    sheet
                        .headers()
                        .iter()
                        .filter(|h| !h.trim().is_empty())
                        .map(|h| format!("\"{h}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        for r in required {
            if !index.contains_key(r) {
                let hint = if *r == "training_code" && known.contains(&"session_date") {
                    ": name the training with --training CODE for a sheet of one training"
                } else {
                    ""
                };
                problems.push(header_problem(
                    None,
                    "missing-column",
                    format!("the header has no column \"{r}\", which is required{hint}"),
                ));
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
struct Cells<'a> {
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
        self.parse(field, parse_count)
    }

    fn countries(&mut self, field: &'static str) -> Vec<String> {
        let mut codes = Vec::new();
        for typed in split_list(self.raw(field)) {
            match Countries::get().lookup(typed) {
                Ok(c) if !codes.contains(&c.code) => codes.push(c.code.clone()),
                Ok(_) => {}
                Err(e) => self.fail(field, "unknown-country", e),
            }
        }
        codes
    }

    fn finish<T>(self, value: T) -> Result<T, Vec<Problem>> {
        if self.problems.is_empty() {
            Ok(value)
        } else {
            Err(self.problems)
        }
    }
}

/// A whole number of persons or countries: `29`, `1,234`; never negative.
fn parse_count(typed: &str) -> Result<u32, String> {
    let digits = typed.replace(',', "");
    if let Some(rest) = digits.strip_prefix('-') {
        if rest.bytes().all(|b| b.is_ascii_digit()) && !rest.is_empty() {
            return Err(format!(
                "{typed} is negative: counts are whole numbers from 0"
            ));
        }
    }
    digits
        .parse::<u32>()
        .map_err(|_| format!("\"{typed}\" is not a whole number"))
}

fn check_span(cells: &mut Cells, start: Option<PartialDate>, end: Option<PartialDate>) {
    if let (Some(s), Some(e)) = (start, end) {
        if e.last_day() < s.first_day() {
            cells.fail(
                "end_date",
                "inconsistent-dates",
                format!("{e} is before the start date {s}"),
            );
        }
    }
}

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
        let name = c.required("name").to_string();
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
        let kind = c.parse("kind", PartnerKind::parse);
        let parent = c.text("parent");
        let record = c.finish(PartnerRecord {
            name,
            short_name,
            parent,
            kind,
        })?;
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
        let title = c.required("title").to_string();
        let start = c.parse("start_date", PartialDate::parse);
        let end = c.parse("end_date", PartialDate::parse);
        check_span(&mut c, start, end);
        let modality = c.parse("modality", Modality::parse);
        let status = c.parse("status", Status::parse);
        let partners_of = |c: &mut Cells, field: &'static str| {
            let mut names = Vec::new();
            for typed in split_list(c.raw(field)) {
                match lookups.partner(typed) {
                    Some(name) if !names.iter().any(|n| n == name) => names.push(name.to_string()),
                    Some(_) => {}
                    None => c.fail(
                        field,
                        "unknown-partner",
                        format!("unknown partner \"{typed}\": import it in partners.csv first"),
                    ),
                }
            }
            names
        };
        let partners = partners_of(&mut c, "partners");
        let funders = partners_of(&mut c, "funders");
        let requested_by = c.parse("requested_by", |t| {
            Countries::get().lookup(t).map(|c| c.code.clone())
        });
        let value = c.parse("value_usd", Money::parse_usd);
        let total = c.count("participants_total");
        let male = c.count("participants_male");
        let female = c.count("participants_female");
        let known = u64::from(male.unwrap_or(0)) + u64::from(female.unwrap_or(0));
        if let Some(t) = total {
            if known > u64::from(t) {
                c.fail(
                    "participants_total",
                    "inconsistent-counts",
                    format!("male and female add up to {known}, more than the total of {t}"),
                );
            }
        }
        let countries = c.countries("countries");
        let countries_reached = c.count("countries_reached");
        let mut departments = Vec::new();
        for typed in split_list(c.raw("departments")) {
            match lookups.department(typed) {
                Some(name) if !departments.iter().any(|d| d == name) => {
                    departments.push(name.to_string())
                }
                Some(_) => {}
                None => c.fail(
                    "departments",
                    "unknown-department",
                    unknown_department(typed),
                ),
            }
        }
        let record = c.finish(TrainingRecord {
            code,
            title,
            start,
            end,
            modality,
            venue: None,
            platform: None,
            status,
            partners,
            funders,
            requested_by,
            value,
            participants_total: total,
            participants_male: male,
            participants_female: female,
            countries,
            countries_reached,
            departments,
            theme: None,
            note: None,
        })?;
        let cells = Cells::new(&self.file, row, &self.cols);
        let record = TrainingRecord {
            venue: cells.text("venue"),
            platform: cells.text("platform"),
            theme: cells.text("theme"),
            note: cells.text("note"),
            ..record
        };
        lookups.add_training(&record.code);
        Ok(record)
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

fn unknown_department(typed: &str) -> String {
    format!(
        "unknown department \"{typed}\": use a name or alias from the list of departments, or add it with `cadre import departments`"
    )
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
        let code = c.required("training_code").to_string();
        if !code.is_empty() && lookups.sessions(&code).is_none() {
            c.fail("training_code", "unknown-training", unknown_training(&code));
        }
        if c.raw("start_date").is_empty() {
            c.fail("start_date", "required", "is required");
        }
        let start = c.parse("start_date", PartialDate::parse);
        let end = c.parse("end_date", PartialDate::parse);
        check_span(&mut c, start, end);
        if let Some(s) = start {
            match self.seen.get(&(code.clone(), s)) {
                Some(first) => c.fail(
                    "start_date",
                    "duplicate",
                    format!("training {code} already has a session starting {s} on line {first}"),
                ),
                None => {
                    self.seen.insert((code.clone(), s), row.line);
                }
            }
        }
        let participants_total = c.count("participants_total");
        let note = c.text("note");
        // A row without a usable start date has a problem already.
        let Some(start) = start.filter(|_| c.problems.is_empty()) else {
            return Err(c.problems);
        };
        let record = SessionRecord {
            training_code: code,
            start,
            end,
            participants_total,
            note,
        };
        lookups.add_session(&record.training_code, record.start);
        Ok(record)
    }
}

fn unknown_training(code: &str) -> String {
    format!("unknown training code \"{code}\": import it in trainings.csv first")
}

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
        let given_name = c.raw("given_name");
        let family_name = c.raw("family_name");
        let email = Some(c.raw("email")).filter(|e| !e.is_empty());
        if let Some(e) = email {
            if !looks_like_email(e) {
                c.fail(
                    "email",
                    "bad-email",
                    format!("\"{e}\" is not an e-mail address"),
                );
            }
        }
        if email.is_none() && (given_name.is_empty() || family_name.is_empty()) {
            let field = if given_name.is_empty() {
                "given_name"
            } else {
                "family_name"
            };
            c.fail(
                field,
                "identity-needed",
                "a participant needs an e-mail, or a given name and a family name",
            );
        }
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

fn looks_like_email(e: &str) -> bool {
    // Byte by byte for ASCII (nearly every address): this runs for every row of a sheet.
    let spaced = if e.is_ascii() {
        e.bytes().any(|b| matches!(b, b'\t'..=b'\r' | b' '))
    } else {
        e.contains(char::is_whitespace)
    };
    match e.split_once('@') {
        Some((local, domain)) => !local.is_empty() && domain.contains('.') && !spaced,
        None => false,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_passes_for_an_email_address() {
        for good in ["ann@example.org", "a.b+c@x.co", "añn@exämple.org"] {
            assert!(looks_like_email(good), "{good:?}");
        }
        for bad in [
            "ann lee@example.org",
            "ann@example.org\u{b}x",
            "ann\t@example.org",
            "añn\u{a0}lee@example.org",
            "ann@example",
            "@example.org",
            "ann.example.org",
            "",
        ] {
            assert!(!looks_like_email(bad), "{bad:?}");
        }
    }
}
