//! Mappings: how a sheet that is not in cadre's v1 columns is read. A mapping says which of the
//! sheet's headers is which cadre column (or is ignored), how a "Full name" column splits, in
//! which order its dates are typed, what its unknown values mean, and what is the same for
//! every row (the training of a sheet sent for one event). It is kept as a TOML file
//! (`MAPPING.toml`, described in docs/import-format.md) that a person can read and correct, and
//! remembered by the sheet's header signature.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use cadre_core::columns::header_key;
use cadre_core::date_order::{parse_date_in_order, DateOrder};
use cadre_core::names::NameSplit;
use cadre_core::text::fold;
use serde::Deserialize;

use crate::problem::Problem;
use crate::sheet::Row;
use crate::Kind;

/// The mapping file, as written and read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// The format of this file: 1.
    #[serde(default = "format_one")]
    pub format: u32,
    pub kind: Option<String>,
    pub sheet: Option<String>,
    pub header_row: Option<usize>,
    /// `,`, `;`, `\t` (written "tab") or `|`.
    pub delimiter: Option<String>,
    pub encoding: Option<String>,
    /// `dmy` or `mdy`, for dates typed as 05/07/2021.
    pub date_order: Option<String>,
    /// The same, column by column (`start_date = "mdy"`), over `date_order`.
    #[serde(default)]
    pub date_orders: BTreeMap<String, String>,
    /// `error` (the default) or `ignore`: cells beyond the header, or under an empty one.
    pub extra_cells: Option<String>,
    /// Sheet header -> cadre column, or `ignore`.
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    /// Sheet header of a column holding whole names -> how it splits.
    #[serde(default)]
    pub split: BTreeMap<String, String>,
    /// Cadre column -> the same value for every row (`training_code`, `session_date`).
    #[serde(default)]
    pub fixed: BTreeMap<String, String>,
    /// Cadre column -> typed value -> the value cadre knows.
    #[serde(default)]
    pub values: BTreeMap<String, BTreeMap<String, String>>,
    /// Typed department -> department: mapped, and kept as an alias for later imports.
    #[serde(default)]
    pub aliases: BTreeMap<String, String>,
}

fn format_one() -> u32 {
    1
}

/// A mapping that cannot be used, said with what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MappingError(pub String);

impl Mapping {
    pub fn parse(text: &str) -> Result<Mapping, MappingError> {
        let m: Mapping = basic_toml::from_str(text)
            .map_err(|e| MappingError(format!("not a mapping file: {e}")))?;
        if m.format != 1 {
            return Err(MappingError(format!(
                "format {} is not one this cadre reads (it reads format 1)",
                m.format
            )));
        }
        Ok(m)
    }

    pub fn date_order(&self) -> Result<Option<DateOrder>, MappingError> {
        self.date_order
            .as_deref()
            .map(|o| DateOrder::parse(o).map_err(|e| MappingError(format!("date_order: {e}"))))
            .transpose()
    }

    pub fn ignores_extra(&self) -> Result<bool, MappingError> {
        match self.extra_cells.as_deref() {
            None | Some("error") => Ok(false),
            Some("ignore") => Ok(true),
            Some(other) => Err(MappingError(format!(
                "extra_cells: \"{other}\" is neither \"error\" nor \"ignore\""
            ))),
        }
    }

    pub fn delimiter(&self) -> Result<Option<u8>, MappingError> {
        match self.delimiter.as_deref() {
            None => Ok(None),
            Some("tab" | "\t") => Ok(Some(b'\t')),
            Some(d) if d.len() == 1 && ",;|".contains(d) => Ok(Some(d.as_bytes()[0])),
            Some(other) => Err(MappingError(format!(
                "delimiter: \"{other}\" is not one of , ; tab |"
            ))),
        }
    }

    /// Whether the mapping changes anything about how the sheet's rows are read.
    pub fn is_identity(&self) -> bool {
        self.columns
            .iter()
            .all(|(h, c)| fold(h).replace(' ', "_") == *c)
            && self.split.is_empty()
            && self.fixed.is_empty()
            && self.values.is_empty()
            && self.aliases.is_empty()
            && self.date_order.is_none()
            && self.date_orders.is_empty()
    }

