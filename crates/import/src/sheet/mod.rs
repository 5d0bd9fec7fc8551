//! A sheet of rows read from a CSV or XLSX file, one row at a time, so that large attendance
//! files stream instead of being held whole. Files come as people make them: a title above
//! the header, several sheets, another encoding or delimiter. The sheet finds its way through
//! those, and refuses what would lose data: a broken quote, a row wider than its header, a cell
//! under no header, or anything past the [`Limits`].

pub(crate) mod csv;
mod open;
mod options;
mod xlsx;

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use self::csv::Lines;
pub use self::csv::TextEncoding;
pub use self::options::{Layout, Limits, ReadOptions};
use self::xlsx::{XlsxError, XlsxRows};
use crate::problem::Problem;
use crate::ImportError;

/// One data row: its line in the file (header = 1) and its cells, trimmed of nothing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Row {
    pub line: usize,
    /// One buffer for the whole row (a cell each would be an allocation each, millions of
    /// times over in a large attendance file).
    pub cells: ::csv::StringRecord,
    /// How far into the file this row ends, in the sheet's progress units.
    pub progress: u64,
}

enum Source {
    Csv(::csv::Reader<Box<dyn Read + Send>>, Lines),
    Xlsx(Box<XlsxRows>),
    Rows(std::vec::IntoIter<Result<Row, Problem>>),
}

/// The header and the rows of a file.
pub struct Sheet {
    file: String,
    headers: Vec<String>,
    /// Where the header starts in the file: problems with headers name this line.
    header_line: usize,
    total: u64,
    source: Source,
    /// Rows read while looking for the header, given out before the source's.
    pending: VecDeque<Row>,
    /// Columns within the header's width whose header is empty.
    headerless: Vec<usize>,
    letters: bool,
    ignore_extra: bool,
    limits: Limits,
    rows: u64,
    done: bool,
    /// A problem met while looking for the header, given out after the rows before it.
    deferred: Option<Problem>,
    /// The file is a rejects file cadre wrote (its first column is `cadre_problems`): the
    /// `'` it put before cells that look like formulas comes off.
    rejects_file: bool,
    layout: Layout,
    /// The mapping that turns the sheet's columns into cadre's, with the sheet's own header
    /// and a buffer for its rows as they come.
    plan: Option<(crate::mapping::Plan, Vec<String>, Row)>,
}

fn read_error(path: &Path, e: std::io::Error) -> ImportError {
    ImportError::Io {
        path: path.to_path_buf(),
        source: e,
    }
}

impl Sheet {
    /// Opens a `.csv` or `.xlsx` file, finding out what it can.
    pub fn open(path: &Path) -> Result<Sheet, ImportError> {
        Sheet::open_with(path, &ReadOptions::default())
    }

