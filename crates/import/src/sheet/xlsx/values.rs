//! Cell references, numbers and dates as a sheet stores them, turned into what people read.

use crate::problem::column_letters;

/// `C5` -> (5, 2): the 1-based row and 0-based column; `None` outside a sheet's bounds.
pub(super) fn cell_ref(r: &str) -> Option<(usize, usize)> {
    let r = r.trim().trim_start_matches('$');
    let letters = r.bytes().take_while(u8::is_ascii_alphabetic).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let mut col = 0usize;
    for b in r[..letters].bytes() {
        col = col * 26 + usize::from(b.to_ascii_uppercase() - b'A') + 1;
    }
    let row: usize = r[letters..].trim_start_matches('$').parse().ok()?;
    ((1..=16_384).contains(&col) && (1..=1_048_576).contains(&row)).then(|| (row, col - 1))
}

/// The name of a cell, for messages: (5, 2) -> `C5`.
pub(crate) fn cell_name(row: usize, col: usize) -> String {
    format!("{}{row}", column_letters(col + 1))
}

/// A number as a CSV export of the sheet would hold it: whole numbers without a decimal point.
pub(super) fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// Excel's built-in date formats: 14-17 and 22 (18-21 and 45-47 are times of day, which
/// are not dates), and 27-36 and 50-58 of the East Asian locales.
pub(super) fn builtin_is_date(id: u32) -> bool {
    matches!(id, 14..=17 | 22 | 27..=36 | 50..=58)
}

/// Whether a custom number format shows a date: it has a day, month-with-day or year part
/// outside quoted text, escapes and [colour] blocks.
pub(super) fn format_is_date(code: &str) -> bool {
    let mut plain = String::new();
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                for q in chars.by_ref() {
                    if q == '"' {
                        break;
                    }
                }
            }
            '\\' | '_' | '*' => {
                chars.next();
            }
            '[' => {
                for q in chars.by_ref() {
                    if q == ']' {
                        break;
                    }
                }
            }
            _ => plain.push(c.to_ascii_lowercase()),
        }
    }
    // The first section is the one positive numbers use.
    let first = plain.split(';').next().unwrap_or("");
    first.contains('d') || first.contains('y')
}

/// A date serial as `YYYY-MM-DD`: days since 1899-12-30 in the 1900 date system (Excel for
/// Windows), since 1904-01-01 in the 1904 system (older Excel for Mac); time of day ignored.
pub(super) fn serial_to_date(serial: f64, date1904: bool) -> Option<String> {
    if !serial.is_finite() || !(0.0..3_000_000.0).contains(&serial) {
        return None;
    }
    let days_from_1970 = serial.floor() as i64 - if date1904 { 24_107 } else { 25_569 };
    let (year, month, day) = cadre_core::date::civil_from_days(days_from_1970);
    Some(format!("{year:04}-{month:02}-{day:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_serials_become_iso_dates_in_both_systems() {
        assert_eq!(serial_to_date(43857.0, false).unwrap(), "2020-01-27");
        assert_eq!(serial_to_date(43890.5, false).unwrap(), "2020-02-29");
        assert_eq!(serial_to_date(25569.0, false).unwrap(), "1970-01-01");
        // The same day is 1462 days fewer in the 1904 system.
        assert_eq!(
            serial_to_date(43857.0 - 1462.0, true).unwrap(),
            "2020-01-27"
        );
        assert_eq!(serial_to_date(0.0, true).unwrap(), "1904-01-01");
        assert!(serial_to_date(-1.0, false).is_none());
        assert!(serial_to_date(f64::NAN, false).is_none());
    }

    #[test]
    fn cell_references_stay_inside_a_sheet() {
        assert_eq!(cell_ref("A1"), Some((1, 0)));
        assert_eq!(cell_ref("XFD1048576"), Some((1_048_576, 16_383)));
        assert_eq!(cell_ref("XFE1"), None);
        assert_eq!(cell_ref("A1048577"), None);
        assert_eq!(cell_ref("AAAA1"), None);
        assert_eq!(cell_name(5, 2), "C5");
    }

    #[test]
    fn date_formats_are_recognised() {
        for date in [
            "dd/mm/yyyy",
            "d-mmm-yy",
            "yyyy-mm-dd",
            "[$-409]d mmmm yyyy",
            "m/d/yy h:mm",
        ] {
            assert!(format_is_date(date), "{date}");
        }
        for not in ["0.00", "#,##0", "\"day\" 0", "[Red]0", "h:mm:ss", "General"] {
            assert!(!format_is_date(not), "{not}");
        }
        assert!(builtin_is_date(14) && !builtin_is_date(2));
    }
}
