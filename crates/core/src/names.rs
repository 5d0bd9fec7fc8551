//! Whole names in one cell ("Ann Marie Lee", "Lee, Ann Marie"), split into the given and family
//! names cadre keeps apart, in the order the sheet writes them.

use crate::records::UnknownWord;
use crate::text::fold;

/// The order of the names in a full-name cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NameSplit {
    /// "Ann Marie Lee".
    GivenFamily,
    /// "Lee Ann Marie".
    FamilyGiven,
    /// "Lee, Ann Marie".
    FamilyCommaGiven,
}

/// Lower-case words that begin a family name rather than end the given names: "Juan de la
/// Cruz" is Juan of the family "de la Cruz". Only as typed in lower case, so that a given name
/// such as "Van" or "Dos" in capitals is left alone.
const PARTICLES: &[&str] = &[
    "de", "del", "la", "las", "los", "van", "der", "den", "von", "da", "das", "do", "dos", "du",
    "des", "di", "le", "ter", "ten",
];

fn is_particle(word: &str) -> bool {
    PARTICLES.contains(&word)
}

impl NameSplit {
    pub const ALL: &'static [NameSplit] = &[
        NameSplit::GivenFamily,
        NameSplit::FamilyGiven,
        NameSplit::FamilyCommaGiven,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NameSplit::GivenFamily => "given family",
            NameSplit::FamilyGiven => "family given",
            NameSplit::FamilyCommaGiven => "family, given",
        }
    }

    /// Reads the order as [`NameSplit::as_str`] writes it, in any case, with `_` or `-` for the
    /// space and any spacing around the comma.
    pub fn parse(typed: &str) -> Result<NameSplit, UnknownWord> {
        let key = fold(&typed.replace(['_', '-'], " ")).replace(" ,", ",");
        let key = key.replace(", ", ",");
        match key.as_str() {
            "given family" => Ok(NameSplit::GivenFamily),
            "family given" => Ok(NameSplit::FamilyGiven),
            "family,given" => Ok(NameSplit::FamilyCommaGiven),
            _ => Err(UnknownWord {
                what: "name order",
                typed: typed.trim().to_string(),
                accepted: "\"given family\", \"family given\", \"family, given\"".to_string(),
            }),
        }
    }

    /// Splits a full name into (given, family), with single spaces between words. `None` when
    /// it cannot: a single word, a comma where none belongs (the cell is in another order, or
    /// carries a suffix: better asked about than split wrongly), or no comma, or more than one,
    /// for [`NameSplit::FamilyCommaGiven`].
    pub fn split(&self, full: &str) -> Option<(String, String)> {
        if *self == NameSplit::FamilyCommaGiven {
            let (family, given) = full.split_once(',')?;
            let (family, given) = (
                join(family.split_whitespace()),
                join(given.split_whitespace()),
            );
            if family.is_empty() || given.is_empty() || given.contains(',') {
                return None;
            }
            return Some((given, family));
        }
        if full.contains(',') {
            return None;
        }
        let words: Vec<&str> = full.split_whitespace().collect();
        if words.len() < 2 {
            return None;
        }
        // Where the family name starts (GivenFamily) or ends (FamilyGiven), keeping at least one
        // given name.
        let (given, family) = match self {
            NameSplit::GivenFamily => {
                let mut start = words.len() - 1;
                while start > 1 && is_particle(words[start - 1]) {
                    start -= 1;
                }
                (&words[..start], &words[start..])
            }
            _ => {
                let mut end = 0;
                while end < words.len() - 2 && is_particle(words[end]) {
                    end += 1;
                }
                (&words[end + 1..], &words[..=end])
            }
        };
        Some((join(given.iter().copied()), join(family.iter().copied())))
    }
}

impl std::fmt::Display for NameSplit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn join<'a>(words: impl Iterator<Item = &'a str>) -> String {
    words.collect::<Vec<_>>().join(" ")
}

