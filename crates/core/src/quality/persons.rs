//! Likely duplicate persons: two records that are probably one officer. The store keeps one
//! record per e-mail, and one per name and country for persons without one, so what is left
//! to find is what those keys miss: the same name and country under two e-mails (a work and a
//! private address), and the same mailbox written two ways (a `+tag`, a letter typed with a
//! combining accent) under other names.
//!
//! Findings carry ids only, never a name: the page that lists them looks the names up for
//! those who may see them.

use std::collections::HashMap;

use super::{Finding, Param, Rule};

/// What the rules read of a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonKey {
    pub id: i64,
    pub given_name: String,
    pub family_name: String,
    pub email: Option<String>,
    /// Alpha-2 code.
    pub country: Option<String>,
}

/// The name a rule compares: case, accents and spacing aside.
fn name_of(p: &PersonKey) -> String {
    let mut key = crate::text::search_key(&p.given_name);
    key.push('|');
    key.push_str(&crate::text::search_key(&p.family_name));
    key
}

/// The mailbox an address reaches: NFC, lower case, without a `+tag` after the local part.
pub fn mailbox(email: &str) -> Option<String> {
    let folded = crate::text::fold(email);
    let (local, domain) = folded.rsplit_once('@')?;
    let local = local.split('+').next().unwrap_or(local);
    (!local.is_empty() && !domain.is_empty()).then(|| format!("{local}@{domain}"))
}

/// Every likely duplicate, each against the first record of its group (lowest id), in order of
/// id. A person with no name (erased) is never matched by name.
pub fn duplicates(persons: &[PersonKey]) -> Vec<Finding> {
    let mut by_name: HashMap<(String, String), Vec<usize>> = HashMap::new();
    let mut by_mailbox: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, p) in persons.iter().enumerate() {
        if !(p.given_name.trim().is_empty() && p.family_name.trim().is_empty()) {
            if let Some(country) = &p.country {
                by_name
                    .entry((name_of(p), country.to_ascii_uppercase()))
                    .or_default()
                    .push(i);
            }
        }
        if let Some(m) = p.email.as_deref().and_then(mailbox) {
            by_mailbox.entry(m).or_default().push(i);
        }
    }
    let mut found = Vec::new();
    let email_key = |p: &PersonKey| p.email.as_deref().and_then(crate::person::email_key);
    // Each record of a group against the group's first (lowest id), when `pair` finds one.
    let mut against_first =
        |groups: Vec<&Vec<usize>>, pair: &dyn Fn(&PersonKey, &PersonKey) -> Option<Finding>| {
            for group in groups.into_iter().filter(|g| g.len() > 1) {
                let first = &persons[*group
                    .iter()
                    .min_by_key(|&&i| persons[i].id)
                    .unwrap_or(&group[0])];
                for &i in group {
                    let p = &persons[i];
                    if let Some(mut f) = pair(p, first).filter(|_| p.id != first.id) {
                        f.person = Some(p.id);
                        found.push(f);
                    }
                }
            }
        };
    let other = |first: &PersonKey| Param::Count(first.id.unsigned_abs());
    // Under one e-mail they are one record already; two records without one cannot share a
    // name and country.
    against_first(by_name.values().collect(), &|p, first| {
        (email_key(p) != email_key(first))
            .then(|| Finding::new(Rule::DuplicatePersonName, None).with("other", other(first)))
    });
    against_first(by_mailbox.values().collect(), &|p, first| {
        Some(
            Finding::new(Rule::DuplicatePersonEmail, None)
                .with("other", other(first))
                .with("same_name", Param::Flag(name_of(p) == name_of(first))),
        )
    });
    // Names that look Latin but hold letters of another script that look the same (a
    // Cyrillic "а" in "Ana"): the same name and country written in Latin letters is likely
    // the same person; without one, the name is flagged all the same.
    let mut by_skeleton: HashMap<(String, String), i64> = HashMap::new();
    for p in persons.iter().filter(|p| !looks_mixed(p)) {
        if let Some(country) = &p.country {
            let key = (skeleton(&name_of(p)), country.to_ascii_uppercase());
            let id = by_skeleton.entry(key).or_insert(p.id);
            *id = (*id).min(p.id);
        }
    }
    for p in persons.iter().filter(|p| looks_mixed(p)) {
        let twin = p
            .country
            .as_ref()
            .and_then(|c| by_skeleton.get(&(skeleton(&name_of(p)), c.to_ascii_uppercase())));
        let mut f = Finding::new(Rule::LookAlikeLetters, None);
        if let Some(&other) = twin {
            f = f.with("other", Param::Count(other.unsigned_abs()));
        }
        f.person = Some(p.id);
        found.push(f);
    }
    for p in persons {
        let unseen = [&p.given_name, &p.family_name]
            .into_iter()
            .chain(p.email.as_ref())
            .any(|t| t.chars().any(crate::text::is_format));
        if unseen {
            let mut f = Finding::new(Rule::UnseenCharacters, None);
            f.person = Some(p.id);
            found.push(f);
        }
    }
    found.sort_by_key(|f| (f.person, f.rule));
    found
}

