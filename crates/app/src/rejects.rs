//! The rejects file: the rows an import set aside, with their cells as the sheet held them and
//! a first column saying what was wrong, for a person to correct and import again (that
//! column is passed over then). Written as UTF-8 CSV with a byte-order mark, which every
//! spreadsheet program opens as it should.

use std::io::Write;
use std::path::Path;

use cadre_import::{Problems, ReadOptions, Row, Sheet, REJECTS_COLUMN};

use crate::AppError;

/// A cell as the rejects file holds it: one that a spreadsheet would take for a formula
/// (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`, the
/// OWASP rule, since the file is made to be opened in one. Reading a rejects file back takes
/// the mark off again (`Sheet`, for files whose first column is `cadre_problems`).
fn neutralised(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// Writes the rows of `source` that `problems` names to `out`; returns how many.
pub(crate) fn write(
    source: &Path,
    options: &ReadOptions,
    problems: &Problems,
    out: &Path,
    delimiter: u8,
) -> Result<u64, AppError> {
    let io = |e: std::io::Error| AppError::Io {
        path: out.display().to_string(),
        source: e,
    };
    let mut file = std::io::BufWriter::new(std::fs::File::create(out).map_err(io)?);
    file.write_all(b"\xEF\xBB\xBF").map_err(io)?;
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(file);
    let csv_error = |e: csv::Error| AppError::Io {
        path: out.display().to_string(),
        source: std::io::Error::other(e),
    };
    let mut sheet = match Sheet::open_with(source, options) {
        Ok(s) => s,
        Err(_) => {
            // Nothing of the file can be read again (its header is the problem): the file
            // says so, so that the person knows there are no rows to fix here.
            let _ = delimiter;
            w.write_record([REJECTS_COLUMN]).map_err(csv_error)?;
            for (line, reason) in &problems.rows {
                w.write_record([format!("line {line}: {reason}")])
                    .map_err(csv_error)?;
            }
            w.flush().map_err(io)?;
            return Ok(0);
        }
    };
    let header_line = sheet.header_line();
    let mut header = vec![REJECTS_COLUMN.to_string()];
    header.extend(sheet.sheet_headers().iter().cloned());
    w.write_record(&header).map_err(csv_error)?;
    // Problems of the header itself, or of the file as a whole, are said on their own rows.
    for (line, reason) in problems.rows.range(..=header_line) {
        w.write_record([format!("line {line}: {reason}")])
            .map_err(csv_error)?;
    }
    let mut row = Row::default();
    let mut written = 0;
    let mut done = std::collections::BTreeSet::new();
    let mut cells: Vec<String> = Vec::new();
    while let Some(item) = sheet.next_into(&mut row) {
        if item.is_err() {
            continue;
        }
        let Some(reason) = problems.rows.get(&row.line) else {
            continue;
        };
        cells.clear();
        cells.push(format!("line {}: {reason}", row.line));
        cells.extend(row.cells.iter().map(|c| neutralised(c).into_owned()));
        w.write_record(&cells).map_err(csv_error)?;
        done.insert(row.line);
        written += 1;
    }
    // Rows that could not be read at all (a cell the workbook cannot give, a line that is not
    // text) are said on their own, so that none is lost from sight.
    for (line, reason) in problems.rows.range(header_line + 1..) {
        if !done.contains(line) {
            w.write_record([format!(
                "line {line}: {reason} (the row could not be read: fix it in the original)"
            )])
            .map_err(csv_error)?;
            written += 1;
        }
    }
    w.flush().map_err(io)?;
    Ok(written)
}
