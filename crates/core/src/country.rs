//! Countries: ISO 3166-1 for the whole world, with the Caribbean groups the agency reports by
//! (CARICOM member and associate states, OECS, CBSI, CARIFORUM), and the lookup that accepts a
//! country as people type it.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::text::{fold, strip_accents};

/// ISO 3166-1 codes and English names (from Debian's iso-codes).
const ISO_3166: &str = include_str!("../../../data/iso3166.tsv");
/// The agency's own names and groups for the countries it works with.
const REGIONAL: &str = include_str!("../../../data/countries.csv");
/// Every country's name in English, Spanish, French and Dutch, the agency's languages, from
/// the Unicode CLDR (`scripts/make-country-names.py`): partners' sheets write "Trinidad y
/// Tobago", "Jamaïque", "Bahama's".
const CLDR_NAMES: &str = include_str!("../../../data/country-names.tsv");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Country {
    /// ISO 3166-1 alpha-2 code: the key cadre stores.
    pub code: String,
    pub alpha3: String,
    /// The English name the agency publishes.
    pub name: String,
    /// Groups such as `CARICOM-MS` or `OECS`; empty outside the region.
    pub groups: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CountryError {
    #[error("country is blank")]
    Blank,
    #[error(
        "unknown country \"{0}\": use an ISO 3166 code (BB, BRB) or its name in English, Spanish, French or Dutch (Barbados, Barbade)"
    )]
    Unknown(String),
}

/// All countries, with every accepted spelling indexed.
#[derive(Debug)]
pub struct Countries {
    list: Vec<Country>,
    by_key: HashMap<String, usize>,
}