/// Letters of other scripts that are drawn like Latin ones, and the Latin letter each looks
/// like: enough to catch a name typed (or forged) with a Cyrillic or Greek keyboard's
/// look-alikes, not a full confusables table.
const LOOK_ALIKES: &[(char, char)] = &[
    // Cyrillic.
    ('а', 'a'),
    ('в', 'b'),
    ('е', 'e'),
    ('ё', 'e'),
    ('і', 'i'),
    ('ј', 'j'),
    ('к', 'k'),
    ('м', 'm'),
    ('н', 'h'),
    ('о', 'o'),
    ('р', 'p'),
    ('с', 'c'),
    ('т', 't'),
    ('у', 'y'),
    ('х', 'x'),
    ('ѕ', 's'),
    ('ԁ', 'd'),
    ('һ', 'h'),
    ('ԛ', 'q'),
    ('ԝ', 'w'),
    // Greek.
    ('α', 'a'),
    ('ο', 'o'),
    ('ν', 'v'),
    ('ι', 'i'),
    ('κ', 'k'),
    ('ρ', 'p'),
    ('τ', 't'),
    ('υ', 'u'),
    ('χ', 'x'),
    ('β', 'b'),
    ('ε', 'e'),
    ('η', 'n'),
    ('μ', 'u'),
    ('ζ', 'z'),
];

fn look_alike(c: char) -> Option<char> {
    LOOK_ALIKES.iter().find(|(o, _)| *o == c).map(|(_, l)| *l)
}

/// The name with every look-alike written as the Latin letter it looks like (already folded
/// to lower case by `name_of`).
fn skeleton(name: &str) -> String {
    name.chars().map(|c| look_alike(c).unwrap_or(c)).collect()
}

