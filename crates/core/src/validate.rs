//! The rules a record's fields must keep together, as pure functions over typed values: the
//! import checks a sheet's rows with them now, and forms and JSON bodies will check theirs with
//! the same ones. A rule that fails says which field, with a stable code and a message, so that
//! a row's problem names its cell, a form shows it next to its field and the API returns it as
//! data.

use crate::date::PartialDate;

/// A field's problem: the field (a v1 column name), a stable code, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: &'static str,
    pub code: &'static str,
    pub message: String,
}

impl FieldProblem {
    pub(crate) fn new(field: &'static str, code: &'static str, message: String) -> FieldProblem {
        FieldProblem {
            field,
            code,
            message,
        }
    }
}

/// A whole number of persons or countries as people type it: `29`, `1,234`; never negative.
pub fn parse_count(typed: &str) -> Result<u32, String> {
    let digits = typed.replace(',', "");
    if let Some(rest) = digits.strip_prefix('-') {
        if rest.bytes().all(|b| b.is_ascii_digit()) && !rest.is_empty() {
            return Err(format!(
                "{typed} is negative: counts are whole numbers from 0"
            ));
        }
    }
    digits
        .parse::<u32>()
        .map_err(|_| format!("\"{typed}\" is not a whole number"))
}

/// An end no earlier than the start (compared at their precision: a training of `2020-07`
/// may end on 2020-07-01).
pub fn span(start: Option<PartialDate>, end: Option<PartialDate>) -> Option<FieldProblem> {
    match (start, end) {
        (Some(s), Some(e)) if e.last_day() < s.first_day() => Some(FieldProblem::new(
            "end_date",
            "inconsistent-dates",
            format!("{e} is before the start date {s}"),
        )),
        _ => None,
    }
}

/// Men and women counted no more than the total. Fewer is fine: the published figures often
/// give a total with the gender of only some participants.
pub fn gender_counts(
    total: Option<u32>,
    male: Option<u32>,
    female: Option<u32>,
) -> Option<FieldProblem> {
    let known = u64::from(male.unwrap_or(0)) + u64::from(female.unwrap_or(0));
    match total {
        Some(t) if known > u64::from(t) => Some(FieldProblem::new(
            "participants_total",
            "inconsistent-counts",
            format!("male and female add up to {known}, more than the total of {t}"),
        )),
        _ => None,
    }
}

/// Text as a field may hold it: no control characters (NUL, BEL, escapes; tabs and line
/// breaks only in a text of paragraphs), which no one types in a name and which break what
/// reads the text later (a line of the audit trail, a PostgreSQL column, a terminal).
pub fn plain_text(field: &'static str, text: &str, paragraphs: bool) -> Option<FieldProblem> {
    let bad = text
        .chars()
        .find(|&c| c.is_control() && !(paragraphs && matches!(c, '\t' | '\n' | '\r')))?;
    let what = match bad {
        '\n' | '\r' => "a line break: this field is one line".to_string(),
        '\t' => "a tab: this field is one line".to_string(),
        c => format!(
            "a control character (U+{:04X}), which is not text",
            u32::from(c)
        ),
    };
    Some(FieldProblem::new(
        field,
        "bad-character",
        format!("holds {what}"),
    ))
}

/// A person's text fields and the most characters each may hold.
pub const PERSON_TEXT: [(&str, usize); 4] = [
    ("given_name", 200),
    ("family_name", 200),
    ("email", 254),
    ("organisation", 500),
];

/// A one-line text of at most `max` characters without control characters.
pub fn line(field: &'static str, text: &str, max: usize) -> Option<FieldProblem> {
    // Bytes first: a text of fewer bytes than `max` has fewer characters too.
    if text.len() > max {
        let n = text.chars().count();
        if n > max {
            return Some(FieldProblem::new(
                field,
                "too-long",
                format!("is {n} characters long: at most {max}"),
            ));
        }
    }
    plain_text(field, text, false)
}

/// Whether text can be an e-mail address: something, `@`, a domain with a dot, no spaces.
pub fn looks_like_email(e: &str) -> bool {
    // Byte by byte for ASCII (nearly every address): this runs for every row of a sheet.
    let spaced = if e.is_ascii() {
        e.bytes().any(|b| matches!(b, b'\t'..=b'\r' | b' '))
    } else {
        e.contains(char::is_whitespace)
    };
    match e.split_once('@') {
        Some((local, domain)) => !local.is_empty() && domain.contains('.') && !spaced,
        None => false,
    }
}

