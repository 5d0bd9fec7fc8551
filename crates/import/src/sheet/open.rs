//! Opening a sheet: a CSV's encoding, delimiter and guard set up from its first bytes, a
//! workbook's sheet chosen, and the top rows read to settle the header.

use std::collections::VecDeque;
use std::io::Read;
use std::path::Path;

use super::csv::{self, Decode, Guard, Lines};
use super::options::{detect_header, propose_sheet, HEADER_SEARCH};
use super::xlsx::{Workbook, XlsxError};
use super::{
    cell_problem, headerless, quoted_list, read_error, Layout, Limits, ReadOptions, Row, Sheet,
    Source, TextEncoding,
};
use crate::problem::{Problem, Problems};
use crate::ImportError;

impl Sheet {
    pub fn from_csv_with(
        file: &str,
        mut reader: impl Read + Send + 'static,
        total: u64,
        options: &ReadOptions,
    ) -> Result<Sheet, ImportError> {
        // The first bytes say the encoding and delimiter; they are then read again.
        let mut head = Vec::with_capacity(64 * 1024);
        (&mut reader)
            .take(64 * 1024)
            .read_to_end(&mut head)
            .map_err(|e| read_error(Path::new(file), e))?;
        let (encoding, skip) = match (options.encoding, csv::bom(&head)) {
            // A byte-order mark says what the file is, whatever a mapping made for another
            // file of the same form says (a rejects file is UTF-8 with a mark).
            (_, Some((found, len))) => (found, len),
            (Some(chosen), None) => (chosen, 0),
            (None, None) => (csv::sniff_encoding(&head, head.len() < 64 * 1024), 0),
        };
        let sample = match encoding {
            TextEncoding::Utf8 => String::from_utf8_lossy(&head[skip..]).into_owned(),
            other => {
                let mut text = String::new();
                if let Ok(mut d) = Decode::new(&head[skip..], other) {
                    let _ = d.read_to_string(&mut text);
                }
                text
            }
        };
        let delimiter = options
            .delimiter
            .unwrap_or_else(|| csv::sniff_delimiter(&sample));
        let whole = std::io::Cursor::new(head).chain(reader);
        let mut whole: Box<dyn Read + Send> = Box::new(whole);
        if skip > 0 {
            let mut bom = vec![0; skip];
            whole
                .read_exact(&mut bom)
                .map_err(|e| read_error(Path::new(file), e))?;
        }
        let decoded: Box<dyn Read + Send> = match Decode::new(whole, encoding) {
            Ok(d) => Box::new(d),
            Err(plain) => plain,
        };
        let decoded: Box<dyn Read + Send> = if csv::cr_only(sample.as_bytes()) {
            Box::new(csv::CrToLf(decoded))
        } else {
            decoded
        };
        let lines = Lines::default();
        let guarded: Box<dyn Read + Send> =
            Box::new(Guard::new(decoded, delimiter, &options.limits, &lines));
        let records = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(guarded);
        let layout = Layout {
            encoding: Some(encoding),
            delimiter: Some(delimiter),
            ..Layout::default()
        };
        Sheet::start(
            file.to_string(),
            Source::Csv(records, lines),
            total,
            false,
            layout,
            options,
        )
    }

    pub(super) fn from_workbook(path: &Path, options: &ReadOptions) -> Result<Sheet, ImportError> {
        let file = path.display().to_string();
        let refuse = |e: XlsxError| match e {
            XlsxError::Unreadable(message) => ImportError::Workbook {
                path: path.to_path_buf(),
                message,
            },
            XlsxError::Limit(message) => {
                ImportError::Problems(Problems::one(Problem::at(&file, 1, "limit", message)))
            }
            XlsxError::Cell(row, col, code, message) => {
                ImportError::Problems(Problems::one(cell_problem(&file, row, col, code, message)))
            }
        };
        let workbook = Workbook::open(path, &options.limits).map_err(refuse)?;
        let names: Vec<String> = workbook.sheets.iter().map(|s| s.name.clone()).collect();
        let index = match &options.sheet {
            Some(wanted) => names
                .iter()
                .position(|n| n == wanted)
                .or_else(|| {
                    let folded = cadre_core::text::fold(wanted);
                    names
                        .iter()
                        .position(|n| cadre_core::text::fold(n) == folded)
                })
                .ok_or_else(|| ImportError::Workbook {
                    path: path.to_path_buf(),
                    message: format!(
                        "it has no sheet \"{wanted}\": its sheets are {}",
                        quoted_list(&names)
                    ),
                })?,
            None => propose_sheet(&workbook.sheets),
        };
        let total = workbook.sheets[index].size;
        let layout = Layout {
            sheets: names.clone(),
            sheet: Some(names[index].clone()),
            ..Layout::default()
        };
        let rows = workbook.rows(index).map_err(refuse)?;
        Sheet::start(
            file,
            Source::Xlsx(Box::new(rows)),
            total,
            true,
            layout,
            options,
        )
    }

