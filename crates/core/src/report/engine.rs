//! The report engine kept warm for a long-running process: every training's share worked out
//! once, and the persons of each month's trainings kept as a set.

use std::collections::{BTreeMap, HashMap};

use super::assemble::assemble;
use super::count::{listing_key, prepare, prepare_all, Names, Prepared, Scratch};
use super::model::{CountSource, GenderCounts, PartnerInfo, Report, ReportInput, TrainingFacts};
use super::period::Period;
use super::persons::{PersonFacts, PersonId, PersonSet, Persons};
use crate::date::Date;
use crate::person::Gender;
use crate::records::PublishedFigure;

/// A report engine kept warm, as a long-running process (the web application) holds it: every
/// training's share is worked out once, and the persons of each month's trainings are kept as a
/// set, so a report for any period adds up a few thousand numbers and joins a few sets.
/// It gives exactly what [`build`](super::build) gives for the same input and period.
pub struct Engine {
    input: ReportInput,
    prepared: Vec<Prepared>,
    names: Names,
    /// Training indexes in listing order.
    order: Vec<usize>,
    /// Persons of the trainings with records, by the (year, month) of the first day they start.
    months: BTreeMap<(i32, u8), PersonSet>,
    /// Training indexes by the store's id.
    by_id: HashMap<i64, usize>,
}

/// One training's share of the reports it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainingShare {
    pub source: CountSource,
    pub counts: Option<GenderCounts>,
    /// Countries (alpha-2) with the participants from records in each (0 where only the
    /// training's list names it).
    pub countries: Vec<(String, u64)>,
    pub departments: Vec<(String, u64)>,
    pub notes: Vec<crate::quality::Finding>,
}

/// The month whose set holds a training's persons, if any.
fn month_of(t: &TrainingFacts, p: &Prepared) -> Option<(i32, u8)> {
    match (t.record.start, p.source) {
        (Some(start), CountSource::Records) => {
            let first = start.first_day();
            Some((first.year, first.month))
        }
        _ => None,
    }
}

impl Engine {
    pub fn new(input: ReportInput) -> Engine {
        let mut names = Names {
            countries: input.persons.countries.clone(),
            departments: input.persons.departments.clone(),
        };
        let all: Vec<&TrainingFacts> = input.trainings.iter().collect();
        let prepared = prepare_all(&all, &input.persons, &mut names);
        let mut order: Vec<usize> = (0..input.trainings.len()).collect();
        order.sort_by(|&a, &b| {
            listing_key(&input.trainings[a]).cmp(&listing_key(&input.trainings[b]))
        });
        let mut months: BTreeMap<(i32, u8), PersonSet> = BTreeMap::new();
        for (t, p) in input.trainings.iter().zip(&prepared) {
            if let (Some(start), CountSource::Records) = (t.record.start, p.source) {
                let first = start.first_day();
                months
                    .entry((first.year, first.month))
                    .or_insert_with(|| PersonSet::new(input.persons.id_bound()))
                    .extend(&t.participants);
            }
        }
        let by_id = index_by_id(&input.trainings);
        Engine {
            input,
            prepared,
            names,
            order,
            months,
            by_id,
        }
    }

    /// The trainings it holds, in no particular order.
    pub fn trainings(&self) -> &[TrainingFacts] {
        &self.input.trainings
    }

    /// The training with this store id.
    pub fn training(&self, id: i64) -> Option<&TrainingFacts> {
        self.by_id.get(&id).map(|&i| &self.input.trainings[i])
    }

    /// What a training contributes to any report it is in (its page shows it): participants
    /// and where the count comes from, the countries and departments reached, its notes.
    pub fn share(&self, id: i64) -> Option<TrainingShare> {
        let &i = self.by_id.get(&id)?;
        let p = &self.prepared[i];
        let named = |codes: &[(u16, u64)], names: &super::persons::Interner| {
            codes
                .iter()
                .filter(|(c, _)| *c > 0)
                .map(|&(c, n)| (names.name(c).to_string(), n))
                .collect()
        };
        Some(TrainingShare {
            source: p.source,
            counts: p.counts,
            countries: named(&p.countries, &self.names.countries),
            departments: named(&p.departments, &self.names.departments),
            notes: p.notes.clone(),
        })
    }