/// A name that mixes Latin letters with look-alikes from another script. A name written
/// wholly in Cyrillic or Greek is a name in that script, not a look-alike.
fn looks_mixed(p: &PersonKey) -> bool {
    let name = name_of(p);
    let latin = name.chars().any(|c| c.is_ascii_alphabetic());
    let other_script = name
        .chars()
        .filter(|c| c.is_alphabetic() && !c.is_ascii())
        .filter(|c| !crate::text::strip_accents(&c.to_string()).is_ascii())
        .collect::<Vec<_>>();
    latin && !other_script.is_empty() && other_script.iter().all(|&c| look_alike(c).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(id: i64, given: &str, family: &str, email: Option<&str>, country: &str) -> PersonKey {
        PersonKey {
            id,
            given_name: given.into(),
            family_name: family.into(),
            email: email.map(str::to_string),
            country: (!country.is_empty()).then(|| country.to_string()),
        }
    }

    fn found(persons: &[PersonKey]) -> Vec<(i64, &'static str, u64)> {
        duplicates(persons)
            .iter()
            .map(|f| (f.person.unwrap(), f.rule.code(), f.n("other")))
            .collect()
    }

    #[test]
    fn look_alike_letters_and_unseen_characters_are_flagged() {
        let persons = [
            p(1, "Ana", "Rivera", Some("ana@police.gov.bb"), "BB"),
            // A Cyrillic "а" twice in the given name: looks like Ana Rivera of Barbados.
            p(
                2,
                "\u{430}n\u{430}",
                "Rivera",
                Some("ana.r@gmail.com"),
                "BB",
            ),
            // The same look-alike, and no Latin twin.
            p(3, "B\u{435}n", "Cole", None, "JM"),
            // A name in Cyrillic is a name, not a look-alike.
            p(4, "Анна", "Иванова", None, "JM"),
            // A zero-width space in the family name.
            p(5, "Dan", "Ro\u{200b}ss", None, "BZ"),
            // Accented Latin letters are Latin.
            p(6, "José", "Núñez", None, "BZ"),
        ];
        let found: Vec<(i64, &str)> = duplicates(&persons)
            .iter()
            .map(|f| (f.person.unwrap(), f.rule.code()))
            .collect();
        assert_eq!(
            found,
            vec![
                (2, "look_alike_letters"),
                (3, "look_alike_letters"),
                (5, "unseen_characters")
            ]
        );
        let twin = duplicates(&persons)
            .into_iter()
            .find(|f| f.person == Some(2))
            .unwrap();
        assert_eq!(twin.n("other"), 1);
    }

    #[test]
    fn the_same_name_and_country_under_other_emails() {
        let persons = [
            p(1, "Anne-Marie", "Joseph", Some("amj@police.gov.lc"), "LC"),
            p(
                2,
                "anne-marie ",
                "JOSÉPH",
                Some("annemarie@gmail.com"),
                "LC",
            ),
            p(3, "Anne-Marie", "Joseph", Some("amj@customs.gov.tt"), "TT"),
            p(4, "Anne-Marie", "Joseph", None, "LC"),
        ];
        assert_eq!(
            found(&persons),
            vec![
                (2, "duplicate_person_name", 1),
                (4, "duplicate_person_name", 1)
            ],
            "another country is another person"
        );
    }

    #[test]
    fn no_country_or_no_name_is_not_matched_by_name() {
        let persons = [
            p(1, "Kim", "Lee", Some("a@x.org"), ""),
            p(2, "Kim", "Lee", Some("b@x.org"), ""),
            p(3, "", "", Some("c@x.org"), "JM"),
            p(4, "", "", Some("d@x.org"), "JM"),
        ];
        assert!(found(&persons).is_empty());
    }

    #[test]
    fn the_same_mailbox_written_two_ways() {
        let persons = [
            p(5, "Jose", "Diaz", Some("jose.diaz@mns.gov.bz"), "BZ"),
            p(
                9,
                "J.",
                "Diaz-Ruiz",
                Some("Jose.Diaz+training@mns.gov.bz"),
                "BZ",
            ),
            p(7, "José", "Díaz", Some("jose\u{301}@x.org"), "BZ"),
            p(8, "Josefa", "Díaz", Some("jos\u{e9}@x.org"), "BZ"),
            p(10, "Other", "Person", Some("jose.diaz@mns.gov.gy"), "GY"),
        ];
        let f = duplicates(&persons);
        let got: Vec<_> = f
            .iter()
            .map(|f| {
                (
                    f.person.unwrap(),
                    f.rule.code(),
                    f.n("other"),
                    f.flag("same_name"),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (7, "duplicate_person_name", 5, false),
                (8, "duplicate_person_email", 7, false),
                (9, "duplicate_person_email", 5, false),
            ],
            "another domain is another mailbox; José Díaz is Jose Diaz by name"
        );
    }

    #[test]
    fn mailboxes() {
        assert_eq!(mailbox(" A.B+x@Y.org "), Some("a.b@y.org".into()));
        assert_eq!(mailbox("no-at-sign"), None);
        assert_eq!(mailbox("+tag@y.org"), None);
    }
}
