//! The period report: which trainings fall in a period and how their participants are counted.
//! These are the counting rules of `docs/counting.md`, in one place, with no IO: the store hands
//! over the facts and gets back the figures every format renders.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::date::{month_name, Date, PartialDate, Precision};
use crate::money::Money;
use crate::person::Gender;
use crate::records::{Figure, Modality, PublishedFigure, SessionRecord, TrainingRecord};
use crate::Countries;

/// A closed range of days: `[from, to]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the period ends ({to}) before it starts ({from})")]
pub struct PeriodError {
    pub from: Date,
    pub to: Date,
}

impl Period {
    pub fn new(from: Date, to: Date) -> Result<Period, PeriodError> {
        if to < from {
            return Err(PeriodError { from, to });
        }
        Ok(Period { from, to })
    }

    pub fn year(year: i32) -> Period {
        Period {
            from: Date {
                year,
                month: 1,
                day: 1,
            },
            to: Date {
                year,
                month: 12,
                day: 31,
            },
        }
    }

    /// Whether a training starting on `start` is in the period: a date known only to the month
    /// or the year counts from its first day.
    pub fn contains(&self, start: &PartialDate) -> bool {
        let first = start.first_day();
        self.from <= first && first <= self.to
    }

    /// "January – September 2020" for whole months, else "27 January 2020 – 30 September 2020".
    pub fn label(&self) -> String {
        let whole_months = self.from.day == 1
            && self.to.day == crate::date::days_in_month(self.to.year, self.to.month);
        if whole_months {
            let end = format!("{} {}", month_name(self.to.month), self.to.year);
            if self.from.year == self.to.year && self.from.month == self.to.month {
                end
            } else if self.from.year == self.to.year {
                format!("{} – {end}", month_name(self.from.month))
            } else {
                format!("{} {} – {end}", month_name(self.from.month), self.from.year)
            }
        } else {
            let day = |d: Date| format!("{} {} {}", d.day, month_name(d.month), d.year);
            format!("{} – {}", day(self.from), day(self.to))
        }
    }
}

/// Who a person is, as far as the breakdowns need.
pub type PersonId = i64;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonFacts {
    pub gender: Option<Gender>,
    pub country: Option<String>,
    pub department: Option<String>,
}

/// One training with what the store knows of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrainingFacts {
    pub record: TrainingRecord,
    pub sessions: Vec<SessionRecord>,
    /// The distinct persons with attendance records at any of its sessions.
    pub participants: Vec<PersonId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerInfo {
    pub name: String,
    pub short_name: Option<String>,
}

/// The persons of the attendance records, held by id in dense arrays with countries and
/// departments interned: a period of millions of participations is counted with array lookups,
/// not string maps.
#[derive(Debug, Clone, Default)]
pub struct Persons {
    /// By person id: 0 absent, 1 gender not recorded, 2 male, 3 female.
    gender: Vec<u8>,
    /// By person id: 0 none, else 1 + index into `countries`.
    country: Vec<u16>,
    /// By person id: 0 none, else 1 + index into `departments`.
    department: Vec<u16>,
    countries: Interner,
    departments: Interner,
}

/// Names numbered in the order they are first seen.
#[derive(Debug, Clone, Default)]
struct Interner {
    names: Vec<String>,
    index: HashMap<String, u16>,
}

impl Interner {
    /// 1 + the index of `name`, added if new.
    fn intern(&mut self, name: &str) -> u16 {
        if let Some(&i) = self.index.get(name) {
            return i + 1;
        }
        let i = self.names.len() as u16;
        self.names.push(name.to_string());
        self.index.insert(name.to_string(), i);
        i + 1
    }

    fn name(&self, code: u16) -> &str {
        &self.names[usize::from(code - 1)]
    }
}

impl Persons {
    pub fn with_capacity(max_id: usize) -> Persons {
        Persons {
            gender: Vec::with_capacity(max_id + 1),
            country: Vec::with_capacity(max_id + 1),
            department: Vec::with_capacity(max_id + 1),
            ..Default::default()
        }
    }

    pub fn insert(&mut self, id: PersonId, facts: PersonFacts) {
        let Ok(i) = usize::try_from(id) else { return };
        if i >= self.gender.len() {
            self.gender.resize(i + 1, 0);
            self.country.resize(i + 1, 0);
            self.department.resize(i + 1, 0);
        }
        self.gender[i] = match facts.gender {
            None => 1,
            Some(Gender::Male) => 2,
            Some(Gender::Female) => 3,
        };
        self.country[i] = facts
            .country
            .as_deref()
            .map_or(0, |c| self.countries.intern(c));
        self.department[i] = facts
            .department
            .as_deref()
            .map_or(0, |d| self.departments.intern(d));
    }

    pub fn get(&self, id: PersonId) -> Option<PersonFacts> {
        let i = usize::try_from(id).ok()?;
        match self.gender.get(i) {
            None | Some(0) => None,
            Some(&g) => Some(PersonFacts {
                gender: match g {
                    2 => Some(Gender::Male),
                    3 => Some(Gender::Female),
                    _ => None,
                },
                country: (self.country[i] > 0)
                    .then(|| self.countries.name(self.country[i]).to_string()),
                department: (self.department[i] > 0)
                    .then(|| self.departments.name(self.department[i]).to_string()),
            }),
        }
    }

