//! Any bytes as a CSV sheet: found (encoding, delimiter, header), read row by row and parsed as
//! each kind of file. No input may panic, hang or take memory beyond the reader's limits.
#![no_main]

use cadre_import::{
    AttendanceParser, Lookups, PartnerParser, Row, SessionParser, Sheet, TrainingParser,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let len = data.len() as u64;
    let Ok(mut sheet) = Sheet::from_csv("fuzz.csv", std::io::Cursor::new(data.to_vec()), len)
    else {
        return;
    };
    let mut lookups = Lookups::default();
    let mut trainings = TrainingParser::new(&sheet).ok();
    let mut sessions = SessionParser::new(&sheet).ok();
    let mut partners = PartnerParser::new(&sheet).ok();
    let mut attendance = AttendanceParser::new(&sheet).ok();
    let mut row = Row::default();
    let mut record = Default::default();
    while let Some(item) = sheet.next_into(&mut row) {
        if item.is_err() {
            continue;
        }
        if let Some(p) = trainings.as_mut() {
            let _ = p.parse(&row, &mut lookups);
        }
        if let Some(p) = sessions.as_mut() {
            let _ = p.parse(&row, &mut lookups);
        }
        if let Some(p) = partners.as_mut() {
            let _ = p.parse(&row, &mut lookups);
        }
        if let Some(p) = attendance.as_mut() {
            let _ = p.parse_into(&row, &lookups, &mut record);
        }
    }
});