impl Countries {
    /// The registry compiled into cadre, built once.
    pub fn get() -> &'static Countries {
        static REGISTRY: OnceLock<Countries> = OnceLock::new();
        REGISTRY.get_or_init(Countries::build)
    }

    fn build() -> Countries {
        let mut list = Vec::new();
        let mut spellings: Vec<(String, usize)> = Vec::new();
        for line in ISO_3166.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            let f: Vec<&str> = line.split('\t').collect();
            let (code, alpha3, name) = (f[0], f[1], f[2]);
            let idx = list.len();
            let common = f.get(3).copied().unwrap_or("");
            let official = f.get(4).copied().unwrap_or("");
            // The display name prefers the short common name ("Bolivia") to the formal one.
            let display = if common.is_empty() { name } else { common };
            list.push(Country {
                code: code.to_string(),
                alpha3: alpha3.to_string(),
                name: display.to_string(),
                groups: Vec::new(),
            });
            for spelling in [name, common, official] {
                if !spelling.is_empty() {
                    spellings.push((spelling.to_string(), idx));
                    // "Virgin Islands, British" is said "British Virgin Islands".
                    if let Some((head, tail)) = spelling.split_once(", ") {
                        spellings.push((format!("{tail} {head}"), idx));
                    }
                }
            }
        }
        let mut by_code: HashMap<String, usize> = list
            .iter()
            .enumerate()
            .map(|(i, c)| (c.code.clone(), i))
            .collect();
        for line in REGIONAL.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            let mut f = line.splitn(3, ',');
            let code = f.next().unwrap_or("").trim();
            let name = f.next().unwrap_or("").trim();
            let groups = f.next().unwrap_or("");
            let idx = *by_code.entry(code.to_string()).or_insert_with(|| {
                list.push(Country {
                    code: code.to_string(),
                    alpha3: String::new(),
                    name: name.to_string(),
                    groups: Vec::new(),
                });
                list.len() - 1
            });
            list[idx].name = name.to_string();
            list[idx].groups = crate::text::split_list(groups)
                .map(str::to_string)
                .collect();
            spellings.push((name.to_string(), idx));
        }
        // Names people commonly use that are in neither list.
        for (alias, code) in [
            ("USA", "US"),
            ("United States of America", "US"),
            ("UK", "GB"),
            ("Great Britain", "GB"),
            ("England", "GB"),
            ("St Vincent", "VC"),
            ("SVG", "VC"),
            ("St Kitts", "KN"),
            ("Saint Christopher and Nevis", "KN"),
            ("T&T", "TT"),
            ("Trinidad", "TT"),
            ("Antigua", "AG"),
            ("Turks and Caicos", "TC"),
            ("BVI", "VG"),
            ("Dutch Sint Maarten", "SX"),
            ("Holland", "NL"),
            ("Venezuela", "VE"),
            ("Russia", "RU"),
            // Usual forms in the agency's other languages that CLDR does not give.
            ("EE. UU.", "US"),
            ("EEUU", "US"),
            ("Holanda", "NL"),
            ("Hollande", "NL"),
            ("Saint-Kitts-et-Nevis", "KN"),
            ("San Cristóbal y Nevis", "KN"),
            ("San Vicente", "VC"),
            ("Saint-Vincent", "VC"),
            ("Trinité", "TT"),
        ] {
            if let Some(&idx) = by_code.get(code) {
                spellings.push((alias.to_string(), idx));
            }
        }
        for line in CLDR_NAMES.lines().skip(1) {
            let mut f = line.split('\t');
            let (Some(code), Some(_language), Some(name)) = (f.next(), f.next(), f.next()) else {
                continue;
            };
            if let Some(&idx) = by_code.get(code) {
                spellings.push((name.to_string(), idx));
                // "Saint-Martin (partie néerlandaise)" is also said without its precision,
                // unless another country has that name (the first to claim a name keeps it).
                if let Some((short, _)) = name.split_once(" (") {
                    spellings.push((short.to_string(), idx));
                }
            }
        }
        let mut by_key = HashMap::new();
        for (i, c) in list.iter().enumerate() {
            by_key.insert(c.code.to_ascii_lowercase(), i);
            if !c.alpha3.is_empty() {
                by_key.insert(c.alpha3.to_ascii_lowercase(), i);
            }
        }
        // Codes win over names: "BB" is Barbados even if some name folded to "bb".
        for (spelling, idx) in spellings {
            by_key.entry(name_key(&spelling)).or_insert(idx);
        }
        Countries { list, by_key }
    }

    /// Finds a country by ISO alpha-2 or alpha-3 code or by its English name, in any case, with
    /// St./St/Saint, "&"/"and" and a leading "The" all accepted.
    pub fn lookup(&self, typed: &str) -> Result<&Country, CountryError> {
        let trimmed = typed.trim();
        if trimmed.is_empty() {
            return Err(CountryError::Blank);
        }
        let code = trimmed.to_ascii_lowercase();
        if let Some(&i) = self.by_key.get(&code) {
            return Ok(&self.list[i]);
        }
        self.by_key
            .get(&name_key(trimmed))
            .map(|&i| &self.list[i])
            .ok_or_else(|| CountryError::Unknown(trimmed.to_string()))
    }

    /// The country with this alpha-2 code, if cadre knows it.
    pub fn by_code(&self, code: &str) -> Option<&Country> {
        self.by_key
            .get(&code.to_ascii_lowercase())
            .map(|&i| &self.list[i])
            .filter(|c| c.code.eq_ignore_ascii_case(code))
    }

    pub fn all(&self) -> &[Country] {
        &self.list
    }
}

