//! A sheet of rows read from a CSV or XLSX file, one row at a time, so that large attendance
//! files stream instead of being held whole.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use crate::problem::Problem;
use crate::{excel, ImportError};

/// One data row: its line in the file (header = 1) and its cells, trimmed of nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<String>,
    /// How far into the file this row ends, in the sheet's progress units.
    pub progress: u64,
}

enum Source {
    Csv(csv::StringRecordsIntoIter<Box<dyn Read + Send>>),
    Rows(std::vec::IntoIter<Result<Row, Problem>>),
}

/// The header and the rows of a file.
pub struct Sheet {
    file: String,
    headers: Vec<String>,
    /// Where the header starts in the file: problems with headers name this line.
    header_line: usize,
    /// Spreadsheet columns to the left of the table's first column.
    column_offset: usize,
    total: u64,
    source: Source,
}

impl Sheet {
    /// Opens a `.csv` or `.xlsx` file (first sheet), reading its header.
    pub fn open(path: &Path) -> Result<Sheet, ImportError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        let io = |source| ImportError::Io {
            path: path.to_path_buf(),
            source,
        };
        match ext.as_str() {
            "csv" | "txt" => {
                let file = File::open(path).map_err(io)?;
                let total = file.metadata().map_err(io)?.len();
                Sheet::from_csv(&path.display().to_string(), BufReader::new(file), total)
            }
            "xlsx" | "xlsm" | "xls" | "ods" => excel::read(path),
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
        let reader: Box<dyn Read + Send> = Box::new(reader);
        let mut records = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(reader)
            .into_records();
        let (header_line, headers) = loop {
            match records.next() {
                None => {
                    return Err(ImportError::Problems(one_problem(
                        file,
                        1,
                        "the file is empty: it needs a header row",
                    )))
                }
                Some(Err(e)) => {
                    return Err(ImportError::Problems(one_problem(
                        file,
                        csv_line(&e),
                        &csv_reason(&e),
                    )))
                }
                Some(Ok(rec)) if rec.iter().all(|c| c.trim().is_empty()) => continue,
                Some(Ok(rec)) => {
                    let line = rec.position().map_or(1, |p| p.line() as usize);
                    let mut headers: Vec<String> = rec.iter().map(str::to_string).collect();
                    if let Some(first) = headers.first_mut() {
                        // Spreadsheet programs start their CSV exports with a byte-order mark.
                        *first = first.trim_start_matches('\u{feff}').to_string();
                    }
                    break (line, headers);
                }
            }
        };
        Ok(Sheet {
            file: file.to_string(),
            headers,
            header_line,
            column_offset: 0,
            total,
            source: Source::Csv(records),
        })
    }

    pub(crate) fn from_rows(
        file: String,
        headers: Vec<String>,
        header_line: usize,
        column_offset: usize,
        rows: Vec<Result<Row, Problem>>,
    ) -> Sheet {
        Sheet {
            file,
            headers,
            header_line,
            column_offset,
            total: rows.len() as u64,
            source: Source::Rows(rows.into_iter()),
        }
    }

    pub fn file(&self) -> &str {
        &self.file
    }

    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    pub fn header_line(&self) -> usize {
        self.header_line
    }

    pub fn column_offset(&self) -> usize {
        self.column_offset
    }

    /// The size of the file in progress units (bytes for CSV, rows for workbooks).
    pub fn total(&self) -> u64 {
        self.total
    }

    pub fn problem(&self, line: usize, column: Option<usize>, message: String) -> Problem {
        Problem {
            file: self.file.clone(),
            line,
            column,
            message,
        }
    }
}

impl Iterator for Sheet {
    type Item = Result<Row, Problem>;

    /// The next row that is not blank.
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let item = match &mut self.source {
                Source::Rows(rows) => rows.next()?,
                Source::Csv(records) => match records.next()? {
                    Ok(rec) => {
                        let pos = rec.position();
                        Ok(Row {
                            line: pos.map_or(0, |p| p.line() as usize),
                            cells: rec.iter().map(str::to_string).collect(),
                            progress: pos.map_or(0, |p| p.byte()),
                        })
                    }
                    Err(e) => Err(self.problem(csv_line(&e), None, csv_reason(&e))),
                },
            };
            match &item {
                Ok(row) if row.cells.iter().all(|c| c.trim().is_empty()) => continue,
                _ => return Some(item),
            }
        }
    }
}

fn one_problem(file: &str, line: usize, message: &str) -> crate::Problems {
    let mut problems = crate::Problems::default();
    problems.push(Problem {
        file: file.to_string(),
        line,
        column: None,
        message: message.to_string(),
    });
    problems
}

fn csv_line(e: &csv::Error) -> usize {
    e.position().map_or(0, |p| p.line() as usize)
}

fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => {
            "the line is not valid UTF-8: save the file as CSV UTF-8".to_string()
        }
        _ => format!("unreadable CSV: {e}"),
    }
}