    pub fn open_with(path: &Path, options: &ReadOptions) -> Result<Sheet, ImportError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        match ext.as_str() {
            "csv" | "txt" | "tsv" => {
                let file = File::open(path).map_err(|e| read_error(path, e))?;
                let total = file.metadata().map_err(|e| read_error(path, e))?.len();
                Sheet::from_csv_with(
                    &path.display().to_string(),
                    BufReader::new(file),
                    total,
                    options,
                )
            }
            "xlsx" | "xlsm" => Sheet::from_workbook(path, options),
            "xls" | "ods" | "xlsb" => Err(ImportError::Workbook {
                path: path.to_path_buf(),
                message: format!(
                    "cadre reads .xlsx workbooks and .csv files, not .{ext}: save it as .xlsx (Excel Workbook) first"
                ),
            }),
            _ => Err(ImportError::UnknownFormat {
                path: path.to_path_buf(),
            }),
        }
    }

    /// Reads CSV from any reader; `file` is the name problems will carry and `total` the size
    /// in bytes, for progress.
    pub fn from_csv(
        file: &str,
        reader: impl Read + Send + 'static,
        total: u64,
    ) -> Result<Sheet, ImportError> {
        Sheet::from_csv_with(file, reader, total, &ReadOptions::default())
    }

    pub fn file(&self) -> &str {
        &self.file
    }

    /// The header: cadre's columns once a mapping is applied, else the sheet's own.
    pub fn headers(&self) -> &[String] {
        match &self.plan {
            Some((plan, _, _)) => plan.headers(),
            None => &self.headers,
        }
    }

    /// The sheet's own header, whatever mapping is applied.
    pub fn sheet_headers(&self) -> &[String] {
        &self.headers
    }

    /// Reads the rows through a mapping from now on: [`headers`](Self::headers) become
    /// cadre's columns and each row is rebuilt in their order.
    pub fn apply(&mut self, plan: crate::mapping::Plan) {
        let own = self.headers.clone();
        self.plan = Some((plan, own, Row::default()));
    }

    pub fn header_line(&self) -> usize {
        self.header_line
    }

    /// Where the sheet's `i`-th column comes from: its number in the file, and the file's own
    /// header when a mapping renamed it.
    pub fn column_source(&self, i: usize) -> (Option<usize>, Option<String>) {
        match &self.plan {
            Some((plan, _, _)) => plan.origin(i),
            None => (Some(i + 1), None),
        }
    }

    /// What was found out about the file: its sheets, encoding, delimiter, title rows.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Whether columns are named by letters (a workbook) or numbers (a CSV).
    pub fn letters(&self) -> bool {
        self.letters
    }

    /// The size of the file in progress units (bytes of text for CSV and for the sheet's XML).
    pub fn total(&self) -> u64 {
        self.total
    }

    pub fn problem(&self, line: usize, column: Option<usize>, message: String) -> Problem {
        Problem {
            column,
            letters: self.letters,
            ..Problem::at(&self.file, line, "unreadable", message)
        }
    }

    /// The next row as the file holds it, blank rows included.
    fn next_raw(&mut self, row: &mut Row) -> Option<Result<(), Problem>> {
        if let Some(next) = self.pending.pop_front() {
            *row = next;
            return Some(Ok(()));
        }
        if let Some(p) = self.deferred.take() {
            self.done = true;
            return Some(Err(p));
        }
        if self.done {
            return None;
        }
        let item = match &mut self.source {
            Source::Rows(rows) => match rows.next()? {
                Ok(next) => {
                    *row = next;
                    Ok(())
                }
                Err(p) => Err(p),
            },
            Source::Csv(records, lines) => match records.read_record(&mut row.cells) {
                Ok(false) => return None,
                Ok(true) => {
                    let byte = row.cells.position().map_or(0, |p| p.byte());
                    row.line = lines.line_of(byte);
                    row.progress = byte;
                    Ok(())
                }
                Err(e) => {
                    // A line that is not UTF-8 is a problem of its row; the reader is past it.
                    self.done = !matches!(e.kind(), ::csv::ErrorKind::Utf8 { .. });
                    Err(csv_problem(&self.file, &e, lines))
                }
            },
            Source::Xlsx(rows) => match rows.next_row()? {
                Ok((line, cells)) => {
                    row.line = line;
                    row.progress = line as u64;
                    row.cells.clear();
                    let mut col = 0;
                    for (c, text) in &cells {
                        while col < *c {
                            row.cells.push_field("");
                            col += 1;
                        }
                        row.cells.push_field(text);
                        col += 1;
                    }
                    Ok(())
                }
                Err(e) => {
                    self.done = !matches!(e, XlsxError::Cell(..));
                    Err(match e {
                        XlsxError::Cell(r, c, code, message) => {
                            cell_problem(rows.file(), r, c, code, message)
                        }
                        XlsxError::Limit(message) => Problem::at(rows.file(), 1, "limit", message),
                        XlsxError::Unreadable(message) => {
                            Problem::at(rows.file(), 1, "unreadable", message)
                        }
                    })
                }
            },
        };
        Some(item)
    }

    /// As `next`, but into `row`, whose buffers are reused: reading a file of millions of rows
    /// then allocates nothing per row. `None` at the end of the sheet.
    pub fn next_into(&mut self, row: &mut Row) -> Option<Result<(), Problem>> {
        let Some((plan, own, mut raw)) = self.plan.take() else {
            return self.next_unmapped(row);
        };
        let item = self.next_unmapped(&mut raw);
        let item = item.map(|r| r.and_then(|()| plan.apply(&raw, row, &self.file, self.letters)));
        self.plan = Some((plan, own, raw));
        item
    }

    /// The next row as the sheet has it, checked.
    fn next_unmapped(&mut self, row: &mut Row) -> Option<Result<(), Problem>> {
        loop {
            if let Err(p) = self.next_raw(row)? {
                return Some(Err(p));
            }
            if row.cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            if self.rejects_file {
                unmark_formulas(row);
            }
            self.rows += 1;
            if self.rows > self.limits.max_rows {
                self.done = true;
                self.pending.clear();
                return Some(Err(Problem::at(
                    &self.file,
                    row.line,
                    "limit",
                    format!(
                        "the file has more than {} rows (the limit): split it",
                        self.limits.max_rows
                    ),
                )));
            }
            return Some(self.check_shape(row));
        }
    }

    /// Refuses a row with cells that no header names (an unquoted comma in a note, data in
    /// a column without a header), or a cell past the size limit: either would lose data.
    fn check_shape(&self, row: &Row) -> Result<(), Problem> {
        let width = self.headers.len();
        let max = self.limits.max_cell_chars;
        // The row's bytes bound its characters: only a long row needs its cells counted.
        if row.cells.as_slice().len() > max {
            for (i, cell) in row.cells.iter().enumerate() {
                if cell.len() > max && cell.chars().count() > max {
                    return Err(Problem {
                        column: Some(i + 1),
                        letters: self.letters,
                        ..Problem::at(
                            &self.file,
                            row.line,
                            "cell-too-long",
                            format!("the cell holds more than {max} characters (the limit)"),
                        )
                    });
                }
            }
        }
        if self.ignore_extra || (row.cells.len() <= width && self.headerless.is_empty()) {
            return Ok(());
        }
        let extra: Vec<usize> = self
            .headerless
            .iter()
            .copied()
            .chain(width..row.cells.len())
            .filter(|&i| row.cells.get(i).is_some_and(|c| !c.trim().is_empty()))
            .collect();
        let Some(&first) = extra.first() else {
            return Ok(());
        };
        let shown: Vec<String> = extra
            .iter()
            .take(5)
            .map(|&i| format!("\"{}\"", row.cells.get(i).unwrap_or("").trim()))
            .collect();
        let beyond = first >= width;
        let message = if beyond {
            format!(
                "the row has {} more cell{} than the header's {width} ({}): an unquoted delimiter in a cell? Quote the cell, or map the extra cells to be ignored",
                extra.len(),
                if extra.len() == 1 { "" } else { "s" },
                shown.join(", ")
            )
        } else {
            format!(
                "data under a column with no header ({}): name the column in the header, or map it to be ignored",
                shown.join(", ")
            )
        };
        Err(Problem {
            column: Some(first + 1),
            letters: self.letters,
            ..Problem::at(&self.file, row.line, "cell-without-header", message)
        })
    }
}