    /// The mapping as the file a person reads, with comments on what was guessed.
    pub fn to_toml(&self, notes: &BTreeMap<String, String>) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# cadre import mapping (docs/import-format.md, \"Mappings\")"
        );
        let _ = writeln!(out, "format = 1");
        let opt = |out: &mut String, key: &str, v: &Option<String>| {
            if let Some(v) = v {
                let _ = writeln!(out, "{key} = {}", quote(v));
            }
        };
        opt(&mut out, "kind", &self.kind);
        opt(&mut out, "sheet", &self.sheet);
        if let Some(h) = self.header_row {
            let _ = writeln!(out, "header_row = {h}");
        }
        opt(&mut out, "delimiter", &self.delimiter);
        opt(&mut out, "encoding", &self.encoding);
        if let Some(note) = notes.get("date_order") {
            let _ = writeln!(out, "# {note}");
        }
        opt(&mut out, "date_order", &self.date_order);
        opt(&mut out, "extra_cells", &self.extra_cells);
        if !self.date_orders.is_empty() {
            let _ = writeln!(out, "\n# The order of day and month, column by column.");
            let _ = writeln!(out, "[date_orders]");
            for (column, order) in &self.date_orders {
                if let Some(note) = notes.get(&format!("date_orders.{column}")) {
                    let _ = writeln!(out, "# {note}");
                }
                let _ = writeln!(out, "{column} = {}", quote(order));
            }
        }
        let _ = writeln!(
            out,
            "\n# Each header of the sheet -> a cadre column, or \"ignore\"."
        );
        let _ = writeln!(out, "[columns]");
        for (header, column) in &self.columns {
            if let Some(note) = notes.get(&format!("columns.{header}")) {
                let _ = writeln!(out, "# {note}");
            }
            let _ = writeln!(out, "{} = {}", quote(header), quote(column));
        }
        if !self.split.is_empty() {
            let _ = writeln!(
                out,
                "\n# Columns holding whole names, and how they split: \"given family\", \"family given\" or \"family, given\"."
            );
            let _ = writeln!(out, "[split]");
            for (header, rule) in &self.split {
                let _ = writeln!(out, "{} = {}", quote(header), quote(rule));
            }
        }
        if !self.fixed.is_empty() {
            let _ = writeln!(out, "\n# The same value for every row.");
            let _ = writeln!(out, "[fixed]");
            for (column, value) in &self.fixed {
                let _ = writeln!(out, "{column} = {}", quote(value));
            }
        }
        for (column, map) in &self.values {
            let _ = writeln!(
                out,
                "\n# Values of {column} that cadre does not know -> what they mean."
            );
            let _ = writeln!(out, "[values.{column}]");
            for (typed, known) in map {
                if let Some(note) = notes.get(&format!("values.{column}.{typed}")) {
                    let _ = writeln!(out, "# {note}");
                }
                let _ = writeln!(out, "{} = {}", quote(typed), quote(known));
            }
        }
        if !self.aliases.is_empty() {
            let _ = writeln!(
                out,
                "\n# Spellings of departments to keep as aliases (mapped now, known from now on)."
            );
            let _ = writeln!(out, "[aliases]");
            for (alias, department) in &self.aliases {
                let _ = writeln!(out, "{} = {}", quote(alias), quote(department));
            }
        }
        out
    }
}