/// The form of a country name that spelling variants share: accents folded, punctuation
/// dropped, "&" read as "and", "St"/"St." read as "Saint", a leading "The" dropped.
fn name_key(name: &str) -> String {
    let plain: String = strip_accents(name)
        .replace('&', " and ")
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let folded = fold(&plain);
    let mut words: Vec<&str> = folded
        .split(' ')
        .map(|w| match w {
            "st" => "saint",
            // Abbreviations in Spanish and French: "Sta. Lucía", "Ste-Lucie", "Sto. Domingo".
            "sta" => "santa",
            "sto" => "santo",
            "ste" => "sainte",
            w => w,
        })
        .collect();
    if words.len() > 1 && words[0] == "the" {
        words.remove(0);
    }
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(typed: &str) -> String {
        Countries::get()
            .lookup(typed)
            .map(|c| c.code.clone())
            .unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn codes_in_any_case() {
        assert_eq!(code("BB"), "BB");
        assert_eq!(code("bb"), "BB");
        assert_eq!(code(" brb "), "BB");
        assert_eq!(code("TTO"), "TT");
    }

    #[test]
    fn names_and_their_common_short_forms() {
        for typed in [
            "Saint Kitts and Nevis",
            "St. Kitts and Nevis",
            "St Kitts & Nevis",
            "ST KITTS AND NEVIS",
            "saint  kitts and nevis",
        ] {
            assert_eq!(code(typed), "KN", "{typed}");
        }
        for typed in ["The Bahamas", "Bahamas", "the bahamas", "THE BAHAMAS"] {
            assert_eq!(code(typed), "BS", "{typed}");
        }
        assert_eq!(code("St. Vincent & the Grenadines"), "VC");
        assert_eq!(code("Trinidad & Tobago"), "TT");
        assert_eq!(code("British Virgin Islands"), "VG");
        assert_eq!(code("Virgin Islands, British"), "VG");
        assert_eq!(code("Curacao"), "CW");
        assert_eq!(code("Curaçao"), "CW");
        assert_eq!(code("Curac\u{327}ao"), "CW", "typed on a Mac");
        assert_eq!(code("Re\u{301}union"), "RE");
        assert_eq!(code("Bolivia"), "BO");
        assert_eq!(code("Antigua & Barbuda"), "AG");
    }

    #[test]
    fn the_regional_names_and_groups_are_used() {
        let bs = Countries::get().lookup("BS").unwrap();
        assert_eq!(bs.name, "The Bahamas");
        assert_eq!(bs.groups, ["CARICOM-MS", "CBSI"]);
        let ai = Countries::get().lookup("Anguilla").unwrap();
        assert_eq!(ai.groups, ["CARICOM-AMS", "OECS-AM"]);
        assert!(Countries::get().lookup("France").unwrap().groups.is_empty());
        assert_eq!(Countries::get().all().len(), 249);
    }

    #[test]
    fn names_in_the_agencys_languages() {
        for (typed, expected) in [
            ("Trinidad y Tobago", "TT"),
            ("Trinité-et-Tobago", "TT"),
            ("Trinidad en Tobago", "TT"),
            ("Santa Lucía", "LC"),
            ("Sta. Lucía", "LC"),
            ("Sainte-Lucie", "LC"),
            ("San Cristóbal y Nieves", "KN"),
            ("Saint-Christophe-et-Niévès", "KN"),
            ("Saint Kitts en Nevis", "KN"),
            ("Jamaïque", "JM"),
            ("Bahama's", "BS"),
            ("Bahama’s", "BS"),
            ("Curazao", "CW"),
            ("Surinam", "SR"),
            ("Haïti", "HT"),
            ("Barbade", "BB"),
            ("Granada", "GD"),
            ("Dominique", "DM"),
            ("República Dominicana", "DO"),
            ("Belice", "BZ"),
            ("Guyane française", "GF"),
            ("Estados Unidos", "US"),
            ("Verenigd Koninkrijk", "GB"),
            ("Islas Vírgenes Británicas", "VG"),
            ("Sint-Maarten", "SX"),
            // Without its accents, as many keyboards type it.
            ("Republica Dominicana", "DO"),
            ("Haiti", "HT"),
            ("Saint-Kitts-et-Nevis", "KN"),
            ("EE. UU.", "US"),
            ("Holanda", "NL"),
        ] {
            assert_eq!(code(typed), expected, "{typed}");
        }
        // Saint-Martin is the French part; the Dutch part keeps its own names.
        assert_eq!(code("Saint-Martin"), "MF");
    }

    #[test]
    fn unknown_and_blank_are_errors() {
        assert_eq!(
            Countries::get().lookup("Atlantis").unwrap_err(),
            CountryError::Unknown("Atlantis".into())
        );
        assert_eq!(
            Countries::get().lookup("  ").unwrap_err(),
            CountryError::Blank
        );
        assert!(Countries::get().lookup("XX").is_err());
    }
}
