//! Participants: what people type for gender and completion, and when two rows are one person.

use crate::text::fold;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
        }
    }

    pub fn from_stored(s: &str) -> Option<Gender> {
        match s {
            "male" => Some(Gender::Male),
            "female" => Some(Gender::Female),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("gender \"{0}\" is not understood: write M, F, Male or Female (any case), or leave blank, \"prefer not to say\" or \"unknown\" when not recorded")]
pub struct GenderError(pub String);

/// Reads gender as typed. `Ok(None)` means not recorded: the report counts it as such.
pub fn parse_gender(typed: &str) -> Result<Option<Gender>, GenderError> {
    match fold(typed).as_str() {
        "m" | "male" => Ok(Some(Gender::Male)),
        "f" | "female" => Ok(Some(Gender::Female)),
        "" | "prefer not to say" | "unknown" => Ok(None),
        _ => Err(GenderError(typed.trim().to_string())),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("completed \"{0}\" is not understood: write yes, no, true, false, 1 or 0, or leave blank")]
pub struct CompletedError(pub String);

/// Reads the completed flag. `Ok(None)` means not recorded.
pub fn parse_completed(typed: &str) -> Result<Option<bool>, CompletedError> {
    match fold(typed).as_str() {
        "yes" | "y" | "true" | "1" => Ok(Some(true)),
        "no" | "n" | "false" | "0" => Ok(Some(false)),
        "" => Ok(None),
        _ => Err(CompletedError(typed.trim().to_string())),
    }
}

/// The form of an e-mail address compared across rows: trimmed, without case.
pub fn email_key(email: &str) -> Option<String> {
    let key = email.trim().to_lowercase();
    (!key.is_empty()).then_some(key)
}

/// The identity of a person who has no e-mail: given name, family name and country, ignoring
/// case and extra spaces.
pub fn name_key(given: &str, family: &str, country_code: Option<&str>) -> String {
    let mut key = String::with_capacity(given.len() + family.len() + 4);
    name_key_into(&mut key, given, family, country_code);
    key
}

/// Appends `name_key(...)` to `out` (one buffer for millions of rows).
pub fn name_key_into(out: &mut String, given: &str, family: &str, country_code: Option<&str>) {
    crate::text::fold_into(out, given);
    out.push('|');
    crate::text::fold_into(out, family);
    out.push('|');
    out.extend(
        country_code
            .unwrap_or("")
            .chars()
            .map(|c| c.to_ascii_uppercase()),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gender_spellings() {
        for typed in ["M", "m", " Male ", "MALE", "male"] {
            assert_eq!(parse_gender(typed), Ok(Some(Gender::Male)), "{typed:?}");
        }
        for typed in ["F", "f", "Female", " FEMALE\t"] {
            assert_eq!(parse_gender(typed), Ok(Some(Gender::Female)), "{typed:?}");
        }
        for typed in [
            "",
            "  ",
            "Prefer not to say",
            "prefer  not to say",
            "UNKNOWN",
        ] {
            assert_eq!(parse_gender(typed), Ok(None), "{typed:?}");
        }
    }

    #[test]
    fn unknown_gender_lists_the_accepted_spellings() {
        let err = parse_gender(" X ").unwrap_err();
        assert_eq!(err, GenderError("X".into()));
        let msg = err.to_string();
        for word in ["M", "F", "Male", "Female", "prefer not to say", "unknown"] {
            assert!(msg.contains(word), "{msg}");
        }
    }

    #[test]
    fn completed_spellings() {
        for typed in ["yes", "YES", "true", "True", "1", " y "] {
            assert_eq!(parse_completed(typed), Ok(Some(true)), "{typed:?}");
        }
        for typed in ["no", "No", "false", "FALSE", "0"] {
            assert_eq!(parse_completed(typed), Ok(Some(false)), "{typed:?}");
        }
        assert_eq!(parse_completed(""), Ok(None));
        assert!(parse_completed("maybe").is_err());
        assert!(parse_completed("2").is_err());
    }

    #[test]
    fn person_keys_ignore_case_and_spacing() {
        assert_eq!(
            email_key("  Ann.Lee@Example.ORG "),
            Some("ann.lee@example.org".into())
        );
        assert_eq!(email_key("   "), None);
        assert_eq!(
            name_key(" Ann ", "LEE  Smith", Some("bb")),
            name_key("ann", "Lee Smith", Some("BB"))
        );
        assert_ne!(
            name_key("Ann", "Lee", Some("BB")),
            name_key("Ann", "Lee", Some("JM"))
        );
    }
}
