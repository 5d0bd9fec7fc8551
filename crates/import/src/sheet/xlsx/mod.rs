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

use quick_xml::events::Event;
use quick_xml::Reader;

mod budget;
mod cells;
mod values;

use self::budget::{Budget, BudgetSpent, OwnedBudget};

pub(crate) use self::cells::XlsxRows;
use self::cells::{attr, entity};
pub(crate) use self::values::cell_name;
use self::values::{builtin_is_date, cell_ref, format_is_date};

use super::Limits;

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

pub(super) type Result<T> = std::result::Result<T, XlsxError>;

pub(super) fn unreadable(what: impl std::fmt::Display) -> XlsxError {
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

fn io_error(e: std::io::Error) -> XlsxError {
    match e.get_ref().and_then(|i| i.downcast_ref::<BudgetSpent>()) {
        Some(spent) => XlsxError::Limit(spent.to_string()),
        None => unreadable(e),
    }
}

pub(super) fn xml_error(e: quick_xml::Error) -> XlsxError {
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
            run: 0,
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
            run: 0,
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
        let mut merges = self.merged_cells(&path)?;
        merges.sort_by_key(|m| m.top);
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
                run: 0,
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
            merged_filled: 0,
            next_merge: 0,
            active: Vec::new(),
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
                run: 0,
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
        // Only the <mergeCell> elements of the <mergeCells> list: data validations,
        // conditional formats and the like that follow it name ranges too (`sqref="..."`),
        // and they are not merges.
        let end = memchr::memmem::find_iter(&section, b"mergeCells>")
            .find(|&at| {
                // The closing tag: `</mergeCells>`, or `</x:mergeCells>` with a prefix.
                let open = memchr::memrchr(b'<', &section[..at]).unwrap_or(0);
                section.get(open + 1) == Some(&b'/')
            })
            .unwrap_or(section.len());
        let section = &section[..end];
        let mut merges_found: Vec<String> = Vec::new();
        for at in memchr::memmem::find_iter(section, b"mergeCell ") {
            // A <mergeCell ...> tag (or <x:mergeCell ...>): its `ref` attribute, within the tag.
            if at == 0 || !matches!(section[at - 1], b'<' | b':') {
                continue;
            }
            let tag_end = memchr::memchr(b'>', &section[at..]).map_or(section.len(), |e| at + e);
            let tag = &section[at..tag_end];
            let Some(r) = memchr::memmem::find(tag, b" ref=\"") else {
                continue;
            };
            let rest = &tag[r + 6..];
            let Some(close) = memchr::memchr(b'"', rest) else {
                continue;
            };
            merges_found.push(String::from_utf8_lossy(&rest[..close]).into_owned());
        }
        for text in merges_found {
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

#[derive(Default)]
pub(super) struct SharedStrings {
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

    pub(super) fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        self.text.get(start..end)
    }
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Merge {
    pub(super) top: usize,
    pub(super) left: usize,
    pub(super) bottom: usize,
    pub(super) right: usize,
}
