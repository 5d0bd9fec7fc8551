//! A sheet of rows read from a CSV or XLSX file, one row at a time, so that large attendance
//! files stream instead of being held whole.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::problem::Problem;
use crate::{excel, ImportError};

/// One data row: its line in the file (header = 1) and its cells, trimmed of nothing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Row {
    pub line: usize,
    /// One buffer for the whole row (a cell each would be an allocation each, millions of
    /// times over in a large attendance file).
    pub cells: csv::StringRecord,
    /// How far into the file this row ends, in the sheet's progress units.
    pub progress: u64,
}

/// Counts lines by their newlines. The csv crate's own line numbers skip blank lines, and a
/// problem must name the line a person sees in their editor.
#[derive(Clone, Default)]
struct Lines {
    /// Newlines read but not yet passed: their byte offset, and whether they end an empty line.
    ahead: Arc<Mutex<VecDeque<(u64, bool)>>>,
    /// Newlines already passed.
    passed: usize,
}

impl Lines {
    /// The 1-based line on which a record starting at byte `offset` lies. The csv crate starts
    /// a record where the previous one ended (before the `\n` of a `\r\n`, and before the
    /// empty lines it skips), so those newlines are passed too. A record never starts with a
    /// newline of its own. Offsets must not go backwards.
    fn line_of(&mut self, offset: u64) -> usize {
        let mut ahead = self.ahead.lock().unwrap_or_else(|e| e.into_inner());
        while ahead
            .front()
            .is_some_and(|&(nl, empty)| nl <= offset || empty)
        {
            ahead.pop_front();
            self.passed += 1;
        }
        self.passed + 1
    }
}

struct CountingReader<R> {
    inner: R,
    offset: u64,
    /// Whether the line being read has had anything but a carriage return so far.
    line_has_content: bool,
    newlines: Arc<Mutex<VecDeque<(u64, bool)>>>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let read = &buf[..n];
        let mut newlines = self.newlines.lock().unwrap_or_else(|e| e.into_inner());
        // Found with memchr rather than byte by byte: this runs over every byte of the file.
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', read) {
            let content = self.line_has_content || read[start..end].iter().any(|&b| b != b'\r');
            newlines.push_back((self.offset + end as u64, !content));
            self.line_has_content = false;
            start = end + 1;
        }
        if read[start..].iter().any(|&b| b != b'\r') {
            self.line_has_content = true;
        }
        self.offset += n as u64;
        Ok(n)
    }
}

