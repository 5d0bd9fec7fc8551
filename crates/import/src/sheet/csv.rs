//! CSV as it comes: its encoding (UTF-8 with or without a byte-order mark, UTF-16 from Excel's
//! "Unicode text", else Windows-1252) and its delimiter (comma, semicolon, tab or bar) are
//! worked out from the first bytes, and every byte then passes a guard that counts lines,
//! follows the quoting and bounds the length of a row, so that a broken quote is refused where
//! it opens instead of swallowing the rest of the file into one cell.

use std::collections::VecDeque;
use std::io::{self, Read};
use std::sync::{Arc, Mutex};

use super::Limits;

/// How a CSV file's text is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Windows1252,
    Utf16Le,
    Utf16Be,
}

impl TextEncoding {
    pub fn parse(typed: &str) -> Option<TextEncoding> {
        match typed.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "utf-8" | "utf8" => Some(TextEncoding::Utf8),
            "windows-1252" | "cp1252" | "latin-1" | "latin1" | "iso-8859-1" => {
                Some(TextEncoding::Windows1252)
            }
            "utf-16le" | "utf-16" => Some(TextEncoding::Utf16Le),
            "utf-16be" => Some(TextEncoding::Utf16Be),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Windows1252 => "windows-1252",
            TextEncoding::Utf16Le => "utf-16le",
            TextEncoding::Utf16Be => "utf-16be",
        }
    }

    fn decoder(self) -> Option<encoding_rs::Decoder> {
        let encoding = match self {
            TextEncoding::Utf8 => return None,
            TextEncoding::Windows1252 => encoding_rs::WINDOWS_1252,
            TextEncoding::Utf16Le => encoding_rs::UTF_16LE,
            TextEncoding::Utf16Be => encoding_rs::UTF_16BE,
        };
        Some(encoding.new_decoder_without_bom_handling())
    }
}

/// The byte-order mark at the start of `head`, if any: its encoding and length.
pub(crate) fn bom(head: &[u8]) -> Option<(TextEncoding, usize)> {
    match head {
        [0xEF, 0xBB, 0xBF, ..] => Some((TextEncoding::Utf8, 3)),
        [0xFF, 0xFE, ..] => Some((TextEncoding::Utf16Le, 2)),
        [0xFE, 0xFF, ..] => Some((TextEncoding::Utf16Be, 2)),
        _ => None,
    }
}

/// The encoding of a file without a byte-order mark, from its first bytes: UTF-8 when they are
/// valid UTF-8 (a character cut at the end of the sample is fine), else Windows-1252, the
/// encoding of older Excel's "CSV" on Windows. A sample with real UTF-8 characters as well as
/// invalid bytes is a UTF-8 file with a fault, which is then reported at its line.
/// `whole` says the sample is the whole file, so nothing of it was cut.
pub(crate) fn sniff_encoding(head: &[u8], whole: bool) -> TextEncoding {
    match std::str::from_utf8(head) {
        Ok(_) => TextEncoding::Utf8,
        Err(e) if e.error_len().is_none() && !whole => TextEncoding::Utf8,
        Err(_) => {
            let text = String::from_utf8_lossy(head);
            if text
                .chars()
                .any(|c| !c.is_ascii() && c != char::REPLACEMENT_CHARACTER)
            {
                TextEncoding::Utf8
            } else {
                TextEncoding::Windows1252
            }
        }
    }
}

/// The delimiter of a CSV, from the first lines of its text: the candidate that splits the
/// most lines into the same number of cells (title rows above the header do not agree, data
/// rows do); a comma when nothing tells.
pub(crate) fn sniff_delimiter(text: &str) -> u8 {
    const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
    let lines: Vec<&str> = text
        .split('\n')
        .take(60)
        .filter(|l| !l.trim().is_empty())
        .collect();
    // The last line of a sample may be cut short.
    let lines = &lines[..lines.len().saturating_sub(1).max(1.min(lines.len()))];
    let mut best = (b',', 0usize, 0usize);
    for d in CANDIDATES {
        let counts: Vec<usize> = lines.iter().map(|l| count_outside_quotes(l, d)).collect();
        let mut modes: Vec<(usize, usize)> = Vec::new();
        for &c in counts.iter().filter(|&&c| c > 0) {
            match modes.iter_mut().find(|(n, _)| *n == c) {
                Some((_, k)) => *k += 1,
                None => modes.push((c, 1)),
            }
        }
        if let Some(&(cells, agreeing)) = modes.iter().max_by_key(|(n, k)| (*k, *n)) {
            if (agreeing, cells) > (best.1, best.2) {
                best = (d, agreeing, cells);
            }
        }
    }
    best.0
}

fn count_outside_quotes(line: &str, d: u8) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for b in line.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if b == d && !quoted {
            n += 1;
        }
    }
    n
}