    /// The trainings (by store id) whose attendance records show participants from this
    /// country (alpha-2): a training's countries are those it lists and those its attendance
    /// shows, and a filter by country finds both.
    pub fn attended_from(&self, country: &str) -> std::collections::HashSet<i64> {
        let code = self.names.countries.code(country);
        if code == 0 {
            return Default::default();
        }
        self.input
            .trainings
            .iter()
            .zip(&self.prepared)
            .filter(|(_, p)| p.countries.iter().any(|&(c, n)| c == code && n > 0))
            .map(|(t, _)| t.id)
            .collect()
    }

    /// Every country (alpha-2) some training's attendance records show.
    pub fn countries_attended(&self) -> std::collections::BTreeSet<String> {
        self.prepared
            .iter()
            .flat_map(|p| p.countries.iter())
            .filter(|&&(c, n)| c > 0 && n > 0)
            .map(|&(c, _)| self.names.countries.name(c).to_string())
            .collect()
    }

    /// The persons it knows the facts of.
    pub fn persons(&self) -> &Persons {
        &self.input.persons
    }

    /// The partners' names and short names.
    pub fn partners(&self) -> &[PartnerInfo] {
        &self.input.partners
    }

    pub fn set_partners(&mut self, partners: Vec<PartnerInfo>) {
        self.input.partners = partners;
    }

    /// Puts a training in, or replaces the one with its id: only its own share is worked out
    /// again, and only the month sets it leaves or joins are rebuilt.
    pub fn put_training(&mut self, facts: TrainingFacts) {
        self.put_trainings(vec![facts]);
    }

    /// [`Engine::put_training`] for many at once: the listing order and each month set they
    /// touch are made once, not once a training.
    pub fn put_trainings(&mut self, trainings: Vec<TrainingFacts>) {
        let (mut cs, mut ds) = (Scratch::new(), Scratch::new());
        let mut months: Vec<(i32, u8)> = Vec::new();
        for facts in trainings {
            let prepared = prepare(
                &facts,
                &self.input.persons,
                &mut self.names,
                &mut cs,
                &mut ds,
            );
            months.extend(month_of(&facts, &prepared));
            match self.by_id.get(&facts.id).copied().filter(|_| facts.id != 0) {
                Some(i) => {
                    months.extend(month_of(&self.input.trainings[i], &self.prepared[i]));
                    self.input.trainings[i] = facts;
                    self.prepared[i] = prepared;
                }
                None => {
                    self.by_id.insert(facts.id, self.input.trainings.len());
                    self.input.trainings.push(facts);
                    self.prepared.push(prepared);
                }
            }
        }
        self.reorder();
        months.sort_unstable();
        months.dedup();
        for month in months {
            self.rebuild_month(month);
        }
    }

    /// Takes the training with this store id out; says whether it was there.
    pub fn remove_training(&mut self, id: i64) -> bool {
        let Some(i) = self.by_id.get(&id).copied() else {
            return false;
        };
        let month = month_of(&self.input.trainings[i], &self.prepared[i]);
        self.input.trainings.remove(i);
        self.prepared.remove(i);
        self.by_id = index_by_id(&self.input.trainings);
        self.reorder();
        if let Some(month) = month {
            self.rebuild_month(month);
        }
        true
    }

    /// A person's facts changed (a correction, a merge), or the person is gone (`None`): the
    /// shares of the trainings they attended are worked out again. A merge also changes those
    /// trainings' participants: put them in with [`Engine::put_training`] as well.
    pub fn put_person(&mut self, id: PersonId, facts: Option<PersonFacts>) {
        self.put_persons(vec![(id, facts)]);
    }

    /// [`Engine::put_person`] for many at once: the trainings any of them attended are worked
    /// out again once, in one pass over the attendees.
    pub fn put_persons(&mut self, changes: Vec<(PersonId, Option<PersonFacts>)>) {
        let mut grows = false;
        let mut changed = Vec::with_capacity(changes.len());
        for (id, facts) in changes {
            let Ok(at) = usize::try_from(id) else {
                continue;
            };
            grows |= at >= self.input.persons.id_bound();
            changed.push(id);
            self.set_person(at, facts);
        }
        if changed.is_empty() {
            return;
        }
        let mut marked = PersonSet::new(self.input.persons.id_bound());
        marked.extend(&changed);
        let (mut cs, mut ds) = (Scratch::new(), Scratch::new());
        for (t, p) in self.input.trainings.iter().zip(self.prepared.iter_mut()) {
            if t.participants.iter().any(|&id| marked.contains(id)) {
                *p = prepare(t, &self.input.persons, &mut self.names, &mut cs, &mut ds);
            }
        }
        if grows {
            // Month sets are sized to the persons they were made for.
            let months: Vec<(i32, u8)> = self.months.keys().copied().collect();
            for month in months {
                self.rebuild_month(month);
            }
        }
    }