/// The order a column of full names is most likely in: "family, given" when more than half of
/// the names that are not blank hold a comma, else "given family" (a sheet in "family given"
/// looks the same and must be said). `None` when every sample is blank.
pub fn propose_split(samples: &[&str]) -> Option<NameSplit> {
    let names: Vec<&str> = samples
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    if names.is_empty() {
        return None;
    }
    let commas = names.iter().filter(|s| s.contains(',')).count();
    Some(if commas * 2 > names.len() {
        NameSplit::FamilyCommaGiven
    } else {
        NameSplit::GivenFamily
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// "given|family", to compare with literals.
    fn split(order: NameSplit, full: &str) -> Option<String> {
        order.split(full).map(|(g, f)| format!("{g}|{f}"))
    }

    #[test]
    fn orders_by_name() {
        for &order in NameSplit::ALL {
            assert_eq!(NameSplit::parse(order.as_str()), Ok(order));
        }
        assert_eq!(
            NameSplit::parse(" Family ,Given "),
            Ok(NameSplit::FamilyCommaGiven)
        );
        assert_eq!(NameSplit::parse("given_family"), Ok(NameSplit::GivenFamily));
        assert!(NameSplit::parse("given").is_err());
    }

    #[test]
    fn each_order_splits_its_names() {
        use NameSplit::*;
        assert_eq!(
            split(GivenFamily, "Ann Marie Lee"),
            Some("Ann Marie|Lee".into())
        );
        assert_eq!(
            split(FamilyGiven, "Lee Ann Marie"),
            Some("Ann Marie|Lee".into())
        );
        assert_eq!(
            split(FamilyCommaGiven, "Lee, Ann Marie"),
            Some("Ann Marie|Lee".into())
        );
        assert_eq!(
            split(FamilyCommaGiven, "  Lee  Smith ,Ann   Marie "),
            Some("Ann Marie|Lee Smith".into())
        );
        assert_eq!(split(GivenFamily, " Ann   Lee "), Some("Ann|Lee".into()));
    }

    #[test]
    fn particles_stay_with_the_family_name() {
        use NameSplit::*;
        assert_eq!(
            split(GivenFamily, "Juan de la Cruz"),
            Some("Juan|de la Cruz".into())
        );
        assert_eq!(
            split(GivenFamily, "Anna Maria van der Berg"),
            Some("Anna Maria|van der Berg".into())
        );
        assert_eq!(
            split(GivenFamily, "Ludwig von Mises"),
            Some("Ludwig|von Mises".into())
        );
        assert_eq!(
            split(FamilyGiven, "van der Berg Anna"),
            Some("Anna|van der Berg".into())
        );
        assert_eq!(
            split(FamilyGiven, "de la Cruz Juan Carlos"),
            Some("Juan Carlos|de la Cruz".into())
        );
        // Capitalised, the word is a name of its own.
        assert_eq!(
            split(GivenFamily, "Ann Van Lee"),
            Some("Ann Van|Lee".into())
        );
        // A particle is never the whole given name.
        assert_eq!(split(GivenFamily, "de Souza"), Some("de|Souza".into()));
        assert_eq!(split(FamilyGiven, "de Souza"), Some("Souza|de".into()));
    }

    #[test]
    fn names_that_cannot_be_split() {
        use NameSplit::*;
        for order in [GivenFamily, FamilyGiven, FamilyCommaGiven] {
            assert_eq!(split(order, "Madonna"), None, "{order}");
            assert_eq!(split(order, "   "), None, "{order}");
        }
        assert_eq!(split(FamilyCommaGiven, "Ann Lee"), None);
        assert_eq!(split(FamilyCommaGiven, "Lee,"), None);
        assert_eq!(split(FamilyCommaGiven, ", Ann"), None);
        assert_eq!(split(FamilyCommaGiven, "Lee, Ann, Marie"), None);
        assert_eq!(split(GivenFamily, "Lee, Ann"), None);
        assert_eq!(split(FamilyGiven, "Ann Lee, Jr."), None);
    }

    #[test]
    fn the_split_follows_the_commas() {
        assert_eq!(
            propose_split(&["Lee, Ann", "Cruz, Juan", "Ann Lee", ""]),
            Some(NameSplit::FamilyCommaGiven)
        );
        assert_eq!(
            propose_split(&["Lee, Ann", "Juan Cruz"]),
            Some(NameSplit::GivenFamily),
            "half is not most"
        );
        assert_eq!(
            propose_split(&["Ann Lee", "Juan de la Cruz"]),
            Some(NameSplit::GivenFamily)
        );
        assert_eq!(propose_split(&["", "  "]), None);
        assert_eq!(propose_split(&[]), None);
    }
}