enum Source {
    Csv(csv::StringRecordsIntoIter<Box<dyn Read + Send>>, Lines),
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
        let mut lines = Lines::default();
        let reader: Box<dyn Read + Send> = Box::new(CountingReader {
            inner: reader,
            offset: 0,
            line_has_content: false,
            newlines: lines.ahead.clone(),
        });
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
                    let line = e.position().map_or(1, |p| lines.line_of(p.byte()));
                    return Err(ImportError::Problems(one_problem(
                        file,
                        line,
                        &csv_reason(&e),
                    )));
                }
                Some(Ok(rec)) if rec.iter().all(|c| c.trim().is_empty()) => continue,
                Some(Ok(rec)) => {
                    let line = rec.position().map_or(1, |p| lines.line_of(p.byte()));
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
            source: Source::Csv(records, lines),
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

impl Sheet {
    /// As `next`, but into `row`, whose buffers are reused: reading a file of millions of rows
    /// then allocates nothing per row. `None` at the end of the sheet.
    pub fn next_into(&mut self, row: &mut Row) -> Option<Result<(), Problem>> {
        loop {
            let failed = match &mut self.source {
                Source::Rows(rows) => match rows.next()? {
                    Ok(next) => {
                        *row = next;
                        None
                    }
                    Err(p) => return Some(Err(p)),
                },
                Source::Csv(records, lines) => {
                    match records.reader_mut().read_record(&mut row.cells) {
                        Ok(false) => return None,
                        Ok(true) => {
                            let byte = row.cells.position().map_or(0, |p| p.byte());
                            row.line = lines.line_of(byte);
                            row.progress = byte;
                            None
                        }
                        Err(e) => {
                            let line = e.position().map_or(0, |p| lines.line_of(p.byte()));
                            Some((line, csv_reason(&e)))
                        }
                    }
                }
            };
            if let Some((line, reason)) = failed {
                return Some(Err(self.problem(line, None, reason)));
            }
            if !row.cells.iter().all(|c| c.trim().is_empty()) {
                return Some(Ok(()));
            }
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
                Source::Csv(records, lines) => match records.next()? {
                    Ok(rec) => {
                        let byte = rec.position().map_or(0, |p| p.byte());
                        Ok(Row {
                            line: lines.line_of(byte),
                            cells: rec,
                            progress: byte,
                        })
                    }
                    Err(e) => {
                        let line = e.position().map_or(0, |p| lines.line_of(p.byte()));
                        Err(self.problem(line, None, csv_reason(&e)))
                    }
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

fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => {
            "the line is not valid UTF-8: save the file as CSV UTF-8".to_string()
        }
        _ => format!("unreadable CSV: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(text: &'static [u8]) -> Sheet {
        Sheet::from_csv("f.csv", text, text.len() as u64).unwrap()
    }

    #[test]
    fn lines_are_counted_as_in_the_file() {
        // A quoted cell spanning two lines, a blank line and a byte-order mark.
        let s = sheet(b"\xEF\xBB\xBFcode,note\nA,\"two\n\nlines\"\n\r\n\nB,x\r\nC,y\n");
        assert_eq!(s.headers(), ["code", "note"]);
        let rows: Vec<Row> = s.map(Result::unwrap).collect();
        assert_eq!(rows.len(), 3);
        assert_eq!((rows[0].line, &rows[0].cells[1]), (2, "two\n\nlines"));
        assert_eq!((rows[1].line, &rows[1].cells[0]), (7, "B"));
        assert_eq!((rows[2].line, &rows[2].cells[0]), (8, "C"));
    }

    /// Lines are counted the same however the file arrives: here a byte at a time, so that
    /// every line end and carriage return falls at the edge of a read.
    #[test]
    fn lines_are_counted_across_reads() {
        struct ByteByByte(&'static [u8]);
        impl Read for ByteByByte {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                match (self.0.split_first(), buf.first_mut()) {
                    (Some((&b, rest)), Some(slot)) => {
                        *slot = b;
                        self.0 = rest;
                        Ok(1)
                    }
                    _ => Ok(0),
                }
            }
        }
        let text = b"code,note\r\n\r\nA,\"x\r\n\"\r\n\r\r\n \nB,y\n\nC,z";
        let s = Sheet::from_csv("f.csv", ByteByByte(text), text.len() as u64).unwrap();
        let rows: Vec<(usize, String)> = s
            .map(Result::unwrap)
            .map(|r| (r.line, r.cells[0].to_string()))
            .collect();
        let whole: Vec<(usize, String)> = sheet(text)
            .map(Result::unwrap)
            .map(|r| (r.line, r.cells[0].to_string()))
            .collect();
        assert_eq!(rows, whole);
        assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), [3, 7, 9]);
    }

    /// Reading into one reused row gives what iterating gives: the same rows, lines and
    /// problems, blank lines skipped.
    #[test]
    fn rows_read_into_one_buffer_are_the_rows() {
        let text = b"code,title\n\nA,ok\n,\nB,caf\xE9\n\"C\",\"two\nlines\"\n";
        let iterated: Vec<_> = sheet(text).collect();
        let mut s = sheet(text);
        let mut row = Row::default();
        let mut read = Vec::new();
        while let Some(item) = s.next_into(&mut row) {
            read.push(item.map(|()| row.clone()));
        }
        assert_eq!(read, iterated);
        assert_eq!(read.len(), 3);
    }

    #[test]
    fn a_line_that_is_not_utf8_is_a_located_problem() {
        let s = sheet(b"code,title\nA,ok\nB,caf\xE9\n");
        let items: Vec<_> = s.collect();
        assert!(items[0].is_ok());
        let problem = items[1].as_ref().unwrap_err();
        assert_eq!(problem.line, 3);
        assert!(problem.message.contains("UTF-8"), "{problem}");
    }

    #[test]
    fn an_empty_file_says_it_needs_a_header() {
        match Sheet::from_csv("e.csv", &b"\n\n"[..], 2) {
            Err(ImportError::Problems(p)) => {
                assert_eq!(
                    p.to_string(),
                    "e.csv:1: the file is empty: it needs a header row"
                )
            }
            _ => panic!("an empty file must be refused"),
        }
    }

    #[test]
    fn unknown_extensions_are_refused() {
        assert!(matches!(
            Sheet::open(Path::new("notes.pdf")),
            Err(ImportError::UnknownFormat { .. })
        ));
        assert!(matches!(
            Sheet::open(Path::new("/nonexistent/x.csv")),
            Err(ImportError::Io { .. })
        ));
    }
}
