//! Any text as each value people type: dates (as written, and day or month first), amounts of
//! money, countries, genders, completion, names to split, and the text folding every key uses.
#![no_main]

use cadre_core::{
    parse_completed, parse_date_in_order, parse_gender, propose_split, Countries, DateOrder, Money,
    PartialDate,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(d) = PartialDate::parse(text) {
        // What parses prints back as itself, and spans no days backwards.
        assert_eq!(PartialDate::parse(&d.to_string()), Ok(d));
        assert!(d.first_day() <= d.last_day());
    }
    let _ = parse_date_in_order(text, DateOrder::Dmy);
    let _ = parse_date_in_order(text, DateOrder::Mdy);
    if let Ok(m) = Money::parse_usd(text) {
        assert_eq!(Money::parse_usd(&m.to_string()), Ok(m));
    }
    let _ = Countries::get().lookup(text);
    let _ = parse_gender(text);
    let _ = parse_completed(text);
    let _ = propose_split(&[text, text]);
    let folded = cadre_core::text::fold(text);
    assert_eq!(
        cadre_core::text::fold(&folded),
        folded,
        "folding is idempotent"
    );
    let _ = cadre_core::text::search_key(text);
});
