//! The cells of one worksheet, read row by row from its XML as it inflates: values turned into
//! the text a CSV export would hold, merged ranges filled, and every cell within the limits.

use std::collections::HashMap;
use std::io::BufReader;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::values::{cell_ref, number_text, serial_to_date};
use super::{unreadable, xml_error, Merge, OwnedBudget, Result, SharedStrings, XlsxError};
use crate::sheet::Limits;

/// One row as read: its number and its non-empty cells (0-based column, text).
pub(crate) type SparseRow = (usize, Vec<(usize, String)>);

pub(crate) struct XlsxRows {
    pub(super) file: String,
    pub(super) xml: Reader<BufReader<OwnedBudget>>,
    pub(super) strings: SharedStrings,
    pub(super) styles: Vec<bool>,
    pub(super) date1904: bool,
    pub(super) merges: Vec<Merge>,
    /// The value of each merged range whose top-left cell has been read.
    pub(super) merged_values: HashMap<usize, String>,
    /// Cells filled from merged ranges so far (bounded by `Limits::max_merged_cells`).
    pub(super) merged_filled: u64,
    /// The next merged range (by top row) not yet reached, and those covering the current row.
    pub(super) next_merge: usize,
    pub(super) active: Vec<usize>,
    pub(super) buf: Vec<u8>,
    pub(super) inner_buf: Vec<u8>,
    pub(super) next_row: usize,
    pub(super) limits: Limits,
    pub(super) done: bool,
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
        // A cell that cannot be taken is a problem of its row: the rows after it are read on.
        if !matches!(item, Ok(Some(_)) | Err(XlsxError::Cell(..))) {
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
                    let cells = self.with_merges(number, cells)?;
                    return Ok(Some((number, cells)));
                }
                Event::Empty(e) if e.local_name().as_ref() == b"row" => {
                    let number = row_number(&e, self.next_row)?;
                    self.next_row = number + 1;
                    let cells = self.with_merges(number, Vec::new())?;
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
        // The row's first cell that cannot be taken; the rest of the row is still read, so
        // that the next row starts where it should.
        let mut failed: Option<XlsxError> = None;
        loop {
            self.buf.clear();
            let event = self.xml.read_event_into(&mut self.buf).map_err(xml_error)?;
            match event {
                Event::Start(e) if e.local_name().as_ref() == b"c" => {
                    let c = e.into_owned();
                    let col = cell_column(&c, next_col, row)?;
                    next_col = col + 1;
                    match self
                        .read_value(&c, row, col, false)
                        .and_then(|value| self.keep(&mut cells, col, value, row))
                    {
                        Ok(()) => {}
                        Err(e @ XlsxError::Cell(..)) => {
                            failed.get_or_insert(e);
                        }
                        Err(e) => return Err(e),
                    }
                }
                Event::Empty(e) if e.local_name().as_ref() == b"c" => {
                    let col = cell_column(&e, next_col, row)?;
                    next_col = col + 1;
                }
                Event::End(e) if e.local_name().as_ref() == b"row" => {
                    if let Some(e) = failed {
                        return Err(e);
                    }
                    // Cells come in column order; one out of order is put in its place, and two
                    // for one cell are refused (either would shift a value to another column).
                    if !cells.windows(2).all(|w| w[0].0 < w[1].0) {
                        cells.sort_by_key(|(c, _)| *c);
                        if let Some(w) = cells.windows(2).find(|w| w[0].0 == w[1].0) {
                            return Err(XlsxError::Cell(
                                row,
                                w[0].0,
                                "bad-cell",
                                "the sheet holds this cell twice".to_string(),
                            ));
                        }
                    }
                    return Ok(cells);
                }
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
    /// only one the sheet stores: a country merged over five rows holds for each of them. The
    /// ranges are sorted by their top row and only those covering the row are looked at; the
    /// filled row is held to the limits of columns and of a row's size.
    fn with_merges(
        &mut self,
        row: usize,
        mut cells: Vec<(usize, String)>,
    ) -> Result<Vec<(usize, String)>> {
        while self.next_merge < self.merges.len() && self.merges[self.next_merge].top <= row {
            self.active.push(self.next_merge);
            self.next_merge += 1;
        }
        let merges = &self.merges;
        self.active.retain(|&i| merges[i].bottom >= row);
        if self.active.is_empty() {
            return Ok(cells);
        }
        let mut present: std::collections::HashSet<usize> = cells.iter().map(|(c, _)| *c).collect();
        let mut bytes: usize = cells.iter().map(|(_, v)| v.len()).sum();
        for &i in &self.active {
            let m = self.merges[i];
            if row == m.top {
                if let Some((_, v)) = cells.iter().find(|(c, _)| *c == m.left) {
                    self.merged_values.insert(i, v.clone());
                }
            }
            let Some(v) = self.merged_values.get(&i) else {
                continue;
            };
            for col in m.left..=m.right {
                if present.insert(col) {
                    bytes += v.len();
                    self.merged_filled += 1;
                    if self.merged_filled > self.limits.max_merged_cells {
                        return Err(XlsxError::Limit(format!(
                            "row {row}: the sheet's merged ranges fill more than {} cells (the limit)",
                            self.limits.max_merged_cells
                        )));
                    }
                    if present.len() > self.limits.max_columns || bytes > self.limits.max_row_bytes
                    {
                        return Err(XlsxError::Limit(format!(
                            "row {row}: its merged cells fill more than {} cells or {} bytes (the limits)",
                            self.limits.max_columns, self.limits.max_row_bytes
                        )));
                    }
                    cells.push((col, v.clone()));
                }
            }
        }
        for &i in &self.active {
            if self.merges[i].bottom == row {
                self.merged_values.remove(&i);
            }
        }
        cells.sort_by_key(|(c, _)| *c);
        Ok(cells)
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
        // Said as a limit, which ends the reading: the cell is left half read.
        return Err(XlsxError::Limit(format!(
            "cell {}: the cell holds more than {} characters (the limit)",
            super::values::cell_name(row, col),
            limits.max_cell_chars
        )));
    }
    target.push_str(text);
    Ok(())
}

pub(super) fn entity(r: &quick_xml::events::BytesRef) -> Result<String> {
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

pub(super) fn attr(e: &BytesStart, name: &[u8]) -> Option<String> {
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
