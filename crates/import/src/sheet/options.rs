//! What a reading of a sheet may be told (its [`ReadOptions`] and [`Limits`]), what it finds
//! out on the way to the header (its [`Layout`]), and how it finds the sheet and the header
//! among cover pages and title rows.

use super::{xlsx, Row, TextEncoding};

/// What one file may hold at most. Every limit is checked while reading, so that memory stays
/// bounded whatever the file, and each error names its limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    pub max_rows: u64,
    pub max_columns: usize,
    /// Excel's own limit of one cell.
    pub max_cell_chars: usize,
    /// One CSV row, quoted line breaks included.
    pub max_row_bytes: usize,
    pub max_shared_strings: usize,
    pub max_shared_bytes: u64,
    /// What a workbook's parts may inflate to, together.
    pub max_inflated: u64,
    /// Cells a sheet's merged ranges may fill, together: a 24 KB workbook of 2,000 rows each
    /// merged across A:XFD would otherwise fill 33 million cells (minutes of work).
    pub max_merged_cells: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            // Ten times the largest attendance file measured (size L).
            max_rows: 100_000_000,
            max_columns: 16_384,
            max_cell_chars: 32_767,
            max_row_bytes: 1 << 20,
            max_shared_strings: 8_000_000,
            max_shared_bytes: 256 << 20,
            max_inflated: 2 << 30,
            // A column merged down a million rows, or a title merged across every column of
            // a few rows: far more than any sheet people make, a second or two to fill.
            max_merged_cells: 1_000_000,
        }
    }
}

/// How to read a file; everything is found out from the file when not given.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// The workbook's sheet to read, by name.
    pub sheet: Option<String>,
    /// The line (CSV) or row (XLSX) of the header, as the program shows it.
    pub header_row: Option<usize>,
    pub delimiter: Option<u8>,
    pub encoding: Option<TextEncoding>,
    /// The columns of the kind being imported, to recognise the header among title rows.
    pub known: &'static [&'static str],
    /// Cells beyond the header's last column, or under an empty header, are ignored instead
    /// of refused.
    pub ignore_extra: bool,
    pub limits: Limits,
}

/// What was found out about the file on the way to its header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layout {
    /// The workbook's sheets, and the one read.
    pub sheets: Vec<String>,
    pub sheet: Option<String>,
    pub encoding: Option<TextEncoding>,
    pub delimiter: Option<u8>,
    /// Lines above the header that were passed over (titles, logos, notes).
    pub skipped_above: usize,
}

/// How many rows at the top of a sheet are looked at to find its header.
pub(super) const HEADER_SEARCH: usize = 30;

/// The sheet that looks like data: the largest, so that a cover page, notes or a logo sheet
/// in front of the data is passed over.
pub(super) fn propose_sheet(sheets: &[xlsx::SheetEntry]) -> usize {
    let mut best = 0;
    for (i, s) in sheets.iter().enumerate() {
        if s.size > sheets[best].size {
            best = i;
        }
    }
    best
}

/// Which of the first rows is the header: the one naming the most of the kind's columns
/// (exactly or in other words), else the first row with as many filled cells as the widest,
/// since titles above a table fill one or two cells.
pub(super) fn detect_header(top: &[Row], known: &[&'static str]) -> usize {
    // Each distinct text of a row once: a header names each column once, and a row merged
    // across every column (16,384 copies of one text) is one text, not 16,384 to look up.
    fn distinct(r: &Row) -> Vec<&str> {
        let mut texts: Vec<&str> = r
            .cells
            .iter()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        texts.sort_unstable();
        texts.dedup();
        texts
    }
    let mut best: Option<(usize, usize)> = None;
    if !known.is_empty() {
        for (i, row) in top.iter().enumerate() {
            let named = distinct(row)
                .into_iter()
                .filter(|c| crate::columns::recognises(c, known))
                .count();
            if named >= 2 && best.is_none_or(|(_, n)| named > n) {
                best = Some((i, named));
            }
        }
    }
    if let Some((i, _)) = best {
        return i;
    }
    let filled = |r: &Row| distinct(r).len();
    let widest = top.iter().map(filled).max().unwrap_or(0);
    top.iter()
        .position(|r| filled(r) * 2 >= widest && filled(r) >= widest.min(2))
        .unwrap_or(0)
}