impl Iterator for Sheet {
    type Item = Result<Row, Problem>;

    /// The next row that is not blank.
    fn next(&mut self) -> Option<Self::Item> {
        let mut row = Row::default();
        self.next_into(&mut row).map(|r| r.map(|()| row))
    }
}

/// Takes off the `'` a rejects file puts before a cell that looks like a formula.
fn unmark_formulas(row: &mut Row) {
    let marked = |c: &str| {
        c.strip_prefix('\'')
            .is_some_and(|rest| rest.starts_with(['=', '+', '-', '@', '\t', '\r']))
    };
    if !row.cells.iter().any(marked) {
        return;
    }
    let cells: Vec<String> = row
        .cells
        .iter()
        .map(|c| {
            if marked(c) {
                c[1..].to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    row.cells = ::csv::StringRecord::from(cells);
}

fn headerless(headers: &[String]) -> Vec<usize> {
    headers
        .iter()
        .enumerate()
        .filter(|(_, h)| h.trim().is_empty())
        .map(|(i, _)| i)
        .collect()
}

fn cell_problem(
    file: &str,
    row: usize,
    col: usize,
    code: &'static str,
    message: String,
) -> Problem {
    Problem {
        column: Some(col + 1),
        letters: true,
        ..Problem::at(
            file,
            row,
            code,
            format!("cell {}: {message}", xlsx::cell_name(row, col)),
        )
    }
}

fn csv_problem(file: &str, e: &::csv::Error, lines: &mut Lines) -> Problem {
    if let Some(broken) = csv::broken(e) {
        return Problem::at(file, broken.line(), broken.code(), broken.to_string());
    }
    let line = e.position().map_or(0, |p| lines.line_of(p.byte()));
    match e.kind() {
        ::csv::ErrorKind::Utf8 { .. } => Problem::at(
            file,
            line,
            "not-utf8",
            "the line is not valid UTF-8 while the start of the file is: save the file as CSV UTF-8",
        ),
        _ => Problem::at(file, line, "unreadable", format!("unreadable CSV: {e}")),
    }
}

fn quoted_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests;
