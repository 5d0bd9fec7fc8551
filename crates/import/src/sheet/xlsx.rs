//! Workbooks (XLSX), read as a stream of cells with limits checked while reading: a workbook is
//! a zip of XML parts, and a hostile one can name a cell a million rows away, inflate 16 MB to
//! gigabytes, or hold millions of shared strings. Nothing here allocates by what a file claims;
//! every count and size has a limit that the error names.
//!
//! Read by hand rather than with calamine, which fills a dense grid from the first to the last
//! used cell (512 GiB for one stray cell at XFD1048576), reads parts without a size bound, and
//! cannot tell a formula without a saved result from an empty cell.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::Limits;
use crate::problem::column_letters;

/// Why a workbook cannot be read at all, or a cell in it.
#[derive(Debug)]
pub(crate) enum XlsxError {
    /// Not a workbook, or a part of it is malformed.
    Unreadable(String),
    /// Past one of the limits; the message names it.
    Limit(String),
    /// A cell that cannot be taken as it is; (row, column, reason).
    Cell(usize, usize, &'static str, String),
}

type Result<T> = std::result::Result<T, XlsxError>;

fn unreadable(what: impl std::fmt::Display) -> XlsxError {
    XlsxError::Unreadable(what.to_string())
}

/// One worksheet of the workbook.
#[derive(Debug, Clone)]
pub(crate) struct SheetEntry {
    pub name: String,
    path: String,
    /// Inflated size of its XML as the zip directory says: a cheap measure of how much data
    /// it holds, to propose the sheet that looks like data.
    pub size: u64,
}

pub(crate) struct Workbook {
    file: String,
    path: std::path::PathBuf,
    zip: zip::ZipArchive<BufReader<File>>,
    pub sheets: Vec<SheetEntry>,
    date1904: bool,
    limits: Limits,
    /// Bytes inflated so far, across parts, against `limits.max_inflated`.
    inflated: u64,
}

/// A reader of one part that refuses to inflate past what is left of the workbook's budget.
struct Budget<'a, R> {
    inner: R,
    used: &'a mut u64,
    limit: u64,
}

impl<R: Read> Read for Budget<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        *self.used += n as u64;
        if *self.used > self.limit {
            return Err(std::io::Error::other(BudgetSpent(self.limit)));
        }
        Ok(n)
    }
}

#[derive(Debug)]
struct BudgetSpent(u64);

impl std::fmt::Display for BudgetSpent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the workbook inflates to more than {} bytes (the limit): it is not read",
            self.0
        )
    }
}

impl std::error::Error for BudgetSpent {}

fn io_error(e: std::io::Error) -> XlsxError {
    match e.get_ref().and_then(|i| i.downcast_ref::<BudgetSpent>()) {
        Some(spent) => XlsxError::Limit(spent.to_string()),
        None => unreadable(e),
    }
}

fn xml_error(e: quick_xml::Error) -> XlsxError {
    match e {
        quick_xml::Error::Io(io) => {
            match io.get_ref().and_then(|i| i.downcast_ref::<BudgetSpent>()) {
                Some(spent) => XlsxError::Limit(spent.to_string()),
                None => unreadable(io),
            }
        }
        other => unreadable(format!("malformed XML: {other}")),
    }
}

impl Workbook {
    pub(crate) fn open(path: &Path, limits: &Limits) -> Result<Workbook> {
        let file = File::open(path).map_err(|e| unreadable(e.to_string()))?;
        let zip = zip::ZipArchive::new(BufReader::new(file))
            .map_err(|e| unreadable(format!("not an XLSX workbook ({e})")))?;
        if zip.len() > 10_000 {
            return Err(XlsxError::Limit(format!(
                "the workbook has {} parts, more than 10000 (the limit)",
                zip.len()
            )));
        }
        let mut wb = Workbook {
            file: path.display().to_string(),
            path: path.to_path_buf(),
            zip,
            sheets: Vec::new(),
            date1904: false,
            limits: limits.clone(),
            inflated: 0,
        };
        let rels = wb.relationships()?;
        wb.read_workbook(&rels)?;
        if wb.sheets.is_empty() {
            return Err(unreadable("it has no worksheets"));
        }
        Ok(wb)
    }

