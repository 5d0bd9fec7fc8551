//! The rejects file: the rows an import set aside, with their cells as the sheet held them and
//! a first column saying what was wrong, for a person to correct and import again (that
//! column is passed over then). Written as UTF-8 CSV with a byte-order mark, which every
//! spreadsheet program opens as it should, and, for a sheet that came as a workbook, also as
//! a workbook of one sheet. Every row has as many cells as the header: a line that only says
//! something (a problem of the header, a row that could not be read) is padded, since CSV
//! readers refuse rows of differing length.

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

/// The rows set aside, as both kinds of file hold them: the header (the problems' column,
/// then the sheet's own headers) and each row, all of one width.
struct Table {
    rows: Vec<Vec<String>>,
    /// Rows of the sheet written (lines that only say a problem are not counted).
    written: u64,
}

/// Reads the rows of `source` that `problems` names.
fn table(source: &Path, options: &ReadOptions, problems: &Problems) -> Table {
    let mut sheet = match Sheet::open_with(source, options) {
        Ok(s) => s,
        Err(_) => {
            // Nothing of the file can be read again (its header is the problem): the file
            // says so, so that the person knows there are no rows to fix here.
            let mut rows = vec![vec![REJECTS_COLUMN.to_string()]];
            rows.extend(
                problems
                    .rows
                    .iter()
                    .map(|(line, reason)| vec![format!("line {line}: {reason}")]),
            );
            return Table { rows, written: 0 };
        }
    };
    let header_line = sheet.header_line();
    let mut header = vec![REJECTS_COLUMN.to_string()];
    header.extend(sheet.sheet_headers().iter().cloned());
    let width = header.len();
    let padded = |text: String| {
        let mut cells = vec![String::new(); width];
        cells[0] = text;
        cells
    };
    let mut rows = vec![header];
    // Problems of the header itself, or of the file as a whole, are said on their own rows.
    for (line, reason) in problems.rows.range(..=header_line) {
        rows.push(padded(format!("line {line}: {reason}")));
    }
    let mut row = Row::default();
    let mut written = 0;
    let mut done = std::collections::BTreeSet::new();
    while let Some(item) = sheet.next_into(&mut row) {
        if item.is_err() {
            continue;
        }
        let Some(reason) = problems.rows.get(&row.line) else {
            continue;
        };
        let mut cells = Vec::with_capacity(width);
        cells.push(format!("line {}: {reason}", row.line));
        cells.extend(row.cells.iter().take(width - 1).map(|c| c.to_string()));
        cells.resize(width, String::new());
        rows.push(cells);
        done.insert(row.line);
        written += 1;
    }
    // Rows that could not be read at all (a cell the workbook cannot give, a line that is not
    // text) are said on their own, so that none is lost from sight.
    for (line, reason) in problems.rows.range(header_line + 1..) {
        if !done.contains(line) {
            rows.push(padded(format!(
                "line {line}: {reason} (the row could not be read: fix it in the original)"
            )));
            written += 1;
        }
    }
    Table { rows, written }
}

/// Writes the rows of `source` that `problems` names to `out` as CSV, and, when `workbook` is
/// given, the same rows as an XLSX workbook there; returns how many rows.
pub(crate) fn write(
    source: &Path,
    options: &ReadOptions,
    problems: &Problems,
    out: &Path,
    delimiter: u8,
    workbook: Option<&Path>,
) -> Result<u64, AppError> {
    let table = table(source, options, problems);
    write_csv(&table, out, delimiter)?;
    if let Some(path) = workbook {
        write_xlsx(&table, path)?;
    }
    Ok(table.written)
}