    /// How many ids the arrays cover.
    pub fn id_bound(&self) -> usize {
        self.gender.len()
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
                gender: vec![0; id_bound],
                country: vec![0; id_bound],
                department: vec![0; id_bound],
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
        if id >= p.gender.len() {
            p.gender.resize(id + 1, 0);
            p.country.resize(id + 1, 0);
            p.department.resize(id + 1, 0);
        }
        p.gender[id] = gender.clamp(1, 3);
        p.country[id] = match country {
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
        p.department[id] = department;
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

/// Everything a report is computed from. Trainings outside the period are ignored.
#[derive(Debug, Clone, Default)]
pub struct ReportInput {
    pub trainings: Vec<TrainingFacts>,
    pub persons: Persons,
    pub partners: Vec<PartnerInfo>,
    /// Figures the agency published for exactly this period.
    pub published: Vec<PublishedFigure>,
}

/// A published figure beside what the records give for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconciliation {
    pub figure: Figure,
    /// A count, or cents for the value.
    pub published: i64,
    /// What the records give, where they give this figure.
    pub records: Option<i64>,
    pub note: Option<String>,
}

impl Reconciliation {
    pub fn differs(&self) -> bool {
        self.records.is_some_and(|r| r != self.published)
    }
}

/// Participants by gender; `not_recorded` is always the remainder of the total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GenderCounts {
    pub total: u64,
    pub male: u64,
    pub female: u64,
    pub not_recorded: u64,
}

impl GenderCounts {
    fn add(&mut self, other: GenderCounts) {
        self.total += other.total;
        self.male += other.male;
        self.female += other.female;
        self.not_recorded += other.not_recorded;
    }
}

/// Where a training's participant figures come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountSource {
    /// Distinct persons in its attendance records.
    Records,
    /// The aggregate figures published for it.
    Aggregate,
    /// Neither: the count is unknown.
    Unknown,
}

