//! The report of a period: [`build`] selects the period's trainings and works out their shares,
//! and `assemble` adds the shares up into totals, breakdowns, the listing, the period's quality
//! notes and the published figures beside the records'.

use std::collections::{BTreeMap, HashMap};

use super::count::{listing_key, prepare_all, Names, Prepared};
use super::model::{
    CountSource, CountryLine, DepartmentLine, GenderCounts, MonthLine, PartnerLine, Reconciliation,
    Report, ReportInput, TrainingFacts, TrainingLine, TrainingTotals,
};
use super::period::Period;
use super::persons::PersonSet;
use crate::date::{month_name, Precision};
use crate::money::Money;
use crate::quality::{Finding, Rule};
use crate::records::{Figure, Modality, PublishedFigure};
use crate::Countries;

/// Per country or department: participants from records, and the trainings that reached it,
/// counted once each by remembering the last training that did.
#[derive(Debug, Clone, Default)]
struct Tally {
    participants: Vec<u64>,
    /// Participants of trainings known by their figures alone that name only this one.
    from_figures: Vec<u64>,
    trainings: Vec<u64>,
    last_training: Vec<usize>,
    /// Participants of trainings known by their figures alone that name several: they cannot
    /// be shared out.
    not_split: u64,
}

impl Tally {
    fn sized(n: usize) -> Tally {
        Tally {
            participants: vec![0; n + 1],
            from_figures: vec![0; n + 1],
            trainings: vec![0; n + 1],
            last_training: vec![usize::MAX; n + 1],
            not_split: 0,
        }
    }

    fn grow(&mut self, code: u16) {
        let need = usize::from(code) + 1;
        if self.participants.len() < need {
            self.participants.resize(need, 0);
            self.from_figures.resize(need, 0);
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

    /// A training known by its figure: its participants go to the one it names, or, where it
    /// names several, to those not split.
    fn figures(&mut self, named: &[(u16, u64)], participants: u64) {
        match named {
            [] => {}
            [(code, _)] => {
                self.grow(*code);
                self.from_figures[usize::from(*code)] += participants;
            }
            _ => self.not_split += participants,
        }
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
    let prepared = prepare_all(&in_period, &input.persons, &mut names);
    let mut persons = PersonSet::new(input.persons.id_bound());
    for (t, p) in in_period.iter().zip(&prepared) {
        if p.source == CountSource::Records {
            persons.extend(&t.participants);
        }
    }
    let items: Vec<(&TrainingFacts, &Prepared)> = in_period.into_iter().zip(&prepared).collect();
    assemble(
        period,
        &items,
        persons.len(),
        input,
        &input.published,
        &names,
    )
}

/// Adds up the shares of the period's trainings, in listing order, into the report.
pub(super) fn assemble(
    period: Period,
    items: &[(&TrainingFacts, &Prepared)],
    record_persons: u64,
    input: &ReportInput,
    published: &[PublishedFigure],
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
    let mut by_partner: BTreeMap<String, (Vec<&'static str>, u64, u64, u64)> = BTreeMap::new();
    let mut by_month: BTreeMap<(i32, u8), (u64, u64)> = BTreeMap::new();
    let mut listing = Vec::with_capacity(items.len());
    let mut quality = Vec::new();

    for (training_no, (t, p)) in items.iter().enumerate() {
        let r = &t.record;
        totals.total += 1;
        match r.modality {
            Some(Modality::Physical) => totals.physical += 1,
            Some(Modality::Virtual) => totals.virtual_ += 1,
            Some(Modality::Hybrid) => totals.hybrid += 1,
            None => totals.modality_unknown += 1,
        }
        if let Some(v) = r.value {
            // Each value is at most `Money::MAX` (parsing refuses more), so no real number of
            // trainings reaches the bound; past it the sum stops at the largest amount rather
            // than wrapping or leaving trainings out.
            value = value.checked_add(v).unwrap_or(Money::from_cents(i64::MAX));
            value_known += 1;
        }
        let known = p.counts.map_or(0, |c| c.total);
        if let Some(c) = p.counts {
            participants.add(c);
        }
        if p.source == CountSource::Aggregate {
            aggregate_persons += known;
        }
        if p.source == CountSource::Aggregate {
            by_country.figures(&p.countries, known);
            by_department.figures(&p.departments, known);
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
                e.3 += u64::from(p.counts.is_some());
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
            status: r.status,
            note: r.note.clone(),
            summary: r.summary.clone(),
        });
    }
    quality.extend(super::between::findings(items));

    // The period's own findings.
    if totals.total > 0 && value_known < totals.total {
        quality.push(
            Finding::new(Rule::ValueNotRecorded, None)
                .count("without_value", totals.total - value_known)
                .count("trainings", totals.total)
                .count("with_value", value_known),
        );
    }
    if aggregate_persons > 0 {
        quality.push(
            Finding::new(Rule::PersonsFromAggregates, None).count("persons", aggregate_persons),
        );
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
                from_figures: by_country.from_figures[c],
                trainings: by_country.trainings[c],
            }
        })
        .collect();
    country_lines.sort_by(|a, b| {
        (b.participants + b.from_figures, b.trainings)
            .cmp(&(a.participants + a.from_figures, a.trainings))
            .then(a.name.cmp(&b.name))
    });
    let mut department_lines: Vec<DepartmentLine> = (1..by_department.trainings.len())
        .filter(|&d| by_department.trainings[d] > 0)
        .map(|d| DepartmentLine {
            name: names.departments.name(d as u16).to_string(),
            participants: by_department.participants[d],
            from_figures: by_department.from_figures[d],
            trainings: by_department.trainings[d],
        })
        .collect();
    department_lines.sort_by(|a, b| {
        (b.participants + b.from_figures, b.trainings)
            .cmp(&(a.participants + a.from_figures, a.trainings))
            .then(a.name.cmp(&b.name))
    });
    let mut partner_lines: Vec<PartnerLine> = by_partner
        .into_iter()
        .map(
            |(name, (roles, trainings, participants, counted))| PartnerLine {
                short_name: short(&name),
                name,
                roles,
                trainings,
                participants,
                counted,
            },
        )
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
    let mut published: Vec<Reconciliation> = published
        .iter()
        .map(|f| Reconciliation {
            figure: f.figure,
            published: f.value,
            records: figures_of(f.figure),
            note: f.note.clone(),
        })
        .collect();
    published.sort_by_key(|p| p.figure);
    let differing: Vec<String> = published
        .iter()
        .filter(|r| r.differs())
        .map(|r| r.figure.as_str().to_string())
        .collect();
    if !differing.is_empty() {
        quality.push(
            Finding::new(Rule::PublishedDiffers, None)
                .with("figures", crate::quality::Param::List(differing)),
        );
    }
    let declared = super::declared::explain(&published, &totals, value_known, &mut quality);
    let codes: Vec<&str> = listing.iter().map(|t| t.code.as_str()).collect();
    crate::quality::sort(&mut quality, &codes);

    Report {
        period,
        trainings: totals,
        value,
        value_known,
        participants,
        persons: record_persons + aggregate_persons,
        persons_from_records: record_persons,
        persons_from_aggregates: aggregate_persons,
        countries: country_lines,
        countries_not_split: by_country.not_split,
        departments: department_lines,
        departments_not_split: by_department.not_split,
        partners: partner_lines,
        months,
        listing,
        quality,
        published,
        declared,
        approval: None,
        unapproved_at_publication: false,
        agency: Default::default(),
    }
}
