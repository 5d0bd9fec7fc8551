//! Workbooks: the first sheet of an XLSX (or ODS/XLS) file, read with calamine. Cells arrive
//! typed (numbers, dates), so they are turned back into the text a CSV would hold.

use std::path::Path;

use calamine::{open_workbook_auto, Data, Reader};

use crate::problem::Problem;
use crate::sheet::{Row, Sheet};
use crate::ImportError;

pub(crate) fn read(path: &Path) -> Result<Sheet, ImportError> {
    let file = path.display().to_string();
    let bad = |message: String| ImportError::Workbook {
        path: path.to_path_buf(),
        message,
    };
    let mut workbook = open_workbook_auto(path).map_err(|e| bad(e.to_string()))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| bad("it has no sheets".to_string()))?
        .map_err(|e| bad(e.to_string()))?;
    let (first_row, first_col) = range
        .start()
        .map_or((0, 0), |(r, c)| (r as usize, c as usize));
    let mut rows = range
        .rows()
        .enumerate()
        .map(|(i, cells)| (first_row + i + 1, cells));
    let mut headers = Vec::new();
    let mut header_line = 1;
    for (line, cells) in rows.by_ref() {
        let texts: Vec<String> = cells
            .iter()
            .map(|c| cell_text(c).unwrap_or_default())
            .collect();
        if texts.iter().any(|t| !t.trim().is_empty()) {
            headers = texts;
            header_line = line;
            break;
        }
    }
    let data: Vec<Result<Row, Problem>> = rows
        .map(|(line, cells)| {
            let mut texts = Vec::with_capacity(cells.len());
            for (j, cell) in cells.iter().enumerate() {
                match cell_text(cell) {
                    Ok(t) => texts.push(t),
                    Err(reason) => {
                        return Err(Problem {
                            file: file.clone(),
                            line,
                            column: Some(first_col + j + 1),
                            message: reason,
                        })
                    }
                }
            }
            Ok(Row {
                line,
                cells: csv::StringRecord::from(texts),
                progress: line as u64,
            })
        })
        .collect();
    if headers.is_empty() {
        let mut problems = crate::Problems::default();
        problems.push(Problem {
            file,
            line: 1,
            column: None,
            message: "the first sheet is empty: it needs a header row".to_string(),
        });
        return Err(ImportError::Problems(problems));
    }
    Ok(Sheet::from_rows(
        file,
        headers,
        header_line,
        first_col,
        data,
    ))
}

/// The text a cell would hold in a CSV export.
fn cell_text(cell: &Data) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => serial_to_date(dt.as_f64()),
        Data::DateTimeIso(s) => s.chars().take(10).collect(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => return Err(format!("the cell holds a spreadsheet error ({e})")),
    })
}

/// An Excel date serial (days since 1899-12-30, time of day ignored) as `YYYY-MM-DD`.
fn serial_to_date(serial: f64) -> String {
    // Days from 1970-01-01, then the civil-from-days algorithm (proleptic Gregorian).
    let z = serial.floor() as i64 - 25569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::serial_to_date;

    #[test]
    fn excel_serials_become_iso_dates() {
        assert_eq!(serial_to_date(43857.0), "2020-01-27");
        assert_eq!(serial_to_date(43890.5), "2020-02-29");
        assert_eq!(serial_to_date(25569.0), "1970-01-01");
    }
}