impl CountSource {
    pub fn as_str(self) -> &'static str {
        match self {
            CountSource::Records => "records",
            CountSource::Aggregate => "aggregate",
            CountSource::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TrainingTotals {
    pub total: u64,
    pub physical: u64,
    pub virtual_: u64,
    pub hybrid: u64,
    pub modality_unknown: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryLine {
    pub code: String,
    pub name: String,
    /// Participants from this country, from attendance records.
    pub participants: u64,
    /// Trainings that reached the country, by a record or by their list of countries.
    pub trainings: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartmentLine {
    pub name: String,
    /// Participants from this department, from attendance records.
    pub participants: u64,
    /// Trainings aimed at it or attended from it.
    pub trainings: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerLine {
    pub short_name: String,
    pub name: String,
    /// `partner`, `funder`, or both.
    pub roles: Vec<&'static str>,
    pub trainings: u64,
    /// Participants of those trainings whose count is known.
    pub participants: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthLine {
    pub year: i32,
    /// `None` for trainings whose date is known only to the year.
    pub month: Option<u8>,
    pub label: String,
    pub trainings: u64,
    pub participants: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainingLine {
    pub code: String,
    pub title: String,
    pub start: Option<PartialDate>,
    pub end: Option<PartialDate>,
    pub modality: Option<Modality>,
    pub venue: Option<String>,
    pub platform: Option<String>,
    /// Short names of the delivery partners, then of the funders.
    pub partners: Vec<String>,
    pub funders: Vec<String>,
    /// The audience: target departments.
    pub departments: Vec<String>,
    /// Countries named for it, and how many it reached where only a count is known.
    pub countries: Vec<String>,
    pub countries_reached: Option<u32>,
    pub participants: Option<GenderCounts>,
    pub source: CountSource,
    pub value: Option<Money>,
    pub note: Option<String>,
}

/// A plain statement of what the data does not support.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QualityNote {
    /// A stable rule name, e.g. `count_unknown`.
    pub rule: &'static str,
    /// The training's code, or `None` for the period as a whole.
    pub training: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub period: Period,
    pub trainings: TrainingTotals,
    pub value: Money,
    /// How many trainings have a recorded value.
    pub value_known: u64,
    pub participants: GenderCounts,
    /// Unique individuals: each person with records once, plus the aggregate figures.
    pub persons: u64,
    pub countries: Vec<CountryLine>,
    pub departments: Vec<DepartmentLine>,
    pub partners: Vec<PartnerLine>,
    pub months: Vec<MonthLine>,
    pub listing: Vec<TrainingLine>,
    pub quality: Vec<QualityNote>,
    /// The published figures of the period beside the records' own.
    pub published: Vec<Reconciliation>,
}

impl Report {
    /// Trainings whose participant count is unknown.
    pub fn trainings_without_count(&self) -> u64 {
        self.listing
            .iter()
            .filter(|t| t.source == CountSource::Unknown)
            .count() as u64
    }
}

/// A training's participants: distinct persons from records, else the aggregate figures.
/// `distinct` is the training's persons, sorted and without repeats.
fn count_training(
    t: &TrainingFacts,
    distinct: &[PersonId],
    persons: &Persons,
) -> (CountSource, Option<GenderCounts>) {
    if !distinct.is_empty() {
        let mut g = GenderCounts::default();
        for &id in distinct {
            g.total += 1;
            match usize::try_from(id).ok().and_then(|i| persons.gender.get(i)) {
                Some(2) => g.male += 1,
                Some(3) => g.female += 1,
                _ => g.not_recorded += 1,
            }
        }
        return (CountSource::Records, Some(g));
    }
    let r = &t.record;
    match r.participants_total {
        Some(total) => {
            let male = u64::from(r.participants_male.unwrap_or(0));
            let female = u64::from(r.participants_female.unwrap_or(0));
            let total = u64::from(total);
            (
                CountSource::Aggregate,
                Some(GenderCounts {
                    total,
                    male,
                    female,
                    not_recorded: total.saturating_sub(male + female),
                }),
            )
        }
        None => (CountSource::Unknown, None),
    }
}

/// Per country or department: participants from records, and the trainings that reached it,
/// counted once each by remembering the last training that did.
#[derive(Debug, Clone, Default)]
struct Tally {
    participants: Vec<u64>,
    trainings: Vec<u64>,
    last_training: Vec<usize>,
}

impl Tally {
    fn sized(n: usize) -> Tally {
        Tally {
            participants: vec![0; n + 1],
            trainings: vec![0; n + 1],
            last_training: vec![usize::MAX; n + 1],
        }
    }

    fn grow(&mut self, code: u16) {
        let need = usize::from(code) + 1;
        if self.participants.len() < need {
            self.participants.resize(need, 0);
            self.trainings.resize(need, 0);
            self.last_training.resize(need, usize::MAX);
        }
    }

    fn reached(&mut self, code: u16, training: usize) {
        self.grow(code);
        let c = usize::from(code);
        if self.last_training[c] != training {
            self.last_training[c] = training;
            self.trainings[c] += 1;
        }
    }
}

/// What a training contributes to any report it is in: the same whatever the period, so a warm
/// [`Engine`] works it out once.
#[derive(Debug, Clone)]
struct Prepared {
    source: CountSource,
    counts: Option<GenderCounts>,
    /// Interned country: participants from records (0 where only the training's list names it).
    countries: Vec<(u16, u64)>,
    departments: Vec<(u16, u64)>,
    /// The training's own quality notes, in the order the report lists them.
    notes: Vec<QualityNote>,
}

/// Counts per interned code for one training at a time, reset cheaply between trainings.
struct Scratch {
    counts: Vec<u64>,
    touched: Vec<u16>,
}

impl Scratch {
    fn new() -> Scratch {
        Scratch {
            counts: Vec::new(),
            touched: Vec::new(),
        }
    }

    fn add(&mut self, code: u16, n: u64) {
        let c = usize::from(code);
        if self.counts.len() <= c {
            self.counts.resize(c + 1, 0);
        }
        if self.counts[c] == 0 && !self.touched.contains(&code) {
            self.touched.push(code);
        }
        self.counts[c] += n;
    }

    fn take(&mut self) -> Vec<(u16, u64)> {
        let out = self
            .touched
            .iter()
            .map(|&c| (c, self.counts[usize::from(c)]))
            .collect();
        for &c in &self.touched {
            self.counts[usize::from(c)] = 0;
        }
        self.touched.clear();
        out
    }
}

/// The names trainings and persons give countries and departments, numbered once.
#[derive(Debug, Clone, Default)]
struct Names {
    countries: Interner,
    departments: Interner,
}

/// A training's persons sorted and without repeats (the store hands them so already).
fn distinct(t: &TrainingFacts) -> std::borrow::Cow<'_, [PersonId]> {
    if t.participants.windows(2).all(|w| w[0] < w[1]) {
        std::borrow::Cow::Borrowed(&t.participants)
    } else {
        let mut v = t.participants.clone();
        v.sort_unstable();
        v.dedup();
        std::borrow::Cow::Owned(v)
    }
}

fn prepare(
    t: &TrainingFacts,
    persons: &Persons,
    names: &mut Names,
    countries: &mut Scratch,
    departments: &mut Scratch,
) -> Prepared {
    let r = &t.record;
    let code = r.code.as_str();
    let note = |rule: &'static str, message: String| QualityNote {
        rule,
        training: Some(code.to_string()),
        message,
    };
    let distinct = distinct(t);
    let (source, counts) = count_training(t, &distinct, persons);

    // Countries and departments: participants from records; reached by record or list.
    for &id in distinct.iter() {
        let Ok(i) = usize::try_from(id) else { continue };
        if let Some(&c) = persons.country.get(i).filter(|c| **c > 0) {
            countries.add(c, 1);
        }
        if let Some(&d) = persons.department.get(i).filter(|d| **d > 0) {
            departments.add(d, 1);
        }
    }
    for c in &r.countries {
        countries.add(names.countries.intern(c), 0);
    }
    for d in &r.departments {
        departments.add(names.departments.intern(d), 0);
    }

    let mut notes = Vec::new();
    if let Some(start) = r.start {
        match start.precision() {
            Precision::Month => notes.push(note(
                "date_month_only",
                format!(
                    "Start date known only to the month ({} {}): counted from its first day.",
                    month_name(start.month_part().unwrap_or(1)),
                    start.year_part()
                ),
            )),
            Precision::Year => notes.push(note(
                "date_year_only",
                format!(
                    "Start date known only to the year ({}): counted from 1 January and shown under \"month not known\".",
                    start.year_part()
                ),
            )),
            Precision::Day => {}
        }
    }
    match (source, counts) {
        (CountSource::Unknown, _) => notes.push(note(
            "count_unknown",
            "No participant count: neither attendance records nor a published figure.".into(),
        )),
        (CountSource::Aggregate, Some(c)) => {
            let no_split = c.male == 0 && c.female == 0;
            notes.push(note(
                "aggregate_only",
                format!(
                    "{} participants from a published figure, with no attendance records{}.",
                    crate::money::group_thousands(c.total),
                    if no_split && c.total > 0 {
                        " and no gender split"
                    } else {
                        ""
                    }
                ),
            ));
            if c.not_recorded > 0 && !no_split {
                notes.push(note(
                    "gender_not_recorded",
                    format!(
                        "Gender not recorded for {} of {} participants.",
                        c.not_recorded, c.total
                    ),
                ));
            }
        }
        (CountSource::Records, Some(c)) => {
            if c.not_recorded > 0 {
                notes.push(note(
                    "gender_not_recorded",
                    format!(
                        "Gender not recorded for {} of {} participants.",
                        c.not_recorded, c.total
                    ),
                ));
            }
            if let Some(figure) = r.participants_total {
                if u64::from(figure) != c.total {
                    notes.push(note(
                        "records_differ_from_figure",
                        format!(
                            "Attendance records name {} persons; the published figure is {figure}. The records are counted.",
                            c.total
                        ),
                    ));
                }
            }
        }
        _ => {}
    }
    let session_figures: Vec<u32> = t
        .sessions
        .iter()
        .filter_map(|s| s.participants_total)
        .collect();
    if let Some(total) = r.participants_total {
        if !session_figures.is_empty() && session_figures.len() == t.sessions.len() {
            let sum: u64 = session_figures.iter().map(|&n| u64::from(n)).sum();
            if sum != u64::from(total) {
                notes.push(note(
                    "sessions_differ_from_total",
                    format!("Its sessions add up to {sum} participants; the training's figure is {total}."),
                ));
            }
        }
    }
    if let Some(n) = r.countries_reached {
        if (n as usize) > r.countries.len() {
            let named = r.countries.len();
            notes.push(note(
                "countries_not_named",
                if named == 0 {
                    format!(
                        "Reached {n} countries, not named: they are not in the country breakdown."
                    )
                } else {
                    format!("Reached {n} countries, of which {named} are named.")
                },
            ));
        }
    }
    Prepared {
        source,
        counts,
        countries: countries.take(),
        departments: departments.take(),
        notes,
    }
}

/// The order of the listing: by date, a date known only to the year after that year's months
/// (as in the month chart), then by code.
fn listing_key(t: &TrainingFacts) -> (Option<(i32, u8, u8)>, &str) {
    (
        t.record.start.map(|s| {
            (
                s.year_part(),
                s.month_part().unwrap_or(13),
                s.first_day().day,
            )
        }),
        t.record.code.as_str(),
    )
}

/// Unique persons: one bit per person id.
struct PersonSet {
    bits: Vec<u64>,
    /// Ids beyond the persons' arrays (a store that handed persons it did not describe).
    outside: HashSet<PersonId>,
}

impl PersonSet {
    fn new(bound: usize) -> PersonSet {
        PersonSet {
            bits: vec![0; bound / 64 + 1],
            outside: HashSet::new(),
        }
    }

    fn extend(&mut self, ids: &[PersonId]) {
        for &id in ids {
            match usize::try_from(id) {
                Ok(i) if i / 64 < self.bits.len() => self.bits[i / 64] |= 1 << (i % 64),
                _ => {
                    self.outside.insert(id);
                }
            }
        }
    }

    fn union(&mut self, other: &PersonSet) {
        for (a, b) in self.bits.iter_mut().zip(&other.bits) {
            *a |= b;
        }
        self.outside.extend(other.outside.iter().copied());
    }

    fn len(&self) -> u64 {
        self.bits
            .iter()
            .map(|w| u64::from(w.count_ones()))
            .sum::<u64>()
            + self.outside.len() as u64
    }
}

/// Computes the report for a period by the counting rules.
pub fn build(period: Period, input: &ReportInput) -> Report {
    let mut in_period: Vec<&TrainingFacts> = input
        .trainings
        .iter()
        .filter(|t| t.record.start.is_some_and(|s| period.contains(&s)))
        .collect();
    in_period.sort_by(|a, b| listing_key(a).cmp(&listing_key(b)));
    let mut names = Names {
        countries: input.persons.countries.clone(),
        departments: input.persons.departments.clone(),
    };
    let (mut cs, mut ds) = (Scratch::new(), Scratch::new());
    let prepared: Vec<Prepared> = in_period
        .iter()
        .map(|t| prepare(t, &input.persons, &mut names, &mut cs, &mut ds))
        .collect();
    let mut persons = PersonSet::new(input.persons.id_bound());
    for (t, p) in in_period.iter().zip(&prepared) {
        if p.source == CountSource::Records {
            persons.extend(&t.participants);
        }
    }
    let items: Vec<(&TrainingFacts, &Prepared)> = in_period.into_iter().zip(&prepared).collect();
    assemble(period, &items, persons.len(), input, &names)
}

/// A report engine kept warm, as a long-running process (the web application) holds it: every
/// training's share is worked out once, and the persons of each month's trainings are kept as a
/// set, so a report for any period adds up a few thousand numbers and joins a few sets.
/// It gives exactly what [`build`] gives for the same input and period.
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

/// Adds up the shares of the period's trainings, in listing order, into the report.
fn assemble(
    period: Period,
    items: &[(&TrainingFacts, &Prepared)],
    record_persons: u64,
    input: &ReportInput,
    names: &Names,
) -> Report {
    let countries = Countries::get();
    let short_of: HashMap<&str, &str> = input
        .partners
        .iter()
        .map(|p| (p.name.as_str(), p.short_name.as_deref().unwrap_or(&p.name)))
        .collect();
    let short = |name: &str| short_of.get(name).copied().unwrap_or(name).to_string();

    let mut totals = TrainingTotals::default();
    let mut value = Money::ZERO;
    let mut value_known = 0;
    let mut participants = GenderCounts::default();
    let mut aggregate_persons = 0u64;
    let mut by_country = Tally::sized(names.countries.names.len());
    let mut by_department = Tally::sized(names.departments.names.len());
    let mut by_partner: BTreeMap<String, (Vec<&'static str>, u64, u64)> = BTreeMap::new();
    let mut by_month: BTreeMap<(i32, u8), (u64, u64)> = BTreeMap::new();
    let mut listing = Vec::with_capacity(items.len());
    let mut quality = Vec::new();
    let mut titles: HashMap<String, &str> = HashMap::new();

    for (training_no, (t, p)) in items.iter().enumerate() {
        let r = &t.record;
        let code = r.code.as_str();
        totals.total += 1;
        match r.modality {
            Some(Modality::Physical) => totals.physical += 1,
            Some(Modality::Virtual) => totals.virtual_ += 1,
            Some(Modality::Hybrid) => totals.hybrid += 1,
            None => totals.modality_unknown += 1,
        }
        if let Some(v) = r.value {
            value = value.checked_add(v).unwrap_or(value);
            value_known += 1;
        }
        let known = p.counts.map_or(0, |c| c.total);
        if let Some(c) = p.counts {
            participants.add(c);
        }
        if p.source == CountSource::Aggregate {
            aggregate_persons += known;
        }
        for &(c, n) in &p.countries {
            by_country.grow(c);
            by_country.participants[usize::from(c)] += n;
            by_country.reached(c, training_no);
        }
        for &(d, n) in &p.departments {
            by_department.grow(d);
            by_department.participants[usize::from(d)] += n;
            by_department.reached(d, training_no);
        }
        for (role, names) in [("partner", &r.partners), ("funder", &r.funders)] {
            for name in names {
                let e = by_partner.entry(name.clone()).or_default();
                if !e.0.contains(&role) {
                    e.0.push(role);
                }
                e.1 += 1;
                e.2 += known;
            }
        }
        if let Some(start) = r.start {
            let month = match start.precision() {
                Precision::Year => 0,
                _ => start.month_part().unwrap_or(0),
            };
            let e = by_month.entry((start.year_part(), month)).or_default();
            e.0 += 1;
            e.1 += known;
        }
        quality.extend(p.notes.iter().cloned());
        let title_key = crate::text::fold(&r.title);
        if let Some(first) = titles.get(&title_key) {
            quality.push(QualityNote {
                rule: "possible_duplicate",
                training: Some(code.to_string()),
                message: format!(
                    "Same title as training {first}: check that it is not entered twice."
                ),
            });
        } else {
            titles.insert(title_key, code);
        }
        listing.push(TrainingLine {
            code: r.code.clone(),
            title: r.title.clone(),
            start: r.start,
            end: r.end,
            modality: r.modality,
            venue: r.venue.clone(),
            platform: r.platform.clone(),
            partners: r.partners.iter().map(|n| short(n)).collect(),
            funders: r.funders.iter().map(|n| short(n)).collect(),
            departments: r.departments.clone(),
            countries: r.countries.clone(),
            countries_reached: r.countries_reached,
            participants: p.counts,
            source: p.source,
            value: r.value,
            note: r.note.clone(),
        });
    }

    // Period-level notes.
    if totals.total > 0 && value_known < totals.total {
        quality.push(QualityNote {
            rule: "value_not_recorded",
            training: None,
            message: if value_known == 0 {
                "No training of the period has a recorded value.".to_string()
            } else {
                format!(
                    "{} of {} trainings have no recorded value: the value is the sum of the other {}.",
                    totals.total - value_known,
                    totals.total,
                    value_known
                )
            },
        });
    }
    if aggregate_persons > 0 {
        quality.push(QualityNote {
            rule: "persons_from_aggregates",
            training: None,
            message: format!(
                "{} of the persons trained come from published figures without names: a person at two such trainings is counted twice.",
                crate::money::group_thousands(aggregate_persons)
            ),
        });
    }

    let mut country_lines: Vec<CountryLine> = (1..by_country.trainings.len())
        .filter(|&c| by_country.trainings[c] > 0)
        .map(|c| {
            let code = names.countries.name(c as u16).to_string();
            CountryLine {
                name: countries
                    .by_code(&code)
                    .map_or_else(|| code.clone(), |x| x.name.clone()),
                code,
                participants: by_country.participants[c],
                trainings: by_country.trainings[c],
            }
        })
        .collect();
    country_lines.sort_by(|a, b| {
        (b.participants, b.trainings)
            .cmp(&(a.participants, a.trainings))
            .then(a.name.cmp(&b.name))
    });
    let mut department_lines: Vec<DepartmentLine> = (1..by_department.trainings.len())
        .filter(|&d| by_department.trainings[d] > 0)
        .map(|d| DepartmentLine {
            name: names.departments.name(d as u16).to_string(),
            participants: by_department.participants[d],
            trainings: by_department.trainings[d],
        })
        .collect();
    department_lines.sort_by(|a, b| {
        (b.participants, b.trainings)
            .cmp(&(a.participants, a.trainings))
            .then(a.name.cmp(&b.name))
    });
    let mut partner_lines: Vec<PartnerLine> = by_partner
        .into_iter()
        .map(|(name, (roles, trainings, participants))| PartnerLine {
            short_name: short(&name),
            name,
            roles,
            trainings,
            participants,
        })
        .collect();
    partner_lines.sort_by(|a, b| {
        b.trainings
            .cmp(&a.trainings)
            .then(a.short_name.cmp(&b.short_name))
    });

    // Months in order, each year's "month not known" bucket after its December.
    let mut months: Vec<MonthLine> = by_month
        .into_iter()
        .map(|((year, month), (trainings, participants))| MonthLine {
            year,
            month: (month > 0).then_some(month),
            label: if month > 0 {
                format!("{} {year}", month_name(month))
            } else {
                format!("{year}, month not known")
            },
            trainings,
            participants,
        })
        .collect();
    months.sort_by_key(|m| (m.year, m.month.unwrap_or(13)));

    let figures_of = |figure: Figure| -> Option<i64> {
        let v = match figure {
            Figure::Trainings => totals.total,
            Figure::PersonsTrained => participants.total,
            Figure::Male => participants.male,
            Figure::Female => participants.female,
            Figure::GenderNotRecorded => participants.not_recorded,
            Figure::PhysicalTrainings => totals.physical,
            Figure::VirtualTrainings => totals.virtual_,
            Figure::HybridTrainings => totals.hybrid,
            Figure::CountriesReached => country_lines.len() as u64,
            Figure::ValueUsd => return Some(value.cents()),
        };
        i64::try_from(v).ok()
    };
    let mut published: Vec<Reconciliation> = input
        .published
        .iter()
        .map(|f| Reconciliation {
            figure: f.figure,
            published: f.value,
            records: figures_of(f.figure),
            note: f.note.clone(),
        })
        .collect();
    published.sort_by_key(|p| p.figure);
    let differing: Vec<&str> = published
        .iter()
        .filter(|r| r.differs())
        .map(|r| r.figure.label())
        .collect();
    if !differing.is_empty() {
        quality.push(QualityNote {
            rule: "published_differs",
            training: None,
            message: format!(
                "The records do not reproduce these published figures: {}. Both are shown side by side.",
                differing.join(", ")
            ),
        });
    }

    Report {
        period,
        trainings: totals,
        value,
        value_known,
        participants,
        persons: record_persons + aggregate_persons,
        countries: country_lines,
        departments: department_lines,
        partners: partner_lines,
        months,
        listing,
        quality,
        published,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> PartialDate {
        PartialDate::parse(s).unwrap()
    }

    fn training(code: &str, start: &str) -> TrainingFacts {
        TrainingFacts {
            record: TrainingRecord {
                code: code.into(),
                title: format!("Training {code}"),
                start: Some(date(start)),
                modality: Some(Modality::Virtual),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    fn aggregate(
        code: &str,
        start: &str,
        total: u32,
        male: Option<u32>,
        female: Option<u32>,
    ) -> TrainingFacts {
        let mut t = training(code, start);
        t.record.participants_total = Some(total);
        t.record.participants_male = male;
        t.record.participants_female = female;
        t
    }

    fn person(gender: Option<Gender>, country: &str, department: &str) -> PersonFacts {
        PersonFacts {
            gender,
            country: Some(country.into()),
            department: Some(department.into()),
        }
    }

    fn period(from: &str, to: &str) -> Period {
        Period::new(Date::parse(from).unwrap(), Date::parse(to).unwrap()).unwrap()
    }

    fn codes(r: &Report) -> Vec<&str> {
        r.listing.iter().map(|t| t.code.as_str()).collect()
    }

    #[test]
    fn a_training_is_in_the_period_when_its_start_is_inside_it() {
        let input = ReportInput {
            trainings: vec![
                training("before", "2020-01-31"),
                training("first-day", "2020-02-01"),
                training("last-day", "2020-03-31"),
                training("after", "2020-04-01"),
                training("month", "2020-03"),
                training("month-before", "2020-01"),
                training("year", "2020"),
            ],
            ..Default::default()
        };
        let r = build(period("2020-02-01", "2020-03-31"), &input);
        assert_eq!(codes(&r), ["first-day", "month", "last-day"]);
        // Listed by date, a date known only to the year after the months of its year.
        // A date known only to the year counts from 1 January.
        let r = build(period("2020-01-01", "2020-01-31"), &input);
        assert_eq!(codes(&r), ["month-before", "before", "year"]);
        assert!(build(period("2020-01-02", "2020-12-31"), &input)
            .listing
            .iter()
            .all(|t| t.code != "year"));
    }

    #[test]
    fn a_person_counts_once_per_training_and_once_in_the_period() {
        let mut a = training("A", "2021-03-01");
        a.participants = vec![1, 1, 1, 2]; // person 1 at three sessions
        let mut b = training("B", "2021-04-01");
        b.participants = vec![1, 3];
        let input = ReportInput {
            trainings: vec![a, b],
            persons: Persons::from_iter([
                (1, person(Some(Gender::Female), "JM", "Police")),
                (2, person(Some(Gender::Male), "JM", "Customs")),
                (3, person(None, "BB", "Police")),
            ]),
            ..Default::default()
        };
        let r = build(Period::year(2021), &input);
        assert_eq!(r.listing[0].participants.unwrap().total, 2);
        assert_eq!(
            r.participants,
            GenderCounts {
                total: 4,
                male: 1,
                female: 2,
                not_recorded: 1
            }
        );
        assert_eq!(r.persons, 3, "person 1 is one person across both trainings");
        let jm = r.countries.iter().find(|c| c.code == "JM").unwrap();
        assert_eq!(
            (jm.participants, jm.trainings, jm.name.as_str()),
            (3, 2, "Jamaica")
        );
        let police = r.departments.iter().find(|d| d.name == "Police").unwrap();
        assert_eq!((police.participants, police.trainings), (3, 2));
        assert_eq!(
            r.quality
                .iter()
                .filter(|q| q.rule == "gender_not_recorded")
                .count(),
            1
        );
    }

    #[test]
    fn aggregate_figures_stand_in_where_there_are_no_records() {
        let input = ReportInput {
            trainings: vec![
                aggregate("A", "2020-07-16", 263, None, None),
                aggregate("B", "2020-08-11", 100, Some(60), Some(38)),
                training("C", "2020-05-07"),
            ],
            ..Default::default()
        };
        let r = build(Period::year(2020), &input);
        assert_eq!(
            r.participants,
            GenderCounts {
                total: 363,
                male: 60,
                female: 38,
                not_recorded: 265
            }
        );
        assert_eq!(r.persons, 363);
        assert_eq!(r.trainings_without_count(), 1);
        let rules: Vec<(&str, Option<&str>)> = r
            .quality
            .iter()
            .map(|q| (q.rule, q.training.as_deref()))
            .collect();
        assert!(
            !rules.contains(&("gender_not_recorded", Some("A"))),
            "said once, in aggregate_only"
        );
        for expected in [
            ("count_unknown", Some("C")),
            ("aggregate_only", Some("A")),
            ("gender_not_recorded", Some("B")),
            ("persons_from_aggregates", None),
        ] {
            assert!(
                rules.contains(&expected),
                "{expected:?} missing from {rules:?}"
            );
        }
        assert!(r.countries.is_empty(), "aggregate figures name no country");
    }

    #[test]
    fn records_win_over_a_published_figure_and_the_difference_is_noted() {
        let mut t = aggregate("A", "2021-01-10", 10, None, None);
        t.participants = vec![1, 2];
        let input = ReportInput {
            trainings: vec![t],
            persons: Persons::from_iter([(1, PersonFacts::default()), (2, PersonFacts::default())]),
            ..Default::default()
        };
        let r = build(Period::year(2021), &input);
        assert_eq!(r.participants.total, 2);
        assert_eq!(r.listing[0].source, CountSource::Records);
        assert!(r
            .quality
            .iter()
            .any(|q| q.rule == "records_differ_from_figure"));
    }

    #[test]
    fn countries_reached_join_records_and_lists() {
        let mut a = training("A", "2021-01-10");
        a.record.countries = vec!["BB".into(), "TT".into()];
        a.participants = vec![1];
        let mut b = training("B", "2021-02-10");
        b.record.countries_reached = Some(12);
        let input = ReportInput {
            trainings: vec![a, b],
            persons: Persons::from_iter([(1, person(None, "LC", "Police"))]),
            ..Default::default()
        };
        let r = build(Period::year(2021), &input);
        let reached: Vec<(&str, u64, u64)> = r
            .countries
            .iter()
            .map(|c| (c.code.as_str(), c.participants, c.trainings))
            .collect();
        assert_eq!(reached, [("LC", 1, 1), ("BB", 0, 1), ("TT", 0, 1)]);
        assert!(r
            .quality
            .iter()
            .any(|q| q.rule == "countries_not_named" && q.training.as_deref() == Some("B")));
    }

    #[test]
    fn value_is_the_exact_sum_and_missing_values_are_said() {
        let mut a = training("A", "2021-01-10");
        a.record.value = Some(Money::from_cents(10));
        let mut b = training("B", "2021-01-11");
        b.record.value = Some(Money::from_cents(20));
        let c = training("C", "2021-01-12");
        let r = build(
            Period::year(2021),
            &ReportInput {
                trainings: vec![a, b, c],
                ..Default::default()
            },
        );
        assert_eq!(r.value, Money::from_cents(30));
        assert_eq!(r.value_known, 2);
        assert!(r
            .quality
            .iter()
            .any(|q| q.rule == "value_not_recorded" && q.message.starts_with("1 of 3")));
    }

    #[test]
    fn months_keep_a_bucket_for_dates_known_only_to_the_year() {
        let mut physical = aggregate("P", "2020-01-27", 29, None, None);
        physical.record.modality = Some(Modality::Physical);
        let input = ReportInput {
            trainings: vec![
                physical,
                aggregate("J", "2020-07", 60, None, None),
                aggregate("Y", "2020", 111, None, None),
                aggregate("K", "2020-07-16", 263, None, None),
            ],
            ..Default::default()
        };
        let r = build(Period::year(2020), &input);
        let months: Vec<(&str, u64, u64)> = r
            .months
            .iter()
            .map(|m| (m.label.as_str(), m.trainings, m.participants))
            .collect();
        assert_eq!(
            months,
            [
                ("January 2020", 1, 29),
                ("July 2020", 2, 323),
                ("2020, month not known", 1, 111)
            ]
        );
        assert_eq!((r.trainings.physical, r.trainings.virtual_), (1, 3));
        assert!(r
            .quality
            .iter()
            .any(|q| q.rule == "date_year_only" && q.training.as_deref() == Some("Y")));
        assert!(r
            .quality
            .iter()
            .any(|q| q.rule == "date_month_only" && q.training.as_deref() == Some("J")));
    }

    #[test]
    fn partners_count_their_trainings_and_participants() {
        let mut a = aggregate("A", "2020-03-09", 33, None, None);
        a.record.partners = vec!["International Organization for Migration".into()];
        let mut b = aggregate("B", "2020-08-20", 27, None, None);
        b.record.partners = vec!["International Organization for Migration".into()];
        b.record.funders = vec!["European Union".into()];
        let input = ReportInput {
            trainings: vec![a, b],
            partners: vec![
                PartnerInfo {
                    name: "International Organization for Migration".into(),
                    short_name: Some("IOM".into()),
                },
                PartnerInfo {
                    name: "European Union".into(),
                    short_name: Some("EU".into()),
                },
            ],
            ..Default::default()
        };
        let r = build(Period::year(2020), &input);
        let lines: Vec<(&str, u64, u64, Vec<&str>)> = r
            .partners
            .iter()
            .map(|p| {
                (
                    p.short_name.as_str(),
                    p.trainings,
                    p.participants,
                    p.roles.clone(),
                )
            })
            .collect();
        assert_eq!(
            lines,
            [
                ("IOM", 2, 60, vec!["partner"]),
                ("EU", 1, 27, vec!["funder"])
            ]
        );
        assert_eq!(r.listing[1].partners, ["IOM"]);
        assert_eq!(r.listing[1].funders, ["EU"]);
    }

    #[test]
    fn published_figures_stand_beside_the_records() {
        let input = ReportInput {
            trainings: vec![aggregate("A", "2020-01-27", 29, None, None)],
            published: vec![
                PublishedFigure {
                    figure: Figure::Trainings,
                    value: 29,
                    note: None,
                },
                PublishedFigure {
                    figure: Figure::PersonsTrained,
                    value: 29,
                    note: None,
                },
                PublishedFigure {
                    figure: Figure::ValueUsd,
                    value: 393_780_100,
                    note: None,
                },
            ],
            ..Default::default()
        };
        let r = build(Period::year(2020), &input);
        let lines: Vec<(Figure, i64, Option<i64>, bool)> = r
            .published
            .iter()
            .map(|p| (p.figure, p.published, p.records, p.differs()))
            .collect();
        assert_eq!(
            lines,
            [
                (Figure::Trainings, 29, Some(1), true),
                (Figure::PersonsTrained, 29, Some(29), false),
                (Figure::ValueUsd, 393_780_100, Some(0), true),
            ]
        );
        let note = r
            .quality
            .iter()
            .find(|q| q.rule == "published_differs")
            .unwrap();
        assert!(
            note.message.contains("figures: Trainings, Value (USD)."),
            "{}",
            note.message
        );
    }

    /// The warm engine gives what a one-off build gives, for periods that cut months in two,
    /// take them whole, or hold nothing.
    #[test]
    fn the_warm_engine_agrees_with_a_build() {
        let mut trainings = Vec::new();
        let mut persons = Vec::new();
        for i in 0..40u32 {
            let month = 1 + (i % 12) as u8;
            let day = 1 + (i * 7 % 28) as u8;
            let start = if i % 9 == 0 {
                "2021".to_string()
            } else if i % 7 == 0 {
                format!("2021-{month:02}")
            } else {
                format!("2021-{month:02}-{day:02}")
            };
            let mut t = if i % 5 == 0 {
                aggregate(&format!("T{i}"), &start, 20 + i, Some(i), Some(3))
            } else {
                training(&format!("T{i}"), &start)
            };
            t.participants = (0..(i % 6) as i64 * 3)
                .map(|k| (k * 7 + i as i64) % 50 + 1)
                .collect();
            t.record.countries = if i % 4 == 0 {
                vec!["BB".into()]
            } else {
                vec![]
            };
            trainings.push(t);
        }
        for id in 1..=50 {
            let gender = match id % 3 {
                0 => Some(Gender::Male),
                1 => Some(Gender::Female),
                _ => None,
            };
            let country = ["JM", "TT", "LC"][id as usize % 3];
            persons.push((
                id,
                person(gender, country, ["Police", "Customs"][id as usize % 2]),
            ));
        }
        let input = ReportInput {
            trainings,
            persons: Persons::from_iter(persons),
            ..Default::default()
        };
        let engine = Engine::new(input.clone());
        for (from, to) in [
            ("2021-01-01", "2021-12-31"),
            ("2021-02-10", "2021-07-20"),
            ("2021-03-01", "2021-03-31"),
            ("2021-01-01", "2021-01-01"),
            ("2022-01-01", "2022-12-31"),
            ("2020-06-15", "2021-05-14"),
        ] {
            let p = period(from, to);
            assert_eq!(engine.report(p), build(p, &input), "{from} – {to}");
        }
    }

    #[test]
    fn period_labels() {
        assert_eq!(
            period("2020-01-01", "2020-09-30").label(),
            "January – September 2020"
        );
        assert_eq!(Period::year(2020).label(), "January – December 2020");
        assert_eq!(period("2020-07-01", "2020-07-31").label(), "July 2020");
        assert_eq!(
            period("2020-11-01", "2021-02-28").label(),
            "November 2020 – February 2021"
        );
        assert_eq!(
            period("2020-01-27", "2020-09-30").label(),
            "27 January 2020 – 30 September 2020"
        );
        assert!(Period::new(
            Date::parse("2020-02-01").unwrap(),
            Date::parse("2020-01-01").unwrap()
        )
        .is_err());
    }
}