    fn set_person(&mut self, at: usize, facts: Option<PersonFacts>) {
        match facts {
            Some(facts) => {
                // Countries and departments are numbered in the engine's names, which extend
                // the persons' own numbering; the persons take the extended list so that both
                // keep meaning the same by the same number.
                let country = facts
                    .country
                    .as_deref()
                    .map_or(0, |c| self.names.countries.intern(c));
                let department = facts
                    .department
                    .as_deref()
                    .map_or(0, |d| self.names.departments.intern(d));
                let persons = &mut self.input.persons;
                persons.countries = self.names.countries.clone();
                persons.departments = self.names.departments.clone();
                *persons.cell_mut(at) = super::persons::Cell {
                    gender: match facts.gender {
                        None => 1,
                        Some(Gender::Male) => 2,
                        Some(Gender::Female) => 3,
                    },
                    country,
                    department,
                };
            }
            None => {
                if let Some(cell) = self.input.persons.cells.get_mut(at) {
                    *cell = super::persons::Cell::default();
                }
            }
        }
    }

    fn reorder(&mut self) {
        let trainings = &self.input.trainings;
        self.order = (0..trainings.len()).collect();
        self.order
            .sort_by(|&a, &b| listing_key(&trainings[a]).cmp(&listing_key(&trainings[b])));
    }

    fn rebuild_month(&mut self, month: (i32, u8)) {
        let mut set = PersonSet::new(self.input.persons.id_bound());
        let mut any = false;
        for (t, p) in self.input.trainings.iter().zip(&self.prepared) {
            if month_of(t, p) == Some(month) {
                set.extend(&t.participants);
                any = true;
            }
        }
        if any {
            self.months.insert(month, set);
        } else {
            self.months.remove(&month);
        }
    }

    /// The report for a period, with the published figures the engine was given.
    pub fn report(&self, period: Period) -> Report {
        self.report_with(period, &self.input.published)
    }

    /// The report for a period, beside these published figures (those of exactly this period).
    pub fn report_with(&self, period: Period, published: &[PublishedFigure]) -> Report {
        self.report_of(period, published, None)
    }

    /// The report of only the trainings `keep` keeps (a partner's: those it delivered or
    /// funded), each person counted once across them. The agency's published figures are of
    /// all its trainings, so none are set beside it.
    pub fn report_of_trainings(
        &self,
        period: Period,
        keep: &dyn Fn(&TrainingFacts) -> bool,
    ) -> Report {
        self.report_of(period, &[], Some(keep))
    }

    fn report_of(
        &self,
        period: Period,
        published: &[PublishedFigure],
        keep: Option<&dyn Fn(&TrainingFacts) -> bool>,
    ) -> Report {
        let items: Vec<(&TrainingFacts, &Prepared)> = self
            .order
            .iter()
            .map(|&i| (&self.input.trainings[i], &self.prepared[i]))
            .filter(|(t, _)| t.record.start.is_some_and(|s| period.contains(&s)))
            .filter(|(t, _)| keep.is_none_or(|k| k(t)))
            .collect();
        // Whole months inside the period join their sets; trainings of the months at its
        // edges add their persons one by one.
        let mut persons = PersonSet::new(self.input.persons.id_bound());
        // A month's set holds the persons of all its trainings: only a whole report uses it.
        let months = if keep.is_none() {
            &self.months
        } else {
            &Default::default()
        };
        for (&(year, month), set) in months {
            let first = Date {
                year,
                month,
                day: 1,
            };
            let last = Date {
                year,
                month,
                day: crate::date::days_in_month(year, month),
            };
            if period.from <= first && last <= period.to {
                persons.union(set);
            }
        }
        for (t, p) in &items {
            let first = t.record.start.map(|s| s.first_day());
            let whole_month = first.is_some_and(|f| {
                let start = Date { day: 1, ..f };
                let end = Date {
                    day: crate::date::days_in_month(f.year, f.month),
                    ..f
                };
                period.from <= start && end <= period.to
            });
            if p.source == CountSource::Records && (!whole_month || keep.is_some()) {
                persons.extend(&t.participants);
            }
        }
        assemble(
            period,
            &items,
            persons.len(),
            &self.input,
            published,
            &self.names,
        )
    }
}

fn index_by_id(trainings: &[TrainingFacts]) -> HashMap<i64, usize> {
    trainings
        .iter()
        .enumerate()
        .filter(|(_, t)| t.id != 0)
        .map(|(i, t)| (t.id, i))
        .collect()
}