/// The e-mail, when given, is an address.
pub fn email(email: Option<&str>) -> Option<FieldProblem> {
    match email {
        Some(e) if !looks_like_email(e) => Some(FieldProblem::new(
            "email",
            "bad-email",
            format!("\"{e}\" is not an e-mail address"),
        )),
        _ => None,
    }
}

/// A participant can be told apart from others: by an e-mail, or by a given and a family name
/// (with the country, as the identity rule in docs/import-format.md says).
pub fn identity(given_name: &str, family_name: &str, email: Option<&str>) -> Option<FieldProblem> {
    if email.is_some() || (!given_name.is_empty() && !family_name.is_empty()) {
        return None;
    }
    let field = if given_name.is_empty() {
        "given_name"
    } else {
        "family_name"
    };
    Some(FieldProblem::new(
        field,
        "identity-needed",
        "a participant needs an e-mail, or a given name and a family name".to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_refused_and_line_breaks_only_in_paragraphs() {
        assert!(plain_text("title", "Port security", false).is_none());
        assert!(plain_text("summary", "One.\n\nTwo.\tThree", true).is_none());
        for bad in [
            "a\u{0}b",
            "bell\u{7}",
            "two\nlines",
            "esc\u{1b}[31m",
            "del\u{7f}",
        ] {
            let p = plain_text("given_name", bad, false).expect(bad);
            assert_eq!((p.field, p.code), ("given_name", "bad-character"));
        }
        let p = plain_text("summary", "nul\u{0}", true).unwrap();
        assert!(p.message.contains("U+0000"), "{}", p.message);
    }

    #[test]
    fn counts_are_whole_and_never_negative() {
        assert_eq!(parse_count("1,234"), Ok(1234));
        assert_eq!(parse_count("0"), Ok(0));
        assert!(parse_count("-3").unwrap_err().contains("negative"));
        assert!(parse_count("2.5")
            .unwrap_err()
            .contains("not a whole number"));
    }

    #[test]
    fn a_span_ends_no_earlier_than_it_starts_at_its_precision() {
        let d = |s| PartialDate::parse(s).ok();
        assert!(span(d("2020-07-16"), d("2020-07-17")).is_none());
        assert!(span(d("2020-07"), d("2020-07-01")).is_none());
        let p = span(d("2020-07-16"), d("2020-07-15")).unwrap();
        assert_eq!((p.field, p.code), ("end_date", "inconsistent-dates"));
        assert!(span(None, d("2020")).is_none());
    }

    #[test]
    fn gender_counts_may_fall_short_of_the_total_but_not_exceed_it() {
        assert!(gender_counts(Some(263), Some(140), Some(120)).is_none());
        assert!(gender_counts(Some(111), None, None).is_none());
        assert!(gender_counts(None, Some(5), Some(5)).is_none());
        let p = gender_counts(Some(10), Some(6), Some(6)).unwrap();
        assert_eq!(
            p.message,
            "male and female add up to 12, more than the total of 10"
        );
    }

    #[test]
    fn what_passes_for_an_email_address() {
        for good in ["ann@example.org", "a.b+c@x.co", "añn@exämple.org"] {
            assert!(looks_like_email(good), "{good:?}");
        }
        for bad in [
            "ann lee@example.org",
            "ann@example.org\u{b}x",
            "ann\t@example.org",
            "añn\u{a0}lee@example.org",
            "ann@example",
            "@example.org",
            "ann.example.org",
            "",
        ] {
            assert!(!looks_like_email(bad), "{bad:?}");
        }
        assert_eq!(email(Some("x")).unwrap().code, "bad-email");
        assert!(email(None).is_none());
    }

    #[test]
    fn a_participant_needs_an_email_or_both_names() {
        assert!(identity("", "", Some("a@b.org")).is_none());
        assert!(identity("Ann", "Lee", None).is_none());
        assert_eq!(identity("", "Lee", None).unwrap().field, "given_name");
        assert_eq!(identity("Ann", "", None).unwrap().field, "family_name");
    }
}