/// Turns another encoding into UTF-8 as it is read.
pub(crate) struct Decode<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    raw: Box<[u8]>,
    start: usize,
    end: usize,
    eof: bool,
    /// The decoder has been told the input ended; it must not be called again (the csv
    /// reader asks once more after a last line without a line end).
    finished: bool,
}

impl<R: Read> Decode<R> {
    pub(crate) fn new(inner: R, encoding: TextEncoding) -> Result<Decode<R>, R> {
        match encoding.decoder() {
            None => Err(inner),
            Some(decoder) => Ok(Decode {
                inner,
                decoder,
                raw: vec![0; 64 * 1024].into_boxed_slice(),
                start: 0,
                end: 0,
                eof: false,
                finished: false,
            }),
        }
    }
}

impl<R: Read> Read for Decode<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.len() < 4 {
            // One character of UTF-8 needs up to four bytes; the csv crate reads in 8 KiB.
            return Err(io::Error::other("read buffer too small to decode into"));
        }
        if self.finished {
            return Ok(0);
        }
        loop {
            if self.start == self.end && !self.eof {
                self.start = 0;
                self.end = self.inner.read(&mut self.raw)?;
                self.eof = self.end == 0;
            }
            let (result, read, written, _) =
                self.decoder
                    .decode_to_utf8(&self.raw[self.start..self.end], buf, self.eof);
            self.start += read;
            if self.eof && result == encoding_rs::CoderResult::InputEmpty {
                self.finished = true;
            }
            if written > 0 || (self.eof && self.start == self.end) {
                return Ok(written);
            }
        }
    }
}

/// Whether a file's lines end with a carriage return alone (Excel for Mac before 2011): its
/// first bytes hold carriage returns and no line feed.
pub(crate) fn cr_only(head: &[u8]) -> bool {
    memchr::memchr(b'\r', head).is_some() && memchr::memchr(b'\n', head).is_none()
}

/// Turns every carriage return into a line feed, for a file whose lines end with carriage
/// returns alone: lines are then counted, and rows bounded, as in any other file.
pub(crate) struct CrToLf<R>(pub(crate) R);

impl<R: Read> Read for CrToLf<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.0.read(buf)?;
        for b in &mut buf[..n] {
            if *b == b'\r' {
                *b = b'\n';
            }
        }
        Ok(n)
    }
}

/// Why the guard stopped reading; carried through the csv crate as an I/O error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Broken {
    /// A quote opened on this line is never closed.
    UnclosedQuote { line: usize },
    /// A row that starts on this line is longer than the limit.
    RowTooLong { line: usize, limit: usize },
}

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Broken::UnclosedQuote { .. } => write!(
                f,
                "a quote opened on this line is never closed, so the rest of the file would be one cell: close the quote, or remove it"
            ),
            Broken::RowTooLong { limit, .. } => write!(
                f,
                "the row starting on this line is longer than {limit} bytes (the limit of one row): is a quote left open?"
            ),
        }
    }
}

impl std::error::Error for Broken {}

impl Broken {
    pub(crate) fn line(&self) -> usize {
        match self {
            Broken::UnclosedQuote { line } | Broken::RowTooLong { line, .. } => *line,
        }
    }

    pub(crate) fn code(&self) -> &'static str {
        match self {
            Broken::UnclosedQuote { .. } => "unclosed-quote",
            Broken::RowTooLong { .. } => "row-too-long",
        }
    }
}

