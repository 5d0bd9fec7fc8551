//! Any bytes as an .xlsx workbook (a zip of XML parts): opened, its sheet and header found, and
//! every row read. The reader's limits (inflated size, shared strings, cells) must hold.
#![no_main]

use cadre_import::{Row, Sheet};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir().join(format!("cadre-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("fuzz.xlsx");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let Ok(mut sheet) = Sheet::open(&path) else {
        return;
    };
    let mut row = Row::default();
    while sheet.next_into(&mut row).is_some() {}
});
