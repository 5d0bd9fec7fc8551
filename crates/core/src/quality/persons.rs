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
    found.sort_by_key(|f| (f.person, f.rule));
    found
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