/// Counts lines by their newlines. The csv crate's own line numbers skip blank lines, and a
/// problem must name the line a person sees in their editor.
#[derive(Clone, Default)]
pub(crate) struct Lines {
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
    pub(crate) fn line_of(&mut self, offset: u64) -> usize {
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

/// Watches every byte on its way to the csv reader: newlines (for [`Lines`]), whether a quote
/// is open (the csv crate takes an unclosed quote to run to the end of the file, silently),
/// and how long the current row is (so that memory stays bounded whatever the file).
pub(crate) struct Guard<R> {
    inner: R,
    offset: u64,
    /// Whether the line being read has had anything but a carriage return so far.
    line_has_content: bool,
    newlines: Arc<Mutex<VecDeque<(u64, bool)>>>,
    newlines_seen: usize,
    delimiter: u8,
    /// The byte before the current one, to tell whether a quote starts a cell.
    prev: u8,
    quoted: bool,
    /// A quote inside a quoted cell was the last byte of a read: the next byte says whether it
    /// closed the cell or was the first of a doubled quote.
    quote_pending: bool,
    open_line: usize,
    /// Where the current row began, and its line.
    row_start: u64,
    row_line: usize,
    max_row: usize,
    /// Found in the last read, said at the next: the rows before it are read first.
    stopped: Option<Broken>,
}

impl<R: Read> Guard<R> {
    pub(crate) fn new(inner: R, delimiter: u8, limits: &Limits, lines: &Lines) -> Guard<R> {
        Guard {
            inner,
            offset: 0,
            line_has_content: false,
            newlines: lines.ahead.clone(),
            newlines_seen: 0,
            delimiter,
            prev: b'\n',
            quoted: false,
            quote_pending: false,
            open_line: 0,
            row_start: 0,
            row_line: 1,
            max_row: limits.max_row_bytes,
            stopped: None,
        }
    }

    fn scan(&mut self, read: &[u8]) {
        let mut newlines = self.newlines.lock().unwrap_or_else(|e| e.into_inner());
        let mut i = 0;
        let mut line_start = 0;
        if self.quote_pending && !read.is_empty() {
            self.quote_pending = false;
            if read[0] == b'"' {
                i = 1; // a doubled quote: the cell goes on
            } else {
                self.quoted = false;
            }
        }
        // Quotes and newlines found with memchr: this runs over every byte of the file.
        while let Some(found) = memchr::memchr2(b'"', b'\n', &read[i..]) {
            let at = i + found;
            if read[at] == b'\n' {
                let content =
                    self.line_has_content || read[line_start..at].iter().any(|&b| b != b'\r');
                newlines.push_back((self.offset + at as u64, !content));
                self.line_has_content = false;
                line_start = at + 1;
                self.newlines_seen += 1;
                if !self.quoted {
                    self.row_start = self.offset + at as u64 + 1;
                    self.row_line = self.newlines_seen + 1;
                }
                i = at + 1;
            } else if self.quoted {
                match read.get(at + 1) {
                    Some(b'"') => i = at + 2,
                    Some(_) => {
                        self.quoted = false;
                        i = at + 1;
                    }
                    None => {
                        self.quote_pending = true;
                        i = at + 1;
                    }
                }
            } else {
                let before = if at == 0 { self.prev } else { read[at - 1] };
                // As the csv crate reads: a quote opens a cell only as its first character.
                if before == self.delimiter || before == b'\n' || before == b'\r' {
                    self.quoted = true;
                    self.open_line = self.newlines_seen + 1;
                }
                i = at + 1;
            }
        }
        if read[line_start..].iter().any(|&b| b != b'\r') {
            self.line_has_content = true;
        }
        if let Some(&last) = read.last() {
            self.prev = last;
        }
    }
}

impl<R: Read> Read for Guard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(broken) = self.stopped.take() {
            return Err(io::Error::new(io::ErrorKind::InvalidData, broken));
        }
        let n = self.inner.read(buf)?;
        if n == 0 && (self.quoted && !self.quote_pending) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                Broken::UnclosedQuote {
                    line: self.open_line,
                },
            ));
        }
        self.scan(&buf[..n]);
        self.offset += n as u64;
        if self.offset - self.row_start > self.max_row as u64 {
            let line = if self.quoted {
                self.open_line
            } else {
                self.row_line
            };
            let broken = if self.quoted {
                Broken::UnclosedQuote { line }
            } else {
                Broken::RowTooLong {
                    line,
                    limit: self.max_row,
                }
            };
            self.stopped = Some(broken);
        }
        Ok(n)
    }
}

/// The guard's reason behind a csv error, if it was the guard that stopped.
pub(crate) fn broken(e: &csv::Error) -> Option<&Broken> {
    match e.kind() {
        csv::ErrorKind::Io(io) => io
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<Broken>()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters_are_found_past_title_rows() {
        assert_eq!(sniff_delimiter("a,b,c\n1,2,3\n"), b',');
        assert_eq!(
            sniff_delimiter("Nombre;Apellido;País\nAna;Pérez;Belice\n"),
            b';'
        );
        assert_eq!(
            sniff_delimiter("Attendance list, March\n\nname\tfamily\tcountry\na\tb\tc\nd\te\tf\n"),
            b'\t'
        );
        // Commas inside quoted cells do not count.
        assert_eq!(
            sniff_delimiter("code;note\nA;\"x, y, z\"\nB;\"p, q\"\nC;r\n"),
            b';'
        );
        assert_eq!(sniff_delimiter("single\nline\n"), b',');
    }

    #[test]
    fn encodings_are_told_apart() {
        assert_eq!(
            sniff_encoding("Curaçao".as_bytes(), true),
            TextEncoding::Utf8
        );
        assert_eq!(
            sniff_encoding(b"Cura\xe7ao", true),
            TextEncoding::Windows1252
        );
        assert_eq!(sniff_encoding(b"Caf\xe9", true), TextEncoding::Windows1252);
        // A character cut at the end of the sample is still UTF-8.
        assert_eq!(
            sniff_encoding(&"abç".as_bytes()[..3], false),
            TextEncoding::Utf8
        );
        assert_eq!(bom(b"\xEF\xBB\xBFa"), Some((TextEncoding::Utf8, 3)));
        assert_eq!(bom(b"\xFF\xFEa\0"), Some((TextEncoding::Utf16Le, 2)));
    }

    #[test]
    fn windows_1252_is_read_as_utf8() {
        let mut out = String::new();
        Decode::new(&b"Cura\xe7ao \x80 caf\xe9"[..], TextEncoding::Windows1252)
            .ok()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "Curaçao € café");
    }
}
