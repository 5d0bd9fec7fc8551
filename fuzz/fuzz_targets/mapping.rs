//! Any text as a MAPPING.toml with any header: read, checked against the header of each kind
//! of file, and applied to a row of the same header.
#![no_main]

use cadre_core::kind::Kind;
use cadre_import::{Mapping, Plan};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The first line is the sheet's header (comma-separated), the rest the mapping.
    let (header, toml) = text.split_once('\n').unwrap_or((text, ""));
    let headers: Vec<String> = header.split(',').map(str::to_string).collect();
    let Ok(mapping) = Mapping::parse(toml) else {
        return;
    };
    let _ = mapping.to_toml(&Default::default());
    for kind in [
        Kind::Partners,
        Kind::Trainings,
        Kind::Sessions,
        Kind::Attendance,
        Kind::Departments,
    ] {
        let _ = Plan::new(&mapping, &headers, kind.columns());
    }
});