fn write_csv(table: &Table, out: &Path, delimiter: u8) -> Result<(), AppError> {
    let io = |e: std::io::Error| AppError::Io {
        path: out.display().to_string(),
        source: e,
    };
    let mut file = std::io::BufWriter::new(std::fs::File::create(out).map_err(io)?);
    file.write_all(b"\xEF\xBB\xBF").map_err(io)?;
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(file);
    for (i, row) in table.rows.iter().enumerate() {
        // The problems' column is cadre's own words; the sheet's cells are neutralised.
        let cells = row.iter().enumerate().map(|(j, c)| {
            if i == 0 || j == 0 {
                std::borrow::Cow::Borrowed(c.as_bytes())
            } else {
                match neutralised(c) {
                    std::borrow::Cow::Borrowed(b) => std::borrow::Cow::Borrowed(b.as_bytes()),
                    std::borrow::Cow::Owned(o) => std::borrow::Cow::Owned(o.into_bytes()),
                }
            }
        });
        w.write_record(cells).map_err(|e| AppError::Io {
            path: out.display().to_string(),
            source: std::io::Error::other(e),
        })?;
    }
    w.flush().map_err(io)
}

/// The workbook: every cell a text cell (a text cell is never taken for a formula, so nothing
/// needs marking), the header bold, the problems' column wide enough to read.
fn write_xlsx(table: &Table, out: &Path) -> Result<(), AppError> {
    let fail = |e: rust_xlsxwriter::XlsxError| AppError::Io {
        path: out.display().to_string(),
        source: std::io::Error::other(e.to_string()),
    };
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Rejected rows").map_err(fail)?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    sheet.set_column_width(0, 60).map_err(fail)?;
    for (i, row) in table.rows.iter().enumerate() {
        for (j, cell) in row.iter().enumerate() {
            let (r, c) = (i as u32, j as u16);
            if i == 0 {
                sheet.write_string_with_format(r, c, cell, &bold)
            } else {
                sheet.write_string(r, c, cell)
            }
            .map_err(fail)?;
        }
    }
    book.save(out).map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A workbook with a title above its header: the rows named are written as CSV (every
    /// line as wide as the header, a problem of the header on a line of its own) and as a
    /// workbook, both read back as sheets whose first column is the problems'.
    #[test]
    fn a_workbooks_rejects_as_csv_and_as_a_workbook() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("lista.xlsx");
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        let rows: [[&str; 3]; 4] = [
            ["Lista de participantes", "", ""],
            ["given_name", "family_name", "gender"],
            ["Ana", "Pérez", "F"],
            ["Luis", "=Gómez", "XX"],
        ];
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if !cell.is_empty() {
                    sheet.write_string(r as u32, c as u16, *cell).unwrap();
                }
            }
        }
        book.save(&source).unwrap();
        let mut problems = Problems::default();
        problems.push(cadre_import::Problem::at(
            "lista.xlsx",
            2,
            "header",
            "a note on the header",
        ));
        problems.push(cadre_import::Problem::at(
            "lista.xlsx",
            4,
            "gender",
            "gender \"XX\" is not understood",
        ));
        let (csv, xlsx) = (dir.path().join("r.csv"), dir.path().join("r.xlsx"));
        let options = ReadOptions {
            known: cadre_import::Kind::Attendance.columns(),
            ignore_extra: true,
            ..ReadOptions::default()
        };
        let n = write(&source, &options, &problems, &csv, b',', Some(&xlsx)).unwrap();
        assert_eq!(n, 1);
        let text = std::fs::read_to_string(&csv).unwrap();
        let lines: Vec<csv::StringRecord> = csv::ReaderBuilder::new()
            .flexible(false)
            .has_headers(false)
            .from_reader(text.trim_start_matches('\u{feff}').as_bytes())
            .records()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines.iter().all(|l| l.len() == 4), "{text}");
        assert!(lines[1][0].contains("a note on the header"));
        assert_eq!(&lines[2][2], "'=Gómez", "a formula neutralised in the CSV");
        for file in [&csv, &xlsx] {
            let back = Sheet::open(file).unwrap();
            assert_eq!(back.sheet_headers()[0], REJECTS_COLUMN);
            let mut found = Vec::new();
            for row in back {
                let row = row.unwrap();
                found.push(
                    row.cells
                        .iter()
                        .map(str::to_string)
                        .collect::<Vec<String>>(),
                );
            }
            let luis = found
                .iter()
                .find(|r| r.get(1).map(String::as_str) == Some("Luis"))
                .unwrap();
            assert_eq!(luis[2], "=Gómez", "{}: read back as typed", file.display());
            assert!(luis[0].contains("line 4"));
        }
    }
}
