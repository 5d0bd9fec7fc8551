//! A training's share of any report it is in, the same whatever the period: its participants
//! (records, else the published figure), the countries and departments it reached, and its own
//! quality notes; and the order trainings are listed in.

use super::model::{CountSource, GenderCounts, TrainingFacts};
use super::persons::{Interner, PersonId, Persons};
use crate::date::Precision;
use crate::quality::{Finding, Param, Rule};

/// A training's participants: distinct persons from records, else the aggregate figures.
/// `distinct` is the training's persons, sorted and without repeats; their countries and
/// departments are counted into the scratches in the same pass (one walk over the persons'
/// arrays, whose reads then wait on memory together rather than one after another).
fn count_training(
    t: &TrainingFacts,
    distinct: &[PersonId],
    persons: &Persons,
    countries: &mut Scratch,
    departments: &mut Scratch,
) -> (CountSource, Option<GenderCounts>) {
    if !distinct.is_empty() {
        // No branch on what a cell holds: the loop's loads of cells far apart in memory then
        // wait on memory together instead of each behind a mispredicted branch on the last.
        let mut genders = [0u64; 4];
        let mut outside = 0u64;
        for &id in distinct {
            match usize::try_from(id).ok().and_then(|i| persons.cells.get(i)) {
                Some(cell) => {
                    genders[usize::from(cell.gender & 3)] += 1;
                    countries.bump(cell.country);
                    departments.bump(cell.department);
                }
                None => outside += 1,
            }
        }
        let g = GenderCounts {
            total: distinct.len() as u64,
            male: genders[2],
            female: genders[3],
            not_recorded: genders[0] + genders[1] + outside,
        };
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

/// What a training contributes to any report it is in: the same whatever the period, so a warm
/// [`Engine`](super::Engine) works it out once.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Prepared {
    pub(super) source: CountSource,
    pub(super) counts: Option<GenderCounts>,
    /// Interned country: participants from records (0 where only the training's list names it).
    pub(super) countries: Vec<(u16, u64)>,
    pub(super) departments: Vec<(u16, u64)>,
    /// The training's own quality notes, in the order the report lists them.
    pub(super) notes: Vec<Finding>,
}

/// Counts per interned code for one training at a time, reset cheaply between trainings.
pub(super) struct Scratch {
    counts: Vec<u64>,
    touched: Vec<u16>,
}

impl Scratch {
    pub(super) fn new() -> Scratch {
        Scratch {
            counts: Vec::new(),
            touched: Vec::new(),
        }
    }

    /// Counts for codes up to `bound` held from the start, so that counting never grows them.
    pub(super) fn sized(bound: usize) -> Scratch {
        Scratch {
            counts: vec![0; bound + 1],
            touched: Vec::new(),
        }
    }

    #[inline]
    fn add(&mut self, code: u16, n: u64) {
        if code == 0 {
            return;
        }
        let c = usize::from(code);
        if self.counts.len() <= c {
            self.counts.resize(c + 1, 0);
        }
        if self.counts[c] == 0 && !self.touched.contains(&code) {
            self.touched.push(code);
        }
        self.counts[c] += n;
    }

    /// One more participant for `code`, 0 (none) included: its count is kept, never reported,
    /// so that counting a person needs no branch on whether they have a country. Only counts
    /// added by `bump` precede a [`Scratch::take`], so a zero count means a code not yet seen.
    #[inline]
    fn bump(&mut self, code: u16) {
        let c = usize::from(code);
        match self.counts.get_mut(c) {
            Some(n) => {
                if *n == 0 && c != 0 {
                    self.touched.push(code);
                }
                *n += 1;
            }
            None => self.add(code, 1),
        }
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
        if let Some(none) = self.counts.first_mut() {
            *none = 0;
        }
        self.touched.clear();
        out
    }
}

/// The names trainings and persons give countries and departments, numbered once.
#[derive(Debug, Clone, Default)]
pub(super) struct Names {
    pub(super) countries: Interner,
    pub(super) departments: Interner,
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

/// A training's share of any report it is in.
pub(super) fn prepare(
    t: &TrainingFacts,
    persons: &Persons,
    names: &mut Names,
    countries: &mut Scratch,
    departments: &mut Scratch,
) -> Prepared {
    intern_lists(t, names);
    prepare_interned(t, persons, names, countries, departments)
}

/// Below this many attendees in all, the shares are worked out on one thread: starting others
/// would cost more than it saves.
const ON_ONE_THREAD: usize = 250_000;

/// Every training's share, in order. With many attendees the trainings are shared out among
/// the machine's cores (at most four): each share depends on its training and the persons
/// alone, so the result is the same as one thread's, in the same order.
pub(super) fn prepare_all(
    trainings: &[&TrainingFacts],
    persons: &Persons,
    names: &mut Names,
) -> Vec<Prepared> {
    // The names the trainings' own lists give are numbered first, in order, so that the
    // threads only read them and the numbering is the one a single thread would make.
    for t in trainings {
        intern_lists(t, names);
    }
    let attendees: usize = trainings.iter().map(|t| t.participants.len()).sum();
    let threads = if attendees < ON_ONE_THREAD {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
    };
    prepare_on(trainings, persons, names, threads)
}

/// [`prepare_all`] on this many threads, the names already numbered.
pub(super) fn prepare_on(
    trainings: &[&TrainingFacts],
    persons: &Persons,
    names: &Names,
    threads: usize,
) -> Vec<Prepared> {
    let attendees: usize = trainings.iter().map(|t| t.participants.len()).sum();
    let share = |part: &[&TrainingFacts]| -> Vec<Prepared> {
        let (mut cs, mut ds) = (
            Scratch::sized(names.countries.names.len()),
            Scratch::sized(names.departments.names.len()),
        );
        part.iter()
            .map(|t| prepare_interned(t, persons, names, &mut cs, &mut ds))
            .collect()
    };
    if threads <= 1 {
        return share(trainings);
    }
    // Parts of about equal attendees, not of equal trainings: a year of large trainings
    // would otherwise keep one thread busy long after the other is done.
    let mut parts: Vec<&[&TrainingFacts]> = Vec::with_capacity(threads);
    let (mut begin, mut sum) = (0, 0);
    for (i, t) in trainings.iter().enumerate() {
        sum += t.participants.len();
        if sum * threads >= attendees * (parts.len() + 1) && parts.len() + 1 < threads {
            parts.push(&trainings[begin..=i]);
            begin = i + 1;
        }
    }
    parts.push(&trainings[begin..]);
    std::thread::scope(|scope| {
        let running: Vec<_> = parts
            .into_iter()
            .map(|part| scope.spawn(move || share(part)))
            .collect();
        running
            .into_iter()
            .flat_map(|r| r.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// Numbers the countries and departments a training's own lists name.
fn intern_lists(t: &TrainingFacts, names: &mut Names) {
    for c in &t.record.countries {
        names.countries.intern(c);
    }
    for d in &t.record.departments {
        names.departments.intern(d);
    }
}

fn prepare_interned(
    t: &TrainingFacts,
    persons: &Persons,
    names: &Names,
    countries: &mut Scratch,
    departments: &mut Scratch,
) -> Prepared {
    let r = &t.record;
    let code = r.code.as_str();
    let found = |rule: Rule| Finding::new(rule, Some(code));
    let distinct = distinct(t);
    // Countries and departments: participants from records; reached by record or list.
    let (source, counts) = count_training(t, &distinct, persons, countries, departments);
    let mut notes = Vec::new();
    if source == CountSource::Records && !r.countries.is_empty() {
        // Participants from a country the training's own list leaves out: the list or the
        // persons' countries are wrong.
        let listed: Vec<u16> = r
            .countries
            .iter()
            .map(|c| names.countries.code(c))
            .collect();
        let mut unlisted: Vec<String> = countries
            .touched
            .iter()
            .filter(|c| !listed.contains(c))
            .map(|&c| names.countries.name(c).to_string())
            .collect();
        if !unlisted.is_empty() {
            unlisted.sort();
            let n: u64 = countries
                .touched
                .iter()
                .filter(|c| !listed.contains(c))
                .map(|&c| countries.counts[usize::from(c)])
                .sum();
            notes.push(
                found(Rule::ParticipantCountryNotListed)
                    .with("countries", Param::List(unlisted))
                    .count("participants", n),
            );
        }
    }
    for c in &r.countries {
        countries.add(names.countries.code(c), 0);
    }
    for d in &r.departments {
        departments.add(names.departments.code(d), 0);
    }

    if let (Some(start), Some(end)) = (r.start, r.end) {
        if end.last_day() < start.first_day() {
            notes.push(
                found(Rule::EndBeforeStart)
                    .with("start", Param::Date(start))
                    .with("end", Param::Date(end)),
            );
        }
    }
    if let Some(start) = r.start {
        match start.precision() {
            Precision::Month => {
                notes.push(found(Rule::DateMonthOnly).with("start", Param::Date(start)))
            }
            Precision::Year => {
                notes.push(found(Rule::DateYearOnly).with("start", Param::Date(start)))
            }
            Precision::Day => {}
        }
    }
    if let (Some(total), male, female) = (
        r.participants_total,
        r.participants_male.unwrap_or(0),
        r.participants_female.unwrap_or(0),
    ) {
        if u64::from(male) + u64::from(female) > u64::from(total) {
            notes.push(
                found(Rule::GenderExceedsTotal)
                    .count("male", male.into())
                    .count("female", female.into())
                    .count("total", total.into()),
            );
        }
    }
    match (source, counts) {
        (CountSource::Unknown, _) => notes.push(found(Rule::CountUnknown)),
        (CountSource::Aggregate, Some(c)) => {
            let no_split = c.male == 0 && c.female == 0;
            notes.push(
                found(Rule::AggregateOnly)
                    .count("participants", c.total)
                    .with("gender_split", Param::Flag(!no_split)),
            );
            if c.not_recorded > 0 && !no_split {
                notes.push(
                    found(Rule::GenderNotRecorded)
                        .count("not_recorded", c.not_recorded)
                        .count("participants", c.total),
                );
            }
        }
        (CountSource::Records, Some(c)) => {
            if c.not_recorded > 0 {
                notes.push(
                    found(Rule::GenderNotRecorded)
                        .count("not_recorded", c.not_recorded)
                        .count("participants", c.total),
                );
            }
            if let Some(figure) = r.participants_total {
                if u64::from(figure) != c.total {
                    notes.push(
                        found(Rule::RecordsDifferFromFigure)
                            .count("records", c.total)
                            .count("figure", figure.into()),
                    );
                }
            }
        }
        _ => {}
    }
    if let Some(total) = r.participants_total {
        let session_figures: Vec<u32> = t
            .sessions
            .iter()
            .filter_map(|s| s.participants_total)
            .collect();
        if !session_figures.is_empty() && session_figures.len() == t.sessions.len() {
            let sum: u64 = session_figures.iter().map(|&n| u64::from(n)).sum();
            if sum != u64::from(total) {
                notes.push(
                    found(Rule::SessionsDifferFromTotal)
                        .count("sessions", sum)
                        .count("total", total.into()),
                );
            }
        }
    }
    if let Some(n) = r.countries_reached {
        let named = r.countries.len() as u64;
        let n = u64::from(n);
        if n > named {
            notes.push(
                found(Rule::CountriesNotNamed)
                    .count("reached", n)
                    .count("named", named),
            );
        } else if n < named {
            notes.push(
                found(Rule::CountriesReachedBelowListed)
                    .count("reached", n)
                    .count("named", named),
            );
        }
    }
    if r.value.is_none() {
        notes.push(found(Rule::ValueMissing));
    }
    if r.partners.is_empty() && r.funders.is_empty() {
        notes.push(found(Rule::NoPartner));
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
pub(super) fn listing_key(t: &TrainingFacts) -> (Option<(i32, u8, u8)>, &str) {
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
