//! How fast an attendance file is read and checked, without any database: the part of an
//! import that runs beside the writing. Usage (after `cadre gen --size s --out DIR`):
//!
//! ```sh
//! cargo bench -p cadre-import --bench parse_attendance -- DIR
//! ```

use std::path::Path;
use std::time::Instant;

use cadre_core::{AttendanceRecord, PartialDate};
use cadre_import::{AttendanceParser, Lookups, Row, Sheet};

fn main() {
    let dir = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .unwrap_or_else(|| {
            eprintln!("usage: parse_attendance DIR (a folder written by `cadre gen`)");
            std::process::exit(2)
        });
    let dir = Path::new(&dir);
    let lookups = lookups(dir);
    let path = dir.join("attendance.csv");

    // As the import reads: into one reused row and one reused record.
    let start = Instant::now();
    let mut rows = 0u64;
    let mut sheet = Sheet::open(&path).expect("attendance.csv");
    let mut row = Row::default();
    while let Some(item) = sheet.next_into(&mut row) {
        item.expect("a readable row");
        rows += 1;
    }
    let read = start.elapsed();

    let start = Instant::now();
    let mut sheet = Sheet::open(&path).expect("attendance.csv");
    let mut parser = AttendanceParser::new(&sheet).expect("a v1 header");
    let mut record = AttendanceRecord::default();
    let mut bad = 0u64;
    while let Some(item) = sheet.next_into(&mut row) {
        item.expect("a readable row");
        if parser.parse_into(&row, &lookups, &mut record).is_err() {
            bad += 1;
        }
    }
    let parsed = start.elapsed();
    let per = |d: std::time::Duration| d.as_secs_f64() * 1e9 / rows as f64;
    println!(
        "{rows} rows ({bad} refused): read {:.2} s ({:.0} ns a row), read and checked {:.2} s ({:.0} ns a row)",
        read.as_secs_f64(),
        per(read),
        parsed.as_secs_f64(),
        per(parsed)
    );
}

/// The trainings and sessions of the generated files, and every department the attendance
/// file names (the store would know them from its department list).
fn lookups(dir: &Path) -> Lookups {
    let mut l = Lookups::default();
    for r in records(dir, "trainings.csv") {
        l.add_training(&r[0]);
    }
    for r in records(dir, "sessions.csv") {
        l.add_session(&r[0], PartialDate::parse(&r[1]).expect("a date"));
    }
    for r in records(dir, "attendance.csv") {
        if !r[8].is_empty() {
            l.add_department(&r[8]);
        }
    }
    l
}

fn records(dir: &Path, file: &str) -> impl Iterator<Item = csv::StringRecord> {
    csv::Reader::from_path(dir.join(file))
        .expect(file)
        .into_records()
        .map(|r| r.expect("a readable row"))
}
