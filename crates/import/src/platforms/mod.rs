//! Attendance reports as the virtual platforms export them (Zoom's participants and webinar
//! reports first; Teams, Meet, Moodle, BigBlueButton and Webex follow): recognised by the
//! file's own shape, read into one form, each person's rows with the times they were in. Who
//! attended is then decided by the training's rule (`cadre_core::presence`), above this layer.

mod stamp;
mod teams;
mod zoom;

pub use stamp::{read_stamps, Stamp};

use crate::sheet::csv::{bom, sniff_encoding, TextEncoding};

/// The largest report read, in bytes: a meeting of thousands is a few hundred kilobytes.
pub const MAX_REPORT_BYTES: usize = 16 * 1024 * 1024;

/// The platforms whose exports are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    Zoom,
    ZoomWebinar,
    Teams,
}

impl Platform {
    pub const ALL: [Platform; 3] = [Platform::Zoom, Platform::ZoomWebinar, Platform::Teams];

    /// As `--platform` takes it.
    pub fn code(self) -> &'static str {
        match self {
            Platform::Zoom => "zoom",
            Platform::ZoomWebinar => "zoom-webinar",
            Platform::Teams => "teams",
        }
    }

    pub fn parse(typed: &str) -> Option<Platform> {
        let t = typed.trim().to_ascii_lowercase();
        Platform::ALL.into_iter().find(|p| p.code() == t)
    }

    /// What a report of it is called, for the sentence that says how the file was read.
    pub fn report_name(self) -> &'static str {
        match self {
            Platform::Zoom => "a Zoom meeting participants report",
            Platform::ZoomWebinar => "a Zoom webinar attendee report",
            Platform::Teams => "a Microsoft Teams attendance report",
        }
    }
}

/// Whether a person was there to take part or to run the session (hosts, panelists,
/// organisers, presenters, moderators).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Participant,
    Facilitator,
}

/// One row of a report about one person (a person who rejoined has several).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The file's line.
    pub line: usize,
    pub name: String,
    pub email: Option<String>,
    /// The organisation's identity of the person (Teams' `Participant ID (UPN)`), where given.
    pub upn: Option<String>,
    pub role: Role,
    /// When they joined and left, as written (the account's local time, no zone).
    pub joined: Option<Stamp>,
    pub left: Option<Stamp>,
    /// The time the row says they were in, in seconds, where it gives one.
    pub seconds: Option<i64>,
    /// Time in the waiting room: not time in the session.
    pub waiting: bool,
    /// A registrant the report says did not attend.
    pub absent: bool,
}

/// A report as read: which platform, how it was read (in words), the meeting's times where it
/// gives them, and its rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformReport {
    pub platform: Platform,
    pub said: String,
    pub start: Option<Stamp>,
    pub end: Option<Stamp>,
    pub entries: Vec<Entry>,
}

/// Why a report could not be read: the line, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ReportError {
    pub line: usize,
    pub message: String,
}

impl ReportError {
    fn at(line: usize, message: impl Into<String>) -> ReportError {
        ReportError {
            line,
            message: message.into(),
        }
    }
}

/// The report's text: its encoding from its byte-order mark, else UTF-8 or Windows-1252.
pub fn decode(bytes: &[u8]) -> Result<String, ReportError> {
    if bytes.len() > MAX_REPORT_BYTES {
        return Err(ReportError::at(
            0,
            format!(
                "the file is larger than {} MiB, more than any meeting's report",
                MAX_REPORT_BYTES / (1024 * 1024)
            ),
        ));
    }
    let (encoding, skip) = match bom(bytes) {
        Some(found) => found,
        None => (sniff_encoding(bytes, true), 0),
    };
    let body = &bytes[skip..];
    let text = match encoding {
        TextEncoding::Utf8 => String::from_utf8_lossy(body).into_owned(),
        TextEncoding::Windows1252 => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(body)
            .0
            .into_owned(),
        TextEncoding::Utf16Le => encoding_rs::UTF_16LE
            .decode_without_bom_handling(body)
            .0
            .into_owned(),
        TextEncoding::Utf16Be => encoding_rs::UTF_16BE
            .decode_without_bom_handling(body)
            .0
            .into_owned(),
    };
    Ok(text.replace("\r\n", "\n").replace('\r', "\n"))
}

/// The cells of a line of comma-separated text, quotes read; trailing empty cells (Zoom pads
/// its rows with commas) left off.
pub(crate) fn cells(line: &str) -> Vec<String> {
    cells_split(line, b',')
}

/// The cells of a line split by `delimiter` (a TAB for Teams), quotes read.
pub(crate) fn cells_split(line: &str, delimiter: u8) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(line.as_bytes());
    let mut out: Vec<String> = reader
        .records()
        .next()
        .and_then(Result::ok)
        .map(|r| r.iter().map(|c| c.trim().to_string()).collect())
        .unwrap_or_default();
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out
}

/// A header cell as compared: lower case, spaces single.
pub(crate) fn key(cell: &str) -> String {
    cell.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The platform whose report this text is, from its shape; `None` for anything else (a sheet
/// for the usual column mapping).
pub fn recognise(text: &str) -> Option<Platform> {
    let lines: Vec<String> = text.lines().take(40).map(key).collect();
    if lines
        .iter()
        .any(|l| l.starts_with("attendee details") || l.starts_with("host details"))
    {
        return Some(Platform::ZoomWebinar);
    }
    if lines.iter().any(|l| zoom::is_participants_header(l)) {
        return Some(Platform::Zoom);
    }
    if lines.iter().any(|l| teams::is_teams_line(l)) {
        return Some(Platform::Teams);
    }
    None
}

/// Reads a report: of the platform named, or of the one its shape says.
pub fn read(text: &str, platform: Option<Platform>) -> Result<PlatformReport, ReportError> {
    let platform = match platform.or_else(|| recognise(text)) {
        Some(p) => p,
        None => {
            return Err(ReportError::at(
                1,
                "this is not a report of a platform cadre reads (Zoom, Teams)",
            ))
        }
    };
    match platform {
        Platform::Zoom => zoom::meeting(text),
        Platform::ZoomWebinar => zoom::webinar(text),
        Platform::Teams => teams::report(text),
    }
}