    /// The whole of a small part (workbook, relationships, styles), at most `cap` bytes.
    fn small_part(&mut self, name: &str, cap: u64) -> Result<Option<Vec<u8>>> {
        let limit = self.limits.max_inflated;
        let used = &mut self.inflated;
        let part = match self.zip.by_name(name) {
            Ok(p) => p,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(unreadable(format!("{name}: {e}"))),
        };
        let mut out = Vec::new();
        let mut capped = Budget {
            inner: part,
            used,
            limit,
        }
        .take(cap + 1);
        capped.read_to_end(&mut out).map_err(io_error)?;
        if out.len() as u64 > cap {
            return Err(XlsxError::Limit(format!(
                "the part {name} inflates to more than {cap} bytes (the limit)"
            )));
        }
        Ok(Some(out))
    }

    fn relationships(&mut self) -> Result<HashMap<String, String>> {
        let mut rels = HashMap::new();
        let Some(xml) = self.small_part("xl/_rels/workbook.xml.rels", 4 << 20)? else {
            return Ok(rels);
        };
        let mut reader = Reader::from_reader(xml.as_slice());
        let mut buf = Vec::new();
        loop {
            match reader.read_event_into(&mut buf).map_err(xml_error)? {
                Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"Relationship" => {
                    if let (Some(id), Some(target)) = (attr(&e, b"Id"), attr(&e, b"Target")) {
                        let target = match target.strip_prefix('/') {
                            Some(absolute) => absolute.to_string(),
                            None => format!("xl/{target}"),
                        };
                        rels.insert(id, target);
                    }
                }
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
        Ok(rels)
    }

    fn read_workbook(&mut self, rels: &HashMap<String, String>) -> Result<()> {
        let xml = self
            .small_part("xl/workbook.xml", 16 << 20)?
            .ok_or_else(|| unreadable("not an XLSX workbook (no xl/workbook.xml)"))?;
        let mut reader = Reader::from_reader(xml.as_slice());
        let mut buf = Vec::new();
        let mut sheets = Vec::new();
        loop {
            match reader.read_event_into(&mut buf).map_err(xml_error)? {
                Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                    b"workbookPr" => {
                        let v = attr(&e, b"date1904").unwrap_or_default();
                        self.date1904 = v == "1" || v.eq_ignore_ascii_case("true");
                    }
                    b"sheet" => {
                        let name = attr(&e, b"name").unwrap_or_default();
                        let id = e.attributes().flatten().find_map(|a| {
                            (a.key.local_name().as_ref() == b"id")
                                .then(|| String::from_utf8_lossy(&a.value).into_owned())
                        });
                        if let Some(path) = id.and_then(|id| rels.get(&id)) {
                            sheets.push((name, path.clone()));
                        }
                    }
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
        for (name, path) in sheets {
            // Chart sheets and dialogs are listed too; only worksheets hold cells.
            if let Ok(part) = self.zip.by_name(&path) {
                let size = part.size();
                drop(part);
                if path.contains("worksheets/") {
                    self.sheets.push(SheetEntry { name, path, size });
                }
            }
        }
        Ok(())
    }

    /// Which cell styles show a number as a date.
    fn date_styles(&mut self) -> Result<Vec<bool>> {
        let Some(xml) = self.small_part("xl/styles.xml", 64 << 20)? else {
            return Ok(Vec::new());
        };
        let mut reader = Reader::from_reader(xml.as_slice());
        let mut buf = Vec::new();
        let mut custom: HashMap<u32, bool> = HashMap::new();
        let mut styles = Vec::new();
        let mut in_xfs = false;
        loop {
            match reader.read_event_into(&mut buf).map_err(xml_error)? {
                Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                    b"numFmt" => {
                        if let (Some(id), Some(code)) =
                            (attr(&e, b"numFmtId"), attr(&e, b"formatCode"))
                        {
                            if let Ok(id) = id.parse() {
                                custom.insert(id, format_is_date(&code));
                            }
                        }
                    }
                    b"cellXfs" => in_xfs = true,
                    b"xf" if in_xfs => {
                        let id: u32 = attr(&e, b"numFmtId")
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(0);
                        let is_date = custom.get(&id).copied().unwrap_or(builtin_is_date(id));
                        if styles.len() >= 1_000_000 {
                            return Err(XlsxError::Limit(
                                "the workbook has more than 1000000 cell styles (the limit)"
                                    .to_string(),
                            ));
                        }
                        styles.push(is_date);
                    }
                    _ => {}
                },
                Event::End(e) if e.local_name().as_ref() == b"cellXfs" => in_xfs = false,
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
        Ok(styles)
    }

    /// The shared strings, in one buffer with their ends (a `String` each would cost more
    /// than the text), within the limits on their count and size.
    fn shared_strings(&mut self) -> Result<SharedStrings> {
        let mut strings = SharedStrings::default();
        let name = "xl/sharedStrings.xml";
        let limit = self.limits.max_inflated;
        let max_count = self.limits.max_shared_strings;
        let max_bytes = self.limits.max_shared_bytes;
        let used = &mut self.inflated;
        let part = match self.zip.by_name(name) {
            Ok(p) => p,
            Err(zip::result::ZipError::FileNotFound) => return Ok(strings),
            Err(e) => return Err(unreadable(format!("{name}: {e}"))),
        };
        let mut reader = Reader::from_reader(BufReader::new(Budget {
            inner: part,
            used,
            limit,
        }));
        let mut buf = Vec::new();
        let mut in_si = false;
        let mut in_t = false;
        // Phonetic runs (<rPh>) repeat the text for Japanese readings: not part of the value.
        let mut in_phonetic = false;
        loop {
            match reader.read_event_into(&mut buf).map_err(xml_error)? {
                Event::Start(e) => match e.local_name().as_ref() {
                    b"si" => in_si = true,
                    b"t" if in_si && !in_phonetic => in_t = true,
                    b"rPh" => in_phonetic = true,
                    _ => {}
                },
                Event::Empty(e) if e.local_name().as_ref() == b"si" => {
                    strings.finish_one(max_count)?;
                }
                Event::End(e) => match e.local_name().as_ref() {
                    b"si" => {
                        in_si = false;
                        strings.finish_one(max_count)?;
                    }
                    b"t" => in_t = false,
                    b"rPh" => in_phonetic = false,
                    _ => {}
                },
                Event::Text(t) if in_t => {
                    let text = t.xml10_content().map_err(|e| unreadable(e.to_string()))?;
                    strings.push_text(&text, max_bytes)?;
                }
                Event::CData(t) if in_t => {
                    strings.push_text(&String::from_utf8_lossy(&t), max_bytes)?;
                }
                Event::GeneralRef(r) if in_t => {
                    let text = entity(&r)?;
                    strings.push_text(&text, max_bytes)?;
                }
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
        Ok(strings)
    }

    /// The cells of a worksheet, row by row. Before any cell is parsed the sheet's XML is
    /// inflated once without parsing, which checks the workbook's inflated size cheaply and
    /// finds its merged cells (written after the cells).
    pub(crate) fn rows(mut self, index: usize) -> Result<XlsxRows> {
        let strings = self.shared_strings()?;
        let styles = self.date_styles()?;
        let path = self.sheets[index].path.clone();
        let merges = self.merged_cells(&path)?;
        let part = self
            .zip
            .by_name(&path)
            .map_err(|e| unreadable(format!("{path}: {e}")))?;
        // The part's data, read straight from the file so that the reader owns it (the zip
        // crate's reader borrows the archive).
        let method = part.compression();
        let start = part.data_start();
        let compressed = part.compressed_size();
        drop(part);
        let mut file = File::open(&self.path).map_err(|e| unreadable(e.to_string()))?;
        file.seek(SeekFrom::Start(start))
            .map_err(|e| unreadable(e.to_string()))?;
        let raw = BufReader::new(file).take(compressed);
        let data: Box<dyn Read + Send> = match method {
            zip::CompressionMethod::Stored => Box::new(raw),
            zip::CompressionMethod::Deflated => Box::new(flate2::read::DeflateDecoder::new(raw)),
            other => {
                return Err(unreadable(format!(
                    "the sheet is compressed with {other:?}, which cadre does not read"
                )))
            }
        };
        let budget = self.limits.max_inflated;
        let reader = Reader::from_reader(BufReader::with_capacity(
            64 * 1024,
            OwnedBudget {
                inner: data,
                used: 0,
                limit: budget,
            },
        ));
        Ok(XlsxRows {
            file: self.file,
            xml: reader,
            strings,
            styles,
            date1904: self.date1904,
            merges,
            merged_values: HashMap::new(),
            buf: Vec::new(),
            inner_buf: Vec::new(),
            next_row: 1,
            limits: self.limits,
            done: false,
        })
    }

    fn merged_cells(&mut self, path: &str) -> Result<Vec<Merge>> {
        let limit = self.limits.max_inflated;
        let used = &mut self.inflated;
        let part = self
            .zip
            .by_name(path)
            .map_err(|e| unreadable(format!("{path}: {e}")))?;
        let mut reader = BufReader::with_capacity(
            256 * 1024,
            Budget {
                inner: part,
                used,
                limit,
            },
        );
        const TAG: &[u8] = b"mergeCells";
        let finder = memchr::memmem::Finder::new(TAG);
        let mut tail: Vec<u8> = Vec::new();
        let mut section: Option<Vec<u8>> = None;
        loop {
            let chunk = reader.fill_buf().map_err(io_error)?;
            if chunk.is_empty() {
                break;
            }
            let n = chunk.len();
            match &mut section {
                Some(s) => {
                    s.extend_from_slice(chunk);
                    if s.len() > 64 << 20 {
                        return Err(XlsxError::Limit(
                            "the sheet's merged cells take more than 64 MiB (the limit)"
                                .to_string(),
                        ));
                    }
                }
                None => {
                    tail.extend_from_slice(chunk);
                    if let Some(at) = finder.find(&tail) {
                        section = Some(tail[at.saturating_sub(16)..].to_vec());
                    } else {
                        // Keep enough to find a tag cut across two reads.
                        let keep = tail.len().saturating_sub(TAG.len() + 16);
                        tail.drain(..keep);
                    }
                }
            }
            reader.consume(n);
        }
        let Some(section) = section else {
            return Ok(Vec::new());
        };
        let mut merges = Vec::new();
        let finder = memchr::memmem::Finder::new(b"ref=\"");
        for at in finder.find_iter(&section) {
            let rest = &section[at + 5..];
            let Some(end) = memchr::memchr(b'"', rest) else {
                continue;
            };
            let text = String::from_utf8_lossy(&rest[..end]);
            if let Some((a, b)) = text.split_once(':') {
                if let (Some(a), Some(b)) = (cell_ref(a), cell_ref(b)) {
                    if merges.len() >= 100_000 {
                        return Err(XlsxError::Limit(
                            "the sheet has more than 100000 merged ranges (the limit)".to_string(),
                        ));
                    }
                    merges.push(Merge {
                        top: a.0.min(b.0),
                        left: a.1.min(b.1),
                        bottom: a.0.max(b.0),
                        right: a.1.max(b.1),
                    });
                }
            }
        }
        Ok(merges)
    }
}

/// As [`Budget`], owning its count: the sheet's reader lives on after the workbook.
struct OwnedBudget {
    inner: Box<dyn Read + Send>,
    used: u64,
    limit: u64,
}

impl Read for OwnedBudget {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.used += n as u64;
        if self.used > self.limit {
            return Err(std::io::Error::other(BudgetSpent(self.limit)));
        }
        Ok(n)
    }
}

#[derive(Default)]
struct SharedStrings {
    text: String,
    ends: Vec<u32>,
    current_start: usize,
}

impl SharedStrings {
    fn push_text(&mut self, t: &str, max_bytes: u64) -> Result<()> {
        if (self.text.len() + t.len()) as u64 > max_bytes {
            return Err(XlsxError::Limit(format!(
                "the workbook's shared strings hold more than {max_bytes} bytes of text (the limit)"
            )));
        }
        self.text.push_str(t);
        Ok(())
    }

    fn finish_one(&mut self, max_count: usize) -> Result<()> {
        if self.ends.len() >= max_count {
            return Err(XlsxError::Limit(format!(
                "the workbook has more than {max_count} shared strings (the limit)"
            )));
        }
        self.ends.push(self.text.len() as u32);
        self.current_start = self.text.len();
        Ok(())
    }

    fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        self.text.get(start..end)
    }
}

#[derive(Debug, Clone, Copy)]
struct Merge {
    top: usize,
    left: usize,
    bottom: usize,
    right: usize,
}

/// One row as read: its number and its non-empty cells (0-based column, text).
pub(crate) type SparseRow = (usize, Vec<(usize, String)>);

pub(crate) struct XlsxRows {
    file: String,
    xml: Reader<BufReader<OwnedBudget>>,
    strings: SharedStrings,
    styles: Vec<bool>,
    date1904: bool,
    merges: Vec<Merge>,
    /// The value of each merged range whose top-left cell has been read.
    merged_values: HashMap<usize, String>,
    buf: Vec<u8>,
    inner_buf: Vec<u8>,
    next_row: usize,
    limits: Limits,
    done: bool,
}

impl XlsxRows {
    pub(crate) fn file(&self) -> &str {
        &self.file
    }

    /// The next row that has a cell (empty rows are skipped, as the sheet does not store
    /// them), or `None` at the end of the sheet.
    pub(crate) fn next_row(&mut self) -> Option<Result<SparseRow>> {
        if self.done {
            return None;
        }
        let item = self.read_row();
        if !matches!(item, Ok(Some(_))) {
            self.done = true;
        }
        item.transpose()
    }

    fn read_row(&mut self) -> Result<Option<SparseRow>> {
        loop {
            self.buf.clear();
            let event = self.xml.read_event_into(&mut self.buf).map_err(xml_error)?;
            match event {
                Event::Start(e) if e.local_name().as_ref() == b"row" => {
                    let number = row_number(&e, self.next_row)?;
                    self.next_row = number + 1;
                    let e = e.into_owned();
                    let cells = self.read_cells(number, &e)?;
                    return Ok(Some((number, self.with_merges(number, cells))));
                }
                Event::Empty(e) if e.local_name().as_ref() == b"row" => {
                    let number = row_number(&e, self.next_row)?;
                    self.next_row = number + 1;
                    let cells = self.with_merges(number, Vec::new());
                    if !cells.is_empty() {
                        return Ok(Some((number, cells)));
                    }
                }
                Event::End(e) if e.local_name().as_ref() == b"sheetData" => return Ok(None),
                Event::Eof => return Ok(None),
                _ => {}
            }
        }
    }

    /// The cells of the row just opened, up to its end tag.
    fn read_cells(&mut self, row: usize, _start: &BytesStart) -> Result<Vec<(usize, String)>> {
        let mut cells: Vec<(usize, String)> = Vec::new();
        let mut next_col = 0usize;
        loop {
            self.buf.clear();
            let event = self.xml.read_event_into(&mut self.buf).map_err(xml_error)?;
            match event {
                Event::Start(e) if e.local_name().as_ref() == b"c" => {
                    let c = e.into_owned();
                    let col = cell_column(&c, next_col, row)?;
                    next_col = col + 1;
                    let value = self.read_value(&c, row, col, false)?;
                    self.keep(&mut cells, col, value, row)?;
                }
                Event::Empty(e) if e.local_name().as_ref() == b"c" => {
                    let col = cell_column(&e, next_col, row)?;
                    next_col = col + 1;
                }
                Event::End(e) if e.local_name().as_ref() == b"row" => return Ok(cells),
                Event::Eof => return Err(unreadable("the sheet ends inside a row")),
                _ => {}
            }
        }
    }

    fn keep(
        &mut self,
        cells: &mut Vec<(usize, String)>,
        col: usize,
        value: String,
        row: usize,
    ) -> Result<()> {
        if value.is_empty() {
            return Ok(());
        }
        if value.chars().count() > self.limits.max_cell_chars {
            return Err(XlsxError::Cell(
                row,
                col,
                "cell-too-long",
                format!(
                    "the cell holds more than {} characters (the limit)",
                    self.limits.max_cell_chars
                ),
            ));
        }
        if cells.len() >= self.limits.max_columns {
            return Err(XlsxError::Limit(format!(
                "row {row} has more than {} cells (the limit)",
                self.limits.max_columns
            )));
        }
        cells.push((col, value));
        Ok(())
    }

    /// The text of the cell just opened (`c`), as a CSV export would hold it.
    fn read_value(&mut self, c: &BytesStart, row: usize, col: usize, _: bool) -> Result<String> {
        let kind = attr(c, b"t").unwrap_or_default();
        let style: usize = attr(c, b"s").and_then(|s| s.parse().ok()).unwrap_or(0);
        let mut value: Option<String> = None;
        let mut formula = false;
        let mut inline = String::new();
        let mut depth_is = false;
        let mut in_text = false;
        loop {
            self.inner_buf.clear();
            let event = self
                .xml
                .read_event_into(&mut self.inner_buf)
                .map_err(xml_error)?;
            match event {
                Event::Start(e) => match e.local_name().as_ref() {
                    b"v" => in_text = true,
                    b"f" => formula = true,
                    b"is" => depth_is = true,
                    b"t" if depth_is => in_text = true,
                    _ => {}
                },
                Event::Empty(e) if e.local_name().as_ref() == b"f" => formula = true,
                Event::Text(t) if in_text => {
                    let text = t.xml10_content().map_err(|e| unreadable(e.to_string()))?;
                    push_capped(
                        &mut value,
                        &mut inline,
                        depth_is,
                        &text,
                        &self.limits,
                        row,
                        col,
                    )?;
                }
                Event::GeneralRef(r) if in_text => {
                    let text = entity(&r)?;
                    push_capped(
                        &mut value,
                        &mut inline,
                        depth_is,
                        &text,
                        &self.limits,
                        row,
                        col,
                    )?;
                }
                Event::End(e) => match e.local_name().as_ref() {
                    b"v" => {
                        in_text = false;
                        value.get_or_insert_with(String::new);
                    }
                    b"t" => in_text = false,
                    b"is" => depth_is = false,
                    b"c" => break,
                    _ => {}
                },
                Event::Eof => return Err(unreadable("the sheet ends inside a cell")),
                _ => {}
            }
        }
        if kind == "inlineStr" {
            return Ok(inline);
        }
        let Some(v) = value else {
            if formula {
                return Err(XlsxError::Cell(
                    row,
                    col,
                    "formula-without-value",
                    "the cell holds a formula with no saved result: open the workbook in a spreadsheet program, let it calculate and save it, or paste the values".to_string(),
                ));
            }
            return Ok(String::new());
        };
        match kind.as_str() {
            "s" => {
                let i: usize = v.trim().parse().map_err(|_| {
                    XlsxError::Cell(
                        row,
                        col,
                        "bad-cell",
                        format!("shared string index \"{v}\" is not a number"),
                    )
                })?;
                self.strings.get(i).map(str::to_string).ok_or_else(|| {
                    XlsxError::Cell(
                        row,
                        col,
                        "bad-cell",
                        format!("the cell refers to shared string {i}, which the workbook does not have"),
                    )
                })
            }
            "str" => Ok(v),
            "b" => Ok(if v.trim() == "1" { "true" } else { "false" }.to_string()),
            "e" => Err(XlsxError::Cell(
                row,
                col,
                "spreadsheet-error",
                format!("the cell holds a spreadsheet error ({v})"),
            )),
            "d" => Ok(v.chars().take(10).collect()),
            _ => {
                let Ok(number) = v.trim().parse::<f64>() else {
                    return Ok(v);
                };
                if self.styles.get(style).copied().unwrap_or(false) {
                    return serial_to_date(number, self.date1904).ok_or_else(|| {
                        XlsxError::Cell(
                            row,
                            col,
                            "bad-date",
                            format!("{v} is not a date the spreadsheet can show"),
                        )
                    });
                }
                Ok(number_text(number))
            }
        }
    }

    /// Fills the cells of merged ranges with the value of their top-left cell, which is the
    /// only one the sheet stores: a country merged over five rows holds for each of them.
    fn with_merges(&mut self, row: usize, mut cells: Vec<(usize, String)>) -> Vec<(usize, String)> {
        if self.merges.is_empty() {
            return cells;
        }
        for (i, m) in self.merges.iter().enumerate() {
            if row < m.top || row > m.bottom {
                continue;
            }
            if row == m.top {
                if let Some((_, v)) = cells.iter().find(|(c, _)| *c == m.left) {
                    self.merged_values.insert(i, v.clone());
                }
            }
            let Some(v) = self.merged_values.get(&i) else {
                continue;
            };
            for col in m.left..=m.right {
                if (row, col) != (m.top, m.left) && !cells.iter().any(|(c, _)| *c == col) {
                    cells.push((col, v.clone()));
                }
            }
            if row == m.bottom {
                self.merged_values.remove(&i);
            }
        }
        cells.sort_by_key(|(c, _)| *c);
        cells
    }
}

fn push_capped(
    value: &mut Option<String>,
    inline: &mut String,
    is_inline: bool,
    text: &str,
    limits: &Limits,
    row: usize,
    col: usize,
) -> Result<()> {
    let target = if is_inline {
        inline
    } else {
        value.get_or_insert_with(String::new)
    };
    // Bytes, a bound on characters: checked here so that one huge cell is never held whole.
    if target.len() + text.len() > limits.max_cell_chars * 4 {
        return Err(XlsxError::Cell(
            row,
            col,
            "cell-too-long",
            format!(
                "the cell holds more than {} characters (the limit)",
                limits.max_cell_chars
            ),
        ));
    }
    target.push_str(text);
    Ok(())
}

fn entity(r: &quick_xml::events::BytesRef) -> Result<String> {
    if let Some(c) = r
        .resolve_char_ref()
        .map_err(|e| unreadable(e.to_string()))?
    {
        return Ok(c.to_string());
    }
    let name = r.decode().map_err(|e| unreadable(e.to_string()))?;
    quick_xml::escape::resolve_predefined_entity(&name)
        .map(str::to_string)
        .ok_or_else(|| unreadable(format!("unknown entity &{name};")))
}

fn attr(e: &BytesStart, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .map(|a| {
            let raw = String::from_utf8_lossy(&a.value);
            quick_xml::escape::unescape(&raw)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| raw.into_owned())
        })
}

fn row_number(e: &BytesStart, next: usize) -> Result<usize> {
    match attr(e, b"r") {
        None => Ok(next),
        Some(r) => match r.trim().parse::<usize>() {
            Ok(n) if (1..=1_048_576).contains(&n) => Ok(n),
            _ => Err(unreadable(format!(
                "row number \"{r}\" is not a row of a sheet"
            ))),
        },
    }
}

fn cell_column(e: &BytesStart, next: usize, row: usize) -> Result<usize> {
    match attr(e, b"r") {
        None => Ok(next),
        Some(r) => cell_ref(&r).map(|(_, c)| c).ok_or_else(|| {
            unreadable(format!(
                "row {row}: cell reference \"{r}\" is not a cell of a sheet"
            ))
        }),
    }
}

/// `C5` -> (5, 2): the 1-based row and 0-based column; `None` outside a sheet's bounds.
fn cell_ref(r: &str) -> Option<(usize, usize)> {
    let r = r.trim().trim_start_matches('$');
    let letters = r.bytes().take_while(u8::is_ascii_alphabetic).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let mut col = 0usize;
    for b in r[..letters].bytes() {
        col = col * 26 + usize::from(b.to_ascii_uppercase() - b'A') + 1;
    }
    let row: usize = r[letters..].trim_start_matches('$').parse().ok()?;
    ((1..=16_384).contains(&col) && (1..=1_048_576).contains(&row)).then(|| (row, col - 1))
}

/// The name of a cell, for messages: (5, 2) -> `C5`.
pub(crate) fn cell_name(row: usize, col: usize) -> String {
    format!("{}{row}", column_letters(col + 1))
}

/// A number as a CSV export of the sheet would hold it: whole numbers without a decimal point.
fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// Number formats 14-22, 27-36, 45-47 and 50-58 are Excel's built-in dates and times.
fn builtin_is_date(id: u32) -> bool {
    matches!(id, 14..=22 | 27..=36 | 45..=47 | 50..=58)
}

/// Whether a custom number format shows a date: it has a day, month-with-day or year part
/// outside quoted text, escapes and [colour] blocks.
fn format_is_date(code: &str) -> bool {
    let mut plain = String::new();
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                for q in chars.by_ref() {
                    if q == '"' {
                        break;
                    }
                }
            }
            '\\' | '_' | '*' => {
                chars.next();
            }
            '[' => {
                for q in chars.by_ref() {
                    if q == ']' {
                        break;
                    }
                }
            }
            _ => plain.push(c.to_ascii_lowercase()),
        }
    }
    // The first section is the one positive numbers use.
    let first = plain.split(';').next().unwrap_or("");
    first.contains('d') || first.contains('y')
}

/// A date serial as `YYYY-MM-DD`: days since 1899-12-30 in the 1900 date system (Excel for
/// Windows), since 1904-01-01 in the 1904 system (older Excel for Mac); time of day ignored.
fn serial_to_date(serial: f64, date1904: bool) -> Option<String> {
    if !serial.is_finite() || !(0.0..3_000_000.0).contains(&serial) {
        return None;
    }
    let days_from_1970 = serial.floor() as i64 - if date1904 { 24_107 } else { 25_569 };
    // The civil-from-days algorithm (proleptic Gregorian).
    let z = days_from_1970 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Some(format!("{year:04}-{month:02}-{day:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_serials_become_iso_dates_in_both_systems() {
        assert_eq!(serial_to_date(43857.0, false).unwrap(), "2020-01-27");
        assert_eq!(serial_to_date(43890.5, false).unwrap(), "2020-02-29");
        assert_eq!(serial_to_date(25569.0, false).unwrap(), "1970-01-01");
        // The same day is 1462 days fewer in the 1904 system.
        assert_eq!(
            serial_to_date(43857.0 - 1462.0, true).unwrap(),
            "2020-01-27"
        );
        assert_eq!(serial_to_date(0.0, true).unwrap(), "1904-01-01");
        assert!(serial_to_date(-1.0, false).is_none());
        assert!(serial_to_date(f64::NAN, false).is_none());
    }

    #[test]
    fn cell_references_stay_inside_a_sheet() {
        assert_eq!(cell_ref("A1"), Some((1, 0)));
        assert_eq!(cell_ref("XFD1048576"), Some((1_048_576, 16_383)));
        assert_eq!(cell_ref("XFE1"), None);
        assert_eq!(cell_ref("A1048577"), None);
        assert_eq!(cell_ref("AAAA1"), None);
        assert_eq!(cell_name(5, 2), "C5");
    }

    #[test]
    fn date_formats_are_recognised() {
        for date in [
            "dd/mm/yyyy",
            "d-mmm-yy",
            "yyyy-mm-dd",
            "[$-409]d mmmm yyyy",
            "m/d/yy h:mm",
        ] {
            assert!(format_is_date(date), "{date}");
        }
        for not in ["0.00", "#,##0", "\"day\" 0", "[Red]0", "h:mm:ss", "General"] {
            assert!(!format_is_date(not), "{not}");
        }
        assert!(builtin_is_date(14) && !builtin_is_date(2));
    }
}
