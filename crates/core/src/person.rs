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
#[error("gender \"{0}\" is not understood: write M, F, Male or Female (any case, or the word in Spanish, French or Dutch), or leave blank, \"prefer not to say\" or \"unknown\" when not recorded")]
pub struct GenderError(pub String);

/// Reads gender as typed, in English, Spanish, French or Dutch. `Ok(None)` means not recorded:
/// the report counts it as such.
///
/// The letters keep their English meaning: Spanish sheets write "M" for *mujer* (female) and
/// some write "V" for *varón* (male), against English "M" and Dutch "V" (*vrouw*). A sheet's own
/// letters are the import's value mapping to settle, not a guess here. "H" (*hombre*, *homme*)
/// means male in every language that uses it.
pub fn parse_gender(typed: &str) -> Result<Option<Gender>, GenderError> {
    match fold(typed).as_str() {
        "m" | "male" | "h" | "man" | "hombre" | "masculino" | "varón" | "varon" | "homme"
        | "masculin" | "mannelijk" => Ok(Some(Gender::Male)),
        "f" | "female" | "v" | "mujer" | "femenino" | "femme" | "féminin" | "feminin" | "vrouw"
        | "vrouwelijk" => Ok(Some(Gender::Female)),
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

/// Completes a stored name with one stated later: the same name typed with other case or
/// spacing leaves the first spelling; a different one (a correction) replaces it; a blank says
/// nothing. Returns whether it changed.
pub fn complete_name(stored: &mut String, stated: &str) -> bool {
    let stated = stated.trim();
    if !stated.is_empty() && fold(stated) != fold(stored) {
        *stored = stated.to_string();
        return true;
    }
    false
}

/// Completes a stored fact (gender, country, organisation, department) with one stated later:
/// a stated fact is the newer and replaces it; a blank says nothing. Returns whether it changed.
pub fn complete_fact<T: Clone + PartialEq>(stored: &mut Option<T>, stated: &Option<T>) -> bool {
    match stated {
        Some(v) if stored.as_ref() != Some(v) => {
            *stored = Some(v.clone());
            true
        }
        _ => false,
    }
}

/// The one record two records of the same person become when merged: the kept record's facts,
/// with what it lacks taken from the other. Attendance of both goes to the kept record.
pub fn merge(kept: &crate::PersonRecord, other: &crate::PersonRecord) -> crate::PersonRecord {
    fn or<T: Clone>(a: &Option<T>, b: &Option<T>) -> Option<T> {
        a.clone().or_else(|| b.clone())
    }
    fn name(a: &str, b: &str) -> String {
        if a.trim().is_empty() { b } else { a }.to_string()
    }
    crate::PersonRecord {
        given_name: name(&kept.given_name, &other.given_name),
        family_name: name(&kept.family_name, &other.family_name),
        email: or(&kept.email, &other.email),
        gender: or(&kept.gender, &other.gender),
        country: or(&kept.country, &other.country),
        organisation: or(&kept.organisation, &other.organisation),
        department: or(&kept.department, &other.department),
    }
}

/// The form of an e-mail address compared across rows: trimmed, without case.
pub fn email_key(email: &str) -> Option<String> {
    let key: String = if email.is_ascii() {
        email.trim().to_ascii_lowercase()
    } else {
        // Unseen characters (see `text::is_format`) are not part of an address's identity.
        email
            .trim()
            .chars()
            .filter(|c| !crate::text::is_format(*c))
            .flat_map(char::to_lowercase)
            .collect()
    };
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
    fn gender_words_in_spanish_french_and_dutch() {
        for typed in [
            "Hombre",
            "masculino",
            "Varón",
            "varon",
            "Homme",
            "MASCULIN",
            "man",
            "Mannelijk",
            "H",
            "h",
        ] {
            assert_eq!(parse_gender(typed), Ok(Some(Gender::Male)), "{typed:?}");
        }
        for typed in [
            "Mujer",
            "FEMENINO",
            "Femme",
            "féminin",
            "Fe\u{301}minin",
            "feminin",
            "Vrouw",
            "vrouwelijk",
            "V",
        ] {
            assert_eq!(parse_gender(typed), Ok(Some(Gender::Female)), "{typed:?}");
        }
        // English M stays male: a Spanish sheet's "M" (mujer) is the import's value mapping.
        assert_eq!(parse_gender("M"), Ok(Some(Gender::Male)));
        assert!(parse_gender("hombres").is_err());
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

    /// The same person typed on a Mac (decomposed accents) and elsewhere gets one key.
    #[test]
    fn person_keys_ignore_unicode_composition() {
        assert_eq!(
            name_key("Jose\u{301}", "Nun\u{303}ez", Some("CW")),
            name_key("José", "NUÑEZ", Some("cw"))
        );
        let mut buf = String::new();
        name_key_into(&mut buf, "Ame\u{301}lie", "Franc\u{327}ois", None);
        assert_eq!(buf, name_key("Amélie", "François", None));
        assert_ne!(name_key("José", "Lee", None), name_key("Jose", "Lee", None));
    }
}

#[cfg(test)]
mod merge_tests {
    use super::*;
    use crate::PersonRecord;

    fn person(given: &str, family: &str, email: Option<&str>) -> PersonRecord {
        PersonRecord {
            given_name: given.into(),
            family_name: family.into(),
            email: email.map(Into::into),
            gender: None,
            country: None,
            organisation: None,
            department: None,
        }
    }

    #[test]
    fn a_name_retyped_keeps_its_first_spelling_and_a_correction_replaces_it() {
        let mut name = "Ann Marie".to_string();
        assert!(!complete_name(&mut name, "  ann   MARIE "));
        assert_eq!(name, "Ann Marie");
        assert!(!complete_name(&mut name, " "));
        assert!(complete_name(&mut name, "Anne Marie"));
        assert_eq!(name, "Anne Marie");
    }

    #[test]
    fn a_stated_fact_replaces_the_stored_one_and_a_blank_says_nothing() {
        let mut country = Some("JM".to_string());
        assert!(!complete_fact(&mut country, &None));
        assert!(!complete_fact(&mut country, &Some("JM".into())));
        assert!(complete_fact(&mut country, &Some("TT".into())));
        assert_eq!(country.as_deref(), Some("TT"));
    }

    #[test]
    fn a_merge_keeps_the_kept_records_facts_and_fills_its_blanks() {
        let mut kept = person("Ann", "Lee", None);
        kept.country = Some("JM".into());
        let mut other = person("Anne", "Lee", Some("ann@example.org"));
        other.country = Some("TT".into());
        other.gender = Some(Gender::Female);
        let merged = merge(&kept, &other);
        assert_eq!(merged.given_name, "Ann");
        assert_eq!(merged.email.as_deref(), Some("ann@example.org"));
        assert_eq!(merged.country.as_deref(), Some("JM"));
        assert_eq!(merged.gender, Some(Gender::Female));
        let blank = merge(&person(" ", "Lee", None), &other);
        assert_eq!(blank.given_name, "Anne");
    }
}