/// A TOML basic string.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The signature of a sheet's header for a kind: the same headers in the same order, however
/// they are spelt in case and spacing, give the same signature, so that a mapping made once
/// is offered again for the next sheet of the same form.
pub fn header_signature(kind: Kind, headers: &[String]) -> String {
    use sha2::Digest;
    let mut hash = sha2::Sha256::new();
    hash.update(kind.as_str().as_bytes());
    for h in headers.iter().filter(|h| fold(h) != crate::REJECTS_COLUMN) {
        hash.update([0x1f]);
        hash.update(header_key(h).as_bytes());
    }
    let digest = hash.finalize();
    digest[..16].iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Columns whose dates may be typed day or month first.
pub const DATE_COLUMNS: &[&str] = &["session_date", "start_date", "end_date"];

/// One cadre column of the mapped sheet: where its text comes from.
#[derive(Debug, Clone)]
enum Source {
    Cell(usize),
    Given(usize, NameSplit),
    Family(usize, NameSplit),
    Fixed(String),
}

/// A mapping made ready for one sheet: for each cadre column, where its text comes from, and
/// what to replace on the way.
#[derive(Debug, Clone)]
pub struct Plan {
    headers: Vec<String>,
    sources: Vec<Source>,
    /// Per column of `headers`: the file's column number and header, for problems.
    origins: Vec<(Option<usize>, Option<String>)>,
    /// Per column of `headers`: typed (folded) -> known.
    values: Vec<Option<HashMap<String, String>>>,
    /// Per column of `headers`: the order of its dates, when it is a date column.
    dates: Vec<Option<DateOrder>>,
    pub aliases: Vec<(String, String)>,
}

impl Plan {
    /// Checks `mapping` against the sheet's headers and the kind's columns.
    pub fn new(
        mapping: &Mapping,
        sheet_headers: &[String],
        known: &'static [&'static str],
    ) -> Result<Plan, MappingError> {
        let order = mapping.date_order()?;
        let find = |header: &str| {
            sheet_headers
                .iter()
                .position(|h| h == header)
                .or_else(|| sheet_headers.iter().position(|h| fold(h) == fold(header)))
        };
        let known_column = |c: &str| known.iter().copied().find(|k| *k == c);
        let mut plan = Plan {
            headers: Vec::new(),
            sources: Vec::new(),
            origins: Vec::new(),
            values: Vec::new(),
            dates: Vec::new(),
            aliases: mapping
                .aliases
                .iter()
                .filter(|(_, d)| !d.trim().is_empty())
                .map(|(a, d)| (a.clone(), d.clone()))
                .collect(),
        };
        let add = |plan: &mut Plan, column: &'static str, source: Source, origin| {
            if plan.headers.iter().any(|h| h == column) {
                return Err(MappingError(format!(
                    "two sources are mapped to the column {column}"
                )));
            }
            plan.headers.push(column.to_string());
            plan.sources.push(source);
            plan.origins.push(origin);
            Ok(())
        };
        let mut mapped = vec![false; sheet_headers.len()];
        for (header, column) in &mapping.columns {
            let Some(i) = find(header) else {
                return Err(MappingError(format!(
                    "the mapping names the header \"{header}\", which the sheet does not have"
                )));
            };
            mapped[i] = true;
            if column == "ignore" {
                continue;
            }
            let Some(column) = known_column(column) else {
                return Err(MappingError(format!(
                    "\"{header}\" is mapped to \"{column}\", which is not a column of this kind: {}",
                    known.join(", ")
                )));
            };
            let origin = (Some(i + 1), Some(sheet_headers[i].clone()));
            add(&mut plan, column, Source::Cell(i), origin)?;
        }
        for (header, rule) in &mapping.split {
            let Some(i) = find(header) else {
                return Err(MappingError(format!(
                    "the mapping splits the header \"{header}\", which the sheet does not have"
                )));
            };
            mapped[i] = true;
            let rule = NameSplit::parse(rule)
                .map_err(|e| MappingError(format!("split of \"{header}\": {e}")))?;
            for (column, source) in [
                ("given_name", Source::Given(i, rule)),
                ("family_name", Source::Family(i, rule)),
            ] {
                let column = known_column(column).ok_or_else(|| {
                    MappingError(format!("this kind of file has no {column} to split into"))
                })?;
                let origin = (Some(i + 1), Some(sheet_headers[i].clone()));
                add(&mut plan, column, source, origin)?;
            }
        }
        // Headers the mapping does not name keep their meaning when they are v1 names.
        for (i, header) in sheet_headers.iter().enumerate() {
            if mapped[i] || header.trim().is_empty() || fold(header) == crate::REJECTS_COLUMN {
                continue;
            }
            match known_column(&fold(header).replace(' ', "_")) {
                Some(column) => add(&mut plan, column, Source::Cell(i), (Some(i + 1), None))?,
                None => {
                    return Err(MappingError(format!(
                        "the sheet's header \"{header}\" is not in the mapping: map it to a column or to \"ignore\""
                    )))
                }
            }
        }
        for (column, value) in &mapping.fixed {
            let Some(column) = known_column(column) else {
                return Err(MappingError(format!(
                    "fixed: \"{column}\" is not a column of this kind"
                )));
            };
            add(
                &mut plan,
                column,
                Source::Fixed(value.clone()),
                (None, None),
            )?;
        }
        for (column, map) in &mapping.values {
            let Some(at) = plan.headers.iter().position(|h| h == column) else {
                return Err(MappingError(format!(
                    "values.{column}: the sheet has no column mapped to {column}"
                )));
            };
            // A value left blank is not decided yet: its rows stay errors.
            let folded = map
                .iter()
                .filter(|(_, k)| !k.trim().is_empty())
                .map(|(t, k)| (fold(t), k.clone()))
                .collect();
            plan.values.resize(plan.headers.len(), None);
            plan.values[at] = Some(folded);
        }
        plan.values.resize(plan.headers.len(), None);
        if !plan.aliases.is_empty() {
            if let Some(at) = plan.headers.iter().position(|h| h == "department") {
                let map = plan.values[at].get_or_insert_with(HashMap::new);
                for (alias, department) in plan.aliases.iter().filter(|(_, d)| !d.trim().is_empty())
                {
                    map.entry(fold(alias)).or_insert_with(|| department.clone());
                }
            }
        }
        let mut by_column = HashMap::new();
        for (column, o) in &mapping.date_orders {
            if !DATE_COLUMNS.contains(&column.as_str()) {
                return Err(MappingError(format!(
                    "date_orders: {column} is not a date column ({})",
                    DATE_COLUMNS.join(", ")
                )));
            }
            let o = DateOrder::parse(o)
                .map_err(|e| MappingError(format!("date_orders.{column}: {e}")))?;
            by_column.insert(column.as_str(), o);
        }
        plan.dates = plan
            .headers
            .iter()
            .map(|h| {
                DATE_COLUMNS
                    .contains(&h.as_str())
                    .then(|| by_column.get(h.as_str()).copied().or(order))
                    .flatten()
            })
            .collect();
        Ok(plan)
    }

    /// The cadre columns the mapped sheet has, in order.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    pub fn origin(&self, i: usize) -> (Option<usize>, Option<String>) {
        self.origins.get(i).cloned().unwrap_or((None, None))
    }

    /// Writes the mapped row into `out` from the row as the sheet holds it.
    pub fn apply(
        &self,
        raw: &Row,
        out: &mut Row,
        file: &str,
        letters: bool,
    ) -> Result<(), Problem> {
        out.line = raw.line;
        out.progress = raw.progress;
        out.cells.clear();
        let mut buf = String::new();
        for (i, source) in self.sources.iter().enumerate() {
            let cell = |c: usize| raw.cells.get(c).unwrap_or("").trim();
            buf.clear();
            match source {
                Source::Cell(c) => buf.push_str(cell(*c)),
                Source::Fixed(v) => buf.push_str(v),
                Source::Given(c, rule) | Source::Family(c, rule) => {
                    let full = cell(*c);
                    if !full.is_empty() {
                        let Some((given, family)) = rule.split(full) else {
                            return Err(self.problem(i, raw, file, letters, "bad-name", format!(
                                "\"{full}\" does not split as \"{rule}\": correct the cell, or choose another split"
                            )));
                        };
                        buf.push_str(if matches!(source, Source::Given(..)) {
                            &given
                        } else {
                            &family
                        });
                    }
                }
            }
            if let Some(map) = &self.values[i] {
                let replaced = map_value(&buf, map);
                if let Some(r) = replaced {
                    buf = r;
                }
            }
            if let Some(order) = self.dates[i] {
                if buf.contains('/') || buf.matches('.').count() == 2 || looks_dmy_dashed(&buf) {
                    match parse_date_in_order(&buf, order) {
                        Ok(d) => buf = d.to_string(),
                        Err(e) => {
                            return Err(self.problem(
                                i,
                                raw,
                                file,
                                letters,
                                "bad-date",
                                e.to_string(),
                            ))
                        }
                    }
                }
            }
            out.cells.push_field(&buf);
        }
        Ok(())
    }

    fn problem(
        &self,
        i: usize,
        raw: &Row,
        file: &str,
        letters: bool,
        code: &'static str,
        message: String,
    ) -> Problem {
        let (column, header) = self.origin(i);
        Problem {
            column,
            header,
            letters,
            ..Problem::at(file, raw.line, code, message)
        }
    }
}

/// `05-07-2021`: a date with dashes whose year comes last (ISO dates put it first).
fn looks_dmy_dashed(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 3 && parts[2].len() == 4 && parts[0].len() <= 2
}

/// A cell's value replaced by the mapping: a whole value, or each item of a `;` list.
fn map_value(cell: &str, map: &HashMap<String, String>) -> Option<String> {
    if cell.is_empty() {
        return None;
    }
    if let Some(known) = map.get(&fold(cell)) {
        return Some(known.clone());
    }
    if !cell.contains(';') {
        return None;
    }
    let items: Vec<String> = cadre_core::text::split_list(cell)
        .map(|item| {
            map.get(&fold(item))
                .cloned()
                .unwrap_or_else(|| item.to_string())
        })
        .collect();
    Some(items.join("; "))
}

mod propose;

pub use propose::{propose_columns, Proposal};

#[cfg(test)]
mod tests;
