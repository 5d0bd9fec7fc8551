//! The persons of the attendance records as the breakdowns need them: dense arrays by id with
//! countries and departments interned, a builder from stored codes, and a bitset of unique persons.

use std::collections::{HashMap, HashSet};

use crate::person::Gender;

/// Who a person is, as far as the breakdowns need.
pub type PersonId = i64;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonFacts {
    pub gender: Option<Gender>,
    pub country: Option<String>,
    pub department: Option<String>,
}

/// The persons of the attendance records, held by id in one dense array with countries and
/// departments interned: a period of millions of participations is counted with array lookups,
/// not string maps.
#[derive(Debug, Clone, Default)]
pub struct Persons {
    pub(super) cells: Vec<Cell>,
    pub(super) countries: Interner,
    pub(super) departments: Interner,
}

/// One person's facts, together: counting a training's attendees reads one place in memory a
/// person rather than three (their ids are far apart, so each read is a cache miss).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Cell {
    /// 0 absent, 1 gender not recorded, 2 male, 3 female.
    pub(super) gender: u8,
    /// 0 none, else 1 + index into `countries`.
    pub(super) country: u16,
    /// 0 none, else 1 + index into `departments`.
    pub(super) department: u16,
}

/// Names numbered in the order they are first seen.
#[derive(Debug, Clone, Default)]
pub(super) struct Interner {
    pub(super) names: Vec<String>,
    index: HashMap<String, u16>,
}

impl Interner {
    /// 1 + the index of `name`, added if new.
    pub(super) fn intern(&mut self, name: &str) -> u16 {
        if let Some(&i) = self.index.get(name) {
            return i + 1;
        }
        let i = self.names.len() as u16;
        self.names.push(name.to_string());
        self.index.insert(name.to_string(), i);
        i + 1
    }

    /// 1 + the index of `name`, or 0 if it was never numbered.
    pub(super) fn code(&self, name: &str) -> u16 {
        self.index.get(name).map_or(0, |&i| i + 1)
    }

    pub(super) fn name(&self, code: u16) -> &str {
        &self.names[usize::from(code - 1)]
    }
}

impl Persons {
    pub fn with_capacity(max_id: usize) -> Persons {
        Persons {
            cells: Vec::with_capacity(max_id + 1),
            ..Default::default()
        }
    }

    /// The cell of this id, the arrays grown to hold it.
    pub(super) fn cell_mut(&mut self, i: usize) -> &mut Cell {
        if i >= self.cells.len() {
            self.cells.resize(i + 1, Cell::default());
        }
        &mut self.cells[i]
    }

    pub fn insert(&mut self, id: PersonId, facts: PersonFacts) {
        let Ok(i) = usize::try_from(id) else { return };
        let cell = Cell {
            gender: match facts.gender {
                None => 1,
                Some(Gender::Male) => 2,
                Some(Gender::Female) => 3,
            },
            country: facts
                .country
                .as_deref()
                .map_or(0, |c| self.countries.intern(c)),
            department: facts
                .department
                .as_deref()
                .map_or(0, |d| self.departments.intern(d)),
        };
        *self.cell_mut(i) = cell;
    }

    pub fn get(&self, id: PersonId) -> Option<PersonFacts> {
        let i = usize::try_from(id).ok()?;
        let cell = self.cells.get(i).filter(|c| c.gender != 0)?;
        Some(PersonFacts {
            gender: match cell.gender {
                2 => Some(Gender::Male),
                3 => Some(Gender::Female),
                _ => None,
            },
            country: (cell.country > 0).then(|| self.countries.name(cell.country).to_string()),
            department: (cell.department > 0)
                .then(|| self.departments.name(cell.department).to_string()),
        })
    }

    /// How many ids the arrays cover.
    pub fn id_bound(&self) -> usize {
        self.cells.len()
    }
}

/// Fills [`Persons`] straight from stored codes, without a string per person: a country is
/// looked up by its two bytes in a table, a department by its id, each interned once.
pub struct PersonsBuilder {
    persons: Persons,
    /// Interned country (0 = not yet seen) by its two ASCII bytes as a u16.
    country_codes: Vec<u16>,
    /// Interned department by the store's department id.
    department_codes: HashMap<u32, u16>,
}

impl Persons {
    pub fn builder(id_bound: usize) -> PersonsBuilder {
        PersonsBuilder {
            persons: Persons {
                cells: vec![Cell::default(); id_bound],
                ..Default::default()
            },
            country_codes: vec![0; 1 << 16],
            department_codes: HashMap::new(),
        }
    }
}

impl PersonsBuilder {
    /// The interned code of a department known by the store's id and name.
    pub fn department(&mut self, id: u32, name: &str) -> u16 {
        let departments = &mut self.persons.departments;
        *self
            .department_codes
            .entry(id)
            .or_insert_with(|| departments.intern(name))
    }

    /// `gender`: 1 not recorded, 2 male, 3 female; `department` from [`PersonsBuilder::department`], 0 for none.
    pub fn set(&mut self, id: usize, gender: u8, country: Option<[u8; 2]>, department: u16) {
        let p = &mut self.persons;
        let country = match country {
            Some(code) => {
                let slot = &mut self.country_codes[usize::from(u16::from_le_bytes(code))];
                if *slot == 0 {
                    *slot = p
                        .countries
                        .intern(std::str::from_utf8(&code).unwrap_or("??"));
                }
                *slot
            }
            None => 0,
        };
        *p.cell_mut(id) = Cell {
            gender: gender.clamp(1, 3),
            country,
            department,
        };
    }

    pub fn finish(self) -> Persons {
        self.persons
    }
}

impl FromIterator<(PersonId, PersonFacts)> for Persons {
    fn from_iter<I: IntoIterator<Item = (PersonId, PersonFacts)>>(iter: I) -> Persons {
        let mut persons = Persons::default();
        for (id, facts) in iter {
            persons.insert(id, facts);
        }
        persons
    }
}

/// Unique persons: one bit per person id.
pub(super) struct PersonSet {
    bits: Vec<u64>,
    /// Ids beyond the persons' arrays (a store that handed persons it did not describe).
    outside: HashSet<PersonId>,
}

impl PersonSet {
    pub(super) fn new(bound: usize) -> PersonSet {
        PersonSet {
            bits: vec![0; bound / 64 + 1],
            outside: HashSet::new(),
        }
    }

    pub(super) fn extend(&mut self, ids: &[PersonId]) {
        for &id in ids {
            match usize::try_from(id) {
                Ok(i) if i / 64 < self.bits.len() => self.bits[i / 64] |= 1 << (i % 64),
                _ => {
                    self.outside.insert(id);
                }
            }
        }
    }

    pub(super) fn contains(&self, id: PersonId) -> bool {
        match usize::try_from(id) {
            Ok(i) if i / 64 < self.bits.len() => self.bits[i / 64] & (1 << (i % 64)) != 0,
            _ => self.outside.contains(&id),
        }
    }

    pub(super) fn union(&mut self, other: &PersonSet) {
        for (a, b) in self.bits.iter_mut().zip(&other.bits) {
            *a |= b;
        }
        self.outside.extend(other.outside.iter().copied());
    }

    pub(super) fn len(&self) -> u64 {
        self.bits
            .iter()
            .map(|w| u64::from(w.count_ones()))
            .sum::<u64>()
            + self.outside.len() as u64
    }
}