    /// Sheets given as rows already read, with their header (for tests and other front ends).
    pub fn from_rows(
        file: String,
        headers: Vec<String>,
        header_line: usize,
        rows: Vec<Result<Row, Problem>>,
    ) -> Sheet {
        let total = rows.len() as u64;
        let headerless = headerless(&headers);
        Sheet {
            file,
            headers,
            header_line,
            total,
            source: Source::Rows(rows.into_iter()),
            pending: VecDeque::new(),
            headerless,
            letters: false,
            ignore_extra: false,
            limits: Limits::default(),
            rows: 0,
            done: false,
            deferred: None,
            rejects_file: false,
            plan: None,
            layout: Layout::default(),
        }
    }

    /// Reads the top of the sheet and settles its header.
    fn start(
        file: String,
        source: Source,
        total: u64,
        letters: bool,
        layout: Layout,
        options: &ReadOptions,
    ) -> Result<Sheet, ImportError> {
        let mut sheet = Sheet {
            file,
            headers: Vec::new(),
            header_line: 1,
            total,
            source,
            pending: VecDeque::new(),
            headerless: Vec::new(),
            letters,
            ignore_extra: options.ignore_extra,
            limits: options.limits.clone(),
            rows: 0,
            done: false,
            deferred: None,
            rejects_file: false,
            plan: None,
            layout,
        };
        let mut top: Vec<Row> = Vec::new();
        let mut row = Row::default();
        while top.len() < HEADER_SEARCH {
            match sheet.next_raw(&mut row) {
                None => break,
                Some(Err(p)) if top.is_empty() => {
                    return Err(ImportError::Problems(Problems::one(p)))
                }
                // Said after the rows before it, as if read in turn.
                Some(Err(p)) => {
                    sheet.deferred = Some(p);
                    break;
                }
                Some(Ok(())) if row.cells.iter().all(|c| c.trim().is_empty()) => {}
                Some(Ok(())) => {
                    if options.header_row.is_some_and(|h| row.line < h) {
                        sheet.layout.skipped_above += 1;
                        continue;
                    }
                    top.push(row.clone());
                    if options.header_row.is_some() {
                        break;
                    }
                }
            }
        }
        let what = if letters { "sheet" } else { "file" };
        if let Some(h) = options.header_row {
            if top.first().is_none_or(|r| r.line != h) {
                return Err(ImportError::Problems(Problems::one(Problem::at(
                    &sheet.file,
                    h,
                    "no-header",
                    format!("the header row was said to be {h}, and that row is blank or missing"),
                ))));
            }
        }
        if top.is_empty() {
            return Err(ImportError::Problems(Problems::one(Problem::at(
                &sheet.file,
                1,
                "empty",
                format!("the {what} is empty: it needs a header row"),
            ))));
        }
        let at = if options.header_row.is_some() {
            0
        } else {
            detect_header(&top, options.known)
        };
        sheet.layout.skipped_above += at;
        let mut rest = top.into_iter().skip(at);
        let header = rest.next().unwrap_or_default();
        sheet.header_line = header.line;
        let mut headers: Vec<String> = header.cells.iter().map(str::to_string).collect();
        if let Some(first) = headers.first_mut() {
            // Spreadsheet programs start their CSV exports with a byte-order mark.
            *first = first.trim_start_matches('\u{feff}').to_string();
        }
        while headers.last().is_some_and(|h| h.trim().is_empty()) {
            headers.pop();
        }
        if headers.len() > sheet.limits.max_columns {
            return Err(ImportError::Problems(Problems::one(Problem::at(
                &sheet.file,
                sheet.header_line,
                "limit",
                format!(
                    "the header has {} columns, more than {} (the limit)",
                    headers.len(),
                    sheet.limits.max_columns
                ),
            ))));
        }
        sheet.headerless = headerless(&headers);
        sheet.rejects_file = headers
            .first()
            .is_some_and(|h| h.trim() == crate::REJECTS_COLUMN);
        sheet.headers = headers;
        sheet.pending = rest.collect();
        Ok(sheet)
    }
}
