//! What an import checks references against: the partners, departments, trainings and sessions
//! the store already holds, plus those earlier rows of the same file have added.

use std::collections::HashMap;

use crate::department::department_key;
use crate::text::fold;
use crate::PartialDate;

#[derive(Debug, Clone, Default)]
pub struct Lookups {
    /// Folded name or short name -> canonical partner name.
    partners: HashMap<String, String>,
    /// Department key of a name or alias -> canonical department name.
    departments: HashMap<String, String>,
    /// Training code -> start dates of its sessions (looked up for every attendance row, so
    /// with the fast hasher).
    trainings: HashMap<String, Vec<PartialDate>, foldhash::fast::FixedState>,
}

impl Lookups {
    pub fn add_partner(&mut self, name: &str, short_name: Option<&str>) {
        self.partners.insert(fold(name), name.to_string());
        if let Some(short) = short_name {
            self.partners.insert(fold(short), name.to_string());
        }
    }

    /// The canonical name of the partner called `typed` (by name or short name, any case).
    pub fn partner(&self, typed: &str) -> Option<&str> {
        self.partners.get(&fold(typed)).map(String::as_str)
    }

    pub fn add_department(&mut self, name: &str) {
        self.departments
            .insert(department_key(name), name.to_string());
    }

    pub fn add_department_alias(&mut self, alias: &str, name: &str) {
        self.departments
            .insert(department_key(alias), name.to_string());
    }

    /// The canonical name of the department called `typed`, by its name or an alias.
    pub fn department(&self, typed: &str) -> Option<&str> {
        self.departments
            .get(&department_key(typed))
            .map(String::as_str)
    }

    /// The department a person probably meant by `typed`: one whose initials it is ("RPF"
    /// for a "Royal ... Police Force"), or whose name holds it or is held by it.
    pub fn closest_department(&self, typed: &str) -> Option<String> {
        let key = department_key(typed);
        if key.is_empty() {
            return None;
        }
        let mut names: Vec<&String> = self.departments.values().collect();
        names.sort();
        names.dedup();
        let initials = |name: &str| -> String {
            name.split_whitespace()
                .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
                .filter_map(|w| w.chars().next())
                .collect::<String>()
                .to_lowercase()
        };
        names
            .iter()
            .find(|n| initials(n) == key.replace(' ', ""))
            .or_else(|| {
                names.iter().find(|n| {
                    let k = department_key(n);
                    k.contains(&key) || key.contains(&k)
                })
            })
            .map(|n| n.to_string())
    }

    pub fn add_training(&mut self, code: &str) {
        self.trainings.entry(code.to_string()).or_default();
    }

    pub fn add_session(&mut self, code: &str, start: PartialDate) {
        let sessions = self.trainings.entry(code.to_string()).or_default();
        if !sessions.contains(&start) {
            sessions.push(start);
        }
    }

    /// The session start dates of a training, or `None` when no training has that code.
    pub fn sessions(&self, code: &str) -> Option<&[PartialDate]> {
        self.trainings.get(code).map(Vec::as_slice)
    }
}
