//! Departments are a governed list: each has one published name and any number of aliases
//! ("Military" is "Defence Force"), so counts by department do not split on spelling.

use crate::text::{fold, strip_accents};

/// The form in which a department name or alias is looked up.
pub fn department_key(name: &str) -> String {
    let plain: String = strip_accents(name)
        .replace('&', " and ")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '(' || c == ')' {
                c
            } else {
                ' '
            }
        })
        .collect();
    fold(&plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_spacing_and_punctuation() {
        assert_eq!(department_key(" Customs &  Excise"), "customs and excise");
        assert_eq!(
            department_key("ICT Units (Law Enforcement)"),
            "ict units (law enforcement)"
        );
        assert_eq!(
            department_key("Attorney-General"),
            department_key("attorney general")
        );
    }

    #[test]
    fn keys_ignore_unicode_composition() {
        assert_eq!(
            department_key("Se\u{301}curite\u{301} publique"),
            department_key("Sécurité Publique")
        );
        assert_eq!(department_key("Sécurité"), "securite");
    }
}
