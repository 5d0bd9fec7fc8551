//! The report engine kept warm for a long-running process: every training's share worked out
//! once, and the persons of each month's trainings kept as a set.

use std::collections::BTreeMap;

use super::assemble::assemble;
use super::count::{listing_key, prepare, Names, Prepared, Scratch};
use super::model::{CountSource, Report, ReportInput, TrainingFacts};
use super::period::Period;
use super::persons::PersonSet;
use crate::date::Date;

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
}

impl Engine {
    pub fn new(input: ReportInput) -> Engine {
        let mut names = Names {
            countries: input.persons.countries.clone(),
            departments: input.persons.departments.clone(),
        };
        let (mut cs, mut ds) = (Scratch::new(), Scratch::new());
        let prepared: Vec<Prepared> = input
            .trainings
            .iter()
            .map(|t| prepare(t, &input.persons, &mut names, &mut cs, &mut ds))
            .collect();
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
        Engine {
            input,
            prepared,
            names,
            order,
            months,
        }
    }

    /// The report for a period.
    pub fn report(&self, period: Period) -> Report {
        let items: Vec<(&TrainingFacts, &Prepared)> = self
            .order
            .iter()
            .map(|&i| (&self.input.trainings[i], &self.prepared[i]))
            .filter(|(t, _)| t.record.start.is_some_and(|s| period.contains(&s)))
            .collect();
        // Whole months inside the period join their sets; trainings of the months at its
        // edges add their persons one by one.
        let mut persons = PersonSet::new(self.input.persons.id_bound());
        for (&(year, month), set) in &self.months {
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
            if p.source == CountSource::Records && !whole_month {
                persons.extend(&t.participants);
            }
        }
        assemble(period, &items, persons.len(), &self.input, &self.names)
    }
}
